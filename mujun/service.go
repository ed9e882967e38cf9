package mujun

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// Who writes what. The annual figures, the yearly settings and the
// evaluation runs are the statistics group's data work (信息统计组 keeps
// the registry the 亩均 system feeds); the differentiated prices and the
// relief scenarios are policy, the coordination group's (综合协调组). The
// admin does both. Every role but the checkpoint reads, each in its scope.
const (
	DataGroup   = fugong.GroupStatistics
	PolicyGroup = fugong.GroupCoordination
)

// CanRead reports whether the actor may see the module at all.
func CanRead(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown, fugong.RoleCadre, fugong.RoleEnterprise:
		return true
	}
	return false
}

// CanEditData reports whether the actor enters annual figures, sets a
// year's rules and runs evaluations.
func CanEditData(a fugong.Actor) bool { return a.WritesFor(DataGroup) }

// CanEditPolicy reports whether the actor sets the prices and saves relief
// scenarios.
func CanEditPolicy(a fugong.Actor) bool { return a.WritesFor(PolicyGroup) }

// Run is one evaluation of a year: both groups graded under the year's
// settings as they were, numbered per year (version 1, 2, …) so a re-run
// after a data correction keeps the earlier one.
type Run struct {
	ID       int64        `json:"id"`
	Year     int          `json:"year"`
	Version  int          `json:"version"`
	Note     string       `json:"note"`
	Settings YearSettings `json:"settings"`
	// Firms evaluated and Graded (ranked) per group.
	Firms  map[Group]int `json:"firms"`
	Graded map[Group]int `json:"graded"`
	// EmissionAverage is the points a firm without an emission figure got
	// in each group (MissingAverage).
	EmissionAverage map[Group]Points `json:"emission_average"`
	// SetClasses: the run set the registry's current classes (it was of
	// the latest year with figures).
	SetClasses bool      `json:"set_classes"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  string    `json:"created_by"`
}

// Total is the firms the run evaluated.
func (r Run) Total() int { return r.Firms[Above] + r.Firms[Below] }

// ClassCount is how many firms of a group and town a run put in a class.
type ClassCount struct {
	Group Group  `json:"group"`
	Town  string `json:"town"`
	Class Class  `json:"class"`
	Firms int    `json:"firms"`
}

// ResultFilter selects a page of a run's results.
type ResultFilter struct {
	Run     int64
	Town    string // a town code; "" for every town in scope
	Class   Class  // "" for every class
	Group   Group  // "" for both groups
	Page    int
	PerPage int
}

// Listed is a stored result with what a list shows beside it.
type Listed struct {
	Result
	Group Group
	Name  string
}

// Scenario is a saved relief simulation: its plan and outcome as they were
// computed, for comparing side by side and exporting.
type Scenario struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Year      int       `json:"year"`
	Run       int64     `json:"evaluation_id"`
	Relief    Relief    `json:"relief"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// MaxScenarioName bounds a scenario's name, in characters.
const MaxScenarioName = 50

// Store is what the 亩均 module needs from storage. Every save is audited
// by the store and all or nothing. Lists take the actor and keep to its
// scope; reads of one record do not, the service checks scope first.
type Store interface {
	// Setting returns a stored setting (the year's rules, the prices), ok
	// false while never set; UpdateSetting replaces it in one transaction.
	Setting(ctx context.Context, key string) (string, bool, error)
	UpdateSetting(ctx context.Context, a fugong.Actor, key string, next func(value string, ok bool) (string, error)) error

	// SaveAnnualData stores normalized figures, each replacing the firm's
	// figures of that year; it returns how many were new.
	SaveAnnualData(ctx context.Context, a fugong.Actor, rows []AnnualData) (created int, err error)
	// AnnualData returns one firm's figures of a year.
	AnnualData(ctx context.Context, uscc string, year int) (AnnualData, error)
	// AnnualDataOf returns every year's figures of a firm, latest first.
	AnnualDataOf(ctx context.Context, uscc string) ([]AnnualData, error)
	// DataYears lists the years with figures and how many firms have them,
	// latest first.
	DataYears(ctx context.Context) ([]YearCount, error)
	// Firms returns the evaluation's input for a year, split by the
	// enterprises' size class: every active enterprise with figures for
	// the year, with its town, its class in the latest run of the year
	// before and its current class in the registry.
	Firms(ctx context.Context, year int) (above, below []Firm, err error)

	// SaveRun keeps a run, numbering it, with its results (the groups'
	// evaluations) and their counts per town and class, and sets the
	// registry's class of each firm in changes, auditing every change.
	SaveRun(ctx context.Context, a fugong.Actor, r Run, evs []*Evaluation, changes []ClassChange) (Run, error)
	Runs(ctx context.Context, year int) ([]Run, error)
	Run(ctx context.Context, id int64) (Run, error)
	// ClassCounts counts a run's results in scope by group, town and class.
	ClassCounts(ctx context.Context, a fugong.Actor, run int64) ([]ClassCount, error)
	// Results lists a page of a run's results in scope, by group and rank.
	Results(ctx context.Context, a fugong.Actor, f ResultFilter) ([]Listed, int, error)
	// Result returns one firm's result in a run.
	Result(ctx context.Context, run int64, uscc string) (Listed, error)
	// Classes returns every result of a run in scope with only its USCC,
	// town and class, for comparing runs.
	Classes(ctx context.Context, a fugong.Actor, run int64) ([]Result, error)
	// Uses returns every enterprise in scope graded in the run, with its
	// class there and its annual use of the run's year.
	Uses(ctx context.Context, a fugong.Actor, run int64) ([]Use, error)

	SaveScenario(ctx context.Context, a fugong.Actor, s Scenario) (Scenario, error)
	Scenarios(ctx context.Context) ([]Scenario, error)
	Scenario(ctx context.Context, id int64) (Scenario, error)
}

// cleanText trims a note or name and checks it.
func cleanText(s string, limit int) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return s, "含有无效字符"
	case utf8.RuneCountInString(s) > limit:
		return s, "不能超过" + strconv.Itoa(limit) + "个字"
	}
	return s, ""
}

// ClassChange is a firm whose registry class a run changes.
type ClassChange struct {
	USCC     string
	From, To Class // From "" when it had none
}

// ClassChanges are the firms whose class in evs differs from their
// current one; firms are each evaluation's input, in its order.
func ClassChanges(firms [][]Firm, evs []*Evaluation) []ClassChange {
	var out []ClassChange
	for g, ev := range evs {
		for i := range ev.Results {
			if c := ev.Results[i].Class; c != firms[g][i].Current {
				out = append(out, ClassChange{USCC: ev.Results[i].USCC, From: firms[g][i].Current, To: c})
			}
		}
	}
	return out
}

// EvaluateYear grades a year's two groups at once (they share nothing)
// and returns the run they make, not yet numbered or stored, with the
// evaluations above and below, in that order.
func EvaluateYear(year int, set YearSettings, above, below []Firm) (Run, []*Evaluation, error) {
	groups := []Group{Above, Below}
	firms := [][]Firm{above, below}
	evs := make([]*Evaluation, len(groups))
	errs := make([]error, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Go(func() { evs[i], errs[i] = Evaluate(year, g, *set.For(g), firms[i]) })
	}
	wg.Wait()
	r := Run{Year: year, Settings: set, Firms: map[Group]int{}, Graded: map[Group]int{}, EmissionAverage: map[Group]Points{}}
	for i, g := range groups {
		if errs[i] != nil {
			return Run{}, nil, errs[i]
		}
		r.Firms[g], r.Graded[g], r.EmissionAverage[g] = len(evs[i].Results), evs[i].Graded, evs[i].EmissionAverage
	}
	return r, evs, nil
}

// YearCount is a year with figures and the firms that have them.
type YearCount struct {
	Year  int `json:"year"`
	Firms int `json:"firms"`
}

// Service applies the module's rules over its store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
}

// settingsKey and pricesKey are the settings' keys in the store.
func settingsKey(year int) string { return "mujun.settings." + strconv.Itoa(year) }

const pricesKey = "mujun.prices"

func checkYear(year int) error {
	if year < MinYear || year > MaxYear {
		return fugong.Errorf(fugong.EInvalid, "year", "年度应在 %d–%d 之间", MinYear, MaxYear)
	}
	return nil
}

func readable(a fugong.Actor) error {
	if !CanRead(a) {
		return fugong.NotFound("页面")
	}
	return nil
}

// YearSettings returns a year's settings, DefaultYear(year) until set.
func (s *Service) YearSettings(ctx context.Context, a fugong.Actor, year int) (YearSettings, error) {
	if err := readable(a); err != nil {
		return YearSettings{}, err
	}
	if err := checkYear(year); err != nil {
		return YearSettings{}, err
	}
	return s.yearSettings(ctx, year)
}

func (s *Service) yearSettings(ctx context.Context, year int) (YearSettings, error) {
	v, ok, err := s.Store.Setting(ctx, settingsKey(year))
	if err != nil || !ok {
		return DefaultYear(year), err
	}
	return ParseYearSettings(v, year)
}

// SaveYearSettings replaces a year's settings with what edit makes of the
// current ones; nothing is stored when they break a rule.
func (s *Service) SaveYearSettings(ctx context.Context, a fugong.Actor, year int, edit func(*YearSettings) error) (YearSettings, error) {
	if err := readable(a); err != nil {
		return YearSettings{}, err
	}
	if !CanEditData(a) {
		return YearSettings{}, fugong.Errorf(fugong.EForbidden, "", "只有信息统计组和系统管理员可以修改亩均评价设置")
	}
	if err := checkYear(year); err != nil {
		return YearSettings{}, err
	}
	var next YearSettings
	err := s.Store.UpdateSetting(ctx, a, settingsKey(year), func(v string, ok bool) (string, error) {
		next = DefaultYear(year)
		if ok {
			var err error
			if next, err = ParseYearSettings(v, year); err != nil {
				return "", err
			}
		}
		if err := edit(&next); err != nil {
			return "", err
		}
		next.Year = year
		if err := fugong.Invalid(next.Normalize()); err != nil {
			return "", err
		}
		b, err := json.Marshal(next)
		return string(b), err
	})
	return next, err
}

// Prices returns the differentiated prices, DefaultPrices() until set.
func (s *Service) Prices(ctx context.Context, a fugong.Actor) (PriceSettings, error) {
	if err := readable(a); err != nil {
		return PriceSettings{}, err
	}
	return s.prices(ctx)
}

func (s *Service) prices(ctx context.Context) (PriceSettings, error) {
	v, ok, err := s.Store.Setting(ctx, pricesKey)
	if err != nil || !ok {
		return DefaultPrices(), err
	}
	p := DefaultPrices()
	p.ElectricityYuanPerKWh, p.WaterPercent = nil, nil
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return DefaultPrices(), err
	}
	return p, nil
}

// SavePrices replaces the differentiated prices.
func (s *Service) SavePrices(ctx context.Context, a fugong.Actor, p PriceSettings) (PriceSettings, error) {
	if err := readable(a); err != nil {
		return PriceSettings{}, err
	}
	if !CanEditPolicy(a) {
		return PriceSettings{}, fugong.Errorf(fugong.EForbidden, "", "只有综合协调组和系统管理员可以修改差别化价格")
	}
	if p.ElectricityYuanPerKWh == nil {
		p.ElectricityYuanPerKWh = map[Class]float64{}
	}
	if p.WaterPercent == nil {
		p.WaterPercent = map[Class]float64{}
	}
	if err := fugong.Invalid(p.Normalize()); err != nil {
		return PriceSettings{}, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return PriceSettings{}, err
	}
	return p, s.Store.UpdateSetting(ctx, a, pricesKey, func(string, bool) (string, error) { return string(b), nil })
}

// firm returns an enterprise in the actor's scope.
func (s *Service) firm(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	if err := readable(a); err != nil {
		return registry.Enterprise{}, err
	}
	return s.Registry.Get(ctx, a, uscc)
}

// AnnualData returns a firm's figures of a year, in scope.
func (s *Service) AnnualData(ctx context.Context, a fugong.Actor, uscc string, year int) (AnnualData, error) {
	e, err := s.firm(ctx, a, uscc)
	if err != nil {
		return AnnualData{}, err
	}
	if err := checkYear(year); err != nil {
		return AnnualData{}, err
	}
	return s.Store.AnnualData(ctx, e.USCC, year)
}

// AnnualDataOf returns every year's figures of a firm in scope.
func (s *Service) AnnualDataOf(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, []AnnualData, error) {
	e, err := s.firm(ctx, a, uscc)
	if err != nil {
		return e, nil, err
	}
	rows, err := s.Store.AnnualDataOf(ctx, e.USCC)
	return e, rows, err
}

// SaveAnnualData stores a firm's figures of a year; created is true when
// the year had none.
func (s *Service) SaveAnnualData(ctx context.Context, a fugong.Actor, d AnnualData) (AnnualData, bool, error) {
	e, err := s.firm(ctx, a, d.USCC)
	if err != nil {
		return AnnualData{}, false, err
	}
	if !CanEditData(a) {
		return AnnualData{}, false, fugong.Errorf(fugong.EForbidden, "", "只有信息统计组和系统管理员可以填报亩均数据")
	}
	d.USCC = e.USCC
	if err := fugong.Invalid(d.Normalize()); err != nil {
		return AnnualData{}, false, err
	}
	n, err := s.Store.SaveAnnualData(ctx, a, []AnnualData{d})
	return d, n == 1, err
}

// DataYears lists the years with figures.
func (s *Service) DataYears(ctx context.Context, a fugong.Actor) ([]YearCount, error) {
	if err := readable(a); err != nil {
		return nil, err
	}
	return s.Store.DataYears(ctx)
}

// ImportRow is one row of a sheet of annual figures: the figures read and
// what the reader found wrong with its cells.
type ImportRow struct {
	Row      int
	Data     AnnualData
	Columns  map[string]string // field → the header as the sheet wrote it
	Problems []registry.RowError
}

// ImportResult is what an import stored and what it skipped.
type ImportResult struct {
	Created int                 `json:"created"`
	Updated int                 `json:"updated"`
	Bad     []registry.RowError `json:"bad"`
	BadRows []int               `json:"bad_rows"`
}

// ImportError is an import that stored nothing because of its bad rows.
type ImportError struct{ Rows []registry.RowError }

// RowErrors lists the bad rows.
func (e *ImportError) RowErrors() []registry.RowError { return e.Rows }

func (e *ImportError) Error() string { return fmt.Sprintf("mujun: %d bad rows", len(e.Rows)) }

// Import stores a sheet of annual figures of one year: all or nothing,
// unless skipBad, when the good rows are stored and every bad one listed.
// A row names a registered enterprise; a code twice in the sheet is an
// error on its second row.
func (s *Service) Import(ctx context.Context, a fugong.Actor, year int, rows []ImportRow, skipBad bool) (ImportResult, error) {
	if err := readable(a); err != nil {
		return ImportResult{}, err
	}
	if !CanEditData(a) {
		return ImportResult{}, fugong.Errorf(fugong.EForbidden, "", "只有信息统计组和系统管理员可以导入亩均数据")
	}
	if err := checkYear(year); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	usccs := make([]string, len(rows))
	for i := range rows {
		rows[i].Data.Year = year
		usccs[i], _ = registry.NormalizeUSCC(rows[i].Data.USCC)
	}
	known, err := s.Registry.Store.FindEnterprises(ctx, usccs)
	if err != nil {
		return res, err
	}
	seen := map[string]int{}
	var good []AnnualData
	for i := range rows {
		r := &rows[i]
		reported := map[string]bool{}
		for _, p := range r.Problems {
			reported[p.Field] = true
		}
		for _, p := range r.Data.Normalize() {
			if !reported[p.Field] {
				r.Problems = append(r.Problems, registry.RowError{Row: r.Row, Field: p.Field, Column: r.Columns[p.Field], Message: p.Message})
			}
		}
		u := r.Data.USCC
		if len(r.Problems) == 0 {
			if first, dup := seen[u]; dup {
				r.Problems = append(r.Problems, registry.RowError{Row: r.Row, Field: "uscc", Column: r.Columns["uscc"],
					Message: fmt.Sprintf("统一社会信用代码与第%d行重复", first)})
			} else if _, ok := known[u]; !ok {
				r.Problems = append(r.Problems, registry.RowError{Row: r.Row, Field: "uscc", Column: r.Columns["uscc"],
					Message: "企业名录中没有统一社会信用代码为 " + u + " 的企业"})
			}
		}
		if _, dup := seen[u]; !dup && u != "" {
			seen[u] = r.Row
		}
		if len(r.Problems) > 0 {
			res.Bad = append(res.Bad, r.Problems...)
			res.BadRows = append(res.BadRows, r.Row)
			continue
		}
		good = append(good, r.Data)
	}
	if len(res.Bad) > 0 && !skipBad {
		return res, &ImportError{Rows: res.Bad}
	}
	if len(good) == 0 {
		if len(rows) == 0 {
			return res, fugong.Errorf(fugong.EInvalid, "file", "文件中没有数据行")
		}
		return res, nil
	}
	res.Created, err = s.Store.SaveAnnualData(ctx, a, good)
	res.Updated = len(good) - res.Created
	return res, err
}

// Evaluate runs a year's evaluation: every firm with figures for the year,
// each group under its settings, kept as a new run of the year. When the
// year is the latest with figures, the run also sets the firms' current
// class in the registry.
func (s *Service) Evaluate(ctx context.Context, a fugong.Actor, year int, note string) (Run, error) {
	if err := readable(a); err != nil {
		return Run{}, err
	}
	if !CanEditData(a) {
		return Run{}, fugong.Errorf(fugong.EForbidden, "", "只有信息统计组和系统管理员可以运行亩均评价")
	}
	if err := checkYear(year); err != nil {
		return Run{}, err
	}
	note, msg := cleanText(note, 200)
	if msg != "" {
		return Run{}, fugong.Errorf(fugong.EInvalid, "note", "备注%s", msg)
	}
	set, err := s.yearSettings(ctx, year)
	if err != nil {
		return Run{}, err
	}
	above, below, err := s.Store.Firms(ctx, year)
	if err != nil {
		return Run{}, err
	}
	if len(above)+len(below) == 0 {
		return Run{}, fugong.Errorf(fugong.EInvalid, "year", "%d 年度没有企业的亩均数据，请先填报或导入", year)
	}
	r, evs, err := EvaluateYear(year, set, above, below)
	if err != nil {
		return Run{}, err
	}
	r.Note = note
	years, err := s.Store.DataYears(ctx)
	if err != nil {
		return Run{}, err
	}
	r.SetClasses = len(years) > 0 && years[0].Year == year
	var changes []ClassChange
	if r.SetClasses {
		changes = ClassChanges([][]Firm{above, below}, evs)
	}
	return s.Store.SaveRun(ctx, a, r, evs, changes)
}

// Runs lists a year's runs, latest first.
func (s *Service) Runs(ctx context.Context, a fugong.Actor, year int) ([]Run, error) {
	if err := readable(a); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return s.Store.Runs(ctx, year)
}

// RunOf returns a run of the year: id, or the latest when id is 0. A year
// never evaluated is invalid input naming what to do.
func (s *Service) RunOf(ctx context.Context, a fugong.Actor, year int, id int64) (Run, error) {
	if err := readable(a); err != nil {
		return Run{}, err
	}
	if err := checkYear(year); err != nil {
		return Run{}, err
	}
	if id != 0 {
		r, err := s.Store.Run(ctx, id)
		if err != nil {
			return Run{}, err
		}
		if r.Year != year {
			return Run{}, fugong.NotFound("评价批次")
		}
		return r, nil
	}
	runs, err := s.Store.Runs(ctx, year)
	if err != nil {
		return Run{}, err
	}
	if len(runs) == 0 {
		return Run{}, fugong.Errorf(fugong.EInvalid, "year", "%d 年度尚未进行亩均评价", year)
	}
	return runs[0], nil
}

// Distribution is a run's class counts in the actor's scope: per group
// and town, and the totals per class.
type Distribution struct {
	Counts []ClassCount  `json:"counts"`
	Totals map[Class]int `json:"totals"`
	Groups map[Group]int `json:"groups"`
}

// Distribution counts a run's classes in scope.
func (s *Service) Distribution(ctx context.Context, a fugong.Actor, r Run) (Distribution, error) {
	cs, err := s.Store.ClassCounts(ctx, a, r.ID)
	if err != nil {
		return Distribution{}, err
	}
	d := Distribution{Counts: cs, Totals: map[Class]int{}, Groups: map[Group]int{}}
	for _, c := range Classes {
		d.Totals[c] = 0
	}
	for _, c := range cs {
		d.Totals[c.Class] += c.Firms
		d.Groups[c.Group] += c.Firms
	}
	return d, nil
}

// Results lists a page of a run's results in scope.
func (s *Service) Results(ctx context.Context, a fugong.Actor, f ResultFilter) ([]Listed, int, error) {
	if err := readable(a); err != nil {
		return nil, 0, err
	}
	if f.Town != "" {
		t, ok := registry.TownByNameOrCode(f.Town)
		if !ok {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		f.Town = t.Code
	}
	if f.Class != "" {
		if _, ok := ParseClass(string(f.Class)); !ok {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "class", "等级应为 A、B、C 或 D")
		}
	}
	if f.Group != "" && f.Group != Above && f.Group != Below {
		return nil, 0, fugong.Errorf(fugong.EInvalid, "group", "企业分组应为规上或规下")
	}
	if f.PerPage <= 0 {
		f.PerPage = registry.DefaultPerPage
	}
	if f.PerPage > registry.MaxPerPage {
		return nil, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页最多 %d 条", registry.MaxPerPage)
	}
	f.Page = max(f.Page, 1)
	return s.Store.Results(ctx, a, f)
}

// Result returns a firm's result in a run with every indicator's value,
// benchmark, weight and points.
func (s *Service) Result(ctx context.Context, a fugong.Actor, r Run, uscc string) (registry.Enterprise, Listed, FirmResult, error) {
	e, err := s.firm(ctx, a, uscc)
	if err != nil {
		return e, Listed{}, FirmResult{}, err
	}
	l, err := s.Store.Result(ctx, r.ID, e.USCC)
	if err != nil {
		return e, l, FirmResult{}, err
	}
	return e, l, r.Detail(l), nil
}

// Detail is a stored result as the API shows it, with the indicators of
// its group's settings in the run.
func (r *Run) Detail(l Listed) FirmResult {
	set := *r.Settings.For(l.Group)
	ev := Evaluation{Year: r.Year, Group: l.Group, Settings: set, Keys: set.Keys(), Results: []Result{l.Result}}
	return ev.Detail(0)
}

// Keys are the indicators with a weight, in form order.
func (s *Settings) Keys() []Indicator {
	var out []Indicator
	for _, k := range Indicators {
		if _, ok := s.Weights[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// Moves compares two runs of a year in the actor's scope: the firms whose
// class moved from before to after.
func (s *Service) Moves(ctx context.Context, a fugong.Actor, before, after Run) ([]Move, error) {
	if err := readable(a); err != nil {
		return nil, err
	}
	b, err := s.Store.Classes(ctx, a, before.ID)
	if err != nil {
		return nil, err
	}
	af, err := s.Store.Classes(ctx, a, after.ID)
	if err != nil {
		return nil, err
	}
	return Compare(b, af), nil
}

// Basis is how the relief of one class on one resource comes out: the
// class's firms, their annual use, the surcharge and the period's share of
// the year, and the relief they add up to.
type Basis struct {
	Class     Class    `json:"class"`
	Resource  Resource `json:"resource"`
	Firms     int      `json:"firms"`
	AnnualUse int64    `json:"annual_use"` // kWh or t
	Unit      string   `json:"unit"`
	// Surcharge is yuan per unit: 0.10 元/kWh, or 15 % of 4.00 元/t = 0.60.
	Surcharge float64 `json:"surcharge_yuan_per_unit"`
	Days      int     `json:"days"`
	YearDays  int     `json:"year_days"`
	Relief    float64 `json:"relief_yuan"`
}

// Simulation is a relief simulation with the run it took classes from and
// how each figure comes out.
type Simulation struct {
	Year   int           `json:"year"`
	Run    int64         `json:"evaluation_id"`
	Prices PriceSettings `json:"prices"`
	*Relief
	Basis []Basis `json:"basis"`
}

// Simulate works out a relief plan over the firms in the actor's scope:
// their classes in the latest run of year and their use that year.
func (s *Service) Simulate(ctx context.Context, a fugong.Actor, year int, plan ReliefPlan) (Simulation, error) {
	if err := readable(a); err != nil {
		return Simulation{}, err
	}
	ps := plan.Normalize()
	if year < MinYear || year > MaxYear {
		ps = append([]fugong.Problem{{Field: "year", Message: fmt.Sprintf("年度应在 %d–%d 之间", MinYear, MaxYear)}}, ps...)
	}
	if err := fugong.Invalid(ps); err != nil {
		return Simulation{}, err
	}
	runs, err := s.Store.Runs(ctx, year)
	if err != nil {
		return Simulation{}, err
	}
	if len(runs) == 0 {
		years, err := s.Store.DataYears(ctx)
		if err != nil {
			return Simulation{}, err
		}
		if !slices.ContainsFunc(years, func(y YearCount) bool { return y.Year == year }) {
			return Simulation{}, fugong.Errorf(fugong.EInvalid, "year", "%d 年度没有企业的亩均数据", year)
		}
		return Simulation{}, fugong.Errorf(fugong.EInvalid, "year", "%d 年度尚未进行亩均评价，没有企业等级可用", year)
	}
	p, err := s.prices(ctx)
	if err != nil {
		return Simulation{}, err
	}
	uses, err := s.Store.Uses(ctx, a, runs[0].ID)
	if err != nil {
		return Simulation{}, err
	}
	rel, err := SimulateRelief(p, plan, uses)
	if err != nil {
		return Simulation{}, err
	}
	sim := Simulation{Year: year, Run: runs[0].ID, Prices: p, Relief: rel}
	byClass := map[Class]*[2]Basis{}
	for _, c := range rel.Plan.Classes {
		var bs [2]Basis
		for ri, res := range Resources {
			bs[ri] = Basis{Class: c, Resource: res, Unit: [2]string{"千瓦时", "吨"}[ri], Surcharge: p.Surcharge(c, res),
				Days: rel.Days, YearDays: rel.YearDays}
		}
		byClass[c] = &bs
	}
	for _, u := range uses {
		if bs := byClass[u.Class]; bs != nil {
			bs[0].Firms++
			bs[1].Firms++
			bs[0].AnnualUse += int64(u.ElectricityKWh)
			bs[1].AnnualUse += int64(u.WaterT)
		}
	}
	for _, it := range rel.Items {
		if bs := byClass[it.Class]; bs != nil {
			bs[0].Relief += it.Electricity.Yuan()
			bs[1].Relief += it.Water.Yuan()
		}
	}
	for _, c := range rel.Plan.Classes {
		for ri, res := range Resources {
			if slices.Contains(rel.Plan.Resources, res) {
				b := byClass[c][ri]
				b.Relief = float64(int64(b.Relief*100+0.5)) / 100
				sim.Basis = append(sim.Basis, b)
			}
		}
	}
	return sim, nil
}

// SaveScenario simulates a plan over the whole city and keeps it under a
// name.
func (s *Service) SaveScenario(ctx context.Context, a fugong.Actor, name string, year int, plan ReliefPlan) (Scenario, error) {
	if !a.CityWide() {
		return Scenario{}, fugong.NotFound("减免方案")
	}
	if !CanEditPolicy(a) {
		return Scenario{}, fugong.Errorf(fugong.EForbidden, "", "只有综合协调组和系统管理员可以保存减免方案")
	}
	name, msg := cleanText(name, MaxScenarioName)
	if msg == "" && name == "" {
		msg = "必填"
	}
	if msg != "" {
		return Scenario{}, fugong.Errorf(fugong.EInvalid, "name", "方案名称%s", msg)
	}
	sim, err := s.Simulate(ctx, a, year, plan)
	if err != nil {
		return Scenario{}, err
	}
	return s.Store.SaveScenario(ctx, a, Scenario{Name: name, Year: year, Run: sim.Run, Relief: *sim.Relief})
}

// Scenarios lists the saved scenarios, city-wide roles only.
func (s *Service) Scenarios(ctx context.Context, a fugong.Actor) ([]Scenario, error) {
	if !a.CityWide() {
		return nil, fugong.NotFound("减免方案")
	}
	return s.Store.Scenarios(ctx)
}

// ScenariosByID returns the saved scenarios asked for, in that order.
func (s *Service) ScenariosByID(ctx context.Context, a fugong.Actor, ids []int64) ([]Scenario, error) {
	if !a.CityWide() {
		return nil, fugong.NotFound("减免方案")
	}
	out := make([]Scenario, 0, len(ids))
	for _, id := range ids {
		sc, err := s.Store.Scenario(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}
