package checkpoint_test

import (
	"net/url"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	webcheckpoint "fugong/web/checkpoint"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webcheckpoint.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webcheckpoint.New(e.Services.Checkpoints), scopeCases)
	})
}

// Who sees a post: the city-wide roles, its town, the checkpoint staff
// assigned to it (the fixture's, at the 仙降 post); the cadre and the
// clerk see none. Who works at it (registers for a traveller, confirms):
// the staff, the town, the prevention group and the admin (the fixture's
// bureau users are of other groups: 403). Who sets posts up and keeps the
// roster: the town, the prevention group, the admin. Who replaces a code:
// the admin. The public pages answer anyone.
var (
	tangRead  = webtest.By(200, 200, 200, 200, 404, 404, 404)
	xianRead  = webtest.By(200, 200, 200, 404, 404, 404, 200)
	xianWork  = webtest.By(200, 403, 403, 404, 404, 404, 200)
	xianPost  = webtest.By(303, 403, 403, 404, 404, 404, 303)
	xianAdmin = webtest.By(303, 403, 403, 404, 404, 404, 403)
)

func tangPath(route string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string { return path(route, "id", id(fx(e).tang.ID)) }
}

func xianPath(route string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string { return path(route, "id", id(fx(e).xian.ID)) }
}

// freshReg is a new pending registration at the 仙降 post for each role.
func freshReg(route string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string { return path(route, "id", id(register(e, fx(e).xian).ID)) }
}

// freshTangPost is a new 塘下 post for each role (its token replaced).
func freshTangPost(route string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string {
		return path(route, "id", id(newPost(e, webtest.TownTangxia).ID))
	}
}

func freshShift(route string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string { return path(route, "id", id(newShift(e, fx(e).xian.ID).ID)) }
}

func scanPath(route string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string {
		f := fx(e)
		return path(route, "token", string(f.xian.Token), "number", f.xianReg.Number)
	}
}

func jsonBody(v any) func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload { return webtest.JSON(v) }
}

func formBody(v url.Values) func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload { return webtest.Form(v) }
}

func staffBody(form bool) func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		u := e.Users[webtest.RoleCheckpoint].ID
		if form {
			return webtest.Form(url.Values{"user": {id(u)}})
		}
		return webtest.JSON(map[string]int64{"user": u})
	}
}

var shiftForm = url.Values{"day": {"2020-02-20"}, "start": {"08:00"}, "end": {"20:00"}, "people": {"王五、赵六"}}

var scopeCases = []webtest.ScopeCase{
	{Method: "POST", Route: "/api/v1/checkpoints", Body: jsonBody(map[string]string{"name": "塘下高速口", "town": "塘下镇", "kind": "road"}),
		Want: webtest.By(201, 403, 403, 201, 403, 403, 403)},
	{Method: "GET", Route: "/api/v1/checkpoints", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}", Note: "塘下", Path: tangPath("/api/v1/checkpoints/{id}"), Want: tangRead},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}", Note: "仙降", Path: xianPath("/api/v1/checkpoints/{id}"), Want: xianRead},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}/qr.png", Note: "塘下", Path: tangPath("/api/v1/checkpoints/{id}/qr.png"), Want: tangRead},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}/qr.png", Note: "仙降", Path: xianPath("/api/v1/checkpoints/{id}/qr.png"), Want: xianRead},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}/qr.svg", Note: "塘下", Path: tangPath("/api/v1/checkpoints/{id}/qr.svg"), Want: tangRead},
	{Method: "POST", Route: "/api/v1/checkpoints/{id}/token", Note: "塘下", Path: freshTangPost("/api/v1/checkpoints/{id}/token"),
		Want: webtest.By(200, 403, 403, 403, 404, 404, 404)},
	{Method: "POST", Route: "/api/v1/checkpoints/{id}/staff", Note: "仙降", Path: xianPath("/api/v1/checkpoints/{id}/staff"), Body: staffBody(false),
		Want: webtest.By(200, 403, 403, 404, 404, 404, 403)},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}/registrations", Note: "塘下", Path: tangPath("/api/v1/checkpoints/{id}/registrations"), Want: tangRead},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}/registrations", Note: "仙降", Path: xianPath("/api/v1/checkpoints/{id}/registrations?status=pending"), Want: xianRead},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}/registrations", Note: "status=lost", Path: xianPath("/api/v1/checkpoints/{id}/registrations?status=lost"),
		Want: webtest.By(400, 400, 400, 404, 404, 404, 400)},
	{Method: "GET", Route: "/api/v1/checkpoints/{id}/roster", Note: "仙降", Path: xianPath("/api/v1/checkpoints/{id}/roster"), Want: xianRead},
	{Method: "POST", Route: "/api/v1/checkpoints/{id}/shifts", Note: "仙降", Path: xianPath("/api/v1/checkpoints/{id}/shifts"),
		Body: jsonBody(map[string]any{"day": "2020-02-20", "start": "08:00", "end": "20:00", "people": []string{"王五"}}),
		Want: webtest.By(201, 403, 403, 404, 404, 404, 403)},
	{Method: "DELETE", Route: "/api/v1/shifts/{id}", Note: "仙降", Path: freshShift("/api/v1/shifts/{id}"),
		Want: webtest.By(204, 403, 403, 404, 404, 404, 403)},
	{Method: "GET", Route: "/api/v1/checkpoint-counts", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/checkpoint-counts", Note: "to after today", Path: func(e *webtest.Env, role string) string {
		return "/api/v1/checkpoint-counts?to=2999-01-01"
	}, Want: webtest.Every(400)},
	{Method: "GET", Route: "/api/v1/registrations/{id}", Note: "仙降", Path: func(e *webtest.Env, role string) string {
		return path("/api/v1/registrations/{id}", "id", id(fx(e).xianReg.ID))
	}, Want: xianRead},
	{Method: "POST", Route: "/api/v1/registrations/{id}/confirm", Note: "仙降", Path: freshReg("/api/v1/registrations/{id}/confirm"),
		Body: jsonBody(map[string]float64{"celsius": 36.6}), Want: xianWork},

	{Method: "GET", Route: "/scan/{token}", Path: scanPath("/scan/{token}"), Want: webtest.Every(200)},
	{Method: "GET", Route: "/scan/{token}", Note: "no post's", Path: func(e *webtest.Env, role string) string {
		return "/scan/AAAAAAAAAAAAAAAAAAAAAA"
	}, Want: webtest.Every(404)},
	{Method: "POST", Route: "/scan/{token}", Path: scanPath("/scan/{token}"), Body: formBody(travellerForm()), Want: webtest.Every(303)},
	{Method: "GET", Route: "/scan/{token}/{number}", Path: scanPath("/scan/{token}/{number}"), Want: webtest.Every(200)},

	{Method: "GET", Route: "/checkpoints", Want: webtest.By(200, 200, 200, 200, 404, 404, 200)},
	{Method: "POST", Route: "/checkpoints", Body: formBody(url.Values{"name": {"塘下新卡口"}, "kind": {"road"}, "town": {"330381101"}}),
		Want: webtest.By(303, 403, 403, 303, 404, 404, 403)},
	{Method: "GET", Route: "/checkpoints/{id}", Note: "仙降", Path: xianPath("/checkpoints/{id}"), Want: xianRead},
	{Method: "POST", Route: "/checkpoints/{id}/token", Note: "塘下", Path: freshTangPost("/checkpoints/{id}/token"),
		Want: webtest.By(303, 403, 403, 403, 404, 404, 404)},
	{Method: "POST", Route: "/checkpoints/{id}/staff", Note: "仙降", Path: xianPath("/checkpoints/{id}/staff"), Body: staffBody(true), Want: xianAdmin},
	{Method: "GET", Route: "/checkpoints/{id}/poster", Note: "仙降", Path: xianPath("/checkpoints/{id}/poster"), Want: xianRead},
	{Method: "GET", Route: "/checkpoints/{id}/desk", Note: "仙降", Path: xianPath("/checkpoints/{id}/desk"), Want: xianRead},
	{Method: "POST", Route: "/checkpoints/{id}/find", Note: "仙降", Path: xianPath("/checkpoints/{id}/find"),
		Body: formBody(url.Values{"id_number": {idA}}), Want: xianRead},
	{Method: "GET", Route: "/checkpoints/{id}/register", Note: "仙降", Path: xianPath("/checkpoints/{id}/register"), Want: xianWork},
	{Method: "POST", Route: "/checkpoints/{id}/register", Note: "仙降", Path: xianPath("/checkpoints/{id}/register"),
		Body: formBody(travellerForm()), Want: xianPost},
	{Method: "POST", Route: "/registrations/{id}/confirm", Note: "仙降", Path: freshReg("/registrations/{id}/confirm"),
		Body: formBody(url.Values{"celsius": {"36.6"}}), Want: xianPost},
	{Method: "GET", Route: "/checkpoints/{id}/roster", Note: "仙降", Path: xianPath("/checkpoints/{id}/roster"), Want: xianRead},
	{Method: "POST", Route: "/checkpoints/{id}/shifts", Note: "仙降", Path: xianPath("/checkpoints/{id}/shifts"), Body: formBody(shiftForm), Want: xianAdmin},
	{Method: "POST", Route: "/shifts/{id}/delete", Note: "仙降", Path: freshShift("/shifts/{id}/delete"), Want: xianAdmin},
}
