package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// The supplies pages through a cookie session; the browser test in e2e
// drives the clerk-to-allocation journey in Chromium.

func TestSuppliesPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.addBureauUsers(t, roleSupplies)
		t.Run("scope", func(t *testing.T) { testSuppliesPageScope(t, e) })
		t.Run("stock form", func(t *testing.T) { testStockForm(t, e) })
		t.Run("shortage page", func(t *testing.T) { testShortagePage(t, e) })
		t.Run("settings", func(t *testing.T) { testSuppliesSettingsPage(t, e) })
	})
}

func testSuppliesPageScope(t *testing.T, e *testEnv) {
	stock := func(key string) string { return "/enterprises/" + e.ents[key] + "/supplies" }
	type want struct {
		status   int
		location string
	}
	ok, nf := want{200, ""}, want{404, ""}
	cases := map[string]map[string]want{
		"/supplies": {roleAdmin: ok, roleBureauStat: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok,
			roleClerk: {303, stock("tangB")}, roleCheckpoint: nf},
		"/supplies/settings":                 {roleAdmin: ok, roleSupplies: ok, roleBureauStat: nf, roleTown: nf, roleClerk: nf},
		stock("tangA"):                       {roleAdmin: ok, roleBureauInsp: ok, roleTown: ok, roleCadre: ok, roleClerk: nf, roleCheckpoint: nf},
		stock("tangB"):                       {roleClerk: ok, roleCadre: nf, roleSupplies: ok},
		stock("xianA"):                       {roleAdmin: ok, roleTown: nf, roleCadre: nf, roleClerk: nf},
		"/supplies?match=" + e.ents["xianA"]: {roleAdmin: ok, roleTown: nf},
	}
	for path, byRole := range cases {
		for role, w := range byRole {
			b := e.browserLogin(t, role)
			r := b.get(t, path)
			if r.status != w.status || (w.location != "" && r.header.Get("Location") != w.location) {
				t.Errorf("GET %s as %s: %d %q, want %d %q", path, role, r.status, r.header.Get("Location"), w.status, w.location)
			}
		}
	}
	// The menu has the page for everyone but a checkpoint.
	for role, want := range map[string]bool{roleTown: true, roleClerk: true, roleCheckpoint: false} {
		home := e.browserLogin(t, role).get(t, "/")
		if got := strings.Contains(string(home.body), `href="/supplies"`); got != want {
			t.Errorf("%s's menu has 防疫物资: %v, want %v", role, got, want)
		}
	}
}

func stockForm(csrf string, values ...string) url.Values {
	v := url.Values{"csrf": {csrf}}
	for i, f := range []string{"masks", "thermometers", "disinfectant_l", "suits", "gloves"} {
		v.Set(f, values[i])
	}
	return v
}

func testStockForm(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleClerk)
	path := "/enterprises/" + e.ents["tangB"] + "/supplies"
	page := b.get(t, path)
	contains(t, "first visit", page, "尚未申报防疫物资库存", `name="disinfectant_l"`, `inputmode="decimal"`, "申报库存")
	csrf := csrfOf(t, page.body)

	// Typed wrong: refused next to the fields, the values kept.
	r := b.postForm(t, path, stockForm(csrf, "５0", "two", "1.25", "", "-3"))
	if r.status != 400 {
		t.Fatalf("bad form: %d", r.status)
	}
	contains(t, "bad form", r,
		`<span class="error" data-field="thermometers">体温计数量应为数字</span>`,
		`value="two"`, `value="-3"`, "请修改标红的项目后再提交")
	r = b.postForm(t, path, stockForm(csrf, "50", "1", "1.25", "", "-3"))
	contains(t, "bad numbers", r,
		`<span class="error" data-field="disinfectant_l">消毒液数量最多保留一位小数</span>`,
		`<span class="error" data-field="suits">请填写防护服数量，没有请填 0</span>`,
		`<span class="error" data-field="gloves">手套数量不能为负数</span>`)
	if strings.Contains(string(r.body), `data-field="masks"`) {
		t.Errorf("full-width digits refused")
	}

	// 50 masks for 20: 1.2 days, on the list.
	r = b.postForm(t, path, stockForm(csrf, "５0", "1", "2.5", "0", "20"))
	if r.status != 303 || r.header.Get("Location") != path+"?saved=1" {
		t.Fatalf("good form: %d %s", r.status, r.body)
	}
	page = b.get(t, path+"?saved=1")
	contains(t, "saved", page, "库存已保存", "口罩仅够 1.2 天，低于 3 天预警线", "已列入防疫物资缺口名单；达到 3 天还需口罩 70只",
		`value="50"`, `value="2.5"`, "共 1 条")
	if strings.Contains(string(page.body), `id="match"`) {
		t.Errorf("the clerk is shown matching with other enterprises")
	}
	// The town sees the same page with the matching card.
	town := e.browserLogin(t, roleTown).get(t, path)
	contains(t, "the town's view", town, `id="match"`, "供需匹配", `href="/supplies?match=`+e.ents["tangB"]+`#match"`)
}

var shortageRowRe = regexp.MustCompile(`(?s)<tr data-uscc="([^"]+)">`)

func shortageCodes(body []byte) []string {
	i := strings.Index(string(body), `id="shortages"`)
	if i < 0 {
		return nil
	}
	end := strings.Index(string(body[i:]), "</table>")
	var out []string
	for _, m := range shortageRowRe.FindAllSubmatch(body[i:i+end], -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func testShortagePage(t *testing.T, e *testEnv) {
	town := e.browserLogin(t, roleTown)
	page := town.get(t, "/supplies")
	if codes := shortageCodes(page.body); len(codes) != 1 || codes[0] != e.ents["tangB"] {
		t.Fatalf("the town's shortage list %v", codes)
	}
	contains(t, "town's page", page, `class="chart chart-bar"`, `id="supply-towns"`, `data-town="`+townTangxia+`"`,
		"导出缺口名单 Excel", `href="/supplies/export?"`)
	for _, hidden := range []string{`id="bureau"`, `action="/supplies/allocations"`, "登记入库"} {
		if strings.Contains(string(page.body), hidden) {
			t.Errorf("the town's page has %s", hidden)
		}
	}
	und := town.get(t, "/supplies?list=undeclared")
	contains(t, "undeclared", und, `id="undeclared"`, e.ents["tangA"])

	b := e.browserLogin(t, roleSupplies)
	page = b.get(t, "/supplies")
	contains(t, "supplies group's page", page, `id="bureau"`, "登记入库", `action="/supplies/allocations"`, `name="quantity" value="70"`)
	csrf := csrfOf(t, page.body)
	// A receipt without a source is refused in its open form.
	r := b.postForm(t, "/supplies/receipts", url.Values{"csrf": {csrf}, "item": {"masks"}, "quantity": {"1000"}})
	if r.status != 400 {
		t.Fatalf("receipt without a source: %d", r.status)
	}
	contains(t, "receipt refused", r, `<details class="card receipt" open>`, `data-field="source"`, `value="1000"`)
	r = b.postForm(t, "/supplies/receipts", url.Values{"csrf": {csrf}, "item": {"masks"}, "quantity": {"1000"}, "source": {"市防控指挥部调拨"}})
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "received=1") {
		t.Fatalf("receipt: %d %s", r.status, r.header.Get("Location"))
	}
	contains(t, "after the receipt", b.get(t, r.header.Get("Location")), "入库已登记", "1000只")

	// More than the bureau holds: refused, the row's form open with the error.
	alloc := url.Values{"csrf": {csrf}, "enterprise": {e.ents["tangB"]}, "item": {"masks"}, "quantity": {"5000"}, "back_town": {townTangxia}}
	r = b.postForm(t, "/supplies/allocations", alloc)
	if r.status != 409 {
		t.Fatalf("over-allocation: %d", r.status)
	}
	contains(t, "over-allocation", r, "调拨未完成：物资组口罩库存不足：现有 1000只，拟调拨 5000只", `<details class="alloc" open>`, `value="5000"`)
	alloc.Set("quantity", "70")
	alloc.Set("note", "应急调拨")
	r = b.postForm(t, "/supplies/allocations", alloc)
	loc := r.header.Get("Location")
	if r.status != 303 || !strings.HasPrefix(loc, "/supplies?") || !strings.Contains(loc, "allocated=") || !strings.Contains(loc, "town="+townTangxia) {
		t.Fatalf("allocation: %d %q", r.status, loc)
	}
	page = b.get(t, loc)
	contains(t, "after the allocation", page, "已向瑞安市塘下电器厂调拨70只口罩", "应急调拨", "930只")
	if codes := shortageCodes(page.body); len(codes) != 0 {
		t.Errorf("tangB still listed after 70 masks: %v", codes)
	}
	contains(t, "the stock page", b.get(t, "/enterprises/"+e.ents["tangB"]+"/supplies"), "物资组调拨", "50 → 120", "口罩可用 3.0 天")

	// Matching from the page: tangA holds plenty.
	e.as(t, roleAdmin, "PUT", "/api/v1/enterprises/"+e.ents["tangA"]+"/supplies", stockJSONBody(2000, 0, 0, 0, 0))
	e.as(t, roleAdmin, "PUT", "/api/v1/enterprises/"+e.ents["tangB"]+"/supplies", stockJSONBody(10, 0, 0, 0, 0))
	page = b.get(t, "/supplies?match="+e.ents["tangB"])
	contains(t, "matching", page, `id="donors"`, `<tr data-uscc="`+e.ents["tangA"]+`">`, "同镇街", "1640只", `name="back_match" value="`+e.ents["tangB"]+`"`)
	page = b.get(t, "/supplies?match="+e.ents["tangB"]+"&item=disinfectant_l")
	contains(t, "matching disinfectant", page, `id="no-donors"`, "范围内暂无消毒液富余的企业")
	if r := b.get(t, "/supplies?match="+e.ents["tangB"]+"&item=suits"); r.status != 400 {
		t.Errorf("matching suits: %d", r.status)
	}

	r = b.get(t, "/supplies/export")
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("export: %d %s", r.status, r.header.Get("Content-Type"))
	}
	// A town may not allocate, whatever its form says.
	r = town.postForm(t, "/supplies/allocations", url.Values{"csrf": {csrfOf(t, town.get(t, "/supplies").body)},
		"enterprise": {e.ents["tangB"]}, "item": {"masks"}, "quantity": {"1"}})
	if r.status != 403 {
		t.Errorf("the town allocating: %d", r.status)
	}
}

func testSuppliesSettingsPage(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleSupplies)
	page := b.get(t, "/supplies/settings")
	contains(t, "settings", page, `name="masks_per_person_day" value="2"`, `name="disinfectant_l_per_person_day" value="0.05"`, `name="shortage_days" value="3"`)
	csrf := csrfOf(t, page.body)
	form := url.Values{"csrf": {csrf}, "masks_per_person_day": {"2"}, "gloves_per_person_day": {"1"},
		"disinfectant_l_per_person_day": {"0.05"}, "shortage_days": {"0"}}
	r := b.postForm(t, "/supplies/settings", form)
	if r.status != 400 {
		t.Fatalf("0 days: %d", r.status)
	}
	contains(t, "0 days", r, `<span class="error" data-field="shortage_days">缺口预警天数应在 1–60 之间</span>`, `name="shortage_days" value="0"`)
	form.Set("shortage_days", "5")
	if r := b.postForm(t, "/supplies/settings", form); r.status != 303 {
		t.Fatalf("5 days: %d", r.status)
	}
	contains(t, "saved", b.get(t, "/supplies/settings?saved=1"), "设置已保存", `name="shortage_days" value="5"`)
	contains(t, "the list follows", b.get(t, "/supplies"), "口罩可用天数低于 5 天为缺口")
	form.Set("shortage_days", "3")
	b.postForm(t, "/supplies/settings", form)
}
