package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what differs between the two engines. Everything else is one
// SQL text (numbered placeholders, RETURNING, ON CONFLICT, ISO dates): a
// difference found anywhere else belongs here.
type dialect struct {
	// unique, foreignKey and retry read a driver error's code: a unique or
	// primary-key violation; a foreign-key violation; a deadlock or
	// serialization failure the engine resolved by aborting the statement,
	// which may be tried again.
	unique, foreignKey, retry func(error) bool

	// rowLocks is whether a writing transaction must lock what it reads
	// (lockRow, lockName): PostgreSQL's instances write concurrently, where
	// SQLite's one writer holds the whole database.
	rowLocks bool
	// migrationLock and migrationUnlock hold a session's lock over
	// migrating, so that instances starting together migrate once.
	migrationLock, migrationUnlock string
	// tableExists counts the tables named $1.
	tableExists string
	// skipLocked ends a subquery that claims queued rows (the SMS outbox),
	// so that instances claiming at once take different rows: PostgreSQL's
	// FOR UPDATE SKIP LOCKED; SQLite's one writer claims alone.
	skipLocked string
	// prepare is whether the submissions' statements are prepared once
	// (see DB.prepareSubmit): SQLite's driver parses a statement at every
	// execution, where pgx keeps its own per-connection cache.
	prepare bool
	// arrays: statements of many rows take each column as one array
	// parameter, where the engine has arrays (see manyRows).
	arrays bool
	// pipeline: a group committer's batch sends its statements together,
	// two round trips a batch (see pipeline.go).
	pipeline bool

	// bulkSession are the session settings of a bulk load and how they are
	// undone (see DB.bulk).
	bulkSession []sessionSetting
	// bulkTx runs fn in one transaction on conn through the engine's
	// fastest way of loading rows.
	bulkTx bulkTx
	// analyze refreshes the planner's statistics after a bulk load; ""
	// where the engine runs without them.
	analyze string
	// vacuum, followed by tables, frees their dead rows; "" where deleted
	// rows leave none behind.
	vacuum string

	// forgetLogins deletes the login throttle's rows last tried before
	// $1 (forgetLoginAttempts). PostgreSQL's skips the rows other
	// transactions hold, so that it never waits for them while holding its
	// own, and takes a bounded batch each time; SQLite's one writer takes
	// them all.
	forgetLogins string
}

var sqliteDialect = dialect{
	unique: func(err error) bool {
		return sqliteCode(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
	foreignKey:  func(err error) bool { return sqliteCode(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) },
	retry:       func(error) bool { return false }, // one writer: nothing crosses it
	tableExists: `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`,
	prepare:     true,
	// A bigger page cache keeps the indexes' hot pages in memory.
	bulkSession: []sessionSetting{
		{set: `PRAGMA cache_size = -262144`, reset: `PRAGMA cache_size = -2000`},
		{set: `PRAGMA foreign_keys = OFF`, reset: `PRAGMA foreign_keys = ON`},
	},
	bulkTx:       insertBulk,
	forgetLogins: `DELETE FROM login_throttle WHERE last_at < $1`,
}

var postgresDialect = dialect{
	unique:          func(err error) bool { return pgCode(err, "23505") },
	foreignKey:      func(err error) bool { return pgCode(err, "23503") },
	retry:           func(err error) bool { return pgCode(err, "40P01", "40001") },
	rowLocks:        true,
	arrays:          true,
	pipeline:        true,
	migrationLock:   `SELECT pg_advisory_lock(7308301)`,
	migrationUnlock: `SELECT pg_advisory_unlock(7308301)`,
	tableExists:     `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
	skipLocked:      ` FOR UPDATE SKIP LOCKED`,
	// Only a superuser may take the replica role; for others the
	// foreign-key checks stay.
	bulkSession: []sessionSetting{{set: `SET session_replication_role = replica`, reset: `RESET session_replication_role`, optional: true}},
	bulkTx:      copyBulk,
	analyze:     `ANALYZE`,
	vacuum:      `VACUUM (ANALYZE)`,
	forgetLogins: `DELETE FROM login_throttle WHERE (address, username) IN (
		SELECT address, username FROM login_throttle WHERE last_at < $1 LIMIT 1000 FOR UPDATE SKIP LOCKED)`,
}

// dialect is the DB's engine's.
func (db *DB) dialect() *dialect {
	if db.Engine == Postgres {
		return &postgresDialect
	}
	return &sqliteDialect
}

func sqliteCode(err error, codes ...int) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Code() == c {
			return true
		}
	}
	return false
}

func pgCode(err error, codes ...string) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	for _, c := range codes {
		if pe.Code == c {
			return true
		}
	}
	return false
}

// An error comes from one driver, so the helpers below ask both dialects
// and need no DB at hand.

// isUnique reports a unique or primary-key violation, by driver error code.
func isUnique(err error) bool { return sqliteDialect.unique(err) || postgresDialect.unique(err) }

// isForeignKey reports a foreign-key violation, by driver error code.
func isForeignKey(err error) bool {
	return sqliteDialect.foreignKey(err) || postgresDialect.foreignKey(err)
}

// isDeadlock reports a deadlock or serialization failure the engine resolved
// by aborting us: the statement may be retried.
func isDeadlock(err error) bool { return sqliteDialect.retry(err) || postgresDialect.retry(err) }

// lockMode is how lockRow holds a row: lockShare beside other sharers,
// lockUpdate alone, lockNoKeyUpdate alone except for inserts referencing
// the row.
type lockMode string

const (
	lockShare       lockMode = "SHARE"
	lockUpdate      lockMode = "UPDATE"
	lockNoKeyUpdate lockMode = "NO KEY UPDATE"
)

// lockRow holds the row of table whose column col is key, in mode, until
// the transaction ends, where writers run concurrently (PostgreSQL; SQLite
// has one writer). Transactions that read records and replace them, or
// insert the first one, lock the row they hang from and so queue behind
// each other instead of overwriting each other's work.
func (tx *Tx) lockRow(ctx context.Context, mode lockMode, table, col string, key any) error {
	if !tx.db.dialect().rowLocks {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT 1 FROM `+table+` WHERE `+col+` = $1 FOR `+string(mode), key)
	return err
}

// lockName is lockRow for a row that may not exist yet: it serialises the
// transactions that lock the same name.
func (tx *Tx) lockName(ctx context.Context, name string) error {
	if !tx.db.dialect().rowLocks {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, name)
	return err
}
