// Package registry is the web side of the enterprise registry (M1, 企业名录):
// its API under /api/v1 (the towns, the enterprises, their export and
// import), its pages (the list, the forms, the import, an enterprise's page
// with every module's tabs and sections) and the home page's overview of
// the enterprises. The rules are the package fugong/registry.
package registry

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/registry"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the registry's API and pages over the service.
type module struct {
	svc *registry.Service
}

// New is the registry's web side over svc.
func New(svc *registry.Service) web.Module {
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
		Name:           "registry",
		Routes:         m.routes(),
		Nav:            nav,
		EnterprisePage: m.showEnterprise,
		Home:           m.home,
		Templates:      templates,
		OpenAPI:        openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/towns", API: m.apiTowns},
		{Method: "GET", Path: "/api/v1/enterprises", API: m.apiListEnterprises},
		{Method: "POST", Path: "/api/v1/enterprises", API: m.apiCreateEnterprise},
		{Method: "GET", Path: "/api/v1/enterprises/export", API: m.exportEnterprises},
		{Method: "GET", Path: "/api/v1/enterprises/suggest", API: m.apiSuggest},
		{Method: "POST", Path: "/api/v1/enterprises/import", API: m.apiImportEnterprises},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}", API: m.apiGetEnterprise},
		{Method: "PATCH", Path: "/api/v1/enterprises/{uscc}", API: m.apiPatchEnterprise},

		{Method: "GET", Path: "/enterprises", Page: m.enterpriseList},
		{Method: "GET", Path: "/enterprises/new", Page: m.enterpriseNew},
		{Method: "POST", Path: "/enterprises", Page: m.enterpriseCreate},
		{Method: "GET", Path: "/enterprises/export", Page: m.enterpriseExport},
		{Method: "GET", Path: "/enterprises/import", Page: m.enterpriseImportPage},
		{Method: "POST", Path: "/enterprises/import", Page: m.enterpriseImport},
		{Method: "GET", Path: "/enterprises/{uscc}", Page: m.enterpriseDetail},
		{Method: "GET", Path: "/enterprises/{uscc}/edit", Page: m.enterpriseEdit},
		{Method: "POST", Path: "/enterprises/{uscc}/edit", Page: m.enterpriseUpdate},
	}
}

// nav is 首页 (the home page is the kit's, its overview the registry's),
// 企业名录 and, for who registers enterprises, 批量导入.
func nav(a fugong.Actor) []web.NavItem {
	items := []web.NavItem{{Href: "/", Label: "首页", Order: 100, Group: web.NavWork}, {Href: "/enterprises", Label: "企业名录", Order: 200, Group: web.NavFirms}}
	if registry.CanRegister(a) {
		items = append(items, web.NavItem{Href: "/enterprises/import", Label: "批量导入", Order: 900, Group: web.NavFirms})
	}
	return items
}
