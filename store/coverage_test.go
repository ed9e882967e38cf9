package store_test

import (
	"context"
	"testing"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/pairing"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

func TestCoverageAndDuties(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInspectEnv(t, db)
		pairings := &pairing.Service{Store: db, Registry: &registry.Service{Store: db}}
		o := &inspect.Oversight{Store: db, Intervals: pairings, Now: func() time.Time { return e.now }}
		c := checklistNamed(t, e.svc, "六必查")
		// 塘下 fully covered on the 10th (tangA twice), 仙降 on the 3rd only.
		e.visit(t, inspInspector, e.tangA, c, "2020-02-10T09:00:00+08:00", nil)
		e.visit(t, e.cadreA, e.tangA, c, "2020-02-10T00:10:00+08:00", nil)
		e.visit(t, inspInspector, e.tangB, c, "2020-02-09T23:59:00+08:00", nil)
		e.visit(t, inspInspector, e.xianA, c, "2020-02-03T10:00:00+08:00", nil)

		for _, tc := range []struct {
			who                    fugong.Actor
			from, to               string
			city                   inspect.Area
			towns, full            int
			tangxiaVisited, tTotal int
		}{
			{inspInspector, "2020-02-10", "2020-02-10", inspect.Area{Visited: 1, Total: 3}, 2, 0, 1, 2},
			{inspInspector, "2020-02-09", "2020-02-10", inspect.Area{Visited: 2, Total: 3}, 2, 1, 2, 2},
			{inspInspector, "2020-02-01", "2020-02-10", inspect.Area{Visited: 3, Total: 3}, 2, 2, 2, 2},
			{inspTangxia, "2020-02-01", "2020-02-10", inspect.Area{Visited: 2, Total: 2}, 1, 1, 2, 2},
			{inspXianjiang, "2020-02-04", "2020-02-10", inspect.Area{Visited: 0, Total: 1}, 1, 0, 0, 0},
			{e.cadreA, "2020-02-01", "2020-02-10", inspect.Area{Visited: 1, Total: 1}, 1, 1, 1, 1},
		} {
			cov, err := o.Coverage(ctx, tc.who, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if cov.City != tc.city || len(cov.Towns) != tc.towns || cov.FullTowns() != tc.full {
				t.Errorf("%s %s..%s: city %+v, %d towns, %d full; want %+v, %d, %d", tc.who.Username, tc.from, tc.to,
					cov.City, len(cov.Towns), cov.FullTowns(), tc.city, tc.towns, tc.full)
			}
			for _, town := range cov.Towns {
				if town.Town.Name == "塘下镇" && (town.Visited != tc.tangxiaVisited || town.Total != tc.tTotal) {
					t.Errorf("%s: 塘下 %+v, want %d of %d", tc.who.Username, town.Area, tc.tangxiaVisited, tc.tTotal)
				}
			}
		}
		if _, err := o.Coverage(ctx, fugong.Actor{Role: fugong.RoleCheckpoint, Town: "330381010"}, "", ""); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("checkpoint reads coverage: %v", err)
		}

		// The cadre visited tangA on the 10th at 00:10; with the default
		// 7 days they are behind from the 17th at 00:10.
		for _, tc := range []struct {
			at     time.Time
			behind int
		}{
			{time.Date(2020, 2, 17, 0, 0, 0, 0, fugong.Location), 0},
			{time.Date(2020, 2, 17, 0, 11, 0, 0, fugong.Location), 1},
		} {
			e.now = tc.at
			ds, interval, err := o.Duties(ctx, inspTangxia)
			if err != nil {
				t.Fatal(err)
			}
			if interval != 7 || len(ds) != 1 || ds[0].Cadre != "ganbu" || ds[0].Paired != 1 || len(ds[0].Overdue) != tc.behind {
				t.Fatalf("at %v: %+v interval %d, want ganbu with 1 paired, %d behind", tc.at, ds, interval, tc.behind)
			}
			if last := ds[0].Overdue; tc.behind == 1 && (last[0].LastVisit == nil || !last[0].LastVisit.Equal(time.Date(2020, 2, 10, 0, 10, 0, 0, fugong.Location))) {
				t.Errorf("last visit %v, want the cadre's own at 00:10 (not the inspector's later one)", last[0].LastVisit)
			}
		}
		if err := pairings.SetVisitInterval(ctx, inspAdmin, 14); err != nil {
			t.Fatal(err)
		}
		if ds, interval, err := o.Duties(ctx, inspTangxia); err != nil || interval != 14 || len(ds[0].Overdue) != 0 {
			t.Errorf("with 14 days: %+v %d %v, want none behind", ds, interval, err)
		}
		if ds, _, err := o.Duties(ctx, inspXianjiang); err != nil || len(ds) != 0 {
			t.Errorf("仙降 sees 塘下's cadre: %+v %v", ds, err)
		}
	})
}
