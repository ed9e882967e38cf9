// Package e2e drives the real UI in a headless Chromium: a town user logs in,
// reads the enterprise list of their town, registers an enterprise through
// the form (first with a wrong credit code) and finds it in the list. It runs
// on SQLite and on PostgreSQL, like every storage test.
//
// The browser is FUGONG_CHROMIUM or /usr/bin/chromium; a missing browser
// fails the test. Screenshots go to FUGONG_SCREENSHOTS when it is set.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/cmd/fugong/wiring"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	townTangxia    = "330381101" // 塘下镇
	townXianjiang  = "330381010" // 仙降街道
	townUser       = "tangxia"
	townPassword   = "tangxia-2020"
	scenarioBudget = 60 * time.Second
	// stepBudget bounds one query, so that a missing element fails soon.
	stepBudget = 10 * time.Second
)

var tangxiaNames = []string{"瑞安市塘下汽摩配件有限公司", "浙江罗凤电器股份有限公司", "瑞安市场桥标准件厂"}
var xianjiangNames = []string{"瑞安市仙降鞋业有限公司", "浙江江溪塑胶制品有限公司"}

// uscc returns a valid unified social credit code of a Ruian company whose
// serial part is the 9 characters body.
func uscc(t *testing.T, body string) string {
	t.Helper()
	first17 := "91330381" + body
	c, err := registry.USCCCheckChar(first17)
	if err != nil {
		t.Fatalf("uscc %q: %v", first17, err)
	}
	return first17 + string(c)
}

// wrongCheck returns code with a check character that is not the right one.
func wrongCheck(code string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	i := strings.IndexByte(alphabet, code[17])
	return code[:17] + string(alphabet[(i+1)%len(alphabet)])
}

// chromiumPath finds the browser; a browser test that cannot run fails.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("FUGONG_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	exe, err := exec.LookPath(p)
	if err != nil {
		t.Fatalf("the browser test needs Chromium, not found at %q (install Debian's chromium, or set FUGONG_CHROMIUM to the browser binary): %v", p, err)
	}
	return exe
}

// screenshotDir is FUGONG_SCREENSHOTS, or a temporary directory of the test.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FUGONG_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshots: %v", err)
	}
	return dir
}

// syncBuffer collects the server log and the browser output, shown only when
// the test fails.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logOnFailure shows b when the test fails, without the lines that only
// say there is no D-Bus here (a container has none; Chromium does not need it).
func logOnFailure(t *testing.T, what string, b *syncBuffer) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		var keep []string
		for line := range strings.Lines(b.String()) {
			if !strings.Contains(line, ":ERROR:dbus/") {
				keep = append(keep, line)
			}
		}
		t.Logf("%s:\n%s", what, strings.Join(keep, ""))
	})
}

func TestBrowserTownRegistersEnterprise(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		ctx := newBrowser(t, exe)
		scenario(t, ctx, srv.URL, fx)
	})
}

// startServer serves the whole service over db, as cmd/fugong serve does.
func startServer(t *testing.T, db *store.DB) *httptest.Server {
	t.Helper()
	logs := &syncBuffer{}
	logOnFailure(t, "server log", logs)
	h, err := wiring.Handler(wiring.NewServices(db, time.Now), wiring.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

type fixtures struct {
	tangxia   map[string]string // name → USCC
	xianjiang map[string]string
}

// addUser creates an account the scenario logs in with.
func addUser(t *testing.T, db *store.DB, u account.User, password string) {
	t.Helper()
	if _, err := (&account.Service{Store: db, Now: time.Now}).Create(context.Background(), fugong.System, u, password); err != nil {
		t.Fatalf("create %s: %v", u.Username, err)
	}
}

func seed(t *testing.T, db *store.DB) fixtures {
	t.Helper()
	ctx := context.Background()
	addUser(t, db, account.User{Username: townUser, DisplayName: "塘下镇经发办", Role: fugong.RoleTown, Town: townTangxia}, townPassword)
	fx := fixtures{tangxia: map[string]string{}, xianjiang: map[string]string{}}
	add := func(town, name string, n int, into map[string]string) {
		e := registry.Enterprise{USCC: uscc(t, fmt.Sprintf("MA2%06d", n)), Name: name, Town: town,
			Address: "瑞安市", Industry: "汽摩配件", SizeClass: registry.SizeAbove, ContactPhone: fmt.Sprintf("1395771%04d", n),
			Employees: 50 + n, LandMu: 10, Status: registry.StatusActive}
		if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
			t.Fatalf("create enterprise %s: %v", name, err)
		}
		into[name] = e.USCC
	}
	for i, name := range tangxiaNames {
		add(townTangxia, name, 100+i, fx.tangxia)
	}
	for i, name := range xianjiangNames {
		add(townXianjiang, name, 200+i, fx.xianjiang)
	}
	return fx
}

// newBrowser starts a headless Chromium with a fresh profile; it and every
// action end when the scenario's time budget runs out.
func newBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	out := &syncBuffer{}
	logOnFailure(t, "browser output", out)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // the tests run as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-proxy-server", true), // the test server is local; ignore any proxy in the environment
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(out),
	)
	ctx, cancelTimeout := context.WithTimeout(t.Context(), scenarioBudget)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	start := time.Now()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium %s: %v", exe, err)
	}
	t.Logf("Chromium started in %v", time.Since(start).Round(time.Millisecond))
	return bctx
}

// browser wraps the chromedp context with helpers that fail the test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (b browser) fatalf(format string, args ...any) {
	b.t.Helper()
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	b.t.Fatalf("at %s: %s", loc, fmt.Sprintf(format, args...))
}

func (b browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// load runs the steps that start a page load (a click, a submit) and
// returns the response of the page that ends up loaded.
func (b browser) load(what string, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	if resp == nil {
		b.fatalf("%s: no page loaded", what)
	}
	return resp
}

func (b browser) navigate(path string) *network.Response {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fatalf("open %s: %v", path, err)
	}
	return resp
}

// path is the path and query of the page the browser shows.
func (b browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("location %q: %v", loc, err)
	}
	return u.RequestURI()
}

func (b browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepBudget)
}

func (b browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fatalf("value of %s: %v", sel, err)
	}
	return s
}

// texts returns the trimmed text of every element that matches sel, now.
func (b browser) texts(sel string) []string {
	b.t.Helper()
	q, _ := json.Marshal(sel)
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(`+string(q)+`), e => e.textContent.trim())`))
	if err != nil {
		b.fatalf("texts of %s: %v", sel, err)
	}
	return out
}

// typeInto replaces the value of an input as a user does: clear, then type.
func (b browser) typeInto(sel, v string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), v))
	if got := b.value(sel); got != v {
		b.fatalf("typed %q into %s, the field holds %q", v, sel, got)
	}
}

func (b browser) screenshot(dir, name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, strings.ReplaceAll(b.t.Name(), "/", "_")+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", file)
}

// expectStatus checks the status of the page the browser loaded, and shows
// what the page says when it is not the one expected.
func (b browser) expectStatus(what string, resp *network.Response, want int) {
	b.t.Helper()
	if resp.Status != int64(want) {
		said, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("main")?.innerText ?? document.body.innerText`))
		b.t.Fatalf("%s: HTTP %d, want %d (%s); the page says:\n%s", what, resp.Status, want, resp.URL, strings.TrimSpace(said))
	}
}

// console collects what the pages write to the console: exceptions, CSP
// violations, failed loads.
type console struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func watchConsole(ctx context.Context) *console {
	c := &console{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.msgs = append(c.msgs, m)
			c.mu.Unlock()
		}
	}()
	return c
}

// problems lists the errors and warnings, but the failed loads of pages that
// answer 4xx on purpose (the refused form, the 404 page).
func (c *console) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.msgs {
		switch {
		case m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleWarning && !m.IsException():
		case strings.HasPrefix(m.Text, "Failed to load resource: the server responded with a status of 400"),
			strings.HasPrefix(m.Text, "Failed to load resource: the server responded with a status of 404"):
		default:
			out = append(out, fmt.Sprintf("%s %s (%s)", m.Type, m.Text, m.URL))
		}
	}
	return out
}

func scenario(t *testing.T, ctx context.Context, base string, fx fixtures) {
	start := time.Now()
	b := browser{t: t, ctx: ctx, base: base}
	shots := screenshotDir(t)
	cons := watchConsole(ctx)
	defer func() {
		if !t.Failed() {
			return
		}
		cons.mu.Lock()
		for _, m := range cons.msgs {
			t.Logf("console: %s %s (%s)", m.Type, m.Text, m.URL)
		}
		cons.mu.Unlock()
	}()

	// Log in. Chromium fetches /favicon.ico by itself once the page has
	// loaded; as for a person at the keyboard, that must not spoil the form.
	b.expectStatus("login page", b.navigate("/login"), http.StatusOK)
	if h := b.text("main h1"); h != "登录" {
		t.Fatalf("login page heading %q, want 登录", h)
	}
	b.do("fill login form",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), townUser),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), townPassword))
	b.expectStatus("log in", b.load("submit login", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))), http.StatusOK)
	if p := b.path(); p != "/" {
		t.Fatalf("after login the browser is at %s, want /", p)
	}
	if h := b.text("main h1"); h != "企业概况" {
		t.Fatalf("home heading %q, want 企业概况", h)
	}
	if who := b.text("header .who .role"); !strings.Contains(who, "塘下镇") {
		t.Fatalf("header shows %q, want the user's town 塘下镇", who)
	}
	if n := b.text(".stats .stat b"); n != fmt.Sprint(len(tangxiaNames)) {
		t.Fatalf("home counts %s enterprises, want the %d of 塘下镇", n, len(tangxiaNames))
	}
	// The stylesheet loaded under the CSP: the header has the brand colour.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).backgroundColor`))
	if err != nil || bg != "rgb(179, 38, 30)" {
		t.Fatalf("header background %q (%v): /static/style.css did not apply", bg, err)
	}

	// The list shows the town's enterprises and only those.
	b.expectStatus("open 企业名录", b.load("click 企业名录", menuLink("/enterprises")), http.StatusOK)
	if p := b.path(); p != "/enterprises" {
		t.Fatalf("企业名录 is at %s, want /enterprises", p)
	}
	names := b.texts("#enterprises tbody tr td:first-child")
	for _, n := range tangxiaNames {
		if !slices.Contains(names, n) {
			t.Errorf("企业名录 lacks %s of 塘下镇; it lists %q", n, names)
		}
	}
	for _, n := range xianjiangNames {
		if slices.Contains(names, n) {
			t.Errorf("企业名录 of a 塘下镇 user lists %s of 仙降街道", n)
		}
	}
	if len(names) != len(tangxiaNames) {
		t.Errorf("企业名录 lists %d enterprises %q, want the %d of 塘下镇", len(names), names, len(tangxiaNames))
	}
	if towns := b.texts("#enterprises tbody td:nth-child(3)"); slices.ContainsFunc(towns, func(s string) bool { return s != "塘下镇" }) {
		t.Errorf("乡镇街道 column: %q, want only 塘下镇", towns)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Register an enterprise, with a wrong check character first.
	b.expectStatus("open 登记企业", b.load("click 登记企业", chromedp.Click(chromedp.CSS(`a.button[href="/enterprises/new"]`))), http.StatusOK)
	if h := b.text("main h1"); h != "登记企业" {
		t.Fatalf("form heading %q, want 登记企业", h)
	}
	if towns := b.texts(`select[name="town"] option`); !slices.Equal(towns, []string{"塘下镇"}) {
		t.Fatalf("a town user may pick towns %q, want only 塘下镇", towns)
	}
	if v := b.value(`select[name="town"]`); v != townTangxia {
		t.Fatalf("town preselected %q, want %s", v, townTangxia)
	}
	good := uscc(t, "MA2K8XU3W")
	bad := wrongCheck(good)
	form := []struct{ field, value string }{
		{"uscc", bad},
		{"name", "瑞安市塘下精密机械有限公司"},
		{"address", "瑞安市塘下镇罗凤工业区 88 号"},
		{"industry", "通用设备制造"},
		{"legal_rep", "陈国华"},
		{"contact_phone", "13957712345"},
		{"employees", "120"},
		{"land_mu", "35.5"},
	}
	for _, f := range form {
		b.typeInto(`input[name="`+f.field+`"]`, f.value)
	}
	b.do("pick 规上", chromedp.SetValue(chromedp.CSS(`select[name="size_class"]`), registry.SizeAbove))
	resp := b.load("submit the form", chromedp.Click(chromedp.CSS(`form.form button[type="submit"]`)))
	b.expectStatus("submit with a wrong check character", resp, http.StatusBadRequest)

	msg := b.text(`span.error[data-field="uscc"]`)
	if !strings.HasSuffix(msg, "校验位错误") {
		t.Errorf("error next to 统一社会信用代码: %q, want …校验位错误", msg)
	}
	if errs := b.texts("span.error"); len(errs) != 1 {
		t.Errorf("the form shows errors %q, want only the one of the credit code", errs)
	}
	if cls, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.querySelector('span.error[data-field="uscc"]').closest("label").className`)); err != nil || cls != "invalid" {
		t.Errorf("the label of the credit code has class %q (%v), want invalid", cls, err)
	}
	if a := b.text("main p.alert"); a != "请修改标红的字段后再提交" {
		t.Errorf("form alert %q", a)
	}
	for _, f := range form {
		if got := b.value(`input[name="` + f.field + `"]`); got != f.value {
			t.Errorf("after the error %s holds %q, want the typed %q", f.field, got, f.value)
		}
	}
	if v := b.value(`select[name="size_class"]`); v != registry.SizeAbove {
		t.Errorf("after the error 规模 is %q, want the picked %q", v, registry.SizeAbove)
	}
	if v := b.value(`select[name="town"]`); v != townTangxia {
		t.Errorf("after the error the town is %q, want %s", v, townTangxia)
	}
	b.screenshot(shots, "form-error")
	if t.Failed() {
		t.FailNow()
	}

	// Fix the check character and submit again.
	b.typeInto(`input[name="uscc"]`, good)
	resp = b.load("resubmit the form", chromedp.Click(chromedp.CSS(`form.form button[type="submit"]`)))
	b.expectStatus("submit the corrected form", resp, http.StatusOK)
	if p, want := b.path(), "/enterprises/"+good+"?created=1"; p != want {
		t.Fatalf("after registering the browser is at %s, want %s", p, want)
	}
	if ok := b.text("main p.ok"); !strings.Contains(ok, "企业已登记") {
		t.Errorf("enterprise page message %q, want 企业已登记", ok)
	}
	if h := b.text("main h1"); h != "瑞安市塘下精密机械有限公司" {
		t.Errorf("enterprise page heading %q", h)
	}
	dd := b.texts("dl.fields dd")
	for _, want := range []string{good, "塘下镇", "规上", "13957712345", "120", "35.5", "陈国华"} {
		if !slices.Contains(dd, want) {
			t.Errorf("enterprise page lacks %q: %q", want, dd)
		}
	}

	// Back to the list: the new enterprise is there.
	b.expectStatus("back to 企业名录", b.load("click 企业名录", menuLink("/enterprises")), http.StatusOK)
	names = b.texts("#enterprises tbody tr td:first-child")
	if !slices.Contains(names, "瑞安市塘下精密机械有限公司") {
		t.Errorf("企业名录 after registering lists %q, without the new enterprise", names)
	}
	if len(names) != len(tangxiaNames)+1 {
		t.Errorf("企业名录 lists %d enterprises %q, want %d", len(names), names, len(tangxiaNames)+1)
	}
	if codes := b.texts("#enterprises tbody td:nth-child(2)"); !slices.Contains(codes, good) {
		t.Errorf("企业名录 codes %q lack %s", codes, good)
	}
	if total := b.text("main h1 small"); total != fmt.Sprintf("共 %d 家", len(tangxiaNames)+1) {
		t.Errorf("list total %q, want 共 %d 家", total, len(tangxiaNames)+1)
	}
	b.screenshot(shots, "list")

	// An enterprise of another town is not found, as if it did not exist.
	for name, code := range fx.xianjiang {
		resp := b.navigate("/enterprises/" + code)
		b.expectStatus("a 仙降街道 enterprise", resp, http.StatusNotFound)
		if h := b.text("main h1"); h != "找不到页面" {
			t.Errorf("/enterprises/%s (%s) shows %q, want the 404 page 找不到页面", code, name, h)
		}
		if body := b.text("main"); strings.Contains(body, name) {
			t.Errorf("the 404 page names the hidden enterprise %s", name)
		}
	}
	if ps := cons.problems(); len(ps) > 0 {
		t.Errorf("the pages wrote to the console:\n%s", strings.Join(ps, "\n"))
	}
	t.Logf("scenario ran in %v", time.Since(start).Round(time.Millisecond))
}

// menuLink clicks the menu's entry href as a user does: in the side menu
// on a wide screen, through the menu drawer on a phone.
func menuLink(href string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		wide, err := chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("aside.side")).display !== "none"`)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		if wide {
			return chromedp.Click(chromedp.CSS(`#side-menu a[href="`+href+`"]`))(ctx, t)
		}
		if _, err := chromedp.Click(chromedp.CSS(`details.drawer > summary`))(ctx, t); err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Click(chromedp.CSS(`#drawer-menu a[href="`+href+`"]`))(ctx, t)
	}
}
