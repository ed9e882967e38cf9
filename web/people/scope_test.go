package people_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
	webpeople "fugong/web/people"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webpeople.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webpeople.New(e.Services.People), scopeCases)
	})
}

// newIDNumber is a valid ID number no other call of the process returns.
var idSeq atomic.Int64

func newIDNumber() string {
	n := int(idSeq.Add(1))
	birth := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/500)
	id, err := pii.MakeIDNumber("330381", birth, n%500*2+1)
	if err != nil {
		panic(err)
	}
	return id
}

// addStaff puts a person on the roster of fixture enterprise key.
func addStaff(t *testing.T, e *webtest.Env, key string) people.Person {
	t.Helper()
	p, err := e.Services.People.Add(context.Background(), fugong.System, e.Ents[key],
		people.Person{Name: "测试人员", IDNumber: newIDNumber(), Phone: "13812345678", HealthCode: people.CodeGreen, OnPost: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// feverAt raises a fever alert for a new person of key.
func feverAt(t *testing.T, e *webtest.Env, key string) int64 {
	t.Helper()
	p := addStaff(t, e, key)
	_, al, err := e.Services.People.AddTemperature(context.Background(), fugong.System, p.ID, people.Temperature{Celsius: 38.5})
	if err != nil || al == nil {
		t.Fatalf("fever: %v %v", al, err)
	}
	return al.ID
}

// onePerson is a case about one person of key, made once before the roles' requests.
func onePerson(c webtest.ScopeCase, key string) webtest.ScopeCase {
	var id int64
	c.Note = strings.TrimSpace(key + " " + c.Note)
	c.Setup = func(t *testing.T, e *webtest.Env) { id = addStaff(t, e, key).ID }
	route := c.Route
	c.Path = func(e *webtest.Env, role string) string { return strings.Replace(route, "{id}", fmt.Sprint(id), 1) }
	return c
}

// personEach is a case about a person of key of each role's own: the
// request ends them (a deletion) or must not see another role's change.
func personEach(c webtest.ScopeCase, key string, alert bool) webtest.ScopeCase {
	ids := map[string]int64{}
	c.Note = strings.TrimSpace(key + " " + c.Note)
	c.Setup = func(t *testing.T, e *webtest.Env) {
		for _, role := range webtest.Roles {
			if alert {
				ids[role] = feverAt(t, e, key)
			} else {
				ids[role] = addStaff(t, e, key).ID
			}
		}
	}
	route := c.Route
	c.Path = func(e *webtest.Env, role string) string {
		return strings.Replace(route, "{id}", fmt.Sprint(ids[role]), 1)
	}
	return c
}

func body(s string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(s) }
}

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

// staffBody is a new person, a different one for every request.
func staffBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.JSON(map[string]any{"name": "王小明", "id_number": newIDNumber(), "phone": "13912345678",
		"origin": "湖北省武汉市", "hubei": true, "returned_on": "", "quarantine_start": "", "health_code": "green",
		"code_held_by_family": false, "on_post": true})
}

func staffForm(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.Form(url.Values{"name": {"王小明"}, "id_number": {newIDNumber()}, "phone": {"13912345678"},
		"health_code": {"green"}, "on_post": {"true"}})
}

func importBody(t *testing.T, _ *webtest.Env, _ string) webtest.Payload {
	return webtest.Upload(t, "花名册.csv", "姓名,身份证号码,健康码\n李导入,"+newIDNumber()+",绿码\n", nil)
}

// sameID posts the ID number of a person already on key's roster.
func sameID(key string) (func(*testing.T, *webtest.Env), func(*testing.T, *webtest.Env, string) webtest.Payload) {
	var id string
	return func(t *testing.T, e *webtest.Env) {
			id = newIDNumber()
			if _, err := e.Services.People.Add(context.Background(), fugong.System, e.Ents[key],
				people.Person{Name: "已登记", IDNumber: id, HealthCode: people.CodeGreen}); err != nil {
				t.Fatal(err)
			}
		}, func(*testing.T, *webtest.Env, string) webtest.Payload {
			return webtest.JSON(map[string]any{"name": "重复登记", "id_number": strings.ToLower(id), "health_code": "green"})
		}
}

var dupSetup, dupBody = sameID("tangA")

const (
	staffRoute  = "/api/v1/enterprises/{uscc}/staff"
	rosterRoute = "/enterprises/{uscc}/staff"
)

// scopeCases walk the people routes. The roster is read by everyone whose
// scope holds the enterprise, and kept by its clerk, its cadre, its town,
// the prevention group and the admin (the fixture's bureau users are of
// other groups: 403). The whole ID number is for the clerk, the town, the
// prevention group and the admin: the cadre and the others get 403, out of
// scope is 404. Alerts go to the town and the cadre; the clerk sees them
// and does not close them.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: staffRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: staffRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: staffRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: staffRoute, Target: "tangA", Body: staffBody, Want: webtest.By(201, 403, 403, 201, 201, 404, 404)},
	{Method: "POST", Route: staffRoute, Target: "tangB", Body: staffBody, Want: webtest.By(201, 403, 403, 201, 404, 201, 404)},
	{Method: "POST", Route: staffRoute, Target: "xianA", Body: staffBody, Want: webtest.By(201, 403, 403, 404, 404, 404, 404)},
	{Method: "POST", Route: staffRoute, Target: "tangA", Note: "bad id_number", Want: webtest.By(400, 403, 403, 400, 400, 404, 404),
		Body: body(`{"name":"王小明","id_number":"330381199001011231","health_code":"green"}`)},
	{Method: "POST", Route: staffRoute, Target: "tangA", Note: "same ID number", Setup: dupSetup, Body: dupBody,
		Want: webtest.By(409, 403, 403, 409, 409, 404, 404)},
	{Method: "POST", Route: staffRoute + "/import", Target: "tangB", Body: importBody, Want: webtest.By(200, 403, 403, 200, 404, 200, 404)},
	{Method: "GET", Route: "/api/v1/staff", Note: "id_number=…", Want: webtest.Every(200),
		Path: func(e *webtest.Env, role string) string { return "/api/v1/staff?id_number=" + newIDNumber() }},
	{Method: "GET", Route: "/api/v1/staff", Note: "no id_number", Want: webtest.Every(400)},
	onePerson(webtest.ScopeCase{Method: "GET", Route: "/api/v1/staff/{id}", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)}, "tangA"),
	onePerson(webtest.ScopeCase{Method: "PATCH", Route: "/api/v1/staff/{id}", Body: body(`{"on_post":false}`),
		Want: webtest.By(200, 403, 403, 200, 200, 404, 404)}, "tangA"),
	personEach(webtest.ScopeCase{Method: "DELETE", Route: "/api/v1/staff/{id}", Want: webtest.By(204, 403, 403, 204, 204, 404, 404)}, "tangA", false),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/api/v1/staff/{id}/reveal", Body: body(`{"reason":"协助社区核实"}`),
		Want: webtest.By(200, 403, 403, 200, 404, 200, 404)}, "tangB"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/api/v1/staff/{id}/reveal", Body: body(`{"reason":"协助社区核实"}`),
		Want: webtest.By(200, 403, 403, 200, 403, 404, 404)}, "tangA"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/api/v1/staff/{id}/reveal", Note: "no reason", Body: body(`{"reason":""}`),
		Want: webtest.By(400, 403, 403, 400, 404, 400, 404)}, "tangB"),
	onePerson(webtest.ScopeCase{Method: "GET", Route: "/api/v1/staff/{id}/temperatures", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)}, "tangA"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/api/v1/staff/{id}/temperatures", Body: body(`{"celsius":36.6}`),
		Want: webtest.By(201, 403, 403, 201, 201, 404, 404)}, "tangA"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/api/v1/staff/{id}/temperatures", Note: "33.5 °C", Body: body(`{"celsius":33.5}`),
		Want: webtest.By(400, 403, 403, 400, 400, 404, 404)}, "tangA"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/api/v1/staff/{id}/temperatures", Note: "no celsius", Body: body(`{}`),
		Want: webtest.By(400, 403, 403, 400, 404, 400, 404)}, "tangB"),
	{Method: "GET", Route: "/api/v1/alerts", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/alerts", Note: "status=lost", Want: webtest.Every(400),
		Path: func(*webtest.Env, string) string { return "/api/v1/alerts?status=lost" }},
	personEach(webtest.ScopeCase{Method: "POST", Route: "/api/v1/alerts/{id}/close", Body: body(`{"note":"已送发热门诊"}`),
		Want: webtest.By(200, 403, 403, 200, 200, 404, 404)}, "tangA", true),
	personEach(webtest.ScopeCase{Method: "POST", Route: "/api/v1/alerts/{id}/close", Note: "no note", Body: body(`{"note":" "}`),
		Want: webtest.By(400, 403, 403, 400, 404, 403, 404)}, "tangB", true),
	{Method: "GET", Route: "/api/v1/health/summary", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/health/summary", Note: "enterprise=tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404),
		Path: func(e *webtest.Env, role string) string {
			return "/api/v1/health/summary?enterprise=" + e.Ents["tangA"]
		}},
	{Method: "GET", Route: "/api/v1/health/summary", Note: "unknown town", Want: webtest.Every(400),
		Path: func(*webtest.Env, string) string { return "/api/v1/health/summary?town=330381999" }},
	{Method: "GET", Route: "/api/v1/health/lists", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/settings/people", Want: webtest.Every(200)},
	{Method: "PUT", Route: "/api/v1/settings/people", Body: body(`{"quarantine_days":14}`), Want: webtest.By(200, 403, 403, 403, 403, 403, 403)},

	// The pages follow the API: a successful form post is a 303.
	{Method: "GET", Route: rosterRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: rosterRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: rosterRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: rosterRoute, Target: "tangA", Body: staffForm, Want: webtest.By(303, 403, 403, 303, 303, 404, 404)},
	{Method: "POST", Route: rosterRoute, Target: "tangB", Body: staffForm, Want: webtest.By(303, 403, 403, 303, 404, 303, 404)},
	{Method: "GET", Route: rosterRoute + "/import", Target: "tangB", Want: webtest.By(200, 403, 403, 200, 404, 200, 404)},
	{Method: "POST", Route: rosterRoute + "/import", Target: "tangB", Body: importBody, Want: webtest.By(200, 403, 403, 200, 404, 200, 404)},
	{Method: "GET", Route: rosterRoute + "/template", Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	onePerson(webtest.ScopeCase{Method: "GET", Route: "/staff/{id}", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)}, "tangA"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/staff/{id}", Want: webtest.By(303, 403, 403, 303, 303, 404, 404),
		Body: form(url.Values{"name": {"改名"}, "health_code": {"green"}, "on_post": {"true"}})}, "tangA"),
	personEach(webtest.ScopeCase{Method: "POST", Route: "/staff/{id}/delete", Want: webtest.By(303, 403, 403, 303, 303, 404, 404)}, "tangA", false),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/staff/{id}/temperatures", Body: form(url.Values{"celsius": {"36.8"}}),
		Want: webtest.By(303, 403, 403, 303, 303, 404, 404)}, "tangA"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/staff/{id}/reveal", Body: form(url.Values{"reason": {"协助社区核实"}}),
		Want: webtest.By(200, 403, 403, 200, 404, 200, 404)}, "tangB"),
	onePerson(webtest.ScopeCase{Method: "POST", Route: "/staff/{id}/reveal", Body: form(url.Values{"reason": {"协助社区核实"}}),
		Want: webtest.By(200, 403, 403, 200, 403, 404, 404)}, "tangA"),
	{Method: "GET", Route: "/health", Want: webtest.By(200, 200, 200, 200, 200, 303, 404)},
	{Method: "GET", Route: "/health/lists/{list}", Path: func(*webtest.Env, string) string { return "/health/lists/quarantined?page=2" },
		Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/health/lists/{list}", Path: func(*webtest.Env, string) string { return "/health/lists/nobody" },
		Want: webtest.By(404, 404, 404, 404, 404, 404, 404)},
	{Method: "POST", Route: "/health/find", Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
		return webtest.Form(url.Values{"id_number": {newIDNumber()}})
	}, Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	personEach(webtest.ScopeCase{Method: "POST", Route: "/alerts/{id}/close", Body: form(url.Values{"note": {"已处置"}}),
		Want: webtest.By(303, 403, 403, 303, 303, 404, 404)}, "tangA", true),
	{Method: "GET", Route: "/people/settings", Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/people/settings", Body: form(url.Values{"quarantine_days": {"14"}, "fever_threshold": {"37.3"}}), Want: webtest.AdminOnly(303)},
}
