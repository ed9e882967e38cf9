package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

func TestSubmitAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var es []registry.Enterprise
		for i := range 3 {
			es = append(es, ent(t, fmt.Sprintf("MB%07d", i), "330381101", fmt.Sprintf("批量企业%d", i)))
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2020, 2, 10, 9, 0, 0, 0, fugong.Location) }
		a := fugong.Actor{UserID: 1, Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
		f := daily.Figures{StaffTotal: 10, StaffInCity: 8, ReturnedToday: 1}
		if _, err := db.Submit(ctx, a, submission(es[0], "2020-02-10", f, "")); err != nil {
			t.Fatal(err)
		}
		f2 := f
		f2.ReturnedToday = 3
		res, err := db.SubmitAll(ctx, a, []daily.Submission{submission(es[0], "2020-02-10", f2, ""),
			submission(es[1], "2020-02-10", f, ""), submission(es[2], "2020-02-09", f, "")})
		if err != nil || len(res) != 3 || res[0].Created || res[0].Report.Version != 2 || !res[1].Created || !res[2].Created || !res[1].Report.OnTime {
			t.Fatalf("%+v %v", res, err)
		}
		comp, err := db.Completeness(ctx, fugong.System, "2020-02-10")
		if err != nil {
			t.Fatal(err)
		}
		if len(comp) != 1 || comp[0].Received != 2 || comp[0].Totals.Returned != 4 {
			t.Fatalf("counters %+v", comp)
		}
		entries, _, err := db.ListAudit(ctx, audit.Filter{Entity: "daily_report", Page: 1, PerPage: 10})
		if err != nil || len(entries) != 4 {
			t.Fatalf("audit %+v %v", entries, err)
		}

		// A correction of a report that was in at a sign-off, anywhere in
		// the batch, rolls all of it back.
		if _, err := db.SubmitAll(ctx, a, []daily.Submission{submission(es[1], "2020-02-08", f, "")}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignOff(ctx, fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}, "330381101", "2020-02-08"); err != nil {
			t.Fatal(err)
		}
		_, err = db.SubmitAll(ctx, a, []daily.Submission{submission(es[0], "2020-02-07", f, ""),
			submission(es[1], "2020-02-08", f, ""), submission(es[2], "2020-02-07", f, "")})
		var be *daily.BatchError
		if !errors.As(err, &be) || be.Index != 1 || fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("locked: %v", err)
		}
		if _, err := db.Report(ctx, es[0].USCC, "2020-02-07"); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("the first of a refused batch was stored: %v", err)
		}
		if comp, _ := db.Completeness(ctx, fugong.System, "2020-02-07"); len(comp) != 1 || comp[0].Received != 0 {
			t.Fatalf("counters of a refused batch: %+v", comp)
		}
		if res, err := db.SubmitAll(ctx, a, nil); err != nil || len(res) != 0 {
			t.Fatalf("empty batch: %+v %v", res, err)
		}
	})
}

// Reminder claims from several handles on one database (as from several
// instances): exactly one wins each enterprise-day.
func TestClaimReminder(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			dbs := []*store.DB{storetest.Open(t, dsn), storetest.Open(t, dsn), storetest.Open(t, dsn)}
			ctx := context.Background()
			var es []registry.Enterprise
			for i := range 20 {
				es = append(es, ent(t, fmt.Sprintf("MR%07d", i), "330381101", fmt.Sprintf("催报企业%d", i)))
			}
			if _, _, err := dbs[0].SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
				t.Fatal(err)
			}
			wins := make([]int, len(es))
			var mu sync.Mutex
			var wg sync.WaitGroup
			for _, db := range dbs {
				for range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i, e := range es {
							ok, err := db.ClaimReminder(ctx, "2020-02-10", e.USCC)
							if err != nil {
								t.Error(err)
								return
							}
							if ok {
								mu.Lock()
								wins[i]++
								mu.Unlock()
							}
						}
					}()
				}
			}
			wg.Wait()
			for i, n := range wins {
				if n != 1 {
					t.Errorf("%s claimed %d times", es[i].USCC, n)
				}
			}
			if ok, err := dbs[1].ClaimReminder(ctx, "2020-02-11", es[0].USCC); err != nil || !ok {
				t.Fatalf("another day: %v %v", ok, err)
			}
			if err := dbs[2].ReleaseReminder(ctx, "2020-02-10", es[0].USCC); err != nil {
				t.Fatal(err)
			}
			if ok, err := dbs[0].ClaimReminder(ctx, "2020-02-10", es[0].USCC); err != nil || !ok {
				t.Fatalf("after a release: %v %v", ok, err)
			}
		})
	}
}

// EachUnreminded lists the active enterprises with neither a report nor a
// reminder for the day, in batches.
func TestEachUnreminded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var es []registry.Enterprise
		for i := range 6 {
			es = append(es, ent(t, fmt.Sprintf("MU%07d", i), "330381101", fmt.Sprintf("未催企业%d", i)))
		}
		es[5].Status = registry.StatusClosed
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Submit(ctx, fugong.System, submission(es[0], "2020-02-10", daily.Figures{StaffTotal: 1}, "")); err != nil {
			t.Fatal(err)
		}
		won, err := db.ClaimReminders(ctx, "2020-02-10", []string{es[1].USCC, es[2].USCC})
		if err != nil || len(won) != 2 {
			t.Fatalf("%v %v", won, err)
		}
		if won, err := db.ClaimReminders(ctx, "2020-02-10", []string{es[2].USCC, es[3].USCC}); err != nil || len(won) != 1 || won[0] != es[3].USCC {
			t.Fatalf("a page half claimed already: %v %v", won, err)
		}
		each := func(date string, n int) (batches [][]daily.Missing) {
			t.Helper()
			err := db.EachUnreminded(ctx, date, n, func(b []daily.Missing) error {
				batches = append(batches, b)
				// Claiming while the scan runs must not disturb it.
				_, err := db.ClaimReminders(ctx, date, []string{b[0].USCC})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return batches
		}
		got := each("2020-02-10", 10)
		if len(got) != 1 || len(got[0]) != 1 || got[0][0].USCC != es[4].USCC || got[0][0].ContactPhone != "13800000000" || got[0][0].Name != "未催企业4" {
			t.Fatalf("%+v", got)
		}
		// Another day: every active enterprise, in batches.
		got = each("2020-02-11", 2)
		if len(got) != 3 || len(got[0]) != 2 || len(got[2]) != 1 {
			t.Fatalf("%+v", got)
		}
		if err := db.EachUnreminded(ctx, "2020-02-12", 2, func([]daily.Missing) error { return errors.New("stop") }); err == nil || err.Error() != "stop" {
			t.Fatalf("fn's error: %v", err)
		}
	})
}

// A batch racing single submissions of the same enterprise-days from
// another instance stores every one of them, as corrections where it lost.
func TestSubmitAllRacingSubmissions(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			batchDB, otherDB := storetest.Open(t, dsn), storetest.Open(t, dsn)
			ctx := context.Background()
			var es []registry.Enterprise
			for i := range 30 {
				es = append(es, ent(t, fmt.Sprintf("MQ%07d", i), registry.Towns[i%3].Code, fmt.Sprintf("竞态企业%d", i)))
			}
			if _, _, err := batchDB.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
				t.Fatal(err)
			}
			for round := range 3 {
				date := fmt.Sprintf("2020-02-%02d", round+1)
				var subs []daily.Submission
				for _, e := range es {
					subs = append(subs, submission(e, date, daily.Figures{StaffTotal: 2, StaffInCity: 1}, ""))
				}
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := batchDB.SubmitAll(ctx, fugong.System, subs); err != nil {
						t.Error("batch:", err)
					}
				}()
				for _, e := range es {
					wg.Add(1)
					go func() {
						defer wg.Done()
						// Errors here are the group committer's to answer for;
						// the batch must get through regardless.
						otherDB.Submit(ctx, fugong.System, submission(e, date, daily.Figures{StaffTotal: 2}, ""))
					}()
				}
				wg.Wait()
				for _, e := range es {
					vs, err := batchDB.Versions(ctx, e.USCC, date)
					if err != nil || len(vs) == 0 {
						t.Fatalf("%s %s: %v %v", e.USCC, date, vs, err)
					}
				}
				comp, err := batchDB.Completeness(ctx, fugong.System, date)
				if err != nil {
					t.Fatal(err)
				}
				received := 0
				for _, c := range comp {
					received += c.Received
				}
				if received != len(es) {
					t.Fatalf("%s: received %d, want %d", date, received, len(es))
				}
			}
		})
	}
}
