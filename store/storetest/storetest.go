// Package storetest opens fresh databases of both engines for tests. Every
// storage test runs against SQLite and PostgreSQL; an unreachable PostgreSQL
// fails the test rather than skipping half of it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

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
	admin := PostgresAdminDSN()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "fugong_test_" + hex.EncodeToString(b)
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("PostgreSQL is required for the storage tests (start it, or set FUGONG_TEST_PG): %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	i := strings.LastIndex(admin, "/")
	rest := ""
	if q := strings.Index(admin[i:], "?"); q >= 0 {
		rest = admin[i+q:]
	}
	return admin[:i+1] + name + rest
}

// Each runs fn as a subtest on a freshly migrated database of each engine.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			var dsn string
			if engine == store.SQLite {
				dsn = "sqlite:" + filepath.Join(t.TempDir(), "fugong.db")
			} else {
				dsn = NewPostgres(t)
			}
			db := Open(t, dsn)
			fn(t, db)
		})
	}
}

// Open opens and migrates dsn, closing it when the test ends.
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
