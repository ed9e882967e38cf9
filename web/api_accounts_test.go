package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/store"
	"fugong/store/storetest"
)

func TestAccounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		t.Run("list contract", func(t *testing.T) { testUserList(t, e) })
		t.Run("disable", func(t *testing.T) { testDisable(t, e) })
		t.Run("own password", func(t *testing.T) { testOwnPassword(t, e) })
		t.Run("reset password", func(t *testing.T) { testResetPassword(t, e) })
		t.Run("end sessions", func(t *testing.T) { testEndSessions(t, e) })
		t.Run("token lifetime", func(t *testing.T) { testTokenLifetime(t, e) })
	})
}

type userList struct {
	Items []struct {
		ID          int64  `json:"id"`
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		Role        string `json:"role"`
		Disabled    *bool  `json:"disabled"`
	} `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func (l userList) names() []string {
	out := []string{}
	for _, it := range l.Items {
		out = append(out, it.Username)
	}
	return out
}

func (e *testEnv) listUsers(t *testing.T, query string) userList {
	t.Helper()
	r := e.as(t, roleAdmin, "GET", "/api/v1/users?"+query, payload{})
	if r.status != 200 {
		t.Fatalf("GET /api/v1/users?%s: %d %s", query, r.status, r.body)
	}
	var l userList
	r.decode(t, &l)
	return l
}

// testUserList is the users list's contract: {items, total}, a page of
// per_page (50 by default), q on the username or the display name, role
// and town filters.
func testUserList(t *testing.T, e *testEnv) {
	e.addCadres(t, 60)
	all := e.listUsers(t, "")
	if all.Total != 67 || len(all.Items) != 50 || all.Page != 1 || all.PerPage != 50 {
		t.Fatalf("default page: total %d, %d items, page %d per_page %d; want 67, 50, 1, 50", all.Total, len(all.Items), all.Page, all.PerPage)
	}
	it := all.Items[0]
	if it.ID == 0 || it.Username == "" || it.Role == "" || it.Disabled == nil {
		t.Errorf("an item lacks id, username, role or disabled: %+v", it)
	}
	p2 := e.listUsers(t, "page=2")
	if p2.Total != 67 || len(p2.Items) != 17 || slices.Contains(all.names(), p2.Items[0].Username) {
		t.Errorf("page 2: total %d, %d items %v", p2.Total, len(p2.Items), p2.names())
	}
	if l := e.listUsers(t, "per_page=10&page=3"); l.Total != 67 || len(l.Items) != 10 || l.PerPage != 10 || l.Page != 3 {
		t.Errorf("per_page=10 page 3: total %d, %d items, per_page %d", l.Total, len(l.Items), l.PerPage)
	}
	if l := e.listUsers(t, "per_page=500"); len(l.Items) != 67 {
		t.Errorf("per_page=500: %d items, want all 67", len(l.Items))
	}

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"q=cadre0", []string{"cadre00", "cadre01", "cadre02", "cadre03", "cadre04", "cadre05", "cadre06", "cadre07", "cadre08", "cadre09"}},
		{"q=CADRE5", []string{"cadre50", "cadre51", "cadre52", "cadre53", "cadre54", "cadre55", "cadre56", "cadre57", "cadre58", "cadre59"}},
		{"q=" + url.QueryEscape("干部17号"), []string{"cadre17"}},
		{"q=" + url.QueryEscape("测试clerk"), []string{"u-clerk"}},
		{"q=" + url.QueryEscape("%"), []string{}},
		{"role=town", []string{"u-town"}},
		{"role=bureau", []string{"u-bureau-insp", "u-bureau-stat"}},
		{"role=cadre&q=u-", []string{"u-cadre"}},
		// A town's users: its staff, its firms' clerks, its firms' cadres.
		{"town=" + townTangxia, []string{"u-cadre", "u-clerk", "u-town"}},
		{"town=" + url.QueryEscape("仙降街道"), []string{"u-checkpoint"}},
		{"town=" + townFeiyun, []string{}},
	} {
		l := e.listUsers(t, c.query)
		got := l.names()
		slices.Sort(got)
		if l.Total != len(c.want) || !slices.Equal(got, c.want) {
			t.Errorf("%s: total %d %v, want %v", c.query, l.Total, got, c.want)
		}
	}

	for _, q := range []string{"per_page=501", "per_page=-1", "page=x", "role=king", "town=" + url.QueryEscape("上海")} {
		if r := e.as(t, roleAdmin, "GET", "/api/v1/users?"+q, payload{}); r.status != 400 {
			t.Errorf("%s: status %d, want 400: %s", q, r.status, r.body)
		}
	}
	if r := e.as(t, roleTown, "GET", "/api/v1/users?q=admin", payload{}); r.status != 404 {
		t.Errorf("a town official lists users: %d", r.status)
	}
}

// addCadres stores n cadres (cadre00, 干部00号, …) beside the seven fixture
// users, directly: hashing n passwords would be most of a test's time.
func (e *testEnv) addCadres(t *testing.T, n int) {
	t.Helper()
	hash, err := account.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		u := account.User{Username: fmt.Sprintf("cadre%02d", i), DisplayName: fmt.Sprintf("干部%02d号", i), Role: fugong.RoleCadre}
		if _, err := e.db.CreateUser(context.Background(), fugong.System, u, hash); err != nil {
			t.Fatal(err)
		}
	}
}

// newUser stores a town official with two API tokens and a browser session.
func (e *testEnv) newUser(t *testing.T, name string) (u account.User, tokens []string, b *browser) {
	t.Helper()
	tok := e.addUser(t, account.User{Username: name, DisplayName: "测试" + name, Role: fugong.RoleTown, Town: townTangxia})
	u, _, err := e.db.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u, []string{tok, e.login(t, name, testPassword)}, e.browserLoginAs(t, name, testPassword)
}

// status is the status of GET /api/v1/me with token.
func (e *testEnv) meStatus(t *testing.T, token string) int {
	t.Helper()
	return e.call(t, "GET", "/api/v1/me", token, payload{}).status
}

// signedIn reports whether the browser's session still opens the home page.
func (b *browser) signedIn(t *testing.T) bool {
	t.Helper()
	r := b.get(t, "/")
	if r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/login") {
		return false
	}
	if r.status != 200 {
		t.Fatalf("GET /: %d", r.status)
	}
	return true
}

func (e *testEnv) loginStatus(t *testing.T, username, password string) int {
	t.Helper()
	return e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": username, "password": password})).status
}

// audited reports whether the audit log has an entry of action on the user.
func (e *testEnv) audited(t *testing.T, action, username string) bool {
	t.Helper()
	entries, _, err := e.db.ListAudit(context.Background(), audit.Filter{Entity: "user", EntityID: username, Action: action, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries) > 0
}

// testDisable: a disabled user's tokens and browser session answer 401 (the
// browser goes to the login page) from the next request on, their login is
// refused, and enabling lets them log in again.
func testDisable(t *testing.T, e *testEnv) {
	u, tokens, b := e.newUser(t, "zhao")
	path := fmt.Sprintf("/api/v1/users/%d", u.ID)
	if e.meStatus(t, tokens[0]) != 200 || !b.signedIn(t) {
		t.Fatal("the new user is not signed in")
	}
	r := e.as(t, roleAdmin, "POST", path+"/disable", payload{})
	if r.status != 200 {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	var got account.User
	r.decode(t, &got)
	if !got.Disabled || got.Username != "zhao" {
		t.Errorf("disable answered %+v", got)
	}
	for i, tok := range tokens {
		if s := e.meStatus(t, tok); s != 401 {
			t.Errorf("token %d of a disabled user: %d, want 401", i, s)
		}
	}
	if b.signedIn(t) {
		t.Error("a disabled user's browser session still opens pages")
	}
	if r := b.do(t, "GET", "/api/v1/me", payload{}, nil); r.status != 401 {
		t.Errorf("a disabled user's cookie on the API: %d, want 401", r.status)
	}
	if s := e.loginStatus(t, "zhao", testPassword); s != 401 {
		t.Errorf("a disabled user logs in through the API: %d, want 401", s)
	}
	page := b.get(t, "/login")
	if r := b.postForm(t, "/login", url.Values{"username": {"zhao"}, "password": {testPassword}, "csrf": {csrfOf(t, page.body)}}); r.status == http.StatusSeeOther {
		t.Error("a disabled user logs in through the form")
	}
	if l := e.listUsers(t, "q=zhao"); len(l.Items) != 1 || l.Items[0].Disabled == nil || !*l.Items[0].Disabled {
		t.Errorf("the list does not show zhao disabled: %+v", l.Items)
	}
	if !e.audited(t, "disable", "zhao") {
		t.Error("disabling is not in the audit log")
	}

	if r := e.as(t, roleAdmin, "POST", path+"/enable", payload{}); r.status != 200 {
		t.Fatalf("enable: %d %s", r.status, r.body)
	}
	if e.meStatus(t, tokens[0]) != 401 {
		t.Error("enabling brought an ended token back")
	}
	if s := e.loginStatus(t, "zhao", testPassword); s != 201 {
		t.Errorf("an enabled user logs in: %d, want 201", s)
	}
	if !e.audited(t, "enable", "zhao") {
		t.Error("enabling is not in the audit log")
	}

	self := fmt.Sprintf("/api/v1/users/%d/disable", e.users[roleAdmin].ID)
	wantErr(t, e.as(t, roleAdmin, "POST", self, payload{}), 409, "", "不能停用自己")
	wantErr(t, e.as(t, roleAdmin, "POST", "/api/v1/users/0/disable", payload{}), 404, "", "用户不存在")
	wantErr(t, e.as(t, roleAdmin, "POST", "/api/v1/users/abc/enable", payload{}), 404, "", "用户不存在")
}

// testOwnPassword: a user changes their password with the old one; their
// other tokens and sessions end, the one they changed it from stays.
func testOwnPassword(t *testing.T, e *testEnv) {
	_, tokens, b := e.newUser(t, "qian")
	change := func(old, new string) resp {
		return e.call(t, "PUT", "/api/v1/me/password", tokens[0], jsonBody(map[string]string{"old_password": old, "new_password": new}))
	}
	wantErr(t, change("wrong-password", "brand-new-secret"), 400, "old_password", "原密码不正确")
	wantErr(t, change(testPassword, "short"), 400, "new_password", "至少8位")
	wantErr(t, change(testPassword, testPassword), 400, "new_password", "不能与原密码相同")
	if e.meStatus(t, tokens[1]) != 200 || !b.signedIn(t) {
		t.Fatal("a refused change ended sessions")
	}
	if r := change(testPassword, "brand-new-secret"); r.status != 204 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if s := e.meStatus(t, tokens[0]); s != 200 {
		t.Errorf("the token that changed the password: %d, want 200", s)
	}
	if s := e.meStatus(t, tokens[1]); s != 401 {
		t.Errorf("another token of the user: %d, want 401", s)
	}
	if b.signedIn(t) {
		t.Error("the user's browser session survived the change")
	}
	if s := e.loginStatus(t, "qian", testPassword); s != 401 {
		t.Errorf("login with the old password: %d", s)
	}
	if s := e.loginStatus(t, "qian", "brand-new-secret"); s != 201 {
		t.Errorf("login with the new password: %d", s)
	}
	if !e.audited(t, "password", "qian") {
		t.Error("the change is not in the audit log")
	}
}

// testResetPassword: the admin sets a user's password; every session of
// theirs ends.
func testResetPassword(t *testing.T, e *testEnv) {
	u, tokens, b := e.newUser(t, "lisi")
	path := fmt.Sprintf("/api/v1/users/%d/password", u.ID)
	wantErr(t, e.as(t, roleAdmin, "PUT", path, rawJSON(`{"password":"short"}`)), 400, "password", "至少8位")
	if r := e.as(t, roleAdmin, "PUT", path, rawJSON(`{"password":"reset-by-admin"}`)); r.status != 204 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if e.meStatus(t, tokens[0]) != 401 || e.meStatus(t, tokens[1]) != 401 || b.signedIn(t) {
		t.Error("a session survived the reset")
	}
	if s := e.loginStatus(t, "lisi", "reset-by-admin"); s != 201 {
		t.Errorf("login with the reset password: %d", s)
	}
	if !e.audited(t, "password", "lisi") {
		t.Error("the reset is not in the audit log")
	}
	if r := e.as(t, roleTown, "PUT", path, rawJSON(`{"password":"reset-by-town"}`)); r.status != 404 {
		t.Errorf("a town resets a password: %d", r.status)
	}
}

// testEndSessions: the admin logs a user out everywhere; the password stays.
func testEndSessions(t *testing.T, e *testEnv) {
	u, tokens, b := e.newUser(t, "zhou")
	r := e.as(t, roleAdmin, "DELETE", fmt.Sprintf("/api/v1/users/%d/sessions", u.ID), payload{})
	if r.status != 200 {
		t.Fatalf("end sessions: %d %s", r.status, r.body)
	}
	var n struct {
		Ended int `json:"sessions_ended"`
	}
	r.decode(t, &n)
	if n.Ended != 3 {
		t.Errorf("sessions_ended %d, want 3 (two tokens, one browser)", n.Ended)
	}
	if e.meStatus(t, tokens[0]) != 401 || e.meStatus(t, tokens[1]) != 401 || b.signedIn(t) {
		t.Error("a session survived")
	}
	if s := e.loginStatus(t, "zhou", testPassword); s != 201 {
		t.Errorf("login after the sessions ended: %d", s)
	}
	if !e.audited(t, "end_sessions", "zhou") {
		t.Error("ending the sessions is not in the audit log")
	}
}

// testTokenLifetime: an API token lasts 12 hours by default, or what the
// service is given; DELETE /api/v1/sessions/current revokes it at once.
func testTokenLifetime(t *testing.T, e *testEnv) {
	defer e.clock.Set(time.Time{})
	start := time.Now()
	r := e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": e.users[roleTown].Username, "password": testPassword}))
	var s struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	r.decode(t, &s)
	if d := s.ExpiresAt.Sub(start); d < 12*time.Hour-time.Minute || d > 12*time.Hour+time.Minute {
		t.Errorf("expires_at is %v from now, want 12h", d)
	}
	e.clock.Set(start.Add(11 * time.Hour))
	if st := e.meStatus(t, s.Token); st != 200 {
		t.Errorf("after 11 hours: %d, want 200", st)
	}
	e.clock.Set(start.Add(12*time.Hour + time.Minute))
	if st := e.meStatus(t, s.Token); st != 401 {
		t.Errorf("after 12 hours: %d, want 401", st)
	}
	e.clock.Set(time.Time{})

	e.deps.Accounts.APITokenTTL = time.Hour
	defer func() { e.deps.Accounts.APITokenTTL = 0 }()
	tok := e.login(t, e.users[roleTown].Username, testPassword)
	e.clock.Set(start.Add(61 * time.Minute))
	if st := e.meStatus(t, tok); st != 401 {
		t.Errorf("a 1-hour token after 61 minutes: %d, want 401", st)
	}
	e.clock.Set(time.Time{})

	tok = e.login(t, e.users[roleTown].Username, testPassword)
	if r := e.call(t, "DELETE", "/api/v1/sessions/current", tok, payload{}); r.status != 204 {
		t.Fatalf("revoke: %d", r.status)
	}
	if st := e.meStatus(t, tok); st != 401 {
		t.Errorf("a revoked token: %d, want 401", st)
	}
}
