package daily_test

import (
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestDaysPastTodayRefused: every day the daily report's API is asked
// about is a date no later than today; the calendar's last day and beyond
// are 400 naming the parameter, at once (a trend to 9999-12-31 once never
// ended). The moved modules test theirs (web/production, web/inspect).
func TestDaysPastTodayRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, time.Date(2020, 2, 12, 10, 0, 0, 0, fugong.Location))
		tangA := e.Ents["tangA"]
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
				webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "GET", c.path, webtest.Payload{}), 400, c.field, "")
			})
		}
		t.Run("follow-up for a future day", func(t *testing.T) {
			r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/"+tangA+"/followups",
				webtest.RawJSON(`{"date":"9999-12-31","kind":"phone","outcome":"no_answer"}`))
			webtest.WantErr(t, r, 400, "date", "今天")
		})
		t.Run("reopen of a future day", func(t *testing.T) {
			r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/towns/"+webtest.TownTangxia+"/signoffs/9999-12-31/reopen", reopenBody(t, e, webtest.RoleAdmin))
			webtest.WantErr(t, r, 400, "date", "今天")
		})
	})
}
