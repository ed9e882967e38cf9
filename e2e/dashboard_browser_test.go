package e2e

// The dashboard in the browser: the bureau's desk view at 1440 and 390
// pixels (no sideways scrolling, the map and the figures there), and the
// wall view on a 1920×1080 display: dark, whole on the screen, refreshing
// itself by replacing its figures (the page's nodes do not grow), showing
// 数据更新中断 with the last figures while the server cannot be reached and
// recovering on its own.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/production"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	dashUser     = "tongji"
	dashPassword = "tongji-2020"
)

func TestBrowserDashboard(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		addUser(t, db, account.User{Username: dashUser, DisplayName: "信息统计组", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, dashPassword)
		ctx := context.Background()
		today := daily.Today(time.Now())
		for _, u := range []string{fx.tangxia[tangxiaNames[0]], fx.xianjiang[xianjiangNames[0]]} {
			if err := db.SetEssential(ctx, fugong.System, u, true, "保供"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.PutProductionDay(ctx, fugong.System, u, today, production.Figures{Status: production.StatusResumed,
				CapacityPct: 60, OnPostPct: 70, Upstream: "normal", Downstream: "normal"}); err != nil {
				t.Fatal(err)
			}
		}
		dashboardScenario(t, newBrowser(t, exe), srv.URL)
	})
}

func dashboardScenario(t *testing.T, ctx context.Context, base string) {
	shots := screenshotDir(t)

	desk := browser{t: t, ctx: newTab(t, ctx, 1440, 900, false), base: base}
	desk.login(dashUser, dashPassword)
	desk.expectStatus("open 驾驶舱", desk.load("click 驾驶舱", menuLink("/dashboard")), http.StatusOK)
	if h := desk.text("main h1"); h != "驾驶舱 · 全市" {
		t.Errorf("the dashboard's title %q", h)
	}
	if n := len(desk.texts(".dash-figures .stat")); n < 14 {
		t.Errorf("%d figures", n)
	}
	if n := len(desk.texts("svg.tilemap g.tile")); n != 23 {
		t.Errorf("the map has %d towns", n)
	}
	desk.fitsWidth("the dashboard at 1440")
	desk.screenshot(shots, "dashboard-1440")

	phone := browser{t: t, ctx: newTab(t, ctx, 390, 844, true), base: base}
	phone.login(dashUser, dashPassword)
	phone.expectStatus("dashboard on a phone", phone.navigate("/dashboard"), http.StatusOK)
	phone.fitsWidth("the dashboard at 390")
	phone.screenshot(shots, "dashboard-390")

	wall := browser{t: t, ctx: newTab(t, ctx, 1920, 1080, false), base: base}
	wallConsole := watchConsole(wall.ctx)
	wall.login(dashUser, dashPassword)
	wall.expectStatus("the wall", wall.navigate("/wall?every=5"), http.StatusOK)
	size := eval[[]int](wall, "the wall's size", `[document.documentElement.scrollWidth, document.documentElement.scrollHeight]`)
	if size[0] > 1920 || size[1] > 1080 {
		t.Errorf("the wall is %d×%d, more than the 1920×1080 display", size[0], size[1])
	}
	if bg := eval[string](wall, "background", `getComputedStyle(document.body).backgroundColor`); bg != "rgb(11, 19, 32)" {
		t.Errorf("the wall's background %q, want the dark theme", bg)
	}
	if n := len(wall.texts("#wall-live svg.tilemap g.tile")); n != 23 {
		t.Errorf("the wall's map has %d towns", n)
	}
	wall.screenshot(shots, "wall-1920x1080")

	// It refreshes by itself: the figures are replaced, not added to.
	nodes := eval[int](wall, "nodes", `document.getElementsByTagName('*').length`)
	wall.do("mark the figures", chromedp.Evaluate[chromedp.Void](`document.querySelector('.wall-grid').setAttribute('data-old', '1')`))
	waitFor(t, wall, "a refresh", `document.querySelector('.wall-grid') && !document.querySelector('.wall-grid[data-old]')`, 15*time.Second)
	if n := eval[int](wall, "nodes", `document.getElementsByTagName('*').length`); n != nodes {
		t.Errorf("the wall had %d nodes, %d after a refresh", nodes, n)
	}

	// The server out of reach: the last figures stay, the banner says so;
	// back, it recovers without anyone touching it.
	block(wall, "*://*:*/wall/live*")
	waitFor(t, wall, "the banner", `!document.getElementById('wall-status').hidden`, 15*time.Second)
	if s := wall.text("#wall-status"); !strings.Contains(s, "数据更新中断") {
		t.Errorf("the banner says %q", s)
	}
	if n := len(wall.texts("#wall-live .wall-fig")); n < 14 {
		t.Errorf("while cut off the wall shows %d figures, want the last ones", n)
	}
	wall.screenshot(shots, "wall-interrupted")
	block(wall)
	waitFor(t, wall, "recovery", `document.getElementById('wall-status').hidden && !document.body.classList.contains('stale')`, 15*time.Second)
	for _, p := range wallConsole.problems() {
		if !strings.Contains(p, "wall/live") && !strings.Contains(p, "ERR_BLOCKED") {
			t.Errorf("console: %s", p)
		}
	}
}

// block makes the browser refuse requests to the URLs matching patterns
// (none: every request goes through again), as if the server were down.
func block(b browser, patterns ...string) {
	b.t.Helper()
	ps := []*network.BlockPattern{}
	for _, p := range patterns {
		ps = append(ps, &network.BlockPattern{URLPattern: p, Block: true})
	}
	_, err := chromedp.Run(b.ctx, func(ctx context.Context, t *chromedp.Target) (cdp.Empty, error) {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return cdp.Empty{}, err
		}
		return cdp.Call(ctx, t, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: ps})
	})
	if err != nil {
		b.fatalf("block %v: %v", patterns, err)
	}
}

// waitFor polls a JavaScript condition until it holds or within passes.
func waitFor(t *testing.T, b browser, what, cond string, within time.Duration) {
	t.Helper()
	end := time.Now().Add(within)
	for time.Now().Before(end) {
		if eval[bool](b, what, cond) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no %s within %v", what, within)
}
