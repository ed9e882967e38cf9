package store_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// bulkCity makes n enterprises spread over the first towns, registered well
// before 2020-02.
func bulkCity(t testing.TB, n int) []registry.Enterprise {
	es := make([]registry.Enterprise, n)
	for i := range es {
		e := ent(t, fmt.Sprintf("BK%07d", i), registry.Towns[i%5].Code, fmt.Sprintf("批量企业%d", i))
		e.CreatedAt = time.Date(2019, 12, 31, 8, 0, 0, 0, fugong.Location)
		if i%7 == 0 {
			class := "B"
			e.MujunClass = &class
		}
		es[i] = e
	}
	return es
}

// bulkReports are reports of every enterprise for days, one in ten missing,
// one in four late.
func bulkReports(es []registry.Enterprise, days []string) []daily.Report {
	var out []daily.Report
	for _, e := range es {
		for j, d := range days {
			i := len(out)
			if (i+j)%10 == 9 {
				continue
			}
			at := daily.Deadline(daily.DefaultDeadline).At(d).Add(-time.Duration(i%300) * time.Minute)
			onTime := i%4 != 0
			if !onTime {
				at = at.Add(time.Duration(1+i%120) * time.Minute)
			}
			f := daily.Figures{StaffTotal: 10 + i%50, StaffInCity: 5 + i%5, ReturnedToday: i % 3, PersuadedToday: i % 2,
				TicketsRefundedToday: i % 2, HubeiStaff: i % 4, HubeiContactedToday: i % 3 / 2, Quarantined: i % 5,
				Fever: i / 97 % 2, OnDuty: i % 6, CommitmentSigned: i%5 != 0, Note: fmt.Sprint("备注", i)}
			out = append(out, daily.Report{USCC: e.USCC, Date: d, Figures: f, SubmittedAt: at, FirstAt: at,
				SubmittedBy: "loader", OnTime: onTime})
		}
	}
	return out
}

// The bulk loaders write what Submit would: the counters kept per town agree
// with sums over the raw rows, a loaded report reads back whole, and a later
// correction through Submit builds on it.
func TestLoadEnterprisesAndReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		es := bulkCity(t, 120)
		if err := db.LoadEnterprises(ctx, es); err != nil {
			t.Fatal(err)
		}
		_, n, err := db.ListEnterprises(ctx, fugong.System, registry.Filter{Page: 1, PerPage: 1})
		if err != nil || n != len(es) {
			t.Fatalf("%d enterprises stored, want %d (%v)", n, len(es), err)
		}
		got, err := db.GetEnterprise(ctx, fugong.System, es[7].USCC)
		if err != nil || got.Name != es[7].Name || got.MujunClass == nil || *got.MujunClass != "B" ||
			!got.CreatedAt.Equal(es[7].CreatedAt) || got.Status != registry.StatusActive {
			t.Fatalf("enterprise read back %+v %v", got, err)
		}

		// One report goes in through Submit first: loading adds to its counters.
		clerk := fugong.Actor{UserID: 1, Username: "clerk", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
		db.Now = func() time.Time { return time.Date(2020, 2, 12, 9, 0, 0, 0, fugong.Location) }
		submitted := es[len(es)-1]
		if _, err := db.Submit(ctx, clerk, submission(submitted, "2020-02-11", daily.Figures{StaffTotal: 3, StaffInCity: 2}, "")); err != nil {
			t.Fatal(err)
		}
		days := []string{"2020-02-09", "2020-02-10", "2020-02-11"}
		reports := bulkReports(es[:len(es)-1], days)
		town := map[string]string{}
		for _, e := range es {
			town[e.USCC] = e.Town
		}
		if err := db.LoadReports(ctx, reports, town); err != nil {
			t.Fatal(err)
		}

		// A cadre paired with every firm reads sums over the raw rows; the
		// city-wide statistics group reads the counters.
		cadre, err := db.CreateUser(ctx, fugong.System, account.User{Username: "cadre", Role: fugong.RoleCadre}, "x")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if err := db.PairCadre(ctx, fugong.System, e.USCC, cadre.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range days {
			counters, err := db.Completeness(ctx, clerk, d)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := db.Completeness(ctx, cadre.Actor(), d)
			if err != nil {
				t.Fatal(err)
			}
			if len(counters) != 5 || len(raw) != 5 {
				t.Fatalf("%s: %d towns by counters, %d by rows", d, len(counters), len(raw))
			}
			var want daily.Counts
			for _, r := range reports {
				if r.Date == d {
					want.Received++
					want.Totals.Fever += r.Fever
					want.Totals.StaffTotal += r.StaffTotal
				}
			}
			if d == "2020-02-11" {
				want.Received++
				want.Totals.StaffTotal += 3
			}
			var sum daily.Counts
			for i := range counters {
				if counters[i].Counts != raw[i].Counts {
					t.Errorf("%s town %s: counters %+v, rows %+v", d, counters[i].Town.Name, counters[i].Counts, raw[i].Counts)
				}
				sum.Received += counters[i].Received
				sum.Totals.Fever += counters[i].Totals.Fever
				sum.Totals.StaffTotal += counters[i].Totals.StaffTotal
			}
			if sum.Received != want.Received || sum.Totals != want.Totals {
				t.Errorf("%s: counted %+v, loaded %+v", d, sum, want)
			}
			_, missing, err := db.Missing(ctx, clerk, d, daily.Among{}, 1, 10)
			if err != nil || missing != len(es)-want.Received {
				t.Errorf("%s: %d missing, want %d (%v)", d, missing, len(es)-want.Received, err)
			}
		}

		first := reports[5]
		r, err := db.Report(ctx, first.USCC, first.Date)
		if err != nil || r.Version != 1 || r.Figures != first.Figures || !r.FirstAt.Equal(first.FirstAt) ||
			!r.SubmittedAt.Equal(first.SubmittedAt) || r.OnTime != first.OnTime || r.SubmittedBy != "loader" {
			t.Fatalf("loaded report read back\n%+v\nwant\n%+v (%v)", r, first, err)
		}
		db.Now = func() time.Time { return time.Date(2020, 2, 12, 18, 0, 0, 0, fugong.Location) }
		f := first.Figures
		f.Fever += 2
		res, err := db.Submit(ctx, clerk, submission(registry.Enterprise{USCC: first.USCC, Town: town[first.USCC]}, first.Date, f, ""))
		if err != nil || res.Created || res.Report.Version != 2 || res.Report.OnTime != first.OnTime {
			t.Fatalf("correction of a loaded report: %+v %v", res, err)
		}
		if vs, err := db.Versions(ctx, first.USCC, first.Date); err != nil || len(vs) != 2 || vs[0].Figures != first.Figures {
			t.Fatalf("versions %+v %v", vs, err)
		}
		counters, _ := db.Completeness(ctx, clerk, first.Date)
		raw, _ := db.Completeness(ctx, cadre.Actor(), first.Date)
		for i := range counters {
			if counters[i].Counts != raw[i].Counts {
				t.Errorf("after the correction, town %s: counters %+v, rows %+v", counters[i].Town.Name, counters[i].Counts, raw[i].Counts)
			}
		}

		if err := db.LoadReports(ctx, reports[:1], map[string]string{}); err == nil {
			t.Error("a report of an enterprise without a town was loaded")
		}
		if err := db.LoadReports(ctx, reports[:1], map[string]string{reports[0].USCC: "塘下镇"}); err == nil {
			t.Error("a report was loaded with a town name for its code")
		}
		bad := es[0]
		bad.USCC, bad.Town = uscc(t, "BK9999999"), "330381999"
		if err := db.LoadEnterprises(ctx, []registry.Enterprise{bad}); err == nil {
			t.Error("an enterprise of an unknown town was loaded")
		}
		// The loads skip the foreign-key checks; the connections they used
		// have them back.
		for range 3 {
			if err := db.PairCadre(ctx, fugong.System, uscc(t, "BK8888888"), cadre.ID); fugong.ErrorCode(err) != fugong.ENotFound {
				t.Fatalf("pairing with an enterprise that does not exist: %v", err)
			}
		}
		if err := db.LoadReports(ctx, reports[:1], town); err == nil {
			t.Error("a report loaded twice")
		}
		if err := db.ClearDay(ctx, "2020-02-11"); err != nil {
			t.Fatal(err)
		}
		if _, missing, err := db.Missing(ctx, clerk, "2020-02-11", daily.Among{}, 1, 1); err != nil || missing != len(es) {
			t.Errorf("after ClearDay %d missing, want %d (%v)", missing, len(es), err)
		}
		if c, _ := db.Completeness(ctx, clerk, "2020-02-11"); c[0].Received != 0 {
			t.Errorf("after ClearDay the counters say %+v", c[0].Counts)
		}
	})
}

// BenchmarkSubmitParallel measures durable submissions through the group
// committer, many goroutines at once, each a first report of its own
// enterprise (a correction once every enterprise has reported):
// go test -run '^$' -bench SubmitParallel ./store/
func BenchmarkSubmitParallel(b *testing.B) {
	ctx := context.Background()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			dsn := storetest.DSN(b, engine)
			db := storetest.Open(b, dsn)
			es := bulkCity(b, 100_000)
			if err := db.LoadEnterprises(ctx, es); err != nil {
				b.Fatal(err)
			}
			a := fugong.Actor{UserID: 1, Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
			date := daily.Today(time.Now())
			var next atomic.Int64
			procs := runtime.GOMAXPROCS(0)
			for _, per := range []int{1, max(1, 64/procs)} { // goroutines per P
				b.Run(fmt.Sprint("submitters-", per*procs), func(b *testing.B) {
					b.SetParallelism(per)
					before := db.CommitStats()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							i := next.Add(1) - 1
							e := es[i%int64(len(es))]
							f := daily.Figures{StaffTotal: 20, StaffInCity: 12, ReturnedToday: int(i % 3), OnDuty: 2, CommitmentSigned: true}
							if _, err := db.Submit(ctx, a, submission(e, date, f, fmt.Sprint("k", i))); err != nil {
								b.Fatal(err)
							}
						}
					})
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
					// One log flush per committed transaction (synchronous
					// FULL on SQLite, synchronous_commit on PostgreSQL).
					b.ReportMetric(float64(db.CommitStats().Batches-before.Batches)/float64(b.N), "fsyncs/op")
				})
			}
		})
	}
}
