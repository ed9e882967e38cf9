package chart

import (
	"html/template"
	"strconv"
)

// Tile is one cell of a tile map: a place drawn as a square at its column
// and row, coloured by a value.
type Tile struct {
	Col, Row int
	Label    string // the place's name, on the first line
	Text     string // the value as written, on the second line
	Fill     string // #rrggbb; Grey when empty
	Href     string // a path on this site the tile links to, optional
	Title    string // the tooltip; label and text when empty
}

// TileMap is a schematic map: places as equal tiles in their rough
// geographic arrangement, for figures where where matters more than
// exact shape.
type TileMap struct {
	Title  string // the accessible name
	Tiles  []Tile
	Size   int // a tile's side in user units; 96 when 0
	Legend []Swatch
}

// HTML draws the map.
func (m TileMap) HTML() template.HTML {
	if len(m.Tiles) == 0 {
		return empty(360, "tilemap", m.Title)
	}
	size := m.Size
	if size <= 0 {
		size = 96
	}
	const gap = 6
	cols, rows := 0, 0
	for _, t := range m.Tiles {
		cols, rows = max(cols, t.Col+1), max(rows, t.Row+1)
	}
	w, h := cols*(size+gap)+gap, rows*(size+gap)+gap
	legendH := 0
	if len(m.Legend) > 0 {
		legendH = 24
	}
	var b svgBuilder
	b.open(w, h+legendH, "tilemap", m.Title)
	s := float64(size)
	for _, t := range m.Tiles {
		x, y := float64(gap+t.Col*(size+gap)), float64(gap+t.Row*(size+gap))
		fill := Grey
		if t.Fill != "" {
			fill = color(t.Fill)
		}
		title := t.Title
		if title == "" {
			title = t.Label + " " + t.Text
		}
		href := link(t.Href)
		if href != "" {
			b.WriteString(`<a href="` + esc(href) + `">`)
		}
		b.WriteString(`<g class="tile"><title>` + esc(title) + `</title>`)
		b.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + strconv.Itoa(size) + `" height="` +
			strconv.Itoa(size) + `" rx="6" fill="` + fill + `"/>`)
		b.WriteString(`<text x="` + num(x+s/2) + `" y="` + num(y+s*0.42) + `" text-anchor="middle" fill="#ffffff" class="tile-name">` + esc(t.Label) + `</text>`)
		b.WriteString(`<text x="` + num(x+s/2) + `" y="` + num(y+s*0.72) + `" text-anchor="middle" fill="#ffffff" class="tile-value" font-size="` +
			strconv.Itoa(fontSize+5) + `" font-weight="bold">` + esc(t.Text) + `</text>`)
		b.WriteString(`</g>`)
		if href != "" {
			b.WriteString(`</a>`)
		}
	}
	if legendH > 0 {
		b.legend(gap, float64(h+legendH-6), m.Legend)
	}
	return b.close()
}
