package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// TestAccountPages walks the admin's pages: the list with its filters and
// pages, the confirmation before disabling, enabling, ending the sessions,
// resetting the password.
func TestAccountPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addCadres(t, 60)
		t.Run("admin", func(t *testing.T) { testAccountPages(t, e) })
		t.Run("password", func(t *testing.T) { testPasswordPage(t, e) })
	})
}

func testAccountPages(t *testing.T, e *testEnv) {
	admin := e.browserLogin(t, roleAdmin)
	r := admin.get(t, "/users?q="+url.QueryEscape("干部1")+"&role=cadre")
	contains(t, "filtered list", r, "cadre10", "cadre19", `value="干部1"`)
	if strings.Contains(string(r.body), "cadre20") || strings.Contains(string(r.body), "u-town") {
		t.Error("the filtered list shows users the filter excludes")
	}
	r = admin.get(t, "/users?role=cadre&page=2")
	contains(t, "page 2", r, "第 2 / 2 页", "上一页", `href="/users?role=cadre&amp;page=1"`)
	contains(t, "bad filter", admin.get(t, "/users?role=king"), `class="alert"`)

	u, tokens, b := e.newUser(t, "wuyi")
	base := fmt.Sprintf("/users/%d", u.ID)
	r = admin.get(t, base+"/disable")
	contains(t, "confirmation", r, "确认停用账号 wuyi", `action="`+base+`/disable"`, `href="`+base+`"`)
	if !b.signedIn(t) {
		t.Fatal("showing the confirmation disabled the user")
	}
	csrf := csrfOf(t, r.body)
	r = admin.postForm(t, base+"/disable", url.Values{"csrf": {csrf}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != base+"?done=disabled" {
		t.Fatalf("disable: %d %q", r.status, r.header.Get("Location"))
	}
	if b.signedIn(t) || e.meStatus(t, tokens[0]) != 401 {
		t.Error("the disabled user is still signed in")
	}
	contains(t, "disabled", admin.get(t, base+"?done=disabled"), "账号已停用", "已停用", `action="`+base+`/enable"`)
	contains(t, "list", admin.get(t, "/users?q=wuyi"), `data-user="wuyi"`, "已停用", `action="`+base+`/enable"`)
	if r := admin.postForm(t, base+"/enable", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.status)
	}
	b = e.browserLoginAs(t, "wuyi", testPassword)
	if r := admin.postForm(t, base+"/sessions/delete", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", r.status)
	}
	if b.signedIn(t) {
		t.Error("a session survived 注销全部登录")
	}
	r = admin.postForm(t, base+"/password", url.Values{"csrf": {csrf}, "password": {"short"}})
	if r.status != 400 {
		t.Errorf("short reset: %d", r.status)
	}
	contains(t, "short reset", r, `data-field="password"`, "至少8位")
	if r := admin.postForm(t, base+"/password", url.Values{"csrf": {csrf}, "password": {"reset-on-page"}}); r.status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if s := e.loginStatus(t, "wuyi", "reset-on-page"); s != 201 {
		t.Errorf("login with the password reset on the page: %d", s)
	}

	// The admin's own page offers no disabling, and a forged post is refused.
	self := fmt.Sprintf("/users/%d", e.users[roleAdmin].ID)
	r = admin.get(t, self+"/disable")
	contains(t, "own page", r, "不能停用自己的账号")
	if strings.Contains(string(r.body), "确认停用") {
		t.Error("the admin is asked to confirm disabling themselves")
	}
	if r := admin.postForm(t, self+"/disable", url.Values{"csrf": {csrf}}); r.status != 409 {
		t.Errorf("disabling oneself through the form: %d, want 409", r.status)
	}
	// Every page of a user is the admin's: a town official gets 404.
	town := e.browserLogin(t, roleTown)
	if r := town.postForm(t, base+"/disable", url.Values{"csrf": {csrfOf(t, town.get(t, "/password").body)}}); r.status != 404 {
		t.Errorf("a town official disables a user: %d, want 404", r.status)
	}
}

// testPasswordPage is 修改密码 in the browser: the browser that changes the
// password stays signed in, the user's other browsers and tokens do not.
func testPasswordPage(t *testing.T, e *testEnv) {
	_, tokens, b1 := e.newUser(t, "sun")
	b2 := e.browserLoginAs(t, "sun", testPassword)
	csrf := csrfOf(t, b1.get(t, "/password").body)
	r := b1.postForm(t, "/password", url.Values{"csrf": {csrf}, "old_password": {testPassword}, "new_password": {"brand-new-secret"}, "new_password2": {"brand-new-secreT"}})
	contains(t, "mismatch", r, `data-field="new_password2"`, "两次输入的新密码不一致")
	r = b1.postForm(t, "/password", url.Values{"csrf": {csrf}, "old_password": {"nope-nope-nope"}, "new_password": {"brand-new-secret"}, "new_password2": {"brand-new-secret"}})
	if r.status != 400 {
		t.Errorf("wrong old password: %d", r.status)
	}
	contains(t, "wrong old password", r, `data-field="old_password"`, "原密码不正确")
	r = b1.postForm(t, "/password", url.Values{"csrf": {csrf}, "old_password": {testPassword}, "new_password": {"brand-new-secret"}, "new_password2": {"brand-new-secret"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/password?done=1" {
		t.Fatalf("change: %d %q", r.status, r.header.Get("Location"))
	}
	contains(t, "done", b1.get(t, "/password?done=1"), "密码已修改")
	if !b1.signedIn(t) {
		t.Error("the browser that changed the password was signed out")
	}
	if b2.signedIn(t) {
		t.Error("another browser of the user survived the change")
	}
	if e.meStatus(t, tokens[0]) != 401 {
		t.Error("an API token survived the change made in the browser")
	}
}
