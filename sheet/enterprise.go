package sheet

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// aliases are the headers a bureau's sheet uses for each field, besides the
// field's JSON name and its label in registry.FieldLabels.
var aliases = map[string][]string{
	"uscc":          {"社会信用代码", "信用代码"},
	"name":          {"名称", "单位名称"},
	"town":          {"乡镇街道", "乡镇", "镇街", "所属镇街"},
	"address":       {"企业地址", "详细地址"},
	"industry":      {"所属行业", "行业类别"},
	"size_class":    {"规模类型", "企业规模", "是否规上"},
	"legal_rep":     {"法人代表", "法人"},
	"contact_phone": {"电话", "手机", "联系方式"},
	"employees":     {"员工人数", "从业人数"},
	"land_mu":       {"用地面积", "占地面积(亩)", "土地面积(亩)"},
	"mujun_class":   {"亩均评价等级", "评价等级"},
	"status":        {},
}

// required are the columns without which no row could be a record.
var required = []string{"uscc", "name", "town", "size_class"}

// headerField maps a normalised header to its field.
var headerField = func() map[string]string {
	m := map[string]string{}
	for f, as := range aliases {
		m[headerKey(f)] = f
		m[headerKey(registry.FieldLabels[f])] = f
		for _, a := range as {
			m[headerKey(a)] = f
		}
	}
	return m
}()

// headerKey folds what people vary when they type a header by hand.
func headerKey(h string) string {
	h = strings.NewReplacer("（", "(", "）", ")").Replace(h)
	return strings.ToLower(strings.TrimSpace(h))
}

// ReadEnterprises reads an enterprise list. name is the file name: its suffix,
// .xlsx or .csv in any case, picks the format. It returns one ImportRow per
// non-empty data row.
func ReadEnterprises(r io.Reader, name string) ([]registry.ImportRow, error) {
	t, err := ReadEnterpriseTable(r, name)
	if err != nil {
		return nil, err
	}
	return t.Enterprises()
}

// ReadEnterpriseTable reads an enterprise list as it is written, within
// EnterpriseLimits; a file without the required columns is refused at its
// header row.
func ReadEnterpriseTable(r io.Reader, name string) (*Table, error) {
	return ReadChecked(r, name, EnterpriseLimits, func(header []string) error {
		_, _, err := (&Table{Header: header}).fields()
		return err
	})
}

// Enterprises maps the table's columns to enterprise fields by their headers
// and reads every row. Cells that cannot be read (a number that is not one)
// become the row's Problems; the values are left for Normalize to judge.
// All rows share one Columns map: treat it as read-only.
func (t *Table) Enterprises() ([]registry.ImportRow, error) {
	index, columns, err := t.fields()
	if err != nil {
		return nil, err
	}
	out := make([]registry.ImportRow, 0, len(t.Rows))
	for _, row := range t.Rows {
		out = append(out, readRow(row, index, columns))
	}
	return out, nil
}

// fields returns, for each recognised field, its column index and its header
// as written.
func (t *Table) fields() (index map[string]int, columns map[string]string, err error) {
	index, columns = map[string]int{}, map[string]string{}
	for i, h := range t.Header {
		f, ok := headerField[headerKey(h)]
		if !ok {
			continue // the bureau's sheets carry extra columns (序号, 备注, …)
		}
		h = strings.TrimSpace(h)
		if first, dup := columns[f]; dup {
			if first == h {
				return nil, nil, fugong.Errorf(fugong.EInvalid, "", "表头中的列“%s”重复", h)
			}
			return nil, nil, fugong.Errorf(fugong.EInvalid, "", "表头中的列“%s”和“%s”重复，都表示%s", first, h, registry.FieldLabels[f])
		}
		index[f], columns[f] = i, h
	}
	var missing []string
	for _, f := range required {
		if _, ok := index[f]; !ok {
			missing = append(missing, registry.FieldLabels[f])
		}
	}
	if len(missing) > 0 {
		return nil, nil, fugong.Errorf(fugong.EInvalid, "", "缺少必需的列：%s", strings.Join(missing, "、"))
	}
	return index, columns, nil
}

func readRow(row Row, index map[string]int, columns map[string]string) registry.ImportRow {
	ir := registry.ImportRow{Row: row.Num, Columns: columns}
	problem := func(f, msg string) {
		ir.Problems = append(ir.Problems, registry.RowError{Row: row.Num, Column: columns[f],
			Field: f, Message: registry.FieldLabels[f] + msg})
	}
	// cell returns the trimmed value of field f ("" when the column is short
	// in this row) and whether it is short enough to be real data. A text
	// field too long is still passed on, so that Normalize's own messages stay
	// true; a number too long is not parsed, so it is reported once.
	cell := func(f string) (string, bool) {
		i, ok := index[f]
		if !ok || i >= len(row.Cells) {
			return "", true
		}
		v := strings.TrimSpace(row.Cells[i])
		if utf8.RuneCountInString(v) > MaxCellRunes {
			problem(f, fmt.Sprintf("内容过长（超过%d个字）", MaxCellRunes))
			return v, false
		}
		return v, true
	}
	text := func(f string) string { v, _ := cell(f); return v }
	e := &ir.Enterprise
	e.USCC = text("uscc")
	e.Name = text("name")
	e.Town = text("town")
	e.Address = text("address")
	e.Industry = text("industry")
	e.LegalRep = text("legal_rep")
	e.ContactPhone = text("contact_phone")
	if v, ok := cell("size_class"); ok && v != "" {
		if e.SizeClass = sizeClass(v); e.SizeClass == "" {
			problem("size_class", "应为规上或规下")
		}
	}
	if v, ok := cell("employees"); ok && v != "" {
		if e.Employees, ok = integer(v); !ok {
			problem("employees", "应为整数")
		}
	}
	if v, ok := cell("land_mu"); ok && v != "" {
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			problem("land_mu", "应为数字")
		} else {
			e.LandMu = f
		}
	}
	if v := text("mujun_class"); v != "" {
		e.MujunClass = &v
	}
	e.Status = status(text("status"))
	return ir
}

// sizeClass reads the ways a sheet says 规上/规下, "" if none; a 是否规上
// column says 是 or 否.
func sizeClass(v string) string {
	switch strings.ToLower(v) {
	case "above", "规上", "规模以上", "是":
		return registry.SizeAbove
	case "below", "规下", "规模以下", "否":
		return registry.SizeBelow
	}
	return ""
}

// integer reads a count as Excel may show it: "1,234" with a thousands
// separator, or "12.0" from a number cell.
func integer(v string) (int, bool) {
	v = strings.ReplaceAll(v, ",", "")
	if n, err := strconv.Atoi(v); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != math.Trunc(f) {
		return 0, false // also NaN, which is not equal to itself
	}
	// Beyond any real workforce: clamp so that the conversion is defined and
	// Normalize reports it as out of range.
	if math.Abs(f) > registry.MaxEmployees {
		return int(math.Copysign(registry.MaxEmployees+1, f)), true
	}
	return int(f), true
}

// status reads 在册 and 注销/停业 as well as the codes. Anything else is passed
// through for Normalize to reject with its own message.
func status(v string) string {
	switch strings.ToLower(v) {
	case "在册", registry.StatusActive:
		return registry.StatusActive
	case "注销", "停业", "注销/停业", registry.StatusClosed:
		return registry.StatusClosed
	}
	return v
}

// exportColumns are the columns of an exported list, in registry.Fields order.
var exportColumns = func() []column {
	widths := map[string]float64{"uscc": 22, "name": 36, "town": 14, "address": 40, "industry": 16,
		"legal_rep": 12, "contact_phone": 16, "employees": 10, "land_mu": 14, "mujun_class": 10}
	cols := make([]column, len(registry.Fields))
	for i, f := range registry.Fields {
		cols[i] = column{Header: registry.FieldLabels[f], Width: max(widths[f], 10),
			Text: f == "uscc" || f == "contact_phone"}
	}
	return cols
}()

// WriteEnterprises writes a list in the format of name's suffix (.xlsx or
// .csv) with the Chinese headers and values a bureau's sheet uses, so that
// the file can be edited and imported again. each produces the records one
// by one; nothing holds the whole list.
func WriteEnterprises(w io.Writer, name string, each func(fn func(registry.Enterprise) error) error) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, exportColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	err = each(func(e registry.Enterprise) error {
		cells := make([]any, len(registry.Fields))
		for i, f := range registry.Fields {
			cells[i] = exportCell(e, f)
		}
		return rw.Row(cells)
	})
	if err != nil {
		return err
	}
	return rw.Flush()
}

// exportCell returns the cell of field f for e, as a bureau's sheet writes it.
func exportCell(e registry.Enterprise, f string) any {
	switch f {
	case "uscc":
		return e.USCC
	case "name":
		return e.Name
	case "town":
		if e.TownName != "" {
			return e.TownName
		}
		return e.Town
	case "address":
		return e.Address
	case "industry":
		return e.Industry
	case "size_class":
		return chinese(registry.SizeNames, e.SizeClass)
	case "legal_rep":
		return e.LegalRep
	case "contact_phone":
		return e.ContactPhone
	case "employees":
		return e.Employees
	case "land_mu":
		return e.LandMu
	case "mujun_class":
		return e.MujunString()
	case "status":
		return chinese(registry.StatusNames, e.Status)
	}
	return ""
}

// chinese returns the Chinese name of a code, or the code if it has none.
func chinese(names map[string]string, code string) string {
	if n, ok := names[code]; ok {
		return n
	}
	return code
}
