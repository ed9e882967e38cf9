package production_test

import (
	"net/http"
	"strings"
	"testing"

	"fugong/sheet/sheettest"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The production per town exports as XLSX for the page's day: a named
// sheet, title and date rows, an autofilter over the towns and the page's
// total row; a town exports its own town; large numbers have separators.
func TestProductionTownsExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		for _, key := range []string{"tangA", "xianA"} {
			if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents[key]+"/essential", webtest.RawJSON(`{"essential":true,"reason":"保供"}`)); r.Status != 200 {
				t.Fatalf("essential %s: %d %s", key, r.Status, r.Body)
			}
		}
		if r := putDay(t, e, webtest.RoleAdmin, "tangA", prodToday, dayJSON("resumed", 60, 70)); r.Status != http.StatusCreated {
			t.Fatalf("day: %d %s", r.Status, r.Body)
		}
		if r := putDay(t, e, webtest.RoleAdmin, "xianA", prodToday, dayJSON("full", 95, 90)); r.Status != http.StatusCreated {
			t.Fatalf("day: %d %s", r.Status, r.Body)
		}
		page := e.As(t, webtest.RoleAdmin, "GET", "/production?date="+prodToday, webtest.Payload{})
		webtest.Contains(t, "the page's export link", page, `href="/production/towns/export?date=2020-02-10"`)
		x := e.As(t, webtest.RoleAdmin, "GET", "/production/towns/export?date="+prodToday, webtest.Payload{})
		if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
		}
		s := sheettest.Check(t, x.Body, page.Body, sheettest.Want{Sheet: "各乡镇街道复工", Title: "各乡镇街道复工复产情况（全市）",
			Date: prodToday, Table: "towns"})
		if total := s.Rows[len(s.Rows)-1]; total[1] != "3" || total[3] != "1" || total[4] != "1" || total[6] != "1/1" {
			t.Errorf("the city's total: %q", total)
		}

		town := e.As(t, webtest.RoleTown, "GET", "/production/towns/export?date="+prodToday, webtest.Payload{})
		ts := sheettest.Check(t, town.Body, nil, sheettest.Want{Sheet: "各乡镇街道复工", Title: "各乡镇街道复工复产情况（塘下镇）", Date: prodToday, Rows: 1})
		if ts.Rows[1][0] != "塘下镇" || ts.Rows[1][1] != "2" {
			t.Errorf("the town's rows: %q", ts.Rows)
		}
		for role, want := range map[string]int{webtest.RoleClerk: 404, webtest.RoleCheckpoint: 404, webtest.RoleCadre: 200} {
			if r := e.As(t, role, "GET", "/production/towns/export", webtest.Payload{}); r.Status != want {
				t.Errorf("%s: %d, want %d", role, r.Status, want)
			}
		}
		if r := e.As(t, webtest.RoleAdmin, "GET", "/production/towns/export?date=2020-02-30", webtest.Payload{}); r.Status != 400 {
			t.Errorf("a day that is none: %d", r.Status)
		}
	})
}
