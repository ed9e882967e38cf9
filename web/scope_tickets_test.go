package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"strconv"
	"testing"

	"fugong"
	"fugong/tickets"
)

// ticketsScopeCases are the difficulty tickets' routes walked by every role.
// Each role works a ticket of its own (made by path), so one role's move
// does not decide what the next one may do. Statuses are by(admin,
// bureau-stat, bureau-insp, town, cadre, clerk, checkpoint); no fixture user
// is in the coordination group, so only the admin assigns here, and the
// tickets to work are assigned to the statistics group.
var ticketsScopeCases = []scopeCase{
	{method: "POST", route: "/api/v1/tickets", target: "tangA", body: raiseBody("tangA"), want: by(201, 201, 201, 201, 201, 404, 403)},
	{method: "POST", route: "/api/v1/tickets", target: "tangB", body: raiseBody("tangB"), want: by(201, 201, 201, 201, 404, 201, 403)},
	{method: "POST", route: "/api/v1/tickets", target: "xianA", body: raiseBody("xianA"), want: by(201, 201, 201, 404, 404, 404, 403)},
	{method: "POST", route: "/api/v1/tickets", target: "tangB", note: "multipart with a PDF", body: raiseMultipart("tangB"),
		want: by(201, 201, 201, 201, 404, 201, 403)},
	{method: "GET", route: "/api/v1/tickets", want: every(200)},
	{method: "GET", route: "/api/v1/tickets/export", want: every(200)},
	{method: "GET", route: "/api/v1/tickets/stats", want: every(200)},
	{method: "GET", route: ticketRoute, target: "tangA", path: ticketPath("tangA", tickets.StatusNew, ""), want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: ticketRoute, target: "tangB", path: ticketPath("tangB", tickets.StatusNew, ""), want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: ticketRoute, target: "xianA", path: ticketPath("xianA", tickets.StatusNew, ""), want: by(200, 200, 200, 404, 404, 404, 404)},
	// Assigning is the coordination group's (and the admin's).
	{method: "PATCH", route: ticketRoute, target: "tangA", note: "assign", path: ticketPath("tangA", tickets.StatusNew, ""),
		body: moveBody(tickets.StatusAssigned, "group:supplies", ""), want: by(200, 403, 403, 403, 403, 404, 404)},
	{method: "PATCH", route: ticketRoute, target: "xianA", note: "assign", path: ticketPath("xianA", tickets.StatusNew, ""),
		body: moveBody(tickets.StatusAssigned, "group:supplies", ""), want: by(200, 403, 403, 404, 404, 404, 404)},
	// Working it is the assignee's: here the statistics group.
	{method: "PATCH", route: ticketRoute, target: "tangA", note: "start", path: ticketPath("tangA", tickets.StatusAssigned, ""),
		body: moveBody(tickets.StatusInProgress, "", ""), want: by(200, 200, 403, 403, 403, 404, 404)},
	// Closing is the raising side's: the enterprise's clerk and its town.
	{method: "PATCH", route: ticketRoute, target: "tangB", note: "close", path: ticketPath("tangB", tickets.StatusResolved, ""),
		body: moveBody(tickets.StatusClosed, "", ""), want: by(200, 403, 403, 200, 404, 200, 404)},
	// A move the workflow does not have is a conflict for whoever sees it.
	{method: "PATCH", route: ticketRoute, target: "tangA", note: "new to resolved", path: ticketPath("tangA", tickets.StatusNew, ""),
		body: moveBody(tickets.StatusResolved, "", "已解决"), want: by(409, 409, 409, 409, 409, 404, 404)},
	{method: "GET", route: ticketRoute + "/suggestions", target: "tangA", path: ticketPath("tangA", tickets.StatusNew, "/suggestions"),
		want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "PUT", route: ticketRoute + "/supplier", target: "tangA", path: ticketPath("tangA", tickets.StatusAssigned, "/supplier"),
		body: supplierBody("tangB"), want: by(200, 200, 403, 403, 403, 404, 404)},
	{method: "POST", route: ticketRoute + "/passes", target: "tangA", path: ticketPath("tangA", tickets.StatusAssigned, "/passes"),
		body: passBody, want: by(201, 201, 403, 403, 403, 404, 404)},
	{method: "POST", route: ticketRoute + "/deliveries", target: "tangA", path: ticketPath("tangA", "supplied", "/deliveries"),
		body: deliveryBody, want: by(201, 201, 403, 403, 403, 404, 404)},
	{method: "GET", route: "/api/v1/settings/ticket-sla", want: every(200)},
	{method: "PUT", route: "/api/v1/settings/ticket-sla", body: func(*testing.T, *testEnv, string) payload {
		return rawJSON(`{"urgent":4,"high":24,"normal":72,"low":168}`)
	}, want: by(200, 403, 403, 403, 403, 403, 403)},
	{method: "GET", route: productsRoute, target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: productsRoute, target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: productsRoute, target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	// The clerk, the town and the bureau declare products; a cadre does not.
	{method: "PUT", route: productsRoute, target: "tangA", body: productsBody, want: by(200, 200, 200, 200, 403, 404, 404)},
	{method: "PUT", route: productsRoute, target: "tangB", body: productsBody, want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "PUT", route: productsRoute, target: "xianA", body: productsBody, want: by(200, 200, 200, 404, 404, 404, 404)},
}

const (
	ticketRoute   = "/api/v1/tickets/{id}"
	productsRoute = "/api/v1/enterprises/{uscc}/products"
)

func raiseBody(key string) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		return jsonBody(map[string]string{"enterprise": e.ents[key], "category": "raw_materials", "urgency": "high",
			"title": "熔喷布短缺 " + role, "description": "复工后原料不足"})
	}
}

// ticketMultipart is a raise as a multipart form: the JSON in "ticket", the
// files (name, content pairs, in order) in "attachment".
func ticketMultipart(t testing.TB, ticket string, files ...[2]string) payload {
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
	return payload{mw.FormDataContentType(), buf.Bytes()}
}

func raiseMultipart(key string) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		return ticketMultipart(t, `{"enterprise":"`+e.ents[key]+`","category":"supplies","urgency":"urgent","title":"口罩不足","description":"28人，口罩50个"}`,
			[2]string{"说明.pdf", minimalPDF})
	}
}

func moveBody(status, assignee, note string) func(*testing.T, *testEnv, string) payload {
	return func(*testing.T, *testEnv, string) payload {
		return jsonBody(map[string]string{"status": status, "assignee": assignee, "note": note})
	}
}

func supplierBody(key string) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		return jsonBody(map[string]string{"uscc": e.ents[key], "note": "有现货"})
	}
}

func passBody(*testing.T, *testEnv, string) payload {
	return rawJSON(`{"plate":"浙C12345","route":"瑞安—龙港","valid_from":"2020-02-03T07:00:00+08:00","valid_to":"2020-02-03T23:00:00+08:00"}`)
}

func deliveryBody(t *testing.T, e *testEnv, role string) payload {
	return jsonBody(map[string]any{"quantity": 2, "unit": "吨", "date": e.today()})
}

func productsBody(*testing.T, *testEnv, string) payload {
	return rawJSON(`{"products":["熔喷布",{"product":"无纺布","note":"日产5吨"}]}`)
}

// ticketPath makes a raw-material ticket of fixture key, brings it to
// status as the system (assigned to the statistics group; "supplied" is
// assigned with tangB chosen as its supplier) and returns its path with
// suffix.
func ticketPath(key, status, suffix string) func(*testEnv, string) string {
	return func(e *testEnv, role string) string {
		id := e.ticketIn(key, status)
		return "/api/v1/tickets/" + strconv.FormatInt(id, 10) + suffix
	}
}

// ticketIn makes a ticket of fixture key in status (see ticketPath). It
// panics on failure: it runs where no test is at hand, and a broken setup
// must not pass for a refusal.
func (e *testEnv) ticketIn(key, status string) int64 {
	ctx := context.Background()
	svc := e.deps.Tickets
	k, err := svc.Raise(ctx, fugong.System, tickets.NewTicket{Enterprise: e.ents[key], Category: tickets.CategoryRawMaterials,
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
		if _, err := svc.ChooseSupplier(ctx, fugong.System, k.ID, e.ents["tangB"], ""); err != nil {
			panic(err)
		}
	}
	return k.ID
}
