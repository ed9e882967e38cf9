// Package admin is the web side of the accounts and the audit log: the
// admin's 用户管理 (the users, one user's page: disable, enable, log out
// everywhere, reset the password) and 审计日志, and every user's own
// 修改密码, pages and API alike. The rules are the packages fugong/account
// and fugong/audit; the login and the session are the kit's.
package admin

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the accounts' and the audit log's API and pages.
type module struct {
	accounts *account.Service
	audit    audit.Store
}

// New is the administration's web side over the accounts and the audit
// log's store.
func New(accounts *account.Service, log audit.Store) web.Module {
	m := &module{accounts: accounts, audit: log}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:      "admin",
		Routes:    m.routes(),
		Nav:       nav,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/users", API: m.apiListUsers},
		{Method: "POST", Path: "/api/v1/users", API: m.apiCreateUser},
		{Method: "GET", Path: "/api/v1/users/{id}", API: m.apiGetUser},
		{Method: "PUT", Path: "/api/v1/users/{id}", API: m.apiUpdateUser},
		{Method: "POST", Path: "/api/v1/users/{id}/disable", API: m.apiDisableUser},
		{Method: "POST", Path: "/api/v1/users/{id}/enable", API: m.apiEnableUser},
		{Method: "DELETE", Path: "/api/v1/users/{id}/sessions", API: m.apiEndUserSessions},
		{Method: "PUT", Path: "/api/v1/users/{id}/password", API: m.apiResetPassword},
		{Method: "PUT", Path: "/api/v1/me/password", API: m.apiChangePassword},
		{Method: "GET", Path: "/api/v1/audit", API: m.apiAudit},

		{Method: "GET", Path: "/users", Page: m.userList},
		{Method: "POST", Path: "/users", Page: m.userCreate},
		{Method: "GET", Path: "/users/{id}", Page: m.userPage},
		{Method: "POST", Path: "/users/{id}", Page: m.userUpdate},
		{Method: "GET", Path: "/users/{id}/disable", Page: m.userDisableConfirm},
		{Method: "POST", Path: "/users/{id}/disable", Page: m.userDisable},
		{Method: "POST", Path: "/users/{id}/enable", Page: m.userEnable},
		{Method: "POST", Path: "/users/{id}/sessions/delete", Page: m.userEndSessions},
		{Method: "POST", Path: "/users/{id}/password", Page: m.userResetPassword},
		{Method: "GET", Path: "/password", Page: m.passwordPage},
		{Method: "POST", Path: "/password", Page: m.passwordChange},
		{Method: "GET", Path: "/audit", Page: m.auditPage},
	}
}

// nav is the admin's 用户管理 and 审计日志 (修改密码 is the layout's link
// beside the user's name).
func nav(a fugong.Actor) []web.NavItem {
	if a.Role != fugong.RoleAdmin {
		return nil
	}
	return []web.NavItem{{Href: "/users", Label: "用户管理", Order: 1000, Group: web.NavSystem}, {Href: "/audit", Label: "审计日志", Order: 1010, Group: web.NavSystem}}
}
