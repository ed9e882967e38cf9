package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fugong/store/storetest"
)

// BenchmarkParallelLogins fires 300 logins at once at a real HTTP server
// over SQLite, each for an unknown username from its own address (sent as
// X-Forwarded-For from a trusted proxy, so the address throttle does not
// refuse them), and reports the server process's peak memory while they
// run: peak-heap-MiB is the runtime's in-use heap (runtime/metrics),
// peak-rss-MiB the kernel's high-water mark of resident memory, reset
// before the burst. It reports, and asserts nothing:
//
//	go test ./web/ -run '^$' -bench ParallelLogins -benchtime 1x
func BenchmarkParallelLogins(b *testing.B) {
	const logins = 300
	db := storetest.Open(b, "sqlite:"+filepath.Join(b.TempDir(), "fugong.db"))
	var err error
	d := testDeps(db, db.Now)
	d.Logger = slog.New(slog.DiscardHandler)
	if d.TrustedProxies, err = ParseTrustedProxies("127.0.0.0/8"); err != nil {
		b.Fatal(err)
	}
	h, err := New(d)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: logins}}

	for i := range b.N {
		runtime.GC()
		debug.FreeOSMemory()
		base := heapInUse()
		resetPeakRSS()
		var peak atomic.Uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				if h := heapInUse(); h > peak.Load() {
					peak.Store(h)
				}
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}()

		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		ready := make(chan struct{})
		for j := range logins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf(`{"username":"nobody-%d-%d","password":"wrong-password"}`, i, j)
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/sessions", bytes.NewReader([]byte(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", j/250, j%250+1))
				<-ready
				status := 0
				if res, err := client.Do(req); err == nil {
					status = res.StatusCode
					res.Body.Close()
				}
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}()
		}
		close(ready)
		wg.Wait()
		close(stop)
		<-sampled

		b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		if rss, ok := peakRSS(); ok {
			b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
		}
		for _, code := range []int{401, 429, 503} {
			b.ReportMetric(float64(statuses[code]), "status-"+strconv.Itoa(code))
		}
		if n := statuses[401] + statuses[429] + statuses[503]; n != logins {
			b.Logf("statuses %v", statuses)
		}
	}
}

var heapSamples = []metrics.Sample{
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/heap/unused:bytes"},
}

// heapInUse is the runtime's HeapInuse: spans holding objects, live or not
// yet swept, and their free slots.
func heapInUse() uint64 {
	s := make([]metrics.Sample, len(heapSamples))
	copy(s, heapSamples)
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// resetPeakRSS starts the kernel's high-water mark of resident memory
// (VmHWM) again from the current resident size (Linux).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the kernel's high-water mark of resident memory (Linux).
func peakRSS() (uint64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
