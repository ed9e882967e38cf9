package web

import (
	"net/http"
	"slices"
)

// legacyRoutes lists the routes of the modules still in this package: the
// foundation's (registry, accounts, daily report) and those not yet moved
// to a package of their own. Each moves out with its module.
func (s *Server) legacyRoutes() []Route {
	mux := &routeList{}
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.method+" "+rt.path, rt.h)
	}

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
	s.accountPages(mux)
	return mux.routes
}

type route struct {
	method, path string
	h            http.Handler
}

// apiRoutes is the JSON API: the foundation's and each module's. Every
// route here is described in openapi.json or a fragment of it in openapi/,
// and a test keeps the two in step.
func (s *Server) apiRoutes() []route {
	return slices.Concat(s.foundationRoutes(), s.accountRoutes())
}

// foundationRoutes are the registry's, the accounts', the daily report's
// (M2) and the attached files'.
func (s *Server) foundationRoutes() []route {
	return []route{
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
