package store

import (
	"context"
	"fmt"
	"strings"

	"fugong/audit"

	"fugong"
	"fugong/files"
)

// PutFile stores a file on its own, for the tests of File; the modules
// store theirs inside the transaction of the record they belong to.
func (db *DB) PutFile(ctx context.Context, a fugong.Actor, enterprise string, u files.Upload, ctype string) (f files.File, err error) {
	err = db.write(ctx, func(tx *Tx) error {
		f, err = tx.insertFile(ctx, a, enterprise, u, ctype)
		return err
	})
	return f, err
}

// WriterPragma reads a PRAGMA on SQLite's writer connection.
func (db *DB) WriterPragma(ctx context.Context, name string) (string, error) {
	var v string
	err := db.w.QueryRowContext(ctx, `PRAGMA `+name).Scan(&v)
	return v, err
}

// Queued is how many submissions wait in the committers' queues, not yet
// taken into a batch.
func (db *DB) Queued() int {
	n := 0
	for _, c := range db.commits {
		n += len(c.reqs)
	}
	return n
}

// HoldWriter keeps the writer busy until release: on SQLite a transaction
// holds its one connection; on PostgreSQL one holds the town's row alone,
// as a sign-off does, so a batch with a submission for it waits.
func (db *DB) HoldWriter(ctx context.Context, town string) (release func(), err error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if db.dialect().rowLocks {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM towns WHERE code = $1 FOR UPDATE`, town); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return func() { tx.Rollback() }, nil
}

// AuditCondition is the condition ListAudit puts on the audit log for f.
func AuditCondition(f audit.Filter) (string, []any) {
	w := auditWhere(f)
	return w.String(), w.args
}

// Plan is the engine's plan of a query, as text, for the tests of which
// index a query uses. PostgreSQL is told to avoid whole-table scans, so
// that a small test table shows what a large one would use.
func (db *DB) Plan(ctx context.Context, q string, args ...any) (string, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	explain := `EXPLAIN QUERY PLAN `
	if db.Engine == Postgres {
		if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
			return "", err
		}
		defer conn.ExecContext(ctx, `RESET enable_seqscan`)
		explain = `EXPLAIN `
	}
	rows, err := conn.QueryContext(ctx, explain+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var plan strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		fmt.Fprintln(&plan, vals...)
	}
	return plan.String(), rows.Err()
}

// AuditRowsOf is the purges' count of audit rows (audit.go).
var AuditRowsOf = auditRowsOf

// BatchReadPlans are the engine's plans of the group committer's reads
// (submit_batch.go) over two rows each, by name.
func (db *DB) BatchReadPlans(ctx context.Context) (map[string]string, error) {
	reads := map[string]struct {
		m   manyRows
		row []any
	}{
		"keys":     {qKeysFound, []any{int64(1), "key"}},
		"latest":   {qLatestMany, []any{"91330381MA0000000X", "2020-02-01"}},
		"signoffs": {qSignedMany, []any{"330381001", "2020-02-01"}},
	}
	plans := map[string]string{}
	for name, r := range reads {
		err := r.m.run(db.dialect(), 2, func(_ int, args []any) []any { return append(args, r.row...) },
			func(q string, args []any) error {
				p, err := db.Plan(ctx, q, args...)
				plans[name] += p
				return err
			})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return plans, nil
}

// GetEnterpriseScoped is GetEnterprise through the scope's query, never
// the cache.
var GetEnterpriseScoped = (*DB).getEnterpriseScoped
