package chart

import (
	"html/template"
	"math"
)

// Bar is one bar of a horizontal bar chart.
type Bar struct {
	Label string
	Value float64
	Text  string // written after the bar; the value when empty
	Fill  string // #rrggbb; Blue when empty
	Href  string // a path on this site the bar links to, optional
	Title string // the tooltip; label and text when empty
}

// HBar is a horizontal bar chart: one row per category, labels on the left,
// the value after each bar. It suits a ranking of towns on a phone.
type HBar struct {
	Title  string // the accessible name
	Bars   []Bar
	Max    float64 // the end of the scale; the largest value, rounded up, when 0
	Unit   string  // written after the scale's tick labels, such as "%"
	Width  int     // of the view box; 360 when 0
	Legend []Swatch
}

const (
	barRow    = 22
	barHeight = 14
	barTop    = 6
	barAxis   = 20
	barLegend = 24
)

// HTML renders the chart.
func (c HBar) HTML() template.HTML {
	w := c.Width
	if w <= 0 {
		w = 360
	}
	if len(c.Bars) == 0 {
		return empty(w, "chart-bar", c.Title)
	}
	scale := clean(c.Max)
	labelW, valueW := 0.0, textWidth("100%")
	texts := make([]string, len(c.Bars))
	for i, b := range c.Bars {
		labelW = math.Max(labelW, textWidth(b.Label))
		texts[i] = b.Text
		if texts[i] == "" {
			texts[i] = Format(b.Value)
		}
		valueW = math.Max(valueW, textWidth(texts[i]))
		if c.Max <= 0 {
			scale = math.Max(scale, clean(b.Value))
		}
	}
	if c.Max <= 0 {
		scale = niceScale(scale, 4)
	}
	if scale <= 0 { // a NaN or infinite Max
		scale = niceScale(0, 4)
	}
	x0 := math.Min(labelW, float64(w)*0.4) + 8
	plotW := math.Max(float64(w)-x0-valueW-8, 20)
	h := barTop + len(c.Bars)*barRow + barAxis
	if len(c.Legend) > 0 {
		h += barLegend
	}
	var b svgBuilder
	b.open(w, h, "chart-bar", c.Title)

	// The scale: gridlines at quarters, labelled under the last row.
	axisY := float64(barTop + len(c.Bars)*barRow)
	for i := 0; i <= 4; i++ {
		x := x0 + plotW*float64(i)/4
		b.line(x, barTop, x, axisY, grid)
		anchor := "middle"
		if i == 4 {
			anchor = "end"
		}
		b.text(x, axisY+15, anchor, "tick", Format(scale*float64(i)/4)+c.Unit)
	}

	for i, bar := range c.Bars {
		v := math.Min(clean(bar.Value), scale)
		y := float64(barTop + i*barRow)
		bw := plotW * v / scale
		title := bar.Title
		if title == "" {
			title = bar.Label + " " + texts[i]
		}
		href := link(bar.Href)
		if href != "" {
			b.WriteString(`<a href="` + esc(href) + `">`)
		}
		b.WriteString(`<g class="row"><title>` + esc(title) + `</title>`)
		b.text(x0-8, y+barRow/2+4, "end", "label", bar.Label)
		b.WriteString(`<rect class="bar" x="` + num(x0) + `" y="` + num(y+(barRow-barHeight)/2) + `" width="` + num(bw) +
			`" height="` + num(barHeight) + `" rx="2" fill="` + color(bar.Fill) + `"/>`)
		b.text(x0+bw+4, y+barRow/2+4, "", "value", texts[i])
		b.WriteString(`</g>`)
		if href != "" {
			b.WriteString(`</a>`)
		}
	}
	if len(c.Legend) > 0 {
		b.legend(x0, float64(h)-6, c.Legend)
	}
	return b.close()
}
