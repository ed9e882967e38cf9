package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"fugong/account"
	"fugong/cmd/fugong/wiring"
	"fugong/daily"
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
// ("import enterprises FILE --skip-bad" as well as "--skip-bad FILE") and
// refuses more positional arguments than the command takes.
func parse(fs *flag.FlagSet, args []string, maxPos int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) > maxPos {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), pos[maxPos])
		return nil, usageError{fmt.Errorf("unexpected argument %q", pos[maxPos])}
	}
	return pos, nil
}

// errHelp is -h: the flags were printed; the command ends successfully.
var errHelp = errors.New("help requested")

// dbFlag adds --db with its environment default: FUGONG_DB, or the content
// of the file FUGONG_DB_FILE names (a DSN with a password is a secret). A
// named file that cannot be read is an error, never a quiet fall back to
// SQLite.
func (e *env) dbFlag(fs *flag.FlagSet) (*string, error) {
	def := e.getenv("FUGONG_DB")
	if f := e.getenv("FUGONG_DB_FILE"); def == "" && f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("FUGONG_DB_FILE: %w", err)
		}
		def = strings.TrimSpace(string(b))
		if def == "" {
			return nil, fmt.Errorf("FUGONG_DB_FILE: %s is empty", f)
		}
	}
	return fs.String("db", cmp.Or(def, defaultDSN), "database: sqlite:PATH or postgres://… (env FUGONG_DB)"), nil
}

// durationFlag adds a duration flag whose default comes from the
// environment variable env, else def. A variable that is no duration is an
// error, never a quiet fall back to the default.
func (e *env) durationFlag(fs *flag.FlagSet, name, env string, def time.Duration, usage string) (*time.Duration, error) {
	if v := e.getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a duration such as 12h or 90m", env, v)
		}
		def = d
	}
	return fs.Duration(name, def, usage+" (env "+env+")"), nil
}

// secret is the environment's value of a secret: the variable name, or the
// content of the file that name_FILE names. A named file that cannot be
// read, or is empty, is an error.
func (e *env) secret(name string) (string, error) {
	if v := e.getenv(name); v != "" {
		return v, nil
	}
	f := e.getenv(name + "_FILE")
	if f == "" {
		return "", nil
	}
	b, err := os.ReadFile(f)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("%s_FILE: %s is empty", name, f)
	}
	return v, nil
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

// services builds the module services over one database.
func services(db *store.DB) (*registry.Service, *account.Service, *daily.Service) {
	s := wiring.NewServices(db, db.Now)
	return s.Registry, s.Accounts, s.Daily
}
