package web

import (
	"bytes"
	"context"
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
func (e *testEnv) newCadre(t *testing.T, username, display string) account.User {
	t.Helper()
	u, err := e.db.CreateUser(context.Background(), fugong.System, account.User{Username: username, DisplayName: display, Role: fugong.RoleCadre}, "x")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPairingAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location))
		e.newCadre(t, "wu", "吴斌")
		t.Run("pair", func(t *testing.T) { testPair(t, e) })
		t.Run("bad input", func(t *testing.T) { testPairBadInput(t, e) })
		t.Run("cadre loses access", func(t *testing.T) { testCadreLosesAccess(t, e) })
		t.Run("unpaired list", func(t *testing.T) { testUnpairedList(t, e) })
		t.Run("import", func(t *testing.T) { testPairingImport(t, e) })
		t.Run("visit interval", func(t *testing.T) { testVisitInterval(t, e) })
	})
}

func testPair(t *testing.T, e *testEnv) {
	path := "/api/v1/enterprises/" + e.ents["tangB"] + "/cadre"
	var p pairingBody
	r := e.as(t, roleTown, "GET", path, payload{})
	r.decode(t, &p)
	if r.status != 200 || p.Paired || p.Username != "" || p.Since != nil || p.USCC != e.ents["tangB"] || !strings.Contains(string(r.body), `"since":null`) {
		t.Fatalf("tangB before pairing: %d %s", r.status, r.body)
	}
	r = e.as(t, roleTown, "PUT", path, rawJSON(`{"username":" WU "}`))
	r.decode(t, &p)
	if r.status != 200 || !p.Paired || p.Username != "wu" || p.DisplayName != "吴斌" || p.EnterpriseName != "瑞安市塘下电器厂" ||
		p.Town != townTangxia || p.TownName != "塘下镇" || p.Since == nil || *p.Since != "2020-02-10T09:30:00+08:00" {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	var got pairingBody
	if r := e.as(t, roleClerk, "GET", path, payload{}); r.status != 200 {
		t.Fatalf("the clerk reads their cadre: %d", r.status)
	} else if r.decode(t, &got); got.Username != p.Username || got.DisplayName != p.DisplayName || *got.Since != *p.Since {
		t.Errorf("GET %+v, PUT answered %+v", got, p)
	}
	// The same cadre again changes nothing, and is not audited again.
	e.clock.Set(time.Date(2020, 2, 11, 9, 0, 0, 0, fugong.Location))
	r = e.as(t, roleBureauInsp, "PUT", path, rawJSON(`{"username":"wu"}`))
	r.decode(t, &got)
	if r.status != 200 || *got.Since != "2020-02-10T09:30:00+08:00" {
		t.Errorf("re-pairing with the same cadre: %d %s", r.status, r.body)
	}
	entries, _, err := e.db.ListAudit(context.Background(), audit.Filter{Entity: "cadre_pairing", EntityID: e.ents["tangB"], Page: 1, PerPage: 10})
	if err != nil || len(entries) != 1 || entries[0].Actor != "u-town" || entries[0].Action != "update" {
		t.Errorf("audit %+v, %v", entries, err)
	}
	// The cadre list counts it.
	var cadres listBody[cadreBody]
	e.as(t, roleBureauStat, "GET", "/api/v1/cadres", payload{}).decode(t, &cadres)
	counts := map[string]int{}
	for _, c := range cadres.Items {
		counts[c.Username] = c.Enterprises
	}
	if n, ok := counts["wu"]; !ok || n != 1 || counts["u-cadre"] != 1 || cadres.Total != len(cadres.Items) {
		t.Errorf("cadres %+v", cadres)
	}
	// Unpairing, twice: the second changes nothing and is not audited.
	for range 2 {
		if r := e.as(t, roleTown, "DELETE", path, payload{}); r.status != 204 || len(r.body) != 0 {
			t.Fatalf("DELETE: %d %s", r.status, r.body)
		}
	}
	e.as(t, roleTown, "GET", path, payload{}).decode(t, &got)
	if got.Paired || got.Username != "" {
		t.Errorf("after DELETE: %+v", got)
	}
	deletes, _, _ := e.db.ListAudit(context.Background(), audit.Filter{Entity: "cadre_pairing", EntityID: e.ents["tangB"], Action: "delete", Page: 1, PerPage: 10})
	if len(deletes) != 1 {
		t.Errorf("%d delete entries, want 1", len(deletes))
	}
}

func testPairBadInput(t *testing.T, e *testEnv) {
	closed := e.addEnterprise(t, "MD0000001", townTangxia, registry.SizeBelow, "瑞安市已停业五金厂")
	if _, err := e.deps.Registry.Update(context.Background(), fugong.System, closed, func(en *registry.Enterprise) error {
		en.Status = registry.StatusClosed
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	path := func(key string) string { return "/api/v1/enterprises/" + e.pathFor("{uscc}", key) + "/cadre" }
	for _, c := range []struct {
		name, role, key, body string
		status                int
		field, message        string
	}{
		{"no such user", roleTown, "tangA", `{"username":"nobody"}`, 400, "username", "不存在"},
		{"a town official", roleTown, "tangA", `{"username":"u-town"}`, 400, "username", "不是驻企干部"},
		{"no username", roleTown, "tangA", `{}`, 400, "username", "请填写干部账号"},
		{"unknown field", roleTown, "tangA", `{"username":"wu","cadre":"wu"}`, 400, "cadre", "未知字段"},
		{"not JSON", roleTown, "tangA", `wu`, 400, "", "JSON"},
		{"a number", roleTown, "tangA", `{"username":7}`, 400, "username", "类型"},
		{"out of scope", roleTown, "xianA", `{"username":"wu"}`, 404, "", "企业不存在"},
		{"unknown enterprise", roleAdmin, uscc(t, "MD9999999"), `{"username":"wu"}`, 404, "", "企业不存在"},
		{"not a code at all", roleAdmin, "abc", `{"username":"wu"}`, 404, "", "企业不存在"},
		{"closed enterprise", roleAdmin, closed, `{"username":"wu"}`, 409, "uscc", "无需结对"},
		{"statistics group", roleBureauStat, "tangA", `{"username":"wu"}`, 403, "", "无权"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.as(t, c.role, "PUT", path(c.key), rawJSON(c.body))
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			er := r.err(t).Error
			if er.Field != c.field || !strings.Contains(er.Message, c.message) {
				t.Errorf("error %+v, want field %q saying %q", er, c.field, c.message)
			}
		})
	}
	// Nothing of that changed tangA's cadre.
	var p pairingBody
	e.as(t, roleAdmin, "GET", path("tangA"), payload{}).decode(t, &p)
	if p.Username != "u-cadre" {
		t.Errorf("tangA's cadre is now %q", p.Username)
	}
	big := `{"username":"` + strings.Repeat("w", 2<<20) + `"}`
	if r := e.as(t, roleTown, "PUT", path("tangA"), rawJSON(big)); r.status != 413 {
		t.Errorf("a huge body: %d", r.status)
	}
}

// testCadreLosesAccess: the pairing is the cadre's scope, so unpairing or
// pairing the enterprise with another cadre takes it out of their reach at
// once, and pairing it back returns it.
func testCadreLosesAccess(t *testing.T, e *testEnv) {
	code := e.ents["tangA"]
	reaches := map[string]func() resp{
		"enterprise": func() resp { return e.as(t, roleCadre, "GET", "/api/v1/enterprises/"+code, payload{}) },
		"pairing":    func() resp { return e.as(t, roleCadre, "GET", "/api/v1/enterprises/"+code+"/cadre", payload{}) },
		"report": func() resp {
			return e.as(t, roleCadre, "PUT", "/api/v1/enterprises/"+code+"/reports/"+e.today(), jsonBody(validFigures()))
		},
	}
	check := func(stage string, inReach bool) {
		t.Helper()
		for what, do := range reaches {
			r := do()
			if inReach && r.status >= 400 || !inReach && r.status != 404 {
				t.Errorf("%s: the cadre's %s: %d %.200s", stage, what, r.status, r.body)
			}
		}
		var list struct {
			Total int `json:"total"`
		}
		e.as(t, roleCadre, "GET", "/api/v1/enterprises", payload{}).decode(t, &list)
		if want := map[bool]int{true: 1, false: 0}[inReach]; list.Total != want {
			t.Errorf("%s: the cadre lists %d enterprises, want %d", stage, list.Total, want)
		}
	}
	pairTo := func(username string) {
		t.Helper()
		if r := e.as(t, roleAdmin, "PUT", "/api/v1/enterprises/"+code+"/cadre", jsonBody(map[string]string{"username": username})); r.status != 200 {
			t.Fatalf("pair with %s: %d %s", username, r.status, r.body)
		}
	}
	check("paired", true)
	if r := e.as(t, roleAdmin, "DELETE", "/api/v1/enterprises/"+code+"/cadre", payload{}); r.status != 204 {
		t.Fatalf("unpair: %d", r.status)
	}
	check("unpaired", false)
	pairTo("wu")
	check("paired with another cadre", false)
	pairTo("u-cadre")
	check("paired back", true)
}

func testUnpairedList(t *testing.T, e *testEnv) {
	// tangA is paired; tangB and xianA are not (testPair unpaired tangB).
	want := map[string][]string{
		roleAdmin: {"tangB", "xianA"}, roleBureauStat: {"tangB", "xianA"}, roleBureauInsp: {"tangB", "xianA"},
		roleTown: {"tangB"}, roleCadre: {}, roleClerk: {"tangB"}, roleCheckpoint: {},
	}
	for role, keys := range want {
		var u unpairedBody
		r := e.as(t, role, "GET", "/api/v1/pairings/unpaired?per_page=500", payload{})
		r.decode(t, &u)
		if r.status != 200 || !slices.Equal(u.codes(), e.codes(keys)) || u.Total != len(keys) || u.Items == nil || u.Towns == nil {
			t.Errorf("%s: %d %s", role, r.status, r.body)
		}
	}
	var u unpairedBody
	e.as(t, roleAdmin, "GET", "/api/v1/pairings/unpaired?town=塘下&per_page=1", payload{}).decode(t, &u)
	if u.Total != 1 || len(u.Items) != 1 || u.PerPage != 1 || u.Page != 1 || len(u.Towns) < 2 {
		t.Errorf("塘下, one per page: %+v", u)
	}
	var tangxia, xianjiang int
	for _, tc := range u.Towns {
		switch tc.Town {
		case townTangxia:
			tangxia = tc.Unpaired
			if tc.TownName != "塘下镇" || tc.Total < 2 {
				t.Errorf("塘下 counts %+v", tc)
			}
		case townXianjiang:
			xianjiang = tc.Unpaired
		}
	}
	if tangxia != 1 || xianjiang != 1 {
		t.Errorf("unpaired per town: 塘下 %d, 仙降 %d", tangxia, xianjiang)
	}
	e.as(t, roleAdmin, "GET", "/api/v1/pairings/unpaired?page=2&per_page=1", payload{}).decode(t, &u)
	if u.Total != 2 || len(u.Items) != 1 || u.Items[0].USCC != e.ents["tangB"] {
		t.Errorf("second page: %+v", u)
	}
	for q, field := range map[string]string{"town=上海": "town", "per_page=501": "per_page", "page=-1": "page", "page=x": "page"} {
		r := e.as(t, roleAdmin, "GET", "/api/v1/pairings/unpaired?"+q, payload{})
		if r.status != 400 || r.err(t).Error.Field != field {
			t.Errorf("?%s: %d %s", q, r.status, r.body)
		}
	}
	r := e.as(t, roleTown, "GET", "/api/v1/pairings/unpaired/export?format=csv", payload{})
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.status, r.header)
	}
	if got := exportedCodes(t, r.body); !slices.Equal(got, e.codes([]string{"tangB"})) {
		t.Errorf("the town's export: %v", got)
	}
	if r := e.as(t, roleTown, "GET", "/api/v1/pairings/unpaired/export?format=pdf", payload{}); r.status != 400 {
		t.Errorf("export as pdf: %d", r.status)
	}
}

func testPairingImport(t *testing.T, e *testEnv) {
	ctx := context.Background()
	before, _, _ := e.db.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", Page: 1, PerPage: 1})
	// Every bad row is listed and nothing is stored.
	bad := "序号,统一社会信用代码,企业名称,干部账号\n" +
		"1," + e.ents["tangB"] + ",塘下电器厂,wu\n" +
		"2," + e.ents["xianA"] + ",仙降鞋业,wu\n" +
		"3," + e.ents["tangB"] + ",重复,wu\n" +
		"4,91330381MA2BBBB02X,校验位错,wu\n" +
		"5," + e.ents["tangA"] + ",塘下汽配,u-town\n" +
		"6," + e.ents["tangA"] + ",,\n"
	r := e.as(t, roleTown, "POST", "/api/v1/pairings/import", upload(t, "结对.csv", bad, nil))
	if r.status != 400 {
		t.Fatalf("bad file: %d %s", r.status, r.body)
	}
	er := r.err(t).Error
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
		t.Fatalf("bad rows %+v, want %v: %s", got, want, r.body)
	}
	if after, _, _ := e.db.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", Page: 1, PerPage: 1}); len(after) != len(before) || after[0].ID != before[0].ID {
		t.Error("a refused file stored pairings")
	}
	for _, c := range []struct{ name, data, message string }{
		{"x.csv", "统一社会信用代码,企业名称\n" + e.ents["tangB"] + ",甲\n", "缺少必需的列：干部账号"},
		{"x.csv", "统一社会信用代码,干部账号\n" + e.ents["tangB"] + ",\n", "没有填写了干部账号的行"},
		{"x.xls", "whatever", "不支持的文件类型"},
	} {
		r := e.as(t, roleTown, "POST", "/api/v1/pairings/import", upload(t, c.name, c.data, nil))
		if r.status != 400 || !strings.Contains(r.err(t).Error.Message, c.message) {
			t.Errorf("%s: %d %s", c.message, r.status, r.body)
		}
	}
	if r := e.as(t, roleCadre, "POST", "/api/v1/pairings/import", upload(t, "x.csv", "统一社会信用代码,干部账号\n"+e.ents["tangA"]+",wu\n", nil)); r.status != 403 {
		t.Errorf("a cadre imports: %d", r.status)
	}

	// The town's unpaired sheet, filled in, loads back.
	r = e.as(t, roleTown, "GET", "/api/v1/pairings/unpaired/export", payload{})
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("export is no XLSX: %v", err)
	}
	rows, _ := f.GetRows("Sheet1")
	if len(rows) != 2 || rows[1][0] != e.ents["tangB"] || rows[0][7] != "干部账号" {
		t.Fatalf("sheet %q", rows)
	}
	f.SetCellValue("Sheet1", "H2", "wu")
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r = e.as(t, roleTown, "POST", "/api/v1/pairings/import", upload(t, "未结对企业.xlsx", filled.String(), nil))
	var res struct{ Created, Updated, Unchanged int }
	r.decode(t, &res)
	if r.status != 200 || res.Created != 1 || res.Updated != 0 || res.Unchanged != 0 {
		t.Fatalf("filled sheet: %d %s", r.status, r.body)
	}
	// The inspection group moves tangB to another cadre and keeps tangA's.
	csv := "统一社会信用代码,干部账号\n" + e.ents["tangB"] + "," + secondCadre + "\n" + e.ents["tangA"] + ",u-cadre\n"
	ensureSecondCadre(t, e)
	r = e.as(t, roleBureauInsp, "POST", "/api/v1/pairings/import", upload(t, "x.csv", csv, nil))
	r.decode(t, &res)
	if r.status != 200 || res.Created != 0 || res.Updated != 1 || res.Unchanged != 1 {
		t.Fatalf("second import: %d %s", r.status, r.body)
	}
	var p2 pairingBody
	e.as(t, roleTown, "GET", "/api/v1/enterprises/"+e.ents["tangB"]+"/cadre", payload{}).decode(t, &p2)
	if p2.Username != secondCadre {
		t.Errorf("tangB's cadre %q", p2.Username)
	}
	imports, _, _ := e.db.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", Action: "import", Page: 1, PerPage: 10})
	if len(imports) != 2 || imports[0].Actor != "u-bureau-insp" {
		t.Errorf("import audit %+v", imports)
	}
}

func testVisitInterval(t *testing.T, e *testEnv) {
	const path = "/api/v1/settings/visit-interval"
	var v struct {
		Days int `json:"days"`
	}
	if r := e.as(t, roleCadre, "GET", path, payload{}); r.status != 200 || (func() bool { r.decode(t, &v); return v.Days != 7 })() {
		t.Fatalf("default: %d %s", r.status, r.body)
	}
	if r := e.as(t, roleAdmin, "PUT", path, rawJSON(`{"days":14}`)); r.status != 200 || (func() bool { r.decode(t, &v); return v.Days != 14 })() {
		t.Fatalf("set 14: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		role, body string
		status     int
	}{
		{roleAdmin, `{"days":0}`, 400}, {roleAdmin, `{"days":91}`, 400}, {roleAdmin, `{"days":"7"}`, 400}, {roleAdmin, `{}`, 400},
		{roleAdmin, `{"days":7.5}`, 400}, {roleBureauInsp, `{"days":3}`, 403}, {roleTown, `{"days":3}`, 403},
	} {
		r := e.as(t, c.role, "PUT", path, rawJSON(c.body))
		if r.status != c.status || c.status == 400 && r.err(t).Error.Field != "days" {
			t.Errorf("%s %s: %d %s", c.role, c.body, r.status, r.body)
		}
	}
	e.as(t, roleTown, "GET", path, payload{}).decode(t, &v)
	if v.Days != 14 {
		t.Errorf("after refused changes: %d", v.Days)
	}
	entries, _, _ := e.db.ListAudit(context.Background(), audit.Filter{Entity: "setting", EntityID: "visit_interval_days", Page: 1, PerPage: 10})
	if len(entries) != 1 || entries[0].Actor != "u-admin" {
		t.Errorf("audit %+v", entries)
	}
}
