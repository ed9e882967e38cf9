package tickets_test

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
	"fugong/web/webtest"
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

func raiseTicket(e *webtest.Env, t *testing.T, role string, body map[string]string) ticketBody {
	t.Helper()
	r := e.As(t, role, "POST", "/api/v1/tickets", webtest.JSON(body))
	if r.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", r.Status, r.Body)
	}
	var k ticketBody
	r.Decode(t, &k)
	return k
}

func ticketPatch(e *webtest.Env, t *testing.T, role string, id int64, body string, want int) ticketBody {
	t.Helper()
	r := e.As(t, role, "PATCH", "/api/v1/tickets/"+strconv.FormatInt(id, 10), webtest.RawJSON(body))
	if r.Status != want {
		t.Fatalf("%s PATCH %s: %d %s, want %d", role, body, r.Status, r.Body, want)
	}
	var k ticketBody
	if want == 200 {
		r.Decode(t, &k)
	} else if got := r.Err(t).Error.Code; got != webtest.CodeOf[want] {
		t.Errorf("code %q, want %q", got, webtest.CodeOf[want])
	}
	return k
}

func getTicket(e *webtest.Env, t *testing.T, role string, id int64) ticketBody {
	t.Helper()
	r := e.As(t, role, "GET", "/api/v1/tickets/"+strconv.FormatInt(id, 10), webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("GET ticket %d: %d %s", id, r.Status, r.Body)
	}
	var k ticketBody
	r.Decode(t, &k)
	return k
}

type ticketList struct {
	Items   []tickets.Ticket `json:"items"`
	Total   int              `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
}

func listTickets(e *webtest.Env, t *testing.T, role, query string) ticketList {
	t.Helper()
	r := e.As(t, role, "GET", "/api/v1/tickets?"+query, webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("list %s: %d %s", query, r.Status, r.Body)
	}
	var l ticketList
	r.Decode(t, &l)
	if l.Items == nil {
		t.Fatalf("items is null: %s", r.Body)
	}
	return l
}

func TestTicketsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, ticketDay)
		e.AddBureauUsers(t, webtest.RoleCoord, webtest.RoleSupplies)
		t.Run("raise", func(t *testing.T) { testRaiseTicket(t, e) })
		t.Run("workflow", func(t *testing.T) { testTicketWorkflow(t, e) })
		t.Run("matching", func(t *testing.T) { testTicketMatching(t, e) })
		t.Run("lists", func(t *testing.T) { testTicketLists(t, e) })
		t.Run("sla", func(t *testing.T) { testTicketSLA(t, e) })
		t.Run("products", func(t *testing.T) { testProducts(t, e) })
	})
}

func testRaiseTicket(t *testing.T, e *webtest.Env) {
	good := map[string]string{"enterprise": e.Ents["tangB"], "category": "raw_materials", "urgency": "high",
		"title": "防护服生产原料无纺布不足", "description": "龙港一企业有原料但无法送货"}
	r := e.As(t, webtest.RoleClerk, "POST", "/api/v1/tickets", webtest.JSON(good))
	if r.Status != 201 {
		t.Fatalf("raise: %d %s", r.Status, r.Body)
	}
	var k ticketBody
	r.Decode(t, &k)
	if k.ID == 0 || r.Header.Get("Location") != "/api/v1/tickets/"+strconv.FormatInt(k.ID, 10) || k.Status != "new" ||
		k.RaisedBy != "u-clerk" || k.EnterpriseName != "瑞安市塘下电器厂" || k.Overdue || k.Supplier != nil {
		t.Errorf("raised %s", r.Body)
	}
	for _, f := range []string{`"raised_at":"2020-02-02T21:00:00+08:00"`, `"due_at":"2020-02-03T21:00:00+08:00"`,
		`"first_resolved_at":null`, `"hours_to_resolve":null`, `"assignee":""`} {
		if !bytes.Contains(r.Body, []byte(f)) {
			t.Errorf("the raised ticket lacks %s: %s", f, r.Body)
		}
	}

	before := listTickets(e, t, webtest.RoleAdmin, "").Total
	for _, c := range []struct {
		name   string
		role   string
		p      webtest.Payload
		status int
		field  string
	}{
		{"unknown category", webtest.RoleAdmin, webtest.JSON(with2(good, "category", "原材料")), 400, "category"},
		{"unknown urgency", webtest.RoleAdmin, webtest.JSON(with2(good, "urgency", "asap")), 400, "urgency"},
		{"no title", webtest.RoleAdmin, webtest.JSON(with2(good, "title", " ")), 400, "title"},
		{"unknown field", webtest.RoleAdmin, webtest.RawJSON(`{"enterprise":"x","priority":"high"}`), 400, "priority"},
		{"not an enterprise", webtest.RoleAdmin, webtest.JSON(with2(good, "enterprise", "91330381MA2ZZZZ99X")), 404, ""},
		{"out of scope", webtest.RoleClerk, webtest.JSON(with2(good, "enterprise", e.Ents["tangA"])), 404, ""},
		{"a checkpoint", webtest.RoleCheckpoint, webtest.JSON(good), 403, ""},
		{"a bad attachment", webtest.RoleAdmin, ticketMultipart(t, mustJSON(good), [2]string{"缺料.pdf", "not a pdf"}), 400, "attachment"},
		{"an attachment renamed", webtest.RoleAdmin, ticketMultipart(t, mustJSON(good), [2]string{"photo.pdf", "\x89PNG\r\n\x1a\n0000"}), 400, "attachment"},
		{"multipart without ticket", webtest.RoleAdmin, webtest.Upload(t, "a.pdf", webtest.MinimalPDF, nil), 400, "ticket"},
		{"multipart with bad JSON", webtest.RoleAdmin, ticketMultipart(t, `{"enterprise":`), 400, ""},
		{"too large", webtest.RoleAdmin, webtest.RawJSON(`{"enterprise":"` + strings.Repeat("x", 2<<20) + `"}`), 413, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.As(t, c.role, "POST", "/api/v1/tickets", c.p)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %.300s", r.Status, c.status, r.Body)
			}
			if er := r.Err(t); er.Error.Field != c.field || er.Error.Code != webtest.CodeOf[c.status] {
				t.Errorf("error %+v, want field %q", er.Error, c.field)
			}
		})
	}
	if n := listTickets(e, t, webtest.RoleAdmin, "").Total; n != before {
		t.Errorf("refused raises stored %d tickets", n-before)
	}

	// With attachments: the files are kept with the ticket, in its enterprise's scope.
	r = e.As(t, webtest.RoleTown, "POST", "/api/v1/tickets", ticketMultipart(t, mustJSON(with2(good, "category", "supplies")),
		[2]string{"缺料说明.pdf", webtest.MinimalPDF}, [2]string{"现场.png", "\x89PNG\r\n\x1a\n0000"}))
	if r.Status != 201 {
		t.Fatalf("multipart: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &k)
	got := getTicket(e, t, webtest.RoleClerk, k.ID)
	if len(got.Attachments) != 2 || got.Category != "supplies" || len(got.Events) != 1 || got.Events[0].Kind != "raise" {
		t.Errorf("detail %+v", got)
	}
	var f struct {
		Name       string `json:"name"`
		Enterprise string `json:"enterprise"`
	}
	json.Unmarshal(got.Attachments[0], &f)
	if f.Name != "缺料说明.pdf" || f.Enterprise != e.Ents["tangB"] {
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

func testTicketWorkflow(t *testing.T, e *webtest.Env) {
	k := raiseTicket(e, t, webtest.RoleCadre, map[string]string{"enterprise": e.Ents["tangA"], "category": "logistics", "urgency": "urgent",
		"title": "货车无法出镇送货", "description": "需办理车辆通行证"})
	id := k.ID
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"in_progress"}`, 409)
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"assigned"}`, 400)
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"assigned","assignee":"group:kitchen"}`, 400)
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"assigned","assignee":"u-town"}`, 400) // not bureau staff
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"done"}`, 400)
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"assigned","assignee":"group:supplies","owner":"x"}`, 400)
	ticketPatch(e, t, webtest.RoleBureauStat, id, `{"status":"assigned","assignee":"group:supplies"}`, 403)
	ticketPatch(e, t, webtest.RoleClerk, id, `{"status":"assigned","assignee":"group:supplies"}`, 404)
	k = ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"assigned","assignee":"group:supplies","note":"请物资组办理通行证"}`, 200)
	if k.Status != "assigned" || k.Assignee != "group:supplies" || k.AssigneeName != "物资筹备组" {
		t.Errorf("assigned %+v", k.Ticket)
	}
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"assigned","assignee":"group:supplies"}`, 409) // already its
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"in_progress"}`, 403)
	ticketPatch(e, t, webtest.RoleSupplies, id, `{"status":"in_progress","assignee":"u-supplies"}`, 400)
	ticketPatch(e, t, webtest.RoleSupplies, id, `{"status":"resolved","note":"x"}`, 409)
	ticketPatch(e, t, webtest.RoleSupplies, id, `{"status":"in_progress"}`, 200)
	e.Clock.Set(ticketDay.Add(5 * time.Hour)) // past the 4 hours of an urgent ticket
	if k = getTicket(e, t, webtest.RoleCadre, id); !k.Overdue {
		t.Errorf("an urgent ticket 5 hours on is not overdue: %+v", k.Ticket)
	}
	ticketPatch(e, t, webtest.RoleSupplies, id, `{"status":"resolved"}`, 400)
	k = ticketPatch(e, t, webtest.RoleSupplies, id, `{"status":"resolved","note":"通行证已办，浙C3L580"}`, 200)
	if k.Overdue || k.HoursToResolve == nil || *k.HoursToResolve != 5 || k.Resolution != "通行证已办，浙C3L580" {
		t.Errorf("resolved %+v", k.Ticket)
	}
	ticketPatch(e, t, webtest.RoleSupplies, id, `{"status":"closed"}`, 403)
	ticketPatch(e, t, webtest.RoleCadre, id, `{"status":"reopened"}`, 400)
	ticketPatch(e, t, webtest.RoleCadre, id, `{"status":"reopened","note":"通行证只到镇界"}`, 200)
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"assigned","assignee":"u-coordination"}`, 200)
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"in_progress"}`, 200)
	ticketPatch(e, t, webtest.RoleCoord, id, `{"status":"resolved","note":"已办全程通行证"}`, 200)
	ticketPatch(e, t, webtest.RoleTown, id, `{"status":"closed"}`, 200)
	ticketPatch(e, t, webtest.RoleAdmin, id, `{"status":"resolved","note":"x"}`, 409)

	d := getTicket(e, t, webtest.RoleAdmin, id)
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
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/audit?entity=ticket&entity_id="+strconv.FormatInt(id, 10)+"&per_page=100", webtest.Payload{})
	var audit struct {
		Total int `json:"total"`
	}
	r.Decode(t, &audit)
	if audit.Total != len(want) {
		t.Errorf("%d audit entries, want one per step (%d)", audit.Total, len(want))
	}
	for _, p := range []string{"/api/v1/tickets/0", "/api/v1/tickets/abc", "/api/v1/tickets/999999"} {
		if r := e.As(t, webtest.RoleAdmin, "GET", p, webtest.Payload{}); r.Status != 404 {
			t.Errorf("GET %s: %d", p, r.Status)
		}
	}
	e.Clock.Set(ticketDay)
}

func testTicketMatching(t *testing.T, e *webtest.Env) {
	// The 仙降 firm declares the non-woven fabric; tangA has nothing of it.
	if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents["xianA"]+"/products",
		webtest.RawJSON(`{"products":[{"product":"熔喷布","note":"BFE95，现货2吨"},"SMS无纺布"]}`)); r.Status != 200 {
		t.Fatalf("declare: %d %s", r.Status, r.Body)
	}
	k := raiseTicket(e, t, webtest.RoleClerk, map[string]string{"enterprise": e.Ents["tangB"], "category": "raw_materials", "urgency": "high",
		"title": "防护服原料熔喷布不足", "description": "复工后原料不足"})
	path := "/api/v1/tickets/" + strconv.FormatInt(k.ID, 10)
	var sug struct {
		Items []tickets.Suggestion `json:"items"`
		Total int                  `json:"total"`
	}
	r := e.As(t, webtest.RoleBureauInsp, "GET", path+"/suggestions", webtest.Payload{})
	r.Decode(t, &sug)
	if sug.Total != 1 || sug.Items[0].USCC != e.Ents["xianA"] || !slices.Equal(sug.Items[0].Products, []string{"熔喷布", "SMS无纺布"}) {
		t.Fatalf("suggestions %s", r.Body)
	}
	// The town sees only its own firms: none declared it.
	r = e.As(t, webtest.RoleTown, "GET", path+"/suggestions", webtest.Payload{})
	if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"items":[]`)) {
		t.Errorf("the town's suggestions: %d %s", r.Status, r.Body)
	}

	ticketPatch(e, t, webtest.RoleCoord, k.ID, `{"status":"assigned","assignee":"group:supplies"}`, 200)
	closed := e.AddEnterprise(t, "MA2FFFF17", webtest.TownXianjiang, "below", "瑞安市已停业无纺布厂")
	if r := e.As(t, webtest.RoleAdmin, "PATCH", "/api/v1/enterprises/"+closed, webtest.RawJSON(`{"status":"closed"}`)); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		role, body string
		status     int
		field      string
	}{
		{webtest.RoleSupplies, `{"uscc":"` + e.Ents["tangB"] + `"}`, 400, "uscc"}, // the raiser itself
		{webtest.RoleSupplies, `{"uscc":"` + closed + `"}`, 400, "uscc"},          // closed down
		{webtest.RoleSupplies, `{"uscc":""}`, 400, "uscc"},
		{webtest.RoleSupplies, `{"uscc":"91330381MA2ZZZZ99X"}`, 404, "uscc"},
		{webtest.RoleBureauInsp, `{"uscc":"` + e.Ents["xianA"] + `"}`, 403, ""},
		{webtest.RoleSupplies, `{"uscc":"` + e.Ents["xianA"] + `","extra":1}`, 400, "extra"},
	} {
		r := e.As(t, c.role, "PUT", path+"/supplier", webtest.RawJSON(c.body))
		if r.Status != c.status || r.Err(t).Error.Field != c.field {
			t.Errorf("%s %s: %d %s", c.role, c.body, r.Status, r.Body)
		}
	}
	r = e.As(t, webtest.RoleSupplies, "PUT", path+"/supplier", webtest.RawJSON(`{"uscc":"`+e.Ents["xianA"]+`","note":"有现货"}`))
	if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"name":"瑞安市仙降鞋业有限公司"`)) {
		t.Fatalf("choose: %d %s", r.Status, r.Body)
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
		if r := e.As(t, webtest.RoleSupplies, "POST", path+"/passes", webtest.RawJSON(c.body)); r.Status != c.status || r.Err(t).Error.Field != c.field {
			t.Errorf("pass %s: %d %s", c.body, r.Status, r.Body)
		}
	}
	r = e.As(t, webtest.RoleSupplies, "POST", path+"/passes", webtest.RawJSON(`{"plate":"浙c·3l580","route":"仙降—塘下","valid_from":"2020-02-03T07:00:00+08:00","valid_to":"2020-02-03T23:00:00+08:00","note":"随车护送"}`))
	if r.Status != 201 || !bytes.Contains(r.Body, []byte(`"plate":"浙C3L580"`)) || !bytes.Contains(r.Body, []byte(`"valid_from":"2020-02-03T07:00:00+08:00"`)) {
		t.Errorf("pass: %d %s", r.Status, r.Body)
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
		if r := e.As(t, webtest.RoleSupplies, "POST", path+"/deliveries", webtest.RawJSON(c.body)); r.Status != 400 || r.Err(t).Error.Field != c.field {
			t.Errorf("delivery %s: %d %s", c.body, r.Status, r.Body)
		}
	}
	r = e.As(t, webtest.RoleSupplies, "POST", path+"/deliveries", webtest.RawJSON(`{"quantity":2,"unit":"吨","date":"2020-02-02","note":"22:00 运抵"}`))
	if r.Status != 201 || !bytes.Contains(r.Body, []byte(`"supplier":"`+e.Ents["xianA"]+`"`)) {
		t.Errorf("delivery: %d %s", r.Status, r.Body)
	}
	d := getTicket(e, t, webtest.RoleClerk, k.ID)
	if len(d.Passes) != 1 || len(d.Deliveries) != 1 || d.Supplier == nil || d.Supplier.USCC != e.Ents["xianA"] {
		t.Errorf("detail %+v", d)
	}
	// Once closed, nothing more is recorded.
	ticketPatch(e, t, webtest.RoleSupplies, k.ID, `{"status":"in_progress"}`, 200)
	ticketPatch(e, t, webtest.RoleSupplies, k.ID, `{"status":"resolved","note":"原料已送达"}`, 200)
	ticketPatch(e, t, webtest.RoleClerk, k.ID, `{"status":"closed"}`, 200)
	if r := e.As(t, webtest.RoleSupplies, "POST", path+"/passes", passBody(t, e, "")); r.Status != 409 {
		t.Errorf("a pass on a closed ticket: %d %s", r.Status, r.Body)
	}
	// A logistics ticket gets no suggestions and no supplier.
	l := raiseTicket(e, t, webtest.RoleAdmin, map[string]string{"enterprise": e.Ents["tangA"], "category": "logistics", "urgency": "low",
		"title": "熔喷布运不出去", "description": "x"})
	lp := "/api/v1/tickets/" + strconv.FormatInt(l.ID, 10)
	if r := e.As(t, webtest.RoleAdmin, "GET", lp+"/suggestions", webtest.Payload{}); !bytes.Contains(r.Body, []byte(`"items":[],"total":0`)) {
		t.Errorf("logistics suggestions %s", r.Body)
	}
	if r := e.As(t, webtest.RoleAdmin, "PUT", lp+"/supplier", webtest.RawJSON(`{"uscc":"`+e.Ents["xianA"]+`"}`)); r.Status != 409 {
		t.Errorf("a supplier for logistics: %d %s", r.Status, r.Body)
	}
}

func testTicketLists(t *testing.T, e *webtest.Env) {
	all := listTickets(e, t, webtest.RoleAdmin, "per_page=500")
	if all.Total == 0 || all.PerPage != 500 || all.Page != 1 {
		t.Fatalf("list %+v", all)
	}
	for _, role := range webtest.Roles {
		l := listTickets(e, t, role, "per_page=500")
		for _, k := range l.Items {
			if !slices.Contains(e.Codes(webtest.InScope[role]), k.Enterprise) {
				t.Errorf("%s lists a ticket of %s", role, k.Enterprise)
			}
		}
	}
	byStatus := listTickets(e, t, webtest.RoleAdmin, "status=closed&per_page=500")
	for _, k := range byStatus.Items {
		if k.Status != "closed" {
			t.Errorf("status=closed lists %s", k.Status)
		}
	}
	if byStatus.Total == 0 {
		t.Error("no closed tickets listed")
	}
	// Two days on, every open high ticket is overdue.
	e.Clock.Set(ticketDay.Add(48 * time.Hour))
	over := listTickets(e, t, webtest.RoleAdmin, "overdue=true&per_page=500")
	notOver := listTickets(e, t, webtest.RoleAdmin, "overdue=false&per_page=500")
	if over.Total == 0 || over.Total+notOver.Total != all.Total {
		t.Errorf("overdue %d + not %d != %d", over.Total, notOver.Total, all.Total)
	}
	for _, k := range over.Items {
		if !k.Overdue || k.Status == "resolved" || k.Status == "closed" {
			t.Errorf("overdue lists %+v", k)
		}
	}
	mine := listTickets(e, t, webtest.RoleSupplies, "assignee=me&per_page=500")
	for _, k := range mine.Items {
		if k.Assignee != "group:supplies" && k.Assignee != "u-supplies" {
			t.Errorf("assignee=me lists %q", k.Assignee)
		}
	}
	page := listTickets(e, t, webtest.RoleAdmin, "per_page=1&page=2")
	if len(page.Items) != 1 || page.Items[0].ID != all.Items[1].ID {
		t.Errorf("page 2 of 1: %+v", page.Items)
	}
	for _, q := range []string{"status=open", "category=money", "overdue=maybe", "per_page=501", "town=龙港", "enterprise=123", "page=-1"} {
		if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/tickets?"+q, webtest.Payload{}); r.Status != 400 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/tickets/stats", webtest.Payload{})
	var st tickets.Stats
	r.Decode(t, &st)
	if st.All.Total != all.Total || st.All.Overdue != over.Total || len(st.Categories) != 7 || st.Categories[1].AvgHours == nil {
		t.Errorf("stats %s", r.Body)
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/tickets/export?format=csv&status=closed", webtest.Payload{})
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !bytes.Contains(r.Body, []byte("货车无法出镇送货")) ||
		bytes.Contains(r.Body, []byte("熔喷布运不出去")) {
		t.Errorf("export: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/tickets/export", webtest.Payload{})
	if r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("PK")) {
		t.Errorf("xlsx export: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	e.Clock.Set(ticketDay)
}

func testTicketSLA(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleClerk, "GET", "/api/v1/settings/ticket-sla", webtest.Payload{})
	if r.Status != 200 || string(bytes.TrimSpace(r.Body)) != `{"urgent":4,"high":24,"normal":72,"low":168}` {
		t.Fatalf("default SLA: %d %s", r.Status, r.Body)
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
		if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/settings/ticket-sla", webtest.RawJSON(c.body)); r.Status != 400 || r.Err(t).Error.Field != c.field {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Body)
		}
	}
	if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/settings/ticket-sla", webtest.RawJSON(`{"urgent":2,"high":12,"normal":48,"low":96}`)); r.Status != 200 {
		t.Fatalf("put: %d %s", r.Status, r.Body)
	}
	k := raiseTicket(e, t, webtest.RoleTown, map[string]string{"enterprise": e.Ents["tangA"], "category": "labour", "urgency": "urgent",
		"title": "缺普工", "description": "x"})
	if !k.DueAt.Equal(k.RaisedAt.Add(2 * time.Hour)) {
		t.Errorf("due %v, raised %v: want 2 hours", k.DueAt, k.RaisedAt)
	}
	e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/settings/ticket-sla", webtest.RawJSON(`{"urgent":4,"high":24,"normal":72,"low":168}`))
}

func testProducts(t *testing.T, e *webtest.Env) {
	path := "/api/v1/enterprises/" + e.Ents["tangB"] + "/products"
	for _, c := range []struct {
		body  string
		field string
	}{
		{`{}`, "products"},
		{`{"products":["熔喷布","熔喷布"]}`, "products[1].product"},
		{`{"products":[""]}`, "products[0].product"},
		{`{"products":[{"product":"布","colour":"white"}]}`, "colour"},
	} {
		if r := e.As(t, webtest.RoleClerk, "PUT", path, webtest.RawJSON(c.body)); r.Status != 400 || r.Err(t).Error.Field != c.field {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Body)
		}
	}
	r := e.As(t, webtest.RoleClerk, "PUT", path, webtest.RawJSON(`{"products":[" 熔喷布 ",{"product":"无纺布","note":"日产5吨"}]}`))
	if r.Status != 200 || string(bytes.TrimSpace(r.Body)) != `{"items":[{"product":"熔喷布","note":""},{"product":"无纺布","note":"日产5吨"}],"total":2}` {
		t.Fatalf("put: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleTown, "GET", path, webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(`"total":2`)) {
		t.Errorf("get: %s", r.Body)
	}
	if r := e.As(t, webtest.RoleClerk, "PUT", path, webtest.RawJSON(`{"products":[]}`)); r.Status != 200 || !bytes.Contains(r.Body, []byte(`"items":[]`)) {
		t.Errorf("clear: %d %s", r.Status, r.Body)
	}
}
