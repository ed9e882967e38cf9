package sheet

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/daily"
	"fugong/registry"
)

// reportAliases are the headers a sheet of daily reports uses for each
// field, besides the field's JSON name and its label in daily.FieldLabels.
var reportAliases = map[string][]string{
	"uscc":                   {registry.FieldLabels["uscc"], "社会信用代码", "信用代码"},
	"date":                   {"日期", "填报日期", "上报日期", "报告日期", "日报日期"},
	"staff_total":            {"职工人数", "员工总数", "员工人数", "职工数", "总人数", "企业职工总数"},
	"staff_in_city":          {"在瑞", "留瑞", "留瑞人数", "在瑞职工人数", "在瑞员工人数", "留瑞职工人数"},
	"returned_today":         {"当日返温", "返温人数", "今日返温", "今日返温人数", "当日返瑞人数"},
	"persuaded_today":        {"劝返", "劝返人数", "当日劝返", "今日劝返人数"},
	"tickets_refunded_today": {"劝退票", "劝退票人数", "当日劝退票", "退票人数"},
	"hubei_staff":            {"湖北籍", "湖北籍员工", "湖北籍职工", "湖北籍员工人数"},
	"hubei_contacted_today":  {"已联系湖北籍", "已联系湖北籍人数", "联系湖北籍人数", "当日已联系湖北籍人数"},
	"quarantined":            {"隔离", "在隔离人数", "隔离观察人数"},
	"fever":                  {"发热", "发热或有症状人数", "发热人员"},
	"on_duty":                {"值守", "值守人员", "值守人员数"},
	"commitment_signed":      {"承诺书", "是否签订承诺书", "签订承诺书", "承诺书签订", "是否已签承诺书"},
	"note":                   {"说明", "情况说明"},
}

// reportLabels are the Chinese names of the columns in messages.
var reportLabels = func() map[string]string {
	m := map[string]string{"uscc": registry.FieldLabels["uscc"], "date": "日期"}
	for f, l := range daily.FieldLabels {
		m[f] = l
	}
	return m
}()

// reportRequired are the columns a file must have besides the date: every
// report field but the note, so that a column left out is never stored as
// a silent zero.
var reportRequired = append([]string{"uscc"}, append(append([]string(nil), daily.CountFields...), "commitment_signed")...)

// reportField maps a normalised header to its report field.
var reportField = func() map[string]string {
	m := map[string]string{}
	for f, as := range reportAliases {
		m[reportKey(f)] = f
		if l, ok := daily.FieldLabels[f]; ok {
			m[reportKey(l)] = f
		}
		for _, a := range as {
			m[reportKey(a)] = f
		}
	}
	return m
}()

// reportKey folds a header as headerKey does, and also drops spaces and a
// unit such as "(人)" that a sheet adds to a count's header.
func reportKey(h string) string {
	h = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, headerKey(h))
	for _, unit := range []string{"(人)", "(人数)", "(名)"} {
		h = strings.TrimSuffix(h, unit)
	}
	return h
}

// ReadReports reads a file of daily reports (batch entry of reports
// collected by phone): a column of codes, a date column (optional when
// defaultDate, YYYY-MM-DD, is given; a cell left empty takes it too) and
// every report field, by JSON name or Chinese header, in any order. name's
// suffix, .xlsx or .csv, picks the format. Rows whose report cells are all
// empty, such as the untouched rows of a template, are left out. It returns
// the rows and the table as read, for WriteErrorFile.
func ReadReports(r io.Reader, name, defaultDate string) ([]daily.ImportRow, *Table, error) {
	if _, err := format(name); err != nil {
		return nil, nil, err
	}
	if defaultDate != "" {
		d, ok := parseDay(defaultDate)
		if !ok {
			return nil, nil, fugong.Errorf(fugong.EInvalid, "date", "日期应为 YYYY-MM-DD 格式的有效日期，收到“%s”", defaultDate)
		}
		defaultDate = d
	}
	var (
		index   map[string]int
		columns map[string]string
	)
	t, x, err := read(r, name, ReportLimits, func(header []string) (err error) {
		index, columns, err = (&Table{Header: header}).reportFields(defaultDate != "")
		return err
	})
	if x != nil {
		defer x.Close()
	}
	if err != nil {
		return nil, nil, err
	}
	var raw map[int]string
	if i, ok := index["date"]; ok && x != nil {
		if raw, err = rawColumn(x, i); err != nil {
			return nil, nil, err
		}
	}
	rows := make([]daily.ImportRow, 0, len(t.Rows))
	for _, row := range t.Rows {
		if ir, filled := readReportRow(row, index, columns, raw, defaultDate); filled {
			rows = append(rows, ir)
		}
	}
	return rows, t, nil
}

// reportFields returns, for each recognised field, its column index and its
// header as written.
func (t *Table) reportFields(haveDate bool) (index map[string]int, columns map[string]string, err error) {
	index, columns = map[string]int{}, map[string]string{}
	for i, h := range t.Header {
		f, ok := reportField[reportKey(h)]
		if !ok {
			continue // 企业名称, 序号, 乡镇街道, … are there for the reader
		}
		h = strings.TrimSpace(h)
		if first, dup := columns[f]; dup {
			if first == h {
				return nil, nil, fugong.Errorf(fugong.EInvalid, "", "表头中的列“%s”重复", h)
			}
			return nil, nil, fugong.Errorf(fugong.EInvalid, "", "表头中的列“%s”和“%s”重复，都表示%s", first, h, reportLabels[f])
		}
		index[f], columns[f] = i, h
	}
	required := reportRequired
	if !haveDate {
		required = append([]string{"date"}, required...)
	}
	var missing []string
	for _, f := range required {
		if _, ok := index[f]; !ok {
			missing = append(missing, reportLabels[f])
		}
	}
	if len(missing) > 0 {
		return nil, nil, fugong.Errorf(fugong.EInvalid, "", "缺少必需的列：%s（可下载日报导入模板对照）", strings.Join(missing, "、"))
	}
	return index, columns, nil
}

// readReportRow reads one row; filled is false when none of its report
// cells holds anything.
func readReportRow(row Row, index map[string]int, columns map[string]string, raw map[int]string, defaultDate string) (ir daily.ImportRow, filled bool) {
	ir = daily.ImportRow{Row: row.Num, Columns: columns}
	problem := func(f, msg string) {
		ir.Problems = append(ir.Problems, registry.RowError{Row: row.Num, Column: columns[f], Field: f, Message: reportLabels[f] + msg})
	}
	get := func(f string) string {
		i, ok := index[f]
		if !ok || i >= len(row.Cells) {
			return ""
		}
		return strings.TrimSpace(row.Cells[i])
	}
	// cell returns the value of f and whether it is short enough to read.
	cell := func(f string) (string, bool) {
		v := get(f)
		if utf8.RuneCountInString(v) > MaxCellRunes {
			problem(f, fmt.Sprintf("内容过长（超过%d个字）", MaxCellRunes))
			return "", false
		}
		return v, true
	}
	for f := range daily.FieldLabels {
		if get(f) != "" {
			filled = true
		}
	}
	if !filled {
		return ir, false
	}
	ir.USCC, _ = cell("uscc")
	if v, ok := cell("date"); ok {
		switch d, ok := excelDay(raw[row.Num], v); {
		case v == "" && defaultDate != "":
			ir.Date = defaultDate
		case v == "":
			problem("date", "不能为空")
		case ok:
			ir.Date = d
		default:
			ir.Date = v
			problem("date", fmt.Sprintf("“%s”无法识别，应写成 2020-02-10 或 2020/2/10", v))
		}
	}
	fig := &ir.Figures
	for i, c := range fig.Counts() {
		f := daily.CountFields[i]
		v, ok := cell(f)
		if !ok || v == "" || v == "无" {
			continue // an empty cell is none: 0
		}
		if *c, ok = integer(v); !ok {
			problem(f, fmt.Sprintf("应为整数（人数），收到“%s”", v))
		}
	}
	if v, ok := cell("commitment_signed"); ok && v != "" {
		if fig.CommitmentSigned, ok = yesNo(v); !ok {
			problem("commitment_signed", fmt.Sprintf("应为“是”或“否”，收到“%s”", v))
		}
	}
	fig.Note, _ = cell("note")
	return ir, true
}

// yesNo reads the ways a sheet says yes or no.
func yesNo(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "是", "已签", "已签订", "已签署", "签订", "有", "1", "y", "yes", "true", "√", "✓":
		return true, true
	case "否", "未签", "未签订", "未签署", "没有", "无", "0", "n", "no", "false", "×", "✗":
		return false, true
	}
	return false, false
}

// excelDay reads a date cell: raw is an XLSX cell's stored value (a serial
// day number for a date cell, even one whose format was lost; "" for CSV),
// shown the text as displayed.
func excelDay(raw, shown string) (string, bool) {
	if raw != "" && !(len(raw) == 8 && strings.Trim(raw, "0123456789") == "") { // 20200210 is a date as typed
		if n, err := strconv.ParseFloat(raw, 64); err == nil && n >= 1 && n < 2958466 {
			t, err := excelize.ExcelDateToTime(n, false)
			if err == nil {
				return t.Format(daily.DateLayout), true
			}
		}
	}
	return parseDay(shown)
}

// Day reads a day as the date cells of a file are read (ReadReports):
// YYYY-MM-DD, or false when it is no day. The command line reads its
// --date so, as it always has.
func Day(s string) (string, bool) { return parseDay(s) }

// parseDay reads a date as people and spreadsheets write it: 2020-02-10,
// 2020-2-10, 2020/2/10, 2020.2.10, 2020年2月10日, 20200210, with or
// without a time after it.
func parseDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) != 4 {
		return "", false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || len(p) > 4 || (i > 0 && len(p) > 2) {
			return "", false
		}
		n[i] = v
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] {
		return "", false // 2020-02-30
	}
	return t.Format(daily.DateLayout), true
}

// rawColumn returns the stored values of column col of an XLSX's first
// sheet by row number. Dates are stored as serial day numbers that the
// cell's format shows in many ways (02-10-20, 2020年2月10日, …); the number
// is what the cell means. It is a second pass over the workbook that
// read has opened and read within its limits.
func rawColumn(f *excelize.File, col int) (map[int]string, error) {
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil && *props.Date1904 {
		// Serials count from 1904 (old Mac Excel): rare enough to refuse
		// rather than shift every date by four years.
		return nil, fugong.Errorf(fugong.EInvalid, "", "文件使用 1904 日期系统，请在 Excel 选项中取消“使用 1904 日期系统”后重新保存")
	}
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		return nil, notXLSX()
	}
	defer rows.Close()
	out := map[int]string{}
	for num := 1; rows.Next(); num++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fugong.Errorf(fugong.EInvalid, "", "XLSX 文件第%d行无法读取", num)
		}
		if col < len(cells) && cells[col] != "" {
			out[num] = strings.TrimSpace(cells[col])
		}
	}
	return out, nil
}

// templateColumns are the columns of a report template: the code, the name
// for the one filling it in (the reader ignores it), the date and every
// report field.
func templateColumns() ([]column, []string) {
	cols := []column{{Header: registry.FieldLabels["uscc"], Width: 22, Text: true},
		{Header: "企业名称", Width: 36}, {Header: "日期", Width: 12, Text: true}}
	fields := append(append([]string(nil), daily.CountFields...), "commitment_signed", "note")
	for _, f := range fields {
		l := daily.FieldLabels[f]
		cols = append(cols, column{Header: l, Width: max(float64(utf8.RuneCountInString(l))*2+2, 10)})
	}
	cols[len(cols)-1].Width = 30
	return cols, fields
}

// WriteReportTemplate writes a sheet for a town to fill in the day's
// reports of es: one row per enterprise with its code, name and the date,
// and an empty cell for every report field. name's suffix, .xlsx or .csv,
// picks the format. ReadReports reads the filled file back; rows left
// empty are skipped.
func WriteReportTemplate(w io.Writer, name string, date string, es []registry.Enterprise) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	if _, err := daily.ParseDate(date); err != nil {
		return err
	}
	cols, fields := templateColumns()
	rw, err := newWriter(w, f, cols)
	if err != nil {
		return err
	}
	defer rw.Close()
	for _, e := range es {
		cells := []any{e.USCC, e.Name, date}
		for range fields {
			cells = append(cells, "")
		}
		if err := rw.Row(cells); err != nil {
			return err
		}
	}
	return rw.Flush()
}

// callListColumns are the columns of the call list of non-reporters; the
// last two are for the caller to fill in.
var callListColumns = []column{
	{Header: "企业名称", Width: 36},
	{Header: registry.FieldLabels["uscc"], Width: 22, Text: true},
	{Header: "乡镇街道", Width: 12},
	{Header: "法定代表人", Width: 12},
	{Header: "联系电话", Width: 16, Text: true},
	{Header: "驻企干部", Width: 12},
	{Header: "最近上报", Width: 12},
	{Header: "已催报次数", Width: 10},
	{Header: "电话结果", Width: 20},
	{Header: "承诺时间", Width: 16},
	{Header: "日报日期", Width: 12, Text: true},
}

// WriteCallList writes the call list of the enterprises without a report
// for date ("不漏一企"): who to call, their cadre, when they last reported
// and how often they were chased, with empty columns for the call's outcome
// and the promised time. name's suffix, .xlsx or .csv, picks the format.
func WriteCallList(w io.Writer, name string, date string, items []daily.Missing) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	if _, err := daily.ParseDate(date); err != nil {
		return err
	}
	rw, err := newWriter(w, f, callListColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	for _, m := range items {
		town := m.TownName
		if town == "" {
			town = m.Town
		}
		last := m.LastReport
		if last == "" {
			last = "从未上报"
		}
		if err := rw.Row([]any{m.Name, m.USCC, town, m.LegalRep, m.ContactPhone, m.Cadre, last, m.Followups, "", "", date}); err != nil {
			return err
		}
	}
	return rw.Flush()
}
