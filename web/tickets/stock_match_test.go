package tickets_test

import (
	"strconv"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
	"fugong/web/webtest"
)

// TestSuppliesTicketSuggestsStockHolders: a firm short of masks raises a
// supplies ticket; the firms whose declared stock (M6) exceeds their own
// staff's needs are suggested, within the reader's scope.
func TestSuppliesTicketSuggestsStockHolders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		// 20 staff each, 2 masks a day: 40 a day, and a donor keeps 9 days (360).
		// The stock is declared through the supplies module's API, which
		// the whole server (webtest) serves beside this one.
		for key, masks := range map[string]float64{"tangA": 10, "tangB": 2000, "xianA": 5000} {
			body := webtest.JSON(map[string]float64{"masks": masks, "thermometers": 2, "disinfectant_l": 5, "suits": 0, "gloves": 40})
			if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents[key]+"/supplies", body); r.Status != 201 && r.Status != 200 {
				t.Fatalf("stock of %s: %d %s", key, r.Status, r.Body)
			}
		}
		k := raiseTicket(e, t, webtest.RoleTown, map[string]string{"enterprise": e.Ents["tangA"], "category": "supplies",
			"urgency": "urgent", "title": "医用口罩告急", "description": "口罩只够用半天，请求调配"})
		path := "/api/v1/tickets/" + strconv.FormatInt(k.ID, 10) + "/suggestions"

		suggested := func(role string) map[string]tickets.Suggestion {
			t.Helper()
			r := e.As(t, role, "GET", path, webtest.Payload{})
			var list struct{ Items []tickets.Suggestion }
			r.Decode(t, &list)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", role, r.Status, r.Body)
			}
			out := map[string]tickets.Suggestion{}
			for _, s := range list.Items {
				out[s.USCC] = s
			}
			return out
		}
		all := suggested(webtest.RoleAdmin)
		b, ok := all[e.Ents["tangB"]]
		if !ok || len(b.Reasons) == 0 || b.Reasons[0] != "库存富余：口罩可调出约 1640 只" || !strings.Contains(strings.Join(b.Matched, ","), "口罩") {
			t.Errorf("tangB, 1640 masks to spare: %+v", b)
		}
		if x, ok := all[e.Ents["xianA"]]; !ok || x.Reasons[0] != "库存富余：口罩可调出约 4640 只" {
			t.Errorf("xianA for the city: %+v", x)
		}
		if _, ok := all[e.Ents["tangA"]]; ok {
			t.Error("the firm short of masks suggested to itself")
		}
		town := suggested(webtest.RoleTown)
		if _, ok := town[e.Ents["xianA"]]; ok || len(town) != 1 {
			t.Errorf("the town sees suggestions out of its scope: %+v", town)
		}

		raw := raiseTicket(e, t, webtest.RoleTown, map[string]string{"enterprise": e.Ents["tangA"], "category": "raw_materials",
			"urgency": "normal", "title": "口罩生产缺熔喷布", "description": "原料断供"})
		r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/tickets/"+strconv.FormatInt(raw.ID, 10)+"/suggestions", webtest.Payload{})
		if strings.Contains(string(r.Body), "库存富余") {
			t.Errorf("a raw-material ticket is offered finished masks from stock: %s", r.Body)
		}
	})
}

// TestAssigneeNotRevealed: a clerk may not assign, and the refusal is the
// same whether the named assignee is bureau staff or nobody, so it tells
// nothing about the bureau's accounts.
func TestAssigneeNotRevealed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		k := raiseTicket(e, t, webtest.RoleClerk, map[string]string{"enterprise": e.Ents["tangB"], "category": "labour",
			"urgency": "normal", "title": "缺少普工", "description": "复工后缺少普工二十名"})
		for _, who := range []string{e.Users[webtest.RoleBureauInsp].Username, "nobody-at-all"} {
			ticketPatch(e, t, webtest.RoleClerk, k.ID, `{"status":"assigned","assignee":"`+who+`"}`, 403)
		}
	})
}
