package e2e

// The daily report in the browser: an enterprise clerk on a phone fills in
// the day's report, is told in Chinese what is wrong, corrects it and
// submits; a repeated submission makes no second version; the town official
// sees the report arrive, confirms the town's day and works the call list of
// those who have not reported; the clerk's correction is then refused as
// locked.

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
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	clerkUser      = "tx-clerk"
	clerkPassword  = "clerk-2020-feb"
	bureauUser     = "stat-li"
	bureauPassword = "stat-2020-feb"
	historyDays    = 20
)

func TestBrowserDailyReport(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		clerkOf := fx.tangxia[tangxiaNames[0]]
		addUser(t, db, account.User{Username: clerkUser, DisplayName: "王会计", Role: fugong.RoleEnterprise, Enterprise: clerkOf}, clerkPassword)
		addUser(t, db, account.User{Username: bureauUser, DisplayName: "李统计", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, bureauPassword)
		seedHistory(t, db, fx)
		ctx := newBrowser(t, exe)
		dailyScenario(t, ctx, srv.URL, fx, clerkOf)
	})
}

// seedHistory stores reports of the days before today, as if the enterprises
// had reported all along: every fourth one missing, some of them late.
func seedHistory(t *testing.T, db *store.DB, fx fixtures) {
	t.Helper()
	ctx := context.Background()
	today := time.Now().In(fugong.Location)
	type ent struct{ uscc, town string }
	var ents []ent
	for _, n := range tangxiaNames {
		ents = append(ents, ent{fx.tangxia[n], townTangxia})
	}
	for _, n := range xianjiangNames {
		ents = append(ents, ent{fx.xianjiang[n], townXianjiang})
	}
	for d := historyDays; d >= 1; d-- {
		day := today.AddDate(0, 0, -d).Format(daily.DateLayout)
		for i, e := range ents {
			if (i+d)%4 == 0 {
				continue
			}
			onTime := (i*d)%3 != 0
			f := daily.Figures{StaffTotal: 60 + i, StaffInCity: 40 + d%5, ReturnedToday: d % 3, PersuadedToday: d % 2,
				HubeiStaff: 2, HubeiContactedToday: 2, Quarantined: 1, OnDuty: 6, CommitmentSigned: true}
			if _, err := db.Submit(ctx, fugong.System, daily.Submission{USCC: e.uscc, Town: e.town, Date: day, Figures: f,
				OnTime: func(time.Time) bool { return onTime }}); err != nil {
				t.Fatalf("history %s %s: %v", e.uscc, day, err)
			}
		}
	}
}

// newTab opens a tab with its own cookies (another person's browser) in the
// browser of parent.
func newTab(t *testing.T, parent context.Context, width, height int64, mobile bool) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

func (b browser) login(user, password string) {
	b.t.Helper()
	b.expectStatus("login page", b.navigate("/login"), http.StatusOK)
	b.do("fill login form",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password))
	b.expectStatus("log in as "+user, b.load("submit login", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))), http.StatusOK)
	if p := b.path(); p != "/" {
		b.fatalf("after login %s is at %s, want /", user, p)
	}
}

// eval runs a JavaScript expression in the page.
func eval[T any](b browser, what, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	return v
}

// fitsWidth fails when the page scrolls sideways: on a phone only the tables
// may, inside their own scroll box.
func (b browser) fitsWidth(page string) {
	b.t.Helper()
	if w := eval[[]int](b, "page width", `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		b.t.Errorf("%s is %dpx wide on a %dpx screen: it scrolls sideways", page, w[0], w[1])
	}
}

// consoleProblems is console.problems without the refusals the scenario
// provokes on purpose (a 409 for the locked day).
func consoleProblems(c *console) []string {
	var out []string
	for _, p := range c.problems() {
		if !strings.Contains(p, "status of 409") {
			out = append(out, p)
		}
	}
	return out
}

func dailyScenario(t *testing.T, ctx context.Context, base string, fx fixtures, clerkOf string) {
	start := time.Now()
	shots := screenshotDir(t)
	today := daily.Today(time.Now())
	yesterday := time.Now().In(fugong.Location).AddDate(0, 0, -1).Format(daily.DateLayout)
	formPath := "/enterprises/" + clerkOf + "/reports/" + today

	clerkCtx := newTab(t, ctx, 375, 812, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)

	// The clerk logs in on the phone: the home page says the report is due.
	clerk.login(clerkUser, clerkPassword)
	if h := clerk.text("main h1"); h != "今日日报" {
		t.Errorf("the clerk's home heading %q, want 今日日报", h)
	}
	if s := clerk.text("#own-report .status b"); !strings.Contains(s, "尚未提交") {
		t.Errorf("the clerk's home says %q, want 尚未提交", s)
	}
	if nav := clerk.texts("#side-menu a"); !slices.Contains(nav, "日报填报") || slices.Contains(nav, "每日日报") {
		t.Errorf("the clerk's menu %q, want 日报填报 and not 每日日报", nav)
	}
	clerk.screenshot(shots, "clerk-home")
	clerk.expectStatus("open the form", clerk.load("click 填报今日日报", chromedp.Click(chromedp.CSS(`#own-report a.button`))), http.StatusOK)
	if p := clerk.path(); p != formPath {
		t.Fatalf("the form is at %s, want %s", p, formPath)
	}
	if s := clerk.text("#report-status b"); !strings.Contains(s, "尚未提交") {
		t.Errorf("status line %q, want 尚未提交", s)
	}
	if p := clerk.text("p.prefill"); !strings.Contains(p, yesterday) {
		t.Errorf("prefill note %q, want it to name yesterday %s", p, yesterday)
	}
	if v := clerk.value(`input[name="staff_total"]`); v != "60" {
		t.Errorf("职工总数 prefilled %q, want yesterday's 60", v)
	}
	if v := clerk.value(`input[name="returned_today"]`); v != "0" {
		t.Errorf("当日返温 prefilled %q, want 0 (a new day)", v)
	}
	if m := eval[string](clerk, "inputmode", `document.querySelector('input[name="hubei_staff"]').inputMode`); m != "numeric" {
		t.Errorf("湖北籍人数 has inputmode %q, want numeric", m)
	}
	if l := clerk.text(`label:has(input[name="hubei_contacted_today"]) .name`); l != "当日联系湖北籍人数" {
		t.Errorf("label of hubei_contacted_today %q", l)
	}
	clerk.fitsWidth("the report form")
	clerk.screenshot(shots, "clerk-form")

	// More Hubei staff contacted than there are: refused next to the field.
	form := []struct{ field, value string }{
		{"staff_total", "120"}, {"staff_in_city", "100"}, {"on_duty", "130"},
		{"returned_today", "5"}, {"persuaded_today", "2"}, {"tickets_refunded_today", "1"},
		{"hubei_staff", "3"}, {"hubei_contacted_today", "4"}, {"quarantined", "2"}, {"fever", "两个"},
	}
	for _, f := range form {
		clerk.typeInto(`input[name="`+f.field+`"]`, f.value)
	}
	clerk.do("type a note", chromedp.SendKeys(chromedp.CSS(`textarea[name="note"]`), "三名湖北籍职工均在老家，已电话联系"))
	if !eval[bool](clerk, "checkbox", `document.querySelector('input[name="commitment_signed"]').checked`) {
		t.Errorf("承诺书 not carried over from yesterday")
	}
	resp := clerk.load("submit the report", chromedp.Click(chromedp.CSS(`form.report button[type="submit"]`)))
	clerk.expectStatus("submit with too many contacted", resp, http.StatusBadRequest)
	if msg := clerk.text(`span.error[data-field="hubei_contacted_today"]`); msg != "当日联系湖北籍人数不能超过湖北籍人数（3）" {
		t.Errorf("error next to 当日联系湖北籍人数: %q", msg)
	}
	// Every problem at once, each beside its field: a figure that is no
	// number does not hide the rules between the others.
	if msg := clerk.text(`span.error[data-field="fever"]`); msg != "发热人数应为整数" {
		t.Errorf("error next to 发热人数: %q", msg)
	}
	if msg := clerk.text(`span.error[data-field="on_duty"]`); msg != "值守人数不能超过职工总数（120）" {
		t.Errorf("error next to 值守人数: %q", msg)
	}
	if errs := clerk.texts("span.error"); len(errs) != 3 {
		t.Errorf("errors shown %q, want the three at once", errs)
	}
	if cls := eval[string](clerk, "label class", `document.querySelector('span.error[data-field="hubei_contacted_today"]').closest("label").className`); cls != "invalid" {
		t.Errorf("the field's label has class %q, want invalid", cls)
	}
	for _, f := range form {
		if got := clerk.value(`input[name="` + f.field + `"]`); got != f.value {
			t.Errorf("after the error %s holds %q, want the typed %q", f.field, got, f.value)
		}
	}
	if s := clerk.text("#report-status b"); !strings.Contains(s, "尚未提交") {
		t.Errorf("status after a refused report %q, want 尚未提交", s)
	}
	clerk.fitsWidth("the form with an error")
	clerk.screenshot(shots, "clerk-form-error")
	if t.Failed() {
		t.FailNow()
	}

	// Corrected, the report goes in as version 1.
	clerk.typeInto(`input[name="hubei_contacted_today"]`, "3")
	clerk.typeInto(`input[name="fever"]`, "0")
	clerk.typeInto(`input[name="on_duty"]`, "8")
	resp = clerk.load("resubmit", chromedp.Click(chromedp.CSS(`form.report button[type="submit"]`)))
	clerk.expectStatus("submit the corrected report", resp, http.StatusOK)
	if p := clerk.path(); p != formPath+"?saved=1" {
		t.Errorf("after submitting the browser is at %s, want %s?saved=1", p, formPath)
	}
	if s := clerk.text("#saved"); !strings.Contains(s, "已提交") || !strings.Contains(s, "第 1 版") {
		t.Errorf("confirmation %q, want 已提交 (第 1 版)", s)
	}
	if s := clerk.text("#report-status b"); !strings.Contains(s, "今日日报已提交") {
		t.Errorf("status line %q, want 今日日报已提交", s)
	}
	rows := clerk.texts("#versions tbody tr td:first-child")
	if !slices.Equal(rows, []string{"1"}) {
		t.Errorf("versions %q, want only version 1", rows)
	}
	if v := clerk.value(`input[name="hubei_contacted_today"]`); v != "3" {
		t.Errorf("the form shows hubei_contacted_today %q after saving, want 3", v)
	}
	clerk.fitsWidth("the submitted form")
	clerk.screenshot(shots, "clerk-submitted")

	// The same form sent twice at once (a double tap) makes one version.
	urls := eval[[]string](clerk, "submit twice", `(async () => {
		const f = document.querySelector("form.report");
		f.querySelector('input[name="quarantined"]').value = "1";
		const body = new URLSearchParams(new FormData(f));
		const rs = await Promise.all([1, 2].map(() => fetch(f.action, {method: "POST", body})));
		return rs.map(r => r.status + " " + new URL(r.url).search);
	})()`, chromedp.EvalAwaitPromise)
	if !slices.Equal(urls, []string{"200 ?saved=2", "200 ?saved=2"}) {
		t.Errorf("two identical submissions answered %q, want both to land on version 2", urls)
	}
	clerk.expectStatus("reload the form", clerk.navigate(formPath), http.StatusOK)
	if rows := clerk.texts("#versions tbody tr td:first-child"); !slices.Equal(rows, []string{"2", "1"}) {
		t.Errorf("versions after a double submission %q, want 2, 1", rows)
	}
	if changed := clerk.texts("#versions tbody tr:first-child td.changed"); !slices.Equal(changed, []string{"1"}) {
		t.Errorf("cells marked changed in version 2: %q, want the 隔离 1", changed)
	}
	if t.Failed() {
		t.FailNow()
	}

	// The town official sees the report arrive and confirms the day.
	townCtx := newTab(t, ctx, 1280, 900, false)
	town := browser{t: t, ctx: townCtx, base: base}
	townConsole := watchConsole(townCtx)
	town.login(townUser, townPassword)
	if n := len(town.texts("#today svg.chart-bar")); n != 0 {
		t.Errorf("the town's home has %d completeness charts by town, want none (one bar of its own says nothing)", n)
	}
	if n := len(town.texts("#today svg.chart-line polyline")); n != 2 {
		t.Errorf("the town's home trend has %d lines, want 2", n)
	}
	town.screenshot(shots, "town-home")
	town.expectStatus("open 每日日报", town.load("click 每日日报", menuLink("/reports")), http.StatusOK)
	row := `#completeness tbody tr[data-town="` + townTangxia + `"]`
	if got := town.text(row + " td.received"); got != "1" {
		t.Errorf("塘下镇 已报 %q, want 1", got)
	}
	if got := town.texts(row + " td"); len(got) < 8 || got[1] != "3" || got[5] != "2" || got[6] != "33.3%" {
		t.Errorf("塘下镇 row %q, want 应报 3, 未报 2, 上报率 33.3%%", got)
	}
	if towns := town.texts("#completeness tbody td:first-child"); !slices.Equal(towns, []string{"塘下镇"}) {
		t.Errorf("a 塘下镇 official sees towns %q", towns)
	}
	if n := len(town.texts("svg.chart-line circle.point")); n != 2*30 {
		t.Errorf("the trend chart has %d points, want 60 (two lines of 30 days)", n)
	}
	town.screenshot(shots, "town-completeness")
	resp = town.load("ask to confirm the day", chromedp.Click(chromedp.CSS(row+` form.sign button`)))
	town.expectStatus("确认上报…", resp, http.StatusOK)
	if s := town.text("#confirm .alert"); !strings.Contains(s, "尚有 2 家企业未报") {
		t.Errorf("the confirmation step says %q, want the 2 firms that have not reported", s)
	}
	town.screenshot(shots, "town-signoff-confirm")
	resp = town.load("confirm the day", chromedp.Click(chromedp.CSS(`#confirm button[type="submit"]`)))
	town.expectStatus("确认上报", resp, http.StatusOK)
	if s := town.text("#done"); !strings.Contains(s, "已确认上报") {
		t.Errorf("after 确认上报 the page says %q", s)
	}
	if s := town.text(row + " td.signoff .tag"); s != "已确认" {
		t.Errorf("塘下镇 sign-off cell %q, want 已确认", s)
	}

	// The call list: the two who have not reported, with a tap-to-call phone.
	town.expectStatus("open the call list", town.load("click 未报企业名单", chromedp.Click(chromedp.CSS(`a[href^="/reports/missing?"]`))), http.StatusOK)
	names := town.texts("#missing .call h3")
	want := []string{tangxiaNames[1], tangxiaNames[2]}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("call list %q, want %q", names, want)
	}
	first := `#missing .call[data-uscc="` + fx.tangxia[tangxiaNames[1]] + `"]`
	if href := eval[string](town, "tel link", `document.querySelector('`+first+` a.tel').getAttribute("href")`); href != "tel:13957710101" {
		t.Errorf("phone link %q, want tel:13957710101", href)
	}
	if last := town.text(first + " dd:nth-of-type(4)"); last != yesterday {
		t.Errorf("最近上报 %q, want yesterday %s", last, yesterday)
	}
	export := eval[string](town, "export link", `document.querySelector('a[href^="/reports/missing/export"]').getAttribute("href")`)
	if export != "/reports/missing/export?date="+today {
		t.Errorf("export link %q", export)
	}
	// A promise without its time is refused in the row; with it, logged.
	town.do("open the follow-up form", chromedp.Click(chromedp.CSS(first+" details.followup summary")))
	town.do("pick 承诺补报", chromedp.SetValue(chromedp.CSS(first+` select[name="outcome"]`), "promised"))
	town.typeInto(first+` input[name="note"]`, "负责人在外地，明早补报")
	resp = town.load("save the follow-up", chromedp.Click(chromedp.CSS(first+` form button[type="submit"]`)))
	town.expectStatus("a promise without a time", resp, http.StatusBadRequest)
	if msg := town.text(first + ` span.error[data-field="promised_at"]`); msg != "承诺补报须填写承诺时间" {
		t.Errorf("error next to 承诺补报时间: %q", msg)
	}
	if v := town.value(first + ` select[name="outcome"]`); v != "promised" {
		t.Errorf("after the error 结果 is %q, want promised", v)
	}
	town.screenshot(shots, "town-followup-error")
	town.do("set the promised time", chromedp.SetValue(chromedp.CSS(first+` input[name="promised_at"]`), today+"T18:30"))
	resp = town.load("save the follow-up", chromedp.Click(chromedp.CSS(first+` form button[type="submit"]`)))
	town.expectStatus("log the follow-up", resp, http.StatusOK)
	if s := town.text("#logged"); !strings.Contains(s, tangxiaNames[1]) {
		t.Errorf("after logging the page says %q", s)
	}
	if n := town.text(first + " .followups"); n != "1 次" {
		t.Errorf("follow-ups of the day %q, want 1 次", n)
	}
	town.screenshot(shots, "town-missing")

	// The clerk, whose form was open before the sign-off, tries a correction.
	clerk.typeInto(`input[name="fever"]`, "1")
	resp = clerk.load("submit a correction", chromedp.Click(chromedp.CSS(`form.report button[type="submit"]`)))
	clerk.expectStatus("a correction of a locked day", resp, http.StatusConflict)
	if s := clerk.text("#form-error"); !strings.Contains(s, "已由乡镇街道确认上报") {
		t.Errorf("refusal %q, want it to say the town has confirmed", s)
	}
	if lost := clerk.texts("#form-error ul.unsaved li"); !slices.Equal(lost, []string{"发热人数 0 → 1"}) {
		t.Errorf("the refusal lists the unsaved changes %q, want 发热人数 0 → 1", lost)
	}
	if v := clerk.value(`input[name="fever"]`); v != "0" {
		t.Errorf("the locked form shows 发热人数 %q, want the stored 0", v)
	}
	if s := clerk.text("#report-status b"); s != "已由乡镇确认，已锁定" {
		t.Errorf("status line %q, want 已由乡镇确认，已锁定", s)
	}
	if !eval[bool](clerk, "fieldset", `document.querySelector("form.report fieldset.all").disabled`) {
		t.Errorf("the locked form is still editable")
	}
	if n := len(clerk.texts(`form.report button[type="submit"]`)); n != 0 {
		t.Errorf("the locked form has %d submit buttons", n)
	}
	if rows := clerk.texts("#versions tbody tr td:first-child"); !slices.Equal(rows, []string{"2", "1"}) {
		t.Errorf("versions after the refusal %q, want still 2, 1", rows)
	}
	clerk.fitsWidth("the locked form")
	clerk.screenshot(shots, "clerk-locked")

	// The bureau, on a phone, sees which towns have confirmed; it signs for none.
	bureauCtx := newTab(t, ctx, 375, 812, true)
	bureau := browser{t: t, ctx: bureauCtx, base: base}
	bureauConsole := watchConsole(bureauCtx)
	bureau.login(bureauUser, bureauPassword)
	bureau.expectStatus("open 每日日报", bureau.navigate("/reports"), http.StatusOK)
	if towns := bureau.texts("#completeness tbody td:first-child"); !slices.Equal(towns, []string{"仙降街道", "塘下镇"}) {
		t.Errorf("the bureau sees towns %q, want 仙降街道 and 塘下镇", towns)
	}
	if tags := bureau.texts("#completeness tbody td.signoff .tag"); !slices.Equal(tags, []string{"未确认", "已确认"}) {
		t.Errorf("sign-off column %q, want 未确认 (仙降街道), 已确认 (塘下镇)", tags)
	}
	if n := len(bureau.texts("#completeness form")); n != 0 {
		t.Errorf("the bureau has %d sign-off forms, want none", n)
	}
	if got := bureau.text("#completeness tfoot th:last-child"); got != "1 / 2 已确认" {
		t.Errorf("sign-off total %q, want 1 / 2 已确认", got)
	}
	links := eval[[]string](bureau, "bar links", `Array.from(document.querySelectorAll("svg.chart-bar a"), a => a.getAttribute("href"))`)
	if len(links) != 2 || !strings.HasPrefix(links[0], "/reports/missing?") {
		t.Errorf("bar chart links %q, want one to each town's missing list", links)
	}
	bureau.fitsWidth("the completeness page")
	bureau.screenshot(shots, "bureau-completeness")

	for who, c := range map[string]*console{"clerk": clerkConsole, "town": townConsole, "bureau": bureauConsole} {
		if ps := consoleProblems(c); len(ps) > 0 {
			t.Errorf("the %s's pages wrote to the console:\n%s", who, strings.Join(ps, "\n"))
		}
	}
	t.Logf("daily scenario ran in %v", time.Since(start).Round(time.Millisecond))
}
