package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
)

// TestAPI: the kit's API (the session, health and metrics) and its forms.
func TestAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		t.Run("auth errors", func(t *testing.T) { testAuthErrors(t, e) })
		t.Run("logout", func(t *testing.T) { testLogout(t, e) })
		t.Run("csrf", func(t *testing.T) { testCSRFLoginLogout(t, e) })
		t.Run("health and metrics", func(t *testing.T) { testHealthMetrics(t, e) })
		t.Run("rate limit", func(t *testing.T) { testRateLimit(t, e) })
	})
}

func testAuthErrors(t *testing.T, e *testEnv) {
	for _, c := range []struct {
		name  string
		token string
	}{{"no token", ""}, {"bad token", "nope"}, {"token of another form", e.tokens[roleAdmin] + "x"}} {
		t.Run(c.name, func(t *testing.T) {
			r := e.call(t, "GET", "/api/v1/me", c.token, payload{})
			if r.status != 401 || r.err(t).Error.Code != "unauthorized" {
				t.Errorf("status %d: %s", r.status, r.body)
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		r := e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": e.users[roleTown].Username, "password": "wrong-password"}))
		if r.status != 401 || r.err(t).Error.Code != "unauthorized" {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		r := e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": "nobody", "password": testPassword}))
		if r.status != 401 || r.err(t).Error.Code != "unauthorized" {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("me", func(t *testing.T) {
		r := e.as(t, roleClerk, "GET", "/api/v1/me", payload{})
		var u account.User
		r.decode(t, &u)
		if r.status != 200 || u.Username != e.users[roleClerk].Username || u.Enterprise != e.ents["tangB"] {
			t.Errorf("status %d: %s", r.status, r.body)
		}
		if strings.Contains(string(r.body), "argon2") || strings.Contains(string(r.body), "password") {
			t.Errorf("/me leaks the password hash: %s", r.body)
		}
	})
}

func testLogout(t *testing.T, e *testEnv) {
	token := e.login(t, e.users[roleTown].Username, testPassword)
	if r := e.call(t, "GET", "/api/v1/me", token, payload{}); r.status != 200 {
		t.Fatalf("before logout: %d", r.status)
	}
	r := e.call(t, "DELETE", "/api/v1/sessions/current", token, payload{})
	if r.status != 204 || len(r.body) != 0 {
		t.Errorf("logout: %d %q", r.status, r.body)
	}
	for _, path := range []string{"/api/v1/me", "/api/v1/reports/completeness"} {
		if r := e.call(t, "GET", path, token, payload{}); r.status != 401 {
			t.Errorf("GET %s after logout: %d", path, r.status)
		}
	}
	if r := e.call(t, "DELETE", "/api/v1/sessions/current", token, payload{}); r.status != 401 {
		t.Errorf("second logout: %d", r.status)
	}
	// Other sessions of the same user live on.
	if r := e.as(t, roleTown, "GET", "/api/v1/me", payload{}); r.status != 200 {
		t.Errorf("the fixture session ended too: %d", r.status)
	}
}

// testCSRFLoginLogout: the login and logout forms need their tokens.
func testCSRFLoginLogout(t *testing.T, e *testEnv) {
	t.Run("login form without its token", func(t *testing.T) {
		fresh := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r := send(t, fresh, "POST", e.srv.URL+"/login", payload{"application/x-www-form-urlencoded",
			[]byte(url.Values{"username": {e.users[roleTown].Username}, "password": {testPassword}, "csrf": {"guess"}}.Encode())}, nil)
		if r.status != 403 {
			t.Errorf("status %d, want 403", r.status)
		}
		for _, c := range r.header.Values("Set-Cookie") {
			if strings.HasPrefix(c, sessionCookie+"=") {
				t.Errorf("a session cookie was set: %s", c)
			}
		}
	})
	t.Run("logout form", func(t *testing.T) {
		b := e.browserLogin(t, roleClerk)
		if r := b.postForm(t, "/logout", url.Values{}); r.status != 403 {
			t.Errorf("logout without token: %d, want 403", r.status)
		}
		token := csrfOf(t, b.get(t, "/").body)
		if r := b.postForm(t, "/logout", url.Values{"csrf": {token}}); r.status != 303 {
			t.Errorf("logout: %d, want 303", r.status)
		}
		if r := b.get(t, "/"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("after logout: %d %s", r.status, r.header.Get("Location"))
		}
	})
}

func testHealthMetrics(t *testing.T, e *testEnv) {
	r := e.call(t, "GET", "/healthz", "", payload{})
	if r.status != 200 || !strings.Contains(string(r.body), `"status":"ok"`) {
		t.Errorf("healthz: %d %q", r.status, r.body)
	}
	if r := e.as(t, roleTown, "GET", "/api/v1/me", payload{}); r.status != 200 {
		t.Fatalf("towns: %d", r.status)
	}
	r = e.call(t, "GET", "/metrics", testMetricsToken, payload{})
	if r.status != 200 {
		t.Fatalf("metrics: %d", r.status)
	}
	found := false
	for _, line := range strings.Split(string(r.body), "\n") {
		if strings.HasPrefix(line, "fugong_http_requests_total{") && strings.Contains(line, `route="GET /api/v1/me"`) && strings.Contains(line, `code="200"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no fugong_http_requests_total for route \"GET /api/v1/me\" in:\n%s", r.body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if r.header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
}

// testRateLimit runs last: it records failed logins from the test's address.
func testRateLimit(t *testing.T, e *testEnv) {
	u, err := (&account.Service{Store: e.db, Now: time.Now}).Create(context.Background(), fugong.System,
		account.User{Username: "throttled", Role: fugong.RoleCadre}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	creds := func(pw string) payload { return jsonBody(map[string]string{"username": u.Username, "password": pw}) }
	for i := range account.AccountBackoff.Free {
		if r := e.call(t, "POST", "/api/v1/sessions", "", creds("wrong-password")); r.status != 401 {
			t.Fatalf("failure %d: status %d: %s", i+1, r.status, r.body)
		}
	}
	r := e.call(t, "POST", "/api/v1/sessions", "", creds(testPassword))
	if r.status != 429 || r.err(t).Error.Code != "rate_limited" {
		t.Errorf("after %d failures the right password got %d: %s", account.AccountBackoff.Free, r.status, r.body)
	}
	// Another user from the same address is not locked out.
	e.login(t, e.users[roleCadre].Username, testPassword)
}

// TestOpenAPIRefusesHostileQuery: the public document refuses a query that
// is not text as every API route does (its documented 400).
func TestOpenAPIRefusesHostileQuery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		wantErr(t, e.call(t, "GET", "/api/v1/openapi.json?x=%00", "", payload{}), 400, "x", "")
		if r := e.call(t, "GET", "/api/v1/openapi.json", "", payload{}); r.status != 200 {
			t.Errorf("the document: %d", r.status)
		}
	})
}
