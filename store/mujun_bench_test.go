package store_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/mujun"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// BenchmarkMujunEvaluate measures a year's evaluation end to end, as
// mujun.Service.Evaluate does it: read the year's figures (with each
// firm's town, size and last year's class), grade both groups, and write
// the run with its results (packed, store/mujun_pack.go, through the bulk
// path) and their counts, in one audited transaction.
//
//	go test -run '^$' -bench MujunEvaluate -benchtime 3x ./store/
//
// Sizes: 7,000 firms (a city: Ruian rated 6,833) on both engines, and
// 1,000,000 on SQLite (FUGONG_BENCH_MUJUN_1M=postgres adds PostgreSQL, =0
// leaves the million out). The database holds 2018's figures and run too,
// so last year's class is read as in production. The first run sets every
// firm's registry class (one audit row each) and is timed apart, in the
// log; the loop re-runs the year, as after a data correction, when few or
// no classes change. Metrics: the three phases in ms, the CPU time of the
// process (on shared cores a steadier measure than the clock), the peak
// heap; then a page of results by town and class (the first and one in
// the middle of the list) and a firm's explanation.
func BenchmarkMujunEvaluate(b *testing.B) {
	big := os.Getenv("FUGONG_BENCH_MUJUN_1M")
	for _, c := range []struct {
		engine string
		n      int
	}{
		{store.SQLite, 7_000}, {store.Postgres, 7_000}, {store.SQLite, 1_000_000}, {store.Postgres, 1_000_000},
	} {
		if c.n == 1_000_000 && (big == "0" || c.engine == store.Postgres && big != store.Postgres) {
			continue
		}
		b.Run(fmt.Sprintf("%s/%d", c.engine, c.n), func(b *testing.B) { benchmarkEvaluate(b, c.engine, c.n) })
	}
}

var benchTowns = func() []string {
	out := make([]string, len(registry.Towns))
	for i, t := range registry.Towns {
		out[i] = t.Code
	}
	return out
}()

// benchCity makes n enterprises over the 23 towns (16 % above designated
// size) and their figures of 2018 and 2019: sizes skewed small, one in
// ten without an emission figure, 2 % start-ups.
func benchCity(b testing.TB, n int) ([]registry.Enterprise, []mujun.AnnualData, []mujun.AnnualData) {
	rng := rand.New(rand.NewPCG(9, 14))
	es := make([]registry.Enterprise, n)
	y18, y19 := make([]mujun.AnnualData, n), make([]mujun.AnnualData, n)
	created := time.Date(2019, 12, 31, 9, 0, 0, 0, fugong.Location)
	for i := range es {
		first17 := "91330381M" + fmt.Sprintf("%08d", i)
		c, err := registry.USCCCheckChar(first17)
		if err != nil {
			b.Fatal(err)
		}
		size := registry.SizeBelow
		if rng.IntN(100) < 16 {
			size = registry.SizeAbove
		}
		s := rng.Float64()
		land := math.Round((1+60*s*s)*100) / 100
		es[i] = registry.Enterprise{USCC: first17 + string(c), Name: "亩均基准企业" + strconv.Itoa(i), Town: benchTowns[i*len(benchTowns)/n],
			SizeClass: size, Employees: 5 + int(500*s*s), LandMu: land, Status: registry.StatusActive, CreatedAt: created}
		q := math.Exp(0.45 * rng.NormFloat64())
		for y, out := range [][]mujun.AnnualData{y18, y19} {
			k := q
			if y == 0 {
				k *= math.Exp(0.25 * rng.NormFloat64())
			}
			va := math.Round(land*60*k*100) / 100
			d := mujun.AnnualData{USCC: es[i].USCC, Year: 2018 + y, LandMu: land, TaxWan: math.Round(va*20) / 100, ValueAddedWan: va,
				RevenueWan: math.Round(va*400) / 100, EnergyTce: math.Round(va/(2.5*k)*100) / 100, RDWan: math.Round(va*3*k) / 100,
				Staff: float64(es[i].Employees), ElectricityKWh: math.Round(va * 1500), WaterT: math.Round(va * 6)}
			if rng.IntN(10) > 0 {
				em := math.Round(va/(5000*k)*1e4) / 1e4
				d.EmissionsT = &em
			}
			if rng.IntN(50) == 0 {
				d.StartYear = 2018
			}
			out[i] = d
		}
	}
	return es, y18, y19
}

// peakHeap samples the heap in use until stopped and returns its peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

func benchmarkEvaluate(b *testing.B, engine string, n int) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(b.TempDir(), "mujun.db")
	if engine == store.Postgres {
		dsn = storetest.NewPostgres(b)
	}
	db := storetest.Open(b, dsn)
	es, y18, y19 := benchCity(b, n)
	setup := time.Now()
	if err := db.LoadEnterprises(ctx, es); err != nil {
		b.Fatal(err)
	}
	for _, rows := range [][]mujun.AnnualData{y18, y19} {
		if err := db.LoadAnnualData(ctx, rows); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	es, y18, y19 = nil, nil, nil
	svc := &mujun.Service{Store: db, Registry: &registry.Service{Store: db}, Now: time.Now}
	a := fugong.Actor{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	if _, err := svc.Evaluate(ctx, a, 2018, ""); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s, %d firms: loaded two years and evaluated 2018 in %v", engine, n, time.Since(setup).Round(time.Millisecond))
	first := time.Now()
	r, err := svc.Evaluate(ctx, a, 2019, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("the first 2019 run, setting %d registry classes with an audit row each: %v", r.Total(), time.Since(first).Round(time.Millisecond))

	set, err := svc.YearSettings(ctx, a, 2019)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var read, eval, write, cpu, readCPU, writeCPU time.Duration
	if path := os.Getenv("FUGONG_BENCH_MUJUN_PROFILE"); path != "" {
		// The loop's CPU profile, without the setup's.
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		// The steps of mujun.Service.Evaluate, timed one by one.
		stop := peakHeap()
		t0, c0 := time.Now(), cpuTime()
		above, below, err := db.Firms(ctx, 2019)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.DataYears(ctx); err != nil {
			b.Fatal(err)
		}
		t1, c1 := time.Now(), cpuTime()
		run, evs, err := mujun.EvaluateYear(2019, set, above, below)
		if err != nil {
			b.Fatal(err)
		}
		run.SetClasses = true
		changes := mujun.ClassChanges([][]mujun.Firm{above, below}, evs)
		t2, c2 := time.Now(), cpuTime()
		if _, err := db.SaveRun(ctx, a, run, evs, changes); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		c3 := cpuTime()
		read, eval, write, cpu = read+t1.Sub(t0), eval+t2.Sub(t1), write+t3.Sub(t2), cpu+c3-c0
		readCPU, writeCPU = readCPU+c1-c0, writeCPU+c3-c2
		peak = max(peak, stop())
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(read), "read-ms")
	b.ReportMetric(ms(eval), "eval-ms")
	b.ReportMetric(ms(write), "write-ms")
	b.ReportMetric(ms(cpu), "cpu-ms")
	b.ReportMetric(ms(readCPU), "read-cpu-ms")
	b.ReportMetric(ms(writeCPU), "write-cpu-ms")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")

	// What the run is read by: pages of results by town and class (the
	// first and one deep in the town's list), a firm's explanation.
	last, err := db.Runs(ctx, 2019)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	const pages = 20
	var some mujun.Listed
	for i := range pages / 2 {
		f := mujun.ResultFilter{Run: last[0].ID, Town: benchTowns[i%len(benchTowns)], Class: mujun.Classes[i%len(mujun.Classes)], Page: 1, PerPage: 50}
		for range 2 {
			ls, total, err := svc.Results(ctx, a, f)
			if err != nil || len(ls) == 0 || total == 0 {
				b.Fatalf("page %+v: %d of %d, %v", f, len(ls), total, err)
			}
			some, f.Page = ls[len(ls)-1], 1+total/50/2
		}
	}
	b.ReportMetric(float64(time.Since(t0).Microseconds())/1000/pages, "page-ms")
	t0 = time.Now()
	if _, l, _, err := svc.Result(ctx, a, last[0], some.USCC); err != nil || l.Score != some.Score {
		b.Fatalf("explanation of %s: %+v %v", some.USCC, l, err)
	}
	b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "firm-ms")
}
