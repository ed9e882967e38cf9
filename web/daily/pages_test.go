package daily_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The daily report's HTML pages, through a cookie session as a browser holds
// it. The browser test in e2e drives the same pages in Chromium; these cover
// the roles and the refusals it does not.

// uiDay is a Monday morning of February 2020, before the 16:00 deadline.
var uiDay = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)

var keyInput = regexp.MustCompile(`name="key" value="([^"]+)"`)

// reportForm is a complete, valid report form.
func reportForm(csrf, key string) url.Values {
	v := url.Values{"csrf": {csrf}, "key": {key}, "commitment_signed": {"true"}, "note": {"正常"}}
	for _, f := range daily.CountFields {
		v.Set(f, "0")
	}
	v.Set("staff_total", "50")
	v.Set("staff_in_city", "40")
	v.Set("hubei_staff", "2")
	v.Set("hubei_contacted_today", "2")
	return v
}

func TestDailyPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		t.Run("scope", func(t *testing.T) { testDailyPageScope(t, e) })
		t.Run("report form", func(t *testing.T) { testReportForm(t, e) })
		t.Run("call list", func(t *testing.T) { testCallList(t, e) })
		t.Run("sign-off", func(t *testing.T) { testSignOffPages(t, e) })
		t.Run("settings", func(t *testing.T) { testSettingsPage(t, e) })
	})
}

// testDailyPageScope is what every role gets from each page: a record out of
// scope is not found, as in the API.
func testDailyPageScope(t *testing.T, e *webtest.Env) {
	day := "2020-02-10"
	form := func(key string) string { return "/enterprises/" + e.Ents[key] + "/reports/" + day }
	type want struct {
		Status   int
		location string
	}
	ok, nf := want{200, ""}, want{404, ""}
	cases := map[string]map[string]want{
		"/":                {webtest.RoleAdmin: ok, webtest.RoleBureauStat: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok, webtest.RoleClerk: ok, webtest.RoleCheckpoint: ok},
		"/reports":         {webtest.RoleAdmin: ok, webtest.RoleBureauStat: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok, webtest.RoleClerk: {303, "/report"}, webtest.RoleCheckpoint: nf},
		"/reports?date=x":  {webtest.RoleAdmin: ok, webtest.RoleTown: ok},
		"/reports/missing": {webtest.RoleAdmin: ok, webtest.RoleBureauStat: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok, webtest.RoleClerk: {303, "/report"}, webtest.RoleCheckpoint: nf},
		"/report": {webtest.RoleAdmin: {303, "/reports"}, webtest.RoleTown: {303, "/reports"}, webtest.RoleCadre: {303, "/reports"},
			webtest.RoleClerk: {303, form("tangB")}, webtest.RoleCheckpoint: nf},
		"/settings":   {webtest.RoleAdmin: ok, webtest.RoleBureauStat: nf, webtest.RoleTown: nf, webtest.RoleClerk: nf},
		form("tangA"): {webtest.RoleAdmin: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok, webtest.RoleClerk: nf, webtest.RoleCheckpoint: nf},
		form("tangB"): {webtest.RoleClerk: ok, webtest.RoleCadre: nf},
		form("xianA"): {webtest.RoleBureauStat: ok, webtest.RoleTown: nf, webtest.RoleCadre: nf, webtest.RoleClerk: nf},
		"/enterprises/" + e.Ents["tangB"] + "/reports":            {webtest.RoleClerk: {303, form("tangB")}, webtest.RoleTown: {303, form("tangB")}, webtest.RoleCadre: nf},
		"/enterprises/" + e.Ents["tangB"] + "/reports/2020-02-11": {webtest.RoleClerk: {400, ""}},
		"/enterprises/" + e.Ents["tangB"] + "/reports/2020-2-10":  {webtest.RoleClerk: {400, ""}},
	}
	browsers := map[string]*webtest.Browser{}
	for path, byRole := range cases {
		for role, w := range byRole {
			b := browsers[role]
			if b == nil {
				b = e.BrowserLogin(t, role)
				browsers[role] = b
			}
			r := b.Get(t, path)
			if r.Status != w.Status || r.Header.Get("Location") != w.location {
				t.Errorf("%s GET %s: %d %s, want %d %s", role, path, r.Status, r.Header.Get("Location"), w.Status, w.location)
			}
		}
	}
	// Only those who report see a form; the inspection group reads.
	if r := browsers[webtest.RoleBureauInsp].Get(t, form("tangA")); strings.Contains(string(r.Body), `<form class="card report"`) {
		t.Error("the inspection group, which does not report, is shown the report form")
	}
	if r := browsers[webtest.RoleCadre].Get(t, form("tangA")); !strings.Contains(string(r.Body), `<form class="card report"`) {
		t.Error("the paired cadre is not shown the report form")
	}
	webtest.Contains(t, "a bad ?date", browsers[webtest.RoleAdmin].Get(t, "/reports?date=x"), "已显示今天")
	// The menu leads each role to its page.
	for role, item := range map[string]string{webtest.RoleAdmin: `href="/settings"`, webtest.RoleTown: `href="/reports"`, webtest.RoleClerk: `href="/report"`} {
		webtest.Contains(t, role+"'s menu", browsers[role].Get(t, "/"), item)
	}
	if r := browsers[webtest.RoleCheckpoint].Get(t, "/"); strings.Contains(string(r.Body), `href="/reports"`) {
		t.Error("the checkpoint's menu offers 每日日报")
	}
}

func testReportForm(t *testing.T, e *webtest.Env) {
	e.Clock.Set(uiDay)
	day := "2020-02-10"
	path := "/enterprises/" + e.Ents["tangB"] + "/reports/" + day
	b := e.BrowserLogin(t, webtest.RoleClerk)
	page := b.Get(t, path)
	webtest.Contains(t, "the empty form", page, "今日日报尚未提交，截止 16:00", `inputmode="numeric"`, "职工总数", "当日联系湖北籍人数")
	csrf, key := webtest.CSRFOf(t, page.Body), string(keyInput.FindSubmatch(page.Body)[1])

	// Blank, not a number, full-width digits: each told apart per field.
	f := reportForm(csrf, key)
	f.Set("staff_total", "")
	f.Set("fever", "两个")
	f.Set("on_duty", "３")
	r := b.PostForm(t, path, f)
	if r.Status != http.StatusBadRequest {
		t.Fatalf("bad figures: %d, want 400", r.Status)
	}
	webtest.Contains(t, "bad figures", r, `data-field="staff_total">请填写职工总数，没有请填 0`, `data-field="fever">发热人数应为整数`, `value="两个"`)
	if strings.Contains(string(r.Body), `data-field="on_duty"`) {
		t.Error("full-width digits were refused")
	}
	if got := string(keyInput.FindSubmatch(r.Body)[1]); got != key {
		t.Error("the refused form lost its idempotency key")
	}

	// A cross-field rule is named next to its field.
	f = reportForm(csrf, key)
	f.Set("hubei_contacted_today", "3")
	r = b.PostForm(t, path, f)
	webtest.Contains(t, "too many contacted", r, `data-field="hubei_contacted_today">当日联系湖北籍人数不能超过湖北籍人数（2）`)

	// Every problem at once: an unreadable figure does not hide a rule
	// between two others, and no rule is measured against it.
	f = reportForm(csrf, key)
	f.Set("staff_total", "很多")
	f.Set("hubei_contacted_today", "3")
	r = b.PostForm(t, path, f)
	webtest.Contains(t, "errors at once", r, `data-field="staff_total">职工总数应为整数`,
		`data-field="hubei_contacted_today">当日联系湖北籍人数不能超过湖北籍人数（2）`)
	if n := strings.Count(string(r.Body), `<span class="error"`); n != 2 {
		t.Errorf("%d errors shown, want the 2", n)
	}

	// Submitted twice with one key: one version.
	f = reportForm(csrf, key)
	for i := range 2 {
		if r = b.PostForm(t, path, f); r.Status != http.StatusSeeOther || r.Header.Get("Location") != path+"?saved=1" {
			t.Fatalf("submission %d: %d %s, want 303 to ?saved=1", i+1, r.Status, r.Header.Get("Location"))
		}
	}
	vs, err := e.Services.Daily.Versions(context.Background(), fugong.System, e.Ents["tangB"], day)
	if err != nil || len(vs) != 1 {
		t.Fatalf("versions after a repeated submission: %d (%v), want 1", len(vs), err)
	}
	// The same key with other figures (a form sent again after a change) is
	// told to start over, with a fresh key.
	f.Set("fever", "1")
	r = b.PostForm(t, path, f)
	if r.Status != http.StatusConflict {
		t.Fatalf("same key, other figures: %d, want 409", r.Status)
	}
	webtest.Contains(t, "same key, other figures", r, "这份表单已经提交过")
	if got := string(keyInput.FindSubmatch(r.Body)[1]); got == key {
		t.Error("the conflict kept the used key")
	}
	page = b.Get(t, path+"?saved=1")
	webtest.Contains(t, "the saved form", page, "日报已提交（第 1 版）", "今日日报已提交（16:00 前，按时）", `name="staff_total" value="50"`)

	// The next day the form starts from yesterday's report, the day's
	// movements at 0; after 16:00 it is late.
	e.Clock.Set(uiDay.Add(24*time.Hour + 7*time.Hour))
	next := "/enterprises/" + e.Ents["tangB"] + "/reports/2020-02-11"
	page = b.Get(t, next)
	webtest.Contains(t, "the next day's form", page, "今日日报尚未提交，已逾期（截止 16:00）", "已按 2020-02-10 的日报预填",
		`name="staff_total" value="50"`, `name="hubei_contacted_today" value="0"`)
	f = reportForm(webtest.CSRFOf(t, page.Body), string(keyInput.FindSubmatch(page.Body)[1]))
	if r = b.PostForm(t, next, f); r.Status != http.StatusSeeOther {
		t.Fatalf("late report: %d", r.Status)
	}
	webtest.Contains(t, "a late report", b.Get(t, next), "今日日报已提交（16:00 后，逾期）")

	// Those who may not report are refused; out of scope is not found.
	insp := e.BrowserLogin(t, webtest.RoleBureauInsp)
	if r := insp.PostForm(t, path, reportForm(webtest.CSRFOf(t, insp.Get(t, "/").Body), "k")); r.Status != http.StatusForbidden {
		t.Errorf("inspection group submits: %d, want 403", r.Status)
	}
	other := "/enterprises/" + e.Ents["tangA"] + "/reports/2020-02-11"
	if r := b.PostForm(t, other, reportForm(csrf, "k2")); r.Status != http.StatusNotFound {
		t.Errorf("clerk submits for another enterprise: %d, want 404", r.Status)
	}
	e.Clock.Set(uiDay)
}

func testSignOffPages(t *testing.T, e *webtest.Env) {
	e.Clock.Set(uiDay)
	day := "2020-02-10"
	town := e.BrowserLogin(t, webtest.RoleTown)
	csrf := webtest.CSRFOf(t, town.Get(t, "/").Body)
	page := town.Get(t, "/reports?date="+day)
	webtest.Contains(t, "the town's completeness", page, `action="/towns/`+webtest.TownTangxia+`/signoffs/`+day+`"`, "确认上报")
	sign := "/towns/" + webtest.TownTangxia + "/signoffs/" + day
	// The button asks first: how many have not reported, what is frozen.
	ask := town.PostForm(t, sign, url.Values{"csrf": {csrf}})
	if ask.Status != http.StatusOK {
		t.Fatalf("the confirmation step: %d", ask.Status)
	}
	webtest.Contains(t, "the confirmation step", ask, `id="confirm"`, `name="confirm" value="yes"`, `action="`+sign+`"`,
		"未报", "仍可补报", `href="/reports?date=`+day+`"`)
	if s, err := e.Services.Daily.SignOffPreview(context.Background(), fugong.System, webtest.TownTangxia, day); err != nil || s.SignedOff {
		t.Fatalf("the confirmation step signed the day: %+v %v", s, err)
	}
	if r := town.PostForm(t, sign, url.Values{"csrf": {csrf}, "confirm": {"yes"}}); r.Status != http.StatusSeeOther ||
		r.Header.Get("Location") != "/reports?date="+day+"&signed="+webtest.TownTangxia {
		t.Fatalf("sign off: %d %s", r.Status, r.Header.Get("Location"))
	}
	signed := town.Get(t, "/reports?date="+day+"&signed="+webtest.TownTangxia)
	webtest.Contains(t, "after signing", signed, "已确认上报，已报日报已锁定", "已确认", "重新打开", "确认时已报")
	// 确认人 is the town's person, not their login.
	townUser := e.Users[webtest.RoleTown]
	webtest.Contains(t, "the sign-off's 确认人", signed, `已确认</span> <small class="muted">`+townUser.DisplayName+" ")
	if strings.Contains(string(signed.Body), `<small class="muted">`+townUser.Username) {
		t.Errorf("the sign-off shows the username %s", townUser.Username)
	}
	r := town.PostForm(t, sign, url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	if r.Status != http.StatusConflict {
		t.Errorf("signing twice: %d, want 409", r.Status)
	}
	webtest.Contains(t, "signing twice", r, "已确认，无需重复确认")

	// The clerk's report was in (the report-form test): its form is locked.
	clerk := e.BrowserLogin(t, webtest.RoleClerk)
	form := clerk.Get(t, "/enterprises/"+e.Ents["tangB"]+"/reports/"+day)
	webtest.Contains(t, "the locked form", form, "已由乡镇确认，已锁定", `<fieldset class="all" disabled>`)
	// tangA had not reported: its form stays open, and its report comes in
	// marked as filed after the sign-off.
	late := "/enterprises/" + e.Ents["tangA"] + "/reports/" + day
	webtest.Contains(t, "the open form of a firm that had not reported", town.Get(t, late), "乡镇已确认上报，仍可补报", `<fieldset class="all">`)
	if r := town.PostForm(t, late, reportForm(csrf, "late-1")); r.Status != http.StatusSeeOther {
		t.Fatalf("a late report: %d %s", r.Status, r.Body)
	}
	lateForm := town.Get(t, late)
	webtest.Contains(t, "the late report", lateForm, "已补报（乡镇确认上报之后提交）", "确认后补报", `<fieldset class="all">`,
		"<td>"+townUser.DisplayName+"</td>")
	if strings.Contains(string(lateForm.Body), ">"+townUser.Username+"<") {
		t.Errorf("the report's 填报人 shows the username %s", townUser.Username)
	}
	webtest.Contains(t, "the completeness after a late report", town.Get(t, "/reports?date="+day), "此后补报 <b>1</b> 家")
	api := e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+e.Ents["tangA"]+"/reports/"+day, webtest.Payload{})
	webtest.Contains(t, "the API's late report", api, `"late_after_signoff":true`)
	api = e.As(t, webtest.RoleTown, "GET", "/api/v1/reports/completeness?date="+day, webtest.Payload{})
	webtest.Contains(t, "the API's completeness", api, `"late_after_signoff":1`, `"sent":{`)

	// Others cannot sign for the town.
	for role, want := range map[string]int{webtest.RoleBureauStat: 403, webtest.RoleCadre: 404, webtest.RoleClerk: 404} {
		b := e.BrowserLogin(t, role)
		if r := b.PostForm(t, "/towns/"+webtest.TownXianjiang+"/signoffs/"+day, url.Values{"csrf": {webtest.CSRFOf(t, b.Get(t, "/").Body)}}); r.Status != want {
			t.Errorf("%s signs for 仙降街道: %d, want %d", role, r.Status, want)
		}
	}

	// Reopening needs a reason.
	reopen := sign + "/reopen"
	r = town.PostForm(t, reopen, url.Values{"csrf": {csrf}, "reason": {"  "}})
	if r.Status != http.StatusBadRequest {
		t.Errorf("reopen without a reason: %d, want 400", r.Status)
	}
	webtest.Contains(t, "reopen without a reason", r, "重新打开须填写原因")
	if r = town.PostForm(t, reopen, url.Values{"csrf": {csrf}, "reason": {"塘下电器厂数据有误"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reopen: %d", r.Status)
	}
	webtest.Contains(t, "after reopening", town.Get(t, r.Header.Get("Location")), "已重新打开")
	webtest.Contains(t, "the reopened form", clerk.Get(t, "/enterprises/"+e.Ents["tangB"]+"/reports/"+day), `<fieldset class="all">`)
}

func testCallList(t *testing.T, e *webtest.Env) {
	e.Clock.Set(uiDay)
	day := "2020-02-10"
	cadre := e.BrowserLogin(t, webtest.RoleCadre)
	page := cadre.Get(t, "/reports/missing?date="+day)
	webtest.Contains(t, "the cadre's call list", page, "瑞安市塘下汽配有限公司", `href="tel:0577-65812345"`,
		`href="/reports/missing/export?date=`+day+`"`, "登记催报")
	if strings.Contains(string(page.Body), "瑞安市仙降鞋业有限公司") {
		t.Error("the cadre's call list has an enterprise not paired with them")
	}
	csrf := webtest.CSRFOf(t, page.Body)
	path := "/enterprises/" + e.Ents["tangA"] + "/followups"
	r := cadre.PostForm(t, path, url.Values{"csrf": {csrf}, "date": {day}, "kind": {"fax"}, "outcome": {"reached"}})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("a fax: %d, want 400", r.Status)
	}
	webtest.Contains(t, "a fax", r, `data-field="kind"`, "催报记录未保存", "<details class=\"followup\" open>")
	r = cadre.PostForm(t, path, url.Values{"csrf": {csrf}, "date": {day}, "kind": {"visit"}, "outcome": {"promised"},
		"promised_at": {"2020-02-10T18:00"}, "note": {"明早补报"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/reports/missing?date="+day+"&logged="+url.QueryEscape(e.Ents["tangA"]) {
		t.Fatalf("follow-up: %d %s", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "after the follow-up", cadre.Get(t, r.Header.Get("Location")), "已登记对瑞安市塘下汽配有限公司的催报记录", "1 次")
	fs, err := e.DB.Followups(context.Background(), e.Ents["tangA"])
	if err != nil || len(fs) != 1 || fs[0].PromisedAt == nil || !fs[0].PromisedAt.Equal(time.Date(2020, 2, 10, 18, 0, 0, 0, fugong.Location)) {
		t.Errorf("stored follow-ups %+v (%v), want one promised for 18:00 Beijing time", fs, err)
	}
	// The inspection group reads the list but does not chase.
	insp := e.BrowserLogin(t, webtest.RoleBureauInsp)
	if strings.Contains(string(insp.Get(t, "/reports/missing?date="+day).Body), "登记催报") {
		t.Error("the inspection group is offered the follow-up form")
	}
}

func testSettingsPage(t *testing.T, e *webtest.Env) {
	admin := e.BrowserLogin(t, webtest.RoleAdmin)
	page := admin.Get(t, "/settings")
	webtest.Contains(t, "settings", page, `name="deadline" value="16:00"`)
	csrf := webtest.CSRFOf(t, page.Body)
	r := admin.PostForm(t, "/settings", url.Values{"csrf": {csrf}, "deadline": {"25:00"}})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("deadline 25:00: %d, want 400", r.Status)
	}
	webtest.Contains(t, "deadline 25:00", r, `data-field="deadline">截止时间应为 HH:MM`)
	if r = admin.PostForm(t, "/settings", url.Values{"csrf": {csrf}, "deadline": {"17:30"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deadline 17:30: %d", r.Status)
	}
	webtest.Contains(t, "saved settings", admin.Get(t, "/settings?saved=1"), "设置已保存", `value="17:30"`)
	webtest.Contains(t, "completeness after the change", admin.Get(t, "/reports"), "截止 17:30")
	town := e.BrowserLogin(t, webtest.RoleTown)
	if r := town.PostForm(t, "/settings", url.Values{"csrf": {webtest.CSRFOf(t, town.Get(t, "/").Body)}, "deadline": {"12:00"}}); r.Status != http.StatusNotFound {
		t.Errorf("a town sets the deadline: %d, want 404", r.Status)
	}
	if r = admin.PostForm(t, "/settings", url.Values{"csrf": {csrf}, "deadline": {"16:00"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deadline back to 16:00: %d", r.Status)
	}
}
