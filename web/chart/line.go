package chart

import (
	"html/template"
	"math"
)

// Series is one line of a line chart.
type Series struct {
	Name   string
	Values []float64
	Color  string
	Dashed bool
	// Tips are the tooltips of the points, optional, one per value.
	Tips []string
}

// Line is a line chart over a sequence of labelled points (days).
type Line struct {
	Title  string   // the accessible name
	Labels []string // of the x axis, one per point
	Series []Series
	Max    float64 // the top of the scale; the largest value, rounded up, when 0
	Unit   string  // written after the scale's tick labels, such as "%"
	Width  int     // of the view box; 360 when 0
	Height int     // of the view box; 200 when 0
	// MaxLabels bounds the x labels written; 6 when 0.
	MaxLabels int
	// Unfinished marks the last point as a day still under way (today):
	// reached by a dotted segment, hollow, and labelled 今日未完, so that
	// its low count does not read as a plunge.
	Unfinished bool
}

// HTML renders the chart.
func (c Line) HTML() template.HTML {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = 360
	}
	if h <= 0 {
		h = 200
	}
	n := len(c.Labels)
	if n == 0 || len(c.Series) == 0 {
		return empty(w, "chart-line", c.Title)
	}
	const ticks = 4
	scale := clean(c.Max)
	if c.Max <= 0 {
		for _, s := range c.Series {
			for _, v := range s.Values {
				scale = math.Max(scale, clean(v))
			}
		}
		scale = niceScale(scale, ticks)
	}
	if scale <= 0 { // a NaN or infinite Max
		scale = niceScale(0, 4)
	}
	left := 0.0
	for i := 0; i <= ticks; i++ {
		left = math.Max(left, textWidth(Format(scale*float64(i)/ticks)+c.Unit))
	}
	left += 8
	top, right, bottom := 28.0, 12.0, 24.0
	plotW, plotH := float64(w)-left-right, float64(h)-top-bottom
	x := func(i int) float64 {
		if n == 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return top + plotH*(1-math.Min(clean(v), scale)/scale) }

	var b svgBuilder
	b.open(w, h, "chart-line", c.Title)
	for i := 0; i <= ticks; i++ {
		v := scale * float64(i) / ticks
		b.line(left, y(v), float64(w)-right, y(v), grid)
		b.text(left-6, y(v)+4, "end", "tick", Format(v)+c.Unit)
	}
	for _, i := range labelIndexes(n, c.MaxLabels) {
		anchor := "middle"
		switch {
		case n > 1 && i == 0:
			anchor = "start"
		case n > 1 && i == n-1:
			anchor = "end"
		}
		b.line(x(i), top+plotH, x(i), top+plotH+4, grid)
		b.text(x(i), float64(h)-6, anchor, "tick", c.Labels[i])
	}

	// The legend, above the plot.
	lx := left
	for _, s := range c.Series {
		b.WriteString(`<line x1="` + num(lx) + `" y1="12" x2="` + num(lx+18) + `" y2="12" stroke="` + color(s.Color) + `" stroke-width="2"` + dash(s.Dashed) + `/>`)
		b.text(lx+22, 16, "", "", s.Name)
		lx += 22 + textWidth(s.Name) + 16
	}

	for _, s := range c.Series {
		vals := s.Values
		if len(vals) > n {
			vals = vals[:n]
		}
		if len(vals) == 0 {
			continue
		}
		col := color(s.Color)
		done := vals
		if c.Unfinished && len(vals) > 1 {
			done = vals[:len(vals)-1]
		}
		b.WriteString(`<g class="series"><title>` + esc(s.Name) + `</title><polyline fill="none" stroke="` + col +
			`" stroke-width="2" stroke-linejoin="round"` + dash(s.Dashed) + ` points="`)
		for i, v := range done {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(num(x(i)) + "," + num(y(v)))
		}
		b.WriteString(`"/>`)
		if len(done) < len(vals) {
			i := len(vals) - 1
			b.WriteString(`<line class="unfinished" x1="` + num(x(i-1)) + `" y1="` + num(y(vals[i-1])) + `" x2="` + num(x(i)) + `" y2="` + num(y(vals[i])) +
				`" stroke="` + col + `" stroke-width="1.5" stroke-dasharray="2 3" stroke-opacity=".7"/>`)
		}
		for i, v := range vals {
			tip := c.Labels[i] + " " + s.Name + " " + Format(v) + c.Unit
			if i < len(s.Tips) && s.Tips[i] != "" {
				tip = s.Tips[i]
			}
			fill := col
			if i >= len(done) {
				fill, tip = "#fff", tip+"（今日未完）"
			}
			b.WriteString(`<circle class="point" cx="` + num(x(i)) + `" cy="` + num(y(v)) + `" r="2.5" fill="` + fill + `" stroke="` + col + `"><title>` + esc(tip) + `</title></circle>`)
		}
		b.WriteString(`</g>`)
	}
	if c.Unfinished && n > 1 {
		b.text(x(n-1), top-4, "end", "unfinished", "今日未完")
	}
	return b.close()
}

func dash(on bool) string {
	if on {
		return ` stroke-dasharray="5 3"`
	}
	return ""
}

// labelIndexes picks at most `most` evenly spaced indexes of n labels, always
// the first and the last.
func labelIndexes(n, most int) []int {
	if most <= 1 {
		most = 6
	}
	if n <= most {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	step := (n - 1 + most - 2) / (most - 1)
	var out []int
	for i := 0; i < n-1; i += step {
		out = append(out, i)
	}
	// Keep the last label clear of the one before it.
	if last := out[len(out)-1]; n-1-last < (step+1)/2 && len(out) > 1 {
		out = out[:len(out)-1]
	}
	return append(out, n-1)
}
