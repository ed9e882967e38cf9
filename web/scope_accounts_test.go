package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fugong"
	"fugong/account"
)

// accountScopeCases are the admin's control of accounts and everyone's own
// password. The admin acts on users made for the row, never on the
// fixture's, so later rows keep their sessions.
var accountScopeCases = []scopeCase{
	{method: "GET", route: "/api/v1/users/{id}", note: "the clerk", path: ownIDOf(roleClerk, ""), want: adminOnly(200)},
	{method: "GET", route: "/api/v1/users/{id}", note: "no such user", want: every(404),
		path: func(*testEnv, string) string { return "/api/v1/users/99999999" }},
	{method: "POST", route: "/api/v1/users/{id}/disable", setup: addUser("target-disable", false), path: userPath("target-disable", "/disable"), want: adminOnly(200)},
	{method: "POST", route: "/api/v1/users/{id}/disable", note: "oneself", want: by(409, 404, 404, 404, 404, 404, 404),
		path: func(e *testEnv, role string) string { return ownIDOf(role, "/disable")(e, role) }},
	{method: "POST", route: "/api/v1/users/{id}/enable", setup: addUser("target-enable", true), path: userPath("target-enable", "/enable"), want: adminOnly(200)},
	{method: "DELETE", route: "/api/v1/users/{id}/sessions", setup: addUser("target-sessions", false), path: userPath("target-sessions", "/sessions"), want: adminOnly(200)},
	{method: "PUT", route: "/api/v1/users/{id}/password", setup: addUser("target-password", false), path: userPath("target-password", "/password"),
		body: func(*testing.T, *testEnv, string) payload { return rawJSON(`{"password":"reset-horse-battery"}`) }, want: adminOnly(204)},
	{method: "PUT", route: "/api/v1/me/password", note: "a twin of each role", as: twinOf, want: every(204),
		body: func(*testing.T, *testEnv, string) payload {
			return jsonBody(map[string]string{"old_password": testPassword, "new_password": "changed-horse-battery"})
		}},
}

// ownIDOf is the path of the fixture user of role, then suffix.
func ownIDOf(role, suffix string) func(*testEnv, string) string {
	return func(e *testEnv, _ string) string {
		return fmt.Sprintf("/api/v1/users/%d%s", e.users[role].ID, suffix)
	}
}

// userPath is the path of the user named username, then suffix.
func userPath(username, suffix string) func(*testEnv, string) string {
	return func(e *testEnv, _ string) string {
		u, _, err := e.db.UserByName(context.Background(), username)
		if err != nil {
			panic(err)
		}
		return fmt.Sprintf("/api/v1/users/%d%s", u.ID, suffix)
	}
}

// addUser stores a town official named username, logged in once, and
// disabled if asked.
func addUser(username string, disabled bool) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		t.Helper()
		e.addUser(t, account.User{Username: username, Role: fugong.RoleTown, Town: townTangxia})
		if disabled {
			if _, err := e.db.SetDisabled(context.Background(), fugong.System, e.userID(t, username), true); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// addUser stores u with testPassword and returns an API token of theirs.
func (e *testEnv) addUser(t *testing.T, u account.User) string {
	t.Helper()
	if _, err := (&account.Service{Store: e.db, Now: time.Now}).Create(context.Background(), fugong.System, u, testPassword); err != nil {
		t.Fatalf("create %s: %v", u.Username, err)
	}
	return e.login(t, u.Username, testPassword)
}

// twin logs in a new user with the role and scope of the fixture user of
// role, and returns its token.
func (e *testEnv) twin(t *testing.T, role string) string {
	t.Helper()
	u := e.users[role]
	u.ID, u.Username = 0, fmt.Sprintf("twin-%d", e.next())
	return e.addUser(t, u)
}

func (e *testEnv) userID(t testing.TB, username string) int64 {
	t.Helper()
	u, _, err := e.db.UserByName(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func twinOf(t *testing.T, e *testEnv, role string) string { return e.twin(t, role) }
