package tickets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalizePlate: a plate typed any way either is refused with a
// message or comes out as a plate, which is taken again as it is. go test
// runs the seeds; make fuzz runs it longer.
func FuzzNormalizePlate(f *testing.F) {
	for _, s := range []string{"浙C12345", "浙 c·12345", "浙CD12345", "浙C12345D", "浙Ｃ１２３４５", "浙C1234挂", "浙C1234学",
		"沪AI2345", "C12345", "浙", "", " ", "\x00", "浙\x00C12345", "\xff\xfe", "\xe6\xb5", strings.Repeat("浙", 1000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plate, msg := NormalizePlate(s)
		if msg != "" {
			return
		}
		if !utf8.ValidString(plate) || utf8.RuneCountInString(plate) < 7 || utf8.RuneCountInString(plate) > 8 {
			t.Fatalf("%q taken as %q", s, plate)
		}
		if again, msg := NormalizePlate(plate); again != plate || msg != "" {
			t.Fatalf("%q: normalised again to %q %q", plate, again, msg)
		}
	})
}
