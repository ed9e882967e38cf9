package tickets_test

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
	"fugong/web/webtest"
)

// The tickets' pages through a cookie session; the browser test in e2e
// walks the model case in Chromium.

func TestTicketPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, ticketDay)
		e.AddBureauUsers(t, webtest.RoleCoord, webtest.RoleSupplies)
		t.Run("scope", func(t *testing.T) { testTicketPageScope(t, e) })
		t.Run("raise form", func(t *testing.T) { testRaiseForm(t, e) })
		t.Run("working a ticket", func(t *testing.T) { testTicketForms(t, e) })
		t.Run("list and figures", func(t *testing.T) { testTicketListPage(t, e) })
		t.Run("settings and products", func(t *testing.T) { testTicketSettingsPages(t, e) })
	})
}

func testTicketPageScope(t *testing.T, e *webtest.Env) {
	id := func(key string) string { return strconv.FormatInt(ticketIn(e, key, tickets.StatusNew), 10) }
	tangA, tangB, xianA := id("tangA"), id("tangB"), id("xianA")
	pages := []struct {
		path string
		want map[string]int
	}{
		{"/tickets", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/tickets/new", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/tickets/stats", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/tickets/export", webtest.By(200, 200, 200, 200, 200, 200, 200)},
		{"/tickets/sla", webtest.By(200, 404, 404, 404, 404, 404, 404)},
		{"/tickets/" + tangA, webtest.By(200, 200, 200, 200, 200, 404, 404)},
		{"/tickets/" + tangB, webtest.By(200, 200, 200, 200, 404, 200, 404)},
		{"/tickets/" + xianA, webtest.By(200, 200, 200, 404, 404, 404, 404)},
		{"/tickets/nope", webtest.By(404, 404, 404, 404, 404, 404, 404)},
		{"/enterprises/" + e.Ents["tangB"] + "/products", webtest.By(200, 200, 200, 200, 404, 200, 404)},
		{"/enterprises/" + e.Ents["xianA"] + "/products", webtest.By(200, 200, 200, 404, 404, 404, 404)},
	}
	for _, role := range webtest.Roles {
		t.Run(role, func(t *testing.T) {
			b := e.BrowserLogin(t, role)
			for _, p := range pages {
				r := b.Get(t, p.path)
				if r.Status != p.want[role] {
					t.Errorf("GET %s: %d, want %d", p.path, r.Status, p.want[role])
				}
			}
			home := b.Get(t, "/")
			if has := bytes.Contains(home.Body, []byte(`href="/tickets">问题困难</a>`)); has != (role != webtest.RoleCheckpoint) {
				t.Errorf("the menu's 问题困难: %v", has)
			}
			// A form posted to a ticket out of scope is not found and changes nothing.
			if role == webtest.RoleClerk || role == webtest.RoleCheckpoint {
				csrf := webtest.CSRFOf(t, home.Body)
				r := b.PostForm(t, "/tickets/"+tangA+"/move", url.Values{"csrf": {csrf}, "status": {"assigned"}, "assignee_group": {"group:supplies"}})
				if r.Status != 404 {
					t.Errorf("a move out of scope: %d", r.Status)
				}
			}
		})
	}
}

// multipartForm is a browser's multipart post with files in "attachment".
func multipartForm(t *testing.T, fields url.Values, files ...[2]string) webtest.Payload {
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
	return webtest.Payload{CType: mw.FormDataContentType(), Data: buf.Bytes()}
}

var ticketLocation = regexp.MustCompile(`^/tickets/(\d+)\?done=`)

func testRaiseForm(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleClerk)
	page := b.Get(t, "/tickets/new")
	webtest.Contains(t, "the clerk's form", page, "瑞安市塘下电器厂", `name="category"`, `value="raw_materials"`, ">原材料<", ">物流与车辆通行<",
		`enctype="multipart/form-data"`, `name="attachment"`)
	if bytes.Contains(page.Body, []byte(`name="enterprise"`)) {
		t.Error("the clerk may pick an enterprise")
	}
	csrf := webtest.CSRFOf(t, page.Body)
	form := url.Values{"csrf": {csrf}, "category": {"raw_materials"}, "urgency": {"urgent"}, "title": {""}, "description": {"缺无纺布"}}
	r := b.Do(t, "POST", "/tickets", multipartForm(t, form, [2]string{"x.pdf", "not a pdf"}), nil)
	if r.Status != 400 {
		t.Fatalf("a form without a title: %d", r.Status)
	}
	webtest.Contains(t, "the refused form", r, `data-field="title"`, "请填写问题标题", "缺无纺布", `<option value="urgent" selected>`)
	form.Set("title", "防护服生产原料无纺布不足")
	r = b.Do(t, "POST", "/tickets", multipartForm(t, form, [2]string{"x.pdf", "not a pdf"}), nil)
	if r.Status != 400 || !bytes.Contains(r.Body, []byte(`data-field="attachment"`)) {
		t.Fatalf("a bad attachment: %d", r.Status)
	}
	r = b.Do(t, "POST", "/tickets", multipartForm(t, form, [2]string{"缺料.pdf", webtest.MinimalPDF}), nil)
	m := ticketLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("raise: %d %q", r.Status, r.Header.Get("Location"))
	}
	r = b.Get(t, r.Header.Get("Location"))
	webtest.Contains(t, "the new ticket", r, "问题已提交", "防护服生产原料无纺布不足", "缺料.pdf", `href="/api/v1/files/`, "待指派", "瑞安市塘下电器厂")

	// The town names the enterprise by its name; a cadre picks one of theirs.
	tb := e.BrowserLogin(t, webtest.RoleTown)
	csrf = webtest.CSRFOf(t, tb.Get(t, "/tickets/new").Body)
	r = tb.Do(t, "POST", "/tickets", multipartForm(t, url.Values{"csrf": {csrf}, "enterprise": {"瑞安市塘下汽配有限公司"}, "category": {"labour"},
		"urgency": {"normal"}, "title": {"缺普工"}, "description": {"复工缺普工20名"}}), nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("raise by name: %d %s", r.Status, r.Body)
	}
	r = tb.Do(t, "POST", "/tickets", multipartForm(t, url.Values{"csrf": {csrf}, "enterprise": {"瑞安市仙降鞋业有限公司"}, "category": {"labour"},
		"urgency": {"normal"}, "title": {"缺普工"}, "description": {"x"}}), nil)
	// Out of scope, the name is no firm's: the same answer as a name of none.
	if r.Status != 400 || !bytes.Contains(r.Body, []byte(`data-field="enterprise">未找到名称为“瑞安市仙降鞋业有限公司”的企业`)) {
		t.Errorf("raise for another town's firm: %d", r.Status)
	}
	webtest.Contains(t, "the raise form's picker", tb.Get(t, "/tickets/new"), `data-suggest="/api/v1/enterprises/suggest"`)
	cb := e.BrowserLogin(t, webtest.RoleCadre)
	page = cb.Get(t, "/tickets/new")
	webtest.Contains(t, "the cadre's form", page, `<option value="`+e.Ents["tangA"]+`">瑞安市塘下汽配有限公司</option>`)
}

// ticketPage loads a ticket's page in a browser.
func ticketPageOf(t *testing.T, b *webtest.Browser, id int64) webtest.Resp {
	t.Helper()
	r := b.Get(t, "/tickets/"+strconv.FormatInt(id, 10))
	if r.Status != 200 {
		t.Fatalf("ticket %d: %d", id, r.Status)
	}
	return r
}

func testTicketForms(t *testing.T, e *webtest.Env) {
	if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents["xianA"]+"/products", webtest.RawJSON(`{"products":["熔喷布"]}`)); r.Status != 200 {
		t.Fatal(r.Status)
	}
	k := raiseTicket(e, t, webtest.RoleClerk, map[string]string{"enterprise": e.Ents["tangB"], "category": "raw_materials", "urgency": "high",
		"title": "防护服原料熔喷布不足", "description": "复工后原料不足"})
	base := "/tickets/" + strconv.FormatInt(k.ID, 10)
	coord, supplies, clerk := e.BrowserLogin(t, webtest.RoleCoord), e.BrowserLogin(t, webtest.RoleSupplies), e.BrowserLogin(t, webtest.RoleClerk)

	page := ticketPageOf(t, coord, k.ID)
	webtest.Contains(t, "the coordinator's page", page, `data-status="assigned"`, `name="assignee_group"`, "物资筹备组", `id="suggestions"`, "瑞安市仙降鞋业有限公司")
	// The assignment opens on the group of the ticket's category: raw
	// materials to 物资筹备组, money to 综合协调组.
	webtest.Contains(t, "raw materials' group", page, `<option value="group:supplies" selected>`)
	money := raiseTicket(e, t, webtest.RoleClerk, map[string]string{"enterprise": e.Ents["tangB"], "category": "finance", "urgency": "normal",
		"title": "贷款到期续贷难", "description": "需要协调银行"})
	webtest.Contains(t, "money's group", ticketPageOf(t, coord, money.ID), `<option value="group:coordination" selected>`)
	if bytes.Contains(page.Body, []byte(`data-status="in_progress"`)) {
		t.Error("the coordinator may start the ticket")
	}
	if page := ticketPageOf(t, clerk, k.ID); bytes.Contains(page.Body, []byte(`class="move"`)) || bytes.Contains(page.Body, []byte("选为供应企业")) {
		t.Error("the clerk has forms to work a new ticket")
	}
	csrf := webtest.CSRFOf(t, page.Body)
	r := coord.PostForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"assigned"}, "assignee_group": {"group:supplies"}, "assignee_user": {"nobody"}})
	if r.Status != 400 || !bytes.Contains(r.Body, []byte(`data-field="assignee"`)) || !bytes.Contains(r.Body, []byte(`value="nobody"`)) {
		t.Fatalf("assign to nobody: %d", r.Status)
	}
	r = coord.PostForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"assigned"}, "assignee_group": {"group:supplies"}, "note": {"请对接"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), base+"?done=assigned") {
		t.Fatalf("assign: %d %q", r.Status, r.Header.Get("Location"))
	}
	page = ticketPageOf(t, supplies, k.ID)
	webtest.Contains(t, "the supplies group's page", page, `data-status="in_progress"`, "选为供应企业", `id="pass-form"`)
	csrf = webtest.CSRFOf(t, page.Body)
	if r := supplies.PostForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"resolved"}, "note": {"x"}}); r.Status != 409 ||
		!bytes.Contains(r.Body, []byte("不能改为")) {
		t.Errorf("resolve before starting: %d", r.Status)
	}
	r = supplies.PostForm(t, base+"/supplier", url.Values{"csrf": {csrf}, "uscc": {e.Ents["xianA"]}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("choose: %d %s", r.Status, r.Body)
	}
	page = ticketPageOf(t, supplies, k.ID)
	webtest.Contains(t, "after choosing", page, "已选定：", `id="chosen-supplier"`, `id="delivery-form"`)
	r = supplies.PostForm(t, base+"/passes", url.Values{"csrf": {csrf}, "plate": {"浙Z"}, "route": {"仙降—塘下"},
		"valid_from": {"2020-02-03T07:00"}, "valid_to": {"2020-02-03T23:00"}})
	if r.Status != 400 || !bytes.Contains(r.Body, []byte(`data-field="plate"`)) || !bytes.Contains(r.Body, []byte(`value="仙降—塘下"`)) ||
		!bytes.Contains(r.Body, []byte(`<details open>`)) {
		t.Fatalf("a bad plate: %d", r.Status)
	}
	r = supplies.PostForm(t, base+"/passes", url.Values{"csrf": {csrf}, "plate": {"浙C 3L580"}, "route": {"仙降—塘下"},
		"valid_from": {"2020-02-03T07:00"}, "valid_to": {"2020-02-03T23:00"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("pass: %d", r.Status)
	}
	r = supplies.PostForm(t, base+"/deliveries", url.Values{"csrf": {csrf}, "quantity": {"两吨"}, "unit": {"吨"}, "date": {"2020-02-02"}})
	if r.Status != 400 || !bytes.Contains(r.Body, []byte(`data-field="quantity"`)) {
		t.Errorf("a quantity in words: %d", r.Status)
	}
	r = supplies.PostForm(t, base+"/deliveries", url.Values{"csrf": {csrf}, "quantity": {"２"}, "unit": {"吨"}, "date": {"2020-02-02"}, "note": {"22:00 运抵"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("delivery: %d", r.Status)
	}
	for _, step := range []url.Values{{"status": {"in_progress"}}, {"status": {"resolved"}, "note": {""}}} {
		step.Set("csrf", csrf)
		r = supplies.PostForm(t, base+"/move", step)
	}
	if r.Status != 400 || !bytes.Contains(r.Body, []byte("办结须填写解决情况说明")) {
		t.Errorf("resolve without a Note: %d", r.Status)
	}
	r = supplies.PostForm(t, base+"/move", url.Values{"csrf": {csrf}, "status": {"resolved"}, "note": {"原料已送达，企业恢复生产"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("resolve: %d", r.Status)
	}
	page = ticketPageOf(t, clerk, k.ID)
	webtest.Contains(t, "the resolved ticket for the clerk", page, "已解决", "原料已送达，企业恢复生产", "浙C3L580", "瑞安市仙降鞋业有限公司",
		`data-status="closed"`, `data-status="reopened"`, "办理中 → 已解决", "待指派 → 已指派（物资筹备组）", "22:00 运抵")
	r = clerk.PostForm(t, base+"/move", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "status": {"closed"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("close: %d", r.Status)
	}
	page = ticketPageOf(t, supplies, k.ID)
	if bytes.Contains(page.Body, []byte(`id="pass-form"`)) || bytes.Contains(page.Body, []byte("选为供应企业")) {
		t.Error("a closed ticket still has forms to record on")
	}
}

func testTicketListPage(t *testing.T, e *webtest.Env) {
	k := raiseTicket(e, t, webtest.RoleTown, map[string]string{"enterprise": e.Ents["tangA"], "category": "finance", "urgency": "urgent",
		"title": "贷款续贷困难", "description": "x"})
	b := e.BrowserLogin(t, webtest.RoleTown)
	row := fmt.Sprintf(`<tr data-id="%d" class="overdue">`, k.ID)
	if r := b.Get(t, "/tickets"); bytes.Contains(r.Body, []byte(row)) || !bytes.Contains(r.Body, []byte("贷款续贷困难")) {
		t.Errorf("a fresh ticket marked overdue, or missing")
	}
	e.Clock.Set(ticketDay.Add(5 * time.Hour))
	r := b.Get(t, "/tickets?overdue=true&category=finance")
	webtest.Contains(t, "the overdue list", r, row, "已超时", `<option value="true" selected>已超时</option>`)
	if bytes.Contains(r.Body, []byte("防护服原料熔喷布不足")) {
		t.Error("the filtered list shows another category")
	}
	r = b.Get(t, "/tickets?status=bogus")
	webtest.Contains(t, "a bad filter", r, "状态应为", "已显示全部")
	r = b.Get(t, "/tickets/stats")
	webtest.Contains(t, "the figures", r, `<svg`, "各类问题平均解决用时", `data-category="raw_materials"`, "资金")
	e.Clock.Set(ticketDay)
	ab := e.BrowserLogin(t, webtest.RoleAdmin)
	r = ab.Get(t, "/tickets?page=2")
	if r.Status != 200 {
		t.Errorf("page 2: %d", r.Status)
	}
}

func testTicketSettingsPages(t *testing.T, e *webtest.Env) {
	ab := e.BrowserLogin(t, webtest.RoleAdmin)
	page := ab.Get(t, "/tickets/sla")
	webtest.Contains(t, "the SLA form", page, `name="urgent" value="4"`, `name="low" value="168"`)
	csrf := webtest.CSRFOf(t, page.Body)
	r := ab.PostForm(t, "/tickets/sla", url.Values{"csrf": {csrf}, "urgent": {"30"}, "high": {"24"}, "normal": {"72"}, "low": {"abc"}})
	if r.Status != 400 || !bytes.Contains(r.Body, []byte(`data-field="low"`)) {
		t.Errorf("a bad SLA: %d", r.Status)
	}
	r = ab.PostForm(t, "/tickets/sla", url.Values{"csrf": {csrf}, "urgent": {"30"}, "high": {"24"}, "normal": {"72"}, "low": {"168"}})
	if r.Status != 400 || !bytes.Contains(r.Body, []byte(`data-field="high"`)) {
		t.Errorf("an SLA out of order: %d", r.Status)
	}
	r = ab.PostForm(t, "/tickets/sla", url.Values{"csrf": {csrf}, "urgent": {"２"}, "high": {"24"}, "normal": {"72"}, "low": {"168"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save SLA: %d", r.Status)
	}
	if r := ab.Get(t, "/tickets/sla?saved=1"); !bytes.Contains(r.Body, []byte(`name="urgent" value="2"`)) {
		t.Error("the saved SLA is not shown")
	}
	e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/settings/ticket-sla", webtest.RawJSON(`{"urgent":4,"high":24,"normal":72,"low":168}`))

	cb := e.BrowserLogin(t, webtest.RoleClerk)
	path := "/enterprises/" + e.Ents["tangB"] + "/products"
	page = cb.Get(t, path)
	csrf = webtest.CSRFOf(t, page.Body)
	r = cb.PostForm(t, path, url.Values{"csrf": {csrf}, "product": {"熔喷布", "", "熔喷布"}, "note": {"BFE95", "", ""}})
	if r.Status != 400 || !bytes.Contains(r.Body, []byte("与第1项重复")) {
		t.Errorf("a duplicate product: %d", r.Status)
	}
	r = cb.PostForm(t, path, url.Values{"csrf": {csrf}, "product": {"熔喷布", "", "无纺布"}, "note": {"BFE95", "", "日产5吨"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save products: %d", r.Status)
	}
	webtest.Contains(t, "the saved products", cb.Get(t, path+"?saved=1"), "产品已保存", `value="熔喷布"`, `value="日产5吨"`)
	// A cadre reads a paired firm's products but cannot change them.
	kb := e.BrowserLogin(t, webtest.RoleCadre)
	page = kb.Get(t, "/enterprises/"+e.Ents["tangA"]+"/products")
	if page.Status != 200 || bytes.Contains(page.Body, []byte(`<button type="submit">保存</button>`)) {
		t.Errorf("the cadre's products page: %d", page.Status)
	}
	r = kb.PostForm(t, "/enterprises/"+e.Ents["tangA"]+"/products", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "product": {"x"}})
	if r.Status != 403 {
		t.Errorf("a cadre declares: %d", r.Status)
	}
}
