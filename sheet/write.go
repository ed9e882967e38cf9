package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// column describes one output column.
type column struct {
	Header string
	Width  float64 // in characters; XLSX only
	Text   bool    // digits that must stay text in Excel (codes, phones)
}

// rowWriter writes rows one at a time so that exports stream. Cells are
// strings, ints or float64s. Flush finishes the file; Close releases what
// the writer holds and is safe after Flush, so callers defer it.
type rowWriter interface {
	Row(cells []any) error
	Flush() error
	Close() error
}

// newWriter starts a file of the given format ("xlsx" or "csv") with a header
// row of the columns' names.
func newWriter(w io.Writer, format string, cols []column) (rowWriter, error) {
	if format == "xlsx" {
		return newXLSXWriter(w, cols)
	}
	return newCSVWriter(w, cols)
}

type csvWriter struct{ w *csv.Writer }

func newCSVWriter(w io.Writer, cols []column) (*csvWriter, error) {
	// The BOM is what makes Excel read the file as UTF-8 rather than GBK.
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	c := &csvWriter{csv.NewWriter(w)}
	c.w.UseCRLF = true
	header := make([]string, len(cols))
	for i, col := range cols {
		header[i] = col.Header
	}
	return c, c.w.Write(header)
}

func (c *csvWriter) Row(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		switch v := v.(type) {
		case string:
			rec[i] = escapeCSV(v)
		case int:
			rec[i] = strconv.Itoa(v)
		case float64:
			rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			rec[i] = fmt.Sprint(v)
		}
	}
	return c.w.Write(rec)
}

func (c *csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

func (c *csvWriter) Close() error { return nil }

// escapeCSV defuses CSV formula injection: Excel runs a cell that starts with
// = + - @ as a formula, so such text, which users typed into the registry,
// is written after an apostrophe. unescapeCSV takes it off again on import.
func escapeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func unescapeCSV(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// xlsxWriter writes one sheet with excelize's StreamWriter, which keeps only
// a small buffer in memory and spills the rest to a temporary file.
type xlsxWriter struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	next   int   // the next row number
	styles []int // per column: the text style or 0
}

func newXLSXWriter(w io.Writer, cols []column) (_ *xlsxWriter, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	x := &xlsxWriter{w: w, f: f, next: 1, styles: make([]int, len(cols))}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // 49 is Excel's "@" (text)
	if err != nil {
		return nil, err
	}
	if x.sw, err = f.NewStreamWriter("Sheet1"); err != nil {
		return nil, err
	}
	// Widths, column styles and panes must all be set before the first row.
	for i, c := range cols {
		if c.Width > 0 {
			if err = x.sw.SetColWidth(i+1, i+1, c.Width); err != nil {
				return nil, err
			}
		}
		if c.Text {
			// The column style makes cells typed in later text too, so Excel
			// does not turn a pasted 18-digit code into 9.13E+17.
			x.styles[i] = text
			if err = x.sw.SetColStyle(i+1, i+1, text); err != nil {
				return nil, err
			}
		}
	}
	// Freeze the header so it stays in view while scrolling a long list.
	if err = x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: bold, Value: c.Header}
	}
	return x, x.write(header)
}

func (x *xlsxWriter) Row(cells []any) error {
	for i, v := range cells {
		if i < len(x.styles) && x.styles[i] != 0 {
			cells[i] = excelize.Cell{StyleID: x.styles[i], Value: v}
		}
	}
	return x.write(cells)
}

func (x *xlsxWriter) write(cells []any) error {
	cell, err := excelize.CoordinatesToCellName(1, x.next)
	if err != nil {
		return err
	}
	x.next++
	return x.sw.SetRow(cell, cells)
}

func (x *xlsxWriter) Flush() error {
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}

// Close removes excelize's temporary files.
func (x *xlsxWriter) Close() error { return x.f.Close() }
