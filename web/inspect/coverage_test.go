package inspect_test

import (
	"context"
	"testing"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestCoverageAPI: the coverage of a period per town and the cadres
// behind their visits, each role within its scope, and the page.
func TestCoverageAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		start := time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location)
		e := webtest.NewAt(t, db, start)
		e.Clock.Set(start.AddDate(0, 0, 9)) // 2020-02-10
		ctx := context.Background()
		svc := e.Services.Inspect
		cs, err := svc.Checklists(ctx, false)
		if err != nil || len(cs) == 0 {
			t.Fatalf("checklists %v %v", cs, err)
		}
		c := cs[0]
		for _, v := range []struct {
			role, key, at string
		}{
			{webtest.RoleBureauInsp, "tangB", "2020-02-08T10:00:00+08:00"},
			{webtest.RoleCadre, "tangA", "2020-02-09T10:00:00+08:00"},
			{webtest.RoleBureauInsp, "xianA", "2020-02-02T10:00:00+08:00"},
		} {
			var answers []inspect.AnswerInput
			for _, it := range c.Items {
				answers = append(answers, inspect.AnswerInput{ItemID: it.ID, Result: inspect.ResultPass})
			}
			if _, err := svc.RecordVisit(ctx, e.Users[v.role].Actor(), e.Ents[v.key],
				inspect.VisitInput{ChecklistID: c.ID, VisitedAt: v.at, Inspectors: []string{"林晓峰"}, Answers: answers}, nil); err != nil {
				t.Fatal(err)
			}
		}
		type area struct {
			Visited, Total int
			Rate           float64
			Full           bool
		}
		var cov struct {
			From, To string
			City     area
			Towns    []struct {
				Town     string
				TownName string `json:"town_name"`
				area
			}
			FullTowns int `json:"full_towns"`
		}
		r := e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/inspections/coverage?from=2020-02-04&to=2020-02-10", webtest.Payload{})
		r.Decode(t, &cov)
		if r.Status != 200 || cov.City != (area{2, 3, 66.7, false}) || cov.FullTowns != 1 || len(cov.Towns) != 2 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		for _, town := range cov.Towns {
			want := map[string]area{webtest.TownTangxia: {2, 2, 100, true}, webtest.TownXianjiang: {0, 1, 0, false}}[town.Town]
			if town.area != want || town.TownName == "" {
				t.Errorf("town %s: %+v, want %+v", town.Town, town.area, want)
			}
		}
		// The default period is the last 30 days up to today; the town sees
		// its own town only.
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/inspections/coverage", webtest.Payload{})
		r.Decode(t, &cov)
		if cov.From != "2020-01-12" || cov.To != "2020-02-10" || len(cov.Towns) != 1 || cov.City != (area{2, 2, 100, true}) {
			t.Errorf("town's default coverage: %s", r.Body)
		}

		// The cadre visited tangA on the 9th: behind from the 16th, 10:00.
		var duties struct {
			IntervalDays int `json:"interval_days"`
			Items        []struct {
				Username       string
				Paired, Behind int
				Overdue        []struct {
					USCC      string
					LastVisit *string `json:"last_visit"`
				}
			}
		}
		for _, tc := range []struct {
			at     time.Time
			behind int
		}{{time.Date(2020, 2, 16, 9, 0, 0, 0, fugong.Location), 0}, {time.Date(2020, 2, 16, 11, 0, 0, 0, fugong.Location), 1}} {
			e.Clock.Set(tc.at)
			r = e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/inspections/cadres", webtest.Payload{})
			r.Decode(t, &duties)
			if r.Status != 200 || duties.IntervalDays != 7 || len(duties.Items) != 1 || duties.Items[0].Username != e.Users[webtest.RoleCadre].Username ||
				duties.Items[0].Paired != 1 || duties.Items[0].Behind != tc.behind || len(duties.Items[0].Overdue) != tc.behind {
				t.Fatalf("at %v: %s", tc.at, r.Body)
			}
			if tc.behind == 1 && (duties.Items[0].Overdue[0].LastVisit == nil || *duties.Items[0].Overdue[0].LastVisit != "2020-02-09T10:00:00+08:00") {
				t.Errorf("overdue row: %s", r.Body)
			}
		}
		r = e.As(t, webtest.RoleClerk, "GET", "/api/v1/inspections/cadres", webtest.Payload{})
		r.Decode(t, &duties)
		if len(duties.Items) != 0 {
			t.Errorf("the clerk of tangB sees the cadre of tangA: %s", r.Body)
		}

		// The page: the full town stands out, the cadre is behind.
		page := e.As(t, webtest.RoleBureauInsp, "GET", "/inspections/coverage?from=2020-02-04&to=2020-02-10", webtest.Payload{})
		webtest.Contains(t, "coverage page", page, `id="full-towns"><b>1</b><span>个乡镇街道全覆盖`, `class="full"`, `<svg`, "塘下镇", `class="behind"`, "1 名结对干部中 1 名有走访逾期")
	})
}
