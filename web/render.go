package web

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/registry"
)

// Base is what the layout needs; every page's view model embeds it.
// Crumbs are the steps of the breadcrumb between the menu entry and the
// page's title (a page below an enterprise's page adds the enterprise);
// the layout shows 分组 › 菜单项 › Crumbs… › Title.
type Base struct {
	Title  string
	User   *account.User
	CSRF   string
	Nav    []NavItem
	Menu   []NavGroup
	Active string
	Crumbs []Crumb
}

// Crumb is a step of the breadcrumb; without Href it is not a link.
type Crumb struct {
	Href, Label string
}

// basePage is Base under the name this package's pages use.
type basePage = Base

// NavItem is an entry of the menu. The menu lists the entries of every
// module by Order (see web/README.md for the orders taken) under their
// Group, one of NavGroups.
type NavItem struct {
	Href, Label string
	Order       int
	Group       string
}

// The menu's groups. An entry of a group not in NavGroups is a mistake the
// wiring's tests catch (TestNavGroups); shown, it goes under 其他.
const (
	NavWork      = "工作台"
	NavFirms     = "企业与日报"
	NavSupervise = "督导与结对"
	NavEpidemic  = "防疫"
	NavService   = "服务企业"
	NavNotices   = "通知与报告"
	NavSystem    = "系统"
	navOther     = "其他"
)

// NavGroups are the menu's groups in the order the menu shows them.
var NavGroups = []string{NavWork, NavFirms, NavSupervise, NavEpidemic, NavService, NavNotices, NavSystem}

// NavGroup is a group of the menu with its entries in Order.
type NavGroup struct {
	Name  string
	Items []NavItem
}

// Nav is the menu of a: the entries of every module that a can use, in Order.
func (s *Server) Nav(a fugong.Actor) []NavItem { return s.nav(a) }

// nav lists the pages of every module that exist and that a can use.
func (s *Server) nav(a fugong.Actor) []NavItem {
	var items []NavItem
	for _, m := range s.modules {
		if m.Nav != nil {
			items = append(items, m.Nav(a)...)
		}
	}
	slices.SortStableFunc(items, func(x, y NavItem) int { return cmp.Compare(x.Order, y.Order) })
	return items
}

// GroupNav sorts the entries items (already in Order) into the groups of
// NavGroups, in that order, leaving out empty groups; an entry of an
// unknown group goes to a last group 其他.
func GroupNav(items []NavItem) []NavGroup {
	var out []NavGroup
	var other []NavItem
	for _, it := range items {
		if !slices.Contains(NavGroups, it.Group) {
			other = append(other, it)
		}
	}
	for _, g := range NavGroups {
		var in []NavItem
		for _, it := range items {
			if it.Group == g {
				in = append(in, it)
			}
		}
		if len(in) > 0 {
			out = append(out, NavGroup{Name: g, Items: in})
		}
	}
	if len(other) > 0 {
		out = append(out, NavGroup{Name: navOther, Items: other})
	}
	return out
}

func (s *Server) base(ss *session, title, active string) basePage {
	if ss == nil {
		return basePage{Title: title}
	}
	u := ss.user
	items := s.nav(u.Actor())
	return basePage{Title: title, User: &u, CSRF: account.CSRFToken(ss.token), Nav: items, Menu: GroupNav(items), Active: active}
}

// Breadcrumb is the page's trail: the menu group and entry of Active, the
// page's Crumbs, then its title when that is not the entry itself (less
// the entry's label before or after a " · "). The last step is never a
// link.
func (b Base) Breadcrumb() []Crumb {
	var out []Crumb
	label := ""
	for _, g := range b.Menu {
		for _, it := range g.Items {
			if it.Href == b.Active && b.Active != "" {
				out = append(out, Crumb{Label: g.Name}, Crumb{Href: it.Href, Label: it.Label})
				label = it.Label
			}
		}
	}
	out = append(out, b.Crumbs...)
	title := strings.TrimPrefix(strings.TrimSuffix(b.Title, " · "+label), label+" · ")
	if title != "" && title != label {
		out = append(out, Crumb{Label: title})
	}
	if n := len(out); n > 0 {
		out[n-1].Href = ""
	}
	return out
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
	"mu":  func(f float64) string { return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".") },
	"add": func(a, b int) int { return a + b },
	// thousands: 12,345 (see Thousands).
	"thousands": Thousands,
	"json":      func(b []byte) string { return string(b) },
	// canReport: the user may fill in an enterprise's daily report.
	"canReport": func(u *account.User) bool { return u != nil && daily.CanReport(u.Actor()) },
}

// parsePages parses each page of this package together with the layout and
// the partials that pages share.
func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
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

// parseModulePages parses each page of a module's templates (*.html) with
// the layout, the shared partials and the module's own partials
// (partials/*.html), into a set of its own: two modules may name a page
// alike. set is the shared partials and the module's alone, for its
// sections.
func parseModulePages(module string, fsys fs.FS, funcs template.FuncMap) (pages map[string]*template.Template, set *template.Template, err error) {
	names, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, nil, err
	}
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, nil, err
	}
	if len(partials) > 0 {
		set, err = template.New("").Funcs(funcs).ParseFS(assets, "templates/partials/*.html")
		if err == nil {
			set, err = set.ParseFS(fsys, "partials/*.html")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("web: module %s: partials: %w", module, err)
		}
	}
	pages = map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(n, ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html")
		if err == nil && len(partials) > 0 {
			t, err = t.ParseFS(fsys, "partials/*.html")
		}
		if err == nil {
			t, err = t.ParseFS(fsys, n)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("web: module %s: template %s: %w", module, name, err)
		}
		pages[name] = t
	}
	return pages, set, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.renderFrom(s.pages, w, r, status, name, data)
}

func (s *Server) renderFrom(pages map[string]*template.Template, w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := pages[name]
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
	if s.clientGone(w, r, err) {
		return
	}
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
