package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fugong"
	"fugong/audit"
	"fugong/mujun"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

var statistician = fugong.Actor{UserID: 1, Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}

func mujunService(db *store.DB) *mujun.Service {
	return &mujun.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
}

// figures are plausible annual figures of a firm, scaled by k.
func figures(uscc string, year int, k float64) mujun.AnnualData {
	em := 0.5 * k
	return mujun.AnnualData{USCC: uscc, Year: year, LandMu: 10, TaxWan: 30 * k, ValueAddedWan: 150 * k, RevenueWan: 600 * k,
		EnergyTce: 60 * k, EmissionsT: &em, RDWan: 18 * k, Staff: 80, ElectricityKWh: 400_000 * k, WaterT: 2_000 * k}
}

// mujunCity registers n firms of each size in 塘下 and 仙降 (alternating)
// and returns their codes, above-scale first.
func mujunCity(t *testing.T, db *store.DB, n int) (above, below []string) {
	t.Helper()
	ctx := context.Background()
	for i := range 2 * n {
		town := tangxia
		if i%2 == 1 {
			town = xianjiang
		}
		e := ent(t, fmt.Sprintf("MJ%07d", i), town, fmt.Sprintf("瑞安市亩均测试%02d有限公司", i))
		if i >= n {
			e.SizeClass = registry.SizeBelow
		}
		if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
			t.Fatal(err)
		}
		if i < n {
			above = append(above, e.USCC)
		} else {
			below = append(below, e.USCC)
		}
	}
	return above, below
}

func TestMujunAnnualDataSavedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := mujunService(db)
		above, _ := mujunCity(t, db, 1)
		d := figures(above[0], 2019, 1)
		got, created, err := svc.SaveAnnualData(ctx, statistician, d)
		if err != nil || !created || got.USCC != above[0] {
			t.Fatalf("first save: %+v %v %v", got, created, err)
		}
		d.EmissionsT = nil
		d.TaxWan = 31.5
		if _, created, err = svc.SaveAnnualData(ctx, statistician, d); err != nil || created {
			t.Fatalf("second save: %v %v", created, err)
		}
		back, err := db.AnnualData(ctx, above[0], 2019)
		if err != nil || back.TaxWan != 31.5 || back.EmissionsT != nil || back.LandMu != 10 || back.ElectricityKWh != 400_000 {
			t.Fatalf("read back %+v %v", back, err)
		}
		if n := auditCount(t, db, "mujun_annual_data", above[0]+"/2019"); n != 2 {
			t.Errorf("%d audit rows, want 2", n)
		}
		if _, err := db.AnnualData(ctx, above[0], 2018); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("a year without figures: %v", err)
		}
		years, err := db.DataYears(ctx)
		if err != nil || !slices.Equal(years, []mujun.YearCount{{Year: 2019, Firms: 1}}) {
			t.Errorf("years %v %v", years, err)
		}
		// Zero land and a firm not in the registry store nothing.
		bad := figures(above[0], 2019, 1)
		bad.LandMu = 0
		if _, _, err := svc.SaveAnnualData(ctx, statistician, bad); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("zero land: %v", err)
		}
		if _, err := db.SaveAnnualData(ctx, statistician, []mujun.AnnualData{figures(uscc(t, "MJ9999999"), 2019, 1)}); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("unknown firm: %v", err)
		}
		// Only the statistics group and the admin write.
		insp := fugong.Actor{Username: "ducha", Role: fugong.RoleBureau, Group: fugong.GroupInspection}
		if _, _, err := svc.SaveAnnualData(ctx, insp, figures(above[0], 2019, 1)); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the inspection group: %v", err)
		}
	})
}

func TestMujunRunsKeepVersionsAndSetClasses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := mujunService(db)
		above, below := mujunCity(t, db, 8)
		if _, err := svc.Evaluate(ctx, statistician, 2019, ""); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("a year with no data: %v", err)
		}
		var rows []mujun.AnnualData
		for i, u := range append(slices.Clone(above), below...) {
			rows = append(rows, figures(u, 2018, float64(8-i%8)), figures(u, 2019, float64(1+i%8)))
		}
		if _, err := db.SaveAnnualData(ctx, statistician, rows); err != nil {
			t.Fatal(err)
		}
		// Last year's run first: the 2019 results show its classes.
		r18, err := svc.Evaluate(ctx, statistician, 2018, "")
		if err != nil || r18.Version != 1 || r18.SetClasses {
			t.Fatalf("2018: %+v %v", r18, err)
		}
		r1, err := svc.Evaluate(ctx, statistician, 2019, "首次评价")
		if err != nil || r1.Version != 1 || !r1.SetClasses || r1.Total() != 16 || r1.Graded[mujun.Above] != 8 {
			t.Fatalf("2019: %+v %v", r1, err)
		}
		d, err := svc.Distribution(ctx, fugong.System, r1)
		// 8 per group at 25/70/95: A 2, B 4 (to 5.6 → 6), C 2 (to 7.6 → 8), D 0.
		if err != nil || d.Totals[mujun.ClassA] != 4 || d.Totals[mujun.ClassB] != 8 || d.Totals[mujun.ClassC] != 4 || d.Totals[mujun.ClassD] != 0 {
			t.Fatalf("distribution %+v %v", d.Totals, err)
		}
		items, total, err := svc.Results(ctx, fugong.System, mujun.ResultFilter{Run: r1.ID, Group: mujun.Above})
		if err != nil || total != 8 || len(items) != 8 {
			t.Fatalf("results %d of %d: %v", len(items), total, err)
		}
		// The best above-scale firm is the one with the largest figures,
		// the eighth; last year it was the smallest (C: 95 % of 8 rounds to all).
		best := items[0]
		if best.USCC != above[7] || best.CityRank != 1 || best.Class != mujun.ClassA || best.LastClass != mujun.ClassC || len(best.Marks) != 6 {
			t.Errorf("best: %+v", best)
		}
		for i := 1; i < len(items); i++ {
			if items[i].Score > items[i-1].Score {
				t.Errorf("results out of order at %d", i)
			}
		}
		// A town sees its own firms only, in the counts too.
		town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
		_, n, err := svc.Results(ctx, town, mujun.ResultFilter{Run: r1.ID})
		if err != nil || n != 8 {
			t.Errorf("the town's results: %d %v", n, err)
		}
		td, _ := svc.Distribution(ctx, town, r1)
		if td.Groups[mujun.Above]+td.Groups[mujun.Below] != 8 {
			t.Errorf("the town's distribution %+v", td.Groups)
		}
		// City filters add up from the kept counts.
		_, n, _ = svc.Results(ctx, fugong.System, mujun.ResultFilter{Run: r1.ID, Town: xianjiang, Class: mujun.ClassA})
		_, m, _ := svc.Results(ctx, town, mujun.ResultFilter{Run: r1.ID, Class: mujun.ClassA})
		if n+m != 4 {
			t.Errorf("A firms by town: %d + %d, want 4", n, m)
		}
		// The registry got the classes, each change audited.
		e, _ := db.GetEnterprise(ctx, fugong.System, above[7])
		if e.MujunClass == nil || *e.MujunClass != "A" {
			t.Errorf("registry class %v", e.MujunClass)
		}
		if n := auditCount(t, db, "enterprise", above[7]); n != 2 { // created, then classed
			t.Errorf("%d audit rows of the firm, want 2", n)
		}
		es, _, err := db.ListAudit(ctx, audit.Filter{Entity: "enterprise", EntityID: above[7], Page: 1, PerPage: 1})
		if err != nil || len(es) != 1 || !strings.Contains(string(es[0].Before), `"mujun_class"`) ||
			!strings.Contains(string(es[0].After), `"evaluation_id"`) || !strings.HasPrefix(string(es[0].After), "{") {
			t.Errorf("the class's audit row %s → %s %v", es[0].Before, es[0].After, err)
		}
		// A correction and a re-run: a second version, the first kept, moves shown.
		fix := figures(above[0], 2019, 20)
		if _, _, err := svc.SaveAnnualData(ctx, statistician, fix); err != nil {
			t.Fatal(err)
		}
		r2, err := svc.Evaluate(ctx, statistician, 2019, "更正后重评")
		if err != nil || r2.Version != 2 {
			t.Fatalf("re-run %+v %v", r2, err)
		}
		runs, _ := svc.Runs(ctx, fugong.System, 2019)
		if len(runs) != 2 || runs[0].ID != r2.ID || runs[1].Note != "首次评价" {
			t.Errorf("runs %+v", runs)
		}
		moves, err := svc.Moves(ctx, fugong.System, r1, r2)
		if err != nil || len(moves) == 0 || moves[0].USCC != above[0] || moves[0].From != mujun.ClassD && moves[0].From != mujun.ClassC || moves[0].To != mujun.ClassA {
			t.Errorf("moves %+v %v", moves, err)
		}
		l, err := db.Result(ctx, r1.ID, above[0])
		if err != nil || l.Class == mujun.ClassA {
			t.Errorf("the first run keeps its result: %+v %v", l, err)
		}
		fr := r2.Detail(must(db.Result(ctx, r2.ID, above[0])))
		if len(fr.Indicators) != 6 || fr.Indicators[0].Key != mujun.TaxPerMu || fr.Indicators[0].Benchmark != 26.01 || *fr.CityRank != 1 {
			t.Errorf("detail %+v", fr)
		}
		// Relief over the run's classes.
		uses, err := db.Uses(ctx, fugong.System, r2.ID)
		if err != nil || len(uses) != 16 {
			t.Fatalf("uses %d %v", len(uses), err)
		}
		sim, err := svc.Simulate(ctx, fugong.System, 2019, mujun.SeedPlan())
		if err != nil || sim.Firms == 0 || sim.Total != sim.Electricity+sim.Water || len(sim.Basis) != 2 {
			t.Fatalf("simulation %+v %v", sim, err)
		}
		coord := fugong.Actor{Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}
		sc, err := svc.SaveScenario(ctx, coord, "暂停C类加价至6月底", 2019, mujun.SeedPlan())
		if err != nil || sc.ID == 0 || sc.Relief.Total != sim.Total {
			t.Fatalf("scenario %+v %v", sc, err)
		}
		back, err := db.Scenario(ctx, sc.ID)
		if err != nil || back.Name != sc.Name || back.Relief.Total != sim.Total || len(back.Relief.Items) != len(sim.Items) {
			t.Errorf("scenario read back %+v %v", back.Name, err)
		}
		if _, err := svc.SaveScenario(ctx, statistician, "x", 2019, mujun.SeedPlan()); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the statistics group saving a scenario: %v", err)
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestMujunImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := mujunService(db)
		above, _ := mujunCity(t, db, 2)
		good := func(u string) mujun.ImportRow {
			return mujun.ImportRow{Row: 2, Data: figures(u, 0, 1), Columns: map[string]string{"land_mu": "用地面积（亩）", "uscc": "统一社会信用代码"}}
		}
		rows := []mujun.ImportRow{good(above[0]), good(above[1]), good(uscc(t, "MJ9999999"))}
		rows[1].Row, rows[2].Row = 3, 4
		rows[1].Data.LandMu = -1
		_, err := svc.Import(ctx, statistician, 2019, rows, false)
		ie, ok := err.(*mujun.ImportError)
		if !ok || len(ie.Rows) != 2 || ie.Rows[0].Row != 3 || ie.Rows[0].Column != "用地面积（亩）" || ie.Rows[1].Row != 4 {
			t.Fatalf("bad rows: %v", err)
		}
		if years, _ := db.DataYears(ctx); len(years) != 0 {
			t.Fatalf("stored %v from a bad file", years)
		}
		res, err := svc.Import(ctx, statistician, 2019, rows, true)
		if err != nil || res.Created != 1 || len(res.BadRows) != 2 {
			t.Fatalf("skipping bad rows: %+v %v", res, err)
		}
	})
}

// The years' counts are kept by every write of figures, the bulk load
// too: an update counts nothing, a rolled-back save nothing.
func TestMujunDataYearsCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		above, below := mujunCity(t, db, 2)
		if err := db.LoadAnnualData(ctx, []mujun.AnnualData{figures(above[0], 2018, 1), figures(above[1], 2019, 1), figures(below[0], 2019, 1)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveAnnualData(ctx, statistician, []mujun.AnnualData{figures(above[1], 2019, 2), figures(above[0], 2020, 1)}); err != nil {
			t.Fatal(err)
		}
		// The second row names no enterprise: the first is not kept either.
		if _, err := db.SaveAnnualData(ctx, statistician, []mujun.AnnualData{figures(below[1], 2020, 1), figures(uscc(t, "MJ9999999"), 2020, 1)}); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("unknown firm: %v", err)
		}
		want := []mujun.YearCount{{Year: 2020, Firms: 1}, {Year: 2019, Firms: 2}, {Year: 2018, Firms: 1}}
		if years, err := db.DataYears(ctx); err != nil || !slices.Equal(years, want) {
			t.Errorf("years %v %v, want %v", years, err, want)
		}
	})
}
