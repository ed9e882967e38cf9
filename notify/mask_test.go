package notify

import "testing"

func TestMaskPhone(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138 1234 5678", "138****5678"},
		{"0577-65812345", "0577-****2345"},
		{"(0577)65812345", "0577-****2345"},
		{"0577-65812345-801", "0577-****2345-801"},
		{"010-12345678", "010-****5678"},
		{"021-1234567", "021-***4567"},
		{"tel 5771-2345", "tel ****-2345"},
		{"", ""},
	} {
		if got := maskPhone(tt.in); got != tt.want {
			t.Errorf("maskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
