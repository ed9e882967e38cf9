// Package daily is the web side of the daily report (M2, 日报): the
// enterprise's form, completeness per town with the towns' sign-off, the
// call list of non-reporters, the batch entry by sheet, its API under
// /api/v1, templates and OpenAPI fragment, and today's reporting on the
// home page. The rules are the package fugong/daily.
package daily

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/daily"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the daily report's API and pages over the service.
type module struct {
	svc    *daily.Service
	roster Roster
}

// New is the daily report's web side over svc; roster, if not nil, is M7's
// staff rosters, which the report form is prefilled from and checked against.
func New(svc *daily.Service, roster Roster) web.Module {
	m := &module{svc: svc, roster: roster}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:      "daily",
		Routes:    m.routes(),
		Nav:       nav,
		Home:      m.home,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "PUT", Path: "/api/v1/enterprises/{uscc}/reports/{date}", API: m.apiPutReport},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/reports/{date}", API: m.apiGetReport},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/reports/{date}/versions", API: m.apiReportVersions},
		{Method: "POST", Path: "/api/v1/enterprises/{uscc}/followups", API: m.apiAddFollowup},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/followups", API: m.apiListFollowups},
		{Method: "GET", Path: "/api/v1/reports/completeness", API: m.apiCompleteness},
		{Method: "GET", Path: "/api/v1/reports/trend", API: m.apiTrend},
		{Method: "GET", Path: "/api/v1/reports/missing", API: m.apiMissing},
		{Method: "GET", Path: "/api/v1/reports/missing/export", API: m.apiCallList},
		{Method: "GET", Path: "/api/v1/reports/template", API: m.apiReportTemplate},
		{Method: "POST", Path: "/api/v1/reports/import", API: m.apiImportReports},
		{Method: "POST", Path: "/api/v1/towns/{code}/signoffs/{date}", API: m.apiSignOff},
		{Method: "POST", Path: "/api/v1/towns/{code}/signoffs/{date}/reopen", API: m.apiReopen},
		{Method: "GET", Path: "/api/v1/settings/deadline", API: m.apiGetDeadline},
		{Method: "PUT", Path: "/api/v1/settings/deadline", API: m.apiPutDeadline},

		{Method: "GET", Path: "/report", Page: m.reportMine},
		{Method: "GET", Path: "/enterprises/{uscc}/reports", Page: m.reportOfToday},
		{Method: "GET", Path: "/enterprises/{uscc}/reports/{date}", Page: m.reportForm},
		{Method: "POST", Path: "/enterprises/{uscc}/reports/{date}", Page: m.reportSubmit},
		{Method: "GET", Path: "/reports", Page: m.reportsPage},
		{Method: "POST", Path: "/towns/{code}/signoffs/{date}", Page: m.signOffCreate},
		{Method: "POST", Path: "/towns/{code}/signoffs/{date}/reopen", Page: m.signOffReopen},
		{Method: "GET", Path: "/reports/missing", Page: m.missingList},
		{Method: "GET", Path: "/reports/missing/export", Page: m.pageCallList},
		{Method: "GET", Path: "/reports/export", Page: m.reportsExport},
		{Method: "GET", Path: "/reports/template", Page: m.pageReportTemplate},
		{Method: "GET", Path: "/reports/import", Page: m.reportImportPage},
		{Method: "POST", Path: "/reports/import", Page: m.reportImport},
		{Method: "POST", Path: "/enterprises/{uscc}/followups", Page: m.followupCreate},
		{Method: "GET", Path: "/settings", Page: m.settingsForm},
		{Method: "POST", Path: "/settings", Page: m.settingsSave},
	}
}

// nav is the menu entry of the daily report: the clerk's own form, the
// completeness of a wider scope; a checkpoint has neither.
func nav(a fugong.Actor) []web.NavItem {
	var items []web.NavItem
	switch {
	case a.Role == fugong.RoleEnterprise:
		items = append(items, web.NavItem{Href: "/report", Label: "日报填报", Order: 300, Group: web.NavFirms})
	case daily.HasScope(a):
		items = append(items, web.NavItem{Href: "/reports", Label: "每日日报", Order: 300, Group: web.NavFirms})
	}
	// 系统设置: the deadline and every module's settings links.
	if a.Role == fugong.RoleAdmin {
		items = append(items, web.NavItem{Href: "/settings", Label: "系统设置", Order: 1020, Group: web.NavSystem})
	}
	return items
}
