package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"testing"
	"time"

	"fugong"
	"fugong/inspect"
)

// The inspections' routes (M3) walked by every role. The inspection group,
// the admin, the town and the paired cadre record visits; the statistics
// group and the clerk read but may not (403), out of scope is 404. The
// enterprise's side rectifies, the inspection group verifies or sends back,
// any other move is a conflict.
//
// Statuses are by(admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint).
var inspectScopeCases = []scopeCase{
	{method: "GET", route: "/api/v1/checklists", want: every(200)},
	{method: "POST", route: "/api/v1/checklists", body: newChecklistBody, want: by(201, 403, 403, 403, 403, 403, 403)},
	{method: "GET", route: "/api/v1/checklists/{id}", note: "六必查", path: func(*testEnv, string) string { return "/api/v1/checklists/2" }, want: every(200)},
	reviseCase(),
	{method: "POST", route: visitsRoute, target: "tangA", body: visitBody(false), want: by(201, 403, 201, 201, 201, 404, 404)},
	{method: "POST", route: visitsRoute, target: "tangB", body: visitBody(false), want: by(201, 403, 201, 201, 404, 403, 404)},
	{method: "POST", route: visitsRoute, target: "xianA", body: visitBody(false), want: by(201, 403, 201, 404, 404, 404, 404)},
	{method: "POST", route: visitsRoute, target: "tangA", note: "multipart with a photo", body: visitBody(true), want: by(201, 403, 201, 201, 201, 404, 404)},
	{method: "GET", route: visitsRoute, target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: visitsRoute, target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: visitsRoute, target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	recordCase("GET", "/api/v1/visits/{id}", "tangA", by(200, 200, 200, 200, 200, 404, 404)),
	recordCase("GET", "/api/v1/visits/{id}", "tangB", by(200, 200, 200, 200, 404, 200, 404)),
	recordCase("GET", "/api/v1/visits/{id}", "xianA", by(200, 200, 200, 404, 404, 404, 404)),
	{method: "GET", route: "/api/v1/rectifications", want: every(200)},
	{method: "GET", route: "/api/v1/rectifications/export", want: every(200)},
	{method: "GET", route: "/api/v1/rectifications/towns", want: every(200)},
	recordCase("GET", rectRoute, "tangA", by(200, 200, 200, 200, 200, 404, 404)),
	recordCase("GET", rectRoute, "tangB", by(200, 200, 200, 200, 404, 200, 404)),
	recordCase("GET", rectRoute, "xianA", by(200, 200, 200, 404, 404, 404, 404)),
	// Each role moves a rectification of its own, set up in the status the move starts from.
	moveCase("tangA", "", inspect.StatusRectified, by(200, 403, 403, 200, 200, 404, 404)),
	moveCase("tangB", "", inspect.StatusRectified, by(200, 403, 403, 200, 404, 200, 404)),
	moveCase("xianA", "", inspect.StatusRectified, by(200, 403, 403, 404, 404, 404, 404)),
	moveCase("tangA", inspect.StatusRectified, inspect.StatusVerified, by(200, 403, 200, 403, 403, 404, 404)),
	moveCase("tangB", inspect.StatusRectified, inspect.StatusOpen, by(200, 403, 200, 403, 404, 403, 404)),
	moveCase("tangA", "", inspect.StatusVerified, by(409, 409, 409, 409, 409, 404, 404)),
	moveCase("tangB", inspect.StatusVerified, inspect.StatusOpen, by(409, 409, 409, 409, 404, 409, 404)),
}

const (
	visitsRoute = "/api/v1/enterprises/{uscc}/visits"
	rectRoute   = "/api/v1/rectifications/{id}"
)

func newChecklistBody(t *testing.T, e *testEnv, role string) payload {
	return jsonBody(map[string]any{"name": fmt.Sprintf("节后检查%d", e.next()), "items": []map[string]any{{"text": "查健康码"}, {"text": "查登记", "due_days": 1}}})
}

// reviseCase revises a template of its own: the admin in place (200), the
// others are refused.
func reviseCase() scopeCase {
	var id int64
	return scopeCase{method: "PUT", route: "/api/v1/checklists/{id}", want: by(200, 403, 403, 403, 403, 403, 403),
		setup: func(t *testing.T, e *testEnv) {
			c, err := e.deps.Inspect.CreateChecklist(context.Background(), fugong.System, inspect.ChecklistInput{Name: "复工检查", Items: []inspect.ItemInput{{Text: "查口罩"}}})
			if err != nil {
				t.Fatal(err)
			}
			id = c.ID
		},
		path: func(*testEnv, string) string { return fmt.Sprintf("/api/v1/checklists/%d", id) },
		body: func(t *testing.T, e *testEnv, role string) payload {
			return jsonBody(map[string]any{"items": []map[string]any{{"text": "查口罩佩戴" + role}}})
		}}
}

// checkAnswers answers 六必查 (checklist 2, items 7–12), the first item failed if fail.
func checkAnswers(fail bool) []inspect.AnswerInput {
	var out []inspect.AnswerInput
	for id := int64(7); id <= 12; id++ {
		a := inspect.AnswerInput{ItemID: id, Result: inspect.ResultPass}
		if fail && id == 7 {
			a.Result, a.Note = inspect.ResultFail, "门卫未戴口罩"
		}
		out = append(out, a)
	}
	return out
}

// visitInput is a 六必查 visit now, on the environment's clock.
func (e *testEnv) visitInput(fail bool) inspect.VisitInput {
	return inspect.VisitInput{ChecklistID: 2, VisitedAt: e.clock.Now().Format(time.RFC3339Nano),
		Inspectors: []string{"林晓峰", "胡则乐"}, Answers: checkAnswers(fail)}
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

func (m *multipartBody) close(t testing.TB) payload {
	t.Helper()
	if err := m.w.Close(); err != nil {
		t.Fatal(err)
	}
	return payload{m.w.FormDataContentType(), m.buf.Bytes()}
}

// visitMultipart is a visit as a multipart form: its JSON in "visit" and
// the files {field, name, content} in order.
func visitMultipart(t testing.TB, in any, files [][3]string) payload {
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

func visitBody(multi bool) func(*testing.T, *testEnv, string) payload {
	return func(t *testing.T, e *testEnv, role string) payload {
		in := e.visitInput(true)
		if multi {
			return visitMultipart(t, in, [][3]string{{"photo.7", "门卫.jpg", string(testJPEG)}})
		}
		return jsonBody(in)
	}
}

// recordVisit stores a 六必查 visit of fixture key with item 7 failed.
func (e *testEnv) recordVisit(t testing.TB, key string) inspect.Visit {
	t.Helper()
	v, err := e.deps.Inspect.RecordVisit(context.Background(), fugong.System, e.ents[key], e.visitInput(true), nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// openRectification opens a rectification on fixture key and moves it on
// to status, as the admin may.
func (e *testEnv) openRectification(t testing.TB, key, status string) int64 {
	t.Helper()
	id := e.recordVisit(t, key).Rectifications[0].ID
	path := map[string][]string{"": nil, inspect.StatusRectified: {inspect.StatusRectified},
		inspect.StatusVerified: {inspect.StatusRectified, inspect.StatusVerified}}[status]
	for _, to := range path {
		if _, err := e.deps.Inspect.Move(context.Background(), fugong.System, id, to, "已整改", nil); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// recordCase reads a visit ({id} of /visits) or a rectification of fixture key.
func recordCase(method, route, key string, want map[string]int) scopeCase {
	var id int64
	return scopeCase{method: method, route: route, target: key, want: want,
		setup: func(t *testing.T, e *testEnv) {
			v := e.recordVisit(t, key)
			id = v.ID
			if route == rectRoute {
				id = v.Rectifications[0].ID
			}
		},
		path: func(*testEnv, string) string {
			if route == rectRoute {
				return fmt.Sprintf("/api/v1/rectifications/%d", id)
			}
			return fmt.Sprintf("/api/v1/visits/%d", id)
		}}
}

// moveCase has each role move its own rectification of fixture key from
// status from ("" for open) to status to.
func moveCase(key, from, to string, want map[string]int) scopeCase {
	ids := map[string]int64{}
	note := fmt.Sprintf("%s→%s", from, to)
	if from == "" {
		note = "open→" + to
	}
	return scopeCase{method: "PATCH", route: rectRoute, target: key, note: note, want: want,
		setup: func(t *testing.T, e *testEnv) {
			for _, role := range fixtureRoles {
				ids[role] = e.openRectification(t, key, from)
			}
		},
		path: func(e *testEnv, role string) string { return fmt.Sprintf("/api/v1/rectifications/%d", ids[role]) },
		body: func(*testing.T, *testEnv, string) payload {
			return jsonBody(map[string]string{"status": to, "note": "已落实"})
		}}
}
