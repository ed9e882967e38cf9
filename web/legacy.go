package web

import (
	"net/http"
	"strings"

	"fugong"
)

// The modules still in this package, until each moves to a package of its
// own (web/README.md): their routes, menu entries and links.

// legacyModule is the modules still in this package, served through Deps.
func (s *Server) legacyModule() Module {
	return Module{Name: "web", Routes: s.legacyRoutes(), Nav: legacyNav,
		SettingsLinks: []Link{
			{Href: "/pairings", Label: "结对干部走访间隔", Note: "一企一员，默认每 7 天走访一次", Order: 100},
			{Href: "/checklists", Label: "督导检查表", Note: "六必问、六必查、六必督、六必助及新增检查表", Order: 200},
			{Href: "/tickets/sla", Label: "问题办理时限", Note: "按紧急程度", Order: 300},
		},
		EnterpriseLinks: func(a fugong.Actor, uscc string) []Link {
			e := EnterprisePath(uscc)
			return []Link{
				{Href: "/tickets?enterprise=" + uscc, Label: "问题困难", Order: 300},
				{Href: "/tickets/new?enterprise=" + uscc, Label: "反映问题", Order: 310},
				{Href: e + "/products", Label: "产品申报", Order: 400},
			}
		}}
}

// routeList records the routes of this package's modules as Routes, so
// that they are listed and tested as every module's are.
type routeList struct {
	routes []Route
}

// Handle adds a route already wrapped by s.api or s.ui (or public).
func (l *routeList) Handle(pattern string, h http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	kind := "page"
	switch {
	case pattern == "POST /api/v1/sessions":
		kind = "raw"
	case strings.HasPrefix(path, "/api/"):
		kind = "api"
	}
	l.routes = append(l.routes, Route{Method: method, Path: path, h: h, kind: kind})
}

// HandleFunc adds a public route.
func (l *routeList) HandleFunc(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	l.routes = append(l.routes, Route{Method: method, Path: path, h: h, kind: "raw"})
}
