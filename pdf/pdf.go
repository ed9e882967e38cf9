// Package pdf draws the documents the server hands out as PDF, the bureau's
// daily briefing first, without a browser: text as text in an embedded
// subset of a Chinese TrueType font (so it can be selected, searched and
// read back by pdftotext), charts as vector graphics, on A4.
//
// The font is read from a file (Font): Debian's fonts-arphic-gbsn00lp
// (AR PL SungtiL GB, the Arphic Public License) by default. It is not
// embedded in the binary: the licence lets it be copied only with its
// licence file and puts conditions on modified copies, and 5 MB of font is
// the operating system's to ship. Each PDF embeds only the glyphs it uses.
package pdf

import (
	"crypto/sha256"
	"fmt"
	"os"
	"sync"

	"github.com/signintech/gopdf"
)

// DefaultFontPath is where Debian's fonts-arphic-gbsn00lp puts its font.
const DefaultFontPath = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"

// Font is a TrueType font read from a file once, when first needed.
type Font struct {
	Path string

	once sync.Once
	data []byte
	err  error
}

// NewFont is the font at path (DefaultFontPath if "").
func NewFont(path string) *Font {
	if path == "" {
		path = DefaultFontPath
	}
	return &Font{Path: path}
}

// Data returns the font file's bytes.
func (f *Font) Data() ([]byte, error) {
	f.once.Do(func() {
		f.data, f.err = os.ReadFile(f.Path)
		if f.err != nil {
			f.err = fmt.Errorf("pdf: the PDF font %s cannot be read (install Debian's fonts-arphic-gbsn00lp, or give --pdf-font): %w", f.Path, f.err)
		}
	})
	return f.data, f.err
}

// substitutes stand in for characters the GB font lacks.
var substitutes = map[rune]rune{'–': '-', '✓': '√', '✔': '√', '•': '·', '\u00a0': ' '}

// newDoc starts an A4 document with the font embedded under a subset tag
// made from text (every character it will hold): a name that pdffonts
// reads as a subset, and that differs between documents of different
// glyphs, as the PDF specification asks.
func newDoc(f *Font, text string) (*gopdf.GoPdf, string, error) {
	data, err := f.Data()
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256([]byte(text))
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	family := string(tag) + "+ARPLSungtiLGB"
	doc := &gopdf.GoPdf{}
	doc.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	opt := gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(r rune) rune {
		if s, ok := substitutes[r]; ok {
			return s
		}
		return ' '
	}}
	if err := doc.AddTTFFontDataWithOption(family, data, opt); err != nil {
		return nil, "", fmt.Errorf("pdf: font %s: %w", f.Path, err)
	}
	return doc, family, nil
}
