package sheet

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"fugong"
	"fugong/pairing"
	"fugong/registry"
)

// pairingAliases are the headers a sheet of pairings uses for each column,
// besides its JSON name and its label in pairing.FieldLabels.
var pairingAliases = map[string][]string{
	"uscc":     {"社会信用代码", "信用代码"},
	"username": {"干部用户名", "结对干部账号", "驻企干部账号", "干部登录账号", "账号", "用户名"},
}

// pairingField maps a normalised header to its column.
var pairingField = func() map[string]string {
	m := map[string]string{}
	for f, as := range pairingAliases {
		m[reportKey(f)] = f
		m[reportKey(pairing.FieldLabels[f])] = f
		for _, a := range as {
			m[reportKey(a)] = f
		}
	}
	return m
}()

// ReadPairings reads a sheet of pairings (一企一员): a column of credit codes
// and a column of cadre accounts, by Chinese header or JSON name, in any
// order, among any other columns (the enterprise's name, the cadre's). name's
// suffix, .xlsx or .csv, picks the format. Rows whose cadre cell is empty,
// such as the rows of the unpaired list not yet filled in, are left out.
func ReadPairings(r io.Reader, name string) ([]pairing.ImportRow, error) {
	var (
		index   map[string]int
		columns map[string]string
	)
	t, err := ReadChecked(r, name, EnterpriseLimits, func(header []string) (err error) {
		index, columns, err = pairingFields(header)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []pairing.ImportRow{}
	for _, row := range t.Rows {
		ir := pairing.ImportRow{Row: row.Num, Columns: columns}
		cell := func(f string) string {
			i := index[f]
			if i >= len(row.Cells) {
				return ""
			}
			v := strings.TrimSpace(row.Cells[i])
			if utf8.RuneCountInString(v) > MaxCellRunes {
				ir.Problems = append(ir.Problems, registry.RowError{Row: row.Num, Column: columns[f], Field: f,
					Message: fmt.Sprintf("%s内容过长（超过%d个字）", pairing.FieldLabels[f], MaxCellRunes)})
			}
			return v
		}
		ir.USCC, ir.Username = cell("uscc"), cell("username")
		if ir.Username == "" {
			continue
		}
		out = append(out, ir)
	}
	return out, nil
}

// pairingFields returns, for each column of a pairing sheet, its index and
// its header as written.
func pairingFields(header []string) (index map[string]int, columns map[string]string, err error) {
	index, columns = map[string]int{}, map[string]string{}
	for i, h := range header {
		f, ok := pairingField[reportKey(h)]
		if !ok {
			continue
		}
		h = strings.TrimSpace(h)
		if first, dup := columns[f]; dup {
			if first == h {
				return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "表头中的列“%s”重复", h)
			}
			return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "表头中的列“%s”和“%s”重复，都表示%s", first, h, pairing.FieldLabels[f])
		}
		index[f], columns[f] = i, h
	}
	var missing []string
	for _, f := range []string{"uscc", "username"} {
		if _, ok := index[f]; !ok {
			missing = append(missing, pairing.FieldLabels[f])
		}
	}
	if len(missing) > 0 {
		return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "缺少必需的列：%s", strings.Join(missing, "、"))
	}
	return index, columns, nil
}

var unpairedColumns = []column{
	{Header: "统一社会信用代码", Width: 22, Text: true},
	{Header: "企业名称", Width: 32},
	{Header: "所属乡镇街道", Width: 12},
	{Header: "规模", Width: 6},
	{Header: "法定代表人", Width: 10},
	{Header: "联系电话", Width: 15, Text: true},
	{Header: "职工人数", Width: 9},
	{Header: "干部账号", Width: 14, Text: true},
}

// WriteUnpaired writes the enterprises without a cadre as a sheet with an
// empty 干部账号 column: filled in, it loads back through ReadPairings.
// name's suffix picks the format.
func WriteUnpaired(w io.Writer, name string, items []pairing.Unpaired) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, unpairedColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	for _, u := range items {
		if err := rw.Row([]any{u.USCC, u.Name, u.TownName, registry.SizeNames[u.SizeClass], u.LegalRep, u.ContactPhone, u.Employees, ""}); err != nil {
			return err
		}
	}
	return rw.Flush()
}
