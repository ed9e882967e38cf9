// Package wiring builds fugong: every module's service over one database,
// and the web server with every module's web side. It is the one place
// both are built; the command, the browser tests and the whole-server
// tests use it alike. A new module adds its service to Services and its
// web side to Modules, one line each.
package wiring

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"fugong/account"
	"fugong/audit"
	"fugong/briefing"
	"fugong/checkpoint"
	"fugong/daily"
	"fugong/dashboard"
	"fugong/documents"
	"fugong/files"
	"fugong/finance"
	"fugong/inspect"
	"fugong/mujun"
	"fugong/notice"
	"fugong/pairing"
	"fugong/pdf"
	"fugong/people"
	"fugong/pii"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/supplies"
	"fugong/tickets"
	"fugong/web"
	webadmin "fugong/web/admin"
	webbriefing "fugong/web/briefing"
	webcheckpoint "fugong/web/checkpoint"
	webdaily "fugong/web/daily"
	webdashboard "fugong/web/dashboard"
	webdocuments "fugong/web/documents"
	webfiles "fugong/web/files"
	webfinance "fugong/web/finance"
	webinspect "fugong/web/inspect"
	webisolation "fugong/web/isolation"
	webmujun "fugong/web/mujun"
	webnotices "fugong/web/notices"
	webpairing "fugong/web/pairing"
	webpeople "fugong/web/people"
	webproduction "fugong/web/production"
	webregistry "fugong/web/registry"
	websupplies "fugong/web/supplies"
	webtickets "fugong/web/tickets"
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
	// People is M7. Its Keys are the personal-data keyring, set by the
	// command from the key file (nil without one: nothing personal can be
	// written).
	People *people.Service
	// Isolation is M8's isolation points, over People's settings and keys.
	Isolation *checkpoint.Isolation
	// Checkpoints is M8's posts, self-registration and duty roster; its
	// Keys are the people's, set with them.
	Checkpoints *checkpoint.Service

	Mujun    *mujun.Service    // M9 亩均论英雄
	Finance  *finance.Service  // M9 金融支持与政策兑现
	Notices  *notice.Service   // M10
	Briefing *briefing.Service // M11
	// Dashboard is M12, over every module's service.
	Dashboard *dashboard.Service
	// PDFFont is the font of the PDFs the server draws (the briefing).
	PDFFont *pdf.Font
}

// NewServices wires every module's service over db. now is the clock of
// the modules' rules ("today", deadlines); sessions keep the real time.
func NewServices(db *store.DB, now func() time.Time) Services {
	reg := &registry.Service{Store: db}
	pairings := &pairing.Service{Store: db, Registry: reg}
	stock := &supplies.Service{Store: db, Registry: reg, Now: now}
	s := Services{
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
		People:     &people.Service{Store: db, Registry: reg, Now: now},
		Mujun:      &mujun.Service{Store: db, Registry: reg, Now: now},
		Finance:    &finance.Service{Store: db, Registry: reg, Now: now},
		Notices:    &notice.Service{Store: db, Now: now, Wake: make(chan struct{}, 1)},
		PDFFont:    pdf.NewFont(""),
	}
	s.Isolation = &checkpoint.Isolation{Store: db, People: s.People, Now: now}
	s.Checkpoints = &checkpoint.Service{Store: db.Checkpoints(), Seals: db.Checkpoints(), Now: now}
	// The dashboard reads every module through its service, and the
	// counters kept on write through the store.
	s.Dashboard = &dashboard.Service{Rollups: db, Daily: s.Daily, Oversight: s.Oversight, Inspect: s.Inspect,
		Supplies: s.Supplies, People: s.People, Mujun: s.Mujun, Tickets: s.Tickets, Checkpoints: s.Checkpoints, Now: now, CacheFor: dashboard.DefaultCacheFor}
	// The briefing's sections, in the order it lists them, each read
	// through its module's service: a module adds its own here.
	s.Briefing = &briefing.Service{Store: db, Now: now, Sources: []briefing.Source{
		briefing.Production(s.Production),
		briefing.Reports(s.Daily),
		briefing.Prevention(s.Daily),
		briefing.Health(s.People),
		briefing.Isolation(s.Isolation),
		briefing.Inspection(s.Inspect, s.Oversight),
		briefing.Tickets(s.Tickets),
		briefing.Supplies(s.Supplies),
		briefing.Notices(s.Notices),
		briefing.Mujun(s.Mujun),
	}}
	return s
}

// Modules are the web side of every module that has a package of its own
// under web/, in the order their routes are served.
func Modules(s Services) []web.Module {
	return []web.Module{
		webregistry.New(s.Registry),            // M1 企业名录, 批量导入, an enterprise's page, the home page's overview
		webdaily.New(s.Daily, s.People),        // M2 日报
		webadmin.New(s.Accounts, auditLog(s)),  // 用户管理, 审计日志, 修改密码
		webfiles.New(filesOf(s)),               // the attached files
		webinspect.New(s.Inspect, s.Oversight), // M3 督导检查, 督导覆盖
		webdocuments.New(s.Documents),          // M3 承诺书与防控预案
		webproduction.New(s.Production),        // M4 复工复产
		websupplies.New(s.Supplies),            // M6 防疫物资
		webtickets.New(s.Tickets),              // M5 问题困难
		webpairing.New(s.Pairing),              // M3 一企一员
		webpeople.New(s.People),                // M7 人员健康
		webisolation.New(s.Isolation),          // M8 隔离点
		webcheckpoint.New(s.Checkpoints),       // M8 卡口
		webmujun.New(s.Mujun),                  // M9 亩均论英雄
		webfinance.New(s.Finance),              // M9 金融支持与政策兑现
		webnotices.New(s.Notices),              // M10 通知公告
		webbriefing.New(s.Briefing, s.PDFFont), // M11 日日报
		webdashboard.New(s.Dashboard),          // M12 驾驶舱, 指挥大屏
	}
}

// auditLog and filesOf are s.DB as the audit log's and the files' store:
// nil when there is no database (Modules(Services{}) lists the routes).
func auditLog(s Services) audit.Store {
	if s.DB == nil {
		return nil
	}
	return s.DB
}

func filesOf(s Services) files.Store {
	if s.DB == nil {
		return nil
	}
	return s.DB
}

// Options are how the server runs, beside its services.
type Options struct {
	Logger *slog.Logger
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
	// APITokenTTL is how long an API token lasts; zero is
	// account.APISessionTTL. It is set on s.Accounts.
	APITokenTTL time.Duration
	// ImportSlots bounds the file imports read at once, every module's
	// alike; zero is the web layer's default.
	ImportSlots int
	// Extra are served after Modules(s): a test's own modules, beside
	// the real ones.
	Extra []web.Module
	// Keys are the personal-data keys from the key file (M7's ID numbers
	// and phones); nil leaves s.People's as they are. They are set on
	// s.People.
	Keys *pii.Keyring
	// PDFFont is the TrueType font file of the PDFs; "" for the default
	// (pdf.DefaultFontPath).
	PDFFont string
	// PublicURL is the address travellers reach the service at, which
	// the checkpoints' QR codes carry; "" takes each request's own.
	PublicURL string
}

// Handler is the whole HTTP service over s.
func Handler(s Services, o Options) (*web.Server, error) {
	if o.APITokenTTL != 0 {
		s.Accounts.APITokenTTL = o.APITokenTTL
	}
	if o.Keys != nil {
		s.People.Keys = o.Keys
		s.Checkpoints.Keys = o.Keys
	}
	if o.PublicURL != "" {
		s.Checkpoints.PublicURL = o.PublicURL
	}
	if o.PDFFont != "" {
		s.PDFFont = pdf.NewFont(o.PDFFont)
	}
	return web.New(web.Deps{
		DB: s.DB, Registry: s.Registry, Accounts: s.Accounts,
		Logger: o.Logger, Metrics: o.Metrics, MetricsToken: o.MetricsToken,
		SecureCookies: o.SecureCookies, TrustedProxies: o.TrustedProxies,
		ImportSlots: o.ImportSlots,
	}, append(Modules(s), o.Extra...)...)
}
