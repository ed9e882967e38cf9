// Package chart draws the UI's charts as SVG on the server, so they show
// without JavaScript, in print and in a PDF. A chart is a value that renders
// to template.HTML for inline use in a page; every text in it is escaped, and
// it is styled by SVG presentation attributes only (the pages' CSP forbids
// inline styles).
package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Colours shared with the stylesheet.
const (
	Green = "#1b7f3b"
	Amber = "#d98e04"
	Red   = "#b3261e"
	Blue  = "#0b5cad"
	Grey  = "#66788a"
	ink   = "#1f2933"
	grid  = "#d9e2ec"
)

// fontSize is the text size in user units. The charts are drawn narrow (360
// units), for a phone; a wider screen scales them up, and its stylesheet can
// set a smaller font-size to keep the text in proportion: the layout leaves
// room for this size, never less.
const fontSize = 13

// Rate thresholds for RateColor, in percent.
const (
	GoodRate = 90
	FairRate = 60
)

// RateColor colours a reporting rate: green from GoodRate, amber from
// FairRate, red below.
func RateColor(pct float64) string {
	switch {
	case pct >= GoodRate:
		return Green
	case pct >= FairRate:
		return Amber
	}
	return Red
}

// Swatch is one entry of a legend.
type Swatch struct {
	Color, Label string
}

// RateLegend explains RateColor.
func RateLegend() []Swatch {
	return []Swatch{
		{Green, "≥" + strconv.Itoa(GoodRate) + "%"},
		{Amber, strconv.Itoa(FairRate) + "–" + strconv.Itoa(GoodRate) + "%"},
		{Red, "<" + strconv.Itoa(FairRate) + "%"},
	}
}

// svgBuilder writes SVG markup; every text and attribute value goes through
// esc.
type svgBuilder struct{ strings.Builder }

func (b *svgBuilder) open(w, h int, class, title string) {
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart ` + class + `" viewBox="0 0 ` +
		strconv.Itoa(w) + " " + strconv.Itoa(h) + `" width="` + strconv.Itoa(w) + `" height="` + strconv.Itoa(h) +
		`" role="img" aria-label="` + esc(title) + `" font-size="` + strconv.Itoa(fontSize) + `" fill="` + ink + `">`)
	b.WriteString(`<title>` + esc(title) + `</title>`)
}

func (b *svgBuilder) close() template.HTML {
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// text writes a <text> element; anchor is start, middle or end.
func (b *svgBuilder) text(x, y float64, anchor, class, s string) {
	b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if anchor != "" && anchor != "start" {
		b.WriteString(` text-anchor="` + anchor + `"`)
	}
	if class != "" {
		b.WriteString(` class="` + class + `"`)
	}
	b.WriteString(`>` + esc(s) + `</text>`)
}

func (b *svgBuilder) line(x1, y1, x2, y2 float64, stroke string) {
	b.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) +
		`" stroke="` + esc(stroke) + `" stroke-width="1"/>`)
}

// empty is the whole chart when there is nothing to draw.
func empty(w int, class, title string) template.HTML {
	var b svgBuilder
	b.open(w, 40, class+" empty", title)
	b.text(float64(w)/2, 25, "middle", "note", "暂无数据")
	return b.close()
}

// legend draws swatches in a row from (x, y) (the text baseline).
func (b *svgBuilder) legend(x, y float64, items []Swatch) {
	for _, s := range items {
		b.WriteString(`<rect class="swatch" x="` + num(x) + `" y="` + num(y-10) + `" width="12" height="12" rx="2" fill="` + color(s.Color) + `"/>`)
		b.text(x+16, y, "", "", s.Label)
		x += 16 + textWidth(s.Label) + 14
	}
}

// esc makes s safe as SVG (XML) text or a quoted attribute value: it drops
// the characters XML cannot hold at all and escapes the markup ones.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if r < 0x20 || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
	return template.HTMLEscapeString(s)
}

// color accepts a #rgb or #rrggbb colour and falls back to Blue.
func color(c string) string {
	if len(c) != 4 && len(c) != 7 || c[0] != '#' {
		return Blue
	}
	for _, r := range c[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return Blue
		}
	}
	return c
}

// link accepts a path on this site (not a scheme, not another host).
func link(href string) string {
	if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") || strings.ContainsAny(href, `\`+"\x00") {
		return ""
	}
	return href
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// clean turns NaN, infinities and negatives into 0.
func clean(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// Format writes a value as a label: whole numbers plain, others with one decimal.
func Format(v float64) string {
	v = clean(v)
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// textWidth estimates the width of s at fontSize: a CJK character is one em,
// other characters about 0.6 em.
func textWidth(s string) float64 {
	var w float64
	for _, r := range s {
		if r >= 0x1100 && (unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x30FF || r >= 0xFF00 && r <= 0xFFEF) {
			w += 1
		} else {
			w += 0.6
		}
	}
	return w * fontSize
}

// niceScale is the end of a scale of ticks equal steps that covers v: each
// step is 1, 2, 2.5 or 5 times a power of ten, and at least 1, since the
// charts count people and percentages.
func niceScale(v float64, ticks int) float64 {
	step := v / float64(ticks)
	if step <= 1 {
		return float64(ticks)
	}
	p := math.Pow(10, math.Floor(math.Log10(step)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step <= m*p {
			return m * p * float64(ticks)
		}
	}
	return 10 * p * float64(ticks)
}
