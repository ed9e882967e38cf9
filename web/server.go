// Package web serves fugong over HTTP: the server-rendered Chinese UI and the
// JSON API under /api/v1, two handler trees over the same module services.
// It is the kit (kit.go, helpers.go) that each module's web package
// (web/supplies, …) builds on, and New assembles the server from those
// modules; README.md is the recipe. The modules not yet moved to a package
// of their own are still here, served through Deps.
package web

import (
	"cmp"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"fugong/account"
	"fugong/registry"
	"fugong/store"
)

//go:embed templates static openapi.json
var assets embed.FS

// Deps are the services the web layer serves.
type Deps struct {
	DB       *store.DB
	Registry *registry.Service // M1
	Accounts *account.Service
	Logger   *slog.Logger
	// Metrics receives the HTTP metrics; /metrics serves it to a caller
	// with MetricsToken as its bearer token, and to nobody without one.
	Metrics      *prometheus.Registry
	MetricsToken string
	// SecureCookies marks cookies Secure on every request, not only on
	// those that came over HTTPS.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client and whose X-Forwarded-Proto says whether it used HTTPS.
	TrustedProxies []netip.Prefix
	// ImportSlots bounds the file imports read at once (zero is
	// defaultImportSlots): a file at the limits of package sheet takes a
	// few hundred MB and seconds of CPU to read and store.
	ImportSlots int
}

// Server is the assembled service: the kit, the modules still in this
// package (through Deps) and the modules of their own packages.
type Server struct {
	Deps
	pages   map[string]*template.Template
	metrics *httpMetrics
	modules []Module // the kit's first, then New's
	// enterprisePage is the module that serves an enterprise's page.
	enterprisePage *Module
	routes         []Route // every route, in the order served
	openAPI        []byte  // openapi.json with every module's fragment merged in
	funcs          template.FuncMap
	handler        http.Handler
	// imports holds a token for each file import being read (ImportSlot).
	imports chan struct{}
	names   names // displayName's cache
}

const defaultImportSlots = 2

// New assembles the service: the kit, the pages and API of the modules
// still in this package (they use d), and modules. It parses every
// template at once and merges the OpenAPI fragments, so a broken template
// or a path documented twice fails at start, not on a request; two
// modules serving the same route fail it too.
func New(d Deps, modules ...Module) (*Server, error) {
	s := &Server{Deps: d, imports: make(chan struct{}, cmp.Or(d.ImportSlots, defaultImportSlots))}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Metrics == nil {
		s.Metrics = prometheus.NewRegistry()
	}
	s.metrics = newHTTPMetrics(s.Metrics)
	s.modules = append([]Module{s.kitModule()}, modules...)
	s.names.now = time.Now
	if s.DB != nil {
		s.names.lookup = s.DB.DisplayName
	}
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
