package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL a group committer's batch is two round trips: BEGIN, the
// towns' locks and the batch's reads sent together, then its writes and
// COMMIT sent together (pgx's pipelined batches). One at a time, its dozen
// statements were a dozen round trips, and the committers spent two thirds
// of their time waiting for PostgreSQL's answers (issue 16). The statements
// of the batch path go through Tx.later, which on a pipelined transaction
// queues them and elsewhere runs them at once, and Tx.flush, which sends
// what is queued; so one code path serves both engines.

// rowsReader is what a statement's reader reads: *sql.Rows or pgx.Rows.
type rowsReader interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// later runs a statement of the batch path: at once in a database/sql
// transaction, or queued in a pipelined one until flush. read, where not
// nil, reads its rows.
func (tx *Tx) later(ctx context.Context, q string, args []any, read func(rowsReader) error) error {
	if tx.pipe != nil {
		qq := tx.pipe.Queue(q, args...)
		if read == nil {
			qq.Exec(func(pgconn.CommandTag) error { return nil })
		} else {
			qq.Query(func(rows pgx.Rows) error { return read(rows) })
		}
		return nil
	}
	if read == nil {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := read(rows); err != nil {
		return err
	}
	return rows.Err()
}

// flush sends what later queued and reads the answers, in one round trip;
// it returns the first statement's error. Without a pipeline every
// statement has already run.
func (tx *Tx) flush(ctx context.Context) error {
	if tx.pipe == nil || tx.pipe.Len() == 0 {
		return nil
	}
	b := tx.pipe
	tx.pipe = new(pgx.Batch)
	return tx.pg.SendBatch(ctx, b).Close()
}

// execer runs statements of manyRows.run through later.
func (tx *Tx) execer(ctx context.Context) func(q string, args []any) error {
	return func(q string, args []any) error { return tx.later(ctx, q, args, nil) }
}

// writeBatch is writeFlushed for a group committer's batch, whose
// statements all go through later: pipelined where the dialect can
// (flush is then the last round trip, the writes with the commit).
func (db *DB) writeBatch(ctx context.Context, fn func(tx *Tx) error) (flush time.Duration, err error) {
	if !db.dialect().pipeline {
		return db.writeFlushed(ctx, fn)
	}
	defer func() { db.noteWrite(err) }()
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx := &Tx{db: db, now: db.now(), pg: pc, pipe: new(pgx.Batch)}
		tx.later(ctx, `BEGIN`, nil, nil)
		err := fn(tx)
		if err == nil {
			err = tx.writePending(ctx)
		}
		if err == nil {
			tx.later(ctx, `COMMIT`, nil, nil)
			start := time.Now()
			err = tx.flush(ctx)
			flush = time.Since(start)
		}
		if err != nil && !pc.IsClosed() && pc.PgConn().TxStatus() != 'I' {
			_, _ = pc.Exec(ctx, `ROLLBACK`)
		}
		return err
	})
	return flush, err
}
