package daily_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestScopeDaily: what each role sees of the daily report before anyone
// has reported today.
func TestScopeDaily(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		testScopeDaily(t, webtest.New(t, db))
	})
}

// testScopeDaily checks what each role sees of the daily report before
// anyone has reported today: completeness lists only the towns of the
// role's scope and expects only its enterprises; the call list is exactly
// the enterprises in scope.
func testScopeDaily(t *testing.T, e *webtest.Env) {
	townsOf := map[string][]string{
		webtest.RoleAdmin: {webtest.TownXianjiang, webtest.TownTangxia}, webtest.RoleBureauStat: {webtest.TownXianjiang, webtest.TownTangxia}, webtest.RoleBureauInsp: {webtest.TownXianjiang, webtest.TownTangxia},
		webtest.RoleTown: {webtest.TownTangxia}, webtest.RoleCadre: {webtest.TownTangxia}, webtest.RoleClerk: {webtest.TownTangxia}, webtest.RoleCheckpoint: {},
	}
	for _, role := range webtest.Roles {
		t.Run(role, func(t *testing.T) {
			r := e.As(t, role, "GET", "/api/v1/reports/completeness", webtest.Payload{})
			if r.Status != 200 {
				t.Fatalf("completeness: %d %s", r.Status, r.Body)
			}
			var c completenessBody
			r.Decode(t, &c)
			towns := []string{}
			expected := 0
			for _, tc := range c.Towns {
				towns = append(towns, tc.Town)
				expected += tc.Expected
			}
			slices.Sort(towns)
			if !slices.Equal(towns, townsOf[role]) {
				t.Errorf("completeness towns %v, want %v", towns, townsOf[role])
			}
			if n := len(webtest.InScope[role]); c.City.Expected != n || expected != n || c.City.Received != 0 {
				t.Errorf("city expected %d received %d, towns expect %d; want %d and 0", c.City.Expected, c.City.Received, expected, n)
			}
			if c.Date != e.Today() || c.Deadline != "16:00" {
				t.Errorf("date %q deadline %q", c.Date, c.Deadline)
			}
			if role == webtest.RoleCheckpoint && !bytes.Contains(r.Body, []byte(`"towns":[]`)) {
				t.Errorf("no towns should be an empty array: %s", r.Body)
			}

			r = e.As(t, role, "GET", "/api/v1/reports/missing?per_page=500", webtest.Payload{})
			var m missingBody
			r.Decode(t, &m)
			if got, want := m.codes(), e.Codes(webtest.InScope[role]); r.Status != 200 || m.Total != len(want) || !slices.Equal(got, want) {
				t.Errorf("missing: status %d total %d %v; want %d %v", r.Status, m.Total, got, len(want), want)
			}
			// A town filter narrows the scope, never widens it.
			r = e.As(t, role, "GET", "/api/v1/reports/missing?town="+webtest.TownXianjiang, webtest.Payload{})
			r.Decode(t, &m)
			want := 0
			if slices.Contains(webtest.InScope[role], "xianA") {
				want = 1
			}
			if r.Status != 200 || m.Total != want {
				t.Errorf("missing in 仙降: status %d total %d, want %d", r.Status, m.Total, want)
			}

			r = e.As(t, role, "GET", "/api/v1/reports/trend", webtest.Payload{})
			var tr trendBody
			r.Decode(t, &tr)
			if r.Status != 200 || tr.Total != 30 || len(tr.Items) != 30 || tr.Items[29].Date != e.Today() {
				t.Errorf("trend: status %d, %d days: %.300s", r.Status, tr.Total, r.Body)
			}
		})
	}
}

// TestIdempotencyKeyNotText: an Idempotency-Key that is not UTF-8 is
// refused naming it, and stores nothing.
func TestIdempotencyKeyNotText(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		r := webtest.Send(t, http.DefaultClient, "PUT", e.Server.URL+e.PathFor(reportRoute, "tangA"), webtest.JSON(validFigures()), func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+e.Tokens[webtest.RoleAdmin])
			r.Header.Set("Idempotency-Key", "key-\xff")
		})
		webtest.WantErr(t, r, 400, "Idempotency-Key", "")
		if _, err := e.Services.Daily.Get(t.Context(), fugong.System, e.Ents["tangA"], e.Today()); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("a report was stored: %v", err)
		}
	})
}
