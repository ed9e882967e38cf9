package production

import (
	"fmt"
	"math"
	"strconv"

	"fugong/registry"
)

// An enterprise's status on a day is the one it reported for that day, or
// else the latest it reported before that day (a firm reports when its
// status changes, not necessarily every day), or else closed with capacity
// and staff on post 0: in February 2020 every firm was shut by order
// (硬停工) until it was allowed back. Only active enterprises count.

// Cell is what the store adds up over the active enterprises of one town,
// size class and status on a day.
type Cell struct {
	Town      string // "" in a trend, which is not split by town
	SizeClass string
	Status    string
	// Enterprises is how many there are; Reported how many of them reported
	// for the day itself (the others carry an earlier day's status).
	Enterprises int
	Reported    int
	Employees   int   // their registered staff
	Capacity    int64 // Σ capacity_pct
	CapacityW   int64 // Σ capacity_pct × employees
	OnPost      int   // Σ staff on post (StaffOnPost of each)
}

// Area is the production of the enterprises of an area (the city, a town, a
// size class) on a day.
type Area struct {
	Total    int `json:"total"`
	Closed   int `json:"closed"`
	Resumed  int `json:"resumed"`
	Full     int `json:"full"`
	Working  int `json:"working"` // resumed + full: back at work (复工)
	Reported int `json:"reported"`
	// WorkingRate is working as a share of total, in percent (复工率).
	WorkingRate float64 `json:"working_rate"`
	// AvgCapacity is the mean capacity recovery of all enterprises (closed
	// ones at 0); WorkingAvgCapacity that of those back at work; and
	// WeightedCapacity the mean of all weighted by registered staff, in percent.
	AvgCapacity        float64 `json:"avg_capacity_pct"`
	WorkingAvgCapacity float64 `json:"working_avg_capacity_pct"`
	WeightedCapacity   float64 `json:"weighted_capacity_pct"`
	Employees          int     `json:"employees"`
	StaffOnPost        int     `json:"staff_on_post"`
	// OnPostRate is staff on post as a share of registered staff, in percent.
	OnPostRate float64 `json:"on_post_rate"`

	capacity, capacityW, workingCapacity int64
}

// add counts a cell into the area; finish computes the rates after.
func (a *Area) add(c Cell) {
	a.Total += c.Enterprises
	a.Reported += c.Reported
	switch c.Status {
	case StatusClosed:
		a.Closed += c.Enterprises
	case StatusResumed:
		a.Resumed += c.Enterprises
	case StatusFull:
		a.Full += c.Enterprises
	}
	if Working(c.Status) {
		a.Working += c.Enterprises
		a.workingCapacity += c.Capacity
	}
	a.Employees += c.Employees
	a.StaffOnPost += c.OnPost
	a.capacity += c.Capacity
	a.capacityW += c.CapacityW
}

func (a *Area) finish() {
	a.WorkingRate = share(int64(a.Working)*100, int64(a.Total))
	a.AvgCapacity = share(a.capacity, int64(a.Total))
	a.WorkingAvgCapacity = share(a.workingCapacity, int64(a.Working))
	a.WeightedCapacity = share(a.capacityW, int64(a.Employees))
	a.OnPostRate = share(int64(a.StaffOnPost)*100, int64(a.Employees))
}

// share is n/d rounded to one decimal, 0 when d is 0.
func share(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)*10/float64(d)) / 10
}

// BySize splits an area by size class.
type BySize struct {
	Above Area `json:"above"`
	Below Area `json:"below"`
}

func (b *BySize) add(c Cell) {
	if c.SizeClass == registry.SizeAbove {
		b.Above.add(c)
	} else {
		b.Below.add(c)
	}
}

func (b *BySize) finish() {
	b.Above.finish()
	b.Below.finish()
}

// TownArea is one town's production, whole and by size class.
type TownArea struct {
	Town string `json:"town"`
	Name string `json:"name"`
	Area
	BySize BySize `json:"by_size_class"`
}

// Summary is the production of a day in the actor's scope: the whole scope
// (the city for the bureau, the town for a town), its towns and its size
// classes.
type Summary struct {
	Date   string     `json:"date"`
	City   Area       `json:"city"`
	Towns  []TownArea `json:"towns"`
	BySize BySize     `json:"by_size_class"`
}

// Compose adds up the store's cells of a day, towns in the city's order.
func Compose(date string, cells []Cell) Summary {
	s := Summary{Date: date, Towns: []TownArea{}}
	byTown := map[string]*TownArea{}
	for _, c := range cells {
		s.City.add(c)
		s.BySize.add(c)
		t := byTown[c.Town]
		if t == nil {
			t = &TownArea{Town: c.Town}
			byTown[c.Town] = t
		}
		t.Area.add(c)
		t.BySize.add(c)
	}
	s.City.finish()
	s.BySize.finish()
	for _, rt := range registry.Towns {
		if t, ok := byTown[rt.Code]; ok {
			t.Name = rt.Name
			t.Area.finish()
			t.BySize.finish()
			s.Towns = append(s.Towns, *t)
		}
	}
	return s
}

// TrendDay is one day of a trend: the scope's production, by size class.
type TrendDay struct {
	Date string `json:"date"`
	Area
	BySize BySize `json:"by_size_class"`
}

// DayCells are the cells of one day of a trend.
type DayCells struct {
	Date  string
	Cells []Cell
}

// ComposeTrend adds up each day's cells.
func ComposeTrend(days []DayCells) []TrendDay {
	out := make([]TrendDay, 0, len(days))
	for _, d := range days {
		td := TrendDay{Date: d.Date}
		for _, c := range d.Cells {
			td.Area.add(c)
			td.BySize.add(c)
		}
		td.Area.finish()
		td.BySize.finish()
		out = append(out, td)
	}
	return out
}

// Headline writes the day's figures as the sentences of the bureau's
// reports ("全市规模以上工业企业已全部复工，规下工业企业复工近5000家"). where
// names the scope: "全市", a town's name, "结对企业".
func Headline(s Summary, where string) []string {
	c := s.City
	if c.Total == 0 {
		return []string{fmt.Sprintf("截至 %s，%s暂无在册工业企业。", s.Date, where)}
	}
	out := []string{fmt.Sprintf("截至 %s，%s %d 家在册工业企业中已复工 %d 家（复工率 %s%%），其中满产 %d 家，尚未复工 %d 家。",
		s.Date, where, c.Total, c.Working, pct(c.WorkingRate), c.Full, c.Closed)}
	for _, sz := range []struct {
		name string
		a    Area
	}{{"规模以上", s.BySize.Above}, {"规下", s.BySize.Below}} {
		a := sz.a
		switch {
		case a.Total == 0:
		case a.Working == a.Total:
			out = append(out, fmt.Sprintf("%s工业企业 %d 家已全部复工。", sz.name, a.Total))
		case a.Working == 0:
			out = append(out, fmt.Sprintf("%s工业企业 %d 家均未复工。", sz.name, a.Total))
		default:
			n := " " + strconv.Itoa(a.Working) + " 家"
			if r := Approx(a.Working); r != "" {
				n = r + "家（" + strconv.Itoa(a.Working) + " 家）"
			}
			out = append(out, fmt.Sprintf("%s工业企业复工%s，占 %s%%，尚有 %d 家未复工。", sz.name, n, pct(a.WorkingRate), a.Total-a.Working))
		}
	}
	if c.Working > 0 {
		out = append(out, fmt.Sprintf("已复工企业平均产能恢复 %s%%；按职工人数加权，全部企业产能恢复 %s%%；在岗职工 %d 人，到岗率 %s%%。",
			pct(c.WorkingAvgCapacity), pct(c.WeightedCapacity), c.StaffOnPost, pct(c.OnPostRate)))
	}
	return out
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// Approx says a count the way a report rounds it: "近5000" for 4,870 (within
// 5 % under a round number), "逾4000" for 4,100 (within 5 % over one), ""
// when it is near neither or a round number itself, or under 100.
func Approx(n int) string {
	if n < 100 {
		return ""
	}
	step := 1
	for step*10 <= n {
		step *= 10
	}
	if n%step == 0 {
		return ""
	}
	down := n / step * step
	up := down + step
	switch {
	case (up-n)*20 <= up:
		return "近" + strconv.Itoa(up)
	case (n-down)*20 <= down:
		return "逾" + strconv.Itoa(down)
	}
	return ""
}
