package pdf

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/signintech/gopdf"

	"fugong"
	"fugong/briefing"
)

// A4 in points, and the text block.
const (
	pageW, pageH = 595.28, 841.89
	left, right  = 50.0, 545.28
	top, bottom  = 56.0, 782.0
	textW        = right - left
)

type rgb struct{ r, g, b uint8 }

var (
	black = rgb{0x1f, 0x29, 0x37}
	grey  = rgb{0x6b, 0x72, 0x80}
	rule  = rgb{0xd1, 0xd5, 0xdb}
	zebra = rgb{0xf3, 0xf4, 0xf6}
	red   = rgb{0xc0, 0x1c, 0x28}
	bands = map[string]rgb{"good": {0x16, 0xa3, 0x4a}, "fair": {0xd9, 0x77, 0x06}, "poor": {0xdc, 0x26, 0x26}, "": {0x25, 0x63, 0xeb}}
)

// writer lays a document out page by page, from the top down.
type writer struct {
	doc    *gopdf.GoPdf
	family string
	size   float64
	y      float64
	page   int
	footer string
	err    error
	widths map[string]float64 // measured "size rune" widths
}

func (w *writer) fail(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}

func (w *writer) font(size float64) {
	w.size = size
	w.fail(w.doc.SetFont(w.family, "", size))
}

func (w *writer) textColor(c rgb) { w.doc.SetTextColor(c.r, c.g, c.b) }
func (w *writer) fill(c rgb)      { w.doc.SetFillColor(c.r, c.g, c.b) }
func (w *writer) stroke(c rgb)    { w.doc.SetStrokeColor(c.r, c.g, c.b) }

// newPage starts a page with the running footer.
func (w *writer) newPage() {
	w.doc.AddPage()
	w.page++
	size := w.size
	w.font(8)
	w.textColor(grey)
	w.stroke(rule)
	w.doc.SetLineWidth(0.5)
	w.doc.Line(left, pageH-42, right, pageH-42)
	w.at(left, pageH-38, textW, w.footer, gopdf.Left)
	w.at(left, pageH-38, textW, fmt.Sprintf("第 %d 页", w.page), gopdf.Right)
	w.font(size)
	w.textColor(black)
	w.y = top
}

// need starts a new page unless h points are left on this one.
func (w *writer) need(h float64) {
	if w.y+h > bottom {
		w.newPage()
	}
}

// measure is the width of s at the current size.
func (w *writer) measure(s string) float64 {
	total := 0.0
	for _, r := range s {
		key := fmt.Sprintf("%g %c", w.size, r)
		v, ok := w.widths[key]
		if !ok {
			var err error
			if v, err = w.doc.MeasureTextWidth(string(r)); err != nil {
				w.fail(err)
			}
			w.widths[key] = v
		}
		total += v
	}
	return total
}

// closing are the marks a line must not start with.
const closing = "，。、；：？！）》」』”’%％,.;:?!)]"

// wrap breaks s into lines of at most width points at the current size:
// between any two Chinese characters, but not inside a run of digits and
// Latin letters (a number, a date) unless the run is wider than a line,
// and keeping a closing mark on the line before it.
func (w *writer) wrap(s string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		lw := 0.0
		rs := []rune(para)
		for i := 0; i < len(rs); {
			j := i + 1
			for j < len(rs) && latin(rs[i]) && latin(rs[j]) {
				j++
			}
			tok := rs[i:j]
			tw := w.measure(string(tok))
			if lw+tw > width && len(line) > 0 && !strings.ContainsRune(closing, tok[0]) {
				lines = append(lines, string(line))
				line, lw = nil, 0
			}
			if tw > width && len(tok) > 1 {
				j = i + 1 // wider than a line: it breaks where it must
				tok, tw = rs[i:j], w.measure(string(rs[i]))
			}
			line = append(line, tok...)
			lw += tw
			i = j
		}
		lines = append(lines, string(line))
	}
	return lines
}

// latin reports a character of a run that stays on one line: digits,
// Latin letters and what numbers and dates are written with.
func latin(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(".,%-+:/_@", r)
}

// at writes one line in a box of width w at (x, y), aligned.
func (w *writer) at(x, y, width float64, s string, align int) {
	if s == "" {
		return
	}
	w.doc.SetXY(x, y)
	w.fail(w.doc.CellWithOption(&gopdf.Rect{W: width, H: w.size * 1.3}, s, gopdf.CellOption{Align: align | gopdf.Top}))
}

// paragraph writes wrapped text from the current line, indented.
func (w *writer) paragraph(s string, size, indent float64, c rgb) {
	w.font(size)
	w.textColor(c)
	lh := size * 1.6
	for _, l := range w.wrap(s, textW-indent) {
		w.need(lh)
		w.at(left+indent, w.y, textW-indent, l, gopdf.Left)
		w.y += lh
	}
	w.textColor(black)
}

// Briefing writes b as a PDF to out, its text in font f.
func Briefing(out io.Writer, b briefing.Briefing, f *Font) error {
	numbers := "0123456789第期页共签发未草稿（）：·—%.,-+ "
	doc, family, err := newDoc(f, b.Text()+numbers)
	if err != nil {
		return err
	}
	issue := "未签发（草稿，以签发版为准）"
	if b.Issue != nil {
		issue = fmt.Sprintf("第 %d 期", b.Issue.Number)
		if b.Issue.Revision > 1 {
			issue += fmt.Sprintf("（%s 第 %d 版，更正前版）", b.Date, b.Issue.Revision)
		}
	}
	w := &writer{doc: doc, family: family, widths: map[string]float64{},
		footer: b.Title + " · " + b.Date + " · " + issue}
	doc.SetInfo(gopdf.PdfInfo{Title: b.Title + " " + b.Date, Subject: strings.Join(b.Headline, ""),
		Author: "瑞安市经济和信息化局", Creator: "fugong", Producer: "fugong", CreationDate: b.GeneratedAt})
	w.font(10)
	w.newPage()
	w.cover(b, issue)
	for _, s := range b.Sections {
		w.newPage()
		doc.AddOutline(s.Title)
		w.section(s)
	}
	if w.err != nil {
		return w.err
	}
	return doc.Write(out)
}

// cover is the first page's head: the title in red over a red rule (the
// bureau's 红头), the issue and date, and the headline.
func (w *writer) cover(b briefing.Briefing, issue string) {
	w.doc.AddOutline("要闻")
	w.font(24)
	w.textColor(red)
	w.at(left, w.y, textW, b.Title, gopdf.Center)
	w.y += 38
	w.font(12)
	w.textColor(black)
	w.at(left, w.y, textW, issue+"    "+dateLabel(b.Date), gopdf.Center)
	w.y += 22
	w.font(9)
	w.textColor(grey)
	by := "瑞安市经济和信息化局 综合协调组 编"
	when := "生成于 " + b.GeneratedAt.In(fugong.Location).Format("2006-01-02 15:04")
	if b.Issue != nil {
		when = b.Issue.IssuedBy + " 签发于 " + b.Issue.IssuedAt.In(fugong.Location).Format("2006-01-02 15:04")
	}
	if b.Scope != "全市" {
		by = b.Scope + "（本乡镇数据）"
	}
	w.at(left, w.y, textW, by, gopdf.Left)
	w.at(left, w.y, textW, when, gopdf.Right)
	w.y += 16
	w.stroke(red)
	w.doc.SetLineWidth(1.5)
	w.doc.Line(left, w.y, right, w.y)
	w.y += 22
	w.heading("要闻")
	for i, h := range b.Headline {
		w.paragraph(fmt.Sprintf("%d. %s", i+1, h), 11.5, 0, black)
		w.y += 4
	}
	var key []briefing.Figure
	for _, s := range b.Sections {
		key = append(key, s.Figures[:min(2, len(s.Figures))]...)
	}
	if len(key) > 0 {
		w.y += 10
		w.heading("主要指标")
		w.figures(key)
	}
	w.y += 6
	w.paragraph("本日报由复工复产指挥平台根据各模块当日数据自动汇总，各节依次为："+sectionTitles(b.Sections)+"。", 9, 0, grey)
}

func sectionTitles(ss []briefing.Section) string {
	var t []string
	for _, s := range ss {
		t = append(t, s.Title)
	}
	return strings.Join(t, "、")
}

func dateLabel(date string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(date, "%d-%d-%d", &y, &m, &d); err != nil {
		return date
	}
	return fmt.Sprintf("%d年%d月%d日", y, m, d)
}

// heading is a section's title with a red bar before it.
func (w *writer) heading(s string) {
	w.need(30)
	w.fill(red)
	w.doc.RectFromUpperLeftWithStyle(left, w.y+2, 4, 16, "F")
	w.font(15)
	w.textColor(black)
	w.at(left+10, w.y, textW-10, s, gopdf.Left)
	w.y += 26
}

func (w *writer) section(s briefing.Section) {
	w.heading(s.Title)
	if s.AsOf != "" {
		w.paragraph(s.AsOf, 8.5, 0, grey)
	}
	for _, h := range s.Headline {
		w.paragraph(h, 11, 0, black)
	}
	w.y += 6
	w.figures(s.Figures)
	for _, c := range s.Charts {
		w.chart(c)
	}
	for _, n := range s.Notes {
		w.paragraph(n, 10.5, 0, black)
		w.y += 6
	}
	for _, t := range s.Tables {
		w.table(t)
	}
}

// figures are tiles of four to a row: the value large, its label under.
func (w *writer) figures(fs []briefing.Figure) {
	const perRow, gap, h = 4, 8.0, 44.0
	tileW := (textW - gap*(perRow-1)) / perRow
	for i, f := range fs {
		col := i % perRow
		if col == 0 {
			if i > 0 {
				w.y += h + gap
			}
			w.need(h + gap)
		}
		x := left + float64(col)*(tileW+gap)
		w.fill(zebra)
		w.doc.RectFromUpperLeftWithStyle(x, w.y, tileW, h, "F")
		w.font(15)
		w.textColor(black)
		vw := w.measure(f.Text)
		w.at(x+8, w.y+6, tileW-16, f.Text, gopdf.Left)
		w.font(8.5)
		w.textColor(grey)
		w.at(x+8+vw+2, w.y+12, tileW-16-vw, f.Unit, gopdf.Left)
		w.at(x+8, w.y+27, tileW-16, f.Label, gopdf.Left)
	}
	if len(fs) > 0 {
		w.y += h + 14
	}
	w.textColor(black)
}

// chart draws a horizontal bar chart: a bar per label on a scale with
// grid lines, the value after each bar.
func (w *writer) chart(c briefing.Chart) {
	if len(c.Bars) == 0 {
		return
	}
	const rowH, labelW, valueW = 13.0, 64.0, 44.0
	barW := textW - labelW - valueW
	max := c.Max
	for _, b := range c.Bars {
		max = math.Max(max, b.Value)
	}
	if max <= 0 {
		max = 1
	}
	h := float64(len(c.Bars))*rowH + 36
	w.need(math.Min(h, bottom-top))
	w.font(10.5)
	w.at(left, w.y, textW, c.Title, gopdf.Left)
	w.y += 18
	x0 := left + labelW
	w.font(7.5)
	w.textColor(grey)
	w.stroke(rule)
	w.doc.SetLineWidth(0.4)
	gridTop := w.y
	gridBottom := w.y + float64(len(c.Bars))*rowH
	for i := 0; i <= 4; i++ {
		x := x0 + barW*float64(i)/4
		w.doc.Line(x, gridTop, x, math.Min(gridBottom, bottom))
		w.at(x-20, math.Min(gridBottom, bottom)+2, 40, briefing.FormatNumber(briefing.Round1(max*float64(i)/4))+c.Unit, gopdf.Center)
	}
	for _, b := range c.Bars {
		if w.y+rowH > bottom {
			w.newPage()
			gridTop = w.y
		}
		w.font(8.5)
		w.textColor(black)
		w.at(left, w.y+1.5, labelW-6, b.Label, gopdf.Right)
		col := bands[b.Class]
		w.fill(col)
		bw := barW * b.Value / max
		if bw > 0 {
			w.doc.RectFromUpperLeftWithStyle(x0, w.y+2, math.Max(bw, 0.8), rowH-4, "F")
		}
		w.at(x0+bw+3, w.y+1.5, valueW, briefing.FormatNumber(b.Value)+c.Unit, gopdf.Left)
		w.y += rowH
	}
	w.y += 20
	w.textColor(black)
}

// table draws a table whose columns fit the text block, cells wrapped,
// the header repeated on every page it runs onto.
func (w *writer) table(t briefing.Table) {
	const size, pad = 8.5, 4.0
	lh := size * 1.45
	w.font(10.5)
	w.need(18 + 3*lh)
	w.at(left, w.y, textW, t.Title, gopdf.Left)
	w.y += 18
	w.font(size)
	n := len(t.Columns)
	widths := make([]float64, n)
	for i, c := range t.Columns {
		widths[i] = w.measure(c.Title) + 2*pad
	}
	for _, r := range t.Rows {
		for i := 0; i < n && i < len(r); i++ {
			widths[i] = math.Max(widths[i], w.measure(briefing.Cell(r[i]))+2*pad)
		}
	}
	fit(widths, t.Columns, textW)
	cellLines := func(i int, s string) []string { return w.wrap(s, widths[i]-2*pad) }
	header := func() {
		lines := make([][]string, n)
		rows := 1
		for i, c := range t.Columns {
			lines[i] = cellLines(i, c.Title)
			rows = max(rows, len(lines[i]))
		}
		h := float64(rows)*lh + 2*pad
		w.fill(rgb{0xe5, 0xe7, 0xeb})
		w.doc.RectFromUpperLeftWithStyle(left, w.y, textW, h, "F")
		w.textColor(black)
		x := left
		for i, c := range t.Columns {
			for j, l := range lines[i] {
				w.at(x+pad, w.y+pad+float64(j)*lh, widths[i]-2*pad, l, align(c))
			}
			x += widths[i]
		}
		w.y += h
	}
	w.need(lh*2 + 2*pad)
	header()
	for k, r := range t.Rows {
		lines := make([][]string, n)
		rows := 1
		for i := 0; i < n; i++ {
			var v any
			if i < len(r) {
				v = r[i]
			}
			lines[i] = cellLines(i, briefing.Cell(v))
			rows = max(rows, len(lines[i]))
		}
		h := float64(rows)*lh + 2*pad - 2
		if w.y+h > bottom {
			w.newPage()
			w.font(size)
			header()
		}
		if k%2 == 1 {
			w.fill(zebra)
			w.doc.RectFromUpperLeftWithStyle(left, w.y, textW, h, "F")
		}
		x := left
		for i, c := range t.Columns {
			for j, l := range lines[i] {
				w.at(x+pad, w.y+pad-1+float64(j)*lh, widths[i]-2*pad, l, align(c))
			}
			x += widths[i]
		}
		w.y += h
	}
	w.stroke(rule)
	w.doc.SetLineWidth(0.5)
	w.doc.Line(left, w.y, right, w.y)
	w.y += 6
	if t.Note != "" {
		w.paragraph(t.Note, 8.5, 0, grey)
	}
	w.y += 12
}

func align(c briefing.Column) int {
	if c.Num {
		return gopdf.Right
	}
	return gopdf.Left
}

// fit makes the columns' widths add up to total: numeric columns keep
// their width where they can, text columns share what is left (and wrap).
func fit(widths []float64, cols []briefing.Column, total float64) {
	sum, text := 0.0, 0.0
	for i, wd := range widths {
		sum += wd
		if !cols[i].Num {
			text += wd
		}
	}
	switch {
	case sum <= total:
		// Spread what is left over the columns by their width.
		for i := range widths {
			widths[i] *= total / sum
		}
	case sum-text < total*0.7 && text > 0:
		scale := (total - (sum - text)) / text
		for i := range widths {
			if !cols[i].Num {
				widths[i] *= scale
			}
		}
	default:
		for i := range widths {
			widths[i] *= total / sum
		}
	}
}
