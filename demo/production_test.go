package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// The generated month obeys the rules the service enforces: no firm works
// on a day without its permit, every figure is valid, applications are
// planned no earlier than they were submitted and decided after.
func TestProductionHistoryFollowsTheRules(t *testing.T) {
	es, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	clerk, _ := firmByName(es, namedFirms[0].name)
	now := time.Date(2020, 2, 20, 11, 0, 0, 0, fugong.Location)
	essential, apps, days := productionHistory(es, clerk, now)
	if len(essential) != essentialCount {
		t.Errorf("%d essential firms, want %d", len(essential), essentialCount)
	}
	byUSCC := map[string]registry.Enterprise{}
	for _, e := range es {
		byUSCC[e.USCC] = e
	}
	permit := map[string]production.Permit{}
	for _, x := range essential {
		permit[x.USCC] = production.Permit{Essential: true}
	}
	count := map[string]int{}
	for _, a := range apps {
		count[a.Status]++
		if a.PlannedDate < daily.Today(a.SubmittedAt) || a.SubmittedAt.After(now) {
			t.Errorf("%s: planned %s, submitted %v", a.USCC, a.PlannedDate, a.SubmittedAt)
		}
		if a.DecidedAt != nil && (a.DecidedAt.Before(a.SubmittedAt) || a.DecidedAt.After(now)) {
			t.Errorf("%s: submitted %v, decided %v", a.USCC, a.SubmittedAt, a.DecidedAt)
		}
		if a.Status == production.AppApproved {
			p := permit[a.USCC]
			if p.ApprovedAt != nil {
				t.Errorf("%s approved twice", a.USCC)
			}
			p.ApprovedAt = a.DecidedAt
			permit[a.USCC] = p
		}
		if a.StaffExpected > byUSCC[a.USCC].Employees {
			t.Errorf("%s expects %d of %d staff", a.USCC, a.StaffExpected, byUSCC[a.USCC].Employees)
		}
	}
	if count[production.AppApproved] < 4000 || count[production.AppSubmitted] < 100 || count[production.AppReturned] < 100 {
		t.Errorf("applications by status %v: want most approved, some pending, some returned", count)
	}
	today := daily.Today(now)
	for _, d := range days {
		f := d.Figures
		if ps := f.Normalize(byUSCC[d.USCC].Employees); len(ps) > 0 {
			t.Fatalf("%s %s %+v: %v", d.USCC, d.Date, d.Figures, ps)
		}
		if err := production.CheckPermit(d.Status, d.Date, permit[d.USCC]); err != nil {
			t.Fatalf("%s %s: %v", d.USCC, d.Date, err)
		}
		if d.Date > today || d.UpdatedAt.After(now) || (d.Date == today && d.USCC == clerk) {
			t.Fatalf("%s %s updated %v", d.USCC, d.Date, d.UpdatedAt)
		}
	}
}

// The demo city opens on the report's figures: every above-scale firm back
// at work today, nearly 5,000 below-scale ones.
func TestSeedProduction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Now()
		if _, err := Seed(ctx, db, nil, false); err != nil {
			t.Fatal(err)
		}
		t.Logf("Seed on %s took %v", db.Engine, time.Since(start).Round(time.Millisecond))
		today := daily.Today(db.Now())
		start = time.Now()
		cells, err := db.ProductionSummary(ctx, fugong.System, today)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("the city's summary took %v", time.Since(start).Round(time.Millisecond))
		s := production.Compose(today, cells)
		above, below := s.BySize.Above, s.BySize.Below
		if above.Total < 1000 || above.Working != above.Total {
			t.Errorf("above scale: %d of %d back at work, want all", above.Working, above.Total)
		}
		if below.Working < 4750 || below.Working > 5000 {
			t.Errorf("below scale: %d back at work, want nearly 5,000", below.Working)
		}
		h := production.Headline(s, "全市")
		if !strings.Contains(strings.Join(h, ""), "规模以上工业企业") || !strings.Contains(h[1], "已全部复工") || !strings.Contains(h[2], "复工近5000家") {
			t.Errorf("headline %q", h)
		}
		// A month ago nearly everything but the essential firms was closed.
		early := production.Compose("", mustCells(t, db, daily.Today(db.Now().AddDate(0, 0, -historyDays))))
		if early.City.Working > essentialCount || early.City.Working == 0 {
			t.Errorf("a month ago %d firms at work", early.City.Working)
		}
		apps, total, err := db.ResumptionApplications(ctx, fugong.Actor{Role: fugong.RoleTown, Town: tangxia},
			production.AppFilter{Status: production.AppSubmitted, Page: 1, PerPage: 5})
		if err != nil || total == 0 || len(apps) == 0 {
			t.Errorf("塘下 has %d applications to decide (%v)", total, err)
		}
		list, n, err := db.EssentialList(ctx, fugong.System, 1, 100)
		if err != nil || n != essentialCount || len(list) != essentialCount {
			t.Errorf("essential list %d %v", n, err)
		}
	})
}

func mustCells(t *testing.T, db *store.DB, date string) []production.Cell {
	t.Helper()
	cells, err := db.ProductionSummary(context.Background(), fugong.System, date)
	if err != nil {
		t.Fatal(err)
	}
	return cells
}
