package main

// Regression tests for defects found while testing the command.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fugong/store"
)

// FUGONG_DB_FILE names the file holding the DSN (a secret). When that file
// cannot be read, the command must fail rather than fall back to the default
// SQLite database: a production instance whose secret is missing would
// otherwise start on a new, empty database.
func TestUnreadableDBFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // where the default DSN would put its database
	missing := filepath.Join(dir, "secrets", "fugong-dsn")
	out, errOut, err := fugongCmd(t, envOf(map[string]string{"FUGONG_DB_FILE": missing}), "", "migrate")
	if err == nil {
		t.Errorf("migrate with FUGONG_DB_FILE=%s (missing) succeeded, want an error naming the file\nstdout:\n%s\nstderr:\n%s",
			missing, out, errOut)
	} else if !strings.Contains(err.Error(), missing) {
		t.Errorf("error %q does not name the unreadable FUGONG_DB_FILE", err)
	}
	if exists(filepath.Join(dir, "fugong-data", "fugong.db")) {
		t.Errorf("a missing FUGONG_DB_FILE created the default SQLite database %s", filepath.Join(dir, "fugong-data", "fugong.db"))
	}
}

// import enterprises --skip-bad fails with "every row is bad" only when every
// row is: a file whose good rows are already stored unchanged, plus one bad
// row, stores nothing new but is not all bad.
func TestSkipBadReportsOnlyBadRows(t *testing.T) {
	t.Parallel()
	dsn := newDSN(t, store.SQLite)
	mustRun(t, "", "migrate", "--db", dsn)
	dir := t.TempDir()
	clean := filepath.Join(dir, "list.xlsx")
	writeXLSX(t, clean, goodRows(t, 1, 3))
	mustRun(t, "", "import", "enterprises", "--db", dsn, clean)

	// The same three rows, unchanged, and one bad one.
	rows := append(goodRows(t, 1, 3), listRow(badUSCC(t, 4), 4, "塘下镇"))
	again := filepath.Join(dir, "again.xlsx")
	writeXLSX(t, again, rows)
	out, errOut, err := fugongCmd(t, noEnv, "", "import", "enterprises", "--db", dsn, again, "--skip-bad")
	if err != nil && strings.Contains(err.Error(), "every row is bad") {
		t.Errorf("1 bad row of 4 (the other 3 already stored unchanged): error %q\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
}

// The printed logins are the only copy of the demo passwords. When the list
// is lost (deleted, or a first start cut short before it was written), the
// next start gives every demo account a fresh password and prints them all.
func TestDemoLostLoginsAreRenewed(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	first := start(t, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	old := demoPassword(t, first.Stdout.String(), "admin")
	first.stop(t)
	if err := os.Remove(filepath.Join(dir, loginsFile)); err != nil {
		t.Fatal(err)
	}
	second := start(t, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	renewed := demoPassword(t, second.Stdout.String(), "admin")
	if renewed == old {
		t.Fatal("the admin password was not renewed")
	}
	apiLogin(t, second.URL, "admin", renewed)
	if !exists(filepath.Join(dir, loginsFile)) {
		t.Error("the logins list was not written again")
	}
	second.stop(t)
}
