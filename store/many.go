package store

import (
	"strconv"
	"strings"
)

// manyRows is a statement over many rows at once, in the form each engine
// takes best:
//
//   - PostgreSQL: one text whatever the number of rows, each column passed
//     as one array and the rows read back with unnest, so a batch costs one
//     round trip a statement (in chunks of a few fixed sizes it cost three
//     to six: issue 16, 31 round trips for a batch of 14 reports).
//   - SQLite: rows of ? marks, one text for each of rowChunks rows; n rows
//     go greedily in those sizes, so a handful of texts, each prepared once,
//     serve batches of every size. A statement is a call, not a round trip,
//     and SQLite has no arrays.
type manyRows struct {
	arrays string
	plain  map[int]string
	width  int
}

var rowChunks = []int{64, 16, 4, 1}

// newManyRows makes the texts: text wraps a query giving the rows, whose
// columns are named column1, column2… (as VALUES names them), and types
// are the columns' PostgreSQL types.
func newManyRows(types []string, text func(rows string) string) manyRows {
	m := manyRows{arrays: text(unnestRows(types)), plain: map[int]string{}, width: len(types)}
	for _, n := range rowChunks {
		m.plain[n] = text(valueRows(n, len(types)))
	}
	return m
}

// texts are the statement's texts in the dialect's form.
func (m manyRows) texts(d *dialect) []string {
	if d.arrays {
		return []string{m.arrays}
	}
	out := make([]string, 0, len(m.plain))
	for _, q := range m.plain {
		out = append(out, q)
	}
	return out
}

// run runs the statement over n rows: row appends row i's values to args,
// and exec runs each text with its arguments (once with arrays, once a
// chunk without).
func (m manyRows) run(d *dialect, n int, row func(i int, args []any) []any, exec func(q string, args []any) error) error {
	if n == 0 {
		return nil
	}
	if d.arrays {
		var flat []any
		for i := range n {
			flat = row(i, flat)
		}
		return exec(m.arrays, columnsOf(flat, n))
	}
	for from := 0; from < n; {
		k := 1
		for _, c := range rowChunks {
			if c <= n-from {
				k = c
				break
			}
		}
		args := make([]any, 0, k*m.width)
		for i := from; i < from+k; i++ {
			args = row(i, args)
		}
		if err := exec(m.plain[k], args); err != nil {
			return err
		}
		from += k
	}
	return nil
}

// columnsOf turns n rows' values, row after row, into one slice a column.
func columnsOf(flat []any, n int) []any {
	width := len(flat) / n
	cols := make([]any, width)
	for c := range cols {
		col := make([]any, n)
		for r := range n {
			col[r] = flat[r*width+c]
		}
		cols[c] = col
	}
	return cols
}

// unnestRows is "SELECT * FROM unnest($1::TEXT[], $2::BIGINT[]) AS
// u(column1, column2)".
func unnestRows(types []string) string {
	var b strings.Builder
	b.WriteString("SELECT * FROM unnest(")
	for c, t := range types {
		if c > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(c+1) + "::" + t + "[]")
	}
	b.WriteString(") AS u(")
	for c := range types {
		if c > 0 {
			b.WriteString(", ")
		}
		b.WriteString("column" + strconv.Itoa(c+1))
	}
	b.WriteString(")")
	return b.String()
}

// valueRows is "VALUES (?, ?), (?, ?)" for n rows of width columns.
func valueRows(n, width int) string {
	var b strings.Builder
	b.WriteString("VALUES ")
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range width {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	return b.String()
}
