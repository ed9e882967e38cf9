package sheettest

import (
	"bytes"
	"fmt"
	"strings"

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
