package loadtest

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"fugong/cmd/fugong/wiring"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, tc := range []struct {
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 1, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2), 50, 1 * time.Millisecond}, // nearest rank: ceil(0.5 × 2) = 1st
		{ms(1, 2), 51, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 75, 3 * time.Millisecond},
		{ms(1, 2, 3, 4), 100, 4 * time.Millisecond},
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 95, 95 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{hundred, 99.5, 100 * time.Millisecond},
		{hundred, 0, 1 * time.Millisecond}, // below the first rank: the smallest
	} {
		if got := Percentile(tc.values, tc.p); got != tc.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", tc.values, tc.p, got, tc.want)
		}
	}
	if m := Median(ms(9, 1, 5)); m != 5*time.Millisecond {
		t.Errorf("Median = %v", m)
	}
	if m := Median(ms(4, 1, 3, 2)); m != 2*time.Millisecond {
		t.Errorf("Median of an even count = %v, want the lower middle", m)
	}
}

func TestProcStatus(t *testing.T) {
	status := []byte("Name:\tfugong\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n")
	if got := procStatusKB(status, "VmRSS"); got != 102400 {
		t.Errorf("VmRSS = %d", got)
	}
	if got := procStatusKB(status, "VmHWM"); got != 204800 {
		t.Errorf("VmHWM = %d", got)
	}
	if got := procStatusKB(status, "VmSwap"); got != 0 {
		t.Errorf("missing key = %d", got)
	}
	if m := ReadMemory(); m.HeapInuse == 0 {
		t.Errorf("no heap: %+v", m)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// The generated city is valid: codes pass GB 32100 and sort in order,
// towns are the city's, figures keep the report's rules.
func TestGenerated(t *testing.T) {
	created := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := ""
	towns := map[string]int{}
	for i := range 5000 {
		e := Enterprise(i, created)
		if ps := e.Normalize(); len(ps) > 0 {
			t.Fatalf("enterprise %d: %v", i, ps)
		}
		if e.USCC <= prev {
			t.Fatalf("codes out of order: %s after %s", e.USCC, prev)
		}
		prev = e.USCC
		towns[e.Town]++
		for d := -1; d < 5; d++ {
			f := Figures(i, d, 3)
			if ps := f.Normalize(); len(ps) > 0 {
				t.Fatalf("figures %d/%d: %v %+v", i, d, ps, f)
			}
		}
	}
	if len(towns) != len(registry.Towns) {
		t.Errorf("enterprises in %d towns", len(towns))
	}
	if towns["330381101"] < towns["330381002"]*10 {
		t.Errorf("塘下 %d, 玉海 %d: the weights are not applied", towns["330381101"], towns["330381002"])
	}
	start := time.Date(2020, 2, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	days := []time.Time{start, start.AddDate(0, 0, 1)}
	var reports []daily.Report
	for i := range 2000 {
		reports = history(reports, i, days, daily.Deadline(daily.DefaultDeadline))
	}
	late := 0
	for _, r := range reports {
		if !r.OnTime {
			late++
		}
		if daily.Today(r.SubmittedAt) != r.Date {
			t.Fatalf("report of %s submitted at %v", r.Date, r.SubmittedAt)
		}
	}
	if n := len(reports); n < 3700 || n > 3900 || late < n*3/100 || late > n*7/100 {
		t.Errorf("%d reports of 4000, %d late", n, late)
	}
}

func handler(db *store.DB, logger *slog.Logger) (http.Handler, error) {
	return wiring.Handler(wiring.NewServices(db, db.Now), wiring.Options{Logger: logger})
}

// The whole tool at a tiny scale, on both engines: every submission is
// answered, today's counters agree with the answers, every query answers.
func TestRunSmall(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := ""
			if engine == store.Postgres {
				dsn = storetest.PostgresAdminDSN()
			}
			var out, log bytes.Buffer
			res, err := Run(context.Background(), Config{DSN: dsn, Enterprises: 200, Days: 3, Concurrency: 8,
				Duration: time.Second, Requests: 300, Corrections: 0.1, QueryRuns: 2, Handler: handler, Out: &out, Log: &log})
			t.Log("\n" + out.String())
			if err != nil {
				t.Fatal(err)
			}
			sub, ok := res.Phase("submit")
			if !ok || sub.OK == 0 || sub.Errors != 0 {
				t.Fatalf("submissions: %+v", sub)
			}
			if res.Created == 0 || res.Received != res.Created || sub.Statuses[http.StatusOK] == 0 {
				t.Errorf("%d received, %d created, answers %v", res.Received, res.Created, sub.Statuses)
			}
			if res.Reports < 200*3*9/10 {
				t.Errorf("%d reports of history", res.Reports)
			}
			for _, q := range res.Queries {
				if q.Err != "" || q.Runs != 2 {
					t.Errorf("query %s: %+v", q.Name, q)
				}
			}
			for _, p := range res.Phases {
				if p.Errors != 0 || p.OK == 0 {
					t.Errorf("phase %s: %+v", p.Name, p)
				}
			}
			if !strings.Contains(out.String(), "summary: "+engine) {
				t.Errorf("no summary line:\n%s", out.String())
			}
		})
	}
}
