package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/files"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

var (
	tangxiaTown = fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
	xianTown    = fugong.Actor{Username: "xianjiang", Role: fugong.RoleTown, Town: "330381010"}
)

// fixedClock sets the store's clock to t.
func fixedClock(db *store.DB, t time.Time) { db.Now = func() time.Time { return t } }

func addFirms(t *testing.T, db *store.DB, es ...registry.Enterprise) {
	t.Helper()
	if _, _, err := db.SaveEnterprises(context.Background(), fugong.System, es, nil); err != nil {
		t.Fatal(err)
	}
}

func TestResumptionApplications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fixedClock(db, time.Date(2020, 2, 10, 1, 0, 0, 0, time.UTC))
		a, b := ent(t, "MA5000001", "塘下镇", "瑞安市甲汽配有限公司"), ent(t, "MA5000002", "仙降街道", "瑞安市乙鞋业有限公司")
		addFirms(t, db, a, b)
		clerk := fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: a.USCC}
		pdf := files.Upload{Name: "防疫预案.pdf", Data: []byte("%PDF-1.4 plan")}

		app, err := db.SubmitResumptionApplication(ctx, clerk, production.Application{USCC: a.USCC, PlannedDate: "2020-02-12",
			StaffExpected: 8, Note: "物资已备"}, &pdf, files.PDF)
		if err != nil {
			t.Fatal(err)
		}
		if app.ID == 0 || app.Status != production.AppSubmitted || app.SubmittedBy != "qiye" || app.Name != a.Name ||
			app.TownName != "塘下镇" || app.Plan == nil || app.Plan.Name != "防疫预案.pdf" || app.Plan.ContentType != files.PDF {
			t.Fatalf("stored %+v plan %+v", app, app.Plan)
		}
		if _, data, err := db.File(ctx, clerk, app.Plan.ID); err != nil || string(data) != "%PDF-1.4 plan" {
			t.Fatalf("plan file: %q %v", data, err)
		}

		// A second one while the first is open is refused, and leaves no file.
		files0 := auditCount(t, db, "file", "")
		_, err = db.SubmitResumptionApplication(ctx, clerk, production.Application{USCC: a.USCC, PlannedDate: "2020-02-13"}, &pdf, files.PDF)
		if e := fugong.AsError(err); e == nil || e.Code != fugong.EConflict || !strings.Contains(e.Message, "待审批") {
			t.Fatalf("second open application: %v", err)
		}
		if n := auditCount(t, db, "file", ""); n != files0 {
			t.Errorf("the refused application left a file: %d audited files, want %d", n, files0)
		}

		// Scope: the other town neither sees nor lists it.
		if _, err := db.ResumptionApplication(ctx, xianTown, app.ID); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("仙降 reads 塘下's application: %v", err)
		}
		for _, c := range []struct {
			who  fugong.Actor
			f    production.AppFilter
			want int
		}{
			{tangxiaTown, production.AppFilter{}, 1},
			{xianTown, production.AppFilter{}, 0},
			{fugong.System, production.AppFilter{Status: production.AppApproved}, 0},
			{fugong.System, production.AppFilter{Town: "330381010"}, 0},
			{fugong.System, production.AppFilter{USCC: a.USCC}, 1},
		} {
			c.f.Page, c.f.PerPage = 1, 50
			items, total, err := db.ResumptionApplications(ctx, c.who, c.f)
			if err != nil || total != c.want || len(items) != c.want {
				t.Errorf("%s %+v: %d items, total %d, %v; want %d", c.who.Username, c.f, len(items), total, err, c.want)
			}
		}

		// Approve; approving again or returning it is a conflict.
		fixedClock(db, time.Date(2020, 2, 10, 3, 0, 0, 0, time.UTC))
		got, err := db.DecideResumptionApplication(ctx, tangxiaTown, app.ID, production.Decision{Status: production.AppApproved})
		if err != nil || got.Status != production.AppApproved || got.DecidedBy != "tangxia" || got.DecidedAt == nil {
			t.Fatalf("approve: %+v %v", got, err)
		}
		for _, d := range []production.Decision{{Status: production.AppApproved}, {Status: production.AppReturned, Reason: "x"}} {
			if _, err := db.DecideResumptionApplication(ctx, tangxiaTown, app.ID, d); fugong.ErrorCode(err) != fugong.EConflict {
				t.Errorf("%s after approval: %v", d.Status, err)
			}
		}
		if _, err := db.SubmitResumptionApplication(ctx, clerk, production.Application{USCC: a.USCC, PlannedDate: "2020-02-13"}, nil, ""); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a new application after approval: %v", err)
		}

		// A returned one makes way for a new one.
		first, err := db.SubmitResumptionApplication(ctx, fugong.System, production.Application{USCC: b.USCC, PlannedDate: "2020-02-11", StaffExpected: 3}, nil, "")
		if err != nil || first.Plan != nil {
			t.Fatalf("%+v %v", first, err)
		}
		got, err = db.DecideResumptionApplication(ctx, xianTown, first.ID, production.Decision{Status: production.AppReturned, Reason: "预案缺隔离区"})
		if err != nil || got.Status != production.AppReturned || got.ReturnReason != "预案缺隔离区" {
			t.Fatalf("return: %+v %v", got, err)
		}
		second, err := db.SubmitResumptionApplication(ctx, fugong.System, production.Application{USCC: b.USCC, PlannedDate: "2020-02-12", StaffExpected: 3}, nil, "")
		if err != nil || second.ID == first.ID {
			t.Fatalf("resubmit: %+v %v", second, err)
		}
		items, total, err := db.ResumptionApplications(ctx, fugong.System, production.AppFilter{USCC: b.USCC, Page: 1, PerPage: 50})
		if err != nil || total != 2 || items[0].ID != second.ID {
			t.Errorf("history of b: %d %+v %v", total, items, err)
		}
		// Every move is audited with before and after.
		entries, _, err := db.ListAudit(ctx, audit.Filter{Entity: "resumption_application", EntityID: fmt.Sprint(first.ID), Page: 1, PerPage: 10})
		if err != nil || len(entries) != 2 || entries[0].Action != "return" || !strings.Contains(string(entries[0].After), "预案缺隔离区") ||
			!strings.Contains(string(entries[0].Before), `"submitted"`) {
			t.Errorf("audit of the returned application: %+v %v", entries, err)
		}
	})
}

func TestEssentialList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := ent(t, "MA5100001", "塘下镇", "瑞安市康盾防护用品有限公司"), ent(t, "MA5100002", "仙降街道", "瑞安市丙食品有限公司")
		addFirms(t, db, a, b)
		coord := fugong.Actor{Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}
		for _, u := range []string{a.USCC, b.USCC} {
			if err := db.SetEssential(ctx, coord, u, true, "防疫物资保供"); err != nil {
				t.Fatal(err)
			}
		}
		if x, ok, err := db.Essential(ctx, a.USCC); !ok || err != nil || x.Reason != "防疫物资保供" || x.SetBy != "xietiao" || x.TownName != "塘下镇" {
			t.Fatalf("%+v %v %v", x, ok, err)
		}
		items, total, err := db.EssentialList(ctx, tangxiaTown, 1, 50)
		if err != nil || total != 1 || items[0].USCC != a.USCC {
			t.Errorf("塘下's list: %d %+v %v", total, items, err)
		}
		before := auditCount(t, db, "essential_enterprise", "")
		if err := db.SetEssential(ctx, coord, a.USCC, true, "防疫物资保供"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetEssential(ctx, coord, a.USCC, false, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.SetEssential(ctx, coord, a.USCC, false, ""); err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, db, "essential_enterprise", ""); n != before+1 {
			t.Errorf("audited %d changes, want 1 (the removal; the repeats change nothing)", n-before)
		}
		if _, ok, _ := db.Essential(ctx, a.USCC); ok {
			t.Error("still on the list after removal")
		}
	})
}

func resumed(pct, onPost int) production.Figures {
	st := production.StatusResumed
	if pct >= production.FullThreshold {
		st = production.StatusFull
	}
	return production.Figures{Status: st, CapacityPct: pct, OnPostPct: onPost, Upstream: "normal", Downstream: "normal"}
}

var closedDay = production.Figures{Status: production.StatusClosed, OnPostPct: 5, Upstream: "normal", Downstream: "normal"}

func TestProductionDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fixedClock(db, time.Date(2020, 2, 10, 1, 0, 0, 0, time.UTC)) // 09:00 on the 10th in Shanghai
		a, x := ent(t, "MA5200001", "塘下镇", "瑞安市甲汽配有限公司"), ent(t, "MA5200002", "塘下镇", "瑞安市康盾防护用品有限公司")
		addFirms(t, db, a, x)
		clerk := fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: a.USCC}

		d, created, err := db.PutProductionDay(ctx, clerk, a.USCC, "2020-02-09", closedDay)
		if err != nil || !created || d.Version != 1 || d.UpdatedBy != "qiye" {
			t.Fatalf("closed day: %+v %v %v", d, created, err)
		}
		// No permit: neither on the essential list nor approved.
		if _, _, err := db.PutProductionDay(ctx, clerk, a.USCC, "2020-02-10", resumed(40, 50)); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("resumed without a permit: %v", err)
		}
		if _, err := db.ProductionDay(ctx, a.USCC, "2020-02-10"); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("the refused day was stored: %v", err)
		}
		// The essential firm works without an application.
		if err := db.SetEssential(ctx, fugong.System, x.USCC, true, "保供"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.PutProductionDay(ctx, fugong.System, x.USCC, "2020-02-01", resumed(95, 90)); err != nil {
			t.Fatalf("essential: %v", err)
		}
		// Approved on the 10th: the 10th may be resumed, the 9th not.
		app, err := db.SubmitResumptionApplication(ctx, clerk, production.Application{USCC: a.USCC, PlannedDate: "2020-02-10"}, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideResumptionApplication(ctx, tangxiaTown, app.ID, production.Decision{Status: production.AppApproved}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.PutProductionDay(ctx, clerk, a.USCC, "2020-02-09", resumed(40, 50)); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("resumed the day before approval: %v", err)
		}
		if _, created, err = db.PutProductionDay(ctx, clerk, a.USCC, "2020-02-10", resumed(40, 50)); err != nil || !created {
			t.Fatalf("resumed after approval: %v %v", created, err)
		}
		// A correction keeps the version it replaces and is audited.
		fixedClock(db, time.Date(2020, 2, 10, 8, 0, 0, 0, time.UTC))
		d, created, err = db.PutProductionDay(ctx, tangxiaTown, a.USCC, "2020-02-10", resumed(60, 70))
		if err != nil || created || d.Version != 2 || d.CapacityPct != 60 || d.UpdatedBy != "tangxia" {
			t.Fatalf("correction: %+v %v %v", d, created, err)
		}
		// The same figures again change nothing.
		d, created, err = db.PutProductionDay(ctx, tangxiaTown, a.USCC, "2020-02-10", resumed(60, 70))
		if err != nil || created || d.Version != 2 {
			t.Fatalf("repeat: %+v %v %v", d, created, err)
		}
		vs, err := db.ProductionDayVersions(ctx, a.USCC, "2020-02-10")
		if err != nil || len(vs) != 2 || vs[0].Version != 1 || vs[0].CapacityPct != 40 || vs[0].UpdatedBy != "qiye" ||
			vs[1].Version != 2 || vs[1].CapacityPct != 60 {
			t.Fatalf("versions %+v %v", vs, err)
		}
		entries, _, err := db.ListAudit(ctx, audit.Filter{Entity: "production_day", EntityID: a.USCC + "/2020-02-10", Page: 1, PerPage: 10})
		if err != nil || len(entries) != 2 || entries[0].Action != "update" {
			t.Fatalf("audit %+v %v", entries, err)
		}
		var before, after production.Figures
		json.Unmarshal(entries[0].Before, &before)
		json.Unmarshal(entries[0].After, &after)
		if before.CapacityPct != 40 || after.CapacityPct != 60 {
			t.Errorf("audit before %+v after %+v", before, after)
		}
		days, total, err := db.ProductionDays(ctx, a.USCC, "", "", 1, 50)
		if err != nil || total != 2 || days[0].Date != "2020-02-10" || days[0].Version != 2 || days[1].Version != 1 {
			t.Errorf("days %+v %d %v", days, total, err)
		}
		if days, total, _ := db.ProductionDays(ctx, a.USCC, "2020-02-10", "2020-02-10", 1, 50); total != 1 || len(days) != 1 {
			t.Errorf("days of the 10th: %d", total)
		}
		if vs, err := db.ProductionDayVersions(ctx, a.USCC, "2020-02-01"); err != nil || len(vs) != 0 {
			t.Errorf("versions of a day never reported: %+v %v", vs, err)
		}
	})
}

// prodCity is a small city for the summaries: in 塘下 an above-scale firm
// approved and climbing to full, a below-scale essential firm, a
// below-scale firm that never reports, a deregistered firm that reported;
// in 仙降 a below-scale firm approved that resumes and closes again.
func prodCity(t *testing.T, db *store.DB) map[string]registry.Enterprise {
	t.Helper()
	ctx := context.Background()
	fixedClock(db, time.Date(2020, 1, 31, 1, 0, 0, 0, time.UTC))
	mk := func(org, town, name, size string, staff int) registry.Enterprise {
		e := ent(t, org, town, name)
		e.SizeClass, e.Employees = size, staff
		return e
	}
	f := map[string]registry.Enterprise{
		"above":     mk("MA5300001", "塘下镇", "瑞安市塘下汽车部件股份有限公司", registry.SizeAbove, 200),
		"essential": mk("MA5300002", "塘下镇", "瑞安市康盾防护用品有限公司", registry.SizeBelow, 60),
		"silent":    mk("MA5300003", "塘下镇", "瑞安市塘下五金厂", registry.SizeBelow, 15),
		"gone":      mk("MA5300004", "塘下镇", "瑞安市已注销机械厂", registry.SizeBelow, 30),
		"xian":      mk("MA5300005", "仙降街道", "瑞安市仙降鞋业有限公司", registry.SizeBelow, 40),
	}
	addFirms(t, db, f["above"], f["essential"], f["silent"], f["gone"], f["xian"])
	if err := db.SetEssential(ctx, fugong.System, f["essential"].USCC, true, "保供"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"above", "xian", "gone"} {
		app, err := db.SubmitResumptionApplication(ctx, fugong.System, production.Application{USCC: f[k].USCC, PlannedDate: "2020-02-01"}, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideResumptionApplication(ctx, fugong.System, app.ID, production.Decision{Status: production.AppApproved}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(k, date string, fig production.Figures) {
		t.Helper()
		if _, _, err := db.PutProductionDay(ctx, fugong.System, f[k].USCC, date, fig); err != nil {
			t.Fatalf("%s %s: %v", k, date, err)
		}
	}
	put("above", "2020-02-01", closedDay)
	put("above", "2020-02-03", resumed(50, 60))
	put("above", "2020-02-05", resumed(95, 100))
	put("essential", "2020-02-02", resumed(80, 90))
	put("gone", "2020-02-03", resumed(30, 30))
	put("xian", "2020-02-04", resumed(40, 50))
	put("xian", "2020-02-06", closedDay)
	// A day filled in late, before the latest; a correction of the latest.
	put("above", "2020-02-02", resumed(20, 30))
	put("essential", "2020-02-02", resumed(85, 90))
	gone, err := db.GetEnterprise(ctx, fugong.System, f["gone"].USCC)
	if err != nil {
		t.Fatal(err)
	}
	closed := gone
	closed.Status = registry.StatusClosed
	if _, err := db.UpdateEnterprise(ctx, fugong.System, gone, closed); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestProductionSummaryAndTrend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prodCity(t, db)
		sum := func(a fugong.Actor, date string) production.Summary {
			t.Helper()
			cells, err := db.ProductionSummary(ctx, a, date)
			if err != nil {
				t.Fatal(err)
			}
			return production.Compose(date, cells)
		}
		s := sum(fugong.System, "2020-02-05")
		c := s.City
		// above full 95 (reported today), essential resumed 80 (carried from
		// the 2nd), silent closed, xian resumed 40 (carried); gone not counted.
		if c.Total != 4 || c.Full != 1 || c.Resumed != 2 || c.Closed != 1 || c.Reported != 1 {
			t.Errorf("city on the 5th: %+v", c)
		}
		if c.Employees != 315 || c.StaffOnPost != 200+54+20 || c.WeightedCapacity != share(95*200+85*60+40*40, 315) {
			t.Errorf("city staff %d on post %d weighted %v", c.Employees, c.StaffOnPost, c.WeightedCapacity)
		}
		if a := s.BySize.Above; a.Total != 1 || a.Full != 1 || a.WorkingRate != 100 {
			t.Errorf("above %+v", a)
		}
		if b := s.BySize.Below; b.Total != 3 || b.Resumed != 2 || b.Closed != 1 {
			t.Errorf("below %+v", b)
		}
		if len(s.Towns) != 2 || s.Towns[0].Name != "仙降街道" || s.Towns[1].Total != 3 {
			t.Errorf("towns %+v", s.Towns)
		}
		// The late day counts on its day only.
		if a := sum(fugong.System, "2020-02-02").BySize.Above; a.Resumed != 1 || a.WorkingAvgCapacity != 20 {
			t.Errorf("above on the 2nd: %+v", a)
		}
		// Before anything was reported every firm counts closed.
		if e := sum(fugong.System, "2020-01-31").City; e.Total != 4 || e.Closed != 4 || e.AvgCapacity != 0 {
			t.Errorf("on the 31st: %+v", e)
		}
		// A town sees its town only; a checkpoint sees nothing.
		if s := sum(xianTown, "2020-02-06"); s.City.Total != 1 || s.City.Closed != 1 || len(s.Towns) != 1 {
			t.Errorf("仙降 on the 6th: %+v", s.City)
		}
		if s := sum(fugong.Actor{Role: fugong.RoleCheckpoint}, "2020-02-06"); s.City.Total != 0 || len(s.Towns) != 0 {
			t.Errorf("checkpoint: %+v", s)
		}

		// The trend walks the days and must agree with each day's summary.
		for _, who := range []fugong.Actor{fugong.System, tangxiaTown} {
			days, err := db.ProductionTrend(ctx, who, "2020-01-30", "2020-02-08")
			if err != nil {
				t.Fatal(err)
			}
			trend := production.ComposeTrend(days)
			if len(trend) != 10 || trend[0].Date != "2020-01-30" || trend[9].Date != "2020-02-08" {
				t.Fatalf("trend days: %d", len(trend))
			}
			for _, td := range trend {
				want := sum(who, td.Date)
				if !reflect.DeepEqual(td.Area, want.City) || !reflect.DeepEqual(td.BySize, want.BySize) {
					t.Errorf("%s %s: trend %+v\nsummary %+v", who.Username, td.Date, td.Area, want.City)
				}
			}
		}
		if days, err := db.ProductionTrend(ctx, fugong.System, "2020-02-05", "2020-02-05"); err != nil || len(days) != 1 {
			t.Errorf("one day: %d %v", len(days), err)
		}
	})
}

// TestProductionTrendCalendarEnd: the trend ends at the period's last day
// even when it is the calendar's (once the days were compared as text, and
// "10000-01-01" sorts before "9999-12-31": the walk never ended), and a
// long walk stops when its request is cancelled.
func TestProductionTrendCalendarEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prodCity(t, db)
		days, err := db.ProductionTrend(ctx, fugong.System, "9999-12-01", "9999-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 31 || days[30].Date != "9999-12-31" {
			t.Errorf("%d days, want the 31 of December 9999", len(days))
		}
		// Cancelled after the queries have started: the walk of 3.6 million
		// days must notice instead of finishing.
		cancelled := &cancelAfter{Context: ctx}
		cancelled.left.Store(1000)
		days, err = db.ProductionTrend(cancelled, fugong.System, "0001-01-01", "9999-12-30")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled walk: %d days, error %v; want context.Canceled", len(days), err)
		}
	})
}

// cancelAfter is a context whose Err reports it cancelled once asked more
// than left times: a cancellation that comes mid-loop, without a clock.
type cancelAfter struct {
	context.Context
	left atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return c.Context.Err()
}

func share(n, d int) float64 {
	return float64(int(float64(n)*10/float64(d)+0.5)) / 10
}

func TestProductionEnterprises(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := prodCity(t, db)
		list := func(a fugong.Actor, pf production.Filter) ([]production.EnterpriseDay, int) {
			t.Helper()
			pf.Date = "2020-02-05"
			if pf.Page == 0 {
				pf.Page, pf.PerPage = 1, 50
			}
			items, total, err := db.ProductionEnterprises(ctx, a, pf)
			if err != nil {
				t.Fatal(err)
			}
			return items, total
		}
		names := func(items []production.EnterpriseDay) string {
			var out []string
			for _, it := range items {
				out = append(out, it.Name)
			}
			return strings.Join(out, ",")
		}
		for _, c := range []struct {
			who  fugong.Actor
			f    production.Filter
			want []string
		}{
			{fugong.System, production.Filter{}, []string{"xian", "above", "silent", "essential"}},
			{fugong.System, production.Filter{Status: "closed"}, []string{"silent"}},
			{fugong.System, production.Filter{Status: "working"}, []string{"xian", "above", "essential"}},
			{fugong.System, production.Filter{Status: "resumed", SizeClass: "below"}, []string{"xian", "essential"}},
			{fugong.System, production.Filter{Town: "330381101", Status: "full"}, []string{"above"}},
			{tangxiaTown, production.Filter{Town: "330381010"}, nil},
			{fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: f["silent"].USCC}, production.Filter{}, []string{"silent"}},
		} {
			items, total := list(c.who, c.f)
			var want []string
			for _, k := range c.want {
				want = append(want, f[k].Name)
			}
			// 仙降 (sort 9) before 塘下 (sort 12); names in code-point order within a town.
			if got := names(items); total != len(want) || !sameSet(got, want) {
				t.Errorf("%s %+v: %d %s, want %v", c.who.Username, c.f, total, got, want)
			}
		}
		items, _ := list(fugong.System, production.Filter{Town: "330381101"})
		byName := map[string]production.EnterpriseDay{}
		for _, it := range items {
			byName[it.Name] = it
		}
		if e := byName[f["essential"].Name]; !e.Essential || e.AsOf != "2020-02-02" || e.CapacityPct != 85 || e.StaffOnPost != 54 || e.Upstream != "normal" {
			t.Errorf("essential row %+v", e)
		}
		if s := byName[f["silent"].Name]; s.Status != "closed" || s.AsOf != "" || s.Upstream != "" || s.Essential {
			t.Errorf("silent row %+v", s)
		}
		// Pages.
		page2, total := list(fugong.System, production.Filter{Page: 2, PerPage: 3})
		if total != 4 || len(page2) != 1 {
			t.Errorf("page 2 of 3: %d of %d", len(page2), total)
		}
		all, total, err := db.ProductionEnterprises(ctx, fugong.System, production.Filter{Date: "2020-02-05"})
		if err != nil || len(all) != 4 || total != 4 {
			t.Errorf("all: %d %d %v", len(all), total, err)
		}
	})
}

func sameSet(got string, want []string) bool {
	g := strings.Split(got, ",")
	if got == "" {
		g = nil
	}
	if len(g) != len(want) {
		return false
	}
	seen := map[string]int{}
	for _, s := range g {
		seen[s]++
	}
	for _, s := range want {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestProductionTrendFollowsWrites: a town-wide trend (read from the
// rollup) agrees with each day's summary, and a late correction of a past
// day, today's and yesterday's reports and a change of an enterprise's
// staff show in the next trend at once.
func TestProductionTrendFollowsWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := prodCity(t, db)
		fixedClock(db, time.Date(2020, 2, 10, 2, 0, 0, 0, time.UTC)) // 10:00 on the 10th
		agree := func(what string) {
			t.Helper()
			for _, who := range []fugong.Actor{fugong.System, tangxiaTown, xianTown} {
				days, err := db.ProductionTrend(ctx, who, "2020-01-30", "2020-02-10")
				if err != nil {
					t.Fatal(err)
				}
				trend := production.ComposeTrend(days)
				if len(trend) != 12 || trend[11].Date != "2020-02-10" {
					t.Fatalf("%s: %d days", what, len(trend))
				}
				for _, td := range trend {
					cells, err := db.ProductionSummary(ctx, who, td.Date)
					if err != nil {
						t.Fatal(err)
					}
					s := production.Compose(td.Date, cells)
					if !reflect.DeepEqual(td.Area, s.City) || !reflect.DeepEqual(td.BySize, s.BySize) {
						t.Errorf("%s, %s %s: trend %+v\nsummary %+v", what, who.Username, td.Date, td.Area, s.City)
					}
				}
			}
		}
		agree("first")
		for _, p := range []struct{ firm, date string }{{"xian", "2020-02-04"}, {"xian", "2020-02-10"}, {"essential", "2020-02-09"}} {
			if _, _, err := db.PutProductionDay(ctx, fugong.System, f[p.firm].USCC, p.date, resumed(70, 80)); err != nil {
				t.Fatal(err)
			}
			agree("after a report of " + p.date)
		}
		above, err := db.GetEnterprise(ctx, fugong.System, f["above"].USCC)
		if err != nil {
			t.Fatal(err)
		}
		more := above
		more.Employees = 260
		if _, err := db.UpdateEnterprise(ctx, fugong.System, above, more); err != nil {
			t.Fatal(err)
		}
		agree("after a change of staff")
	})
}
