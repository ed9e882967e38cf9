package dashboard_test

import (
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	webdashboard "fugong/web/dashboard"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webdashboard.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webdashboard.New(e.Services.Dashboard), scopeCases)
	})
}

// The dashboard is the bureau's, the admin's and the towns' (each their
// own town's); a cadre, a clerk and a checkpoint have none (404). A town
// user asking for another town is 404 too; the bureau may narrow to any.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: "/api/v1/dashboard", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/dashboard", Note: "town=仙降", Want: webtest.By(200, 200, 200, 404, 404, 404, 404),
		Path: func(e *webtest.Env, role string) string { return "/api/v1/dashboard?town=" + webtest.TownXianjiang }},
	{Method: "GET", Route: "/dashboard", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/dashboard", Note: "town=仙降", Want: webtest.By(200, 200, 200, 404, 404, 404, 404),
		Path: func(e *webtest.Env, role string) string { return "/dashboard?town=" + webtest.TownXianjiang }},
	{Method: "GET", Route: "/wall", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/wall/live", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
}
