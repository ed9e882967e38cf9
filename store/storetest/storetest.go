// Package storetest opens fresh databases of both engines for tests. Every
// storage test runs against SQLite and PostgreSQL; an unreachable PostgreSQL
// fails the test rather than skipping half of it.
//
// A migrated PostgreSQL database is a clone of a template migrated once per
// machine (CREATE DATABASE … TEMPLATE), not a migration per test: the
// template is named after a hash of the migrations, so a changed migration
// makes a new one and older ones are dropped. A test's database is dropped
// after it in the background (a drop waits for a checkpoint); the binary
// holds an advisory lock named in its databases' names, so the next binary
// sweeps up those of a binary that ended first. SQLite migrates each file: a
// copy of a migrated file saved under 1% of the storage tests' time, not
// worth keeping a file outside the test's directory for.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"fugong/registry"
	"fugong/store"
)

// PostgresAdminDSN is where test databases are created; FUGONG_TEST_PG overrides it.
func PostgresAdminDSN() string {
	if dsn := os.Getenv("FUGONG_TEST_PG"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// NewPostgres creates an empty PostgreSQL database for the test and returns its DSN.
func NewPostgres(t testing.TB) string {
	t.Helper()
	return newPostgres(t, false)
}

// DSN returns a new database of engine for the test, ready for Open: a file
// in the test's directory on SQLite (Open migrates it), a clone of the
// migrated template on PostgreSQL.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "fugong.db")
	}
	return newPostgres(t, true)
}

// newPostgres creates a database, empty or cloned from the migrated
// template, dropped after the test (see drop).
func newPostgres(t testing.TB, migrated bool) string {
	t.Helper()
	const required = "PostgreSQL is required for the storage tests (start it, or set FUGONG_TEST_PG): %v"
	admin, err := adminDB()
	if err != nil {
		t.Fatalf(required, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := fmt.Sprintf("%s%016x_%x", testPrefix, admin.owner, b)
	if migrated {
		err = cloneTemplate(admin.db, name)
	} else {
		_, err = admin.db.Exec(`CREATE DATABASE ` + name)
	}
	if err != nil {
		t.Fatalf(required, err)
	}
	t.Cleanup(func() { admin.drop(name) })
	return withDatabase(PostgresAdminDSN(), name)
}

// testPrefix starts the name of every test database; the owner's key and a
// random part follow.
const testPrefix = "fugong_test_"

// admin is this test binary's pool on the admin database, and its claim on
// the databases it creates: a session advisory lock on a random key, which
// their names carry, held while the binary lives.
type admin struct {
	db    *sql.DB
	owner int64
	// dropping limits the drops under way; drops counts them.
	dropping chan struct{}
	drops    sync.WaitGroup
}

var (
	adminOnce sync.Once
	theAdmin  *admin
	adminErr  error
)

func adminDB() (*admin, error) {
	adminOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresAdminDSN())
		if err != nil {
			adminErr = err
			return
		}
		a := &admin{db: db, dropping: make(chan struct{}, 4)}
		var b [8]byte
		rand.Read(b[:])
		a.owner = int64(binary.BigEndian.Uint64(b[:]) >> 1)
		ctx := context.Background()
		conn, err := db.Conn(ctx) // never closed: the lock goes with the binary
		if err == nil {
			_, err = conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, a.owner)
		}
		if err != nil {
			adminErr = err
			return
		}
		theAdmin = a
		a.sweep()
	})
	return theAdmin, adminErr
}

// drop drops a test's database without holding the test up. Dropping a
// database waits for a checkpoint (PostgreSQL 15), so drops are the slowest
// part of a short test, and several under way share their checkpoints. A
// binary that ends first leaves its last databases to the next one's sweep.
func (a *admin) drop(name string) {
	a.drops.Add(1)
	go func() {
		defer a.drops.Done()
		a.dropping <- struct{}{}
		defer func() { <-a.dropping }()
		a.db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	}()
}

// sweep drops the test databases of binaries that ended before dropping
// them: those whose owner's lock anyone may take.
func (a *admin) sweep() {
	ctx := context.Background()
	names, err := queryStrings(a.db, `SELECT datname FROM pg_database WHERE datname LIKE $1`, likePrefix(testPrefix))
	if err != nil {
		return
	}
	byOwner := map[int64][]string{}
	for _, n := range names {
		var key int64
		var rest string
		if _, err := fmt.Sscanf(strings.TrimPrefix(n, testPrefix), "%016x_%s", &key, &rest); err == nil && key != a.owner {
			byOwner[key] = append(byOwner[key], n)
		}
	}
	if len(byOwner) == 0 {
		return
	}
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	for key, names := range byOwner {
		var gone bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&gone); err != nil || !gone {
			continue // its binary is still running
		}
		conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, key)
		for _, n := range names {
			a.drop(n)
		}
	}
}

func likePrefix(p string) string { return strings.ReplaceAll(p, "_", `\_`) + "%" }

// withDatabase is dsn naming another database.
func withDatabase(dsn, name string) string {
	i := strings.LastIndex(dsn, "/")
	rest := ""
	if q := strings.Index(dsn[i:], "?"); q >= 0 {
		rest = dsn[i+q:]
	}
	return dsn[:i+1] + name + rest
}

// The template of this binary's migrations, once known to exist.
var (
	templateMu    sync.Mutex
	templateReady string
)

// templatePrefix names every template; the rest of the name is the hash.
const templatePrefix = "fugong_tmpl_"

// templateLock is the advisory lock (in the admin database) under which
// templates are created and dropped, by any test binary on the machine.
const templateLock = 7308302

// cloneTemplate creates database name from the template, creating the
// template first if it does not exist. A template dropped meanwhile (by a
// test binary of a checkout whose migrations differ) is created again.
func cloneTemplate(admin *sql.DB, name string) error {
	for try := 0; ; try++ {
		tmpl, err := ensureTemplate(admin)
		if err != nil {
			return err
		}
		_, err = admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tmpl)
		var pe *pgconn.PgError
		if try < 3 && errors.As(err, &pe) && pe.Code == "3D000" { // invalid_catalog_name: no such template
			templateMu.Lock()
			templateReady = ""
			templateMu.Unlock()
			continue
		}
		return err
	}
}

// ensureTemplate returns the name of the template of this binary's
// migrations, creating it if no test binary has yet.
func ensureTemplate(admin *sql.DB) (string, error) {
	templateMu.Lock()
	defer templateMu.Unlock()
	if templateReady != "" {
		return templateReady, nil
	}
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := templatePrefix + hash
	if ok, err := databaseExists(admin, name); err != nil || ok {
		if ok {
			templateReady = name
		}
		return name, err
	}
	if err := createTemplate(admin, name); err != nil {
		return "", fmt.Errorf("storetest: template %s: %w", name, err)
	}
	templateReady = name
	return name, nil
}

// createTemplate migrates a database under a temporary name and renames it
// to name, so that a template under its own name is always complete and no
// connection to it ever exists (its connections are refused too): CREATE
// DATABASE … TEMPLATE refuses a template anyone is connected to. The
// advisory lock makes concurrent test binaries wait for one creator, who
// drops the older templates of other migrations under it.
func createTemplate(admin *sql.DB, name string) error {
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, templateLock)
	if ok, err := databaseExists(conn, name); err != nil || ok {
		return err // another binary made it while this one waited
	}
	// A creator that died half way leaves its build behind.
	build := name + "_build"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+build+` WITH (FORCE)`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+build); err != nil {
		return err
	}
	db, err := store.Open(ctx, withDatabase(PostgresAdminDSN(), build))
	if err != nil {
		return err
	}
	_, err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, q := range []string{
		`ALTER DATABASE ` + build + ` WITH ALLOW_CONNECTIONS false`,
		`ALTER DATABASE ` + build + ` RENAME TO ` + name,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return pruneTemplates(ctx, conn, templatePrefix, name)
}

// pruneTemplates drops the templates (named prefix…) of other migrations
// than current's (older commits, other checkouts) but the newest few, so
// that checkouts tested side by side do not keep dropping each other's, and
// any build left by a creator that died.
func pruneTemplates(ctx context.Context, conn *sql.Conn, prefix, current string) error {
	others, err := queryStrings(conn, `SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2 ORDER BY oid DESC`,
		likePrefix(prefix), current)
	if err != nil {
		return err
	}
	kept := 0
	for _, s := range others {
		if !strings.HasSuffix(s, "_build") && kept < keepTemplates {
			kept++
			continue
		}
		// Waits for clones of it under way, if any.
		if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+s); err != nil {
			return err
		}
	}
	return nil
}

// keepTemplates is how many templates of other migrations pruneTemplates
// keeps.
const keepTemplates = 2

// migrationsHash identifies the schema a template holds: the PostgreSQL
// migrations and the towns Migrate stores.
func migrationsHash() (string, error) {
	ms, err := store.Migrations(store.Postgres)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00", m.Name, len(m.SQL), m.SQL)
	}
	for _, t := range registry.Towns {
		fmt.Fprintf(h, "%s\x00%s\x00", t.Code, t.Name)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func databaseExists(q queryer, name string) (bool, error) {
	names, err := queryStrings(q, `SELECT datname FROM pg_database WHERE datname = $1`, name)
	return len(names) > 0, err
}

func queryStrings(q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(context.Background(), query, args...)
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

// Each runs fn as a subtest on a freshly migrated database of each engine.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, DSN(t, engine)))
		})
	}
}

// Open opens and migrates dsn, closing it when the test ends. On a clone of
// the template, migrating finds nothing to do.
func Open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
