package production_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/sheet"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The pages of resumption and production through a cookie session; the
// browser test in e2e drives the main journey in Chromium.

// uiDay is a Monday morning of February 2020.
var uiDay = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)

func TestProductionPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		t.Run("scope", func(t *testing.T) { testProductionPageScope(t, e) })
		t.Run("journey", func(t *testing.T) { testProductionJourney(t, e) })
		t.Run("refusals", func(t *testing.T) { testProductionFormErrors(t, e) })
		t.Run("essential", func(t *testing.T) { testEssentialPages(t, e) })
	})
}

func testProductionPageScope(t *testing.T, e *webtest.Env) {
	page := func(key string) string { return "/enterprises/" + e.Ents[key] + "/production" }
	type want struct {
		status   int
		location string
	}
	ok, nf := want{200, ""}, want{404, ""}
	cases := map[string]map[string]want{
		"/production": {webtest.RoleAdmin: ok, webtest.RoleBureauStat: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok,
			webtest.RoleClerk: {303, page("tangB")}, webtest.RoleCheckpoint: nf},
		"/production?date=2020-02-30":                  {webtest.RoleAdmin: ok, webtest.RoleTown: ok},
		"/production/enterprises?status=closed":        {webtest.RoleAdmin: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok, webtest.RoleClerk: ok, webtest.RoleCheckpoint: nf},
		"/production/enterprises?status=bad":           {webtest.RoleAdmin: ok},
		"/production/applications":                     {webtest.RoleAdmin: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleClerk: ok, webtest.RoleCheckpoint: nf},
		"/production/essential":                        {webtest.RoleAdmin: ok, webtest.RoleBureauStat: ok, webtest.RoleTown: ok, webtest.RoleCheckpoint: nf},
		"/production/enterprises/export?status=closed": {webtest.RoleAdmin: ok, webtest.RoleCheckpoint: nf},
		page("tangA"):                                  {webtest.RoleAdmin: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok, webtest.RoleClerk: nf, webtest.RoleCheckpoint: nf},
		page("tangB"):                                  {webtest.RoleClerk: ok, webtest.RoleCadre: nf},
		page("xianA"):                                  {webtest.RoleAdmin: ok, webtest.RoleTown: nf},
	}
	for _, role := range webtest.Roles {
		b := e.BrowserLogin(t, role)
		for path, byRole := range cases {
			w, ok := byRole[role]
			if !ok {
				continue
			}
			r := b.Get(t, path)
			if r.Status != w.status || r.Header.Get("Location") != w.location {
				t.Errorf("%s GET %s: %d %q, want %d %q", role, path, r.Status, r.Header.Get("Location"), w.status, w.location)
			}
		}
		// The nav shows the page to everyone with enterprises in scope.
		home := b.Get(t, "/")
		if has := strings.Contains(string(home.Body), `href="/production"`); has != (role != webtest.RoleCheckpoint) {
			t.Errorf("%s: nav has 复工复产: %v", role, has)
		}
	}
}

// multipartForm is a form with fields and one file per file field.
func formWithFile(t testing.TB, fields map[string]string, fileField, fileName string, data []byte) webtest.Payload {
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
	return webtest.Payload{CType: mw.FormDataContentType(), Data: buf.Bytes()}
}

var appRow = regexp.MustCompile(`data-id="(\d+)"`)

// testProductionJourney: the clerk applies with the plan, the town approves
// on its list, the clerk reports resumed, the 复工复产 page counts it.
func testProductionJourney(t *testing.T, e *webtest.Env) {
	clerk, town := e.BrowserLogin(t, webtest.RoleClerk), e.BrowserLogin(t, webtest.RoleTown)
	page := "/enterprises/" + e.Ents["tangB"] + "/production"
	p := clerk.Get(t, page)
	webtest.Contains(t, "the clerk's page", p, "尚未提交复工申请", `id="submit-app"`, "登记职工 20 人")
	csrf := webtest.CSRFOf(t, p.Body)

	// Not allowed yet: resumed is refused with the reason, the form kept.
	r := clerk.PostForm(t, page, url.Values{"csrf": {csrf}, "date": {"2020-02-10"}, "status": {"resumed"}, "capacity_pct": {"45"},
		"on_post_pct": {"60"}, "upstream": {"normal"}, "downstream": {"strained"}, "note": {"原料紧张"}})
	if r.Status != http.StatusConflict {
		t.Fatalf("resumed before approval: %d", r.Status)
	}
	webtest.Contains(t, "refused resumed", r, "尚未获乡镇街道批准", `value="45"`, "原料紧张")

	r = clerk.Do(t, "POST", "/enterprises/"+e.Ents["tangB"]+"/resumption-applications", formWithFile(t,
		map[string]string{"csrf": csrf, "planned_date": "2020-02-10", "staff_expected": "１５", "note": "物资已备齐"},
		"plan", "防疫预案.pdf", pdfPlan), nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), page+"?applied=") {
		t.Fatalf("apply: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	p = clerk.Get(t, r.Header.Get("Location"))
	webtest.Contains(t, "after applying", p, "复工申请已提交", "待审批", "防疫预案.pdf", "获批前只能填报")
	if strings.Contains(string(p.Body), `id="submit-app"`) {
		t.Error("the form to apply is still offered while one is pending")
	}

	list := town.Get(t, "/production/applications?status=submitted")
	webtest.Contains(t, "the town's list", list, "瑞安市塘下电器厂", "批准复工", "防疫预案.pdf", "15 / 20 人")
	m := appRow.FindSubmatch(list.Body)
	if m == nil {
		t.Fatal("no application on the town's list")
	}
	id := string(m[1])
	// The bureau sees it but has no buttons.
	webtest.Contains(t, "the bureau's list", e.BrowserLogin(t, webtest.RoleBureauInsp).Get(t, "/production/applications"), "瑞安市塘下电器厂", "此处可查看审批记录")

	r = town.PostForm(t, "/production/applications/"+id+"/return", url.Values{"csrf": {webtest.CSRFOf(t, list.Body)}, "reason": {""}, "back": {"status=submitted"}})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("return without a reason: %d", r.Status)
	}
	webtest.Contains(t, "return without a reason", r, "请填写退回原因")
	r = town.PostForm(t, "/production/applications/"+id+"/approve", url.Values{"csrf": {webtest.CSRFOf(t, list.Body)}, "back": {"status=submitted"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/production/applications?done=approved&id="+id+"&status=submitted" {
		t.Fatalf("approve: %d %q", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "after approving", town.Get(t, r.Header.Get("Location")), "已批准，企业可以填报复工")
	r = town.PostForm(t, "/production/applications/"+id+"/approve", url.Values{"csrf": {webtest.CSRFOf(t, list.Body)}})
	if r.Status != http.StatusConflict {
		t.Errorf("approve twice: %d", r.Status)
	}
	webtest.Contains(t, "approve twice", r, "不能再审批或退回")

	r = clerk.PostForm(t, page, url.Values{"csrf": {csrf}, "date": {"2020-02-10"}, "status": {"resumed"}, "capacity_pct": {"45%"},
		"on_post_pct": {"６０"}, "upstream": {"normal"}, "downstream": {"strained"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("resumed after approval: %d %s", r.Status, r.Body)
	}
	p = clerk.Get(t, r.Header.Get("Location"))
	webtest.Contains(t, "after reporting", p, "2020-02-10 的生产情况已保存", "可以填报复工", "第 1 版", "<td class=\"num\">12</td>")
	// The approver and the one who reported are shown by name, not login.
	webtest.Contains(t, "the approver's name", p, e.Users[webtest.RoleTown].DisplayName+" ", "<td>"+e.Users[webtest.RoleClerk].DisplayName+"</td>")
	for _, login := range []string{e.Users[webtest.RoleTown].Username, e.Users[webtest.RoleClerk].Username} {
		if strings.Contains(string(p.Body), ">"+login+" ") || strings.Contains(string(p.Body), ">"+login+"<") {
			t.Errorf("the enterprise's 复工复产 shows the username %s", login)
		}
	}

	s := town.Get(t, "/production")
	webtest.Contains(t, "the town's 复工复产", s, "截至 2020-02-10，塘下镇 2 家在册工业企业中已复工 1 家（复工率 50.0%）", "规下工业企业 1 家已全部复工。", "规模以上工业企业 1 家均未复工。")
	drill := town.Get(t, "/production/enterprises?date=2020-02-10&status=resumed")
	webtest.Contains(t, "drill-down", drill, "瑞安市塘下电器厂", "共 1 家")
	x := town.Get(t, "/production/enterprises/export?date=2020-02-10&status=resumed")
	tab, err := sheet.Read(bytes.NewReader(x.Body), "x.xlsx")
	if err != nil || len(tab.Rows) != 1 || tab.Rows[0].Cells[0] != "瑞安市塘下电器厂" || tab.Rows[0].Cells[6] != "已复工" {
		t.Errorf("export: %v %+v", err, tab)
	}
}

func testProductionFormErrors(t *testing.T, e *webtest.Env) {
	town := e.BrowserLogin(t, webtest.RoleTown)
	page := "/enterprises/" + e.Ents["tangA"] + "/production"
	csrf := webtest.CSRFOf(t, town.Get(t, page).Body)
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
			r := town.PostForm(t, page, f)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d", r.Status, c.status)
			}
			webtest.Contains(t, c.name, r, append(c.want, "生产情况未保存")...)
		})
	}
	// An application with a bad plan and a date before today keeps what was typed.
	r := town.Do(t, "POST", "/enterprises/"+e.Ents["tangA"]+"/resumption-applications", formWithFile(t,
		map[string]string{"csrf": csrf, "planned_date": "2020-02-01", "staff_expected": "25", "note": "说明"}, "plan", "plan.pdf", []byte("text")), nil)
	if r.Status != http.StatusBadRequest {
		t.Fatalf("bad application: %d", r.Status)
	}
	webtest.Contains(t, "bad plan", r, `data-field="plan"`, "不是 PDF")
	r = town.Do(t, "POST", "/enterprises/"+e.Ents["tangA"]+"/resumption-applications", formWithFile(t,
		map[string]string{"csrf": csrf, "planned_date": "2020-02-01", "staff_expected": "25", "note": "说明"}, "", "", nil), nil)
	webtest.Contains(t, "bad application", r, `data-field="planned_date"`, `data-field="staff_expected"`, "职工人数（20）", `value="25"`, "说明")
	// Out of scope and without the right: not found, forbidden.
	clerk := e.BrowserLogin(t, webtest.RoleClerk)
	clerkCSRF := webtest.CSRFOf(t, clerk.Get(t, "/enterprises/"+e.Ents["tangB"]+"/production").Body)
	if r := clerk.PostForm(t, page, url.Values{"csrf": {clerkCSRF}, "date": {"2020-02-10"}, "status": {"closed"},
		"capacity_pct": {"0"}, "on_post_pct": {"0"}, "upstream": {"normal"}, "downstream": {"normal"}}); r.Status != http.StatusNotFound {
		t.Errorf("the clerk posts on tangA: %d", r.Status)
	}
	bureau := e.BrowserLogin(t, webtest.RoleBureauStat)
	if r := bureau.PostForm(t, page, url.Values{"csrf": {webtest.CSRFOf(t, bureau.Get(t, page).Body)}, "date": {"2020-02-10"}, "status": {"closed"},
		"capacity_pct": {"0"}, "on_post_pct": {"0"}, "upstream": {"normal"}, "downstream": {"normal"}}); r.Status != http.StatusForbidden {
		t.Errorf("the statistics group reports: %d", r.Status)
	}
}

func testEssentialPages(t *testing.T, e *webtest.Env) {
	admin, town := e.BrowserLogin(t, webtest.RoleAdmin), e.BrowserLogin(t, webtest.RoleTown)
	page := "/enterprises/" + e.Ents["xianA"] + "/production"
	p := admin.Get(t, page)
	webtest.Contains(t, "admin's page", p, "列入保供重点企业名单", "未列入名单")
	if strings.Contains(string(town.Get(t, "/enterprises/"+e.Ents["tangA"]+"/production").Body), `id="essential-toggle"`) {
		t.Error("the town is offered the essential toggle")
	}
	r := admin.PostForm(t, "/production/essential", url.Values{"csrf": {webtest.CSRFOf(t, p.Body)}, "uscc": {e.Ents["xianA"]}, "essential": {"true"},
		"reason": {"鞋材保供"}, "back": {"enterprise"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?essential=added" {
		t.Fatalf("toggle on: %d %q", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "after the toggle", admin.Get(t, page), "已列入名单", "鞋材保供", "保供重点企业：无需复工申请")
	list := admin.Get(t, "/production/essential")
	webtest.Contains(t, "the list", list, "瑞安市仙降鞋业有限公司", "鞋材保供", "共 1 家")
	if strings.Contains(string(town.Get(t, "/production/essential").Body), "瑞安市仙降鞋业有限公司") {
		t.Error("塘下 sees 仙降's essential firm")
	}
	r = admin.PostForm(t, "/production/essential", url.Values{"csrf": {webtest.CSRFOf(t, list.Body)}, "uscc": {"91330381MA2XXXX99X"}, "essential": {"true"}})
	if r.Status != http.StatusNotFound {
		t.Errorf("unknown code: %d", r.Status)
	}
	webtest.Contains(t, "unknown code", r, "没有找到统一社会信用代码", "91330381MA2XXXX99X")
	r = admin.PostForm(t, "/production/essential", url.Values{"csrf": {webtest.CSRFOf(t, list.Body)}, "uscc": {e.Ents["xianA"]}, "essential": {"false"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.Status)
	}
	body, _ := io.ReadAll(bytes.NewReader(admin.Get(t, "/production/essential?done=removed").Body))
	if bytes.Contains(body, []byte("瑞安市仙降鞋业有限公司")) || !bytes.Contains(body, []byte("已移出")) {
		t.Error("still listed after removal")
	}
	townCSRF := webtest.CSRFOf(t, town.Get(t, "/production/essential").Body)
	if r := town.PostForm(t, "/production/essential", url.Values{"csrf": {townCSRF}, "uscc": {e.Ents["tangA"]}, "essential": {"true"}}); r.Status != http.StatusForbidden {
		t.Errorf("the town keeps the list: %d", r.Status)
	}
}
