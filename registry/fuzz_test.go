package registry

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzzers of what people type into the registry. go test runs their
// seeds; make fuzz runs each longer.

// hostile are inputs every parser of outside text is seeded with.
var hostile = []string{"", " ", "\x00", "a\x00b", "\xff\xfe", "\xc3", "\u00a0", "\u3000", "\ufeff",
	strings.Repeat("9", 10000), "10000-01-01", "9999-12-31", "9223372036854775807", "-1", "'; DROP TABLE enterprises; --"}

func FuzzNormalizeUSCC(f *testing.F) {
	for _, s := range append([]string{"91310110666007217T", " 91310110666007217t ", "9137028167179100XT", "91330381MA2AAAA01Q",
		"91310110666007217A", "913101106660072１7T", "91AB0110666007217T", "ｉ1310110666007217T", "91310110666007217\x00"}, hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, msg := NormalizeUSCC(s)
		if msg != "" {
			return
		}
		// A code taken is 18 characters of the alphabet with its check
		// character, and is taken again as it is.
		if len(code) != 18 || !utf8.ValidString(code) || strings.Trim(code, usccAlphabet) != "" {
			t.Fatalf("%q taken as %q", s, code)
		}
		if c, err := USCCCheckChar(code[:17]); err != nil || c != code[17] {
			t.Fatalf("%q: check character %q, want %q (%v)", code, code[17], c, err)
		}
		if again, msg := NormalizeUSCC(code); again != code || msg != "" {
			t.Fatalf("%q: normalised again to %q %q", code, again, msg)
		}
	})
}

func FuzzUSCCCheckChar(f *testing.F) {
	for _, s := range append([]string{"91310110666007217", "9137028167179100X", "00000000000000000", "YYYYYYYYYYYYYYYYY"}, hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := USCCCheckChar(s)
		if err != nil {
			return
		}
		if strings.IndexByte(usccAlphabet, c) < 0 {
			t.Fatalf("%q: check character %q is not in the alphabet", s, c)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range append([]string{"13912345678", "+86 139 1234 5678", "008613912345678", "0577-65812345", "057765812345",
		"（0577）65812345", "0577-65812345-123", "1391234567８", "12345678901"}, hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		phone, msg := NormalizePhone(s)
		if msg != "" {
			return
		}
		// A number taken is ASCII digits and dashes, and is taken again as it is.
		if phone == "" || strings.Trim(phone, "0123456789-") != "" {
			t.Fatalf("%q taken as %q", s, phone)
		}
		if again, msg := NormalizePhone(phone); again != phone || msg != "" {
			t.Fatalf("%q: normalised again to %q %q", phone, again, msg)
		}
	})
}
