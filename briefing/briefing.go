// Package briefing is M11: the five work groups' day (日日报 of each group,
// its summary and figures, marked final by the group leader) and the
// bureau's daily briefing, assembled from every module through its service.
//
// A briefing is a list of sections; each module contributes its own
// through a Source (sources.go), so a new module (people, checkpoints, 亩均)
// adds its section with one line where the briefing service is built. The
// web page, the XLSX workbook and the PDF are drawn from the same Briefing.
// An issued briefing (第N期) keeps its PDF as issued.
package briefing

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/registry"
)

// Briefing is the bureau's daily briefing for a date, in the scope of the
// actor it was assembled for: the city, or a town.
type Briefing struct {
	Date  string `json:"date"`
	Scope string `json:"scope"` // "全市", or a town's name
	Title string `json:"title"`
	// Headline is the sentences that open the briefing, every section's
	// in order.
	Headline    []string  `json:"headline"`
	Sections    []Section `json:"sections"`
	GeneratedAt time.Time `json:"generated_at"`
	// Issue is set on a briefing as it was issued.
	Issue *Issue `json:"issue,omitempty"`
}

// Text is every word of the briefing, for the PDF's font subset.
func (b Briefing) Text() string {
	var s strings.Builder
	for _, x := range append([]string{b.Date, b.Scope, b.Title}, b.Headline...) {
		s.WriteString(x)
	}
	for _, sec := range b.Sections {
		sec.text(&s)
	}
	return s.String()
}

// Section is one module's part of the briefing.
type Section struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	// Group is the work group that owns the module: its day is filled in
	// advance from the figures of its sections.
	Group fugong.Group `json:"group"`
	// AsOf says when figures that are not by date were taken ("截至 …").
	AsOf     string   `json:"as_of,omitempty"`
	Headline []string `json:"headline"`
	Figures  []Figure `json:"figures"`
	Charts   []Chart  `json:"charts"`
	Tables   []Table  `json:"tables"`
	// Notes are paragraphs (the groups' summaries).
	Notes []string `json:"notes"`
}

func (s Section) text(b *strings.Builder) {
	for _, x := range append(append([]string{s.Title, s.AsOf}, s.Headline...), s.Notes...) {
		b.WriteString(x)
	}
	for _, f := range s.Figures {
		b.WriteString(f.Label + f.Text + f.Unit)
	}
	for _, c := range s.Charts {
		b.WriteString(c.Title + c.Unit)
		for _, bar := range c.Bars {
			b.WriteString(bar.Label + FormatNumber(bar.Value))
		}
	}
	for _, t := range s.Tables {
		b.WriteString(t.Title + t.Note)
		for _, c := range t.Columns {
			b.WriteString(c.Title)
		}
		for _, r := range t.Rows {
			for _, c := range r {
				b.WriteString(Cell(c))
			}
		}
	}
}

// Figure is one headline figure of a section: its value, unit, and the
// value as written ("99.4").
type Figure struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Text  string  `json:"text"`
}

// Count is a figure of a whole number.
func Count(label string, n int, unit string) Figure {
	return Figure{Label: label, Value: float64(n), Unit: unit, Text: strconv.Itoa(n)}
}

// Percent is a figure of a rate in percent, one decimal.
func Percent(label string, v float64) Figure {
	p := Pct1(v)
	return Figure{Label: label, Value: p, Unit: "%", Text: strconv.FormatFloat(p, 'f', 1, 64)}
}

// Pct1 rounds a rate in percent to one decimal, short of 100 while
// anything is missing: 6,833 of 6,834 is 99.9 %, not 100.0 %.
func Pct1(v float64) float64 {
	if p := Round1(v); p < 100 || v >= 100 {
		return p
	}
	return 99.9
}

// Chart is a bar chart of a section: a bar per town, say. Max is the top
// of the scale (100 for a rate; 0 to fit the bars).
type Chart struct {
	Title string  `json:"title"`
	Unit  string  `json:"unit"`
	Max   float64 `json:"max"`
	Bars  []Bar   `json:"bars"`
}

// Bar is one bar; Class bands it ("good", "fair", "poor") for its colour.
type Bar struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Class string  `json:"class,omitempty"`
}

// Table is a table of a section. Cells are strings, ints or float64s.
// More counts the rows left out of a long list (the XLSX has them all
// where the section gives them, the page and the PDF the first rows).
type Table struct {
	Title   string   `json:"title"`
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
	Note    string   `json:"note,omitempty"`
}

// Column is a table's column; Num aligns it right.
type Column struct {
	Title string `json:"title"`
	Num   bool   `json:"num,omitempty"`
}

// Cols builds columns from titles; a title ending in "#" is numeric.
func Cols(titles ...string) []Column {
	out := make([]Column, len(titles))
	for i, t := range titles {
		if num := strings.HasSuffix(t, "#"); num {
			out[i] = Column{Title: strings.TrimSuffix(t, "#"), Num: true}
		} else {
			out[i] = Column{Title: t}
		}
	}
	return out
}

// Cell writes a table cell.
func Cell(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return FormatNumber(v)
	case nil:
		return ""
	}
	return ""
}

// FormatNumber writes a number without a needless fraction: 12, 99.4.
func FormatNumber(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// Round1 rounds to one decimal.
func Round1(v float64) float64 {
	if v < 0 {
		return -Round1(-v)
	}
	return float64(int64(v*10+0.5)) / 10
}

// Rate is n of d in percent, 0 when d is 0.
func Rate(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}

// Band names a rate's colour band as the charts of the pages colour it
// (web/chart's RateColor): good from 90 %, fair from 60 %, poor below.
func Band(pct float64) string {
	switch {
	case pct >= 90:
		return "good"
	case pct >= 60:
		return "fair"
	}
	return "poor"
}

// ShortTown is a town's name without its 街道/镇/乡, as the reports list
// them ("塘下、仙降、飞云").
func ShortTown(name string) string {
	for _, suf := range []string{"街道", "镇", "乡"} {
		if r := strings.TrimSuffix(name, suf); r != name && r != "" {
			return r
		}
	}
	return name
}

// TownName is a town's name by its code.
func TownName(code string) string {
	if t, ok := registry.TownByCode(code); ok {
		return t.Name
	}
	return code
}

// Day is what a source is asked for: the briefing's date, when the
// briefing is assembled, and whether the date is today (figures kept only
// as they are now, not by date, are the date's only then).
type Day struct {
	Date    string
	Now     time.Time
	IsToday bool
}

// Label writes the date as the briefing does: "2月10日".
func (d Day) Label() string {
	t, err := time.ParseInLocation(time.DateOnly, d.Date, fugong.Location)
	if err != nil {
		return d.Date
	}
	return strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// AsOf is the note of a section whose figures are as they are now.
func (d Day) AsOf() string {
	return "截至 " + d.Now.In(fugong.Location).Format("2006-01-02 15:04") + " 的实时数据"
}

// Source is a module's contribution: its section of the briefing of the
// day in the actor's scope; ok false leaves it out (a module the actor
// does not see).
type Source interface {
	Section(ctx context.Context, a fugong.Actor, d Day) (s Section, ok bool, err error)
}

// SourceFunc is a Source as a function.
type SourceFunc func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error)

// Section calls f.
func (f SourceFunc) Section(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
	return f(ctx, a, d)
}
