package store

import (
	"context"

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
