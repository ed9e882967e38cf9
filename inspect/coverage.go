package inspect

import (
	"cmp"
	"context"
	"slices"
	"time"

	"fugong"
	"fugong/registry"
)

// MaxPeriodDays bounds a coverage period: a year of visits.
const MaxPeriodDays = 366

// DefaultPeriodDays is the period shown when none is asked for: the last 30
// days, as the other charts, long enough for the inspection group to go
// round the towns.
const DefaultPeriodDays = 30

// Period is a span of whole days in Asia/Shanghai, both ends included.
type Period struct {
	From, To string
}

// ParsePeriod reads a period; a missing end defaults to today and a missing
// start to DefaultPeriodDays before the end. An end after today is refused:
// no visit has happened then.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	if to == "" {
		to = now.In(fugong.Location).Format(DateLayout)
	}
	t, err := parseDay("to", to)
	if err != nil {
		return Period{}, err
	}
	if today := now.In(fugong.Location).Format(DateLayout); to > today {
		return Period{}, fugong.Errorf(fugong.EInvalid, "to", "结束日期不能晚于今天（%s），收到“%s”", today, to)
	}
	if from == "" {
		from = t.AddDate(0, 0, 1-DefaultPeriodDays).Format(DateLayout)
	}
	f, err := parseDay("from", from)
	if err != nil {
		return Period{}, err
	}
	if f.After(t) {
		return Period{}, fugong.Errorf(fugong.EInvalid, "from", "开始日期 %s 晚于结束日期 %s", from, to)
	}
	if t.Sub(f) >= MaxPeriodDays*24*time.Hour {
		return Period{}, fugong.Errorf(fugong.EInvalid, "from", "统计区间最长 %d 天", MaxPeriodDays)
	}
	return Period{From: from, To: to}, nil
}

func parseDay(field, s string) (time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, s, fugong.Location)
	if err != nil || d.Format(DateLayout) != s {
		return time.Time{}, fugong.Errorf(fugong.EInvalid, field, "%s 应为 YYYY-MM-DD 格式的有效日期，收到“%s”", field, s)
	}
	return d, nil
}

// Bounds are the period's instants: from its first midnight, up to but not
// including the midnight after its last day.
func (p Period) Bounds() (start, end time.Time) {
	f, _ := time.ParseInLocation(DateLayout, p.From, fugong.Location)
	t, _ := time.ParseInLocation(DateLayout, p.To, fugong.Location)
	return f, t.AddDate(0, 0, 1)
}

// Area is the coverage of a town or the city: enterprises visited at least
// once in the period, of the active ones.
type Area struct {
	Visited int `json:"visited"`
	Total   int `json:"total"`
}

// Rate is the visited share in percent.
func (a Area) Rate() float64 {
	if a.Total == 0 {
		return 0
	}
	return float64(a.Visited) * 100 / float64(a.Total)
}

// Full reports full coverage (全覆盖): every enterprise visited.
func (a Area) Full() bool { return a.Total > 0 && a.Visited >= a.Total }

// TownCoverage is one town's coverage.
type TownCoverage struct {
	Town registry.Town
	Area
}

// Coverage is a period's coverage in the actor's scope.
type Coverage struct {
	Period
	City  Area
	Towns []TownCoverage
}

// FullTowns counts the towns fully covered.
func (c Coverage) FullTowns() int {
	n := 0
	for _, t := range c.Towns {
		if t.Full() {
			n++
		}
	}
	return n
}

// Summarise builds the coverage from the per-town counts, towns in the
// registry's order; a town with no enterprise in scope is left out. Visits
// are counted only up to the town's total, so a firm closed since it was
// visited cannot lift a town past 100 %.
func Summarise(p Period, visited, total map[string]int) Coverage {
	c := Coverage{Period: p, Towns: []TownCoverage{}}
	for _, t := range registry.Towns {
		n := total[t.Code]
		if n == 0 {
			continue
		}
		a := Area{Visited: min(visited[t.Code], n), Total: n}
		c.Towns = append(c.Towns, TownCoverage{Town: t, Area: a})
		c.City.Visited += a.Visited
		c.City.Total += a.Total
	}
	return c
}

// Pairing is one enterprise in a cadre's care and the cadre's last visit to it.
type Pairing struct {
	Cadre, CadreName string
	USCC, Name       string
	Town             registry.Town
	Since            time.Time
	LastVisit        *time.Time // by the cadre; nil for none yet
}

// Due is when the next visit is due: interval days after the last visit, or
// after the pairing for an enterprise not yet visited.
func (p Pairing) Due(interval int) time.Time {
	from := p.Since
	if p.LastVisit != nil && p.LastVisit.After(from) {
		from = *p.LastVisit
	}
	return from.AddDate(0, 0, interval)
}

// Behind reports a visit overdue at now.
func (p Pairing) Behind(now time.Time, interval int) bool { return now.After(p.Due(interval)) }

// Duty is a cadre's standing: how many enterprises they look after and how
// many are overdue for a visit, the most overdue first.
type Duty struct {
	Cadre, CadreName string
	Paired           int
	Overdue          []Pairing
}

// Duties groups pairings by cadre, the cadres furthest behind first.
func Duties(ps []Pairing, now time.Time, interval int) []Duty {
	byCadre := map[string]*Duty{}
	var order []string
	for _, p := range ps {
		d := byCadre[p.Cadre]
		if d == nil {
			d = &Duty{Cadre: p.Cadre, CadreName: p.CadreName}
			byCadre[p.Cadre] = d
			order = append(order, p.Cadre)
		}
		d.Paired++
		if p.Behind(now, interval) {
			d.Overdue = append(d.Overdue, p)
		}
	}
	out := make([]Duty, 0, len(order))
	for _, c := range order {
		d := byCadre[c]
		slices.SortFunc(d.Overdue, func(a, b Pairing) int {
			return cmp.Or(a.Due(interval).Compare(b.Due(interval)), cmp.Compare(a.USCC, b.USCC))
		})
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Duty) int {
		return cmp.Or(cmp.Compare(len(b.Overdue), len(a.Overdue)), cmp.Compare(a.Cadre, b.Cadre))
	})
	return out
}

// CoverageStore is what coverage and the cadres' duty read.
type CoverageStore interface {
	// ActiveByTown counts the active enterprises in scope per town.
	ActiveByTown(ctx context.Context, a fugong.Actor) (map[string]int, error)
	// VisitedByTown counts, per town, the active enterprises in scope
	// visited at least once in [start, end).
	VisitedByTown(ctx context.Context, a fugong.Actor, start, end time.Time) (map[string]int, error)
	// Pairings lists the pairings of active enterprises in scope with each
	// cadre's last visit.
	Pairings(ctx context.Context, a fugong.Actor) ([]Pairing, error)
}

// Intervals gives the expected days between a cadre's visits (a setting
// the pairing module keeps).
type Intervals interface {
	VisitInterval(ctx context.Context) (int, error)
}

// Oversight answers how far the inspections reach: coverage per town and
// which cadres are behind their visits. Everyone who sees inspections reads
// it within their scope.
type Oversight struct {
	Store     CoverageStore
	Intervals Intervals
	Now       func() time.Time
}

// Today is the last day of the default period, in Asia/Shanghai.
func (o *Oversight) Today() string { return o.Now().In(fugong.Location).Format(DateLayout) }

// Coverage returns the period's coverage in the actor's scope.
func (o *Oversight) Coverage(ctx context.Context, a fugong.Actor, from, to string) (Coverage, error) {
	if !CanSee(a) {
		return Coverage{}, fugong.NotFound("页面")
	}
	p, err := ParsePeriod(from, to, o.Now())
	if err != nil {
		return Coverage{}, err
	}
	total, err := o.Store.ActiveByTown(ctx, a)
	if err != nil {
		return Coverage{}, err
	}
	start, end := p.Bounds()
	visited, err := o.Store.VisitedByTown(ctx, a, start, end)
	if err != nil {
		return Coverage{}, err
	}
	return Summarise(p, visited, total), nil
}

// Duties returns the cadres' standing against the visit interval setting.
func (o *Oversight) Duties(ctx context.Context, a fugong.Actor) (duties []Duty, interval int, err error) {
	if !CanSee(a) {
		return nil, 0, fugong.NotFound("页面")
	}
	if interval, err = o.Intervals.VisitInterval(ctx); err != nil {
		return nil, 0, err
	}
	ps, err := o.Store.Pairings(ctx, a)
	if err != nil {
		return nil, 0, err
	}
	return Duties(ps, o.Now(), interval), interval, nil
}

// Pairings returns the enterprises in the actor's care (a cadre's paired
// ones; everyone's in scope for a wider role) with their last visit, the
// most overdue first, and the visit interval they are judged by.
func (o *Oversight) Pairings(ctx context.Context, a fugong.Actor) (ps []Pairing, interval int, err error) {
	if !CanSee(a) {
		return nil, 0, fugong.NotFound("页面")
	}
	if interval, err = o.Intervals.VisitInterval(ctx); err != nil {
		return nil, 0, err
	}
	if ps, err = o.Store.Pairings(ctx, a); err != nil {
		return nil, 0, err
	}
	slices.SortFunc(ps, func(x, y Pairing) int {
		return cmp.Or(x.Due(interval).Compare(y.Due(interval)), cmp.Compare(x.USCC, y.USCC))
	})
	return ps, interval, nil
}
