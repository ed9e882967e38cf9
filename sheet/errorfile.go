package sheet

import (
	"os"
	"path/filepath"
	"strings"

	"fugong/registry"
)

// ErrorFilePath is where the bad rows of an import of input go: beside it,
// ".errors" before the suffix (list.xlsx → list.errors.xlsx).
func ErrorFilePath(input string) string {
	ext := filepath.Ext(input)
	return strings.TrimSuffix(input, ext) + ".errors" + ext
}

// WriteErrorFile writes the rows of t that have problems in bad to
// ErrorFilePath(input), in the input's format, and returns that path. Each
// row keeps its original cells and gains a last column "错误原因", so the user
// can fix the file and import it again. Problems of rows not in t (there are
// none from an import) are ignored.
func WriteErrorFile(input string, t *Table, bad []registry.RowError) (_ string, err error) {
	f, err := format(input)
	if err != nil {
		return "", err
	}
	reasons := map[int][]string{}
	for _, p := range bad {
		reasons[p.Row] = append(reasons[p.Row], p.String())
	}
	// A row may be wider than its header; the reason goes after all cells.
	width := len(t.Header)
	for _, r := range t.Rows {
		if reasons[r.Num] != nil {
			width = max(width, len(r.Cells))
		}
	}
	cols := make([]column, width+1)
	for i := range width {
		cols[i] = column{Width: 16, Text: true} // as read, text: keeps codes intact
		if i < len(t.Header) {
			cols[i].Header = t.Header[i]
		}
	}
	cols[width] = column{Header: "错误原因", Width: 60}

	path := ErrorFilePath(input)
	out, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path) // a half-written file would mislead
		}
	}()
	rw, err := newWriter(out, f, cols)
	if err != nil {
		return "", err
	}
	defer rw.Close()
	for _, r := range t.Rows {
		rs := reasons[r.Num]
		if rs == nil {
			continue
		}
		cells := make([]any, width+1)
		for i := range width {
			cells[i] = ""
			if i < len(r.Cells) {
				cells[i] = r.Cells[i]
			}
		}
		cells[width] = strings.Join(rs, "；")
		if err := rw.Row(cells); err != nil {
			return "", err
		}
	}
	if err := rw.Flush(); err != nil {
		return "", err
	}
	return path, nil
}
