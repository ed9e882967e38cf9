package e2e

// The walk (issue 11, "Keep it fixed"): every role logs in to the demo city
// and opens every page of its menu on a phone (390 px) and on a desktop
// (1440 px). A page fails on a status other than 200, the page scrolling
// sideways, an English enum value or an /api/ path in the text it shows,
// a console error, or a form field without a label. Every page is saved
// as a screenshot in FUGONG_ARTIFACTS (else e2e/artifacts/walk, which git
// ignores) for a reviewer to look at.
//
// It runs on SQLite alone: it judges the pages, which are the same on
// both engines; the storage under them is the other tests' (and every
// module's scope test runs its pages on both).

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/audit"
	"fugong/checkpoint"
	"fugong/cmd/fugong/wiring"
	"fugong/daily"
	"fugong/demo"
	"fugong/documents"
	"fugong/finance"
	"fugong/inspect"
	"fugong/mujun"
	"fugong/notice"
	"fugong/people"
	"fugong/pii"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/supplies"
	"fugong/tickets"
)

// walkers are the demo accounts the walk logs in as, one of every role
// (the bureau's is 信息统计组's leader, whose menu is the widest).
var walkers = []string{"admin", "tongji", "tangxia", "ganbu", "qiye", "kakou"}

// walkWidths are the screens: a phone's, emulated as one, and a desktop's.
var walkWidths = []struct {
	name   string
	width  int64
	mobile bool
}{{"390", 390, true}, {"1440", 1440, false}}

const walkBudget = 9 * time.Minute

// walkSubpages are pages the walk opens after a menu entry's own, where
// that entry was not sent elsewhere: lists behind a "查看全部" link.
var walkSubpages = map[string][]string{"/health": {"/health/lists/quarantined"}}

func TestBrowserWalk(t *testing.T) {
	exe := chromiumPath(t)
	db := storetest.Open(t, storetest.DSN(t, store.SQLite))
	logins, keys := seedDemo(t, db)
	logs := &syncBuffer{}
	logOnFailure(t, "server log", logs)
	h, err := wiring.Handler(wiring.NewServices(db, time.Now), wiring.Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	dir := artifactDir(t)
	ctx := newWalkBrowser(t, exe)
	words := enumWords()
	for _, user := range walkers {
		pw, ok := logins[user]
		if !ok {
			t.Fatalf("the demo has no account %s", user)
		}
		for _, w := range walkWidths {
			t.Run(user+"/"+w.name, func(t *testing.T) {
				tab := newTab(t, ctx, w.width, 900, w.mobile)
				b := browser{t: t, ctx: tab, base: srv.URL}
				cons := watchConsole(tab)
				b.login(user, pw)
				hrefs := b.attrs("#side-menu a", "href")
				if len(hrefs) == 0 {
					t.Fatalf("%s has an empty menu", user)
				}
				for _, href := range hrefs {
					walkPage(b, cons, dir, href, words)
					if b.path() != href {
						continue // sent elsewhere (a clerk's /health is the roster)
					}
					for _, sub := range walkSubpages[href] {
						walkPage(b, cons, dir, sub, words)
					}
				}
			})
		}
	}
	t.Logf("screenshots: %s", dir)
}

// seedDemo fills db with the demo city and returns its accounts' passwords
// and the personal-data keys of its staff.
func seedDemo(t *testing.T, db *store.DB) (map[string]string, *pii.Keyring) {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	ls, err := demo.Seed(ctx, db, nil, true)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	k, err := pii.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pii.NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedPeople(ctx, db, keys, nil); err != nil {
		t.Fatalf("demo people: %v", err)
	}
	t.Logf("demo city seeded in %v", time.Since(start).Round(time.Millisecond))
	out := map[string]string{}
	for _, l := range ls {
		out[l.Username] = l.Password
	}
	return out, keys
}

// artifactDir is FUGONG_ARTIFACTS, else artifacts/walk beside the test,
// emptied first so that it holds this run's screenshots alone.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FUGONG_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("artifacts", "walk")
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// newWalkBrowser is newBrowser with the walk's time budget.
func newWalkBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	out := &syncBuffer{}
	logOnFailure(t, "browser output", out)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(out),
	)
	ctx, cancelTimeout := context.WithTimeout(t.Context(), walkBudget)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium %s: %v", exe, err)
	}
	return bctx
}

// attrs is the attribute name of every element matching sel, visible or not.
func (b browser) attrs(sel, name string) []string {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
		fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.getAttribute(%q))`, sel, name)))
	if err != nil {
		b.fatalf("%s of %s: %v", name, sel, err)
	}
	return out
}

// pageCheck is what the walk reads off a loaded page in one evaluation.
type pageCheck struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Wide        []string `json:"wide"`       // the elements reaching past the right edge, innermost first
	Text        string   `json:"text"`       // the visible text
	Unlabelled  []string `json:"unlabelled"` // form fields without a label
}

// checkJS measures the page: its width against the window's, the elements
// sticking out, its visible text (less the <code> elements') and its
// fields without a label (a <label>, aria-label or aria-labelledby: what
// gives a field its name).
const checkJS = `(() => {
  // The layout viewport's width: on an emulated phone the browser may zoom
  // out to fit a page too wide, and innerWidth grows with it.
  const W = Math.min(window.innerWidth, document.documentElement.clientWidth);
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.classList.length ? "." + [...e.classList].join(".") : "");
  const wide = [];
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= W + 1) continue;
    if ([...e.children].some(c => c.getBoundingClientRect().right > W + 1)) continue;
    let p = e, clipped = false;
    for (p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") { clipped = true; break; }
    }
    if (!clipped) wide.push(name(e) + " in " + (e.parentElement ? name(e.parentElement) : "") + " (right " + Math.round(r.right) + ")");
    if (wide.length >= 5) break;
  }
  const unlabelled = [];
  for (const f of document.querySelectorAll("input, select, textarea")) {
    if (f.type === "hidden" || f.type === "submit" || f.type === "button" || f.type === "reset" || f.type === "image") continue;
    if (f.labels.length || f.getAttribute("aria-label") || f.getAttribute("aria-labelledby")) continue;
    unlabelled.push(name(f) + (f.name ? "[name=" + f.name + "]" : ""));
  }
  // A <code> is a code shown as one (a login name, a credit code): not
  // an enum value that wants its Chinese name.
  let text = document.body.innerText;
  for (const c of document.querySelectorAll("code")) text = text.replace(c.innerText, "");
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: W, wide, text, unlabelled};
})()`

// walkPage opens href, reports each problem of the page as an error and
// saves its screenshot in dir.
func walkPage(b browser, cons *console, dir, href string, words *regexp.Regexp) {
	t := b.t
	t.Helper()
	where := fmt.Sprintf("%s at %s px", href, strings.SplitN(t.Name(), "/", 3)[2])
	for _, p := range pageProblems(b, cons, href, words) {
		t.Errorf("%s: %s", where, p)
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("%s: screenshot: %v", where, err)
		return
	}
	name := strings.ReplaceAll(strings.TrimPrefix(t.Name(), "TestBrowserWalk/"), "/", "-") + strings.ReplaceAll(strings.TrimSuffix(href, "/"), "/", "_") + ".png"
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// pageProblems opens href and lists what is wrong with the page.
func pageProblems(b browser, cons *console, href string, words *regexp.Regexp) []string {
	var out []string
	before := len(cons.problems())
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+href))
	if err != nil {
		return []string{err.Error()}
	}
	if resp.Status != http.StatusOK {
		out = append(out, fmt.Sprintf("HTTP %d, want 200", resp.Status))
	}
	c, err := chromedp.Run(b.ctx, chromedp.Evaluate[pageCheck](checkJS))
	if err != nil {
		return append(out, "reading the page: "+err.Error())
	}
	if c.ScrollWidth > c.InnerWidth {
		out = append(out, fmt.Sprintf("the page scrolls sideways (%d px wide in a %d px window); too wide: %s", c.ScrollWidth, c.InnerWidth, strings.Join(c.Wide, "; ")))
	}
	if found := words.FindAllString(c.Text, 5); len(found) > 0 {
		out = append(out, fmt.Sprintf("English enum values in the text: %q", found))
	}
	if i := strings.Index(c.Text, "/api/"); i >= 0 {
		out = append(out, fmt.Sprintf("an /api/ path in the text: %q", around(c.Text, i)))
	}
	if len(c.Unlabelled) > 0 {
		out = append(out, "form fields without a label: "+strings.Join(c.Unlabelled, ", "))
	}
	// The console's messages come asynchronously: wait until the page's
	// scripts have run and a round trip to the browser has passed.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`new Promise(r => setTimeout(() => r(true), 50))`, chromedp.EvalAwaitPromise)); err != nil {
		out = append(out, "waiting for the console: "+err.Error())
	}
	if ps := cons.problems(); len(ps) > before {
		out = append(out, "console: "+strings.Join(ps[before:], "; "))
	}
	return out
}

func around(s string, i int) string {
	return strings.ToValidUTF8(s[max(0, i-30):min(len(s), i+40)], "")
}

// enumWords matches, as whole words, the values of the domain's enums that
// the pages must show by their Chinese names: tickets' raw_materials,
// statuses like in_progress, roles, groups and the rest.
func enumWords() *regexp.Regexp {
	var vals []string
	add := func(ks ...string) { vals = append(vals, ks...) }
	add(keys(tickets.CategoryNames)...)
	add(keys(tickets.UrgencyNames)...)
	add(keys(tickets.StatusNames)...)
	add(keys(tickets.EventNames)...)
	add(keys(inspect.StatusNames)...)
	add(keys(inspect.ResultNames)...)
	add(keys(production.StatusNames)...)
	add(keys(production.SupplyNames)...)
	add(keys(production.AppStatusNames)...)
	add(keys(daily.KindNames)...)
	add(keys(daily.OutcomeNames)...)
	add(keys(registry.SizeNames)...)
	add(keys(registry.StatusNames)...)
	add(keys(fugong.RoleNames)...)
	add(keys(fugong.GroupNames)...)
	add(keys(finance.StatusNames)...)
	add(keys(audit.ActionNames)...)
	add(keys(audit.EntityNames)...)
	add(keys(supplies.NearnessNames)...)
	add(keys(supplies.SourceNames)...)
	add(keys(notice.ChannelNames)...)
	add(keys(documents.KindNames)...)
	add(keys(people.CodeNames)...)
	add(keys(mujun.ResourceNames)...)
	add(keys(mujun.ExemptionNames)...)
	add(keys(checkpoint.DirectionNames)...)
	add(keys(checkpoint.RoundNames)...)
	add(keys(checkpoint.MealNames)...)
	add(keys(checkpoint.KindNames)...)
	// Only the values that read as code: lower-case words of three
	// letters or more (the 亩均 classes A–D are shown as they are).
	code := regexp.MustCompile(`^[a-z][a-z0-9_.]{2,}$`)
	var words []string
	for _, v := range vals {
		if code.MatchString(v) && !slices.Contains(words, v) {
			words = append(words, regexp.QuoteMeta(v))
		}
	}
	slices.Sort(words)
	if !slices.Contains(words, "raw_materials") {
		panic("walk: the enum list lacks tickets' raw_materials")
	}
	return regexp.MustCompile(`\b(` + strings.Join(words, "|") + `)\b`)
}

func keys[K ~string, V any](m map[K]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, string(k))
	}
	return out
}

// TestWalkChecks: the walk's checks catch what they are for, on pages made
// to fail each, and pass a page that is right, at both widths.
func TestWalkChecks(t *testing.T) {
	exe := chromiumPath(t)
	const head = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body>`
	pages := map[string]string{
		"/good": head + `<form><label>名称<input name="q"></label><select aria-label="类别" name="c"><option>原材料</option></select></form><p>登录名 <code>admin</code></p></body></html>`,
		"/wide": head + `<div style="width:2000px">宽</div></body></html>`,
		"/enum": head + `<p>问题类别：raw_materials（原材料）</p></body></html>`,
		"/api":  head + `<p>全部见接口 /api/v1/inspections/cadres</p></body></html>`,
		"/bare": head + `<form><input name="q"><textarea name="t"></textarea></form></body></html>`,
		"/oops": head + `<p>好</p><script>console.error("boom")</script></body></html>`,
	}
	mux := http.NewServeMux()
	for path, body := range pages {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := newBrowser(t, exe)
	words := enumWords()
	want := map[string]string{"/good": "", "/wide": "scrolls sideways", "/enum": "raw_materials", "/api": "/api/ path",
		"/bare": "textarea[name=t]", "/oops": "console: error boom", "/missing": "HTTP 404"}
	for _, w := range walkWidths {
		tab := newTab(t, ctx, w.width, 900, w.mobile)
		b := browser{t: t, ctx: tab, base: srv.URL}
		cons := watchConsole(tab)
		for path, problem := range want {
			got := pageProblems(b, cons, path, words)
			switch {
			case problem == "" && len(got) > 0:
				t.Errorf("%s at %s: problems %q in a page that has none", path, w.name, got)
			case problem != "" && (len(got) != 1 || !strings.Contains(got[0], problem)):
				t.Errorf("%s at %s: problems %q, want one saying %q", path, w.name, got, problem)
			}
		}
	}
}
