// Package qrcode draws QR codes, as PNG for printing and SVG for pages: a
// thin wrapper over github.com/piglig/go-qr, a port of Nayuki's reference
// generator that has no dependencies and writes both formats itself.
//
// Every code is drawn at error-correction level M (15 % of the symbol may
// be lost: a printed code taped to a checkpoint's booth survives rain,
// creases and glare) with the standard's quiet zone of 4 modules.
package qrcode

import (
	"bytes"
	"errors"
	"fmt"

	goqr "github.com/piglig/go-qr"
)

// Border is the quiet zone around the symbol, in modules: the standard's
// minimum, which phone scanners need to find the code.
const Border = 4

// Scales a PNG may be drawn at, in pixels per module. DefaultScale makes a
// code of a post's URL (41 modules with its border) 328 pixels wide.
const (
	MinScale     = 1
	MaxScale     = 40
	DefaultScale = 8
)

// MaxText bounds what a code carries: a URL, not a document. Longer text
// makes a dense code that a phone reads badly at arm's length.
const MaxText = 512

// ErrText is text that makes no code: empty or longer than MaxText.
var ErrText = errors.New("qrcode: text must be 1 to 512 bytes")

func encode(text string) (*goqr.QrCode, error) {
	if text == "" || len(text) > MaxText {
		return nil, ErrText
	}
	q, err := goqr.EncodeText(text, goqr.Medium)
	if err != nil {
		return nil, fmt.Errorf("qrcode: %w", err)
	}
	return q, nil
}

// PNG draws text as a black-on-white PNG, scale pixels per module (0 for
// DefaultScale).
func PNG(text string, scale int) ([]byte, error) {
	if scale == 0 {
		scale = DefaultScale
	}
	if scale < MinScale || scale > MaxScale {
		return nil, fmt.Errorf("qrcode: scale %d is not within %d–%d", scale, MinScale, MaxScale)
	}
	q, err := encode(text)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := q.WriteAsPNG(goqr.NewQrCodeImgConfig(scale, Border), &b); err != nil {
		return nil, fmt.Errorf("qrcode: %w", err)
	}
	return b.Bytes(), nil
}

// SVG draws text as a black-on-white SVG of one unit per module, quiet
// zone included (viewBox "0 0 n n"), with no width or height: it fills the
// box the page gives it and prints sharp at any size.
func SVG(text string) ([]byte, error) {
	q, err := encode(text)
	if err != nil {
		return nil, err
	}
	// The library's SVG border is in user units, not modules: at scale 1
	// the two are the same.
	var b bytes.Buffer
	if err := q.WriteAsSVG(goqr.NewQrCodeImgConfig(1, Border), &b); err != nil {
		return nil, fmt.Errorf("qrcode: %w", err)
	}
	return b.Bytes(), nil
}
