package daily

import (
	"net/http"
	"strings"

	"fugong"
	"fugong/web"
)

// The admin's settings page: the daily deadline, this module's setting,
// and every module's settings links.

type settingsPage struct {
	web.Base
	Deadline string
	Errors   map[string]string
	Saved    bool
}

func (m *module) settingsForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if ss.Actor().Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	d, err := m.svc.Deadline(r.Context())
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "settings", settingsPage{Base: ss.Base("系统设置", "/settings"),
		Deadline: d.String(), Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (m *module) settingsSave(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if ss.Actor().Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	v := strings.TrimSpace(web.HalfWidth(r.PostFormValue("deadline")))
	err := m.svc.SetDeadline(r.Context(), ss.Actor(), v)
	if err == nil {
		http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
		return nil
	}
	p := settingsPage{Base: ss.Base("系统设置", "/settings"), Deadline: v}
	if p.Errors, err = web.FieldErrors(err); err != nil {
		return err
	}
	ss.Render(w, r, http.StatusBadRequest, "settings", p)
	return nil
}
