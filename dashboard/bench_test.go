package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/cmd/fugong/wiring"
	"fugong/daily"
	"fugong/dashboard"
	"fugong/loadtest"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// benchDays is the history of the benchmark's city: 90 days of
// production and of report counters.
const benchDays = 90

// benchCity stores n enterprises with 90 days of history: each firm's
// production status changes (closed, resumed on a day of its own, one in
// three at full capacity three weeks later: about 1.3 rows a firm, as firms
// report when their status changes), and the daily reports of every day
// from a sample of the firms (one in 200; every second firm today), which
// keep the per-town counters of each day as the real ones would. It
// returns the last day.
func benchCity(b *testing.B, db *store.DB, n int) string {
	b.Helper()
	ctx := context.Background()
	start := time.Date(2020, 2, 1, 0, 0, 0, 0, fugong.Location)
	registered := start.Add(-24 * time.Hour)
	t0 := time.Now()
	es := make([]registry.Enterprise, 0, 50_000)
	for from := 0; from < n; from += 50_000 {
		es = es[:0]
		for i := from; i < min(n, from+50_000); i++ {
			es = append(es, loadtest.Enterprise(i, registered))
		}
		if err := db.LoadEnterprises(ctx, es); err != nil {
			b.Fatal(err)
		}
	}
	var days []production.Day
	for i := range n {
		uscc := loadtest.USCC(i)
		back := i * 7919 % (benchDays - 10)
		d := start.AddDate(0, 0, back)
		days = append(days, production.Day{USCC: uscc, Date: d.Format(daily.DateLayout), UpdatedBy: "bench", UpdatedAt: d.Add(10 * time.Hour),
			Figures: production.Figures{Status: production.StatusResumed, CapacityPct: 30 + i%50, OnPostPct: 40 + i%50, Upstream: "normal", Downstream: "normal"}})
		if full := back + 21; i%3 == 0 && full < benchDays {
			f := start.AddDate(0, 0, full)
			days = append(days, production.Day{USCC: uscc, Date: f.Format(daily.DateLayout), UpdatedBy: "bench", UpdatedAt: f.Add(10 * time.Hour),
				Figures: production.Figures{Status: production.StatusFull, CapacityPct: 100, OnPostPct: 95, Upstream: "normal", Downstream: "normal"}})
		}
	}
	if err := db.LoadProduction(ctx, nil, nil, days); err != nil {
		b.Fatal(err)
	}
	var reports []daily.Report
	towns := map[string]string{}
	for d := range benchDays {
		date := start.AddDate(0, 0, d)
		every := 200
		if d == benchDays-1 {
			every = 2
		}
		for i := d % every; i < n; i += every {
			at := date.Add(9 * time.Hour)
			reports = append(reports, daily.Report{USCC: loadtest.USCC(i), Date: date.Format(daily.DateLayout), Figures: loadtest.Figures(i, d, 0),
				Version: 1, SubmittedAt: at, FirstAt: at, SubmittedBy: "bench", OnTime: i%20 != 0})
			towns[loadtest.USCC(i)] = loadtest.Town(i)
		}
		if len(reports) > 200_000 || d == benchDays-1 {
			if err := db.LoadReports(ctx, reports, towns); err != nil {
				b.Fatal(err)
			}
			reports = reports[:0]
		}
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d firms, %d production rows, stored in %v", db.Engine, n, len(days), time.Since(t0).Round(time.Millisecond))
	return start.AddDate(0, 0, benchDays-1).Format(daily.DateLayout)
}

// benchSizes are the cities measured: FUGONG_BENCH_DASHBOARD lists them
// ("10000,100000,1000000"); 10,000 and 100,000 by default.
func benchSizes(b *testing.B) []int {
	v := os.Getenv("FUGONG_BENCH_DASHBOARD")
	if v == "" {
		return []int{10_000, 100_000}
	}
	var out []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			b.Fatalf("FUGONG_BENCH_DASHBOARD: %q", s)
		}
		out = append(out, n)
	}
	return out
}

// BenchmarkDashboard measures, on both engines at each size: the dashboard
// API of the city and of a town and the wall's page through the whole
// server (p95 reported as p95-ms), and the 30-day production trend from
// the rollup and the report trend from their counters, whose time must not
// grow with the firms:
//
//	go test -run '^$' -bench Dashboard -benchtime 20x ./dashboard/
//	FUGONG_BENCH_DASHBOARD=1000000 go test -run '^$' -bench Dashboard -benchtime 20x -timeout 1h ./dashboard/
func BenchmarkDashboard(b *testing.B) {
	for _, n := range benchSizes(b) {
		for _, engine := range []string{store.SQLite, store.Postgres} {
			b.Run(fmt.Sprintf("%s/%d", engine, n), func(b *testing.B) { benchmarkDashboard(b, engine, n) })
		}
	}
}

func benchmarkDashboard(b *testing.B, engine string, n int) {
	ctx := context.Background()
	db := storetest.Open(b, storetest.DSN(b, engine))
	last := benchCity(b, db, n)
	end, _ := time.ParseInLocation(daily.DateLayout, last, fugong.Location)
	now := func() time.Time { return end.Add(16 * time.Hour) }
	db.Now = now
	svc := wiring.NewServices(db, now)
	svc.Dashboard.CacheFor = 0 // every request computes: the cost, not the cache's
	h, err := wiring.Handler(svc, wiring.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Accounts.Create(ctx, fugong.System, account.User{Username: "bench", Role: fugong.RoleBureau,
		Group: fugong.GroupStatistics}, "bench-password-1"); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	token := login(b, srv.URL)
	town := "330381101"
	from := end.AddDate(0, 0, 1-dashboard.TrendDays).Format(daily.DateLayout)

	timed := func(name, path string) {
		b.Run(name, func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				t := time.Now()
				req, _ := http.NewRequest("GET", srv.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %d", path, resp.StatusCode)
				}
				ds = append(ds, time.Since(t))
			}
			b.ReportMetric(p95(ds), "p95-ms")
		})
	}
	timed("api-city", "/api/v1/dashboard?date="+last)
	timed("api-town", "/api/v1/dashboard?date="+last+"&town="+town)
	timed("wall", "/wall")
	b.Run("trend-production-30d", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.ProductionRollupTrend(ctx, fugong.System, from, last, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("trend-reports-30d", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := db.Trend(ctx, fugong.System, from, last); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("summary-production-rollup", func(b *testing.B) {
		for b.Loop() {
			cells, err := db.ProductionRollup(ctx, fugong.System, last, "")
			if err != nil {
				b.Fatal(err)
			}
			if s := production.Compose(last, cells); s.City.Total != n {
				b.Fatalf("%d firms summed, want %d", s.City.Total, n)
			}
		}
	})
}

func p95(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return float64(ds[(len(ds)*95+99)/100-1].Microseconds()) / 1000
}

func login(b *testing.B, base string) string {
	b.Helper()
	resp, err := http.Post(base+"/api/v1/sessions", "application/json",
		strings.NewReader(`{"username":"bench","password":"bench-password-1"}`))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := jsonDecode(resp, &out); err != nil || out.Token == "" {
		b.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return out.Token
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
