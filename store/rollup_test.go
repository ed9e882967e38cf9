package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// sortedCells orders cells so two lists of the same cells compare equal.
func sortedCells(cs []production.Cell) []production.Cell {
	out := slices.Clone(cs)
	slices.SortFunc(out, func(a, b production.Cell) int {
		return cmpStrings(a.Town+a.SizeClass+a.Status, b.Town+b.SizeClass+b.Status)
	})
	return out
}

// normalTrend is a trend with its days' cells sorted, none nil: a day
// without cells is the same day whichever way it was read.
func normalTrend(days []production.DayCells) []production.DayCells {
	out := slices.Clone(days)
	for i := range out {
		out[i].Cells = append([]production.Cell{}, sortedCells(out[i].Cells)...)
	}
	return out
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkRollup compares the rollup with a recount from every firm
// (ProductionSummary, ProductionTrend) on each day, for the city and a town,
// and with the rollup rebuilt from scratch.
func checkRollup(t *testing.T, db *store.DB, step string, days []string) {
	t.Helper()
	ctx := context.Background()
	check := func(what string) {
		for _, who := range []fugong.Actor{fugong.System, tangxiaTown} {
			for _, d := range days {
				want, err := db.ProductionSummary(ctx, who, d)
				if err != nil {
					t.Fatal(err)
				}
				got, err := db.ProductionRollup(ctx, who, d, "")
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(sortedCells(got), sortedCells(want)) {
					t.Errorf("%s, %s, %s as %s: rollup\n%+v\nrecount\n%+v", step, what, d, who.Username, sortedCells(got), sortedCells(want))
				}
			}
			want, err := store.WalkedTrend(ctx, db, who, days[0], days[len(days)-1])
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.ProductionRollupTrend(ctx, who, days[0], days[len(days)-1], "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normalTrend(got), normalTrend(want)) {
				t.Errorf("%s, %s: trend as %s: rollup\n%+v\nrecount\n%+v", step, what, who.Username, got, want)
			}
		}
	}
	check("kept on write")
	if err := db.RecountRollup(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
}

// TestProductionRollup proves the rollup kept on write right against a
// recount after new days, corrections of past days (before later ones),
// and a firm's change of town, size class, staff and status.
func TestProductionRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fixedClock(db, time.Date(2020, 2, 20, 1, 0, 0, 0, time.UTC))
		a, b, c := ent(t, "MA6000001", "塘下镇", "甲厂"), ent(t, "MA6000002", "塘下镇", "乙厂"), ent(t, "MA6000003", "仙降街道", "丙厂")
		c.SizeClass, c.Employees = registry.SizeBelow, 37
		addFirms(t, db, a, b, c)
		coord := fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}
		for _, e := range []registry.Enterprise{a, b, c} {
			if err := db.SetEssential(ctx, coord, e.USCC, true, "保供"); err != nil {
				t.Fatal(err)
			}
		}
		days := []string{"2020-02-08", "2020-02-09", "2020-02-10", "2020-02-11", "2020-02-12", "2020-02-13", "2020-02-14"}
		checkRollup(t, db, "no days", days)
		put := func(uscc, date, status string, capacity, onPost int) {
			t.Helper()
			if _, _, err := db.PutProductionDay(ctx, coord, uscc, date, production.Figures{Status: status, CapacityPct: capacity,
				OnPostPct: onPost, Upstream: "normal", Downstream: "normal"}); err != nil {
				t.Fatal(err)
			}
		}
		put(a.USCC, "2020-02-10", production.StatusResumed, 40, 55)
		put(a.USCC, "2020-02-12", production.StatusFull, 100, 90)
		put(b.USCC, "2020-02-11", production.StatusResumed, 30, 33)
		put(c.USCC, "2020-02-09", production.StatusResumed, 20, 17)
		put(c.USCC, "2020-02-13", production.StatusClosed, 0, 0)
		checkRollup(t, db, "first days", days)

		// Corrections: a day before a later one, a day inserted between
		// two, a correction of the latest, a repeated PUT.
		put(a.USCC, "2020-02-10", production.StatusResumed, 60, 70)
		put(a.USCC, "2020-02-11", production.StatusClosed, 0, 0)
		put(c.USCC, "2020-02-13", production.StatusFull, 90, 99)
		put(c.USCC, "2020-02-13", production.StatusFull, 90, 99)
		put(b.USCC, "2020-02-08", production.StatusResumed, 10, 10)
		checkRollup(t, db, "corrections", days)

		// The firm changes: town, size class and staff, then leaves the
		// active ones and comes back.
		move := func(uscc string, edit func(e *registry.Enterprise)) {
			t.Helper()
			before, err := db.GetEnterprise(ctx, fugong.System, uscc)
			if err != nil {
				t.Fatal(err)
			}
			after := before
			edit(&after)
			if _, err := db.UpdateEnterprise(ctx, coord, before, after); err != nil {
				t.Fatal(err)
			}
		}
		move(a.USCC, func(e *registry.Enterprise) { e.Town = "330381010" })
		checkRollup(t, db, "a moved to 仙降", days)
		move(c.USCC, func(e *registry.Enterprise) { e.SizeClass, e.Employees = registry.SizeAbove, 120 })
		checkRollup(t, db, "c grew", days)
		move(b.USCC, func(e *registry.Enterprise) { e.Status = registry.StatusClosed })
		checkRollup(t, db, "b closed", days)
		put(b.USCC, "2020-02-14", production.StatusFull, 100, 100) // a closed firm's day: not counted
		move(b.USCC, func(e *registry.Enterprise) { e.Status = registry.StatusActive })
		checkRollup(t, db, "b back", days)

		// A firm new to the registry counts closed from the start.
		addFirms(t, db, ent(t, "MA6000004", "塘下镇", "丁厂"))
		checkRollup(t, db, "a new firm", days)
		for i := range 5 {
			put(c.USCC, fmt.Sprintf("2020-02-%02d", 8+i), production.StatusResumed, 10*i, 5*i)
		}
		checkRollup(t, db, "a run of days", days)

		// Bulk-loaded firms: the baseline kept as they load (LoadProduction
		// recounts the rollup with RecountRollup, checked above).
		bulk := []registry.Enterprise{ent(t, "MA6000005", "仙降街道", "戊厂"), ent(t, "MA6000006", "塘下镇", "己厂")}
		bulk[1].SizeClass, bulk[1].Employees = registry.SizeBelow, 7
		if err := db.LoadEnterprises(ctx, bulk); err != nil {
			t.Fatal(err)
		}
		checkRollup(t, db, "bulk-loaded firms", days)
	})
}

// TestDailyCountersAfterCorrectionsAndMoves proves the per-town report
// counters (daily_counts) right against a recount from the reports
// themselves (each firm's own completeness, summed by town) after
// corrections of past days and a firm's move to another town.
func TestDailyCountersAfterCorrectionsAndMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2020, 2, 12, 9, 0, 0, 0, fugong.Location) }
		firms := []registry.Enterprise{ent(t, "MA6100001", "塘下镇", "甲厂"), ent(t, "MA6100002", "塘下镇", "乙厂"), ent(t, "MA6100003", "仙降街道", "丙厂")}
		addFirms(t, db, firms...)
		days := []string{"2020-02-10", "2020-02-11", "2020-02-12"}
		submit := func(e registry.Enterprise, date string, f daily.Figures) {
			t.Helper()
			stored, err := db.GetEnterprise(ctx, fugong.System, e.USCC)
			if err != nil {
				t.Fatal(err)
			}
			clerk := fugong.Actor{Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
			if _, err := db.Submit(ctx, clerk, submission(stored, date, f, "")); err != nil {
				t.Fatal(err)
			}
		}
		check := func(step string) {
			t.Helper()
			for _, d := range days {
				kept, err := db.Completeness(ctx, fugong.System, d)
				if err != nil {
					t.Fatal(err)
				}
				recount := map[string]daily.Counts{}
				for _, e := range firms {
					own, err := db.Completeness(ctx, fugong.Actor{Username: "c", Role: fugong.RoleEnterprise, Enterprise: e.USCC}, d)
					if err != nil {
						t.Fatal(err)
					}
					for _, tc := range own {
						c := recount[tc.Town.Code]
						c.Received += tc.Received
						c.OnTime += tc.OnTime
						c.Totals.Fever += tc.Totals.Fever
						c.Totals.Returned += tc.Totals.Returned
						c.Totals.StaffTotal += tc.Totals.StaffTotal
						recount[tc.Town.Code] = c
					}
				}
				for _, tc := range kept {
					r := recount[tc.Town.Code]
					if tc.Received != r.Received || tc.OnTime != r.OnTime || tc.Totals.Fever != r.Totals.Fever ||
						tc.Totals.Returned != r.Totals.Returned || tc.Totals.StaffTotal != r.Totals.StaffTotal {
						t.Errorf("%s, %s, %s: counters %+v, recount %+v", step, d, tc.Town.Name, tc.Counts, r)
					}
					delete(recount, tc.Town.Code)
				}
				for town, r := range recount {
					if r.Received > 0 {
						t.Errorf("%s, %s: %s has %d reports the counters miss", step, d, town, r.Received)
					}
				}
			}
		}
		for i, d := range days {
			for j, e := range firms {
				submit(e, d, daily.Figures{StaffTotal: 10 + j, StaffInCity: 5, ReturnedToday: i, Fever: j % 2, OnDuty: 1})
			}
		}
		check("first reports")
		submit(firms[0], days[0], daily.Figures{StaffTotal: 30, StaffInCity: 9, ReturnedToday: 4, Fever: 2, OnDuty: 1})
		check("a past day corrected")
		before, err := db.GetEnterprise(ctx, fugong.System, firms[0].USCC)
		if err != nil {
			t.Fatal(err)
		}
		after := before
		after.Town = "330381010"
		if _, err := db.UpdateEnterprise(ctx, fugong.System, before, after); err != nil {
			t.Fatal(err)
		}
		check("moved to 仙降")
		submit(firms[0], days[1], daily.Figures{StaffTotal: 31, StaffInCity: 9, ReturnedToday: 1, Fever: 3, OnDuty: 1})
		check("corrected after the move")
	})
}
