package demo

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/supplies"
)

// The demo city's supplies: stored quickly, most firms declared, a few
// short in several towns, the report's firms as it has them, the bureau's
// stock what came in less what went out.
func TestSeedSupplies(t *testing.T) {
	es, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2020, 2, 20, 10, 0, 0, 0, fugong.Location)
	a, _ := supplyStocks(es, now)
	b, _ := supplyStocks(es, now)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two draws of the stock differ")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return now }
		if err := db.LoadEnterprises(ctx, es); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := seedSupplies(ctx, db, es); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		t.Logf("supplies on %s took %v", db.Engine, took.Round(time.Millisecond))
		if took > 5*time.Second {
			t.Errorf("seeding the supplies took %v", took)
		}
		svc := &supplies.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
		sum, err := svc.Summary(ctx, demoSupplies)
		if err != nil {
			t.Fatal(err)
		}
		c := sum.City
		t.Logf("%d firms: %d declared, %d undeclared, %d short; %d masks for %d staff (%v days)",
			c.Enterprises, c.Declared, c.Undeclared, c.Shortages, c.Masks, c.StaffOnPost, *c.DaysOfCover)
		if share := float64(c.Declared) / float64(c.Enterprises); share < 0.88 || share > 0.95 {
			t.Errorf("%.2f of the firms declared, want about 0.92", share)
		}
		if c.Shortages < 40 || c.Shortages > 150 {
			t.Errorf("%d firms short, want a few dozen", c.Shortages)
		}
		towns := 0
		for _, tc := range sum.Towns {
			if tc.Shortages > 0 {
				towns++
			}
		}
		if towns < 5 {
			t.Errorf("shortages in %d towns, want several", towns)
		}

		byName := map[string]string{}
		for _, e := range es {
			byName[e.Name] = e.USCC
		}
		v, err := svc.Get(ctx, fugong.System, byName["浙江天盛食品有限公司"])
		if err != nil || v.StaffOnPost != 28 || v.Masks != 500 || *v.MasksCover().Days != 8.9 || v.Short {
			t.Errorf("天盛食品: %d staff, %d masks, short %v (%v)", v.StaffOnPost, v.Masks, v.Short, err)
		}
		if v, _ := svc.Get(ctx, fugong.System, byName[namedFirms[0].name]); !v.Short {
			t.Errorf("the demo clerk's firm is not short: %d masks for %d", v.Masks, v.StaffOnPost)
		}
		m, err := svc.Match(ctx, fugong.System, byName[namedFirms[0].name], "masks")
		if err != nil || len(m.Donors) == 0 || m.Donors[0].Nearness != supplies.SameTown {
			t.Errorf("no donor in the clerk's town: %+v %v", m.Donors, err)
		}

		als, total, err := svc.Allocations(ctx, fugong.System, supplies.AllocationFilter{Item: "masks", Page: 1, PerPage: 50})
		if err != nil || total != 8 {
			t.Fatalf("%d mask allocations (%v), want 8", total, err)
		}
		var out int64
		for _, al := range als {
			out += al.Quantity
			if v, _ := svc.Get(ctx, fugong.System, al.Enterprise); v.Short {
				t.Errorf("%s is still short after its allocation", al.EnterpriseName)
			}
		}
		stock, err := svc.BureauStock(ctx, fugong.System)
		if err != nil || stock.Masks != 70000-out || stock.Thermometers != 300-8 || stock.Suits != 800 {
			t.Errorf("bureau stock %+v (%v); %d masks went out", stock, err, out)
		}
	})
}
