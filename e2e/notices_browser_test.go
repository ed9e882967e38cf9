package e2e

// Notices and the daily briefing in the browser: the coordination group
// composes a notice to 塘下's firms with the audience picker; the clerk of
// one of them, on a phone, finds it on their home page and acknowledges
// it; the group sees the coverage move and reminds the others; then it
// files its day and prints the briefing, whose print styles put each
// section on its own A4 page.

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	noticeCoord   = "xietiao-wang"
	noticeCoordPW = "coord-notice-2020"
	noticeClerk   = "jx-notice-clerk"
	noticeClerkPW = "clerk-notice-2020"
)

func TestBrowserNoticeAndBriefing(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		clerkOf := fx.tangxia[tangxiaNames[0]]
		addUser(t, db, account.User{Username: noticeCoord, DisplayName: "王丽芳", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}, noticeCoordPW)
		addUser(t, db, account.User{Username: noticeClerk, DisplayName: "陈会计", Role: fugong.RoleEnterprise, Enterprise: clerkOf}, noticeClerkPW)
		noticeScenario(t, newBrowser(t, exe), srv.URL)
	})
}

// printPDF prints the page as the browser would on A4 with the page's own
// print styles.
func (b browser) printPDF() []byte {
	b.t.Helper()
	yes := true
	res, err := chromedp.Run(b.ctx, func(ctx context.Context, t *chromedp.Target) (page.PrintToPDFResult, error) {
		return cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
	})
	if err != nil {
		b.fatalf("print: %v", err)
	}
	return res.Data
}

func noticeScenario(t *testing.T, ctx context.Context, base string) {
	start := time.Now()
	shots := screenshotDir(t)

	coordCtx := newTab(t, ctx, 1280, 900, false)
	coord := browser{t: t, ctx: coordCtx, base: base}
	coordConsole := watchConsole(coordCtx)
	coord.login(noticeCoord, noticeCoordPW)
	coord.expectStatus("open 通知公告", coord.load("click 通知公告", menuLink("/notices")), http.StatusOK)
	coord.expectStatus("open the compose form", coord.load("click 发布通知", chromedp.Click(chromedp.CSS(`#compose`))), http.StatusOK)
	coord.typeInto(`input[name="title"]`, "关于做好返岗员工登记的通知")
	coord.do("fill the notice",
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "各企业：返岗员工入厂前须测温登记。"),
		chromedp.Click(chromedp.CSS(`input[name="mode"][value="filter"]`)),
		chromedp.Click(chromedp.CSS(`input[name="towns"][value="`+townTangxia+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name="channels"][value="sms"]`)))
	coord.screenshot(shots, "notice-compose")
	coord.expectStatus("send", coord.load("submit the notice", chromedp.Click(chromedp.CSS(`form.notice-form button[type="submit"]`))), http.StatusOK)
	if s := coord.text("#done"); !strings.Contains(s, "共 3 家企业") {
		t.Fatalf("after sending: %q", s)
	}
	noticePath := strings.TrimSuffix(coord.path(), "?sent=1")

	// The clerk, on a phone, finds it on the home page and acknowledges it.
	clerkCtx := newTab(t, ctx, 375, 812, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)
	clerk.login(noticeClerk, noticeClerkPW)
	if s := clerk.text("#notice-panel"); !strings.Contains(s, "关于做好返岗员工登记的通知") || !strings.Contains(s, "未读") {
		t.Fatalf("the clerk's home page: %q", s)
	}
	clerk.screenshot(shots, "notice-home-panel")
	clerk.expectStatus("open the notice", clerk.load("click the notice", chromedp.Click(chromedp.CSS(`#notice-panel li a`))), http.StatusOK)
	if s := clerk.text("#notice-body"); !strings.Contains(s, "返岗员工入厂前须测温登记") {
		t.Errorf("the notice's body: %q", s)
	}
	clerk.expectStatus("acknowledge", clerk.load("click 已阅并落实", chromedp.Click(chromedp.CSS(`#ack button`))), http.StatusOK)
	if s := clerk.text("#receipt b"); s != "已确认：已阅并落实" {
		t.Errorf("after acknowledging: %q", s)
	}
	clerk.fitsWidth("the notice on a phone")
	clerk.navigate("/")
	if n := eval[int](clerk, "panels", `document.querySelectorAll("#notice-panel").length`); n != 0 {
		t.Error("the home page still lists the acknowledged notice")
	}

	// The group sees the coverage and reminds the others.
	coord.expectStatus("the coverage", coord.navigate(noticePath), http.StatusOK)
	if s := coord.text(`#notice-towns tr[data-town="` + townTangxia + `"]`); !strings.Contains(s, "33.3%") {
		t.Errorf("塘下's row: %q", s)
	}
	if n := eval[int](coord, "pending rows", `document.querySelectorAll("#pending tbody tr").length`); n != 2 {
		t.Errorf("%d firms on the call list, want 2", n)
	}
	coord.screenshot(shots, "notice-coverage")
	coord.expectStatus("remind", coord.load("click 一键短信提醒", chromedp.Click(chromedp.CSS(`#remind button`))), http.StatusOK)
	if s := coord.text("#done"); !strings.Contains(s, "已向 2 家企业发送短信提醒") {
		t.Errorf("after reminding: %q", s)
	}

	// The group files its day, then reads and prints the briefing.
	today := daily.Today(time.Now())
	coord.expectStatus("the groups", coord.load("click 工作组日报", menuLink("/groups")), http.StatusOK)
	coord.expectStatus("our day", coord.load("open our day", chromedp.Click(chromedp.CSS(`tr[data-group="coordination"] a`))), http.StatusOK)
	coord.do("write the summary", chromedp.Clear(chromedp.CSS(`textarea[name="summary"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="summary"]`), "发出返岗登记通知，督促企业确认。"))
	coord.expectStatus("save our day", coord.load("save", chromedp.Click(chromedp.CSS(`form.group-day button[type="submit"]`))), http.StatusOK)
	if s := coord.text("#state"); s != "已填报，未定稿" {
		t.Errorf("our day is %q", s)
	}
	coord.expectStatus("the briefing", coord.load("click 日日报", menuLink("/briefings")), http.StatusOK)
	if p := coord.path(); p != "/briefings/"+today {
		t.Errorf("日日报 opens %s", p)
	}
	if s := coord.text("#headline"); !strings.Contains(s, "规模以上工业企业 5 家均未复工。") {
		t.Errorf("the headline: %q", s)
	}
	if s := coord.text("#section-groups"); !strings.Contains(s, "综合协调组（已填报，未定稿）：发出返岗登记通知，督促企业确认。") {
		t.Errorf("the groups' section: %q", s)
	}
	coord.screenshot(shots, "briefing-page")
	printed := coord.printPDF()
	path := filepath.Join(t.TempDir(), "printed.pdf")
	if err := os.WriteFile(path, printed, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo (poppler-utils): %v\n%s", err, info)
	}
	// A4 is 595 x 842 points; the cover and a page per section.
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("the printed page is not A4:\n%s", info)
	}
	var pages int
	for _, l := range strings.Split(string(info), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "Pages:" {
			pages = atoi(f[1])
		}
	}
	if pages < 8 {
		t.Errorf("the printed briefing has %d pages: a page per section wants 8 or more", pages)
	}
	for _, c := range []*console{coordConsole, clerkConsole} {
		if p := c.problems(); len(p) > 0 {
			t.Errorf("the console: %v", p)
		}
	}
	t.Logf("scenario took %v", time.Since(start).Round(time.Millisecond))
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
