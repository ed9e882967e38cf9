package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for _, tt := range []struct{ next, want string }{
		{"/", "/"},
		{"/enterprises", "/enterprises"},
		{"/enterprises?town=330381101&page=2", "/enterprises?town=330381101&page=2"},
		{"/enterprises/91330381MA2AAAA01X/reports/2020-02-20#top", "/enterprises/91330381MA2AAAA01X/reports/2020-02-20#top"},
		{"/tickets/%2F%2Fevil.example", "/tickets/%2F%2Fevil.example"},
		{"/企业", "/%E4%BC%81%E4%B8%9A"},
		{"/a b", "/a%20b"},
		{"", "/"},
		{"enterprises", "/"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"///evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\u0085/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/\\/evil.example", "/"},
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{" /evil", "/"},
		{"/ok\xff", "/"},
		{"/%zz", "/"},
	} {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}

// Every redirect to a target the request names stays on the site: the
// page behind the login (its whole query kept), the login page of a user
// already in, and the login form's submission.
func TestLoginRedirects(t *testing.T) {
	t.Parallel()
	e := newLoginEnv(t, sqliteDB(t), nil)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) resp { return send(t, c, "GET", e.srv.URL+path, payload{}, nil) }
	post := func(next string) resp {
		page := get("/login")
		form := url.Values{"username": {"zhou"}, "password": {testPassword}, "csrf": {csrfOf(t, page.body)}, "next": {next}}
		return send(t, c, "POST", e.srv.URL+"/login", payload{"application/x-www-form-urlencoded", []byte(form.Encode())}, nil)
	}

	r := get("/enterprises?town=330381101&page=2")
	if want := "/login?next=" + url.QueryEscape("/enterprises?town=330381101&page=2"); r.status != http.StatusSeeOther || r.header.Get("Location") != want {
		t.Errorf("a page without a session: %d to %q, want %q", r.status, r.header.Get("Location"), want)
	}
	for _, tt := range []struct{ next, want string }{
		{"/\t/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example", "/"},
		{"/enterprises?town=330381101&page=2", "/enterprises?town=330381101&page=2"},
	} {
		jar.SetCookies(&url.URL{Scheme: "http", Host: e.srv.Listener.Addr().String()}, []*http.Cookie{{Name: sessionCookie, MaxAge: -1}})
		if r := post(tt.next); r.status != http.StatusSeeOther || r.header.Get("Location") != tt.want {
			t.Errorf("POST /login with next %q: %d to %q, want %q", tt.next, r.status, r.header.Get("Location"), tt.want)
		}
	}
	// Logged in now: the login page sends the user on at once.
	for _, tt := range []struct{ rawQuery, want string }{
		{"next=/%09/evil.example", "/"},
		{"next=%2F%5Cevil.example", "/"},
		{"next=//evil.example", "/"},
		{"next=/reports%3Fdate%3D2020-02-20", "/reports?date=2020-02-20"},
	} {
		if r := get("/login?" + tt.rawQuery); r.status != http.StatusSeeOther || r.header.Get("Location") != tt.want {
			t.Errorf("GET /login?%s: %d to %q, want %q", tt.rawQuery, r.status, r.header.Get("Location"), tt.want)
		}
	}
}
