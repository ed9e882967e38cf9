// Package dashboard is the bureau's command view (M12, 驾驶舱 and the wall's
// 指挥大屏): the day's figures of every module for the city or a town, each
// read through its module's own service or counters so that it agrees with
// the module's page, assembled here in plain Go, and the towns' schematic
// map drawn as SVG.
package dashboard

import (
	"math"
	"time"

	"fugong/daily"
	"fugong/inspect"
	"fugong/production"
	"fugong/registry"
)

// Size is a size class's enterprises: the active ones, and how many are back
// at work (复工: resumed or at full production, production's "working").
type Size struct {
	Total   int `json:"total"`
	Resumed int `json:"resumed"`
	Full    int `json:"full"`
	Closed  int `json:"closed"`
}

// Enterprises are the active enterprises by size class.
type Enterprises struct {
	Above Size `json:"above"`
	Below Size `json:"below"`
}

// Reports are the day's daily reports: expected (the active enterprises),
// received, on time, and the two rates in percent.
type Reports struct {
	Expected   int     `json:"expected"`
	Received   int     `json:"received"`
	OnTime     int     `json:"on_time"`
	RatePct    float64 `json:"rate_pct"`
	OnTimePct  float64 `json:"on_time_pct"`
	Unreported int     `json:"unreported"`
}

// Figures are an area's figures of a day. Tickets, shortages, alerts and
// rectifications are as they stand now (their modules keep no history of
// them); the others are the day's.
type Figures struct {
	Enterprises Enterprises `json:"enterprises"`
	// CapacityPct is the capacity recovery of all enterprises weighted by
	// registered staff, OnPostPct staff on post of registered staff, and
	// WorkingPct the enterprises back at work: production's figures.
	CapacityPct float64 `json:"capacity_pct"`
	OnPostPct   float64 `json:"on_post_pct"`
	WorkingPct  float64 `json:"working_pct"`
	StaffOnPost int     `json:"staff_on_post"`
	Reports     Reports `json:"reports"`
	// Returned, Persuaded, Quarantined and Fever are the day's reports'
	// totals (日报: returned and persuaded today, in quarantine, fever).
	Returned    int `json:"returned"`
	Persuaded   int `json:"persuaded"`
	Quarantined int `json:"quarantined"`
	Fever       int `json:"fever"`
	// CoveragePct is the inspections' coverage of the period ending on the
	// day (inspect's default period): enterprises visited of the active.
	CoveragePct           float64 `json:"coverage_pct"`
	Visited               int     `json:"visited"`
	RectificationsOverdue int     `json:"rectifications_overdue"`
	RectificationsOpen    int     `json:"rectifications_open"`
	TicketsOpen           int     `json:"tickets_open"`
	TicketsOverdue        int     `json:"tickets_overdue"`
	// TicketsByUrgency counts the open tickets by urgency (tickets.Urgencies).
	TicketsByUrgency map[string]int `json:"tickets_by_urgency"`
	Shortages        int            `json:"shortages"`
	AlertsOpen       int            `json:"alerts_open"`
	// CheckpointRegistrations are the day's registrations at the
	// checkpoints; null until a checkpoint store is wired (Sources.Checkpoints).
	CheckpointRegistrations *int `json:"checkpoint_registrations"`
}

// Town is one town's figures.
type Town struct {
	Town string `json:"town"`
	Name string `json:"name"`
	Figures
}

// TrendDay is one day of the trends: production's rates and the reports'.
type TrendDay struct {
	Date        string  `json:"date"`
	WorkingPct  float64 `json:"working_pct"`
	CapacityPct float64 `json:"capacity_pct"`
	OnPostPct   float64 `json:"on_post_pct"`
	ReportPct   float64 `json:"report_pct"`
	OnTimePct   float64 `json:"on_time_pct"`
	Fever       int     `json:"fever"`
}

// Class is the number of firms in a 亩均 class of the latest evaluation.
type Class struct {
	Class string `json:"class"`
	Firms int    `json:"firms"`
}

// Dashboard is the command view of a day for an area: the area's figures,
// each town's, the trends and the 亩均 classes.
type Dashboard struct {
	Date string `json:"date"`
	// Town is the area's town code, "" for the city.
	Town      string    `json:"area_town"`
	AreaName  string    `json:"area_name"`
	UpdatedAt time.Time `json:"updated_at"`
	Figures
	Towns []Town     `json:"towns"`
	Trend []TrendDay `json:"trend"`
	// MujunYear is the year of the latest 亩均 evaluation, 0 if none.
	MujunYear    int     `json:"mujun_year"`
	MujunClasses []Class `json:"mujun_classes"`
	// CoverageFrom and CoverageTo are the inspections' period.
	CoverageFrom string `json:"coverage_from"`
	CoverageTo   string `json:"coverage_to"`
}

// Inputs are what the modules answered for the area and day.
type Inputs struct {
	Production     production.Summary
	Completeness   daily.Completeness
	Coverage       inspect.Coverage
	Rectifications []inspect.TownCounts
	// Tickets, Shortages, Alerts and Checkpoints are per town code.
	Tickets     map[string]TicketFigures
	Shortages   map[string]int
	Alerts      map[string]int
	Checkpoints map[string]int // nil without a checkpoint store
}

// TicketFigures are a town's open tickets.
type TicketFigures struct {
	Open, Overdue int
	ByUrgency     map[string]int
}

// Assemble builds the figures of the area and of each town in it from the
// modules' answers: the area's are the sum of its towns', as the modules
// add them up.
func Assemble(in Inputs) (Figures, []Town) {
	towns := map[string]*Town{}
	town := func(code string) *Town {
		t := towns[code]
		if t == nil {
			t = &Town{Town: code, Figures: Figures{TicketsByUrgency: urgencies()}}
			if rt, ok := registry.TownByCode(code); ok {
				t.Name = rt.Name
			}
			towns[code] = t
		}
		return t
	}
	for _, p := range in.Production.Towns {
		t := town(p.Town)
		setProduction(&t.Figures, p.Area, p.BySize)
	}
	for _, c := range in.Completeness.Towns {
		setReports(&town(c.Town.Code).Figures, c.Counts)
	}
	for _, c := range in.Coverage.Towns {
		t := town(c.Town.Code)
		t.Visited, t.CoveragePct = c.Visited, round1(c.Rate())
	}
	for _, r := range in.Rectifications {
		t := town(r.Town.Code)
		t.RectificationsOverdue, t.RectificationsOpen = r.Overdue, r.Open
	}
	for code, k := range in.Tickets {
		t := town(code)
		t.TicketsOpen, t.TicketsOverdue = k.Open, k.Overdue
		for u, n := range k.ByUrgency {
			t.TicketsByUrgency[u] += n
		}
	}
	for code, n := range in.Shortages {
		town(code).Shortages = n
	}
	for code, n := range in.Alerts {
		town(code).AlertsOpen = n
	}
	for code, n := range in.Checkpoints {
		town(code).CheckpointRegistrations = &n
	}

	area := Figures{TicketsByUrgency: urgencies()}
	setProduction(&area, in.Production.City, in.Production.BySize)
	setReports(&area, in.Completeness.City)
	area.Visited, area.CoveragePct = in.Coverage.City.Visited, round1(in.Coverage.City.Rate())
	if in.Checkpoints != nil {
		area.CheckpointRegistrations = new(int)
	}
	var out []Town
	for _, rt := range registry.Towns {
		t, ok := towns[rt.Code]
		if !ok {
			continue
		}
		if in.Checkpoints != nil && t.CheckpointRegistrations == nil {
			t.CheckpointRegistrations = new(int)
		}
		area.RectificationsOverdue += t.RectificationsOverdue
		area.RectificationsOpen += t.RectificationsOpen
		area.TicketsOpen += t.TicketsOpen
		area.TicketsOverdue += t.TicketsOverdue
		for u, n := range t.TicketsByUrgency {
			area.TicketsByUrgency[u] += n
		}
		area.Shortages += t.Shortages
		area.AlertsOpen += t.AlertsOpen
		if area.CheckpointRegistrations != nil {
			*area.CheckpointRegistrations += *t.CheckpointRegistrations
		}
		out = append(out, *t)
	}
	return area, out
}

func urgencies() map[string]int { return map[string]int{"urgent": 0, "high": 0, "normal": 0, "low": 0} }

func setProduction(f *Figures, a production.Area, s production.BySize) {
	f.Enterprises = Enterprises{Above: size(s.Above), Below: size(s.Below)}
	f.CapacityPct, f.OnPostPct, f.WorkingPct, f.StaffOnPost = a.WeightedCapacity, a.OnPostRate, a.WorkingRate, a.StaffOnPost
}

func size(a production.Area) Size {
	return Size{Total: a.Total, Resumed: a.Working, Full: a.Full, Closed: a.Closed}
}

func setReports(f *Figures, c daily.Counts) {
	f.Reports = Reports{Expected: c.Expected, Received: c.Received, OnTime: c.OnTime,
		RatePct: round1(c.Rate()), OnTimePct: round1(c.OnTimeRate()), Unreported: max(c.Expected-c.Received, 0)}
	f.Returned, f.Persuaded, f.Quarantined, f.Fever = c.Returned, c.Persuaded, c.Quarantined, c.Fever
}

// Trend joins production's and the reports' trends day by day.
func Trend(prod []production.TrendDay, reports []daily.DayCounts) []TrendDay {
	byDay := map[string]daily.Counts{}
	for _, d := range reports {
		byDay[d.Date] = d.Counts
	}
	out := make([]TrendDay, 0, len(prod))
	for _, p := range prod {
		c := byDay[p.Date]
		out = append(out, TrendDay{Date: p.Date, WorkingPct: p.WorkingRate, CapacityPct: p.WeightedCapacity, OnPostPct: p.OnPostRate,
			ReportPct: round1(c.Rate()), OnTimePct: round1(c.OnTimeRate()), Fever: c.Fever})
	}
	return out
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
