package pii

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzNormalizeIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "11010519491231002x", " 330381 19900101 129X",
		"１１０１０５１９４９１２３１００２ｘ", "110105491231002", "11010519490229002X", "", "X", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, msg := NormalizeIDNumber(s)
		if msg != "" {
			return
		}
		if len(got) != 18 || IDBirthDate(got) == "" {
			t.Fatalf("%q accepted as %q", s, got)
		}
		if c, err := IDCheckChar(got[:17]); err != nil || c != got[17] {
			t.Fatalf("%q accepted with a wrong check character", got)
		}
		if again, msg := NormalizeIDNumber(got); again != got || msg != "" {
			t.Fatalf("not idempotent: %q → %q %q", got, again, msg)
		}
		if Redact(got) != MaskID(got) || strings.Contains(Redact("身份证"+got+"。"), got[6:14]) {
			t.Fatalf("a valid number %s escapes Redact: %q", got, Redact(got))
		}
	})
}

// digitRuns are the whole runs of digits (and a trailing X) in s.
func digitRuns(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			i++
			continue
		}
		j := runEnd(rs, i)
		tok := ascii(rs[i:j])
		if j < len(rs) && isX(rs[j]) {
			tok += "X"
		}
		out = append(out, tok)
		i = j
	}
	return out
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"身份证 330381199001011230，电话 13812345678。", "ID33038119900101129x", "138 1234 5678",
		"330381 19900101 129X", "+8613812345678", "１３８１２３４５６７８", "913702816143139252", "2020-02-10", "\xff1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		for _, tok := range digitRuns(out) {
			if idShaped(tok) || isMobile(tok) || oldIDShaped(tok) {
				t.Fatalf("Redact(%q) = %q keeps %s", s, out, tok)
			}
		}
		if again := Redact(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("Redact(%q) broke UTF-8: %q", s, out)
		}
	})
}

func FuzzRedactJSON(f *testing.F) {
	for _, s := range []string{`{"id_number":"330381199001011230","phone":"0577-65812345","a":[13812345678,"x"]}`,
		`[1,2,{"b":null}]`, `"13812345678"`, `{"a":`, `1e400`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := RedactJSON([]byte(s))
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("RedactJSON(%q) = %q, not JSON", s, out)
		}
		for _, tok := range digitRuns(string(out)) {
			if idShaped(tok) || isMobile(tok) {
				t.Fatalf("RedactJSON(%q) = %q keeps %s", s, out, tok)
			}
		}
	})
}

func FuzzMaskPhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 13812345678", "0577-65812345-802", "057765812345", "65812345", "", "+86-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskPhone(s)
		digits := func(s string) (n int) {
			for _, r := range s {
				if isDigit(r) {
					n++
				}
			}
			return n
		}
		if d := digits(s); d >= 7 && digits(out) >= d {
			t.Fatalf("MaskPhone(%q) = %q hides nothing", s, out)
		}
		if m := strings.TrimSpace(s); isMobile(m) && out != m[:3]+"****"+m[7:] {
			t.Fatalf("MaskPhone(%q) = %q", s, out)
		}
	})
}
