// Package inspect is the web side of the inspections module (M3, 督导检查):
// checklist templates, visits and rectifications, and their reach (督导覆盖:
// coverage per town and the cadres behind their visits); its API under
// /api/v1, its pages, templates and OpenAPI fragment. The rules are the
// package fugong/inspect.
package inspect

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/inspect"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the inspections' API and pages over the service, and
// their reach over the oversight.
type module struct {
	svc       *inspect.Service
	oversight *inspect.Oversight
}

// New is the inspections module's web side over svc, with their coverage
// and the cadres' duty over oversight.
func New(svc *inspect.Service, oversight *inspect.Oversight) web.Module {
	m := &module{svc: svc, oversight: oversight}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:   "inspect",
		Routes: m.routes(),
		Nav:    nav,
		SettingsLinks: []web.Link{{Href: "/checklists", Label: "督导检查表",
			Note: "六必问、六必查、六必督、六必助及新增检查表", Order: 200}},
		Home:      m.home,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/checklists", API: m.apiChecklists},
		{Method: "POST", Path: "/api/v1/checklists", API: m.apiCreateChecklist},
		{Method: "GET", Path: "/api/v1/checklists/{id}", API: m.apiChecklist},
		{Method: "PUT", Path: "/api/v1/checklists/{id}", API: m.apiReviseChecklist},
		{Method: "POST", Path: "/api/v1/enterprises/{uscc}/visits", API: m.apiRecordVisit},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/visits", API: m.apiVisits},
		{Method: "GET", Path: "/api/v1/visits/{id}", API: m.apiVisit},
		{Method: "GET", Path: "/api/v1/rectifications", API: m.apiRectifications},
		{Method: "GET", Path: "/api/v1/rectifications/export", API: m.exportRectifications},
		{Method: "GET", Path: "/api/v1/rectifications/towns", API: m.apiRectificationTowns},
		{Method: "GET", Path: "/api/v1/rectifications/{id}", API: m.apiRectification},
		{Method: "PATCH", Path: "/api/v1/rectifications/{id}", API: m.apiMoveRectification},
		{Method: "GET", Path: "/api/v1/inspections/coverage", API: m.apiCoverage},
		{Method: "GET", Path: "/api/v1/inspections/cadres", API: m.apiCadreDuties},

		{Method: "GET", Path: "/rectifications", Page: m.rectificationList},
		{Method: "GET", Path: "/rectifications/export", Page: m.rectificationExport},
		{Method: "GET", Path: "/rectifications/{id}", Page: m.rectificationDetail},
		{Method: "POST", Path: "/rectifications/{id}", Page: m.rectificationMove},
		{Method: "GET", Path: "/enterprises/{uscc}/visits", Page: m.visitList},
		{Method: "GET", Path: "/enterprises/{uscc}/visits/new", Page: m.visitNew},
		{Method: "POST", Path: "/enterprises/{uscc}/visits", Page: m.visitCreate},
		{Method: "GET", Path: "/visits/{id}", Page: m.visitDetail},
		{Method: "GET", Path: "/checklists", Page: m.checklistList},
		{Method: "POST", Path: "/checklists", Page: m.checklistCreate},
		{Method: "GET", Path: "/checklists/{id}", Page: m.checklistDetail},
		{Method: "POST", Path: "/checklists/{id}", Page: m.checklistRevise},
		{Method: "GET", Path: "/inspections/coverage", Page: m.coveragePage},
		{Method: "GET", Path: "/inspections/coverage/export", Page: m.coverageExport},
	}
}

// nav is the menu entries of the inspections and their coverage: every
// role with enterprises in scope (inspect.CanSee), a checkpoint none.
func nav(a fugong.Actor) []web.NavItem {
	if !inspect.CanSee(a) {
		return nil
	}
	items := []web.NavItem{{Href: inspectNav, Label: "督导检查", Order: 400, Group: web.NavSupervise}}
	if a.Role != fugong.RoleEnterprise {
		// Coverage is the oversight of towns and cadres: not a clerk's.
		items = append(items, web.NavItem{Href: coverageNav, Label: "督导覆盖", Order: 410, Group: web.NavSupervise})
	}
	return items
}
