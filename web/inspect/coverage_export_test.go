package inspect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/sheet/sheettest"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The coverage per town exports as XLSX for the page's period: a named
// sheet, title and date rows, an autofilter over the towns and the page's
// total row; a town exports its own town.
func TestCoverageExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		start := time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location)
		e := webtest.NewAt(t, db, start)
		e.Clock.Set(start.AddDate(0, 0, 9)) // 2020-02-10
		ctx := context.Background()
		svc := e.Services.Inspect
		cs, err := svc.Checklists(ctx, false)
		if err != nil || len(cs) == 0 {
			t.Fatalf("checklists %v %v", cs, err)
		}
		var answers []inspect.AnswerInput
		for _, it := range cs[0].Items {
			answers = append(answers, inspect.AnswerInput{ItemID: it.ID, Result: inspect.ResultPass})
		}
		for _, key := range []string{"tangA", "tangB"} {
			if _, err := svc.RecordVisit(ctx, e.Users[webtest.RoleBureauInsp].Actor(), e.Ents[key],
				inspect.VisitInput{ChecklistID: cs[0].ID, VisitedAt: "2020-02-08T10:00:00+08:00", Inspectors: []string{"林晓峰"}, Answers: answers}, nil); err != nil {
				t.Fatal(err)
			}
		}
		const period = "from=2020-02-01&to=2020-02-10"
		page := e.As(t, webtest.RoleAdmin, "GET", "/inspections/coverage?"+period, webtest.Payload{})
		webtest.Contains(t, "the page's export link", page, `href="/inspections/coverage/export?from=2020-02-01&amp;to=2020-02-10"`)
		x := e.As(t, webtest.RoleAdmin, "GET", "/inspections/coverage/export?"+period, webtest.Payload{})
		if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
		}
		s := sheettest.Check(t, x.Body, page.Body, sheettest.Want{Sheet: "督导覆盖", Title: "各乡镇街道督导覆盖情况",
			Date: "2020-02-01 至 2020-02-10", Table: "coverage"})
		if total := s.Rows[len(s.Rows)-1]; total[1] != "2" || total[2] != "3" || total[4] != "1 个全覆盖" {
			t.Errorf("the city's total: %q", total)
		}

		town := e.As(t, webtest.RoleTown, "GET", "/inspections/coverage/export?"+period, webtest.Payload{})
		ts := sheettest.Check(t, town.Body, nil, sheettest.Want{Sheet: "督导覆盖", Title: "各乡镇街道督导覆盖情况", Date: "2020-02-10", Rows: 1})
		if ts.Rows[1][0] != "塘下镇" || ts.Rows[1][4] != "全覆盖" {
			t.Errorf("the town's rows: %q", ts.Rows)
		}
		if r := e.As(t, webtest.RoleAdmin, "GET", "/inspections/coverage/export?from=2020-02-10&to=2020-02-01", webtest.Payload{}); r.Status != 400 {
			t.Errorf("from after to: %d", r.Status)
		}
		if r := e.As(t, webtest.RoleCheckpoint, "GET", "/inspections/coverage/export", webtest.Payload{}); r.Status != 404 {
			t.Errorf("the checkpoint: %d", r.Status)
		}
	})
}
