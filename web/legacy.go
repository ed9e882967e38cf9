package web

import (
	"net/http"
	"strings"
)

// The modules still in this package, until each moves to a package of its
// own (web/README.md): their routes, menu entries and links.

// legacyModule is the modules still in this package, served through Deps.
func (s *Server) legacyModule() Module {
	return Module{Name: "web", Routes: s.legacyRoutes(), Nav: legacyNav, Home: s.legacyHome}
}

// legacyHome is the daily report's panel of the home page: the clerk's
// report of the day (first, Order 50, in place of the registry's
// overview), or the day's completeness of the user's scope (Order 200,
// between the registry's count and its table by town).
func (s *Server) legacyHome(r *http.Request, ss *Session) ([]Section, error) {
	d, err := s.homeDaily(r.Context(), ss.Actor())
	if err != nil || d == nil {
		return nil, err
	}
	if d.Own != nil {
		h, err := ss.Partial("home-daily-own", d.Own)
		return []Section{{HTML: h, Order: 50}}, err
	}
	h, err := ss.Partial("home-daily", d)
	return []Section{{HTML: h, Order: 200}}, err
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
