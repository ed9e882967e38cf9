package production_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/daily"
	"fugong/production"
	"fugong/registry"
	"fugong/sheet"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// shanghai is a time of day in Asia/Shanghai.
func shanghai(day string, hour, min, sec int) time.Time {
	d, err := time.ParseInLocation(daily.DateLayout, day, fugong.Location)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute + time.Duration(sec)*time.Second)
}

// appJSON is an application as the API answers it.
type appJSON struct {
	production.Application
	PlanURL string `json:"plan_url"`
}

// The days of TestProductionAPI. The fixture enterprises are registered on
// the first at 09:00; the clock then stands at 10:00 on prodToday.
const (
	prodFirst = "2020-02-01"
	prodToday = "2020-02-10"
)

// applicationForm is a multipart application: the JSON in "application"
// (left out when empty) and each plan file under "plan".
func applicationForm(t testing.TB, application string, plans map[string][]byte) webtest.Payload {
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
	return webtest.Payload{CType: mw.FormDataContentType(), Data: buf.Bytes()}
}

var pdfPlan = []byte("%PDF-1.4\n1 0 obj<<>>endobj\n% 疫情防控预案\n%%EOF")

// appBody decodes an application response of the wanted status.
func appBody(t testing.TB, r webtest.Resp, status int) appJSON {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	var a appJSON
	r.Decode(t, &a)
	return a
}

// wantErr checks an error response's status, code and field.
func wantErr(t testing.TB, r webtest.Resp, status int, field, text string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	e := r.Err(t).Error
	if e.Code != webtest.CodeOf[status] || e.Field != field || !strings.Contains(e.Message, text) {
		t.Errorf("error %+v, want code %s field %q message with %q", e, webtest.CodeOf[status], field, text)
	}
}

func dayJSON(status string, capacity, onPost int) map[string]any {
	return map[string]any{"status": status, "capacity_pct": capacity, "on_post_pct": onPost,
		"upstream": "normal", "downstream": "normal", "note": ""}
}

func putDay(t testing.TB, e *webtest.Env, role, key, date string, body any) webtest.Resp {
	t.Helper()
	p, ok := body.(webtest.Payload)
	if !ok {
		p = webtest.JSON(body)
	}
	return e.As(t, role, "PUT", "/api/v1/enterprises/"+e.Ents[key]+"/production/"+date, p)
}

func summary(t testing.TB, e *webtest.Env, role, query string) summaryBody {
	t.Helper()
	r := e.As(t, role, "GET", "/api/v1/production/summary"+query, webtest.Payload{})
	if r.Status != http.StatusOK {
		t.Fatalf("summary%s: %d %s", query, r.Status, r.Body)
	}
	var s summaryBody
	r.Decode(t, &s)
	return s
}

func TestProductionAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, shanghai(prodFirst, 9, 0, 0))
		e.Clock.Set(shanghai(prodToday, 10, 0, 0))
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
func testProductionContract(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleClerk, "POST", "/api/v1/enterprises/"+e.Ents["tangB"]+"/resumption-applications",
		webtest.RawJSON(`{"planned_date": "`+prodToday+`", "staff_expected": 18, "note": "口罩、测温枪已备齐"}`))
	app := appBody(t, r, http.StatusCreated)
	if app.ID == 0 || app.Status != "submitted" || app.SubmittedBy != "u-clerk" || app.StaffExpected != 18 || app.Plan != nil ||
		r.Header.Get("Location") != "/api/v1/resumption-applications/"+strconv.FormatInt(app.ID, 10) {
		t.Fatalf("created %+v, Location %q", app, r.Header.Get("Location"))
	}
	if !strings.Contains(string(r.Body), `"submitted_at":"2020-02-10T10:00:00+08:00"`) {
		t.Errorf("times should be RFC 3339 in Asia/Shanghai: %s", r.Body)
	}
	id := strconv.FormatInt(app.ID, 10)
	wantErr(t, putDay(t, e, webtest.RoleClerk, "tangB", prodToday, dayJSON("resumed", 40, 50)), http.StatusConflict, "status", "尚未获乡镇街道批准")
	wantErr(t, putDay(t, e, webtest.RoleClerk, "tangB", prodToday, dayJSON("full", 95, 90)), http.StatusConflict, "status", "满产")

	wantErr(t, e.As(t, webtest.RoleBureauStat, "POST", "/api/v1/resumption-applications/"+id+"/approve", webtest.Payload{}), http.StatusForbidden, "", "乡镇街道审批")
	wantErr(t, e.As(t, webtest.RoleClerk, "POST", "/api/v1/resumption-applications/"+id+"/approve", webtest.Payload{}), http.StatusForbidden, "", "乡镇街道审批")
	approved := appBody(t, e.As(t, webtest.RoleTown, "POST", "/api/v1/resumption-applications/"+id+"/approve", webtest.Payload{}), http.StatusOK)
	if approved.Status != "approved" || approved.DecidedBy != "u-town" || approved.DecidedAt == nil {
		t.Fatalf("approved %+v", approved)
	}
	wantErr(t, e.As(t, webtest.RoleTown, "POST", "/api/v1/resumption-applications/"+id+"/approve", webtest.RawJSON(`{}`)), http.StatusConflict, "status", "已于")
	wantErr(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", webtest.RawJSON(`{"reason":"重新核查"}`)), http.StatusConflict, "status", "不能再审批或退回")
	wantErr(t, e.As(t, webtest.RoleClerk, "POST", "/api/v1/enterprises/"+e.Ents["tangB"]+"/resumption-applications",
		webtest.RawJSON(`{"planned_date": "`+prodToday+`", "staff_expected": 5}`)), http.StatusConflict, "uscc", "已获批准")
	// The bureau keeps the record.
	got := appBody(t, e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/resumption-applications/"+id, webtest.Payload{}), http.StatusOK)
	if got.Status != "approved" || got.Name != "瑞安市塘下电器厂" || got.TownName != "塘下镇" {
		t.Errorf("bureau reads %+v", got)
	}

	r = putDay(t, e, webtest.RoleClerk, "tangB", prodToday, dayJSON("resumed", 40, 50))
	if r.Status != http.StatusCreated {
		t.Fatalf("resumed after approval: %d %s", r.Status, r.Body)
	}
	var d production.Day
	r.Decode(t, &d)
	if d.Status != "resumed" || d.Version != 1 || d.StaffOnPost != 10 || d.UpdatedBy != "u-clerk" {
		t.Errorf("stored %+v", d)
	}
	s := summary(t, e, webtest.RoleBureauStat, "?date="+prodToday)
	if s.City.Resumed != 1 || s.City.Working != 1 || s.City.Closed != 2 || s.BySize.Below.Resumed != 1 || s.BySize.Above.Resumed != 0 ||
		s.City.StaffOnPost != 10 || s.City.Reported != 1 {
		t.Errorf("summary after resuming: %+v", s)
	}
}

func testBadApplications(t *testing.T, e *webtest.Env) {
	path := "/api/v1/enterprises/" + e.Ents["xianA"] + "/resumption-applications"
	for _, c := range []struct {
		name, Body  string
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
			wantErr(t, e.As(t, webtest.RoleAdmin, "POST", path, webtest.RawJSON(c.Body)), c.status, c.field, c.text)
		})
	}
	// Out of scope is not found before the body is judged.
	wantErr(t, e.As(t, webtest.RoleTown, "POST", path, webtest.RawJSON(`{"planned_date":"2020-02-12"}`)), http.StatusNotFound, "", "企业不存在")
	wantErr(t, e.As(t, webtest.RoleClerk, "POST", "/api/v1/enterprises/"+e.Ents["tangA"]+"/resumption-applications",
		webtest.RawJSON(`{"planned_date":"2020-02-12","staff_expected":1}`)), http.StatusNotFound, "", "企业不存在")
	if apps, _ := appsOf(t, e, "xianA"); len(apps) != 0 {
		t.Errorf("refused applications were stored: %+v", apps)
	}
	// A return needs a reason; a returned application makes way for a new one.
	app := appBody(t, e.As(t, webtest.RoleAdmin, "POST", path, webtest.RawJSON(`{"planned_date":"2020-02-12","staff_expected":5}`)), http.StatusCreated)
	id := strconv.FormatInt(app.ID, 10)
	wantErr(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", webtest.RawJSON(`{"reason":""}`)), http.StatusBadRequest, "reason", "请填写退回原因")
	wantErr(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/approve", webtest.RawJSON(`{"note":"x"}`)), http.StatusBadRequest, "note", "未知字段")
	ret := appBody(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", webtest.RawJSON(`{"reason":"预案未明确隔离观察区"}`)), http.StatusOK)
	if ret.Status != "returned" || ret.ReturnReason != "预案未明确隔离观察区" {
		t.Errorf("returned %+v", ret)
	}
	wantErr(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/resumption-applications/"+id+"/return", webtest.RawJSON(`{"reason":"再退"}`)), http.StatusConflict, "status", "已于")
	again := appBody(t, e.As(t, webtest.RoleAdmin, "POST", path, webtest.RawJSON(`{"planned_date":"2020-02-13","staff_expected":6}`)), http.StatusCreated)
	apps, total := appsOf(t, e, "xianA")
	if total != 2 || apps[0].ID != again.ID || apps[1].Status != "returned" {
		t.Errorf("history %d %+v", total, apps)
	}
	wantErr(t, e.As(t, webtest.RoleAdmin, "POST", path, webtest.RawJSON(`{"planned_date":"2020-02-13","staff_expected":6}`)), http.StatusConflict, "uscc", "待审批")
	// Filters of the list.
	for q, want := range map[string]int{"?status=returned": 1, "?status=submitted&town=仙降": 1, "?town=" + webtest.TownFeiyun: 0} {
		r := e.As(t, webtest.RoleBureauStat, "GET", "/api/v1/resumption-applications"+q, webtest.Payload{})
		var list struct{ Total int }
		r.Decode(t, &list)
		if r.Status != 200 || list.Total != want {
			t.Errorf("%s: %d total %d, want %d", q, r.Status, list.Total, want)
		}
	}
	wantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/resumption-applications?status=open", webtest.Payload{}), http.StatusBadRequest, "status", "待审批")
	wantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/resumption-applications?per_page=501", webtest.Payload{}), http.StatusBadRequest, "per_page", "1–500")
}

// appsOf lists an enterprise's applications as the admin.
func appsOf(t testing.TB, e *webtest.Env, key string) ([]appJSON, int) {
	t.Helper()
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+e.Ents[key]+"/resumption-applications", webtest.Payload{})
	var list struct {
		Items []appJSON `json:"items"`
		Total int       `json:"total"`
	}
	r.Decode(t, &list)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	return list.Items, list.Total
}

func testPlanUpload(t *testing.T, e *webtest.Env) {
	key := "plan"
	e.Ents[key] = e.AddEnterprise(t, "MA2PLAN01", webtest.TownTangxia, registry.SizeBelow, "瑞安市康盾防护用品有限公司")
	path := "/api/v1/enterprises/" + e.Ents[key] + "/resumption-applications"
	good := `{"planned_date":"2020-02-11","staff_expected":12,"note":"附预案"}`
	files0 := auditTotal(t, e, "file")
	for _, c := range []struct {
		name        string
		Body        webtest.Payload
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
		t.Run(c.name, func(t *testing.T) {
			wantErr(t, e.As(t, webtest.RoleTown, "POST", path, c.Body), c.status, c.field, c.text)
		})
	}
	if apps, _ := appsOf(t, e, key); len(apps) != 0 || auditTotal(t, e, "file") != files0 {
		t.Fatalf("refused uploads left %d applications, %d files", len(apps), auditTotal(t, e, "file")-files0)
	}
	app := appBody(t, e.As(t, webtest.RoleTown, "POST", path, applicationForm(t, good, map[string][]byte{"疫情防控预案.pdf": pdfPlan})), http.StatusCreated)
	if app.Plan == nil || app.Plan.Name != "疫情防控预案.pdf" || app.Plan.ContentType != "application/pdf" || app.Plan.Enterprise != e.Ents[key] ||
		app.PlanURL != "/api/v1/files/"+strconv.FormatInt(app.Plan.ID, 10) {
		t.Fatalf("plan %+v url %q", app.Plan, app.PlanURL)
	}
	f, data, err := e.DB.File(context.Background(), fugong.Actor{Role: fugong.RoleTown, Town: webtest.TownTangxia}, app.Plan.ID)
	if err != nil || !bytes.Equal(data, pdfPlan) || f.Enterprise != e.Ents[key] {
		t.Errorf("stored plan %+v %v", f, err)
	}
	if _, _, err := e.DB.File(context.Background(), fugong.Actor{Role: fugong.RoleTown, Town: webtest.TownXianjiang}, app.Plan.ID); fugong.ErrorCode(err) != fugong.ENotFound {
		t.Errorf("another town reads the plan: %v", err)
	}
}

// auditTotal counts the audit entries about an entity.
func auditTotal(t testing.TB, e *webtest.Env, entity string) int {
	t.Helper()
	_, n, err := e.DB.ListAudit(context.Background(), audit.Filter{Entity: entity, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testBadDays(t *testing.T, e *webtest.Env) {
	nostaff := registry.Enterprise{USCC: webtest.USCC(t, "MA2NT0001"), Name: "瑞安市无职工作坊", Town: webtest.TownTangxia, SizeClass: registry.SizeBelow,
		ContactPhone: "13912345678", Employees: 0, Status: registry.StatusActive}
	if _, err := e.DB.CreateEnterprise(context.Background(), fugong.System, nostaff); err != nil {
		t.Fatal(err)
	}
	e.Ents["nostaff"] = nostaff.USCC
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
		Body        any
		status      int
		field, text string
	}{
		{"capacity over 100", "tangA", prodToday, with("status", "resumed", "capacity_pct", 101), 400, "capacity_pct", "0–100"},
		{"on post negative", "tangA", prodToday, with("on_post_pct", -1), 400, "on_post_pct", "0–100"},
		{"on post over 100", "tangA", prodToday, with("on_post_pct", 150), 400, "on_post_pct", "员工到岗率应在 0–100"},
		{"unknown status", "tangA", prodToday, with("status", "open"), 400, "status", "应为停工、已复工或满产"},
		{"closed with capacity", "tangA", prodToday, with("capacity_pct", 30), 400, "capacity_pct", "停工状态下应为 0"},
		{"full below 90", "tangA", prodToday, with("status", "full", "capacity_pct", 80), 400, "capacity_pct", "90% 及以上"},
		{"resumed at 95", "tangA", prodToday, with("status", "resumed", "capacity_pct", 95), 400, "capacity_pct", "请选择“满产”"},
		{"bad upstream", "tangA", prodToday, with("upstream", "ok"), 400, "upstream", "正常"},
		{"missing downstream", "tangA", prodToday, with("downstream", nil), 400, "downstream", "请填写下游销售"},
		{"missing capacity", "tangA", prodToday, with("capacity_pct", nil), 400, "capacity_pct", "请填写产能恢复率"},
		{"capacity as text", "tangA", prodToday, with("capacity_pct", "50%"), 400, "capacity_pct", "类型"},
		{"on post without staff", "nostaff", prodToday, with("on_post_pct", 10), 400, "on_post_pct", "职工人数为 0"},
		{"future", "tangA", "2020-02-11", with(), 400, "date", "未来日期"},
		{"before registration", "tangA", "2020-01-31", with(), 400, "date", "早于企业登记日期"},
		{"not a date", "tangA", "2020-02-30", with(), 400, "date", "有效日期"},
		{"long note", "tangA", prodToday, with("note", strings.Repeat("字", 501)), 400, "note", "500"},
		{"out of scope", "xianA", prodToday, with("capacity_pct", nil), 404, "", "企业不存在"},
		{"huge body", "tangA", prodToday, webtest.Payload{CType: "application/json", Data: append([]byte(`{"note":"`), bytes.Repeat([]byte("a"), 2<<20)...)}, 413, "", "上限"},
	} {
		t.Run(c.name, func(t *testing.T) {
			role := webtest.RoleTown
			wantErr(t, putDay(t, e, role, c.key, c.date, c.Body), c.status, c.field, c.text)
		})
	}
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+e.Ents["tangA"]+"/production?per_page=500", webtest.Payload{})
	if r.Status != 200 || !strings.Contains(string(r.Body), `"total":0`) {
		t.Errorf("refused days were stored: %s", r.Body)
	}
	// Every missing field is named.
	r = putDay(t, e, webtest.RoleTown, "tangA", prodToday, webtest.RawJSON(`{}`))
	var body struct {
		Error struct {
			Problems []struct{ Field string } `json:"problems"`
		} `json:"error"`
	}
	r.Decode(t, &body)
	if r.Status != 400 || len(body.Error.Problems) != 5 {
		t.Errorf("empty Body: %d %s", r.Status, r.Body)
	}
}

func testDayCorrections(t *testing.T, e *webtest.Env) {
	e.Ents["corr"] = e.AddEnterprise(t, "MA2CRR001", webtest.TownTangxia, registry.SizeAbove, "瑞安市更正汽配有限公司")
	if _, _, err := e.Services.Production.SetEssential(context.Background(), fugong.System, e.Ents["corr"], true, "测试"); err != nil {
		t.Fatal(err)
	}
	day := prodToday
	first := putDay(t, e, webtest.RoleTown, "corr", day, dayJSON("resumed", 50, 60))
	if first.Status != http.StatusCreated {
		t.Fatalf("%d %s", first.Status, first.Body)
	}
	if r := putDay(t, e, webtest.RoleTown, "corr", day, dayJSON("resumed", 50, 60)); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"version":1`) {
		t.Errorf("the same figures again: %d %s", r.Status, r.Body)
	}
	r := putDay(t, e, webtest.RoleAdmin, "corr", day, dayJSON("full", 92, 85))
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"version":2`) {
		t.Fatalf("correction: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+e.Ents["corr"]+"/production/"+day+"/versions", webtest.Payload{})
	var vs struct {
		Items []production.Day `json:"items"`
	}
	r.Decode(t, &vs)
	if len(vs.Items) != 2 || vs.Items[0].CapacityPct != 50 || vs.Items[0].UpdatedBy != "u-town" || vs.Items[1].Status != "full" ||
		vs.Items[1].StaffOnPost != 17 {
		t.Errorf("versions %+v", vs.Items)
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/audit?entity=production_day&entity_id="+e.Ents["corr"]+"/"+day, webtest.Payload{})
	var log struct {
		Items []audit.Entry `json:"items"`
	}
	r.Decode(t, &log)
	if len(log.Items) != 2 || log.Items[0].Action != "update" {
		t.Fatalf("audit %s", r.Body)
	}
	var before, after production.Figures
	json.Unmarshal(log.Items[0].Before, &before)
	json.Unmarshal(log.Items[0].After, &after)
	if before.Status != "resumed" || before.CapacityPct != 50 || after.Status != "full" || after.CapacityPct != 92 {
		t.Errorf("audit before %+v after %+v", before, after)
	}
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+e.Ents["corr"]+"/production/"+day, webtest.Payload{})
	if r.Status != 200 || !strings.Contains(string(r.Body), `"capacity_pct":92`) {
		t.Errorf("GET day: %d %s", r.Status, r.Body)
	}
	wantErr(t, e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+e.Ents["corr"]+"/production/2020-02-05", webtest.Payload{}), 404, "", "不存在")
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+e.Ents["corr"]+"/production?from=2020-02-01&to=2020-02-10", webtest.Payload{})
	if r.Status != 200 || !strings.Contains(string(r.Body), `"total":1`) {
		t.Errorf("history: %d %s", r.Status, r.Body)
	}
	wantErr(t, e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+e.Ents["corr"]+"/production?from=2020-13-01", webtest.Payload{}), 400, "from", "有效日期")
}

func testEssentialAPI(t *testing.T, e *webtest.Env) {
	e.Ents["suits"] = e.AddEnterprise(t, "MA2PP0001", webtest.TownXianjiang, registry.SizeBelow, "瑞安市防护服厂")
	path := "/api/v1/enterprises/" + e.Ents["suits"] + "/essential"
	wantErr(t, putDay(t, e, webtest.RoleAdmin, "suits", prodToday, dayJSON("resumed", 60, 70)), http.StatusConflict, "status", "保供重点企业名单")
	wantErr(t, e.As(t, webtest.RoleAdmin, "PUT", path, webtest.RawJSON(`{"reason":"防护服"}`)), 400, "essential", "essential")
	wantErr(t, e.As(t, webtest.RoleAdmin, "PUT", path, webtest.JSON(map[string]any{"essential": true, "reason": strings.Repeat("因", 201)})), 400, "reason", "200")
	r := e.As(t, webtest.RoleAdmin, "PUT", path, webtest.RawJSON(`{"essential":true,"reason":"防护服生产保供"}`))
	if r.Status != 200 || !strings.Contains(string(r.Body), `"essential":true`) || !strings.Contains(string(r.Body), `"reason":"防护服生产保供"`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if r := putDay(t, e, webtest.RoleAdmin, "suits", prodToday, dayJSON("resumed", 60, 70)); r.Status != http.StatusCreated {
		t.Errorf("essential resumes without an application: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/production/essential", webtest.Payload{})
	if r.Status != 200 || !strings.Contains(string(r.Body), e.Ents["suits"]) {
		t.Errorf("list: %s", r.Body)
	}
	r = e.As(t, webtest.RoleAdmin, "PUT", path, webtest.RawJSON(`{"essential":false}`))
	if r.Status != 200 || !strings.Contains(string(r.Body), `"essential":false`) {
		t.Errorf("removal: %d %s", r.Status, r.Body)
	}
	wantErr(t, putDay(t, e, webtest.RoleAdmin, "suits", prodToday, dayJSON("resumed", 65, 70)), http.StatusConflict, "status", "尚未获")
}

func testSummaryAPI(t *testing.T, e *webtest.Env) {
	// tangB resumed on the 10th (the contract); its status carries to the
	// days after, and the days before count it closed.
	e.Clock.Set(shanghai("2020-02-12", 9, 0, 0))
	before := summary(t, e, webtest.RoleTown, "?date=2020-02-09")
	after := summary(t, e, webtest.RoleTown, "?date=2020-02-12")
	if before.City.Working != 0 || before.City.Closed != before.City.Total || before.City.Total < 2 {
		t.Errorf("before %+v", before.City)
	}
	if after.City.Resumed < 1 || after.City.Reported != 0 || after.Date != "2020-02-12" {
		t.Errorf("the 12th carries the 10th: %+v", after.City)
	}
	if len(after.Towns) != 1 || after.Towns[0].Town != webtest.TownTangxia || after.Towns[0].BySize.Below.Resumed < 1 {
		t.Errorf("town sees its town: %+v", after.Towns)
	}
	if got := summary(t, e, webtest.RoleAdmin, "").Date; got != "2020-02-12" {
		t.Errorf("default day %s", got)
	}
	if h := summary(t, e, webtest.RoleAdmin, "?date=2020-02-12").Headline; len(h) < 3 || !strings.HasPrefix(h[0], "截至 2020-02-12，全市") {
		t.Errorf("headline %q", h)
	}
	if h := summary(t, e, webtest.RoleTown, "?date=2020-02-12").Headline; !strings.Contains(h[0], "塘下镇") {
		t.Errorf("town headline %q", h)
	}
	wantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/summary?date=2020-02-13", webtest.Payload{}), 400, "date", "未来")
	wantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/summary?date=20200212", webtest.Payload{}), 400, "date", "YYYY-MM-DD")

	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/trend?from=2020-02-08&to=2020-02-12", webtest.Payload{})
	var trend struct {
		Items []production.TrendDay `json:"items"`
		Total int                   `json:"total"`
	}
	r.Decode(t, &trend)
	if r.Status != 200 || trend.Total != 5 || trend.Items[0].Date != "2020-02-08" || trend.Items[4].Working < 1 || trend.Items[0].BySize.Below.Working != 0 {
		t.Errorf("trend %d %s", r.Status, r.Body)
	}
	for i, d := range trend.Items {
		s := summary(t, e, webtest.RoleAdmin, "?date="+d.Date)
		if d.Working != s.City.Working || d.Closed != s.City.Closed || d.StaffOnPost != s.City.StaffOnPost {
			t.Errorf("trend day %d %+v differs from the summary %+v", i, d.Area, s.City)
		}
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/trend", webtest.Payload{})
	r.Decode(t, &trend)
	if trend.Total != 30 || trend.Items[29].Date != "2020-02-12" {
		t.Errorf("default trend: %d days ending %s", trend.Total, trend.Items[len(trend.Items)-1].Date)
	}
	wantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/trend?from=2020-02-12&to=2020-02-01", webtest.Payload{}), 400, "to", "1至366天")

	// Drill-down and its sheet.
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/enterprises?date=2020-02-12&status=resumed&size_class=below", webtest.Payload{})
	var list struct {
		Items []production.EnterpriseDay `json:"items"`
		Total int                        `json:"total"`
	}
	r.Decode(t, &list)
	found := false
	for _, it := range list.Items {
		if it.USCC == e.Ents["tangB"] {
			found = it.AsOf == prodToday && it.Status == "resumed" && it.StaffOnPost == 10
		}
	}
	if r.Status != 200 || !found {
		t.Errorf("drill-down lacks tangB resumed as of the 10th: %s", r.Body)
	}
	wantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/enterprises?status=open", webtest.Payload{}), 400, "status", "复工（含满产）")
	wantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/production/enterprises?town=纽约", webtest.Payload{}), 400, "town", "不是本市")
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/production/enterprises/export?date=2020-02-12&status=working", webtest.Payload{})
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("export %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	tab, err := sheet.Read(bytes.NewReader(r.Body), "x.xlsx")
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
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/production/enterprises/export?format=csv&date=2020-02-12", webtest.Payload{})
	if b, _ := io.ReadAll(bytes.NewReader(r.Body)); r.Status != 200 || !bytes.Contains(b, []byte("生产状态")) {
		t.Errorf("csv export %d", r.Status)
	}
}

// TestOneOrder: the API and the pages refuse in the service's one order,
// whatever else is wrong with the input: a firm out of scope is not found,
// a role that may not report is forbidden, a closed firm is a conflict,
// and only then is input left out or not a number invalid.
func TestOneOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, shanghai(prodFirst, 9, 0, 0))
		e.Clock.Set(shanghai(prodToday, 10, 0, 0))
		closed := registry.Enterprise{USCC: webtest.USCC(t, "MA2GB0001"), Name: "瑞安市已停业鞋厂", Town: webtest.TownTangxia, SizeClass: registry.SizeBelow,
			ContactPhone: "13912345678", Employees: 10, Status: registry.StatusClosed}
		if _, err := e.DB.CreateEnterprise(context.Background(), fugong.System, closed); err != nil {
			t.Fatal(err)
		}
		e.Ents["closed"] = closed.USCC
		badDay := url.Values{"date": {prodToday}, "status": {"closed"}, "capacity_pct": {"abc"}, "on_post_pct": {"x"}, "upstream": {"normal"}, "downstream": {"normal"}}
		badApp := url.Values{"planned_date": {prodToday}, "staff_expected": {"十"}}
		for _, c := range []struct {
			role, key string
			status    int
		}{
			{webtest.RoleClerk, "tangA", 404},      // not the clerk's firm
			{webtest.RoleBureauStat, "tangA", 403}, // sees it, may not report or apply
			{webtest.RoleTown, "closed", 409},      // its firm, closed
			{webtest.RoleTown, "tangA", 400},       // then the input
		} {
			name := c.role + " on " + c.key
			base := "/enterprises/" + e.Ents[c.key]
			if r := putDay(t, e, c.role, c.key, prodToday, webtest.RawJSON(`{}`)); r.Status != c.status {
				t.Errorf("%s: API day with every figure left out: %d %s", name, r.Status, r.Body)
			}
			if r := e.As(t, c.role, "POST", "/api/v1"+base+"/resumption-applications", webtest.RawJSON(`{"planned_date":"`+prodToday+`"}`)); r.Status != c.status {
				t.Errorf("%s: API application without staff_expected: %d %s", name, r.Status, r.Body)
			}
			b := e.BrowserLogin(t, c.role)
			csrf := webtest.CSRFOf(t, b.Get(t, "/production/essential").Body)
			badDay.Set("csrf", csrf)
			badApp.Set("csrf", csrf)
			if r := b.PostForm(t, base+"/production", badDay); r.Status != c.status {
				t.Errorf("%s: page day with percentages not numbers: %d", name, r.Status)
			}
			if r := b.PostForm(t, base+"/resumption-applications", badApp); r.Status != c.status {
				t.Errorf("%s: page application with staff not a number: %d", name, r.Status)
			}
		}
		// The essential list: scope, the right, then essential left out.
		for role, want := range map[string]int{webtest.RoleClerk: 404, webtest.RoleTown: 403, webtest.RoleAdmin: 400} {
			if r := e.As(t, role, "PUT", "/api/v1/enterprises/"+e.Ents["tangA"]+"/essential", webtest.RawJSON(`{"reason":"保供"}`)); r.Status != want {
				t.Errorf("%s: essential left out: %d, want %d: %s", role, r.Status, want, r.Body)
			}
		}
	})
}
