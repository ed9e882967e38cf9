// Package web serves fugong over HTTP: the server-rendered Chinese UI and the
// JSON API under /api/v1, two handler trees over the same module services.
// It is the kit (kit.go, helpers.go) that each module's web package
// (web/supplies, …) builds on, and New assembles the server from those
// modules; README.md is the recipe. The modules not yet moved to a package
// of their own are still here, served through Deps.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"fugong/account"
	"fugong/audit"
	"fugong/daily"
	"fugong/documents"
	"fugong/inspect"
	"fugong/pairing"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/tickets"
)

//go:embed templates static openapi.json openapi
var assets embed.FS

// Deps are the services the web layer serves.
type Deps struct {
	DB       *store.DB
	Registry *registry.Service // M1
	Accounts *account.Service
	Daily    *daily.Service // M2
	// M3: inspections, their reach, the cadres' pairings and the papers.
	Inspect   *inspect.Service
	Oversight *inspect.Oversight
	Pairing   *pairing.Service
	Documents *documents.Service
	// M4 and M5 (M6, supplies, is the module web/supplies).
	Production *production.Service
	Tickets    *tickets.Service
	Audit      audit.Store
	Logger     *slog.Logger
	// Metrics receives the HTTP metrics; /metrics serves it.
	Metrics *prometheus.Registry
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	// Roster is M7's staff rosters, which the daily report form (M2) is
	// prefilled from and checked against (ui_daily_roster.go).
	Roster Roster
}

// Server is the assembled service: the kit, the modules still in this
// package (through Deps) and the modules of their own packages.
type Server struct {
	Deps
	pages   map[string]*template.Template
	metrics *httpMetrics
	modules []Module // the kit's and this package's first, then New's
	routes  []Route  // every route, in the order served
	openAPI []byte   // openapi.json with every module's fragment merged in
	funcs   template.FuncMap
	handler http.Handler
}

// New assembles the service: the kit, the pages and API of the modules
// still in this package (they use d), and modules. It parses every
// template at once and merges the OpenAPI fragments, so a broken template
// or a path documented twice fails at start, not on a request; two
// modules serving the same route fail it too.
func New(d Deps, modules ...Module) (*Server, error) {
	s := &Server{Deps: d}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Metrics == nil {
		s.Metrics = prometheus.NewRegistry()
	}
	s.metrics = newHTTPMetrics(s.Metrics)
	s.modules = append([]Module{s.kitModule(), s.legacyModule()}, modules...)
	s.funcs = template.FuncMap{}
	maps.Copy(s.funcs, funcs)
	maps.Copy(s.funcs, s.pageFuncs())
	var err error
	if s.pages, err = parsePages(s.funcs); err != nil {
		return nil, err
	}
	if s.openAPI, err = buildOpenAPI(assets, s.modules); err != nil {
		return nil, err
	}
	if err := s.build(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func staticFS() http.Handler {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}
