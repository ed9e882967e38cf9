package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// TestOpenAPIMatchesRoutes keeps openapi.json true: it documents exactly the
// routes of apiRoutes(), and every $ref in it resolves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	h, err := New(Deps{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	r := send(t, http.DefaultClient, "GET", srv.URL+"/api/v1/openapi.json", payload{}, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
	var doc map[string]any
	r.decode(t, &doc)

	documented := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	served := map[string]bool{}
	for _, rt := range h.Routes() {
		if strings.HasPrefix(rt.Path, "/api/") {
			served[rt.Pattern()] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(served)) {
		if !documented[k] {
			t.Errorf("%s is served but not in openapi.json", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(documented)) {
		if !served[k] {
			t.Errorf("%s is in openapi.json but not served", k)
		}
	}

	var walk func(at string, v any)
	refs := 0
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if !strings.HasPrefix(ref, "#/components/") {
					t.Errorf("%s: $ref %q is not inside components", at, ref)
				} else if resolvePointer(doc, strings.TrimPrefix(ref, "#")) == nil {
					t.Errorf("%s: $ref %q does not resolve", at, ref)
				}
			}
			for k, child := range v {
				walk(at+"/"+k, child)
			}
		case []any:
			for i, child := range v {
				walk(fmt.Sprintf("%s/%d", at, i), child)
			}
		}
	}
	walk("", doc)
	if refs == 0 {
		t.Error("openapi.json has no $ref at all: the walk is broken")
	}
}

// resolvePointer follows a JSON pointer ("/components/schemas/X") in doc.
func resolvePointer(doc any, ptr string) any {
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[tok]; !ok {
			return nil
		}
	}
	return cur
}

func TestAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// More enterprises for the filters, besides tangA, tangB and xianA.
		e.ents["xianB"] = e.addEnterprise(t, "MA2DDDD04", townXianjiang, registry.SizeAbove, "瑞安市仙降鞋材有限公司")
		e.ents["feiA"] = e.addEnterprise(t, "MA2EEEE05", townFeiyun, registry.SizeBelow, "瑞安市飞云汽配厂")
		// Reads of the fixture first: later subtests add enterprises.
		t.Run("towns", func(t *testing.T) { testTowns(t, e) })
		t.Run("list filters", func(t *testing.T) { testListFilters(t, e) })
		t.Run("enterprise json", func(t *testing.T) { testEnterpriseJSON(t, e) })
		t.Run("export", func(t *testing.T) { testExport(t, e) })
		t.Run("create get patch", func(t *testing.T) { testCreateGetPatch(t, e) })
		t.Run("create errors", func(t *testing.T) { testCreateErrors(t, e) })
		t.Run("patch errors", func(t *testing.T) { testPatchErrors(t, e) })
		t.Run("auth errors", func(t *testing.T) { testAuthErrors(t, e) })
		t.Run("not found", func(t *testing.T) { testNotFound(t, e) })
		t.Run("audit", func(t *testing.T) { testAudit(t, e) })
		t.Run("import", func(t *testing.T) { testImport(t, e) })
		t.Run("logout", func(t *testing.T) { testLogout(t, e) })
		t.Run("csrf", func(t *testing.T) { testCSRF(t, e) })
		t.Run("upload limit", func(t *testing.T) { testUploadLimit(t, e) })
		t.Run("health and metrics", func(t *testing.T) { testHealthMetrics(t, e) })
		t.Run("rate limit", func(t *testing.T) { testRateLimit(t, e) })
	})
}

func testTowns(t *testing.T, e *testEnv) {
	r := e.as(t, roleCheckpoint, "GET", "/api/v1/towns", payload{})
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var list struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	r.decode(t, &list)
	if len(list.Items) != 23 || list.Total != 23 {
		t.Errorf("%d towns, total %d; want 23", len(list.Items), list.Total)
	}
	found := false
	for _, it := range list.Items {
		if keys := slices.Sorted(maps.Keys(it)); !slices.Equal(keys, []string{"code", "name"}) {
			t.Errorf("town has keys %v, want code and name", keys)
		}
		if it["code"] == townTangxia && it["name"] == "塘下镇" {
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

func testListFilters(t *testing.T, e *testEnv) {
	list := func(t *testing.T, query string) page {
		t.Helper()
		r := e.as(t, roleAdmin, "GET", "/api/v1/enterprises?"+query, payload{})
		if r.status != 200 {
			t.Fatalf("?%s: status %d: %s", query, r.status, r.body)
		}
		var p page
		r.decode(t, &p)
		return p
	}
	prefix := e.ents["xianA"][:12] // 91330381MA2C: only xianA
	for _, c := range []struct {
		query string
		want  []string // fixture keys
	}{
		{"", []string{"tangA", "tangB", "xianA", "xianB", "feiA"}},
		{"town=" + townTangxia, []string{"tangA", "tangB"}},
		{"town=" + url.QueryEscape("塘下镇"), []string{"tangA", "tangB"}},
		{"town=" + url.QueryEscape("塘下"), []string{"tangA", "tangB"}},
		{"size_class=above", []string{"tangA", "xianB"}},
		{"size_class=below", []string{"tangB", "xianA", "feiA"}},
		{"town=" + townXianjiang + "&size_class=above", []string{"xianB"}},
		{"q=" + url.QueryEscape("汽配"), []string{"tangA", "feiA"}},
		{"q=" + url.QueryEscape("鞋"), []string{"xianA", "xianB"}},
		{"q=" + prefix, []string{"xianA"}},
		{"q=" + strings.ToLower(prefix), []string{"xianA"}},
		{"q=" + e.ents["tangB"], []string{"tangB"}},
		{"q=" + url.QueryEscape("%"), nil},
		{"q=" + url.QueryEscape("不存在的企业"), nil},
	} {
		t.Run(c.query, func(t *testing.T) {
			p := list(t, c.query)
			got := p.codes()
			slices.Sort(got)
			want := e.codes(c.want)
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
			r := e.as(t, roleAdmin, "GET", "/api/v1/enterprises?"+c.query, payload{})
			if r.status != 400 {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			if got := r.err(t).Error; got.Code != "invalid" || got.Field != c.field {
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

func testEnterpriseJSON(t *testing.T, e *testEnv) {
	r := e.as(t, roleAdmin, "GET", "/api/v1/enterprises/"+e.ents["tangA"], payload{})
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	m := checkEnterpriseJSON(t, r.body)
	if m["mujun_class"] != nil {
		t.Errorf("mujun_class = %#v, want null when not rated", m["mujun_class"])
	}
	if m["town"] != townTangxia || m["town_name"] != "塘下镇" || m["size_class"] != "above" || m["employees"] != 20.0 || m["land_mu"] != 3.5 {
		t.Errorf("unexpected record: %s", r.body)
	}
	// List items have the same shape.
	r = e.as(t, roleAdmin, "GET", "/api/v1/enterprises?per_page=1", payload{})
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	r.decode(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("want one item: %s", r.body)
	}
	checkEnterpriseJSON(t, list.Items[0])
}

func testExport(t *testing.T, e *testEnv) {
	r := e.as(t, roleAdmin, "GET", "/api/v1/enterprises/export", payload{})
	if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.HasPrefix(string(r.body), "PK") {
		t.Errorf("default export: %d %q, %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	r = e.as(t, roleAdmin, "GET", "/api/v1/enterprises/export?format=csv&town="+townXianjiang, payload{})
	if got, want := exportedCodes(t, r.body), e.codes([]string{"xianA", "xianB"}); r.status != 200 || !slices.Equal(got, want) {
		t.Errorf("filtered export: %d %v, want %v", r.status, got, want)
	}
	for _, c := range []struct{ query, field string }{{"format=pdf", "format"}, {"format=csv&size_class=huge", "size_class"}} {
		r := e.as(t, roleAdmin, "GET", "/api/v1/enterprises/export?"+c.query, payload{})
		if r.status != 400 || r.err(t).Error.Field != c.field {
			t.Errorf("?%s: %d %s", c.query, r.status, r.body)
		}
	}
}

func testCreateGetPatch(t *testing.T, e *testEnv) {
	code := e.newUSCC(t)
	lower := strings.ToLower(code)
	r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises", jsonBody(map[string]any{
		"uscc": lower, "name": " 瑞安市塘下新厂 ", "town": "塘下镇", "size_class": "above", "contact_phone": "+86 139 1234 5678",
		"employees": 12, "land_mu": 1.234, "address": "塘下镇罗凤工业区", "industry": "汽摩配", "legal_rep": "张三"}))
	if r.status != 201 {
		t.Fatalf("create: status %d: %s", r.status, r.body)
	}
	if loc := r.header.Get("Location"); loc != "/api/v1/enterprises/"+code {
		t.Errorf("Location %q, want /api/v1/enterprises/%s", loc, code)
	}
	m := checkEnterpriseJSON(t, r.body)
	for k, want := range map[string]any{"uscc": code, "name": "瑞安市塘下新厂", "town": townTangxia, "town_name": "塘下镇",
		"contact_phone": "13912345678", "land_mu": 1.23, "status": "active", "mujun_class": nil} {
		if m[k] != want {
			t.Errorf("created %s = %#v, want %#v", k, m[k], want)
		}
	}

	r = e.as(t, roleAdmin, "GET", "/api/v1/enterprises/"+lower, payload{})
	if r.status != 200 || checkEnterpriseJSON(t, r.body)["uscc"] != code {
		t.Fatalf("GET by lower-case code: status %d: %s", r.status, r.body)
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
			r := e.as(t, roleAdmin, "PATCH", "/api/v1/enterprises/"+lower, rawJSON(s.patch))
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var got registry.Enterprise
			r.decode(t, &got)
			stored := e.stored(t, code)
			if !s.check(got) || !s.check(stored) {
				t.Errorf("after %s: response %s; stored %+v, mujun_class %q", s.patch, r.body, stored, stored.MujunString())
			}
		})
	}
}

// validEnterprise is a create body that passes every rule.
func validEnterprise(code string) map[string]any {
	return map[string]any{"uscc": code, "name": "瑞安市测试企业", "town": townTangxia, "size_class": "below",
		"contact_phone": "0577-65812345", "employees": 5}
}

// withUSCCChar replaces the character at i of a valid code.
func withUSCCChar(code string, i int, c byte) string {
	b := []byte(code)
	b[i] = c
	return string(b)
}

// auditCount is how many audit entries there are of entity.
func (e *testEnv) auditCount(t testing.TB, entity string) int {
	t.Helper()
	_, n, err := e.db.ListAudit(context.Background(), audit.Filter{Entity: entity, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testCreateErrors(t *testing.T, e *testEnv) {
	good := e.newUSCC(t)
	wrongCheck := withUSCCChar(good, 17, map[bool]byte{true: '1', false: '0'}[good[17] == '0'])
	with := func(k string, v any) payload {
		b := validEnterprise(e.newUSCC(t))
		b[k] = v
		return jsonBody(b)
	}
	huge := `{"name":"` + strings.Repeat("x", maxJSONBody) + `"}`
	stray := jsonBody(validEnterprise(e.newUSCC(t)))
	stray.data = append(stray.data, '}')
	cases := []struct {
		name   string
		body   payload
		status int
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
		{"malformed JSON", rawJSON(`{"uscc": "` + good), 400, "invalid", ""},
		{"not JSON", rawJSON(`uscc=` + good), 400, "invalid", ""},
		{"empty body", rawJSON(``), 400, "invalid", ""},
		{"two objects", rawJSON(`{"uscc":"` + good + `"} {"uscc":"` + good + `"}`), 400, "invalid", ""},
		// Regression: dec.More() is false before a } or ], so this once passed.
		{"object then stray brace", stray, 400, "invalid", ""},
		{"duplicate uscc", with("uscc", e.ents["tangA"]), 409, "conflict", "uscc"},
		{"duplicate uscc lower case", with("uscc", strings.ToLower(e.ents["tangA"])), 409, "conflict", "uscc"},
		{"over 1 MiB", rawJSON(huge), 413, "too_large", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, audits := e.countEnterprises(t), e.auditCount(t, "enterprise")
			r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises", c.body)
			if r.status != c.status {
				t.Errorf("status %d, want %d: %.300s", r.status, c.status, r.body)
			} else if got := r.err(t).Error; got.Code != c.code || got.Field != c.field {
				t.Errorf("code %q field %q, want %q %q (%s)", got.Code, got.Field, c.code, c.field, got.Message)
			}
			if after := e.countEnterprises(t); after != n {
				t.Errorf("%d enterprises stored by a failed request", after-n)
			}
			if after := e.auditCount(t, "enterprise"); after != audits {
				t.Errorf("%d audit entries left by a failed request", after-audits)
			}
		})
	}
	t.Run("lower-case code accepted", func(t *testing.T) {
		code := e.newUSCC(t)
		r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises", jsonBody(validEnterprise(strings.ToLower(code))))
		if r.status != 201 || checkEnterpriseJSON(t, r.body)["uscc"] != code {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
}

func testPatchErrors(t *testing.T, e *testEnv) {
	code := e.ents["tangB"]
	for _, c := range []struct {
		name   string
		body   payload
		status int
		code   string
		field  string
	}{
		{"bad phone", rawJSON(`{"contact_phone":"12345"}`), 400, "invalid", "contact_phone"},
		{"good name, bad phone", rawJSON(`{"name":"新名字","contact_phone":"12345"}`), 400, "invalid", "contact_phone"},
		{"employees as text", rawJSON(`{"employees":"abc"}`), 400, "invalid", "employees"},
		{"negative employees", rawJSON(`{"employees":-5}`), 400, "invalid", "employees"},
		{"empty name", rawJSON(`{"name":""}`), 400, "invalid", "name"},
		{"unknown town", rawJSON(`{"town":"杭州"}`), 400, "invalid", "town"},
		{"unknown field", rawJSON(`{"colour":"red"}`), 400, "invalid", "colour"},
		{"server field", rawJSON(`{"town_name":"仙降街道"}`), 400, "invalid", "town_name"},
		{"other uscc", rawJSON(`{"uscc":"` + e.ents["tangA"] + `"}`), 400, "invalid", "uscc"},
		{"malformed", rawJSON(`{"name":`), 400, "invalid", ""},
		{"array", rawJSON(`["name"]`), 400, "invalid", ""},
		{"over 1 MiB", rawJSON(`{"name":"` + strings.Repeat("x", maxJSONBody) + `"}`), 413, "too_large", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, audits := e.stored(t, code), e.auditCount(t, "enterprise")
			r := e.as(t, roleAdmin, "PATCH", "/api/v1/enterprises/"+code, c.body)
			if r.status != c.status {
				t.Errorf("status %d, want %d: %.300s", r.status, c.status, r.body)
			} else if got := r.err(t).Error; got.Code != c.code || got.Field != c.field {
				t.Errorf("code %q field %q, want %q %q (%s)", got.Code, got.Field, c.code, c.field, got.Message)
			}
			after := e.stored(t, code)
			if !after.UpdatedAt.Equal(before.UpdatedAt) || after.Name != before.Name || after.ContactPhone != before.ContactPhone {
				t.Errorf("a failed patch changed the record: %+v", after)
			}
			if n := e.auditCount(t, "enterprise"); n != audits {
				t.Errorf("%d audit entries left by a failed patch", n-audits)
			}
		})
	}
}

func testAuthErrors(t *testing.T, e *testEnv) {
	for _, c := range []struct {
		name  string
		token string
	}{{"no token", ""}, {"bad token", "nope"}, {"token of another form", e.tokens[roleAdmin] + "x"}} {
		t.Run(c.name, func(t *testing.T) {
			r := e.call(t, "GET", "/api/v1/me", c.token, payload{})
			if r.status != 401 || r.err(t).Error.Code != "unauthorized" {
				t.Errorf("status %d: %s", r.status, r.body)
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		r := e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": e.users[roleTown].Username, "password": "wrong-password"}))
		if r.status != 401 || r.err(t).Error.Code != "unauthorized" {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		r := e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": "nobody", "password": testPassword}))
		if r.status != 401 || r.err(t).Error.Code != "unauthorized" {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("me", func(t *testing.T) {
		r := e.as(t, roleClerk, "GET", "/api/v1/me", payload{})
		var u account.User
		r.decode(t, &u)
		if r.status != 200 || u.Username != e.users[roleClerk].Username || u.Enterprise != e.ents["tangB"] {
			t.Errorf("status %d: %s", r.status, r.body)
		}
		if strings.Contains(string(r.body), "argon2") || strings.Contains(string(r.body), "password") {
			t.Errorf("/me leaks the password hash: %s", r.body)
		}
	})
}

func testNotFound(t *testing.T, e *testEnv) {
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/enterprises/" + uscc(t, "MA9999999")},
		{"GET", "/api/v1/enterprises/not-a-code"},
		{"PATCH", "/api/v1/enterprises/" + uscc(t, "MA9999999")},
		{"GET", "/api/v1/nope"},
		{"POST", "/api/v1/nope"},
		{"GET", "/api/v2/enterprises"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			r := e.as(t, roleAdmin, c.method, c.path, rawJSON(`{"name":"x"}`))
			if r.status != 404 || r.err(t).Error.Code != "not_found" {
				t.Errorf("status %d: %s", r.status, r.body)
			}
		})
	}
}

func testAudit(t *testing.T, e *testEnv) {
	code := e.newUSCC(t)
	if r := e.as(t, roleTown, "POST", "/api/v1/enterprises", jsonBody(validEnterprise(code))); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := e.as(t, roleClerk, "PATCH", "/api/v1/enterprises/"+e.ents["tangB"], rawJSON(`{"employees":77}`)); r.status != 200 {
		t.Fatalf("clerk patch: %d %s", r.status, r.body)
	}
	if r := e.as(t, roleTown, "PATCH", "/api/v1/enterprises/"+code, rawJSON(`{"contact_phone":"13811112222"}`)); r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
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
		r := e.as(t, roleAdmin, "GET", "/api/v1/audit?"+query, payload{})
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var list struct {
			Items []entry `json:"items"`
			Total int     `json:"total"`
		}
		r.decode(t, &list)
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
	if cre.Action != "create" || cre.Actor != e.users[roleTown].Username || string(cre.Before) != "null" ||
		json.Unmarshal(cre.After, &after) != nil || after.USCC != code {
		t.Errorf("create entry: %+v", cre)
	}
	if upd.Action != "update" || upd.Actor != e.users[roleTown].Username ||
		json.Unmarshal(upd.Before, &before) != nil || json.Unmarshal(upd.After, &after) != nil ||
		before.ContactPhone != "0577-65812345" || after.ContactPhone != "13811112222" {
		t.Errorf("update entry: actor %s action %s before %s after %s", upd.Actor, upd.Action, upd.Before, upd.After)
	}
	if got := entries(t, "entity=enterprise&entity_id="+e.ents["tangB"]+"&action=update"); len(got) == 0 ||
		got[0].Actor != e.users[roleClerk].Username {
		t.Errorf("the clerk's update left no entry: %+v", got)
	}
	t.Run("before of a changed mujun_class", func(t *testing.T) {
		// Regression: the entry's before once showed the new class.
		for _, p := range []string{`{"mujun_class":"B"}`, `{"mujun_class":"C","employees":40}`} {
			if r := e.as(t, roleAdmin, "PATCH", "/api/v1/enterprises/"+code, rawJSON(p)); r.status != 200 {
				t.Fatalf("%s: %d %s", p, r.status, r.body)
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
		r := e.as(t, roleAdmin, "GET", "/api/v1/audit?entity=nothing", payload{})
		if r.status != 200 || !strings.Contains(string(r.body), `"items":[]`) {
			t.Errorf("empty audit page: %d %s", r.status, r.body)
		}
	})
	t.Run("per_page up to 500", func(t *testing.T) {
		// openapi.json allows per_page up to 500: a page of 300 holds 300
		// entries, or all of them when there are fewer (it once fell back to
		// 50 while the response said 300).
		for i := e.auditCount(t, ""); i <= 60; i++ { // more than the default page of 50
			e.addEnterprise(t, fmt.Sprintf("MC%07d", e.next()), townFeiyun, registry.SizeBelow, fmt.Sprintf("审计填充企业%d", i))
		}
		r := e.as(t, roleAdmin, "GET", "/api/v1/audit?per_page=300", payload{})
		var pg struct {
			Items   []json.RawMessage `json:"items"`
			Total   int               `json:"total"`
			PerPage int               `json:"per_page"`
		}
		r.decode(t, &pg)
		if r.status != 200 || pg.PerPage != 300 || len(pg.Items) != min(pg.Total, 300) {
			t.Errorf("per_page=300: status %d, per_page %d, %d of %d entries", r.status, pg.PerPage, len(pg.Items), pg.Total)
		}
	})
	// A user added through the API is audited too.
	name := fmt.Sprintf("audited-%d", e.next())
	if r := e.as(t, roleAdmin, "POST", "/api/v1/users", jsonBody(map[string]any{"username": name, "role": "cadre", "password": testPassword})); r.status != 201 {
		t.Fatalf("create user: %d %s", r.status, r.body)
	}
	if got := entries(t, "entity=user&entity_id="+name); len(got) != 1 || got[0].Action != "create" ||
		strings.Contains(string(got[0].After), "argon2") {
		t.Errorf("user entries: %+v", got)
	}
}

func testImport(t *testing.T, e *testEnv) {
	good1, bad, good2 := e.newUSCC(t), e.newUSCC(t), e.newUSCC(t)
	file := importHeader +
		importRow(good1, "导入一厂", "塘下镇", "13900001111") + // row 2
		importRow(bad, "导入二厂", "塘下镇", "12345") + // row 3: bad phone
		importRow(good2, "导入三厂", "仙降", "0577-65811111") // row 4
	type result struct {
		Created int                 `json:"created"`
		Updated int                 `json:"updated"`
		Errors  []registry.RowError `json:"errors"`
		BadRows []int               `json:"bad_rows"`
	}
	t.Run("bad row stores nothing", func(t *testing.T) {
		n, audits := e.countEnterprises(t), e.auditCount(t, "enterprise")
		r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import", upload(t, "list.csv", file, nil))
		if r.status != 400 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		got := r.err(t).Error
		if got.Code != "invalid" || len(got.Rows) != 1 || got.Rows[0].Row != 3 || got.Rows[0].Field != "contact_phone" || got.Rows[0].Column != "联系电话" {
			t.Errorf("error %s", r.body)
		}
		if e.countEnterprises(t) != n || e.auditCount(t, "enterprise") != audits {
			t.Error("a refused import stored something")
		}
	})
	t.Run("skip_bad stores the good rows", func(t *testing.T) {
		n := e.countEnterprises(t)
		r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import", upload(t, "list.csv", file, map[string]string{"skip_bad": "true"}))
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var res result
		r.decode(t, &res)
		if res.Created != 2 || res.Updated != 0 || !slices.Equal(res.BadRows, []int{3}) || len(res.Errors) != 1 || res.Errors[0].Row != 3 {
			t.Errorf("result %s", r.body)
		}
		if got := e.countEnterprises(t); got != n+2 {
			t.Errorf("%d enterprises stored, want 2", got-n)
		}
		if x := e.stored(t, good2); x.Town != townXianjiang || x.ContactPhone != "0577-65811111" {
			t.Errorf("imported %+v", x)
		}
		if e.auditCount(t, "enterprise") == 0 {
			t.Error("import left no audit entries")
		}
	})
	t.Run("skip_bad as query parameter", func(t *testing.T) {
		r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import?skip_bad=true", upload(t, "list.csv", file, nil))
		var res result
		r.decode(t, &res)
		if r.status != 200 || res.Created != 0 || res.Updated != 0 || !slices.Equal(res.BadRows, []int{3}) {
			t.Errorf("re-import: status %d: %s", r.status, r.body)
		}
	})
	// The file has no 地址, 亩均等级 or 状态 column: importing it again must
	// not wipe what people entered since (it once blanked the address and
	// class and reopened a closed firm).
	t.Run("re-import keeps fields the file has no column for", func(t *testing.T) {
		if r := e.as(t, roleAdmin, "PATCH", "/api/v1/enterprises/"+good1, rawJSON(`{"address":"塘下镇韩田村","mujun_class":"A","status":"closed"}`)); r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import", upload(t, "list.csv", importHeader+importRow(good1, "导入一厂", "塘下镇", "13900001111"), nil))
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if x := e.stored(t, good1); x.Address != "塘下镇韩田村" || x.MujunString() != "A" || x.Status != registry.StatusClosed {
			t.Errorf("after re-import: address %q, mujun_class %q, status %q (%s)", x.Address, x.MujunString(), x.Status, r.body)
		}
	})
	for _, c := range []struct {
		name string
		body payload
	}{
		{"no file", jsonBody(map[string]string{"file": "x"})},
		{"not a spreadsheet", upload(t, "list.txt", file, nil)},
		{"no header columns", upload(t, "list.csv", "名称\n某厂\n", nil)},
		{"empty file", upload(t, "list.csv", "", nil)},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := e.countEnterprises(t)
			r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import", c.body)
			if r.status != 400 || r.err(t).Error.Code != "invalid" {
				t.Errorf("status %d: %s", r.status, r.body)
			}
			if e.countEnterprises(t) != n {
				t.Error("stored something")
			}
		})
	}
}

func testLogout(t *testing.T, e *testEnv) {
	token := e.login(t, e.users[roleTown].Username, testPassword)
	if r := e.call(t, "GET", "/api/v1/me", token, payload{}); r.status != 200 {
		t.Fatalf("before logout: %d", r.status)
	}
	r := e.call(t, "DELETE", "/api/v1/sessions/current", token, payload{})
	if r.status != 204 || len(r.body) != 0 {
		t.Errorf("logout: %d %q", r.status, r.body)
	}
	for _, path := range []string{"/api/v1/me", "/api/v1/enterprises"} {
		if r := e.call(t, "GET", path, token, payload{}); r.status != 401 {
			t.Errorf("GET %s after logout: %d", path, r.status)
		}
	}
	if r := e.call(t, "DELETE", "/api/v1/sessions/current", token, payload{}); r.status != 401 {
		t.Errorf("second logout: %d", r.status)
	}
	// Other sessions of the same user live on.
	if r := e.as(t, roleTown, "GET", "/api/v1/me", payload{}); r.status != 200 {
		t.Errorf("the fixture session ended too: %d", r.status)
	}
}

func testCSRF(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleTown)
	form := func(code, csrf string) url.Values {
		v := url.Values{"uscc": {code}, "name": {"网页登记企业"}, "town": {townTangxia}, "size_class": {"below"},
			"contact_phone": {"13912345678"}, "employees": {"3"}}
		if csrf != "" {
			v.Set("csrf", csrf)
		}
		return v
	}
	csrf := csrfOf(t, b.get(t, "/enterprises/new").body)
	t.Run("form without token", func(t *testing.T) {
		for _, token := range []string{"", "forged", account.CSRFToken("another-session")} {
			n := e.countEnterprises(t)
			r := b.postForm(t, "/enterprises", form(e.newUSCC(t), token))
			if r.status != 403 {
				t.Errorf("csrf %q: status %d, want 403", token, r.status)
			}
			if e.countEnterprises(t) != n {
				t.Errorf("csrf %q: stored an enterprise", token)
			}
		}
	})
	t.Run("form with token", func(t *testing.T) {
		code := e.newUSCC(t)
		n := e.countEnterprises(t)
		r := b.postForm(t, "/enterprises", form(code, csrf))
		if r.status != 303 || r.header.Get("Location") != "/enterprises/"+code+"?created=1" {
			t.Errorf("status %d, Location %q: %.300s", r.status, r.header.Get("Location"), r.body)
		}
		if e.countEnterprises(t) != n+1 {
			t.Error("nothing stored")
		}
	})
	t.Run("api with the cookie", func(t *testing.T) {
		n := e.countEnterprises(t)
		r := b.do(t, "POST", "/api/v1/enterprises", jsonBody(validEnterprise(e.newUSCC(t))), nil)
		if r.status != 403 || r.err(t).Error.Code != "forbidden" || e.countEnterprises(t) != n {
			t.Errorf("without X-CSRF-Token: %d %s", r.status, r.body)
		}
		r = b.do(t, "POST", "/api/v1/enterprises", jsonBody(validEnterprise(e.newUSCC(t))), http.Header{"X-Csrf-Token": {csrf}})
		if r.status != 201 {
			t.Errorf("with X-CSRF-Token: %d %s", r.status, r.body)
		}
		if r := b.do(t, "GET", "/api/v1/me", payload{}, nil); r.status != 200 {
			t.Errorf("GET needs no token: %d", r.status)
		}
	})
	t.Run("login form without its token", func(t *testing.T) {
		fresh := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r := send(t, fresh, "POST", e.srv.URL+"/login", payload{"application/x-www-form-urlencoded",
			[]byte(url.Values{"username": {e.users[roleTown].Username}, "password": {testPassword}, "csrf": {"guess"}}.Encode())}, nil)
		if r.status != 403 {
			t.Errorf("status %d, want 403", r.status)
		}
		for _, c := range r.header.Values("Set-Cookie") {
			if strings.HasPrefix(c, sessionCookie+"=") {
				t.Errorf("a session cookie was set: %s", c)
			}
		}
	})
	t.Run("logout form", func(t *testing.T) {
		b := e.browserLogin(t, roleClerk)
		if r := b.postForm(t, "/logout", url.Values{}); r.status != 403 {
			t.Errorf("logout without token: %d, want 403", r.status)
		}
		token := csrfOf(t, b.get(t, "/").body)
		if r := b.postForm(t, "/logout", url.Values{"csrf": {token}}); r.status != 303 {
			t.Errorf("logout: %d, want 303", r.status)
		}
		if r := b.get(t, "/enterprises"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("after logout: %d %s", r.status, r.header.Get("Location"))
		}
	})
}

// testUploadLimit sends an import just over maxUpload: refused with 413
// however the session was opened, and nothing stored.
func testUploadLimit(t *testing.T, e *testEnv) {
	code := e.newUSCC(t)
	// One good row; its 备注 cell, a column the import ignores, makes the file too big.
	file := "统一社会信用代码,企业名称,所属乡镇街道,规模,联系电话,备注\n" + code + ",超大文件企业,塘下镇,规下,13912345678," + strings.Repeat("x", maxUpload+64<<10) + "\n"
	b := e.browserLogin(t, roleAdmin)
	csrf := csrfOf(t, b.get(t, "/").body)
	for _, c := range []struct {
		name string
		send func() resp
	}{
		{"bearer", func() resp {
			return e.as(t, roleAdmin, "POST", "/api/v1/enterprises/import", upload(t, "big.csv", file, nil))
		}},
		{"cookie, csrf header", func() resp {
			return b.do(t, "POST", "/api/v1/enterprises/import", upload(t, "big.csv", file, nil), http.Header{"X-Csrf-Token": {csrf}})
		}},
		// Regression: reading the CSRF form field once parsed the whole
		// multipart body before any limit applied.
		{"cookie, csrf form field", func() resp {
			return b.do(t, "POST", "/api/v1/enterprises/import", upload(t, "big.csv", file, map[string]string{"csrf": csrf}), nil)
		}},
		// Regression: a too-big form once got 403 "页面已过期" instead of 413.
		{"ui page", func() resp {
			return b.do(t, "POST", "/enterprises/import", upload(t, "big.csv", file, map[string]string{"csrf": csrf}), nil)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := e.countEnterprises(t)
			if r := c.send(); r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413: %.300s", r.status, r.body)
			}
			if e.countEnterprises(t) != n {
				t.Error("an upload over the limit was imported")
			}
		})
	}
}

func testHealthMetrics(t *testing.T, e *testEnv) {
	r := e.call(t, "GET", "/healthz", "", payload{})
	if r.status != 200 || !strings.Contains(string(r.body), `"status":"ok"`) {
		t.Errorf("healthz: %d %q", r.status, r.body)
	}
	if r := e.as(t, roleTown, "GET", "/api/v1/towns", payload{}); r.status != 200 {
		t.Fatalf("towns: %d", r.status)
	}
	r = e.call(t, "GET", "/metrics", testMetricsToken, payload{})
	if r.status != 200 {
		t.Fatalf("metrics: %d", r.status)
	}
	found := false
	for _, line := range strings.Split(string(r.body), "\n") {
		if strings.HasPrefix(line, "fugong_http_requests_total{") && strings.Contains(line, `route="GET /api/v1/towns"`) && strings.Contains(line, `code="200"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no fugong_http_requests_total for route \"GET /api/v1/towns\" in:\n%s", r.body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if r.header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
}

// testRateLimit runs last: it records failed logins from the test's address.
func testRateLimit(t *testing.T, e *testEnv) {
	u, err := (&account.Service{Store: e.db, Now: time.Now}).Create(context.Background(), fugong.System,
		account.User{Username: "throttled", Role: fugong.RoleCadre}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	creds := func(pw string) payload { return jsonBody(map[string]string{"username": u.Username, "password": pw}) }
	for i := range account.AccountBackoff.Free {
		if r := e.call(t, "POST", "/api/v1/sessions", "", creds("wrong-password")); r.status != 401 {
			t.Fatalf("failure %d: status %d: %s", i+1, r.status, r.body)
		}
	}
	r := e.call(t, "POST", "/api/v1/sessions", "", creds(testPassword))
	if r.status != 429 || r.err(t).Error.Code != "rate_limited" {
		t.Errorf("after %d failures the right password got %d: %s", account.AccountBackoff.Free, r.status, r.body)
	}
	// Another user from the same address is not locked out.
	e.login(t, e.users[roleCadre].Username, testPassword)
}
