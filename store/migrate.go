package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"fugong/registry"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one embedded schema change.
type Migration struct {
	Name string
	SQL  string
}

// Migrations returns the engine's migrations in order.
func Migrations(engine string) ([]Migration, error) {
	dir := "migrations/" + engine
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Migration, 0, len(names))
	for _, n := range names {
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Name: strings.TrimPrefix(n, dir+"/"), SQL: string(b)})
	}
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	name TEXT PRIMARY KEY,
	applied_at TIMESTAMP NOT NULL
)`

// Pending lists migrations not yet applied.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	all, err := Migrations(db.Engine)
	if err != nil {
		return nil, err
	}
	var n int
	if err := db.r.QueryRowContext(ctx, db.dialect().tableExists, "schema_migrations").Scan(&n); err != nil {
		return nil, err
	}
	applied := map[string]bool{}
	if n > 0 {
		names, err := queryStrings(ctx, db.r, `SELECT name FROM schema_migrations`)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			applied[name] = true
		}
	}
	var out []string
	for _, m := range all {
		if !applied[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out, nil
}

// Migrate applies pending migrations, each in its own transaction, and then
// brings the reference data (the towns) up to date and converts what a
// migration left to Go (亩均 figures and results stored before their
// packed layout; nothing to do, and quick to see, once done). The dialect's migration
// lock (advisory, on PostgreSQL) keeps instances starting together from
// migrating twice.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	done, err := db.applyMigrations(ctx)
	if err != nil {
		return done, err
	}
	if err := db.syncTowns(ctx); err != nil {
		return done, err
	}
	if err := db.packFigures(ctx); err != nil {
		return done, err
	}
	return done, db.convertResults(ctx)
}

// applyMigrations holds one connection throughout: on SQLite it is the only
// writer, so nothing else may ask for one until it is released.
func (db *DB) applyMigrations(ctx context.Context) ([]string, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if d := db.dialect(); d.migrationLock != "" {
		if _, err := conn.ExecContext(ctx, d.migrationLock); err != nil {
			return nil, err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), d.migrationUnlock)
	}
	if _, err := conn.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, err
	}
	all, err := Migrations(db.Engine)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, m := range all {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return done, err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, m.Name).Scan(&n); err != nil {
			tx.Rollback()
			return done, err
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return done, fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, m.Name, db.now()); err != nil {
			tx.Rollback()
			return done, err
		}
		if err := tx.Commit(); err != nil {
			return done, err
		}
		done = append(done, m.Name)
	}
	return done, nil
}

// syncTowns upserts the towns from registry.Towns, the one place they are listed.
func (db *DB) syncTowns(ctx context.Context) error {
	return db.write(ctx, func(tx *Tx) error {
		for i, t := range registry.Towns {
			if _, err := tx.Exec(`INSERT INTO towns (code, name, sort) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, sort = excluded.sort`, t.Code, t.Name, i); err != nil {
				return err
			}
		}
		return nil
	})
}
