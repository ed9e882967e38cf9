package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fugong/store"
)

// backup writes a consistent copy of the database while it is in use.
func (e *env) backup(ctx context.Context, args []string) error {
	fs := e.flags("backup")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	out := fs.String("out", "", "the backup `FILE` to write (replaced whole once complete, mode 0600)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(e.stderr, "usage: fugong backup [--db DSN] --out FILE")
		return usageError{errors.New("need --out FILE")}
	}
	start := time.Now()
	if err := store.Backup(ctx, *dsn, *out, e.stderr); err != nil {
		return err
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up to %s (%d bytes) in %s\n", *out, fi.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// restore puts a backup in place of the database.
func (e *env) restore(ctx context.Context, args []string) error {
	fs := e.flags("restore")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	in := fs.String("in", "", "the backup `FILE` to restore (made by fugong backup)")
	force := fs.Bool("force", false, "SQLite: restore even while the database is open (a running serve sees the restored data at once)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *in == "" {
		fmt.Fprintln(e.stderr, "usage: fugong restore [--db DSN] --in FILE [--force]")
		return usageError{errors.New("need --in FILE")}
	}
	if err := store.Restore(ctx, *dsn, *in, *force, e.stderr); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s\n", *in)
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	pending, err := db.Pending(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		fmt.Fprintf(e.stdout, "the backup predates %d migrations (%s): run `fugong migrate --db …` or serve with --migrate\n",
			len(pending), strings.Join(pending, ", "))
	}
	return nil
}
