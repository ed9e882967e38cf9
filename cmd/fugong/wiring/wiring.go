// Package wiring builds fugong: every module's service over one database,
// and the web server with every module's web side. It is the one place
// both are built; the command, the browser tests and the whole-server
// tests use it alike. A new module adds its service to Services and its
// web side to Modules, one line each.
package wiring

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"fugong/account"
	"fugong/daily"
	"fugong/documents"
	"fugong/finance"
	"fugong/inspect"
	"fugong/mujun"
	"fugong/pairing"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/supplies"
	"fugong/tickets"
	"fugong/web"
	webfinance "fugong/web/finance"
	webmujun "fugong/web/mujun"
	websupplies "fugong/web/supplies"
)

// Services are every module's service over one database.
type Services struct {
	DB         *store.DB
	Registry   *registry.Service // M1
	Accounts   *account.Service
	Daily      *daily.Service // M2
	Inspect    *inspect.Service
	Oversight  *inspect.Oversight
	Pairing    *pairing.Service
	Documents  *documents.Service
	Production *production.Service // M4
	Tickets    *tickets.Service    // M5
	Supplies   *supplies.Service   // M6
	Mujun      *mujun.Service      // M9 亩均论英雄
	Finance    *finance.Service    // M9 金融支持与政策兑现
}

// NewServices wires every module's service over db. now is the clock of
// the modules' rules ("today", deadlines); sessions keep the real time.
func NewServices(db *store.DB, now func() time.Time) Services {
	reg := &registry.Service{Store: db}
	pairings := &pairing.Service{Store: db, Registry: reg}
	stock := &supplies.Service{Store: db, Registry: reg, Now: now}
	return Services{
		DB:         db,
		Registry:   reg,
		Accounts:   &account.Service{Store: db, Now: time.Now},
		Daily:      &daily.Service{Store: db, Registry: reg, Now: now},
		Inspect:    &inspect.Service{Store: db, Registry: reg, Now: now},
		Oversight:  &inspect.Oversight{Store: db, Intervals: pairings, Now: now},
		Pairing:    pairings,
		Documents:  &documents.Service{Store: db, Registry: reg, Now: now},
		Production: &production.Service{Store: db, Registry: reg, Now: now},
		Tickets:    &tickets.Service{Store: db, Registry: reg, Now: now, Stock: stock},
		Supplies:   stock,
		Mujun:      &mujun.Service{Store: db, Registry: reg, Now: now},
		Finance:    &finance.Service{Store: db, Registry: reg, Now: now},
	}
}

// Modules are the web side of every module that has a package of its own
// under web/, in the order their routes are served.
func Modules(s Services) []web.Module {
	return []web.Module{
		websupplies.New(s.Supplies), // M6 防疫物资
		webmujun.New(s.Mujun),       // M9 亩均论英雄
		webfinance.New(s.Finance),   // M9 金融支持与政策兑现
	}
}

// Options are how the server runs, beside its services.
type Options struct {
	Logger *slog.Logger
	// Metrics receives the HTTP metrics; /metrics serves it.
	Metrics *prometheus.Registry
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
}

// Handler is the whole HTTP service over s.
func Handler(s Services, o Options) (*web.Server, error) {
	return web.New(web.Deps{
		DB: s.DB, Registry: s.Registry, Accounts: s.Accounts, Daily: s.Daily,
		Inspect: s.Inspect, Oversight: s.Oversight, Pairing: s.Pairing, Documents: s.Documents,
		Production: s.Production, Tickets: s.Tickets, Audit: s.DB,
		Logger: o.Logger, Metrics: o.Metrics, SecureCookies: o.SecureCookies,
	}, Modules(s)...)
}
