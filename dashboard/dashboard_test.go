package dashboard_test

import (
	"testing"

	"fugong/daily"
	"fugong/dashboard"
	"fugong/inspect"
	"fugong/production"
	"fugong/registry"
)

func TestLayoutPlacesEveryTownOnce(t *testing.T) {
	if len(dashboard.Layout) != len(registry.Towns) || len(registry.Towns) != 23 {
		t.Fatalf("%d towns placed of %d", len(dashboard.Layout), len(registry.Towns))
	}
	seen := map[dashboard.Cell]string{}
	for _, rt := range registry.Towns {
		c, ok := dashboard.Layout[rt.Code]
		if !ok {
			t.Errorf("%s has no place", rt.Name)
			continue
		}
		if other, taken := seen[c]; taken {
			t.Errorf("%s and %s share %v", rt.Name, other, c)
		}
		seen[c] = rt.Name
		if c.Col < 0 || c.Col > 6 || c.Row < 0 || c.Row > 3 {
			t.Errorf("%s off the 7×4 grid: %v", rt.Name, c)
		}
	}
}

func TestAssembleAddsTownsUp(t *testing.T) {
	tang, xian := "330381101", "330381010"
	cells := []production.Cell{
		{Town: tang, SizeClass: "above", Status: "full", Enterprises: 2, Employees: 20, Capacity: 200, CapacityW: 2000, OnPost: 20},
		{Town: tang, SizeClass: "below", Status: "closed", Enterprises: 3, Employees: 30},
		{Town: xian, SizeClass: "below", Status: "resumed", Enterprises: 1, Employees: 10, Capacity: 50, CapacityW: 500, OnPost: 5},
	}
	tangT, _ := registry.TownByCode(tang)
	xianT, _ := registry.TownByCode(xian)
	comp := daily.Completeness{Towns: []daily.TownCounts{
		{Town: tangT, Counts: daily.Counts{Expected: 5, Received: 4, OnTime: 3, Totals: daily.Totals{Fever: 2, Returned: 7}}},
		{Town: xianT, Counts: daily.Counts{Expected: 1, Received: 1, OnTime: 1, Totals: daily.Totals{Quarantined: 1}}},
	}}
	comp.City = daily.Counts{Expected: 6, Received: 5, OnTime: 4, Totals: daily.Totals{Fever: 2, Returned: 7, Quarantined: 1}}
	in := dashboard.Inputs{
		Production:   production.Compose("2020-02-20", cells),
		Completeness: comp,
		Coverage: inspect.Coverage{City: inspect.Area{Visited: 3, Total: 6},
			Towns: []inspect.TownCoverage{{Town: tangT, Area: inspect.Area{Visited: 3, Total: 5}}}},
		Rectifications: []inspect.TownCounts{{Town: tangT, Open: 2, Overdue: 1}},
		Tickets:        map[string]dashboard.TicketFigures{xian: {Open: 2, Overdue: 1, ByUrgency: map[string]int{"urgent": 2}}},
		Shortages:      map[string]int{tang: 4},
		Alerts:         map[string]int{tang: 1, xian: 2},
	}
	city, towns := dashboard.Assemble(in)
	// In the registry's order: 仙降 (330381010) before 塘下 (330381101).
	if len(towns) != 2 || towns[1].Town != tang || towns[0].Name != "仙降街道" {
		t.Fatalf("towns %+v", towns)
	}
	e := city.Enterprises
	if e.Above.Total != 2 || e.Above.Resumed != 2 || e.Below.Total != 4 || e.Below.Resumed != 1 || e.Below.Closed != 3 {
		t.Errorf("enterprises %+v", e)
	}
	if city.Reports.Expected != 6 || city.Reports.Received != 5 || city.Reports.OnTime != 4 || city.Fever != 2 || city.Returned != 7 {
		t.Errorf("reports %+v fever %d", city.Reports, city.Fever)
	}
	if city.CoveragePct != 50 || towns[1].CoveragePct != 60 || towns[0].CoveragePct != 0 {
		t.Errorf("coverage %v %v %v", city.CoveragePct, towns[1].CoveragePct, towns[0].CoveragePct)
	}
	if city.RectificationsOverdue != 1 || city.TicketsOpen != 2 || city.TicketsByUrgency["urgent"] != 2 || city.Shortages != 4 || city.AlertsOpen != 3 {
		t.Errorf("city %+v", city)
	}
	if city.CheckpointRegistrations != nil {
		t.Errorf("checkpoint figures without a checkpoint store: %v", *city.CheckpointRegistrations)
	}
	in.Checkpoints = map[string]int{xian: 9}
	city, towns = dashboard.Assemble(in)
	if city.CheckpointRegistrations == nil || *city.CheckpointRegistrations != 9 || *towns[1].CheckpointRegistrations != 0 {
		t.Errorf("checkpoints %v", city.CheckpointRegistrations)
	}
	// 60 % of 3 full firms' staff weighted: (2000+500)/60 = 41.7.
	if city.CapacityPct != 41.7 || city.WorkingPct != 50 {
		t.Errorf("capacity %v working %v", city.CapacityPct, city.WorkingPct)
	}
	tiles := dashboard.MapTiles(towns, dashboard.MetricOf("reports"))
	if len(tiles) != 23 {
		t.Fatalf("%d tiles", len(tiles))
	}
	for _, tl := range tiles {
		switch tl.Town.Code {
		case tang:
			if !tl.Known || tl.Pct != 80 {
				t.Errorf("塘下 tile %+v", tl)
			}
		case xian:
			if !tl.Known || tl.Pct != 100 {
				t.Errorf("仙降 tile %+v", tl)
			}
		default:
			if tl.Known {
				t.Errorf("%s known without figures", tl.Town.Name)
			}
		}
	}
}
