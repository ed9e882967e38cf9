package production

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/daily"
	"fugong/files"
	"fugong/registry"
)

// The essential list is the coordination group's (综合协调组): it decides
// which firms keep the city supplied.
const ownerGroup = fugong.GroupCoordination

// Essential is an enterprise on the essential list (保供/重点企业), allowed
// to work without an approved application.
type Essential struct {
	USCC      string    `json:"uscc"`
	Name      string    `json:"name"`
	Town      string    `json:"town"`
	TownName  string    `json:"town_name"`
	SizeClass string    `json:"size_class"`
	Reason    string    `json:"reason"`
	SetBy     string    `json:"set_by"`
	SetAt     time.Time `json:"set_at"`
}

// MaxEssentialReason bounds why a firm is on the list.
const MaxEssentialReason = 200

// EnterpriseDay is an enterprise's status on a day in a drill-down list:
// its own report for the day, or the latest before, or closed.
type EnterpriseDay struct {
	USCC         string `json:"uscc"`
	Name         string `json:"name"`
	Town         string `json:"town"`
	TownName     string `json:"town_name"`
	SizeClass    string `json:"size_class"`
	Industry     string `json:"industry"`
	ContactPhone string `json:"contact_phone"`
	Employees    int    `json:"employees"`
	Status       string `json:"status"`
	CapacityPct  int    `json:"capacity_pct"`
	OnPostPct    int    `json:"on_post_pct"`
	StaffOnPost  int    `json:"staff_on_post"`
	Upstream     string `json:"upstream"`   // "" when it never reported
	Downstream   string `json:"downstream"` // "" when it never reported
	// AsOf is the day the status was reported ("" for never).
	AsOf      string `json:"as_of"`
	Essential bool   `json:"essential"`
}

// Filter selects the enterprises of a drill-down.
type Filter struct {
	Date      string
	Town      string
	Status    string
	SizeClass string
	Page      int // 1-based; 0 means all (exports)
	PerPage   int
}

// AppFilter selects applications.
type AppFilter struct {
	USCC    string
	Status  string
	Town    string
	Page    int
	PerPage int
}

// Store is what resumption and production need from storage. Lists are
// limited to the actor's scope.
type Store interface {
	// SubmitResumptionApplication stores an application and its plan, if any (checked
	// as planType), in one transaction; an open one (submitted or approved)
	// for the same enterprise is a conflict.
	SubmitResumptionApplication(ctx context.Context, a fugong.Actor, app Application, plan *files.Upload, planType string) (Application, error)
	ResumptionApplication(ctx context.Context, a fugong.Actor, id int64) (Application, error)
	ResumptionApplications(ctx context.Context, a fugong.Actor, f AppFilter) ([]Application, int, error)
	// DecideResumptionApplication moves a submitted application to d.Status; one no
	// longer submitted is a conflict.
	DecideResumptionApplication(ctx context.Context, a fugong.Actor, id int64, d Decision) (Application, error)
	SetEssential(ctx context.Context, a fugong.Actor, uscc string, on bool, reason string) error
	Essential(ctx context.Context, uscc string) (Essential, bool, error)
	EssentialList(ctx context.Context, a fugong.Actor, page, perPage int) ([]Essential, int, error)
	// PutProductionDay stores a day's figures (a correction when the day has them),
	// refusing a working status the enterprise had no permit for (CheckPermit).
	PutProductionDay(ctx context.Context, a fugong.Actor, uscc, date string, f Figures) (Day, bool, error)
	ProductionDay(ctx context.Context, uscc, date string) (Day, error)
	ProductionDayVersions(ctx context.Context, uscc, date string) ([]Day, error)
	ProductionDays(ctx context.Context, uscc, from, to string, page, perPage int) ([]Day, int, error)
	ProductionSummary(ctx context.Context, a fugong.Actor, date string) ([]Cell, error)
	ProductionTrend(ctx context.Context, a fugong.Actor, from, to string) ([]DayCells, error)
	ProductionEnterprises(ctx context.Context, a fugong.Actor, f Filter) ([]EnterpriseDay, int, error)
}

// Service applies the rules of resumption and production over the store
// and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
}

// CanApply reports whether the actor may submit an application for an
// enterprise already read in their scope: its clerk, its paired cadre, its
// town, the admin.
func CanApply(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleEnterprise, fugong.RoleCadre, fugong.RoleTown:
		return true
	}
	return false
}

// CanDecide reports whether the actor may approve or return an application
// already read in their scope: the town (whose scope is its own town) or the
// admin. The bureau keeps the record; it does not approve.
func CanDecide(a fugong.Actor) bool {
	return a.Role == fugong.RoleAdmin || a.Role == fugong.RoleTown
}

// CanReport reports whether the actor may record an enterprise's production
// status, for an enterprise already read in their scope: the clerk, the
// paired cadre (六必问), the town, the coordination group and the admin.
func CanReport(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleEnterprise, fugong.RoleCadre, fugong.RoleTown:
		return true
	}
	return a.WritesFor(ownerGroup)
}

// CanManageEssential reports whether the actor keeps the essential list.
func CanManageEssential(a fugong.Actor) bool { return a.WritesFor(ownerGroup) }

// CanSee reports whether the actor has the 复工复产 pages: everyone with
// enterprises in scope (a clerk's lead to their own enterprise). A
// checkpoint has none.
func CanSee(a fugong.Actor) bool { return a.Role != fugong.RoleCheckpoint }

// ScopeName names the actor's scope in a day's headline: 全市, the town,
// 结对企业, 本企业.
func ScopeName(a fugong.Actor) string {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
		return "全市"
	case fugong.RoleTown:
		if t, ok := registry.TownByCode(a.Town); ok {
			return t.Name
		}
	case fugong.RoleCadre:
		return "结对企业"
	case fugong.RoleEnterprise:
		return "本企业"
	}
	return "您的范围内"
}

// Required is the problem of a figure or field the caller left out: it is
// refused, never stored as a zero nobody said.
func Required(field string) fugong.Problem {
	return fugong.Problem{Field: field, Message: "请填写" + FieldLabels[field]}
}

// The writes below check in one order, whatever the caller (the API, the
// pages, an import): the enterprise in the actor's scope (not found), the
// actor allowed (forbidden), the enterprise active (conflict), then the
// input. unread are the problems the caller met reading the input before
// any rule could see it (a field left out, a number that is not one); they
// are refused as they are, in that place of the order, so that a caller
// cannot answer "bad input" where another answers "not yours".

// Apply submits an application to resume, with the prevention plan if one
// is attached: a PDF or a photo of it (files.Check, as field "plan"). The
// application's problems and the plan's are refused together; a plan too
// large is too_large.
func (s *Service) Apply(ctx context.Context, a fugong.Actor, uscc string, in ApplicationInput, plan *files.Upload, unread ...fugong.Problem) (Application, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Application{}, err
	}
	if !CanApply(a) {
		return Application{}, fugong.Errorf(fugong.EForbidden, "", "无权提交复工申请")
	}
	if err := checkActive(e); err != nil {
		return Application{}, err
	}
	if err := fugong.Invalid(unread); err != nil {
		return Application{}, err
	}
	ps := in.Normalize(s.Now(), e.Employees)
	var planType string
	if plan != nil {
		ctype, err := files.Check("plan", *plan, files.Document)
		switch fe := fugong.AsError(err); {
		case err == nil:
			planType = ctype
		case fe != nil && fe.Code == fugong.EInvalid:
			ps = append(ps, fugong.Problem{Field: fe.Field, Message: fe.Message})
		default:
			return Application{}, err
		}
	}
	if err := fugong.Invalid(ps); err != nil {
		return Application{}, err
	}
	app := Application{USCC: e.USCC, PlannedDate: in.PlannedDate, StaffExpected: in.StaffExpected, Note: in.Note}
	app, err = s.Store.SubmitResumptionApplication(ctx, a, app, plan, planType)
	return local(app), err
}

// Application returns an application of an enterprise in the actor's scope.
func (s *Service) Application(ctx context.Context, a fugong.Actor, id int64) (Application, error) {
	app, err := s.Store.ResumptionApplication(ctx, a, id)
	return local(app), err
}

// Applications returns a page of applications in the actor's scope.
func (s *Service) Applications(ctx context.Context, a fugong.Actor, f AppFilter) ([]Application, int, error) {
	var ps []fugong.Problem
	if f.Status != "" {
		if _, ok := AppStatusNames[f.Status]; !ok {
			ps = append(ps, fugong.Problem{Field: "status", Message: "状态应为待审批、已批准或已退回"})
		}
	}
	if f.Town != "" {
		if t, ok := registry.TownByNameOrCode(f.Town); ok {
			f.Town = t.Code
		} else {
			ps = append(ps, fugong.Problem{Field: "town", Message: "不是本市的乡镇街道"})
		}
	}
	var err error
	if f.Page, f.PerPage, err = paging(f.Page, f.PerPage); err != nil {
		ps = append(ps, *problemOf(err))
	}
	if err := fugong.Invalid(ps); err != nil {
		return nil, 0, err
	}
	apps, total, err := s.Store.ResumptionApplications(ctx, a, f)
	for i := range apps {
		apps[i] = local(apps[i])
	}
	return apps, total, err
}

// EnterpriseApplications returns every application of an enterprise in
// scope, newest first.
func (s *Service) EnterpriseApplications(ctx context.Context, a fugong.Actor, uscc string) ([]Application, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, err
	}
	apps, _, err := s.Applications(ctx, a, AppFilter{USCC: e.USCC, Page: 1, PerPage: registry.MaxPerPage})
	return apps, err
}

// Approve approves a submitted application.
func (s *Service) Approve(ctx context.Context, a fugong.Actor, id int64) (Application, error) {
	return s.decide(ctx, a, id, Decision{Status: AppApproved})
}

// Return sends a submitted application back with a reason.
func (s *Service) Return(ctx context.Context, a fugong.Actor, id int64, reason string) (Application, error) {
	return s.decide(ctx, a, id, Decision{Status: AppReturned, Reason: reason})
}

func (s *Service) decide(ctx context.Context, a fugong.Actor, id int64, d Decision) (Application, error) {
	app, err := s.Store.ResumptionApplication(ctx, a, id)
	if err != nil {
		return Application{}, err
	}
	if !CanDecide(a) {
		return Application{}, fugong.Errorf(fugong.EForbidden, "", "复工申请由企业所在乡镇街道审批")
	}
	if err := CheckPending(app); err != nil {
		return Application{}, err
	}
	if d.Status == AppReturned {
		if d.Reason, err = CheckReason(d.Reason); err != nil {
			return Application{}, err
		}
	}
	app, err = s.Store.DecideResumptionApplication(ctx, a, app.ID, d)
	return local(app), err
}

// SetEssential puts an enterprise on the essential list or takes it off.
// Only a firm that is active goes on it.
func (s *Service) SetEssential(ctx context.Context, a fugong.Actor, uscc string, on bool, reason string, unread ...fugong.Problem) (Essential, bool, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Essential{}, false, err
	}
	if !CanManageEssential(a) {
		return Essential{}, false, fugong.Errorf(fugong.EForbidden, "", "保供重点企业名单由综合协调组管理")
	}
	if err := fugong.Invalid(unread); err != nil {
		return Essential{}, false, err
	}
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxEssentialReason {
		return Essential{}, false, fugong.Errorf(fugong.EInvalid, "reason", "列入原因不能超过%d个字", MaxEssentialReason)
	}
	if on {
		if err := checkActive(e); err != nil {
			return Essential{}, false, err
		}
	}
	if err := s.Store.SetEssential(ctx, a, e.USCC, on, reason); err != nil {
		return Essential{}, false, err
	}
	return s.Essential(ctx, a, e.USCC)
}

// Essential tells whether an enterprise in scope is on the essential list.
func (s *Service) Essential(ctx context.Context, a fugong.Actor, uscc string) (Essential, bool, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Essential{}, false, err
	}
	return s.essential(ctx, e)
}

func (s *Service) essential(ctx context.Context, e registry.Enterprise) (Essential, bool, error) {
	es, ok, err := s.Store.Essential(ctx, e.USCC)
	if !ok {
		es = Essential{USCC: e.USCC, Name: e.Name, Town: e.Town, TownName: e.TownName, SizeClass: e.SizeClass}
	}
	es.SetAt = es.SetAt.In(fugong.Location)
	return es, ok, err
}

// EssentialList returns a page of the essential enterprises in scope.
func (s *Service) EssentialList(ctx context.Context, a fugong.Actor, page, perPage int) ([]Essential, int, error) {
	page, perPage, err := paging(page, perPage)
	if err != nil {
		return nil, 0, err
	}
	items, total, err := s.Store.EssentialList(ctx, a, page, perPage)
	for i := range items {
		items[i].SetAt = items[i].SetAt.In(fugong.Location)
	}
	return items, total, err
}

// PutDay records an enterprise's production status for a day: created is
// true for the day's first version. After who may report on which firm,
// the day (a real day, not in the future, not before the firm was
// registered), then the figures: unread, else their rules (Normalize),
// else the permit a working status needs (CheckPermit, in the store).
func (s *Service) PutDay(ctx context.Context, a fugong.Actor, uscc, date string, f Figures, unread ...fugong.Problem) (d Day, created bool, err error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Day{}, false, err
	}
	if !CanReport(a) {
		return Day{}, false, fugong.Errorf(fugong.EForbidden, "", "无权填报生产情况")
	}
	if err := checkActive(e); err != nil {
		return Day{}, false, err
	}
	if err := daily.CheckDay(date, s.Now(), e.CreatedAt); err != nil {
		return Day{}, false, err
	}
	if err := fugong.Invalid(unread); err != nil {
		return Day{}, false, err
	}
	if err := fugong.Invalid(f.Normalize(e.Employees)); err != nil {
		return Day{}, false, err
	}
	d, created, err = s.Store.PutProductionDay(ctx, a, e.USCC, date, f)
	return withStaff(d, e.Employees), created, err
}

// Day returns an enterprise's production status as reported for a day.
func (s *Service) Day(ctx context.Context, a fugong.Actor, uscc, date string) (Day, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Day{}, err
	}
	if _, err := daily.ParseDay("date", date, s.Now()); err != nil {
		return Day{}, err
	}
	d, err := s.Store.ProductionDay(ctx, e.USCC, date)
	return withStaff(d, e.Employees), err
}

// DayVersions returns every version of an enterprise's day, oldest first.
func (s *Service) DayVersions(ctx context.Context, a fugong.Actor, uscc, date string) ([]Day, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, err
	}
	if _, err := daily.ParseDay("date", date, s.Now()); err != nil {
		return nil, err
	}
	vs, err := s.Store.ProductionDayVersions(ctx, e.USCC, date)
	for i := range vs {
		vs[i] = withStaff(vs[i], e.Employees)
	}
	return vs, err
}

// Days returns a page of an enterprise's reported days in [from, to],
// newest first; from and to may be "" for no bound.
func (s *Service) Days(ctx context.Context, a fugong.Actor, uscc, from, to string, page, perPage int) ([]Day, int, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, 0, err
	}
	for _, b := range []struct{ name, v string }{{"from", from}, {"to", to}} {
		if b.v == "" {
			continue
		}
		if _, err := daily.ParseDay(b.name, b.v, s.Now()); err != nil {
			return nil, 0, err
		}
	}
	if page, perPage, err = paging(page, perPage); err != nil {
		return nil, 0, err
	}
	ds, total, err := s.Store.ProductionDays(ctx, e.USCC, from, to, page, perPage)
	for i := range ds {
		ds[i] = withStaff(ds[i], e.Employees)
	}
	return ds, total, err
}

// Latest is an enterprise's status as it stood on date: the day's own
// report, else the latest one before it (a firm reports when its status
// changes); ok is false when it had reported none by then, and counts
// closed. The summaries and the drill-down apply the same rule in SQL.
func (s *Service) Latest(ctx context.Context, a fugong.Actor, uscc, date string) (d Day, ok bool, err error) {
	if _, err := daily.ParseDate(date); err != nil {
		return Day{}, false, err
	}
	ds, _, err := s.Days(ctx, a, uscc, "", date, 1, 1)
	if err != nil || len(ds) == 0 {
		return Day{}, false, err
	}
	return ds[0], true, nil
}

// ViewDay is the day whose figures to show when date is asked: today when
// none is; a day that is not one is invalid, and so is a day in the
// future, whose figures would only repeat today's.
func (s *Service) ViewDay(date string) (string, error) {
	today := daily.Today(s.Now())
	if date == "" {
		return today, nil
	}
	if _, err := daily.ParseDate(date); err != nil {
		return "", err
	}
	if date > today {
		return "", fugong.Errorf(fugong.EInvalid, "date", "不能查看未来日期（%s）", date)
	}
	return date, nil
}

// Summary returns a day's production in the actor's scope.
func (s *Service) Summary(ctx context.Context, a fugong.Actor, date string) (Summary, error) {
	if _, err := daily.ParseDay("date", date, s.Now()); err != nil {
		return Summary{}, err
	}
	cells, err := s.Store.ProductionSummary(ctx, a, date)
	if err != nil {
		return Summary{}, err
	}
	return Compose(date, cells), nil
}

// MaxTrendDays bounds a trend's range.
const MaxTrendDays = 366

// Trend returns the production of every day of [from, to] in the actor's scope.
func (s *Service) Trend(ctx context.Context, a fugong.Actor, from, to string) ([]TrendDay, error) {
	if _, err := daily.ParseRange(from, to, s.Now(), MaxTrendDays); err != nil {
		return nil, err
	}
	cells, err := s.Store.ProductionTrend(ctx, a, from, to)
	if err != nil {
		return nil, err
	}
	return ComposeTrend(cells), nil
}

// Overview is the summary of date and the trend of the days up to it from
// from, as the page shows them: the trend's last day is the summary's own
// cells (the same figures, TestProductionSummaryAndTrend), so the page reads
// the day once, and the days before it from the store's trend (the rollup).
func (s *Service) Overview(ctx context.Context, a fugong.Actor, from, date string) (Summary, []TrendDay, error) {
	if _, err := daily.ParseRange(from, date, s.Now(), MaxTrendDays); err != nil {
		return Summary{}, nil, err
	}
	cells, err := s.Store.ProductionSummary(ctx, a, date)
	if err != nil {
		return Summary{}, nil, err
	}
	var days []DayCells
	if from < date {
		t, err := time.ParseInLocation(time.DateOnly, date, fugong.Location)
		if err != nil {
			return Summary{}, nil, err
		}
		if days, err = s.Store.ProductionTrend(ctx, a, from, t.AddDate(0, 0, -1).Format(time.DateOnly)); err != nil {
			return Summary{}, nil, err
		}
	}
	days = append(days, DayCells{Date: date, Cells: cells})
	return Compose(date, cells), ComposeTrend(days), nil
}

// Enterprises returns a page of the enterprises in scope with their status
// on the filter's day (the drill-down of a summary's figure).
func (s *Service) Enterprises(ctx context.Context, a fugong.Actor, f Filter) ([]EnterpriseDay, int, error) {
	var ps []fugong.Problem
	if _, err := daily.ParseDay("date", f.Date, s.Now()); err != nil {
		ps = append(ps, *problemOf(err))
	}
	if f.Town != "" {
		if t, ok := registry.TownByNameOrCode(f.Town); ok {
			f.Town = t.Code
		} else {
			ps = append(ps, fugong.Problem{Field: "town", Message: "不是本市的乡镇街道"})
		}
	}
	switch f.Status {
	case "", StatusClosed, StatusResumed, StatusFull, "working":
	default:
		ps = append(ps, fugong.Problem{Field: "status", Message: "状态应为停工、已复工、满产或复工（含满产）"})
	}
	if f.SizeClass != "" && f.SizeClass != registry.SizeAbove && f.SizeClass != registry.SizeBelow {
		ps = append(ps, fugong.Problem{Field: "size_class", Message: "规模应为规上或规下"})
	}
	if f.Page != 0 || f.PerPage != 0 {
		var err error
		if f.Page, f.PerPage, err = paging(f.Page, f.PerPage); err != nil {
			ps = append(ps, *problemOf(err))
		}
	}
	if err := fugong.Invalid(ps); err != nil {
		return nil, 0, err
	}
	return s.Store.ProductionEnterprises(ctx, a, f)
}

// paging checks a page and its size and fills in the defaults.
func paging(page, perPage int) (int, int, error) {
	if page < 1 {
		page = 1
	}
	if perPage < 0 || perPage > registry.MaxPerPage {
		return 0, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–500 之间")
	}
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	return page, perPage, nil
}

func problemOf(err error) *fugong.Problem {
	e := fugong.AsError(err)
	return &fugong.Problem{Field: e.Field, Message: e.Message}
}

// checkActive refuses the work of a closed (deregistered) enterprise.
func checkActive(e registry.Enterprise) error {
	if e.Status != registry.StatusActive {
		return fugong.Errorf(fugong.EConflict, "uscc", "%s 已注销或停业", e.Name)
	}
	return nil
}

func withStaff(d Day, employees int) Day {
	if d.Date != "" {
		d.StaffOnPost = StaffOnPost(d.OnPostPct, employees)
		d.UpdatedAt = d.UpdatedAt.In(fugong.Location)
	}
	return d
}

// local shows an application's times in Asia/Shanghai.
func local(app Application) Application {
	app.SubmittedAt = app.SubmittedAt.In(fugong.Location)
	if app.DecidedAt != nil {
		t := app.DecidedAt.In(fugong.Location)
		app.DecidedAt = &t
	}
	if app.Plan != nil {
		p := *app.Plan
		p.CreatedAt = p.CreatedAt.In(fugong.Location)
		app.Plan = &p
	}
	return app
}
