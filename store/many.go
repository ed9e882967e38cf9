package store

import (
	"strconv"
	"strings"
)

// manyRows is a statement over many rows at once: its text for each of
// rowChunks rows. n rows go greedily in those sizes, so a handful of
// texts, each prepared once, serve batches of every size. Each text comes
// with numbered marks ($1) for PostgreSQL and plain ones (?) for SQLite,
// which looks a numbered mark up in a list at every bind: quadratic in a
// statement's marks, a thousand of them in a chunk.
type manyRows struct {
	numbered, plain map[int]string
}

var rowChunks = []int{64, 16, 4, 1}

// newManyRows makes the texts: text wraps the rows of values, each value
// cast to its column's type where types gives one ("" for none).
func newManyRows(types []string, text func(values string) string) manyRows {
	m := manyRows{numbered: map[int]string{}, plain: map[int]string{}}
	for _, n := range rowChunks {
		m.numbered[n] = text(valueRows(n, types, false))
		m.plain[n] = text(valueRows(n, types, true))
	}
	return m
}

// texts are the statement's texts with the dialect's marks.
func (m manyRows) texts(d *dialect) map[int]string {
	if d.plainMarks {
		return m.plain
	}
	return m.numbered
}

// each calls fn with the statement and the rows [from, to) of each chunk
// of n rows.
func (m manyRows) each(d *dialect, n int, fn func(q string, from, to int) error) error {
	texts := m.texts(d)
	for from := 0; from < n; {
		k := 1
		for _, c := range rowChunks {
			if c <= n-from {
				k = c
				break
			}
		}
		if err := fn(texts[k], from, from+k); err != nil {
			return err
		}
		from += k
	}
	return nil
}

// valueRows is "($1, $2), ($3, $4)" (or with ? marks) for n rows of
// len(types) columns, each value cast where its type is given.
func valueRows(n int, types []string, plain bool) string {
	var b strings.Builder
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c, t := range types {
			if c > 0 {
				b.WriteString(", ")
			}
			p := "?"
			if !plain {
				p = "$" + strconv.Itoa(1+r*len(types)+c)
			}
			if t != "" {
				p = "CAST(" + p + " AS " + t + ")"
			}
			b.WriteString(p)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// columns are n columns taken as they come, without casts.
func columns(n int) []string { return make([]string, n) }
