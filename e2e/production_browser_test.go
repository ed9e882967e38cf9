package e2e

// Resumption in the browser: an enterprise clerk on a phone applies to
// resume with the prevention plan attached, is refused when marking the
// firm resumed before approval, the town official approves the application,
// the clerk then marks the firm resumed, and the town's 复工复产 page counts
// it in its figures and lists it in the drill-down.

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	prodClerkUser     = "tx-prod-clerk"
	prodClerkPassword = "prod-clerk-2020"
)

func TestBrowserResumption(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		firm := fx.tangxia[tangxiaNames[1]]
		addUser(t, db, account.User{Username: prodClerkUser, DisplayName: "陈出纳", Role: fugong.RoleEnterprise, Enterprise: firm}, prodClerkPassword)
		ctx := newBrowser(t, exe)
		resumptionScenario(t, ctx, srv.URL, firm)
	})
}

func resumptionScenario(t *testing.T, ctx context.Context, base, firm string) {
	start := time.Now()
	shots := screenshotDir(t)
	today := daily.Today(time.Now())
	page := "/enterprises/" + firm + "/production"
	plan := filepath.Join(t.TempDir(), "防疫预案.pdf")
	if err := os.WriteFile(plan, []byte("%PDF-1.4\n% 疫情防控预案\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	clerkCtx := newTab(t, ctx, 375, 812, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)
	clerk.login(prodClerkUser, prodClerkPassword)
	clerk.expectStatus("open 复工复产", clerk.load("click 复工复产", menuLink("/production")), http.StatusOK)
	if p := clerk.path(); p != page {
		t.Fatalf("the clerk's 复工复产 is %s, want the firm's page %s", p, page)
	}
	if s := clerk.text("#permit b"); !strings.Contains(s, "尚未提交复工申请") {
		t.Errorf("permit line %q, want 尚未提交复工申请", s)
	}
	clerk.fitsWidth("the firm's page")
	clerk.screenshot(shots, "clerk-production")

	// Marking resumed before any approval is refused, the figures kept.
	clerk.do("pick 已复工", chromedp.Click(chromedp.CSS(`input[name="status"][value="resumed"]`)))
	clerk.typeInto(`input[name="capacity_pct"]`, "60")
	clerk.typeInto(`input[name="on_post_pct"]`, "75")
	resp := clerk.load("save resumed", chromedp.Click(chromedp.CSS(`#save-day`)))
	clerk.expectStatus("resumed without approval", resp, http.StatusConflict)
	if s := clerk.text("#day-error"); !strings.Contains(s, "尚未获乡镇街道批准") {
		t.Errorf("refusal %q, want 尚未获乡镇街道批准", s)
	}
	if v := clerk.value(`input[name="capacity_pct"]`); v != "60" {
		t.Errorf("after the refusal 产能恢复率 holds %q, want the typed 60", v)
	}

	// Apply, with the plan.
	clerk.do("planned date", chromedp.SetValue(chromedp.CSS(`input[name="planned_date"]`), today))
	clerk.typeInto(`input[name="staff_expected"]`, "40")
	clerk.do("note", chromedp.SendKeys(chromedp.CSS(`#apply textarea[name="note"]`), "口罩500个、测温枪2把已备齐"))
	clerk.do("attach the plan", chromedp.SetUploadFiles(`input[name="plan"]`, []string{plan}))
	resp = clerk.load("submit the application", chromedp.Click(chromedp.CSS(`#submit-app`)))
	clerk.expectStatus("submit the application", resp, http.StatusOK)
	if s := clerk.text("#done"); !strings.Contains(s, "复工申请已提交") {
		t.Errorf("after applying the page says %q", s)
	}
	if st := clerk.texts("#applications tbody .app-status"); !slices.Equal(st, []string{"待审批"}) {
		t.Errorf("applications %q, want one 待审批", st)
	}
	if a := clerk.texts("#applications tbody td a"); !slices.Equal(a, []string{"防疫预案.pdf"}) {
		t.Errorf("plan link %q", a)
	}
	clerk.fitsWidth("the page after applying")
	clerk.screenshot(shots, "clerk-applied")
	if t.Failed() {
		t.FailNow()
	}

	// The town approves it from its 复工复产 page.
	townCtx := newTab(t, ctx, 1280, 900, false)
	town := browser{t: t, ctx: townCtx, base: base}
	townConsole := watchConsole(townCtx)
	town.login(townUser, townPassword)
	town.expectStatus("open 复工复产", town.load("click 复工复产", menuLink("/production")), http.StatusOK)
	if s := town.text(`a[href="/production/applications?status=submitted"]`); !strings.Contains(s, "待审批 1") {
		t.Errorf("the applications button says %q, want 待审批 1", s)
	}
	town.expectStatus("open the applications", town.load("click 复工申请", chromedp.Click(chromedp.CSS(`a[href="/production/applications?status=submitted"]`))), http.StatusOK)
	if names := town.texts("#applications .app h3"); !slices.Equal(names, []string{tangxiaNames[1]}) {
		t.Fatalf("pending applications %q, want %s", names, tangxiaNames[1])
	}
	town.screenshot(shots, "town-applications")
	resp = town.load("approve", chromedp.Click(chromedp.CSS(`#applications .app button.approve`)))
	town.expectStatus("approve", resp, http.StatusOK)
	if s := town.text("#done"); !strings.Contains(s, "已批准") {
		t.Errorf("after approving the page says %q", s)
	}
	if n := len(town.texts("#applications .app")); n != 0 {
		t.Errorf("%d applications still pending", n)
	}

	// The clerk reports the firm back at work.
	clerk.expectStatus("reload", clerk.navigate(page), http.StatusOK)
	if s := clerk.text("#permit b"); !strings.Contains(s, "可以填报复工") {
		t.Errorf("permit line after approval %q", s)
	}
	clerk.do("pick 已复工", chromedp.Click(chromedp.CSS(`input[name="status"][value="resumed"]`)))
	clerk.typeInto(`input[name="capacity_pct"]`, "60")
	clerk.typeInto(`input[name="on_post_pct"]`, "75")
	clerk.do("upstream strained", chromedp.SetValue(chromedp.CSS(`select[name="upstream"]`), "strained"))
	resp = clerk.load("save resumed", chromedp.Click(chromedp.CSS(`#save-day`)))
	clerk.expectStatus("resumed after approval", resp, http.StatusOK)
	if s := clerk.text("#done"); !strings.Contains(s, "生产情况已保存") {
		t.Errorf("after saving the page says %q", s)
	}
	if row := clerk.texts("#days tbody tr:first-child td"); len(row) < 7 || row[1] != "已复工" || row[2] != "60%" || row[5] != "紧张" {
		t.Errorf("history row %q", row)
	}
	clerk.fitsWidth("the page after reporting")
	clerk.screenshot(shots, "clerk-resumed")

	// The town's figures count it; the drill-down lists it.
	town.expectStatus("open 复工复产", town.navigate("/production"), http.StatusOK)
	if h := town.texts("#headline p"); len(h) == 0 || !strings.Contains(h[0], "塘下镇 3 家在册工业企业中已复工 1 家") {
		t.Errorf("headline %q", h)
	}
	if cells := town.texts("#towns tbody tr td"); len(cells) < 4 || cells[0] != "塘下镇" || cells[3] != "1" {
		t.Errorf("塘下镇 row %q, want 已复工 1", cells)
	}
	if n := len(town.texts("svg.chart-line polyline")); n != 3 {
		t.Errorf("the trend has %d lines, want 3", n)
	}
	town.screenshot(shots, "town-production")
	town.expectStatus("drill down", town.load("click the resumed count", chromedp.Click(chromedp.CSS(`#towns tbody tr td:nth-child(4) a`))), http.StatusOK)
	if names := town.texts("#production-enterprises tbody td:first-child a"); !slices.Equal(names, []string{tangxiaNames[1]}) {
		t.Errorf("drill-down %q, want %s", names, tangxiaNames[1])
	}
	town.screenshot(shots, "town-drilldown")

	for who, c := range map[string]*console{"clerk": clerkConsole, "town": townConsole} {
		if ps := consoleProblems(c); len(ps) > 0 {
			t.Errorf("the %s's pages wrote to the console:\n%s", who, strings.Join(ps, "\n"))
		}
	}
	t.Logf("resumption scenario ran in %v", time.Since(start).Round(time.Millisecond))
}
