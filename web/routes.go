package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fugong/store"
)

// routes lists every route of the service in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metricsPage())
	mux.Handle("GET /static/", staticFS())

	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.method+" "+rt.path, rt.h)
	}
	mux.Handle("/api/", s.api(apiNotFound))

	// HTML UI.
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.Handle("POST /logout", s.ui(s.logout))
	mux.Handle("GET /{$}", s.ui(s.home))
	mux.Handle("GET /enterprises", s.ui(s.enterpriseList))
	mux.Handle("GET /enterprises/new", s.ui(s.enterpriseNew))
	mux.Handle("POST /enterprises", s.ui(s.enterpriseCreate))
	mux.Handle("GET /enterprises/export", s.ui(s.enterpriseExport))
	mux.Handle("GET /enterprises/import", s.ui(s.enterpriseImportPage))
	mux.Handle("POST /enterprises/import", s.ui(s.enterpriseImport))
	mux.Handle("GET /enterprises/{uscc}", s.ui(s.enterpriseDetail))
	mux.Handle("GET /enterprises/{uscc}/edit", s.ui(s.enterpriseEdit))
	mux.Handle("POST /enterprises/{uscc}/edit", s.ui(s.enterpriseUpdate))
	mux.Handle("GET /users", s.ui(s.userList))
	mux.Handle("POST /users", s.ui(s.userCreate))
	mux.Handle("GET /audit", s.ui(s.auditPage))
	// Daily reports (M2).
	mux.Handle("GET /report", s.ui(s.reportMine))
	mux.Handle("GET /enterprises/{uscc}/reports", s.ui(s.reportOfToday))
	mux.Handle("GET /enterprises/{uscc}/reports/{date}", s.ui(s.reportForm))
	mux.Handle("POST /enterprises/{uscc}/reports/{date}", s.ui(s.reportSubmit))
	mux.Handle("GET /reports", s.ui(s.reportsPage))
	mux.Handle("POST /towns/{code}/signoffs/{date}", s.ui(s.signoffCreate))
	mux.Handle("POST /towns/{code}/signoffs/{date}/reopen", s.ui(s.signoffReopen))
	mux.Handle("GET /reports/missing", s.ui(s.missingList))
	mux.Handle("GET /reports/missing/export", s.ui(s.uiCallList))
	mux.Handle("GET /reports/template", s.ui(s.uiReportTemplate))
	mux.Handle("GET /reports/import", s.ui(s.reportImportPage))
	mux.Handle("POST /reports/import", s.ui(s.reportImport))
	mux.Handle("POST /enterprises/{uscc}/followups", s.ui(s.followupCreate))
	mux.Handle("GET /settings", s.ui(s.settingsForm))
	mux.Handle("POST /settings", s.ui(s.settingsSave))
	// Each module's pages.
	for _, pages := range []func(*http.ServeMux){s.accountPages, s.inspectPages, s.coveragePages, s.suppliesPages, s.ticketsPages, s.pairingPages, s.documentsPages, s.productionPages} {
		pages(mux)
	}
	mux.Handle("/", s.ui(uiNotFound))

	var csrf http.CrossOriginProtection
	return s.observe(s.securityHeaders(csrf.Handler(mux)))
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

type route struct {
	method, path string
	h            http.Handler
}

// apiRoutes is the JSON API: the foundation's and each module's. Every
// route here is described in openapi.json or a fragment of it in openapi/,
// and a test keeps the two in step.
func (s *Server) apiRoutes() []route {
	return slices.Concat(s.foundationRoutes(), s.accountRoutes(), s.inspectRoutes(), s.coverageRoutes(), s.suppliesRoutes(), s.ticketsRoutes(), s.pairingRoutes(), s.documentsRoutes(), s.productionRoutes())
}

// foundationRoutes are the registry's, the accounts', the daily report's
// (M2) and the attached files'.
func (s *Server) foundationRoutes() []route {
	return []route{
		{"GET", "/api/v1/openapi.json", http.HandlerFunc(serveOpenAPI)},
		{"POST", "/api/v1/sessions", http.HandlerFunc(s.apiLogin)},
		{"DELETE", "/api/v1/sessions/current", s.api(s.apiLogout)},
		{"GET", "/api/v1/me", s.api(s.apiMe)},
		{"GET", "/api/v1/towns", s.api(s.apiTowns)},
		{"GET", "/api/v1/enterprises", s.api(s.apiListEnterprises)},
		{"POST", "/api/v1/enterprises", s.api(s.apiCreateEnterprise)},
		{"GET", "/api/v1/enterprises/export", s.api(s.apiExportEnterprises)},
		{"POST", "/api/v1/enterprises/import", s.api(s.apiImportEnterprises)},
		{"GET", "/api/v1/enterprises/{uscc}", s.api(s.apiGetEnterprise)},
		{"PATCH", "/api/v1/enterprises/{uscc}", s.api(s.apiPatchEnterprise)},
		{"GET", "/api/v1/users", s.api(s.apiListUsers)},
		{"POST", "/api/v1/users", s.api(s.apiCreateUser)},
		{"GET", "/api/v1/audit", s.api(s.apiAudit)},
		// Daily reports (M2).
		{"PUT", "/api/v1/enterprises/{uscc}/reports/{date}", s.api(s.apiPutReport)},
		{"GET", "/api/v1/enterprises/{uscc}/reports/{date}", s.api(s.apiGetReport)},
		{"GET", "/api/v1/enterprises/{uscc}/reports/{date}/versions", s.api(s.apiReportVersions)},
		{"POST", "/api/v1/enterprises/{uscc}/followups", s.api(s.apiAddFollowup)},
		{"GET", "/api/v1/enterprises/{uscc}/followups", s.api(s.apiListFollowups)},
		{"GET", "/api/v1/reports/completeness", s.api(s.apiCompleteness)},
		{"GET", "/api/v1/reports/trend", s.api(s.apiTrend)},
		{"GET", "/api/v1/reports/missing", s.api(s.apiMissing)},
		{"GET", "/api/v1/reports/missing/export", s.api(s.apiCallList)},
		{"GET", "/api/v1/reports/template", s.api(s.apiReportTemplate)},
		{"POST", "/api/v1/reports/import", s.api(s.apiImportReports)},
		{"POST", "/api/v1/towns/{code}/signoffs/{date}", s.api(s.apiSignOff)},
		{"POST", "/api/v1/towns/{code}/signoffs/{date}/reopen", s.api(s.apiReopen)},
		{"GET", "/api/v1/settings/deadline", s.api(s.apiGetDeadline)},
		{"PUT", "/api/v1/settings/deadline", s.api(s.apiPutDeadline)},
		{"GET", "/api/v1/files/{id}", s.api(s.apiFile)},
	}
}
