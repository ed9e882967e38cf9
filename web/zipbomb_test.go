package web

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/sheet/sheettest"
	"fugong/store"
	"fugong/store/storetest"
)

// The zip bomb of the measurements: a valid XLSX whose sheet unpacks to
// 900 MB and packs to under 1 MB, with a header that lacks the required
// columns (so the old reader read all of it before saying so).
var (
	bombOnce sync.Once
	bomb     []byte
)

func zipBomb(tb testing.TB) []byte {
	tb.Helper()
	bombOnce.Do(func() { bomb = sheettest.ZipBomb([]string{"备注"}, 900<<20) })
	if len(bomb) >= 1<<20 {
		tb.Fatalf("the zip bomb packs to %d bytes, want under 1 MB", len(bomb))
	}
	return bomb
}

// bombPeaks are the highest values seen while uploads ran: the heap's
// objects, all the memory the Go runtime holds from the OS, and the
// temporary files on disk.
type bombPeaks struct {
	heap, goMem, tmpDisk uint64
}

// bombServer serves the whole stack over a fresh SQLite database and
// returns its URL and the bearer token of a statistics-group user, who may
// import enterprise lists. deps, if set, adjusts the services first.
func bombServer(tb testing.TB, deps func(*Deps)) (string, string) {
	tb.Helper()
	db := storetest.Open(tb, "sqlite:"+filepath.Join(tb.TempDir(), "fugong.db"))
	d := NewDeps(db, time.Now)
	d.Logger = slog.New(slog.DiscardHandler)
	if deps != nil {
		deps(&d)
	}
	h, err := New(d)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	u := account.User{Username: "stat", DisplayName: "统计", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	if _, err := d.Accounts.Create(context.Background(), fugong.System, u, testPassword); err != nil {
		tb.Fatal(err)
	}
	token, _, err := d.Accounts.Login(context.Background(), u.Username, testPassword, "127.0.0.1", account.KindAPI)
	if err != nil {
		tb.Fatal(err)
	}
	return srv.URL, token
}

// bombUploads posts n copies of file at once to the import at path and
// returns their answers and the peaks while they ran. The peaks are the
// whole process's, so nothing else should run meanwhile (no parallel
// tests); temporary files are counted in tmp, where TMPDIR must point.
func bombUploads(tb testing.TB, base, path, token, tmp string, file []byte, n int) ([]*http.Response, bombPeaks) {
	tb.Helper()
	body := upload(tb, "bomb.xlsx", string(file), nil)
	runtime.GC()
	stop := make(chan struct{})
	peaks := make(chan bombPeaks)
	go func() {
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"},
			{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
		var p bombPeaks
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			metrics.Read(samples)
			p.heap = max(p.heap, samples[0].Value.Uint64())
			p.goMem = max(p.goMem, samples[1].Value.Uint64()-samples[2].Value.Uint64())
			if i%20 == 0 {
				p.tmpDisk = max(p.tmpDisk, dirSize(tmp))
			}
			select {
			case <-stop:
				peaks <- p
				return
			case <-tick.C:
			}
		}
	}()
	answers := make([]*http.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, err := http.NewRequest("POST", base+path, bytes.NewReader(body.data))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header.Set("Content-Type", body.ctype)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			res.Body = io.NopCloser(bytes.NewReader(b))
			answers[i], errs[i] = res, err
		})
	}
	wg.Wait()
	close(stop)
	p := <-peaks
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return answers, p
}

// dirSize is the total size of the files under dir.
func dirSize(dir string) uint64 {
	var n uint64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += uint64(fi.Size())
			}
		}
		return nil
	})
	return n
}

// TestZipBombUploads: four zip bombs uploaded at once are refused, as too
// large or as one import too many, and the server's heap stays far below
// what unpacking one of them took (1.5 GB). Not parallel: the heap is the
// whole process's.
func TestZipBombUploads(t *testing.T) {
	file := zipBomb(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	base, token := bombServer(t, nil)
	answers, p := bombUploads(t, base, "/api/v1/enterprises/import", token, tmp, file, 4)
	for i, res := range answers {
		b, _ := io.ReadAll(res.Body)
		switch {
		case res.StatusCode == http.StatusRequestEntityTooLarge && bytes.Contains(b, []byte(`"too_large"`)):
		case res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") != "":
		default:
			t.Errorf("bomb %d: %d %s, want 413 too_large or 429 with Retry-After", i, res.StatusCode, b)
		}
	}
	t.Logf("four zip bombs at once: peak heap %d MB, Go memory %d MB, temporary files %d MB", p.heap>>20, p.goMem>>20, p.tmpDisk>>20)
	if p.heap > 256<<20 || p.tmpDisk > 0 {
		t.Errorf("peak heap %d MB, temporary files %d MB: want under 256 MB and none", p.heap>>20, p.tmpDisk>>20)
	}
}

// TestImportsBusy: when every import slot is taken, an import is refused
// with 429 and a Retry-After, through the API and the page; once one is
// free it goes through.
func TestImportsBusy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.deps
		d.Logger, d.ImportSlots = slog.New(slog.DiscardHandler), 1
		s, err := newServer(d)
		if err != nil {
			t.Fatal(err)
		}
		e.srv = httptest.NewServer(s.routes())
		t.Cleanup(e.srv.Close)
		b := e.browserLogin(t, roleAdmin)
		file := func() string {
			return importHeader + importRow(e.newUSCC(t), "导入一厂", "塘下镇", "13900001111")
		}
		uiImport := func() resp {
			page := b.get(t, "/enterprises/import")
			return b.do(t, "POST", "/enterprises/import", upload(t, "list.csv", file(), map[string]string{"csrf": csrfOf(t, page.body)}), nil)
		}

		s.imports <- struct{}{} // a file being read
		r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import", upload(t, "list.csv", file(), nil))
		if r.status != http.StatusTooManyRequests || r.err(t).Error.Code != fugong.ERateLimited || r.header.Get("Retry-After") != "10" {
			t.Errorf("API import while busy: %d %v %s", r.status, r.header, r.body)
		}
		for _, path := range []string{"/api/v1/reports/import", "/api/v1/pairings/import"} {
			if r := e.as(t, roleAdmin, "POST", path, upload(t, "x.csv", "a\n", nil)); r.status != http.StatusTooManyRequests {
				t.Errorf("%s while busy: %d %s", path, r.status, r.body)
			}
		}
		if r := uiImport(); r.status != http.StatusTooManyRequests || !strings.Contains(string(r.body), "请10秒后再试") || r.header.Get("Retry-After") != "10" {
			t.Errorf("page import while busy: %d %s", r.status, r.body)
		}

		<-s.imports
		if r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import", upload(t, "list.csv", file(), nil)); r.status != http.StatusOK {
			t.Errorf("API import when free: %d %s", r.status, r.body)
		}
		if r := uiImport(); r.status != http.StatusOK {
			t.Errorf("page import when free: %d %s", r.status, r.body)
		}
	})
}

// BenchmarkZipBombUploads reports the peak heap, Go memory and temporary
// disk of the server while four zip bombs are uploaded at once: the 900 MB
// one to the enterprise import, and one just under the largest limit (a
// day's reports) to the report import, which unpacks it and stops at its
// header.
func BenchmarkZipBombUploads(b *testing.B) {
	for _, bc := range []struct {
		name, path string
		file       func() []byte
	}{
		{"900MB", "/api/v1/enterprises/import", func() []byte { return zipBomb(b) }},
		{"under-limit", "/api/v1/reports/import", func() []byte { return sheettest.ZipBomb([]string{"备注"}, 127<<20) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			file := bc.file()
			tmp := b.TempDir()
			b.Setenv("TMPDIR", tmp)
			base, token := bombServer(b, nil)
			var worst bombPeaks
			for b.Loop() {
				_, p := bombUploads(b, base, bc.path, token, tmp, file, 4)
				worst = bombPeaks{max(worst.heap, p.heap), max(worst.goMem, p.goMem), max(worst.tmpDisk, p.tmpDisk)}
			}
			b.ReportMetric(float64(worst.heap)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(worst.goMem)/(1<<20), "peak-go-MB")
			b.ReportMetric(float64(worst.tmpDisk)/(1<<20), "peak-tmp-MB")
		})
	}
}
