package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

// ack is a report submission the server acknowledged: this version of the
// enterprise's report for the day holds this staff_total.
type ack struct {
	uscc           string
	version, staff int
}

// reportLoad submits reports for firms over HTTP from several clients
// until stopped, recording every acknowledged one in order of its answer.
type reportLoad struct {
	mu     sync.Mutex
	acks   []ack
	failed []string
	stop   context.CancelFunc
	done   sync.WaitGroup
}

func startReportLoad(base, token, date string, firms []string, clients int) *reportLoad {
	ctx, cancel := context.WithCancel(context.Background())
	l := &reportLoad{stop: cancel}
	for c := range clients {
		l.done.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				firm := firms[(c+i*clients)%len(firms)]
				staff := 30 + i
				body, _ := json.Marshal(map[string]any{"staff_total": staff, "staff_in_city": 20, "returned_today": 2,
					"persuaded_today": 1, "tickets_refunded_today": 1, "hubei_staff": 2, "hubei_contacted_today": 2,
					"quarantined": 1, "fever": 0, "on_duty": 3, "commitment_signed": true})
				req, _ := http.NewRequestWithContext(ctx, "PUT", base+"/api/v1/enterprises/"+firm+"/reports/"+date, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						l.fail(err.Error())
					}
					continue
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				var r daily.Report
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated || json.Unmarshal(b, &r) != nil {
					l.fail(fmt.Sprintf("%d %s", res.StatusCode, b))
					continue
				}
				l.mu.Lock()
				l.acks = append(l.acks, ack{firm, r.Version, staff})
				l.mu.Unlock()
			}
		})
	}
	return l
}

func (l *reportLoad) fail(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed = append(l.failed, msg)
}

// acked returns the submissions acknowledged so far.
func (l *reportLoad) acked() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ack(nil), l.acks...)
}

// waitFor waits until n more submissions than now have been acknowledged.
func (l *reportLoad) waitFor(t *testing.T, n int) {
	t.Helper()
	want := len(l.acked()) + n
	deadline := time.Now().Add(time.Minute)
	for len(l.acked()) < want {
		if time.Now().After(deadline) {
			t.Fatalf("under a minute, fewer than %d submissions were acknowledged; failures: %v", n, l.failures())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *reportLoad) failures() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.failed...)
}

// TestBackupUnderWriteLoad: a backup taken while clients submit reports
// through the server holds every report acknowledged before it began, and
// each firm's versions whole (1…n); restored into a new database it passes
// integrity_check and serves.
func TestBackupUnderWriteLoad(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		engine := store.SQLite
		if !strings.HasPrefix(dsn, "sqlite:") {
			engine = store.Postgres
		}
		mustRun(t, "", "migrate", "--db", dsn)
		dir := t.TempDir()
		list := filepath.Join(dir, "list.xlsx")
		const n = 60
		writeXLSX(t, list, goodRows(t, 1, n))
		mustRun(t, "", "import", "enterprises", "--db", dsn, list)
		var firms []string
		for i := 1; i <= n; i++ {
			firms = append(firms, uscc(t, i))
		}
		const password = "correct-horse-1"
		mustRun(t, password+"\n", "user", "add", "--db", dsn, "--username", "town1", "--role", "town", "--town", "塘下镇", "--password-stdin")
		srv := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		token := apiLogin(t, srv.URL, "town1", password)
		today := daily.Today(time.Now())

		load := startReportLoad(srv.URL, token, today, firms, 6)
		load.waitFor(t, 100)
		before := load.acked() // each answered before the backup begins
		out := filepath.Join(dir, "backup.fugong")
		stdout := mustRun(t, "", "backup", "--db", dsn, "--out", out)
		during := len(load.acked()) - len(before)
		load.waitFor(t, 20)
		load.stop()
		load.done.Wait()
		if f := load.failures(); len(f) > 0 {
			t.Fatalf("%d submissions failed under the backup, the first: %s", len(f), f[0])
		}
		t.Logf("%s; %d submissions acknowledged before it, %d while it ran, %d in all", strings.TrimSpace(stdout), len(before), during, len(load.acked()))

		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("the backup's mode is %v, want 0600", fi.Mode().Perm())
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".backup.fugong*")); len(left) > 0 {
			t.Errorf("temporary files left beside the backup: %v", left)
		}
		if engine == store.SQLite {
			integrityOK(t, out)
		}

		restored := newDSN(t, engine)
		mustRun(t, "", "restore", "--db", restored, "--in", out)
		if engine == store.SQLite {
			integrityOK(t, strings.TrimPrefix(restored, "sqlite:"))
		}
		db, err := store.Open(t.Context(), restored)
		if err != nil {
			t.Fatal(err)
		}
		versions := map[string][]daily.Report{}
		for _, f := range firms {
			vs, err := db.Versions(t.Context(), f, today)
			if err != nil && !strings.Contains(err.Error(), "不存在") {
				t.Fatal(err)
			}
			for i, v := range vs {
				if v.Version != i+1 {
					t.Errorf("%s: restored versions %d… are not whole: version %d at %d", f, vs[0].Version, v.Version, i)
					break
				}
			}
			versions[f] = vs
		}
		db.Close()
		missing := 0
		for _, a := range before {
			vs := versions[a.uscc]
			if a.version > len(vs) || vs[a.version-1].StaffTotal != a.staff {
				missing++
				if missing <= 5 {
					t.Errorf("acknowledged before the backup, missing from it: %s version %d (staff %d)", a.uscc, a.version, a.staff)
				}
			}
		}
		if missing > 0 {
			t.Errorf("%d of %d reports acknowledged before the backup are not in it", missing, len(before))
		}

		srv.stop(t)
		again := start(t, "serve", "--db", restored, "--addr", "127.0.0.1:0")
		last := before[len(before)-1]
		token = apiLogin(t, again.URL, "town1", password)
		status, body := call(t, "GET", again.URL+"/api/v1/enterprises/"+last.uscc+"/reports/"+today+"/versions", token, nil)
		if status != http.StatusOK || !strings.Contains(string(body), fmt.Sprintf(`"staff_total":%d`, last.staff)) {
			t.Errorf("the restored database served: %d %s", status, body)
		}
		again.stop(t)
	})
}

// integrityOK checks a SQLite file on its own.
func integrityOK(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Errorf("%s: integrity_check %q %v", path, res, err)
	}
}

// TestRestoreRefuses: restore checks its backup before it touches the
// target, and does not restore under a running server (SQLite) or over a
// database with tables (PostgreSQL) unless forced where that is possible.
func TestRestoreRefuses(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		mustRun(t, "", "migrate", "--db", dsn)
		dir := t.TempDir()
		list := filepath.Join(dir, "list.csv")
		writeGBKCSV(t, list, goodRows(t, 1, 3))
		mustRun(t, "", "import", "enterprises", "--db", dsn, list)
		out := filepath.Join(dir, "backup")
		mustRun(t, "", "backup", "--db", dsn, "--out", out)

		notBackup := filepath.Join(dir, "not-a-backup")
		if err := os.WriteFile(notBackup, bytes.Repeat([]byte("fugong"), 1000), 0o600); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(dsn, "postgres") {
			err, _ := mustFail(t, "", "restore", "--db", storetest.NewPostgres(t), "--in", notBackup)
			mustContain(t, "restore of a file that is not an archive", err.Error(), "not a pg_dump archive")
			err, _ = mustFail(t, "", "restore", "--db", dsn, "--in", out)
			mustContain(t, "restore over tables", err.Error(), "has ", "tables", "empty database")
			return
		}

		// A damaged backup: a page in the middle overwritten.
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		copy(b[len(b)/2:], bytes.Repeat([]byte{0xA5}, 4096))
		damaged := filepath.Join(dir, "damaged")
		if err := os.WriteFile(damaged, b, 0o600); err != nil {
			t.Fatal(err)
		}
		other := filepath.Join(dir, "other.db")
		odb, err := sql.Open("sqlite", "file:"+other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := odb.Exec(`CREATE TABLE notes (text TEXT)`); err != nil {
			t.Fatal(err)
		}
		odb.Close()
		target := newDSN(t, store.SQLite)
		for _, tc := range []struct{ in, want string }{
			{damaged, "refusing the backup"}, {notBackup, "refusing the backup"}, {other, "not a fugong database"},
			{filepath.Join(dir, "none"), "no such file"},
		} {
			err, _ := mustFail(t, "", "restore", "--db", target, "--in", tc.in)
			mustContain(t, "restore of "+filepath.Base(tc.in), err.Error(), tc.want)
		}
		if exists(strings.TrimPrefix(target, "sqlite:")) {
			t.Error("a refused restore created its target")
		}
		err, _ = mustFail(t, "", "backup", "--db", "sqlite:"+filepath.Join(dir, "none.db"), "--out", filepath.Join(dir, "none.backup"))
		mustContain(t, "backup of no database", err.Error(), "no such file")
		if exists(filepath.Join(dir, "none.db")) || exists(filepath.Join(dir, "none.backup")) {
			t.Error("a backup of no database created a file")
		}

		// Under a running server: refused, unless forced; forced, the
		// server serves the restored data.
		mustRun(t, "", "migrate", "--db", target)
		srv := start(t, "serve", "--db", target, "--addr", "127.0.0.1:0")
		err, _ = mustFail(t, "", "restore", "--db", target, "--in", out)
		mustContain(t, "restore under a server", err.Error(), "in use", "--force")
		if !errors.Is(err, store.ErrInUse) {
			t.Errorf("restore under a server: %v, want ErrInUse", err)
		}
		mustRun(t, "", "restore", "--db", target, "--in", out, "--force")
		if n := countEnterprises(t, target); n != 3 {
			t.Errorf("after a forced restore the database has %d enterprises, want the backup's 3", n)
		}
		waitHealthy(t, srv.URL)
		srv.stop(t)
		mustRun(t, "", "restore", "--db", target, "--in", out)
		integrityOK(t, strings.TrimPrefix(target, "sqlite:"))
	})
}

// TestBackupWithoutPgDump: without pg_dump or pg_restore on PATH the
// commands say how to run them. Not parallel: it empties PATH.
func TestBackupWithoutPgDump(t *testing.T) {
	dsn := storetest.NewPostgres(t)
	t.Setenv("PATH", t.TempDir())
	out := filepath.Join(t.TempDir(), "backup")
	err, _ := mustFail(t, "", "backup", "--db", dsn, "--out", out)
	mustContain(t, "backup without pg_dump", err.Error(), "pg_dump is not on PATH", "pg_dump --format=custom --file="+out)
	if exists(out) {
		t.Error("a failed backup left a file")
	}
	if err := os.WriteFile(out, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	err, _ = mustFail(t, "", "restore", "--db", dsn, "--in", out)
	mustContain(t, "restore without pg_restore", err.Error(), "pg_restore is not on PATH", "pg_restore --no-owner")
}
