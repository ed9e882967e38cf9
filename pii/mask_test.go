package pii

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"330381199001011234", "330381********1234"},
		{"11010519491231002X", "110105********002X"},
		{"330381900101123", "330381*****1123"},
		{"123", "***"},
		{"", ""},
	} {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+8613812345678", "+86138****5678"},
		{"+86 13812345678", "+86 138****5678"},
		{"0577-65812345", "0577-****2345"},
		{"057765812345", "0577****2345"},
		{"0577-6581234", "0577-***1234"},
		{"010-12345678", "010-****5678"},
		{"02112345678", "021****5678"},
		{"0577-65812345-802", "0577-****2345-802"},
		{"65812345", "****2345"}, // no area code: the last 4 kept
		{"1234567", "*******"},   // too short to keep any
		{"138 1234 5678", "*** **** 5678"},
		{"tel 12", "tel **"},
		{"", ""},
	} {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// Masked again, it stays as it is (a masked record through RedactJSON).
		if got := MaskPhone(tt.want); got != tt.want {
			t.Errorf("MaskPhone(%q) masked again = %q", tt.want, got)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"身份证 330381199001011234，电话 13812345678。", "身份证 330381********1234，电话 138****5678。"},
		{"id=11010519491231002X&x", "id=110105********002X&x"},
		{"id=11010519491231002x", "id=110105********002X"},
		{"ID33038119900101123X", "ID330381********123X"}, // letters do not bound a number
		{"330381 19900101 123X", "330381 ******** 123X"},
		{"138 1234 5678 or 138-1234-5678", "138 **** 5678 or 138-****-5678"},
		{"+8613812345678 008613812345678", "+86138****5678 0086138****5678"},
		{"old 330381900101123", "old 330381*****1123"},
		{"１３８１２３４５６７８", "138****5678"},
		// Left alone: numbers within longer ones, landlines in free text,
		// an all-digit credit code, impossible dates, 12 digits.
		{"order 1381234567890", "order 1381234567890"},
		{"card 6222330381199001011234", "card 6222330381199001011234"},
		{"913702816143139252", "913702816143139252"},
		{"330381199013011234", "330381199013011234"},
		{"12812345678", "12812345678"},
		{"138123456789", "138123456789"},
		{"138 1234 56789", "138 1234 56789"},
		{"138 1234-5678", "138 1234-5678"},
		{"2020-02-10 16:00 报告", "2020-02-10 16:00 报告"},
		{"", ""},
		{"没有数字", "没有数字"},
	} {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactJSON(t *testing.T) {
	in := `{"before":{"name":"张三","id_number":"33038119900101123x","phone":"0577-65812345","note":"手机13812345678"},` +
		`"after":{"id_number":null,"phone":13812345678,"mobile":["13900001111"],"count":330381199001011234,"ok":true,"n":1.5e3,` +
		`"330381199001011234":"key <b>&"}}`
	want := `{"before":{"name":"张三","id_number":"330381********123x","phone":"0577-****2345","note":"手机138****5678"},` +
		`"after":{"id_number":null,"phone":"138****5678","mobile":["139****1111"],"count":"330381********1234","ok":true,"n":1.5e3,` +
		`"330381********1234":"key <b>&"}}`
	got, err := RedactJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("RedactJSON:\n got %s\nwant %s", got, want)
	}
	if !json.Valid(got) {
		t.Error("the result is not JSON")
	}
	for _, bad := range []string{``, `{`, `{"a":1}x`, `{"a" 1}`, `[1,]`, strings.Repeat("[", 300) + strings.Repeat("]", 300)} {
		if _, err := RedactJSON([]byte(bad)); err == nil {
			t.Errorf("RedactJSON(%.20q) accepted", bad)
		}
	}
	if got, err := RedactJSON([]byte(` [ "13812345678" , 2 ] `)); err != nil || string(got) != `["138****5678",2]` {
		t.Errorf("an array: %s %v", got, err)
	}
}
