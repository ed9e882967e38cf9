package admin

import (
	"net/http"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/web"
)

// userFilter reads the user list's query: q, role, town, page, per_page.
func userFilter(r *http.Request) (account.Filter, error) {
	q := r.URL.Query()
	f := account.Filter{Q: q.Get("q"), Role: fugong.Role(q.Get("role")), Town: q.Get("town")}
	var err error
	if f.Page, err = web.QueryInt(r, "page"); err != nil {
		return f, err
	}
	if f.PerPage, err = web.QueryInt(r, "per_page"); err != nil {
		return f, err
	}
	return f, f.Normalize()
}

// adminUserID is the {id} of a user route for the admin; for anyone else
// the route does not exist.
func adminUserID(r *http.Request, a fugong.Actor) (int64, error) {
	if a.Role != fugong.RoleAdmin {
		return 0, fugong.NotFound("接口")
	}
	return web.PathID(r, "用户")
}

type userRequest struct {
	account.User
	Password string `json:"password"`
}

func (m *module) apiListUsers(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if a.Role != fugong.RoleAdmin {
		return fugong.NotFound("接口")
	}
	f, err := userFilter(r)
	if err != nil {
		return err
	}
	users, total, err := m.accounts.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(users, total, web.Paging{Page: f.Page, PerPage: f.PerPage}))
	return nil
}

func (m *module) apiCreateUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if a.Role != fugong.RoleAdmin {
		return fugong.NotFound("接口")
	}
	var req userRequest
	if err := web.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	req.User.ID, req.User.CreatedAt, req.User.Disabled = 0, time.Time{}, false
	u, err := m.accounts.Create(r.Context(), a, req.User, req.Password)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, u)
	return nil
}

func (m *module) apiGetUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	u, err := m.accounts.User(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, u)
	return nil
}

// userEdit is the body of an edit: what may change of a user.
type userEdit struct {
	DisplayName string       `json:"display_name"`
	Role        fugong.Role  `json:"role"`
	Town        string       `json:"town"`
	Enterprise  string       `json:"enterprise"`
	Group       fugong.Group `json:"group"`
	GroupLeader bool         `json:"group_leader"`
}

func (e userEdit) user() account.User {
	return account.User{DisplayName: e.DisplayName, Role: e.Role, Town: e.Town, Enterprise: e.Enterprise,
		Group: e.Group, GroupLeader: e.GroupLeader}
}

func (m *module) apiUpdateUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	var in userEdit
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := m.accounts.Update(r.Context(), a, id, in.user())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (m *module) apiDisableUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	u, err := m.accounts.Disable(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (m *module) apiEnableUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	u, err := m.accounts.Enable(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (m *module) apiEndUserSessions(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	n, err := m.accounts.EndSessions(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]int{"sessions_ended": n})
	return nil
}

type resetPasswordRequest struct {
	Password string `json:"password"`
}

func (m *module) apiResetPassword(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	var req resetPasswordRequest
	if err := web.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := m.accounts.ResetPassword(r.Context(), a, id, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type changePasswordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (m *module) apiChangePassword(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var req changePasswordRequest
	if err := web.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := m.accounts.ChangePassword(r.Context(), a, web.SessionToken(r), req.OldPassword, req.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Entity: q.Get("entity"), EntityID: q.Get("entity_id"), Action: q.Get("action")}
	var err error
	if f.Page, err = web.QueryInt(r, "page"); err != nil {
		return f, err
	}
	f.PerPage, err = web.QueryInt(r, "per_page")
	return f, err
}

func (m *module) apiAudit(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	f.Normalize()
	entries, total, err := audit.List(r.Context(), m.audit, a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(entries, total, web.Paging{Page: f.Page, PerPage: f.PerPage}))
	return nil
}
