package pairing_test

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"

	"fugong"
	"fugong/account"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	webpairing "fugong/web/pairing"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webpairing.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webpairing.New(e.Services.Pairing), scopeCases)
	})
}

const cadreRoute = "/api/v1/enterprises/{uscc}/cadre"

// secondCadre is a cadre besides the fixture one: pairing tangB or xianA
// with it leaves the fixture cadre's scope (tangA) as the other rows expect.
const secondCadre = "u-cadre2"

func ensureSecondCadre(t *testing.T, e *webtest.Env) account.User {
	t.Helper()
	u, _, err := e.DB.UserByName(context.Background(), secondCadre)
	if fugong.ErrorCode(err) == fugong.ENotFound {
		u, err = e.DB.CreateUser(context.Background(), fugong.System, account.User{Username: secondCadre, DisplayName: "第二干部", Role: fugong.RoleCadre}, "x")
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func pairWith(username string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		if username == secondCadre {
			ensureSecondCadre(t, e)
		}
		return webtest.JSON(map[string]string{"username": username})
	}
}

// pairingsFile is a sheet pairing the fixture enterprise key with username.
func pairingsFile(key, username string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		if username == secondCadre {
			ensureSecondCadre(t, e)
		}
		return webtest.Upload(t, "pairings.csv", "统一社会信用代码,企业名称,干部账号\n"+e.Ents[key]+",企业,"+username+"\n", nil)
	}
}

// unpairTargets gives each role an enterprise to unpair: a fresh one in
// town paired with the second cadre (one per role, so each finds it
// paired); with own, the fixture cadre and the clerk try instead the
// enterprise of their own scope, tangA and tangB.
type unpairTargets struct {
	town string
	own  bool
	page bool // the enterprise page's form, not the API
	mu   sync.Mutex
	ents map[*webtest.Env]map[string]string
}

func (u *unpairTargets) setup(t *testing.T, e *webtest.Env) {
	t.Helper()
	cadre := ensureSecondCadre(t, e)
	m := map[string]string{}
	if u.own {
		m[webtest.RoleCadre], m[webtest.RoleClerk] = e.Ents["tangA"], e.Ents["tangB"]
	}
	for _, role := range webtest.Roles {
		if _, ok := m[role]; ok {
			continue
		}
		code := e.AddEnterprise(t, fmt.Sprintf("MC%07d", e.Next()), u.town, registry.SizeBelow, "待解除结对企业"+role)
		if err := e.DB.PairCadre(context.Background(), fugong.System, code, cadre.ID); err != nil {
			t.Fatal(err)
		}
		m[role] = code
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ents == nil {
		u.ents = map[*webtest.Env]map[string]string{}
	}
	u.ents[e] = m
}

func (u *unpairTargets) path(e *webtest.Env, role string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.page {
		return "/enterprises/" + u.ents[e][role] + "/cadre/delete"
	}
	return "/api/v1/enterprises/" + u.ents[e][role] + "/cadre"
}

var (
	unpairTangxia       = &unpairTargets{town: webtest.TownTangxia, own: true}
	unpairXianjiang     = &unpairTargets{town: webtest.TownXianjiang}
	unpairTangxiaPage   = &unpairTargets{town: webtest.TownTangxia, own: true, page: true}
	unpairXianjiangPage = &unpairTargets{town: webtest.TownXianjiang, page: true}
)

// scopeCases: everyone reads the pairing of an enterprise in scope; the
// admin, the inspection group and the town (its own enterprises) pair and
// unpair; the statistics group, the cadre and the clerk are refused (403)
// where they see the enterprise.
//
// The pages follow the API, but 结对管理 is only for who pairs and the
// bureau: a cadre or a clerk posting to it gets 404, as for the page
// itself. A refused pairing shows the list (or the enterprise's page)
// again with the status of the refusal; a form post that succeeds is a
// 303, the bulk load's page answers 200 with what it did.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: cadreRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: cadreRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: cadreRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	// tangA stays with the fixture cadre; tangB and xianA go to another.
	{Method: "PUT", Route: cadreRoute, Target: "tangA", Body: pairWith("u-" + webtest.RoleCadre), Want: webtest.By(200, 403, 200, 200, 403, 404, 404)},
	{Method: "PUT", Route: cadreRoute, Target: "tangB", Body: pairWith(secondCadre), Want: webtest.By(200, 403, 200, 200, 404, 403, 404)},
	{Method: "PUT", Route: cadreRoute, Target: "xianA", Body: pairWith(secondCadre), Want: webtest.By(200, 403, 200, 404, 404, 404, 404)},
	{Method: "PUT", Route: cadreRoute, Target: "tangA", Note: "a town official is no cadre", Body: pairWith("u-" + webtest.RoleTown), Want: webtest.By(400, 403, 400, 400, 403, 404, 404)},
	{Method: "DELETE", Route: cadreRoute, Note: "in 塘下", Setup: unpairTangxia.setup, Path: unpairTangxia.path, Want: webtest.By(204, 403, 204, 204, 403, 403, 404)},
	{Method: "DELETE", Route: cadreRoute, Note: "in 仙降", Setup: unpairXianjiang.setup, Path: unpairXianjiang.path, Want: webtest.By(204, 403, 204, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/cadres", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/cadres/suggest", Note: "q=测试", Want: webtest.By(200, 200, 200, 200, 404, 404, 404),
		Path: func(*webtest.Env, string) string { return "/api/v1/cadres/suggest?q=%E6%B5%8B%E8%AF%95" }},
	{Method: "POST", Route: "/api/v1/pairings/import", Note: "tangA to its cadre", Body: pairingsFile("tangA", "u-"+webtest.RoleCadre), Want: webtest.By(200, 403, 200, 200, 403, 403, 403)},
	{Method: "POST", Route: "/api/v1/pairings/import", Note: "xianA", Body: pairingsFile("xianA", secondCadre), Want: webtest.By(200, 403, 200, 400, 403, 403, 403)},
	{Method: "GET", Route: "/api/v1/pairings/unpaired", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/pairings/unpaired/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/settings/visit-interval", Want: webtest.Every(200)},
	{Method: "PUT", Route: "/api/v1/settings/visit-interval", Body: func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(`{"days":7}`) },
		Want: webtest.By(200, 403, 403, 403, 403, 403, 403)},

	// The pages.
	{Method: "GET", Route: "/pairings", Want: webtest.By(200, 200, 200, 200, 404, 404, 404)},
	{Method: "POST", Route: "/pairings", Target: "tangA", Body: pairForm("tangA", "u-"+webtest.RoleCadre), Want: webtest.By(303, 403, 303, 303, 404, 404, 404)},
	{Method: "POST", Route: "/pairings", Target: "xianA", Body: pairForm("xianA", secondCadre), Want: webtest.By(303, 403, 303, 404, 404, 404, 404)},
	{Method: "POST", Route: "/pairings", Target: "tangA", Note: "a town official is no cadre", Body: pairForm("tangA", "u-"+webtest.RoleTown),
		Want: webtest.By(400, 403, 400, 400, 404, 404, 404)},
	{Method: "POST", Route: "/pairings/interval", Body: form(url.Values{"days": {"7"}}), Want: webtest.AdminOnly(303)},
	{Method: "GET", Route: "/pairings/unpaired/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/pairings/import", Want: webtest.By(200, 404, 200, 200, 404, 404, 404)},
	{Method: "POST", Route: "/pairings/import", Note: "tangA to its cadre", Body: pairingsFile("tangA", "u-"+webtest.RoleCadre), Want: webtest.By(200, 404, 200, 200, 404, 404, 404)},
	{Method: "POST", Route: "/pairings/import", Note: "xianA", Body: pairingsFile("xianA", secondCadre), Want: webtest.By(200, 404, 200, 400, 404, 404, 404)},
	{Method: "POST", Route: cadrePage, Target: "tangA", Body: pairForm("", "u-"+webtest.RoleCadre), Want: webtest.By(303, 403, 303, 303, 403, 404, 404)},
	{Method: "POST", Route: cadrePage, Target: "tangB", Body: pairForm("", secondCadre), Want: webtest.By(303, 403, 303, 303, 404, 403, 404)},
	{Method: "POST", Route: cadrePage, Target: "xianA", Body: pairForm("", secondCadre), Want: webtest.By(303, 403, 303, 404, 404, 404, 404)},
	{Method: "POST", Route: cadrePage, Target: "tangA", Note: "a town official is no cadre", Body: pairForm("", "u-"+webtest.RoleTown),
		Want: webtest.By(400, 403, 400, 400, 403, 404, 404)},
	{Method: "POST", Route: cadrePage + "/delete", Note: "in 塘下", Setup: unpairTangxiaPage.setup, Path: unpairTangxiaPage.path, Body: confirmed,
		Want: webtest.By(303, 403, 303, 303, 403, 403, 404)},
	{Method: "POST", Route: cadrePage + "/delete", Note: "in 仙降", Setup: unpairXianjiangPage.setup, Path: unpairXianjiangPage.path, Body: confirmed,
		Want: webtest.By(303, 403, 303, 404, 404, 404, 404)},
}

const cadrePage = "/enterprises/{uscc}/cadre"

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

// pairForm is the pairing form of 结对管理 (the fixture enterprise key) or,
// with no key, of an enterprise's page (which names it in its path).
func pairForm(key, username string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		if username == secondCadre {
			ensureSecondCadre(t, e)
		}
		v := url.Values{"username": {username}}
		if key != "" {
			v.Set("uscc", e.Ents[key])
		}
		return webtest.Form(v)
	}
}

// confirmed is the post of a confirmation step.
func confirmed(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.Form(url.Values{"confirm": {"yes"}})
}
