package briefing_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"fugong"
	"fugong/briefing"
	"fugong/store"
	"fugong/store/storetest"
	webbriefing "fugong/web/briefing"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webbriefing.New(nil, nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webbriefing.New(e.Services.Briefing, e.Services.PDFFont), scopeCases)
	})
}

// at is a route with its {group} and its {date}: today, or tomorrow for
// "future".
func at(route, group, when string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		date := e.Today()
		if when == "future" {
			date = shift(date, 1)
		}
		u := replace(route, "{group}", group)
		return replace(u, "{date}", date)
	}
}

func shift(date string, n int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

func body(v any) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.JSON(v) }
}

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

// filed files the statistics group's day of today.
func filed(t *testing.T, e *webtest.Env) {
	t.Helper()
	a := fugong.Actor{Username: "u-bureau-stat", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	if _, _, err := e.Services.Briefing.SaveGroupDay(context.Background(), a, fugong.GroupStatistics, e.Today(),
		briefing.DayInput{Summary: "电话催报未报企业"}); err != nil {
		t.Fatal(err)
	}
}

var day = map[string]any{"summary": "今日电话催报 320 家，逐一劝返。", "figures": map[string]any{"催报电话": 320, "劝返": 12}}

// scopeCases walk M11's routes. The briefing is the bureau's and the
// admin's (the city's) and the towns' (their own town's, without issues);
// the coordination group (here the admin; the fixture's bureau users are
// of other groups) issues it. A group's day is read by the bureau, filed
// by its members, marked final by its leader; out of the bureau it is 404.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: "/api/v1/briefings/{date}", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/briefings/{date}", Note: ".pdf", Path: at("/api/v1/briefings/{date}.pdf", "", ""),
		Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/briefings/{date}", Note: ".xlsx", Path: at("/api/v1/briefings/{date}.xlsx", "", ""),
		Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/briefings/{date}", Note: ".doc", Path: at("/api/v1/briefings/{date}.doc", "", ""), Want: webtest.Every(404)},
	{Method: "GET", Route: "/api/v1/briefings/{date}", Note: "future", Path: at("/api/v1/briefings/{date}", "", "future"),
		Want: webtest.By(400, 400, 400, 400, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/briefings/{date}/issues", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/api/v1/briefings/{date}/issues", Want: webtest.By(201, 403, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/groups/{group}/days/{date}", Path: at("/api/v1/groups/{group}/days/{date}", "statistics", ""),
		Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/groups/{group}/days/{date}", Note: "no such group", Path: at("/api/v1/groups/{group}/days/{date}", "propaganda", ""),
		Want: webtest.Every(404)},
	{Method: "PUT", Route: "/api/v1/groups/{group}/days/{date}", Note: "statistics", Path: at("/api/v1/groups/{group}/days/{date}", "statistics", ""),
		Body: body(day), Want: webtest.By(201, 200, 403, 404, 404, 404, 404)},
	{Method: "PUT", Route: "/api/v1/groups/{group}/days/{date}", Note: "inspection", Path: at("/api/v1/groups/{group}/days/{date}", "inspection", ""),
		Body: body(day), Want: webtest.By(201, 403, 200, 404, 404, 404, 404)},
	{Method: "PUT", Route: "/api/v1/groups/{group}/days/{date}", Note: "future", Path: at("/api/v1/groups/{group}/days/{date}", "statistics", "future"),
		Body: body(day), Want: webtest.By(400, 400, 403, 404, 404, 404, 404)},
	{Method: "POST", Route: "/api/v1/groups/{group}/days/{date}/final", Setup: filed, Path: at("/api/v1/groups/{group}/days/{date}/final", "statistics", ""),
		Want: webtest.By(200, 403, 403, 404, 404, 404, 404)},
	{Method: "DELETE", Route: "/api/v1/groups/{group}/days/{date}/final", Path: at("/api/v1/groups/{group}/days/{date}/final", "statistics", ""),
		Want: webtest.By(200, 403, 403, 404, 404, 404, 404)},

	{Method: "GET", Route: "/briefings", Want: webtest.By(303, 303, 303, 303, 404, 404, 404)},
	{Method: "GET", Route: "/briefings/{date}", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/briefings/{date}", Note: ".pdf", Path: at("/briefings/{date}.pdf", "", ""), Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/briefings/{date}", Note: ".xlsx", Path: at("/briefings/{date}.xlsx", "", ""), Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "POST", Route: "/briefings/{date}/issues", Want: webtest.By(303, 403, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: "/groups", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/groups/{group}/days/{date}", Path: at("/groups/{group}/days/{date}", "supplies", ""), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/groups/{group}/days/{date}", Path: at("/groups/{group}/days/{date}", "statistics", ""),
		Body: form(url.Values{"summary": {"电话催报"}, "fig_label": {"催报电话"}, "fig_value": {"320"}}), Want: webtest.By(303, 303, 403, 404, 404, 404, 404)},
	{Method: "POST", Route: "/groups/{group}/days/{date}/final", Setup: filed, Path: at("/groups/{group}/days/{date}/final", "statistics", ""),
		Body: form(url.Values{"final": {"1"}}), Want: webtest.By(303, 403, 403, 404, 404, 404, 404)},
}
