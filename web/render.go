package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/inspect"
	"fugong/registry"
	"fugong/tickets"
)

// basePage is what the layout needs; every page's view model embeds it.
type basePage struct {
	Title  string
	User   *account.User
	CSRF   string
	Nav    []navItem
	Active string
}

type navItem struct {
	Href, Label string
}

// nav lists the pages that exist and that the user can use.
func nav(u account.User) []navItem {
	items := []navItem{{"/", "首页"}, {"/enterprises", "企业名录"}}
	if u.Role == fugong.RoleEnterprise {
		items = append(items, navItem{"/report", "日报填报"})
	} else if dailyScope(u.Actor()) {
		items = append(items, navItem{"/reports", "每日日报"})
	}
	if inspect.CanSee(u.Actor()) {
		items = append(items, navItem{"/rectifications", "督导检查"})
		items = append(items, navItem{"/inspections/coverage", "督导覆盖"})
	}
	items = append(items, suppliesNav(u.Actor())...)
	if tickets.CanRaise(u.Actor()) {
		items = append(items, navItem{"/tickets", "问题困难"})
	}
	items = append(items, paperworkNav(u)...)
	if productionNav(u.Actor()) {
		items = append(items, navItem{"/production", "复工复产"})
	}
	if registry.CanRegister(u.Actor()) {
		items = append(items, navItem{"/enterprises/import", "批量导入"})
	}
	if u.Role == fugong.RoleAdmin {
		items = append(items, navItem{"/users", "用户管理"}, navItem{"/audit", "审计日志"}, navItem{"/settings", "系统设置"})
	}
	return items
}

func (s *Server) base(ss *session, title, active string) basePage {
	if ss == nil {
		return basePage{Title: title}
	}
	u := ss.user
	return basePage{Title: title, User: &u, CSRF: account.CSRFToken(ss.token), Nav: nav(u), Active: active}
}

var funcs = template.FuncMap{
	"roleName":   func(r fugong.Role) string { return fugong.RoleNames[r] },
	"groupName":  func(g fugong.Group) string { return fugong.GroupNames[g] },
	"sizeName":   func(s string) string { return registry.SizeNames[s] },
	"statusName": func(s string) string { return registry.StatusNames[s] },
	"townName": func(code string) string {
		if t, ok := registry.TownByCode(code); ok {
			return t.Name
		}
		return code
	},
	"label": func(field string) string { return registry.FieldLabels[field] },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(fugong.Location).Format("2006-01-02 15:04")
	},
	"mu":   func(f float64) string { return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".") },
	"add":  func(a, b int) int { return a + b },
	"json": func(b []byte) string { return string(b) },
	// canReport: the user may fill in an enterprise's daily report.
	"canReport": func(u *account.User) bool { return u != nil && daily.CanReport(u.Actor()) },
}

// parsePages parses each page together with the layout and the partials
// that pages share.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.Logger.Error("no such template", "name", name)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Logger.Error("render", "template", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorPage struct {
	basePage
	Status  int
	Message string
}

// renderError shows an error as a page with the status of its code.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, ss *session, err error) {
	e := s.publicError(r, err)
	status := statusOf[e.Code]
	setRetryAfter(w, e)
	s.render(w, r, status, "error", errorPage{basePage: s.base(ss, "出错了", ""), Status: status, Message: e.Message})
}

func uiNotFound(w http.ResponseWriter, r *http.Request, ss *session) error {
	return fugong.NotFound("页面")
}

// fieldErrors indexes an invalid-input error's problems by field for a form.
func fieldErrors(err error) (map[string]string, error) {
	e := fugong.AsError(err)
	if e == nil || (e.Code != fugong.EInvalid && e.Code != fugong.EConflict && e.Code != fugong.EForbidden) || e.Field == "" {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range e.Problems {
		if _, seen := out[p.Field]; !seen {
			out[p.Field] = p.Message
		}
	}
	if len(out) == 0 {
		out[e.Field] = e.Message
	}
	return out, nil
}
