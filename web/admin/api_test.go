package admin_test

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
	"fugong/web/webtest"
)

func TestAccounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		t.Run("list contract", func(t *testing.T) { testUserList(t, e) })
		t.Run("disable", func(t *testing.T) { testDisable(t, e) })
		t.Run("own password", func(t *testing.T) { testOwnPassword(t, e) })
		t.Run("reset password", func(t *testing.T) { testResetPassword(t, e) })
		t.Run("end sessions", func(t *testing.T) { testEndSessions(t, e) })
		t.Run("token lifetime", func(t *testing.T) { testTokenLifetime(t, e) })
		t.Run("update", func(t *testing.T) { testUpdateUser(t, e) })
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

func listUsers(t *testing.T, e *webtest.Env, query string) userList {
	t.Helper()
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/users?"+query, webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("GET /api/v1/users?%s: %d %s", query, r.Status, r.Body)
	}
	var l userList
	r.Decode(t, &l)
	return l
}

// testUserList is the users list's contract: {items, total}, a page of
// per_page (50 by default), q on the username or the display name, role
// and town filters.
func testUserList(t *testing.T, e *webtest.Env) {
	addCadres(t, e, 60)
	all := listUsers(t, e, "")
	if all.Total != 67 || len(all.Items) != 50 || all.Page != 1 || all.PerPage != 50 {
		t.Fatalf("default page: total %d, %d items, page %d per_page %d; want 67, 50, 1, 50", all.Total, len(all.Items), all.Page, all.PerPage)
	}
	it := all.Items[0]
	if it.ID == 0 || it.Username == "" || it.Role == "" || it.Disabled == nil {
		t.Errorf("an item lacks id, username, role or disabled: %+v", it)
	}
	p2 := listUsers(t, e, "page=2")
	if p2.Total != 67 || len(p2.Items) != 17 || slices.Contains(all.names(), p2.Items[0].Username) {
		t.Errorf("page 2: total %d, %d items %v", p2.Total, len(p2.Items), p2.names())
	}
	if l := listUsers(t, e, "per_page=10&page=3"); l.Total != 67 || len(l.Items) != 10 || l.PerPage != 10 || l.Page != 3 {
		t.Errorf("per_page=10 page 3: total %d, %d items, per_page %d", l.Total, len(l.Items), l.PerPage)
	}
	if l := listUsers(t, e, "per_page=500"); len(l.Items) != 67 {
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
		{"town=" + webtest.TownTangxia, []string{"u-cadre", "u-clerk", "u-town"}},
		{"town=" + url.QueryEscape("仙降街道"), []string{"u-checkpoint"}},
		{"town=" + webtest.TownFeiyun, []string{}},
	} {
		l := listUsers(t, e, c.query)
		got := l.names()
		slices.Sort(got)
		if l.Total != len(c.want) || !slices.Equal(got, c.want) {
			t.Errorf("%s: total %d %v, want %v", c.query, l.Total, got, c.want)
		}
	}

	for _, q := range []string{"per_page=501", "per_page=-1", "page=x", "role=king", "town=" + url.QueryEscape("上海")} {
		if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/users?"+q, webtest.Payload{}); r.Status != 400 {
			t.Errorf("%s: status %d, want 400: %s", q, r.Status, r.Body)
		}
	}
	if r := e.As(t, webtest.RoleTown, "GET", "/api/v1/users?q=admin", webtest.Payload{}); r.Status != 404 {
		t.Errorf("a town official lists users: %d", r.Status)
	}
}

// addCadres stores n cadres (cadre00, 干部00号, …) beside the seven fixture
// users, directly: hashing n passwords would be most of a test's time.
func addCadres(t *testing.T, e *webtest.Env, n int) {
	t.Helper()
	hash, err := account.HashPassword(webtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		u := account.User{Username: fmt.Sprintf("cadre%02d", i), DisplayName: fmt.Sprintf("干部%02d号", i), Role: fugong.RoleCadre}
		if _, err := e.DB.CreateUser(context.Background(), fugong.System, u, hash); err != nil {
			t.Fatal(err)
		}
	}
}

// newUser stores a town official with two API tokens and a browser session.
func newUser(t *testing.T, e *webtest.Env, name string) (u account.User, tokens []string, b *webtest.Browser) {
	t.Helper()
	tok := storeUser(t, e, account.User{Username: name, DisplayName: "测试" + name, Role: fugong.RoleTown, Town: webtest.TownTangxia})
	u, _, err := e.DB.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u, []string{tok, e.Login(t, name, webtest.Password)}, e.BrowserLoginAs(t, name, webtest.Password)
}

// status is the status of GET /api/v1/me with token.
func meStatus(t *testing.T, e *webtest.Env, token string) int {
	t.Helper()
	return e.Call(t, "GET", "/api/v1/me", token, webtest.Payload{}).Status
}

// signedIn reports whether the browser's session still opens the home page.
func signedIn(t *testing.T, b *webtest.Browser) bool {
	t.Helper()
	r := b.Get(t, "/")
	if r.Status == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login") {
		return false
	}
	if r.Status != 200 {
		t.Fatalf("GET /: %d", r.Status)
	}
	return true
}

func loginStatus(t *testing.T, e *webtest.Env, username, password string) int {
	t.Helper()
	return e.Call(t, "POST", "/api/v1/sessions", "", webtest.JSON(map[string]string{"username": username, "password": password})).Status
}

// audited reports whether the audit log has an entry of action on the user.
func audited(t *testing.T, e *webtest.Env, action, username string) bool {
	t.Helper()
	entries, _, err := e.DB.ListAudit(context.Background(), audit.Filter{Entity: "user", EntityID: username, Action: action, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries) > 0
}

// testDisable: a disabled user's tokens and browser session answer 401 (the
// browser goes to the login page) from the next request on, their login is
// refused, and enabling lets them log in again.
func testDisable(t *testing.T, e *webtest.Env) {
	u, tokens, b := newUser(t, e, "zhao")
	path := fmt.Sprintf("/api/v1/users/%d", u.ID)
	if meStatus(t, e, tokens[0]) != 200 || !signedIn(t, b) {
		t.Fatal("the new user is not signed in")
	}
	r := e.As(t, webtest.RoleAdmin, "POST", path+"/disable", webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	var got account.User
	r.Decode(t, &got)
	if !got.Disabled || got.Username != "zhao" {
		t.Errorf("disable answered %+v", got)
	}
	for i, tok := range tokens {
		if s := meStatus(t, e, tok); s != 401 {
			t.Errorf("token %d of a disabled user: %d, want 401", i, s)
		}
	}
	if signedIn(t, b) {
		t.Error("a disabled user's browser session still opens pages")
	}
	if r := b.Do(t, "GET", "/api/v1/me", webtest.Payload{}, nil); r.Status != 401 {
		t.Errorf("a disabled user's cookie on the API: %d, want 401", r.Status)
	}
	if s := loginStatus(t, e, "zhao", webtest.Password); s != 401 {
		t.Errorf("a disabled user logs in through the API: %d, want 401", s)
	}
	page := b.Get(t, "/login")
	if r := b.PostForm(t, "/login", url.Values{"username": {"zhao"}, "password": {webtest.Password}, "csrf": {webtest.CSRFOf(t, page.Body)}}); r.Status == http.StatusSeeOther {
		t.Error("a disabled user logs in through the form")
	}
	if l := listUsers(t, e, "q=zhao"); len(l.Items) != 1 || l.Items[0].Disabled == nil || !*l.Items[0].Disabled {
		t.Errorf("the list does not show zhao disabled: %+v", l.Items)
	}
	if !audited(t, e, "disable", "zhao") {
		t.Error("disabling is not in the audit log")
	}

	if r := e.As(t, webtest.RoleAdmin, "POST", path+"/enable", webtest.Payload{}); r.Status != 200 {
		t.Fatalf("enable: %d %s", r.Status, r.Body)
	}
	if meStatus(t, e, tokens[0]) != 401 {
		t.Error("enabling brought an ended token back")
	}
	if s := loginStatus(t, e, "zhao", webtest.Password); s != 201 {
		t.Errorf("an enabled user logs in: %d, want 201", s)
	}
	if !audited(t, e, "enable", "zhao") {
		t.Error("enabling is not in the audit log")
	}

	self := fmt.Sprintf("/api/v1/users/%d/disable", e.Users[webtest.RoleAdmin].ID)
	webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "POST", self, webtest.Payload{}), 409, "", "不能停用自己")
	webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/users/0/disable", webtest.Payload{}), 404, "", "用户不存在")
	webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/users/abc/enable", webtest.Payload{}), 404, "", "用户不存在")
}

// testOwnPassword: a user changes their password with the old one; their
// other tokens and sessions end, the one they changed it from stays.
func testOwnPassword(t *testing.T, e *webtest.Env) {
	_, tokens, b := newUser(t, e, "qian")
	change := func(old, new string) webtest.Resp {
		return e.Call(t, "PUT", "/api/v1/me/password", tokens[0], webtest.JSON(map[string]string{"old_password": old, "new_password": new}))
	}
	webtest.WantErr(t, change("wrong-password", "brand-new-secret"), 400, "old_password", "原密码不正确")
	webtest.WantErr(t, change(webtest.Password, "short"), 400, "new_password", "至少8位")
	webtest.WantErr(t, change(webtest.Password, webtest.Password), 400, "new_password", "不能与原密码相同")
	if meStatus(t, e, tokens[1]) != 200 || !signedIn(t, b) {
		t.Fatal("a refused change ended sessions")
	}
	if r := change(webtest.Password, "brand-new-secret"); r.Status != 204 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if s := meStatus(t, e, tokens[0]); s != 200 {
		t.Errorf("the token that changed the password: %d, want 200", s)
	}
	if s := meStatus(t, e, tokens[1]); s != 401 {
		t.Errorf("another token of the user: %d, want 401", s)
	}
	if signedIn(t, b) {
		t.Error("the user's browser session survived the change")
	}
	if s := loginStatus(t, e, "qian", webtest.Password); s != 401 {
		t.Errorf("login with the old password: %d", s)
	}
	if s := loginStatus(t, e, "qian", "brand-new-secret"); s != 201 {
		t.Errorf("login with the new password: %d", s)
	}
	if !audited(t, e, "password", "qian") {
		t.Error("the change is not in the audit log")
	}
}

// testResetPassword: the admin sets a user's password; every session of
// theirs ends.
func testResetPassword(t *testing.T, e *webtest.Env) {
	u, tokens, b := newUser(t, e, "lisi")
	path := fmt.Sprintf("/api/v1/users/%d/password", u.ID)
	webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "PUT", path, webtest.RawJSON(`{"password":"short"}`)), 400, "password", "至少8位")
	if r := e.As(t, webtest.RoleAdmin, "PUT", path, webtest.RawJSON(`{"password":"reset-by-admin"}`)); r.Status != 204 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if meStatus(t, e, tokens[0]) != 401 || meStatus(t, e, tokens[1]) != 401 || signedIn(t, b) {
		t.Error("a session survived the reset")
	}
	if s := loginStatus(t, e, "lisi", "reset-by-admin"); s != 201 {
		t.Errorf("login with the reset password: %d", s)
	}
	if !audited(t, e, "password", "lisi") {
		t.Error("the reset is not in the audit log")
	}
	if r := e.As(t, webtest.RoleTown, "PUT", path, webtest.RawJSON(`{"password":"reset-by-town"}`)); r.Status != 404 {
		t.Errorf("a town resets a password: %d", r.Status)
	}
}

// testEndSessions: the admin logs a user out everywhere; the password stays.
func testEndSessions(t *testing.T, e *webtest.Env) {
	u, tokens, b := newUser(t, e, "zhou")
	r := e.As(t, webtest.RoleAdmin, "DELETE", fmt.Sprintf("/api/v1/users/%d/sessions", u.ID), webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("end sessions: %d %s", r.Status, r.Body)
	}
	var n struct {
		Ended int `json:"sessions_ended"`
	}
	r.Decode(t, &n)
	if n.Ended != 3 {
		t.Errorf("sessions_ended %d, want 3 (two tokens, one browser)", n.Ended)
	}
	if meStatus(t, e, tokens[0]) != 401 || meStatus(t, e, tokens[1]) != 401 || signedIn(t, b) {
		t.Error("a session survived")
	}
	if s := loginStatus(t, e, "zhou", webtest.Password); s != 201 {
		t.Errorf("login after the sessions ended: %d", s)
	}
	if !audited(t, e, "end_sessions", "zhou") {
		t.Error("ending the sessions is not in the audit log")
	}
}

// testTokenLifetime: an API token lasts 12 hours by default, or what the
// service is given; DELETE /api/v1/sessions/current revokes it at once.
func testTokenLifetime(t *testing.T, e *webtest.Env) {
	defer e.Clock.Set(time.Time{})
	start := time.Now()
	r := e.Call(t, "POST", "/api/v1/sessions", "", webtest.JSON(map[string]string{"username": e.Users[webtest.RoleTown].Username, "password": webtest.Password}))
	var s struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	r.Decode(t, &s)
	if d := s.ExpiresAt.Sub(start); d < 12*time.Hour-time.Minute || d > 12*time.Hour+time.Minute {
		t.Errorf("expires_at is %v from now, want 12h", d)
	}
	e.Clock.Set(start.Add(11 * time.Hour))
	if st := meStatus(t, e, s.Token); st != 200 {
		t.Errorf("after 11 hours: %d, want 200", st)
	}
	e.Clock.Set(start.Add(12*time.Hour + time.Minute))
	if st := meStatus(t, e, s.Token); st != 401 {
		t.Errorf("after 12 hours: %d, want 401", st)
	}
	e.Clock.Set(time.Time{})

	e.Services.Accounts.APITokenTTL = time.Hour
	defer func() { e.Services.Accounts.APITokenTTL = 0 }()
	tok := e.Login(t, e.Users[webtest.RoleTown].Username, webtest.Password)
	e.Clock.Set(start.Add(61 * time.Minute))
	if st := meStatus(t, e, tok); st != 401 {
		t.Errorf("a 1-hour token after 61 minutes: %d, want 401", st)
	}
	e.Clock.Set(time.Time{})

	tok = e.Login(t, e.Users[webtest.RoleTown].Username, webtest.Password)
	if r := e.Call(t, "DELETE", "/api/v1/sessions/current", tok, webtest.Payload{}); r.Status != 204 {
		t.Fatalf("revoke: %d", r.Status)
	}
	if st := meStatus(t, e, tok); st != 401 {
		t.Errorf("a revoked token: %d, want 401", st)
	}
}

// testUpdateUser: PUT /api/v1/users/{id} changes the name, role and scope,
// lists every problem at once, refuses a stale edit of the admin's own role,
// and is audited with the record before and after.
func testUpdateUser(t *testing.T, e *webtest.Env) {
	u, _, _ := newUser(t, e, "wangapi")
	path := fmt.Sprintf("/api/v1/users/%d", u.ID)
	r := e.As(t, webtest.RoleAdmin, "PUT", path, webtest.JSON(map[string]any{"role": "bureau", "town": webtest.TownTangxia}))
	if r.Status != 400 {
		t.Fatalf("a bad edit: %d %s", r.Status, r.Body)
	}
	var body struct {
		Error struct{ Problems []fugong.Problem } `json:"error"`
	}
	r.Decode(t, &body)
	fields := map[string]bool{}
	for _, p := range body.Error.Problems {
		fields[p.Field] = true
	}
	if !fields["town"] || !fields["group"] {
		t.Errorf("every problem at once: %s", r.Body)
	}
	r = e.As(t, webtest.RoleAdmin, "PUT", path, webtest.JSON(map[string]any{"display_name": "王五", "role": "bureau", "group": "supplies", "group_leader": true}))
	var got account.User
	r.Decode(t, &got)
	if r.Status != 200 || got.DisplayName != "王五" || got.Role != fugong.RoleBureau || got.Group != fugong.GroupSupplies || !got.GroupLeader || got.Town != "" || got.Username != "wangapi" {
		t.Fatalf("an edit: %d %s", r.Status, r.Body)
	}
	if stored, err := e.DB.UserByID(context.Background(), u.ID); err != nil || stored.DisplayName != got.DisplayName || stored.Role != got.Role ||
		stored.Group != got.Group || !stored.GroupLeader || stored.Town != "" {
		t.Errorf("stored %+v, answered %+v (%v)", stored, got, err)
	}
	if !audited(t, e, "update", "wangapi") {
		t.Error("the edit is not in the audit log")
	}
	if r := e.As(t, webtest.RoleAdmin, "PUT", path, webtest.RawJSON(`{"role":"town","username":"renamed"}`)); r.Status != 400 {
		t.Errorf("the username is not editable: %d %s", r.Status, r.Body)
	}
	self := fmt.Sprintf("/api/v1/users/%d", e.Users[webtest.RoleAdmin].ID)
	if r := e.As(t, webtest.RoleAdmin, "PUT", self, webtest.JSON(map[string]any{"role": "cadre"})); r.Status != 400 || r.Err(t).Error.Field != "role" {
		t.Errorf("the admin's own role: %d %s", r.Status, r.Body)
	}
	// A stale edit (the record changed since it was read) is a conflict.
	before, err := e.DB.UserByID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	stale := before
	stale.DisplayName = "旧名字"
	if _, err := e.DB.UpdateUser(context.Background(), fugong.System, stale, before); fugong.ErrorCode(err) != fugong.EConflict {
		t.Errorf("a stale edit: %v", err)
	}
}
