package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestAccountPages walks the admin's pages: the list with its filters and
// pages, the confirmation before disabling, enabling, ending the sessions,
// resetting the password.
func TestAccountPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		addCadres(t, e, 60)
		t.Run("admin", func(t *testing.T) { testAccountPages(t, e) })
		t.Run("password", func(t *testing.T) { testPasswordPage(t, e) })
		t.Run("edit", func(t *testing.T) { testEditUserPage(t, e) })
	})
}

func testAccountPages(t *testing.T, e *webtest.Env) {
	admin := e.BrowserLogin(t, webtest.RoleAdmin)
	r := admin.Get(t, "/users?q="+url.QueryEscape("干部1")+"&role=cadre")
	webtest.Contains(t, "filtered list", r, "cadre10", "cadre19", `value="干部1"`)
	if strings.Contains(string(r.Body), "cadre20") || strings.Contains(string(r.Body), "u-town") {
		t.Error("the filtered list shows users the filter excludes")
	}
	r = admin.Get(t, "/users?role=cadre&page=2")
	webtest.Contains(t, "page 2", r, "第 2 / 2 页", "上一页", `href="/users?role=cadre&amp;page=1"`)
	webtest.Contains(t, "bad filter", admin.Get(t, "/users?role=king"), `class="alert"`)

	u, tokens, b := newUser(t, e, "wuyi")
	base := fmt.Sprintf("/users/%d", u.ID)
	r = admin.Get(t, base+"/disable")
	webtest.Contains(t, "confirmation", r, "确认停用账号 测试wuyi（<code>wuyi</code>）", `action="`+base+`/disable"`, `href="`+base+`"`)
	if !signedIn(t, b) {
		t.Fatal("showing the confirmation disabled the user")
	}
	csrf := webtest.CSRFOf(t, r.Body)
	r = admin.PostForm(t, base+"/disable", url.Values{"csrf": {csrf}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != base+"?done=disabled" {
		t.Fatalf("disable: %d %q", r.Status, r.Header.Get("Location"))
	}
	if signedIn(t, b) || meStatus(t, e, tokens[0]) != 401 {
		t.Error("the disabled user is still signed in")
	}
	webtest.Contains(t, "disabled", admin.Get(t, base+"?done=disabled"), "账号已停用", "已停用", `action="`+base+`/enable"`)
	// The list names people; the login is secondary, in a <code>.
	webtest.Contains(t, "list", admin.Get(t, "/users?q=wuyi"), `data-user="wuyi"`, "已停用", `action="`+base+`/enable"`,
		`<a href="`+base+`">测试wuyi</a> <code>wuyi</code>`)
	// The audit log's 操作人 is the admin's name, not their login.
	audit := admin.Get(t, "/audit?entity=user")
	adm := e.Users[webtest.RoleAdmin]
	webtest.Contains(t, "the audit log", audit, "<td>"+adm.DisplayName+"</td>")
	if strings.Contains(string(audit.Body), ">"+adm.Username+"<") {
		t.Errorf("the audit log shows the username %s", adm.Username)
	}
	if r := admin.PostForm(t, base+"/enable", url.Values{"csrf": {csrf}}); r.Status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.Status)
	}
	b = e.BrowserLoginAs(t, "wuyi", webtest.Password)
	if r := admin.PostForm(t, base+"/sessions/delete", url.Values{"csrf": {csrf}}); r.Status != http.StatusSeeOther {
		t.Fatalf("end sessions: %d", r.Status)
	}
	if signedIn(t, b) {
		t.Error("a session survived 注销全部登录")
	}
	r = admin.PostForm(t, base+"/password", url.Values{"csrf": {csrf}, "password": {"short"}})
	if r.Status != 400 {
		t.Errorf("short reset: %d", r.Status)
	}
	webtest.Contains(t, "short reset", r, `data-field="password"`, "至少8位")
	if r := admin.PostForm(t, base+"/password", url.Values{"csrf": {csrf}, "password": {"reset-on-page"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if s := loginStatus(t, e, "wuyi", "reset-on-page"); s != 201 {
		t.Errorf("login with the password reset on the page: %d", s)
	}

	// The admin's own page offers no disabling, and a forged post is refused.
	self := fmt.Sprintf("/users/%d", e.Users[webtest.RoleAdmin].ID)
	r = admin.Get(t, self+"/disable")
	webtest.Contains(t, "own page", r, "不能停用自己的账号")
	if strings.Contains(string(r.Body), "确认停用") {
		t.Error("the admin is asked to confirm disabling themselves")
	}
	if r := admin.PostForm(t, self+"/disable", url.Values{"csrf": {csrf}}); r.Status != 409 {
		t.Errorf("disabling oneself through the form: %d, want 409", r.Status)
	}
	// Every page of a user is the admin's: a town official gets 404.
	town := e.BrowserLogin(t, webtest.RoleTown)
	if r := town.PostForm(t, base+"/disable", url.Values{"csrf": {webtest.CSRFOf(t, town.Get(t, "/password").Body)}}); r.Status != 404 {
		t.Errorf("a town official disables a user: %d, want 404", r.Status)
	}
}

// testPasswordPage is 修改密码 in the browser: the browser that changes the
// password stays signed in, the user's other browsers and tokens do not.
func testPasswordPage(t *testing.T, e *webtest.Env) {
	_, tokens, b1 := newUser(t, e, "sun")
	b2 := e.BrowserLoginAs(t, "sun", webtest.Password)
	csrf := webtest.CSRFOf(t, b1.Get(t, "/password").Body)
	r := b1.PostForm(t, "/password", url.Values{"csrf": {csrf}, "old_password": {webtest.Password}, "new_password": {"brand-new-secret"}, "new_password2": {"brand-new-secreT"}})
	webtest.Contains(t, "mismatch", r, `data-field="new_password2"`, "两次输入的新密码不一致")
	r = b1.PostForm(t, "/password", url.Values{"csrf": {csrf}, "old_password": {"nope-nope-nope"}, "new_password": {"brand-new-secret"}, "new_password2": {"brand-new-secret"}})
	if r.Status != 400 {
		t.Errorf("wrong old password: %d", r.Status)
	}
	webtest.Contains(t, "wrong old password", r, `data-field="old_password"`, "原密码不正确")
	r = b1.PostForm(t, "/password", url.Values{"csrf": {csrf}, "old_password": {webtest.Password}, "new_password": {"brand-new-secret"}, "new_password2": {"brand-new-secret"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/password?done=1" {
		t.Fatalf("change: %d %q", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "done", b1.Get(t, "/password?done=1"), "密码已修改")
	if !signedIn(t, b1) {
		t.Error("the browser that changed the password was signed out")
	}
	if signedIn(t, b2) {
		t.Error("another browser of the user survived the change")
	}
	if meStatus(t, e, tokens[0]) != 401 {
		t.Error("an API token survived the change made in the browser")
	}
}

// testEditUserPage: the admin edits a user's name, role and scope (every
// problem shown at once, next to its field), and gives a one-time password.
func testEditUserPage(t *testing.T, e *webtest.Env) {
	admin := e.BrowserLogin(t, webtest.RoleAdmin)
	u, tokens, _ := newUser(t, e, "zhouedit")
	base := fmt.Sprintf("/users/%d", u.ID)
	r := admin.Get(t, base)
	webtest.Contains(t, "the user's page", r, `id="edit"`, `action="`+base+`"`, "塘下镇全部企业", "测试zhouedit", "生成临时密码")
	csrf := webtest.CSRFOf(t, r.Body)
	// A clerk without an enterprise and with a work group: both refused at once.
	r = admin.PostForm(t, base, url.Values{"csrf": {csrf}, "display_name": {"周某"}, "role": {"enterprise"}, "group": {"statistics"}})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("a bad edit: %d", r.Status)
	}
	webtest.Contains(t, "a bad edit", r, `data-field="enterprise"`, "企业填报员必须指定企业", `data-field="group"`, "该角色不能指定工作组", `value="周某"`)
	if got, err := e.DB.UserByID(t.Context(), u.ID); err != nil || got.Role != u.Role || got.DisplayName != u.DisplayName {
		t.Fatalf("a refused edit was stored: %+v %v", got, err)
	}
	r = admin.PostForm(t, base, url.Values{"csrf": {csrf}, "display_name": {"周某"}, "role": {"checkpoint"}, "town": {webtest.TownXianjiang}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != base+"?done=updated" {
		t.Fatalf("an edit: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	webtest.Contains(t, "after the edit", admin.Get(t, base+"?done=updated"), "用户信息已保存", "周某", "仙降街道的卡口、隔离点")
	if !audited(t, e, "update", "zhouedit") {
		t.Error("the edit is not in the audit log")
	}
	// The user's token reads the new scope at once.
	if r := e.Call(t, "GET", "/api/v1/me", tokens[0], webtest.Payload{}); !strings.Contains(string(r.Body), `"role":"checkpoint"`) {
		t.Errorf("the user's session after the edit: %s", r.Body)
	}
	// The admin cannot take away their own admin role.
	self := fmt.Sprintf("/users/%d", e.Users[webtest.RoleAdmin].ID)
	r = admin.PostForm(t, self, url.Values{"csrf": {csrf}, "role": {"town"}, "town": {webtest.TownTangxia}})
	webtest.Contains(t, "the admin's own role", r, `data-field="role"`, "不能更改自己的系统管理员角色")

	// A one-time password: shown once, the old one and the sessions gone.
	r = admin.PostForm(t, base+"/password", url.Values{"csrf": {csrf}, "generate": {"1"}})
	if r.Status != http.StatusOK {
		t.Fatalf("one-time password: %d", r.Status)
	}
	m := oneTime.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no one-time password on the page: %s", r.Body)
	}
	if s := loginStatus(t, e, "zhouedit", string(m[1])); s != 201 {
		t.Errorf("login with the one-time password: %d", s)
	}
	if s := loginStatus(t, e, "zhouedit", webtest.Password); s == 201 {
		t.Error("the old password still works")
	}
	if strings.Contains(string(admin.Get(t, base).Body), string(m[1])) {
		t.Error("the one-time password is shown again")
	}
	if !audited(t, e, "password", "zhouedit") {
		t.Error("the one-time password is not in the audit log")
	}
}

var oneTime = regexp.MustCompile(`<b class="mono">([A-Za-z0-9]{12})</b>`)
