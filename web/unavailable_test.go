package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
)

// fullDisks are the SQLite files whose writer connections, opened from now
// on, find the disk full: a connection hook caps them at the pages they
// hold (PRAGMA max_page_count applies to one connection).
var (
	fullDisks sync.Map
	fullHook  sync.Once
)

func fillDisk(path string) {
	fullHook.Do(func() {
		sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
			if !strings.Contains(dsn, "_txlock=immediate") { // the store's writer
				return nil
			}
			full := false
			fullDisks.Range(func(p, _ any) bool {
				full = strings.Contains(dsn, p.(string))
				return !full
			})
			if !full {
				return nil
			}
			_, err := conn.ExecContext(context.Background(), `PRAGMA max_page_count = 1`, nil)
			return err
		})
	})
	fullDisks.Store(path, true)
}

// health reads /healthz.
func (e *testEnv) health(t *testing.T) (int, healthBody) {
	t.Helper()
	r := e.call(t, "GET", "/healthz", "", payload{})
	var b healthBody
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatalf("healthz: %d %s: %v", r.status, r.body, err)
	}
	return r.status, b
}

// unavailable checks that r is the API's answer to a database that is not
// there: 503, code unavailable, a Chinese message containing want and a
// Retry-After.
func unavailable(t *testing.T, what string, r resp, want string) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("%s: %d %v %s, want 503 with Retry-After", what, r.status, r.header, r.body)
		return
	}
	if e := r.err(t); e.Error.Code != fugong.EUnavailable || !strings.Contains(e.Error.Message, want) {
		t.Errorf("%s: %+v, want code unavailable saying %q", what, e.Error, want)
	}
}

// TestSQLiteDiskFull: when a write finds the disk full, the API answers 503
// unavailable saying so, and /healthz answers 503 naming the failed write
// while reads still work.
func TestSQLiteDiskFull(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fugong.db")
	e := newEnv(t, storetest.Open(t, "sqlite:"+path))
	if status, b := e.health(t); status != 200 || b.Status != "ok" || b.Database != "ok" || b.LastWriteFailure != nil {
		t.Fatalf("healthz before: %d %+v", status, b)
	}
	// The same accounts and firms, served over the file reopened with its
	// disk full.
	fillDisk(path)
	full, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { full.Close() })
	d := testDeps(full, time.Now)
	d.Logger = slog.New(slog.DiscardHandler)
	h, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)

	var r resp
	for range 5_000 {
		// Each login stores a session: the kit's own write.
		r = e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": e.users[roleTown].Username, "password": testPassword}))
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			break
		}
	}
	unavailable(t, "a write on a full disk", r, "存储空间已满")
	status, b := e.health(t)
	if status != http.StatusServiceUnavailable || b.Status != "unavailable" || b.Database != "ok" ||
		b.LastWriteFailure == nil || b.LastWriteFailure.Class != store.ClassFull {
		t.Errorf("healthz after a write found the disk full: %d %+v", status, b)
	}
	if r := e.as(t, roleTown, "GET", "/api/v1/me", payload{}); r.status != http.StatusOK {
		t.Errorf("a read on a full disk: %d %s", r.status, r.body)
	}
}

// TestPostgresGoneUnderServer: backends terminated under the server cost
// at most a 503 (never a 500) and the next request reconnects; a database
// dropped under it makes every request, logins included, a 503 with a
// clear message, and /healthz a 503 (its read fails; no request got as
// far as a write: each fails on its session first).
func TestPostgresGoneUnderServer(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewPostgres(t)
	e := newEnv(t, storetest.Open(t, dsn))
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	admin, err := sql.Open("pgx", storetest.PostgresAdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	clerk := e.browserLogin(t, roleClerk)

	if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name); err != nil {
		t.Fatal(err)
	}
	ok := false
	for i := 0; i < 3 && !ok; i++ {
		r := e.as(t, roleTown, "GET", "/api/v1/me", payload{})
		switch r.status {
		case http.StatusOK:
			ok = true
		case http.StatusServiceUnavailable:
			unavailable(t, "a request on a terminated connection", r, "数据库暂时无法访问")
		default:
			t.Fatalf("a request after the backends were terminated: %d %s", r.status, r.body)
		}
	}
	if !ok {
		t.Fatal("no request succeeded after the backends were terminated")
	}

	if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	unavailable(t, "API login", e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": e.users[roleTown].Username, "password": testPassword})),
		"数据库暂时无法访问")
	unavailable(t, "API read", e.as(t, roleTown, "GET", "/api/v1/me", payload{}), "数据库暂时无法访问")

	page := func(what string, r resp) {
		t.Helper()
		if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "数据库暂时无法访问") || r.header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %v %.300s, want a 503 page saying the database cannot be reached", what, r.status, r.header, r.body)
		}
	}
	page("a page", clerk.get(t, "/"))
	jar, _ := cookiejar.New(nil)
	b := &browser{env: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	form := b.get(t, "/login")
	if form.status != http.StatusOK {
		t.Fatalf("GET /login without a database: %d", form.status)
	}
	page("the login form", b.postForm(t, "/login", url.Values{"username": {e.users[roleClerk].Username}, "password": {testPassword}, "csrf": {csrfOf(t, form.body)}}))

	status, h := e.health(t)
	if status != http.StatusServiceUnavailable || h.Status != "unavailable" || h.Database == "ok" {
		t.Errorf("healthz with the database dropped: %d %+v", status, h)
	}
}

// TestHealthOf: a failed read or a recent failed write is a 503; a failed
// write that nothing has cleared stops counting after writeFailureHold (the
// instance, out of rotation, would never get the write that clears it) but
// is still shown.
func TestHealthOf(t *testing.T) {
	now := time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC)
	fresh := &store.WriteFailure{At: now.Add(-time.Second), Class: store.ClassFull}
	old := &store.WriteFailure{At: now.Add(-writeFailureHold), Class: store.ClassFull}
	gone := &url.Error{Op: "dial", Err: &timeoutErr{}}
	tests := []struct {
		name     string
		read     error
		write    *store.WriteFailure
		status   int
		database string
	}{
		{"healthy", nil, nil, 200, "ok"},
		{"read fails", gone, nil, 503, store.ClassConnection},
		{"read times out", context.DeadlineExceeded, nil, 503, "timeout"},
		{"read fails otherwise", sql.ErrConnDone, nil, 503, "error"},
		{"write failed", nil, fresh, 503, "ok"},
		{"write failed long ago", nil, old, 200, "ok"},
	}
	for _, tt := range tests {
		status, b := healthOf(tt.read, tt.write, now)
		if status != tt.status || b.Database != tt.database || b.LastWriteFailure != tt.write || (b.Status == "ok") != (status == 200) {
			t.Errorf("%s: %d %+v, want %d database %s", tt.name, status, b, tt.status, tt.database)
		}
	}
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }
