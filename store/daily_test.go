package store_test

import (
	"context"
	"fmt"
	"fugong/account"
	"slices"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

func submission(e registry.Enterprise, date string, f daily.Figures, key string) daily.Submission {
	d := daily.Deadline(daily.DefaultDeadline)
	return daily.Submission{USCC: e.USCC, Town: e.Town, Date: date, Figures: f, Key: key, Hash: fmt.Sprint(f),
		OnTime: func(first time.Time) bool { return d.OnTime(date, first) }}
}

func TestDailySubmitVersionsLockAndKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := createFirm(t, db, "MD1000001", "塘下镇", "日报企业")
		clerk := fugong.Actor{UserID: 7, Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
		morning := time.Date(2020, 2, 10, 9, 0, 0, 0, fugong.Location)
		db.Now = func() time.Time { return morning }
		f := daily.Figures{StaffTotal: 28, StaffInCity: 20, ReturnedToday: 2, OnDuty: 3}
		res, err := db.Submit(ctx, clerk, submission(e, "2020-02-10", f, "k1"))
		if err != nil || !res.Created || res.Report.Version != 1 || !res.Report.OnTime {
			t.Fatalf("first: %+v %v", res, err)
		}
		again, err := db.Submit(ctx, clerk, submission(e, "2020-02-10", f, "k1"))
		if err != nil || !again.Created || again.Report.Version != 1 {
			t.Fatalf("replay: %+v %v", again, err)
		}
		f2 := f
		f2.ReturnedToday = 3
		if _, err := db.Submit(ctx, clerk, submission(e, "2020-02-10", f2, "k1")); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("same key, other body: %v", err)
		}
		db.Now = func() time.Time { return morning.Add(8 * time.Hour) } // 17:00, after the deadline
		res, err = db.Submit(ctx, clerk, submission(e, "2020-02-10", f2, "k2"))
		if err != nil || res.Created || res.Report.Version != 2 || !res.Report.OnTime {
			t.Fatalf("correction after the deadline keeps on_time: %+v %v", res, err)
		}
		vs, err := db.Versions(ctx, e.USCC, "2020-02-10")
		if err != nil || len(vs) != 2 || vs[0].ReturnedToday != 2 || vs[1].ReturnedToday != 3 {
			t.Fatalf("versions %+v %v", vs, err)
		}
		late, err := db.Submit(ctx, clerk, submission(e, "2020-02-11", f, "")) // first sent 2020-02-10 17:00 for the 11th: on time
		if err != nil || !late.Report.OnTime {
			t.Fatalf("%+v %v", late, err)
		}
		db.Now = func() time.Time { return morning.AddDate(0, 0, 2).Add(8 * time.Hour) }
		late, err = db.Submit(ctx, clerk, submission(e, "2020-02-12", f, ""))
		if err != nil || late.Report.OnTime {
			t.Fatalf("17:00 on the day is late: %+v %v", late, err)
		}
		r, err := db.Report(ctx, e.USCC, "2020-02-12")
		if err != nil || r.ReturnedTotal != 3+2+2 {
			t.Fatalf("cumulative returned: %+v %v", r, err)
		}

		town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: e.Town}
		if _, err := db.SignOff(ctx, town, e.Town, "2020-02-12"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignOff(ctx, town, e.Town, "2020-02-12"); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("second sign-off: %v", err)
		}
		if _, err := db.Submit(ctx, clerk, submission(e, "2020-02-12", f2, "")); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("a correction of a report in at the sign-off: %v", err)
		}
		so, err := db.SignOffOf(ctx, e.Town, "2020-02-12")
		if err != nil || so.Sent == nil || so.Sent.Received != 1 || so.Sent.Expected != 1 || so.Sent.Totals.Returned != 2 {
			t.Fatalf("the figures sent: %+v %v", so.Sent, err)
		}
		if _, err := db.Reopen(ctx, town, e.Town, "2020-02-12", "企业更正数据"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Submit(ctx, clerk, submission(e, "2020-02-12", f2, "")); err != nil {
			t.Fatalf("after reopening: %v", err)
		}

		comp, err := db.Completeness(ctx, fugong.System, "2020-02-12")
		if err != nil {
			t.Fatal(err)
		}
		var tx daily.TownCounts
		for _, c := range comp {
			if c.Town.Code == e.Town {
				tx = c
			}
		}
		if tx.Expected != 1 || tx.Received != 1 || tx.OnTime != 0 || tx.Late != 1 || tx.Totals.Returned != 3 || tx.SignedOff {
			t.Fatalf("completeness %+v", tx)
		}
		missing, total, err := db.Missing(ctx, fugong.System, "2020-02-13", daily.Among{}, 1, 10)
		if err != nil || total != 1 || missing[0].USCC != e.USCC || missing[0].LastReport != "2020-02-12" {
			t.Fatalf("missing %+v %d %v", missing, total, err)
		}
	})
}

// TestDailyLateAfterSignOff: a signed day takes the reports of the firms
// that had not reported, marked, and their corrections; the figures sent
// at the sign-off stay as they were.
func TestDailyLateAfterSignOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var es []registry.Enterprise
		for i := range 2 {
			es = append(es, ent(t, fmt.Sprintf("ML%07d", i), "塘下镇", fmt.Sprintf("补报企业%d", i)))
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
			t.Fatal(err)
		}
		town := fugong.Actor{UserID: 3, Username: "tangxia", Role: fugong.RoleTown, Town: es[0].Town}
		at := time.Date(2020, 2, 10, 15, 0, 0, 0, fugong.Location)
		db.Now = func() time.Time { return at }
		f := daily.Figures{StaffTotal: 10, StaffInCity: 8, ReturnedToday: 1}
		if _, err := db.Submit(ctx, town, submission(es[0], "2020-02-10", f, "")); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return at.Add(time.Hour) }
		if _, err := db.SignOff(ctx, town, es[0].Town, "2020-02-10"); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return at.Add(2 * time.Hour) }
		res, err := db.Submit(ctx, town, submission(es[1], "2020-02-10", f, ""))
		if err != nil || !res.Created || !res.Report.AfterSignOff || res.Report.OnTime {
			t.Fatalf("a late report: %+v %v", res, err)
		}
		f.ReturnedToday = 4
		if res, err = db.Submit(ctx, town, submission(es[1], "2020-02-10", f, "")); err != nil || !res.Report.AfterSignOff || res.Report.Version != 2 {
			t.Fatalf("its correction: %+v %v", res, err)
		}
		if _, err := db.Submit(ctx, town, submission(es[0], "2020-02-10", f, "")); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("a correction of a report in at the sign-off: %v", err)
		}
		r, err := db.Report(ctx, es[1].USCC, "2020-02-10")
		if err != nil || !r.AfterSignOff {
			t.Fatalf("the stored mark: %+v %v", r, err)
		}
		if vs, err := db.Versions(ctx, es[1].USCC, "2020-02-10"); err != nil || len(vs) != 2 || !vs[0].AfterSignOff {
			t.Fatalf("the versions: %+v %v", vs, err)
		}
		comp, err := db.Completeness(ctx, fugong.System, "2020-02-10")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range comp {
			if c.Town.Code != es[0].Town {
				continue
			}
			if c.Received != 2 || c.Totals.Returned != 5 || c.Sent == nil || c.Sent.Received != 1 || c.Sent.Totals.Returned != 1 || c.LateAfterSignOff() != 1 {
				t.Fatalf("live %+v, sent %+v", c.Counts, c.Sent)
			}
		}
	})
}

// Concurrent submissions go through the group committer; the counters must
// agree with the reports whatever the batching.
func TestDailyConcurrentSubmissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var es []registry.Enterprise
		for i := range 40 {
			e := ent(t, fmt.Sprintf("MC%07d", i), registry.Towns[i%3].Code, fmt.Sprintf("并发企业%d", i))
			es = append(es, e)
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
			t.Fatal(err)
		}
		a := fugong.Actor{UserID: 1, Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for round := range 3 {
			for i, e := range es {
				wg.Add(1)
				go func() {
					defer wg.Done()
					f := daily.Figures{StaffTotal: 10, StaffInCity: 5, ReturnedToday: round + 1, Fever: i % 2}
					// The same key sent twice: stored once.
					key := fmt.Sprintf("%s-%d", e.USCC, round)
					for range 2 {
						if _, err := db.Submit(ctx, a, submission(e, "2020-02-10", f, key)); err != nil {
							errs <- err
						}
					}
				}()
			}
			wg.Wait()
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		comp, err := db.Completeness(ctx, fugong.System, "2020-02-10")
		if err != nil {
			t.Fatal(err)
		}
		received, returned, fever := 0, 0, 0
		for _, c := range comp {
			received += c.Received
			returned += c.Totals.Returned
			fever += c.Totals.Fever
		}
		if received != 40 || returned != 40*3 || fever != 20 {
			t.Fatalf("received %d returned %d fever %d", received, returned, fever)
		}
		for _, e := range es[:3] {
			if vs, _ := db.Versions(ctx, e.USCC, "2020-02-10"); len(vs) != 3 {
				t.Errorf("%s has %d versions, want 3", e.USCC, len(vs))
			}
		}
	})
}

// Two instances on one PostgreSQL database racing the same enterprise and
// day, without idempotency keys: every submission lands as a version, the
// day is counted once.
func TestDailySameReportAcrossInstances(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
	ctx := context.Background()
	e, err := a.CreateEnterprise(ctx, fugong.System, ent(t, "MR0000001", "塘下镇", "竞争企业"))
	if err != nil {
		t.Fatal(err)
	}
	clerk := fugong.Actor{UserID: 3, Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := daily.Figures{StaffTotal: 10, StaffInCity: 5, Fever: i % 3}
			if _, err := db.Submit(ctx, clerk, submission(e, "2020-02-10", f, "")); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if vs, err := a.Versions(ctx, e.USCC, "2020-02-10"); err != nil || len(vs) != 40 {
		t.Fatalf("%d versions, %v", len(vs), err)
	}
	comp, err := a.Completeness(ctx, fugong.System, "2020-02-10")
	if err != nil {
		t.Fatal(err)
	}
	r, _ := a.Report(ctx, e.USCC, "2020-02-10")
	for _, c := range comp {
		if c.Town.Code == e.Town && (c.Received != 1 || c.Totals.Fever != r.Fever) {
			t.Fatalf("counted %+v, latest fever %d", c.Counts, r.Fever)
		}
	}
}

// The kept count of active enterprises per town follows every kind of
// enterprise write, so completeness's expected figure stays exact.
func TestActiveCountsFollowWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		expected := func() map[string]int {
			comp, err := db.Completeness(ctx, fugong.System, "2020-02-10")
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, c := range comp {
				out[c.Town.Code] = c.Expected
			}
			return out
		}
		a := ent(t, "MA4000001", "塘下镇", "甲")
		b := ent(t, "MA4000002", "塘下镇", "乙")
		c := ent(t, "MA4000003", "仙降街道", "丙")
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, []registry.Enterprise{a, b, c}, nil); err != nil {
			t.Fatal(err)
		}
		if got := expected(); got["330381101"] != 2 || got["330381010"] != 1 {
			t.Fatalf("after import %v", got)
		}
		stored, _ := db.GetEnterprise(ctx, fugong.System, b.USCC)
		closed := stored
		closed.Status = registry.StatusClosed
		if _, err := db.UpdateEnterprise(ctx, fugong.System, stored, closed); err != nil {
			t.Fatal(err)
		}
		stored, _ = db.GetEnterprise(ctx, fugong.System, a.USCC)
		moved := stored
		moved.Town = "330381010"
		if _, err := db.UpdateEnterprise(ctx, fugong.System, stored, moved); err != nil {
			t.Fatal(err)
		}
		if got := expected(); got["330381101"] != 0 || got["330381010"] != 2 {
			t.Fatalf("after closing one and moving one %v", got)
		}
		// c reports, then closes: it is neither expected nor missing.
		if _, err := db.Submit(ctx, fugong.System, submission(c, "2020-02-10", daily.Figures{StaffTotal: 1}, "")); err != nil {
			t.Fatal(err)
		}
		stored, _ = db.GetEnterprise(ctx, fugong.System, c.USCC)
		closedC := stored
		closedC.Status = registry.StatusClosed
		if _, err := db.UpdateEnterprise(ctx, fugong.System, stored, closedC); err != nil {
			t.Fatal(err)
		}
		items, total, err := db.Missing(ctx, fugong.System, "2020-02-10", daily.Among{}, 1, 50)
		if err != nil || total != len(items) || total != 1 || items[0].USCC != a.USCC {
			t.Fatalf("missing after a reporter closed: %d %+v %v", total, items, err)
		}
		d := ent(t, "MA4000004", "塘下镇", "丁")
		if err := db.LoadEnterprises(ctx, []registry.Enterprise{d}); err != nil {
			t.Fatal(err)
		}
		if got := expected(); got["330381101"] != 1 || got["330381010"] != 1 {
			t.Fatalf("after a bulk load %v", got)
		}
	})
}

func TestSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, ok, err := db.Setting(ctx, "visit_interval_days"); ok || err != nil {
			t.Fatalf("unset setting: ok %v, %v", ok, err)
		}
		for _, v := range []string{"7", "10"} {
			if err := db.UpdateSetting(ctx, fugong.System, "visit_interval_days", func(string, bool) (string, error) { return v, nil }); err != nil {
				t.Fatal(err)
			}
			if got, ok, err := db.Setting(ctx, "visit_interval_days"); got != v || !ok || err != nil {
				t.Fatalf("read back %q %v %v, want %q", got, ok, err, v)
			}
		}
	})
}

// A town's scope reads the counters kept per town for its own town only:
// completeness, the trend and the missing total agree with the city's
// figures for that town, and asking for another town gives nothing.
func TestTownScopeOfTheCounters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const tangxia, xianjiang, day = "330381101", "330381010", "2020-02-10"
		es := []registry.Enterprise{
			ent(t, "MT5000001", tangxia, "塘下甲"), ent(t, "MT5000002", tangxia, "塘下乙"), ent(t, "MT5000003", tangxia, "塘下丙"),
			ent(t, "MT5000004", xianjiang, "仙降甲"), ent(t, "MT5000005", xianjiang, "仙降乙"),
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
			t.Fatal(err)
		}
		for _, e := range []registry.Enterprise{es[0], es[2], es[3]} {
			if _, err := db.Submit(ctx, fugong.System, submission(e, day, daily.Figures{StaffTotal: 4}, "")); err != nil {
				t.Fatal(err)
			}
		}
		// 塘下丙 reported and then closed: no longer expected nor missing.
		stored, _ := db.GetEnterprise(ctx, fugong.System, es[2].USCC)
		closed := stored
		closed.Status = registry.StatusClosed
		if _, err := db.UpdateEnterprise(ctx, fugong.System, stored, closed); err != nil {
			t.Fatal(err)
		}
		town := fugong.Actor{UserID: 9, Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
		comp, err := db.Completeness(ctx, town, day)
		if err != nil || len(comp) != 1 || comp[0].Town.Code != tangxia || comp[0].Expected != 2 || comp[0].Received != 2 {
			t.Fatalf("town completeness %+v %v", comp, err)
		}
		trend, expected, err := db.Trend(ctx, town, day, day)
		if err != nil || expected != 2 || len(trend) != 1 || trend[day].Received != 2 || trend[day].Totals.StaffTotal != 8 {
			t.Fatalf("town trend %+v %d %v", trend, expected, err)
		}
		for _, tt := range []struct {
			who   fugong.Actor
			town  string
			want  int
			first string
		}{
			{town, "", 1, es[1].USCC},
			{town, tangxia, 1, es[1].USCC},
			{town, xianjiang, 0, ""},
			{fugong.System, tangxia, 1, es[1].USCC},
			{fugong.System, xianjiang, 1, es[4].USCC},
			{fugong.System, "", 2, es[4].USCC}, // 仙降 sorts first
		} {
			items, total, err := db.Missing(ctx, tt.who, day, daily.Among{Town: tt.town}, 1, 50)
			if err != nil || total != tt.want || len(items) != tt.want || (tt.want > 0 && items[0].USCC != tt.first) {
				t.Errorf("%s asking for %q: %d %+v %v, want %d", tt.who.Username, tt.town, total, items, err, tt.want)
			}
		}
	})
}

// The call list narrowed by part of a firm's name or the start of its USCC,
// and by part of the paired cadre's name (or their username), within scope.
func TestMissingAmong(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const tangxia, xianjiang, day = "330381101", "330381010", "2020-02-10"
		es := []registry.Enterprise{
			ent(t, "MT6000001", tangxia, "塘下鞋业"), ent(t, "MT6000002", tangxia, "塘下汽配"), ent(t, "MT6000003", tangxia, "飞达鞋业"),
			ent(t, "MT6000004", xianjiang, "仙降鞋业"),
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Submit(ctx, fugong.System, submission(es[2], day, daily.Figures{StaffTotal: 4}, "")); err != nil {
			t.Fatal(err)
		}
		cadre, err := db.CreateUser(ctx, fugong.System, account.User{Username: "wangli", DisplayName: "王丽", Role: fugong.RoleCadre, Town: tangxia}, "x")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.PairCadre(ctx, fugong.System, es[1].USCC, cadre.ID); err != nil {
			t.Fatal(err)
		}
		town := fugong.Actor{UserID: 9, Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
		for _, tt := range []struct {
			name  string
			who   fugong.Actor
			among daily.Among
			want  []string
		}{
			{"by name", fugong.System, daily.Among{Q: "鞋业"}, []string{es[3].USCC, es[0].USCC}}, // 飞达 reported
			{"by name in a town", fugong.System, daily.Among{Town: tangxia, Q: "鞋业"}, []string{es[0].USCC}},
			{"by name within scope", town, daily.Among{Q: "仙降"}, []string{}},
			{"by the start of the USCC", fugong.System, daily.Among{Q: es[1].USCC[:17]}, []string{es[1].USCC}},
			{"a wildcard is a character", fugong.System, daily.Among{Q: "%"}, []string{}},
			{"by the cadre's name", town, daily.Among{Cadre: "王"}, []string{es[1].USCC}},
			{"by the cadre's username", fugong.System, daily.Among{Cadre: "wangli"}, []string{es[1].USCC}},
			{"by name and cadre", fugong.System, daily.Among{Q: "鞋业", Cadre: "王丽"}, []string{}},
		} {
			items, total, err := db.Missing(ctx, tt.who, day, tt.among, 1, 50)
			got := []string{}
			for _, it := range items {
				got = append(got, it.USCC)
			}
			if err != nil || total != len(tt.want) || !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v (total %d) %v, want %v", tt.name, got, total, err, tt.want)
			}
		}
	})
}
