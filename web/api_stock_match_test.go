package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/supplies"
	"fugong/tickets"
)

// TestSuppliesTicketSuggestsStockHolders: a firm short of masks raises a
// supplies ticket; the firms whose declared stock (M6) exceeds their own
// staff's needs are suggested, within the reader's scope.
func TestSuppliesTicketSuggestsStockHolders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// 20 staff each, 2 masks a day: 40 a day, and a donor keeps 9 days (360).
		// (The stock is declared through the service: the supplies API is
		// the module web/supplies's, which this package's server lacks.)
		stock := &supplies.Service{Store: db, Registry: e.deps.Registry, Now: e.clock.Now}
		for key, masks := range map[string]float64{"tangA": 10, "tangB": 2000, "xianA": 5000} {
			values := map[supplies.Item]*float64{}
			for i, n := range map[supplies.Item]float64{supplies.Masks: masks, supplies.Thermometers: 2, supplies.Disinfectant: 5, supplies.Suits: 0, supplies.Gloves: 40} {
				values[i] = &n
			}
			if _, _, err := stock.Declare(context.Background(), fugong.System, e.ents[key], values, ""); err != nil {
				t.Fatalf("stock of %s: %v", key, err)
			}
		}
		k := e.raiseTicket(t, roleTown, map[string]string{"enterprise": e.ents["tangA"], "category": "supplies",
			"urgency": "urgent", "title": "医用口罩告急", "description": "口罩只够用半天，请求调配"})
		path := "/api/v1/tickets/" + strconv.FormatInt(k.ID, 10) + "/suggestions"

		suggested := func(role string) map[string]tickets.Suggestion {
			t.Helper()
			r := e.as(t, role, "GET", path, payload{})
			var list struct{ Items []tickets.Suggestion }
			r.decode(t, &list)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", role, r.status, r.body)
			}
			out := map[string]tickets.Suggestion{}
			for _, s := range list.Items {
				out[s.USCC] = s
			}
			return out
		}
		all := suggested(roleAdmin)
		b, ok := all[e.ents["tangB"]]
		if !ok || len(b.Reasons) == 0 || b.Reasons[0] != "库存富余：口罩可调出约 1640 只" || !strings.Contains(strings.Join(b.Matched, ","), "口罩") {
			t.Errorf("tangB, 1640 masks to spare: %+v", b)
		}
		if x, ok := all[e.ents["xianA"]]; !ok || x.Reasons[0] != "库存富余：口罩可调出约 4640 只" {
			t.Errorf("xianA for the city: %+v", x)
		}
		if _, ok := all[e.ents["tangA"]]; ok {
			t.Error("the firm short of masks suggested to itself")
		}
		town := suggested(roleTown)
		if _, ok := town[e.ents["xianA"]]; ok || len(town) != 1 {
			t.Errorf("the town sees suggestions out of its scope: %+v", town)
		}

		raw := e.raiseTicket(t, roleTown, map[string]string{"enterprise": e.ents["tangA"], "category": "raw_materials",
			"urgency": "normal", "title": "口罩生产缺熔喷布", "description": "原料断供"})
		r := e.as(t, roleAdmin, "GET", "/api/v1/tickets/"+strconv.FormatInt(raw.ID, 10)+"/suggestions", payload{})
		if strings.Contains(string(r.body), "库存富余") {
			t.Errorf("a raw-material ticket is offered finished masks from stock: %s", r.body)
		}
	})
}

// TestAssigneeNotRevealed: a clerk may not assign, and the refusal is the
// same whether the named assignee is bureau staff or nobody, so it tells
// nothing about the bureau's accounts.
func TestAssigneeNotRevealed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		k := e.raiseTicket(t, roleClerk, map[string]string{"enterprise": e.ents["tangB"], "category": "labour",
			"urgency": "normal", "title": "缺少普工", "description": "复工后缺少普工二十名"})
		for _, who := range []string{e.users[roleBureauInsp].Username, "nobody-at-all"} {
			e.ticketPatch(t, roleClerk, k.ID, `{"status":"assigned","assignee":"`+who+`"}`, 403)
		}
	})
}
