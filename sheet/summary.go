package sheet

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Summary is a small table of a page (a row per town, say) as its XLSX
// export shows it: a named sheet, a title row, a date row, the header, the
// rows under an autofilter, and the total row the page shows.
type Summary struct {
	Sheet   string // the sheet's name (at most 31 characters, no []:*?/\)
	Title   string // row 1
	Date    string // row 2, e.g. "日期：2020-02-10"
	Columns []SummaryColumn
	Rows    [][]any // cells: string, int, int64 or float64
	Total   []any   // the total row, as the page shows it; nil: none
}

// SummaryColumn is a column of a Summary.
type SummaryColumn struct {
	Header string
	Width  float64 // in characters; 0 is Excel's default
	Number bool    // numbers shown with thousands separators
}

// The rows of a Summary's sheet.
const (
	SummaryTitleRow  = 1
	SummaryDateRow   = 2
	SummaryHeaderRow = 3
)

// WriteSummary writes s as an XLSX file to w.
func WriteSummary(w io.Writer, s Summary) (err error) {
	if len(s.Columns) == 0 {
		return fmt.Errorf("sheet: summary %q has no columns", s.Title)
	}
	f := excelize.NewFile()
	defer f.Close()
	name := sheetName(s.Sheet)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	number, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // 4 is "#,##0.00"; 3 "#,##0"
	if err != nil {
		return err
	}
	integer, err := f.NewStyle(&excelize.Style{NumFmt: 3})
	if err != nil {
		return err
	}
	boldInt, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 3})
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(s.Columns))
	cell := func(col, row int) string {
		c, _ := excelize.CoordinatesToCellName(col, row)
		return c
	}
	set := func(col, row int, v any, style int) error {
		if err := f.SetCellValue(name, cell(col, row), v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(name, cell(col, row), cell(col, row), style)
		}
		return nil
	}
	if err := set(1, SummaryTitleRow, s.Title, title); err != nil {
		return err
	}
	if err := f.MergeCell(name, "A1", last+"1"); err != nil {
		return err
	}
	if err := set(1, SummaryDateRow, s.Date, 0); err != nil {
		return err
	}
	for i, c := range s.Columns {
		if err := set(i+1, SummaryHeaderRow, c.Header, bold); err != nil {
			return err
		}
		if c.Width > 0 {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(name, col, col, c.Width); err != nil {
				return err
			}
		}
	}
	style := func(i int, v any, total bool) int {
		if i >= len(s.Columns) || !s.Columns[i].Number {
			if total {
				return bold
			}
			return 0
		}
		switch v.(type) {
		case float64:
			return number
		}
		if total {
			return boldInt
		}
		return integer
	}
	row := SummaryHeaderRow + 1
	for _, r := range s.Rows {
		for i, v := range r {
			if err := set(i+1, row, v, style(i, v, false)); err != nil {
				return err
			}
		}
		row++
	}
	// The filter covers the header and the rows, not the total: sorting
	// must not move the total into the middle.
	if err := f.AutoFilter(name, "A"+fmt.Sprint(SummaryHeaderRow)+":"+last+fmt.Sprint(max(row-1, SummaryHeaderRow)), nil); err != nil {
		return err
	}
	if s.Total != nil {
		for i, v := range s.Total {
			if err := set(i+1, row, v, style(i, v, true)); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: SummaryHeaderRow, TopLeftCell: cell(1, SummaryHeaderRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// sheetName is name as Excel accepts it: no []:*?/\, at most 31 characters.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if name == "" {
		name = "Sheet1"
	}
	return name
}
