package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Backup writes a consistent copy of the database at dsn to out while the
// service keeps running: every transaction committed before it starts is
// in the copy, none that commits after is half in it. The copy is written
// beside out and renamed over it once complete and on disk, readable by
// its owner only (0600).
//
// SQLite: VACUUM INTO, in one read transaction (writers go on meanwhile),
// gives a compact database file that opens on its own; it is checked with
// integrity_check before it replaces out. PostgreSQL: pg_dump's custom
// format, which pg_restore reads; pg_dump must be on PATH. Its messages go
// to stderr.
func Backup(ctx context.Context, dsn, out string, stderr io.Writer) error {
	engine, path, err := parseDSN(dsn)
	if err != nil {
		return err
	}
	if engine == Postgres {
		return backupPostgres(ctx, dsn, out, stderr)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: the database %s: %w", path, err)
	}
	return writeAtomically(out, func(tmp *os.File) error {
		tmp.Close() // SQLite writes it by name; it must exist and be empty
		src, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(10000)")
		if err != nil {
			return err
		}
		defer src.Close()
		if _, err := src.ExecContext(ctx, `VACUUM INTO $1`, tmp.Name()); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		return checkSQLiteFile(ctx, tmp.Name())
	})
}

// writeAtomically has write fill a new 0600 file beside path, then syncs it
// and renames it over path, so that path is either the old file or the
// whole new one, also after a crash.
func writeAtomically(path string, write func(tmp *os.File) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(name)
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = errors.Join(f.Chmod(0o600), f.Sync(), f.Close())
	if err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// checkSQLiteFile checks that path is a whole fugong database: it passes
// integrity_check and has the migrations table.
func checkSQLiteFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	problems, err := queryStrings(ctx, db, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		if len(problems) > 5 {
			problems = append(problems[:5], "…")
		}
		return fmt.Errorf("%s fails integrity_check: %s", path, strings.Join(problems, "; "))
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("%s is not a fugong database (no migrations recorded): %v", path, err)
	}
	return nil
}

// ErrInUse is a restore refused because the target database is open.
var ErrInUse = errors.New("the database is in use")

// Restore puts the backup in (made by Backup) in place of the database at
// dsn.
//
// SQLite: the backup must pass integrity_check first. The target is
// refused while anything has it open (a running serve), unless force: then
// the running service sees the restored data at once. The copy is SQLite's
// online backup in one transaction: the target is the old or the restored
// database, never a mix.
//
// PostgreSQL: pg_restore (on PATH) into an empty database, in one
// transaction; a database that has tables is refused.
func Restore(ctx context.Context, dsn, in string, force bool, stderr io.Writer) error {
	engine, path, err := parseDSN(dsn)
	if err != nil {
		return err
	}
	if _, err := os.Stat(in); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if engine == Postgres {
		return restorePostgres(ctx, dsn, in, stderr)
	}
	if err := checkSQLiteFile(ctx, in); err != nil {
		return fmt.Errorf("restore: refusing the backup: %w", err)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
	}
	// Without force the connection takes the file for itself (exclusive
	// locking) and keeps it until the restore is done: it cannot while
	// another connection has it open, and nothing can open it meanwhile.
	q := "?_pragma=busy_timeout(10000)"
	if !force {
		q = "?_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)"
	}
	target, err := sql.Open("sqlite", "file:"+path+q)
	if err != nil {
		return err
	}
	defer target.Close()
	conn, err := target.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY {
			return fmt.Errorf("restore: %w: %s is open elsewhere (a running fugong serve?); stop it first, or pass --force to restore under it", ErrInUse, path)
		}
		return fmt.Errorf("restore: %s: %w", path, err)
	}
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("restore: the SQLite driver cannot restore (%T)", dc)
		}
		b, err := r.NewRestore("file:" + in + "?mode=ro")
		if err != nil {
			return err
		}
		for more := true; more && err == nil; {
			if err = ctx.Err(); err == nil {
				more, err = b.Step(1024)
			}
		}
		return errors.Join(err, b.Finish())
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	problems, err := queryStrings(ctx, conn, `PRAGMA integrity_check`)
	if err != nil || len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("restore: %s fails integrity_check after the restore: %v %v", path, problems, err)
	}
	return nil
}

// parseDSN returns the engine of dsn and, for SQLite, the file's path.
func parseDSN(dsn string) (engine, path string, err error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path = strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return "", "", errors.New("store: sqlite: needs a file path")
		}
		return SQLite, path, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, "", nil
	}
	return "", "", fmt.Errorf("store: --db must be sqlite:PATH or postgres://…, got %q", redact(dsn))
}

// pgTool finds pg_dump or pg_restore, or explains how to do without.
func pgTool(name, instead string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s is not on PATH: install PostgreSQL's client programs (postgresql-client, the server's major version or newer) and run this again, or run it yourself:\n  %s", name, instead)
	}
	return p, nil
}

// pgCommand runs a PostgreSQL client program against dsn. The password, if
// the DSN has one, goes in PGPASSWORD rather than on the command line,
// where any user of the machine could read it.
func pgCommand(ctx context.Context, prog, dsn string, args ...string) *exec.Cmd {
	env := os.Environ()
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
			dsn = u.String()
		}
	}
	cmd := exec.CommandContext(ctx, prog, append(args, "--dbname="+dsn)...)
	cmd.Env = env
	return cmd
}

func backupPostgres(ctx context.Context, dsn, out string, stderr io.Writer) error {
	prog, err := pgTool("pg_dump", fmt.Sprintf("pg_dump --format=custom --file=%s '%s'", out, redact(dsn)))
	if err != nil {
		return err
	}
	return writeAtomically(out, func(tmp *os.File) error {
		// pg_dump writes to its standard output, the file made 0600 here:
		// with --file it would create the file with the umask's mode.
		cmd := pgCommand(ctx, prog, dsn, "--format=custom", "--no-password")
		cmd.Stdout, cmd.Stderr = tmp, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("backup: pg_dump: %w", err)
		}
		return nil
	})
}

func restorePostgres(ctx context.Context, dsn, in string, stderr io.Writer) error {
	prog, err := pgTool("pg_restore", fmt.Sprintf("pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname='%s' %s", redact(dsn), in))
	if err != nil {
		return err
	}
	// The archive must be one pg_restore reads, before the target is touched.
	list := exec.CommandContext(ctx, prog, "--list", in)
	list.Stderr = stderr
	if err := list.Run(); err != nil {
		return fmt.Errorf("restore: %s is not a pg_dump archive in custom format (fugong backup makes one): %w", in, err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var tables int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables)
	if err != nil {
		return fmt.Errorf("restore: cannot reach %s: %w", redact(dsn), err)
	}
	if tables > 0 {
		return fmt.Errorf("restore: the database %s has %d tables; restore into a new, empty database (createdb NAME, then --db postgres://…/NAME) and point fugong at it", redact(dsn), tables)
	}
	// Objects are owned by the restoring user, and grants to roles this
	// cluster may not have are left out.
	cmd := pgCommand(ctx, prog, dsn, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--no-password", in)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("restore: pg_restore: %w", err)
	}
	return nil
}
