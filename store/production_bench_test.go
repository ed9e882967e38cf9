package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"fugong"
	"fugong/loadtest"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// productionDB opens a database of the engine with n generated enterprises
// and days of production each: closed at first, back at work from a day of
// their own, climbing to full capacity.
func productionDB(b *testing.B, engine string, n, days int) (*store.DB, string) {
	b.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(b, engine)
	db := storetest.Open(b, dsn)
	registered := time.Date(2020, 1, 1, 9, 0, 0, 0, fugong.Location)
	es := make([]registry.Enterprise, n)
	for i := range es {
		es[i] = loadtest.Enterprise(i, registered)
	}
	if err := db.LoadEnterprises(ctx, es); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2020, 2, 1, 0, 0, 0, 0, fugong.Location)
	var essential []production.Essential
	rows := make([]production.Day, 0, n*days)
	for i, e := range es {
		if i%100 == 0 {
			essential = append(essential, production.Essential{USCC: e.USCC, SetBy: "bench", SetAt: registered})
		}
		back := i % days // the day it resumes
		for d := range days {
			day := production.Day{USCC: e.USCC, Date: start.AddDate(0, 0, d).Format(time.DateOnly), UpdatedBy: "bench",
				UpdatedAt: start.AddDate(0, 0, d).Add(10 * time.Hour)}
			day.Figures = production.Figures{Status: production.StatusClosed, OnPostPct: 5, Upstream: "normal", Downstream: "normal"}
			if d >= back {
				day.CapacityPct = min(100, 30+3*(d-back))
				day.OnPostPct = min(100, 50+2*(d-back))
				day.Status = production.StatusResumed
				if day.CapacityPct >= production.FullThreshold {
					day.Status = production.StatusFull
				}
			}
			rows = append(rows, day)
		}
	}
	if err := db.LoadProduction(ctx, essential, nil, rows); err != nil {
		b.Fatal(err)
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	return db, start.AddDate(0, 0, days-1).Format(time.DateOnly)
}

// BenchmarkProductionSummary measures the day's summary, the trend and a
// drill-down page at 10,000 enterprises with 30 days of production each
// (FUGONG_BENCH_FIRMS sets another number):
// go test -run '^$' -bench ProductionSummary ./store/
func BenchmarkProductionSummary(b *testing.B) {
	ctx := context.Background()
	const days = 30
	firms := 10_000
	if n, err := strconv.Atoi(os.Getenv("FUGONG_BENCH_FIRMS")); err == nil && n > 0 {
		firms = n
	}
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			db, last := productionDB(b, engine, firms, days)
			town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
			b.Run("summary-city", func(b *testing.B) {
				for b.Loop() {
					cells, err := db.ProductionSummary(ctx, fugong.System, last)
					if err != nil {
						b.Fatal(err)
					}
					if s := production.Compose(last, cells); s.City.Total != firms {
						b.Fatalf("summed %d enterprises, want %d", s.City.Total, firms)
					}
				}
			})
			b.Run("summary-town", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ProductionSummary(ctx, town, last); err != nil {
						b.Fatal(err)
					}
				}
			})
			end, err := time.ParseInLocation(time.DateOnly, last, fugong.Location)
			if err != nil {
				b.Fatal(err)
			}
			from := end.AddDate(0, 0, 1-days).Format(time.DateOnly)
			// The page's trend of the city, from the rollup.
			b.Run("trend-30-days", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ProductionTrend(ctx, fugong.System, from, last); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The same 30 days walked over every report, as before the
			// rollup (and as a cadre's few firms still are).
			b.Run("trend-30-days-walked", func(b *testing.B) {
				for b.Loop() {
					if err := store.WalkTrend(ctx, db, from, last); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("trend-30-days-town", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ProductionTrend(ctx, town, from, last); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("drill-down-page", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := db.ProductionEnterprises(ctx, fugong.System, production.Filter{Date: last,
						Status: production.StatusResumed, SizeClass: registry.SizeBelow, Page: 3, PerPage: 50}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
