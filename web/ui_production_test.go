package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fugong/sheet"
	"fugong/store"
	"fugong/store/storetest"
)

// The pages of resumption and production through a cookie session; the
// browser test in e2e drives the main journey in Chromium.

func TestProductionPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, uiDay)
		t.Run("scope", func(t *testing.T) { testProductionPageScope(t, e) })
		t.Run("journey", func(t *testing.T) { testProductionJourney(t, e) })
		t.Run("refusals", func(t *testing.T) { testProductionFormErrors(t, e) })
		t.Run("essential", func(t *testing.T) { testEssentialPages(t, e) })
	})
}

func testProductionPageScope(t *testing.T, e *testEnv) {
	page := func(key string) string { return "/enterprises/" + e.ents[key] + "/production" }
	type want struct {
		status   int
		location string
	}
	ok, nf := want{200, ""}, want{404, ""}
	cases := map[string]map[string]want{
		"/production": {roleAdmin: ok, roleBureauStat: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok,
			roleClerk: {303, page("tangB")}, roleCheckpoint: nf},
		"/production?date=2020-02-30":                  {roleAdmin: ok, roleTown: ok},
		"/production/enterprises?status=closed":        {roleAdmin: ok, roleTown: ok, roleCadre: ok, roleClerk: ok, roleCheckpoint: nf},
		"/production/enterprises?status=bad":           {roleAdmin: ok},
		"/production/applications":                     {roleAdmin: ok, roleBureauInsp: ok, roleTown: ok, roleClerk: ok, roleCheckpoint: nf},
		"/production/essential":                        {roleAdmin: ok, roleBureauStat: ok, roleTown: ok, roleCheckpoint: nf},
		"/production/enterprises/export?status=closed": {roleAdmin: ok, roleCheckpoint: nf},
		page("tangA"):                                  {roleAdmin: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok, roleClerk: nf, roleCheckpoint: nf},
		page("tangB"):                                  {roleClerk: ok, roleCadre: nf},
		page("xianA"):                                  {roleAdmin: ok, roleTown: nf},
	}
	for _, role := range fixtureRoles {
		b := e.browserLogin(t, role)
		for path, byRole := range cases {
			w, ok := byRole[role]
			if !ok {
				continue
			}
			r := b.get(t, path)
			if r.status != w.status || r.header.Get("Location") != w.location {
				t.Errorf("%s GET %s: %d %q, want %d %q", role, path, r.status, r.header.Get("Location"), w.status, w.location)
			}
		}
		// The nav shows the page to everyone with enterprises in scope.
		home := b.get(t, "/")
		if has := strings.Contains(string(home.body), `href="/production"`); has != (role != roleCheckpoint) {
			t.Errorf("%s: nav has 复工复产: %v", role, has)
		}
	}
}

// multipartForm is a form with fields and one file per file field.
func formWithFile(t testing.TB, fields map[string]string, fileField, fileName string, data []byte) payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return payload{mw.FormDataContentType(), buf.Bytes()}
}

var appRow = regexp.MustCompile(`data-id="(\d+)"`)

// testProductionJourney: the clerk applies with the plan, the town approves
// on its list, the clerk reports resumed, the 复工复产 page counts it.
func testProductionJourney(t *testing.T, e *testEnv) {
	clerk, town := e.browserLogin(t, roleClerk), e.browserLogin(t, roleTown)
	page := "/enterprises/" + e.ents["tangB"] + "/production"
	p := clerk.get(t, page)
	contains(t, "the clerk's page", p, "尚未提交复工申请", `id="submit-app"`, "登记职工 20 人")
	csrf := csrfOf(t, p.body)

	// Not allowed yet: resumed is refused with the reason, the form kept.
	r := clerk.postForm(t, page, url.Values{"csrf": {csrf}, "date": {"2020-02-10"}, "status": {"resumed"}, "capacity_pct": {"45"},
		"on_post_pct": {"60"}, "upstream": {"normal"}, "downstream": {"strained"}, "note": {"原料紧张"}})
	if r.status != http.StatusConflict {
		t.Fatalf("resumed before approval: %d", r.status)
	}
	contains(t, "refused resumed", r, "尚未获乡镇街道批准", `value="45"`, "原料紧张")

	r = clerk.do(t, "POST", "/enterprises/"+e.ents["tangB"]+"/resumption-applications", formWithFile(t,
		map[string]string{"csrf": csrf, "planned_date": "2020-02-10", "staff_expected": "１５", "note": "物资已备齐"},
		"plan", "防疫预案.pdf", pdfPlan), nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), page+"?applied=") {
		t.Fatalf("apply: %d %q %s", r.status, r.header.Get("Location"), r.body)
	}
	p = clerk.get(t, r.header.Get("Location"))
	contains(t, "after applying", p, "复工申请已提交", "待审批", "防疫预案.pdf", "获批前只能填报")
	if strings.Contains(string(p.body), `id="submit-app"`) {
		t.Error("the form to apply is still offered while one is pending")
	}

	list := town.get(t, "/production/applications?status=submitted")
	contains(t, "the town's list", list, "瑞安市塘下电器厂", "批准复工", "防疫预案.pdf", "15 / 20 人")
	m := appRow.FindSubmatch(list.body)
	if m == nil {
		t.Fatal("no application on the town's list")
	}
	id := string(m[1])
	// The bureau sees it but has no buttons.
	contains(t, "the bureau's list", e.browserLogin(t, roleBureauInsp).get(t, "/production/applications"), "瑞安市塘下电器厂", "此处可查看审批记录")

	r = town.postForm(t, "/production/applications/"+id+"/return", url.Values{"csrf": {csrfOf(t, list.body)}, "reason": {""}, "back": {"status=submitted"}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("return without a reason: %d", r.status)
	}
	contains(t, "return without a reason", r, "请填写退回原因")
	r = town.postForm(t, "/production/applications/"+id+"/approve", url.Values{"csrf": {csrfOf(t, list.body)}, "back": {"status=submitted"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/production/applications?done=approved&id="+id+"&status=submitted" {
		t.Fatalf("approve: %d %q", r.status, r.header.Get("Location"))
	}
	contains(t, "after approving", town.get(t, r.header.Get("Location")), "已批准，企业可以填报复工")
	r = town.postForm(t, "/production/applications/"+id+"/approve", url.Values{"csrf": {csrfOf(t, list.body)}})
	if r.status != http.StatusConflict {
		t.Errorf("approve twice: %d", r.status)
	}
	contains(t, "approve twice", r, "不能再审批或退回")

	r = clerk.postForm(t, page, url.Values{"csrf": {csrf}, "date": {"2020-02-10"}, "status": {"resumed"}, "capacity_pct": {"45%"},
		"on_post_pct": {"６０"}, "upstream": {"normal"}, "downstream": {"strained"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("resumed after approval: %d %s", r.status, r.body)
	}
	p = clerk.get(t, r.header.Get("Location"))
	contains(t, "after reporting", p, "2020-02-10 的生产情况已保存", "可以填报复工", "第 1 版", "<td class=\"num\">12</td>")

	s := town.get(t, "/production")
	contains(t, "the town's 复工复产", s, "截至 2020-02-10，塘下镇 2 家在册工业企业中已复工 1 家（复工率 50.0%）", "规下工业企业 1 家已全部复工。", "规模以上工业企业 1 家均未复工。")
	drill := town.get(t, "/production/enterprises?date=2020-02-10&status=resumed")
	contains(t, "drill-down", drill, "瑞安市塘下电器厂", "共 1 家")
	x := town.get(t, "/production/enterprises/export?date=2020-02-10&status=resumed")
	tab, err := sheet.Read(bytes.NewReader(x.body), "x.xlsx")
	if err != nil || len(tab.Rows) != 1 || tab.Rows[0].Cells[0] != "瑞安市塘下电器厂" || tab.Rows[0].Cells[6] != "已复工" {
		t.Errorf("export: %v %+v", err, tab)
	}
}

func testProductionFormErrors(t *testing.T, e *testEnv) {
	town := e.browserLogin(t, roleTown)
	page := "/enterprises/" + e.ents["tangA"] + "/production"
	csrf := csrfOf(t, town.get(t, page).body)
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"capacity not a number", url.Values{"status": {"closed"}, "capacity_pct": {"abc"}, "on_post_pct": {"5"}}, 400,
			[]string{`data-field="capacity_pct"`, "产能恢复率应为 0–100 的整数", `value="abc"`}},
		{"full below 90", url.Values{"status": {"full"}, "capacity_pct": {"80"}, "on_post_pct": {"5"}}, 400,
			[]string{`data-field="capacity_pct"`, "90% 及以上才算满产"}},
		{"no status", url.Values{"capacity_pct": {"0"}, "on_post_pct": {"5"}}, 400, []string{`data-field="status"`}},
		{"future", url.Values{"date": {"2020-02-11"}, "status": {"closed"}, "capacity_pct": {"0"}, "on_post_pct": {"5"}}, 400,
			[]string{`data-field="date"`, "未来日期"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.form
			f.Set("csrf", csrf)
			if f.Get("date") == "" {
				f.Set("date", "2020-02-10")
			}
			f.Set("upstream", "normal")
			f.Set("downstream", "normal")
			r := town.postForm(t, page, f)
			if r.status != c.status {
				t.Fatalf("status %d, want %d", r.status, c.status)
			}
			contains(t, c.name, r, append(c.want, "生产情况未保存")...)
		})
	}
	// An application with a bad plan and a date before today keeps what was typed.
	r := town.do(t, "POST", "/enterprises/"+e.ents["tangA"]+"/resumption-applications", formWithFile(t,
		map[string]string{"csrf": csrf, "planned_date": "2020-02-01", "staff_expected": "25", "note": "说明"}, "plan", "plan.pdf", []byte("text")), nil)
	if r.status != http.StatusBadRequest {
		t.Fatalf("bad application: %d", r.status)
	}
	contains(t, "bad plan", r, `data-field="plan"`, "不是 PDF")
	r = town.do(t, "POST", "/enterprises/"+e.ents["tangA"]+"/resumption-applications", formWithFile(t,
		map[string]string{"csrf": csrf, "planned_date": "2020-02-01", "staff_expected": "25", "note": "说明"}, "", "", nil), nil)
	contains(t, "bad application", r, `data-field="planned_date"`, `data-field="staff_expected"`, "职工人数（20）", `value="25"`, "说明")
	// Out of scope and without the right: not found, forbidden.
	clerk := e.browserLogin(t, roleClerk)
	clerkCSRF := csrfOf(t, clerk.get(t, "/enterprises/"+e.ents["tangB"]+"/production").body)
	if r := clerk.postForm(t, page, url.Values{"csrf": {clerkCSRF}, "date": {"2020-02-10"}, "status": {"closed"},
		"capacity_pct": {"0"}, "on_post_pct": {"0"}, "upstream": {"normal"}, "downstream": {"normal"}}); r.status != http.StatusNotFound {
		t.Errorf("the clerk posts on tangA: %d", r.status)
	}
	bureau := e.browserLogin(t, roleBureauStat)
	if r := bureau.postForm(t, page, url.Values{"csrf": {csrfOf(t, bureau.get(t, page).body)}, "date": {"2020-02-10"}, "status": {"closed"},
		"capacity_pct": {"0"}, "on_post_pct": {"0"}, "upstream": {"normal"}, "downstream": {"normal"}}); r.status != http.StatusForbidden {
		t.Errorf("the statistics group reports: %d", r.status)
	}
}

func testEssentialPages(t *testing.T, e *testEnv) {
	admin, town := e.browserLogin(t, roleAdmin), e.browserLogin(t, roleTown)
	page := "/enterprises/" + e.ents["xianA"] + "/production"
	p := admin.get(t, page)
	contains(t, "admin's page", p, "列入保供重点企业名单", "未列入名单")
	if strings.Contains(string(town.get(t, "/enterprises/"+e.ents["tangA"]+"/production").body), `id="essential-toggle"`) {
		t.Error("the town is offered the essential toggle")
	}
	r := admin.postForm(t, "/production/essential", url.Values{"csrf": {csrfOf(t, p.body)}, "uscc": {e.ents["xianA"]}, "essential": {"true"},
		"reason": {"鞋材保供"}, "back": {"enterprise"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?essential=added" {
		t.Fatalf("toggle on: %d %q", r.status, r.header.Get("Location"))
	}
	contains(t, "after the toggle", admin.get(t, page), "已列入名单", "鞋材保供", "保供重点企业：无需复工申请")
	list := admin.get(t, "/production/essential")
	contains(t, "the list", list, "瑞安市仙降鞋业有限公司", "鞋材保供", "共 1 家")
	if strings.Contains(string(town.get(t, "/production/essential").body), "瑞安市仙降鞋业有限公司") {
		t.Error("塘下 sees 仙降's essential firm")
	}
	r = admin.postForm(t, "/production/essential", url.Values{"csrf": {csrfOf(t, list.body)}, "uscc": {"91330381MA2XXXX99X"}, "essential": {"true"}})
	if r.status != http.StatusNotFound {
		t.Errorf("unknown code: %d", r.status)
	}
	contains(t, "unknown code", r, "没有找到统一社会信用代码", "91330381MA2XXXX99X")
	r = admin.postForm(t, "/production/essential", url.Values{"csrf": {csrfOf(t, list.body)}, "uscc": {e.ents["xianA"]}, "essential": {"false"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.status)
	}
	body, _ := io.ReadAll(bytes.NewReader(admin.get(t, "/production/essential?done=removed").body))
	if bytes.Contains(body, []byte("瑞安市仙降鞋业有限公司")) || !bytes.Contains(body, []byte("已移出")) {
		t.Error("still listed after removal")
	}
	townCSRF := csrfOf(t, town.get(t, "/production/essential").body)
	if r := town.postForm(t, "/production/essential", url.Values{"csrf": {townCSRF}, "uscc": {e.ents["tangA"]}, "essential": {"true"}}); r.status != http.StatusForbidden {
		t.Errorf("the town keeps the list: %d", r.status)
	}
}
