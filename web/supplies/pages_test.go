package supplies_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The supplies pages through a cookie session; the browser test in e2e
// drives the clerk-to-allocation journey in Chromium.

func TestSuppliesPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		e.AddBureauUsers(t, webtest.RoleSupplies)
		t.Run("scope", func(t *testing.T) { testSuppliesPageScope(t, e) })
		t.Run("stock form", func(t *testing.T) { testStockForm(t, e) })
		t.Run("shortage page", func(t *testing.T) { testShortagePage(t, e) })
		t.Run("settings", func(t *testing.T) { testSuppliesSettingsPage(t, e) })
	})
}

func testSuppliesPageScope(t *testing.T, e *webtest.Env) {
	stock := func(key string) string { return "/enterprises/" + e.Ents[key] + "/supplies" }
	type want struct {
		status   int
		location string
	}
	ok, nf := want{200, ""}, want{404, ""}
	cases := map[string]map[string]want{
		"/supplies": {webtest.RoleAdmin: ok, webtest.RoleBureauStat: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok,
			webtest.RoleClerk: {303, stock("tangB")}, webtest.RoleCheckpoint: nf},
		"/supplies/settings":                 {webtest.RoleAdmin: ok, webtest.RoleSupplies: ok, webtest.RoleBureauStat: nf, webtest.RoleTown: nf, webtest.RoleClerk: nf},
		stock("tangA"):                       {webtest.RoleAdmin: ok, webtest.RoleBureauInsp: ok, webtest.RoleTown: ok, webtest.RoleCadre: ok, webtest.RoleClerk: nf, webtest.RoleCheckpoint: nf},
		stock("tangB"):                       {webtest.RoleClerk: ok, webtest.RoleCadre: nf, webtest.RoleSupplies: ok},
		stock("xianA"):                       {webtest.RoleAdmin: ok, webtest.RoleTown: nf, webtest.RoleCadre: nf, webtest.RoleClerk: nf},
		"/supplies?match=" + e.Ents["xianA"]: {webtest.RoleAdmin: ok, webtest.RoleTown: nf},
	}
	for path, byRole := range cases {
		for role, w := range byRole {
			b := e.BrowserLogin(t, role)
			r := b.Get(t, path)
			if r.Status != w.status || (w.location != "" && r.Header.Get("Location") != w.location) {
				t.Errorf("GET %s as %s: %d %q, want %d %q", path, role, r.Status, r.Header.Get("Location"), w.status, w.location)
			}
		}
	}
	// The menu has the page for everyone but a checkpoint.
	for role, want := range map[string]bool{webtest.RoleTown: true, webtest.RoleClerk: true, webtest.RoleCheckpoint: false} {
		home := e.BrowserLogin(t, role).Get(t, "/")
		if got := strings.Contains(string(home.Body), `href="/supplies"`); got != want {
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

func testStockForm(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleClerk)
	path := "/enterprises/" + e.Ents["tangB"] + "/supplies"
	page := b.Get(t, path)
	webtest.Contains(t, "first visit", page, "尚未申报防疫物资库存", `name="disinfectant_l"`, `inputmode="decimal"`, "申报库存")
	csrf := webtest.CSRFOf(t, page.Body)

	// Typed wrong: refused next to the fields, the values kept.
	r := b.PostForm(t, path, stockForm(csrf, "５0", "two", "1.25", "", "-3"))
	if r.Status != 400 {
		t.Fatalf("bad form: %d", r.Status)
	}
	webtest.Contains(t, "bad form", r,
		`<span class="error" data-field="thermometers">体温计数量应为数字</span>`,
		`value="two"`, `value="-3"`, "请修改标红的项目后再提交")
	r = b.PostForm(t, path, stockForm(csrf, "50", "1", "1.25", "", "-3"))
	webtest.Contains(t, "bad numbers", r,
		`<span class="error" data-field="disinfectant_l">消毒液数量最多保留一位小数</span>`,
		`<span class="error" data-field="suits">请填写防护服数量，没有请填 0</span>`,
		`<span class="error" data-field="gloves">手套数量不能为负数</span>`)
	if strings.Contains(string(r.Body), `data-field="masks"`) {
		t.Errorf("full-width digits refused")
	}

	// 50 masks for 20: 1.2 days, on the list.
	r = b.PostForm(t, path, stockForm(csrf, "５0", "1", "2.5", "0", "20"))
	if r.Status != 303 || r.Header.Get("Location") != path+"?saved=1" {
		t.Fatalf("good form: %d %s", r.Status, r.Body)
	}
	page = b.Get(t, path+"?saved=1")
	webtest.Contains(t, "saved", page, "库存已保存", "口罩仅够 1.2 天，低于 3 天预警线", "已列入防疫物资缺口名单；达到 3 天还需口罩 70只",
		`value="50"`, `value="2.5"`, "共 1 条")
	if strings.Contains(string(page.Body), `id="match"`) {
		t.Errorf("the clerk is shown matching with other enterprises")
	}
	// The town sees the same page with the matching card.
	town := e.BrowserLogin(t, webtest.RoleTown).Get(t, path)
	webtest.Contains(t, "the town's view", town, `id="match"`, "供需匹配", `href="/supplies?match=`+e.Ents["tangB"]+`#match"`)
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

func testShortagePage(t *testing.T, e *webtest.Env) {
	town := e.BrowserLogin(t, webtest.RoleTown)
	page := town.Get(t, "/supplies")
	if codes := shortageCodes(page.Body); len(codes) != 1 || codes[0] != e.Ents["tangB"] {
		t.Fatalf("the town's shortage list %v", codes)
	}
	webtest.Contains(t, "town's page", page, `class="chart chart-bar"`, `id="supply-towns"`, `data-town="`+webtest.TownTangxia+`"`,
		"导出缺口名单 Excel", `href="/supplies/export?"`)
	for _, hidden := range []string{`id="bureau"`, `action="/supplies/allocations"`, "登记入库"} {
		if strings.Contains(string(page.Body), hidden) {
			t.Errorf("the town's page has %s", hidden)
		}
	}
	und := town.Get(t, "/supplies?list=undeclared")
	webtest.Contains(t, "undeclared", und, `id="undeclared"`, e.Ents["tangA"])

	b := e.BrowserLogin(t, webtest.RoleSupplies)
	page = b.Get(t, "/supplies")
	webtest.Contains(t, "supplies group's page", page, `id="bureau"`, "登记入库", `action="/supplies/allocations"`, `name="quantity" value="70"`)
	csrf := webtest.CSRFOf(t, page.Body)
	// A receipt without a source is refused in its open form.
	r := b.PostForm(t, "/supplies/receipts", url.Values{"csrf": {csrf}, "item": {"masks"}, "quantity": {"1000"}})
	if r.Status != 400 {
		t.Fatalf("receipt without a source: %d", r.Status)
	}
	webtest.Contains(t, "receipt refused", r, `<details class="card receipt" open>`, `data-field="source"`, `value="1000"`)
	r = b.PostForm(t, "/supplies/receipts", url.Values{"csrf": {csrf}, "item": {"masks"}, "quantity": {"1000"}, "source": {"市防控指挥部调拨"}})
	if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "received=1") {
		t.Fatalf("receipt: %d %s", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "after the receipt", b.Get(t, r.Header.Get("Location")), "入库已登记", "1000只")

	// More than the bureau holds: refused, the row's form open with the error.
	alloc := url.Values{"csrf": {csrf}, "enterprise": {e.Ents["tangB"]}, "item": {"masks"}, "quantity": {"5000"}, "back_town": {webtest.TownTangxia}}
	r = b.PostForm(t, "/supplies/allocations", alloc)
	if r.Status != 409 {
		t.Fatalf("over-allocation: %d", r.Status)
	}
	webtest.Contains(t, "over-allocation", r, "调拨未完成：物资组口罩库存不足：现有 1000只，拟调拨 5000只", `<details class="alloc" open>`, `value="5000"`)
	alloc.Set("quantity", "70")
	alloc.Set("note", "应急调拨")
	r = b.PostForm(t, "/supplies/allocations", alloc)
	loc := r.Header.Get("Location")
	if r.Status != 303 || !strings.HasPrefix(loc, "/supplies?") || !strings.Contains(loc, "allocated=") || !strings.Contains(loc, "town="+webtest.TownTangxia) {
		t.Fatalf("allocation: %d %q", r.Status, loc)
	}
	page = b.Get(t, loc)
	webtest.Contains(t, "after the allocation", page, "已向瑞安市塘下电器厂调拨70只口罩", "应急调拨", "930只")
	if codes := shortageCodes(page.Body); len(codes) != 0 {
		t.Errorf("tangB still listed after 70 masks: %v", codes)
	}
	webtest.Contains(t, "the stock page", b.Get(t, "/enterprises/"+e.Ents["tangB"]+"/supplies"), "物资组调拨", "50 → 120", "口罩可用 3.0 天")

	// Matching from the page: tangA holds plenty.
	e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents["tangA"]+"/supplies", stockJSONBody(2000, 0, 0, 0, 0))
	e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents["tangB"]+"/supplies", stockJSONBody(10, 0, 0, 0, 0))
	page = b.Get(t, "/supplies?match="+e.Ents["tangB"])
	webtest.Contains(t, "matching", page, `id="donors"`, `<tr data-uscc="`+e.Ents["tangA"]+`">`, "同镇街", "1640只", `name="back_match" value="`+e.Ents["tangB"]+`"`)
	page = b.Get(t, "/supplies?match="+e.Ents["tangB"]+"&item=disinfectant_l")
	webtest.Contains(t, "matching disinfectant", page, `id="no-donors"`, "范围内暂无消毒液富余的企业")
	if r := b.Get(t, "/supplies?match="+e.Ents["tangB"]+"&item=suits"); r.Status != 400 {
		t.Errorf("matching suits: %d", r.Status)
	}

	r = b.Get(t, "/supplies/export")
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	// A town may not allocate, whatever its form says.
	r = town.PostForm(t, "/supplies/allocations", url.Values{"csrf": {webtest.CSRFOf(t, town.Get(t, "/supplies").Body)},
		"enterprise": {e.Ents["tangB"]}, "item": {"masks"}, "quantity": {"1"}})
	if r.Status != 403 {
		t.Errorf("the town allocating: %d", r.Status)
	}
}

func testSuppliesSettingsPage(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleSupplies)
	page := b.Get(t, "/supplies/settings")
	webtest.Contains(t, "settings", page, `name="masks_per_person_day" value="2"`, `name="disinfectant_l_per_person_day" value="0.05"`, `name="shortage_days" value="3"`)
	csrf := webtest.CSRFOf(t, page.Body)
	form := url.Values{"csrf": {csrf}, "masks_per_person_day": {"2"}, "gloves_per_person_day": {"1"},
		"disinfectant_l_per_person_day": {"0.05"}, "shortage_days": {"0"}}
	r := b.PostForm(t, "/supplies/settings", form)
	if r.Status != 400 {
		t.Fatalf("0 days: %d", r.Status)
	}
	webtest.Contains(t, "0 days", r, `<span class="error" data-field="shortage_days">缺口预警天数应在 1–60 之间</span>`, `name="shortage_days" value="0"`)
	form.Set("shortage_days", "5")
	if r := b.PostForm(t, "/supplies/settings", form); r.Status != 303 {
		t.Fatalf("5 days: %d", r.Status)
	}
	webtest.Contains(t, "saved", b.Get(t, "/supplies/settings?saved=1"), "设置已保存", `name="shortage_days" value="5"`)
	webtest.Contains(t, "the list follows", b.Get(t, "/supplies"), "口罩可用天数低于 5 天为缺口")
	form.Set("shortage_days", "3")
	b.PostForm(t, "/supplies/settings", form)
}
