package web

import (
	"context"
	"net/http"
	"strings"

	"fugong"
	"fugong/daily"
)

// The admin's settings page: the daily deadline (the daily report's
// setting, through Deps.Deadline) and every module's settings links.

// DeadlineSetting is the daily deadline as the settings page reads and
// changes it: the daily report's service (daily.Service), whose rules
// (only the admin, HH:MM) apply.
type DeadlineSetting interface {
	Deadline(ctx context.Context) (daily.Deadline, error)
	SetDeadline(ctx context.Context, a fugong.Actor, hhmm string) error
}

type settingsPage struct {
	basePage
	Deadline string
	Errors   map[string]string
	Saved    bool
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	d, err := s.Deadline.Deadline(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "settings", settingsPage{basePage: s.base(ss, "系统设置", "/settings"),
		Deadline: d.String(), Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	v := strings.TrimSpace(toHalfWidth(r.PostFormValue("deadline")))
	err := s.Deadline.SetDeadline(r.Context(), ss.actor(), v)
	if err == nil {
		http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
		return nil
	}
	p := settingsPage{basePage: s.base(ss, "系统设置", "/settings"), Deadline: v}
	if p.Errors, err = fieldErrors(err); err != nil {
		return err
	}
	s.render(w, r, http.StatusBadRequest, "settings", p)
	return nil
}

// ---- Home

// toHalfWidth turns full-width digits and minus signs into ASCII.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '－':
			return '-'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}
