package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
)

// The fixture roles, in the order the scope matrix lists them.
const (
	roleAdmin      = "admin"
	roleBureauStat = "bureau-stat" // bureau, 信息统计组: owns the registry
	roleBureauInsp = "bureau-insp" // bureau, 检查督导组: reads the city, writes nothing here
	roleTown       = "town"        // 塘下镇
	roleCadre      = "cadre"       // paired with tangA
	roleClerk      = "clerk"       // clerk of tangB
	roleCheckpoint = "checkpoint"  // a checkpoint in 仙降街道
)

var fixtureRoles = []string{roleAdmin, roleBureauStat, roleBureauInsp, roleTown, roleCadre, roleClerk, roleCheckpoint}

const (
	townTangxia   = "330381101" // 塘下镇
	townXianjiang = "330381010" // 仙降街道
	townFeiyun    = "330381009" // 飞云街道
	testPassword  = "correct-horse-battery"
	// testMetricsToken is the bearer token /metrics asks for.
	testMetricsToken = "test-metrics-token"
)

// fixtureEnterprises are in every test environment.
var fixtureEnterprises = []struct{ key, org, town, size, name string }{
	{"tangA", "MA2AAAA01", townTangxia, registry.SizeAbove, "瑞安市塘下汽配有限公司"}, // the cadre's
	{"tangB", "MA2BBBB02", townTangxia, registry.SizeBelow, "瑞安市塘下电器厂"},    // the clerk's
	{"xianA", "MA2CCCC03", townXianjiang, registry.SizeBelow, "瑞安市仙降鞋业有限公司"},
}

// testClock is the clock of a test server: the real time until a test
// sets it, then that time.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// Set fixes the clock at t.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// testEnv is one engine's server with a user of every role logged in.
type testEnv struct {
	db     *store.DB
	deps   Deps       // every module's service, on the test clock
	clock  *testClock // the store's and the daily service's clock
	srv    *httptest.Server
	users  map[string]account.User // by role key
	tokens map[string]string       // API bearer token by role key
	ents   map[string]string       // USCC by fixture key
	seq    atomic.Int64
}

// newEnv serves a fresh server over db with the fixture enterprises and one
// user of each role, each logged in through the API.
func newEnv(t *testing.T, db *store.DB) *testEnv { return newEnvAt(t, db, time.Time{}) }

// newEnvAt is newEnv with the store's and the daily service's clock fixed
// at start (the real time if start is zero) before anything is stored, so
// the fixture enterprises are registered then.
func newEnvAt(t *testing.T, db *store.DB, start time.Time) *testEnv {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{at: start}
	db.Now = clock.Now
	d := testDeps(db, clock.Now)
	d.Logger = slog.New(slog.DiscardHandler)
	d.MetricsToken = testMetricsToken
	h, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{db: db, deps: d, clock: clock, srv: httptest.NewServer(h),
		users: map[string]account.User{}, tokens: map[string]string{}, ents: map[string]string{}}
	t.Cleanup(e.srv.Close)

	for _, f := range fixtureEnterprises {
		e.ents[f.key] = e.addEnterprise(t, f.org, f.town, f.size, f.name)
	}
	specs := map[string]account.User{
		roleAdmin:      {Role: fugong.RoleAdmin},
		roleBureauStat: {Role: fugong.RoleBureau, Group: fugong.GroupStatistics},
		roleBureauInsp: {Role: fugong.RoleBureau, Group: fugong.GroupInspection},
		roleTown:       {Role: fugong.RoleTown, Town: townTangxia},
		roleCadre:      {Role: fugong.RoleCadre},
		roleClerk:      {Role: fugong.RoleEnterprise, Enterprise: e.ents["tangB"]},
		roleCheckpoint: {Role: fugong.RoleCheckpoint, Town: townXianjiang},
	}
	for _, role := range fixtureRoles {
		u := specs[role]
		u.Username, u.DisplayName = "u-"+role, "测试"+role
		if e.users[role], err = (&account.Service{Store: db, Now: time.Now}).Create(ctx, fugong.System, u, testPassword); err != nil {
			t.Fatalf("create %s: %v", role, err)
		}
		e.tokens[role] = e.login(t, u.Username, testPassword)
	}
	if err := db.PairCadre(ctx, fugong.System, e.ents["tangA"], e.users[roleCadre].ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// testDeps wires the services of the modules still in this package as
// cmd/fugong/wiring does (which these tests cannot import: it imports
// this package). It shrinks as the modules move out; the moved modules'
// tests use fugong/web/webtest and the real wiring.
func testDeps(db *store.DB, now func() time.Time) Deps {
	reg := &registry.Service{Store: db}
	return Deps{
		DB:       db,
		Registry: reg,
		Accounts: &account.Service{Store: db, Now: time.Now},
	}
}

// uscc builds a valid code of division 330381 from a 9-character organisation part.
func uscc(t testing.TB, org string) string {
	t.Helper()
	first17 := "91330381" + org
	c, err := registry.USCCCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// next returns a number unique within the environment.
func (e *testEnv) next() int64 { return e.seq.Add(1) }

// newUSCC returns a valid code that nothing uses yet.
func (e *testEnv) newUSCC(t testing.TB) string {
	return uscc(t, fmt.Sprintf("MB%07d", e.next()))
}

// addEnterprise stores an enterprise directly, as the operator would.
func (e *testEnv) addEnterprise(t testing.TB, org, town, size, name string) string {
	t.Helper()
	ent := registry.Enterprise{USCC: uscc(t, org), Name: name, Town: town, SizeClass: size,
		ContactPhone: "0577-65812345", Employees: 20, LandMu: 3.5}
	if ps := ent.Normalize(); len(ps) > 0 {
		t.Fatal(ps)
	}
	if _, err := e.db.CreateEnterprise(context.Background(), fugong.System, ent); err != nil {
		t.Fatal(err)
	}
	return ent.USCC
}

// countEnterprises is how many enterprises are stored, whatever the scope.
func (e *testEnv) countEnterprises(t testing.TB) int {
	t.Helper()
	_, n, err := e.db.ListEnterprises(context.Background(), fugong.System, registry.Filter{Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// stored reads an enterprise whatever the scope.
func (e *testEnv) stored(t testing.TB, code string) registry.Enterprise {
	t.Helper()
	ent, err := e.db.GetEnterprise(context.Background(), fugong.System, code)
	if err != nil {
		t.Fatal(err)
	}
	return ent
}

// payload is a request body and its content type; the zero value is no body.
type payload struct {
	ctype string
	data  []byte
}

func jsonBody(v any) payload {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return payload{"application/json", b}
}

func rawJSON(s string) payload { return payload{"application/json", []byte(s)} }

// upload is a multipart form with a file field "file" and extra fields.
func upload(t testing.TB, name, content string, fields map[string]string) payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return payload{mw.FormDataContentType(), buf.Bytes()}
}

// importHeader is the header of the CSV files the tests import.
const importHeader = "统一社会信用代码,企业名称,所属乡镇街道,规模,联系电话,职工人数\n"

// importRow is one CSV line of an enterprise.
func importRow(code, name, town, phone string) string {
	return fmt.Sprintf("%s,%s,%s,规下,%s,12\n", code, name, town, phone)
}

// resp is a read response.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// apiErr is the API's error body.
type apiErr struct {
	Error struct {
		Code    string              `json:"code"`
		Field   string              `json:"field"`
		Message string              `json:"message"`
		Rows    []registry.RowError `json:"rows"`
	} `json:"error"`
}

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not the JSON expected (%v): %s", r.status, err, r.body)
	}
}

func (r resp) err(t testing.TB) apiErr {
	t.Helper()
	var e apiErr
	r.decode(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body lacks code or message: %s", r.body)
	}
	return e
}

// call sends one request with an optional bearer token.
func (e *testEnv) call(t testing.TB, method, path, token string, p payload) resp {
	t.Helper()
	return send(t, http.DefaultClient, method, e.srv.URL+path, p, func(r *http.Request) {
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
	})
}

// as sends one request as the fixture user of role.
func (e *testEnv) as(t testing.TB, role, method, path string, p payload) resp {
	t.Helper()
	tok, ok := e.tokens[role]
	if !ok {
		t.Fatalf("no fixture role %q", role)
	}
	return e.call(t, method, path, tok, p)
}

func send(t testing.TB, c *http.Client, method, u string, p payload, edit func(*http.Request)) resp {
	t.Helper()
	var body io.Reader
	if p.data != nil {
		body = bytes.NewReader(p.data)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if p.ctype != "" {
		req.Header.Set("Content-Type", p.ctype)
	}
	if edit != nil {
		edit(req)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, u, err)
	}
	return resp{res.StatusCode, res.Header, b}
}

// login opens an API session and returns its token.
func (e *testEnv) login(t testing.TB, username, password string) string {
	t.Helper()
	r := e.call(t, "POST", "/api/v1/sessions", "", jsonBody(map[string]string{"username": username, "password": password}))
	if r.status != http.StatusCreated {
		t.Fatalf("login %s: %d %s", username, r.status, r.body)
	}
	var s struct {
		Token string `json:"token"`
	}
	r.decode(t, &s)
	if s.Token == "" {
		t.Fatalf("login %s: no token in %s", username, r.body)
	}
	return s.Token
}

// browser is a cookie session as a web browser holds it; it does not follow
// redirects, so a test sees each 303.
type browser struct {
	env *testEnv
	c   *http.Client
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf returns the hidden csrf input of a page.
func csrfOf(t testing.TB, page []byte) string {
	t.Helper()
	m := csrfInput.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf input in page:\n%s", page)
	}
	return string(m[1])
}

// browserLogin logs in through the login form: GET /login sets the login
// CSRF cookie and the hidden input, POST /login submits them.
func (e *testEnv) browserLogin(t testing.TB, role string) *browser {
	t.Helper()
	return e.browserLoginAs(t, e.users[role].Username, testPassword)
}

// browserLoginAs is browserLogin as any user.
func (e *testEnv) browserLoginAs(t testing.TB, username, password string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{env: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	page := b.get(t, "/login")
	if page.status != http.StatusOK {
		t.Fatalf("GET /login: %d", page.status)
	}
	r := b.postForm(t, "/login", url.Values{"username": {username}, "password": {password}, "csrf": {csrfOf(t, page.body)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST /login as %s: %d %s", username, r.status, r.body)
	}
	if b.sessionCookie() == "" {
		t.Fatalf("POST /login as %s set no %s cookie", username, sessionCookie)
	}
	return b
}

func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.env.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

func (b *browser) get(t testing.TB, path string) resp {
	t.Helper()
	return send(t, b.c, "GET", b.env.srv.URL+path, payload{}, nil)
}

func (b *browser) postForm(t testing.TB, path string, form url.Values) resp {
	t.Helper()
	return send(t, b.c, "POST", b.env.srv.URL+path, payload{"application/x-www-form-urlencoded", []byte(form.Encode())}, nil)
}

// do sends any request with the browser's cookies.
func (b *browser) do(t testing.TB, method, path string, p payload, header http.Header) resp {
	t.Helper()
	return send(t, b.c, method, b.env.srv.URL+path, p, func(r *http.Request) {
		for k, v := range header {
			r.Header[k] = v
		}
	})
}

// pathFor fills a route's {uscc} with the code of fixture key, its {date}
// with today (on the environment's clock) and its town {code} with 塘下镇.
func (e *testEnv) pathFor(route, key string) string {
	route = strings.Replace(route, "{date}", e.today(), 1)
	route = strings.Replace(route, "{code}", townTangxia, 1)
	if !strings.Contains(route, "{uscc}") {
		return route
	}
	code, ok := e.ents[key]
	if !ok {
		code = key // a literal code
	}
	return strings.Replace(route, "{uscc}", code, 1)
}

// today is the report day on the environment's clock.
func (e *testEnv) today() string { return daily.Today(e.clock.Now()) }

// Bureau roles the fixture lacks, logged in by the tests that need them:
// the coordination group dispatches, the supplies group keeps the stock.
const (
	roleCoord    = "coordination"
	roleSupplies = "supplies"
)

var extraGroups = map[string]fugong.Group{roleCoord: fugong.GroupCoordination, roleSupplies: fugong.GroupSupplies}

// addBureauUsers logs in a user (u-ROLE) of each of roles beside the fixture's.
func (e *testEnv) addBureauUsers(t *testing.T, roles ...string) {
	t.Helper()
	for _, role := range roles {
		u := account.User{Username: "u-" + role, DisplayName: "测试" + role, Role: fugong.RoleBureau, Group: extraGroups[role]}
		var err error
		if e.users[role], err = (&account.Service{Store: e.db, Now: time.Now}).Create(context.Background(), fugong.System, u, testPassword); err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = e.login(t, u.Username, testPassword)
	}
}

// minimalPDF is the smallest file files.Check takes for a PDF.
const minimalPDF = "%PDF-1.4\n%%EOF\n"

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

// contains checks that a page has every one of want.
func contains(t *testing.T, what string, r resp, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.body), w) {
			t.Errorf("%s: the page (HTTP %d) lacks %q", what, r.status, w)
		}
	}
}
