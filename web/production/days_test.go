package production_test

import (
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestDaysPastTodayRefused: every day the production API is asked about
// is a date no later than today (daily.ParseDay, ParseRange); the
// calendar's last day and beyond are 400 naming the parameter, at once (a
// trend to 9999-12-31 once never ended).
func TestDaysPastTodayRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, time.Date(2020, 2, 12, 10, 0, 0, 0, fugong.Location))
		tangA := e.Ents["tangA"]
		for _, c := range []struct{ path, field string }{
			{"/api/v1/production/trend?from=9999-12-01&to=9999-12-31", "to"},
			{"/api/v1/production/trend?from=9999-12-01&to=2020-02-12", "from"},
			{"/api/v1/production/trend?to=9999-12-31", "to"},
			{"/api/v1/production/trend?to=2020-02-13", "to"},
			{"/api/v1/production/trend?to=10000-01-01", "to"},
			{"/api/v1/production/summary?date=9999-12-31", "date"},
			{"/api/v1/production/enterprises?date=9999-12-31", "date"},
			{"/api/v1/production/enterprises/export?date=9999-12-31", "date"},
			{"/api/v1/enterprises/" + tangA + "/production?from=9999-12-31", "from"},
			{"/api/v1/enterprises/" + tangA + "/production?to=2020-02-13", "to"},
			{"/api/v1/enterprises/" + tangA + "/production/9999-12-31", "date"},
			{"/api/v1/enterprises/" + tangA + "/production/9999-12-31/versions", "date"},
		} {
			t.Run(c.path, func(t *testing.T) {
				webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "GET", c.path, webtest.Payload{}), 400, c.field, "")
			})
		}
	})
}
