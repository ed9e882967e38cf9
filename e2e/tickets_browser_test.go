package e2e

// A difficulty in the browser, the report's model case: the clerk of a
// protective-suit maker, on a phone, raises the shortage of its raw
// material; the coordination group assigns it to the supplies group; the
// supplies group is shown the non-woven maker in 龙港 that declared the
// fabric, selects it, records the vehicle pass and the delivery, and
// resolves the ticket; the clerk sees it solved and closes it.

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
)

const (
	townFeiyun  = "330381009" // 飞云街道
	townNanbin  = "330381011" // 南滨街道
	suitMaker   = "瑞安市康盾防护用品有限公司"
	fabricMaker = "瑞安市恒泰无纺布制品有限公司"
	ticketTitle = "防护服生产原料无纺布、熔喷布不足"
)

func TestBrowserTicketModelCase(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		ents := seedTicketCity(t, db)
		ctx := newBrowser(t, exe)
		ticketScenario(t, ctx, srv.URL, ents)
	})
}

// seedTicketCity stores the suit maker, the 龙港 fabric maker with its
// declared products, a firm of another trade, and the three users.
func seedTicketCity(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	ents := map[string]string{}
	for i, f := range []struct{ name, town, industry, address string }{
		{suitMaker, townFeiyun, "防护用品", "瑞安市飞云街道飞云工业区兴业路 18 号"},
		{fabricMaker, townNanbin, "无纺布制品", "龙港市新城工业园区龙翔路 68 号"},
		{"瑞安市飞云汽配有限公司", townFeiyun, "汽摩配件", "瑞安市飞云街道"},
	} {
		e := registry.Enterprise{USCC: uscc(t, "MA5"+strings.Repeat("0", 5)+string(rune('1'+i))), Name: f.name, Town: f.town,
			Address: f.address, Industry: f.industry, SizeClass: registry.SizeBelow, ContactPhone: "13957710001",
			Employees: 65, LandMu: 8, Status: registry.StatusActive}
		if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
			t.Fatalf("create %s: %v", f.name, err)
		}
		ents[f.name] = e.USCC
	}
	svc := &tickets.Service{Store: db, Registry: &registry.Service{Store: db}, Now: time.Now}
	if _, err := svc.SetProducts(ctx, fugong.System, ents[fabricMaker], []tickets.Product{
		{Product: "熔喷布", Note: "BFE95，现货2吨"}, {Product: "SMS无纺布", Note: "日产5吨"}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []account.User{
		{Username: "kangdun", DisplayName: "陈会计", Role: fugong.RoleEnterprise, Enterprise: ents[suitMaker]},
		{Username: "xietiao", DisplayName: "王丽芳", Role: fugong.RoleBureau, Group: fugong.GroupCoordination},
		{Username: "wuzi", DisplayName: "李海军", Role: fugong.RoleBureau, Group: fugong.GroupSupplies},
	} {
		addUser(t, db, u, u.Username+"-2020")
	}
	return ents
}

func ticketScenario(t *testing.T, ctx context.Context, base string, ents map[string]string) {
	start := time.Now()
	shots := screenshotDir(t)
	today := time.Now().In(fugong.Location).Format("2006-01-02")

	// The clerk, on a phone, raises the shortage.
	clerkCtx := newTab(t, ctx, 375, 812, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)
	clerk.login("kangdun", "kangdun-2020")
	clerk.expectStatus("open 问题困难", clerk.load("click 问题困难", menuLink("/tickets")), http.StatusOK)
	clerk.expectStatus("open the form", clerk.load("click 提出问题", chromedp.Click(chromedp.CSS(`a.button[href="/tickets/new"]`))), http.StatusOK)
	if s := clerk.value(`form.ticket-form input[disabled]`); s != suitMaker {
		t.Errorf("the form is for %q, want the clerk's own %s", s, suitMaker)
	}
	clerk.do("pick 原材料 and 紧急",
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), tickets.CategoryRawMaterials),
		chromedp.SetValue(chromedp.CSS(`select[name="urgency"]`), tickets.UrgencyHigh))
	clerk.typeInto(`input[name="title"]`, ticketTitle)
	clerk.do("describe", chromedp.SendKeys(chromedp.CSS(`textarea[name="description"]`), "复工后防护服生产原料不足，龙港一企业有原料但无法送货，请求协调运输。"))
	clerk.fitsWidth("the raise form")
	clerk.screenshot(shots, "clerk-raise")
	clerk.expectStatus("submit the ticket", clerk.load("submit", chromedp.Click(chromedp.CSS(`form.ticket-form button[type="submit"]`))), http.StatusOK)
	if s := clerk.text("#done"); !strings.Contains(s, "问题已提交") {
		t.Fatalf("after raising the page says %q", s)
	}
	ticketPath := clerk.path()
	if i := strings.Index(ticketPath, "?"); i > 0 {
		ticketPath = ticketPath[:i]
	}
	if s := clerk.text("#status"); s != "待指派" {
		t.Errorf("status %q, want 待指派", s)
	}
	if n := len(clerk.texts("form.move")); n != 0 {
		t.Errorf("the clerk has %d forms to work the ticket", n)
	}
	clerk.fitsWidth("the raised ticket")
	clerk.screenshot(shots, "clerk-raised")

	// The coordination group assigns it to the supplies group.
	coordCtx := newTab(t, ctx, 1280, 900, false)
	coord := browser{t: t, ctx: coordCtx, base: base}
	coordConsole := watchConsole(coordCtx)
	coord.login("xietiao", "xietiao-2020")
	coord.expectStatus("open 问题困难", coord.load("click 问题困难", menuLink("/tickets")), http.StatusOK)
	if titles := coord.texts("#tickets td.title"); !slices.Equal(titles, []string{ticketTitle}) {
		t.Fatalf("the list shows %q", titles)
	}
	coord.expectStatus("open the ticket", coord.load("click the title", chromedp.Click(chromedp.CSS(`#tickets td.title a`))), http.StatusOK)
	assign := `form.move[data-status="assigned"]`
	if v := coord.value(assign + ` select[name="assignee_group"]`); v != "group:supplies" {
		t.Errorf("the assign form proposes %q, want group:supplies", v)
	}
	coord.do("write a note", chromedp.SendKeys(chromedp.CSS(assign+` textarea[name="note"]`), "请物资筹备组对接龙港原料企业"))
	coord.expectStatus("assign", coord.load("click 指派", chromedp.Click(chromedp.CSS(assign+` button[type="submit"]`))), http.StatusOK)
	if s := coord.text("#assignee"); s != "物资筹备组" {
		t.Errorf("assignee %q, want 物资筹备组", s)
	}
	coord.screenshot(shots, "coordination-assigned")

	// The supplies group finds it among its own, starts it and is shown the 龙港 maker.
	supCtx := newTab(t, ctx, 1280, 900, false)
	sup := browser{t: t, ctx: supCtx, base: base}
	supConsole := watchConsole(supCtx)
	sup.login("wuzi", "wuzi-2020")
	sup.expectStatus("my tickets", sup.navigate("/tickets?assignee=me"), http.StatusOK)
	if titles := sup.texts("#tickets td.title"); !slices.Equal(titles, []string{ticketTitle}) {
		t.Fatalf("the supplies group's list shows %q", titles)
	}
	sup.expectStatus("open the ticket", sup.load("click the title", chromedp.Click(chromedp.CSS(`#tickets td.title a`))), http.StatusOK)
	sup.expectStatus("start", sup.load("click 开始办理", chromedp.Click(chromedp.CSS(`form.move[data-status="in_progress"] button`))), http.StatusOK)
	if s := sup.text("#status"); s != "办理中" {
		t.Errorf("status %q, want 办理中", s)
	}
	names := sup.texts("#suggestions tbody tr td:first-child")
	if len(names) == 0 || names[0] != fabricMaker {
		t.Fatalf("suggestions %q, want %s first", names, fabricMaker)
	}
	if slices.Contains(names, suitMaker) || slices.Contains(names, "瑞安市飞云汽配有限公司") {
		t.Errorf("suggestions %q include the raiser or a firm of another trade", names)
	}
	row := `#suggestions tr[data-uscc="` + ents[fabricMaker] + `"]`
	if addr := sup.text(row + " td:nth-child(3)"); !strings.Contains(addr, "龙港") {
		t.Errorf("the suggested maker's address %q", addr)
	}
	if why := sup.text(row + " td:nth-child(5)"); !strings.Contains(why, "熔喷布（BFE95，现货2吨）") {
		t.Errorf("the reasons %q", why)
	}
	sup.screenshot(shots, "supplies-suggestions")
	sup.expectStatus("select the supplier", sup.load("click 选为供应企业", chromedp.Click(chromedp.CSS(row+` form button`))), http.StatusOK)
	if s := sup.text("#chosen-supplier b"); !strings.Contains(s, fabricMaker) {
		t.Errorf("chosen supplier %q", s)
	}

	// The vehicle pass: a wrong plate first, then the lorry's.
	sup.do("open the pass form", chromedp.Click(chromedp.CSS(`#passes details summary`)))
	sup.typeInto(`#pass-form input[name="plate"]`, "浙C3L58")
	sup.typeInto(`#pass-form input[name="route"]`, "瑞安飞云—龙港新城工业园区")
	sup.do("set the validity",
		chromedp.SetValue(chromedp.CSS(`#pass-form input[name="valid_from"]`), today+"T07:00"),
		chromedp.SetValue(chromedp.CSS(`#pass-form input[name="valid_to"]`), today+"T23:00"))
	sup.expectStatus("a short plate", sup.load("submit the pass", chromedp.Click(chromedp.CSS(`#pass-form button[type="submit"]`))), http.StatusBadRequest)
	if msg := sup.text(`#pass-form span.error[data-field="plate"]`); !strings.Contains(msg, "车牌号格式不正确") {
		t.Errorf("plate error %q", msg)
	}
	if v := sup.value(`#pass-form input[name="route"]`); v != "瑞安飞云—龙港新城工业园区" {
		t.Errorf("after the error the route holds %q", v)
	}
	sup.typeInto(`#pass-form input[name="plate"]`, "浙C·3L580")
	sup.expectStatus("the pass", sup.load("submit the pass", chromedp.Click(chromedp.CSS(`#pass-form button[type="submit"]`))), http.StatusOK)
	if plates := sup.texts("#passes td.plate"); !slices.Equal(plates, []string{"浙C3L580"}) {
		t.Errorf("passes %q", plates)
	}

	// The delivery, then the resolution.
	sup.do("open the delivery form", chromedp.Click(chromedp.CSS(`#deliveries details summary`)))
	sup.typeInto(`#delivery-form input[name="quantity"]`, "2")
	sup.typeInto(`#delivery-form input[name="unit"]`, "吨")
	sup.typeInto(`#delivery-form input[name="note"]`, "副局长随车护送，22:00 运抵企业")
	sup.expectStatus("the delivery", sup.load("submit the delivery", chromedp.Click(chromedp.CSS(`#delivery-form button[type="submit"]`))), http.StatusOK)
	if rows := sup.texts("#deliveries tbody tr td:nth-child(2)"); !slices.Equal(rows, []string{fabricMaker}) {
		t.Errorf("deliveries %q", rows)
	}
	resolve := `form.move[data-status="resolved"]`
	sup.do("write the resolution", chromedp.SendKeys(chromedp.CSS(resolve+` textarea[name="note"]`), "原料已运抵，企业恢复生产"))
	sup.expectStatus("resolve", sup.load("click 办结", chromedp.Click(chromedp.CSS(resolve+` button`))), http.StatusOK)
	if s := sup.text("#status"); s != "已解决" {
		t.Errorf("status %q, want 已解决", s)
	}
	sup.screenshot(shots, "supplies-resolved")

	// The clerk sees it solved, with its history, and closes it.
	clerk.expectStatus("reload the ticket", clerk.navigate(ticketPath), http.StatusOK)
	if s := clerk.text("#resolution"); s != "原料已运抵，企业恢复生产" {
		t.Errorf("resolution %q", s)
	}
	what := clerk.texts("#history td.what")
	want := []string{"提出", "待指派 → 已指派（物资筹备组）", "已指派 → 办理中", "匹配供应企业", "办理车辆通行证", "物资送达", "办理中 → 已解决"}
	if !slices.Equal(what, want) {
		t.Errorf("history %q, want %q", what, want)
	}
	clerk.expectStatus("close", clerk.load("click 确认解决并关闭", chromedp.Click(chromedp.CSS(`form.move[data-status="closed"] button`))), http.StatusOK)
	if s := clerk.text("#status"); s != "已关闭" {
		t.Errorf("status %q, want 已关闭", s)
	}
	clerk.fitsWidth("the closed ticket")
	clerk.screenshot(shots, "clerk-closed")

	// The figures count it, with its time to resolve.
	coord.expectStatus("the figures", coord.navigate("/tickets/stats"), http.StatusOK)
	if got := coord.text(`#categories tr[data-category="raw_materials"] td:nth-child(5)`); got != "1" {
		t.Errorf("resolved raw-material tickets %q, want 1", got)
	}
	if n := len(coord.texts("svg.chart-bar")); n != 2 {
		t.Errorf("%d charts on the figures page, want 2", n)
	}
	coord.screenshot(shots, "coordination-stats")

	for who, c := range map[string]*console{"clerk": clerkConsole, "coordination": coordConsole, "supplies": supConsole} {
		if ps := consoleProblems(c); len(ps) > 0 {
			t.Errorf("the %s's pages wrote to the console:\n%s", who, strings.Join(ps, "\n"))
		}
	}
	t.Logf("ticket scenario ran in %v", time.Since(start).Round(time.Millisecond))
}
