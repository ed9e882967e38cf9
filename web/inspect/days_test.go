package inspect_test

import (
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestCoveragePastTodayRefused: a coverage period ending after today is
// 400 naming the parameter (daily.ParseRange), at once.
func TestCoveragePastTodayRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, time.Date(2020, 2, 12, 10, 0, 0, 0, fugong.Location))
		for _, c := range []struct{ path, field string }{
			{"/api/v1/inspections/coverage?to=9999-12-31", "to"},
			{"/api/v1/inspections/coverage?from=9999-12-01&to=9999-12-31", "to"},
			{"/api/v1/inspections/coverage?to=2020-02-13", "to"},
		} {
			t.Run(c.path, func(t *testing.T) {
				webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "GET", c.path, webtest.Payload{}), 400, c.field, "")
			})
		}
	})
}
