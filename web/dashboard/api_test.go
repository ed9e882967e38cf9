package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/daily"
	"fugong/dashboard"
	"fugong/inspect"
	"fugong/pii"
	"fugong/production"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// shanghai is a time of day in Asia/Shanghai.
func shanghai(day string, hour int) time.Time {
	d, err := time.ParseInLocation(daily.DateLayout, day, fugong.Location)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

var idSeq atomic.Int64

func newIDNumber() string {
	n := int(idSeq.Add(1))
	id, err := pii.MakeIDNumber("330381", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), n%500*2+1)
	if err != nil {
		panic(err)
	}
	return id
}

const (
	firstDay = "2020-02-01"
	today    = "2020-02-10"
)

// seed stores some of everything the dashboard counts, through the
// modules' own APIs (and the store for production days): days and reports
// over ten days, a failed inspection whose rectification is now overdue,
// tickets, a shortage of masks and a fever alert.
func seed(t *testing.T, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	ok := func(r webtest.Resp, what string) {
		t.Helper()
		if r.Status >= 300 {
			t.Fatalf("%s: %d %s", what, r.Status, r.Body)
		}
	}
	admin := fugong.Actor{Username: "u-admin", Role: fugong.RoleAdmin}
	for _, k := range []string{"tangA", "xianA"} {
		if err := e.DB.SetEssential(ctx, admin, e.Ents[k], true, "保供"); err != nil {
			t.Fatal(err)
		}
	}
	day := func(i int) string { return shanghai(firstDay, 0).AddDate(0, 0, i).Format(daily.DateLayout) }
	put := func(k, date, status string, capacity, onPost int) {
		t.Helper()
		if _, _, err := e.DB.PutProductionDay(ctx, admin, e.Ents[k], date, production.Figures{Status: status, CapacityPct: capacity,
			OnPostPct: onPost, Upstream: "normal", Downstream: "normal"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		d := day(i)
		e.Clock.Set(shanghai(d, 9+i%3*4)) // some reports on time, some late
		if i >= 2 {
			put("tangA", d, production.StatusResumed, 30+i*5, 40+i*5)
		}
		if i == 4 || i == 8 {
			put("xianA", d, production.StatusFull, 100, 90)
		}
		for _, k := range []string{"tangA", "tangB", "xianA"} {
			if (k == "tangB" && i%2 == 1) || (k == "xianA" && i == 9) {
				continue // some days without a report
			}
			body := map[string]any{"staff_total": 28, "staff_in_city": 20, "returned_today": i % 4, "persuaded_today": i % 2,
				"tickets_refunded_today": 0, "hubei_staff": 2, "hubei_contacted_today": 2, "quarantined": i % 3, "fever": i % 2,
				"on_duty": 3, "commitment_signed": true, "note": ""}
			ok(e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents[k]+"/reports/"+d, webtest.JSON(body)), "report")
		}
		if i == 1 {
			in := inspect.VisitInput{ChecklistID: 2, VisitedAt: e.Clock.Now().Format(time.RFC3339Nano), Inspectors: []string{"林晓峰"}}
			for id := int64(7); id <= 12; id++ {
				a := inspect.AnswerInput{ItemID: id, Result: inspect.ResultPass}
				if id == 7 {
					a.Result, a.Note = inspect.ResultFail, "门卫未戴口罩"
					a.Owner, a.DueDate = "陈建国", e.Clock.Now().In(fugong.Location).AddDate(0, 0, 1).Format(inspect.DateLayout)
				}
				in.Answers = append(in.Answers, a)
			}
			ok(e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/"+e.Ents["tangA"]+"/visits", webtest.JSON(in)), "visit")
		}
		if i == 3 {
			for _, k := range []string{"tangB", "xianA"} {
				ok(e.As(t, webtest.RoleAdmin, "POST", "/api/v1/tickets", webtest.JSON(map[string]string{"enterprise": e.Ents[k],
					"category": "raw_materials", "urgency": "high", "title": "熔喷布短缺", "description": "复工后原料不足"})), "ticket")
			}
		}
	}
	e.Clock.Set(shanghai(today, 15))
	ok(e.As(t, webtest.RoleAdmin, "POST", "/api/v1/tickets", webtest.JSON(map[string]string{"enterprise": e.Ents["tangA"],
		"category": "supplies", "urgency": "urgent", "title": "口罩不足", "description": "口罩只够一天"})), "ticket")
	ok(e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents["tangA"]+"/supplies",
		webtest.RawJSON(`{"masks":1,"thermometers":2,"disinfectant_l":1,"suits":0,"gloves":4}`)), "stock")
	r := e.As(t, webtest.RoleClerk, "POST", "/api/v1/enterprises/"+e.Ents["tangB"]+"/staff", webtest.JSON(map[string]any{
		"name": "王小明", "id_number": newIDNumber(), "phone": "13912345678", "origin": "湖北省武汉市", "hubei": true,
		"returned_on": "", "quarantine_start": "", "health_code": "green", "code_held_by_family": false, "on_post": true}))
	ok(r, "staff")
	var person struct {
		ID int64 `json:"id"`
	}
	r.Decode(t, &person)
	ok(e.As(t, webtest.RoleClerk, "POST", fmt.Sprintf("/api/v1/staff/%d/temperatures", person.ID), webtest.RawJSON(`{"celsius":38.6}`)), "fever")
}

// get decodes a 200 answer of path as role into a generic value.
func get(t *testing.T, e *webtest.Env, role, path string) map[string]any {
	t.Helper()
	r := e.As(t, role, "GET", path, webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("%s as %s: %d %s", path, role, r.Status, r.Body)
	}
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// at reads a number at a dotted path of a generic value.
func at(v any, path string) float64 {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return math.NaN()
		}
		v = m[k]
	}
	f, ok := v.(float64)
	if !ok {
		return math.NaN()
	}
	return f
}

// rows indexes a list of towns by their code field.
func rows(v map[string]any, list, key string) map[string]map[string]any {
	out := map[string]map[string]any{}
	items, _ := v[list].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		out[m[key].(string)] = m
	}
	return out
}

// figures are the contract's figures of an area, as compared.
type figures map[string]float64

func ofDashboard(f dashboard.Figures) figures {
	return figures{"above.total": float64(f.Enterprises.Above.Total), "above.resumed": float64(f.Enterprises.Above.Resumed),
		"below.total": float64(f.Enterprises.Below.Total), "below.resumed": float64(f.Enterprises.Below.Resumed),
		"capacity_pct": f.CapacityPct, "on_post_pct": f.OnPostPct, "reports.expected": float64(f.Reports.Expected),
		"reports.received": float64(f.Reports.Received), "reports.on_time": float64(f.Reports.OnTime), "returned": float64(f.Returned),
		"persuaded": float64(f.Persuaded), "quarantined": float64(f.Quarantined), "fever": float64(f.Fever), "coverage_pct": f.CoveragePct,
		"rectifications_overdue": float64(f.RectificationsOverdue), "tickets_open": float64(f.TicketsOpen),
		"tickets_overdue": float64(f.TicketsOverdue), "shortages": float64(f.Shortages), "alerts_open": float64(f.AlertsOpen)}
}

// fromModules reads the same figures of the city (town "") or a town from
// each module's own API, as role.
func fromModules(t *testing.T, e *webtest.Env, role, date, town string) figures {
	t.Helper()
	prod := get(t, e, role, "/api/v1/production/summary?date="+date)
	comp := get(t, e, role, "/api/v1/reports/completeness?date="+date)
	cov := get(t, e, role, "/api/v1/inspections/coverage?to="+date)
	rect := get(t, e, role, "/api/v1/rectifications/towns")
	var p, c, v, rc any = prod["city"], comp["city"], cov["city"], rect["city"]
	ps := prod["by_size_class"]
	if town != "" {
		pt := rows(prod, "towns", "town")[town]
		p, ps = pt, pt["by_size_class"]
		c, v, rc = rows(comp, "towns", "town")[town], rows(cov, "towns", "town")[town], rows(rect, "towns", "town")[town]
	}
	orZero := func(x float64) float64 {
		if math.IsNaN(x) {
			return 0
		}
		return x
	}
	totals := "totals."
	f := figures{"above.total": orZero(at(ps, "above.total")), "above.resumed": orZero(at(ps, "above.working")),
		"below.total": orZero(at(ps, "below.total")), "below.resumed": orZero(at(ps, "below.working")),
		"capacity_pct": orZero(at(p, "weighted_capacity_pct")), "on_post_pct": orZero(at(p, "on_post_rate")),
		"reports.expected": orZero(at(c, "expected")), "reports.received": orZero(at(c, "received")), "reports.on_time": orZero(at(c, "on_time")),
		"returned": orZero(at(c, totals+"returned_today")), "persuaded": orZero(at(c, totals+"persuaded_today")),
		"quarantined": orZero(at(c, totals+"quarantined")), "fever": orZero(at(c, totals+"fever")),
		"coverage_pct": orZero(at(v, "rate")), "rectifications_overdue": orZero(at(rc, "overdue"))}
	q := url.Values{"town": {town}}.Encode()
	if town == "" {
		q = ""
	}
	list := get(t, e, role, "/api/v1/tickets?per_page=500&"+q)
	open, overdue := 0, 0
	for _, it := range list["items"].([]any) {
		k := it.(map[string]any)
		if st := k["status"].(string); st != "resolved" && st != "closed" {
			open++
			if k["overdue"].(bool) {
				overdue++
			}
		}
	}
	if town == "" {
		stats := get(t, e, role, "/api/v1/tickets/stats")
		if int(at(stats, "all.open")) != open || int(at(stats, "all.overdue")) != overdue {
			t.Errorf("the tickets' list and stats disagree: %d/%d open, %v", open, overdue, stats["all"])
		}
	}
	f["tickets_open"], f["tickets_overdue"] = float64(open), float64(overdue)
	f["shortages"] = at(get(t, e, role, "/api/v1/supplies/shortages?"+q), "total")
	f["alerts_open"] = at(get(t, e, role, "/api/v1/alerts?status=open&"+q), "total")
	return f
}

func compare(t *testing.T, what string, got, want figures) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %v on the dashboard, %v in its module", what, k, got[k], w)
		}
	}
}

func dashboardOf(t *testing.T, e *webtest.Env, role, query string) dashboard.Dashboard {
	t.Helper()
	r := e.As(t, role, "GET", "/api/v1/dashboard?"+query, webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("dashboard %s as %s: %d %s", query, role, r.Status, r.Body)
	}
	var d dashboard.Dashboard
	r.Decode(t, &d)
	return d
}

// TestFiguresAgreeWithModules checks every figure of the dashboard against
// the module's own API for the same day and area, for the city, each town
// of it, a town by the bureau's choice and the town user's own, on both
// engines; and the trends against the modules' trends.
func TestFiguresAgreeWithModules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, shanghai(firstDay, 8))
		seed(t, e)
		for _, date := range []string{"2020-02-05", today} {
			city := dashboardOf(t, e, webtest.RoleBureauStat, "date="+date)
			want := fromModules(t, e, webtest.RoleBureauStat, date, "")
			compare(t, date+" city", ofDashboard(city.Figures), want)
			if len(city.Towns) != 2 {
				t.Fatalf("%s: towns %+v", date, city.Towns)
			}
			for _, tw := range city.Towns {
				compare(t, date+" city's row of "+tw.Name, ofDashboard(tw.Figures), fromModules(t, e, webtest.RoleBureauStat, date, tw.Town))
			}
			for _, code := range []string{webtest.TownTangxia, webtest.TownXianjiang} {
				d := dashboardOf(t, e, webtest.RoleBureauInsp, "date="+date+"&town="+code)
				if d.Town != code || len(d.Towns) != 1 {
					t.Errorf("%s town %s: area %q, towns %+v", date, code, d.Town, d.Towns)
				}
				compare(t, date+" bureau's "+code, ofDashboard(d.Figures), fromModules(t, e, webtest.RoleBureauInsp, date, code))
			}
			own := dashboardOf(t, e, webtest.RoleTown, "date="+date)
			if own.Town != webtest.TownTangxia {
				t.Errorf("the town user's dashboard is of %q", own.Town)
			}
			compare(t, date+" town user's", ofDashboard(own.Figures), fromModules(t, e, webtest.RoleTown, date, ""))

			// The trends, day by day.
			from := shanghai(date, 0).AddDate(0, 0, 1-dashboard.TrendDays).Format(daily.DateLayout)
			prod := get(t, e, webtest.RoleBureauStat, "/api/v1/production/trend?from="+from+"&to="+date)["items"].([]any)
			reports := get(t, e, webtest.RoleBureauStat, "/api/v1/reports/trend?from="+from+"&to="+date)["items"].([]any)
			if len(city.Trend) != dashboard.TrendDays || len(prod) != len(city.Trend) || len(reports) != len(city.Trend) {
				t.Fatalf("trend of %d days, modules' %d and %d", len(city.Trend), len(prod), len(reports))
			}
			for i, d := range city.Trend {
				p, r := prod[i], reports[i]
				exp, rec := at(r, "expected"), at(r, "received")
				rate := 0.0
				if exp > 0 {
					rate = math.Round(rec*1000/exp) / 10
				}
				if d.WorkingPct != at(p, "working_rate") || d.CapacityPct != at(p, "weighted_capacity_pct") ||
					d.OnPostPct != at(p, "on_post_rate") || d.ReportPct != rate || float64(d.Fever) != at(r, "totals.fever") {
					t.Errorf("%s trend %s: %+v; production %v, reports %v", date, d.Date, d, p, r)
				}
			}
		}
		// Checkpoint registrations: the post's own list of the day.
		ctx := context.Background()
		post, err := e.Services.Checkpoints.AddPost(ctx, e.Users[webtest.RoleAdmin].Actor(),
			checkpoint.Post{Name: "塘下卡口", Kind: "road", Town: webtest.TownTangxia})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Services.Checkpoints.Register(ctx, post, url.Values{"name": {"张三"}, "id_number": {"330381199001011230"},
			"phone": {"13812345678"}, "origin": {"温州市鹿城区"}, "destination": {"瑞安市塘下镇"}, "direction": {"in"},
			"fever": {"no"}, "cough": {"no"}, "high_risk_area": {"no"}, "health_code": {"green"}}, ""); err != nil {
			t.Fatal(err)
		}
		regs := get(t, e, webtest.RoleAdmin, fmt.Sprintf("/api/v1/checkpoints/%d/registrations?date=%s", post.ID, today))
		e.Services.Dashboard.CacheFor = 0 // the day's dashboard was computed before the registration
		// Something of each was counted: the comparisons above compare figures, not zeros.
		d := dashboardOf(t, e, webtest.RoleAdmin, "date="+today)
		if d.Enterprises.Above.Resumed != 1 || d.Enterprises.Below.Resumed != 1 || d.Reports.Received != 1 || d.Fever == 0 ||
			d.CoveragePct == 0 || d.RectificationsOverdue != 1 || d.TicketsOpen != 3 || d.TicketsOverdue != 2 || d.Shortages != 1 ||
			d.AlertsOpen != 1 || d.TicketsByUrgency["urgent"] != 1 || d.TicketsByUrgency["high"] != 2 ||
			d.CheckpointRegistrations == nil || float64(*d.CheckpointRegistrations) != at(regs, "total") || *d.CheckpointRegistrations != 1 {
			t.Errorf("the seeded figures: %+v (the post lists %v registrations)", d.Figures, regs["total"])
		}
	})
}

// TestDashboardInput: a bad day or town is refused naming the field; a
// town user may not look at another town (404), nor may a clerk at any.
func TestDashboardInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, shanghai(today, 10))
		for _, c := range []struct {
			role, query string
			status      int
			field       string
		}{
			{webtest.RoleBureauStat, "date=2020-02-30", 400, "date"},
			{webtest.RoleBureauStat, "date=2020-02-11", 400, "date"},
			{webtest.RoleBureauStat, "town=北京", 400, "town"},
			{webtest.RoleTown, "town=" + webtest.TownXianjiang, 404, ""},
			{webtest.RoleClerk, "", 404, ""},
			{webtest.RoleCadre, "", 404, ""},
		} {
			r := e.As(t, c.role, "GET", "/api/v1/dashboard?"+c.query, webtest.Payload{})
			if r.Status != c.status || (c.field != "" && r.Err(t).Error.Field != c.field) {
				t.Errorf("%s as %s: %d %s", c.query, c.role, r.Status, r.Body)
			}
		}
		if d := dashboardOf(t, e, webtest.RoleBureauStat, "town=塘下镇"); d.Town != webtest.TownTangxia || d.Date != today {
			t.Errorf("by name: %q %q", d.Town, d.Date)
		}
	})
}
