package web

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// by lists the expected status per role, in fixtureRoles order:
// admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint.
func by(admin, bureauStat, bureauInsp, town, cadre, clerk, checkpoint int) map[string]int {
	return map[string]int{roleAdmin: admin, roleBureauStat: bureauStat, roleBureauInsp: bureauInsp,
		roleTown: town, roleCadre: cadre, roleClerk: clerk, roleCheckpoint: checkpoint}
}

func every(status int) map[string]int {
	return by(status, status, status, status, status, status, status)
}

// adminOnly is the admin's pages: the admin gets ok, everyone else a 404
// that does not reveal they exist.
func adminOnly(ok int) map[string]int { return by(ok, 404, 404, 404, 404, 404, 404) }

// scopeCase is one request every role makes.
type scopeCase struct {
	method, route string // exactly as in apiRoutes()
	target        string // fixture key for {uscc}
	note          string
	body          func(t *testing.T, e *testEnv, role string) payload
	fresh         bool // send with a throwaway session: the request ends it
	// as, if set, gives the token to send instead of the role's own: a
	// request that changes the caller's account (its password, its other
	// sessions) is sent by a twin of the role, so the fixture stays.
	as func(t *testing.T, e *testEnv, role string) string
	// path, if set, gives each role its own path (its own day, say), so
	// one role's request does not decide what the next one gets.
	path func(e *testEnv, role string) string
	// setup, if set, runs once before the roles' requests.
	setup func(t *testing.T, e *testEnv)
	want  map[string]int
}

// codeOf is the error code the API must give with each status.
var codeOf = map[int]string{400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
	409: "conflict", 413: "too_large", 429: "rate_limited", 503: "unavailable"}

// scopeCases is every API route walked by every role. Targets: tangA (塘下,
// the cadre's), tangB (塘下, the clerk's), xianA (仙降, in nobody's scope
// but the city-wide roles'; the checkpoint's town, yet a checkpoint sees no
// enterprises).
//
// Statuses are by(admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint).
var scopeCases = foundationScopeCases

// foundationScopeCases are the kit's routes (the session); each module
// keeps its own list beside its tests.
var foundationScopeCases = []scopeCase{
	{method: "GET", route: "/api/v1/openapi.json", want: every(200)},
	{method: "POST", route: "/api/v1/sessions", note: "own password", want: every(201),
		body: func(t *testing.T, e *testEnv, role string) payload {
			return jsonBody(map[string]string{"username": e.users[role].Username, "password": testPassword})
		}},
	{method: "DELETE", route: "/api/v1/sessions/current", fresh: true, want: every(204)},
	{method: "GET", route: "/api/v1/me", want: every(200)},
}

// publicRoutes need no session.
var publicRoutes = []string{"GET /api/v1/openapi.json", "POST /api/v1/sessions"}

func (c scopeCase) name() string {
	n := c.method + " " + c.route
	if c.target != "" {
		n += " " + c.target
	}
	if c.note != "" {
		n += " " + c.note
	}
	return n
}

// kitAPIRoutes is the API of the kit alone (a module's routes are its
// package's scope test's).
func kitAPIRoutes(t *testing.T) []Route {
	t.Helper()
	s, err := New(Deps{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var out []Route
	for _, rt := range s.Routes() {
		if strings.HasPrefix(rt.Path, "/api/") {
			out = append(out, rt)
		}
	}
	return out
}

// TestScopeTableCoversEveryRoute fails when an API route is added here
// without rows in scopeCases, or a row names a route that is gone.
func TestScopeTableCoversEveryRoute(t *testing.T) {
	routes := map[string]bool{}
	for _, rt := range kitAPIRoutes(t) {
		routes[rt.Pattern()] = true
	}
	covered := map[string]bool{}
	for _, c := range scopeCases {
		key := c.method + " " + c.route
		covered[key] = true
		if !routes[key] {
			t.Errorf("scopeCases has %q, which is not served", key)
		}
		for _, role := range fixtureRoles {
			if _, ok := c.want[role]; !ok {
				t.Errorf("%s: no expected status for role %s", c.name(), role)
			}
		}
	}
	for key := range routes {
		if !covered[key] {
			t.Errorf("route %q has no row in scopeCases: add what every role gets", key)
		}
	}
	for _, key := range publicRoutes {
		if !routes[key] {
			t.Errorf("public route %q is not served", key)
		}
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		t.Run("no session", func(t *testing.T) { testNoSession(t, e) })
		t.Run("matrix", func(t *testing.T) { testScopeMatrix(t, e) })
	})
}

// testNoSession sends every authenticated route without a token and with a
// token that is not one: 401 unauthorized each time.
func testNoSession(t *testing.T, e *testEnv) {
	for _, rt := range kitAPIRoutes(t) {
		key := rt.Pattern()
		if slices.Contains(publicRoutes, key) {
			continue
		}
		for _, token := range []string{"", "not-a-token"} {
			t.Run(fmt.Sprintf("%s token=%q", key, token), func(t *testing.T) {
				r := e.call(t, rt.Method, e.pathFor(rt.Path, "tangA"), token, rawJSON(`{}`))
				if r.status != 401 {
					t.Fatalf("status %d, want 401: %s", r.status, r.body)
				}
				if got := r.err(t).Error.Code; got != "unauthorized" {
					t.Errorf("code %q, want unauthorized", got)
				}
			})
		}
	}
	for _, key := range publicRoutes {
		method, path, _ := strings.Cut(key, " ")
		body := payload{}
		if method == "POST" {
			body = jsonBody(map[string]string{"username": e.users[roleAdmin].Username, "password": testPassword})
		}
		if r := e.call(t, method, path, "", body); r.status >= 400 {
			t.Errorf("public %s without a session: %d %s", key, r.status, r.body)
		}
	}
}

func testScopeMatrix(t *testing.T, e *testEnv) {
	for _, c := range scopeCases {
		t.Run(c.name(), func(t *testing.T) {
			if c.setup != nil {
				c.setup(t, e)
			}
			for _, role := range fixtureRoles {
				token := e.tokens[role]
				if c.fresh {
					token = e.login(t, e.users[role].Username, testPassword)
				}
				if c.as != nil {
					token = c.as(t, e, role)
				}
				body := payload{}
				if c.body != nil {
					body = c.body(t, e, role)
				}
				path := e.pathFor(c.route, c.target)
				if c.path != nil {
					path = c.path(e, role)
				}
				r := e.call(t, c.method, path, token, body)
				if r.status != c.want[role] {
					t.Errorf("%s: status %d, want %d: %.300s", role, r.status, c.want[role], r.body)
					continue
				}
				if code, isErr := codeOf[r.status]; isErr {
					if got := r.err(t).Error.Code; got != code {
						t.Errorf("%s: error code %q, want %q", role, got, code)
					}
				}
			}
		})
	}
}
