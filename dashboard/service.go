package dashboard

import (
	"context"
	"errors"
	"sync"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/inspect"
	"fugong/mujun"
	"fugong/people"
	"fugong/production"
	"fugong/registry"
	"fugong/supplies"
	"fugong/tickets"
)

// TrendDays is the span of the dashboard's trends, ending on its day.
const TrendDays = 30

// Rollups are the counters kept on write that answer for whole towns
// however many firms there are (store: production_rollup, and the tickets'
// and alerts' counts per town).
type Rollups interface {
	ProductionRollup(ctx context.Context, a fugong.Actor, date, town string) ([]production.Cell, error)
	ProductionRollupTrend(ctx context.Context, a fugong.Actor, from, to, town string) ([]production.DayCells, error)
	OpenTickets(ctx context.Context, a fugong.Actor, now time.Time) (map[string]TicketFigures, error)
	OpenAlertsByTown(ctx context.Context, a fugong.Actor) (map[string]int, error)
	ShortagesByTown(ctx context.Context, a fugong.Actor, rule supplies.ShortageRule) (map[string]int, error)
}

// Checkpoints counts a day's checkpoint registrations per town; the
// checkpoint module (M8) provides it once it has a store.
type Checkpoints interface {
	RegistrationsByTown(ctx context.Context, a fugong.Actor, date string) (map[string]int, error)
}

// Service assembles the dashboard from every module's service.
type Service struct {
	Rollups     Rollups
	Daily       *daily.Service
	Oversight   *inspect.Oversight
	Inspect     *inspect.Service
	Supplies    *supplies.Service
	People      *people.Service
	Mujun       *mujun.Service
	Tickets     *tickets.Service
	Checkpoints Checkpoints // nil: no checkpoint figures
	Now         func() time.Time
	// CacheFor is how long a computed dashboard serves the same area and
	// day (0: every request computes).
	CacheFor time.Duration

	cache cache
}

// DefaultCacheFor is the wiring's CacheFor: well under the wall's refresh.
const DefaultCacheFor = 5 * time.Second

// CanSee reports whether the actor has a dashboard: the bureau, the admin
// and the towns (each their own).
func CanSee(a fugong.Actor) bool { return a.CityWide() || a.Role == fugong.RoleTown }

// Area is the town a request narrows the actor's dashboard to: "" for the
// whole scope, a town code otherwise. A town user's is their town; another
// town is not found.
func Area(a fugong.Actor, town string) (string, error) {
	if !CanSee(a) {
		return "", fugong.NotFound("页面")
	}
	if town == "" {
		if a.Role == fugong.RoleTown {
			return a.Town, nil
		}
		return "", nil
	}
	t, ok := registry.TownByNameOrCode(town)
	if !ok {
		return "", fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道：%s", town)
	}
	if a.Role == fugong.RoleTown && t.Code != a.Town {
		return "", fugong.NotFound("乡镇街道")
	}
	return t.Code, nil
}

// as is the actor narrowed to a town: what that town's own user sees.
func as(a fugong.Actor, town string) fugong.Actor {
	if town == "" || a.Role == fugong.RoleTown {
		return a
	}
	return fugong.Actor{UserID: a.UserID, Username: a.Username, Role: fugong.RoleTown, Town: town}
}

// Get returns the dashboard of date ("" for today) for the actor's scope
// narrowed to town ("" for all of it): computed within CacheFor for the
// same area and day, or now.
func (s *Service) Get(ctx context.Context, a fugong.Actor, date, town string) (Dashboard, error) {
	code, err := Area(a, town)
	if err != nil {
		return Dashboard{}, err
	}
	now := s.Now()
	if date == "" {
		date = daily.Today(now)
	}
	day, err := daily.ParseDay("date", date, now)
	if err != nil {
		return Dashboard{}, err
	}
	if s.CacheFor <= 0 {
		return s.compute(ctx, a, date, code, day, now)
	}
	// The city-wide roles see the same figures; a town's are its own.
	scope := "city"
	if !a.CityWide() {
		scope = string(a.Role) + ":" + a.Town
	}
	return s.cache.get(ctx, cacheKey{scope, code, date}, s.CacheFor, func() (Dashboard, error) {
		// Computed for every waiting request: not cut short by the first one's end.
		return s.compute(context.WithoutCancel(ctx), a, date, code, day, now)
	})
}

// compute asks the modules at once for the dashboard of date for the
// actor narrowed to the town code.
func (s *Service) compute(ctx context.Context, a fugong.Actor, date, code string, day, now time.Time) (Dashboard, error) {
	var err error
	from := day.AddDate(0, 0, 1-TrendDays).Format(daily.DateLayout)
	b := as(a, code)
	d := Dashboard{Date: date, Town: code, AreaName: "全市", UpdatedAt: now.In(fugong.Location)}
	if t, ok := registry.TownByCode(code); ok {
		d.AreaName = t.Name
	}

	var in Inputs
	var prodTrend []production.TrendDay
	var reportTrend []daily.DayCounts
	var wg sync.WaitGroup
	errs := make([]error, 10)
	run := func(i int, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	run(0, func() error {
		cells, err := s.Rollups.ProductionRollup(ctx, b, date, "")
		in.Production = production.Compose(date, cells)
		return err
	})
	run(1, func() error {
		var err error
		in.Completeness, err = s.Daily.Completeness(ctx, b, date)
		return err
	})
	run(2, func() error {
		var err error
		in.Coverage, err = s.Oversight.Coverage(ctx, b, "", date)
		d.CoverageFrom, d.CoverageTo = in.Coverage.From, in.Coverage.To
		return err
	})
	run(3, func() error {
		var err error
		_, in.Rectifications, err = s.Inspect.TownCounts(ctx, b)
		return err
	})
	run(4, func() error {
		var err error
		in.Tickets, err = s.Rollups.OpenTickets(ctx, b, now)
		return err
	})
	run(5, func() error {
		set, err := s.Supplies.Settings(ctx)
		if err != nil {
			return err
		}
		in.Shortages, err = s.Rollups.ShortagesByTown(ctx, b, set.Rule())
		return err
	})
	run(6, func() error {
		var err error
		in.Alerts, err = s.Rollups.OpenAlertsByTown(ctx, b)
		return err
	})
	run(7, func() error {
		cells, err := s.Rollups.ProductionRollupTrend(ctx, b, from, date, "")
		prodTrend = production.ComposeTrend(cells)
		return err
	})
	run(8, func() error {
		var err error
		reportTrend, err = s.Daily.Trend(ctx, b, from, date)
		return err
	})
	run(9, func() error {
		var err error
		d.MujunYear, d.MujunClasses, err = s.classes(ctx, b)
		return err
	})
	if s.Checkpoints != nil {
		in.Checkpoints, err = s.Checkpoints.RegistrationsByTown(ctx, b, date)
		if err != nil {
			wg.Wait()
			return Dashboard{}, err
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Dashboard{}, err
	}
	d.Figures, d.Towns = Assemble(in)
	if d.Towns == nil {
		d.Towns = []Town{}
	}
	d.Trend = Trend(prodTrend, reportTrend)
	return d, nil
}

// classes are the class counts of the latest 亩均 evaluation in scope.
func (s *Service) classes(ctx context.Context, a fugong.Actor) (int, []Class, error) {
	out := []Class{}
	if !mujun.CanRead(a) {
		return 0, out, nil
	}
	years, err := s.Mujun.DataYears(ctx, a)
	if err != nil {
		return 0, out, err
	}
	for _, y := range years {
		runs, err := s.Mujun.Runs(ctx, a, y.Year)
		if err != nil {
			return 0, out, err
		}
		if len(runs) == 0 {
			continue
		}
		dist, err := s.Mujun.Distribution(ctx, a, runs[0])
		if err != nil {
			return 0, out, err
		}
		for _, c := range mujun.Classes {
			out = append(out, Class{Class: string(c), Firms: dist.Totals[c]})
		}
		return y.Year, out, nil
	}
	return 0, out, nil
}

// Latest is what the wall lists beside the figures: the newest open fever
// alerts and the newest tickets of the area.
type Latest struct {
	Alerts  []people.Alert   `json:"alerts"`
	Tickets []tickets.Ticket `json:"tickets"`
}

// LatestRows is how many of each the wall lists.
const LatestRows = 8

// Latest returns the area's newest open alerts and tickets.
func (s *Service) Latest(ctx context.Context, a fugong.Actor, town string) (Latest, error) {
	code, err := Area(a, town)
	if err != nil {
		return Latest{}, err
	}
	b := as(a, code)
	var l Latest
	if l.Alerts, _, err = s.People.Alerts(ctx, b, people.AlertFilter{Status: people.AlertOpen, Page: 1, PerPage: LatestRows}); err != nil {
		return Latest{}, err
	}
	if l.Tickets, _, err = s.Tickets.List(ctx, b, tickets.Filter{Page: 1, PerPage: LatestRows}); err != nil {
		return Latest{}, err
	}
	return l, nil
}
