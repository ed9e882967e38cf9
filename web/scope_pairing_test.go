package web

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"fugong"
	"fugong/account"
	"fugong/registry"
)

const cadreRoute = "/api/v1/enterprises/{uscc}/cadre"

// secondCadre is a cadre besides the fixture one: pairing tangB or xianA
// with it leaves the fixture cadre's scope (tangA) as the other rows expect.
const secondCadre = "u-cadre2"

func ensureSecondCadre(t *testing.T, e *testEnv) account.User {
	t.Helper()
	u, err := e.db.UserNamed(context.Background(), secondCadre)
	if fugong.ErrorCode(err) == fugong.ENotFound {
		u, err = e.db.CreateUser(context.Background(), fugong.System, account.User{Username: secondCadre, DisplayName: "第二干部", Role: fugong.RoleCadre}, "x")
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func pairWith(username string) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		if username == secondCadre {
			ensureSecondCadre(t, e)
		}
		return jsonBody(map[string]string{"username": username})
	}
}

// pairingsFile is a sheet pairing the fixture enterprise key with username.
func pairingsFile(key, username string) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		if username == secondCadre {
			ensureSecondCadre(t, e)
		}
		return upload(t, "pairings.csv", "统一社会信用代码,企业名称,干部账号\n"+e.ents[key]+",企业,"+username+"\n", nil)
	}
}

// unpairTargets gives each role an enterprise to unpair: a fresh one in
// town paired with the second cadre (one per role, so each finds it
// paired); with own, the fixture cadre and the clerk try instead the
// enterprise of their own scope, tangA and tangB.
type unpairTargets struct {
	town string
	own  bool
	mu   sync.Mutex
	ents map[*testEnv]map[string]string
}

func (u *unpairTargets) setup(t *testing.T, e *testEnv) {
	t.Helper()
	cadre := ensureSecondCadre(t, e)
	m := map[string]string{}
	if u.own {
		m[roleCadre], m[roleClerk] = e.ents["tangA"], e.ents["tangB"]
	}
	for _, role := range fixtureRoles {
		if _, ok := m[role]; ok {
			continue
		}
		code := e.addEnterprise(t, fmt.Sprintf("MC%07d", e.next()), u.town, registry.SizeBelow, "待解除结对企业"+role)
		if err := e.db.PairCadre(context.Background(), fugong.System, code, cadre.ID); err != nil {
			t.Fatal(err)
		}
		m[role] = code
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ents == nil {
		u.ents = map[*testEnv]map[string]string{}
	}
	u.ents[e] = m
}

func (u *unpairTargets) path(e *testEnv, role string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return "/api/v1/enterprises/" + u.ents[e][role] + "/cadre"
}

var (
	unpairTangxia   = &unpairTargets{town: townTangxia, own: true}
	unpairXianjiang = &unpairTargets{town: townXianjiang}
)

// pairingScopeCases: everyone reads the pairing of an enterprise in scope;
// the admin, the inspection group and the town (its own enterprises) pair
// and unpair; the statistics group, the cadre and the clerk are refused
// (403) where they see the enterprise.
var pairingScopeCases = []scopeCase{
	{method: "GET", route: cadreRoute, target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: cadreRoute, target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: cadreRoute, target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	// tangA stays with the fixture cadre; tangB and xianA go to another.
	{method: "PUT", route: cadreRoute, target: "tangA", body: pairWith("u-" + roleCadre), want: by(200, 403, 200, 200, 403, 404, 404)},
	{method: "PUT", route: cadreRoute, target: "tangB", body: pairWith(secondCadre), want: by(200, 403, 200, 200, 404, 403, 404)},
	{method: "PUT", route: cadreRoute, target: "xianA", body: pairWith(secondCadre), want: by(200, 403, 200, 404, 404, 404, 404)},
	{method: "PUT", route: cadreRoute, target: "tangA", note: "a town official is no cadre", body: pairWith("u-" + roleTown), want: by(400, 403, 400, 400, 403, 404, 404)},
	{method: "DELETE", route: cadreRoute, note: "in 塘下", setup: unpairTangxia.setup, path: unpairTangxia.path, want: by(204, 403, 204, 204, 403, 403, 404)},
	{method: "DELETE", route: cadreRoute, note: "in 仙降", setup: unpairXianjiang.setup, path: unpairXianjiang.path, want: by(204, 403, 204, 404, 404, 404, 404)},
	{method: "GET", route: "/api/v1/cadres", want: by(200, 200, 200, 200, 404, 404, 404)},
	{method: "POST", route: "/api/v1/pairings/import", note: "tangA to its cadre", body: pairingsFile("tangA", "u-"+roleCadre), want: by(200, 403, 200, 200, 403, 403, 403)},
	{method: "POST", route: "/api/v1/pairings/import", note: "xianA", body: pairingsFile("xianA", secondCadre), want: by(200, 403, 200, 400, 403, 403, 403)},
	{method: "GET", route: "/api/v1/pairings/unpaired", want: every(200)},
	{method: "GET", route: "/api/v1/pairings/unpaired/export", want: every(200)},
	{method: "GET", route: "/api/v1/settings/visit-interval", want: every(200)},
	{method: "PUT", route: "/api/v1/settings/visit-interval", body: func(*testing.T, *testEnv, string) payload { return rawJSON(`{"days":7}`) },
		want: by(200, 403, 403, 403, 403, 403, 403)},
}
