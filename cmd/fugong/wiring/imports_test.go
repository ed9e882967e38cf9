package wiring_test

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/cmd/fugong/wiring"
	"fugong/pii"
	"fugong/sheet/sheettest"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The bounds on file imports, over the whole server: every module's
// import (the registry's, the daily reports', the pairings', the staff
// rosters') reads its
// file in one of the server's shared slots and unpacks it within the
// limits of package sheet.

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

// bombServer serves the whole server over a fresh SQLite database and
// returns its URL, the admin's bearer token (the admin may use every
// import) and an enterprise to import a roster to.
func bombServer(tb testing.TB) (string, string, string) {
	tb.Helper()
	db := storetest.Open(tb, "sqlite:"+filepath.Join(tb.TempDir(), "fugong.db"))
	e := webtest.NewWith(tb, db, time.Time{}, wiring.Options{})
	return e.Server.URL, e.Tokens[webtest.RoleAdmin], e.Ents["tangA"]
}

// bombUploads posts n copies of file at once to the import at path and
// returns their answers and the peaks while they ran. The peaks are the
// whole process's, so nothing else should run meanwhile (no parallel
// tests); temporary files are counted in tmp, where TMPDIR must point.
func bombUploads(tb testing.TB, base, path, token, tmp string, file []byte, n int) ([]*http.Response, bombPeaks) {
	tb.Helper()
	body := webtest.Upload(tb, "bomb.xlsx", string(file), nil)
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
			req, err := http.NewRequest("POST", base+path, bytes.NewReader(body.Data))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header.Set("Content-Type", body.CType)
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

// TestZipBombUploads: four zip bombs uploaded at once to an import are
// refused, as too large or as one import too many, and the server's heap
// stays far below what unpacking one of them took (1.5 GB): the registry's
// import, the pairings' (web/pairing), a firm's roster (web/people) and
// a year's 亩均 figures (web/mujun) alike. Not parallel: the heap is the whole process's.
func TestZipBombUploads(t *testing.T) {
	file := zipBomb(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	base, token, firm := bombServer(t)
	for _, path := range []string{"/api/v1/enterprises/import", "/api/v1/pairings/import", "/api/v1/enterprises/" + firm + "/staff/import",
		"/api/v1/mujun/2019/annual-data/import"} {
		t.Run(path, func(t *testing.T) {
			answers, p := bombUploads(t, base, path, token, tmp, file, 4)
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
		})
	}
}

// TestImportsBusy: the import slots are the server's, shared by every
// module's import. When every slot is taken, each import (the registry's,
// the daily reports', the pairings' of web/pairing, a firm's roster of
// web/people, a year's 亩均 figures of web/mujun) is refused with 429 and
// a Retry-After, through the API and the page; once one is free it goes
// through.
func TestImportsBusy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewWith(t, db, time.Time{}, wiring.Options{ImportSlots: 1})
		b := e.BrowserLogin(t, webtest.RoleAdmin)
		enterprises := func() string {
			return webtest.ImportHeader + webtest.ImportRow(e.NewUSCC(t), "导入一厂", "塘下镇", "13900001111")
		}
		pairings := func() string { return "统一社会信用代码,干部账号\n" + e.Ents["tangA"] + ",u-cadre\n" }
		ids := pii.NewIDGenerator(1)
		roster := func() string { return "姓名,身份证号码,健康码\n张三," + ids.Next().Number + ",绿码\n" }
		mujunFigures := func() string {
			return "统一社会信用代码,用地面积,税收,增加值,营业收入,综合能耗,研发经费,职工人数,用电量,用水量\n" +
				e.Ents["tangA"] + ",10.5,30,150,600,60,18,80,400000,2000\n"
		}
		staff := "/enterprises/" + e.Ents["tangA"] + "/staff/import"
		for _, c := range []struct {
			api, page string
			form      map[string]string // the page's fields beside the file
			file      func() string
		}{
			{"/api/v1/enterprises/import", "/enterprises/import", nil, enterprises},
			{"/api/v1/pairings/import", "/pairings/import", nil, pairings},
			{"/api/v1" + staff, staff, nil, roster},
			{"/api/v1/mujun/2019/annual-data/import", "/mujun/import", map[string]string{"year": "2019"}, mujunFigures},
		} {
			uiImport := func() webtest.Resp {
				page := b.Get(t, c.page)
				fields := map[string]string{"csrf": webtest.CSRFOf(t, page.Body)}
				for k, v := range c.form {
					fields[k] = v
				}
				return b.Do(t, "POST", c.page, webtest.Upload(t, "list.csv", c.file(), fields), nil)
			}
			release, ok := e.Web.TryImportSlot() // a file being read
			if !ok {
				t.Fatal("no import slot free")
			}
			r := e.As(t, webtest.RoleAdmin, "POST", c.api, webtest.Upload(t, "list.csv", c.file(), nil))
			if r.Status != http.StatusTooManyRequests || r.Err(t).Error.Code != fugong.ERateLimited || r.Header.Get("Retry-After") != "10" {
				t.Errorf("API import %s while busy: %d %v %s", c.api, r.Status, r.Header, r.Body)
			}
			if c.page == "/enterprises/import" {
				if r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/reports/import", webtest.Upload(t, "x.csv", "a\n", nil)); r.Status != http.StatusTooManyRequests {
					t.Errorf("/api/v1/reports/import while busy: %d %s", r.Status, r.Body)
				}
			}
			if r := uiImport(); r.Status != http.StatusTooManyRequests || !strings.Contains(string(r.Body), "请10秒后再试") || r.Header.Get("Retry-After") != "10" {
				t.Errorf("page import %s while busy: %d %s", c.page, r.Status, r.Body)
			}
			release()
			if r := e.As(t, webtest.RoleAdmin, "POST", c.api, webtest.Upload(t, "list.csv", c.file(), nil)); r.Status != http.StatusOK {
				t.Errorf("API import %s when free: %d %s", c.api, r.Status, r.Body)
			}
			if r := uiImport(); r.Status != http.StatusOK {
				t.Errorf("page import %s when free: %d %s", c.page, r.Status, r.Body)
			}
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
			base, token, _ := bombServer(b)
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
