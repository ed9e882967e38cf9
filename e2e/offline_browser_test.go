package e2e

// Offline entry on phones: with the network switched off through the
// DevTools protocol (the page's and its service worker's), the clerk files
// the daily report and the inspector a visit with two photos; each page
// says the form is kept on the phone and how many wait; the pages are
// closed; reopened online, the home page sends what waited and shows each
// result, and the server holds each exactly once.

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	offlineClerkUser = "tx-offline-clerk"
	offlineInspUser  = "ducha-offline"
	offlinePassword  = "offline-2020-feb"
)

func TestBrowserOfflineEntry(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		firm := fx.tangxia[tangxiaNames[2]]
		addUser(t, db, account.User{Username: offlineClerkUser, DisplayName: "郑会计", Role: fugong.RoleEnterprise, Enterprise: firm}, offlinePassword)
		addUser(t, db, account.User{Username: offlineInspUser, DisplayName: "林晓峰", Role: fugong.RoleBureau, Group: fugong.GroupInspection}, offlinePassword)
		ctx := newBrowser(t, exe)
		offlineScenario(t, ctx, srv.URL, db, firm)
	})
}

// setOffline switches the network off or on, as DevTools' Offline does:
// for the tab (navigator.onLine with it) and for its service worker, which
// is a target of its own.
func (b browser) setOffline(off bool) {
	b.t.Helper()
	emulate := func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
		conds := []*network.Conditions{}
		if off {
			conds = append(conds, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule,
			network.EmulateNetworkConditionsByRuleParams{EmulateOfflineServiceWorker: &off, MatchedNetworkConditions: conds})
		return cdp.Empty{}, err
	}
	_, err := chromedp.Run(b.ctx, func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
		if _, err := emulate(ctx, tg); err != nil {
			return cdp.Empty{}, err
		}
		return cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
	})
	if err != nil {
		b.fatalf("network offline=%v: %v", off, err)
	}
	workers := 0
	for _, sw := range b.serviceWorkers() {
		// Emulation belongs to a DevTools session: the worker keeps one,
		// so that switching back on undoes what switching off did.
		swMu.Lock()
		wctx, ok := swSessions[sw]
		if !ok {
			var cancel context.CancelFunc
			wctx, cancel = chromedp.NewContext(b.ctx, chromedp.WithTargetID(sw))
			b.t.Cleanup(cancel)
			swSessions[sw] = wctx
		}
		swMu.Unlock()
		if _, err := chromedp.Run(wctx, emulate); err != nil {
			b.fatalf("the service worker's network offline=%v: %v", off, err)
		}
		workers++
	}
	if workers == 0 {
		b.fatalf("no service worker to switch")
	}
}

var (
	swMu       sync.Mutex
	swSessions = map[target.ID]context.Context{}
)

// serviceWorkers are the service worker targets of the tab's browser
// context.
func (b browser) serviceWorkers() []target.ID {
	b.t.Helper()
	mine := chromedp.FromContext(b.ctx).BrowserContextID
	all, err := chromedp.Targets(b.ctx)
	if err != nil {
		b.fatalf("targets: %v", err)
	}
	var out []target.ID
	for _, ti := range all {
		if ti.Type == "service_worker" && ti.BrowserContextID == mine {
			out = append(out, ti.TargetID)
		}
	}
	return out
}

// waitControlled waits until the page's service worker is active and
// controls it, so that the pages it keeps open offline.
func (b browser) waitControlled() {
	b.t.Helper()
	ok := eval[bool](b, "service worker", `navigator.serviceWorker.ready.then(() => new Promise(r => {
		if (navigator.serviceWorker.controller) return r(true);
		navigator.serviceWorker.addEventListener('controllerchange', () => r(true));
		setTimeout(() => r(!!navigator.serviceWorker.controller), 5000);
	}))`, chromedp.EvalAwaitPromise)
	if !ok {
		b.fatalf("no service worker controls the page")
	}
}

// outbox reads the phone's outbox: how many wait, are stored, are refused.
func (b browser) outbox() map[string]int {
	b.t.Helper()
	return eval[map[string]int](b, "outbox", `FugongQueue.all().then(es => {
		const n = {waiting: 0, stored: 0, refused: 0};
		es.forEach(e => n[e.state]++);
		return n;
	})`, chromedp.EvalAwaitPromise)
}

// closePage closes the tab as a user swipes it away.
func (b browser) closePage() {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, tg, page.Close, cdp.Empty{})
	}); err != nil {
		b.fatalf("close the page: %v", err)
	}
}

func offlineScenario(t *testing.T, ctx context.Context, base string, db *store.DB, firm string) {
	start := time.Now()
	shots := screenshotDir(t)
	today := daily.Today(time.Now())
	bg := context.Background()

	// The clerk opens today's form online, then the network goes.
	clerkCtx := newTab(t, ctx, 390, 844, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)
	clerk.login(offlineClerkUser, offlinePassword)
	clerk.waitControlled()
	formPath := "/enterprises/" + firm + "/reports/" + today
	clerk.expectStatus("the report form", clerk.navigate(formPath), http.StatusOK)
	clerk.do("ready for offline", chromedp.WaitReady(chromedp.CSS("html[data-offline-ready]")))
	clerk.setOffline(true)
	for _, f := range []struct{ field, value string }{
		{"staff_total", "80"}, {"staff_in_city", "70"}, {"on_duty", "50"}, {"returned_today", "3"}, {"persuaded_today", "1"},
		{"tickets_refunded_today", "0"}, {"hubei_staff", "2"}, {"hubei_contacted_today", "3"}, {"quarantined", "1"}, {"fever", "0"},
	} {
		clerk.typeInto(`input[name="`+f.field+`"]`, f.value)
	}
	clerk.do("submit offline", chromedp.Click(chromedp.CSS(`form.report button[type="submit"]`)))
	clerk.do("the saved note", chromedp.WaitVisible(chromedp.CSS(".offline-waiting")))
	if s := clerk.text(".offline-waiting"); !strings.Contains(s, "已离线保存，联网后自动上报") || !strings.Contains(s, "1 条待上报") {
		t.Errorf("the clerk's page says %q", s)
	}
	if n := clerk.outbox(); n["waiting"] != 1 {
		t.Errorf("the clerk's outbox %v", n)
	}
	clerk.fitsWidth("the waiting report form")
	clerk.screenshot(shots, "clerk-offline-waiting")

	// The inspector, on another phone, opens the visit form online and
	// loses the network at the gate.
	photos := []string{filepath.Join(t.TempDir(), "门卫.jpg"), filepath.Join(t.TempDir(), "测温.jpg")}
	for _, p := range photos {
		if err := os.WriteFile(p, minimalJPEG, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inspCtx := newTab(t, ctx, 390, 844, true)
	insp := browser{t: t, ctx: inspCtx, base: base}
	inspConsole := watchConsole(inspCtx)
	insp.login(offlineInspUser, offlinePassword)
	insp.waitControlled()
	insp.expectStatus("the visit form", insp.navigate("/enterprises/"+firm+"/visits/new?checklist=2"), http.StatusOK)
	insp.do("ready for offline", chromedp.WaitReady(chromedp.CSS("html[data-offline-ready]")))
	insp.setOffline(true)
	for id := 7; id <= 12; id++ {
		insp.do("tap 合格", chromedp.Click(chromedp.CSS(`label.r-pass:has(input[name="result.`+strconv.Itoa(id)+`"])`)))
	}
	insp.do("two photos", chromedp.SetUploadFiles(chromedp.CSS(`input[name="photo.7"]`), photos[:1]),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="photo.8"]`), photos[1:]))
	insp.do("submit offline", chromedp.Click(chromedp.CSS(`form.visit button[type="submit"]`)))
	insp.do("the saved note", chromedp.WaitVisible(chromedp.CSS(".offline-waiting")))
	if n := insp.outbox(); n["waiting"] != 1 {
		t.Errorf("the inspector's outbox %v", n)
	}
	insp.screenshot(shots, "inspector-offline-waiting")

	// Nothing reached the server while the phones were offline.
	if vs, err := db.Versions(bg, firm, today); err != nil || len(vs) != 0 {
		t.Fatalf("the report reached the server offline: %d versions %v", len(vs), err)
	}
	if _, n, err := db.Visits(bg, firm, 1, 10); err != nil || n != 0 {
		t.Fatalf("the visit reached the server offline: %d %v", n, err)
	}
	for _, c := range []*console{clerkConsole, inspConsole} {
		if p := consoleProblems(c); len(p) > 0 {
			t.Errorf("console while offline: %q", p)
		}
	}

	// Both phones close the page; later, with a network, each opens the
	// app again: the home page sends what waited.
	for _, b := range []browser{clerk, insp} {
		b.closePage()
	}
	sent := time.Now()
	reopen := func(parent context.Context, name, result string) browser {
		tab, cancel := chromedp.NewContext(parent)
		t.Cleanup(cancel)
		b := browser{t: t, ctx: tab, base: base}
		if err := chromedp.Do(tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
			t.Fatal(err)
		}
		b.setOffline(false) // the network is back, for the service worker too
		b.expectStatus(name+" reopens the app", b.navigate("/"), http.StatusOK)
		b.do(name+"'s result", chromedp.WaitVisible(chromedp.CSS(".offline-"+result)))
		if n := b.outbox(); n[result] != 1 || n["waiting"] != 0 {
			t.Errorf("%s's outbox after sending: %v", name, n)
		}
		b.screenshot(shots, name+"-sent")
		return b
	}
	insp = reopen(inspCtx, "inspector", "stored")
	if s := insp.text(".offline-stored"); !strings.Contains(s, "已上报") {
		t.Errorf("the inspector's result says %q", s)
	}
	// The clerk typed more Hubei staff contacted than there are: the
	// server refused it, the page says why and takes the clerk back to
	// the form as typed, to fix it and send it again.
	clerk = reopen(clerkCtx, "clerk", "refused")
	if s := clerk.text(".offline-refused"); !strings.Contains(s, "未被接收") || !strings.Contains(s, "不能超过") {
		t.Errorf("the clerk's refusal says %q", s)
	}
	t.Logf("sent within %v of reopening", time.Since(sent).Round(time.Millisecond))
	clerk.expectStatus("fix it", clerk.load("click 修改后重新提交", chromedp.Click(chromedp.CSS(".offline-refused a"))), http.StatusOK)
	clerk.do("the fields as typed", chromedp.WaitReady(chromedp.CSS("form.report[data-replaces]")))
	if v := clerk.value(`input[name="hubei_contacted_today"]`); v != "3" {
		t.Errorf("the refused form comes back with %q, want the 3 typed", v)
	}
	// chromedp.Clear empties the value attribute, not a value set by script.
	clerk.do("fix the figure", chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="hubei_contacted_today"]').value = ''`),
		chromedp.SendKeys(chromedp.CSS(`input[name="hubei_contacted_today"]`), "2"))
	resp := clerk.load("send again", chromedp.Click(chromedp.CSS(`form.report button[type="submit"]`)))
	clerk.expectStatus("the fixed report", resp, http.StatusOK)
	if n := clerk.outbox(); n["refused"] != 0 || n["waiting"] != 0 {
		t.Errorf("the clerk's outbox after the fix: %v", n)
	}

	// Exactly once each, whatever the page and the service worker both sent.
	vs, err := db.Versions(bg, firm, today)
	if err != nil || len(vs) != 1 || vs[0].StaffTotal != 80 || vs[0].HubeiContactedToday != 2 {
		t.Errorf("the report stored %d times: %+v %v", len(vs), vs, err)
	}
	visits, n, err := db.Visits(bg, firm, 1, 10)
	if err != nil || n != 1 {
		t.Fatalf("the visit stored %d times: %v", n, err)
	}
	v, err := db.Visit(bg, fugong.System, visits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, a := range v.Answers {
		got += len(a.Photos)
	}
	if got != 2 {
		t.Errorf("the visit has %d photos, want 2", got)
	}

	// Logging out takes what the phone kept with it.
	clerk.expectStatus("log out", clerk.load("退出", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))), http.StatusOK)
	left := eval[int](clerk, "what the phone keeps", `Promise.all([caches.keys(), new Promise(r => {
		const req = indexedDB.open('fugong-offline', 1);
		req.onupgradeneeded = () => req.result.createObjectStore('outbox', {keyPath: 'id', autoIncrement: true});
		req.onsuccess = () => { const c = req.result.transaction('outbox').objectStore('outbox').count(); c.onsuccess = () => r(c.result); };
	})]).then(([ks, n]) => ks.length + n)`, chromedp.EvalAwaitPromise)
	if left != 0 {
		t.Errorf("after logout the phone keeps %d caches and outbox entries", left)
	}
	t.Logf("offline scenario: %v", time.Since(start).Round(time.Millisecond))
}
