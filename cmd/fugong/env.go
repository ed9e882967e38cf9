package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"fugong/account"
	"fugong/registry"
	"fugong/store"
)

// env is what every subcommand gets from run.
type env struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

const defaultDSN = "sqlite:fugong-data/fugong.db"

// flags returns a flag set that reports its errors to stderr.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("fugong "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parse parses flags wherever they stand among the positional arguments
// ("import enterprises FILE --skip-bad" as well as "--skip-bad FILE").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// dbFlag adds --db with its environment default: FUGONG_DB, or the content
// of the file FUGONG_DB_FILE names (a DSN with a password is a secret).
func (e *env) dbFlag(fs *flag.FlagSet) *string {
	def := e.getenv("FUGONG_DB")
	if f := e.getenv("FUGONG_DB_FILE"); def == "" && f != "" {
		if b, err := os.ReadFile(f); err == nil {
			def = strings.TrimSpace(string(b))
		}
	}
	if def == "" {
		def = defaultDSN
	}
	return fs.String("db", def, "database: sqlite:PATH or postgres://… (env FUGONG_DB)")
}

// open connects to the database and refuses an outdated schema.
func (e *env) open(ctx context.Context, dsn string, migrate bool) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if migrate {
		applied, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		for _, m := range applied {
			fmt.Fprintln(e.stderr, "migrated:", m)
		}
		return db, nil
	}
	pending, err := db.Pending(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(pending) > 0 {
		db.Close()
		return nil, fmt.Errorf("the database schema is outdated (%d migrations pending: %s); run `fugong migrate --db …` or pass --migrate",
			len(pending), strings.Join(pending, ", "))
	}
	return db, nil
}

func services(db *store.DB) (*registry.Service, *account.Service) {
	return &registry.Service{Store: db}, &account.Service{Store: db, Now: db.Now}
}
