package chart

import (
	"encoding/xml"
	"html/template"
	"math"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed SVG element.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all returns every element named name under n (n included), in document order.
func (n node) all(name string) []node {
	var out []node
	if n.XMLName.Local == name {
		out = append(out, n)
	}
	for _, c := range n.Children {
		out = append(out, c.all(name)...)
	}
	return out
}

// withClass filters elements by their class attribute.
func withClass(ns []node, class string) []node {
	var out []node
	for _, n := range ns {
		for _, c := range strings.Fields(n.attr("class")) {
			if c == class {
				out = append(out, n)
			}
		}
	}
	return out
}

// parse checks that the chart is one well-formed svg element and returns it.
func parse(t *testing.T, h template.HTML) node {
	t.Helper()
	var root node
	d := xml.NewDecoder(strings.NewReader(string(h)))
	d.Strict = true
	if err := d.Decode(&root); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, h)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root element %v, want svg in the SVG namespace", root.XMLName)
	}
	if root.attr("role") != "img" {
		t.Errorf("svg role %q, want img", root.attr("role"))
	}
	if root.attr("style") != "" || strings.Contains(string(h), "style=") || strings.Contains(string(h), "<script") {
		t.Errorf("the chart has inline style or script, which the CSP refuses:\n%s", h)
	}
	return root
}

// viewBox returns the width and height of the view box, checking its form.
func viewBox(t *testing.T, root node) (w, h float64) {
	t.Helper()
	f := strings.Fields(root.attr("viewBox"))
	if len(f) != 4 || f[0] != "0" || f[1] != "0" {
		t.Fatalf("viewBox %q, want 0 0 W H", root.attr("viewBox"))
	}
	w, err1 := strconv.ParseFloat(f[2], 64)
	h, err2 := strconv.ParseFloat(f[3], 64)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		t.Fatalf("viewBox %q has no positive size", root.attr("viewBox"))
	}
	if root.attr("width") != f[2] || root.attr("height") != f[3] {
		t.Errorf("width/height %s×%s differ from the viewBox %q", root.attr("width"), root.attr("height"), root.attr("viewBox"))
	}
	return w, h
}

func float(t *testing.T, n node, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(attr), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, attr, n.attr(attr), err)
	}
	return v
}

func texts(ns []node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Text)
	}
	return out
}

func TestHBar(t *testing.T) {
	c := HBar{Title: "各乡镇上报率", Max: 100, Unit: "%", Legend: RateLegend(), Bars: []Bar{
		{Label: "塘下镇", Value: 95, Text: "95.0%", Fill: RateColor(95), Href: "/reports/missing?town=330381101"},
		{Label: "仙降街道", Value: 70, Text: "70.0%", Fill: RateColor(70)},
		{Label: "飞云街道", Value: 0, Text: "0.0%", Fill: RateColor(0)},
		{Label: "超额", Value: 150},
	}}
	root := parse(t, c.HTML())
	w, h := viewBox(t, root)
	bars := withClass(root.all("rect"), "bar")
	if len(bars) != len(c.Bars) {
		t.Fatalf("%d bars, want %d", len(bars), len(c.Bars))
	}
	if got := root.all("title")[0].Text; got != "各乡镇上报率" {
		t.Errorf("chart title %q", got)
	}
	labels := texts(withClass(root.all("text"), "label"))
	if strings.Join(labels, ",") != "塘下镇,仙降街道,飞云街道,超额" {
		t.Errorf("labels %q", labels)
	}
	values := texts(withClass(root.all("text"), "value"))
	if strings.Join(values, ",") != "95.0%,70.0%,0.0%,150" {
		t.Errorf("values %q", values)
	}
	widths := make([]float64, len(bars))
	for i, b := range bars {
		widths[i] = float(t, b, "width")
		x, y := float(t, b, "x"), float(t, b, "y")
		if x < 0 || x+widths[i] > w || y < 0 || y+float(t, b, "height") > h {
			t.Errorf("bar %d (%v,%v) width %v lies outside the %v×%v view box", i, x, y, widths[i], w, h)
		}
	}
	if !(widths[0] > widths[1] && widths[1] > 0 && widths[2] == 0) {
		t.Errorf("bar widths %v do not follow the values 95, 70, 0", widths)
	}
	if math.Abs(widths[1]/widths[0]-70.0/95) > 0.01 {
		t.Errorf("bar widths %v are not proportional to the values", widths)
	}
	if widths[3] != widths[0]*100/95 && math.Abs(widths[3]-widths[0]*100/95) > 0.2 {
		t.Errorf("a value past Max draws a bar of %v, want it capped at the scale (%v)", widths[3], widths[0]*100/95)
	}
	for i, want := range []string{Green, Amber, Red, Blue} {
		if got := bars[i].attr("fill"); got != want {
			t.Errorf("bar %d fill %q, want %q", i, got, want)
		}
	}
	links := root.all("a")
	if len(links) != 1 || links[0].attr("href") != "/reports/missing?town=330381101" {
		t.Errorf("links %v, want the one of 塘下镇", links)
	}
	ticks := texts(withClass(root.all("text"), "tick"))
	if strings.Join(ticks, ",") != "0%,25%,50%,75%,100%" {
		t.Errorf("scale %q", ticks)
	}
	if sw := withClass(root.all("rect"), "swatch"); len(sw) != 3 {
		t.Errorf("%d legend swatches, want 3", len(sw))
	}
}

func TestHBarScalesToTheLargestValue(t *testing.T) {
	root := parse(t, HBar{Title: "返温人数", Bars: []Bar{{Label: "a", Value: 812}, {Label: "b", Value: 3}}}.HTML())
	if ticks := texts(withClass(root.all("text"), "tick")); strings.Join(ticks, ",") != "0,250,500,750,1000" {
		t.Errorf("scale %q, want 0…1000 in steps of 250", ticks)
	}
	root = parse(t, HBar{Title: "全为零", Bars: []Bar{{Label: "a"}, {Label: "b"}}}.HTML())
	if ticks := texts(withClass(root.all("text"), "tick")); strings.Join(ticks, ",") != "0,1,2,3,4" {
		t.Errorf("scale of zeros %q, want 0…4", ticks)
	}
	for _, b := range withClass(root.all("rect"), "bar") {
		if b.attr("width") != "0" {
			t.Errorf("a zero draws a bar %q wide", b.attr("width"))
		}
	}
}

func TestEscaping(t *testing.T) {
	evil := `<script>alert("x")</script> & 'q'` + "\x01\x00"
	charts := map[string]template.HTML{
		"bar": HBar{Title: evil, Bars: []Bar{{Label: evil, Text: evil, Title: evil, Fill: `red" onload="x`, Href: "javascript:alert(1)"}}}.HTML(),
		"line": Line{Title: evil, Labels: []string{evil, "b"}, Series: []Series{{Name: evil, Values: []float64{1, 2},
			Color: `#fff" onclick="x`, Tips: []string{evil}}}}.HTML(),
		"empty": HBar{Title: evil}.HTML(),
	}
	for name, h := range charts {
		s := string(h)
		if strings.Contains(s, "<script") || strings.Contains(s, "onload") || strings.Contains(s, "onclick") || strings.Contains(s, "javascript:") {
			t.Errorf("%s: markup got through:\n%s", name, s)
		}
		root := parse(t, h)
		if got := root.all("title")[0].Text; got != `<script>alert("x")</script> & 'q'` {
			t.Errorf("%s: title reads %q after parsing, want the text without the control characters", name, got)
		}
		for _, r := range root.all("rect") {
			if f := r.attr("fill"); f != "" && !strings.HasPrefix(f, "#") {
				t.Errorf("%s: fill %q", name, f)
			}
		}
	}
}

func TestEmpty(t *testing.T) {
	for name, h := range map[string]template.HTML{
		"bar":         HBar{Title: "无"}.HTML(),
		"line":        Line{Title: "无"}.HTML(),
		"line labels": Line{Title: "无", Labels: []string{"a"}}.HTML(),
	} {
		root := parse(t, h)
		viewBox(t, root)
		if !strings.Contains(root.attr("class"), "empty") || !strings.Contains(string(h), "暂无数据") {
			t.Errorf("%s: an empty chart should say 暂无数据:\n%s", name, h)
		}
		if n := len(root.all("rect")) + len(root.all("circle")) + len(root.all("polyline")); n != 0 {
			t.Errorf("%s: an empty chart draws %d marks", name, n)
		}
	}
}

func TestLine(t *testing.T) {
	labels := make([]string, 30)
	rate, onTime := make([]float64, 30), make([]float64, 30)
	for i := range labels {
		labels[i] = "02-" + strconv.Itoa(i+1)
		rate[i] = float64(60 + i)
		onTime[i] = float64(50 + i)
	}
	rate[3] = math.NaN()
	onTime[4] = -5
	c := Line{Title: "近30天上报率", Labels: labels, Max: 100, Unit: "%", Series: []Series{
		{Name: "上报率", Values: rate, Color: Blue},
		{Name: "按时率", Values: onTime, Color: Green, Dashed: true},
	}}
	root := parse(t, c.HTML())
	w, h := viewBox(t, root)
	lines := root.all("polyline")
	if len(lines) != 2 {
		t.Fatalf("%d polylines, want 2", len(lines))
	}
	if lines[1].attr("stroke-dasharray") == "" || lines[0].attr("stroke-dasharray") != "" {
		t.Errorf("only the second series should be dashed")
	}
	for i, l := range lines {
		pts := strings.Fields(l.attr("points"))
		if len(pts) != 30 {
			t.Errorf("series %d has %d points, want 30", i, len(pts))
		}
		prevX := -1.0
		for _, p := range pts {
			xy := strings.Split(p, ",")
			x, _ := strconv.ParseFloat(xy[0], 64)
			y, err := strconv.ParseFloat(xy[1], 64)
			if err != nil || x <= prevX || x < 0 || x > w || y < 0 || y > h {
				t.Errorf("series %d: point %q out of order or outside the %v×%v view box", i, p, w, h)
			}
			prevX = x
		}
	}
	if pts := withClass(root.all("circle"), "point"); len(pts) != 60 {
		t.Errorf("%d points, want 60", len(pts))
	}
	// NaN and negative values sit on the zero line.
	circles := root.all("circle")
	zeroY := 0.0 // the lowest horizontal gridline
	for _, l := range root.all("line") {
		if l.attr("y1") == l.attr("y2") {
			zeroY = math.Max(zeroY, float(t, l, "y1"))
		}
	}
	for _, i := range []int{3, 34} {
		if cy := float(t, circles[i], "cy"); math.Abs(cy-zeroY) > 0.5 {
			t.Errorf("point %d (NaN or negative) at y=%v, want the zero line y=%v", i, cy, zeroY)
		}
	}
	ticks := texts(withClass(root.all("text"), "tick"))
	if !strings.HasPrefix(strings.Join(ticks, ","), "0%,25%,50%,75%,100%,02-1,") || ticks[len(ticks)-1] != "02-30" {
		t.Errorf("axis labels %q: want the scale, then the first and the last day", ticks)
	}
	if n := len(ticks) - 5; n > 6 || n < 2 {
		t.Errorf("%d day labels, want 2 to 6 for 30 days", n)
	}
	if got := texts(root.all("text")); !strings.Contains(strings.Join(got, ","), "上报率,按时率") {
		t.Errorf("no legend with the series names in %q", got)
	}
}

func TestLineOnePoint(t *testing.T) {
	root := parse(t, Line{Title: "一天", Labels: []string{"02-10"}, Series: []Series{{Name: "已报", Values: []float64{3}}}}.HTML())
	if c := root.all("circle"); len(c) != 1 {
		t.Fatalf("%d points, want 1", len(c))
	}
	if ticks := texts(withClass(root.all("text"), "tick")); strings.Join(ticks, ",") != "0,1,2,3,4,02-10" {
		t.Errorf("axis %q", ticks)
	}
}

func TestLabelIndexes(t *testing.T) {
	for _, tc := range []struct {
		n, most int
		want    string
	}{
		{1, 6, "[0]"}, {5, 6, "[0 1 2 3 4]"}, {30, 6, "[0 6 12 18 24 29]"}, {31, 6, "[0 6 12 18 24 30]"},
		{90, 6, "[0 18 36 54 72 89]"}, {7, 6, "[0 2 4 6]"},
	} {
		if got := fmtInts(labelIndexes(tc.n, tc.most)); got != tc.want {
			t.Errorf("labelIndexes(%d, %d) = %s, want %s", tc.n, tc.most, got, tc.want)
		}
	}
}

func fmtInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func TestRateColorAndFormat(t *testing.T) {
	for v, want := range map[float64]string{100: Green, 90: Green, 89.9: Amber, 60: Amber, 59.9: Red, 0: Red} {
		if got := RateColor(v); got != want {
			t.Errorf("RateColor(%v) = %s, want %s", v, got, want)
		}
	}
	for v, want := range map[float64]string{0: "0", 3: "3", 2.5: "2.5", 33.333: "33.3", -1: "0", math.NaN(): "0"} {
		if got := Format(v); got != want {
			t.Errorf("Format(%v) = %s, want %s", v, got, want)
		}
	}
}

// Today's point, still filling, is marked unfinished: the solid line stops
// the day before, a dotted segment and a hollow point show today, labelled.
func TestLineUnfinished(t *testing.T) {
	c := Line{Title: "近3天上报率", Labels: []string{"02-08", "02-09", "02-10"}, Max: 100, Unit: "%",
		Series: []Series{{Name: "上报率", Values: []float64{95, 96, 20}, Color: Blue}}}
	plain := string(c.HTML())
	if strings.Contains(plain, "今日未完") || strings.Contains(plain, `class="unfinished"`) || strings.Count(plain, `points="`) != 1 ||
		strings.Count(strings.SplitN(strings.SplitN(plain, `points="`, 2)[1], `"`, 2)[0], ",") != 3 {
		t.Errorf("a finished chart is marked:\n%s", plain)
	}
	c.Unfinished = true
	out := string(c.HTML())
	points := strings.SplitN(strings.SplitN(out, `points="`, 2)[1], `"`, 2)[0]
	if strings.Count(points, ",") != 2 {
		t.Errorf("the solid line reaches today: %q", points)
	}
	for _, want := range []string{`<line class="unfinished"`, `>今日未完</text>`, `fill="#fff"`, `02-10 上报率 20%（今日未完）`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Count(out, `fill="#fff"`) != 1 {
		t.Error("more than today's point is hollow")
	}
	// One point alone is not marked (no line to break).
	one := Line{Title: "x", Labels: []string{"02-10"}, Unfinished: true, Series: []Series{{Name: "a", Values: []float64{3}}}}
	if strings.Contains(string(one.HTML()), "今日未完") {
		t.Error("a single point is labelled")
	}
}
