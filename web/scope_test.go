package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/daily"
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

// foundationScopeCases are the kit's (the session) and the daily report's
// routes; each moved module keeps its own list beside its tests.
var foundationScopeCases = []scopeCase{
	{method: "GET", route: "/api/v1/openapi.json", want: every(200)},
	{method: "POST", route: "/api/v1/sessions", note: "own password", want: every(201),
		body: func(t *testing.T, e *testEnv, role string) payload {
			return jsonBody(map[string]string{"username": e.users[role].Username, "password": testPassword})
		}},
	{method: "DELETE", route: "/api/v1/sessions/current", fresh: true, want: every(204)},
	{method: "GET", route: "/api/v1/me", want: every(200)},

	// Daily reports (M2), for today. The admin reports first (201); the
	// roles after it correct the day (200). The bureau's inspection group
	// reads the city but does not report (403).
	{method: "PUT", route: reportRoute, target: "tangA", body: reportBody, want: by(201, 200, 403, 200, 200, 404, 404)},
	{method: "PUT", route: reportRoute, target: "tangB", body: reportBody, want: by(201, 200, 403, 200, 404, 200, 404)},
	{method: "PUT", route: reportRoute, target: "xianA", body: reportBody, want: by(201, 200, 403, 404, 404, 404, 404)},
	{method: "GET", route: reportRoute, target: "tangA", setup: reported("tangA"), want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: reportRoute, target: "tangB", setup: reported("tangB"), want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: reportRoute, target: "xianA", setup: reported("xianA"), want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: reportRoute + "/versions", target: "tangA", setup: reported("tangA"), want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: reportRoute + "/versions", target: "tangB", setup: reported("tangB"), want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: reportRoute + "/versions", target: "xianA", setup: reported("xianA"), want: by(200, 200, 200, 404, 404, 404, 404)},
	// Follow-ups: the town, the paired cadre and the statistics group chase
	// non-reporters; a clerk reads the calls made to them but logs none.
	{method: "POST", route: "/api/v1/enterprises/{uscc}/followups", target: "tangA", body: followupBody, want: by(201, 201, 403, 201, 201, 404, 404)},
	{method: "POST", route: "/api/v1/enterprises/{uscc}/followups", target: "tangB", body: followupBody, want: by(201, 201, 403, 201, 404, 403, 404)},
	{method: "POST", route: "/api/v1/enterprises/{uscc}/followups", target: "xianA", body: followupBody, want: by(201, 201, 403, 404, 404, 404, 404)},
	{method: "GET", route: "/api/v1/enterprises/{uscc}/followups", target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: "/api/v1/enterprises/{uscc}/followups", target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: "/api/v1/enterprises/{uscc}/followups", target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	// Everyone reads completeness, trend and the call list of their own
	// scope (what each sees is testScopeDaily's).
	{method: "GET", route: "/api/v1/reports/completeness", want: every(200)},
	{method: "GET", route: "/api/v1/reports/trend", want: every(200)},
	{method: "GET", route: "/api/v1/reports/missing", want: every(200)},
	{method: "GET", route: "/api/v1/reports/missing", note: "town=仙降", want: every(200),
		path: func(e *testEnv, role string) string { return "/api/v1/reports/missing?town=" + townXianjiang }},
	// Sign-off: a town signs its own day (the admin may too); the bureau
	// sees but does not sign (403); everyone else does not see the town (404).
	// Each role signs a day of its own, so no sign-off is a repeat.
	{method: "POST", route: signoffRoute, note: "塘下", path: signoffPath(townTangxia, 0), want: by(201, 403, 403, 201, 404, 404, 404)},
	{method: "POST", route: signoffRoute, note: "仙降", path: signoffPath(townXianjiang, 0), want: by(201, 403, 403, 404, 404, 404, 404)},
	{method: "POST", route: signoffRoute, note: "unknown town", path: signoffPath("330381999", 0), want: every(404)},
	{method: "POST", route: signoffRoute + "/reopen", note: "塘下, signed", path: reopenPath(townTangxia), setup: signedDays(townTangxia),
		body: reopenBody, want: by(200, 403, 403, 200, 404, 404, 404)},
	{method: "POST", route: signoffRoute + "/reopen", note: "仙降, signed", path: reopenPath(townXianjiang), setup: signedDays(townXianjiang),
		body: reopenBody, want: by(200, 403, 403, 404, 404, 404, 404)},
	// Batch entry and the sheets: everyone downloads their own scope's call
	// list and template; a row out of the uploader's scope is a bad row (400),
	// and roles that do not report may not upload (403).
	{method: "GET", route: "/api/v1/reports/missing/export", want: every(200)},
	{method: "GET", route: "/api/v1/reports/template", want: every(200)},
	{method: "POST", route: "/api/v1/reports/import", note: "row for tangA", body: reportsFileFor("tangA"), want: by(200, 200, 403, 200, 200, 400, 403)},
	{method: "POST", route: "/api/v1/reports/import", note: "row for xianA", body: reportsFileFor("xianA"), want: by(200, 200, 403, 400, 400, 400, 403)},
	{method: "GET", route: "/api/v1/settings/deadline", want: every(200)},
	{method: "PUT", route: "/api/v1/settings/deadline", body: func(*testing.T, *testEnv, string) payload { return rawJSON(`{"deadline":"16:00"}`) },
		want: by(200, 403, 403, 403, 403, 403, 403)},
}

const (
	reportRoute  = "/api/v1/enterprises/{uscc}/reports/{date}"
	signoffRoute = "/api/v1/towns/{code}/signoffs/{date}"
)

func reportBody(*testing.T, *testEnv, string) payload { return jsonBody(validFigures()) }

// reportsFileFor is a batch-entry CSV with today's report of the fixture
// enterprise key.
func reportsFileFor(key string) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		csv := "统一社会信用代码,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,已签承诺书\n" +
			e.ents[key] + "," + e.today() + ",20,10,1,0,0,0,0,0,0,2,是\n"
		return upload(t, "reports.csv", csv, nil)
	}
}

func followupBody(*testing.T, *testEnv, string) payload {
	return rawJSON(`{"kind":"phone","outcome":"no_answer","note":"无人接听"}`)
}

func reopenBody(*testing.T, *testEnv, string) payload {
	return rawJSON(`{"reason":"企业更正数据"}`)
}

// reported makes sure the fixture enterprise key has a report today.
func reported(key string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		t.Helper()
		if _, err := e.daily.Submit(context.Background(), fugong.System, e.ents[key], e.today(), figuresOf(validFigures()), ""); err != nil {
			t.Fatal(err)
		}
	}
}

// roleDay is a past day of role's own: the offset-th of a run of days, one per role.
func roleDay(role string, offset int) string {
	return time.Date(2020, 2, 1+offset+slices.Index(fixtureRoles, role), 0, 0, 0, 0, fugong.Location).Format(daily.DateLayout)
}

func signoffPath(town string, offset int) func(*testEnv, string) string {
	return func(e *testEnv, role string) string {
		return "/api/v1/towns/" + town + "/signoffs/" + roleDay(role, offset)
	}
}

// The days reopened are signed by setup first, one per role.
const reopenOffset = 10

func reopenPath(town string) func(*testEnv, string) string {
	p := signoffPath(town, reopenOffset)
	return func(e *testEnv, role string) string { return p(e, role) + "/reopen" }
}

func signedDays(town string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		t.Helper()
		for _, role := range fixtureRoles {
			if _, err := e.daily.SignOff(context.Background(), fugong.System, town, roleDay(role, reopenOffset)); err != nil {
				t.Fatal(err)
			}
		}
	}
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

// legacyAPIRoutes is the API of the kit and of the modules still in this
// package (a moved module's routes are its package's scope test's).
func legacyAPIRoutes(t *testing.T) []Route {
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
	for _, rt := range legacyAPIRoutes(t) {
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
		t.Run("daily", func(t *testing.T) { testScopeDaily(t, e) })
		t.Run("matrix", func(t *testing.T) { testScopeMatrix(t, e) })
	})
}

// testNoSession sends every authenticated route without a token and with a
// token that is not one: 401 unauthorized each time.
func testNoSession(t *testing.T, e *testEnv) {
	for _, rt := range legacyAPIRoutes(t) {
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

// testScopeDaily checks what each role sees of the daily report before
// anyone has reported today: completeness lists only the towns of the
// role's scope and expects only its enterprises; the call list is exactly
// the enterprises in scope.
func testScopeDaily(t *testing.T, e *testEnv) {
	townsOf := map[string][]string{
		roleAdmin: {townXianjiang, townTangxia}, roleBureauStat: {townXianjiang, townTangxia}, roleBureauInsp: {townXianjiang, townTangxia},
		roleTown: {townTangxia}, roleCadre: {townTangxia}, roleClerk: {townTangxia}, roleCheckpoint: {},
	}
	for _, role := range fixtureRoles {
		t.Run(role, func(t *testing.T) {
			r := e.as(t, role, "GET", "/api/v1/reports/completeness", payload{})
			if r.status != 200 {
				t.Fatalf("completeness: %d %s", r.status, r.body)
			}
			var c completenessBody
			r.decode(t, &c)
			towns := []string{}
			expected := 0
			for _, tc := range c.Towns {
				towns = append(towns, tc.Town)
				expected += tc.Expected
			}
			slices.Sort(towns)
			if !slices.Equal(towns, townsOf[role]) {
				t.Errorf("completeness towns %v, want %v", towns, townsOf[role])
			}
			if n := len(inScope[role]); c.City.Expected != n || expected != n || c.City.Received != 0 {
				t.Errorf("city expected %d received %d, towns expect %d; want %d and 0", c.City.Expected, c.City.Received, expected, n)
			}
			if c.Date != e.today() || c.Deadline != "16:00" {
				t.Errorf("date %q deadline %q", c.Date, c.Deadline)
			}
			if role == roleCheckpoint && !bytes.Contains(r.body, []byte(`"towns":[]`)) {
				t.Errorf("no towns should be an empty array: %s", r.body)
			}

			r = e.as(t, role, "GET", "/api/v1/reports/missing?per_page=500", payload{})
			var m missingBody
			r.decode(t, &m)
			if got, want := m.codes(), e.codes(inScope[role]); r.status != 200 || m.Total != len(want) || !slices.Equal(got, want) {
				t.Errorf("missing: status %d total %d %v; want %d %v", r.status, m.Total, got, len(want), want)
			}
			// A town filter narrows the scope, never widens it.
			r = e.as(t, role, "GET", "/api/v1/reports/missing?town="+townXianjiang, payload{})
			r.decode(t, &m)
			want := 0
			if slices.Contains(inScope[role], "xianA") {
				want = 1
			}
			if r.status != 200 || m.Total != want {
				t.Errorf("missing in 仙降: status %d total %d, want %d", r.status, m.Total, want)
			}

			r = e.as(t, role, "GET", "/api/v1/reports/trend", payload{})
			var tr trendBody
			r.decode(t, &tr)
			if r.status != 200 || tr.Total != 30 || len(tr.Items) != 30 || tr.Items[29].Date != e.today() {
				t.Errorf("trend: status %d, %d days: %.300s", r.status, tr.Total, r.body)
			}
		})
	}
}

// inScope is which fixture enterprises each role sees.
var inScope = map[string][]string{
	roleAdmin:      {"tangA", "tangB", "xianA"},
	roleBureauStat: {"tangA", "tangB", "xianA"},
	roleBureauInsp: {"tangA", "tangB", "xianA"},
	roleTown:       {"tangA", "tangB"},
	roleCadre:      {"tangA"},
	roleClerk:      {"tangB"},
	roleCheckpoint: {},
}

func (e *testEnv) codes(keys []string) []string {
	out := []string{}
	for _, k := range keys {
		out = append(out, e.ents[k])
	}
	slices.Sort(out)
	return out
}

// auditCount is how many audit entries there are of entity.
func (e *testEnv) auditCount(t testing.TB, entity string) int {
	t.Helper()
	_, n, err := e.db.ListAudit(context.Background(), audit.Filter{Entity: entity, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
