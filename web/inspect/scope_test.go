package inspect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/store"
	"fugong/store/storetest"
	webinspect "fugong/web/inspect"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webinspect.New(nil, nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webinspect.New(e.Services.Inspect, e.Services.Oversight), scopeCases)
	})
}

// scopeCases walk the inspections' routes (M3) and their reach. The
// inspection group, the admin, the town and the paired cadre record
// visits; the statistics group and the clerk read but may not (403), out
// of scope is 404. The enterprise's side rectifies, the inspection group
// verifies or sends back, any other move is a conflict. Only the admin
// writes the checklist templates. Everyone with enterprises in scope
// reads the coverage and the cadres' duty of that scope (what each sees
// is TestCoverageAPI's).
//
// The pages follow the API, but a checkpoint, which the inspections do
// not concern (inspect.CanSee), is refused every page (404) where the API
// answers it an empty list or the shared templates; a form post that
// succeeds is a 303, one refused shows the form again with the status of
// the refusal.
//
// Statuses are webtest.By(admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint).
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: "/api/v1/checklists", Want: webtest.Every(200)},
	{Method: "POST", Route: "/api/v1/checklists", Body: newChecklistBody, Want: webtest.By(201, 403, 403, 403, 403, 403, 403)},
	{Method: "GET", Route: "/api/v1/checklists/{id}", Note: "六必查", Path: func(*webtest.Env, string) string { return "/api/v1/checklists/2" }, Want: webtest.Every(200)},
	reviseCase("PUT", "/api/v1/checklists/{id}", webtest.By(200, 403, 403, 403, 403, 403, 403)),
	{Method: "POST", Route: visitsRoute, Target: "tangA", Body: visitBody(false), Want: webtest.By(201, 403, 201, 201, 201, 404, 404)},
	{Method: "POST", Route: visitsRoute, Target: "tangB", Body: visitBody(false), Want: webtest.By(201, 403, 201, 201, 404, 403, 404)},
	{Method: "POST", Route: visitsRoute, Target: "xianA", Body: visitBody(false), Want: webtest.By(201, 403, 201, 404, 404, 404, 404)},
	{Method: "POST", Route: visitsRoute, Target: "tangA", Note: "multipart with a photo", Body: visitBody(true), Want: webtest.By(201, 403, 201, 201, 201, 404, 404)},
	{Method: "GET", Route: visitsRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: visitsRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: visitsRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	recordCase("GET", "/api/v1/visits/{id}", "tangA", webtest.By(200, 200, 200, 200, 200, 404, 404)),
	recordCase("GET", "/api/v1/visits/{id}", "tangB", webtest.By(200, 200, 200, 200, 404, 200, 404)),
	recordCase("GET", "/api/v1/visits/{id}", "xianA", webtest.By(200, 200, 200, 404, 404, 404, 404)),
	{Method: "GET", Route: "/api/v1/rectifications", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/rectifications/export", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/rectifications/towns", Want: webtest.Every(200)},
	recordCase("GET", rectRoute, "tangA", webtest.By(200, 200, 200, 200, 200, 404, 404)),
	recordCase("GET", rectRoute, "tangB", webtest.By(200, 200, 200, 200, 404, 200, 404)),
	recordCase("GET", rectRoute, "xianA", webtest.By(200, 200, 200, 404, 404, 404, 404)),
	// Each role moves a rectification of its own, set up in the status the move starts from.
	moveCase("PATCH", rectRoute, "tangA", "", inspect.StatusRectified, webtest.By(200, 403, 403, 200, 200, 404, 404)),
	moveCase("PATCH", rectRoute, "tangB", "", inspect.StatusRectified, webtest.By(200, 403, 403, 200, 404, 200, 404)),
	moveCase("PATCH", rectRoute, "xianA", "", inspect.StatusRectified, webtest.By(200, 403, 403, 404, 404, 404, 404)),
	moveCase("PATCH", rectRoute, "tangA", inspect.StatusRectified, inspect.StatusVerified, webtest.By(200, 403, 200, 403, 403, 404, 404)),
	moveCase("PATCH", rectRoute, "tangB", inspect.StatusRectified, inspect.StatusOpen, webtest.By(200, 403, 200, 403, 404, 403, 404)),
	moveCase("PATCH", rectRoute, "tangA", "", inspect.StatusVerified, webtest.By(409, 409, 409, 409, 409, 404, 404)),
	moveCase("PATCH", rectRoute, "tangB", inspect.StatusVerified, inspect.StatusOpen, webtest.By(409, 409, 409, 409, 404, 409, 404)),
	{Method: "GET", Route: "/api/v1/inspections/coverage", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/inspections/coverage", Note: "from after to", Want: webtest.By(400, 400, 400, 400, 400, 400, 404),
		Path: func(*webtest.Env, string) string { return "/api/v1/inspections/coverage?from=2020-02-10&to=2020-02-01" }},
	{Method: "GET", Route: "/api/v1/inspections/cadres", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},

	// The pages.
	{Method: "GET", Route: "/rectifications", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/rectifications", Note: "status=bad", Want: webtest.By(200, 200, 200, 200, 200, 200, 404),
		Path: func(*webtest.Env, string) string { return "/rectifications?status=bad" }},
	{Method: "GET", Route: "/rectifications/export", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	recordCase("GET", rectPage, "tangA", webtest.By(200, 200, 200, 200, 200, 404, 404)),
	recordCase("GET", rectPage, "tangB", webtest.By(200, 200, 200, 200, 404, 200, 404)),
	recordCase("GET", rectPage, "xianA", webtest.By(200, 200, 200, 404, 404, 404, 404)),
	moveCase("POST", rectPage, "tangA", "", inspect.StatusRectified, webtest.By(303, 403, 403, 303, 303, 404, 404)),
	moveCase("POST", rectPage, "tangB", "", inspect.StatusRectified, webtest.By(303, 403, 403, 303, 404, 303, 404)),
	moveCase("POST", rectPage, "xianA", "", inspect.StatusRectified, webtest.By(303, 403, 403, 404, 404, 404, 404)),
	moveCase("POST", rectPage, "tangA", inspect.StatusRectified, inspect.StatusVerified, webtest.By(303, 403, 303, 403, 403, 404, 404)),
	moveCase("POST", rectPage, "tangB", inspect.StatusRectified, inspect.StatusOpen, webtest.By(303, 403, 303, 403, 404, 403, 404)),
	moveCase("POST", rectPage, "tangA", "", inspect.StatusVerified, webtest.By(409, 409, 409, 409, 409, 404, 404)),
	{Method: "GET", Route: visitsPage, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: visitsPage, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: visitsPage, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: visitsPage + "/new", Target: "tangA", Want: webtest.By(200, 403, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: visitsPage + "/new", Target: "tangB", Want: webtest.By(200, 403, 200, 200, 404, 403, 404)},
	{Method: "GET", Route: visitsPage + "/new", Target: "xianA", Want: webtest.By(200, 403, 200, 404, 404, 404, 404)},
	// A template that is not current is not found, once the scope and the role are checked.
	{Method: "GET", Route: visitsPage + "/new", Target: "tangA", Note: "checklist=99", Want: webtest.By(404, 403, 404, 404, 404, 404, 404),
		Path: func(e *webtest.Env, role string) string { return e.PathFor(visitsPage, "tangA") + "/new?checklist=99" }},
	{Method: "POST", Route: visitsPage, Target: "tangA", Body: visitForm(true), Want: webtest.By(303, 403, 303, 303, 303, 404, 404)},
	{Method: "POST", Route: visitsPage, Target: "tangB", Body: visitForm(true), Want: webtest.By(303, 403, 303, 303, 404, 403, 404)},
	{Method: "POST", Route: visitsPage, Target: "xianA", Body: visitForm(true), Want: webtest.By(303, 403, 303, 404, 404, 404, 404)},
	// A form posted without its photos' encoding has no photos.
	{Method: "POST", Route: visitsPage, Target: "tangA", Note: "urlencoded", Body: visitForm(false), Want: webtest.By(303, 403, 303, 303, 303, 404, 404)},
	recordCase("GET", "/visits/{id}", "tangA", webtest.By(200, 200, 200, 200, 200, 404, 404)),
	recordCase("GET", "/visits/{id}", "tangB", webtest.By(200, 200, 200, 200, 404, 200, 404)),
	recordCase("GET", "/visits/{id}", "xianA", webtest.By(200, 200, 200, 404, 404, 404, 404)),
	{Method: "GET", Route: "/checklists", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/checklists", Body: newChecklistForm, Want: webtest.By(303, 403, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/checklists/{id}", Note: "六必查", Path: func(*webtest.Env, string) string { return "/checklists/2" },
		Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	reviseCase("POST", "/checklists/{id}", webtest.By(303, 403, 403, 403, 403, 403, 404)),
	{Method: "GET", Route: "/inspections/coverage", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/inspections/coverage", Note: "from after to", Want: webtest.By(200, 200, 200, 200, 200, 200, 404),
		Path: func(*webtest.Env, string) string { return "/inspections/coverage?from=2020-02-10&to=2020-02-01" }},
	{Method: "GET", Route: "/inspections/coverage/export", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
}

const (
	visitsRoute = "/api/v1/enterprises/{uscc}/visits"
	rectRoute   = "/api/v1/rectifications/{id}"
	visitsPage  = "/enterprises/{uscc}/visits"
	rectPage    = "/rectifications/{id}"
)

func newChecklistBody(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.JSON(map[string]any{"name": fmt.Sprintf("节后检查%d", e.Next()), "items": []map[string]any{{"text": "查健康码"}, {"text": "查登记", "due_days": 1}}})
}

// reviseCase revises a template of its own, through the API (PUT, JSON) or
// its page (POST, a form): the admin in place, the others are refused.
func reviseCase(method, route string, want map[string]int) webtest.ScopeCase {
	var id int64
	return webtest.ScopeCase{Method: method, Route: route, Want: want,
		Setup: func(t *testing.T, e *webtest.Env) {
			c, err := e.Services.Inspect.CreateChecklist(context.Background(), fugong.System,
				inspect.ChecklistInput{Name: fmt.Sprintf("复工检查%d", e.Next()), Items: []inspect.ItemInput{{Text: "查口罩"}}})
			if err != nil {
				t.Fatal(err)
			}
			id = c.ID
		},
		Path: func(*webtest.Env, string) string { return withID(route, id) },
		Body: func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
			if method == "PUT" {
				return webtest.JSON(map[string]any{"items": []map[string]any{{"text": "查口罩佩戴" + role}}})
			}
			return webtest.Form(url.Values{"rows": {"1"}, "text.0": {"查口罩佩戴" + role}})
		}}
}

// newChecklistForm is the page's form of a new template.
func newChecklistForm(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.Form(url.Values{"name": {fmt.Sprintf("节后检查%d", e.Next())}, "rows": {"2"},
		"text.0": {"查健康码"}, "text.1": {"查登记"}, "due.1": {"1"}})
}

// withID fills a route's {id}.
func withID(route string, id int64) string {
	return strings.Replace(route, "{id}", fmt.Sprint(id), 1)
}

// visitForm is the visit form of 六必查 now, item 7 failed, as a browser
// posts it: multipart with a photo, or (urlencoded) without.
func visitForm(multi bool) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		v := url.Values{"checklist_id": {"2"}, "visited_at": {e.Clock.Now().In(fugong.Location).Format("2006-01-02T15:04")},
			"inspectors": {"林晓峰、胡则乐"}}
		for _, a := range checkAnswers(true, e.Clock.Now()) {
			v.Set(fmt.Sprintf("result.%d", a.ItemID), a.Result)
			v.Set(fmt.Sprintf("note.%d", a.ItemID), a.Note)
			v.Set(fmt.Sprintf("owner.%d", a.ItemID), a.Owner)
			v.Set(fmt.Sprintf("due_date.%d", a.ItemID), a.DueDate)
		}
		if !multi {
			return webtest.Form(v)
		}
		mw := newMultipart(&bytes.Buffer{})
		for _, k := range slices.Sorted(maps.Keys(v)) {
			mw.field(t, k, v.Get(k))
		}
		mw.file(t, "photo.7", "门卫.jpg", testJPEG)
		return mw.close(t)
	}
}

// checkAnswers answers 六必查 (checklist 2, items 7–12) at at, the first
// item failed if fail: the firm's to rectify by the next day.
func checkAnswers(fail bool, at time.Time) []inspect.AnswerInput {
	var out []inspect.AnswerInput
	for id := int64(7); id <= 12; id++ {
		a := inspect.AnswerInput{ItemID: id, Result: inspect.ResultPass}
		if fail && id == 7 {
			a.Result, a.Note = inspect.ResultFail, "门卫未戴口罩"
			a.Owner, a.DueDate = "瑞安市塘下汽配有限公司（陈建国）", inspect.DueDate(at, 1)
		}
		out = append(out, a)
	}
	return out
}

// visitInput is a 六必查 visit now, on the environment's clock.
func visitInput(e *webtest.Env, fail bool) inspect.VisitInput {
	return inspect.VisitInput{ChecklistID: 2, VisitedAt: e.Clock.Now().Format(time.RFC3339Nano),
		Inspectors: []string{"林晓峰", "胡则乐"}, Answers: checkAnswers(fail, e.Clock.Now())}
}

// testJPEG is the start of a JPEG file: enough for the type check.
var testJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("jpeg"), 64)...)

// multipartBody builds a multipart form field by field.
type multipartBody struct {
	buf *bytes.Buffer
	w   *multipart.Writer
}

func newMultipart(buf *bytes.Buffer) *multipartBody {
	return &multipartBody{buf: buf, w: multipart.NewWriter(buf)}
}

func (m *multipartBody) field(t testing.TB, name, value string) {
	t.Helper()
	if err := m.w.WriteField(name, value); err != nil {
		t.Fatal(err)
	}
}

func (m *multipartBody) file(t testing.TB, field, name string, data []byte) {
	t.Helper()
	fw, err := m.w.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
}

func (m *multipartBody) close(t testing.TB) webtest.Payload {
	t.Helper()
	if err := m.w.Close(); err != nil {
		t.Fatal(err)
	}
	return webtest.Payload{CType: m.w.FormDataContentType(), Data: m.buf.Bytes()}
}

// visitMultipart is a visit as a multipart form: its JSON in "visit" and
// the files {field, name, content} in order.
func visitMultipart(t testing.TB, in any, files [][3]string) webtest.Payload {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	mw := newMultipart(&bytes.Buffer{})
	mw.field(t, "visit", string(b))
	for _, f := range files {
		mw.file(t, f[0], f[1], []byte(f[2]))
	}
	return mw.close(t)
}

func visitBody(multi bool) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(t *testing.T, e *webtest.Env, role string) webtest.Payload {
		in := visitInput(e, true)
		if multi {
			return visitMultipart(t, in, [][3]string{{"photo.7", "门卫.jpg", string(testJPEG)}})
		}
		return webtest.JSON(in)
	}
}

// recordVisit stores a 六必查 visit of fixture key with item 7 failed.
func recordVisit(t testing.TB, e *webtest.Env, key string) inspect.Visit {
	t.Helper()
	v, err := e.Services.Inspect.RecordVisit(context.Background(), fugong.System, e.Ents[key], visitInput(e, true), nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// openRectification opens a rectification on fixture key and moves it on
// to status, as the admin may.
func openRectification(t testing.TB, e *webtest.Env, key, status string) int64 {
	t.Helper()
	id := recordVisit(t, e, key).Rectifications[0].ID
	path := map[string][]string{"": nil, inspect.StatusRectified: {inspect.StatusRectified},
		inspect.StatusVerified: {inspect.StatusRectified, inspect.StatusVerified}}[status]
	for _, to := range path {
		if _, err := e.Services.Inspect.Move(context.Background(), fugong.System, id, to, "已整改", nil); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// recordCase reads a visit ({id} of a visit route) or a rectification
// ({id} of a rectification route) of fixture key, through the API or its page.
func recordCase(method, route, key string, want map[string]int) webtest.ScopeCase {
	var id int64
	return webtest.ScopeCase{Method: method, Route: route, Target: key, Want: want,
		Setup: func(t *testing.T, e *webtest.Env) {
			v := recordVisit(t, e, key)
			id = v.ID
			if strings.Contains(route, "/rectifications/") {
				id = v.Rectifications[0].ID
			}
		},
		Path: func(*webtest.Env, string) string { return withID(route, id) }}
}

// moveCase has each role move its own rectification of fixture key from
// status from ("" for open) to status to: through the API (PATCH, JSON) or
// the rectification's page (POST, a form).
func moveCase(method, route, key, from, to string, want map[string]int) webtest.ScopeCase {
	ids := map[string]int64{}
	note := fmt.Sprintf("%s→%s", from, to)
	if from == "" {
		note = "open→" + to
	}
	return webtest.ScopeCase{Method: method, Route: route, Target: key, Note: note, Want: want,
		Setup: func(t *testing.T, e *webtest.Env) {
			for _, role := range webtest.Roles {
				ids[role] = openRectification(t, e, key, from)
			}
		},
		Path: func(e *webtest.Env, role string) string { return withID(route, ids[role]) },
		Body: func(*testing.T, *webtest.Env, string) webtest.Payload {
			if method == "PATCH" {
				return webtest.JSON(map[string]string{"status": to, "note": "已落实"})
			}
			return webtest.Form(url.Values{"status": {to}, "note": {"已落实"}})
		}}
}
