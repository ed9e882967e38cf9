package web

import (
	"html/template"
	"net/http"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/registry"
)

type usersPage struct {
	basePage
	Users       []account.User
	Total       int
	Pages       int
	Filter      account.Filter
	FilterError string
	Query       template.URL // the filters without the page, already encoded for links
	Form        account.User
	Errors      map[string]string
	Added       string
	Roles       []fugong.Role
	Groups      []fugong.Group
	Towns       []registry.Town
}

func (s *Server) usersPage(ss *session) usersPage {
	return usersPage{basePage: s.base(ss, "用户管理", "/users"), Roles: fugong.Roles, Groups: fugong.Groups, Towns: registry.Towns,
		Filter: account.Filter{Page: 1, PerPage: account.DefaultPerPage}}
}

// userList is 用户管理: the users found by name, role and town, a page at a
// time, each with its actions, and the form that adds one.
func (s *Server) userList(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	p := s.usersPage(ss)
	p.Added = r.URL.Query().Get("added")
	f, err := userFilter(r)
	if err != nil {
		e := s.publicError(r, err)
		if e.Code != fugong.EInvalid {
			return err
		}
		p.FilterError = e.Message
	} else {
		p.Filter = f
	}
	q := r.URL.Query()
	q.Del("page")
	q.Del("added")
	p.Query = template.URL(q.Encode())
	return s.showUsers(w, r, ss, http.StatusOK, p)
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, ss *session, status int, p usersPage) error {
	var err error
	if p.Users, p.Total, err = s.Accounts.List(r.Context(), ss.actor(), p.Filter); err != nil {
		return err
	}
	p.Pages = (p.Total + p.Filter.PerPage - 1) / p.Filter.PerPage
	s.render(w, r, status, "users", p)
	return nil
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	p := s.usersPage(ss)
	p.Form = account.User{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Role: fugong.Role(r.PostFormValue("role")), Town: r.PostFormValue("town"), Enterprise: r.PostFormValue("enterprise"),
		Group: fugong.Group(r.PostFormValue("group")), GroupLeader: r.PostFormValue("group_leader") == "true"}
	u, err := s.Accounts.Create(r.Context(), ss.actor(), p.Form, r.PostFormValue("password"))
	if err == nil {
		http.Redirect(w, r, "/users?added="+u.Username, http.StatusSeeOther)
		return nil
	}
	if p.Errors, err = fieldErrors(err); err != nil {
		return err
	}
	return s.showUsers(w, r, ss, http.StatusBadRequest, p)
}

type auditPage struct {
	basePage
	Filter   audit.Filter
	Entries  []audit.Entry
	Total    int
	Pages    int
	Query    template.URL
	Actions  map[string]string
	Entities map[string]string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	f.Normalize()
	p := auditPage{basePage: s.base(ss, "审计日志", "/audit"), Actions: audit.ActionNames, Entities: audit.EntityNames, Filter: f}
	if p.Entries, p.Total, err = audit.List(r.Context(), s.Audit, ss.actor(), f); err != nil {
		return err
	}
	p.Pages = (p.Total + f.PerPage - 1) / f.PerPage
	q := r.URL.Query()
	q.Del("page")
	p.Query = template.URL(q.Encode())
	s.render(w, r, http.StatusOK, "audit", p)
	return nil
}
