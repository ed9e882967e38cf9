// Package mujun is the web side of 亩均论英雄 (M9): each firm's annual
// figures and their import, the yearly settings, the evaluation runs with
// their results, class distribution and moves, the differentiated prices
// and the relief simulation with its saved scenarios. The rules are the
// package fugong/mujun; finance support is web/finance.
package mujun

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/mujun"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the 亩均 API and pages over the service.
type module struct {
	svc *mujun.Service
}

// New is the module's web side over svc.
func New(svc *mujun.Service) web.Module {
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
		Name:   "mujun",
		Routes: m.routes(),
		Nav:    nav,
		SettingsLinks: []web.Link{{Href: "/mujun/prices", Label: "差别化电价水价",
			Note: "默认 C 类电价每千瓦时加 0.10 元、水价加 15%", Order: 500}},
		EnterpriseLinks: func(a fugong.Actor, uscc string) []web.Link {
			return []web.Link{{Href: firmPath(uscc), Label: "亩均数据", Order: 500}}
		},
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	const y = "/api/v1/mujun/{year}"
	return []web.Route{
		{Method: "GET", Path: "/api/v1/mujun/years", API: m.apiYears},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/mujun", API: m.apiFirmData},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/mujun/{year}", API: m.apiGetData},
		{Method: "PUT", Path: "/api/v1/enterprises/{uscc}/mujun/{year}", API: m.apiPutData},
		{Method: "POST", Path: y + "/annual-data/import", API: m.apiImport},
		{Method: "GET", Path: y + "/settings", API: m.apiGetSettings},
		{Method: "PUT", Path: y + "/settings", API: m.apiPutSettings},
		{Method: "GET", Path: y + "/evaluations", API: m.apiRuns},
		{Method: "POST", Path: y + "/evaluations", API: m.apiEvaluate},
		{Method: "GET", Path: y + "/evaluations/{id}", API: m.apiRun},
		{Method: "GET", Path: y + "/evaluations/{id}/moves", API: m.apiMoves},
		{Method: "GET", Path: y + "/results", API: m.apiResults},
		{Method: "GET", Path: y + "/results/{uscc}", API: m.apiResult},
		{Method: "GET", Path: "/api/v1/mujun/prices", API: m.apiGetPrices},
		{Method: "PUT", Path: "/api/v1/mujun/prices", API: m.apiPutPrices},
		{Method: "POST", Path: "/api/v1/mujun/relief-simulations", API: m.apiSimulate},
		{Method: "GET", Path: "/api/v1/mujun/relief-scenarios", API: m.apiScenarios},
		{Method: "POST", Path: "/api/v1/mujun/relief-scenarios", API: m.apiSaveScenario},
		{Method: "GET", Path: "/api/v1/mujun/relief-scenarios/export", API: m.apiExportScenarios},

		{Method: "GET", Path: "/mujun", Page: m.overviewPage},
		{Method: "POST", Path: "/mujun/{year}/evaluations", Page: m.evaluatePost},
		{Method: "GET", Path: "/mujun/{year}/results", Page: m.resultsPage},
		{Method: "GET", Path: "/mujun/{year}/results/{uscc}", Page: m.resultPage},
		{Method: "GET", Path: "/mujun/{year}/moves", Page: m.movesPage},
		{Method: "GET", Path: "/mujun/{year}/settings", Page: m.settingsPage},
		{Method: "POST", Path: "/mujun/{year}/settings", Page: m.settingsPost},
		{Method: "GET", Path: "/mujun/prices", Page: m.pricesPage},
		{Method: "POST", Path: "/mujun/prices", Page: m.pricesPost},
		{Method: "GET", Path: "/mujun/import", Page: m.importPage},
		{Method: "POST", Path: "/mujun/import", Page: m.importPost},
		{Method: "GET", Path: "/mujun/import/template", Page: m.importTemplate},
		{Method: "GET", Path: "/mujun/relief", Page: m.reliefPage},
		{Method: "POST", Path: "/mujun/relief", Page: m.reliefPost},
		{Method: "GET", Path: "/mujun/relief/export", Page: m.reliefExport},
		{Method: "GET", Path: "/enterprises/{uscc}/mujun", Page: m.firmPage},
		{Method: "POST", Path: "/enterprises/{uscc}/mujun", Page: m.firmPost},
	}
}

// nav is the menu entry: every role that reads the module.
func nav(a fugong.Actor) []web.NavItem {
	if !mujun.CanRead(a) {
		return nil
	}
	return []web.NavItem{{Href: "/mujun", Label: "亩均论英雄", Order: 850, Group: web.NavService}}
}

// firmPath is an enterprise's annual figures page.
func firmPath(uscc string) string { return web.EnterprisePath(uscc) + "/mujun" }
