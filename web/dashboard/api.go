package dashboard

import (
	"net/http"

	"fugong"
	"fugong/web"
)

// apiDashboard is GET /api/v1/dashboard?date=D&town=CODE: the figures of
// the day (today when no date) for the actor's scope or one town of it.
func (m *module) apiDashboard(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	date, err := web.QueryDay(r, "date", "")
	if err != nil {
		return err
	}
	d, err := m.svc.Get(r.Context(), a, date, r.URL.Query().Get("town"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
