// Package pairing is the web side of the cadres' pairings (M3, 一企一员):
// its API under /api/v1, its pages (结对管理, the bulk load, the cadre
// forms of an enterprise's page), templates and OpenAPI fragment. The rules
// are the package fugong/pairing.
package pairing

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/pairing"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the pairing API and pages over the service.
type module struct {
	svc *pairing.Service
}

// New is the pairing module's web side over svc.
func New(svc *pairing.Service) web.Module {
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
		Name:   "pairing",
		Routes: m.routes(),
		Nav:    nav,
		SettingsLinks: []web.Link{{Href: "/pairings", Label: "结对干部走访间隔",
			Note: "一企一员，默认每 7 天走访一次", Order: 100}},
		EnterpriseSections: m.enterpriseSections,
		Templates:          templates,
		OpenAPI:            openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/cadre", API: m.apiGetCadre},
		{Method: "PUT", Path: "/api/v1/enterprises/{uscc}/cadre", API: m.apiPutCadre},
		{Method: "DELETE", Path: "/api/v1/enterprises/{uscc}/cadre", API: m.apiDeleteCadre},
		{Method: "GET", Path: "/api/v1/cadres", API: m.apiCadres},
		{Method: "GET", Path: "/api/v1/cadres/suggest", API: m.apiSuggestCadres},
		{Method: "POST", Path: "/api/v1/pairings/import", API: m.apiImportPairings},
		{Method: "GET", Path: "/api/v1/pairings/unpaired", API: m.apiUnpaired},
		{Method: "GET", Path: "/api/v1/pairings/unpaired/export", API: m.apiUnpairedExport},
		{Method: "GET", Path: "/api/v1/settings/visit-interval", API: m.apiGetVisitInterval},
		{Method: "PUT", Path: "/api/v1/settings/visit-interval", API: m.apiPutVisitInterval},

		{Method: "GET", Path: "/pairings", Page: m.pairingsPage},
		{Method: "POST", Path: "/pairings", Page: m.pairingsPair},
		{Method: "POST", Path: "/pairings/interval", Page: m.pairingsInterval},
		{Method: "GET", Path: "/pairings/unpaired/export", Page: m.pairingsExport},
		{Method: "GET", Path: "/pairings/import", Page: m.pairingImportPage},
		{Method: "POST", Path: "/pairings/import", Page: m.pairingImport},
		{Method: "POST", Path: "/enterprises/{uscc}/cadre", Page: m.enterprisePair},
		{Method: "POST", Path: "/enterprises/{uscc}/cadre/delete", Page: m.enterpriseUnpair},
	}
}

// nav is the menu entry 结对管理: who pairs, and the bureau, which reads
// the whole city.
func nav(a fugong.Actor) []web.NavItem {
	if !pairing.CanSeeCadres(a) {
		return nil
	}
	return []web.NavItem{{Href: "/pairings", Label: "结对管理", Order: 700, Group: web.NavSupervise}}
}
