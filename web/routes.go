package web

import (
	"net/http"
	"slices"
)

// legacyRoutes lists the routes of the modules still in this package: the
// foundation's (registry, accounts) and those not yet moved
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

// foundationRoutes are the registry's, the accounts' and the attached
// files'.
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
		{"GET", "/api/v1/files/{id}", s.api(s.apiFile)},
	}
}
