package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"fugong/daily"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
)

// The dashboard's load (M12, `fugong bench dashboard`): production
// history for the dashboard to add up, its queries timed, and the
// submissions driven again while wall views and desk users read the
// dashboard, to see how much the readers slow them.

// Readers of the dashboard run: the command room's wall views and the
// desk users. They all read at once when the phase starts, then each
// again every Config.WallEvery or DeskEvery after its last answer.
const (
	Walls = 50
	Desks = 200
)

// DashboardTarget is the slowdown of the submissions the readers may cause.
const DashboardTarget = 0.10

// ReaderStats are what the readers did during the loaded phase.
type ReaderStats struct {
	Reads, Errors int
	P50, P95, Max time.Duration
	FirstError    string
}

// productionHistory stores each enterprise's status changes over the
// days: closed until a day of its own, resumed then, and for one in three
// at full capacity three weeks later. Firms report when their status
// changes, so the history is about 1.3 rows per firm, not one a day.
func productionHistory(ctx context.Context, db *store.DB, n int, days []time.Time) error {
	if len(days) == 0 {
		return nil
	}
	// One load: LoadProduction stores each firm's latest day from all the
	// days, so it takes them at once.
	dates := make([]string, len(days))
	for d, t := range days {
		dates[d] = t.Format(daily.DateLayout)
	}
	rows := make([]production.Day, 0, n+n/3)
	for i := range n {
		h := hash(i, 77)
		back := int(h % uint64(len(days)))
		uscc := USCC(i)
		rows = append(rows, production.Day{USCC: uscc, Date: dates[back], UpdatedBy: "bench", UpdatedAt: days[back].Add(10 * time.Hour),
			Figures: production.Figures{Status: production.StatusResumed, CapacityPct: 30 + int(h>>8%50), OnPostPct: 40 + int(h>>16%50),
				Upstream: production.SupplyNormal, Downstream: production.SupplyNormal}})
		if full := back + 21; i%3 == 0 && full < len(days) {
			rows = append(rows, production.Day{USCC: uscc, Date: dates[full], UpdatedBy: "bench",
				UpdatedAt: days[full].Add(10 * time.Hour), Figures: production.Figures{Status: production.StatusFull, CapacityPct: 100,
					OnPostPct: 95, Upstream: production.SupplyNormal, Downstream: production.SupplyNormal}})
		}
	}
	return db.LoadProduction(ctx, nil, nil, rows)
}

// dashboardRun times the dashboard's reads, then drives the submissions
// again (on further enterprises) while Walls wall views and Desks desk
// users read.
func dashboardRun(ctx context.Context, c *client, cfg Config, today string, sub *submitter, first Phase, res *Result) {
	town := registry.Towns[12].Code // 塘下镇, the largest
	for _, q := range []Query{
		{Name: "dashboard city", Path: "/api/v1/dashboard?date=" + today},
		{Name: "dashboard town", Path: "/api/v1/dashboard?date=" + today + "&town=" + town},
		{Name: "wall page", Path: "/wall"},
		{Name: "wall live fragment", Path: "/wall/live"},
		{Name: "dashboard page", Path: "/dashboard"},
	} {
		res.Queries = append(res.Queries, c.time(ctx, q, cfg.QueryRuns))
	}

	// The readers' own connections, kept open as browsers keep theirs.
	rc := &client{base: c.base, token: c.token, http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConns: Walls + Desks, MaxIdleConnsPerHost: Walls + Desks, IdleConnTimeout: time.Minute, DisableCompression: true}}}
	defer rc.http.CloseIdleConnections()
	rctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var lats []time.Duration
	stats := &res.Readers
	read := func(pause time.Duration, paths ...string) {
		defer wg.Done()
		var local []time.Duration
		for k := 0; rctx.Err() == nil; k++ {
			p := paths[k%len(paths)]
			t := time.Now()
			status, text, err := rc.do(rctx, "GET", p, nil, nil)
			if rctx.Err() != nil {
				break
			}
			local = append(local, time.Since(t))
			if err != nil || status != http.StatusOK {
				mu.Lock()
				stats.Errors++
				if stats.FirstError == "" {
					stats.FirstError = fmt.Sprintf("GET %s: %d %.200s %v", p, status, text, err)
				}
				mu.Unlock()
			}
			select {
			case <-rctx.Done():
			case <-time.After(pause):
			}
		}
		mu.Lock()
		lats = append(lats, local...)
		mu.Unlock()
	}
	for w := range Walls + Desks {
		wg.Add(1)
		if w < Walls {
			go read(cfg.WallEvery, "/wall/live")
		} else {
			go read(cfg.DeskEvery, "/api/v1/dashboard?date="+today, "/dashboard", "/api/v1/dashboard?date="+today+"&town="+town)
		}
	}
	offset := first.Requests
	loaded := drive(ctx, fmt.Sprintf("submit with %d walls + %d desks reading", Walls, Desks), cfg.Concurrency, cfg.Duration, cfg.Requests,
		func(i int) (int, string, error) { return sub.do(offset + i) },
		func(s int) bool { return s == http.StatusCreated || s == http.StatusOK })
	stop()
	wg.Wait()
	slices.Sort(lats)
	stats.Reads = len(lats)
	stats.P50, stats.P95 = Percentile(lats, 50), Percentile(lats, 95)
	if len(lats) > 0 {
		stats.Max = lats[len(lats)-1]
	}
	res.Phases = append(res.Phases, loaded)
	res.Loaded, res.Alone = loaded, first
	res.WallEvery, res.DeskEvery = cfg.WallEvery, cfg.DeskEvery
}

// printDashboard writes the readers' figures and the submissions' slowdown.
func (r *Result) printDashboard(w io.Writer) {
	if r.Loaded.Name == "" {
		return
	}
	s := r.Readers
	fmt.Fprintf(w, "readers: %d walls (/wall/live every %v) and %d desks (dashboard API, page, a town, every %v) read %d times (%d errors), p50 %s, p95 %s, max %s\n",
		Walls, r.WallEvery, Desks, r.DeskEvery, s.Reads, s.Errors, ms(s.P50), ms(s.P95), ms(s.Max))
	if s.FirstError != "" {
		fmt.Fprintf(w, "readers' first error: %s\n", s.FirstError)
	}
	slow := 0.0
	if r.Alone.Rate() > 0 {
		slow = 1 - r.Loaded.Rate()/r.Alone.Rate()
	}
	verdict := "met"
	if slow > DashboardTarget {
		verdict = "NOT met"
	}
	fmt.Fprintf(w, "submissions: %s/s alone, %s/s with the readers: %.1f %% slower (target ≤ %.0f %%: %s)\n\n",
		thousands(int(r.Alone.Rate())), thousands(int(r.Loaded.Rate())), 100*slow, 100*DashboardTarget, verdict)
}
