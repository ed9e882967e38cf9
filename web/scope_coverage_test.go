package web

import (
	"context"
	"testing"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/store"
	"fugong/store/storetest"
)

// coverageScopeCases: everyone with enterprises in scope reads coverage and
// the cadres' duty of that scope (what each sees is testCoverage's); a
// checkpoint sees no enterprises and not the pages.
var coverageScopeCases = []scopeCase{
	{method: "GET", route: "/api/v1/inspections/coverage", want: by(200, 200, 200, 200, 200, 200, 404)},
	{method: "GET", route: "/api/v1/inspections/coverage", note: "from after to", want: by(400, 400, 400, 400, 400, 400, 404),
		path: func(*testEnv, string) string { return "/api/v1/inspections/coverage?from=2020-02-10&to=2020-02-01" }},
	{method: "GET", route: "/api/v1/inspections/cadres", want: by(200, 200, 200, 200, 200, 200, 404)},
}

func TestCoverageAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		start := time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location)
		e := newEnvAt(t, db, start)
		e.clock.Set(start.AddDate(0, 0, 9)) // 2020-02-10
		ctx := context.Background()
		svc := e.deps.Inspect
		cs, err := svc.Checklists(ctx, false)
		if err != nil || len(cs) == 0 {
			t.Fatalf("checklists %v %v", cs, err)
		}
		c := cs[0]
		for _, v := range []struct {
			role, key, at string
		}{
			{roleBureauInsp, "tangB", "2020-02-08T10:00:00+08:00"},
			{roleCadre, "tangA", "2020-02-09T10:00:00+08:00"},
			{roleBureauInsp, "xianA", "2020-02-02T10:00:00+08:00"},
		} {
			var answers []inspect.AnswerInput
			for _, it := range c.Items {
				answers = append(answers, inspect.AnswerInput{ItemID: it.ID, Result: inspect.ResultPass})
			}
			if _, err := svc.RecordVisit(ctx, e.users[v.role].Actor(), e.ents[v.key],
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
		r := e.as(t, roleBureauInsp, "GET", "/api/v1/inspections/coverage?from=2020-02-04&to=2020-02-10", payload{})
		r.decode(t, &cov)
		if r.status != 200 || cov.City != (area{2, 3, 66.7, false}) || cov.FullTowns != 1 || len(cov.Towns) != 2 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		for _, town := range cov.Towns {
			want := map[string]area{townTangxia: {2, 2, 100, true}, townXianjiang: {0, 1, 0, false}}[town.Town]
			if town.area != want || town.TownName == "" {
				t.Errorf("town %s: %+v, want %+v", town.Town, town.area, want)
			}
		}
		// The default period is the last 30 days up to today; the town sees
		// its own town only.
		r = e.as(t, roleTown, "GET", "/api/v1/inspections/coverage", payload{})
		r.decode(t, &cov)
		if cov.From != "2020-01-12" || cov.To != "2020-02-10" || len(cov.Towns) != 1 || cov.City != (area{2, 2, 100, true}) {
			t.Errorf("town's default coverage: %s", r.body)
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
			e.clock.Set(tc.at)
			r = e.as(t, roleBureauInsp, "GET", "/api/v1/inspections/cadres", payload{})
			r.decode(t, &duties)
			if r.status != 200 || duties.IntervalDays != 7 || len(duties.Items) != 1 || duties.Items[0].Username != e.users[roleCadre].Username ||
				duties.Items[0].Paired != 1 || duties.Items[0].Behind != tc.behind || len(duties.Items[0].Overdue) != tc.behind {
				t.Fatalf("at %v: %s", tc.at, r.body)
			}
			if tc.behind == 1 && (duties.Items[0].Overdue[0].LastVisit == nil || *duties.Items[0].Overdue[0].LastVisit != "2020-02-09T10:00:00+08:00") {
				t.Errorf("overdue row: %s", r.body)
			}
		}
		r = e.as(t, roleClerk, "GET", "/api/v1/inspections/cadres", payload{})
		r.decode(t, &duties)
		if len(duties.Items) != 0 {
			t.Errorf("the clerk of tangB sees the cadre of tangA: %s", r.body)
		}

		// The page: the full town stands out, the cadre is behind.
		page := e.as(t, roleBureauInsp, "GET", "/inspections/coverage?from=2020-02-04&to=2020-02-10", payload{})
		contains(t, "coverage page", page, `id="full-towns"><b>1</b><span>个乡镇街道全覆盖`, `class="full"`, `<svg`, "塘下镇", `class="behind"`, "1 名结对干部中 1 名有走访逾期")
	})
}
