package e2e

// People and health in the browser: an enterprise clerk on a phone puts two
// of the staff on the roster (one ID number mistyped first), and records a
// fever for one of them; the town sees the alert on its health page and
// closes it with a note; the bureau's prevention group (联防联控组) finds
// the person by ID number and reveals the whole number with a reason; the
// admin reads the reveal in the audit log, the number masked.

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/cmd/fugong/wiring"
	"fugong/people"
	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	peopleClerk   = "jx-renshi"
	peopleClerkPW = "clerk-people-2020"
	peopleGroup   = "lianfang-zhang"
	peopleGroupPW = "lianfang-2020"
	peopleAdmin   = "admin-audit"
	peopleAdminPW = "admin-audit-2020"
)

func TestBrowserPeople(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startPeopleServer(t, db)
		fx := seed(t, db)
		clerkOf := fx.tangxia[tangxiaNames[0]]
		addUser(t, db, account.User{Username: peopleClerk, DisplayName: "陈人事", Role: fugong.RoleEnterprise, Enterprise: clerkOf}, peopleClerkPW)
		addUser(t, db, account.User{Username: peopleGroup, DisplayName: "张燕", Role: fugong.RoleBureau, Group: fugong.GroupPrevention}, peopleGroupPW)
		addUser(t, db, account.User{Username: peopleAdmin, DisplayName: "系统管理员", Role: fugong.RoleAdmin}, peopleAdminPW)
		peopleBrowserScenario(t, newBrowser(t, exe), srv.URL, clerkOf)
	})
}

// startPeopleServer is startServer with a personal-data key, as serve
// runs with --key-file.
func startPeopleServer(t *testing.T, db *store.DB) *httptest.Server {
	t.Helper()
	logs := &syncBuffer{}
	logOnFailure(t, "server log", logs)
	k, err := pii.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pii.NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	h, err := wiring.Handler(wiring.NewServices(db, time.Now), wiring.Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// idEndingInX is a valid ID number whose check character is X.
func idEndingInX(t *testing.T) string {
	t.Helper()
	birth := time.Date(1988, 3, 12, 0, 0, 0, 0, time.UTC)
	for seq := 1; seq < 1000; seq++ {
		id, err := pii.MakeIDNumber("420106", birth, seq)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(id, "X") {
			return id
		}
	}
	t.Fatal("no ID number ends in X")
	return ""
}

func peopleBrowserScenario(t *testing.T, ctx context.Context, base, clerkOf string) {
	start := time.Now()
	shots := screenshotDir(t)
	roster := "/enterprises/" + clerkOf + "/staff"
	zhang := idEndingInX(t)
	li, err := pii.MakeIDNumber("330381", time.Date(1979, 11, 2, 0, 0, 0, 0, time.UTC), 217)
	if err != nil {
		t.Fatal(err)
	}
	threeDaysAgo := people.AddDays(people.Today(time.Now()), -3)

	// The clerk, on a phone, finds the roster from the menu.
	clerkCtx := newTab(t, ctx, 375, 812, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)
	clerk.login(peopleClerk, peopleClerkPW)
	clerk.expectStatus("open 人员健康", clerk.load("click 人员健康", menuLink("/health")), http.StatusOK)
	if p := clerk.path(); p != roster {
		t.Fatalf("the clerk's 人员健康 is %s, want %s", p, roster)
	}
	if s := clerk.text("#no-staff"); s != "尚未登记人员。" {
		t.Errorf("empty roster says %q", s)
	}
	clerk.fitsWidth("the empty roster")

	// 张三 from Wuhan, in quarantine since three days, ID number typed with a small x.
	clerk.typeInto(`form.staff input[name="name"]`, "张三")
	clerk.typeInto(`form.staff input[name="id_number"]`, strings.ToLower(zhang))
	clerk.typeInto(`form.staff input[name="phone"]`, "13957712345")
	clerk.typeInto(`form.staff input[name="origin"]`, "湖北省武汉市")
	clerk.do("dates", chromedp.SetValue(chromedp.CSS(`form.staff input[name="returned_on"]`), threeDaysAgo),
		chromedp.SetValue(chromedp.CSS(`form.staff input[name="quarantine_start"]`), threeDaysAgo),
		chromedp.Click(chromedp.CSS(`form.staff input[name="hubei"]`)),
		chromedp.Click(chromedp.CSS(`form.staff input[name="on_post"]`)))
	clerk.expectStatus("add 张三", clerk.load("add 张三", chromedp.Click(chromedp.CSS(`form.staff button[type="submit"]`))), http.StatusOK)
	if s := clerk.text("#done"); s != "人员已登记。" {
		t.Fatalf("after adding 张三 the page says %q", s)
	}
	if s := clerk.text("#id-masked"); s != pii.MaskID(zhang) {
		t.Errorf("张三's ID number shows as %q, want %s", s, pii.MaskID(zhang))
	}
	if s := clerk.text("#quarantine"); !strings.Contains(s, "隔离中") || !strings.Contains(s, "14 天") {
		t.Errorf("张三's quarantine %q", s)
	}
	clerk.fitsWidth("张三's page")

	// 李四, the ID number mistyped: refused next to the field, the rest kept.
	clerk.expectStatus("back to the roster", clerk.navigate(roster), http.StatusOK)
	clerk.typeInto(`form.staff input[name="name"]`, "李四")
	clerk.typeInto(`form.staff input[name="id_number"]`, li[:16]+string("0123456789"[(int(li[16]-'0')+1)%10])+li[17:])
	clerk.typeInto(`form.staff input[name="phone"]`, "13867754321")
	clerk.expectStatus("add 李四 mistyped", clerk.load("add 李四", chromedp.Click(chromedp.CSS(`form.staff button[type="submit"]`))), http.StatusBadRequest)
	if msg := clerk.text(`span.error[data-field="id_number"]`); !strings.Contains(msg, "校验") {
		t.Errorf("the mistyped ID number says %q", msg)
	}
	if v := clerk.value(`form.staff input[name="name"]`); v != "李四" {
		t.Errorf("after the error the name holds %q", v)
	}
	clerk.typeInto(`form.staff input[name="id_number"]`, li)
	clerk.expectStatus("add 李四", clerk.load("add 李四", chromedp.Click(chromedp.CSS(`form.staff button[type="submit"]`))), http.StatusOK)

	// This morning 李四 has a fever.
	clerk.typeInto(`form.temperature input[name="celsius"]`, "38.6")
	clerk.expectStatus("record 38.6", clerk.load("record 38.6", chromedp.Click(chromedp.CSS(`form.temperature button[type="submit"]`))), http.StatusOK)
	if s := clerk.text("#done"); !strings.Contains(s, "38.6") || !strings.Contains(s, "发热预警") {
		t.Errorf("after the fever the page says %q", s)
	}
	if got := clerk.texts("#readings tr.fever td.num"); !slices.Equal(got, []string{"38.6"}) {
		t.Errorf("readings %q", got)
	}
	clerk.fitsWidth("李四's page")
	clerk.screenshot(shots, "clerk-fever")
	clerk.expectStatus("the roster", clerk.navigate(roster), http.StatusOK)
	if names := clerk.texts("#staff tbody td:first-child a"); !slices.Equal(names, []string{"张三", "李四"}) {
		t.Errorf("the roster lists %q", names)
	}
	if ids := clerk.texts("#staff tbody td.mono:nth-child(2)"); !slices.Equal(ids, []string{pii.MaskID(zhang), pii.MaskID(li)}) {
		t.Errorf("the roster shows ID numbers %q", ids)
	}
	if n := clerk.text(`#health-counts [data-count="fever"] b`); n != "1" {
		t.Errorf("the roster counts %s fevers", n)
	}
	clerk.fitsWidth("the roster")
	clerk.screenshot(shots, "clerk-roster")

	// The town sees the alert, and closes it with a note.
	townCtx := newTab(t, ctx, 1280, 900, false)
	town := browser{t: t, ctx: townCtx, base: base}
	townConsole := watchConsole(townCtx)
	town.login(townUser, townPassword)
	town.expectStatus("open 人员健康", town.load("click 人员健康", menuLink("/health")), http.StatusOK)
	row := "#alerts tbody tr"
	if got := town.texts(row + " td"); len(got) < 5 || got[1] != tangxiaNames[0] || got[2] != "李四" || got[3] != pii.MaskID(li) || got[4] != "38.6" {
		t.Fatalf("the town's alert row %q", got)
	}
	if n := town.text(`#health-counts [data-count="quarantined"] b`); n != "1" {
		t.Errorf("the town counts %s in quarantine", n)
	}
	town.screenshot(shots, "town-alert")
	town.do("open the close form", chromedp.Click(chromedp.CSS(row+" details summary")))
	town.do("type the note", chromedp.SendKeys(chromedp.CSS(row+` textarea[name="note"]`), "已送市人民医院发热门诊，复测 36.9 ℃"))
	town.expectStatus("close the alert", town.load("close", chromedp.Click(chromedp.CSS(row+` button[type="submit"]`))), http.StatusOK)
	if s := town.text("#done"); s != "预警已关闭。" {
		t.Errorf("after the close the page says %q", s)
	}
	if s := town.text("#no-alerts"); s != "没有未关闭的发热预警。" {
		t.Errorf("after the close %q", s)
	}

	// The prevention group finds 张三 by the whole number and reveals it, with a reason.
	groupCtx := newTab(t, ctx, 1280, 900, false)
	group := browser{t: t, ctx: groupCtx, base: base}
	groupConsole := watchConsole(groupCtx)
	group.login(peopleGroup, peopleGroupPW)
	group.expectStatus("open 人员健康", group.load("click 人员健康", menuLink("/health")), http.StatusOK)
	group.typeInto(`form.find input[name="id_number"]`, zhang)
	group.expectStatus("find", group.load("find", chromedp.Click(chromedp.CSS(`form.find button[type="submit"]`))), http.StatusOK)
	if got := group.texts("#found tbody td"); len(got) < 3 || got[0] != "张三" || got[1] != tangxiaNames[0] || got[2] != pii.MaskID(zhang) {
		t.Fatalf("found %q", got)
	}
	group.expectStatus("open 张三", group.load("open 张三", chromedp.Click(chromedp.CSS(`#found tbody a`))), http.StatusOK)
	group.do("open the reveal form", chromedp.Click(chromedp.CSS("details.reveal summary")))
	group.expectStatus("reveal without a reason", group.load("reveal", chromedp.Click(chromedp.CSS(`details.reveal button[type="submit"]`))), http.StatusBadRequest)
	if s := group.text(`span.error[data-field="reason"]`); s != "请填写查看完整信息的原因" {
		t.Errorf("no reason says %q", s)
	}
	group.do("type the reason", chromedp.SendKeys(chromedp.CSS(`details.reveal textarea[name="reason"]`), "流调：核实武汉返瑞人员身份"))
	group.expectStatus("reveal", group.load("reveal", chromedp.Click(chromedp.CSS(`details.reveal button[type="submit"]`))), http.StatusOK)
	if s := group.text("#id-full"); s != zhang {
		t.Errorf("the revealed ID number %q, want %s", s, zhang)
	}
	if s := group.text("#phone-full"); s != "13957712345" {
		t.Errorf("the revealed phone %q", s)
	}
	group.screenshot(shots, "group-reveal")

	// The admin reads it in the audit log, masked.
	adminCtx := newTab(t, ctx, 1280, 900, false)
	admin := browser{t: t, ctx: adminCtx, base: base}
	admin.login(peopleAdmin, peopleAdminPW)
	admin.expectStatus("the audit log", admin.navigate("/audit?entity=person&actor="+peopleGroup), http.StatusOK)
	cells := admin.texts("main table tbody tr td")
	if len(cells) < 5 || cells[1] != "张燕" || cells[2] != "查看完整身份信息" {
		t.Fatalf("the audit log shows %q", cells)
	}
	if !strings.Contains(cells[4], pii.MaskID(zhang)) || !strings.Contains(cells[4], "流调：核实武汉返瑞人员身份") || !strings.Contains(cells[4], "139****2345") {
		t.Errorf("the reveal's audit entry %q lacks the masked number, phone or the reason", cells[4])
	}
	admin.expectStatus("the whole audit log", admin.navigate("/audit"), http.StatusOK)
	page := eval[string](admin, "the audit page", `document.body.innerHTML`)
	for _, whole := range []string{zhang, strings.ToLower(zhang), li, "13957712345", "13867754321"} {
		if strings.Contains(page, whole) {
			t.Errorf("the audit log shows %s whole", whole)
		}
	}
	admin.screenshot(shots, "admin-audit")

	for who, c := range map[string]*console{"clerk": clerkConsole, "town": townConsole, "prevention group": groupConsole} {
		if ps := c.problems(); len(ps) > 0 {
			t.Errorf("the %s's pages wrote to the console:\n%s", who, strings.Join(ps, "\n"))
		}
	}
	t.Logf("people scenario ran in %v", time.Since(start).Round(time.Millisecond))
}
