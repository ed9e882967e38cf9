package sheettest

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// ReadSummary is a summary export (sheet.WriteSummary) read back as Excel
// reads it: the sheet's name, the title and date rows, the autofilter's
// range (e.g. "A3:F10") and the rows from the header on, as shown (numbers
// formatted as the cells' styles say).
type ReadSummary struct {
	Sheet, Title, Date, Filter string
	Rows                       [][]string // the header first, the total last
}

// ReadSummaryFile opens an XLSX file written by sheet.WriteSummary.
func ReadSummaryFile(body []byte) (ReadSummary, error) {
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		return ReadSummary{}, err
	}
	defer f.Close()
	var s ReadSummary
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		return s, fmt.Errorf("%d sheets: %v", len(sheets), sheets)
	}
	s.Sheet = sheets[0]
	rows, err := f.GetRows(s.Sheet)
	if err != nil {
		return s, err
	}
	if len(rows) < 3 {
		return s, fmt.Errorf("%d rows", len(rows))
	}
	s.Title, s.Date, s.Rows = first(rows[0]), first(rows[1]), rows[2:]
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			_, ref, _ := strings.Cut(d.RefersTo, "!")
			s.Filter = strings.ReplaceAll(ref, "$", "")
		}
	}
	return s, nil
}

func first(r []string) string {
	if len(r) == 0 {
		return ""
	}
	return r[0]
}

var (
	cellRE = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	tagRE  = regexp.MustCompile(`<[^>]+>`)
)

// PageFoot is the text of the cells of the total row (the tfoot) of the
// HTML table with that id on page: what a summary export's total row must
// say.
func PageFoot(page []byte, id string) ([]string, error) {
	s := string(page)
	i := strings.Index(s, `<table id="`+id+`"`)
	if i < 0 {
		return nil, fmt.Errorf("no table %s", id)
	}
	s = s[i:]
	s = s[:strings.Index(s, "</table>")]
	f := strings.Index(s, "<tfoot>")
	if f < 0 {
		return nil, fmt.Errorf("table %s has no total row", id)
	}
	var out []string
	for _, m := range cellRE.FindAllStringSubmatch(s[f:], -1) {
		out = append(out, html.UnescapeString(strings.TrimSpace(tagRE.ReplaceAllString(m[1], ""))))
	}
	return out, nil
}

// FilterRange is the autofilter's range a summary of rows data rows under
// a header of cols columns has: "A3:H10".
func FilterRange(cols, rows int) string {
	last, _ := excelize.ColumnNumberToName(cols)
	return fmt.Sprintf("A3:%s%d", last, 3+rows)
}

// Want is what a summary export must hold: its sheet's name, title and a
// part of its date row, how many rows between header and total (0: any,
// at least one), and the id of the page's table whose total row it repeats
// ("": not compared).
type Want struct {
	Sheet, Title, Date string
	Rows               int
	Table              string
}

// Check reads the summary export body and checks it against w and the
// page it was exported from; it returns what it read.
func Check(t testing.TB, body, page []byte, w Want) ReadSummary {
	t.Helper()
	s, err := ReadSummaryFile(body)
	if err != nil {
		t.Fatalf("%s: %v", w.Sheet, err)
	}
	if s.Sheet != w.Sheet || s.Title != w.Title || !strings.Contains(s.Date, w.Date) {
		t.Errorf("sheet %q title %q date %q, want %q %q %q", s.Sheet, s.Title, s.Date, w.Sheet, w.Title, w.Date)
	}
	rows := len(s.Rows) - 2 // less the header and the total
	if rows < 1 || (w.Rows > 0 && rows != w.Rows) {
		t.Fatalf("%s: %d rows, want %d: %q", w.Sheet, rows, w.Rows, s.Rows)
	}
	if want := FilterRange(len(s.Rows[0]), rows); s.Filter != want {
		t.Errorf("%s: autofilter %q, want %q", w.Sheet, s.Filter, want)
	}
	if w.Table != "" {
		foot, err := PageFoot(page, w.Table)
		if err != nil {
			t.Fatal(err)
		}
		if total := s.Rows[len(s.Rows)-1]; !slices.Equal(total, foot) {
			t.Errorf("%s: total row %q, the page's %q", w.Sheet, total, foot)
		}
	}
	return s
}
