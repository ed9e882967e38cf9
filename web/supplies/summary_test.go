package supplies_test

import (
	"strings"
	"testing"

	"fugong/sheet/sheettest"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The supplies per town export as XLSX: a named sheet, title and date
// rows, an autofilter over the towns and the page's total row; a town
// exports its own town; large numbers have separators on the page.
func TestSuppliesTownsExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		for key, masks := range map[string]float64{"tangA": 12000, "xianA": 345} {
			if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents[key]+"/supplies", stockJSONBody(masks, 1, 5, 0, 40)); r.Status != 200 && r.Status != 201 {
				t.Fatalf("stock %s: %d %s", key, r.Status, r.Body)
			}
		}
		page := e.As(t, webtest.RoleAdmin, "GET", "/supplies", webtest.Payload{})
		webtest.Contains(t, "the page", page, `href="/supplies/towns/export"`, `<th class="num">12,345</th>`)
		x := e.As(t, webtest.RoleAdmin, "GET", "/supplies/towns/export", webtest.Payload{})
		if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
		}
		s := sheettest.Check(t, x.Body, page.Body, sheettest.Want{Sheet: "各乡镇街道物资", Title: "各乡镇街道防疫物资情况",
			Date: e.Today(), Table: "supply-towns"})
		if total := s.Rows[len(s.Rows)-1]; total[0] != "合计" || total[2] != "2" || total[5] != "12,345" {
			t.Errorf("the city's total: %q", total)
		}

		town := e.As(t, webtest.RoleTown, "GET", "/supplies/towns/export", webtest.Payload{})
		ts := sheettest.Check(t, town.Body, nil, sheettest.Want{Sheet: "各乡镇街道物资", Title: "各乡镇街道防疫物资情况", Date: e.Today(), Rows: 1})
		if ts.Rows[1][0] != "塘下镇" || ts.Rows[1][5] != "12,000" {
			t.Errorf("the town's rows: %q", ts.Rows)
		}
		for _, role := range []string{webtest.RoleClerk, webtest.RoleCheckpoint} {
			if r := e.As(t, role, "GET", "/supplies/towns/export", webtest.Payload{}); r.Status != 404 {
				t.Errorf("%s: %d", role, r.Status)
			}
		}
	})
}
