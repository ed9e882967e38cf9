package web

import (
	"context"
	"testing"

	"fugong"
	"fugong/supplies"
)

const suppliesRoute = "/api/v1/enterprises/{uscc}/supplies"

// suppliesScopeCases walk the supplies routes. A stock is declared by the
// clerk, the cadre and the town of the enterprise and by the supplies group
// (here the admin; the fixture's bureau users are of other groups, 403);
// the bureau's own stock is the city-wide roles' to read and the supplies
// group's to change. The admin declares first (201), the others after (200).
var suppliesScopeCases = []scopeCase{
	{method: "PUT", route: suppliesRoute, target: "tangA", body: stockBody, want: by(201, 403, 403, 200, 200, 404, 404)},
	{method: "PUT", route: suppliesRoute, target: "tangB", body: stockBody, want: by(201, 403, 403, 200, 404, 200, 404)},
	{method: "PUT", route: suppliesRoute, target: "xianA", body: stockBody, want: by(201, 403, 403, 404, 404, 404, 404)},
	{method: "GET", route: suppliesRoute, target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: suppliesRoute, target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: suppliesRoute, target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: suppliesRoute + "/history", target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: suppliesRoute + "/history", target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: suppliesRoute + "/history", target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: suppliesRoute + "/matches", target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: suppliesRoute + "/matches", target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: suppliesRoute + "/matches", target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	// Suits are not used up daily: no cover, no matching; out of scope is still 404.
	{method: "GET", route: suppliesRoute + "/matches", target: "tangA", note: "item=suits", want: by(400, 400, 400, 400, 400, 404, 404),
		path: func(e *testEnv, role string) string { return e.pathFor(suppliesRoute, "tangA") + "/matches?item=suits" }},
	// Everyone reads the lists of their own scope (what each sees is
	// TestSuppliesListsFollowScope's); a town filter narrows, a bad one is refused.
	{method: "GET", route: "/api/v1/supplies/shortages", want: every(200)},
	{method: "GET", route: "/api/v1/supplies/shortages", note: "town=仙降", want: every(200),
		path: func(e *testEnv, role string) string { return "/api/v1/supplies/shortages?town=" + townXianjiang }},
	{method: "GET", route: "/api/v1/supplies/shortages", note: "unknown town", want: every(400),
		path: func(e *testEnv, role string) string { return "/api/v1/supplies/shortages?town=330381999" }},
	{method: "GET", route: "/api/v1/supplies/shortages/export", want: every(200)},
	{method: "GET", route: "/api/v1/supplies/undeclared", want: every(200)},
	{method: "GET", route: "/api/v1/supplies/summary", want: every(200)},
	{method: "GET", route: "/api/v1/supplies/allocations", want: every(200)},
	{method: "GET", route: "/api/v1/supplies/bureau-stock", want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: "/api/v1/supplies/receipts", want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "POST", route: "/api/v1/supplies/receipts", body: receiptBody, want: by(201, 403, 403, 403, 403, 403, 403)},
	{method: "POST", route: "/api/v1/supplies/allocations", note: "to tangA", setup: bureauHolds(100), body: allocationTo("tangA", 10),
		want: by(201, 403, 403, 403, 403, 403, 403)},
	{method: "POST", route: "/api/v1/supplies/allocations", note: "to xianA", setup: bureauHolds(100), body: allocationTo("xianA", 10),
		want: by(201, 403, 403, 403, 403, 403, 403)},
	{method: "POST", route: "/api/v1/supplies/allocations", note: "more than the bureau holds", body: allocationTo("tangB", 1e7),
		want: by(409, 403, 403, 403, 403, 403, 403)},
	{method: "POST", route: "/api/v1/supplies/allocations", note: "to no enterprise", want: by(404, 403, 403, 403, 403, 403, 403),
		body: func(t *testing.T, e *testEnv, role string) payload {
			return jsonBody(map[string]any{"enterprise": uscc(t, "MA9999999"), "item": "masks", "quantity": 1})
		}},
	{method: "GET", route: "/api/v1/settings/supplies", want: every(200)},
	{method: "PUT", route: "/api/v1/settings/supplies", body: func(*testing.T, *testEnv, string) payload { return rawJSON(`{"shortage_days":3}`) },
		want: by(200, 403, 403, 403, 403, 403, 403)},
}

func stockBody(*testing.T, *testEnv, string) payload {
	return rawJSON(`{"masks":500,"thermometers":2,"disinfectant_l":10.5,"suits":0,"gloves":40}`)
}

func receiptBody(*testing.T, *testEnv, string) payload {
	return rawJSON(`{"item":"masks","quantity":1000,"source":"市防控指挥部调拨"}`)
}

func allocationTo(key string, n float64) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		return jsonBody(map[string]any{"enterprise": e.ents[key], "item": "masks", "quantity": n, "note": "应急调拨"})
	}
}

// bureauHolds puts masks into the bureau's stock.
func bureauHolds(masks int64) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		t.Helper()
		if _, err := e.db.AddReceipt(context.Background(), fugong.System, supplies.Receipt{Item: supplies.Masks, Quantity: masks, Source: "测试"}); err != nil {
			t.Fatal(err)
		}
	}
}
