// Package notices is the web side of the notices module (M10, 宣传 and
// 通知): its API under /api/v1, its pages (the list and the compose form,
// a notice's coverage with its call list, the clerk's inbox and the panel
// of unread notices on their home page), templates and OpenAPI fragment.
// The rules are the package fugong/notice.
package notices

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/notice"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

type module struct {
	svc *notice.Service
}

// New is the notices module's web side over svc.
func New(svc *notice.Service) web.Module {
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
		Name:   "notices",
		Routes: m.routes(),
		Nav:    nav,
		SettingsLinks: []web.Link{{Href: "/notices/settings", Label: "短信网关", Order: 600,
			Note: "未设置时短信只记入日志（手机号打码）"}},
		Home:      m.homePanels,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/notices", API: m.apiList},
		{Method: "POST", Path: "/api/v1/notices", API: m.apiSend},
		{Method: "GET", Path: "/api/v1/notices/{id}", API: m.apiGet},
		{Method: "POST", Path: "/api/v1/notices/{id}/acknowledge", API: m.apiAcknowledge},
		{Method: "POST", Path: "/api/v1/notices/{id}/remind", API: m.apiRemind},
		{Method: "GET", Path: "/api/v1/notices/{id}/pending", API: m.apiPending},
		{Method: "GET", Path: "/api/v1/notices/{id}/pending/export", API: m.apiPendingExport},
		{Method: "GET", Path: "/api/v1/notices/{id}/files/{file}", API: m.apiFile},
		{Method: "GET", Path: "/api/v1/settings/sms", API: m.apiGetSettings},
		{Method: "PUT", Path: "/api/v1/settings/sms", API: m.apiPutSettings},

		{Method: "GET", Path: "/notices", Page: m.listPage},
		{Method: "GET", Path: "/notices/new", Page: m.composePage},
		{Method: "POST", Path: "/notices", Page: m.composeSubmit},
		{Method: "GET", Path: "/notices/{id}", Page: m.noticePage},
		{Method: "POST", Path: "/notices/{id}/acknowledge", Page: m.acknowledgeSubmit},
		{Method: "POST", Path: "/notices/{id}/remind", Page: m.remindSubmit},
		{Method: "GET", Path: "/notices/{id}/export", Page: m.exportPage},
		{Method: "GET", Path: "/notices/settings", Page: m.settingsPage},
		{Method: "POST", Path: "/notices/settings", Page: m.settingsSubmit},
	}
}

// nav is the menu entry: everyone but the checkpoints has notices.
func nav(a fugong.Actor) []web.NavItem {
	if a.Role == fugong.RoleCheckpoint {
		return nil
	}
	return []web.NavItem{{Href: "/notices", Label: "通知公告", Order: 650, Group: web.NavNotices}}
}

// seen refuses a page to the roles without notices.
func seen(a fugong.Actor) error {
	if a.Role == fugong.RoleCheckpoint {
		return fugong.NotFound("页面")
	}
	return nil
}
