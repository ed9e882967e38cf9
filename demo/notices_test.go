package demo

import (
	"context"
	"testing"
	"time"

	"fugong"
	"fugong/notice"
	"fugong/store"
	"fugong/store/storetest"
)

// The demo's notices are history: read and acknowledged by most firms,
// texted to all of them (宣传全覆盖 but for a firm whose number failed),
// nothing left in the outbox for the sender loop; the demo clerk has
// notices on their home page; the groups' days of the days before are
// final.
func TestSeedNotices(t *testing.T) {
	es, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2020, 2, 10, 18, 0, 0, 0, fugong.Location)
	clerk, err := firmByName(es, namedFirms[0].name)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return now }
		if err := db.LoadEnterprises(ctx, es); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := seedNotices(ctx, db, es, clerk, now); err != nil {
			t.Fatal(err)
		}
		t.Logf("notices on %s took %v", db.Engine, time.Since(start).Round(time.Millisecond))
		ns, total, err := db.Notices(ctx, fugong.System, notice.ListFilter{Page: 1, PerPage: 10})
		if err != nil || total != len(demoNotices) {
			t.Fatalf("%d notices %v", total, err)
		}
		first := ns[len(ns)-1]
		cov, err := db.Coverage(ctx, fugong.System, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%q: %d firms, %d read, %d acknowledged, texts %+v", first.Title, cov.City.Recipients, cov.City.Read, cov.City.Acknowledged, cov.SMS)
		if cov.City.Recipients < 6500 || float64(cov.City.Acknowledged) < 0.85*float64(cov.City.Recipients) || cov.SMS.Queued != 0 || cov.SMS.Sent < 6400 {
			t.Errorf("coverage %+v", cov)
		}
		due, err := db.ClaimSMS(ctx, notice.Claim{Token: "t", Now: now, Until: now.Add(time.Minute), Limit: 10})
		if err != nil || len(due) != 0 {
			t.Errorf("texts left for the sender: %d %v", len(due), err)
		}
		reach, err := db.Reach(ctx, fugong.System, now)
		if err != nil || reach.Total-reach.Reached > 40 {
			t.Errorf("reach %+v %v", reach, err)
		}
		mine := fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: clerk}
		if _, n, err := db.Notices(ctx, mine, notice.ListFilter{Attention: true, Page: 1, PerPage: 5}); err != nil || n == 0 {
			t.Errorf("the clerk has %d notices to read (%v)", n, err)
		}
		days, err := db.GroupDays(ctx, "2020-02-09")
		if err != nil || len(days) != 5 {
			t.Fatalf("days %+v %v", days, err)
		}
		for _, d := range days {
			if !d.Final || d.Summary == "" {
				t.Errorf("%s: %+v", d.Name, d)
			}
		}
		if today, _ := db.GroupDays(ctx, "2020-02-10"); len(today) != 2 {
			t.Errorf("%d groups filed today", len(today))
		}
	})
}
