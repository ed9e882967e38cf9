package finance_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"fugong"
	"fugong/finance"
	"fugong/store"
	"fugong/store/storetest"
	webfinance "fugong/web/finance"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webfinance.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webfinance.New(e.Services.Finance), scopeCases)
	})
}

var admin = fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}

// submitted files a fresh application of tangA, for a move to act on.
func submitted(t *testing.T, e *webtest.Env) {
	t.Helper()
	if _, err := e.Services.Finance.Apply(context.Background(), admin, finance.Application{USCC: e.Ents["tangA"], Batch: 1}); err != nil {
		t.Fatal(err)
	}
}

// lastApplication is the newest application's id.
func lastApplication(e *webtest.Env) int64 {
	apps, _ := e.Services.Finance.Applications(context.Background(), admin, 0)
	var id int64
	for _, a := range apps {
		id = max(id, a.ID)
	}
	return id
}

// withArticle makes sure the catalogue has a policy with an article.
func withArticle(t *testing.T, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	ps, err := e.Services.Finance.Policies(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) > 0 && len(ps[0].Articles) > 0 {
		return
	}
	p, err := e.Services.Finance.AddPolicy(ctx, admin, finance.Policy{Name: "坚决打赢疫情防控阻击战政策三十条", IssuedOn: "2020-02-07"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Services.Finance.AddArticle(ctx, admin, finance.Article{Policy: p.ID, No: 1, Title: "减免房租"}); err != nil {
		t.Fatal(err)
	}
}

func firstPolicy(e *webtest.Env) int64 {
	ps, _ := e.Services.Finance.Policies(context.Background(), admin)
	if len(ps) == 0 {
		return 0
	}
	return ps[0].ID
}

func firstArticle(e *webtest.Env) int64 {
	ps, _ := e.Services.Finance.Policies(context.Background(), admin)
	if len(ps) == 0 || len(ps[0].Articles) == 0 {
		return 0
	}
	return ps[0].Articles[0].ID
}

func raw(s string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(s) }
}

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

func jsonFor(key string, body map[string]any) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		b := map[string]any{"uscc": e.Ents[key]}
		for k, v := range body {
			b[k] = v
		}
		return webtest.JSON(b)
	}
}

func formFor(key string, v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		f := url.Values{"uscc": {e.Ents[key]}}
		for k, vs := range v {
			f[k] = vs
		}
		return webtest.Form(f)
	}
}

func grantBody(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.JSON(map[string]any{"uscc": e.Ents["tangA"], "article_id": firstArticle(e), "amount_yuan": 5000, "date": "2020-03-02"})
}

func path(f func(e *webtest.Env) int64, format string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string { return fmt.Sprintf(format, f(e)) }
}

const interest = "/api/v1/finance/interest"

// scopeCases walk the module's routes. Records are the coordination
// group's to write (here the admin; the fixture's bureau users are of
// other groups, 403), the LPR table the admin's alone (404 to others, as
// admin pages are); every role but the checkpoint reads in its scope and
// uses the calculators.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: interest, Path: func(*webtest.Env, string) string {
		return interest + "?principal=10000000&rate=3.15&date=2020-01-25&days=360"
	}, Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: interest, Note: "no principal", Path: func(*webtest.Env, string) string {
		return interest + "?rate=3.15&date=2020-01-25&days=360"
	}, Want: webtest.By(400, 400, 400, 400, 400, 400, 404)},
	{Method: "GET", Route: "/api/v1/finance/smart-subsidy", Path: func(*webtest.Env, string) string {
		return "/api/v1/finance/smart-subsidy?base=500000&investment=100000000"
	}, Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/finance/lpr", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "PUT", Route: "/api/v1/finance/lpr", Body: raw(`{"items":[{"date":"2020-01-20","rate":4.15},{"date":"2020-02-20","rate":4.05},{"date":"2020-04-20","rate":3.85}]}`),
		Want: webtest.AdminOnly(200)},
	{Method: "GET", Route: "/api/v1/finance/applications", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/api/v1/finance/applications", Note: "tangA", Body: jsonFor("tangA", map[string]any{"batch": 2, "note": "医用口罩"}),
		Want: webtest.By(201, 403, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/api/v1/finance/applications/{id}/status", Setup: submitted, Path: path(lastApplication, "/api/v1/finance/applications/%d/status"),
		Body: raw(`{"status":"recommended"}`), Want: webtest.By(200, 403, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/api/v1/finance/applications/{id}/status", Note: "submitted to approved", Setup: submitted,
		Path: path(lastApplication, "/api/v1/finance/applications/%d/status"), Body: raw(`{"status":"approved"}`), Want: webtest.By(409, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/finance/loans", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/api/v1/finance/loans", Body: jsonFor("tangA", map[string]any{"lender": "瑞安农商银行", "principal_yuan": 5000000, "rate": 3.05,
		"date": "2020-02-25", "days": 360}), Want: webtest.By(201, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/finance/policies", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/api/v1/finance/policies", Body: raw(`{"name":"支持企业复工复产二十五条","issued_on":"2020-02-15"}`),
		Want: webtest.By(201, 403, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/api/v1/finance/policies/{id}/articles", Setup: withArticle, Path: path(firstPolicy, "/api/v1/finance/policies/%d/articles"),
		Body: raw(`{"no":2,"title":"缓缴社保"}`), Want: webtest.By(201, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/finance/grants", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/api/v1/finance/grants", Setup: withArticle, Body: grantBody, Want: webtest.By(201, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/finance/grants/totals", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},

	// The pages.
	{Method: "GET", Route: "/finance", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/finance/applications", Body: formFor("tangB", url.Values{"batch": {"2"}}), Want: webtest.By(303, 403, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/finance/applications/{id}/status", Setup: submitted, Path: path(lastApplication, "/finance/applications/%d/status"),
		Body: form(url.Values{"status": {"rejected"}}), Want: webtest.By(303, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/finance/loans", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/finance/loans", Body: formFor("tangB", url.Values{"lender": {"工商银行瑞安支行"}, "principal": {"1000000"}, "rate": {"3.5"},
		"date": {"2020-02-25"}, "days": {"180"}}), Want: webtest.By(303, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/finance/smart", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/finance/policies", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/finance/policies", Body: form(url.Values{"name": {"稳企业保就业十条"}, "issued_on": {"2020-03-01"}}),
		Want: webtest.By(303, 403, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/finance/policies/{id}/articles", Setup: withArticle, Path: path(firstPolicy, "/finance/policies/%d/articles"),
		Body: form(url.Values{"no": {"3"}, "title": {"稳岗返还"}}), Want: webtest.By(303, 403, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/finance/grants", Setup: withArticle, Body: func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.Form(url.Values{"uscc": {e.Ents["tangB"]}, "article_id": {fmt.Sprint(firstArticle(e))}, "amount_yuan": {"1200"}, "date": {"2020-03-05"}})
	}, Want: webtest.By(303, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/finance/lpr", Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/finance/lpr", Body: form(url.Values{"table": {"2019-12-20 4.15\n2020-01-20 4.15\n2020-02-20 4.05\n2020-03-20 4.05\n2020-04-20 3.85\n"}}),
		Want: webtest.AdminOnly(303)},
}
