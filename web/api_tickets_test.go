package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
)

// The tickets' API: raising (JSON and multipart), the workflow with its
// conflicts, lists and their filters, the matching, passes, deliveries,
// the figures, the SLA setting and declared products.

// ticketDay is the evening of 2 February 2020, when the suit maker's
// shortage came in.
var ticketDay = time.Date(2020, 2, 2, 21, 0, 0, 0, fugong.Location)

type ticketBody struct {
	tickets.Ticket
	Events      []tickets.Event    `json:"events"`
	Attachments []json.RawMessage  `json:"attachments"`
	Passes      []tickets.Pass     `json:"passes"`
	Deliveries  []tickets.Delivery `json:"deliveries"`
}

func (e *testEnv) raiseTicket(t *testing.T, role string, body map[string]string) ticketBody {
	t.Helper()
	r := e.as(t, role, "POST", "/api/v1/tickets", jsonBody(body))
	if r.status != http.StatusCreated {
		t.Fatalf("raise: %d %s", r.status, r.body)
	}
	var k ticketBody
	r.decode(t, &k)
	return k
}

func (e *testEnv) ticketPatch(t *testing.T, role string, id int64, body string, want int) ticketBody {
	t.Helper()
	r := e.as(t, role, "PATCH", "/api/v1/tickets/"+strconv.FormatInt(id, 10), rawJSON(body))
	if r.status != want {
		t.Fatalf("%s PATCH %s: %d %s, want %d", role, body, r.status, r.body, want)
	}
	var k ticketBody
	if want == 200 {
		r.decode(t, &k)
	} else if got := r.err(t).Error.Code; got != codeOf[want] {
		t.Errorf("code %q, want %q", got, codeOf[want])
	}
	return k
}

func (e *testEnv) getTicket(t *testing.T, role string, id int64) ticketBody {
	t.Helper()
	r := e.as(t, role, "GET", "/api/v1/tickets/"+strconv.FormatInt(id, 10), payload{})
	if r.status != 200 {
		t.Fatalf("GET ticket %d: %d %s", id, r.status, r.body)
	}
	var k ticketBody
	r.decode(t, &k)
	return k
}

type ticketList struct {
	Items   []tickets.Ticket `json:"items"`
	Total   int              `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
}

func (e *testEnv) listTickets(t *testing.T, role, query string) ticketList {
	t.Helper()
	r := e.as(t, role, "GET", "/api/v1/tickets?"+query, payload{})
	if r.status != 200 {
		t.Fatalf("list %s: %d %s", query, r.status, r.body)
	}
	var l ticketList
	r.decode(t, &l)
	if l.Items == nil {
		t.Fatalf("items is null: %s", r.body)
	}
	return l
}

func TestTicketsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, ticketDay)
		e.addBureauUsers(t, roleCoord, roleSupplies)
		t.Run("raise", func(t *testing.T) { testRaiseTicket(t, e) })
		t.Run("workflow", func(t *testing.T) { testTicketWorkflow(t, e) })
		t.Run("matching", func(t *testing.T) { testTicketMatching(t, e) })
		t.Run("lists", func(t *testing.T) { testTicketLists(t, e) })
		t.Run("sla", func(t *testing.T) { testTicketSLA(t, e) })
		t.Run("products", func(t *testing.T) { testProducts(t, e) })
	})
}

func testRaiseTicket(t *testing.T, e *testEnv) {
	good := map[string]string{"enterprise": e.ents["tangB"], "category": "raw_materials", "urgency": "high",
		"title": "防护服生产原料无纺布不足", "description": "龙港一企业有原料但无法送货"}
	r := e.as(t, roleClerk, "POST", "/api/v1/tickets", jsonBody(good))
	if r.status != 201 {
		t.Fatalf("raise: %d %s", r.status, r.body)
	}
	var k ticketBody
	r.decode(t, &k)
	if k.ID == 0 || r.header.Get("Location") != "/api/v1/tickets/"+strconv.FormatInt(k.ID, 10) || k.Status != "new" ||
		k.RaisedBy != "u-clerk" || k.EnterpriseName != "瑞安市塘下电器厂" || k.Overdue || k.Supplier != nil {
		t.Errorf("raised %s", r.body)
	}
	for _, f := range []string{`"raised_at":"2020-02-02T21:00:00+08:00"`, `"due_at":"2020-02-03T21:00:00+08:00"`,
		`"first_resolved_at":null`, `"hours_to_resolve":null`, `"assignee":""`} {
		if !bytes.Contains(r.body, []byte(f)) {
			t.Errorf("the raised ticket lacks %s: %s", f, r.body)
		}
	}

	before := e.listTickets(t, roleAdmin, "").Total
	for _, c := range []struct {
		name   string
		role   string
		p      payload
		status int
		field  string
	}{
		{"unknown category", roleAdmin, jsonBody(with2(good, "category", "原材料")), 400, "category"},
		{"unknown urgency", roleAdmin, jsonBody(with2(good, "urgency", "asap")), 400, "urgency"},
		{"no title", roleAdmin, jsonBody(with2(good, "title", " ")), 400, "title"},
		{"unknown field", roleAdmin, rawJSON(`{"enterprise":"x","priority":"high"}`), 400, "priority"},
		{"not an enterprise", roleAdmin, jsonBody(with2(good, "enterprise", "91330381MA2ZZZZ99X")), 404, ""},
		{"out of scope", roleClerk, jsonBody(with2(good, "enterprise", e.ents["tangA"])), 404, ""},
		{"a checkpoint", roleCheckpoint, jsonBody(good), 403, ""},
		{"a bad attachment", roleAdmin, ticketMultipart(t, mustJSON(good), [2]string{"缺料.pdf", "not a pdf"}), 400, "attachment"},
		{"an attachment renamed", roleAdmin, ticketMultipart(t, mustJSON(good), [2]string{"photo.pdf", "\x89PNG\r\n\x1a\n0000"}), 400, "attachment"},
		{"multipart without ticket", roleAdmin, upload(t, "a.pdf", minimalPDF, nil), 400, "ticket"},
		{"multipart with bad JSON", roleAdmin, ticketMultipart(t, `{"enterprise":`), 400, ""},
		{"too large", roleAdmin, rawJSON(`{"enterprise":"` + strings.Repeat("x", 2<<20) + `"}`), 413, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.as(t, c.role, "POST", "/api/v1/tickets", c.p)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, c.status, r.body)
			}
			if er := r.err(t); er.Error.Field != c.field || er.Error.Code != codeOf[c.status] {
				t.Errorf("error %+v, want field %q", er.Error, c.field)
			}
		})
	}
	if n := e.listTickets(t, roleAdmin, "").Total; n != before {
		t.Errorf("refused raises stored %d tickets", n-before)
	}

	// With attachments: the files are kept with the ticket, in its enterprise's scope.
	r = e.as(t, roleTown, "POST", "/api/v1/tickets", ticketMultipart(t, mustJSON(with2(good, "category", "supplies")),
		[2]string{"缺料说明.pdf", minimalPDF}, [2]string{"现场.png", "\x89PNG\r\n\x1a\n0000"}))
	if r.status != 201 {
		t.Fatalf("multipart: %d %s", r.status, r.body)
	}
	r.decode(t, &k)
	got := e.getTicket(t, roleClerk, k.ID)
	if len(got.Attachments) != 2 || got.Category != "supplies" || len(got.Events) != 1 || got.Events[0].Kind != "raise" {
		t.Errorf("detail %+v", got)
	}
	var f struct {
		Name       string `json:"name"`
		Enterprise string `json:"enterprise"`
	}
	json.Unmarshal(got.Attachments[0], &f)
	if f.Name != "缺料说明.pdf" || f.Enterprise != e.ents["tangB"] {
		t.Errorf("attachment %s", got.Attachments[0])
	}
}

func with2(m map[string]string, k, v string) map[string]string {
	out := map[string]string{}
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func testTicketWorkflow(t *testing.T, e *testEnv) {
	k := e.raiseTicket(t, roleCadre, map[string]string{"enterprise": e.ents["tangA"], "category": "logistics", "urgency": "urgent",
		"title": "货车无法出镇送货", "description": "需办理车辆通行证"})
	id := k.ID
	e.ticketPatch(t, roleCoord, id, `{"status":"in_progress"}`, 409)
	e.ticketPatch(t, roleCoord, id, `{"status":"assigned"}`, 400)
	e.ticketPatch(t, roleCoord, id, `{"status":"assigned","assignee":"group:kitchen"}`, 400)
	e.ticketPatch(t, roleCoord, id, `{"status":"assigned","assignee":"u-town"}`, 400) // not bureau staff
	e.ticketPatch(t, roleCoord, id, `{"status":"done"}`, 400)
	e.ticketPatch(t, roleCoord, id, `{"status":"assigned","assignee":"group:supplies","owner":"x"}`, 400)
	e.ticketPatch(t, roleBureauStat, id, `{"status":"assigned","assignee":"group:supplies"}`, 403)
	e.ticketPatch(t, roleClerk, id, `{"status":"assigned","assignee":"group:supplies"}`, 404)
	k = e.ticketPatch(t, roleCoord, id, `{"status":"assigned","assignee":"group:supplies","note":"请物资组办理通行证"}`, 200)
	if k.Status != "assigned" || k.Assignee != "group:supplies" || k.AssigneeName != "物资筹备组" {
		t.Errorf("assigned %+v", k.Ticket)
	}
	e.ticketPatch(t, roleCoord, id, `{"status":"assigned","assignee":"group:supplies"}`, 409) // already its
	e.ticketPatch(t, roleCoord, id, `{"status":"in_progress"}`, 403)
	e.ticketPatch(t, roleSupplies, id, `{"status":"in_progress","assignee":"u-supplies"}`, 400)
	e.ticketPatch(t, roleSupplies, id, `{"status":"resolved","note":"x"}`, 409)
	e.ticketPatch(t, roleSupplies, id, `{"status":"in_progress"}`, 200)
	e.clock.Set(ticketDay.Add(5 * time.Hour)) // past the 4 hours of an urgent ticket
	if k = e.getTicket(t, roleCadre, id); !k.Overdue {
		t.Errorf("an urgent ticket 5 hours on is not overdue: %+v", k.Ticket)
	}
	e.ticketPatch(t, roleSupplies, id, `{"status":"resolved"}`, 400)
	k = e.ticketPatch(t, roleSupplies, id, `{"status":"resolved","note":"通行证已办，浙C3L580"}`, 200)
	if k.Overdue || k.HoursToResolve == nil || *k.HoursToResolve != 5 || k.Resolution != "通行证已办，浙C3L580" {
		t.Errorf("resolved %+v", k.Ticket)
	}
	e.ticketPatch(t, roleSupplies, id, `{"status":"closed"}`, 403)
	e.ticketPatch(t, roleCadre, id, `{"status":"reopened"}`, 400)
	e.ticketPatch(t, roleCadre, id, `{"status":"reopened","note":"通行证只到镇界"}`, 200)
	e.ticketPatch(t, roleCoord, id, `{"status":"assigned","assignee":"u-coordination"}`, 200)
	e.ticketPatch(t, roleCoord, id, `{"status":"in_progress"}`, 200)
	e.ticketPatch(t, roleCoord, id, `{"status":"resolved","note":"已办全程通行证"}`, 200)
	e.ticketPatch(t, roleTown, id, `{"status":"closed"}`, 200)
	e.ticketPatch(t, roleAdmin, id, `{"status":"resolved","note":"x"}`, 409)

	d := e.getTicket(t, roleAdmin, id)
	var steps []string
	for _, ev := range d.Events {
		steps = append(steps, ev.To)
	}
	want := []string{"new", "assigned", "in_progress", "resolved", "reopened", "assigned", "in_progress", "resolved", "closed"}
	if !slices.Equal(steps, want) {
		t.Errorf("history %v, want %v", steps, want)
	}
	if d.FirstResolvedAt == nil || !d.FirstResolvedAt.Equal(ticketDay.Add(5*time.Hour)) || d.ClosedAt == nil {
		t.Errorf("times %+v", d.Ticket)
	}
	r := e.as(t, roleAdmin, "GET", "/api/v1/audit?entity=ticket&entity_id="+strconv.FormatInt(id, 10)+"&per_page=100", payload{})
	var audit struct {
		Total int `json:"total"`
	}
	r.decode(t, &audit)
	if audit.Total != len(want) {
		t.Errorf("%d audit entries, want one per step (%d)", audit.Total, len(want))
	}
	for _, p := range []string{"/api/v1/tickets/0", "/api/v1/tickets/abc", "/api/v1/tickets/999999"} {
		if r := e.as(t, roleAdmin, "GET", p, payload{}); r.status != 404 {
			t.Errorf("GET %s: %d", p, r.status)
		}
	}
	e.clock.Set(ticketDay)
}

func testTicketMatching(t *testing.T, e *testEnv) {
	// The 仙降 firm declares the non-woven fabric; tangA has nothing of it.
	if r := e.as(t, roleAdmin, "PUT", "/api/v1/enterprises/"+e.ents["xianA"]+"/products",
		rawJSON(`{"products":[{"product":"熔喷布","note":"BFE95，现货2吨"},"SMS无纺布"]}`)); r.status != 200 {
		t.Fatalf("declare: %d %s", r.status, r.body)
	}
	k := e.raiseTicket(t, roleClerk, map[string]string{"enterprise": e.ents["tangB"], "category": "raw_materials", "urgency": "high",
		"title": "防护服原料熔喷布不足", "description": "复工后原料不足"})
	path := "/api/v1/tickets/" + strconv.FormatInt(k.ID, 10)
	var sug struct {
		Items []tickets.Suggestion `json:"items"`
		Total int                  `json:"total"`
	}
	r := e.as(t, roleBureauInsp, "GET", path+"/suggestions", payload{})
	r.decode(t, &sug)
	if sug.Total != 1 || sug.Items[0].USCC != e.ents["xianA"] || !slices.Equal(sug.Items[0].Products, []string{"熔喷布", "SMS无纺布"}) {
		t.Fatalf("suggestions %s", r.body)
	}
	// The town sees only its own firms: none declared it.
	r = e.as(t, roleTown, "GET", path+"/suggestions", payload{})
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"items":[]`)) {
		t.Errorf("the town's suggestions: %d %s", r.status, r.body)
	}

	e.ticketPatch(t, roleCoord, k.ID, `{"status":"assigned","assignee":"group:supplies"}`, 200)
	closed := e.addEnterprise(t, "MA2FFFF17", townXianjiang, "below", "瑞安市已停业无纺布厂")
	if r := e.as(t, roleAdmin, "PATCH", "/api/v1/enterprises/"+closed, rawJSON(`{"status":"closed"}`)); r.status != 200 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		role, body string
		status     int
		field      string
	}{
		{roleSupplies, `{"uscc":"` + e.ents["tangB"] + `"}`, 400, "uscc"}, // the raiser itself
		{roleSupplies, `{"uscc":"` + closed + `"}`, 400, "uscc"},          // closed down
		{roleSupplies, `{"uscc":""}`, 400, "uscc"},
		{roleSupplies, `{"uscc":"91330381MA2ZZZZ99X"}`, 404, "uscc"},
		{roleBureauInsp, `{"uscc":"` + e.ents["xianA"] + `"}`, 403, ""},
		{roleSupplies, `{"uscc":"` + e.ents["xianA"] + `","extra":1}`, 400, "extra"},
	} {
		r := e.as(t, c.role, "PUT", path+"/supplier", rawJSON(c.body))
		if r.status != c.status || r.err(t).Error.Field != c.field {
			t.Errorf("%s %s: %d %s", c.role, c.body, r.status, r.body)
		}
	}
	r = e.as(t, roleSupplies, "PUT", path+"/supplier", rawJSON(`{"uscc":"`+e.ents["xianA"]+`","note":"有现货"}`))
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"name":"瑞安市仙降鞋业有限公司"`)) {
		t.Fatalf("choose: %d %s", r.status, r.body)
	}

	for _, c := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"plate":"浙X1234","route":"仙降—塘下","valid_from":"2020-02-03T07:00:00+08:00","valid_to":"2020-02-03T23:00:00+08:00"}`, 400, "plate"},
		{`{"plate":"浙C12345","route":"","valid_from":"2020-02-03T07:00:00+08:00","valid_to":"2020-02-03T23:00:00+08:00"}`, 400, "route"},
		{`{"plate":"浙C12345","route":"r","valid_from":"2020-02-03 07:00","valid_to":"2020-02-03T23:00:00+08:00"}`, 400, "valid_from"},
		{`{"plate":"浙C12345","route":"r","valid_from":"2020-02-03T07:00:00+08:00","valid_to":"2020-02-02T23:00:00+08:00"}`, 400, "valid_to"},
		{`{"plate":"浙C12345","route":"r","valid_from":"2020-02-03T07:00:00+08:00"}`, 400, "valid_to"},
	} {
		if r := e.as(t, roleSupplies, "POST", path+"/passes", rawJSON(c.body)); r.status != c.status || r.err(t).Error.Field != c.field {
			t.Errorf("pass %s: %d %s", c.body, r.status, r.body)
		}
	}
	r = e.as(t, roleSupplies, "POST", path+"/passes", rawJSON(`{"plate":"浙c·3l580","route":"仙降—塘下","valid_from":"2020-02-03T07:00:00+08:00","valid_to":"2020-02-03T23:00:00+08:00","note":"随车护送"}`))
	if r.status != 201 || !bytes.Contains(r.body, []byte(`"plate":"浙C3L580"`)) || !bytes.Contains(r.body, []byte(`"valid_from":"2020-02-03T07:00:00+08:00"`)) {
		t.Errorf("pass: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		body  string
		field string
	}{
		{`{"unit":"吨","date":"2020-02-02"}`, "quantity"},
		{`{"quantity":-1,"unit":"吨","date":"2020-02-02"}`, "quantity"},
		{`{"quantity":2,"unit":"","date":"2020-02-02"}`, "unit"},
		{`{"quantity":2,"unit":"吨","date":"2020-02-03"}`, "date"}, // tomorrow
		{`{"quantity":"two","unit":"吨","date":"2020-02-02"}`, "quantity"},
	} {
		if r := e.as(t, roleSupplies, "POST", path+"/deliveries", rawJSON(c.body)); r.status != 400 || r.err(t).Error.Field != c.field {
			t.Errorf("delivery %s: %d %s", c.body, r.status, r.body)
		}
	}
	r = e.as(t, roleSupplies, "POST", path+"/deliveries", rawJSON(`{"quantity":2,"unit":"吨","date":"2020-02-02","note":"22:00 运抵"}`))
	if r.status != 201 || !bytes.Contains(r.body, []byte(`"supplier":"`+e.ents["xianA"]+`"`)) {
		t.Errorf("delivery: %d %s", r.status, r.body)
	}
	d := e.getTicket(t, roleClerk, k.ID)
	if len(d.Passes) != 1 || len(d.Deliveries) != 1 || d.Supplier == nil || d.Supplier.USCC != e.ents["xianA"] {
		t.Errorf("detail %+v", d)
	}
	// Once closed, nothing more is recorded.
	e.ticketPatch(t, roleSupplies, k.ID, `{"status":"in_progress"}`, 200)
	e.ticketPatch(t, roleSupplies, k.ID, `{"status":"resolved","note":"原料已送达"}`, 200)
	e.ticketPatch(t, roleClerk, k.ID, `{"status":"closed"}`, 200)
	if r := e.as(t, roleSupplies, "POST", path+"/passes", passBody(t, e, "")); r.status != 409 {
		t.Errorf("a pass on a closed ticket: %d %s", r.status, r.body)
	}
	// A logistics ticket gets no suggestions and no supplier.
	l := e.raiseTicket(t, roleAdmin, map[string]string{"enterprise": e.ents["tangA"], "category": "logistics", "urgency": "low",
		"title": "熔喷布运不出去", "description": "x"})
	lp := "/api/v1/tickets/" + strconv.FormatInt(l.ID, 10)
	if r := e.as(t, roleAdmin, "GET", lp+"/suggestions", payload{}); !bytes.Contains(r.body, []byte(`"items":[],"total":0`)) {
		t.Errorf("logistics suggestions %s", r.body)
	}
	if r := e.as(t, roleAdmin, "PUT", lp+"/supplier", rawJSON(`{"uscc":"`+e.ents["xianA"]+`"}`)); r.status != 409 {
		t.Errorf("a supplier for logistics: %d %s", r.status, r.body)
	}
}

func testTicketLists(t *testing.T, e *testEnv) {
	all := e.listTickets(t, roleAdmin, "per_page=500")
	if all.Total == 0 || all.PerPage != 500 || all.Page != 1 {
		t.Fatalf("list %+v", all)
	}
	for _, role := range fixtureRoles {
		l := e.listTickets(t, role, "per_page=500")
		for _, k := range l.Items {
			if !slices.Contains(e.codes(inScope[role]), k.Enterprise) {
				t.Errorf("%s lists a ticket of %s", role, k.Enterprise)
			}
		}
	}
	byStatus := e.listTickets(t, roleAdmin, "status=closed&per_page=500")
	for _, k := range byStatus.Items {
		if k.Status != "closed" {
			t.Errorf("status=closed lists %s", k.Status)
		}
	}
	if byStatus.Total == 0 {
		t.Error("no closed tickets listed")
	}
	// Two days on, every open high ticket is overdue.
	e.clock.Set(ticketDay.Add(48 * time.Hour))
	over := e.listTickets(t, roleAdmin, "overdue=true&per_page=500")
	notOver := e.listTickets(t, roleAdmin, "overdue=false&per_page=500")
	if over.Total == 0 || over.Total+notOver.Total != all.Total {
		t.Errorf("overdue %d + not %d != %d", over.Total, notOver.Total, all.Total)
	}
	for _, k := range over.Items {
		if !k.Overdue || k.Status == "resolved" || k.Status == "closed" {
			t.Errorf("overdue lists %+v", k)
		}
	}
	mine := e.listTickets(t, roleSupplies, "assignee=me&per_page=500")
	for _, k := range mine.Items {
		if k.Assignee != "group:supplies" && k.Assignee != "u-supplies" {
			t.Errorf("assignee=me lists %q", k.Assignee)
		}
	}
	page := e.listTickets(t, roleAdmin, "per_page=1&page=2")
	if len(page.Items) != 1 || page.Items[0].ID != all.Items[1].ID {
		t.Errorf("page 2 of 1: %+v", page.Items)
	}
	for _, q := range []string{"status=open", "category=money", "overdue=maybe", "per_page=501", "town=龙港", "enterprise=123", "page=-1"} {
		if r := e.as(t, roleAdmin, "GET", "/api/v1/tickets?"+q, payload{}); r.status != 400 {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	r := e.as(t, roleAdmin, "GET", "/api/v1/tickets/stats", payload{})
	var st tickets.Stats
	r.decode(t, &st)
	if st.All.Total != all.Total || st.All.Overdue != over.Total || len(st.Categories) != 7 || st.Categories[1].AvgHours == nil {
		t.Errorf("stats %s", r.body)
	}
	r = e.as(t, roleAdmin, "GET", "/api/v1/tickets/export?format=csv&status=closed", payload{})
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !bytes.Contains(r.body, []byte("货车无法出镇送货")) ||
		bytes.Contains(r.body, []byte("熔喷布运不出去")) {
		t.Errorf("export: %d %s", r.status, r.body)
	}
	r = e.as(t, roleAdmin, "GET", "/api/v1/tickets/export", payload{})
	if r.status != 200 || !bytes.HasPrefix(r.body, []byte("PK")) {
		t.Errorf("xlsx export: %d %q", r.status, r.header.Get("Content-Type"))
	}
	e.clock.Set(ticketDay)
}

func testTicketSLA(t *testing.T, e *testEnv) {
	r := e.as(t, roleClerk, "GET", "/api/v1/settings/ticket-sla", payload{})
	if r.status != 200 || string(bytes.TrimSpace(r.body)) != `{"urgent":4,"high":24,"normal":72,"low":168}` {
		t.Fatalf("default SLA: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		body  string
		field string
	}{
		{`{"urgent":4,"high":24,"normal":72}`, "low"},
		{`{"urgent":0,"high":24,"normal":72,"low":168}`, "urgent"},
		{`{"urgent":48,"high":24,"normal":72,"low":168}`, "high"},
		{`{"urgent":4,"high":24,"normal":72,"low":1000}`, "low"},
		{`{"urgent":"4","high":24,"normal":72,"low":168}`, "urgent"},
	} {
		if r := e.as(t, roleAdmin, "PUT", "/api/v1/settings/ticket-sla", rawJSON(c.body)); r.status != 400 || r.err(t).Error.Field != c.field {
			t.Errorf("%s: %d %s", c.body, r.status, r.body)
		}
	}
	if r := e.as(t, roleAdmin, "PUT", "/api/v1/settings/ticket-sla", rawJSON(`{"urgent":2,"high":12,"normal":48,"low":96}`)); r.status != 200 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	k := e.raiseTicket(t, roleTown, map[string]string{"enterprise": e.ents["tangA"], "category": "labour", "urgency": "urgent",
		"title": "缺普工", "description": "x"})
	if !k.DueAt.Equal(k.RaisedAt.Add(2 * time.Hour)) {
		t.Errorf("due %v, raised %v: want 2 hours", k.DueAt, k.RaisedAt)
	}
	e.as(t, roleAdmin, "PUT", "/api/v1/settings/ticket-sla", rawJSON(`{"urgent":4,"high":24,"normal":72,"low":168}`))
}

func testProducts(t *testing.T, e *testEnv) {
	path := "/api/v1/enterprises/" + e.ents["tangB"] + "/products"
	for _, c := range []struct {
		body  string
		field string
	}{
		{`{}`, "products"},
		{`{"products":["熔喷布","熔喷布"]}`, "products[1].product"},
		{`{"products":[""]}`, "products[0].product"},
		{`{"products":[{"product":"布","colour":"white"}]}`, "colour"},
	} {
		if r := e.as(t, roleClerk, "PUT", path, rawJSON(c.body)); r.status != 400 || r.err(t).Error.Field != c.field {
			t.Errorf("%s: %d %s", c.body, r.status, r.body)
		}
	}
	r := e.as(t, roleClerk, "PUT", path, rawJSON(`{"products":[" 熔喷布 ",{"product":"无纺布","note":"日产5吨"}]}`))
	if r.status != 200 || string(bytes.TrimSpace(r.body)) != `{"items":[{"product":"熔喷布","note":""},{"product":"无纺布","note":"日产5吨"}],"total":2}` {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	r = e.as(t, roleTown, "GET", path, payload{})
	if !bytes.Contains(r.body, []byte(`"total":2`)) {
		t.Errorf("get: %s", r.body)
	}
	if r := e.as(t, roleClerk, "PUT", path, rawJSON(`{"products":[]}`)); r.status != 200 || !bytes.Contains(r.body, []byte(`"items":[]`)) {
		t.Errorf("clear: %d %s", r.status, r.body)
	}
}
