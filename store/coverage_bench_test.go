package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/inspect"
	"fugong/loadtest"
	"fugong/pairing"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// coverageDB opens a database of the engine with n generated enterprises,
// each visited about weekly over 60 days (every fifth by its paired cadre,
// one cadre to ten firms).
func coverageDB(b *testing.B, engine string, n int) (*store.DB, time.Time) {
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
	lists, err := db.Checklists(ctx, false)
	if err != nil || len(lists) == 0 {
		b.Fatalf("checklists %v %v", lists, err)
	}
	c := lists[0]
	start := time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location)
	const days = 60
	cadres := map[int]string{}
	for i := 0; i < n/10; i += 10 {
		u, err := db.CreateUser(ctx, fugong.System, account.User{Username: fmt.Sprintf("gb%05d", i), Role: fugong.RoleCadre}, "x")
		if err != nil {
			b.Fatal(err)
		}
		for j := i; j < i+10 && j < n; j++ {
			if err := db.PairCadre(ctx, fugong.System, es[j].USCC, u.ID); err != nil {
				b.Fatal(err)
			}
			cadres[j] = u.Username
		}
	}
	var vs []inspect.Visit
	for i, e := range es {
		for d := i % 7; d < days; d += 7 {
			by := "ducha"
			if name, ok := cadres[i]; ok && d%5 == 0 {
				by = name
			}
			at := start.AddDate(0, 0, d)
			vs = append(vs, inspect.Visit{VisitSummary: inspect.VisitSummary{Enterprise: e.USCC, ChecklistID: c.ID,
				ChecklistVersion: c.Version, VisitedAt: at, Inspectors: []string{"林晓峰"}, RecordedBy: by, RecordedAt: at}})
		}
	}
	if err := db.LoadVisits(ctx, vs); err != nil {
		b.Fatal(err)
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	return db, start.AddDate(0, 0, days-1)
}

// BenchmarkCoverage measures a week's coverage for the city and a town and
// the cadres' duty list at 10,000 enterprises visited weekly for 60 days
// (FUGONG_BENCH_FIRMS sets another number):
// go test -run '^$' -bench Coverage ./store/
func BenchmarkCoverage(b *testing.B) {
	ctx := context.Background()
	firms := 10_000
	if n, err := strconv.Atoi(os.Getenv("FUGONG_BENCH_FIRMS")); err == nil && n > 0 {
		firms = n
	}
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			db, last := coverageDB(b, engine, firms)
			o := &inspect.Oversight{Store: db, Intervals: &pairing.Service{Store: db}, Now: func() time.Time { return last }}
			to := last.Format(time.DateOnly)
			from := last.AddDate(0, 0, -6).Format(time.DateOnly)
			town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
			b.Run("week-city", func(b *testing.B) {
				for b.Loop() {
					c, err := o.Coverage(ctx, fugong.System, from, to)
					if err != nil {
						b.Fatal(err)
					}
					if c.City.Visited != firms {
						b.Fatalf("%d of %d visited in the week", c.City.Visited, firms)
					}
				}
			})
			b.Run("week-town", func(b *testing.B) {
				for b.Loop() {
					if _, err := o.Coverage(ctx, town, from, to); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("cadres-city", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := o.Duties(ctx, fugong.System); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
