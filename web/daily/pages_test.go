package web

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

func contains(t *testing.T, what string, r resp, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.body), w) {
			t.Errorf("%s: the page (HTTP %d) lacks %q", what, r.status, w)
		}
	}
}

func TestDailyPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, uiDay)
		t.Run("scope", func(t *testing.T) { testDailyPageScope(t, e) })
		t.Run("report form", func(t *testing.T) { testReportForm(t, e) })
		t.Run("sign-off", func(t *testing.T) { testSignoffPages(t, e) })
		t.Run("call list", func(t *testing.T) { testCallList(t, e) })
		t.Run("settings", func(t *testing.T) { testSettingsPage(t, e) })
	})
}

// testDailyPageScope is what every role gets from each page: a record out of
// scope is not found, as in the API.
func testDailyPageScope(t *testing.T, e *testEnv) {
	day := "2020-02-10"
	form := func(key string) string { return "/enterprises/" + e.ents[key] + "/reports/" + day }
	type want struct {
		status   int
		location string
	}
	ok, nf := want{200, ""}, want{404, ""}
	cases := map[string]map[string]want{
		"/":                {roleAdmin: ok, roleBureauStat: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok, roleClerk: ok, roleCheckpoint: ok},
		"/reports":         {roleAdmin: ok, roleBureauStat: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok, roleClerk: {303, "/report"}, roleCheckpoint: nf},
		"/reports?date=x":  {roleAdmin: ok, roleTown: ok},
		"/reports/missing": {roleAdmin: ok, roleBureauStat: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok, roleClerk: {303, "/report"}, roleCheckpoint: nf},
		"/report": {roleAdmin: {303, "/reports"}, roleTown: {303, "/reports"}, roleCadre: {303, "/reports"},
			roleClerk: {303, form("tangB")}, roleCheckpoint: nf},
		"/settings":   {roleAdmin: ok, roleBureauStat: nf, roleTown: nf, roleClerk: nf},
		form("tangA"): {roleAdmin: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok, roleClerk: nf, roleCheckpoint: nf},
		form("tangB"): {roleClerk: ok, roleCadre: nf},
		form("xianA"): {roleBureauStat: ok, roleTown: nf, roleCadre: nf, roleClerk: nf},
		"/enterprises/" + e.ents["tangB"] + "/reports":            {roleClerk: {303, form("tangB")}, roleTown: {303, form("tangB")}, roleCadre: nf},
		"/enterprises/" + e.ents["tangB"] + "/reports/2020-02-11": {roleClerk: {400, ""}},
		"/enterprises/" + e.ents["tangB"] + "/reports/2020-2-10":  {roleClerk: {400, ""}},
	}
	browsers := map[string]*browser{}
	for path, byRole := range cases {
		for role, w := range byRole {
			b := browsers[role]
			if b == nil {
				b = e.browserLogin(t, role)
				browsers[role] = b
			}
			r := b.get(t, path)
			if r.status != w.status || r.header.Get("Location") != w.location {
				t.Errorf("%s GET %s: %d %s, want %d %s", role, path, r.status, r.header.Get("Location"), w.status, w.location)
			}
		}
	}
	// Only those who report see a form; the inspection group reads.
	if r := browsers[roleBureauInsp].get(t, form("tangA")); strings.Contains(string(r.body), `<form class="card report"`) {
		t.Error("the inspection group, which does not report, is shown the report form")
	}
	if r := browsers[roleCadre].get(t, form("tangA")); !strings.Contains(string(r.body), `<form class="card report"`) {
		t.Error("the paired cadre is not shown the report form")
	}
	contains(t, "a bad ?date", browsers[roleAdmin].get(t, "/reports?date=x"), "已显示今天")
	// The menu leads each role to its page.
	for role, item := range map[string]string{roleAdmin: `href="/settings"`, roleTown: `href="/reports"`, roleClerk: `href="/report"`} {
		contains(t, role+"'s menu", browsers[role].get(t, "/"), item)
	}
	if r := browsers[roleCheckpoint].get(t, "/"); strings.Contains(string(r.body), `href="/reports"`) {
		t.Error("the checkpoint's menu offers 每日日报")
	}
}

func testReportForm(t *testing.T, e *testEnv) {
	e.clock.Set(uiDay)
	day := "2020-02-10"
	path := "/enterprises/" + e.ents["tangB"] + "/reports/" + day
	b := e.browserLogin(t, roleClerk)
	page := b.get(t, path)
	contains(t, "the empty form", page, "今日日报尚未提交，截止 16:00", `inputmode="numeric"`, "职工总数", "当日联系湖北籍人数")
	csrf, key := csrfOf(t, page.body), string(keyInput.FindSubmatch(page.body)[1])

	// Blank, not a number, full-width digits: each told apart per field.
	f := reportForm(csrf, key)
	f.Set("staff_total", "")
	f.Set("fever", "两个")
	f.Set("on_duty", "３")
	r := b.postForm(t, path, f)
	if r.status != http.StatusBadRequest {
		t.Fatalf("bad figures: %d, want 400", r.status)
	}
	contains(t, "bad figures", r, `data-field="staff_total">请填写职工总数，没有请填 0`, `data-field="fever">发热人数应为整数`, `value="两个"`)
	if strings.Contains(string(r.body), `data-field="on_duty"`) {
		t.Error("full-width digits were refused")
	}
	if got := string(keyInput.FindSubmatch(r.body)[1]); got != key {
		t.Error("the refused form lost its idempotency key")
	}

	// A cross-field rule is named next to its field.
	f = reportForm(csrf, key)
	f.Set("hubei_contacted_today", "3")
	r = b.postForm(t, path, f)
	contains(t, "too many contacted", r, `data-field="hubei_contacted_today">当日联系湖北籍人数不能超过湖北籍人数（2）`)

	// Submitted twice with one key: one version.
	f = reportForm(csrf, key)
	for i := range 2 {
		if r = b.postForm(t, path, f); r.status != http.StatusSeeOther || r.header.Get("Location") != path+"?saved=1" {
			t.Fatalf("submission %d: %d %s, want 303 to ?saved=1", i+1, r.status, r.header.Get("Location"))
		}
	}
	vs, err := e.daily.Versions(context.Background(), fugong.System, e.ents["tangB"], day)
	if err != nil || len(vs) != 1 {
		t.Fatalf("versions after a repeated submission: %d (%v), want 1", len(vs), err)
	}
	// The same key with other figures (a form sent again after a change) is
	// told to start over, with a fresh key.
	f.Set("fever", "1")
	r = b.postForm(t, path, f)
	if r.status != http.StatusConflict {
		t.Fatalf("same key, other figures: %d, want 409", r.status)
	}
	contains(t, "same key, other figures", r, "这份表单已经提交过")
	if got := string(keyInput.FindSubmatch(r.body)[1]); got == key {
		t.Error("the conflict kept the used key")
	}
	page = b.get(t, path+"?saved=1")
	contains(t, "the saved form", page, "日报已提交（第 1 版）", "今日日报已提交（16:00 前，按时）", `name="staff_total" value="50"`)

	// The next day the form starts from yesterday's report, the day's
	// movements at 0; after 16:00 it is late.
	e.clock.Set(uiDay.Add(24*time.Hour + 7*time.Hour))
	next := "/enterprises/" + e.ents["tangB"] + "/reports/2020-02-11"
	page = b.get(t, next)
	contains(t, "the next day's form", page, "今日日报尚未提交，已逾期（截止 16:00）", "已按 2020-02-10 的日报预填",
		`name="staff_total" value="50"`, `name="hubei_contacted_today" value="0"`)
	f = reportForm(csrfOf(t, page.body), string(keyInput.FindSubmatch(page.body)[1]))
	if r = b.postForm(t, next, f); r.status != http.StatusSeeOther {
		t.Fatalf("late report: %d", r.status)
	}
	contains(t, "a late report", b.get(t, next), "今日日报已提交（16:00 后，逾期）")

	// Those who may not report are refused; out of scope is not found.
	insp := e.browserLogin(t, roleBureauInsp)
	if r := insp.postForm(t, path, reportForm(csrfOf(t, insp.get(t, "/").body), "k")); r.status != http.StatusForbidden {
		t.Errorf("inspection group submits: %d, want 403", r.status)
	}
	other := "/enterprises/" + e.ents["tangA"] + "/reports/2020-02-11"
	if r := b.postForm(t, other, reportForm(csrf, "k2")); r.status != http.StatusNotFound {
		t.Errorf("clerk submits for another enterprise: %d, want 404", r.status)
	}
	e.clock.Set(uiDay)
}

func testSignoffPages(t *testing.T, e *testEnv) {
	e.clock.Set(uiDay)
	day := "2020-02-10"
	town := e.browserLogin(t, roleTown)
	csrf := csrfOf(t, town.get(t, "/").body)
	page := town.get(t, "/reports?date="+day)
	contains(t, "the town's completeness", page, `action="/towns/`+townTangxia+`/signoffs/`+day+`"`, "确认上报")
	sign := "/towns/" + townTangxia + "/signoffs/" + day
	if r := town.postForm(t, sign, url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther ||
		r.header.Get("Location") != "/reports?date="+day+"&signed="+townTangxia {
		t.Fatalf("sign off: %d %s", r.status, r.header.Get("Location"))
	}
	contains(t, "after signing", town.get(t, "/reports?date="+day+"&signed="+townTangxia), "已确认上报，当日日报已锁定", "已确认", "重新打开")
	r := town.postForm(t, sign, url.Values{"csrf": {csrf}})
	if r.status != http.StatusConflict {
		t.Errorf("signing twice: %d, want 409", r.status)
	}
	contains(t, "signing twice", r, "已确认，无需重复确认")

	// The clerk's form is locked.
	clerk := e.browserLogin(t, roleClerk)
	form := clerk.get(t, "/enterprises/"+e.ents["tangB"]+"/reports/"+day)
	contains(t, "the locked form", form, "已由乡镇确认，已锁定", `<fieldset class="all" disabled>`)

	// Others cannot sign for the town.
	for role, want := range map[string]int{roleBureauStat: 403, roleCadre: 404, roleClerk: 404} {
		b := e.browserLogin(t, role)
		if r := b.postForm(t, "/towns/"+townXianjiang+"/signoffs/"+day, url.Values{"csrf": {csrfOf(t, b.get(t, "/").body)}}); r.status != want {
			t.Errorf("%s signs for 仙降街道: %d, want %d", role, r.status, want)
		}
	}

	// Reopening needs a reason.
	reopen := sign + "/reopen"
	r = town.postForm(t, reopen, url.Values{"csrf": {csrf}, "reason": {"  "}})
	if r.status != http.StatusBadRequest {
		t.Errorf("reopen without a reason: %d, want 400", r.status)
	}
	contains(t, "reopen without a reason", r, "重新打开须填写原因")
	if r = town.postForm(t, reopen, url.Values{"csrf": {csrf}, "reason": {"塘下电器厂数据有误"}}); r.status != http.StatusSeeOther {
		t.Fatalf("reopen: %d", r.status)
	}
	contains(t, "after reopening", town.get(t, r.header.Get("Location")), "已重新打开")
	contains(t, "the reopened form", clerk.get(t, "/enterprises/"+e.ents["tangB"]+"/reports/"+day), `<fieldset class="all">`)
}

func testCallList(t *testing.T, e *testEnv) {
	e.clock.Set(uiDay)
	day := "2020-02-10"
	cadre := e.browserLogin(t, roleCadre)
	page := cadre.get(t, "/reports/missing?date="+day)
	contains(t, "the cadre's call list", page, "瑞安市塘下汽配有限公司", `href="tel:0577-65812345"`,
		`href="/reports/missing/export?date=`+day+`"`, "登记催报")
	if strings.Contains(string(page.body), "瑞安市仙降鞋业有限公司") {
		t.Error("the cadre's call list has an enterprise not paired with them")
	}
	csrf := csrfOf(t, page.body)
	path := "/enterprises/" + e.ents["tangA"] + "/followups"
	r := cadre.postForm(t, path, url.Values{"csrf": {csrf}, "date": {day}, "kind": {"fax"}, "outcome": {"reached"}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("a fax: %d, want 400", r.status)
	}
	contains(t, "a fax", r, `data-field="kind"`, "催报记录未保存", "<details class=\"followup\" open>")
	r = cadre.postForm(t, path, url.Values{"csrf": {csrf}, "date": {day}, "kind": {"visit"}, "outcome": {"promised"},
		"promised_at": {"2020-02-10T18:00"}, "note": {"明早补报"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/reports/missing?date="+day+"&logged="+url.QueryEscape(e.ents["tangA"]) {
		t.Fatalf("follow-up: %d %s", r.status, r.header.Get("Location"))
	}
	contains(t, "after the follow-up", cadre.get(t, r.header.Get("Location")), "已登记对瑞安市塘下汽配有限公司的催报记录", "1 次")
	fs, err := e.db.Followups(context.Background(), e.ents["tangA"])
	if err != nil || len(fs) != 1 || fs[0].PromisedAt == nil || !fs[0].PromisedAt.Equal(time.Date(2020, 2, 10, 18, 0, 0, 0, fugong.Location)) {
		t.Errorf("stored follow-ups %+v (%v), want one promised for 18:00 Beijing time", fs, err)
	}
	// The inspection group reads the list but does not chase.
	insp := e.browserLogin(t, roleBureauInsp)
	if strings.Contains(string(insp.get(t, "/reports/missing?date="+day).body), "登记催报") {
		t.Error("the inspection group is offered the follow-up form")
	}
}

func testSettingsPage(t *testing.T, e *testEnv) {
	admin := e.browserLogin(t, roleAdmin)
	page := admin.get(t, "/settings")
	contains(t, "settings", page, `name="deadline" value="16:00"`)
	csrf := csrfOf(t, page.body)
	r := admin.postForm(t, "/settings", url.Values{"csrf": {csrf}, "deadline": {"25:00"}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("deadline 25:00: %d, want 400", r.status)
	}
	contains(t, "deadline 25:00", r, `data-field="deadline">截止时间应为 HH:MM`)
	if r = admin.postForm(t, "/settings", url.Values{"csrf": {csrf}, "deadline": {"17:30"}}); r.status != http.StatusSeeOther {
		t.Fatalf("deadline 17:30: %d", r.status)
	}
	contains(t, "saved settings", admin.get(t, "/settings?saved=1"), "设置已保存", `value="17:30"`)
	contains(t, "completeness after the change", admin.get(t, "/reports"), "截止 17:30")
	town := e.browserLogin(t, roleTown)
	if r := town.postForm(t, "/settings", url.Values{"csrf": {csrfOf(t, town.get(t, "/").body)}, "deadline": {"12:00"}}); r.status != http.StatusNotFound {
		t.Errorf("a town sets the deadline: %d, want 404", r.status)
	}
	if r = admin.postForm(t, "/settings", url.Values{"csrf": {csrf}, "deadline": {"16:00"}}); r.status != http.StatusSeeOther {
		t.Fatalf("deadline back to 16:00: %d", r.status)
	}
}
