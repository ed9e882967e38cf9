package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong/account"
	"fugong/audit"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web"
	"fugong/web/webtest"
)

// TestAPI: the registry's API (and its pages' forms and imports) on both
// engines, over the whole server.
func TestAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		// More enterprises for the filters, besides tangA, tangB and xianA.
		e.Ents["xianB"] = e.AddEnterprise(t, "MA2DDDD04", webtest.TownXianjiang, registry.SizeAbove, "瑞安市仙降鞋材有限公司")
		e.Ents["feiA"] = e.AddEnterprise(t, "MA2EEEE05", webtest.TownFeiyun, registry.SizeBelow, "瑞安市飞云汽配厂")
		// Reads of the fixture first: later subtests add enterprises.
		t.Run("towns", func(t *testing.T) { testTowns(t, e) })
		t.Run("list filters", func(t *testing.T) { testListFilters(t, e) })
		t.Run("enterprise json", func(t *testing.T) { testEnterpriseJSON(t, e) })
		t.Run("export", func(t *testing.T) { testExport(t, e) })
		t.Run("create get patch", func(t *testing.T) { testCreateGetPatch(t, e) })
		t.Run("create errors", func(t *testing.T) { testCreateErrors(t, e) })
		t.Run("patch errors", func(t *testing.T) { testPatchErrors(t, e) })
		t.Run("not found", func(t *testing.T) { testNotFound(t, e) })
		t.Run("audit", func(t *testing.T) { testAudit(t, e) })
		t.Run("import", func(t *testing.T) { testImport(t, e) })
		t.Run("csrf", func(t *testing.T) { testCSRF(t, e) })
		t.Run("upload limit", func(t *testing.T) { testUploadLimit(t, e) })
	})
}

func testTowns(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleCheckpoint, "GET", "/api/v1/towns", webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var list struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	r.Decode(t, &list)
	if len(list.Items) != 23 || list.Total != 23 {
		t.Errorf("%d towns, total %d; want 23", len(list.Items), list.Total)
	}
	found := false
	for _, it := range list.Items {
		if keys := slices.Sorted(maps.Keys(it)); !slices.Equal(keys, []string{"code", "name"}) {
			t.Errorf("town has keys %v, want code and name", keys)
		}
		if it["code"] == webtest.TownTangxia && it["name"] == "塘下镇" {
			found = true
		}
	}
	if !found {
		t.Error("no 330381101 塘下镇 among the towns")
	}
}

// page is a list response.
type page struct {
	Items []registry.Enterprise `json:"items"`
	Total int                   `json:"total"`
	Page  int                   `json:"page"`
	Per   int                   `json:"per_page"`
}

func (p page) codes() []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.USCC)
	}
	return out
}

func testListFilters(t *testing.T, e *webtest.Env) {
	list := func(t *testing.T, query string) page {
		t.Helper()
		r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises?"+query, webtest.Payload{})
		if r.Status != 200 {
			t.Fatalf("?%s: status %d: %s", query, r.Status, r.Body)
		}
		var p page
		r.Decode(t, &p)
		return p
	}
	prefix := e.Ents["xianA"][:12] // 91330381MA2C: only xianA
	for _, c := range []struct {
		query string
		want  []string // fixture keys
	}{
		{"", []string{"tangA", "tangB", "xianA", "xianB", "feiA"}},
		{"town=" + webtest.TownTangxia, []string{"tangA", "tangB"}},
		{"town=" + url.QueryEscape("塘下镇"), []string{"tangA", "tangB"}},
		{"town=" + url.QueryEscape("塘下"), []string{"tangA", "tangB"}},
		{"size_class=above", []string{"tangA", "xianB"}},
		{"size_class=below", []string{"tangB", "xianA", "feiA"}},
		{"town=" + webtest.TownXianjiang + "&size_class=above", []string{"xianB"}},
		{"q=" + url.QueryEscape("汽配"), []string{"tangA", "feiA"}},
		{"q=" + url.QueryEscape("鞋"), []string{"xianA", "xianB"}},
		{"q=" + prefix, []string{"xianA"}},
		{"q=" + strings.ToLower(prefix), []string{"xianA"}},
		{"q=" + e.Ents["tangB"], []string{"tangB"}},
		{"q=" + url.QueryEscape("%"), nil},
		{"q=" + url.QueryEscape("不存在的企业"), nil},
	} {
		t.Run(c.query, func(t *testing.T) {
			p := list(t, c.query)
			got := p.codes()
			slices.Sort(got)
			want := e.Codes(c.want)
			if p.Total != len(want) || !slices.Equal(got, want) {
				t.Errorf("total %d, %v; want %d, %v", p.Total, got, len(want), want)
			}
		})
	}
	t.Run("pagination", func(t *testing.T) {
		all := list(t, "per_page=500").codes()
		if len(all) != 5 {
			t.Fatalf("%d enterprises, want 5", len(all))
		}
		for _, c := range []struct {
			query    string
			from, to int
		}{{"per_page=2&page=1", 0, 2}, {"per_page=2&page=2", 2, 4}, {"per_page=2&page=3", 4, 5}, {"per_page=2&page=4", 5, 5}} {
			p := list(t, c.query)
			if got := p.codes(); !slices.Equal(got, all[c.from:c.to]) || p.Total != 5 {
				t.Errorf("?%s: total %d, %v; want 5, %v", c.query, p.Total, got, all[c.from:c.to])
			}
		}
		if p := list(t, "per_page=2&page=2"); p.Page != 2 || p.Per != 2 {
			t.Errorf("page %d per_page %d, want 2 and 2", p.Page, p.Per)
		}
	})
	for _, c := range []struct{ query, field string }{
		{"size_class=huge", "size_class"},
		{"town=nowhere", "town"},
		{"per_page=501", "per_page"},
		{"per_page=-1", "per_page"},
		{"page=-1", "page"},
		{"page=abc", "page"},
		{"mujun_class=E", "mujun_class"},
		{"status=gone", "status"},
	} {
		t.Run("bad "+c.query, func(t *testing.T) {
			r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises?"+c.query, webtest.Payload{})
			if r.Status != 400 {
				t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
			}
			if got := r.Err(t).Error; got.Code != "invalid" || got.Field != c.field {
				t.Errorf("code %q field %q, want invalid %q", got.Code, got.Field, c.field)
			}
		})
	}
}

// enterpriseKeys are the fields of an enterprise in the API.
var enterpriseKeys = []string{"uscc", "name", "town", "address", "industry", "size_class", "legal_rep",
	"contact_phone", "employees", "land_mu", "mujun_class"}

// enterpriseExtras are the fields the server adds.
var enterpriseExtras = []string{"town_name", "status", "created_at", "updated_at"}

func checkEnterpriseJSON(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not a JSON object: %s", body)
	}
	want := slices.Sorted(slices.Values(append(slices.Clone(enterpriseKeys), enterpriseExtras...)))
	if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	for _, k := range []string{"uscc", "name", "town", "address", "industry", "size_class", "legal_rep", "contact_phone", "town_name", "status"} {
		if _, ok := m[k].(string); !ok {
			t.Errorf("%s = %#v, want a string", k, m[k])
		}
	}
	for _, k := range []string{"employees", "land_mu"} {
		if _, ok := m[k].(float64); !ok {
			t.Errorf("%s = %#v, want a number", k, m[k])
		}
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if s, _ := m[k].(string); s == "" {
			t.Errorf("%s = %#v, want a time", k, m[k])
		} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			t.Errorf("%s = %q: %v", k, s, err)
		}
	}
	if v, ok := m["mujun_class"]; !ok || (v != nil && !slices.Contains([]any{"A", "B", "C", "D"}, v)) {
		t.Errorf("mujun_class = %#v, want null or A–D", v)
	}
	return m
}

func testEnterpriseJSON(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+e.Ents["tangA"], webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	m := checkEnterpriseJSON(t, r.Body)
	if m["mujun_class"] != nil {
		t.Errorf("mujun_class = %#v, want null when not rated", m["mujun_class"])
	}
	if m["town"] != webtest.TownTangxia || m["town_name"] != "塘下镇" || m["size_class"] != "above" || m["employees"] != 20.0 || m["land_mu"] != 3.5 {
		t.Errorf("unexpected record: %s", r.Body)
	}
	// List items have the same shape.
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises?per_page=1", webtest.Payload{})
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	r.Decode(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("want one item: %s", r.Body)
	}
	checkEnterpriseJSON(t, list.Items[0])
}

func testExport(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/export", webtest.Payload{})
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.HasPrefix(string(r.Body), "PK") {
		t.Errorf("default export: %d %q, %d bytes", r.Status, r.Header.Get("Content-Type"), len(r.Body))
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/export?format=csv&town="+webtest.TownXianjiang, webtest.Payload{})
	if got, want := exportedCodes(t, r.Body), e.Codes([]string{"xianA", "xianB"}); r.Status != 200 || !slices.Equal(got, want) {
		t.Errorf("filtered export: %d %v, want %v", r.Status, got, want)
	}
	for _, c := range []struct{ query, field string }{{"format=pdf", "format"}, {"format=csv&size_class=huge", "size_class"}} {
		r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/export?"+c.query, webtest.Payload{})
		if r.Status != 400 || r.Err(t).Error.Field != c.field {
			t.Errorf("?%s: %d %s", c.query, r.Status, r.Body)
		}
	}
}

func testCreateGetPatch(t *testing.T, e *webtest.Env) {
	code := e.NewUSCC(t)
	lower := strings.ToLower(code)
	r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises", webtest.JSON(map[string]any{
		"uscc": lower, "name": " 瑞安市塘下新厂 ", "town": "塘下镇", "size_class": "above", "contact_phone": "+86 139 1234 5678",
		"employees": 12, "land_mu": 1.234, "address": "塘下镇罗凤工业区", "industry": "汽摩配", "legal_rep": "张三"}))
	if r.Status != 201 {
		t.Fatalf("create: status %d: %s", r.Status, r.Body)
	}
	if loc := r.Header.Get("Location"); loc != "/api/v1/enterprises/"+code {
		t.Errorf("Location %q, want /api/v1/enterprises/%s", loc, code)
	}
	m := checkEnterpriseJSON(t, r.Body)
	for k, want := range map[string]any{"uscc": code, "name": "瑞安市塘下新厂", "town": webtest.TownTangxia, "town_name": "塘下镇",
		"contact_phone": "13912345678", "land_mu": 1.23, "status": "active", "mujun_class": nil} {
		if m[k] != want {
			t.Errorf("created %s = %#v, want %#v", k, m[k], want)
		}
	}

	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+lower, webtest.Payload{})
	if r.Status != 200 || checkEnterpriseJSON(t, r.Body)["uscc"] != code {
		t.Fatalf("GET by lower-case code: status %d: %s", r.Status, r.Body)
	}

	steps := []struct {
		name  string
		patch string
		check func(registry.Enterprise) bool
	}{
		{"set mujun_class", `{"mujun_class":"b"}`, func(x registry.Enterprise) bool { return x.MujunString() == "B" }},
		// Regression: the patch once wrote through a *string shared with the
		// stored record, so a class replacing another was lost.
		{"change mujun_class", `{"mujun_class":"C"}`, func(x registry.Enterprise) bool { return x.MujunString() == "C" }},
		{"clear mujun_class", `{"mujun_class":null}`, func(x registry.Enterprise) bool { return x.MujunClass == nil }},
		{"two fields", `{"employees":30,"address":"塘下镇场桥"}`, func(x registry.Enterprise) bool {
			return x.Employees == 30 && x.Address == "塘下镇场桥" && x.Name == "瑞安市塘下新厂" && x.LegalRep == "张三"
		}},
		{"empty patch changes nothing", `{}`, func(x registry.Enterprise) bool { return x.Employees == 30 }},
		// Regression: the record's own code in lower case was once refused.
		{"uscc unchanged, lower case", `{"uscc":"` + lower + `"}`, func(x registry.Enterprise) bool { return x.USCC == code }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r := e.As(t, webtest.RoleAdmin, "PATCH", "/api/v1/enterprises/"+lower, webtest.RawJSON(s.patch))
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var got registry.Enterprise
			r.Decode(t, &got)
			stored := e.Stored(t, code)
			if !s.check(got) || !s.check(stored) {
				t.Errorf("after %s: response %s; stored %+v, mujun_class %q", s.patch, r.Body, stored, stored.MujunString())
			}
		})
	}
}

// validEnterprise is a create body that passes every rule.
func validEnterprise(code string) map[string]any {
	return map[string]any{"uscc": code, "name": "瑞安市测试企业", "town": webtest.TownTangxia, "size_class": "below",
		"contact_phone": "0577-65812345", "employees": 5}
}

// withUSCCChar replaces the character at i of a valid code.
func withUSCCChar(code string, i int, c byte) string {
	b := []byte(code)
	b[i] = c
	return string(b)
}

// auditCount is how many audit entries there are of entity.
func auditCount(t testing.TB, e *webtest.Env, entity string) int {
	t.Helper()
	_, n, err := e.DB.ListAudit(context.Background(), audit.Filter{Entity: entity, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testCreateErrors(t *testing.T, e *webtest.Env) {
	good := e.NewUSCC(t)
	wrongCheck := withUSCCChar(good, 17, map[bool]byte{true: '1', false: '0'}[good[17] == '0'])
	with := func(k string, v any) webtest.Payload {
		b := validEnterprise(e.NewUSCC(t))
		b[k] = v
		return webtest.JSON(b)
	}
	huge := `{"name":"` + strings.Repeat("x", web.MaxJSONBody) + `"}`
	stray := webtest.JSON(validEnterprise(e.NewUSCC(t)))
	stray.Data = append(stray.Data, '}')
	cases := []struct {
		name   string
		Body   webtest.Payload
		Status int
		code   string
		field  string
	}{
		{"wrong check character", with("uscc", wrongCheck), 400, "invalid", "uscc"},
		{"letter I", with("uscc", withUSCCChar(good, 10, 'I')), 400, "invalid", "uscc"},
		{"letter O", with("uscc", withUSCCChar(good, 10, 'O')), 400, "invalid", "uscc"},
		{"letter Z", with("uscc", withUSCCChar(good, 10, 'Z')), 400, "invalid", "uscc"},
		{"letter S", with("uscc", withUSCCChar(good, 10, 'S')), 400, "invalid", "uscc"},
		{"letter V", with("uscc", withUSCCChar(good, 10, 'V')), 400, "invalid", "uscc"},
		{"17 characters", with("uscc", good[:17]), 400, "invalid", "uscc"},
		{"no uscc", with("uscc", ""), 400, "invalid", "uscc"},
		{"no name", with("name", ""), 400, "invalid", "name"},
		{"unknown town", with("town", "杭州"), 400, "invalid", "town"},
		{"bad size class", with("size_class", "huge"), 400, "invalid", "size_class"},
		{"bad phone", with("contact_phone", "12345"), 400, "invalid", "contact_phone"},
		{"negative employees", with("employees", -1), 400, "invalid", "employees"},
		{"employees as text", with("employees", "abc"), 400, "invalid", "employees"},
		{"negative land", with("land_mu", -1), 400, "invalid", "land_mu"},
		{"bad mujun class", with("mujun_class", "E"), 400, "invalid", "mujun_class"},
		{"unknown field", with("colour", "red"), 400, "invalid", "colour"},
		{"server field", with("created_at", "2020-01-01T00:00:00Z"), 400, "invalid", "created_at"},
		{"malformed JSON", webtest.RawJSON(`{"uscc": "` + good), 400, "invalid", ""},
		{"not JSON", webtest.RawJSON(`uscc=` + good), 400, "invalid", ""},
		{"empty body", webtest.RawJSON(``), 400, "invalid", ""},
		{"two objects", webtest.RawJSON(`{"uscc":"` + good + `"} {"uscc":"` + good + `"}`), 400, "invalid", ""},
		// Regression: dec.More() is false before a } or ], so this once passed.
		{"object then stray brace", stray, 400, "invalid", ""},
		{"duplicate uscc", with("uscc", e.Ents["tangA"]), 409, "conflict", "uscc"},
		{"duplicate uscc lower case", with("uscc", strings.ToLower(e.Ents["tangA"])), 409, "conflict", "uscc"},
		{"over 1 MiB", webtest.RawJSON(huge), 413, "too_large", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, audits := e.CountEnterprises(t), auditCount(t, e, "enterprise")
			r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises", c.Body)
			if r.Status != c.Status {
				t.Errorf("status %d, want %d: %.300s", r.Status, c.Status, r.Body)
			} else if got := r.Err(t).Error; got.Code != c.code || got.Field != c.field {
				t.Errorf("code %q field %q, want %q %q (%s)", got.Code, got.Field, c.code, c.field, got.Message)
			}
			if after := e.CountEnterprises(t); after != n {
				t.Errorf("%d enterprises stored by a failed request", after-n)
			}
			if after := auditCount(t, e, "enterprise"); after != audits {
				t.Errorf("%d audit entries left by a failed request", after-audits)
			}
		})
	}
	t.Run("lower-case code accepted", func(t *testing.T) {
		code := e.NewUSCC(t)
		r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises", webtest.JSON(validEnterprise(strings.ToLower(code))))
		if r.Status != 201 || checkEnterpriseJSON(t, r.Body)["uscc"] != code {
			t.Errorf("status %d: %s", r.Status, r.Body)
		}
	})
}

func testPatchErrors(t *testing.T, e *webtest.Env) {
	code := e.Ents["tangB"]
	for _, c := range []struct {
		name   string
		Body   webtest.Payload
		Status int
		code   string
		field  string
	}{
		{"bad phone", webtest.RawJSON(`{"contact_phone":"12345"}`), 400, "invalid", "contact_phone"},
		{"good name, bad phone", webtest.RawJSON(`{"name":"新名字","contact_phone":"12345"}`), 400, "invalid", "contact_phone"},
		{"employees as text", webtest.RawJSON(`{"employees":"abc"}`), 400, "invalid", "employees"},
		{"negative employees", webtest.RawJSON(`{"employees":-5}`), 400, "invalid", "employees"},
		{"empty name", webtest.RawJSON(`{"name":""}`), 400, "invalid", "name"},
		{"unknown town", webtest.RawJSON(`{"town":"杭州"}`), 400, "invalid", "town"},
		{"unknown field", webtest.RawJSON(`{"colour":"red"}`), 400, "invalid", "colour"},
		{"server field", webtest.RawJSON(`{"town_name":"仙降街道"}`), 400, "invalid", "town_name"},
		{"other uscc", webtest.RawJSON(`{"uscc":"` + e.Ents["tangA"] + `"}`), 400, "invalid", "uscc"},
		{"malformed", webtest.RawJSON(`{"name":`), 400, "invalid", ""},
		{"array", webtest.RawJSON(`["name"]`), 400, "invalid", ""},
		{"over 1 MiB", webtest.RawJSON(`{"name":"` + strings.Repeat("x", web.MaxJSONBody) + `"}`), 413, "too_large", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, audits := e.Stored(t, code), auditCount(t, e, "enterprise")
			r := e.As(t, webtest.RoleAdmin, "PATCH", "/api/v1/enterprises/"+code, c.Body)
			if r.Status != c.Status {
				t.Errorf("status %d, want %d: %.300s", r.Status, c.Status, r.Body)
			} else if got := r.Err(t).Error; got.Code != c.code || got.Field != c.field {
				t.Errorf("code %q field %q, want %q %q (%s)", got.Code, got.Field, c.code, c.field, got.Message)
			}
			after := e.Stored(t, code)
			if !after.UpdatedAt.Equal(before.UpdatedAt) || after.Name != before.Name || after.ContactPhone != before.ContactPhone {
				t.Errorf("a failed patch changed the record: %+v", after)
			}
			if n := auditCount(t, e, "enterprise"); n != audits {
				t.Errorf("%d audit entries left by a failed patch", n-audits)
			}
		})
	}
}

func testNotFound(t *testing.T, e *webtest.Env) {
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/enterprises/" + webtest.USCC(t, "MA9999999")},
		{"GET", "/api/v1/enterprises/not-a-code"},
		{"PATCH", "/api/v1/enterprises/" + webtest.USCC(t, "MA9999999")},
		{"GET", "/api/v1/nope"},
		{"POST", "/api/v1/nope"},
		{"GET", "/api/v2/enterprises"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			r := e.As(t, webtest.RoleAdmin, c.method, c.path, webtest.RawJSON(`{"name":"x"}`))
			if r.Status != 404 || r.Err(t).Error.Code != "not_found" {
				t.Errorf("status %d: %s", r.Status, r.Body)
			}
		})
	}
}

func testAudit(t *testing.T, e *webtest.Env) {
	code := e.NewUSCC(t)
	if r := e.As(t, webtest.RoleTown, "POST", "/api/v1/enterprises", webtest.JSON(validEnterprise(code))); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := e.As(t, webtest.RoleClerk, "PATCH", "/api/v1/enterprises/"+e.Ents["tangB"], webtest.RawJSON(`{"employees":77}`)); r.Status != 200 {
		t.Fatalf("clerk patch: %d %s", r.Status, r.Body)
	}
	if r := e.As(t, webtest.RoleTown, "PATCH", "/api/v1/enterprises/"+code, webtest.RawJSON(`{"contact_phone":"13811112222"}`)); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	type entry struct {
		Actor    string          `json:"actor"`
		Action   string          `json:"action"`
		Entity   string          `json:"entity"`
		EntityID string          `json:"entity_id"`
		Before   json.RawMessage `json:"before"`
		After    json.RawMessage `json:"after"`
	}
	entries := func(t *testing.T, query string) []entry {
		t.Helper()
		r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/audit?"+query, webtest.Payload{})
		if r.Status != 200 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var list struct {
			Items []entry `json:"items"`
			Total int     `json:"total"`
		}
		r.Decode(t, &list)
		if list.Total != len(list.Items) {
			t.Errorf("total %d, %d items", list.Total, len(list.Items))
		}
		return list.Items
	}
	got := entries(t, "entity=enterprise&entity_id="+code)
	if len(got) != 2 {
		t.Fatalf("%d entries, want create and update: %+v", len(got), got)
	}
	upd, cre := got[0], got[1] // newest first
	var after, before registry.Enterprise
	if cre.Action != "create" || cre.Actor != e.Users[webtest.RoleTown].Username || string(cre.Before) != "null" ||
		json.Unmarshal(cre.After, &after) != nil || after.USCC != code {
		t.Errorf("create entry: %+v", cre)
	}
	if upd.Action != "update" || upd.Actor != e.Users[webtest.RoleTown].Username ||
		json.Unmarshal(upd.Before, &before) != nil || json.Unmarshal(upd.After, &after) != nil ||
		before.ContactPhone != "0577-65812345" || after.ContactPhone != "13811112222" {
		t.Errorf("update entry: actor %s action %s before %s after %s", upd.Actor, upd.Action, upd.Before, upd.After)
	}
	if got := entries(t, "entity=enterprise&entity_id="+e.Ents["tangB"]+"&action=update"); len(got) == 0 ||
		got[0].Actor != e.Users[webtest.RoleClerk].Username {
		t.Errorf("the clerk's update left no entry: %+v", got)
	}
	t.Run("before of a changed mujun_class", func(t *testing.T) {
		// Regression: the entry's before once showed the new class.
		for _, p := range []string{`{"mujun_class":"B"}`, `{"mujun_class":"C","employees":40}`} {
			if r := e.As(t, webtest.RoleAdmin, "PATCH", "/api/v1/enterprises/"+code, webtest.RawJSON(p)); r.Status != 200 {
				t.Fatalf("%s: %d %s", p, r.Status, r.Body)
			}
		}
		got := entries(t, "entity=enterprise&action=update&entity_id="+code)
		var before, after registry.Enterprise
		if len(got) == 0 || json.Unmarshal(got[0].Before, &before) != nil || json.Unmarshal(got[0].After, &after) != nil {
			t.Fatalf("entries %+v", got)
		}
		if before.MujunString() != "B" || after.MujunString() != "C" || before.Employees == 40 || after.Employees != 40 {
			t.Errorf("entry before: class %q, employees %d; after: class %q, employees %d",
				before.MujunString(), before.Employees, after.MujunString(), after.Employees)
		}
	})
	t.Run("empty page is an array", func(t *testing.T) {
		// openapi.json: items is an array, never null.
		r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/audit?entity=nothing", webtest.Payload{})
		if r.Status != 200 || !strings.Contains(string(r.Body), `"items":[]`) {
			t.Errorf("empty audit page: %d %s", r.Status, r.Body)
		}
	})
	t.Run("per_page up to 500", func(t *testing.T) {
		// openapi.json allows per_page up to 500: a page of 300 holds 300
		// entries, or all of them when there are fewer (it once fell back to
		// 50 while the response said 300).
		for i := auditCount(t, e, ""); i <= 60; i++ { // more than the default page of 50
			e.AddEnterprise(t, fmt.Sprintf("MC%07d", e.Next()), webtest.TownFeiyun, registry.SizeBelow, fmt.Sprintf("审计填充企业%d", i))
		}
		r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/audit?per_page=300", webtest.Payload{})
		var pg struct {
			Items   []json.RawMessage `json:"items"`
			Total   int               `json:"total"`
			PerPage int               `json:"per_page"`
		}
		r.Decode(t, &pg)
		if r.Status != 200 || pg.PerPage != 300 || len(pg.Items) != min(pg.Total, 300) {
			t.Errorf("per_page=300: status %d, per_page %d, %d of %d entries", r.Status, pg.PerPage, len(pg.Items), pg.Total)
		}
	})
	// A user added through the API is audited too.
	name := fmt.Sprintf("audited-%d", e.Next())
	if r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/users", webtest.JSON(map[string]any{"username": name, "role": "cadre", "password": webtest.Password})); r.Status != 201 {
		t.Fatalf("create user: %d %s", r.Status, r.Body)
	}
	if got := entries(t, "entity=user&entity_id="+name); len(got) != 1 || got[0].Action != "create" ||
		strings.Contains(string(got[0].After), "argon2") {
		t.Errorf("user entries: %+v", got)
	}
}

func testImport(t *testing.T, e *webtest.Env) {
	good1, bad, good2 := e.NewUSCC(t), e.NewUSCC(t), e.NewUSCC(t)
	file := webtest.ImportHeader +
		webtest.ImportRow(good1, "导入一厂", "塘下镇", "13900001111") + // row 2
		webtest.ImportRow(bad, "导入二厂", "塘下镇", "12345") + // row 3: bad phone
		webtest.ImportRow(good2, "导入三厂", "仙降", "0577-65811111") // row 4
	type result struct {
		Created int                 `json:"created"`
		Updated int                 `json:"updated"`
		Errors  []registry.RowError `json:"errors"`
		BadRows []int               `json:"bad_rows"`
	}
	t.Run("bad row stores nothing", func(t *testing.T) {
		n, audits := e.CountEnterprises(t), auditCount(t, e, "enterprise")
		r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "list.csv", file, nil))
		if r.Status != 400 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		got := r.Err(t).Error
		if got.Code != "invalid" || len(got.Rows) != 1 || got.Rows[0].Row != 3 || got.Rows[0].Field != "contact_phone" || got.Rows[0].Column != "联系电话" {
			t.Errorf("error %s", r.Body)
		}
		if e.CountEnterprises(t) != n || auditCount(t, e, "enterprise") != audits {
			t.Error("a refused import stored something")
		}
	})
	t.Run("skip_bad stores the good rows", func(t *testing.T) {
		n := e.CountEnterprises(t)
		r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "list.csv", file, map[string]string{"skip_bad": "true"}))
		if r.Status != 200 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var res result
		r.Decode(t, &res)
		if res.Created != 2 || res.Updated != 0 || !slices.Equal(res.BadRows, []int{3}) || len(res.Errors) != 1 || res.Errors[0].Row != 3 {
			t.Errorf("result %s", r.Body)
		}
		if got := e.CountEnterprises(t); got != n+2 {
			t.Errorf("%d enterprises stored, want 2", got-n)
		}
		if x := e.Stored(t, good2); x.Town != webtest.TownXianjiang || x.ContactPhone != "0577-65811111" {
			t.Errorf("imported %+v", x)
		}
		if auditCount(t, e, "enterprise") == 0 {
			t.Error("import left no audit entries")
		}
	})
	t.Run("skip_bad as query parameter", func(t *testing.T) {
		r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import?skip_bad=true", webtest.Upload(t, "list.csv", file, nil))
		var res result
		r.Decode(t, &res)
		if r.Status != 200 || res.Created != 0 || res.Updated != 0 || !slices.Equal(res.BadRows, []int{3}) {
			t.Errorf("re-import: status %d: %s", r.Status, r.Body)
		}
	})
	// The file has no 地址, 亩均等级 or 状态 column: importing it again must
	// not wipe what people entered since (it once blanked the address and
	// class and reopened a closed firm).
	t.Run("re-import keeps fields the file has no column for", func(t *testing.T) {
		if r := e.As(t, webtest.RoleAdmin, "PATCH", "/api/v1/enterprises/"+good1, webtest.RawJSON(`{"address":"塘下镇韩田村","mujun_class":"A","status":"closed"}`)); r.Status != 200 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "list.csv", webtest.ImportHeader+webtest.ImportRow(good1, "导入一厂", "塘下镇", "13900001111"), nil))
		if r.Status != 200 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		if x := e.Stored(t, good1); x.Address != "塘下镇韩田村" || x.MujunString() != "A" || x.Status != registry.StatusClosed {
			t.Errorf("after re-import: address %q, mujun_class %q, status %q (%s)", x.Address, x.MujunString(), x.Status, r.Body)
		}
	})
	for _, c := range []struct {
		name string
		Body webtest.Payload
	}{
		{"no file", webtest.JSON(map[string]string{"file": "x"})},
		{"not a spreadsheet", webtest.Upload(t, "list.txt", file, nil)},
		{"no header columns", webtest.Upload(t, "list.csv", "名称\n某厂\n", nil)},
		{"empty file", webtest.Upload(t, "list.csv", "", nil)},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := e.CountEnterprises(t)
			r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import", c.Body)
			if r.Status != 400 || r.Err(t).Error.Code != "invalid" {
				t.Errorf("status %d: %s", r.Status, r.Body)
			}
			if e.CountEnterprises(t) != n {
				t.Error("stored something")
			}
		})
	}
}

// testUploadLimit sends an import just over web.MaxUpload: refused with 413
// however the session was opened, and nothing stored.
func testUploadLimit(t *testing.T, e *webtest.Env) {
	code := e.NewUSCC(t)
	// One good row; its 备注 cell, a column the import ignores, makes the file too big.
	file := "统一社会信用代码,企业名称,所属乡镇街道,规模,联系电话,备注\n" + code + ",超大文件企业,塘下镇,规下,13912345678," + strings.Repeat("x", web.MaxUpload+64<<10) + "\n"
	b := e.BrowserLogin(t, webtest.RoleAdmin)
	csrf := webtest.CSRFOf(t, b.Get(t, "/").Body)
	for _, c := range []struct {
		name string
		send func() webtest.Resp
	}{
		{"bearer", func() webtest.Resp {
			return e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "big.csv", file, nil))
		}},
		{"cookie, csrf header", func() webtest.Resp {
			return b.Do(t, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "big.csv", file, nil), http.Header{"X-Csrf-Token": {csrf}})
		}},
		// Regression: reading the CSRF form field once parsed the whole
		// multipart body before any limit applied.
		{"cookie, csrf form field", func() webtest.Resp {
			return b.Do(t, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "big.csv", file, map[string]string{"csrf": csrf}), nil)
		}},
		// Regression: a too-big form once got 403 "页面已过期" instead of 413.
		{"ui page", func() webtest.Resp {
			return b.Do(t, "POST", "/enterprises/import", webtest.Upload(t, "big.csv", file, map[string]string{"csrf": csrf}), nil)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := e.CountEnterprises(t)
			if r := c.send(); r.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413: %.300s", r.Status, r.Body)
			}
			if e.CountEnterprises(t) != n {
				t.Error("an upload over the limit was imported")
			}
		})
	}
}

func testCSRF(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleTown)
	form := func(code, csrf string) url.Values {
		v := url.Values{"uscc": {code}, "name": {"网页登记企业"}, "town": {webtest.TownTangxia}, "size_class": {"below"},
			"contact_phone": {"13912345678"}, "employees": {"3"}}
		if csrf != "" {
			v.Set("csrf", csrf)
		}
		return v
	}
	csrf := webtest.CSRFOf(t, b.Get(t, "/enterprises/new").Body)
	t.Run("form without token", func(t *testing.T) {
		for _, token := range []string{"", "forged", account.CSRFToken("another-session")} {
			n := e.CountEnterprises(t)
			r := b.PostForm(t, "/enterprises", form(e.NewUSCC(t), token))
			if r.Status != 403 {
				t.Errorf("csrf %q: status %d, want 403", token, r.Status)
			}
			if e.CountEnterprises(t) != n {
				t.Errorf("csrf %q: stored an enterprise", token)
			}
		}
	})
	t.Run("form with token", func(t *testing.T) {
		code := e.NewUSCC(t)
		n := e.CountEnterprises(t)
		r := b.PostForm(t, "/enterprises", form(code, csrf))
		if r.Status != 303 || r.Header.Get("Location") != "/enterprises/"+code+"?created=1" {
			t.Errorf("status %d, Location %q: %.300s", r.Status, r.Header.Get("Location"), r.Body)
		}
		if e.CountEnterprises(t) != n+1 {
			t.Error("nothing stored")
		}
	})
	t.Run("api with the cookie", func(t *testing.T) {
		n := e.CountEnterprises(t)
		r := b.Do(t, "POST", "/api/v1/enterprises", webtest.JSON(validEnterprise(e.NewUSCC(t))), nil)
		if r.Status != 403 || r.Err(t).Error.Code != "forbidden" || e.CountEnterprises(t) != n {
			t.Errorf("without X-CSRF-Token: %d %s", r.Status, r.Body)
		}
		r = b.Do(t, "POST", "/api/v1/enterprises", webtest.JSON(validEnterprise(e.NewUSCC(t))), http.Header{"X-Csrf-Token": {csrf}})
		if r.Status != 201 {
			t.Errorf("with X-CSRF-Token: %d %s", r.Status, r.Body)
		}
		if r := b.Do(t, "GET", "/api/v1/me", webtest.Payload{}, nil); r.Status != 200 {
			t.Errorf("GET needs no token: %d", r.Status)
		}
	})
}
