// Package store keeps fugong's data in SQLite (embedded, the default) or
// PostgreSQL (production, shared by several instances). Both engines run the
// same SQL text; the few real differences live in dialect.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"fugong"
	"fugong/registry"
)

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open database. On SQLite writes go through one connection (SQLite
// has one writer anyway; queuing in Go beats busy-waiting in the engine) and
// reads through a pool; on PostgreSQL both are the same pool.
type DB struct {
	Engine string
	w, r   *sql.DB
	// Now is the clock every stored timestamp comes from; tests replace it.
	Now func() time.Time

	commitOnce  sync.Once
	commits     []*groupCommitter
	stats       commitStats
	gens        generations
	sessions    genCache[string, cachedSession]
	settings    genCache[string, cachedSetting]
	enterprises genCache[string, registry.Enterprise]
	prepared    atomic.Pointer[map[string]*sql.Stmt]
	// readStmts are the hot reads' statements prepared on the readers
	// (readRow), by query text.
	readStmts sync.Map
	// writeFailure is the last write's failure while the database is to
	// blame (noteWrite).
	writeFailure atomic.Pointer[WriteFailure]
}

// Open connects to dsn: "sqlite:PATH" or "postgres://…".
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now, sessions: genCache[string, cachedSession]{max: maxCachedSessions},
		settings: genCache[string, cachedSetting]{max: maxCachedSettings}, enterprises: genCache[string, registry.Enterprise]{max: maxCachedEnterprises}}
	var err error
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db.Engine = SQLite
		err = db.openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.Engine = Postgres
		db.w, err = sql.Open("pgx", dsn)
		if err == nil {
			db.w.SetMaxOpenConns(20)
			db.w.SetMaxIdleConns(20)
			db.w.SetConnMaxIdleTime(5 * time.Minute)
			db.r = db.w
		}
	default:
		return nil, fmt.Errorf("store: --db must be sqlite:PATH or postgres://…, got %q", redact(dsn))
	}
	if err != nil {
		return nil, err
	}
	if err := db.firstPing(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach %s: %w", redact(dsn), err)
	}
	return db, nil
}

// firstPing is Ping, tried again while the engine answers busy, for up to
// openBusyWait: two processes opening a new SQLite file at once race to
// switch it to WAL, and the loser's connection can be refused busy at once
// (SQLITE_BUSY, 2 in 40 concurrent starts), without waiting out its busy
// timeout.
func (db *DB) firstPing(ctx context.Context) error {
	deadline := time.Now().Add(openBusyWait)
	for {
		err := db.Ping(ctx)
		if class, _ := Unavailable(err); class != ClassBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// openBusyWait is as long as the connections' busy timeout.
const openBusyWait = 10 * time.Second

func (db *DB) openSQLite(path string) error {
	if path == "" {
		return errors.New("store: sqlite: needs a file path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
	}
	if err := privateFiles(path); err != nil {
		return err
	}
	q := url.Values{}
	// The busy timeout first: two processes opening a new file at once both
	// switch it to WAL, and the second must wait for the first, not fail.
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	base := "file:" + path + "?"
	var err error
	// The writer keeps 64 MB of pages (SQLite's default is 2 MB): at a
	// million enterprises every submission touches index pages all over
	// the report tables, and reading them back from the OS was a fifth of
	// the committer's time.
	w := url.Values{}
	for k, v := range q {
		w[k] = slices.Clone(v)
	}
	w.Add("_pragma", "cache_size(-65536)")
	// FULL syncs the WAL at every commit, so an acknowledged write survives
	// a power cut, not only a killed process (NORMAL syncs at checkpoints
	// alone). The group committer makes that one fsync per batch.
	w.Add("_pragma", "synchronous(FULL)")
	// A statement of many rows inside a batch keeps a journal of its own,
	// to undo just itself; in memory, not in a temporary file.
	w.Add("_pragma", "temp_store(MEMORY)")
	if db.w, err = sql.Open("sqlite", base+w.Encode()); err != nil {
		return err
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxIdleTime(0)
	q.Set("_txlock", "deferred")
	q.Add("_pragma", "query_only(1)")
	if db.r, err = sql.Open("sqlite", base+q.Encode()); err != nil {
		return err
	}
	db.r.SetMaxOpenConns(4)
	db.r.SetMaxIdleConns(4)
	db.r.SetConnMaxIdleTime(0)
	return nil
}

// privateFiles makes the database file readable by its owner only: it
// holds the password hashes, the sessions and every firm's figures. It is
// created 0600 before SQLite opens it, and SQLite gives the -wal and -shm
// files it makes the database's own mode; a file an older version left
// readable by others (0644 under the usual umask), or its -wal and -shm,
// is narrowed to 0600.
func privateFiles(path string) error {
	if strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o600); err != nil {
				return fmt.Errorf("store: sqlite: %w", err)
			}
		}
	}
	return nil
}

// redact hides a password in a DSN for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Ping checks that the database answers (health checks).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return err
	}
	return db.r.PingContext(ctx)
}

// Close stops the group committer and releases the connections.
func (db *DB) Close() error {
	for _, c := range db.commits {
		c.stop()
	}
	if m := db.prepared.Load(); m != nil {
		for _, s := range *m {
			s.Close()
		}
	}
	db.readStmts.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// local is a stored time in the bureau's time zone, as the API writes it.
func local(t time.Time) time.Time { return t.In(fugong.Location) }

// now returns the clock's time in UTC at PostgreSQL's microsecond precision,
// so a value reads back exactly as it was written on both engines.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// Tx is a write transaction. Helpers that need one take *Tx; exported DB
// methods open it.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
	// counts are the counter changes not yet written (see writeCounts).
	counts []countChange
	// audits are the audit rows not yet written (see auditLater).
	audits []auditRow
	// pg and pipe are a pipelined transaction's connection and the
	// statements queued on it (see pipeline.go); the embedded *sql.Tx is
	// then nil.
	pg   *pgx.Conn
	pipe *pgx.Batch
}

// ExecContext runs a statement, through its prepared form if the DB has one.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.db.preparedStmt(query); s != nil {
		return tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// Exec is ExecContext without a context.
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(context.Background(), query, args...)
}

// QueryRowContext runs a query, through its prepared form if the DB has one.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := tx.db.preparedStmt(query); s != nil {
		return tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query, through its prepared form if the DB has one.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.db.preparedStmt(query); s != nil {
		return tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRow is QueryRowContext without a context.
func (tx *Tx) QueryRow(query string, args ...any) *sql.Row {
	return tx.QueryRowContext(context.Background(), query, args...)
}

func (db *DB) preparedStmt(query string) *sql.Stmt {
	if m := db.prepared.Load(); m != nil {
		return (*m)[query]
	}
	return nil
}

// prepareSubmit prepares the statements every submission runs, once, where
// the dialect asks for it (SQLite: its driver parses a statement at every
// execution otherwise, which was half of the committer's time). A statement
// that fails to prepare runs unprepared.
func (db *DB) prepareSubmit(ctx context.Context) {
	if !db.dialect().prepare {
		return
	}
	m := map[string]*sql.Stmt{}
	qs := []string{qKeyLookup, qSignedLookup, qLatestReport, qInsertVersion, qUpsertReport, qInsertKey,
		qAddCounts, qAudit, qSavepoint, qRelease, qRollbackTo}
	for _, many := range []manyRows{qAuditMany, qVersionsMany, qReportsMany, qKeysMany, qKeysFound, qLatestMany, qSignedMany, qAddCountsMany} {
		qs = append(qs, many.texts(db.dialect())...)
	}
	for _, q := range qs {
		if s, err := db.w.PrepareContext(ctx, q); err == nil {
			m[q] = s
		}
	}
	db.prepared.Store(&m)
}

// readRow runs a read of the requests' hot path (session, enterprise,
// setting) on the readers, through a statement prepared once where the
// dialect asks for it: SQLite's driver parses a statement at every
// execution otherwise, which was half of the enterprise look-up's time.
// query must be one of a fixed set of texts, not built from values.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s := db.readStmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, query, args...)
}

// readRows is readRow for a read of many rows (the generations).
func (db *DB) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := db.readStmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, query, args...)
}

// readStmt is query prepared on the readers, or nil where the dialect
// does not prepare or the statement did not.
func (db *DB) readStmt(ctx context.Context, query string) *sql.Stmt {
	if !db.dialect().prepare {
		return nil
	}
	if s, ok := db.readStmts.Load(query); ok {
		return s.(*sql.Stmt)
	}
	s, err := db.r.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if old, loaded := db.readStmts.LoadOrStore(query, s); loaded {
		s.Close()
		s = old.(*sql.Stmt)
	}
	return s
}

// write runs fn in a transaction and commits it, or rolls back on error.
func (db *DB) write(ctx context.Context, fn func(tx *Tx) error) error {
	_, err := db.writeFlushed(ctx, fn)
	return err
}

// writeFlushed is write that also tells how long the commit itself took.
func (db *DB) writeFlushed(ctx context.Context, fn func(tx *Tx) error) (flush time.Duration, err error) {
	defer func() { db.noteWrite(err) }()
	defer forgetGenerations(ctx)
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.now()}
	err = fn(tx)
	if err == nil {
		err = tx.writePending(ctx)
	}
	if err != nil {
		_ = sqlTx.Rollback()
		return 0, err
	}
	start := time.Now()
	err = sqlTx.Commit()
	return time.Since(start), err
}

// writePending writes the audit rows and counter changes the transaction
// kept back (auditLater, count); write calls it before committing.
func (tx *Tx) writePending(ctx context.Context) error {
	if err := tx.writeAudits(ctx); err != nil {
		return err
	}
	return tx.writeCounts(ctx)
}

// audit records a write inside its transaction.
func (tx *Tx) audit(a fugong.Actor, action, entity, id string, before, after any) error {
	b, err := jsonOrNull(before)
	if err != nil {
		return err
	}
	af, err := jsonOrNull(after)
	if err != nil {
		return err
	}
	_, err = tx.Exec(qAudit, tx.now, a.Username, action, entity, id, b, af)
	return err
}

// auditRow is an audit record kept in the transaction until it commits.
type auditRow struct {
	actor, action, entity, id string
	before, after             any
}

// auditLater is audit for the hot path: the row is written with the
// transaction's others in a few multi-row statements (writeAudits), not one
// statement each.
func (tx *Tx) auditLater(a fugong.Actor, action, entity, id string, before, after any) error {
	b, err := jsonOrNull(before)
	if err != nil {
		return err
	}
	af, err := jsonOrNull(after)
	if err != nil {
		return err
	}
	tx.audits = append(tx.audits, auditRow{a.Username, action, entity, id, b, af})
	return nil
}

var qAuditMany = newManyRows([]string{"TIMESTAMPTZ", "TEXT", "TEXT", "TEXT", "TEXT", "JSONB", "JSONB"}, func(rows string) string {
	return `INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) ` + rows
})

// writeAudits writes the transaction's pending audit rows.
func (tx *Tx) writeAudits(ctx context.Context) error {
	rows := tx.audits
	tx.audits = nil
	return qAuditMany.run(tx.db.dialect(), len(rows), func(i int, args []any) []any {
		r := &rows[i]
		return append(args, tx.now, r.actor, r.action, r.entity, r.id, r.before, r.after)
	}, tx.execer(ctx))
}

func jsonOrNull(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// notFound maps sql.ErrNoRows to the application's not-found error.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fugong.NotFound(what)
	}
	return err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const qAudit = `INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
