package web

import (
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
)

// TestDaysPastTodayRefused: every day the daily report's API is asked
// about is a date no later than today; the calendar's last day and beyond
// are 400 naming the parameter, at once (a trend to 9999-12-31 once never
// ended). The moved modules test theirs (web/production, web/inspect).
func TestDaysPastTodayRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, time.Date(2020, 2, 12, 10, 0, 0, 0, fugong.Location))
		tangA := e.ents["tangA"]
		for _, c := range []struct{ path, field string }{
			{"/api/v1/reports/trend?to=9999-12-31", "to"},
			{"/api/v1/reports/trend?from=9999-12-01&to=9999-12-31", "to"},
			{"/api/v1/reports/completeness?date=9999-12-31", "date"},
			{"/api/v1/reports/missing?date=9999-12-31", "date"},
			{"/api/v1/reports/missing/export?date=9999-12-31", "date"},
			{"/api/v1/reports/template?date=9999-12-31", "date"},
			{"/api/v1/enterprises/" + tangA + "/reports/9999-12-31", "date"},
			{"/api/v1/enterprises/" + tangA + "/reports/9999-12-31/versions", "date"},
		} {
			t.Run(c.path, func(t *testing.T) {
				wantErr(t, e.as(t, roleAdmin, "GET", c.path, payload{}), 400, c.field, "")
			})
		}
		t.Run("follow-up for a future day", func(t *testing.T) {
			r := e.as(t, roleAdmin, "POST", "/api/v1/enterprises/"+tangA+"/followups",
				rawJSON(`{"date":"9999-12-31","kind":"phone","outcome":"no_answer"}`))
			wantErr(t, r, 400, "date", "今天")
		})
		t.Run("reopen of a future day", func(t *testing.T) {
			r := e.as(t, roleAdmin, "POST", "/api/v1/towns/"+townTangxia+"/signoffs/9999-12-31/reopen", reopenBody(t, e, roleAdmin))
			wantErr(t, r, 400, "date", "今天")
		})
	})
}
