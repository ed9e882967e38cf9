package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fugong"
)

// replaceInXLSX rewrites every part of a workbook with old replaced by new:
// the cells excelize will not write (it replaces a NUL on the way out).
func replaceInXLSX(t testing.TB, data []byte, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(bytes.ReplaceAll(b, []byte(old), []byte(new)))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCellsAreText: a cell with a NUL or bytes that are not UTF-8 refuses
// the file before any row is read, naming the row and the column.
func TestCellsAreText(t *testing.T) {
	const header = "uscc,name,town,size_class\n"
	xlsx := replaceInXLSX(t, makeXLSX(t, []any{"uscc", "name", "town", "size_class"}, []any{"A", "aQQQb", "t", "规上"}),
		"QQQ", "_x0000_") // how XLSX writes a NUL
	for _, c := range []struct {
		name, file string
		data       []byte
		field      string
		text       string
	}{
		{"NUL in a CSV cell", "a.csv", []byte(header + "A,a\x00b,t,规上\n"), "name", "第2行“name”含有空字符"},
		{"not UTF-8 after a BOM", "a.csv", []byte("\uFEFF" + header + "\n\nA,a\xffb,t,规上\n"), "name", "第4行“name”不是有效的 UTF-8"},
		{"NUL in the header", "a.csv", []byte("uscc,na\x00me,town,size_class\n"), "B列", "第1行“B列”含有空字符"},
		{"NUL in an XLSX cell", "a.xlsx", xlsx, "name", "第2行“name”含有空字符"},
		{"NUL past the header's columns", "a.csv", []byte(header + "A,a,t,规上,,\x00\n"), "F列", "第2行"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadEnterprises(bytes.NewReader(c.data), c.file)
			e := fugong.AsError(err)
			if e == nil || e.Code != fugong.EInvalid || e.Field != c.field || !strings.Contains(e.Message, c.text) {
				t.Fatalf("error %v, want invalid %q with %q", err, c.field, c.text)
			}
		})
	}
}

// TestCellsBounded: what a file may make the server hold is bounded by its
// cells up to each row's last one filled in, not by its bytes: a small
// XLSX naming the last column on every row, or a CSV of commas, is refused;
// the empty cells after a row's last are not kept.
func TestCellsBounded(t *testing.T) {
	commas := "uscc,name,town,size_class\n" + strings.Repeat(",", MaxCells+1) + "\n"
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"uscc", "name", "town", "size_class"})
	for row := 2; row <= MaxCells/excelize.MaxColumns+2; row++ {
		cell, _ := excelize.CoordinatesToCellName(excelize.MaxColumns, row)
		if err := f.SetCellValue("Sheet1", cell, "x"); err != nil {
			t.Fatal(err)
		}
	}
	var wide bytes.Buffer
	if _, err := f.WriteTo(&wide); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, file string
		data       []byte
	}{
		{"a CSV of commas", "a.csv", []byte(commas)},
		{"an XLSX naming the last column", "a.xlsx", wide.Bytes()},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(c.data), c.file)
			if fugong.ErrorCode(err) != fugong.ETooLarge {
				t.Fatalf("error %v, want too_large", err)
			}
		})
	}
	trailing := "uscc,name,town,size_class" + strings.Repeat(",", 50) + "\nA,a,t,规上" + strings.Repeat(",", 1000) + "\n"
	tb, err := Read(strings.NewReader(trailing), "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Header) != 4 || len(tb.Rows[0].Cells) != 4 {
		t.Errorf("header %d cells, row %d: the empty columns after the last are kept", len(tb.Header), len(tb.Rows[0].Cells))
	}
}
