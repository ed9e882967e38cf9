package web

import (
	"crypto/subtle"
	"net/http"

	"fugong/account"
)

// The login form has no session yet, so its CSRF token is a double-submit
// cookie: a cross-site page can neither read nor set it.
const loginCSRFCookie = "fugong_login_csrf"

type loginPage struct {
	basePage
	Username string
	Next     string
	Error    string
	Token    string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if err := checkInput(r); err != nil {
		e := s.publicError(r, err)
		s.showLogin(w, r, statusOf[e.Code], loginPage{Error: e.Message})
		return
	}
	if ss, _ := s.session(r); ss != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.showLogin(w, r, http.StatusOK, loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, p loginPage) {
	p.basePage = s.base(nil, "登录", "")
	// Reuse the token the browser already holds: a second GET (another tab, a
	// favicon request bounced here) must not void the form on screen.
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) >= 32 {
		p.Token = c.Value
	} else {
		p.Token = account.NewToken()
	}
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: p.Token, Path: "/login", HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	s.render(w, r, status, "login", p)
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := checkInput(r); err != nil {
		e := s.publicError(r, err)
		s.showLogin(w, r, statusOf[e.Code], loginPage{Error: e.Message})
		return
	}
	p := loginPage{Username: r.PostFormValue("username"), Next: safeNext(r.PostFormValue("next"))}
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) != 1 {
		p.Error = "页面已过期，请重新登录"
		s.showLogin(w, r, http.StatusForbidden, p)
		return
	}
	token, _, err := s.Accounts.Login(r.Context(), p.Username, r.PostFormValue("password"), s.clientAddr(r), account.KindWeb)
	if err != nil {
		e := s.publicError(r, err)
		p.Error = e.Message
		setRetryAfter(w, e)
		s.showLogin(w, r, statusOf[e.Code], p)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode, MaxAge: int(account.WebSessionTTL.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Path: "/login", MaxAge: -1, Secure: s.secureCookies(r)})
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, ss *session) error {
	if err := s.Accounts.Logout(r.Context(), ss.actor(), ss.token); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secureCookies(r)})
	// What the phone kept for offline use (pages, unsent forms with
	// personal data) goes with the session.
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
