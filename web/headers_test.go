package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// How the service answers over plain HTTP, over TLS, through a trusted
// proxy that says the browser used HTTPS, and from a client that only
// claims so: Secure cookies and HSTS on HTTPS alone (or Secure cookies
// everywhere when the operator asks), and nothing stored by the browser
// but the static assets.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	e := newLoginEnv(t, db, nil)
	serve := func(tls bool, edit func(*Deps)) (*httptest.Server, *http.Client) {
		d := e.deps
		edit(&d)
		h, err := New(d)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewUnstartedServer(h)
		if tls {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		t.Cleanup(srv.Close)
		return srv, srv.Client()
	}
	trustLocal := func(d *Deps) { d.TrustedProxies, _ = ParseTrustedProxies("127.0.0.0/8", "::1") }
	for _, tt := range []struct {
		name      string
		tls       bool
		edit      func(*Deps)
		proto     string // X-Forwarded-Proto sent
		secure    bool   // cookies Secure and HSTS sent
		forceOnly bool   // Secure cookies but no HSTS
	}{
		{name: "plain HTTP", edit: func(*Deps) {}},
		{name: "a direct client claiming HTTPS", edit: func(*Deps) {}, proto: "https"},
		{name: "TLS", tls: true, edit: func(*Deps) {}, secure: true},
		{name: "trusted proxy over HTTPS", edit: trustLocal, proto: "https", secure: true},
		{name: "trusted proxy over HTTP", edit: trustLocal, proto: "http"},
		{name: "--secure-cookies", edit: func(d *Deps) { d.SecureCookies = true }, forceOnly: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := serve(tt.tls, tt.edit)
			jar, _ := cookiejar.New(nil)
			c.Jar = jar
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			edit := func(r *http.Request) {
				if tt.proto != "" {
					r.Header.Set("X-Forwarded-Proto", tt.proto)
				}
			}
			page := send(t, c, "GET", srv.URL+"/login", payload{}, edit)
			form := url.Values{"username": {"zhou"}, "password": {testPassword}, "csrf": {csrfOf(t, page.body)}}
			in := send(t, c, "POST", srv.URL+"/login", payload{"application/x-www-form-urlencoded", []byte(form.Encode())}, edit)
			if in.status != http.StatusSeeOther {
				t.Fatalf("POST /login: %d %s", in.status, in.body)
			}
			cookies := append(page.header.Values("Set-Cookie"), in.header.Values("Set-Cookie")...)
			if len(cookies) < 2 {
				t.Fatalf("cookies set: %q", cookies)
			}
			for _, sc := range cookies {
				if got := strings.Contains(sc, "; Secure"); got != (tt.secure || tt.forceOnly) {
					t.Errorf("Set-Cookie %q: Secure %v, want %v", sc, got, tt.secure || tt.forceOnly)
				}
			}
			for _, path := range []string{"/login", "/", "/api/v1/me", "/enterprises", "/no-such-page", "/static/style.css"} {
				r := send(t, c, "GET", srv.URL+path, payload{}, edit)
				if got, want := r.header.Get("Cache-Control"), map[bool]string{true: "", false: "no-store"}[strings.HasPrefix(path, "/static/")]; got != want {
					t.Errorf("GET %s: %d, Cache-Control %q, want %q", path, r.status, got, want)
				}
				if got := r.header.Get("Strict-Transport-Security"); (got != "") != tt.secure {
					t.Errorf("GET %s: Strict-Transport-Security %q, want it %v", path, got, tt.secure)
				}
			}
			r := send(t, c, "POST", srv.URL+"/api/v1/sessions", jsonBody(map[string]string{"username": "zhou", "password": testPassword}), edit)
			if r.status != http.StatusCreated || r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("POST /api/v1/sessions: %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
			}
		})
	}
}

// /metrics is served only to the bearer of the metrics token, and not at
// all without one.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	closed := newLoginEnv(t, db, nil)
	if r := send(t, http.DefaultClient, "GET", closed.srv.URL+"/metrics", payload{}, nil); r.status != http.StatusNotFound {
		t.Errorf("/metrics without a token set: %d, want 404", r.status)
	}
	d := closed.deps
	d.MetricsToken = "scrape-me"
	h, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tt := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer scrape-me-too", http.StatusUnauthorized},
		{"Basic c2NyYXBlLW1lOg==", http.StatusUnauthorized},
		{"Bearer scrape-me", http.StatusOK},
	} {
		r := send(t, http.DefaultClient, "GET", srv.URL+"/metrics", payload{}, func(r *http.Request) {
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
		})
		if r.status != tt.want {
			t.Errorf("/metrics with Authorization %q: %d, want %d", tt.auth, r.status, tt.want)
		}
		if tt.want == http.StatusOK && !strings.Contains(string(r.body), "fugong_http_requests_total") {
			t.Errorf("/metrics with the token: no fugong_http_requests_total in\n%.500s", r.body)
		}
	}
}
