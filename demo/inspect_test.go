package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// TestDemoInspections generates the demo's visits over the demo city and
// loads them: the nine towns of the report are covered in full, every visit
// is one the service would have accepted, and the rectifications are in
// every status with some overdue.
func TestDemoInspections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		es, err := enterprises()
		if err != nil {
			t.Fatal(err)
		}
		if err := db.LoadEnterprises(ctx, es); err != nil {
			t.Fatal(err)
		}
		clerk, err := firmByName(es, namedFirms[0].name)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2020, 2, 12, 15, 0, 0, 0, fugong.Location)
		start := time.Now()
		if err := seedInspections(ctx, db, es, clerk, now); err != nil {
			t.Fatal(err)
		}
		t.Logf("inspections seeded on %s in %v", db.Engine, time.Since(start).Round(time.Millisecond))

		lists, err := db.Checklists(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]inspect.Checklist{}
		for _, c := range lists {
			byID[c.ID] = c
		}
		ents := map[string]registry.Enterprise{}
		for _, e := range es {
			ents[e.USCC] = e
		}
		vs := visits(es, clerk, map[string]inspect.Checklist{"六必问": byID[1], "六必查": byID[2], "六必督": byID[3], "六必助": byID[4]}, now)
		visited := map[string]bool{}
		for _, v := range vs {
			visited[v.Enterprise] = true
			in := inspect.VisitInput{ChecklistID: v.ChecklistID, VisitedAt: v.VisitedAt.Format(time.RFC3339), Inspectors: v.Inspectors, Findings: v.Findings}
			for _, a := range v.Answers {
				ai := inspect.AnswerInput{ItemID: a.ItemID, Result: a.Result, Note: a.Note}
				// A failure's owner and due date are its rectification's.
				if i := slices.IndexFunc(v.Rectifications, func(r inspect.Rectification) bool { return r.ItemID == a.ItemID }); i >= 0 {
					ai.Owner, ai.DueDate = v.Rectifications[i].Owner, v.Rectifications[i].DueDate
				}
				in.Answers = append(in.Answers, ai)
			}
			if _, ps := in.Normalize(byID[v.ChecklistID], now, ents[v.Enterprise].CreatedAt, nil); len(ps) > 0 {
				t.Fatalf("visit of %s at %v refused: %v", v.Enterprise, v.VisitedAt, ps)
			}
			if v.VisitedAt.Before(now.AddDate(0, 0, -30)) || v.RecordedAt.After(now) {
				t.Fatalf("visit at %v recorded %v, outside the demo's 30 days", v.VisitedAt, v.RecordedAt)
			}
		}
		// Coverage per town: the nine in full, the others not.
		full := 0
		for _, tw := range registry.Towns {
			n, seen := 0, 0
			for _, e := range es {
				if e.Town == tw.Code {
					n++
					if visited[e.USCC] {
						seen++
					}
				}
			}
			if seen == n {
				full++
			}
			covered := false
			for _, c := range coveredTowns {
				covered = covered || c == tw.Name
			}
			if covered && seen != n {
				t.Errorf("%s: %d of %d visited", tw.Name, seen, n)
			}
			if !covered && n > 10 && seen == n {
				t.Errorf("%s: covered in full though not one of the nine", tw.Name)
			}
		}
		t.Logf("%d visits, %d towns covered in full", len(vs), full)

		// What the bureau and the clerk see, after the load.
		svc := &inspect.Service{Store: db, Registry: &registry.Service{Store: db}, Now: func() time.Time { return now }}
		city, towns, err := svc.TownCounts(ctx, fugong.System)
		if err != nil {
			t.Fatal(err)
		}
		if city.Open == 0 || city.Overdue == 0 || city.Rectified == 0 || city.Verified == 0 || city.Overdue == city.Open || len(towns) < 5 {
			t.Errorf("rectifications %+v in %d towns: want every status, some but not all open ones overdue", city, len(towns))
		}
		mine, _, err := svc.Rectifications(ctx, fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: clerk}, inspect.Filter{Status: inspect.StatusOpen})
		i := slices.IndexFunc(mine, func(r inspect.Rectification) bool { return r.ItemID == 10 && r.DueDate == "2020-02-13" })
		if err != nil || i < 0 || mine[i].Overdue {
			t.Fatalf("the clerk's open rectifications %+v %v", mine, err)
		}
		got, err := svc.Rectification(ctx, fugong.System, mine[i].ID)
		if err != nil || len(got.History) != 1 || got.History[0].By != "ducha" {
			t.Errorf("its history %+v %v", got.History, err)
		}
		// The sequences go on after the loaded ids.
		in := inspect.VisitInput{ChecklistID: 2, VisitedAt: now.Format(time.RFC3339), Inspectors: []string{"林晓峰"}}
		for _, it := range byID[2].Items {
			in.Answers = append(in.Answers, inspect.AnswerInput{ItemID: it.ID, Result: inspect.ResultFail, Note: "未落实",
				Owner: "企业负责人", DueDate: inspect.DueDate(now, it.DueDays)})
		}
		v, err := svc.RecordVisit(ctx, fugong.System, clerk, in, nil)
		if err != nil || v.ID != int64(len(vs)+1) {
			t.Errorf("a visit after the load: id %d, %v", v.ID, err)
		}
	})
}
