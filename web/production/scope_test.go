package production_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"

	"fugong"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web"
	webproduction "fugong/web/production"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webproduction.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webproduction.New(e.Services.Production), scopeCases)
	})
}

// scopeCases are resumption and production's routes (M4), by (admin,
// bureau-stat, bureau-insp, town, cadre, clerk, checkpoint). The clerk and
// cadre apply and report for their own firm, the town for its firms and
// decides their applications; the bureau reads the record but neither
// applies nor decides (none of the fixture bureau users is in the
// coordination group, which keeps the essential list and may report).
//
// The pages follow the API: what a role may not see is 404, what it sees
// but may not do is 403, a refused form is shown again with the status of
// the refusal, and a form post that succeeds is a 303. Both answer in the
// service's one order: a figure left out or not a number is 400 only for
// a role that may report on the firm.
var scopeCases = []webtest.ScopeCase{
	{Method: "POST", Route: appsRoute, Target: "tangA", Body: freshApplication("tangA"), Want: webtest.By(201, 403, 403, 201, 201, 404, 404)},
	{Method: "POST", Route: appsRoute, Target: "tangB", Body: freshApplication("tangB"), Want: webtest.By(201, 403, 403, 201, 404, 201, 404)},
	{Method: "POST", Route: appsRoute, Target: "xianA", Body: freshApplication("xianA"), Want: webtest.By(201, 403, 403, 404, 404, 404, 404)},
	// One open application at a time: a second while one is pending is a conflict.
	{Method: "POST", Route: appsRoute, Target: "tangA", Note: "while one is pending", Setup: pendingOn("tangA"),
		Body: applicationBody, Want: webtest.By(409, 403, 403, 409, 409, 404, 404)},
	{Method: "GET", Route: appsRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: appsRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: appsRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/resumption-applications", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/resumption-applications", Note: "status=submitted&town=仙降", Want: webtest.Every(200),
		Path: func(*webtest.Env, string) string {
			return "/api/v1/resumption-applications?status=submitted&town=" + webtest.TownXianjiang
		}},
	{Method: "GET", Route: appRoute, Target: "tangA", Setup: pendingOn("tangA"), Path: openApp("tangA", ""), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: appRoute, Target: "tangB", Setup: pendingOn("tangB"), Path: openApp("tangB", ""), Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: appRoute, Target: "xianA", Setup: pendingOn("xianA"), Path: openApp("xianA", ""), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: appRoute, Note: "no such id", Want: webtest.Every(404),
		Path: func(*webtest.Env, string) string { return "/api/v1/resumption-applications/999999" }},
	{Method: "GET", Route: appRoute, Note: "not a number", Want: webtest.Every(404),
		Path: func(*webtest.Env, string) string { return "/api/v1/resumption-applications/abc" }},
	// Deciding: the admin decides first; the town then finds it decided
	// (409); the cadre and the clerk see their own firm's but may not decide (403).
	{Method: "POST", Route: appRoute + "/approve", Target: "tangB", Setup: pendingOn("tangB"), Path: openApp("tangB", "/approve"),
		Want: webtest.By(200, 403, 403, 409, 404, 403, 404)},
	{Method: "POST", Route: appRoute + "/return", Target: "tangA", Setup: pendingOn("tangA"), Path: openApp("tangA", "/return"),
		Body: reasonBody, Want: webtest.By(200, 403, 403, 409, 403, 404, 404)},
	{Method: "POST", Route: appRoute + "/approve", Target: "xianA", Setup: pendingOn("xianA"), Path: openApp("xianA", "/approve"),
		Want: webtest.By(200, 403, 403, 404, 404, 404, 404)},
	// Each role on a pending application of a firm of its own in 塘下: the town decides its firms.
	{Method: "POST", Route: appRoute + "/approve", Note: "own 塘下 firm each", Setup: firmsPending(webtest.TownTangxia), Path: ownFirmApp("/approve"),
		Want: webtest.By(200, 403, 403, 200, 404, 404, 404)},
	{Method: "POST", Route: appRoute + "/return", Note: "own 塘下 firm each", Setup: firmsPending(webtest.TownTangxia), Path: ownFirmApp("/return"),
		Body: reasonBody, Want: webtest.By(200, 403, 403, 200, 404, 404, 404)},
	{Method: "POST", Route: appRoute + "/return", Note: "no reason", Setup: firmsPending(webtest.TownTangxia), Path: ownFirmApp("/return"),
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(`{"reason":" "}`) }, Want: webtest.By(400, 403, 403, 400, 404, 404, 404)},
	// The essential list: the admin (and the coordination group) keep it.
	{Method: "PUT", Route: essentialRoute, Target: "tangA", Body: essentialBody(true), Want: webtest.By(200, 403, 403, 403, 403, 404, 404)},
	{Method: "PUT", Route: essentialRoute, Target: "tangB", Body: essentialBody(false), Want: webtest.By(200, 403, 403, 403, 404, 403, 404)},
	{Method: "PUT", Route: essentialRoute, Target: "xianA", Body: essentialBody(false), Want: webtest.By(200, 403, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/production/essential", Want: webtest.Every(200)},
	// Daily status, today: the first report is 201, the same again 200.
	{Method: "PUT", Route: dayRoute, Target: "tangA", Body: dayBody("closed"), Want: webtest.By(201, 403, 403, 200, 200, 404, 404)},
	{Method: "PUT", Route: dayRoute, Target: "tangB", Body: dayBody("closed"), Want: webtest.By(201, 403, 403, 200, 404, 200, 404)},
	{Method: "PUT", Route: dayRoute, Target: "xianA", Body: dayBody("closed"), Want: webtest.By(201, 403, 403, 404, 404, 404, 404)},
	// A new firm in 仙降 has no approved application and is not essential.
	{Method: "PUT", Route: dayRoute, Note: "new 仙降 firm resumed without a permit", Setup: newFirm(webtest.TownXianjiang),
		Path: newFirmDay, Body: dayBody("resumed"), Want: webtest.By(409, 403, 403, 404, 404, 404, 404)},
	// tangA is on the essential list (above): its closed day becomes resumed.
	{Method: "PUT", Route: dayRoute, Target: "tangA", Note: "resumed, essential",
		Body: dayBody("resumed"), Want: webtest.By(200, 403, 403, 200, 200, 404, 404)},
	{Method: "PUT", Route: dayRoute, Target: "tangA", Note: "tomorrow", Path: dayPath("tangA", 1),
		Body: dayBody("closed"), Want: webtest.By(400, 403, 403, 400, 400, 404, 404)},
	{Method: "PUT", Route: dayRoute, Target: "tangA", Note: "figures left out",
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(`{}`) }, Want: webtest.By(400, 403, 403, 400, 400, 404, 404)},
	{Method: "GET", Route: dayRoute, Target: "tangA", Setup: reportedDay("tangA"), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: dayRoute, Target: "tangB", Setup: reportedDay("tangB"), Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: dayRoute, Target: "xianA", Setup: reportedDay("xianA"), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: dayRoute + "/versions", Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: dayRoute + "/versions", Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: dayRoute + "/versions", Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/enterprises/{uscc}/production", Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/api/v1/enterprises/{uscc}/production", Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: "/api/v1/enterprises/{uscc}/production", Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	// Everyone reads the figures of their own scope (what each sees is TestScopeProduction's).
	{Method: "GET", Route: "/api/v1/production/summary", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/production/trend", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/production/enterprises", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/production/enterprises", Note: "town=仙降&status=closed", Want: webtest.Every(200),
		Path: func(*webtest.Env, string) string {
			return "/api/v1/production/enterprises?status=closed&town=" + webtest.TownXianjiang
		}},
	{Method: "GET", Route: "/api/v1/production/enterprises/export", Want: webtest.Every(200)},

	// The pages. The clerk's 复工复产 is their own firm's page; a checkpoint has none.
	{Method: "GET", Route: "/production", Want: webtest.By(200, 200, 200, 200, 200, 303, 404)},
	{Method: "GET", Route: "/production/enterprises", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/production/enterprises/export", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/production/towns/export", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/production/applications", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: approvePage, Note: "own 塘下 firm each", Setup: firmsPending(webtest.TownTangxia), Path: ownFirmPage("/approve"),
		Want: webtest.By(303, 403, 403, 303, 404, 404, 404)},
	// The admin decides first; the town finds it decided, on its list (409).
	{Method: "POST", Route: approvePage, Note: "a new 塘下 firm", Setup: pendingFirm(webtest.TownTangxia), Path: pendingFirmPage("/approve"),
		Want: webtest.By(303, 403, 403, 409, 404, 404, 404)},
	{Method: "POST", Route: approvePage, Note: "not a number", Want: webtest.Every(404),
		Path: func(*webtest.Env, string) string { return "/production/applications/abc/approve" }},
	{Method: "POST", Route: returnPage, Note: "own 塘下 firm each", Setup: firmsPending(webtest.TownTangxia), Path: ownFirmPage("/return"),
		Body: form(url.Values{"reason": {"防疫预案未明确隔离观察区"}}), Want: webtest.By(303, 403, 403, 303, 404, 404, 404)},
	{Method: "POST", Route: returnPage, Note: "no reason", Setup: firmsPending(webtest.TownTangxia), Path: ownFirmPage("/return"),
		Body: form(url.Values{"reason": {" "}}), Want: webtest.By(400, 403, 403, 400, 404, 404, 404)},
	{Method: "GET", Route: "/production/essential", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	// A code typed into the list's form that is not in scope is said on the form (404).
	{Method: "POST", Route: "/production/essential", Note: "tangA", Body: essentialForm("tangA"), Want: webtest.By(303, 403, 403, 403, 403, 404, 404)},
	{Method: "POST", Route: "/production/essential", Note: "xianA", Body: essentialForm("xianA"), Want: webtest.By(303, 403, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: firmPage, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: firmPage, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: firmPage, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: applyPage, Target: "tangA", Body: freshApplicationForm("tangA"), Want: webtest.By(303, 403, 403, 303, 303, 404, 404)},
	// tangB's application was approved (above): one open at a time.
	{Method: "POST", Route: applyPage, Target: "tangB", Body: applicationPost, Want: webtest.By(409, 403, 403, 409, 404, 409, 404)},
	{Method: "POST", Route: applyPage, Target: "xianA", Note: "staff not a number", Want: webtest.By(400, 403, 403, 404, 404, 404, 404),
		Body: form(url.Values{"planned_date": {"2020-02-10"}, "staff_expected": {"十"}})},
	{Method: "POST", Route: firmPage, Target: "tangA", Body: dayForm(""), Want: webtest.By(303, 403, 403, 303, 303, 404, 404)},
	{Method: "POST", Route: firmPage, Target: "tangB", Body: dayForm(""), Want: webtest.By(303, 403, 403, 303, 404, 303, 404)},
	{Method: "POST", Route: firmPage, Target: "xianA", Body: dayForm(""), Want: webtest.By(303, 403, 403, 404, 404, 404, 404)},
	{Method: "POST", Route: firmPage, Target: "tangA", Note: "capacity not a number", Want: webtest.By(400, 403, 403, 400, 400, 404, 404),
		Body: dayForm("abc")},
}

const (
	approvePage = "/production/applications/{id}/approve"
	returnPage  = "/production/applications/{id}/return"
	firmPage    = "/enterprises/{uscc}/production"
	applyPage   = "/enterprises/{uscc}/resumption-applications"
)

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

// dayForm is the status form of today as closed, with capacity as typed
// ("" for 0).
func dayForm(capacity string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(_ *testing.T, e *webtest.Env, _ string) webtest.Payload {
		return webtest.Form(url.Values{"date": {e.Today()}, "status": {"closed"}, "capacity_pct": {cmp.Or(capacity, "0")}, "on_post_pct": {"5"},
			"upstream": {"normal"}, "downstream": {"normal"}})
	}
}

// applicationPost is an application as the page posts it.
func applicationPost(_ *testing.T, e *webtest.Env, _ string) webtest.Payload {
	return webtest.Form(url.Values{"planned_date": {e.Today()}, "staff_expected": {"10"}, "note": {"防疫物资已备齐"}})
}

func essentialForm(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.Form(url.Values{"uscc": {e.Ents[key]}, "essential": {"true"}, "reason": {"防疫物资保供"}})
	}
}

// freshApplicationForm is freshApplication's as the page posts it.
func freshApplicationForm(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		freshApplication(key)(t, e, role)
		return applicationPost(t, e, role)
	}
}

// ownFirmPage is ownFirmApp's page route.
func ownFirmPage(suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		ids, _ := ownFirms.Load(e)
		return "/production/applications/" + strconv.FormatInt(ids.(map[string]int64)[role], 10) + suffix
	}
}

// pendingFirm registers one firm in town with a pending application, the
// same for every role of the row (pendingFirmPage).
func pendingFirm(town string) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		code := e.AddEnterprise(t, fmt.Sprintf("MF%07d", e.Next()), town, registry.SizeBelow, "待审批企业")
		rowApps.Store(rowApp{e, "pending firm"}, pending(t, e, code).ID)
	}
}

func pendingFirmPage(suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, _ string) string {
		id, _ := rowApps.Load(rowApp{e, "pending firm"})
		return "/production/applications/" + strconv.FormatInt(id.(int64), 10) + suffix
	}
}

const (
	appsRoute      = "/api/v1/enterprises/{uscc}/resumption-applications"
	appRoute       = "/api/v1/resumption-applications/{id}"
	essentialRoute = "/api/v1/enterprises/{uscc}/essential"
	dayRoute       = "/api/v1/enterprises/{uscc}/production/{date}"
)

func applicationBody(_ *testing.T, e *webtest.Env, _ string) webtest.Payload {
	return webtest.JSON(map[string]any{"planned_date": e.Today(), "staff_expected": 10, "note": "防疫物资已备齐"})
}

func reasonBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.RawJSON(`{"reason":"防疫预案未明确隔离观察区"}`)
}

func essentialBody(on bool) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload {
		return webtest.JSON(map[string]any{"essential": on, "reason": "防疫物资保供"})
	}
}

func dayBody(status string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload {
		capacity := 0
		if status != production.StatusClosed {
			capacity = 50
		}
		return webtest.JSON(map[string]any{"status": status, "capacity_pct": capacity, "on_post_pct": 40,
			"upstream": "normal", "downstream": "strained", "note": "按六必问核实"})
	}
}

// dayPath is the day route of fixture key on today shifted by days.
func dayPath(key string, days int) func(*webtest.Env, string) string {
	return func(e *webtest.Env, _ string) string {
		return "/api/v1/enterprises/" + e.Ents[key] + "/production/" + web.ShiftDay(e.Today(), days)
	}
}

// openApplication returns the open (submitted or approved) application of
// an enterprise, if any.
func openApplication(e *webtest.Env, uscc string) (production.Application, bool, error) {
	apps, _, err := e.Services.Production.Applications(context.Background(), fugong.System, production.AppFilter{USCC: uscc, Page: 1, PerPage: 500})
	for _, app := range apps {
		if app.Status != production.AppReturned {
			return app, true, err
		}
	}
	return production.Application{}, false, err
}

// pending makes sure an enterprise has a pending application: a pending one
// stays, an approved one cannot be undone (the test fails), none is submitted.
func pending(t testing.TB, e *webtest.Env, uscc string) production.Application {
	t.Helper()
	app, ok, err := openApplication(e, uscc)
	switch {
	case err != nil:
		t.Fatal(err)
	case ok && app.Status == production.AppSubmitted:
		return app
	case ok:
		t.Fatalf("%s already has an approved application", uscc)
	}
	app, err = e.Services.Production.Apply(context.Background(), fugong.System, uscc,
		production.ApplicationInput{PlannedDate: e.Today(), StaffExpected: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// pendingOn makes sure key's firm has a pending application and keeps its
// id for the row's paths (openApp).
func pendingOn(key string) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) { rowApps.Store(rowApp{e, key}, pending(t, e, e.Ents[key]).ID) }
}

// rowApps holds what a row's setup readied for its paths: the application
// pendingOn made (an int64), the firm newFirm made (a USCC).
var rowApps sync.Map // rowApp → int64 or string

type rowApp struct {
	e   *webtest.Env
	key string
}

// freshApplication returns any pending application of key's firm before the
// role applies, so that each role's application is a first one.
func freshApplication(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		app, ok, err := openApplication(e, e.Ents[key])
		if err != nil {
			t.Fatal(err)
		}
		if ok && app.Status == production.AppSubmitted {
			if _, err := e.Services.Production.Return(context.Background(), fugong.System, app.ID, "重新提交"); err != nil {
				t.Fatal(err)
			}
		}
		return applicationBody(t, e, role)
	}
}

// openApp is the route of the application pendingOn readied for key, with
// suffix: the same one for every role, whatever the roles before did to it.
func openApp(key, suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, _ string) string {
		id, _ := rowApps.Load(rowApp{e, key})
		return "/api/v1/resumption-applications/" + strconv.FormatInt(id.(int64), 10) + suffix
	}
}

// ownFirms holds, per environment and role, the application of the firm
// firmsPending made for the row being run.
var ownFirms sync.Map // *webtest.Env → map[string]int64

// firmsPending registers one firm per role in town, each with a pending
// application.
func firmsPending(town string) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		ids := map[string]int64{}
		for _, role := range webtest.Roles {
			code := e.AddEnterprise(t, fmt.Sprintf("MD%07d", e.Next()), town, registry.SizeBelow, "待审批企业"+role)
			ids[role] = pending(t, e, code).ID
		}
		ownFirms.Store(e, ids)
	}
}

func ownFirmApp(suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		ids, _ := ownFirms.Load(e)
		return "/api/v1/resumption-applications/" + strconv.FormatInt(ids.(map[string]int64)[role], 10) + suffix
	}
}

// newFirm registers a firm in town for the row being run (newFirmDay).
func newFirm(town string) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		rowApps.Store(rowApp{e, "new firm"}, e.AddEnterprise(t, fmt.Sprintf("ME%07d", e.Next()), town, registry.SizeBelow, "新登记鞋厂"))
	}
}

// newFirmDay is today's production route of the firm newFirm registered.
func newFirmDay(e *webtest.Env, _ string) string {
	code, _ := rowApps.Load(rowApp{e, "new firm"})
	return "/api/v1/enterprises/" + code.(string) + "/production/" + e.Today()
}

// reportedDay makes sure key's firm has a status today.
func reportedDay(key string) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		if _, _, err := e.Services.Production.PutDay(context.Background(), fugong.System, e.Ents[key], e.Today(),
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
		e := webtest.New(t, db)
		for _, key := range []string{"tangA", "tangB", "xianA"} {
			pending(t, e, e.Ents[key])
		}
		for _, role := range webtest.Roles {
			t.Run(role, func(t *testing.T) {
				want := e.Codes(webtest.InScope[role])
				r := e.As(t, role, "GET", "/api/v1/production/summary", webtest.Payload{})
				var s summaryBody
				r.Decode(t, &s)
				if r.Status != http.StatusOK || s.City.Total != len(want) || s.City.Closed != len(want) ||
					s.BySize.Above.Total+s.BySize.Below.Total != len(want) {
					t.Errorf("summary: %d %+v", r.Status, s.City)
				}
				towns := 0
				for _, tw := range s.Towns {
					towns += tw.Total
				}
				if towns != len(want) || s.Date != e.Today() || len(s.Headline) == 0 {
					t.Errorf("towns add up to %d, date %s, headline %v", towns, s.Date, s.Headline)
				}

				r = e.As(t, role, "GET", "/api/v1/production/enterprises?per_page=500", webtest.Payload{})
				var list struct {
					Items []production.EnterpriseDay `json:"items"`
					Total int                        `json:"total"`
				}
				r.Decode(t, &list)
				got := []string{}
				for _, it := range list.Items {
					got = append(got, it.USCC)
				}
				slices.Sort(got)
				if r.Status != http.StatusOK || list.Total != len(want) || !slices.Equal(got, want) {
					t.Errorf("drill-down: %d %v, want %v", r.Status, got, want)
				}

				r = e.As(t, role, "GET", "/api/v1/resumption-applications?per_page=500", webtest.Payload{})
				var apps struct {
					Items []production.Application `json:"items"`
					Total int                      `json:"total"`
				}
				r.Decode(t, &apps)
				got = []string{}
				for _, it := range apps.Items {
					got = append(got, it.USCC)
				}
				slices.Sort(got)
				if r.Status != http.StatusOK || apps.Total != len(want) || !slices.Equal(got, want) {
					t.Errorf("applications: %d %v, want %v", r.Status, got, want)
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
