// Package isolation is the web side of the isolation points (M8, 隔离点):
// its API under /api/v1, its pages for the phones of the staff at a point
// and the towns' and bureau's overview, templates and OpenAPI fragment.
// The rules are package fugong/checkpoint's (checkpoint.Isolation).
package isolation

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/checkpoint"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the isolation points' API and pages over the service.
type module struct {
	svc *checkpoint.Isolation
}

// New is the isolation points' web side over svc.
func New(svc *checkpoint.Isolation) web.Module {
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
		Name:      "isolation",
		Routes:    m.routes(),
		Nav:       nav,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/isolation-points", API: m.apiPoints},
		{Method: "POST", Path: "/api/v1/isolation-points", API: m.apiAddPoint},
		{Method: "GET", Path: "/api/v1/isolation-points/{id}", API: m.apiPoint},
		{Method: "PATCH", Path: "/api/v1/isolation-points/{id}", API: m.apiPatchPoint},
		{Method: "GET", Path: "/api/v1/isolation-points/{id}/board", API: m.apiBoard},
		{Method: "GET", Path: "/api/v1/isolation-points/{id}/residents", API: m.apiResidents},
		{Method: "POST", Path: "/api/v1/isolation-points/{id}/residents", API: m.apiAdmit},
		{Method: "GET", Path: "/api/v1/isolation-points/{id}/meals", API: m.apiMeals},
		{Method: "GET", Path: "/api/v1/isolation-occupancy", API: m.apiOccupancy},
		{Method: "GET", Path: "/api/v1/residents/{id}", API: m.apiResident},
		{Method: "POST", Path: "/api/v1/residents/{id}/reveal", API: m.apiReveal},
		{Method: "POST", Path: "/api/v1/residents/{id}/rounds", API: m.apiRound},
		{Method: "POST", Path: "/api/v1/residents/{id}/meals", API: m.apiMeal},
		{Method: "POST", Path: "/api/v1/residents/{id}/release", API: m.apiRelease},

		{Method: "GET", Path: "/isolation", Page: m.overviewPage},
		{Method: "POST", Path: "/isolation/points", Page: m.pointCreate},
		{Method: "GET", Path: "/isolation/points/{id}", Page: m.boardPage},
		{Method: "POST", Path: "/isolation/points/{id}/residents", Page: m.admitPost},
		{Method: "POST", Path: "/isolation/points/{id}/capacity", Page: m.capacityPost},
		{Method: "POST", Path: "/isolation/residents/{id}/rounds", Page: m.roundPost},
		{Method: "POST", Path: "/isolation/residents/{id}/meals", Page: m.mealPost},
		{Method: "POST", Path: "/isolation/residents/{id}/release", Page: m.releasePost},
		{Method: "POST", Path: "/isolation/residents/{id}/reveal", Page: m.revealPost},
	}
}

// nav is the menu entry of the isolation points: the roles whose scope
// holds them (the admin, the bureau, the towns).
func nav(a fugong.Actor) []web.NavItem {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown:
		return []web.NavItem{{Href: "/isolation", Label: "隔离点", Order: 570, Group: web.NavEpidemic}}
	}
	return nil
}
