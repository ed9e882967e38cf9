package web

import (
	"net/http"
	"strconv"

	"fugong"
	"fugong/account"
)

// accountPages are the admin's page of one user (disable after a
// confirmation, enable, log out everywhere, reset the password) and every
// user's 修改密码.
func (s *Server) accountPages(mux *routeList) {
	mux.Handle("GET /users/{id}", s.ui(s.userPage))
	mux.Handle("GET /users/{id}/disable", s.ui(s.userDisableConfirm))
	mux.Handle("POST /users/{id}/disable", s.ui(s.userDisable))
	mux.Handle("POST /users/{id}/enable", s.ui(s.userEnable))
	mux.Handle("POST /users/{id}/sessions/delete", s.ui(s.userEndSessions))
	mux.Handle("POST /users/{id}/password", s.ui(s.userResetPassword))
	mux.Handle("GET /password", s.ui(s.passwordPage))
	mux.Handle("POST /password", s.ui(s.passwordChange))
}

type userPage struct {
	basePage
	U       account.User
	Self    bool // the admin's own account: it cannot be disabled
	Confirm bool // the confirmation before disabling
	Notice  string
	Errors  map[string]string
}

// userNotices are the outcomes an action redirects to the user's page with.
var userNotices = map[string]string{
	"disabled": "账号已停用，其所有登录和接口令牌已失效。",
	"enabled":  "账号已启用，可以重新登录。",
	"sessions": "已注销该用户的全部登录和接口令牌。",
	"password": "密码已重置，该用户的全部登录和接口令牌已失效。",
}

// adminUser is the user of a /users/{id} page for the admin; for anyone
// else the page does not exist.
func (s *Server) adminUser(r *http.Request, ss *session) (userPage, error) {
	if ss.user.Role != fugong.RoleAdmin {
		return userPage{}, fugong.NotFound("页面")
	}
	id, err := pathID(r, "用户")
	if err != nil {
		return userPage{}, err
	}
	u, err := s.Accounts.User(r.Context(), ss.actor(), id)
	if err != nil {
		return userPage{}, err
	}
	return userPage{basePage: s.base(ss, "用户 "+u.Username, "/users"), U: u, Self: u.ID == ss.user.ID}, nil
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	p, err := s.adminUser(r, ss)
	if err != nil {
		return err
	}
	p.Notice = userNotices[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "user", p)
	return nil
}

// userDisableConfirm asks before disabling: the page works without
// JavaScript, which the pages' CSP does not run inline anyway.
func (s *Server) userDisableConfirm(w http.ResponseWriter, r *http.Request, ss *session) error {
	p, err := s.adminUser(r, ss)
	if err != nil {
		return err
	}
	p.Confirm = !p.U.Disabled && !p.Self
	s.render(w, r, http.StatusOK, "user", p)
	return nil
}

// userAction runs one admin action on the user of the path and shows the
// user's page with its outcome.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, ss *session, done string, act func(id int64) error) error {
	p, err := s.adminUser(r, ss)
	if err != nil {
		return err
	}
	if err := act(p.U.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(p.U.ID, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.userAction(w, r, ss, "disabled", func(id int64) error {
		_, err := s.Accounts.Disable(r.Context(), ss.actor(), id)
		return err
	})
}

func (s *Server) userEnable(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.userAction(w, r, ss, "enabled", func(id int64) error {
		_, err := s.Accounts.Enable(r.Context(), ss.actor(), id)
		return err
	})
}

func (s *Server) userEndSessions(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.userAction(w, r, ss, "sessions", func(id int64) error {
		_, err := s.Accounts.EndSessions(r.Context(), ss.actor(), id)
		return err
	})
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request, ss *session) error {
	p, err := s.adminUser(r, ss)
	if err != nil {
		return err
	}
	err = s.Accounts.ResetPassword(r.Context(), ss.actor(), p.U.ID, r.PostFormValue("password"))
	if err == nil {
		if p.Self {
			// The admin's own session ended with the others.
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return nil
		}
		http.Redirect(w, r, "/users/"+strconv.FormatInt(p.U.ID, 10)+"?done=password", http.StatusSeeOther)
		return nil
	}
	if p.Errors, err = fieldErrors(err); err != nil {
		return err
	}
	s.render(w, r, http.StatusBadRequest, "user", p)
	return nil
}

type passwordPage struct {
	basePage
	Done   bool
	Errors map[string]string
}

// passwordPage is 修改密码, for every user.
func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	p := passwordPage{basePage: s.base(ss, "修改密码", "/password"), Done: r.URL.Query().Get("done") == "1"}
	s.render(w, r, http.StatusOK, "password", p)
	return nil
}

func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request, ss *session) error {
	p := passwordPage{basePage: s.base(ss, "修改密码", "/password")}
	newPassword := r.PostFormValue("new_password")
	var err error
	if newPassword != r.PostFormValue("new_password2") {
		err = fugong.Errorf(fugong.EInvalid, "new_password2", "两次输入的新密码不一致")
	} else {
		err = s.Accounts.ChangePassword(r.Context(), ss.actor(), ss.token, r.PostFormValue("old_password"), newPassword)
	}
	if err == nil {
		http.Redirect(w, r, "/password?done=1", http.StatusSeeOther)
		return nil
	}
	if p.Errors, err = fieldErrors(err); err != nil {
		return err
	}
	s.render(w, r, http.StatusBadRequest, "password", p)
	return nil
}
