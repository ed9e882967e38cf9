package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The classes of Unavailable: why the database could not do its part.
const (
	ClassFull       = "full"       // no space left: SQLITE_FULL, PostgreSQL 53100
	ClassIO         = "io"         // the file cannot be read or written: SQLITE_IOERR, SQLITE_CANTOPEN
	ClassCorrupt    = "corrupt"    // SQLITE_CORRUPT, SQLITE_NOTADB
	ClassBusy       = "busy"       // locked past the busy timeout: SQLITE_BUSY, SQLITE_LOCKED
	ClassReadOnly   = "readonly"   // SQLITE_READONLY; PostgreSQL 25006 (a standby)
	ClassConnection = "connection" // cannot connect, or the connection broke: PostgreSQL class 08
	ClassResources  = "resources"  // out of memory or connections: SQLITE_NOMEM, PostgreSQL class 53
	ClassShutdown   = "shutdown"   // PostgreSQL is shutting down or starting: 57P01, 57P02, 57P03
)

// Unavailable reports whether err says the database itself cannot serve
// (down, unreachable, full, broken) rather than that a statement or its
// data was wrong, and why, by driver error codes and connection errors.
// Such a failure is the operator's to fix, not the user's.
func Unavailable(err error) (class string, ok bool) {
	if err == nil {
		return "", false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_FULL:
			return ClassFull, true
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return ClassIO, true
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return ClassCorrupt, true
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return ClassBusy, true
		case sqlite3.SQLITE_READONLY:
			return ClassReadOnly, true
		case sqlite3.SQLITE_NOMEM:
			return ClassResources, true
		}
		return "", false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return ClassFull, true
		case strings.HasPrefix(pe.Code, "53"):
			return ClassResources, true
		case strings.HasPrefix(pe.Code, "08"), pe.Code == "3D000": // 3D000: the database is gone
			return ClassConnection, true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03":
			return ClassShutdown, true
		case pe.Code == "25006":
			return ClassReadOnly, true
		}
		return "", false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return ClassConnection, true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "", false // the caller gave up (a context error is a net.Error too)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) {
		return ClassConnection, true
	}
	return "", false
}

// WriteFailure is a write that failed because the database was unavailable.
type WriteFailure struct {
	At    time.Time `json:"at"` // the real time, not the service's clock
	Class string    `json:"class"`
}

// noteWrite remembers how the last write ended: a failure of the database
// is kept until a write succeeds; a write refused for its own reasons (a
// rule, a constraint) says nothing about the database and changes nothing.
func (db *DB) noteWrite(err error) {
	if err == nil {
		if db.writeFailure.Load() != nil {
			db.writeFailure.Store(nil)
		}
		return
	}
	if class, ok := Unavailable(err); ok {
		db.writeFailure.Store(&WriteFailure{At: time.Now(), Class: class})
	}
}

// LastWriteFailure is the last write's failure if the database was to
// blame and no write has succeeded since, else nil.
func (db *DB) LastWriteFailure() *WriteFailure { return db.writeFailure.Load() }

// PingReader checks that the database answers a read, on the reading side:
// on SQLite it does not wait for the writer connection (nor the group
// committer behind it) and it reads the file, which a bare ping does not.
func (db *DB) PingReader(ctx context.Context) error {
	if db.Engine != SQLite {
		return db.r.PingContext(ctx)
	}
	var n int
	return db.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n)
}
