package daily_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
	webdaily "fugong/web/daily"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webdaily.New(nil, nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webdaily.New(e.Services.Daily, e.Services.People), scopeCases)
	})
}

// scopeCases walk the daily report's routes.
//
// The pages follow the API: what a role may not see is 404, what it sees
// but may not do is 403, and a form post that succeeds is a 303. The clerk
// is sent from the wider pages to their own form (303); a checkpoint has
// no daily report.
var scopeCases = []webtest.ScopeCase{
	// Daily reports (M2), for today. The admin reports first (201); the
	// roles after it correct the day (200). The bureau's inspection group
	// reads the city but does not report (403).
	{Method: "PUT", Route: reportRoute, Target: "tangA", Body: reportBody, Want: webtest.By(201, 200, 403, 200, 200, 404, 404)},
	{Method: "PUT", Route: reportRoute, Target: "tangB", Body: reportBody, Want: webtest.By(201, 200, 403, 200, 404, 200, 404)},
	{Method: "PUT", Route: reportRoute, Target: "xianA", Body: reportBody, Want: webtest.By(201, 200, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: reportRoute, Target: "tangA", Setup: reported("tangA"), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: reportRoute, Target: "tangB", Setup: reported("tangB"), Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: reportRoute, Target: "xianA", Setup: reported("xianA"), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: reportRoute + "/versions", Target: "tangA", Setup: reported("tangA"), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: reportRoute + "/versions", Target: "tangB", Setup: reported("tangB"), Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: reportRoute + "/versions", Target: "xianA", Setup: reported("xianA"), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	// Follow-ups: the town, the paired cadre and the statistics group chase
	// non-reporters; a clerk reads the calls made to them but logs none.
	{Method: "POST", Route: followupsRoute, Target: "tangA", Body: followupBody, Want: webtest.By(201, 201, 403, 201, 201, 404, 404)},
	{Method: "POST", Route: followupsRoute, Target: "tangB", Body: followupBody, Want: webtest.By(201, 201, 403, 201, 404, 403, 404)},
	{Method: "POST", Route: followupsRoute, Target: "xianA", Body: followupBody, Want: webtest.By(201, 201, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: followupsRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: followupsRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: followupsRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	// Everyone reads completeness, trend and the call list of their own
	// scope (what each sees is TestScopeDaily's).
	{Method: "GET", Route: "/api/v1/reports/completeness", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/reports/trend", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/reports/missing", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/reports/missing", Note: "town=仙降", Want: webtest.Every(200),
		Path: func(e *webtest.Env, role string) string {
			return "/api/v1/reports/missing?town=" + webtest.TownXianjiang
		}},
	// Sign-off: a town signs its own day (the admin may too); the bureau
	// sees but does not sign (403); everyone else does not see the town (404).
	// Each role signs a day of its own, so no sign-off is a repeat.
	{Method: "POST", Route: signOffRoute, Note: "塘下", Path: signOffPath(apiSignOffs, webtest.TownTangxia, 0), Want: webtest.By(201, 403, 403, 201, 404, 404, 404)},
	{Method: "POST", Route: signOffRoute, Note: "仙降", Path: signOffPath(apiSignOffs, webtest.TownXianjiang, 0), Want: webtest.By(201, 403, 403, 404, 404, 404, 404)},
	{Method: "POST", Route: signOffRoute, Note: "unknown town", Path: signOffPath(apiSignOffs, "330381999", 0), Want: webtest.Every(404)},
	{Method: "POST", Route: signOffRoute + "/reopen", Note: "塘下, signed", Path: reopenPath(apiSignOffs, webtest.TownTangxia, reopenOffset),
		Setup: signedDays(webtest.TownTangxia, reopenOffset), Body: reopenBody, Want: webtest.By(200, 403, 403, 200, 404, 404, 404)},
	{Method: "POST", Route: signOffRoute + "/reopen", Note: "仙降, signed", Path: reopenPath(apiSignOffs, webtest.TownXianjiang, reopenOffset),
		Setup: signedDays(webtest.TownXianjiang, reopenOffset), Body: reopenBody, Want: webtest.By(200, 403, 403, 404, 404, 404, 404)},
	// Batch entry and the sheets: everyone downloads their own scope's call
	// list and template; a row out of the uploader's scope is a bad row (400),
	// and roles that do not report may not upload (403).
	{Method: "GET", Route: "/api/v1/reports/missing/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/reports/template", Want: webtest.Every(200)},
	{Method: "POST", Route: "/api/v1/reports/import", Note: "row for tangA", Body: reportsFileFor("tangA"), Want: webtest.By(200, 200, 403, 200, 200, 400, 403)},
	{Method: "POST", Route: "/api/v1/reports/import", Note: "row for xianA", Body: reportsFileFor("xianA"), Want: webtest.By(200, 200, 403, 400, 400, 400, 403)},
	{Method: "GET", Route: "/api/v1/settings/deadline", Want: webtest.Every(200)},
	{Method: "PUT", Route: "/api/v1/settings/deadline", Body: func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(`{"deadline":"16:00"}`) },
		Want: webtest.By(200, 403, 403, 403, 403, 403, 403)},

	// The pages. 日报填报 sends the clerk to today's form and the wider
	// scopes to completeness.
	{Method: "GET", Route: "/report", Want: webtest.By(303, 303, 303, 303, 303, 303, 404)},
	{Method: "GET", Route: "/enterprises/{uscc}/reports", Target: "tangA", Want: webtest.By(303, 303, 303, 303, 303, 404, 404)},
	{Method: "GET", Route: "/enterprises/{uscc}/reports", Target: "tangB", Want: webtest.By(303, 303, 303, 303, 404, 303, 404)},
	{Method: "GET", Route: "/enterprises/{uscc}/reports", Target: "xianA", Want: webtest.By(303, 303, 303, 404, 404, 404, 404)},
	{Method: "GET", Route: reportPage, Target: "tangA", Setup: reported("tangA"), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: reportPage, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: reportPage, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: reportPage, Target: "tangA", Body: reportFormBody, Want: webtest.By(303, 303, 403, 303, 303, 404, 404)},
	{Method: "POST", Route: reportPage, Target: "tangB", Body: reportFormBody, Want: webtest.By(303, 303, 403, 303, 404, 303, 404)},
	{Method: "POST", Route: reportPage, Target: "xianA", Body: reportFormBody, Want: webtest.By(303, 303, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: "/reports", Want: webtest.By(200, 200, 200, 200, 200, 303, 404)},
	{Method: "GET", Route: "/reports/missing", Want: webtest.By(200, 200, 200, 200, 200, 303, 404)},
	{Method: "GET", Route: "/reports/missing/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/reports/export", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/reports/template", Want: webtest.Every(200)},
	// The sign-off buttons post here: as the API, each role on days of its own.
	{Method: "POST", Route: pageSignOffs, Note: "塘下", Path: signOffPath(pageSignOffs, webtest.TownTangxia, pageOffset), Body: confirmed, Want: webtest.By(303, 403, 403, 303, 404, 404, 404)},
	{Method: "POST", Route: pageSignOffs, Note: "仙降", Path: signOffPath(pageSignOffs, webtest.TownXianjiang, pageOffset), Body: confirmed, Want: webtest.By(303, 403, 403, 404, 404, 404, 404)},
	{Method: "POST", Route: pageSignOffs + "/reopen", Note: "塘下, signed", Path: reopenPath(pageSignOffs, webtest.TownTangxia, pageReopenOffset),
		Setup: signedDays(webtest.TownTangxia, pageReopenOffset), Body: form(url.Values{"reason": {"企业更正数据"}}), Want: webtest.By(303, 403, 403, 303, 404, 404, 404)},
	// The batch pages are the town's and the statistics group's.
	{Method: "GET", Route: "/reports/import", Want: webtest.By(200, 200, 404, 200, 404, 404, 404)},
	{Method: "POST", Route: "/reports/import", Note: "row for tangA", Body: reportsFileFor("tangA"), Want: webtest.By(200, 200, 404, 200, 404, 404, 404)},
	{Method: "POST", Route: "/enterprises/{uscc}/followups", Target: "tangA", Body: followupForm, Want: webtest.By(303, 303, 403, 303, 303, 404, 404)},
	{Method: "POST", Route: "/enterprises/{uscc}/followups", Target: "tangB", Body: followupForm, Want: webtest.By(303, 303, 403, 303, 404, 403, 404)},
	// The settings page (the deadline, every module's settings) is the admin's.
	{Method: "GET", Route: "/settings", Want: webtest.By(200, 404, 404, 404, 404, 404, 404)},
	{Method: "POST", Route: "/settings", Body: form(url.Values{"deadline": {"16:00"}}), Want: webtest.By(303, 404, 404, 404, 404, 404, 404)},
}

const (
	reportRoute    = "/api/v1/enterprises/{uscc}/reports/{date}"
	reportPage     = "/enterprises/{uscc}/reports/{date}"
	followupsRoute = "/api/v1/enterprises/{uscc}/followups"
	signOffRoute   = "/api/v1/towns/{code}/signoffs/{date}"
	apiSignOffs    = "/api/v1/towns/"
	pageSignOffs   = "/towns/{code}/signoffs/{date}"
)

// confirmed is the post of the sign-off's confirmation step.
var confirmed = form(url.Values{"confirm": {"yes"}})

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

func reportBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.JSON(validFigures())
}

func reportFormBody(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	v := reportForm("", "scope-"+role+"-"+time.Now().Format("150405.000000000"))
	v.Del("csrf")
	return webtest.Form(v)
}

func followupForm(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.Form(url.Values{"date": {e.Today()}, "kind": {"phone"}, "outcome": {"no_answer"}, "note": {"无人接听"}})
}

// reportsFileFor is a batch-entry CSV with today's report of the fixture
// enterprise key.
func reportsFileFor(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		csv := "统一社会信用代码,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,已签承诺书\n" +
			e.Ents[key] + "," + e.Today() + ",20,10,1,0,0,0,0,0,0,2,是\n"
		return webtest.Upload(t, "reports.csv", csv, nil)
	}
}

func followupBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.RawJSON(`{"kind":"phone","outcome":"no_answer","note":"无人接听"}`)
}

func reopenBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.RawJSON(`{"reason":"企业更正数据"}`)
}

// reported makes sure the fixture enterprise key has a report today.
func reported(key string) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		t.Helper()
		if _, err := e.Services.Daily.Submit(context.Background(), fugong.System, e.Ents[key], e.Today(), figuresOf(validFigures()), ""); err != nil {
			t.Fatal(err)
		}
	}
}

// roleDay is a past day of role's own: the offset-th of a run of days, one per role.
func roleDay(role string, offset int) string {
	return time.Date(2020, 2, 1+offset+slices.Index(webtest.Roles, role), 0, 0, 0, 0, fugong.Location).Format(daily.DateLayout)
}

// The runs of days: the API's sign-offs, the API's reopenings (signed by
// setup first), the pages' sign-offs and reopenings.
const (
	reopenOffset     = 8
	pageOffset       = 16
	pageReopenOffset = 24
)

// signOffPath is the sign-off of town on role's own day, under the API's
// prefix or the pages'.
func signOffPath(prefix, town string, offset int) func(*webtest.Env, string) string {
	if prefix != apiSignOffs {
		prefix = "/towns/"
	}
	return func(e *webtest.Env, role string) string {
		return prefix + town + "/signoffs/" + roleDay(role, offset)
	}
}

func reopenPath(prefix, town string, offset int) func(*webtest.Env, string) string {
	p := signOffPath(prefix, town, offset)
	return func(e *webtest.Env, role string) string { return p(e, role) + "/reopen" }
}

func signedDays(town string, offset int) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		t.Helper()
		for _, role := range webtest.Roles {
			if _, err := e.Services.Daily.SignOff(context.Background(), fugong.System, town, roleDay(role, offset)); err != nil {
				t.Fatal(err)
			}
		}
	}
}
