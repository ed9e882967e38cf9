package files

import (
	"bytes"
	"testing"

	"fugong"
)

var (
	jpeg = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{1}, 100)...)
	png  = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	pdf  = []byte("%PDF-1.4\n%fake but well-formed enough\n")
	webp = append([]byte("RIFF\x10\x00\x00\x00WEBPVP8 "), bytes.Repeat([]byte{1}, 20)...)
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name     string
		u        Upload
		accepted []string
		want     string
		code     string
	}{
		{"jpeg photo", Upload{"门口.JPG", jpeg}, Images, JPEG, ""},
		{"png photo", Upload{"a.png", png}, Images, PNG, ""},
		{"webp photo", Upload{"a.webp", webp}, Images, WebP, ""},
		{"pdf letter", Upload{"承诺书.pdf", pdf}, Document, PDF, ""},
		{"scan of a letter", Upload{"承诺书.jpeg", jpeg}, Document, JPEG, ""},
		{"pdf where a photo goes", Upload{"a.pdf", pdf}, Images, "", fugong.EInvalid},
		{"text named .jpg", Upload{"a.jpg", []byte("hello, not a picture")}, Images, "", fugong.EInvalid},
		{"png named .jpg", Upload{"a.jpg", png}, Images, "", fugong.EInvalid},
		{"no extension", Upload{"photo", jpeg}, Images, "", fugong.EInvalid},
		{"empty", Upload{"a.jpg", nil}, Images, "", fugong.EInvalid},
		{"too large", Upload{"a.jpg", append(jpeg, make([]byte, MaxSize)...)}, Images, "", fugong.ETooLarge},
		{"path in name", Upload{"../a.jpg", jpeg}, Images, "", fugong.EInvalid},
		{"bad utf-8 name", Upload{"\xff.jpg", jpeg}, Images, "", fugong.EInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Check("photo", c.u, c.accepted)
			code := ""
			if err != nil {
				code = fugong.ErrorCode(err)
			}
			if code != c.code || got != c.want {
				t.Fatalf("got %q, %v; want %q, code %q", got, err, c.want, c.code)
			}
			if err != nil && fugong.AsError(err).Field != "photo" {
				t.Errorf("error names field %q, want photo", fugong.AsError(err).Field)
			}
		})
	}
}
