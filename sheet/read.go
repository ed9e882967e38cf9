// Package sheet reads and writes enterprise lists as XLSX and CSV files: the
// bureau's header aliases, the encodings Excel saves in, and row numbers a
// spreadsheet user can find. It checks only what the file format decides
// (numbers that are not numbers, unknown size classes); the rules of the
// values belong to registry.Enterprise.Normalize.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong"
)

// Limits on what a file may hold.
const (
	MaxRows      = 200_000 // data rows, blank rows not counted
	MaxCellRunes = 1_000   // characters in one cell
	// MaxCells bounds the cells kept, up to each row's last one not empty:
	// a small XLSX can name a far column on every row and a small CSV hold
	// millions of commas, and each cell kept costs memory even when empty.
	MaxCells = 4_000_000
)

// Table is a sheet as the user wrote it: the header row and the non-empty data
// rows, cells as text and untrimmed. It is kept so that bad rows can be given
// back exactly as they came (WriteErrorFile).
type Table struct {
	Header []string
	Rows   []Row
}

// Row is one non-empty data row.
type Row struct {
	Num   int // 1-based, as the spreadsheet shows it; blank rows are counted
	Cells []string
}

// format returns "xlsx" or "csv" from name's suffix, or an error naming the
// suffixes that are supported.
func format(name string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".xlsx", ".csv":
		return ext[1:], nil
	default:
		return "", fugong.Errorf(fugong.EInvalid, "", "不支持的文件类型“%s”，请使用 .xlsx 或 .csv 文件", ext)
	}
}

// Read reads the first sheet of an XLSX file or a CSV file. The first
// non-empty row is the header.
func Read(r io.Reader, name string) (*Table, error) {
	f, err := format(name)
	if err != nil {
		return nil, err
	}
	t := &Table{}
	kept := 0
	add := func(num int, cells []string) error {
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		for i, c := range cells {
			if err := checkCell(t.Header, num, i, c); err != nil {
				return err
			}
		}
		if blank(cells) {
			return nil
		}
		if kept += len(cells); kept > MaxCells {
			return fugong.Errorf(fugong.ETooLarge, "", "文件超过%d个单元格，请分批导入", MaxCells)
		}
		if t.Header == nil {
			t.Header = cells
			return nil
		}
		if len(t.Rows) == MaxRows {
			return fugong.Errorf(fugong.ETooLarge, "", "文件超过%d行数据，请分批导入", MaxRows)
		}
		t.Rows = append(t.Rows, Row{Num: num, Cells: cells})
		return nil
	}
	if f == "xlsx" {
		err = readXLSX(r, add)
	} else {
		err = readCSV(r, add)
	}
	if err != nil {
		return nil, err
	}
	if t.Header == nil {
		return nil, fugong.Errorf(fugong.EInvalid, "", "文件是空的，没有表头")
	}
	return t, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkCell refuses a cell that is not text (fugong.CheckText), naming its
// row and its column by the header (by its letter in the header row).
func checkCell(header []string, num, col int, c string) error {
	err := fugong.CheckText(columnName(header, col), c)
	if e := fugong.AsError(err); e != nil {
		e.Message = fmt.Sprintf("第%d行%s", num, e.Message)
		return e
	}
	return nil
}

// columnName is a column's header as written, or its letter when it has
// none (or is itself not text).
func columnName(header []string, col int) string {
	if col < len(header) {
		if h := strings.TrimSpace(header[col]); h != "" && fugong.CheckText("", h) == nil {
			return h
		}
	}
	name, _ := excelize.ColumnNumberToName(col + 1)
	if name == "" {
		name = strconv.Itoa(col + 1)
	}
	return name + "列"
}

// zipLimit bounds the unpacked size of an XLSX so that a zip bomb fails
// instead of filling the disk; a full 200,000-row list unpacks to far less.
const zipLimit = 1 << 30

func readXLSX(r io.Reader, add func(int, []string) error) error {
	// excelize needs random access to the zip, so the packed file is held in
	// memory; the sheet itself is then streamed row by row (spilling to a
	// temporary file when large) instead of being loaded whole.
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: zipLimit})
	if err != nil {
		return notXLSX()
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return notXLSX()
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return notXLSX()
	}
	defer rows.Close()
	for num := 1; rows.Next(); num++ {
		// Columns applies each cell's number format, so a number comes out as
		// Excel shows it: 25, 3.5, 13812345678 (not 1.3812345678E+10).
		cells, err := rows.Columns()
		if err != nil {
			return fugong.Errorf(fugong.EInvalid, "", "XLSX 文件第%d行无法读取", num)
		}
		if err := add(num, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return notXLSX()
	}
	return nil
}

// notXLSX drops excelize's English detail (zip: not a valid zip file, …):
// the user can act only on the Chinese advice.
func notXLSX() error {
	return fugong.Errorf(fugong.EInvalid, "", "不是有效的 XLSX 文件（.xls 或加密的文件请先在 Excel 中另存为 .xlsx）")
}

func readCSV(r io.Reader, add func(int, []string) error) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if b, err = utf8Text(b); err != nil {
		return err
	}
	// The CSV reader holds a record's cells before add sees them: no record
	// may hold more than the file may.
	if bytes.Count(b, []byte(",")) > MaxCells {
		return fugong.Errorf(fugong.ETooLarge, "", "文件超过%d个单元格，请分批导入", MaxCells)
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	// encoding/csv drops empty lines, but a spreadsheet shows them as rows;
	// counting the lines between records keeps row numbers right even when a
	// quoted cell spans lines.
	num, lastLine := 0, 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fugong.Errorf(fugong.EInvalid, "", "CSV 文件第%d行格式有误：%s", pe.Line, csvReason(pe.Err))
			}
			return err
		}
		start, _ := cr.FieldPos(0)
		num += start - lastLine
		end, _ := cr.FieldPos(len(rec) - 1)
		lastLine = end + strings.Count(rec[len(rec)-1], "\n")
		for i, c := range rec {
			rec[i] = unescapeCSV(c)
		}
		if err := add(num, rec); err != nil {
			return err
		}
	}
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "不在引号字段中的引号（字段内的引号要写成两个）"
	case errors.Is(err, csv.ErrQuote):
		return "引号没有配对"
	}
	return err.Error()
}

// utf8Text returns the CSV as UTF-8. Excel on a Chinese Windows saves "CSV"
// in GBK and "CSV UTF-8" with a BOM; other tools write plain UTF-8. GBK text
// is almost never valid UTF-8, so validity tells them apart.
func utf8Text(b []byte) ([]byte, error) {
	if rest, ok := bytes.CutPrefix(b, []byte("\uFEFF")); ok {
		return rest, nil
	}
	if utf8.Valid(b) {
		return b, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return nil, fugong.Errorf(fugong.EInvalid, "", "无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK")
	}
	return out, nil
}
