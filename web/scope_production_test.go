package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"

	"fugong"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// productionScopeCases are resumption and production's routes (M4), by
// (admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint). The
// clerk and cadre apply and report for their own firm, the town for its
// firms and decides their applications; the bureau reads the record but
// neither applies nor decides (none of the fixture bureau users is in the
// coordination group, which keeps the essential list and may report).
var productionScopeCases = []scopeCase{
	{method: "POST", route: appsRoute, target: "tangA", body: freshApplication("tangA"), want: by(201, 403, 403, 201, 201, 404, 404)},
	{method: "POST", route: appsRoute, target: "tangB", body: freshApplication("tangB"), want: by(201, 403, 403, 201, 404, 201, 404)},
	{method: "POST", route: appsRoute, target: "xianA", body: freshApplication("xianA"), want: by(201, 403, 403, 404, 404, 404, 404)},
	// One open application at a time: a second while one is pending is a conflict.
	{method: "POST", route: appsRoute, target: "tangA", note: "while one is pending", setup: pendingOn("tangA"),
		body: applicationBody, want: by(409, 403, 403, 409, 409, 404, 404)},
	{method: "GET", route: appsRoute, target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: appsRoute, target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: appsRoute, target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: "/api/v1/resumption-applications", want: every(200)},
	{method: "GET", route: "/api/v1/resumption-applications", note: "status=submitted&town=仙降", want: every(200),
		path: func(*testEnv, string) string {
			return "/api/v1/resumption-applications?status=submitted&town=" + townXianjiang
		}},
	{method: "GET", route: appRoute, target: "tangA", setup: pendingOn("tangA"), path: openApp("tangA", ""), want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: appRoute, target: "tangB", setup: pendingOn("tangB"), path: openApp("tangB", ""), want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: appRoute, target: "xianA", setup: pendingOn("xianA"), path: openApp("xianA", ""), want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: appRoute, note: "no such id", want: every(404),
		path: func(*testEnv, string) string { return "/api/v1/resumption-applications/999999" }},
	{method: "GET", route: appRoute, note: "not a number", want: every(404),
		path: func(*testEnv, string) string { return "/api/v1/resumption-applications/abc" }},
	// Deciding: the admin decides first; the town then finds it decided
	// (409); the cadre and the clerk see their own firm's but may not decide (403).
	{method: "POST", route: appRoute + "/approve", target: "tangB", setup: pendingOn("tangB"), path: openApp("tangB", "/approve"),
		want: by(200, 403, 403, 409, 404, 403, 404)},
	{method: "POST", route: appRoute + "/return", target: "tangA", setup: pendingOn("tangA"), path: openApp("tangA", "/return"),
		body: reasonBody, want: by(200, 403, 403, 409, 403, 404, 404)},
	{method: "POST", route: appRoute + "/approve", target: "xianA", setup: pendingOn("xianA"), path: openApp("xianA", "/approve"),
		want: by(200, 403, 403, 404, 404, 404, 404)},
	// Each role on a pending application of a firm of its own in 塘下: the town decides its firms.
	{method: "POST", route: appRoute + "/approve", note: "own 塘下 firm each", setup: firmsPending(townTangxia), path: ownFirmApp("/approve"),
		want: by(200, 403, 403, 200, 404, 404, 404)},
	{method: "POST", route: appRoute + "/return", note: "own 塘下 firm each", setup: firmsPending(townTangxia), path: ownFirmApp("/return"),
		body: reasonBody, want: by(200, 403, 403, 200, 404, 404, 404)},
	{method: "POST", route: appRoute + "/return", note: "no reason", setup: firmsPending(townTangxia), path: ownFirmApp("/return"),
		body: func(*testing.T, *testEnv, string) payload { return rawJSON(`{"reason":" "}`) }, want: by(400, 403, 403, 400, 404, 404, 404)},
	// The essential list: the admin (and the coordination group) keep it.
	{method: "PUT", route: essentialRoute, target: "tangA", body: essentialBody(true), want: by(200, 403, 403, 403, 403, 404, 404)},
	{method: "PUT", route: essentialRoute, target: "tangB", body: essentialBody(false), want: by(200, 403, 403, 403, 404, 403, 404)},
	{method: "PUT", route: essentialRoute, target: "xianA", body: essentialBody(false), want: by(200, 403, 403, 404, 404, 404, 404)},
	{method: "GET", route: "/api/v1/production/essential", want: every(200)},
	// Daily status, today: the first report is 201, the same again 200.
	{method: "PUT", route: dayRoute, target: "tangA", body: dayBody("closed"), want: by(201, 403, 403, 200, 200, 404, 404)},
	{method: "PUT", route: dayRoute, target: "tangB", body: dayBody("closed"), want: by(201, 403, 403, 200, 404, 200, 404)},
	{method: "PUT", route: dayRoute, target: "xianA", body: dayBody("closed"), want: by(201, 403, 403, 404, 404, 404, 404)},
	// A new firm in 仙降 has no approved application and is not essential.
	{method: "PUT", route: dayRoute, note: "new 仙降 firm resumed without a permit", setup: newFirm(townXianjiang),
		path: newFirmDay, body: dayBody("resumed"), want: by(409, 403, 403, 404, 404, 404, 404)},
	// tangA is on the essential list (above): its closed day becomes resumed.
	{method: "PUT", route: dayRoute, target: "tangA", note: "resumed, essential",
		body: dayBody("resumed"), want: by(200, 403, 403, 200, 200, 404, 404)},
	{method: "PUT", route: dayRoute, target: "tangA", note: "tomorrow", path: dayPath("tangA", 1),
		body: dayBody("closed"), want: by(400, 403, 403, 400, 400, 404, 404)},
	{method: "GET", route: dayRoute, target: "tangA", setup: reportedDay("tangA"), want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: dayRoute, target: "tangB", setup: reportedDay("tangB"), want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: dayRoute, target: "xianA", setup: reportedDay("xianA"), want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: dayRoute + "/versions", target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: dayRoute + "/versions", target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: dayRoute + "/versions", target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: "/api/v1/enterprises/{uscc}/production", target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: "/api/v1/enterprises/{uscc}/production", target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: "/api/v1/enterprises/{uscc}/production", target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	// Everyone reads the figures of their own scope (what each sees is TestScopeProduction's).
	{method: "GET", route: "/api/v1/production/summary", want: every(200)},
	{method: "GET", route: "/api/v1/production/trend", want: every(200)},
	{method: "GET", route: "/api/v1/production/enterprises", want: every(200)},
	{method: "GET", route: "/api/v1/production/enterprises", note: "town=仙降&status=closed", want: every(200),
		path: func(*testEnv, string) string {
			return "/api/v1/production/enterprises?status=closed&town=" + townXianjiang
		}},
	{method: "GET", route: "/api/v1/production/enterprises/export", want: every(200)},
}

const (
	appsRoute      = "/api/v1/enterprises/{uscc}/resumption-applications"
	appRoute       = "/api/v1/resumption-applications/{id}"
	essentialRoute = "/api/v1/enterprises/{uscc}/essential"
	dayRoute       = "/api/v1/enterprises/{uscc}/production/{date}"
)

func applicationBody(_ *testing.T, e *testEnv, _ string) payload {
	return jsonBody(map[string]any{"planned_date": e.today(), "staff_expected": 10, "note": "防疫物资已备齐"})
}

func reasonBody(*testing.T, *testEnv, string) payload {
	return rawJSON(`{"reason":"防疫预案未明确隔离观察区"}`)
}

func essentialBody(on bool) func(*testing.T, *testEnv, string) payload {
	return func(*testing.T, *testEnv, string) payload {
		return jsonBody(map[string]any{"essential": on, "reason": "防疫物资保供"})
	}
}

func dayBody(status string) func(*testing.T, *testEnv, string) payload {
	return func(*testing.T, *testEnv, string) payload {
		capacity := 0
		if status != production.StatusClosed {
			capacity = 50
		}
		return jsonBody(map[string]any{"status": status, "capacity_pct": capacity, "on_post_pct": 40,
			"upstream": "normal", "downstream": "strained", "note": "按六必问核实"})
	}
}

// dayPath is the day route of fixture key on today shifted by days.
func dayPath(key string, days int) func(*testEnv, string) string {
	return func(e *testEnv, _ string) string {
		return "/api/v1/enterprises/" + e.ents[key] + "/production/" + shiftDay(e.today(), days)
	}
}

// openApplication returns the open (submitted or approved) application of
// an enterprise, if any.
func (e *testEnv) openApplication(uscc string) (production.Application, bool, error) {
	apps, _, err := e.deps.Production.Applications(context.Background(), fugong.System, production.AppFilter{USCC: uscc, Page: 1, PerPage: 500})
	for _, app := range apps {
		if app.Status != production.AppReturned {
			return app, true, err
		}
	}
	return production.Application{}, false, err
}

// pending makes sure an enterprise has a pending application: a pending one
// stays, an approved one cannot be undone (the test fails), none is submitted.
func (e *testEnv) pending(t testing.TB, uscc string) production.Application {
	t.Helper()
	app, ok, err := e.openApplication(uscc)
	switch {
	case err != nil:
		t.Fatal(err)
	case ok && app.Status == production.AppSubmitted:
		return app
	case ok:
		t.Fatalf("%s already has an approved application", uscc)
	}
	app, err = e.deps.Production.Apply(context.Background(), fugong.System, uscc,
		production.ApplicationInput{PlannedDate: e.today(), StaffExpected: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// pendingOn makes sure key's firm has a pending application and keeps its
// id for the row's paths (openApp).
func pendingOn(key string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) { rowApps.Store(rowApp{e, key}, e.pending(t, e.ents[key]).ID) }
}

// rowApps holds what a row's setup readied for its paths: the application
// pendingOn made (an int64), the firm newFirm made (a USCC).
var rowApps sync.Map // rowApp → int64 or string

type rowApp struct {
	e   *testEnv
	key string
}

// freshApplication returns any pending application of key's firm before the
// role applies, so that each role's application is a first one.
func freshApplication(key string) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		app, ok, err := e.openApplication(e.ents[key])
		if err != nil {
			t.Fatal(err)
		}
		if ok && app.Status == production.AppSubmitted {
			if _, err := e.deps.Production.Return(context.Background(), fugong.System, app.ID, "重新提交"); err != nil {
				t.Fatal(err)
			}
		}
		return applicationBody(t, e, role)
	}
}

// openApp is the route of the application pendingOn readied for key, with
// suffix: the same one for every role, whatever the roles before did to it.
func openApp(key, suffix string) func(*testEnv, string) string {
	return func(e *testEnv, _ string) string {
		id, _ := rowApps.Load(rowApp{e, key})
		return "/api/v1/resumption-applications/" + strconv.FormatInt(id.(int64), 10) + suffix
	}
}

// ownFirms holds, per environment and role, the application of the firm
// firmsPending made for the row being run.
var ownFirms sync.Map // *testEnv → map[string]int64

// firmsPending registers one firm per role in town, each with a pending
// application.
func firmsPending(town string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		ids := map[string]int64{}
		for _, role := range fixtureRoles {
			code := e.addEnterprise(t, fmt.Sprintf("MD%07d", e.next()), town, registry.SizeBelow, "待审批企业"+role)
			ids[role] = e.pending(t, code).ID
		}
		ownFirms.Store(e, ids)
	}
}

func ownFirmApp(suffix string) func(*testEnv, string) string {
	return func(e *testEnv, role string) string {
		ids, _ := ownFirms.Load(e)
		return "/api/v1/resumption-applications/" + strconv.FormatInt(ids.(map[string]int64)[role], 10) + suffix
	}
}

// newFirm registers a firm in town for the row being run (newFirmDay).
func newFirm(town string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		rowApps.Store(rowApp{e, "new firm"}, e.addEnterprise(t, fmt.Sprintf("ME%07d", e.next()), town, registry.SizeBelow, "新登记鞋厂"))
	}
}

// newFirmDay is today's production route of the firm newFirm registered.
func newFirmDay(e *testEnv, _ string) string {
	code, _ := rowApps.Load(rowApp{e, "new firm"})
	return "/api/v1/enterprises/" + code.(string) + "/production/" + e.today()
}

// reportedDay makes sure key's firm has a status today.
func reportedDay(key string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		if _, _, err := e.deps.Production.PutDay(context.Background(), fugong.System, e.ents[key], e.today(),
			production.Figures{Status: "closed", Upstream: "normal", Downstream: "normal"}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScopeProduction checks what each role sees of production: the
// summary counts exactly the enterprises of its scope, the drill-down lists
// exactly them, the applications list only theirs.
func TestScopeProduction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, key := range []string{"tangA", "tangB", "xianA"} {
			e.pending(t, e.ents[key])
		}
		for _, role := range fixtureRoles {
			t.Run(role, func(t *testing.T) {
				want := e.codes(inScope[role])
				r := e.as(t, role, "GET", "/api/v1/production/summary", payload{})
				var s summaryBody
				r.decode(t, &s)
				if r.status != http.StatusOK || s.City.Total != len(want) || s.City.Closed != len(want) ||
					s.BySize.Above.Total+s.BySize.Below.Total != len(want) {
					t.Errorf("summary: %d %+v", r.status, s.City)
				}
				towns := 0
				for _, tw := range s.Towns {
					towns += tw.Total
				}
				if towns != len(want) || s.Date != e.today() || len(s.Headline) == 0 {
					t.Errorf("towns add up to %d, date %s, headline %v", towns, s.Date, s.Headline)
				}

				r = e.as(t, role, "GET", "/api/v1/production/enterprises?per_page=500", payload{})
				var list struct {
					Items []production.EnterpriseDay `json:"items"`
					Total int                        `json:"total"`
				}
				r.decode(t, &list)
				got := []string{}
				for _, it := range list.Items {
					got = append(got, it.USCC)
				}
				slices.Sort(got)
				if r.status != http.StatusOK || list.Total != len(want) || !slices.Equal(got, want) {
					t.Errorf("drill-down: %d %v, want %v", r.status, got, want)
				}

				r = e.as(t, role, "GET", "/api/v1/resumption-applications?per_page=500", payload{})
				var apps struct {
					Items []production.Application `json:"items"`
					Total int                      `json:"total"`
				}
				r.decode(t, &apps)
				got = []string{}
				for _, it := range apps.Items {
					got = append(got, it.USCC)
				}
				slices.Sort(got)
				if r.status != http.StatusOK || apps.Total != len(want) || !slices.Equal(got, want) {
					t.Errorf("applications: %d %v, want %v", r.status, got, want)
				}
			})
		}
	})
}

// summaryBody is GET /api/v1/production/summary.
type summaryBody struct {
	Date   string                `json:"date"`
	City   production.Area       `json:"city"`
	Towns  []production.TownArea `json:"towns"`
	BySize production.BySize     `json:"by_size_class"`
	// Headline are the sentences of the day.
	Headline []string `json:"headline"`
}
