package e2e

// Epidemic supplies in the browser: an enterprise clerk on a phone declares
// a stock of masks that lasts less than three days; the bureau's supplies
// group sees the firm on the shortage list, takes masks into its own stock
// and allocates them; the firm leaves the list, and the clerk sees the
// allocation in the firm's history.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/supplies"
)

const (
	suppliesClerk    = "jx-clerk"
	suppliesClerkPW  = "clerk-masks-2020"
	suppliesUser     = "wuzi-li"
	suppliesPassword = "wuzi-masks-2020"
)

func TestBrowserSupplies(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		ctx := context.Background()
		clerkOf := fx.tangxia[tangxiaNames[0]]
		addUser(t, db, account.User{Username: suppliesClerk, DisplayName: "陈会计", Role: fugong.RoleEnterprise, Enterprise: clerkOf}, suppliesClerkPW)
		addUser(t, db, account.User{Username: suppliesUser, DisplayName: "李海军", Role: fugong.RoleBureau, Group: fugong.GroupSupplies}, suppliesPassword)
		// Every other firm holds masks for ten days.
		for _, m := range []map[string]string{fx.tangxia, fx.xianjiang} {
			for _, code := range m {
				if code == clerkOf {
					continue
				}
				if _, err := db.DeclareStock(ctx, fugong.System, code, supplies.Quantities{Masks: 3000, Thermometers: 2, Disinfectant: 100, Gloves: 1500}, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		suppliesScenario(t, newBrowser(t, exe), srv.URL, clerkOf)
	})
}

func suppliesScenario(t *testing.T, ctx context.Context, base, clerkOf string) {
	start := time.Now()
	shots := screenshotDir(t)
	stockPath := "/enterprises/" + clerkOf + "/supplies"

	// The clerk, on a phone, finds the stock form from the menu.
	clerkCtx := newTab(t, ctx, 375, 812, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)
	clerk.login(suppliesClerk, suppliesClerkPW)
	clerk.expectStatus("open 防疫物资", clerk.load("click 防疫物资", menuLink("/supplies")), http.StatusOK)
	if p := clerk.path(); p != stockPath {
		t.Fatalf("the clerk's 防疫物资 is %s, want %s", p, stockPath)
	}
	if s := clerk.text("#stock-status b"); s != "尚未申报防疫物资库存" {
		t.Errorf("status before declaring %q", s)
	}
	if m := eval[string](clerk, "inputmode", `document.querySelector('input[name="disinfectant_l"]').inputMode`); m != "decimal" {
		t.Errorf("消毒液 has inputmode %q, want decimal", m)
	}
	// 100 masks for 150 on post at 2 a day: 0.3 days.
	for _, f := range []struct{ field, value string }{
		{"masks", "100"}, {"thermometers", "2"}, {"disinfectant_l", "5.5"}, {"suits", "0"}, {"gloves", "150"},
	} {
		clerk.typeInto(`input[name="`+f.field+`"]`, f.value)
	}
	clerk.do("type a note", chromedp.SendKeys(chromedp.CSS(`textarea[name="note"]`), "口罩已向供应商订购，尚未到货"))
	resp := clerk.load("save the stock", chromedp.Click(chromedp.CSS(`form.stock button[type="submit"]`)))
	clerk.expectStatus("save the stock", resp, http.StatusOK)
	if p := clerk.path(); p != stockPath+"?saved=1" {
		t.Errorf("after saving the clerk is at %s", p)
	}
	if s := clerk.text("#stock-status b"); s != "口罩仅够 0.3 天，低于 3 天预警线" {
		t.Errorf("status after declaring %q", s)
	}
	if d := clerk.text(`#covers tr[data-item="masks"] td.coverdays`); d != "0.3" {
		t.Errorf("masks' days of cover %q, want 0.3", d)
	}
	clerk.fitsWidth("the stock page")
	clerk.screenshot(shots, "clerk-stock-short")

	// The supplies group sees the firm on the shortage list.
	wuziCtx := newTab(t, ctx, 1280, 900, false)
	wuzi := browser{t: t, ctx: wuziCtx, base: base}
	wuziConsole := watchConsole(wuziCtx)
	wuzi.login(suppliesUser, suppliesPassword)
	wuzi.expectStatus("open 防疫物资", wuzi.load("click 防疫物资", menuLink("/supplies")), http.StatusOK)
	row := `#shortages tr[data-uscc="` + clerkOf + `"]`
	if got := wuzi.texts("#shortages tbody tr td:first-child"); !slices.Equal(got, []string{tangxiaNames[0]}) {
		t.Fatalf("the shortage list %q, want only %s", got, tangxiaNames[0])
	}
	if d := wuzi.text(row + " td.coverdays"); d != "0.3" {
		t.Errorf("days of cover on the list %q", d)
	}
	if n := wuzi.text(`#supply-towns tr[data-town="` + townTangxia + `"] td.shortages`); n != "1" {
		t.Errorf("塘下镇's shortages %q, want 1", n)
	}
	if n := len(wuzi.texts("svg.chart-bar rect.bar")); n != 4 {
		t.Errorf("%d bars in the two charts, want 2 towns × 2", n)
	}
	wuzi.screenshot(shots, "supplies-list")

	// The bureau's stock is empty: take masks in first.
	wuzi.do("open the receipt form", chromedp.Click(chromedp.CSS("details.receipt summary")))
	wuzi.do("pick masks", chromedp.SetValue(chromedp.CSS(`details.receipt select[name="item"]`), "masks"))
	wuzi.typeInto(`details.receipt input[name="quantity"]`, "2000")
	wuzi.typeInto(`details.receipt input[name="source"]`, "温州市疫情防控指挥部调拨")
	resp = wuzi.load("register the receipt", chromedp.Click(chromedp.CSS(`details.receipt button[type="submit"]`)))
	wuzi.expectStatus("register the receipt", resp, http.StatusOK)
	if s := wuzi.text("#done"); s != "入库已登记。" {
		t.Errorf("after the receipt the page says %q", s)
	}
	if s := wuzi.text(`#bureau-stock .stat[data-item="masks"] b`); s != "2000只" {
		t.Errorf("the bureau holds %q masks, want 2000只", s)
	}

	// Allocate what the firm lacks: the form has it already (150 × 6 − 100).
	wuzi.do("open the allocation form", chromedp.Click(chromedp.CSS(row+" details.alloc summary")))
	if q := wuzi.value(row + ` details.alloc input[name="quantity"]`); q != "800" {
		t.Errorf("the allocation form offers %q masks, want the 800 lacking", q)
	}
	wuzi.typeInto(row+` details.alloc input[name="note"]`, "企业自提")
	resp = wuzi.load("allocate", chromedp.Click(chromedp.CSS(row+` details.alloc button[type="submit"]`)))
	wuzi.expectStatus("allocate", resp, http.StatusOK)
	if s := wuzi.text("#done"); s != fmt.Sprintf("已向%s调拨800只口罩。", tangxiaNames[0]) {
		t.Errorf("after the allocation the page says %q", s)
	}
	if n := len(wuzi.texts("#shortages tbody tr")); n != 0 {
		t.Errorf("the shortage list still has %d firms", n)
	}
	if s := wuzi.text("#no-shortage"); !strings.Contains(s, "3 天以上") {
		t.Errorf("empty list says %q", s)
	}
	if s := wuzi.text(`#bureau-stock .stat[data-item="masks"] b`); s != "1200只" {
		t.Errorf("the bureau holds %q masks after allocating, want 1200只", s)
	}
	if got := wuzi.texts("#allocations tbody td:nth-child(2)"); !slices.Equal(got, []string{tangxiaNames[0]}) {
		t.Errorf("recent allocations %q", got)
	}
	wuzi.screenshot(shots, "supplies-allocated")

	// The clerk sees the masks arrive: 900 last 3 days, and the history says where from.
	clerk.expectStatus("reload the stock page", clerk.navigate(stockPath), http.StatusOK)
	if s := clerk.text("#stock-status b"); s != "口罩可用 3.0 天" {
		t.Errorf("status after the allocation %q", s)
	}
	if got := clerk.texts("#history tbody tr:first-child td"); len(got) < 4 || got[2] != "物资组调拨" || got[3] != "100 → 900" {
		t.Errorf("newest history row %q, want the allocation 100 → 900", got)
	}
	if got := clerk.texts("#allocations tbody td:nth-child(3)"); !slices.Equal(got, []string{"800只"}) {
		t.Errorf("the clerk's allocations %q", got)
	}
	clerk.fitsWidth("the stock page after the allocation")
	clerk.screenshot(shots, "clerk-stock-allocated")

	for who, c := range map[string]*console{"clerk": clerkConsole, "supplies group": wuziConsole} {
		if ps := c.problems(); len(ps) > 0 {
			t.Errorf("the %s's pages wrote to the console:\n%s", who, strings.Join(ps, "\n"))
		}
	}
	t.Logf("supplies scenario ran in %v", time.Since(start).Round(time.Millisecond))
}
