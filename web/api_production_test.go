package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fugong"
	"fugong/audit"
	"fugong/production"
	"fugong/registry"
	"fugong/sheet"
	"fugong/store"
	"fugong/store/storetest"
)

// The days of TestProductionAPI. The fixture enterprises are registered on
// the first at 09:00; the clock then stands at 10:00 on prodToday.
const (
	prodFirst = "2020-02-01"
	prodToday = "2020-02-10"
)

// applicationForm is a multipart application: the JSON in "application"
// (left out when empty) and each plan file under "plan".
func applicationForm(t testing.TB, application string, plans map[string][]byte) payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if application != "" {
		if err := mw.WriteField("application", application); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range plans {
		fw, err := mw.CreateFormFile("plan", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return payload{mw.FormDataContentType(), buf.Bytes()}
}

var pdfPlan = []byte("%PDF-1.4\n1 0 obj<<>>endobj\n% 疫情防控预案\n%%EOF")

// appBody decodes an application response of the wanted status.
func appBody(t testing.TB, r resp, status int) applicationJSON {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var a applicationJSON
	r.decode(t, &a)
	return a
}

// wantErr checks an error response's status, code and field.
func wantErr(t testing.TB, r resp, status int, field, text string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	e := r.err(t).Error
	if e.Code != codeOf[status] || e.Field != field || !strings.Contains(e.Message, text) {
		t.Errorf("error %+v, want code %s field %q message with %q", e, codeOf[status], field, text)
	}
}

func dayJSON(status string, capacity, onPost int) map[string]any {
	return map[string]any{"status": status, "capacity_pct": capacity, "on_post_pct": onPost,
		"upstream": "normal", "downstream": "normal", "note": ""}
}

func (e *testEnv) putDay(t testing.TB, role, key, date string, body any) resp {
	t.Helper()
	p, ok := body.(payload)
	if !ok {
		p = jsonBody(body)
	}
	return e.as(t, role, "PUT", "/api/v1/enterprises/"+e.ents[key]+"/production/"+date, p)
}

func (e *testEnv) summary(t testing.TB, role, query string) summaryBody {
	t.Helper()
	r := e.as(t, role, "GET", "/api/v1/production/summary"+query, payload{})
	if r.status != http.StatusOK {
		t.Fatalf("summary%s: %d %s", query, r.status, r.body)
	}
	var s summaryBody
	r.decode(t, &s)
	return s
}

func TestProductionAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, shanghai(prodFirst, 9, 0, 0))
		e.clock.Set(shanghai(prodToday, 10, 0, 0))
		t.Run("contract", func(t *testing.T) { testProductionContract(t, e) })
		t.Run("bad applications", func(t *testing.T) { testBadApplications(t, e) })
		t.Run("plan upload", func(t *testing.T) { testPlanUpload(t, e) })
		t.Run("bad days", func(t *testing.T) { testBadDays(t, e) })
		t.Run("corrections", func(t *testing.T) { testDayCorrections(t, e) })
		t.Run("essential", func(t *testing.T) { testEssentialAPI(t, e) })
		t.Run("summary", func(t *testing.T) { testSummaryAPI(t, e) })
	})
}

// testProductionContract walks the contract: the clerk applies, may
// not mark resumed before approval (409), the town approves (approving twice
// or returning the approved one is 409), the clerk marks resumed and the
// summary counts it.
func testProductionContract(t *testing.T, e *testEnv) {
	r := e.as(t, roleClerk, "POST", "/api/v1/enterprises/"+e.ents["tangB"]+"/resumption-applications",
		rawJSON(`{"planned_date": "`+prodToday+`", "staff_expected": 18, "note": "口罩、测温枪已备齐"}`))
	app := appBody(t, r, http.StatusCreated)
	if app.ID == 0 || app.Status != "submitted" || app.SubmittedBy != "u-clerk" || app.StaffExpected != 18 || app.Plan != nil ||
		r.header.Get("Location") != "/api/v1/resumption-applications/"+strconv.FormatInt(app.ID, 10) {
		t.Fatalf("created %+v, Location %q", app, r.header.Get("Location"))
	}
	if !strings.Contains(string(r.body), `"submitted_at":"2020-02-10T10:00:00+08:00"`) {
		t.Errorf("times should be RFC 3339 in Asia/Shanghai: %s", r.body)
	}
	id := strconv.FormatInt(app.ID, 10)
	wantErr(t, e.putDay(t, roleClerk, "tangB", prodToday, dayJSON("resumed", 40, 50)), http.StatusConflict, "status", "尚未获乡镇街道批准")
	wantErr(t, e.putDay(t, roleClerk, "tangB", prodToday, dayJSON("full", 95, 90)), http.StatusConflict, "status", "满产")

	wantErr(t, e.as(t, roleBureauStat, "POST", "/api/v1/resumption-applications/"+id+"/approve", payload{}), http.StatusForbidden, "", "乡镇街道审批")
	wantErr(t, e.as(t, roleClerk, "POST", "/api/v1/resumption-applications/"+id+"/approve", payload{}), http.StatusForbidden, "", "乡镇街道审批")
	approved := appBody(t, e.as(t, roleTown, "POST", "/api/v1/resumption-applications/"+id+"/approve", payload{}), http.StatusOK)
	if approved.Status != "approved" || approved.DecidedBy != "u-town" || approved.DecidedAt == nil {
		t.Fatalf("approved %+v", approved)
	}
	wantErr(t, e.as(t, roleTown, "POST", "/api/v1/resumption-applications/"+id+"/approve", rawJSON(`{}`)), http.StatusConflict, "status", "已于")
	wantErr(t, e.as(t, roleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", rawJSON(`{"reason":"重新核查"}`)), http.StatusConflict, "status", "不能再审批或退回")
	wantErr(t, e.as(t, roleClerk, "POST", "/api/v1/enterprises/"+e.ents["tangB"]+"/resumption-applications",
		rawJSON(`{"planned_date": "`+prodToday+`", "staff_expected": 5}`)), http.StatusConflict, "uscc", "已获批准")
	// The bureau keeps the record.
	got := appBody(t, e.as(t, roleBureauInsp, "GET", "/api/v1/resumption-applications/"+id, payload{}), http.StatusOK)
	if got.Status != "approved" || got.Name != "瑞安市塘下电器厂" || got.TownName != "塘下镇" {
		t.Errorf("bureau reads %+v", got)
	}

	r = e.putDay(t, roleClerk, "tangB", prodToday, dayJSON("resumed", 40, 50))
	if r.status != http.StatusCreated {
		t.Fatalf("resumed after approval: %d %s", r.status, r.body)
	}
	var d production.Day
	r.decode(t, &d)
	if d.Status != "resumed" || d.Version != 1 || d.StaffOnPost != 10 || d.UpdatedBy != "u-clerk" {
		t.Errorf("stored %+v", d)
	}
	s := e.summary(t, roleBureauStat, "?date="+prodToday)
	if s.City.Resumed != 1 || s.City.Working != 1 || s.City.Closed != 2 || s.BySize.Below.Resumed != 1 || s.BySize.Above.Resumed != 0 ||
		s.City.StaffOnPost != 10 || s.City.Reported != 1 {
		t.Errorf("summary after resuming: %+v", s)
	}
}

func testBadApplications(t *testing.T, e *testEnv) {
	path := "/api/v1/enterprises/" + e.ents["xianA"] + "/resumption-applications"
	for _, c := range []struct {
		name, body  string
		status      int
		field, text string
	}{
		{"yesterday", `{"planned_date":"2020-02-09","staff_expected":5}`, 400, "planned_date", "不能早于今天（2020-02-10）"},
		{"not a date", `{"planned_date":"2020-02-30","staff_expected":5}`, 400, "planned_date", "有效日期"},
		{"no date", `{"staff_expected":5}`, 400, "planned_date", "必填"},
		{"too far", `{"planned_date":"2020-06-01","staff_expected":5}`, 400, "planned_date", "60 天后"},
		{"staff over employees", `{"planned_date":"2020-02-12","staff_expected":21}`, 400, "staff_expected", "职工人数（20）"},
		{"negative staff", `{"planned_date":"2020-02-12","staff_expected":-1}`, 400, "staff_expected", "不能为负数"},
		{"no staff", `{"planned_date":"2020-02-12"}`, 400, "staff_expected", "请填写预计到岗人数"},
		{"staff as text", `{"planned_date":"2020-02-12","staff_expected":"五"}`, 400, "staff_expected", "类型"},
		{"unknown field", `{"planned_date":"2020-02-12","staff_expected":5,"priority":1}`, 400, "priority", "未知字段"},
		{"not JSON", `{"planned_date":`, 400, "", "不是有效的 JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantErr(t, e.as(t, roleAdmin, "POST", path, rawJSON(c.body)), c.status, c.field, c.text)
		})
	}
	// Out of scope is not found before the body is judged.
	wantErr(t, e.as(t, roleTown, "POST", path, rawJSON(`{"planned_date":"2020-02-12"}`)), http.StatusNotFound, "", "企业不存在")
	wantErr(t, e.as(t, roleClerk, "POST", "/api/v1/enterprises/"+e.ents["tangA"]+"/resumption-applications",
		rawJSON(`{"planned_date":"2020-02-12","staff_expected":1}`)), http.StatusNotFound, "", "企业不存在")
	if apps, _ := e.appsOf(t, "xianA"); len(apps) != 0 {
		t.Errorf("refused applications were stored: %+v", apps)
	}
	// A return needs a reason; a returned application makes way for a new one.
	app := appBody(t, e.as(t, roleAdmin, "POST", path, rawJSON(`{"planned_date":"2020-02-12","staff_expected":5}`)), http.StatusCreated)
	id := strconv.FormatInt(app.ID, 10)
	wantErr(t, e.as(t, roleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", rawJSON(`{"reason":""}`)), http.StatusBadRequest, "reason", "请填写退回原因")
	wantErr(t, e.as(t, roleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/approve", rawJSON(`{"note":"x"}`)), http.StatusBadRequest, "note", "未知字段")
	ret := appBody(t, e.as(t, roleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", rawJSON(`{"reason":"预案未明确隔离观察区"}`)), http.StatusOK)
	if ret.Status != "returned" || ret.ReturnReason != "预案未明确隔离观察区" {
		t.Errorf("returned %+v", ret)
	}
	wantErr(t, e.as(t, roleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", rawJSON(`{"reason":"再退"}`)), http.StatusConflict, "status", "已于")
	again := appBody(t, e.as(t, roleAdmin, "POST", path, rawJSON(`{"planned_date":"2020-02-13","staff_expected":6}`)), http.StatusCreated)
	apps, total := e.appsOf(t, "xianA")
	if total != 2 || apps[0].ID != again.ID || apps[1].Status != "returned" {
		t.Errorf("history %d %+v", total, apps)
	}
	wantErr(t, e.as(t, roleAdmin, "POST", path, rawJSON(`{"planned_date":"2020-02-13","staff_expected":6}`)), http.StatusConflict, "uscc", "待审批")
	// Filters of the list.
	for q, want := range map[string]int{"?status=returned": 1, "?status=submitted&town=仙降": 1, "?town=" + townFeiyun: 0} {
		r := e.as(t, roleBureauStat, "GET", "/api/v1/resumption-applications"+q, payload{})
		var list struct{ Total int }
		r.decode(t, &list)
		if r.status != 200 || list.Total != want {
			t.Errorf("%s: %d total %d, want %d", q, r.status, list.Total, want)
		}
	}
	wantErr(t, e.as(t, roleAdmin, "GET", "/api/v1/resumption-applications?status=open", payload{}), http.StatusBadRequest, "status", "submitted")
	wantErr(t, e.as(t, roleAdmin, "GET", "/api/v1/resumption-applications?per_page=501", payload{}), http.StatusBadRequest, "per_page", "1–500")
}

// appsOf lists an enterprise's applications as the admin.
func (e *testEnv) appsOf(t testing.TB, key string) ([]applicationJSON, int) {
	t.Helper()
	r := e.as(t, roleAdmin, "GET", "/api/v1/enterprises/"+e.ents[key]+"/resumption-applications", payload{})
	var list struct {
		Items []applicationJSON `json:"items"`
		Total int               `json:"total"`
	}
	r.decode(t, &list)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	return list.Items, list.Total
}

func testPlanUpload(t *testing.T, e *testEnv) {
	key := "plan"
	e.ents[key] = e.addEnterprise(t, "MA2PLAN01", townTangxia, registry.SizeBelow, "瑞安市康盾防护用品有限公司")
	path := "/api/v1/enterprises/" + e.ents[key] + "/resumption-applications"
	good := `{"planned_date":"2020-02-11","staff_expected":12,"note":"附预案"}`
	files0 := e.auditTotal(t, "file")
	for _, c := range []struct {
		name        string
		body        payload
		status      int
		field, text string
	}{
		{"not a PDF", applicationForm(t, good, map[string][]byte{"预案.pdf": []byte("just text")}), 400, "plan", "不是 PDF"},
		{"two plans", applicationForm(t, good, map[string][]byte{"a.pdf": pdfPlan, "b.pdf": pdfPlan}), 400, "plan", "只能上传一个"},
		{"no application field", applicationForm(t, "", map[string][]byte{"a.pdf": pdfPlan}), 400, "application", "application 字段"},
		{"bad JSON in the field", applicationForm(t, `{"planned_date":`, nil), 400, "", "JSON"},
		{"bad application, good plan", applicationForm(t, `{"planned_date":"2020-02-01","staff_expected":1}`, map[string][]byte{"a.pdf": pdfPlan}), 400, "planned_date", "不能早于今天"},
		{"plan too large", applicationForm(t, good, map[string][]byte{"big.pdf": append([]byte("%PDF-"), make([]byte, 10<<20)...)}), 413, "plan", "10 MB"},
	} {
		t.Run(c.name, func(t *testing.T) { wantErr(t, e.as(t, roleTown, "POST", path, c.body), c.status, c.field, c.text) })
	}
	if apps, _ := e.appsOf(t, key); len(apps) != 0 || e.auditTotal(t, "file") != files0 {
		t.Fatalf("refused uploads left %d applications, %d files", len(apps), e.auditTotal(t, "file")-files0)
	}
	app := appBody(t, e.as(t, roleTown, "POST", path, applicationForm(t, good, map[string][]byte{"疫情防控预案.pdf": pdfPlan})), http.StatusCreated)
	if app.Plan == nil || app.Plan.Name != "疫情防控预案.pdf" || app.Plan.ContentType != "application/pdf" || app.Plan.Enterprise != e.ents[key] ||
		app.PlanURL != "/api/v1/files/"+strconv.FormatInt(app.Plan.ID, 10) {
		t.Fatalf("plan %+v url %q", app.Plan, app.PlanURL)
	}
	f, data, err := e.db.File(context.Background(), fugong.Actor{Role: fugong.RoleTown, Town: townTangxia}, app.Plan.ID)
	if err != nil || !bytes.Equal(data, pdfPlan) || f.Enterprise != e.ents[key] {
		t.Errorf("stored plan %+v %v", f, err)
	}
	if _, _, err := e.db.File(context.Background(), fugong.Actor{Role: fugong.RoleTown, Town: townXianjiang}, app.Plan.ID); fugong.ErrorCode(err) != fugong.ENotFound {
		t.Errorf("another town reads the plan: %v", err)
	}
}

// auditTotal counts the audit entries about an entity.
func (e *testEnv) auditTotal(t testing.TB, entity string) int {
	t.Helper()
	_, n, err := e.db.ListAudit(context.Background(), audit.Filter{Entity: entity, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testBadDays(t *testing.T, e *testEnv) {
	nostaff := registry.Enterprise{USCC: uscc(t, "MA2NT0001"), Name: "瑞安市无职工作坊", Town: townTangxia, SizeClass: registry.SizeBelow,
		ContactPhone: "13912345678", Employees: 0, Status: registry.StatusActive}
	if _, err := e.db.CreateEnterprise(context.Background(), fugong.System, nostaff); err != nil {
		t.Fatal(err)
	}
	e.ents["nostaff"] = nostaff.USCC
	with := func(kv ...any) map[string]any {
		b := dayJSON("closed", 0, 5)
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(b, kv[i].(string))
			} else {
				b[kv[i].(string)] = kv[i+1]
			}
		}
		return b
	}
	for _, c := range []struct {
		name        string
		key, date   string
		body        any
		status      int
		field, text string
	}{
		{"capacity over 100", "tangA", prodToday, with("status", "resumed", "capacity_pct", 101), 400, "capacity_pct", "0–100"},
		{"on post negative", "tangA", prodToday, with("on_post_pct", -1), 400, "on_post_pct", "0–100"},
		{"on post over 100", "tangA", prodToday, with("on_post_pct", 150), 400, "on_post_pct", "员工到岗率应在 0–100"},
		{"unknown status", "tangA", prodToday, with("status", "open"), 400, "status", "closed（停工）"},
		{"closed with capacity", "tangA", prodToday, with("capacity_pct", 30), 400, "capacity_pct", "停工状态下应为 0"},
		{"full below 90", "tangA", prodToday, with("status", "full", "capacity_pct", 80), 400, "capacity_pct", "90% 及以上"},
		{"resumed at 95", "tangA", prodToday, with("status", "resumed", "capacity_pct", 95), 400, "capacity_pct", "请选择“满产”"},
		{"bad upstream", "tangA", prodToday, with("upstream", "ok"), 400, "upstream", "normal"},
		{"missing downstream", "tangA", prodToday, with("downstream", nil), 400, "downstream", "请填写下游销售"},
		{"missing capacity", "tangA", prodToday, with("capacity_pct", nil), 400, "capacity_pct", "请填写产能恢复率"},
		{"capacity as text", "tangA", prodToday, with("capacity_pct", "50%"), 400, "capacity_pct", "类型"},
		{"on post without staff", "nostaff", prodToday, with("on_post_pct", 10), 400, "on_post_pct", "职工人数为 0"},
		{"future", "tangA", "2020-02-11", with(), 400, "date", "未来日期"},
		{"before registration", "tangA", "2020-01-31", with(), 400, "date", "早于企业登记日期"},
		{"not a date", "tangA", "2020-02-30", with(), 400, "date", "有效日期"},
		{"long note", "tangA", prodToday, with("note", strings.Repeat("字", 501)), 400, "note", "500"},
		{"out of scope", "xianA", prodToday, with("capacity_pct", nil), 404, "", "企业不存在"},
		{"huge body", "tangA", prodToday, payload{"application/json", append([]byte(`{"note":"`), bytes.Repeat([]byte("a"), 2<<20)...)}, 413, "", "上限"},
	} {
		t.Run(c.name, func(t *testing.T) {
			role := roleTown
			wantErr(t, e.putDay(t, role, c.key, c.date, c.body), c.status, c.field, c.text)
		})
	}
	r := e.as(t, roleAdmin, "GET", "/api/v1/enterprises/"+e.ents["tangA"]+"/production?per_page=500", payload{})
	if r.status != 200 || !strings.Contains(string(r.body), `"total":0`) {
		t.Errorf("refused days were stored: %s", r.body)
	}
	// Every missing field is named.
	r = e.putDay(t, roleTown, "tangA", prodToday, rawJSON(`{}`))
	var body struct {
		Error struct {
			Problems []struct{ Field string } `json:"problems"`
		} `json:"error"`
	}
	r.decode(t, &body)
	if r.status != 400 || len(body.Error.Problems) != 5 {
		t.Errorf("empty body: %d %s", r.status, r.body)
	}
}

func testDayCorrections(t *testing.T, e *testEnv) {
	e.ents["corr"] = e.addEnterprise(t, "MA2CRR001", townTangxia, registry.SizeAbove, "瑞安市更正汽配有限公司")
	if _, _, err := e.deps.Production.SetEssential(context.Background(), fugong.System, e.ents["corr"], true, "测试"); err != nil {
		t.Fatal(err)
	}
	day := prodToday
	first := e.putDay(t, roleTown, "corr", day, dayJSON("resumed", 50, 60))
	if first.status != http.StatusCreated {
		t.Fatalf("%d %s", first.status, first.body)
	}
	if r := e.putDay(t, roleTown, "corr", day, dayJSON("resumed", 50, 60)); r.status != http.StatusOK || !strings.Contains(string(r.body), `"version":1`) {
		t.Errorf("the same figures again: %d %s", r.status, r.body)
	}
	r := e.putDay(t, roleAdmin, "corr", day, dayJSON("full", 92, 85))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"version":2`) {
		t.Fatalf("correction: %d %s", r.status, r.body)
	}
	r = e.as(t, roleTown, "GET", "/api/v1/enterprises/"+e.ents["corr"]+"/production/"+day+"/versions", payload{})
	var vs struct {
		Items []production.Day `json:"items"`
	}
	r.decode(t, &vs)
	if len(vs.Items) != 2 || vs.Items[0].CapacityPct != 50 || vs.Items[0].UpdatedBy != "u-town" || vs.Items[1].Status != "full" ||
		vs.Items[1].StaffOnPost != 17 {
		t.Errorf("versions %+v", vs.Items)
	}
	r = e.as(t, roleAdmin, "GET", "/api/v1/audit?entity=production_day&entity_id="+e.ents["corr"]+"/"+day, payload{})
	var log struct {
		Items []audit.Entry `json:"items"`
	}
	r.decode(t, &log)
	if len(log.Items) != 2 || log.Items[0].Action != "update" {
		t.Fatalf("audit %s", r.body)
	}
	var before, after production.Figures
	json.Unmarshal(log.Items[0].Before, &before)
	json.Unmarshal(log.Items[0].After, &after)
	if before.Status != "resumed" || before.CapacityPct != 50 || after.Status != "full" || after.CapacityPct != 92 {
		t.Errorf("audit before %+v after %+v", before, after)
	}
	r = e.as(t, roleTown, "GET", "/api/v1/enterprises/"+e.ents["corr"]+"/production/"+day, payload{})
	if r.status != 200 || !strings.Contains(string(r.body), `"capacity_pct":92`) {
		t.Errorf("GET day: %d %s", r.status, r.body)
	}
	wantErr(t, e.as(t, roleTown, "GET", "/api/v1/enterprises/"+e.ents["corr"]+"/production/2020-02-05", payload{}), 404, "", "不存在")
	r = e.as(t, roleTown, "GET", "/api/v1/enterprises/"+e.ents["corr"]+"/production?from=2020-02-01&to=2020-02-10", payload{})
	if r.status != 200 || !strings.Contains(string(r.body), `"total":1`) {
		t.Errorf("history: %d %s", r.status, r.body)
	}
	wantErr(t, e.as(t, roleTown, "GET", "/api/v1/enterprises/"+e.ents["corr"]+"/production?from=2020-13-01", payload{}), 400, "from", "有效日期")
}

func testEssentialAPI(t *testing.T, e *testEnv) {
	e.ents["suits"] = e.addEnterprise(t, "MA2PP0001", townXianjiang, registry.SizeBelow, "瑞安市防护服厂")
	path := "/api/v1/enterprises/" + e.ents["suits"] + "/essential"
	wantErr(t, e.putDay(t, roleAdmin, "suits", prodToday, dayJSON("resumed", 60, 70)), http.StatusConflict, "status", "保供重点企业名单")
	wantErr(t, e.as(t, roleAdmin, "PUT", path, rawJSON(`{"reason":"防护服"}`)), 400, "essential", "essential")
	wantErr(t, e.as(t, roleAdmin, "PUT", path, jsonBody(map[string]any{"essential": true, "reason": strings.Repeat("因", 201)})), 400, "reason", "200")
	r := e.as(t, roleAdmin, "PUT", path, rawJSON(`{"essential":true,"reason":"防护服生产保供"}`))
	if r.status != 200 || !strings.Contains(string(r.body), `"essential":true`) || !strings.Contains(string(r.body), `"reason":"防护服生产保供"`) {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := e.putDay(t, roleAdmin, "suits", prodToday, dayJSON("resumed", 60, 70)); r.status != http.StatusCreated {
		t.Errorf("essential resumes without an application: %d %s", r.status, r.body)
	}
	r = e.as(t, roleBureauInsp, "GET", "/api/v1/production/essential", payload{})
	if r.status != 200 || !strings.Contains(string(r.body), e.ents["suits"]) {
		t.Errorf("list: %s", r.body)
	}
	r = e.as(t, roleAdmin, "PUT", path, rawJSON(`{"essential":false}`))
	if r.status != 200 || !strings.Contains(string(r.body), `"essential":false`) {
		t.Errorf("removal: %d %s", r.status, r.body)
	}
	wantErr(t, e.putDay(t, roleAdmin, "suits", prodToday, dayJSON("resumed", 65, 70)), http.StatusConflict, "status", "尚未获")
}

func testSummaryAPI(t *testing.T, e *testEnv) {
	// tangB resumed on the 10th (the contract); its status carries to the
	// days after, and the days before count it closed.
	e.clock.Set(shanghai("2020-02-12", 9, 0, 0))
	before := e.summary(t, roleTown, "?date=2020-02-09")
	after := e.summary(t, roleTown, "?date=2020-02-12")
	if before.City.Working != 0 || before.City.Closed != before.City.Total || before.City.Total < 2 {
		t.Errorf("before %+v", before.City)
	}
	if after.City.Resumed < 1 || after.City.Reported != 0 || after.Date != "2020-02-12" {
		t.Errorf("the 12th carries the 10th: %+v", after.City)
	}
	if len(after.Towns) != 1 || after.Towns[0].Town != townTangxia || after.Towns[0].BySize.Below.Resumed < 1 {
		t.Errorf("town sees its town: %+v", after.Towns)
	}
	if got := e.summary(t, roleAdmin, "").Date; got != "2020-02-12" {
		t.Errorf("default day %s", got)
	}
	if h := e.summary(t, roleAdmin, "?date=2020-02-12").Headline; len(h) < 3 || !strings.HasPrefix(h[0], "截至 2020-02-12，全市") {
		t.Errorf("headline %q", h)
	}
	if h := e.summary(t, roleTown, "?date=2020-02-12").Headline; !strings.Contains(h[0], "塘下镇") {
		t.Errorf("town headline %q", h)
	}
	wantErr(t, e.as(t, roleAdmin, "GET", "/api/v1/production/summary?date=2020-02-13", payload{}), 400, "date", "未来")
	wantErr(t, e.as(t, roleAdmin, "GET", "/api/v1/production/summary?date=20200212", payload{}), 400, "date", "YYYY-MM-DD")

	r := e.as(t, roleAdmin, "GET", "/api/v1/production/trend?from=2020-02-08&to=2020-02-12", payload{})
	var trend struct {
		Items []production.TrendDay `json:"items"`
		Total int                   `json:"total"`
	}
	r.decode(t, &trend)
	if r.status != 200 || trend.Total != 5 || trend.Items[0].Date != "2020-02-08" || trend.Items[4].Working < 1 || trend.Items[0].BySize.Below.Working != 0 {
		t.Errorf("trend %d %s", r.status, r.body)
	}
	for i, d := range trend.Items {
		s := e.summary(t, roleAdmin, "?date="+d.Date)
		if d.Working != s.City.Working || d.Closed != s.City.Closed || d.StaffOnPost != s.City.StaffOnPost {
			t.Errorf("trend day %d %+v differs from the summary %+v", i, d.Area, s.City)
		}
	}
	r = e.as(t, roleAdmin, "GET", "/api/v1/production/trend", payload{})
	r.decode(t, &trend)
	if trend.Total != 30 || trend.Items[29].Date != "2020-02-12" {
		t.Errorf("default trend: %d days ending %s", trend.Total, trend.Items[len(trend.Items)-1].Date)
	}
	wantErr(t, e.as(t, roleAdmin, "GET", "/api/v1/production/trend?from=2020-02-12&to=2020-02-01", payload{}), 400, "to", "1至366天")

	// Drill-down and its sheet.
	r = e.as(t, roleAdmin, "GET", "/api/v1/production/enterprises?date=2020-02-12&status=resumed&size_class=below", payload{})
	var list struct {
		Items []production.EnterpriseDay `json:"items"`
		Total int                        `json:"total"`
	}
	r.decode(t, &list)
	found := false
	for _, it := range list.Items {
		if it.USCC == e.ents["tangB"] {
			found = it.AsOf == prodToday && it.Status == "resumed" && it.StaffOnPost == 10
		}
	}
	if r.status != 200 || !found {
		t.Errorf("drill-down lacks tangB resumed as of the 10th: %s", r.body)
	}
	wantErr(t, e.as(t, roleAdmin, "GET", "/api/v1/production/enterprises?status=open", payload{}), 400, "status", "working")
	wantErr(t, e.as(t, roleAdmin, "GET", "/api/v1/production/enterprises?town=纽约", payload{}), 400, "town", "不是本市")
	r = e.as(t, roleTown, "GET", "/api/v1/production/enterprises/export?date=2020-02-12&status=working", payload{})
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("export %d %q", r.status, r.header.Get("Content-Type"))
	}
	tab, err := sheet.Read(bytes.NewReader(r.body), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, row := range tab.Rows {
		names = append(names, row.Cells[0])
		if row.Cells[2] != "塘下镇" {
			t.Errorf("the town's export has a row of %s", row.Cells[2])
		}
	}
	if !slices.Contains(names, "瑞安市塘下电器厂") {
		t.Errorf("export rows %q lack tangB", names)
	}
	r = e.as(t, roleTown, "GET", "/api/v1/production/enterprises/export?format=csv&date=2020-02-12", payload{})
	if b, _ := io.ReadAll(bytes.NewReader(r.body)); r.status != 200 || !bytes.Contains(b, []byte("生产状态")) {
		t.Errorf("csv export %d", r.status)
	}
}
