package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
)

// loginEnv is a server with one user and nothing else, for the login tests.
type loginEnv struct {
	db   *store.DB
	deps Deps
	srv  *httptest.Server
	user account.User
}

// newLoginEnv serves db with deps as edit leaves them and adds the cadre
// "zhou" with testPassword.
func newLoginEnv(t *testing.T, db *store.DB, edit func(*Deps)) *loginEnv {
	t.Helper()
	d := testDeps(db, db.Now)
	d.Logger = slog.New(slog.DiscardHandler)
	if edit != nil {
		edit(&d)
	}
	h, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	e := &loginEnv{db: db, deps: d, srv: httptest.NewServer(h)}
	t.Cleanup(e.srv.Close)
	e.user, err = d.Accounts.Create(context.Background(), fugong.System, account.User{Username: "zhou", Role: fugong.RoleCadre}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// sqliteDB is a fresh SQLite database, for the web tests that do not
// depend on the engine.
func sqliteDB(t *testing.T) *store.DB {
	return storetest.Open(t, "sqlite:"+filepath.Join(t.TempDir(), "fugong.db"))
}

// login posts credentials to the API, with edit's changes to the request.
func (e *loginEnv) login(t *testing.T, username, password string, edit func(*http.Request)) resp {
	t.Helper()
	return send(t, http.DefaultClient, "POST", e.srv.URL+"/api/v1/sessions",
		jsonBody(map[string]string{"username": username, "password": password}), edit)
}

// With every hash slot taken and no room to queue, a login is refused at
// once with 503 and a Retry-After, and goes through once a slot is free.
func TestLoginBusy(t *testing.T) {
	t.Parallel()
	h := account.NewHasher(1, 0, time.Minute)
	e := newLoginEnv(t, sqliteDB(t), func(d *Deps) { d.Accounts.Hasher = h })
	release, err := h.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := e.login(t, "zhou", testPassword, nil)
	if r.status != http.StatusServiceUnavailable || r.err(t).Error.Code != fugong.EUnavailable || r.header.Get("Retry-After") != "1" {
		t.Fatalf("login with the hasher full: %d, Retry-After %q: %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	release()
	if r := e.login(t, "zhou", testPassword, nil); r.status != http.StatusCreated {
		t.Fatalf("login with a free slot: %d %s", r.status, r.body)
	}
}
