// Package checkpoint is the web side of the checkpoints (M8, 卡口): the
// posts and their QR codes and posters, the public self-registration form
// a scanned code opens (扫码登记), the staff's phone page that confirms
// registrations, the counts, and the duty roster. The rules are package
// fugong/checkpoint's.
package checkpoint

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"

	"fugong"
	"fugong/checkpoint"
	"fugong/web"
)

//go:embed templates public openapi.json
var assets embed.FS

// module serves the checkpoints' API, pages and public form over the
// service.
type module struct {
	svc    *checkpoint.Service
	limits *checkpoint.Limiter // when the service has none
	public *template.Template
}

// New is the checkpoints' web side over svc.
func New(svc *checkpoint.Service) web.Module {
	m := &module{svc: svc, public: publicTemplates(), limits: checkpoint.NewLimiter(checkpoint.LimiterConfig{})}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:      "checkpoint",
		Routes:    m.routes(),
		Nav:       nav,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/api/v1/checkpoints", API: m.apiAddPost},
		{Method: "GET", Path: "/api/v1/checkpoints", API: m.apiPosts},
		{Method: "GET", Path: "/api/v1/checkpoints/{id}", API: m.apiPost},
		{Method: "GET", Path: "/api/v1/checkpoints/{id}/qr.png", API: m.apiQRPNG},
		{Method: "GET", Path: "/api/v1/checkpoints/{id}/qr.svg", API: m.apiQRSVG},
		{Method: "POST", Path: "/api/v1/checkpoints/{id}/token", API: m.apiReplaceToken},
		{Method: "POST", Path: "/api/v1/checkpoints/{id}/staff", API: m.apiAssign},
		{Method: "GET", Path: "/api/v1/checkpoints/{id}/registrations", API: m.apiRegistrations},
		{Method: "GET", Path: "/api/v1/checkpoints/{id}/roster", API: m.apiRoster},
		{Method: "POST", Path: "/api/v1/checkpoints/{id}/shifts", API: m.apiAddShift},
		{Method: "DELETE", Path: "/api/v1/shifts/{id}", API: m.apiDeleteShift},
		{Method: "GET", Path: "/api/v1/checkpoint-counts", API: m.apiCounts},
		{Method: "GET", Path: "/api/v1/registrations/{id}", API: m.apiRegistration},
		{Method: "POST", Path: "/api/v1/registrations/{id}/confirm", API: m.apiConfirm},

		{Method: "GET", Path: checkpoint.ScanPath + "{token}", Raw: http.HandlerFunc(m.scanForm)},
		{Method: "POST", Path: checkpoint.ScanPath + "{token}", Raw: http.HandlerFunc(m.scanSubmit)},
		{Method: "GET", Path: checkpoint.ScanPath + "{token}/{number}", Raw: http.HandlerFunc(m.scanNumber)},

		{Method: "GET", Path: "/checkpoints", Page: m.postsPage},
		{Method: "POST", Path: "/checkpoints", Page: m.postCreate},
		{Method: "GET", Path: "/checkpoints/{id}", Page: m.postPage},
		{Method: "POST", Path: "/checkpoints/{id}/token", Page: m.tokenReplace},
		{Method: "POST", Path: "/checkpoints/{id}/staff", Page: m.staffAssign},
		{Method: "GET", Path: "/checkpoints/{id}/poster", Page: m.posterPage},
		{Method: "GET", Path: "/checkpoints/{id}/desk", Page: m.deskPage},
		{Method: "POST", Path: "/checkpoints/{id}/find", Page: m.deskFind},
		{Method: "GET", Path: "/checkpoints/{id}/register", Page: m.staffForm},
		{Method: "POST", Path: "/checkpoints/{id}/register", Page: m.staffRegister},
		{Method: "POST", Path: "/registrations/{id}/confirm", Page: m.deskConfirm},
		{Method: "GET", Path: "/checkpoints/{id}/roster", Page: m.rosterPage},
		{Method: "POST", Path: "/checkpoints/{id}/shifts", Page: m.shiftCreate},
		{Method: "POST", Path: "/shifts/{id}/delete", Page: m.shiftDelete},
	}
}

// limiter is the service's limiter, read at each request (a benchmark
// replaces it), or the module's own with the default limits.
func (m *module) limiter() *checkpoint.Limiter {
	if m.svc.Limiter != nil {
		return m.svc.Limiter
	}
	return m.limits
}

// nav is the menu entry: everyone who has posts in scope (the city-wide
// roles, the towns, the checkpoint staff).
func nav(a fugong.Actor) []web.NavItem {
	if !checkpoint.SeesPosts(a) {
		return nil
	}
	return []web.NavItem{{Href: "/checkpoints", Label: "卡口", Order: 560, Group: web.NavEpidemic}}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }
