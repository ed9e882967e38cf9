// Package webtest is the test kit of the web modules: the whole server
// wired as cmd/fugong wires it, on a test clock, with the fixture
// enterprises and a logged-in user of every role; requests as each role
// through the API or a browser session; and the route-by-role scope
// matrix with its golden file (scope.go).
package webtest

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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/cmd/fugong/wiring"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
	"fugong/web"
)

// The fixture roles, in the order the scope matrix lists them.
const (
	RoleAdmin      = "admin"
	RoleBureauStat = "bureau-stat" // bureau, 信息统计组: owns the registry
	RoleBureauInsp = "bureau-insp" // bureau, 检查督导组: reads the city, writes nothing here
	RoleTown       = "town"        // 塘下镇
	RoleCadre      = "cadre"       // paired with tangA
	RoleClerk      = "clerk"       // clerk of tangB
	RoleCheckpoint = "checkpoint"  // a checkpoint in 仙降街道
)

var Roles = []string{RoleAdmin, RoleBureauStat, RoleBureauInsp, RoleTown, RoleCadre, RoleClerk, RoleCheckpoint}

const (
	TownTangxia   = "330381101" // 塘下镇
	TownXianjiang = "330381010" // 仙降街道
	TownFeiyun    = "330381009" // 飞云街道
	Password      = "correct-horse-battery"
)

// Enterprises are in every test environment.
var Enterprises = []struct{ Key, Org, Town, Size, Name string }{
	{"tangA", "MA2AAAA01", TownTangxia, registry.SizeAbove, "瑞安市塘下汽配有限公司"}, // the cadre's
	{"tangB", "MA2BBBB02", TownTangxia, registry.SizeBelow, "瑞安市塘下电器厂"},    // the clerk's
	{"xianA", "MA2CCCC03", TownXianjiang, registry.SizeBelow, "瑞安市仙降鞋业有限公司"},
}

// Clock is the clock of a test server: the real time until a test
// sets it, then that time.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// Set fixes the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// Env is one engine's whole server, wired as cmd/fugong wires it, with
// the fixture enterprises and a user of every role logged in.
type Env struct {
	DB       *store.DB
	Services wiring.Services // every module's service, on the test clock
	Clock    *Clock          // the store's and the services' clock
	Server   *httptest.Server
	Web      *web.Server             // the assembled server Server serves
	Users    map[string]account.User // by role key
	Tokens   map[string]string       // API bearer token by role key
	Ents     map[string]string       // USCC by fixture key: tangA, tangB, xianA
	seq      atomic.Int64
}

// New serves a fresh server over db with the fixture enterprises and one
// user of each role, each logged in through the API.
func New(t *testing.T, db *store.DB) *Env { return NewAt(t, db, time.Time{}) }

// NewAt is New with the store's and the services' clock fixed at start
// (the real time if start is zero) before anything is stored, so the
// fixture enterprises are registered then.
func NewAt(t *testing.T, db *store.DB, start time.Time) *Env {
	t.Helper()
	return NewWith(t, db, start, wiring.Options{})
}

// NewWith is NewAt with the server run as o says (its import slots, its
// metrics token, …); without a Logger it logs nothing.
func NewWith(t testing.TB, db *store.DB, start time.Time, o wiring.Options) *Env {
	t.Helper()
	ctx := context.Background()
	clock := &Clock{at: start}
	db.Now = clock.Now
	svc := wiring.NewServices(db, clock.Now)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Keys == nil {
		o.Keys = Keys
	}
	h, err := wiring.Handler(svc, o)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{DB: db, Services: svc, Clock: clock, Server: httptest.NewServer(h), Web: h,
		Users: map[string]account.User{}, Tokens: map[string]string{}, Ents: map[string]string{}}
	t.Cleanup(e.Server.Close)

	for _, f := range Enterprises {
		e.Ents[f.Key] = e.AddEnterprise(t, f.Org, f.Town, f.Size, f.Name)
	}
	specs := map[string]account.User{
		RoleAdmin:      {Role: fugong.RoleAdmin},
		RoleBureauStat: {Role: fugong.RoleBureau, Group: fugong.GroupStatistics},
		RoleBureauInsp: {Role: fugong.RoleBureau, Group: fugong.GroupInspection},
		RoleTown:       {Role: fugong.RoleTown, Town: TownTangxia},
		RoleCadre:      {Role: fugong.RoleCadre},
		RoleClerk:      {Role: fugong.RoleEnterprise, Enterprise: e.Ents["tangB"]},
		RoleCheckpoint: {Role: fugong.RoleCheckpoint, Town: TownXianjiang},
	}
	for _, role := range Roles {
		u := specs[role]
		u.Username, u.DisplayName = "u-"+role, "测试"+role
		if e.Users[role], err = svc.Accounts.Create(ctx, fugong.System, u, Password); err != nil {
			t.Fatalf("create %s: %v", role, err)
		}
		e.Tokens[role] = e.Login(t, u.Username, Password)
	}
	if err := db.PairCadre(ctx, fugong.System, e.Ents["tangA"], e.Users[RoleCadre].ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// USCC builds a valid code of division 330381 from a 9-character organisation part.
func USCC(t testing.TB, org string) string {
	t.Helper()
	first17 := "91330381" + org
	c, err := registry.USCCCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// Next returns a number unique within the environment.
func (e *Env) Next() int64 { return e.seq.Add(1) }

// NewUSCC returns a valid code that nothing uses yet.
func (e *Env) NewUSCC(t testing.TB) string {
	return USCC(t, fmt.Sprintf("MB%07d", e.Next()))
}

// AddEnterprise stores an enterprise directly, as the operator would.
func (e *Env) AddEnterprise(t testing.TB, org, town, size, name string) string {
	t.Helper()
	ent := registry.Enterprise{USCC: USCC(t, org), Name: name, Town: town, SizeClass: size,
		ContactPhone: "0577-65812345", Employees: 20, LandMu: 3.5}
	if ps := ent.Normalize(); len(ps) > 0 {
		t.Fatal(ps)
	}
	if _, err := e.DB.CreateEnterprise(context.Background(), fugong.System, ent); err != nil {
		t.Fatal(err)
	}
	return ent.USCC
}

// CountEnterprises is how many enterprises are stored, whatever the scope.
func (e *Env) CountEnterprises(t testing.TB) int {
	t.Helper()
	_, n, err := e.DB.ListEnterprises(context.Background(), fugong.System, registry.Filter{Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Stored reads an enterprise whatever the scope.
func (e *Env) Stored(t testing.TB, code string) registry.Enterprise {
	t.Helper()
	ent, err := e.DB.GetEnterprise(context.Background(), fugong.System, code)
	if err != nil {
		t.Fatal(err)
	}
	return ent
}

// Payload is a request body and its content type; the zero value is no body.
type Payload struct {
	CType string
	Data  []byte
}

func JSON(v any) Payload {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return Payload{"application/json", b}
}

func RawJSON(s string) Payload { return Payload{"application/json", []byte(s)} }

// Upload is a multipart form with a file field "file" and extra fields.
func Upload(t testing.TB, name, content string, fields map[string]string) Payload {
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
	return Payload{mw.FormDataContentType(), buf.Bytes()}
}

// ImportHeader is the header of the CSV files the tests import.
const ImportHeader = "统一社会信用代码,企业名称,所属乡镇街道,规模,联系电话,职工人数\n"

// ImportRow is one CSV line of an enterprise.
func ImportRow(code, name, town, phone string) string {
	return fmt.Sprintf("%s,%s,%s,规下,%s,12\n", code, name, town, phone)
}

// Resp is a read response.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// APIError is the API's error body.
type APIError struct {
	Error struct {
		Code    string              `json:"code"`
		Field   string              `json:"field"`
		Message string              `json:"message"`
		Rows    []registry.RowError `json:"rows"`
	} `json:"error"`
}

func (r Resp) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d is not the JSON expected (%v): %s", r.Status, err, r.Body)
	}
}

func (r Resp) Err(t testing.TB) APIError {
	t.Helper()
	var e APIError
	r.Decode(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body lacks code or message: %s", r.Body)
	}
	return e
}

// noRedirect does not follow redirects, so a test sees a page's 303.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Call sends one request with an optional bearer token; a redirect is
// not followed.
func (e *Env) Call(t testing.TB, method, path, token string, p Payload) Resp {
	t.Helper()
	return send(t, noRedirect, method, e.Server.URL+path, p, func(r *http.Request) {
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
	})
}

// As sends one request as the fixture user of role.
func (e *Env) As(t testing.TB, role, method, path string, p Payload) Resp {
	t.Helper()
	tok, ok := e.Tokens[role]
	if !ok {
		t.Fatalf("no fixture role %q", role)
	}
	return e.Call(t, method, path, tok, p)
}

// Send sends one request with client c, edit setting its headers; the
// response is read whole.
func Send(t testing.TB, c *http.Client, method, u string, p Payload, edit func(*http.Request)) Resp {
	t.Helper()
	return send(t, c, method, u, p, edit)
}

func send(t testing.TB, c *http.Client, method, u string, p Payload, edit func(*http.Request)) Resp {
	t.Helper()
	var body io.Reader
	if p.Data != nil {
		body = bytes.NewReader(p.Data)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if p.CType != "" {
		req.Header.Set("Content-Type", p.CType)
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
	return Resp{res.StatusCode, res.Header, b}
}

// WantErr checks an API error: its status, the code of the status, its
// field and that its message contains text.
func WantErr(t testing.TB, r Resp, status int, field, text string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	e := r.Err(t).Error
	if e.Code != CodeOf[status] || e.Field != field || !strings.Contains(e.Message, text) {
		t.Errorf("error %+v, want code %s field %q message with %q", e, CodeOf[status], field, text)
	}
}

// Login opens an API session and returns its token.
func (e *Env) Login(t testing.TB, username, password string) string {
	t.Helper()
	r := e.Call(t, "POST", "/api/v1/sessions", "", JSON(map[string]string{"username": username, "password": password}))
	if r.Status != http.StatusCreated {
		t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	var s struct {
		Token string `json:"token"`
	}
	r.Decode(t, &s)
	if s.Token == "" {
		t.Fatalf("login %s: no token in %s", username, r.Body)
	}
	return s.Token
}

// Browser is a cookie session as a web Browser holds it; it does not follow
// redirects, so a test sees each 303.
type Browser struct {
	env *Env
	c   *http.Client
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRFOf returns the hidden csrf input of a page.
func CSRFOf(t testing.TB, page []byte) string {
	t.Helper()
	m := csrfInput.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf input in page:\n%s", page)
	}
	return string(m[1])
}

// BrowserLogin logs in through the login form: GET /login sets the login
// CSRF cookie and the hidden input, POST /login submits them.
func (e *Env) BrowserLogin(t testing.TB, role string) *Browser {
	t.Helper()
	return e.BrowserLoginAs(t, e.Users[role].Username, Password)
}

// BrowserLoginAs is BrowserLogin as the user username with password.
func (e *Env) BrowserLoginAs(t testing.TB, username, password string) *Browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &Browser{env: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	page := b.Get(t, "/login")
	if page.Status != http.StatusOK {
		t.Fatalf("GET /login: %d", page.Status)
	}
	r := b.PostForm(t, "/login", url.Values{"username": {username}, "password": {password}, "csrf": {CSRFOf(t, page.Body)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("POST /login as %s: %d %s", username, r.Status, r.Body)
	}
	if b.SessionCookie() == "" {
		t.Fatalf("POST /login as %s set no %s cookie", username, "fugong_session")
	}
	return b
}

func (b *Browser) SessionCookie() string {
	u, _ := url.Parse(b.env.Server.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "fugong_session" {
			return c.Value
		}
	}
	return ""
}

func (b *Browser) Get(t testing.TB, path string) Resp {
	t.Helper()
	return send(t, b.c, "GET", b.env.Server.URL+path, Payload{}, nil)
}

func (b *Browser) PostForm(t testing.TB, path string, form url.Values) Resp {
	t.Helper()
	return send(t, b.c, "POST", b.env.Server.URL+path, Payload{"application/x-www-form-urlencoded", []byte(form.Encode())}, nil)
}

// Do sends any request with the Browser's cookies.
func (b *Browser) Do(t testing.TB, method, path string, p Payload, header http.Header) Resp {
	t.Helper()
	return send(t, b.c, method, b.env.Server.URL+path, p, func(r *http.Request) {
		for k, v := range header {
			r.Header[k] = v
		}
	})
}

// PathFor fills a route's {uscc} with the code of fixture key, its {date}
// with today (on the environment's clock), its {year} with last year (a
// year of 亩均 figures, M9) and its town {code} with 塘下镇.
func (e *Env) PathFor(route, key string) string {
	route = strings.Replace(route, "{date}", e.Today(), 1)
	route = strings.Replace(route, "{year}", strconv.Itoa(e.Clock.Now().In(fugong.Location).Year()-1), 1)
	route = strings.Replace(route, "{code}", TownTangxia, 1)
	if !strings.Contains(route, "{uscc}") {
		return route
	}
	code, ok := e.Ents[key]
	if !ok {
		code = key // a literal code
	}
	return strings.Replace(route, "{uscc}", code, 1)
}

// Today is the report day on the environment's clock.
func (e *Env) Today() string { return daily.Today(e.Clock.Now()) }

// Bureau roles the fixture lacks, logged in by the tests that need them:
// the coordination group dispatches, the supplies group keeps the stock.
const (
	RoleCoord      = "coordination"
	RoleSupplies   = "supplies"
	RolePrevention = "prevention" // 联防联控组: people and health
)

var extraGroups = map[string]fugong.Group{RoleCoord: fugong.GroupCoordination, RoleSupplies: fugong.GroupSupplies,
	RolePrevention: fugong.GroupPrevention}

// AddBureauUsers logs in a user (u-ROLE) of each of roles beside the fixture's.
func (e *Env) AddBureauUsers(t *testing.T, roles ...string) {
	t.Helper()
	for _, role := range roles {
		u := account.User{Username: "u-" + role, DisplayName: "测试" + role, Role: fugong.RoleBureau, Group: extraGroups[role]}
		var err error
		if e.Users[role], err = e.Services.Accounts.Create(context.Background(), fugong.System, u, Password); err != nil {
			t.Fatal(err)
		}
		e.Tokens[role] = e.Login(t, u.Username, Password)
	}
}

// MinimalPDF is the smallest file files.Check takes for a PDF.
const MinimalPDF = "%PDF-1.4\n%%EOF\n"

// InScope is which fixture enterprises each role sees.
var InScope = map[string][]string{
	RoleAdmin:      {"tangA", "tangB", "xianA"},
	RoleBureauStat: {"tangA", "tangB", "xianA"},
	RoleBureauInsp: {"tangA", "tangB", "xianA"},
	RoleTown:       {"tangA", "tangB"},
	RoleCadre:      {"tangA"},
	RoleClerk:      {"tangB"},
	RoleCheckpoint: {},
}
