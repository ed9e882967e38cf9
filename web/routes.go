package web

import (
	"net/http"
)

// legacyRoutes lists the routes of the daily report (M2), the module still
// in this package; it moves out to web/daily.
func (s *Server) legacyRoutes() []Route {
	mux := &routeList{}
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.method+" "+rt.path, rt.h)
	}

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
	return mux.routes
}

type route struct {
	method, path string
	h            http.Handler
}

// apiRoutes is the daily report's JSON API, described in openapi.json.
func (s *Server) apiRoutes() []route {
	return []route{
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
	}
}
