package tickets_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/url"
	"strconv"
	"testing"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
	webtickets "fugong/web/tickets"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webtickets.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webtickets.New(e.Services.Tickets), scopeCases)
	})
}

// scopeCases are the difficulty tickets' routes walked by every role.
// Each role works a ticket of its own (made by path), so one role's move
// does not decide what the next one may do. No fixture user is in the
// coordination group, so only the admin assigns here, and the tickets to
// work are assigned to the statistics group.
//
// The pages follow the API: what a role may not see is 404, what it sees
// but may not do is 403 (the ticket page shown again with the refusal),
// and a form post that succeeds is a 303.
var scopeCases = []webtest.ScopeCase{
	{Method: "POST", Route: "/api/v1/tickets", Target: "tangA", Body: raiseBody("tangA"), Want: webtest.By(201, 201, 201, 201, 201, 404, 403)},
	{Method: "POST", Route: "/api/v1/tickets", Target: "tangB", Body: raiseBody("tangB"), Want: webtest.By(201, 201, 201, 201, 404, 201, 403)},
	{Method: "POST", Route: "/api/v1/tickets", Target: "xianA", Body: raiseBody("xianA"), Want: webtest.By(201, 201, 201, 404, 404, 404, 403)},
	{Method: "POST", Route: "/api/v1/tickets", Target: "tangB", Note: "multipart with a PDF", Body: raiseMultipart("tangB"),
		Want: webtest.By(201, 201, 201, 201, 404, 201, 403)},
	{Method: "GET", Route: "/api/v1/tickets", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/tickets/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/tickets/stats", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/tickets/assignees/suggest", Note: "q=测试", Want: webtest.By(200, 200, 200, 404, 404, 404, 404),
		Path: func(*webtest.Env, string) string { return "/api/v1/tickets/assignees/suggest?q=%E6%B5%8B%E8%AF%95" }},
	{Method: "GET", Route: ticketRoute, Target: "tangA", Path: ticketPath("tangA", tickets.StatusNew, ""), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: ticketRoute, Target: "tangB", Path: ticketPath("tangB", tickets.StatusNew, ""), Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: ticketRoute, Target: "xianA", Path: ticketPath("xianA", tickets.StatusNew, ""), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	// Assigning is the coordination group's (and the admin's).
	{Method: "PATCH", Route: ticketRoute, Target: "tangA", Note: "assign", Path: ticketPath("tangA", tickets.StatusNew, ""),
		Body: moveBody(tickets.StatusAssigned, "group:supplies", ""), Want: webtest.By(200, 403, 403, 403, 403, 404, 404)},
	{Method: "PATCH", Route: ticketRoute, Target: "xianA", Note: "assign", Path: ticketPath("xianA", tickets.StatusNew, ""),
		Body: moveBody(tickets.StatusAssigned, "group:supplies", ""), Want: webtest.By(200, 403, 403, 404, 404, 404, 404)},
	// Working it is the assignee's: here the statistics group.
	{Method: "PATCH", Route: ticketRoute, Target: "tangA", Note: "start", Path: ticketPath("tangA", tickets.StatusAssigned, ""),
		Body: moveBody(tickets.StatusInProgress, "", ""), Want: webtest.By(200, 200, 403, 403, 403, 404, 404)},
	// Closing is the raising side's: the enterprise's clerk and its town.
	{Method: "PATCH", Route: ticketRoute, Target: "tangB", Note: "close", Path: ticketPath("tangB", tickets.StatusResolved, ""),
		Body: moveBody(tickets.StatusClosed, "", ""), Want: webtest.By(200, 403, 403, 200, 404, 200, 404)},
	// A move the workflow does not have is a conflict for whoever sees it.
	{Method: "PATCH", Route: ticketRoute, Target: "tangA", Note: "new to resolved", Path: ticketPath("tangA", tickets.StatusNew, ""),
		Body: moveBody(tickets.StatusResolved, "", "已解决"), Want: webtest.By(409, 409, 409, 409, 409, 404, 404)},
	{Method: "GET", Route: ticketRoute + "/suggestions", Target: "tangA", Path: ticketPath("tangA", tickets.StatusNew, "/suggestions"),
		Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "PUT", Route: ticketRoute + "/supplier", Target: "tangA", Path: ticketPath("tangA", tickets.StatusAssigned, "/supplier"),
		Body: supplierBody("tangB"), Want: webtest.By(200, 200, 403, 403, 403, 404, 404)},
	{Method: "POST", Route: ticketRoute + "/passes", Target: "tangA", Path: ticketPath("tangA", tickets.StatusAssigned, "/passes"),
		Body: passBody, Want: webtest.By(201, 201, 403, 403, 403, 404, 404)},
	{Method: "POST", Route: ticketRoute + "/deliveries", Target: "tangA", Path: ticketPath("tangA", "supplied", "/deliveries"),
		Body: deliveryBody, Want: webtest.By(201, 201, 403, 403, 403, 404, 404)},
	{Method: "GET", Route: "/api/v1/settings/ticket-sla", Want: webtest.Every(200)},
	{Method: "PUT", Route: "/api/v1/settings/ticket-sla", Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
		return webtest.RawJSON(`{"urgent":4,"high":24,"normal":72,"low":168}`)
	}, Want: webtest.By(200, 403, 403, 403, 403, 403, 403)},
	{Method: "GET", Route: productsRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: productsRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: productsRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	// The clerk, the town and the bureau declare products; a cadre does not.
	{Method: "PUT", Route: productsRoute, Target: "tangA", Body: productsBody, Want: webtest.By(200, 200, 200, 200, 403, 404, 404)},
	{Method: "PUT", Route: productsRoute, Target: "tangB", Body: productsBody, Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "PUT", Route: productsRoute, Target: "xianA", Body: productsBody, Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},

	// The pages. A checkpoint raises no tickets and sees none.
	{Method: "GET", Route: "/tickets", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/tickets/new", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	// A clerk raises for their own firm whatever the form says; a firm out
	// of scope is a mistake in the form's enterprise field (404).
	{Method: "POST", Route: "/tickets", Target: "tangA", Body: raiseForm("tangA"), Want: webtest.By(303, 303, 303, 303, 303, 303, 404)},
	{Method: "POST", Route: "/tickets", Target: "xianA", Body: raiseForm("xianA"), Want: webtest.By(303, 303, 303, 404, 404, 303, 404)},
	{Method: "GET", Route: "/tickets/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/tickets/stats", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/tickets/sla", Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/tickets/sla", Body: form(url.Values{"urgent": {"4"}, "high": {"24"}, "normal": {"72"}, "low": {"168"}}),
		Want: webtest.AdminOnly(303)},
	{Method: "GET", Route: ticketPage, Target: "tangA", Path: ticketPagePath("tangA", tickets.StatusNew, ""), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: ticketPage, Target: "tangB", Path: ticketPagePath("tangB", tickets.StatusNew, ""), Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: ticketPage, Target: "xianA", Path: ticketPagePath("xianA", tickets.StatusNew, ""), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: ticketPage + "/move", Target: "tangA", Note: "assign", Path: ticketPagePath("tangA", tickets.StatusNew, "/move"),
		Body: form(url.Values{"status": {tickets.StatusAssigned}, "assignee_group": {"group:supplies"}}), Want: webtest.By(303, 403, 403, 403, 403, 404, 404)},
	{Method: "POST", Route: ticketPage + "/move", Target: "tangB", Note: "close", Path: ticketPagePath("tangB", tickets.StatusResolved, "/move"),
		Body: form(url.Values{"status": {tickets.StatusClosed}}), Want: webtest.By(303, 403, 403, 303, 404, 303, 404)},
	{Method: "POST", Route: ticketPage + "/supplier", Target: "tangA", Path: ticketPagePath("tangA", tickets.StatusAssigned, "/supplier"),
		Body: supplierForm("tangB"), Want: webtest.By(303, 303, 403, 403, 403, 404, 404)},
	{Method: "POST", Route: ticketPage + "/passes", Target: "tangA", Path: ticketPagePath("tangA", tickets.StatusAssigned, "/passes"),
		Body: form(url.Values{"plate": {"浙C12345"}, "route": {"瑞安—龙港"}, "valid_from": {"2020-02-03T07:00"}, "valid_to": {"2020-02-03T23:00"}}),
		Want: webtest.By(303, 303, 403, 403, 403, 404, 404)},
	{Method: "POST", Route: ticketPage + "/deliveries", Target: "tangA", Path: ticketPagePath("tangA", "supplied", "/deliveries"),
		Body: deliveryForm, Want: webtest.By(303, 303, 403, 403, 403, 404, 404)},
	{Method: "GET", Route: productsPage, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: productsPage, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: productsPage, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: productsPage, Target: "tangA", Body: productsForm, Want: webtest.By(303, 303, 303, 303, 403, 404, 404)},
	{Method: "POST", Route: productsPage, Target: "tangB", Body: productsForm, Want: webtest.By(303, 303, 303, 303, 404, 303, 404)},
	{Method: "POST", Route: productsPage, Target: "xianA", Body: productsForm, Want: webtest.By(303, 303, 303, 404, 404, 404, 404)},
}

const (
	ticketRoute   = "/api/v1/tickets/{id}"
	productsRoute = "/api/v1/enterprises/{uscc}/products"
	ticketPage    = "/tickets/{id}"
	productsPage  = "/enterprises/{uscc}/products"
)

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

func raiseForm(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.Form(url.Values{"enterprise": {e.Ents[key]}, "category": {"labour"}, "urgency": {"normal"},
			"title": {"缺普工 " + role}, "description": {"复工缺普工20名"}})
	}
}

func supplierForm(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.Form(url.Values{"uscc": {e.Ents[key]}, "note": {"有现货"}})
	}
}

func deliveryForm(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.Form(url.Values{"quantity": {"2"}, "unit": {"吨"}, "date": {e.Today()}})
}

var productsForm = form(url.Values{"product": {"熔喷布", "", "无纺布"}, "note": {"", "", "日产5吨"}})

func raiseBody(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.JSON(map[string]string{"enterprise": e.Ents[key], "category": "raw_materials", "urgency": "high",
			"title": "熔喷布短缺 " + role, "description": "复工后原料不足"})
	}
}

// ticketMultipart is a raise as a multipart form: the JSON in "ticket", the
// files (name, content pairs, in order) in "attachment".
func ticketMultipart(t testing.TB, ticket string, files ...[2]string) webtest.Payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("ticket", ticket); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile("attachment", f[0])
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(f[1]))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return webtest.Payload{CType: mw.FormDataContentType(), Data: buf.Bytes()}
}

func raiseMultipart(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return ticketMultipart(t, `{"enterprise":"`+e.Ents[key]+`","category":"supplies","urgency":"urgent","title":"口罩不足","description":"28人，口罩50个"}`,
			[2]string{"说明.pdf", webtest.MinimalPDF})
	}
}

func moveBody(status, assignee, note string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload {
		return webtest.JSON(map[string]string{"status": status, "assignee": assignee, "note": note})
	}
}

func supplierBody(key string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		return webtest.JSON(map[string]string{"uscc": e.Ents[key], "note": "有现货"})
	}
}

func passBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.RawJSON(`{"plate":"浙C12345","route":"瑞安—龙港","valid_from":"2020-02-03T07:00:00+08:00","valid_to":"2020-02-03T23:00:00+08:00"}`)
}

func deliveryBody(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.JSON(map[string]any{"quantity": 2, "unit": "吨", "date": e.Today()})
}

func productsBody(*testing.T, *webtest.Env, string) webtest.Payload {
	return webtest.RawJSON(`{"products":["熔喷布",{"product":"无纺布","note":"日产5吨"}]}`)
}

// ticketPath makes a raw-material ticket of fixture key, brings it to
// status as the system (assigned to the statistics group; "supplied" is
// assigned with tangB chosen as its supplier) and returns its path with
// suffix.
func ticketPath(key, status, suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		return "/api/v1/tickets/" + strconv.FormatInt(ticketIn(e, key, status), 10) + suffix
	}
}

// ticketPagePath is ticketPath's ticket page.
func ticketPagePath(key, status, suffix string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		return "/tickets/" + strconv.FormatInt(ticketIn(e, key, status), 10) + suffix
	}
}

// ticketIn makes a ticket of fixture key in status (see ticketPath). It
// panics on failure: it runs where no test is at hand, and a broken setup
// must not pass for a refusal.
func ticketIn(e *webtest.Env, key, status string) int64 {
	ctx := context.Background()
	svc := e.Services.Tickets
	k, err := svc.Raise(ctx, fugong.System, tickets.NewTicket{Enterprise: e.Ents[key], Category: tickets.CategoryRawMaterials,
		Urgency: tickets.UrgencyHigh, Title: "防护服生产原料熔喷布不足", Description: "急需熔喷布"}, nil)
	if err != nil {
		panic(err)
	}
	moves := map[string][]tickets.Move{
		tickets.StatusNew:      nil,
		tickets.StatusAssigned: {{Status: tickets.StatusAssigned, Assignee: "group:statistics"}},
		"supplied":             {{Status: tickets.StatusAssigned, Assignee: "group:statistics"}},
		tickets.StatusResolved: {{Status: tickets.StatusAssigned, Assignee: "group:statistics"}, {Status: tickets.StatusInProgress},
			{Status: tickets.StatusResolved, Note: "已解决"}},
	}
	steps, ok := moves[status]
	if !ok {
		panic("ticketIn: no way to " + status)
	}
	for _, m := range steps {
		if _, err := svc.Move(ctx, fugong.System, k.ID, m); err != nil {
			panic(err)
		}
	}
	if status == "supplied" {
		if _, err := svc.ChooseSupplier(ctx, fugong.System, k.ID, e.Ents["tangB"], ""); err != nil {
			panic(err)
		}
	}
	return k.ID
}
