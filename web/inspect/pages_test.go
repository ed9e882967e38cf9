package inspect_test

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The inspections' pages through a cookie session, as a browser without
// JavaScript posts them. The browser test in e2e drives the visit form on a
// phone-sized screen; these cover the roles and the refusals.

func TestInspectPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		e.Clock.Set(inspectDay)
		t.Run("scope", func(t *testing.T) { testInspectPageScope(t, e) })
		t.Run("visit form", func(t *testing.T) { testVisitForm(t, e) })
		t.Run("rectification", func(t *testing.T) { testRectificationPage(t, e) })
		t.Run("checklists", func(t *testing.T) { testChecklistPages(t, e) })
	})
}

func testInspectPageScope(t *testing.T, e *webtest.Env) {
	va, vx := recordVisit(t, e, "tangA"), recordVisit(t, e, "xianA")
	paths := []struct {
		path string
		want map[string]int // webtest.By(admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint)
	}{
		{"/rectifications", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/rectifications?status=bad", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/rectifications/export", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/checklists", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/checklists/2", webtest.By(200, 200, 200, 200, 200, 200, 404)},
		{"/enterprises/" + e.Ents["tangA"] + "/visits", webtest.By(200, 200, 200, 200, 200, 404, 404)},
		{"/enterprises/" + e.Ents["tangB"] + "/visits", webtest.By(200, 200, 200, 200, 404, 200, 404)},
		{"/enterprises/" + e.Ents["tangA"] + "/visits/new", webtest.By(200, 403, 200, 200, 200, 404, 404)},
		{"/enterprises/" + e.Ents["tangB"] + "/visits/new", webtest.By(200, 403, 200, 200, 404, 403, 404)},
		{"/enterprises/" + e.Ents["xianA"] + "/visits/new", webtest.By(200, 403, 200, 404, 404, 404, 404)},
		{"/enterprises/" + e.Ents["tangA"] + "/visits/new?checklist=99", webtest.By(404, 403, 404, 404, 404, 404, 404)},
		{fmt.Sprintf("/visits/%d", va.ID), webtest.By(200, 200, 200, 200, 200, 404, 404)},
		{fmt.Sprintf("/visits/%d", vx.ID), webtest.By(200, 200, 200, 404, 404, 404, 404)},
		{fmt.Sprintf("/rectifications/%d", va.Rectifications[0].ID), webtest.By(200, 200, 200, 200, 200, 404, 404)},
		{fmt.Sprintf("/rectifications/%d", vx.Rectifications[0].ID), webtest.By(200, 200, 200, 404, 404, 404, 404)},
		{"/visits/x", webtest.Every(404)},
	}
	for _, role := range webtest.Roles {
		t.Run(role, func(t *testing.T) {
			b := e.BrowserLogin(t, role)
			for _, p := range paths {
				if r := b.Get(t, p.path); r.Status != p.want[role] {
					t.Errorf("GET %s: %d, want %d", p.path, r.Status, p.want[role])
				} else if r.Status == 404 && bytes.Contains(r.Body, []byte(e.Stored(t, e.Ents["xianA"]).Name)) {
					t.Errorf("GET %s: the 404 names 仙降's enterprise", p.path)
				}
			}
			home := b.Get(t, "/")
			if has := bytes.Contains(home.Body, []byte(`href="/rectifications"`)); has != (role != webtest.RoleCheckpoint) {
				t.Errorf("the menu has 督导检查: %v", has)
			}
		})
	}
}

var (
	visitRedirect = regexp.MustCompile(`^/visits/(\d+)\?saved=1$`)
	checkedRadio  = regexp.MustCompile(`name="result\.(\d+)" value="(\w+)" checked`)
)

// visitForm is the visit form of 六必查 as a browser posts it: every item
// answered pass unless results says otherwise, photos as {field, name, content},
// each item's rectification as the form suggests it unless rect says otherwise.
func visitFormBody(t *testing.T, csrf, at string, results map[string]string, notes map[string]string, photos [][3]string, rect ...map[string]string) webtest.Payload {
	t.Helper()
	mw := newMultipart(&bytes.Buffer{})
	mw.field(t, "csrf", csrf)
	mw.field(t, "checklist_id", "2")
	mw.field(t, "visited_at", at)
	mw.field(t, "inspectors", "林晓峰、胡则乐")
	for id := 7; id <= 12; id++ {
		k := fmt.Sprint(id)
		res, ok := results[k]
		if !ok {
			res = "pass"
		}
		if res != "" {
			mw.field(t, "result."+k, res)
		}
		mw.field(t, "note."+k, notes[k])
		// The form's suggestions, as a browser sends them back.
		// rect overrides them (owner.<item>, due_date.<item>).
		owner, due := "瑞安市塘下汽配有限公司", "2020-02-11"
		for _, m := range rect {
			owner, due = cmp.Or(m["owner."+k], owner), cmp.Or(m["due_date."+k], due)
		}
		mw.field(t, "owner."+k, owner)
		mw.field(t, "due_date."+k, due)
	}
	for _, p := range photos {
		mw.file(t, p[0], p[1], []byte(p[2]))
	}
	// An input left without a file is sent empty: not a photo.
	mw.file(t, "photo.12", "", nil)
	return mw.close(t)
}

func testVisitForm(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleCadre)
	path := "/enterprises/" + e.Ents["tangA"] + "/visits"
	form := b.Get(t, path+"/new?checklist=2")
	webtest.Contains(t, "the form", form, `type="radio" name="result.7" value="pass"`, `name="note.7"`,
		`type="file" name="photo.7" accept="image/*" capture="environment"`, `enctype="multipart/form-data"`,
		`value="2020-02-10T11:00"`, `value="测试cadre"`, "一查企业员工口罩佩戴到位情况", `class="active" aria-current="page">六必查`,
		// Each item's rectification, suggested: the firm, the item's days.
		`整改责任人<input name="owner.7" value="瑞安市塘下汽配有限公司"`, `整改期限<input type="date" name="due_date.7" value="2020-02-11"`,
		`name="due_date.10" value="2020-02-13"`)
	if checkedRadio.Match(form.Body) {
		t.Error("an answer is preselected: every item must be looked at")
	}
	csrf := webtest.CSRFOf(t, form.Body)

	// One item left unanswered, another failed, a time in the future: the
	// form comes back with the errors, the answers given kept.
	r := b.Do(t, "POST", path, visitFormBody(t, csrf, "2020-02-10T12:00", map[string]string{"8": "fail", "9": ""},
		map[string]string{"8": "测温枪没电"}, nil), nil)
	if r.Status != 400 {
		t.Fatalf("a bad visit: %d", r.Status)
	}
	webtest.Contains(t, "the refused form", r, `data-field="item-9"`, "请选择合格、不合格或不适用", `data-field="visited_at"`, "检查时间不能晚于当前时间",
		`name="result.8" value="fail" checked`, `value="测温枪没电"`, `value="林晓峰、胡则乐"`)
	if strings.Contains(string(r.Body), `data-field="item-8"`) {
		t.Error("the answered item 8 is marked wrong")
	}
	// A failure whose owner was cleared and whose due date is before the
	// visit: both refused at once, each next to its field, with the rest.
	r = b.Do(t, "POST", path, visitFormBody(t, csrf, "2020-02-10T10:50", map[string]string{"8": "fail", "9": ""}, map[string]string{"8": "测温枪没电"}, nil,
		map[string]string{"owner.8": " ", "due_date.8": "2020-02-09"}), nil)
	if r.Status != 400 {
		t.Fatalf("a failure without owner: %d", r.Status)
	}
	webtest.Contains(t, "the failure without owner", r, `data-field="owner-8"`, "不合格项须指定整改责任人",
		`data-field="due-8"`, "整改期限不能早于检查当天（2020-02-10）", `data-field="item-9"`, `value="2020-02-09"`)
	// A photo that is not one: refused next to its item.
	r = b.Do(t, "POST", path, visitFormBody(t, csrf, "2020-02-10T10:50", nil, nil, [][3]string{{"photo.7", "门卫.jpg", "plain text"}}), nil)
	if r.Status != 400 {
		t.Fatalf("a bad photo: %d", r.Status)
	}
	webtest.Contains(t, "the refused photo", r, `data-field="item-7"`, "不是 JPEG、PNG、WebP 文件", "已选的照片需重新选择")

	r = b.Do(t, "POST", path, visitFormBody(t, csrf, "2020-02-10T10:50", map[string]string{"7": "fail", "12": "na"},
		map[string]string{"7": "门卫未戴口罩"}, [][3]string{{"photo.7", "门卫.jpg", string(testJPEG)}}), nil)
	m := visitRedirect.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("record: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	page := b.Get(t, "/visits/"+m[1]+"?saved=1")
	webtest.Contains(t, "the visit", page, "1 项不合格，已生成整改", "门卫未戴口罩", `class="tag tag-fail">不合格`, `class="tag tag-na">不适用`,
		`<img class="thumb" src="/api/v1/files/`, "林晓峰、胡则乐", "2020-02-10 10:50", "2020-02-11")
	list := b.Get(t, path)
	webtest.Contains(t, "the enterprise's visits", list, "/visits/"+m[1], "六必查", `<b class="late">1</b>`)
	rects := b.Get(t, "/rectifications")
	webtest.Contains(t, "the cadre's rectifications", rects, "门卫未戴口罩", "待整改")

	// The statistics group may read the visit but not record one.
	stat := e.BrowserLogin(t, webtest.RoleBureauStat)
	r = stat.Do(t, "POST", path, visitFormBody(t, webtest.CSRFOf(t, stat.Get(t, "/rectifications").Body), "2020-02-10T10:50", nil, nil, nil), nil)
	if r.Status != 403 {
		t.Errorf("the statistics group records a visit: %d", r.Status)
	}
}

func testRectificationPage(t *testing.T, e *webtest.Env) {
	id := recordVisit(t, e, "tangB").Rectifications[0].ID
	path := fmt.Sprintf("/rectifications/%d", id)
	move := func(b *webtest.Browser, to, note string, photo []byte) webtest.Resp {
		mw := newMultipart(&bytes.Buffer{})
		mw.field(t, "csrf", webtest.CSRFOf(t, b.Get(t, path).Body))
		mw.field(t, "status", to)
		mw.field(t, "note", note)
		if photo != nil {
			mw.file(t, "photo", "整改后.jpg", photo)
		}
		return b.Do(t, "POST", path, mw.close(t), nil)
	}
	clerk := e.BrowserLogin(t, webtest.RoleClerk)
	page := clerk.Get(t, path)
	webtest.Contains(t, "the clerk's page", page, `class="card move move-rectified"`, "提交整改", `name="photo" accept="image/*" capture="environment"`, "门卫未戴口罩")
	if strings.Contains(string(page.Body), "验收通过") {
		t.Error("the clerk is offered to verify")
	}
	if r := move(clerk, "rectified", " ", nil); r.Status != 400 || !strings.Contains(string(r.Body), "请填写整改情况") {
		t.Errorf("no Note: %d", r.Status)
	}
	if r := move(clerk, "verified", "", nil); r.Status != 409 {
		t.Errorf("verified while open: %d", r.Status)
	}
	r := move(clerk, "rectified", "已为门卫配发口罩", testJPEG)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != path+"?done=rectified" {
		t.Fatalf("rectify: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := move(clerk, "verified", "", nil); r.Status != 403 {
		t.Errorf("the clerk verifies: %d", r.Status)
	}
	webtest.Contains(t, "after rectifying", clerk.Get(t, path+"?done=rectified"), "整改已改为“已整改待验收”", "已为门卫配发口罩", `<img class="thumb" src="/api/v1/files/`)

	insp := e.BrowserLogin(t, webtest.RoleBureauInsp)
	webtest.Contains(t, "the inspector's page", insp.Get(t, path), "验收通过", "退回重新整改")
	if r := move(insp, "open", "", nil); r.Status != 400 || !strings.Contains(string(r.Body), "请填写退回原因") {
		t.Errorf("sent back without a reason: %d", r.Status)
	}
	if r := move(insp, "verified", "", nil); r.Status != http.StatusSeeOther {
		t.Errorf("verify: %d", r.Status)
	}
	if r := move(insp, "open", "重开", nil); r.Status != 409 || !strings.Contains(string(r.Body), "整改不能从“已验收”改为“待整改”") {
		t.Errorf("reopen a verified one: %d", r.Status)
	}
	if r := move(e.BrowserLogin(t, webtest.RoleCadre), "rectified", "x", nil); r.Status != 404 {
		t.Errorf("the cadre of tangA moves tangB's: %d", r.Status)
	}

	// Two days on, 塘下's open ones stand out in its row and in the list.
	recordVisit(t, e, "tangA")
	e.Clock.Set(inspectDay.AddDate(0, 0, 2))
	defer e.Clock.Set(inspectDay)
	admin := e.BrowserLogin(t, webtest.RoleAdmin)
	list := admin.Get(t, "/rectifications?overdue=1")
	webtest.Contains(t, "the overdue list", list, `<tr data-town="330381101" class="overdue">`, `href="/rectifications?town=330381101&amp;overdue=1"`,
		"逾期 1 天", `class="stat warn"`)
	if strings.Contains(string(list.Body), fmt.Sprintf(`<tr data-id="%d"`, id)) {
		t.Error("the verified rectification is listed as overdue")
	}
	webtest.Contains(t, "a bad filter", admin.Get(t, "/rectifications?status=bad"), "状态应为 open、rectified 或 verified")
	x := admin.Get(t, "/rectifications/export?town=330381101")
	if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("export: %d %q", x.Status, x.Header.Get("Content-Type"))
	}
}

func testChecklistPages(t *testing.T, e *webtest.Env) {
	admin := e.BrowserLogin(t, webtest.RoleAdmin)
	list := admin.Get(t, "/checklists")
	webtest.Contains(t, "the templates", list, "六必问", "六必查", "六必督", "六必助", "五督企业外来人员登记落实情况", "新增检查表")
	csrf := webtest.CSRFOf(t, list.Body)
	rows := func(v map[string]string, n int) map[string]string {
		v["csrf"], v["rows"] = csrf, fmt.Sprint(n)
		return v
	}
	post := func(path string, v map[string]string) webtest.Resp {
		mw := newMultipart(&bytes.Buffer{})
		for k, val := range v {
			mw.field(t, k, val)
		}
		return admin.Do(t, "POST", path, mw.close(t), nil)
	}
	// A repeated item is refused on its row.
	r := post("/checklists", rows(map[string]string{"name": "复工六必看", "text.0": "看口罩", "text.1": "看口罩", "due.1": "2"}, 6))
	if r.Status != 400 {
		t.Fatalf("a repeated item: %d", r.Status)
	}
	webtest.Contains(t, "the refused template", r, "与第1项重复", `value="复工六必看"`)
	r = post("/checklists", rows(map[string]string{"name": "复工六必看", "text.0": "看口罩", "text.1": "看测温", "due.1": "1", "text.3": "看通风", "order.3": "0"}, 6))
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(loc, "?saved=created") {
		t.Fatalf("create: %d %q", r.Status, loc)
	}
	page := admin.Get(t, loc)
	webtest.Contains(t, "the new template", page, "检查表已新增", `name="text.0" value="看通风"`, `name="text.2" value="看测温"`, `name="due.2" value="1"`)
	path := strings.TrimSuffix(loc, "?saved=created")
	id := strings.TrimPrefix(path, "/checklists/")

	// Unused: a cleared row drops its item in place.
	ids := regexp.MustCompile(`name="id\.(\d)" value="(\d+)"`).FindAllStringSubmatch(string(page.Body), -1)
	if len(ids) != 3 {
		t.Fatalf("item ids on the form: %v", ids)
	}
	v := map[string]string{}
	for _, m := range ids {
		v["id."+m[1]] = m[2]
	}
	v["text.0"], v["text.1"], v["text.2"] = "看通风", "", "看测温情况"
	r = post(path, rows(v, 6))
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != path+"?saved=1" {
		t.Fatalf("revise in place: %d %q", r.Status, r.Header.Get("Location"))
	}
	page = admin.Get(t, path)
	if strings.Contains(string(page.Body), "看口罩") || !strings.Contains(string(page.Body), "看测温情况") {
		t.Error("the revision is not what was saved")
	}
	if ids = regexp.MustCompile(`name="id\.(\d)" value="(\d+)"`).FindAllStringSubmatch(string(page.Body), -1); len(ids) != 2 {
		t.Fatalf("item ids after the revision: %v", ids)
	}
	// Answered by a visit: the next revision is version 2.
	cadre := e.BrowserLogin(t, webtest.RoleCadre)
	form := cadre.Get(t, "/enterprises/"+e.Ents["tangA"]+"/visits/new?checklist="+id)
	itemIDs := regexp.MustCompile(`name="result\.(\d+)" value="pass"`).FindAllStringSubmatch(string(form.Body), -1)
	mw := newMultipart(&bytes.Buffer{})
	mw.field(t, "csrf", webtest.CSRFOf(t, form.Body))
	mw.field(t, "checklist_id", id)
	mw.field(t, "visited_at", "2020-02-10T10:55")
	mw.field(t, "inspectors", "吴斌")
	for _, m := range itemIDs {
		mw.field(t, "result."+m[1], "pass")
	}
	if r := cadre.Do(t, "POST", "/enterprises/"+e.Ents["tangA"]+"/visits", mw.close(t), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("a visit with the new template: %d %s", r.Status, r.Body)
	}
	v = map[string]string{"text.0": "看通风", "text.1": "看测温情况", "text.2": "看登记"}
	for _, m := range ids[:2] {
		v["id."+m[1]] = m[2]
	}
	r = post(path, rows(v, 5))
	loc = r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(loc, "?saved=version") || strings.HasPrefix(loc, path+"?") {
		t.Fatalf("revise a used template: %d %q", r.Status, loc)
	}
	webtest.Contains(t, "version 2", admin.Get(t, loc), "修改已保存为第 2 版", "第1版", "看登记")
	webtest.Contains(t, "version 1", admin.Get(t, path), "（旧版本）", "看测温情况")

	// Only the admin writes templates.
	town := e.BrowserLogin(t, webtest.RoleTown)
	mw = newMultipart(&bytes.Buffer{})
	mw.field(t, "csrf", webtest.CSRFOf(t, town.Get(t, "/checklists").Body))
	mw.field(t, "name", "乡镇自拟表")
	mw.field(t, "rows", "1")
	mw.field(t, "text.0", "看口罩")
	if r := town.Do(t, "POST", "/checklists", mw.close(t), nil); r.Status != 403 {
		t.Errorf("the town adds a template: %d", r.Status)
	}
	if strings.Contains(string(town.Get(t, "/checklists").Body), "新增检查表") {
		t.Error("the town is offered the new template form")
	}
}
