package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
	webadmin "fugong/web/admin"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the administration, API and page, has
// its row below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webadmin.New(nil, nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webadmin.New(e.Services.Accounts, e.DB), scopeCases)
	})
}

// scopeCases: the users and the audit log are the admin's alone (404 for
// everyone else, as if they were not there); everyone changes their own
// password (a twin of each role does, so the fixture stays). The admin's
// actions on a user are each on a user of their own.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: "/api/v1/users", Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/api/v1/users", Want: webtest.AdminOnly(201),
		Body: func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
			return webtest.JSON(map[string]any{"username": fmt.Sprintf("new-%d", e.Next()), "role": "town", "town": webtest.TownTangxia, "password": webtest.Password})
		}},
	{Method: "GET", Route: "/api/v1/audit", Want: webtest.AdminOnly(200)},
	{Method: "GET", Route: "/api/v1/users/{id}", Note: "the clerk", Path: ownIDOf(webtest.RoleClerk, ""), Want: webtest.AdminOnly(200)},
	{Method: "GET", Route: "/api/v1/users/{id}", Note: "no such user", Want: webtest.Every(404),
		Path: func(*webtest.Env, string) string { return "/api/v1/users/99999999" }},
	{Method: "PUT", Route: "/api/v1/users/{id}", Setup: addUser("target-edit", false), Path: userPath("target-edit", ""), Want: webtest.AdminOnly(200),
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
			return webtest.JSON(map[string]any{"display_name": "王编辑", "role": "checkpoint", "town": webtest.TownTangxia})
		}},
	{Method: "POST", Route: "/api/v1/users/{id}/disable", Setup: addUser("target-disable", false), Path: userPath("target-disable", "/disable"), Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/api/v1/users/{id}/disable", Note: "oneself", Want: webtest.By(409, 404, 404, 404, 404, 404, 404),
		Path: func(e *webtest.Env, role string) string { return ownIDOf(role, "/disable")(e, role) }},
	{Method: "POST", Route: "/api/v1/users/{id}/enable", Setup: addUser("target-enable", true), Path: userPath("target-enable", "/enable"), Want: webtest.AdminOnly(200)},
	{Method: "DELETE", Route: "/api/v1/users/{id}/sessions", Setup: addUser("target-sessions", false), Path: userPath("target-sessions", "/sessions"), Want: webtest.AdminOnly(200)},
	{Method: "PUT", Route: "/api/v1/users/{id}/password", Setup: addUser("target-password", false), Path: userPath("target-password", "/password"),
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
			return webtest.RawJSON(`{"password":"reset-horse-battery"}`)
		}, Want: webtest.AdminOnly(204)},
	{Method: "PUT", Route: "/api/v1/me/password", Note: "a twin of each role", As: twinOf, Want: webtest.Every(204),
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
			return webtest.JSON(map[string]string{"old_password": webtest.Password, "new_password": "changed-horse-battery"})
		}},

	{Method: "GET", Route: "/users", Want: webtest.AdminOnly(200)},
	{Method: "GET", Route: "/users", Note: "filtered", Want: webtest.AdminOnly(200),
		Path: func(e *webtest.Env, role string) string {
			return "/users?q=u-&role=town&town=" + webtest.TownTangxia + "&page=1"
		}},
	{Method: "POST", Route: "/users", Want: webtest.AdminOnly(303),
		Body: func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
			return webtest.Form(url.Values{"username": {fmt.Sprintf("page-new-%d", e.Next())}, "role": {"town"}, "town": {webtest.TownTangxia}, "password": {webtest.Password}})
		}},
	{Method: "GET", Route: "/users/{id}", Path: ownIDPage(webtest.RoleClerk, ""), Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/users/{id}", Setup: addUser("page-edit", false), Path: userPage("page-edit", ""), Want: webtest.AdminOnly(303),
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
			return webtest.Form(url.Values{"display_name": {"李编辑"}, "role": {"town"}, "town": {webtest.TownXianjiang}})
		}},
	{Method: "GET", Route: "/users/{id}/disable", Path: ownIDPage(webtest.RoleClerk, "/disable"), Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/users/{id}/disable", Setup: addUser("page-disable", false), Path: userPage("page-disable", "/disable"), Want: webtest.AdminOnly(303)},
	{Method: "POST", Route: "/users/{id}/enable", Setup: addUser("page-enable", true), Path: userPage("page-enable", "/enable"), Want: webtest.AdminOnly(303)},
	{Method: "POST", Route: "/users/{id}/sessions/delete", Setup: addUser("page-sessions", false), Path: userPage("page-sessions", "/sessions/delete"), Want: webtest.AdminOnly(303)},
	{Method: "POST", Route: "/users/{id}/password", Setup: addUser("page-password", false), Path: userPage("page-password", "/password"), Want: webtest.AdminOnly(303),
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
			return webtest.Form(url.Values{"password": {"reset-horse-battery"}})
		}},
	{Method: "GET", Route: "/password", Want: webtest.Every(200)},
	{Method: "POST", Route: "/password", Note: "a twin of each role", As: twinOf, Want: webtest.Every(303),
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
			return webtest.Form(url.Values{"old_password": {webtest.Password}, "new_password": {"changed-horse-battery"}, "new_password2": {"changed-horse-battery"}})
		}},
	{Method: "GET", Route: "/audit", Want: webtest.AdminOnly(200)},
}

// ownIDPage is the page of the fixture user of role, then suffix.
func ownIDPage(role, suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, _ string) string {
		return fmt.Sprintf("/users/%d%s", e.Users[role].ID, suffix)
	}
}

// userPage is the page of the user named username, then suffix.
func userPage(username, suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, _ string) string {
		u, _, err := e.DB.UserByName(context.Background(), username)
		if err != nil {
			panic(err)
		}
		return fmt.Sprintf("/users/%d%s", u.ID, suffix)
	}
}

// ownIDOf is the path of the fixture user of role, then suffix.
func ownIDOf(role, suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, _ string) string {
		return fmt.Sprintf("/api/v1/users/%d%s", e.Users[role].ID, suffix)
	}
}

// userPath is the path of the user named username, then suffix.
func userPath(username, suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, _ string) string {
		u, _, err := e.DB.UserByName(context.Background(), username)
		if err != nil {
			panic(err)
		}
		return fmt.Sprintf("/api/v1/users/%d%s", u.ID, suffix)
	}
}

// addUser stores a town official named username, logged in once, and
// disabled if asked.
func addUser(username string, disabled bool) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		t.Helper()
		storeUser(t, e, account.User{Username: username, Role: fugong.RoleTown, Town: webtest.TownTangxia})
		if disabled {
			if _, err := e.DB.SetDisabled(context.Background(), fugong.System, userID(t, e, username), true); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// storeUser stores u with webtest.Password and returns an API token of theirs.
func storeUser(t *testing.T, e *webtest.Env, u account.User) string {
	t.Helper()
	if _, err := (&account.Service{Store: e.DB, Now: time.Now}).Create(context.Background(), fugong.System, u, webtest.Password); err != nil {
		t.Fatalf("create %s: %v", u.Username, err)
	}
	return e.Login(t, u.Username, webtest.Password)
}

// twin logs in a new user with the role and scope of the fixture user of
// role, and returns its token.
func twin(t *testing.T, e *webtest.Env, role string) string {
	t.Helper()
	u := e.Users[role]
	u.ID, u.Username = 0, fmt.Sprintf("twin-%d", e.Next())
	return storeUser(t, e, u)
}

func userID(t testing.TB, e *webtest.Env, username string) int64 {
	t.Helper()
	u, _, err := e.DB.UserByName(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func twinOf(t *testing.T, e *webtest.Env, role string) string { return twin(t, e, role) }
