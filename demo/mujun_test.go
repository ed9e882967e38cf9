package demo

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"fugong"
	"fugong/finance"
	"fugong/mujun"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// The demo city's 亩均 year: plausible classes, last year's for every firm
// rated both years, and the seed's scenario near its 15 million yuan of
// electricity and 0.5 million of water; the finance batches as reported.
func TestSeedMujunAndFinance(t *testing.T) {
	es, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	a18, a19 := mujunFigures(es)
	b18, b19 := mujunFigures(es)
	if !reflect.DeepEqual(a18, b18) || !reflect.DeepEqual(a19, b19) {
		t.Fatal("two draws of the figures differ")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2020, 2, 20, 10, 0, 0, 0, fugong.Location) }
		if err := db.LoadEnterprises(ctx, es); err != nil {
			t.Fatal(err)
		}
		if err := seedMujun(ctx, db, es); err != nil {
			t.Fatal(err)
		}
		if err := seedFinance(ctx, db, es); err != nil {
			t.Fatal(err)
		}
		svc := &mujun.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
		run, err := svc.RunOf(ctx, fugong.System, 2019, 0)
		if err != nil {
			t.Fatal(err)
		}
		d, err := svc.Distribution(ctx, fugong.System, run)
		if err != nil {
			t.Fatal(err)
		}
		total := run.Total()
		share := func(c mujun.Class) float64 { return float64(d.Totals[c]) * 100 / float64(total) }
		t.Logf("2019: %d firms rated: A %d (%.1f%%), B %d (%.1f%%), C %d (%.1f%%), D %d (%.1f%%)", total,
			d.Totals["A"], share("A"), d.Totals["B"], share("B"), d.Totals["C"], share("C"), d.Totals["D"], share("D"))
		// Ruian 2018: C 33.2 %, C− 6.1 %; exempt firms (B) shift the shares a little.
		if total < 6_700 || math.Abs(share("C")-33.2) > 2 || math.Abs(share("D")-6.1) > 1.5 {
			t.Errorf("the classes are not Ruian's")
		}
		// The run set the registry's classes (one UPDATE over the changes).
		_, inC, err := db.ListEnterprises(ctx, fugong.System, registry.Filter{MujunClass: "C", Page: 1, PerPage: 1})
		if err != nil || inC != d.Totals["C"] {
			t.Errorf("the registry has %d class-C firms, the run %d: %v", inC, d.Totals["C"], err)
		}
		sim, err := svc.Simulate(ctx, fugong.System, 2019, mujun.SeedPlan())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed scenario: %s yuan electricity, %s yuan water, %d firms", sim.Electricity, sim.Water, sim.Firms)
		if math.Abs(sim.Electricity.Yuan()-mujun.SeedElectricityYuan) > 100 || math.Abs(sim.Water.Yuan()-mujun.SeedWaterYuan) > 100 {
			t.Errorf("the seed scenario gives %s and %s yuan, want about 15,000,000 and 500,000", sim.Electricity, sim.Water)
		}
		// Last year's class is there for the firms rated in 2018.
		items, _, err := svc.Results(ctx, fugong.System, mujun.ResultFilter{Run: run.ID, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		withLast := 0
		for _, it := range items {
			if it.LastClass != "" {
				withLast++
			}
		}
		if withLast < 90 {
			t.Errorf("%d of 100 results have last year's class", withLast)
		}
		fin := &finance.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
		apps, err := fin.Applications(ctx, fugong.System, 0)
		if err != nil {
			t.Fatal(err)
		}
		bs := finance.Batches(apps)
		if len(bs) != 2 || bs[0].ByStatus[finance.Approved] != 9 || bs[0].Total != 9 ||
			bs[1].Total != 14 || bs[1].ByStatus[finance.Submitted]+bs[1].ByStatus[finance.Recommended] != 14 {
			t.Errorf("batches %+v", bs)
		}
		loans, err := fin.Loans(ctx, fugong.System)
		above := 0
		for _, l := range loans {
			if l.Subsidy.AboveCap {
				above++
			}
		}
		if err != nil || len(loans) != 6 || above != 1 {
			t.Errorf("%d loans, %d above the cap: %v", len(loans), above, err)
		}
		tot, err := fin.GrantTotals(ctx, fugong.System, finance.GrantFilter{})
		if err != nil || tot.All.Grants != 60 || len(tot.ByPolicy) != 2 {
			t.Errorf("grants %+v %v", tot.All, err)
		}
	})
}
