// Package people is the web side of the people and health module (M7,
// 人员健康): each enterprise's staff roster, a person's temperatures and
// the audited reveal of their whole ID number and phone, the day's lists
// and fever alerts of a town or the city, the settings; the API under
// /api/v1, the pages, templates and OpenAPI fragment. The rules are the
// package fugong/people; ID numbers and phones are masked everywhere but
// in the answer to a reveal.
package people

import (
	"embed"
	"io/fs"
	"net/url"

	"fugong"
	"fugong/people"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the people API and pages over the service.
type module struct {
	svc *people.Service
}

// New is the people module's web side over svc.
func New(svc *people.Service) web.Module {
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
		Name:   "people",
		Routes: m.routes(),
		Nav:    nav,
		SettingsLinks: []web.Link{{Href: "/people/settings", Label: "人员健康：隔离天数与发热预警",
			Note: "默认隔离 14 天，37.3 ℃ 及以上为发热", Order: 450}},
		EnterpriseLinks: func(a fugong.Actor, uscc string) []web.Link {
			return []web.Link{{Href: rosterPath(uscc), Label: "人员健康", Order: 250}}
		},
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/staff", API: m.apiRoster},
		{Method: "POST", Path: "/api/v1/enterprises/{uscc}/staff", API: m.apiAddStaff},
		{Method: "POST", Path: "/api/v1/enterprises/{uscc}/staff/import", API: m.apiImportStaff},
		{Method: "GET", Path: "/api/v1/staff", API: m.apiFindStaff},
		{Method: "GET", Path: "/api/v1/staff/{id}", API: m.apiGetStaff},
		{Method: "PATCH", Path: "/api/v1/staff/{id}", API: m.apiPatchStaff},
		{Method: "DELETE", Path: "/api/v1/staff/{id}", API: m.apiDeleteStaff},
		{Method: "POST", Path: "/api/v1/staff/{id}/reveal", API: m.apiReveal},
		{Method: "GET", Path: "/api/v1/staff/{id}/temperatures", API: m.apiTemperatures},
		{Method: "POST", Path: "/api/v1/staff/{id}/temperatures", API: m.apiAddTemperature},
		{Method: "GET", Path: "/api/v1/alerts", API: m.apiAlerts},
		{Method: "POST", Path: "/api/v1/alerts/{id}/close", API: m.apiCloseAlert},
		{Method: "GET", Path: "/api/v1/health/summary", API: m.apiHealthSummary},
		{Method: "GET", Path: "/api/v1/health/lists", API: m.apiHealthLists},
		{Method: "GET", Path: "/api/v1/settings/people", API: m.apiGetSettings},
		{Method: "PUT", Path: "/api/v1/settings/people", API: m.apiPutSettings},

		{Method: "GET", Path: "/enterprises/{uscc}/staff", Page: m.rosterPage},
		{Method: "POST", Path: "/enterprises/{uscc}/staff", Page: m.rosterAdd},
		{Method: "GET", Path: "/enterprises/{uscc}/staff/import", Page: m.importPage},
		{Method: "POST", Path: "/enterprises/{uscc}/staff/import", Page: m.importSubmit},
		{Method: "GET", Path: "/enterprises/{uscc}/staff/template", Page: m.importTemplate},
		{Method: "GET", Path: "/staff/{id}", Page: m.personPage},
		{Method: "POST", Path: "/staff/{id}", Page: m.personEdit},
		{Method: "POST", Path: "/staff/{id}/delete", Page: m.personDelete},
		{Method: "POST", Path: "/staff/{id}/temperatures", Page: m.temperatureAdd},
		{Method: "POST", Path: "/staff/{id}/reveal", Page: m.revealPage},
		{Method: "GET", Path: "/health", Page: m.healthPage},
		{Method: "GET", Path: "/health/lists/{list}", Page: m.healthListPage},
		{Method: "POST", Path: "/health/find", Page: m.findPage},
		{Method: "POST", Path: "/alerts/{id}/close", Page: m.alertClose},
		{Method: "GET", Path: "/people/settings", Page: m.settingsForm},
		{Method: "POST", Path: "/people/settings", Page: m.settingsSave},
	}
}

// nav is the menu entry: the clerk's roster (through /health) or the
// day's lists of the town or city; a checkpoint has neither.
func nav(a fugong.Actor) []web.NavItem {
	if a.Role == fugong.RoleCheckpoint {
		return nil
	}
	return []web.NavItem{{Href: "/health", Label: "人员健康", Order: 550, Group: web.NavEpidemic}}
}

// rosterPath is an enterprise's roster page.
func rosterPath(uscc string) string { return web.EnterprisePath(uscc) + "/staff" }

// personPath is a person's page.
func personPath(id int64) string { return "/staff/" + url.PathEscape(itoa(id)) }
