// Package web serves fugong over HTTP: the server-rendered Chinese UI and the
// JSON API under /api/v1, two handler trees over the same module services.
package web

import (
	"cmp"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

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
	"fugong/supplies"
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
	// M4, M5 and M6.
	Production *production.Service
	Tickets    *tickets.Service
	Supplies   *supplies.Service
	Audit      audit.Store
	Logger     *slog.Logger
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

// NewDeps wires every module's service over one database. now is the clock
// of the modules' rules ("today", deadlines); sessions keep the real time.
func NewDeps(db *store.DB, now func() time.Time) Deps {
	reg := &registry.Service{Store: db}
	pairings := &pairing.Service{Store: db, Registry: reg}
	stock := &supplies.Service{Store: db, Registry: reg, Now: now}
	return Deps{
		DB:         db,
		Registry:   reg,
		Accounts:   &account.Service{Store: db, Now: time.Now},
		Daily:      &daily.Service{Store: db, Registry: reg, Now: now},
		Inspect:    &inspect.Service{Store: db, Registry: reg, Now: now},
		Oversight:  &inspect.Oversight{Store: db, Intervals: pairings, Now: now},
		Supplies:   stock,
		Tickets:    &tickets.Service{Store: db, Registry: reg, Now: now, Stock: stock},
		Pairing:    pairings,
		Documents:  &documents.Service{Store: db, Registry: reg, Now: now},
		Production: &production.Service{Store: db, Registry: reg, Now: now},
		Audit:      db,
	}
}

// Server holds the parsed templates and the deps.
type Server struct {
	Deps
	pages   map[string]*template.Template
	metrics *httpMetrics
	// imports holds a token for each file import being read (importSlot).
	imports chan struct{}
}

// New returns the HTTP handler of the whole service. It parses every
// template at once so a broken one fails at start, not on a request.
func New(d Deps) (http.Handler, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	return s.routes(), nil
}

const defaultImportSlots = 2

func newServer(d Deps) (*Server, error) {
	s := &Server{Deps: d, imports: make(chan struct{}, cmp.Or(d.ImportSlots, defaultImportSlots))}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Metrics == nil {
		s.Metrics = prometheus.NewRegistry()
	}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.metrics = newHTTPMetrics(s.Metrics)
	return s, nil
}

func staticFS() http.Handler {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}
