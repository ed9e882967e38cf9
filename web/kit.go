package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fugong"
	"fugong/account"
	"fugong/registry"
	"fugong/store"
)

// The kit: what a module's web package (web/daily, web/supplies, …) builds
// on. A module is a Module value: its routes as data, its menu entries,
// the links it adds to the settings and enterprise pages, its templates and
// its OpenAPI fragment. cmd/fugong/wiring passes every module to New.
// web/README.md is the recipe.

// APIFunc is an API handler: it runs with a session (401 without one), the
// CSRF token checked for a cookie session, and a returned error answered
// as {"error": …} with the status of its code.
type APIFunc func(w http.ResponseWriter, r *http.Request, a fugong.Actor) error

// PageFunc is a page handler: without a session the browser is sent to
// the login page; a form post needs its CSRF token; a returned error is
// shown as the error page with the status of its code.
type PageFunc func(w http.ResponseWriter, r *http.Request, s *Session) error

// Route is one route: Method and Path as http.ServeMux reads them
// ("/api/v1/enterprises/{uscc}/supplies") and exactly one of API, Page or
// Raw. Raw is served as it is, without a session: it is public.
type Route struct {
	Method, Path string
	API          APIFunc
	Page         PageFunc
	Raw          http.Handler

	module string       // set by New
	h      http.Handler // a route of this package, already wrapped
	kind   string
}

// Pattern is the route as the mux reads it: "GET /supplies".
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// Kind is "api", "page" or "raw".
func (rt Route) Kind() string {
	switch {
	case rt.kind != "":
		return rt.kind
	case rt.API != nil:
		return "api"
	case rt.Page != nil:
		return "page"
	}
	return "raw"
}

// Module is the name of the module that serves the route ("web" for the
// kit and the modules still in this package).
func (rt Route) Module() string { return rt.module }

// Section is a module's part of a shared page (an enterprise's page), its
// HTML rendered with Session.Partial; the page lists the modules' sections
// by Order.
type Section struct {
	HTML  template.HTML
	Order int
}

// Link is a link a module adds to a shared page: the admin's settings page
// ("各模块的设置") or an enterprise's page (its module tabs). Links are
// listed by Order; Note is shown after a settings link in brackets.
type Link struct {
	Href, Label, Note string
	Order             int
}

// Module is a module's web side. Only Name and Routes are required.
type Module struct {
	// Name is the package's name ("supplies"): its routes are listed
	// under it and its tests keep web/NAME/testdata/routes.golden.
	Name   string
	Routes []Route
	// Nav is the menu entries the actor may use.
	Nav func(a fugong.Actor) []NavItem
	// SettingsLinks are listed on the admin's settings page.
	SettingsLinks []Link
	// EnterpriseLinks are the tabs of an enterprise's page for the actor.
	EnterpriseLinks func(a fugong.Actor, uscc string) []Link
	// EnterpriseSections are the module's parts of an enterprise's page,
	// e already read in the actor's scope (the M3 papers, say). A form
	// of a section posts to the module's own route; refused, it shows the
	// page again with Session.EnterprisePage.
	EnterpriseSections func(r *http.Request, s *Session, e registry.Enterprise) ([]Section, error)
	// EnterprisePage shows the page of the enterprise uscc (in s's scope,
	// else not found) with status: the registry's page, which one module
	// serves. It lists the modules' sections with s.EnterpriseSections;
	// Session.EnterprisePage of any module comes here.
	EnterprisePage func(w http.ResponseWriter, r *http.Request, s *Session, status int, uscc string) error
	// Home is the module's panels of the home page for s's user (none is
	// nil); the page lists every module's panels by Order.
	Home func(r *http.Request, s *Session) ([]Section, error)
	// Templates holds the module's pages (*.html, each defining
	// "content") and partials (partials/*.html); each page is parsed with
	// the layout, the shared partials and the module's partials. A
	// Session renders them by name ("supply_stock" for supply_stock.html).
	Templates fs.FS
	// OpenAPI is the module's fragment of openapi.json: its "paths" and
	// "components"."schemas". A path or schema defined twice fails New.
	OpenAPI []byte

	pages    map[string]*template.Template
	partials *template.Template // the shared partials and the module's, for Session.Partial
}

// Session is the signed-in user of a page request, and the page tools of
// the module serving it.
type Session struct {
	ss  *session
	srv *Server
	mod *Module
	// from's sections are own on the enterprise page this session shows
	// (Session.EnterprisePage of module from).
	from *Module
	own  []Section
}

// Actor is who acts: the user's role and scope.
func (s *Session) Actor() fugong.Actor { return s.ss.actor() }

// User is the signed-in user.
func (s *Session) User() account.User { return s.ss.user }

// CSRF is the token a form posts in its hidden "csrf" input.
func (s *Session) CSRF() string { return account.CSRFToken(s.ss.token) }

// Base is what the layout needs: the title, the user, the CSRF token, the
// menu with active (a menu entry's Href) marked.
func (s *Session) Base(title, active string) Base { return s.srv.base(s.ss, title, active) }

// Render writes the module's page name with data (a view model embedding
// Base) and status. A template error is logged and answered with a bare
// 500, never half a page.
func (s *Session) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.srv.renderFrom(s.mod.pages, w, r, status, name, data)
}

// Partial renders a partial template (one the module's partials/*.html
// define, or a shared one) with data: a Section's HTML.
func (s *Session) Partial(name string, data any) (template.HTML, error) {
	if s.mod.partials == nil {
		return "", fmt.Errorf("web: module %s has no partials", s.mod.Name)
	}
	var buf bytes.Buffer
	if err := s.mod.partials.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("web: module %s: partial %s: %w", s.mod.Name, name, err)
	}
	return template.HTML(buf.String()), nil
}

// EnterprisePage shows the page of the enterprise uscc (in the actor's
// scope, else not found) with status, the module's own sections replaced
// by own: a refused form of a section shown again with its input and its
// errors. The other modules' sections are as they are.
func (s *Session) EnterprisePage(w http.ResponseWriter, r *http.Request, status int, uscc string, own ...Section) error {
	pm := s.srv.enterprisePage
	if pm == nil {
		return fugong.NotFound("页面")
	}
	return pm.EnterprisePage(w, r, &Session{ss: s.ss, srv: s.srv, mod: pm, from: s.mod, own: own}, status, uscc)
}

// EnterpriseSections are every module's sections of e's page (e already
// read in the actor's scope), in their Order, for the module that serves
// the page (Module.EnterprisePage).
func (s *Session) EnterpriseSections(r *http.Request, e registry.Enterprise) ([]template.HTML, error) {
	return s.srv.enterpriseSections(r, s.ss, e, s.from, s.own)
}

// home is the home page: every module's panels (Module.Home) by Order.
func (s *Server) home(w http.ResponseWriter, r *http.Request, ss *session) error {
	var all []Section
	for i := range s.modules {
		m := &s.modules[i]
		if m.Home == nil {
			continue
		}
		secs, err := m.Home(r, &Session{ss: ss, srv: s, mod: m})
		if err != nil {
			return err
		}
		all = append(all, secs...)
	}
	s.render(w, r, http.StatusOK, "home", homePage{Base: s.base(ss, "首页", "/"), Panels: htmlByOrder(all)})
	return nil
}

type homePage struct {
	Base
	Panels []template.HTML
}

func htmlByOrder(secs []Section) []template.HTML {
	slices.SortStableFunc(secs, func(x, y Section) int { return cmp.Compare(x.Order, y.Order) })
	out := make([]template.HTML, len(secs))
	for i, sec := range secs {
		out[i] = sec.HTML
	}
	return out
}

// enterpriseSections are the modules' sections of an enterprise's page;
// from's are own instead, when from is set.
func (s *Server) enterpriseSections(r *http.Request, ss *session, e registry.Enterprise, from *Module, own []Section) ([]template.HTML, error) {
	var all []Section
	for i := range s.modules {
		m := &s.modules[i]
		switch {
		case m == from:
			all = append(all, own...)
		case m.EnterpriseSections != nil:
			secs, err := m.EnterpriseSections(r, &Session{ss: ss, srv: s, mod: m}, e)
			if err != nil {
				return nil, err
			}
			all = append(all, secs...)
		}
	}
	return htmlByOrder(all), nil
}

// Routes lists every route served, the kit's and this package's first.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// kitModule is what the kit itself serves.
func (s *Server) kitModule() Module {
	return Module{Name: "web", Routes: []Route{
		{Method: "GET", Path: "/healthz", Raw: http.HandlerFunc(s.healthz)},
		{Method: "GET", Path: "/metrics", Raw: s.metricsPage()},
		{Method: "GET", Path: "/static/", Raw: staticFS()},
		{Method: "GET", Path: "/manifest.webmanifest", Raw: http.HandlerFunc(s.manifest)},
		{Method: "GET", Path: "/sw.js", Raw: http.HandlerFunc(s.serviceWorker)},
		{Method: "GET", Path: "/icons/{file}", Raw: http.HandlerFunc(s.appIcon)},
		{Method: "GET", Path: "/api/v1/openapi.json", Raw: http.HandlerFunc(s.serveOpenAPI)},
		{Method: "GET", Path: "/login", Raw: http.HandlerFunc(s.loginPage)},
		{Method: "POST", Path: "/login", Raw: http.HandlerFunc(s.loginSubmit)},
		{Method: "POST", Path: "/logout", Page: func(w http.ResponseWriter, r *http.Request, ss *Session) error { return s.logout(w, r, ss.ss) }},
		{Method: "GET", Path: "/{$}", Page: func(w http.ResponseWriter, r *http.Request, ss *Session) error { return s.home(w, r, ss.ss) }},
		{Method: "POST", Path: "/api/v1/sessions", Raw: http.HandlerFunc(s.apiLogin)},
		{Method: "DELETE", Path: "/api/v1/sessions/current", API: s.apiLogout},
		{Method: "GET", Path: "/api/v1/me", API: s.apiMe},
	}}
}

// build parses the modules' templates and serves every route on one mux.
func (s *Server) build() (err error) {
	mux := http.NewServeMux()
	seen := map[string]string{}
	defer func() {
		// The mux panics on two patterns that match the same requests.
		if p := recover(); p != nil {
			err = fmt.Errorf("web: %v", p)
		}
	}()
	for i := range s.modules {
		m := &s.modules[i]
		if m.EnterprisePage != nil {
			if s.enterprisePage != nil {
				return fmt.Errorf("web: modules %s and %s both serve the enterprise page", s.enterprisePage.Name, m.Name)
			}
			s.enterprisePage = m
		}
		if m.Templates != nil {
			if m.pages, m.partials, err = parseModulePages(m.Name, m.Templates, s.funcs); err != nil {
				return err
			}
		}
		for _, rt := range m.Routes {
			rt.module = m.Name
			if prev, dup := seen[rt.Pattern()]; dup {
				return fmt.Errorf("web: %s is served by %s and %s", rt.Pattern(), prev, m.Name)
			}
			seen[rt.Pattern()] = m.Name
			h, err := s.wrap(m, rt)
			if err != nil {
				return err
			}
			mux.Handle(rt.Pattern(), h)
			s.routes = append(s.routes, rt)
		}
	}
	mux.Handle("/api/", s.api(apiNotFound))
	mux.Handle("/", s.ui(uiNotFound))
	var csrf http.CrossOriginProtection
	s.handler = s.observe(s.securityHeaders(csrf.Handler(mux)))
	return nil
}

func (s *Server) wrap(m *Module, rt Route) (http.Handler, error) {
	set := 0
	for _, ok := range []bool{rt.API != nil, rt.Page != nil, rt.Raw != nil, rt.h != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return nil, fmt.Errorf("web: module %s: %s needs exactly one of API, Page and Raw", m.Name, rt.Pattern())
	}
	switch {
	case rt.h != nil:
		return rt.h, nil
	case rt.API != nil:
		return s.api(apiFunc(rt.API)), nil
	case rt.Page != nil:
		fn := rt.Page
		return s.ui(func(w http.ResponseWriter, r *http.Request, ss *session) error {
			return fn(w, r, &Session{ss: ss, srv: s, mod: m})
		}), nil
	}
	return s.withServer(rt.Raw), nil
}

// metricsPage serves the Prometheus metrics to a scraper that sends the
// metrics token as its bearer token. Without a token set they are not
// served at all, so the public address shows nobody the service's insides.
func (s *Server) metricsPage() http.Handler {
	prom := promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})
	want := sha256.Sum256([]byte(s.MetricsToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.MetricsToken == "" {
			http.NotFound(w, r)
			return
		}
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need the bearer token of --metrics-token", http.StatusUnauthorized)
			return
		}
		prom.ServeHTTP(w, r)
	})
}

// healthz answers 200 when the database answers a read and the last
// write did not fail for the database's sake, else 503, so that a load
// balancer takes the instance out. The read is a ping on the readers with
// a short timeout: it does not queue behind the writer.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	err := s.DB.PingReader(ctx)
	if err != nil {
		s.Logger.Error("health check", "err", err)
	}
	status, body := healthOf(err, s.DB.LastWriteFailure(), time.Now())
	writeJSON(w, status, body)
}

const (
	healthTimeout = 2 * time.Second
	// writeFailureHold is how long a failed write keeps the instance out
	// when no write has succeeded since: out of rotation, it gets no
	// writes that could clear it, so after a while it takes traffic again
	// (and its next failure takes it out again). The failure stays in the
	// answer until a write succeeds.
	writeFailureHold = time.Minute
)

type healthBody struct {
	Status string `json:"status"` // ok or unavailable
	// Database is ok, or the class of the read's failure (store.Unavailable),
	// or "error" for any other.
	Database         string              `json:"database"`
	LastWriteFailure *store.WriteFailure `json:"last_write_failure"`
}

// healthOf judges the database's health from its reader's ping and its last
// failed write.
func healthOf(read error, f *store.WriteFailure, now time.Time) (int, healthBody) {
	b := healthBody{Status: "ok", Database: "ok", LastWriteFailure: f}
	if read != nil {
		b.Status, b.Database = "unavailable", "error"
		if class, ok := store.Unavailable(read); ok {
			b.Database = class
		} else if errors.Is(read, context.DeadlineExceeded) {
			b.Database = "timeout"
		}
	}
	if f != nil && now.Sub(f.At) < writeFailureHold {
		b.Status = "unavailable"
	}
	if b.Status != "ok" {
		return http.StatusServiceUnavailable, b
	}
	return http.StatusOK, b
}

// importSlot takes one of the slots of file imports for the caller to
// release, or answers 429 with a Retry-After when all are taken.
func (s *Server) importSlot(w http.ResponseWriter) (release func(), err error) {
	if release, ok := s.TryImportSlot(); ok {
		return release, nil
	}
	w.Header().Set("Retry-After", strconv.Itoa(importRetrySeconds))
	return nil, fugong.Errorf(fugong.ERateLimited, "file", "服务器正在处理其他导入文件，请%d秒后再试", importRetrySeconds)
}

// importRetrySeconds is how long a refused import is asked to wait: about
// the time a large file takes.
const importRetrySeconds = 10

// TryImportSlot takes one of the slots of file imports (Deps.ImportSlots),
// without waiting: ok is false when every slot is taken. The modules'
// imports take theirs through ImportSlot; a test holds one to see the
// server busy.
func (s *Server) TryImportSlot() (release func(), ok bool) {
	select {
	case s.imports <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-s.imports }) }, true
	default:
		return nil, false
	}
}

// serveOpenAPI serves the merged document to anyone; like every API route
// it refuses a query that is not text (checkInput), 400 invalid.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	if err := checkInput(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(s.openAPI)
}

// settingsLinks are every module's links on the settings page.
func (s *Server) settingsLinks() []Link {
	var out []Link
	for _, m := range s.modules {
		out = append(out, m.SettingsLinks...)
	}
	return byOrder(out)
}

// enterpriseLinks are every module's tabs on an enterprise's page.
func (s *Server) enterpriseLinks(u *account.User, uscc string) []Link {
	if u == nil {
		return nil
	}
	var out []Link
	for _, m := range s.modules {
		if m.EnterpriseLinks != nil {
			out = append(out, m.EnterpriseLinks(u.Actor(), uscc)...)
		}
	}
	return byOrder(out)
}

func byOrder(links []Link) []Link {
	slices.SortStableFunc(links, func(x, y Link) int { return cmp.Compare(x.Order, y.Order) })
	return links
}

// pageFuncs are the template functions that read the assembled modules.
func (s *Server) pageFuncs() template.FuncMap {
	return template.FuncMap{"settingsLinks": s.settingsLinks, "enterpriseLinks": s.enterpriseLinks,
		// displayName: the person a username stands for (真实姓名), else the username.
		"displayName": s.names.of}
}

// Confirm is the step before a destructive or locking action (a sign-off,
// a disabled user, a pairing ended): a page that says what will happen and
// posts to Action with confirm=yes, or goes back to Cancel. It needs no
// script: the action's handler shows it when the post lacks confirm=yes.
type Confirm struct {
	Heading        string
	Lines          []string
	Warning        string
	Action, Cancel string
	Button         string
	Danger         bool
	Hidden         []Hidden
	Reason         string // the label of a required reason, "" for none
}

// Hidden is a form value the confirmation posts back.
type Hidden struct{ Name, Value string }

type confirmPage struct {
	Base
	Confirm
}

// Confirmed reports whether a post came from the confirmation step.
func Confirmed(r *http.Request) bool { return r.PostFormValue("confirm") == "yes" }

// Confirm shows the confirmation step; active is the menu entry to mark.
func (s *Session) Confirm(w http.ResponseWriter, r *http.Request, active string, c Confirm) {
	s.srv.render(w, r, http.StatusOK, "confirm", confirmPage{Base: s.Base(c.Heading, active), Confirm: c})
}
