// Package files holds the rules for the files people attach: inspection
// photos, commitment letters, prevention plans, ticket attachments. A file
// is what its bytes say it is, not what its name or the browser claims.
package files

import (
	"bytes"
	"context"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// MaxSize is the largest file kept: a phone photo or a scanned letter.
const MaxSize = 10 << 20

// Content types the service accepts.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	WebP = "image/webp"
	PDF  = "application/pdf"
)

// Kinds of file a field takes.
var (
	Images   = []string{JPEG, PNG, WebP}
	Document = []string{PDF, JPEG, PNG}
)

// extensions are the names each type may carry.
var extensions = map[string][]string{
	JPEG: {".jpg", ".jpeg"},
	PNG:  {".png"},
	WebP: {".webp"},
	PDF:  {".pdf"},
}

// typeNames name the types in messages.
var typeNames = map[string]string{JPEG: "JPEG", PNG: "PNG", WebP: "WebP", PDF: "PDF"}

// File is a stored file's description; its bytes are kept beside it.
type File struct {
	ID          int64     `json:"id"`
	Enterprise  string    `json:"enterprise,omitempty"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Store reads a stored file and its bytes, if it is about an enterprise
// in the actor's scope (not found otherwise).
type Store interface {
	File(ctx context.Context, a fugong.Actor, id int64) (File, []byte, error)
}

// Upload is a file as received, before it is stored.
type Upload struct {
	Name string
	Data []byte
}

// Sniff returns the content type the bytes show, or "" for none accepted.
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return WebP
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF
	}
	return ""
}

// Check validates an upload for field against the accepted types and returns
// its content type: a file must be non-empty, at most MaxSize, of an accepted
// type by its bytes, and named with an extension of that type.
func Check(field string, u Upload, accepted []string) (string, error) {
	names := make([]string, len(accepted))
	for i, t := range accepted {
		names[i] = typeNames[t]
	}
	want := strings.Join(names, "、")
	switch {
	case len(u.Data) == 0:
		return "", fugong.Errorf(fugong.EInvalid, field, "文件 %s 是空的", u.Name)
	case len(u.Data) > MaxSize:
		return "", fugong.Errorf(fugong.ETooLarge, field, "文件 %s 超过 %d MB 上限", u.Name, MaxSize>>20)
	case !utf8.ValidString(u.Name) || len(u.Name) > 255 || strings.ContainsAny(u.Name, "\x00/\\"):
		return "", fugong.Errorf(fugong.EInvalid, field, "文件名无效")
	}
	ctype := Sniff(u.Data)
	ok := false
	for _, t := range accepted {
		ok = ok || t == ctype
	}
	if !ok {
		return "", fugong.Errorf(fugong.EInvalid, field, "文件 %s 不是 %s 文件", u.Name, want)
	}
	ext := strings.ToLower(path.Ext(u.Name))
	for _, e := range extensions[ctype] {
		if e == ext {
			return ctype, nil
		}
	}
	return "", fugong.Errorf(fugong.EInvalid, field, "文件 %s 的内容是 %s，与扩展名不符", u.Name, typeNames[ctype])
}
