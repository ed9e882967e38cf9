package store

import (
	"reflect"
	"strings"
	"testing"
)

// On PostgreSQL a statement over many rows is one statement whatever their
// number, each column one array; on SQLite, chunks of rowChunks rows.
func TestManyRowsRun(t *testing.T) {
	m := newManyRows([]string{"TEXT", "BIGINT"}, func(rows string) string { return `SELECT * FROM (` + rows + `) v` })
	row := func(i int, args []any) []any { return append(args, string(rune('a'+i%26)), int64(i)) }
	type call struct {
		q    string
		args []any
	}
	runs := func(d *dialect, n int) []call {
		var calls []call
		if err := m.run(d, n, row, func(q string, args []any) error {
			calls = append(calls, call{q, args})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return calls
	}

	pg := runs(&postgresDialect, 100)
	if len(pg) != 1 {
		t.Fatalf("PostgreSQL: %d statements for 100 rows, want 1", len(pg))
	}
	if want := `SELECT * FROM (SELECT * FROM unnest($1::TEXT[], $2::BIGINT[]) AS u(column1, column2)) v`; pg[0].q != want {
		t.Errorf("PostgreSQL's text = %s, want %s", pg[0].q, want)
	}
	if len(pg[0].args) != 2 {
		t.Fatalf("PostgreSQL: %d arguments, want one array a column", len(pg[0].args))
	}
	texts, ids := pg[0].args[0].([]any), pg[0].args[1].([]any)
	if len(texts) != 100 || texts[27] != "b" || ids[99] != int64(99) {
		t.Errorf("PostgreSQL's columns are not the rows' values: %v %v", texts, ids)
	}

	sqlite := runs(&sqliteDialect, 100)
	var sizes []int
	for _, c := range sqlite {
		rows := strings.Count(c.q, "(?, ?)")
		if len(c.args) != 2*rows {
			t.Errorf("SQLite: %d arguments for %d rows", len(c.args), rows)
		}
		sizes = append(sizes, rows)
	}
	if want := []int{64, 16, 16, 4}; !reflect.DeepEqual(sizes, want) {
		t.Errorf("SQLite's chunks for 100 rows = %v, want %v", sizes, want)
	}
	if got := sqlite[3].args[7]; got != int64(99) {
		t.Errorf("SQLite's last row's id = %v, want 99", got)
	}

	if calls := runs(&postgresDialect, 0); len(calls) != 0 {
		t.Errorf("no rows ran %d statements", len(calls))
	}
}
