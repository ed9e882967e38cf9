// Package sheet reads and writes enterprise lists as XLSX and CSV files: the
// bureau's header aliases, the encodings Excel saves in, and row numbers a
// spreadsheet user can find. It checks only what the file format decides
// (numbers that are not numbers, unknown size classes); the rules of the
// values belong to registry.Enterprise.Normalize.
package sheet

import (
	"archive/zip"
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

// Limits bound what one file may hold, so that a hostile file (a zip
// bomb: a 1 MB XLSX that unpacks to 900 MB) costs a bounded amount of CPU,
// memory and disk before it is refused. Each kind of file has its own,
// sized to the biggest real sheet of that kind with room to spare.
type Limits struct {
	What     string // the kind of file, for messages: 企业名录, 日报
	Rows     int    // data rows, blank rows not counted
	Unpacked int64  // bytes: an XLSX unpacked (every part together), a CSV as it is
}

var (
	// EnterpriseLimits fit a city's enterprise list (Ruian has 7,000
	// firms; its list as XLSX unpacks to 5 MB) about three times over.
	// Pairing sheets list the same firms.
	EnterpriseLimits = Limits{What: "企业名录", Rows: 20_000, Unpacked: 32 << 20}
	// ReportLimits fit a day's reports of 100,000 firms (65 MB unpacked as
	// written by the report template) with a fifth to spare.
	ReportLimits = Limits{What: "日报", Rows: 120_000, Unpacked: 128 << 20}
)

const (
	// MaxCellRunes bounds the characters of one cell.
	MaxCellRunes = 1_000
	// MaxCells bounds the cells kept, up to each row's last one not empty:
	// a small XLSX can name a far column on every row and a small CSV hold
	// millions of commas, and each cell kept costs memory even when empty.
	MaxCells = 4_000_000
)

// Further bounds on an XLSX, whatever its kind: a real workbook has a few
// dozen parts, and every part but the sheets and their shared strings
// (styles, workbook, relationships) is a few KB to a few MB, parsed whole
// into memory when the file is opened.
const (
	maxParts     = 1_000
	maxOtherPart = 8 << 20
	// xmlInMemory is the largest sheet kept in memory; larger ones are
	// streamed from a temporary file (at most Limits.Unpacked of disk).
	xmlInMemory = 16 << 20
)

func (l Limits) tooManyRows() error {
	return fugong.Errorf(fugong.ETooLarge, "", "文件超过%d行数据：%s每次最多导入%d行，请分批导入", l.Rows, l.What, l.Rows)
}

func (l Limits) tooBig() error {
	return fugong.Errorf(fugong.ETooLarge, "", "文件内容超过%d MB（XLSX 按解压后计算）：%s每次最多导入%d MB、%d行，请删去多余的工作表、图片和格式，或分批导入",
		l.Unpacked>>20, l.What, l.Unpacked>>20, l.Rows)
}

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

// Read reads the first sheet of an XLSX file or a CSV file within the
// largest limits (ReportLimits). The first non-empty row is the header.
func Read(r io.Reader, name string) (*Table, error) {
	return ReadChecked(r, name, ReportLimits, nil)
}

// ReadChecked reads a file within lim, calling header (if not nil) on the
// header row before reading any further: a file without the columns a
// reader needs is refused at its first row, not after all of it.
func ReadChecked(r io.Reader, name string, lim Limits, header func([]string) error) (*Table, error) {
	t, x, err := read(r, name, lim, header)
	if x != nil {
		x.Close()
	}
	return t, err
}

// read is ReadChecked that leaves an XLSX's workbook open (for the caller
// to close, also on error) for a second pass over its cells.
func read(r io.Reader, name string, lim Limits, header func([]string) error) (*Table, *excelize.File, error) {
	f, err := format(name)
	if err != nil {
		return nil, nil, err
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
			if header != nil {
				return header(cells)
			}
			return nil
		}
		if len(t.Rows) == lim.Rows {
			return lim.tooManyRows()
		}
		t.Rows = append(t.Rows, Row{Num: num, Cells: cells})
		return nil
	}
	var x *excelize.File
	if f == "xlsx" {
		x, err = readXLSX(r, lim, add)
	} else {
		err = readCSV(r, lim, add)
	}
	if err != nil {
		return nil, x, err
	}
	if t.Header == nil {
		return nil, x, fugong.Errorf(fugong.EInvalid, "", "文件是空的，没有表头")
	}
	return t, x, nil
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

// readXLSX reads the first sheet row by row, within lim. It returns the
// open workbook (nil if it could not be opened) for the caller to close.
func readXLSX(r io.Reader, lim Limits, add func(int, []string) error) (*excelize.File, error) {
	// excelize needs random access to the zip, so the packed file is held in
	// memory; a packed file is never larger than what it unpacks to.
	b, err := io.ReadAll(io.LimitReader(r, lim.Unpacked+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > lim.Unpacked {
		return nil, lim.tooBig()
	}
	if err := checkZip(b, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: lim.Unpacked, UnzipXMLSizeLimit: min(xmlInMemory, lim.Unpacked)})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, notXLSX()
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return f, notXLSX()
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return f, notXLSX()
	}
	defer rows.Close()
	for num := 1; rows.Next(); num++ {
		// Columns applies each cell's number format, so a number comes out as
		// Excel shows it: 25, 3.5, 13812345678 (not 1.3812345678E+10).
		cells, err := rows.Columns()
		if err != nil {
			return f, fugong.Errorf(fugong.EInvalid, "", "XLSX 文件第%d行无法读取", num)
		}
		if err := add(num, cells); err != nil {
			return f, err
		}
	}
	if err := rows.Error(); err != nil {
		return f, notXLSX()
	}
	return f, nil
}

// checkZip refuses an XLSX whose parts, by the sizes its directory
// declares, unpack to more than lim, before anything is unpacked (archive/zip
// fails a part that unpacks to more than it declared). Besides the total,
// each XML part other than the sheets and shared strings is bounded on its
// own, because excelize parses those whole into memory, at many times their
// size. (Pictures and other binary parts are held, never parsed.)
func checkZip(b []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return notXLSX()
	}
	if len(zr.File) > maxParts {
		return fugong.Errorf(fugong.ETooLarge, "", "XLSX 文件包含%d个部件，超过%d个的上限", len(zr.File), maxParts)
	}
	var total uint64
	for _, p := range zr.File {
		total += p.UncompressedSize64
		if total > uint64(lim.Unpacked) {
			return lim.tooBig()
		}
		name := strings.ToLower(p.Name)
		parsed := strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels")
		bulk := strings.HasPrefix(name, "xl/worksheets/") || name == "xl/sharedstrings.xml"
		if parsed && !bulk && p.UncompressedSize64 > maxOtherPart {
			return fugong.Errorf(fugong.ETooLarge, "", "XLSX 文件中的“%s”解压后超过%d MB，请另存为只含数据的新文件后重试", p.Name, maxOtherPart>>20)
		}
	}
	return nil
}

// notXLSX drops excelize's English detail (zip: not a valid zip file, …):
// the user can act only on the Chinese advice.
func notXLSX() error {
	return fugong.Errorf(fugong.EInvalid, "", "不是有效的 XLSX 文件（.xls 或加密的文件请先在 Excel 中另存为 .xlsx）")
}

func readCSV(r io.Reader, lim Limits, add func(int, []string) error) error {
	b, err := io.ReadAll(io.LimitReader(r, lim.Unpacked+1))
	if err != nil {
		return err
	}
	if int64(len(b)) > lim.Unpacked {
		return lim.tooBig()
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
