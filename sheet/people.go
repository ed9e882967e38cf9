package sheet

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/people"
	"fugong/registry"
)

// peopleAliases are the headers a roster sheet uses for each field,
// besides its JSON name and its label in people.FieldLabels.
var peopleAliases = map[string][]string{
	"name":                {"员工姓名", "职工姓名"},
	"id_number":           {"身份证号", "身份证", "公民身份号码", "身份证件号码", "证件号码"},
	"phone":               {"电话", "手机", "手机号", "手机号码", "联系方式"},
	"origin":              {"来源", "户籍地", "籍贯", "从何地返回", "来自", "返回地"},
	"hubei":               {"湖北籍", "是否湖北籍", "湖北", "来自湖北"},
	"returned_on":         {"返回日期", "返瑞日期", "返温日期", "到岗日期"},
	"quarantine_start":    {"隔离开始", "开始隔离日期", "隔离起始日期"},
	"quarantine_days":     {"隔离天数(天)"},
	"quarantine_end":      {"隔离结束", "解除隔离日期", "隔离截止日期"},
	"health_code":         {"健康码颜色", "健康码状态"},
	"code_since":          {"转码时间", "赋码日期"},
	"code_held_by_family": {"家人代办", "家人代管", "健康码家人代办", "代办"},
	"on_post":             {"是否在岗", "在岗情况"},
}

// peopleRequired are the columns without which no row is a person.
var peopleRequired = []string{"name", "id_number", "health_code"}

var peopleField = func() map[string]string {
	m := map[string]string{}
	for f, as := range peopleAliases {
		m[reportKey(f)] = f
		m[reportKey(people.FieldLabels[f])] = f
		for _, a := range as {
			m[reportKey(a)] = f
		}
	}
	return m
}()

// PeopleLimits are a roster's: the most people one sheet may add
// (people.MaxImportRows, far more than the largest firm's staff), with
// every column filled, with room to spare.
var PeopleLimits = Limits{What: "人员花名册", Rows: people.MaxImportRows, Unpacked: 64 << 20}

var peopleDates = []string{"returned_on", "quarantine_start", "quarantine_end", "code_since"}

// ReadPeople reads a roster sheet (XLSX or CSV by name's suffix): one
// person a row, columns by Chinese header or JSON name in any order among
// others (序号, 部门, 备注 …). Dates may be date cells or text as people
// write them; yes/no columns take 是/否. What cannot be read becomes the
// row's Problems; the values are left for people.Person.Normalize.
func ReadPeople(r io.Reader, name string) ([]people.ImportRow, error) {
	if _, err := format(name); err != nil {
		return nil, err
	}
	var (
		index   map[string]int
		columns map[string]string
	)
	t, x, err := read(r, name, PeopleLimits, func(header []string) (err error) {
		index, columns, err = peopleFields(header)
		return err
	})
	if x != nil {
		defer x.Close()
	}
	if err != nil {
		return nil, err
	}
	raw := map[string]map[int]string{}
	var numeric map[int]bool
	if x != nil {
		for _, fld := range peopleDates {
			if i, ok := index[fld]; ok {
				if raw[fld], err = rawColumn(x, i); err != nil {
					return nil, err
				}
			}
		}
		if numeric, err = numberCells(x, index["id_number"]); err != nil {
			return nil, err
		}
	}
	out := make([]people.ImportRow, 0, len(t.Rows))
	for _, row := range t.Rows {
		ir := readPersonRow(row, index, columns, raw)
		if numeric[row.Num] {
			// Excel keeps 15 significant digits of a number: an ID number
			// typed into a number cell has lost its last ones.
			ir.Problems = append([]registry.RowError{{Row: row.Num, Column: columns["id_number"], Field: "id_number",
				Message: "身份证号码被 Excel 存成了数字，末几位已丢失：请将该列设为“文本”后重新填写"}}, ir.Problems...)
		}
		out = append(out, ir)
	}
	return out, nil
}

// peopleFields finds the roster's columns in a header row: each field's
// index and its header as written. A field named twice or a required one
// missing refuses the file at its header.
func peopleFields(header []string) (map[string]int, map[string]string, error) {
	index, columns := map[string]int{}, map[string]string{}
	for i, h := range header {
		fld, ok := peopleField[reportKey(h)]
		if !ok {
			continue
		}
		h = strings.TrimSpace(h)
		if first, dup := columns[fld]; dup {
			if first == h {
				return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "表头中的列“%s”重复", h)
			}
			return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "表头中的列“%s”和“%s”重复，都表示%s", first, h, people.FieldLabels[fld])
		}
		index[fld], columns[fld] = i, h
	}
	var missing []string
	for _, fld := range peopleRequired {
		if _, ok := index[fld]; !ok {
			missing = append(missing, people.FieldLabels[fld])
		}
	}
	if len(missing) > 0 {
		return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "缺少必需的列：%s（可下载人员导入模板对照）", strings.Join(missing, "、"))
	}
	return index, columns, nil
}

// numberCells lists the rows whose cell in column col of an XLSX's first
// sheet holds a number (a cell without a type is one): a second pass over
// the workbook that read has opened and read within its limits.
func numberCells(f *excelize.File, col int) (map[int]bool, error) {
	sheet := f.GetSheetList()[0]
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, notXLSX()
	}
	defer rows.Close()
	out := map[int]bool{}
	for num := 1; rows.Next(); num++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fugong.Errorf(fugong.EInvalid, "", "XLSX 文件第%d行无法读取", num)
		}
		if col >= len(cells) || cells[col] == "" {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(col+1, num)
		if typ, err := f.GetCellType(sheet, cell); err == nil && (typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset) {
			out[num] = true
		}
	}
	return out, nil
}

func readPersonRow(row Row, index map[string]int, columns map[string]string, raw map[string]map[int]string) people.ImportRow {
	ir := people.ImportRow{Row: row.Num, Columns: columns}
	problem := func(f, msg string) {
		ir.Problems = append(ir.Problems, registry.RowError{Row: row.Num, Column: columns[f], Field: f, Message: people.FieldLabels[f] + msg})
	}
	cell := func(f string) string {
		i, ok := index[f]
		if !ok || i >= len(row.Cells) {
			return ""
		}
		v := strings.TrimSpace(row.Cells[i])
		if utf8.RuneCountInString(v) > MaxCellRunes {
			problem(f, fmt.Sprintf("内容过长（超过%d个字）", MaxCellRunes))
			return ""
		}
		return v
	}
	p := &ir.Person
	p.Name, p.Phone, p.Origin = cell("name"), unescapeCSV(cell("phone")), cell("origin")
	p.IDNumber = unescapeCSV(cell("id_number"))
	if strings.ContainsAny(p.IDNumber, "Ee") && strings.Contains(p.IDNumber, "+") {
		// 3.30381E+17, saved to CSV as Excel showed it.
		problem("id_number", "被 Excel 存成了数字（科学计数法），末几位已丢失：请将该列设为“文本”后重新填写")
	}
	p.HealthCode = people.HealthCode(cell("health_code"))
	for f, dst := range map[string]*string{"returned_on": &p.ReturnedOn, "quarantine_start": &p.QuarantineStart,
		"quarantine_end": &p.QuarantineEnd, "code_since": &p.CodeSince} {
		v := cell(f)
		if v == "" {
			continue
		}
		if d, ok := excelDay(raw[f][row.Num], v); ok {
			*dst = d
		} else {
			*dst = v
			problem(f, fmt.Sprintf("“%s”无法识别，应写成 2020-02-10 或 2020/2/10", v))
		}
	}
	if v := cell("quarantine_days"); v != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(v, "天"))
		if err != nil {
			problem("quarantine_days", fmt.Sprintf("应为整数（天数），收到“%s”", v))
		}
		p.QuarantineDays = n
	}
	p.OnPost = true // unless the sheet says otherwise
	for f, dst := range map[string]*bool{"hubei": &p.Hubei, "code_held_by_family": &p.CodeHeldByFamily, "on_post": &p.OnPost} {
		v := cell(f)
		if v == "" {
			continue
		}
		if f == "on_post" {
			switch v {
			case "在岗":
				v = "是"
			case "不在岗", "未到岗", "离岗":
				v = "否"
			}
		}
		b, ok := yesNo(v)
		if !ok {
			problem(f, fmt.Sprintf("应为“是”或“否”，收到“%s”", v))
		}
		*dst = b
	}
	sortProblems(ir.Problems)
	return ir
}

// sortProblems keeps a row's problems in the order of people.Fields, so
// that a message lists them as the sheet does (maps range at random).
func sortProblems(ps []registry.RowError) {
	order := map[string]int{}
	for i, f := range people.Fields {
		order[f] = i
	}
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && order[ps[j].Field] < order[ps[j-1].Field]; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// peopleTemplate are the columns of the roster template, in people.Fields
// order but the computed end (the days give it).
var peopleTemplate = func() []column {
	var cols []column
	for _, f := range people.Fields {
		if f == "quarantine_end" {
			continue
		}
		l := people.FieldLabels[f]
		c := column{Header: l, Width: max(float64(utf8.RuneCountInString(l))*2+2, 10)}
		switch f {
		case "id_number":
			c.Width, c.Text = 22, true
		case "phone":
			c.Width, c.Text = 15, true
		case "returned_on", "quarantine_start", "code_since":
			c.Width, c.Text = 12, true
		}
		cols = append(cols, c)
	}
	return cols
}()

// WritePeopleTemplate writes an empty roster sheet to fill in: the header
// row, the ID number and phone columns formatted as text so Excel keeps
// every digit. ReadPeople reads it back. name's suffix picks the format.
func WritePeopleTemplate(w io.Writer, name string) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, peopleTemplate)
	if err != nil {
		return err
	}
	defer rw.Close()
	return rw.Flush()
}
