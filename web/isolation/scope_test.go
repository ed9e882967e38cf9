package isolation_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
	webisolation "fugong/web/isolation"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webisolation.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webisolation.New(e.Services.Isolation), scopeCases)
	})
}

var idSeq atomic.Int64

// newIDNumber is a valid ID number no other call of the process returns.
func newIDNumber() string {
	n := int(idSeq.Add(1))
	birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/500)
	id, err := pii.MakeIDNumber("420102", birth, n%500*2+1)
	if err != nil {
		panic(err)
	}
	return id
}

var roomSeq atomic.Int64

// nextRoom is a room no other admission of the process takes.
func nextRoom() string { return fmt.Sprint(roomSeq.Add(1)) }

// points are a large point of each fixture town, made once per server.
type points struct{ tang, xian int64 }

var fixtures = map[*webtest.Env]*points{}

func pointsOf(t *testing.T, e *webtest.Env) *points {
	t.Helper()
	if p, ok := fixtures[e]; ok {
		return p
	}
	p := &points{}
	for town, dst := range map[string]*int64{webtest.TownTangxia: &p.tang, webtest.TownXianjiang: &p.xian} {
		got, err := e.Services.Isolation.AddPoint(context.Background(), fugong.System,
			checkpoint.Point{Name: "测试隔离点", Town: town, Rooms: checkpoint.MaxRooms})
		if err != nil {
			t.Fatal(err)
		}
		*dst = got.ID
	}
	fixtures[e] = p
	return p
}

func pointIn(t *testing.T, e *webtest.Env, town string) int64 {
	p := pointsOf(t, e)
	if town == "xian" {
		return p.xian
	}
	return p.tang
}

// admit admits a new resident to the point of town.
func admit(t *testing.T, e *webtest.Env, town string) int64 {
	t.Helper()
	r, err := e.Services.Isolation.Admit(context.Background(), fugong.System, pointIn(t, e, town),
		checkpoint.Resident{Name: "测试住客", IDNumber: newIDNumber(), Phone: "13812345678", Room: nextRoom(), AdmittedOn: e.Today()})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// onPoint is a case about the point of town.
func onPoint(c webtest.ScopeCase, town string) webtest.ScopeCase {
	var id int64
	c.Note = strings.TrimSpace(town + " " + c.Note)
	prev := c.Setup
	c.Setup = func(t *testing.T, e *webtest.Env) {
		id = pointIn(t, e, town)
		if prev != nil {
			prev(t, e)
		}
	}
	route := c.Route
	c.Path = func(*webtest.Env, string) string { return strings.Replace(route, "{id}", fmt.Sprint(id), 1) }
	return c
}

// oneResident is a case about one resident of town, admitted once before
// the roles' requests.
func oneResident(c webtest.ScopeCase, town string) webtest.ScopeCase {
	var id int64
	c.Note = strings.TrimSpace(town + " " + c.Note)
	c.Setup = func(t *testing.T, e *webtest.Env) { id = admit(t, e, town) }
	route := c.Route
	c.Path = func(*webtest.Env, string) string { return strings.Replace(route, "{id}", fmt.Sprint(id), 1) }
	return c
}

// residentEach is a case about a resident of town of each role's own: the
// request ends them (a release) or may be done once (a meal).
func residentEach(c webtest.ScopeCase, town string) webtest.ScopeCase {
	ids := map[string]int64{}
	c.Note = strings.TrimSpace(town + " " + c.Note)
	c.Setup = func(t *testing.T, e *webtest.Env) {
		for _, role := range webtest.Roles {
			ids[role] = admit(t, e, town)
		}
	}
	route := c.Route
	c.Path = func(_ *webtest.Env, role string) string {
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

// residentBody is a new resident in a free room, a different one each time.
func residentBody(_ *testing.T, e *webtest.Env, _ string) webtest.Payload {
	return webtest.JSON(map[string]any{"name": "王小明", "id_number": newIDNumber(), "phone": "13912345678",
		"room": nextRoom(), "admitted_on": e.Today(), "days": 14})
}

func residentForm(_ *testing.T, e *webtest.Env, _ string) webtest.Payload {
	return webtest.Form(url.Values{"name": {"王小明"}, "id_number": {newIDNumber()}, "room": {nextRoom()},
		"admitted_on": {e.Today()}})
}

// fullRoom posts a second resident to a single room already taken.
func fullRoom() (func(*testing.T, *webtest.Env), func(*testing.T, *webtest.Env, string) webtest.Payload) {
	var room string
	return func(t *testing.T, e *webtest.Env) {
			room = nextRoom()
			if _, err := e.Services.Isolation.Admit(context.Background(), fugong.System, pointIn(t, e, "tang"),
				checkpoint.Resident{Name: "先住", IDNumber: newIDNumber(), Room: room, AdmittedOn: e.Today()}); err != nil {
				t.Fatal(err)
			}
		}, func(_ *testing.T, e *webtest.Env, _ string) webtest.Payload {
			return webtest.JSON(map[string]any{"name": "后到", "id_number": newIDNumber(), "room": room, "admitted_on": e.Today()})
		}
}

var fullSetup, fullBody = fullRoom()

const (
	pointsRoute   = "/api/v1/isolation-points"
	pointRoute    = "/api/v1/isolation-points/{id}"
	residentRoute = "/api/v1/residents/{id}"
)

var (
	// reads: the admin and the bureau everywhere, a town its own; out of scope 404.
	readTang = webtest.By(200, 200, 200, 200, 404, 404, 404)
	readXian = webtest.By(200, 200, 200, 404, 404, 404, 404)
)

// scopeCases walk the isolation routes. Points are read by the admin, the
// bureau and their town; they are set up and worked (admissions, rounds,
// meals, releases) by their town, the prevention group and the admin (the
// fixture's bureau users are of other groups: 403); the cadre, the clerk
// and the checkpoint staff have none in scope (404, and empty lists). The
// whole ID number is for the town, the prevention group and the admin.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: pointsRoute, Want: webtest.Every(200)},
	{Method: "GET", Route: pointsRoute, Note: "unknown town", Want: webtest.Every(400),
		Path: func(*webtest.Env, string) string { return pointsRoute + "?town=330381999" }},
	{Method: "POST", Route: pointsRoute, Note: "塘下", Body: body(`{"name":"塘下某酒店","town":"塘下镇","rooms":20}`),
		Want: webtest.By(201, 403, 403, 201, 403, 403, 403)},
	{Method: "POST", Route: pointsRoute, Note: "仙降", Body: body(`{"name":"仙降某酒店","town":"330381010","rooms":20}`),
		Want: webtest.By(201, 403, 403, 403, 403, 403, 403)},
	{Method: "POST", Route: pointsRoute, Note: "no rooms", Body: body(`{"name":"无房","town":"塘下镇","rooms":0}`),
		Want: webtest.By(400, 403, 403, 400, 403, 403, 403)},
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute, Want: readTang}, "tang"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute, Want: readXian}, "xian"),
	onPoint(webtest.ScopeCase{Method: "PATCH", Route: pointRoute, Body: body(`{"capacity":{"1":2}}`),
		Want: webtest.By(200, 403, 403, 200, 404, 404, 404)}, "tang"),
	onPoint(webtest.ScopeCase{Method: "PATCH", Route: pointRoute, Body: body(`{"capacity":{"1":2}}`),
		Want: webtest.By(200, 403, 403, 404, 404, 404, 404)}, "xian"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute + "/board", Want: readTang}, "tang"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute + "/board", Want: readXian}, "xian"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute + "/residents", Want: readTang}, "tang"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute + "/residents", Want: readXian}, "xian"),
	onPoint(webtest.ScopeCase{Method: "POST", Route: pointRoute + "/residents", Body: residentBody,
		Want: webtest.By(201, 403, 403, 201, 404, 404, 404)}, "tang"),
	onPoint(webtest.ScopeCase{Method: "POST", Route: pointRoute + "/residents", Body: residentBody,
		Want: webtest.By(201, 403, 403, 404, 404, 404, 404)}, "xian"),
	onPoint(webtest.ScopeCase{Method: "POST", Route: pointRoute + "/residents", Note: "a full room", Setup: fullSetup, Body: fullBody,
		Want: webtest.By(400, 403, 403, 400, 404, 404, 404)}, "tang"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute + "/meals", Want: readTang}, "tang"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: pointRoute + "/meals", Want: readXian}, "xian"),
	{Method: "GET", Route: "/api/v1/isolation-occupancy", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/isolation-occupancy", Note: "a day to come", Want: webtest.Every(400),
		Path: func(*webtest.Env, string) string { return "/api/v1/isolation-occupancy?date=2999-01-01" }},
	oneResident(webtest.ScopeCase{Method: "GET", Route: residentRoute, Want: readTang}, "tang"),
	oneResident(webtest.ScopeCase{Method: "GET", Route: residentRoute, Want: readXian}, "xian"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/reveal", Body: body(`{"reason":"协助社区核实"}`),
		Want: webtest.By(200, 403, 403, 200, 404, 404, 404)}, "tang"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/reveal", Note: "no reason", Body: body(`{"reason":""}`),
		Want: webtest.By(400, 403, 403, 400, 404, 404, 404)}, "tang"),
	// Every role's round after the first is a correction of it: 201 still.
	oneResident(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/rounds", Body: body(`{"round":"morning","celsius":36.6}`),
		Want: webtest.By(201, 403, 403, 201, 404, 404, 404)}, "tang"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/rounds", Body: body(`{"round":"morning","celsius":36.6}`),
		Want: webtest.By(201, 403, 403, 404, 404, 404, 404)}, "xian"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/rounds", Note: "43.5 °C", Body: body(`{"round":"morning","celsius":43.5}`),
		Want: webtest.By(400, 403, 403, 400, 404, 404, 404)}, "tang"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/rounds", Note: "no celsius", Body: body(`{"round":"morning"}`),
		Want: webtest.By(400, 400, 400, 400, 404, 404, 404)}, "tang"),
	residentEach(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/meals", Body: body(`{"kind":"lunch"}`),
		Want: webtest.By(201, 403, 403, 201, 404, 404, 404)}, "tang"),
	// One resident's lunch, brought by each role in turn: the admin's is the one.
	oneResident(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/meals", Note: "twice", Body: body(`{"kind":"lunch"}`),
		Want: webtest.By(201, 403, 403, 409, 404, 404, 404)}, "tang"),
	residentEach(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/release", Body: body(`{"release_note":"转院治疗"}`),
		Want: webtest.By(200, 403, 403, 200, 404, 404, 404)}, "tang"),
	residentEach(webtest.ScopeCase{Method: "POST", Route: residentRoute + "/release", Note: "early, no reason", Body: body(`{}`),
		Want: webtest.By(400, 403, 403, 400, 404, 404, 404)}, "tang"),

	{Method: "GET", Route: "/isolation", Want: webtest.Every(200)},
	{Method: "POST", Route: "/isolation/points", Body: form(url.Values{"name": {"塘下某宾馆"}, "town": {webtest.TownTangxia}, "rooms": {"12"}}),
		Want: webtest.By(303, 403, 403, 303, 403, 403, 403)},
	{Method: "POST", Route: "/isolation/points", Note: "rooms not a number", Body: form(url.Values{"name": {"塘下某宾馆"},
		"town": {webtest.TownTangxia}, "rooms": {"十二"}}), Want: webtest.By(400, 403, 403, 400, 403, 403, 403)},
	onPoint(webtest.ScopeCase{Method: "GET", Route: "/isolation/points/{id}", Want: readTang}, "tang"),
	onPoint(webtest.ScopeCase{Method: "GET", Route: "/isolation/points/{id}", Want: readXian}, "xian"),
	onPoint(webtest.ScopeCase{Method: "POST", Route: "/isolation/points/{id}/residents", Body: residentForm,
		Want: webtest.By(303, 403, 403, 303, 404, 404, 404)}, "tang"),
	onPoint(webtest.ScopeCase{Method: "POST", Route: "/isolation/points/{id}/capacity", Body: form(url.Values{"room": {"3"}, "capacity": {"2"}}),
		Want: webtest.By(303, 403, 403, 303, 404, 404, 404)}, "tang"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: "/isolation/residents/{id}/rounds", Body: form(url.Values{"round": {"afternoon"}, "celsius": {"36.7"}}),
		Want: webtest.By(303, 403, 403, 303, 404, 404, 404)}, "tang"),
	residentEach(webtest.ScopeCase{Method: "POST", Route: "/isolation/residents/{id}/meals", Body: form(url.Values{"kind": {"dinner"}}),
		Want: webtest.By(303, 403, 403, 303, 404, 404, 404)}, "tang"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: "/isolation/residents/{id}/reveal", Body: form(url.Values{"reason": {"协助社区核实"}}),
		Want: webtest.By(200, 403, 403, 200, 404, 404, 404)}, "tang"),
	oneResident(webtest.ScopeCase{Method: "POST", Route: "/isolation/residents/{id}/reveal", Note: "no reason", Body: form(url.Values{}),
		Want: webtest.By(400, 403, 403, 400, 404, 404, 404)}, "tang"),
	residentEach(webtest.ScopeCase{Method: "POST", Route: "/isolation/residents/{id}/release", Body: form(url.Values{"release_note": {"转院治疗"}}),
		Want: webtest.By(303, 403, 403, 303, 404, 404, 404)}, "tang"),
}
