package web

import (
	"net/http"

	"fugong"
	"fugong/account"
)

// accountRoutes are the admin's control of the accounts (one user, disable
// and enable, log out everywhere, reset the password) and every user's
// change of their own password. The list and the creation of users are the
// foundation's.
func (s *Server) accountRoutes() []route {
	return []route{
		{"GET", "/api/v1/users/{id}", s.api(s.apiGetUser)},
		{"POST", "/api/v1/users/{id}/disable", s.api(s.apiDisableUser)},
		{"POST", "/api/v1/users/{id}/enable", s.api(s.apiEnableUser)},
		{"DELETE", "/api/v1/users/{id}/sessions", s.api(s.apiEndUserSessions)},
		{"PUT", "/api/v1/users/{id}/password", s.api(s.apiResetPassword)},
		{"PUT", "/api/v1/me/password", s.api(s.apiChangePassword)},
	}
}

// userFilter reads the user list's query: q, role, town, page, per_page.
func userFilter(r *http.Request) (account.Filter, error) {
	q := r.URL.Query()
	f := account.Filter{Q: q.Get("q"), Role: fugong.Role(q.Get("role")), Town: q.Get("town")}
	var err error
	if f.Page, err = queryInt(r, "page"); err != nil {
		return f, err
	}
	if f.PerPage, err = queryInt(r, "per_page"); err != nil {
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
	return pathID(r, "用户")
}

func (s *Server) apiGetUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	u, err := s.Accounts.User(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiDisableUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	u, err := s.Accounts.Disable(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiEnableUser(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	u, err := s.Accounts.Enable(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiEndUserSessions(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	n, err := s.Accounts.EndSessions(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"sessions_ended": n})
	return nil
}

type resetPasswordRequest struct {
	Password string `json:"password"`
}

func (s *Server) apiResetPassword(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := adminUserID(r, a)
	if err != nil {
		return err
	}
	var req resetPasswordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := s.Accounts.ResetPassword(r.Context(), a, id, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type changePasswordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var req changePasswordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := s.Accounts.ChangePassword(r.Context(), a, sessionFrom(r.Context()).token, req.OldPassword, req.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
