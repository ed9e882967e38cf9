package inspect_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/inspect"
	"fugong/sheet"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The inspections through the API: the contract's names, the refusals
// that store nothing, photos, the rectification workflow, the lists and the
// export.

// uiDay is when the fixture enterprises are registered: a Monday of the
// first weeks of the return to work, at 10:00.
var uiDay = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)

// inspectDay is an hour after the fixture enterprises were registered (uiDay).
var inspectDay = uiDay.Add(time.Hour)

type visitBodyJSON struct {
	ID         int64  `json:"id"`
	VisitedAt  string `json:"visited_at"`
	Failed     int    `json:"failed"`
	Enterprise string `json:"enterprise"`
	Answers    []struct {
		ItemID int64  `json:"item_id"`
		Result string `json:"result"`
		Photos []struct {
			ID  int64  `json:"id"`
			URL string `json:"url"`
		} `json:"photos"`
	} `json:"answers"`
	Rectifications []rectBodyJSON `json:"rectifications"`
}

type rectBodyJSON struct {
	ID       int64  `json:"id"`
	ItemID   int64  `json:"item_id"`
	Status   string `json:"status"`
	DueDate  string `json:"due_date"`
	Overdue  bool   `json:"overdue"`
	Owner    string `json:"owner"`
	OpenedAt string `json:"opened_at"`
	History  []struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Note  string `json:"note"`
		Photo *struct {
			URL string `json:"url"`
		} `json:"photo"`
	} `json:"history"`
}

type rectListJSON struct {
	Items []rectBodyJSON `json:"items"`
	Total int            `json:"total"`
}

func TestInspectAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		e.Clock.Set(inspectDay)
		t.Run("checklists", func(t *testing.T) { testChecklistsAPI(t, e) })
		t.Run("visit", func(t *testing.T) { testVisitAPI(t, e) })
		t.Run("refusals", func(t *testing.T) { testVisitRefusals(t, e) })
		t.Run("rectifications", func(t *testing.T) { testRectificationsAPI(t, e) })
	})
}

func testChecklistsAPI(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleCadre, "GET", "/api/v1/checklists", webtest.Payload{})
	var list struct {
		Items []struct {
			ID      int64  `json:"id"`
			Name    string `json:"name"`
			Version int    `json:"version"`
			Items   []struct {
				ID   int64  `json:"id"`
				Text string `json:"text"`
			} `json:"items"`
		} `json:"items"`
	}
	r.Decode(t, &list)
	var names []string
	for _, c := range list.Items {
		names = append(names, c.Name)
		if c.Version != 1 || len(c.Items) != 6 || c.Items[0].ID == 0 || c.Items[0].Text == "" {
			t.Errorf("%s: %+v", c.Name, c)
		}
	}
	if r.Status != 200 || !slices.Equal(names, []string{"六必问", "六必查", "六必督", "六必助"}) {
		t.Fatalf("%d %v", r.Status, names)
	}
	if r := e.As(t, webtest.RoleCadre, "GET", "/api/v1/checklists?all=yes", webtest.Payload{}); r.Status != 400 || r.Err(t).Error.Field != "all" {
		t.Errorf("all=yes: %d %s", r.Status, r.Body)
	}
	if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/checklists/999", webtest.Payload{}); r.Status != 404 {
		t.Errorf("no checklist 999: %d", r.Status)
	}
	// Bad templates name the item.
	r = e.As(t, webtest.RoleAdmin, "POST", "/api/v1/checklists", webtest.RawJSON(`{"name":"新表","items":[{"text":"查口罩"},{"text":"查口罩"}]}`))
	if r.Status != 400 || r.Err(t).Error.Field != "items[1].text" {
		t.Errorf("a repeated item: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleAdmin, "POST", "/api/v1/checklists", webtest.RawJSON(`{"name":"六必查","items":[{"text":"查口罩"}]}`))
	if r.Status != 409 {
		t.Errorf("a taken name: %d %s", r.Status, r.Body)
	}
}

func testVisitAPI(t *testing.T, e *webtest.Env) {
	code := e.Ents["tangA"]
	in := visitInput(e, true)
	in.VisitedAt = "2020-02-10T10:30:00+08:00"
	in.Answers[3] = inspect.AnswerInput{ItemID: 10, Result: "fail", Note: "食堂未分餐", Owner: "食堂承包方 李明", DueDate: "2020-02-13"}
	in.Answers[5].Result = "na"
	r := e.As(t, webtest.RoleBureauInsp, "POST", "/api/v1/enterprises/"+code+"/visits", webtest.JSON(in))
	if r.Status != 201 {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	var v visitBodyJSON
	r.Decode(t, &v)
	if v.ID == 0 || v.Failed != 2 || v.VisitedAt != "2020-02-10T10:30:00+08:00" || len(v.Rectifications) != 2 {
		t.Fatalf("answer %s", r.Body)
	}
	if r.Header.Get("Location") != fmt.Sprintf("/api/v1/visits/%d", v.ID) {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}
	if r0, r1 := v.Rectifications[0], v.Rectifications[1]; r0.ItemID != 7 || r0.Status != "open" || r0.DueDate != "2020-02-11" ||
		r1.ItemID != 10 || r1.DueDate != "2020-02-13" || r1.Owner != "食堂承包方 李明" || r0.Overdue || !strings.HasSuffix(r0.OpenedAt, "+08:00") {
		t.Errorf("rectifications %+v", v.Rectifications)
	}
	r = e.As(t, webtest.RoleCadre, "GET", fmt.Sprintf("/api/v1/visits/%d", v.ID), webtest.Payload{})
	var got visitBodyJSON
	r.Decode(t, &got)
	if r.Status != 200 || len(got.Answers) != 6 || got.Answers[5].Result != "na" || got.Answers[0].Photos == nil || len(got.Rectifications) != 2 {
		t.Errorf("read back %d %s", r.Status, r.Body)
	}

	// Multipart: the same JSON with photos, two of one item and one of another.
	in2 := visitInput(e, true)
	in2.Answers[1] = inspect.AnswerInput{ItemID: 8, Result: "fail", Note: "测温点未设", Owner: "陈建国", DueDate: "2020-02-11"}
	r = e.As(t, webtest.RoleCadre, "POST", "/api/v1/enterprises/"+code+"/visits", visitMultipart(t, in2, [][3]string{
		{"photo.7", "门卫1.jpg", string(testJPEG)}, {"photo.7", "门卫2.JPEG", string(testJPEG)}, {"photo.8", "测温.png", "\x89PNG\r\n\x1a\n0000"}}))
	if r.Status != 201 {
		t.Fatalf("multipart: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &v)
	if len(v.Answers[0].Photos) != 2 || len(v.Answers[1].Photos) != 1 || len(v.Answers[2].Photos) != 0 ||
		v.Answers[0].Photos[0].URL != fmt.Sprintf("/api/v1/files/%d", v.Answers[0].Photos[0].ID) {
		t.Errorf("photos %s", r.Body)
	}
	f, data, err := e.DB.File(context.Background(), e.Users[webtest.RoleTown].Actor(), v.Answers[1].Photos[0].ID)
	if err != nil || f.Enterprise != code || f.ContentType != "image/png" || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("the stored photo %+v %v", f, err)
	}

	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+code+"/visits?per_page=1", webtest.Payload{})
	var list struct {
		Items []struct {
			ID     int64 `json:"id"`
			Failed int   `json:"failed"`
		} `json:"items"`
		Total   int `json:"total"`
		PerPage int `json:"per_page"`
	}
	r.Decode(t, &list)
	if r.Status != 200 || list.Total != 2 || len(list.Items) != 1 || list.Items[0].ID != v.ID || list.PerPage != 1 {
		t.Errorf("list %d %s", r.Status, r.Body)
	}
}

func testVisitRefusals(t *testing.T, e *webtest.Env) {
	code := e.Ents["tangB"]
	path := "/api/v1/enterprises/" + code + "/visits"
	base := func() inspect.VisitInput { return visitInput(e, true) }
	edit := func(f func(*inspect.VisitInput)) webtest.Payload {
		in := base()
		f(&in)
		return webtest.JSON(in)
	}
	big := bytes.Repeat([]byte{0}, 10<<20+1)
	copy(big, testJPEG)
	for _, tc := range []struct {
		name   string
		body   webtest.Payload
		status int
		field  string
	}{
		{"an item of another list", edit(func(v *inspect.VisitInput) { v.Answers[2].ItemID = 1 }), 400, "answers[2].item_id"},
		{"an item twice", edit(func(v *inspect.VisitInput) {
			v.Answers = append(v.Answers, inspect.AnswerInput{ItemID: 9, Result: "pass"})
		}), 400, "answers[6].item_id"},
		{"an item left out", edit(func(v *inspect.VisitInput) { v.Answers = v.Answers[1:] }), 400, "answers"},
		{"a result not in the enum", edit(func(v *inspect.VisitInput) { v.Answers[0].Result = "bad" }), 400, "answers[0].result"},
		{"a failure without its owner", edit(func(v *inspect.VisitInput) { v.Answers[0].Owner = "" }), 400, "answers[0].owner"},
		{"a failure without its due date", edit(func(v *inspect.VisitInput) { v.Answers[0].DueDate = "" }), 400, "answers[0].due_date"},
		{"a failure due before the visit", edit(func(v *inspect.VisitInput) { v.Answers[0].DueDate = "2020-02-09" }), 400, "answers[0].due_date"},
		{"in the future", edit(func(v *inspect.VisitInput) { v.VisitedAt = "2020-02-10T11:10:00+08:00" }), 400, "visited_at"},
		{"before the enterprise existed", edit(func(v *inspect.VisitInput) { v.VisitedAt = "2020-02-10T09:00:00+08:00" }), 400, "visited_at"},
		{"not RFC 3339", edit(func(v *inspect.VisitInput) { v.VisitedAt = "2020/02/10 10:00" }), 400, "visited_at"},
		{"no inspectors", edit(func(v *inspect.VisitInput) { v.Inspectors = []string{} }), 400, "inspectors"},
		{"an unknown checklist", edit(func(v *inspect.VisitInput) { v.ChecklistID = 99 }), 400, "checklist_id"},
		{"an unknown field", webtest.RawJSON(`{"checklist_id":2,"visited_at":"2020-02-10T10:00:00+08:00","inspectors":["a"],"answers":[],"score":5}`), 400, "score"},
		{"a number as text", webtest.RawJSON(`{"checklist_id":"2"}`), 400, "checklist_id"},
		{"a photo that is text", visitMultipart(t, base(), [][3]string{{"photo.7", "门卫.jpg", "not a picture at all"}}), 400, "photo.7"},
		{"a JPEG named .png", visitMultipart(t, base(), [][3]string{{"photo.7", "门卫.png", string(testJPEG)}}), 400, "photo.7"},
		{"a PDF as a photo", visitMultipart(t, base(), [][3]string{{"photo.7", "门卫.pdf", "%PDF-1.4 x"}}), 400, "photo.7"},
		{"a photo of an item not on the list", visitMultipart(t, base(), [][3]string{{"photo.99", "门卫.jpg", string(testJPEG)}}), 400, "photo.99"},
		{"a file in another field", visitMultipart(t, base(), [][3]string{{"file", "门卫.jpg", string(testJPEG)}}), 400, "file"},
		{"a photo over 10 MB", visitMultipart(t, base(), [][3]string{{"photo.7", "门卫.jpg", string(big)}}), 413, "photo.7"},
		{"no visit field", func() webtest.Payload {
			var buf bytes.Buffer
			mw := newMultipart(&buf)
			mw.file(t, "photo.7", "门卫.jpg", testJPEG)
			return mw.close(t)
		}(), 400, "visit"},
		{"a good photo with a bad answer", func() webtest.Payload {
			in := base()
			in.Answers[4].Result = ""
			return visitMultipart(t, in, [][3]string{{"photo.7", "门卫.jpg", string(testJPEG)}})
		}(), 400, "answers[4].result"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.As(t, webtest.RoleTown, "POST", path, tc.body)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if got := r.Err(t).Error; got.Field != tc.field || got.Code != webtest.CodeOf[tc.status] {
				t.Errorf("refused %s %q (%s), want %q", got.Code, got.Field, got.Message, tc.field)
			}
		})
	}
	// Nothing of the refused visits was kept.
	r := e.As(t, webtest.RoleAdmin, "GET", path, webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(`"items":[]`)) || !bytes.Contains(r.Body, []byte(`"total":0`)) {
		t.Errorf("visits of tangB after the refusals: %s", r.Body)
	}
	entries, _, err := e.DB.ListAudit(context.Background(), audit.Filter{Actor: e.Users[webtest.RoleTown].Username, Page: 1, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.Action != "login" {
			t.Errorf("the town's refused visits left %s %s %s", en.Action, en.Entity, en.EntityID)
		}
	}
}

func testRectificationsAPI(t *testing.T, e *webtest.Env) {
	ctx := context.Background()
	patch := func(role string, id int64, p webtest.Payload) webtest.Resp {
		return e.As(t, role, "PATCH", fmt.Sprintf("/api/v1/rectifications/%d", id), p)
	}
	b := recordVisit(t, e, "tangB")
	x := recordVisit(t, e, "xianA")
	rb, rx := b.Rectifications[0].ID, x.Rectifications[0].ID

	// The clerk rectifies with a photo (multipart); a bad photo changes nothing.
	var buf bytes.Buffer
	mw := newMultipart(&buf)
	mw.field(t, "status", "rectified")
	mw.field(t, "note", "已配发口罩")
	mw.file(t, "photo", "整改.txt", []byte("text"))
	if r := patch(webtest.RoleClerk, rb, mw.close(t)); r.Status != 400 || r.Err(t).Error.Field != "photo" {
		t.Errorf("a text file as the photo: %d %s", r.Status, r.Body)
	}
	if r := patch(webtest.RoleClerk, rb, webtest.RawJSON(`{"status":"rectified"}`)); r.Status != 400 || r.Err(t).Error.Field != "note" {
		t.Errorf("rectified without a Note: %d %s", r.Status, r.Body)
	}
	if r := patch(webtest.RoleClerk, rb, webtest.RawJSON(`{"status":"done","note":"x"}`)); r.Status != 400 || r.Err(t).Error.Field != "status" {
		t.Errorf("an unknown status: %d %s", r.Status, r.Body)
	}
	buf.Reset()
	mw = newMultipart(&buf)
	mw.field(t, "status", "rectified")
	mw.field(t, "note", "已配发口罩")
	mw.file(t, "photo", "整改.jpg", testJPEG)
	r := patch(webtest.RoleClerk, rb, mw.close(t))
	var rec rectBodyJSON
	r.Decode(t, &rec)
	if r.Status != 200 || rec.Status != "rectified" || len(rec.History) != 2 || rec.History[1].Photo == nil ||
		!strings.HasPrefix(rec.History[1].Photo.URL, "/api/v1/files/") || rec.History[0].From != "" || rec.History[0].To != "open" {
		t.Fatalf("rectified: %d %s", r.Status, r.Body)
	}
	if r := patch(webtest.RoleClerk, rb, webtest.RawJSON(`{"status":"verified"}`)); r.Status != 403 {
		t.Errorf("the clerk verifies: %d %s", r.Status, r.Body)
	}
	if r := patch(webtest.RoleBureauInsp, rb, webtest.RawJSON(`{"status":"rectified","note":"x"}`)); r.Status != 409 || r.Err(t).Error.Code != "conflict" {
		t.Errorf("rectified again: %d %s", r.Status, r.Body)
	}
	if r := patch(webtest.RoleBureauInsp, rb, webtest.RawJSON(`{"status":"verified","note":"现场复查合格"}`)); r.Status != 200 {
		t.Errorf("verify: %d %s", r.Status, r.Body)
	}
	if r := patch(webtest.RoleAdmin, rb, webtest.RawJSON(`{"status":"open","note":"重开"}`)); r.Status != 409 {
		t.Errorf("reopen a verified one: %d %s", r.Status, r.Body)
	}
	if r := patch(webtest.RoleClerk, rx, webtest.RawJSON(`{"status":"rectified","note":"x"}`)); r.Status != 404 {
		t.Errorf("the clerk of tangB moves 仙降's: %d %s", r.Status, r.Body)
	}

	// Three days later the open ones are overdue (due a day or three after
	// the visits), tangB's is verified.
	e.Clock.Set(inspectDay.AddDate(0, 0, 3))
	defer e.Clock.Set(inspectDay)
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/rectifications?overdue=1&per_page=500", webtest.Payload{})
	var list rectListJSON
	r.Decode(t, &list)
	var overdue []int64
	for _, it := range list.Items {
		if !it.Overdue || it.Status != "open" || it.DueDate >= "2020-02-13" {
			t.Errorf("listed as overdue: %+v", it)
		}
		overdue = append(overdue, it.ID)
	}
	if r.Status != 200 || list.Total != len(list.Items) || !slices.Contains(overdue, rx) || slices.Contains(overdue, rb) {
		t.Errorf("overdue: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/rectifications?town=仙降", webtest.Payload{})
	r.Decode(t, &list)
	if r.Status != 200 || list.Total != 0 {
		t.Errorf("the town of 塘下 asks for 仙降's: %s", r.Body)
	}
	r = e.As(t, webtest.RoleClerk, "GET", "/api/v1/rectifications", webtest.Payload{})
	r.Decode(t, &list)
	if list.Total != 1 || list.Items[0].ID != rb || list.Items[0].Status != "verified" {
		t.Errorf("the clerk's list: %s", r.Body)
	}
	for _, q := range []string{"status=closed", "per_page=501", "town=上海", "overdue=maybe", "enterprise=123"} {
		if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/rectifications?"+q, webtest.Payload{}); r.Status != 400 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/rectifications/towns", webtest.Payload{})
	var towns struct {
		Date string `json:"date"`
		City struct {
			Open, Overdue, Verified int
		} `json:"city"`
		Towns []struct {
			Town    string `json:"town"`
			Name    string `json:"name"`
			Open    int    `json:"open"`
			Overdue int    `json:"overdue"`
		} `json:"towns"`
	}
	r.Decode(t, &towns)
	if towns.Date != "2020-02-13" || towns.City.Overdue != len(overdue) || towns.City.Verified != 1 || len(towns.Towns) != 2 ||
		towns.Towns[0].Name != "仙降街道" || towns.Towns[0].Open != 1 || towns.Towns[0].Overdue != 1 ||
		towns.Towns[1].Overdue != len(overdue)-1 {
		t.Errorf("towns %s", r.Body)
	}
	r = e.As(t, webtest.RoleCheckpoint, "GET", "/api/v1/rectifications/towns", webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(`"towns":[]`)) {
		t.Errorf("the checkpoint's towns: %s", r.Body)
	}

	// The export: the scope's rectifications, overdue marked.
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/rectifications/export", webtest.Payload{})
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	tbl, err := sheet.Read(bytes.NewReader(r.Body), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	late := map[string]string{}
	for _, row := range tbl.Rows {
		late[row.Cells[1]] += row.Cells[9]
	}
	all := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/rectifications", webtest.Payload{})
	all.Decode(t, &list)
	if tbl.Header[0] != "企业名称" || len(tbl.Rows) != list.Total || late[e.Ents["xianA"]] != "逾期" || late[e.Ents["tangB"]] != "" {
		t.Errorf("export %v %v", tbl.Header, tbl.Rows)
	}
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/rectifications/export?format=csv&status=verified", webtest.Payload{})
	if tbl, err := sheet.Read(bytes.NewReader(r.Body), "x.csv"); err != nil || len(tbl.Rows) != 1 || tbl.Rows[0].Cells[1] != e.Ents["tangB"] {
		t.Errorf("the town's CSV: %v %v", tbl, err)
	}

	// A template answered by a visit gets a new version on revision.
	r = e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/checklists/2", webtest.RawJSON(`{"items":[{"id":7,"text":"一查企业员工口罩佩戴到位情况","due_days":2},{"text":"二查企业员工体温检测与健康码查验情况","due_days":1}]}`))
	var c struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
		Items   []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	r.Decode(t, &c)
	if r.Status != 201 || c.ID <= 4 || c.Version != 2 || len(c.Items) != 2 || c.Items[0].ID == 7 || r.Header.Get("Location") != fmt.Sprintf("/api/v1/checklists/%d", c.ID) {
		t.Fatalf("revise 六必查: %d %s", r.Status, r.Body)
	}
	old := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/checklists/2", webtest.Payload{})
	if !bytes.Contains(old.Body, []byte(`"current":false`)) {
		t.Errorf("the old version: %s", old.Body)
	}
	v, err := e.Services.Inspect.Visit(ctx, fugong.System, b.ID)
	if err != nil || len(v.Answers) != 6 || v.ChecklistID != 2 {
		t.Errorf("the old visit: %+v %v", v, err)
	}
	r = e.As(t, webtest.RoleTown, "POST", "/api/v1/enterprises/"+e.Ents["tangA"]+"/visits", webtest.JSON(visitInput(e, false)))
	if r.Status != 400 || r.Err(t).Error.Field != "checklist_id" {
		t.Errorf("a visit on the old version: %d %s", r.Status, r.Body)
	}
}
