package demo

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

func TestHistory(t *testing.T) {
	es, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	clerk, _ := firmByName(es, namedFirms[0].name)
	now := time.Date(2020, 2, 20, 14, 30, 0, 0, fugong.Location)
	deadline := daily.Deadline(daily.DefaultDeadline)
	start := time.Now()
	reports := history(es, clerk, now, deadline)
	t.Logf("%d reports generated in %v", len(reports), time.Since(start).Round(time.Millisecond))
	if again := history(es, clerk, now, deadline); !reflect.DeepEqual(reports, again) {
		t.Fatal("two runs generated different histories")
	}

	type day struct{ received, late, fever, signed, hubei int }
	days := map[string]*day{}
	seen := map[[2]string]bool{}
	for _, r := range reports {
		if ps := r.Figures.Normalize(); len(ps) > 0 {
			t.Fatalf("%s %s breaks the rules: %v (%+v)", r.USCC, r.Date, ps, r.Figures)
		}
		k := [2]string{r.USCC, r.Date}
		if seen[k] {
			t.Fatalf("%s %s twice", r.USCC, r.Date)
		}
		seen[k] = true
		if r.Date < "2020-01-21" || r.Date > "2020-02-20" {
			t.Fatalf("report for %s", r.Date)
		}
		if daily.Today(r.SubmittedAt) != r.Date || r.SubmittedAt.After(now) || r.FirstAt != r.SubmittedAt || r.Version != 1 {
			t.Fatalf("%s %s submitted at %v", r.USCC, r.Date, r.SubmittedAt)
		}
		if r.OnTime != deadline.OnTime(r.Date, r.FirstAt) {
			t.Fatalf("%s %s on_time %v at %v", r.USCC, r.Date, r.OnTime, r.FirstAt)
		}
		if r.Date == "2020-02-20" && r.USCC == clerk {
			t.Error("the clerk's firm has reported today: the demo cannot show the empty form")
		}
		d := days[r.Date]
		if d == nil {
			d = &day{}
			days[r.Date] = d
		}
		d.received++
		if !r.OnTime {
			d.late++
		}
		d.fever += r.Fever
		d.hubei += r.HubeiStaff
		if r.CommitmentSigned {
			d.signed++
		}
	}
	if len(days) != historyDays+1 {
		t.Fatalf("%d days", len(days))
	}
	n := float64(len(es))
	fevers := 0
	for date, d := range days {
		rate, late := float64(d.received)/n, float64(d.late)/float64(d.received)
		fevers += d.fever
		switch {
		case date == "2020-02-20":
			if rate < 0.75 || rate > 0.85 || d.late != 0 {
				t.Errorf("today: %.1f %% reported, %d late", rate*100, d.late)
			}
		case rate < 0.93 || rate > 0.97 || late < 0.03 || late > 0.08:
			t.Errorf("%s: %.1f %% reported, %.1f %% of them late", date, rate*100, late*100)
		}
		if date >= "2020-01-25" && float64(d.signed)/float64(d.received) < 0.85 {
			t.Errorf("%s: only %d of %d letters signed", date, d.signed, d.received)
		}
		if d.hubei == 0 || d.hubei > d.received/5 {
			t.Errorf("%s: %d Hubei staff in %d reports", date, d.hubei, d.received)
		}
	}
	if fevers == 0 || fevers > len(reports)/1000 {
		t.Errorf("%d fevers in %d reports", fevers, len(reports))
	}
	var first, last float64
	for _, r := range reports {
		switch r.Date {
		case "2020-01-20":
		case "2020-01-21":
			first += float64(r.StaffInCity) / float64(r.StaffTotal)
		case "2020-02-19":
			last += float64(r.StaffInCity) / float64(r.StaffTotal)
		}
	}
	first, last = first/float64(days["2020-01-21"].received), last/float64(days["2020-02-19"].received)
	if first < 0.4 || last > 0.9 || last <= first {
		t.Errorf("share in the city %.2f on the first day, %.2f on the last", first, last)
	}

	// Before 07:30 today's reports came in since midnight; at midnight there are none yet.
	early := history(es, clerk, time.Date(2020, 2, 20, 0, 0, 0, 0, fugong.Location), deadline)
	for _, r := range early {
		if r.Date == "2020-02-20" {
			t.Fatalf("a report today at midnight: %+v", r)
		}
	}
}

// Seed stores the history on both engines, quickly, and the counters show it.
func TestSeedHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Now()
		if _, err := Seed(ctx, db, nil, false); err != nil {
			t.Fatal(err)
		}
		t.Logf("Seed with history on %s took %v", db.Engine, time.Since(start).Round(time.Millisecond))
		now := db.Now()
		yesterday := daily.Today(now.AddDate(0, 0, -1))
		stats := fugong.Actor{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
		svc := daily.Service{Store: db, Now: db.Now}
		c, err := svc.Completeness(ctx, stats, yesterday)
		if err != nil {
			t.Fatal(err)
		}
		if r := c.City.Rate(); r < 93 || r > 97 || c.City.Late == 0 {
			t.Errorf("yesterday %.1f %% reported, %d late", r, c.City.Late)
		}
		if len(c.Towns) != 23 {
			t.Errorf("%d towns", len(c.Towns))
		}
		trend, err := svc.Trend(ctx, stats, daily.Today(now.AddDate(0, 0, -historyDays)), daily.Today(now))
		if err != nil || len(trend) != historyDays+1 {
			t.Fatalf("trend %d days, %v", len(trend), err)
		}
		for _, d := range trend[:historyDays] {
			if d.Received < d.Expected*9/10 {
				t.Errorf("%s: %d of %d", d.Date, d.Received, d.Expected)
			}
		}
		es, _ := enterprises()
		clerk, _ := firmByName(es, namedFirms[0].name)
		if _, err := db.Report(ctx, clerk, daily.Today(now)); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("the clerk's report today: %v", err)
		}
		if r, err := db.LastReport(ctx, clerk, daily.Today(now)); err != nil || r.SubmittedBy != "qiye" {
			t.Errorf("the clerk's last report: %+v %v", r, err)
		}
	})
}
