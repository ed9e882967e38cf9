package supplies_test

import (
	"context"
	"net/url"
	"testing"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/supplies"
	websupplies "fugong/web/supplies"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, websupplies.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, websupplies.New(e.Services.Supplies), scopeCases)
	})
}

const suppliesRoute = "/api/v1/enterprises/{uscc}/supplies"

// suppliesScopeCases walk the supplies routes. A stock is declared by the
// clerk, the cadre and the town of the enterprise and by the supplies group
// (here the admin; the fixture's bureau users are of other groups, 403);
// the bureau's own stock is the city-wide roles' to read and the supplies
// group's to change. The admin declares first (201), the others after (200).
//
// The pages follow the API: what a role may not see is 404, what it sees
// but may not do is 403, and a form post that succeeds is a 303.
var scopeCases = []webtest.ScopeCase{
	{Method: "PUT", Route: suppliesRoute, Target: "tangA", Body: stockBody, Want: webtest.By(201, 403, 403, 200, 200, 404, 404)},
	{Method: "PUT", Route: suppliesRoute, Target: "tangB", Body: stockBody, Want: webtest.By(201, 403, 403, 200, 404, 200, 404)},
	{Method: "PUT", Route: suppliesRoute, Target: "xianA", Body: stockBody, Want: webtest.By(201, 403, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: suppliesRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: suppliesRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: suppliesRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: suppliesRoute + "/history", Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: suppliesRoute + "/history", Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: suppliesRoute + "/history", Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: suppliesRoute + "/matches", Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: suppliesRoute + "/matches", Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: suppliesRoute + "/matches", Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	// Suits are not used up daily: no cover, no matching; out of scope is still 404.
	{Method: "GET", Route: suppliesRoute + "/matches", Target: "tangA", Note: "item=suits", Want: webtest.By(400, 400, 400, 400, 400, 404, 404),
		Path: func(e *webtest.Env, role string) string {
			return e.PathFor(suppliesRoute, "tangA") + "/matches?item=suits"
		}},
	// Everyone reads the lists of their own scope (what each sees is
	// TestSuppliesListsFollowScope's); a town filter narrows, a bad one is refused.
	{Method: "GET", Route: "/api/v1/supplies/shortages", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/supplies/shortages", Note: "town=仙降", Want: webtest.Every(200),
		Path: func(e *webtest.Env, role string) string {
			return "/api/v1/supplies/shortages?town=" + webtest.TownXianjiang
		}},
	{Method: "GET", Route: "/api/v1/supplies/shortages", Note: "unknown town", Want: webtest.Every(400),
		Path: func(e *webtest.Env, role string) string { return "/api/v1/supplies/shortages?town=330381999" }},
	{Method: "GET", Route: "/api/v1/supplies/shortages/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/supplies/undeclared", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/supplies/summary", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/supplies/allocations", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/supplies/bureau-stock", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/supplies/receipts", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/api/v1/supplies/receipts", Body: receiptBody, Want: webtest.By(201, 403, 403, 403, 403, 403, 403)},
	{Method: "POST", Route: "/api/v1/supplies/allocations", Note: "to tangA", Setup: bureauHolds(100), Body: allocationTo("tangA", 10),
		Want: webtest.By(201, 403, 403, 403, 403, 403, 403)},
	{Method: "POST", Route: "/api/v1/supplies/allocations", Note: "to xianA", Setup: bureauHolds(100), Body: allocationTo("xianA", 10),
		Want: webtest.By(201, 403, 403, 403, 403, 403, 403)},
	{Method: "POST", Route: "/api/v1/supplies/allocations", Note: "more than the bureau holds", Body: allocationTo("tangB", 1e7),
		Want: webtest.By(409, 403, 403, 403, 403, 403, 403)},
	{Method: "POST", Route: "/api/v1/supplies/allocations", Note: "to no enterprise", Want: webtest.By(404, 403, 403, 403, 403, 403, 403),
		Body: func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
			return webtest.JSON(map[string]any{"enterprise": webtest.USCC(t, "MA9999999"), "item": "masks", "quantity": 1})
		}},
	{Method: "GET", Route: "/api/v1/settings/supplies", Want: webtest.Every(200)},
	{Method: "PUT", Route: "/api/v1/settings/supplies", Body: func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(`{"shortage_days":3}`) },
		Want: webtest.By(200, 403, 403, 403, 403, 403, 403)},

	// The pages. The clerk's shortage page is their own stock; a checkpoint has none.
	{Method: "GET", Route: "/supplies", Want: webtest.By(200, 200, 200, 200, 200, 303, 404)},
	{Method: "GET", Route: "/supplies/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/supplies/towns/export", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "POST", Route: "/supplies/allocations", Setup: bureauHolds(100), Body: allocationForm("tangA"),
		Want: webtest.By(303, 403, 403, 403, 403, 403, 403)},
	{Method: "POST", Route: "/supplies/receipts", Body: form(url.Values{"item": {"masks"}, "quantity": {"1000"}, "source": {"市防控指挥部调拨"}}),
		Want: webtest.By(303, 403, 403, 403, 403, 403, 403)},
	{Method: "GET", Route: "/supplies/settings", Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/supplies/settings", Body: form(settingsForm), Want: webtest.AdminOnly(303)},
	{Method: "GET", Route: stockPage, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: stockPage, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: stockPage, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: stockPage, Target: "tangA", Body: form(stockValues), Want: webtest.By(303, 403, 403, 303, 303, 404, 404)},
	{Method: "POST", Route: stockPage, Target: "tangB", Body: form(stockValues), Want: webtest.By(303, 403, 403, 303, 404, 303, 404)},
	{Method: "POST", Route: stockPage, Target: "xianA", Body: form(stockValues), Want: webtest.By(303, 403, 403, 404, 404, 404, 404)},
}

const stockPage = "/enterprises/{uscc}/supplies"

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

func allocationForm(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.Form(url.Values{"enterprise": {e.Ents[key]}, "item": {"masks"}, "quantity": {"10"}, "note": {"应急调拨"}})
	}
}

var stockValues = url.Values{"masks": {"500"}, "thermometers": {"2"}, "disinfectant_l": {"10.5"}, "suits": {"0"}, "gloves": {"40"}}

var settingsForm = url.Values{"masks_per_person_day": {"2"}, "gloves_per_person_day": {"1"},
	"disinfectant_l_per_person_day": {"0.05"}, "shortage_days": {"3"}}

func stockBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.RawJSON(`{"masks":500,"thermometers":2,"disinfectant_l":10.5,"suits":0,"gloves":40}`)
}

func receiptBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.RawJSON(`{"item":"masks","quantity":1000,"source":"市防控指挥部调拨"}`)
}

func allocationTo(key string, n float64) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.JSON(map[string]any{"enterprise": e.Ents[key], "item": "masks", "quantity": n, "note": "应急调拨"})
	}
}

// bureauHolds puts masks into the bureau's stock.
func bureauHolds(masks int64) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		t.Helper()
		if _, err := e.DB.AddReceipt(context.Background(), fugong.System, supplies.Receipt{Item: supplies.Masks, Quantity: masks, Source: "测试"}); err != nil {
			t.Fatal(err)
		}
	}
}
