package pairing_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// pairingBody is a pairing as the API answers it.
type pairingBody struct {
	USCC           string  `json:"uscc"`
	EnterpriseName string  `json:"enterprise_name"`
	Town           string  `json:"town"`
	TownName       string  `json:"town_name"`
	Paired         bool    `json:"paired"`
	Username       string  `json:"username"`
	DisplayName    string  `json:"display_name"`
	Since          *string `json:"since"`
}

// unpairedBody is GET /api/v1/pairings/unpaired.
type unpairedBody struct {
	Towns []struct {
		Town     string `json:"town"`
		TownName string `json:"town_name"`
		Total    int    `json:"total"`
		Unpaired int    `json:"unpaired"`
	} `json:"towns"`
	Items []struct {
		USCC string `json:"uscc"`
		Name string `json:"name"`
	} `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// cadreBody is a cadre as GET /api/v1/cadres lists it.
type cadreBody struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Enterprises int    `json:"enterprises"`
}

type listBody[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func (u unpairedBody) codes() []string {
	out := []string{}
	for _, it := range u.Items {
		out = append(out, it.USCC)
	}
	slices.Sort(out)
	return out
}

// newCadre adds a cadre account and returns it.
func newCadre(e *webtest.Env, t *testing.T, username, display string) account.User {
	t.Helper()
	u, err := e.DB.CreateUser(context.Background(), fugong.System, account.User{Username: username, DisplayName: display, Role: fugong.RoleCadre}, "x")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPairingAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location))
		newCadre(e, t, "wu", "吴斌")
		t.Run("pair", func(t *testing.T) { testPair(t, e) })
		t.Run("bad input", func(t *testing.T) { testPairBadInput(t, e) })
		t.Run("cadre loses access", func(t *testing.T) { testCadreLosesAccess(t, e) })
		t.Run("unpaired list", func(t *testing.T) { testUnpairedList(t, e) })
		t.Run("import", func(t *testing.T) { testPairingImport(t, e) })
		t.Run("visit interval", func(t *testing.T) { testVisitInterval(t, e) })
	})
}

func testPair(t *testing.T, e *webtest.Env) {
	path := "/api/v1/enterprises/" + e.Ents["tangB"] + "/cadre"
	var p pairingBody
	r := e.As(t, webtest.RoleTown, "GET", path, webtest.Payload{})
	r.Decode(t, &p)
	if r.Status != 200 || p.Paired || p.Username != "" || p.Since != nil || p.USCC != e.Ents["tangB"] || !strings.Contains(string(r.Body), `"since":null`) {
		t.Fatalf("tangB before pairing: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleTown, "PUT", path, webtest.RawJSON(`{"username":" WU "}`))
	r.Decode(t, &p)
	if r.Status != 200 || !p.Paired || p.Username != "wu" || p.DisplayName != "吴斌" || p.EnterpriseName != "瑞安市塘下电器厂" ||
		p.Town != webtest.TownTangxia || p.TownName != "塘下镇" || p.Since == nil || *p.Since != "2020-02-10T09:30:00+08:00" {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	var got pairingBody
	if r := e.As(t, webtest.RoleClerk, "GET", path, webtest.Payload{}); r.Status != 200 {
		t.Fatalf("the clerk reads their cadre: %d", r.Status)
	} else if r.Decode(t, &got); got.Username != p.Username || got.DisplayName != p.DisplayName || *got.Since != *p.Since {
		t.Errorf("GET %+v, PUT answered %+v", got, p)
	}
	// The same cadre again changes nothing, and is not audited again.
	e.Clock.Set(time.Date(2020, 2, 11, 9, 0, 0, 0, fugong.Location))
	r = e.As(t, webtest.RoleBureauInsp, "PUT", path, webtest.RawJSON(`{"username":"wu"}`))
	r.Decode(t, &got)
	if r.Status != 200 || *got.Since != "2020-02-10T09:30:00+08:00" {
		t.Errorf("re-pairing with the same cadre: %d %s", r.Status, r.Body)
	}
	entries, _, err := e.DB.ListAudit(context.Background(), audit.Filter{Entity: "cadre_pairing", EntityID: e.Ents["tangB"], Page: 1, PerPage: 10})
	if err != nil || len(entries) != 1 || entries[0].Actor != "u-town" || entries[0].Action != "update" {
		t.Errorf("audit %+v, %v", entries, err)
	}
	// The cadre list counts it.
	var cadres listBody[cadreBody]
	e.As(t, webtest.RoleBureauStat, "GET", "/api/v1/cadres", webtest.Payload{}).Decode(t, &cadres)
	counts := map[string]int{}
	for _, c := range cadres.Items {
		counts[c.Username] = c.Enterprises
	}
	if n, ok := counts["wu"]; !ok || n != 1 || counts["u-cadre"] != 1 || cadres.Total != len(cadres.Items) {
		t.Errorf("cadres %+v", cadres)
	}
	// Unpairing, twice: the second changes nothing and is not audited.
	for range 2 {
		if r := e.As(t, webtest.RoleTown, "DELETE", path, webtest.Payload{}); r.Status != 204 || len(r.Body) != 0 {
			t.Fatalf("DELETE: %d %s", r.Status, r.Body)
		}
	}
	e.As(t, webtest.RoleTown, "GET", path, webtest.Payload{}).Decode(t, &got)
	if got.Paired || got.Username != "" {
		t.Errorf("after DELETE: %+v", got)
	}
	deletes, _, _ := e.DB.ListAudit(context.Background(), audit.Filter{Entity: "cadre_pairing", EntityID: e.Ents["tangB"], Action: "delete", Page: 1, PerPage: 10})
	if len(deletes) != 1 {
		t.Errorf("%d delete entries, want 1", len(deletes))
	}
}

func testPairBadInput(t *testing.T, e *webtest.Env) {
	closed := e.AddEnterprise(t, "MD0000001", webtest.TownTangxia, registry.SizeBelow, "瑞安市已停业五金厂")
	if _, err := e.Services.Registry.Update(context.Background(), fugong.System, closed, func(en *registry.Enterprise) error {
		en.Status = registry.StatusClosed
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	path := func(key string) string { return "/api/v1/enterprises/" + e.PathFor("{uscc}", key) + "/cadre" }
	for _, c := range []struct {
		name, role, key, body string
		status                int
		field, message        string
	}{
		// No such user, another role and the admin get one answer
		// (pairing.CheckCadre): the name is not a cadre the town can pair.
		{"no such user", webtest.RoleTown, "tangA", `{"username":"nobody"}`, 400, "username", "nobody 不是可结对的驻企干部账号"},
		{"a town official", webtest.RoleTown, "tangA", `{"username":"u-town"}`, 400, "username", "u-town 不是可结对的驻企干部账号"},
		{"the admin", webtest.RoleTown, "tangA", `{"username":"u-admin"}`, 400, "username", "u-admin 不是可结对的驻企干部账号"},
		{"no username", webtest.RoleTown, "tangA", `{}`, 400, "username", "请填写干部账号"},
		{"unknown field", webtest.RoleTown, "tangA", `{"username":"wu","cadre":"wu"}`, 400, "cadre", "未知字段"},
		{"not JSON", webtest.RoleTown, "tangA", `wu`, 400, "", "JSON"},
		{"a number", webtest.RoleTown, "tangA", `{"username":7}`, 400, "username", "类型"},
		{"out of scope", webtest.RoleTown, "xianA", `{"username":"wu"}`, 404, "", "企业不存在"},
		{"unknown enterprise", webtest.RoleAdmin, webtest.USCC(t, "MD9999999"), `{"username":"wu"}`, 404, "", "企业不存在"},
		{"not a code at all", webtest.RoleAdmin, "abc", `{"username":"wu"}`, 404, "", "企业不存在"},
		{"closed enterprise", webtest.RoleAdmin, closed, `{"username":"wu"}`, 409, "uscc", "无需结对"},
		{"statistics group", webtest.RoleBureauStat, "tangA", `{"username":"wu"}`, 403, "", "无权"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.As(t, c.role, "PUT", path(c.key), webtest.RawJSON(c.body))
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			er := r.Err(t).Error
			if er.Field != c.field || !strings.Contains(er.Message, c.message) {
				t.Errorf("error %+v, want field %q saying %q", er, c.field, c.message)
			}
		})
	}
	// The town learns nothing of the accounts it names: the admin's answer
	// is the one a name nobody has gets.
	admin := e.As(t, webtest.RoleTown, "PUT", path("tangA"), webtest.RawJSON(`{"username":"u-admin"}`)).Err(t).Error.Message
	nobody := e.As(t, webtest.RoleTown, "PUT", path("tangA"), webtest.RawJSON(`{"username":"u-nobody"}`)).Err(t).Error.Message
	if strings.Replace(admin, "u-admin", "u-nobody", 1) != nobody || strings.Contains(admin, "管理员") {
		t.Errorf("pairing the admin says %q, pairing no one %q", admin, nobody)
	}
	// Nothing of that changed tangA's cadre.
	var p pairingBody
	e.As(t, webtest.RoleAdmin, "GET", path("tangA"), webtest.Payload{}).Decode(t, &p)
	if p.Username != "u-cadre" {
		t.Errorf("tangA's cadre is now %q", p.Username)
	}
	big := `{"username":"` + strings.Repeat("w", 2<<20) + `"}`
	if r := e.As(t, webtest.RoleTown, "PUT", path("tangA"), webtest.RawJSON(big)); r.Status != 413 {
		t.Errorf("a huge Body: %d", r.Status)
	}
}

// testCadreLosesAccess: the pairing is the cadre's scope, so unpairing or
// pairing the enterprise with another cadre takes it out of their reach at
// once, and pairing it back returns it.
func testCadreLosesAccess(t *testing.T, e *webtest.Env) {
	code := e.Ents["tangA"]
	reaches := map[string]func() webtest.Resp{
		"enterprise": func() webtest.Resp {
			return e.As(t, webtest.RoleCadre, "GET", "/api/v1/enterprises/"+code, webtest.Payload{})
		},
		"pairing": func() webtest.Resp {
			return e.As(t, webtest.RoleCadre, "GET", "/api/v1/enterprises/"+code+"/cadre", webtest.Payload{})
		},
		"report": func() webtest.Resp {
			return e.As(t, webtest.RoleCadre, "PUT", "/api/v1/enterprises/"+code+"/reports/"+e.Today(), webtest.JSON(reportFigures))
		},
		"documents": func() webtest.Resp {
			return e.As(t, webtest.RoleCadre, "GET", "/api/v1/enterprises/"+code+"/documents", webtest.Payload{})
		},
		"upload": func() webtest.Resp {
			return e.As(t, webtest.RoleCadre, "POST", "/api/v1/enterprises/"+code+"/documents", webtest.Upload(t, "承诺书.pdf", webtest.MinimalPDF, map[string]string{"kind": "commitment_letter"}))
		},
	}
	check := func(stage string, inReach bool) {
		t.Helper()
		for what, do := range reaches {
			r := do()
			if inReach && r.Status >= 400 || !inReach && r.Status != 404 {
				t.Errorf("%s: the cadre's %s: %d %.200s", stage, what, r.Status, r.Body)
			}
		}
		var list struct {
			Total int `json:"total"`
		}
		e.As(t, webtest.RoleCadre, "GET", "/api/v1/enterprises", webtest.Payload{}).Decode(t, &list)
		if want := map[bool]int{true: 1, false: 0}[inReach]; list.Total != want {
			t.Errorf("%s: the cadre lists %d enterprises, want %d", stage, list.Total, want)
		}
	}
	pairTo := func(username string) {
		t.Helper()
		if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+code+"/cadre", webtest.JSON(map[string]string{"username": username})); r.Status != 200 {
			t.Fatalf("pair with %s: %d %s", username, r.Status, r.Body)
		}
	}
	check("paired", true)
	if r := e.As(t, webtest.RoleAdmin, "DELETE", "/api/v1/enterprises/"+code+"/cadre", webtest.Payload{}); r.Status != 204 {
		t.Fatalf("unpair: %d", r.Status)
	}
	check("unpaired", false)
	pairTo("wu")
	check("paired with another cadre", false)
	pairTo("u-cadre")
	check("paired back", true)
}

func testUnpairedList(t *testing.T, e *webtest.Env) {
	// tangA is paired; tangB and xianA are not (testPair unpaired tangB).
	want := map[string][]string{
		webtest.RoleAdmin: {"tangB", "xianA"}, webtest.RoleBureauStat: {"tangB", "xianA"}, webtest.RoleBureauInsp: {"tangB", "xianA"},
		webtest.RoleTown: {"tangB"}, webtest.RoleCadre: {}, webtest.RoleClerk: {"tangB"}, webtest.RoleCheckpoint: {},
	}
	for role, keys := range want {
		var u unpairedBody
		r := e.As(t, role, "GET", "/api/v1/pairings/unpaired?per_page=500", webtest.Payload{})
		r.Decode(t, &u)
		if r.Status != 200 || !slices.Equal(u.codes(), e.Codes(keys)) || u.Total != len(keys) || u.Items == nil || u.Towns == nil {
			t.Errorf("%s: %d %s", role, r.Status, r.Body)
		}
	}
	var u unpairedBody
	e.As(t, webtest.RoleAdmin, "GET", "/api/v1/pairings/unpaired?town=塘下&per_page=1", webtest.Payload{}).Decode(t, &u)
	if u.Total != 1 || len(u.Items) != 1 || u.PerPage != 1 || u.Page != 1 || len(u.Towns) < 2 {
		t.Errorf("塘下, one per page: %+v", u)
	}
	var tangxia, xianjiang int
	for _, tc := range u.Towns {
		switch tc.Town {
		case webtest.TownTangxia:
			tangxia = tc.Unpaired
			if tc.TownName != "塘下镇" || tc.Total < 2 {
				t.Errorf("塘下 counts %+v", tc)
			}
		case webtest.TownXianjiang:
			xianjiang = tc.Unpaired
		}
	}
	if tangxia != 1 || xianjiang != 1 {
		t.Errorf("unpaired per town: 塘下 %d, 仙降 %d", tangxia, xianjiang)
	}
	e.As(t, webtest.RoleAdmin, "GET", "/api/v1/pairings/unpaired?page=2&per_page=1", webtest.Payload{}).Decode(t, &u)
	if u.Total != 2 || len(u.Items) != 1 || u.Items[0].USCC != e.Ents["tangB"] {
		t.Errorf("second page: %+v", u)
	}
	for q, field := range map[string]string{"town=上海": "town", "per_page=501": "per_page", "page=-1": "page", "page=x": "page"} {
		r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/pairings/unpaired?"+q, webtest.Payload{})
		if r.Status != 400 || r.Err(t).Error.Field != field {
			t.Errorf("?%s: %d %s", q, r.Status, r.Body)
		}
	}
	r := e.As(t, webtest.RoleTown, "GET", "/api/v1/pairings/unpaired/export?format=csv", webtest.Payload{})
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.Status, r.Header)
	}
	if got := exportedCodes(t, r.Body); !slices.Equal(got, e.Codes([]string{"tangB"})) {
		t.Errorf("the town's export: %v", got)
	}
	if r := e.As(t, webtest.RoleTown, "GET", "/api/v1/pairings/unpaired/export?format=pdf", webtest.Payload{}); r.Status != 400 {
		t.Errorf("export as pdf: %d", r.Status)
	}
}

func testPairingImport(t *testing.T, e *webtest.Env) {
	ctx := context.Background()
	before, _, _ := e.DB.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", Page: 1, PerPage: 1})
	// Every bad row is listed and nothing is stored.
	bad := "序号,统一社会信用代码,企业名称,干部账号\n" +
		"1," + e.Ents["tangB"] + ",塘下电器厂,wu\n" +
		"2," + e.Ents["xianA"] + ",仙降鞋业,wu\n" +
		"3," + e.Ents["tangB"] + ",重复,wu\n" +
		"4,91330381MA2BBBB02X,校验位错,wu\n" +
		"5," + e.Ents["tangA"] + ",塘下汽配,u-town\n" +
		"6," + e.Ents["tangA"] + ",,\n"
	r := e.As(t, webtest.RoleTown, "POST", "/api/v1/pairings/import", webtest.Upload(t, "结对.csv", bad, nil))
	if r.Status != 400 {
		t.Fatalf("bad file: %d %s", r.Status, r.Body)
	}
	er := r.Err(t).Error
	type p struct {
		row   int
		field string
	}
	var got []p
	for _, row := range er.Rows {
		got = append(got, p{row.Row, row.Field})
		if row.Column == "" || row.Message == "" {
			t.Errorf("row error without column or message: %+v", row)
		}
	}
	if want := []p{{3, "uscc"}, {4, "uscc"}, {5, "uscc"}, {6, "username"}}; !slices.Equal(got, want) || er.Field != "file" {
		t.Fatalf("bad rows %+v, want %v: %s", got, want, r.Body)
	}
	if after, _, _ := e.DB.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", Page: 1, PerPage: 1}); len(after) != len(before) || after[0].ID != before[0].ID {
		t.Error("a refused file stored pairings")
	}
	for _, c := range []struct{ name, data, message string }{
		{"x.csv", "统一社会信用代码,企业名称\n" + e.Ents["tangB"] + ",甲\n", "缺少必需的列：干部账号"},
		{"x.csv", "统一社会信用代码,干部账号\n" + e.Ents["tangB"] + ",\n", "没有填写了干部账号的行"},
		{"x.xls", "whatever", "不支持的文件类型"},
	} {
		r := e.As(t, webtest.RoleTown, "POST", "/api/v1/pairings/import", webtest.Upload(t, c.name, c.data, nil))
		if r.Status != 400 || !strings.Contains(r.Err(t).Error.Message, c.message) {
			t.Errorf("%s: %d %s", c.message, r.Status, r.Body)
		}
	}
	if r := e.As(t, webtest.RoleCadre, "POST", "/api/v1/pairings/import", webtest.Upload(t, "x.csv", "统一社会信用代码,干部账号\n"+e.Ents["tangA"]+",wu\n", nil)); r.Status != 403 {
		t.Errorf("a cadre imports: %d", r.Status)
	}

	// The town's unpaired sheet, filled in, loads back.
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/pairings/unpaired/export", webtest.Payload{})
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("export is no XLSX: %v", err)
	}
	rows, _ := f.GetRows("Sheet1")
	if len(rows) != 2 || rows[1][0] != e.Ents["tangB"] || rows[0][7] != "干部账号" {
		t.Fatalf("sheet %q", rows)
	}
	f.SetCellValue("Sheet1", "H2", "wu")
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r = e.As(t, webtest.RoleTown, "POST", "/api/v1/pairings/import", webtest.Upload(t, "未结对企业.xlsx", filled.String(), nil))
	var res struct{ Created, Updated, Unchanged int }
	r.Decode(t, &res)
	if r.Status != 200 || res.Created != 1 || res.Updated != 0 || res.Unchanged != 0 {
		t.Fatalf("filled sheet: %d %s", r.Status, r.Body)
	}
	// The inspection group moves tangB to another cadre and keeps tangA's.
	csv := "统一社会信用代码,干部账号\n" + e.Ents["tangB"] + "," + secondCadre + "\n" + e.Ents["tangA"] + ",u-cadre\n"
	ensureSecondCadre(t, e)
	r = e.As(t, webtest.RoleBureauInsp, "POST", "/api/v1/pairings/import", webtest.Upload(t, "x.csv", csv, nil))
	r.Decode(t, &res)
	if r.Status != 200 || res.Created != 0 || res.Updated != 1 || res.Unchanged != 1 {
		t.Fatalf("second import: %d %s", r.Status, r.Body)
	}
	var p2 pairingBody
	e.As(t, webtest.RoleTown, "GET", "/api/v1/enterprises/"+e.Ents["tangB"]+"/cadre", webtest.Payload{}).Decode(t, &p2)
	if p2.Username != secondCadre {
		t.Errorf("tangB's cadre %q", p2.Username)
	}
	imports, _, _ := e.DB.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", Action: "import", Page: 1, PerPage: 10})
	if len(imports) != 2 || imports[0].Actor != "u-bureau-insp" {
		t.Errorf("import audit %+v", imports)
	}
}

func testVisitInterval(t *testing.T, e *webtest.Env) {
	const path = "/api/v1/settings/visit-interval"
	var v struct {
		Days int `json:"days"`
	}
	if r := e.As(t, webtest.RoleCadre, "GET", path, webtest.Payload{}); r.Status != 200 || (func() bool { r.Decode(t, &v); return v.Days != 7 })() {
		t.Fatalf("default: %d %s", r.Status, r.Body)
	}
	if r := e.As(t, webtest.RoleAdmin, "PUT", path, webtest.RawJSON(`{"days":14}`)); r.Status != 200 || (func() bool { r.Decode(t, &v); return v.Days != 14 })() {
		t.Fatalf("set 14: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		role, body string
		status     int
	}{
		{webtest.RoleAdmin, `{"days":0}`, 400}, {webtest.RoleAdmin, `{"days":91}`, 400}, {webtest.RoleAdmin, `{"days":"7"}`, 400}, {webtest.RoleAdmin, `{}`, 400},
		{webtest.RoleAdmin, `{"days":7.5}`, 400}, {webtest.RoleBureauInsp, `{"days":3}`, 403}, {webtest.RoleTown, `{"days":3}`, 403},
	} {
		r := e.As(t, c.role, "PUT", path, webtest.RawJSON(c.body))
		if r.Status != c.status || c.status == 400 && r.Err(t).Error.Field != "days" {
			t.Errorf("%s %s: %d %s", c.role, c.body, r.Status, r.Body)
		}
	}
	e.As(t, webtest.RoleTown, "GET", path, webtest.Payload{}).Decode(t, &v)
	if v.Days != 14 {
		t.Errorf("after refused changes: %d", v.Days)
	}
	entries, _, _ := e.DB.ListAudit(context.Background(), audit.Filter{Entity: "setting", EntityID: "visit_interval_days", Page: 1, PerPage: 10})
	if len(entries) != 1 || entries[0].Actor != "u-admin" {
		t.Errorf("audit %+v", entries)
	}
}

// reportFigures is a daily report (M2) that passes every rule.
var reportFigures = map[string]any{"staff_total": 28, "staff_in_city": 20, "returned_today": 2, "persuaded_today": 1,
	"tickets_refunded_today": 1, "hubei_staff": 2, "hubei_contacted_today": 2, "quarantined": 1, "fever": 0,
	"on_duty": 3, "commitment_signed": true, "note": "一切正常"}

// exportedCodes reads the USCC column of a CSV export.
func exportedCodes(t *testing.T, body []byte) []string {
	t.Helper()
	body = bytes.TrimPrefix(body, []byte("\uFEFF"))
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("export is not a CSV with a header (%v): %s", err, body)
	}
	col := slices.Index(recs[0], "统一社会信用代码")
	if col < 0 {
		t.Fatalf("export header %v has no 统一社会信用代码", recs[0])
	}
	out := []string{}
	for _, rec := range recs[1:] {
		out = append(out, rec[col])
	}
	slices.Sort(out)
	return out
}
