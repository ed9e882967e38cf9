package pii

import (
	"strings"
	"testing"
	"time"
)

func TestIDNumber(t *testing.T) {
	// The specimens of GB 11643 (DOMAIN.md).
	for _, id := range []string{"11010519491231002X", "440524188001010014"} {
		if got, msg := NormalizeIDNumber(id); msg != "" || got != id {
			t.Errorf("specimen %s: %q %q", id, got, msg)
		}
	}
	ruian, _ := MakeIDNumber("330381", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 123)
	for _, tt := range []struct{ in, want, msg string }{
		{" 11010519491231002x ", "11010519491231002X", ""},
		{"110105 19491231 002X", "11010519491231002X", ""},
		{"１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", ""}, // full width
		{ruian, ruian, ""},
		{"", "", "必填"},
		{"   ", "", "必填"},
		{"11010519491231002", "", "应为18位"},
		{"11010519491231002XX", "", "应为18位"},
		{"110105491231002", "", "15位"},
		{"11010519491231002Y", "", "第18位应为数字或 X"},
		{"1101051949123100X2", "", "前17位应为数字"},
		{"11010519491231002Ｙ", "", "应为18位"}, // a full-width letter stays multi-byte
		{"11010519491231003X", "", "校验位错误"},
		{"110105194912310020", "", "校验位错误"},
		{"910105194912310023", "", "行政区划"},
		{"000105194912310023", "", "行政区划"},
		{"110105194902300020", "", "出生日期"}, // 30 February
		{"110105194913010020", "", "出生日期"},
		{"110105170001010020", "", "出生日期"}, // 1700
		{"11010519490229002X", "", "出生日期"}, // 1949 was no leap year
	} {
		got, msg := NormalizeIDNumber(tt.in)
		if !strings.Contains(msg, tt.msg) || (tt.msg == "" && msg != "") {
			t.Errorf("%q: message %q, want %q", tt.in, msg, tt.msg)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	if d := IDBirthDate("11010519491231002X"); d != "1949-12-31" {
		t.Errorf("birth date %q", d)
	}
	if IDMale("11010519491231002X") {
		t.Errorf("11010519491231002X is a woman's (sequence 002)")
	}
	if !IDMale("440524188001010014") {
		t.Errorf("440524188001010014 is a man's (sequence 001)")
	}
}

func TestIDCheckCharEveryDigit(t *testing.T) {
	// Changing any one digit changes the check character: every weight is
	// non-zero mod 11, a prime.
	base := "33038119900101123"
	want, err := IDCheckChar(base)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 17 {
		b := []byte(base)
		b[i] = '0' + (b[i]-'0'+1)%10
		if got, _ := IDCheckChar(string(b)); got == want {
			t.Errorf("changing digit %d kept check %c", i+1, got)
		}
	}
	if _, err := IDCheckChar("3303811990010112"); err == nil {
		t.Error("16 digits accepted")
	}
	if _, err := IDCheckChar("3303811990010112A"); err == nil {
		t.Error("a letter accepted")
	}
}

func TestMakeIDNumber(t *testing.T) {
	birth := time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)
	if id, err := MakeIDNumber("110105", birth, 2); err != nil || id != "11010519491231002X" {
		t.Errorf("MakeIDNumber = %q %v, want the specimen", id, err)
	}
	for _, tt := range []struct {
		div string
		seq int
	}{{"11010", 1}, {"910105", 1}, {"1101AB", 1}, {"110105", -1}, {"110105", 1000}} {
		if _, err := MakeIDNumber(tt.div, birth, tt.seq); err == nil {
			t.Errorf("MakeIDNumber(%q, %d) accepted", tt.div, tt.seq)
		}
	}
}

func TestIDGenerator(t *testing.T) {
	const n = 30000
	a, b := NewIDGenerator(42), NewIDGenerator(42)
	seen := map[string]bool{}
	divisions := map[string]int{}
	hubei := 0
	for i := range n {
		g := a.Next()
		if h := b.Next(); h != g {
			t.Fatalf("#%d: the same seed gave %v and %v", i, g, h)
		}
		if got, msg := NormalizeIDNumber(g.Number); msg != "" || got != g.Number {
			t.Fatalf("#%d: %s is invalid: %s", i, g.Number, msg)
		}
		if seen[g.Number] {
			t.Fatalf("#%d: %s repeated", i, g.Number)
		}
		seen[g.Number] = true
		if g.Number[:6] != g.Division.Code || IDBirthDate(g.Number) != g.Birth || IDMale(g.Number) != g.Male {
			t.Fatalf("#%d: %+v does not describe its number", i, g)
		}
		if g.Birth < "1960-02-01" || g.Birth > "2002-01-31" {
			t.Fatalf("#%d: born %s, not of working age in 2020", i, g.Birth)
		}
		divisions[g.Division.Code]++
		if g.Division.Hubei {
			hubei++
			if !strings.HasPrefix(g.Number, "42") {
				t.Fatalf("#%d: Hubei division %s", i, g.Division.Code)
			}
		}
	}
	if share := float64(divisions["330381"]) / n; share < 0.45 || share > 0.6 {
		t.Errorf("Ruian's share %.2f", share)
	}
	if hubei == 0 || len(divisions) != len(DemoDivisions) {
		t.Errorf("%d from Hubei, %d divisions of %d", hubei, len(divisions), len(DemoDivisions))
	}
	if NewIDGenerator(43).Next() == NewIDGenerator(42).Next() {
		t.Error("another seed gave the same first number")
	}
}
