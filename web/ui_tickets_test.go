package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
)

// The tickets' pages through a cookie session; the browser test in e2e
// walks the model case in Chromium.

func TestTicketPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, ticketDay)
		e.addBureauUsers(t, roleCoord, roleSupplies)
		t.Run("scope", func(t *testing.T) { testTicketPageScope(t, e) })
		t.Run("raise form", func(t *testing.T) { testRaiseForm(t, e) })
		t.Run("working a ticket", func(t *testing.T) { testTicketForms(t, e) })
		t.Run("list and figures", func(t *testing.T) { testTicketListPage(t, e) })
		t.Run("settings and products", func(t *testing.T) { testTicketSettingsPages(t, e) })
	})
}

func testTicketPageScope(t *testing.T, e *testEnv) {
	id := func(key string) string { return strconv.FormatInt(e.ticketIn(key, tickets.StatusNew), 10) }
	tangA, tangB, xianA := id("tangA"), id("tangB"), id("xianA")
	pages := []struct {
		path string
		want map[string]int
	}{
		{"/tickets", by(200, 200, 200, 200, 200, 200, 404)},
		{"/tickets/new", by(200, 200, 200, 200, 200, 200, 404)},
		{"/tickets/stats", by(200, 200, 200, 200, 200, 200, 404)},
		{"/tickets/export", by(200, 200, 200, 200, 200, 200, 200)},
		{"/tickets/sla", by(200, 404, 404, 404, 404, 404, 404)},
		{"/tickets/" + tangA, by(200, 200, 200, 200, 200, 404, 404)},
		{"/tickets/" + tangB, by(200, 200, 200, 200, 404, 200, 404)},
		{"/tickets/" + xianA, by(200, 200, 200, 404, 404, 404, 404)},
		{"/tickets/nope", by(404, 404, 404, 404, 404, 404, 404)},
		{"/enterprises/" + e.ents["tangB"] + "/products", by(200, 200, 200, 200, 404, 200, 404)},
		{"/enterprises/" + e.ents["xianA"] + "/products", by(200, 200, 200, 404, 404, 404, 404)},
	}
	for _, role := range fixtureRoles {
		t.Run(role, func(t *testing.T) {
			b := e.browserLogin(t, role)
			for _, p := range pages {
				r := b.get(t, p.path)
				if r.status != p.want[role] {
					t.Errorf("GET %s: %d, want %d", p.path, r.status, p.want[role])
				}
			}
			home := b.get(t, "/")
			if has := bytes.Contains(home.body, []byte(`href="/tickets">问题困难</a>`)); has != (role != roleCheckpoint) {
				t.Errorf("the menu's 问题困难: %v", has)
			}
			// A form posted to a ticket out of scope is not found and changes nothing.
			if role == roleClerk || role == roleCheckpoint {
				csrf := csrfOf(t, home.body)
				r := b.postForm(t, "/tickets/"+tangA+"/move", url.Values{"csrf": {csrf}, "status": {"assigned"}, "assignee_group": {"group:supplies"}})
				if r.status != 404 {
					t.Errorf("a move out of scope: %d", r.status)
				}
			}
		})
	}
}

// multipartForm is a browser's multipart post with files in "attachment".
func multipartForm(t *testing.T, fields url.Values, files ...[2]string) payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("attachment", f[0])
		io.WriteString(fw, f[1])
	}
	mw.Close()
	return payload{mw.FormDataContentType(), buf.Bytes()}
}

var ticketLocation = regexp.MustCompile(`^/tickets/(\d+)\?done=`)

func testRaiseForm(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleClerk)
	page := b.get(t, "/tickets/new")
	contains(t, "the clerk's form", page, "瑞安市塘下电器厂", `name="category"`, `value="raw_materials"`, ">原材料<", ">物流与车辆通行<",
		`enctype="multipart/form-data"`, `name="attachment"`)
	if bytes.Contains(page.body, []byte(`name="enterprise"`)) {
		t.Error("the clerk may pick an enterprise")
	}
	csrf := csrfOf(t, page.body)
	form := url.Values{"csrf": {csrf}, "category": {"raw_materials"}, "urgency": {"urgent"}, "title": {""}, "description": {"缺无纺布"}}
	r := b.do(t, "POST", "/tickets", multipartForm(t, form, [2]string{"x.pdf", "not a pdf"}), nil)
	if r.status != 400 {
		t.Fatalf("a form without a title: %d", r.status)
	}
	contains(t, "the refused form", r, `data-field="title"`, "请填写问题标题", "缺无纺布", `<option value="urgent" selected>`)
	form.Set("title", "防护服生产原料无纺布不足")
	r = b.do(t, "POST", "/tickets", multipartForm(t, form, [2]string{"x.pdf", "not a pdf"}), nil)
	if r.status != 400 || !bytes.Contains(r.body, []byte(`data-field="attachment"`)) {
		t.Fatalf("a bad attachment: %d", r.status)
	}
	r = b.do(t, "POST", "/tickets", multipartForm(t, form, [2]string{"缺料.pdf", minimalPDF}), nil)
	m := ticketLocation.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("raise: %d %q", r.status, r.header.Get("Location"))
	}
	r = b.get(t, r.header.Get("Location"))
	contains(t, "the new ticket", r, "问题已提交", "防护服生产原料无纺布不足", "缺料.pdf", `href="/api/v1/files/`, "待指派", "瑞安市塘下电器厂")

	// The town names the enterprise by its name; a cadre picks one of theirs.
	tb := e.browserLogin(t, roleTown)
	csrf = csrfOf(t, tb.get(t, "/tickets/new").body)
	r = tb.do(t, "POST", "/tickets", multipartForm(t, url.Values{"csrf": {csrf}, "enterprise": {"瑞安市塘下汽配有限公司"}, "category": {"labour"},
		"urgency": {"normal"}, "title": {"缺普工"}, "description": {"复工缺普工20名"}}), nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("raise by name: %d %s", r.status, r.body)
	}
	r = tb.do(t, "POST", "/tickets", multipartForm(t, url.Values{"csrf": {csrf}, "enterprise": {"瑞安市仙降鞋业有限公司"}, "category": {"labour"},
		"urgency": {"normal"}, "title": {"缺普工"}, "description": {"x"}}), nil)
	if r.status != 404 || !bytes.Contains(r.body, []byte(`data-field="enterprise"`)) {
		t.Errorf("raise for another town's firm: %d", r.status)
	}
	cb := e.browserLogin(t, roleCadre)
	page = cb.get(t, "/tickets/new")
	contains(t, "the cadre's form", page, `<option value="`+e.ents["tangA"]+`">瑞安市塘下汽配有限公司</option>`)
}

// ticketPage loads a ticket's page in a browser.
func ticketPageOf(t *testing.T, b *browser, id int64) resp {
	t.Helper()
	r := b.get(t, "/tickets/"+strconv.FormatInt(id, 10))
	if r.status != 200 {
		t.Fatalf("ticket %d: %d", id, r.status)
	}
	return r
}

func testTicketForms(t *testing.T, e *testEnv) {
	if r := e.as(t, roleAdmin, "PUT", "/api/v1/enterprises/"+e.ents["xianA"]+"/products", rawJSON(`{"products":["熔喷布"]}`)); r.status != 200 {
		t.Fatal(r.status)
	}
	k := e.raiseTicket(t, roleClerk, map[string]string{"enterprise": e.ents["tangB"], "category": "raw_materials", "urgency": "high",
		"title": "防护服原料熔喷布不足", "description": "复工后原料不足"})
	base := "/tickets/" + strconv.FormatInt(k.ID, 10)
	coord, supplies, clerk := e.browserLogin(t, roleCoord), e.browserLogin(t, roleSupplies), e.browserLogin(t, roleClerk)

	page := ticketPageOf(t, coord, k.ID)
	contains(t, "the coordinator's page", page, `data-status="assigned"`, `name="assignee_group"`, "物资筹备组", `id="suggestions"`, "瑞安市仙降鞋业有限公司")
	if bytes.Contains(page.body, []byte(`data-status="in_progress"`)) {
		t.Error("the coordinator may start the ticket")
	}
	if page := ticketPageOf(t, clerk, k.ID); bytes.Contains(page.body, []byte(`class="move"`)) || bytes.Contains(page.body, []byte("选为供应企业")) {
		t.Error("the clerk has forms to work a new ticket")
	}
	csrf := csrfOf(t, page.body)
	r := coord.postForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"assigned"}, "assignee_group": {"group:supplies"}, "assignee_user": {"nobody"}})
	if r.status != 400 || !bytes.Contains(r.body, []byte(`data-field="assignee"`)) || !bytes.Contains(r.body, []byte(`value="nobody"`)) {
		t.Fatalf("assign to nobody: %d", r.status)
	}
	r = coord.postForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"assigned"}, "assignee_group": {"group:supplies"}, "note": {"请对接"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), base+"?done=assigned") {
		t.Fatalf("assign: %d %q", r.status, r.header.Get("Location"))
	}
	page = ticketPageOf(t, supplies, k.ID)
	contains(t, "the supplies group's page", page, `data-status="in_progress"`, "选为供应企业", `id="pass-form"`)
	csrf = csrfOf(t, page.body)
	if r := supplies.postForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"resolved"}, "note": {"x"}}); r.status != 409 ||
		!bytes.Contains(r.body, []byte("不能改为")) {
		t.Errorf("resolve before starting: %d", r.status)
	}
	r = supplies.postForm(t, base+"/supplier", url.Values{"csrf": {csrf}, "uscc": {e.ents["xianA"]}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("choose: %d %s", r.status, r.body)
	}
	page = ticketPageOf(t, supplies, k.ID)
	contains(t, "after choosing", page, "已选定：", `id="chosen-supplier"`, `id="delivery-form"`)
	r = supplies.postForm(t, base+"/passes", url.Values{"csrf": {csrf}, "plate": {"浙Z"}, "route": {"仙降—塘下"},
		"valid_from": {"2020-02-03T07:00"}, "valid_to": {"2020-02-03T23:00"}})
	if r.status != 400 || !bytes.Contains(r.body, []byte(`data-field="plate"`)) || !bytes.Contains(r.body, []byte(`value="仙降—塘下"`)) ||
		!bytes.Contains(r.body, []byte(`<details open>`)) {
		t.Fatalf("a bad plate: %d", r.status)
	}
	r = supplies.postForm(t, base+"/passes", url.Values{"csrf": {csrf}, "plate": {"浙C 3L580"}, "route": {"仙降—塘下"},
		"valid_from": {"2020-02-03T07:00"}, "valid_to": {"2020-02-03T23:00"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("pass: %d", r.status)
	}
	r = supplies.postForm(t, base+"/deliveries", url.Values{"csrf": {csrf}, "quantity": {"两吨"}, "unit": {"吨"}, "date": {"2020-02-02"}})
	if r.status != 400 || !bytes.Contains(r.body, []byte(`data-field="quantity"`)) {
		t.Errorf("a quantity in words: %d", r.status)
	}
	r = supplies.postForm(t, base+"/deliveries", url.Values{"csrf": {csrf}, "quantity": {"２"}, "unit": {"吨"}, "date": {"2020-02-02"}, "note": {"22:00 运抵"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delivery: %d", r.status)
	}
	for _, step := range []url.Values{{"status": {"in_progress"}}, {"status": {"resolved"}, "note": {""}}} {
		step.Set("csrf", csrf)
		r = supplies.postForm(t, base+"/move", step)
	}
	if r.status != 400 || !bytes.Contains(r.body, []byte("办结须填写解决情况说明")) {
		t.Errorf("resolve without a note: %d", r.status)
	}
	r = supplies.postForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"resolved"}, "note": {"原料已送达，企业恢复生产"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("resolve: %d", r.status)
	}
	page = ticketPageOf(t, clerk, k.ID)
	contains(t, "the resolved ticket for the clerk", page, "已解决", "原料已送达，企业恢复生产", "浙C3L580", "瑞安市仙降鞋业有限公司",
		`data-status="closed"`, `data-status="reopened"`, "办理中 → 已解决", "待指派 → 已指派（物资筹备组）", "22:00 运抵")
	r = clerk.postForm(t, base+"/move", url.Values{"csrf": {csrfOf(t, page.body)}, "status": {"closed"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("close: %d", r.status)
	}
	page = ticketPageOf(t, supplies, k.ID)
	if bytes.Contains(page.body, []byte(`id="pass-form"`)) || bytes.Contains(page.body, []byte("选为供应企业")) {
		t.Error("a closed ticket still has forms to record on")
	}
}

func testTicketListPage(t *testing.T, e *testEnv) {
	k := e.raiseTicket(t, roleTown, map[string]string{"enterprise": e.ents["tangA"], "category": "finance", "urgency": "urgent",
		"title": "贷款续贷困难", "description": "x"})
	b := e.browserLogin(t, roleTown)
	row := fmt.Sprintf(`<tr data-id="%d" class="overdue">`, k.ID)
	if r := b.get(t, "/tickets"); bytes.Contains(r.body, []byte(row)) || !bytes.Contains(r.body, []byte("贷款续贷困难")) {
		t.Errorf("a fresh ticket marked overdue, or missing")
	}
	e.clock.Set(ticketDay.Add(5 * time.Hour))
	r := b.get(t, "/tickets?overdue=true&category=finance")
	contains(t, "the overdue list", r, row, "已超时", `<option value="true" selected>已超时</option>`)
	if bytes.Contains(r.body, []byte("防护服原料熔喷布不足")) {
		t.Error("the filtered list shows another category")
	}
	r = b.get(t, "/tickets?status=bogus")
	contains(t, "a bad filter", r, "状态应为", "已显示全部")
	r = b.get(t, "/tickets/stats")
	contains(t, "the figures", r, `<svg`, "各类问题平均解决用时", `data-category="raw_materials"`, "资金")
	e.clock.Set(ticketDay)
	ab := e.browserLogin(t, roleAdmin)
	r = ab.get(t, "/tickets?page=2")
	if r.status != 200 {
		t.Errorf("page 2: %d", r.status)
	}
}

func testTicketSettingsPages(t *testing.T, e *testEnv) {
	ab := e.browserLogin(t, roleAdmin)
	page := ab.get(t, "/tickets/sla")
	contains(t, "the SLA form", page, `name="urgent" value="4"`, `name="low" value="168"`)
	csrf := csrfOf(t, page.body)
	r := ab.postForm(t, "/tickets/sla", url.Values{"csrf": {csrf}, "urgent": {"30"}, "high": {"24"}, "normal": {"72"}, "low": {"abc"}})
	if r.status != 400 || !bytes.Contains(r.body, []byte(`data-field="low"`)) {
		t.Errorf("a bad SLA: %d", r.status)
	}
	r = ab.postForm(t, "/tickets/sla", url.Values{"csrf": {csrf}, "urgent": {"30"}, "high": {"24"}, "normal": {"72"}, "low": {"168"}})
	if r.status != 400 || !bytes.Contains(r.body, []byte(`data-field="high"`)) {
		t.Errorf("an SLA out of order: %d", r.status)
	}
	r = ab.postForm(t, "/tickets/sla", url.Values{"csrf": {csrf}, "urgent": {"２"}, "high": {"24"}, "normal": {"72"}, "low": {"168"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save SLA: %d", r.status)
	}
	if r := ab.get(t, "/tickets/sla?saved=1"); !bytes.Contains(r.body, []byte(`name="urgent" value="2"`)) {
		t.Error("the saved SLA is not shown")
	}
	e.as(t, roleAdmin, "PUT", "/api/v1/settings/ticket-sla", rawJSON(`{"urgent":4,"high":24,"normal":72,"low":168}`))

	cb := e.browserLogin(t, roleClerk)
	path := "/enterprises/" + e.ents["tangB"] + "/products"
	page = cb.get(t, path)
	csrf = csrfOf(t, page.body)
	r = cb.postForm(t, path, url.Values{"csrf": {csrf}, "product": {"熔喷布", "", "熔喷布"}, "note": {"BFE95", "", ""}})
	if r.status != 400 || !bytes.Contains(r.body, []byte("与第1项重复")) {
		t.Errorf("a duplicate product: %d", r.status)
	}
	r = cb.postForm(t, path, url.Values{"csrf": {csrf}, "product": {"熔喷布", "", "无纺布"}, "note": {"BFE95", "", "日产5吨"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save products: %d", r.status)
	}
	contains(t, "the saved products", cb.get(t, path+"?saved=1"), "产品已保存", `value="熔喷布"`, `value="日产5吨"`)
	// A cadre reads a paired firm's products but cannot change them.
	kb := e.browserLogin(t, roleCadre)
	page = kb.get(t, "/enterprises/"+e.ents["tangA"]+"/products")
	if page.status != 200 || bytes.Contains(page.body, []byte(`<button type="submit">保存</button>`)) {
		t.Errorf("the cadre's products page: %d", page.status)
	}
	r = kb.postForm(t, "/enterprises/"+e.ents["tangA"]+"/products", url.Values{"csrf": {csrfOf(t, page.body)}, "product": {"x"}})
	if r.status != 403 {
		t.Errorf("a cadre declares: %d", r.status)
	}
}
