package admin

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/registry"
	"fugong/web"
)

type usersPage struct {
	web.Base
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

func newUsersPage(ss *web.Session) usersPage {
	return usersPage{Base: ss.Base("用户管理", "/users"), Roles: fugong.Roles, Groups: fugong.Groups, Towns: registry.Towns,
		Filter: account.Filter{Page: 1, PerPage: account.DefaultPerPage}}
}

// userList is 用户管理: the users found by name, role and town, a page at a
// time, each with its actions, and the form that adds one.
func (m *module) userList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if ss.Actor().Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	p := newUsersPage(ss)
	p.Added = r.URL.Query().Get("added")
	f, err := userFilter(r)
	if err != nil {
		e := fugong.AsError(err)
		if e == nil || e.Code != fugong.EInvalid {
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
	return m.showUsers(w, r, ss, http.StatusOK, p)
}

func (m *module) showUsers(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, p usersPage) error {
	var err error
	if p.Users, p.Total, err = m.accounts.List(r.Context(), ss.Actor(), p.Filter); err != nil {
		return err
	}
	p.Pages = (p.Total + p.Filter.PerPage - 1) / p.Filter.PerPage
	ss.Render(w, r, status, "users", p)
	return nil
}

func (m *module) userCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if ss.Actor().Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	p := newUsersPage(ss)
	p.Form = account.User{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Role: fugong.Role(r.PostFormValue("role")), Town: r.PostFormValue("town"), Enterprise: r.PostFormValue("enterprise"),
		Group: fugong.Group(r.PostFormValue("group")), GroupLeader: r.PostFormValue("group_leader") == "true"}
	u, err := m.accounts.Create(r.Context(), ss.Actor(), p.Form, r.PostFormValue("password"))
	if err == nil {
		return web.SeeOther(w, r, "/users?added="+u.Username)
	}
	if p.Errors, err = web.FieldErrors(err); err != nil {
		return err
	}
	return m.showUsers(w, r, ss, http.StatusBadRequest, p)
}

type userPage struct {
	web.Base
	U       account.User
	Self    bool // the admin's own account: it cannot be disabled
	Confirm bool // the confirmation before disabling
	Notice  string
	Errors  map[string]string
	// The edit form: as stored, or as typed when refused (EditErrors).
	Form       account.User
	EditErrors map[string]string
	EditError  string
	// OneTime is a password just generated, shown this once.
	OneTime string
	Roles   []fugong.Role
	Groups  []fugong.Group
	Towns   []registry.Town
}

// userNotices are the outcomes an action redirects to the user's page with.
var userNotices = map[string]string{
	"disabled": "账号已停用，其所有登录和接口令牌已失效。",
	"enabled":  "账号已启用，可以重新登录。",
	"sessions": "已注销该用户的全部登录和接口令牌。",
	"password": "密码已重置，该用户的全部登录和接口令牌已失效。",
	"updated":  "用户信息已保存。",
}

// adminUser is the user of a /users/{id} page for the admin; for anyone
// else the page does not exist.
func (m *module) adminUser(r *http.Request, ss *web.Session) (userPage, error) {
	if ss.Actor().Role != fugong.RoleAdmin {
		return userPage{}, fugong.NotFound("页面")
	}
	id, err := web.PathID(r, "用户")
	if err != nil {
		return userPage{}, err
	}
	u, err := m.accounts.User(r.Context(), ss.Actor(), id)
	if err != nil {
		return userPage{}, err
	}
	return userPage{Base: ss.Base("用户 "+userName(u), "/users"), U: u, Form: u, Self: u.ID == ss.User().ID,
		Roles: fugong.Roles, Groups: fugong.Groups, Towns: registry.Towns}, nil
}

// userName is how pages name a user: the display name, else the username.
func userName(u account.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

func (m *module) userPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p, err := m.adminUser(r, ss)
	if err != nil {
		return err
	}
	p.Notice = userNotices[r.URL.Query().Get("done")]
	ss.Render(w, r, http.StatusOK, "user", p)
	return nil
}

// userDisableConfirm asks before disabling: the page works without
// JavaScript, which the pages' CSP does not run inline anyway.
func (m *module) userDisableConfirm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p, err := m.adminUser(r, ss)
	if err != nil {
		return err
	}
	p.Confirm = !p.U.Disabled && !p.Self
	ss.Render(w, r, http.StatusOK, "user", p)
	return nil
}

func userPath(id int64) string { return "/users/" + strconv.FormatInt(id, 10) }

// userAction runs one admin action on the user of the path and shows the
// user's page with its outcome.
func (m *module) userAction(w http.ResponseWriter, r *http.Request, ss *web.Session, done string, act func(id int64) error) error {
	p, err := m.adminUser(r, ss)
	if err != nil {
		return err
	}
	if err := act(p.U.ID); err != nil {
		return err
	}
	return web.SeeOther(w, r, userPath(p.U.ID)+"?done="+done)
}

func (m *module) userDisable(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.userAction(w, r, ss, "disabled", func(id int64) error {
		_, err := m.accounts.Disable(r.Context(), ss.Actor(), id)
		return err
	})
}

func (m *module) userEnable(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.userAction(w, r, ss, "enabled", func(id int64) error {
		_, err := m.accounts.Enable(r.Context(), ss.Actor(), id)
		return err
	})
}

func (m *module) userEndSessions(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.userAction(w, r, ss, "sessions", func(id int64) error {
		_, err := m.accounts.EndSessions(r.Context(), ss.Actor(), id)
		return err
	})
}

// userUpdate saves the edit form: display name, role and scope.
func (m *module) userUpdate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p, err := m.adminUser(r, ss)
	if err != nil {
		return err
	}
	p.Form = account.User{DisplayName: r.PostFormValue("display_name"), Role: fugong.Role(r.PostFormValue("role")),
		Town: r.PostFormValue("town"), Enterprise: r.PostFormValue("enterprise"), Group: fugong.Group(r.PostFormValue("group")),
		GroupLeader: r.PostFormValue("group_leader") == "true"}
	_, err = m.accounts.Update(r.Context(), ss.Actor(), p.U.ID, p.Form)
	if err == nil {
		return web.SeeOther(w, r, userPath(p.U.ID)+"?done=updated")
	}
	e := fugong.AsError(err)
	if e != nil && e.Code == fugong.EConflict {
		p.EditError = e.Message
		ss.Render(w, r, http.StatusConflict, "user", p)
		return nil
	}
	if p.EditErrors, err = web.FieldErrors(err); err != nil {
		return err
	}
	p.Form.Username = p.U.Username
	ss.Render(w, r, http.StatusBadRequest, "user", p)
	return nil
}

// userResetPassword sets the password the admin typed, or with
// generate=1 a random one shown once on the page that answers.
func (m *module) userResetPassword(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p, err := m.adminUser(r, ss)
	if err != nil {
		return err
	}
	if r.PostFormValue("generate") == "1" && !p.Self {
		if p.OneTime, err = m.accounts.OneTimePassword(r.Context(), ss.Actor(), p.U.ID); err != nil {
			return err
		}
		p.Notice = userNotices["password"]
		ss.Render(w, r, http.StatusOK, "user", p)
		return nil
	}
	err = m.accounts.ResetPassword(r.Context(), ss.Actor(), p.U.ID, r.PostFormValue("password"))
	if err == nil {
		if p.Self {
			// The admin's own session ended with the others.
			return web.SeeOther(w, r, "/login")
		}
		return web.SeeOther(w, r, userPath(p.U.ID)+"?done=password")
	}
	if p.Errors, err = web.FieldErrors(err); err != nil {
		return err
	}
	ss.Render(w, r, http.StatusBadRequest, "user", p)
	return nil
}

type passwordPage struct {
	web.Base
	Done   bool
	Errors map[string]string
}

// passwordPage is 修改密码, for every user.
func (m *module) passwordPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p := passwordPage{Base: ss.Base("修改密码", "/password"), Done: r.URL.Query().Get("done") == "1"}
	ss.Render(w, r, http.StatusOK, "password", p)
	return nil
}

func (m *module) passwordChange(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p := passwordPage{Base: ss.Base("修改密码", "/password")}
	newPassword := r.PostFormValue("new_password")
	var err error
	if newPassword != r.PostFormValue("new_password2") {
		err = fugong.Errorf(fugong.EInvalid, "new_password2", "两次输入的新密码不一致")
	} else {
		err = m.accounts.ChangePassword(r.Context(), ss.Actor(), web.SessionToken(r), r.PostFormValue("old_password"), newPassword)
	}
	if err == nil {
		return web.SeeOther(w, r, "/password?done=1")
	}
	if p.Errors, err = web.FieldErrors(err); err != nil {
		return err
	}
	ss.Render(w, r, http.StatusBadRequest, "password", p)
	return nil
}

// auditPerPage is the audit log page's default page size.
const auditPerPage = 50

type auditPage struct {
	web.Base
	Pager    web.Pager
	Filter   audit.Filter
	Entries  []auditRow
	Total    int
	Pages    int
	Actions  map[string]string
	Entities map[string]string
}

// auditRow is an entry as the page shows it: its record as Chinese fields,
// a session's kind in words.
type auditRow struct {
	audit.Entry
	Changes []audit.Change
	Object  string
	Login   string // the user a user's entry is of
}

// auditObject is an entry's object in words: a session's kind, a work
// group's day by the group's name ("信息统计组 2020-02-10", not
// "statistics/2020-02-10"), else its code as it is.
func auditObject(e audit.Entry) string {
	if e.Entity == "session" {
		return audit.SessionKinds[e.EntityID]
	}
	parts := strings.Split(e.EntityID, "/")
	for i, p := range parts {
		if n, ok := fugong.GroupNames[fugong.Group(p)]; ok {
			parts[i] = n
		}
	}
	return strings.Join(parts, " ")
}

func (m *module) auditPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	q := r.URL.Query()
	// The page's paging is the shared pager's: a page number or size it
	// does not offer shows the first page at the default size.
	pg := web.PageOf(r, auditPerPage)
	f := audit.Filter{Actor: q.Get("actor"), Entity: q.Get("entity"), EntityID: q.Get("entity_id"), Action: q.Get("action"),
		Page: pg.Page, PerPage: pg.PerPage}
	f.Normalize()
	p := auditPage{Base: ss.Base("审计日志", "/audit"), Actions: audit.ActionNames, Entities: audit.EntityNames, Filter: f}
	entries, total, err := audit.List(r.Context(), m.audit, ss.Actor(), f)
	if err != nil {
		return err
	}
	p.Total = total
	for _, e := range entries {
		row := auditRow{Entry: e, Changes: audit.Changes(e.Before, e.After), Object: auditObject(e)}
		if e.Entity == "user" {
			row.Login = e.EntityID
		}
		p.Entries = append(p.Entries, row)
	}
	p.Pages = pg.Pages(p.Total)
	p.Pager = pg.Pager(r, p.Total)
	ss.Render(w, r, http.StatusOK, "audit", p)
	return nil
}
