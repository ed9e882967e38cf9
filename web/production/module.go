// Package production is the web side of resumption and production (M4,
// 复工复产): its API under /api/v1, its pages, templates and OpenAPI
// fragment. The rules, and the order they are checked in, are the package
// fugong/production: a handler reads the request and presents the answer.
package production

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/production"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the production API and pages over the service.
type module struct {
	svc *production.Service
}

// New is the production module's web side over svc.
func New(svc *production.Service) web.Module {
	m := &module{svc: svc}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:   "production",
		Routes: m.routes(),
		Nav:    nav,
		EnterpriseLinks: func(a fugong.Actor, uscc string) []web.Link {
			return []web.Link{{Href: productionPath(uscc), Label: "复工复产", Order: 100}}
		},
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

// routes: applications to resume and the towns' decisions, the essential
// list, each enterprise's daily status, and the summaries with their
// drill-down; then the pages.
func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/api/v1/enterprises/{uscc}/resumption-applications", API: m.apiApply},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/resumption-applications", API: m.apiEnterpriseApplications},
		{Method: "GET", Path: "/api/v1/resumption-applications", API: m.apiApplications},
		{Method: "GET", Path: "/api/v1/resumption-applications/{id}", API: m.apiApplication},
		{Method: "POST", Path: "/api/v1/resumption-applications/{id}/approve", API: m.apiApprove},
		{Method: "POST", Path: "/api/v1/resumption-applications/{id}/return", API: m.apiReturn},
		{Method: "PUT", Path: "/api/v1/enterprises/{uscc}/essential", API: m.apiPutEssential},
		{Method: "GET", Path: "/api/v1/production/essential", API: m.apiEssentialList},
		{Method: "PUT", Path: "/api/v1/enterprises/{uscc}/production/{date}", API: m.apiPutProductionDay},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/production/{date}", API: m.apiGetProductionDay},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/production/{date}/versions", API: m.apiProductionDayVersions},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/production", API: m.apiProductionDays},
		{Method: "GET", Path: "/api/v1/production/summary", API: m.apiProductionSummary},
		{Method: "GET", Path: "/api/v1/production/trend", API: m.apiProductionTrend},
		{Method: "GET", Path: "/api/v1/production/enterprises", API: m.apiProductionEnterprises},
		{Method: "GET", Path: "/api/v1/production/enterprises/export", API: m.apiProductionExport},

		{Method: "GET", Path: "/production", Page: m.productionOverview},
		{Method: "GET", Path: "/production/enterprises", Page: m.productionDrill},
		{Method: "GET", Path: "/production/enterprises/export", Page: m.productionDrillExport},
		{Method: "GET", Path: "/production/towns/export", Page: m.productionTownsExport},
		{Method: "GET", Path: "/production/applications", Page: m.productionApplications},
		{Method: "POST", Path: "/production/applications/{id}/approve", Page: m.productionApprove},
		{Method: "POST", Path: "/production/applications/{id}/return", Page: m.productionReturn},
		{Method: "GET", Path: "/production/essential", Page: m.productionEssential},
		{Method: "POST", Path: "/production/essential", Page: m.productionEssentialSet},
		{Method: "GET", Path: "/enterprises/{uscc}/production", Page: m.productionEnterprise},
		{Method: "POST", Path: "/enterprises/{uscc}/resumption-applications", Page: m.productionApply},
		{Method: "POST", Path: "/enterprises/{uscc}/production", Page: m.productionReport},
	}
}

// nav is the menu entry of the 复工复产 pages: everyone with enterprises in
// scope (production.CanSee); the clerk's leads to their own enterprise.
func nav(a fugong.Actor) []web.NavItem {
	if !production.CanSee(a) {
		return nil
	}
	return []web.NavItem{{Href: "/production", Label: "复工复产", Order: 800, Group: web.NavFirms}}
}
