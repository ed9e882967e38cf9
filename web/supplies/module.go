// Package supplies is the web side of the epidemic supplies module (M6,
// 防疫物资): its API under /api/v1, its pages, templates and OpenAPI
// fragment. The rules are the package fugong/supplies.
package supplies

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/supplies"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the supplies API and pages over the service.
type module struct {
	svc *supplies.Service
}

// New is the supplies module's web side over svc.
func New(svc *supplies.Service) web.Module {
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
		Name:   "supplies",
		Routes: m.routes(),
		Nav:    nav,
		SettingsLinks: []web.Link{{Href: "/supplies/settings", Label: "防疫物资用量与短缺线",
			Note: "默认每人每天 2 只口罩，可用不足 3 天为短缺", Order: 400}},
		EnterpriseLinks: func(a fugong.Actor, uscc string) []web.Link {
			return []web.Link{{Href: stockPath(uscc), Label: "防疫物资", Order: 200}}
		},
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/supplies", API: m.apiGetSupplies},
		{Method: "PUT", Path: "/api/v1/enterprises/{uscc}/supplies", API: m.apiPutSupplies},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/supplies/history", API: m.apiSupplyHistory},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/supplies/matches", API: m.apiSupplyMatches},
		{Method: "GET", Path: "/api/v1/supplies/shortages", API: m.apiShortages},
		{Method: "GET", Path: "/api/v1/supplies/shortages/export", API: m.exportShortages},
		{Method: "GET", Path: "/api/v1/supplies/undeclared", API: m.apiUndeclared},
		{Method: "GET", Path: "/api/v1/supplies/summary", API: m.apiSuppliesSummary},
		{Method: "GET", Path: "/api/v1/supplies/bureau-stock", API: m.apiBureauStock},
		{Method: "GET", Path: "/api/v1/supplies/receipts", API: m.apiReceipts},
		{Method: "POST", Path: "/api/v1/supplies/receipts", API: m.apiAddReceipt},
		{Method: "GET", Path: "/api/v1/supplies/allocations", API: m.apiAllocations},
		{Method: "POST", Path: "/api/v1/supplies/allocations", API: m.apiAllocate},
		{Method: "GET", Path: "/api/v1/settings/supplies", API: m.apiGetSuppliesSettings},
		{Method: "PUT", Path: "/api/v1/settings/supplies", API: m.apiPutSuppliesSettings},

		{Method: "GET", Path: "/supplies", Page: m.suppliesPage},
		{Method: "GET", Path: "/supplies/export", Page: m.suppliesExport},
		{Method: "GET", Path: "/supplies/towns/export", Page: m.suppliesTownsExport},
		{Method: "POST", Path: "/supplies/allocations", Page: m.allocationCreate},
		{Method: "POST", Path: "/supplies/receipts", Page: m.receiptCreate},
		{Method: "GET", Path: "/supplies/settings", Page: m.suppliesSettingsForm},
		{Method: "POST", Path: "/supplies/settings", Page: m.suppliesSettingsSave},
		{Method: "GET", Path: "/enterprises/{uscc}/supplies", Page: m.stockForm},
		{Method: "POST", Path: "/enterprises/{uscc}/supplies", Page: m.stockSubmit},
	}
}

// nav is the menu entry of the supplies pages: the clerk's own stock or
// the shortage list; a checkpoint has neither.
func nav(a fugong.Actor) []web.NavItem {
	if a.Role == fugong.RoleCheckpoint {
		return nil
	}
	return []web.NavItem{{Href: "/supplies", Label: "防疫物资", Order: 500, Group: web.NavEpidemic}}
}
