package dashboard_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestPages: the desk page shows the figures with charts and links to the
// lists of firms behind them, which open and lead on to the firm; the
// wall is the dark full-screen page with its script and its fallback, and
// its live fragment is the figures alone, marked for the script.
func TestPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, shanghai(firstDay, 8))
		seed(t, e)
		b := e.BrowserLogin(t, webtest.RoleBureauStat)
		r := b.Get(t, "/dashboard?date="+today)
		body := string(r.Body)
		if r.Status != 200 {
			t.Fatalf("dashboard: %d %s", r.Status, body)
		}
		for _, want := range []string{"驾驶舱 · 全市", `class="chart tilemap"`, "chart-line", "塘下镇", "仙降街道", "规上企业复工",
			"整改逾期", "口罩短缺企业", "发热预警未处置", `href="/wall"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the dashboard lacks %q", want)
			}
		}
		// The above-size firms back at work: a link to production's list,
		// which lists tangA, whose page it links to.
		link := regexp.MustCompile(`<a class="stat" href="([^"]+)"><b>1/1</b><span>规上企业复工`).FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no link behind 规上企业复工 1/1")
		}
		list := b.Get(t, html.UnescapeString(link[1]))
		if list.Status != 200 || !strings.Contains(string(list.Body), "瑞安市塘下汽配有限公司") ||
			strings.Contains(string(list.Body), "瑞安市仙降鞋业有限公司") || !strings.Contains(string(list.Body), "/enterprises/"+e.Ents["tangA"]) {
			t.Errorf("the list behind 规上复工 (%s): %d", link[1], list.Status)
		}
		if r := b.Get(t, "/dashboard?date="+today+"&town="+webtest.TownXianjiang); !strings.Contains(string(r.Body), "驾驶舱 · 仙降街道") {
			t.Errorf("the bureau's 仙降: %d", r.Status)
		}

		town := e.BrowserLogin(t, webtest.RoleTown)
		if r := town.Get(t, "/dashboard"); !strings.Contains(string(r.Body), "驾驶舱 · 塘下镇") || strings.Contains(string(r.Body), `<select name="town"`) {
			t.Errorf("the town's dashboard: %d", r.Status)
		}

		w := b.Get(t, "/wall")
		wall := string(w.Body)
		for _, want := range []string{`<body class="wall">`, `<script src="/static/wall.js" defer></script>`,
			`<noscript><meta http-equiv="refresh" content="30"></noscript>`, `id="wall-status"`, "数据更新中断", `data-src="/wall/live"`,
			`class="chart tilemap"`, "最新发热预警", "38.6℃", "最新问题困难", "口罩不足", "更新于"} {
			if !strings.Contains(wall, want) {
				t.Errorf("the wall lacks %q", want)
			}
		}
		live := b.Get(t, "/wall/live")
		if live.Status != 200 || live.Header.Get("X-Wall-Fragment") != "1" || strings.Contains(string(live.Body), "<html") ||
			!strings.Contains(string(live.Body), "wall-figures") {
			t.Errorf("the live fragment: %d %q %.200s", live.Status, live.Header.Get("X-Wall-Fragment"), live.Body)
		}
		if w := town.Get(t, "/wall"); !strings.Contains(string(w.Body), "指挥大屏 · 塘下镇") {
			t.Errorf("the town's wall: %d", w.Status)
		}
		// A page without a session is the login page: no fragment header,
		// so the script keeps the last figures and says so.
		if r := e.Call(t, "GET", "/wall/live", "", webtest.Payload{}); r.Header.Get("X-Wall-Fragment") != "" {
			t.Errorf("the fragment's header without a session")
		}
	})
}
