package people_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The people pages through a cookie session; the browser test in e2e
// drives the clerk-to-reveal journey in Chromium.

func TestPeoplePages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		e.AddBureauUsers(t, webtest.RolePrevention)
		t.Run("roster and person", func(t *testing.T) { testRosterAndPerson(t, e) })
		t.Run("import", func(t *testing.T) { testImportPage(t, e) })
		t.Run("daily report", func(t *testing.T) { testDailyFromRoster(t, e) })
		t.Run("settings", func(t *testing.T) { testSettingsPage(t, e) })
		t.Run("long lists", func(t *testing.T) { testLongHealthLists(t, e) })
	})
}

// testLongHealthLists: the health page shows the first 20 of a list and
// links to the whole of it, which pages through every person of the
// actor's scope (a town's list leaves another town's people out).
func testLongHealthLists(t *testing.T, e *webtest.Env) {
	ctx := context.Background()
	since := e.Today()
	for i := range 23 {
		if _, err := e.Services.People.Add(ctx, fugong.System, e.Ents["tangB"], people.Person{Name: fmt.Sprintf("红码人员%02d", i),
			IDNumber: newIDNumber(), HealthCode: people.CodeRed, CodeSince: since, OnPost: false}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Services.People.Add(ctx, fugong.System, e.Ents["xianA"], people.Person{Name: "仙降红码",
		IDNumber: newIDNumber(), HealthCode: people.CodeRed, CodeSince: since}); err != nil {
		t.Fatal(err)
	}
	town := e.BrowserLogin(t, webtest.RoleTown)
	health := town.Get(t, "/health")
	more := "/health/lists/red?date=" + e.Today() + "&amp;town="
	webtest.Contains(t, "the health page", health, "23 人，显示前 20 人", more, "红码人员00")
	if strings.Contains(string(health.Body), "红码人员22") || strings.Contains(string(health.Body), "仙降红码") {
		t.Error("the health page shows past the list's first 20, or another town's people")
	}
	page := town.Get(t, "/health/lists/red?per_page=20&page=2")
	webtest.Contains(t, "the list's second page", page, "红码人员20", "红码人员22", "返回人员健康", `action="/health/lists/red"`)
	if page.Status != 200 || strings.Contains(string(page.Body), "红码人员19") || strings.Contains(string(page.Body), "仙降红码") {
		t.Errorf("the second page (%d) shows the first page's people or another town's", page.Status)
	}
	if city := e.BrowserLogin(t, webtest.RoleAdmin).Get(t, "/health/lists/red?per_page=100"); !strings.Contains(string(city.Body), "仙降红码") {
		t.Error("the city's list leaves a town out")
	}
	if r := town.Get(t, "/health/lists/nobody"); r.Status != 404 {
		t.Errorf("an unknown list: %d", r.Status)
	}
}

var locationID = regexp.MustCompile(`^/staff/(\d+)\?added=1$`)

func testRosterAndPerson(t *testing.T, e *webtest.Env) {
	clerk := e.BrowserLogin(t, webtest.RoleClerk)
	roster := "/enterprises/" + e.Ents["tangB"] + "/staff"
	page := clerk.Get(t, roster)
	webtest.Contains(t, "empty roster", page, "尚未登记人员", `name="id_number"`, `inputmode="tel"`, `type="date"`, "登记")
	if page.Header.Get("Cache-Control") != "no-store" {
		t.Error("the roster may be cached")
	}
	csrf := webtest.CSRFOf(t, page.Body)
	id := newIDNumber()
	v := url.Values{"csrf": {csrf}, "name": {"周发热"}, "id_number": {id[:17] + "0"}, "phone": {"138１２３４５６７８"},
		"health_code": {"green"}, "on_post": {"true"}, "quarantine_days": {"x"}}
	if id[17] == '0' {
		v.Set("id_number", id[:17]+"1")
	}
	r := clerk.PostForm(t, roster, v)
	if r.Status != 400 {
		t.Fatalf("a wrong check character: %d", r.Status)
	}
	webtest.Contains(t, "refused form", r, `data-field="quarantine_days"`, "请修改标红的项目后再提交", `value="周发热"`)
	v.Set("id_number", strings.ToLower(id))
	v.Del("quarantine_days")
	r = clerk.PostForm(t, roster, v)
	m := locationID.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != 303 || m == nil {
		t.Fatalf("add: %d to %q: %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	person := "/staff/" + m[1]
	page = clerk.Get(t, person+"?added=1")
	webtest.Contains(t, "person page", page, "人员已登记。", pii.MaskID(id), "138****5678", "登记体温", "查看完整身份证号码和电话")
	if strings.Contains(string(page.Body), id) {
		t.Error("the person page shows the whole ID number")
	}
	// A fever from the phone's form.
	r = clerk.PostForm(t, person+"/temperatures", url.Values{"csrf": {csrf}, "celsius": {"33"}})
	webtest.Contains(t, "34–43", r, `data-field="celsius"`)
	r = clerk.PostForm(t, person+"/temperatures", url.Values{"csrf": {csrf}, "celsius": {"３８.５"}})
	if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "alert=") {
		t.Fatalf("fever: %d %q", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "after the fever", clerk.Get(t, r.Header.Get("Location")), "已达到发热预警体温", "38.5")

	// The town sees it, and closes it with a note.
	town := e.BrowserLogin(t, webtest.RoleTown)
	health := town.Get(t, "/health")
	webtest.Contains(t, "town's health page", health, "周发热", "38.5", "关闭预警", `data-count="fever"`)
	alert := regexp.MustCompile(`action="(/alerts/\d+/close)"`).FindSubmatch(health.Body)
	if alert == nil {
		t.Fatal("no close form")
	}
	tcsrf := webtest.CSRFOf(t, health.Body)
	r = town.PostForm(t, string(alert[1]), url.Values{"csrf": {tcsrf}, "note": {""}, "back": {"/health"}})
	webtest.Contains(t, "close without a note", r, "请填写处置情况")
	r = town.PostForm(t, string(alert[1]), url.Values{"csrf": {tcsrf}, "note": {"已送发热门诊"}, "back": {"/health"}})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/health?closed=") {
		t.Errorf("close: %d %q", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "after the close", town.Get(t, "/health"), "没有未关闭的发热预警")

	// The town reveals the whole number with a reason; the page is not kept.
	r = town.PostForm(t, person+"/reveal", url.Values{"csrf": {tcsrf}, "reason": {" "}})
	webtest.Contains(t, "reveal without a reason", r, "请填写查看完整信息的原因")
	r = town.PostForm(t, person+"/reveal", url.Values{"csrf": {tcsrf}, "reason": {"社区核实返岗人员"}})
	webtest.Contains(t, "revealed", r, `id="id-full">`+id, `id="phone-full">13812345678`)
	if r.Status != 200 || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("reveal: %d %q", r.Status, r.Header.Get("Cache-Control"))
	}
	// The cadre of another firm does not find them; the look-up by number does.
	if r := e.BrowserLogin(t, webtest.RoleCadre).Get(t, person); r.Status != 404 {
		t.Errorf("the cadre of tangA opens a person of tangB: %d", r.Status)
	}
	r = town.PostForm(t, "/health/find", url.Values{"csrf": {tcsrf}, "id_number": {id}})
	webtest.Contains(t, "found", r, "找到 1 条记录", "周发热", pii.MaskID(id))
	if strings.Contains(string(r.Body), id) {
		t.Error("the look-up page shows the whole number")
	}
	r = town.PostForm(t, "/health/find", url.Values{"csrf": {tcsrf}, "id_number": {"12345"}})
	webtest.Contains(t, "a malformed look-up", r, `data-field="id_number"`)
}

func testImportPage(t *testing.T, e *webtest.Env) {
	clerk := e.BrowserLogin(t, webtest.RoleClerk)
	imp := "/enterprises/" + e.Ents["tangB"] + "/staff/import"
	page := clerk.Get(t, imp)
	webtest.Contains(t, "import page", page, "下载导入模板", `name="skip_bad"`)
	csv := "序号,姓名,身份证号码,健康码,湖北籍\n1,赵一," + newIDNumber() + ",绿码,是\n2,赵二," + newIDNumber() + ",绿码,也许\n"
	up := func(fields map[string]string) webtest.Resp {
		p := webtest.Upload(t, "花名册.csv", csv, fields)
		return clerk.Do(t, "POST", imp, p, nil)
	}
	r := up(map[string]string{"csrf": webtest.CSRFOf(t, page.Body)})
	if r.Status != 400 {
		t.Fatalf("a sheet with a bad row: %d", r.Status)
	}
	webtest.Contains(t, "bad row", r, "<td class=\"num\">3</td>", "湖北籍", "应为“是”或“否”")
	r = up(map[string]string{"csrf": webtest.CSRFOf(t, page.Body), "skip_bad": "true"})
	webtest.Contains(t, "skipping it", r, "导入完成：新登记 1 人，跳过错误 1 处")
	tpl := clerk.Get(t, "/enterprises/"+e.Ents["tangB"]+"/staff/template?format=csv")
	webtest.Contains(t, "template", tpl, "姓名,身份证号码,联系电话")
}

// testDailyFromRoster: the daily form of a firm with a roster is
// prefilled from it, and warns where what is typed disagrees.
func testDailyFromRoster(t *testing.T, e *webtest.Env) {
	clerk := e.BrowserLogin(t, webtest.RoleClerk)
	report := "/enterprises/" + e.Ents["tangB"] + "/reports/" + e.Today()
	page := clerk.Get(t, report)
	webtest.Contains(t, "daily form", page, `id="roster-prefill"`)
	staff := regexp.MustCompile(`name="staff_total" value="(\d+)"`).FindSubmatch(page.Body)
	if staff == nil || string(staff[1]) == "0" {
		t.Fatalf("staff_total not prefilled from the roster: %q", staff)
	}
	v := url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "key": {"k-" + t.Name()}, "commitment_signed": {"true"}}
	for _, f := range []string{"staff_total", "staff_in_city", "returned_today", "persuaded_today", "tickets_refunded_today",
		"hubei_staff", "hubei_contacted_today", "quarantined", "fever", "on_duty"} {
		v.Set(f, "0")
	}
	v.Set("staff_total", "100")
	v.Set("staff_in_city", "90")
	r := clerk.PostForm(t, report, v)
	if r.Status != 303 {
		t.Fatalf("the report disagreeing with the roster is refused: %d %s", r.Status, r.Body)
	}
	page = clerk.Get(t, r.Header.Get("Location"))
	webtest.Contains(t, "the saved report", page, `class="warn roster" data-field="staff_total"`, "与人员花名册不一致：花名册为 "+string(staff[1])+" 人")
	if strings.Contains(string(page.Body), `id="roster-prefill"`) {
		t.Error("a saved report is prefilled again")
	}
}

func testSettingsPage(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RolePrevention)
	page := b.Get(t, "/people/settings")
	webtest.Contains(t, "settings", page, `name="quarantine_days" value="14"`, `name="fever_threshold" value="37.3"`)
	csrf := webtest.CSRFOf(t, page.Body)
	r := b.PostForm(t, "/people/settings", url.Values{"csrf": {csrf}, "quarantine_days": {"0"}, "fever_threshold": {"39"}})
	webtest.Contains(t, "bad settings", r, `data-field="quarantine_days"`, `data-field="fever_threshold"`)
	r = b.PostForm(t, "/people/settings", url.Values{"csrf": {csrf}, "quarantine_days": {"7"}, "fever_threshold": {"37.5"}})
	if r.Status != 303 {
		t.Fatalf("save: %d", r.Status)
	}
	webtest.Contains(t, "saved", b.Get(t, "/people/settings?saved=1"), "设置已保存", `value="7"`, `value="37.5"`)
	// Back to the defaults for the other subtests' expectations.
	b.PostForm(t, "/people/settings", url.Values{"csrf": {csrf}, "quarantine_days": {"14"}, "fever_threshold": {"37.3"}})
}
