// Package dashboard is the web side of the command view (M12): the
// dashboard API, the desk page (驾驶舱) and the wall view (指挥大屏) with its
// live fragment. The figures are assembled by the package fugong/dashboard.
package dashboard

import (
	"embed"
	"html/template"
	"io/fs"

	"fugong"
	"fugong/dashboard"
	"fugong/web"
)

//go:embed templates openapi.json wall
var assets embed.FS

// module serves the dashboard over the service.
type module struct {
	svc  *dashboard.Service
	wall *template.Template
	// live keeps the wall's rendered fragment per scope and query.
	live dashboard.Cache[string, []byte]
}

// New is the dashboard's web side over svc.
func New(svc *dashboard.Service) web.Module {
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	// The wall is a page of its own (full screen, no menu): its templates
	// are not the layout's.
	wall := template.Must(template.New("wall").Funcs(wallFuncs).ParseFS(assets, "wall/*.html"))
	m := &module{svc: svc, wall: wall}
	return web.Module{
		Name: "dashboard",
		Routes: []web.Route{
			{Method: "GET", Path: "/api/v1/dashboard", API: m.apiDashboard},
			{Method: "GET", Path: "/dashboard", Page: m.dashboardPage},
			{Method: "GET", Path: "/wall", Page: m.wallPage},
			{Method: "GET", Path: "/wall/live", Page: m.wallLive},
		},
		Nav:       nav,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

// nav is the menu entry: the bureau's, the admin's and the towns'.
func nav(a fugong.Actor) []web.NavItem {
	if !dashboard.CanSee(a) {
		return nil
	}
	return []web.NavItem{{Href: "/dashboard", Label: "驾驶舱", Order: 110, Group: web.NavWork}}
}
