package production_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/files"
	"fugong/production"
	"fugong/registry"
)

// The service's order of checks, over an in-memory registry and store:
// what the API, the pages and any other caller answer alike.

const tangxia, xianjiang = "330381101", "330381010"

// registered is the day the fixture firms were registered.
var registered = time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location)

// now is the services' clock: 2020-02-10 10:00 in Shanghai.
var now = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)

func code(t testing.TB, org string) string {
	t.Helper()
	c, err := registry.USCCCheckChar("91330381" + org)
	if err != nil {
		t.Fatal(err)
	}
	return "91330381" + org + string(c)
}

// firms is an in-memory registry: a town sees its own firms, a clerk their
// own, the admin and the bureau every one.
type firms struct {
	registry.Store
	byCode map[string]registry.Enterprise
}

func (f firms) GetEnterprise(_ context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	e, ok := f.byCode[uscc]
	switch {
	case !ok,
		a.Role == fugong.RoleTown && e.Town != a.Town,
		a.Role == fugong.RoleEnterprise && e.USCC != a.Enterprise,
		a.Role == fugong.RoleCadre, a.Role == fugong.RoleCheckpoint:
		return registry.Enterprise{}, fugong.NotFound("企业")
	}
	return e, nil
}

// memStore keeps what the service stores.
type memStore struct {
	production.Store
	apps      []production.Application
	days      []production.Day
	essential map[string]production.Essential
	writes    int
}

func (m *memStore) SubmitResumptionApplication(_ context.Context, a fugong.Actor, app production.Application, plan *files.Upload, planType string) (production.Application, error) {
	m.writes++
	app.ID, app.Status, app.SubmittedAt = int64(len(m.apps)+1), production.AppSubmitted, now
	if plan != nil {
		app.Plan = &files.File{Name: plan.Name, ContentType: planType}
	}
	m.apps = append([]production.Application{app}, m.apps...)
	return app, nil
}

func (m *memStore) ResumptionApplications(_ context.Context, a fugong.Actor, f production.AppFilter) ([]production.Application, int, error) {
	var out []production.Application
	for _, app := range m.apps {
		if f.USCC == "" || app.USCC == f.USCC {
			out = append(out, app)
		}
	}
	return out, len(out), nil
}

func (m *memStore) SetEssential(_ context.Context, a fugong.Actor, uscc string, on bool, reason string) error {
	m.writes++
	if on {
		m.essential[uscc] = production.Essential{USCC: uscc, Reason: reason}
	} else {
		delete(m.essential, uscc)
	}
	return nil
}

func (m *memStore) Essential(_ context.Context, uscc string) (production.Essential, bool, error) {
	e, ok := m.essential[uscc]
	return e, ok, nil
}

func (m *memStore) PutProductionDay(_ context.Context, a fugong.Actor, uscc, date string, f production.Figures) (production.Day, bool, error) {
	m.writes++
	d := production.Day{USCC: uscc, Date: date, Figures: f, Version: 1}
	m.days = append([]production.Day{d}, m.days...)
	return d, true, nil
}

func (m *memStore) ProductionDays(_ context.Context, uscc, from, to string, page, perPage int) ([]production.Day, int, error) {
	var out []production.Day
	for _, d := range m.days {
		if d.USCC == uscc && (from == "" || d.Date >= from) && (to == "" || d.Date <= to) {
			out = append(out, d)
		}
	}
	return out[:min(len(out), perPage)], len(out), nil
}

type fixture struct {
	svc                   *production.Service
	store                 *memStore
	tangA, closed, xianA  string
	admin, town, clerk    fugong.Actor
	stat, coord, checkpnt fugong.Actor
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{store: &memStore{essential: map[string]production.Essential{}},
		tangA: code(t, "MA2AAAA01"), closed: code(t, "MA2DDDD04"), xianA: code(t, "MA2CCCC03")}
	reg := firms{byCode: map[string]registry.Enterprise{}}
	for _, e := range []registry.Enterprise{
		{USCC: f.tangA, Name: "塘下汽配", Town: tangxia, Employees: 20, Status: registry.StatusActive},
		{USCC: f.closed, Name: "塘下旧厂", Town: tangxia, Employees: 20, Status: registry.StatusClosed},
		{USCC: f.xianA, Name: "仙降鞋业", Town: xianjiang, Employees: 20, Status: registry.StatusActive},
	} {
		e.CreatedAt = registered
		reg.byCode[e.USCC] = e
	}
	f.svc = &production.Service{Store: f.store, Registry: &registry.Service{Store: reg}, Now: func() time.Time { return now }}
	f.admin = fugong.Actor{Role: fugong.RoleAdmin}
	f.town = fugong.Actor{Role: fugong.RoleTown, Town: tangxia}
	f.clerk = fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: f.tangA}
	f.stat = fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	f.coord = fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupCoordination}
	f.checkpnt = fugong.Actor{Role: fugong.RoleCheckpoint, Town: xianjiang}
	return f
}

// wantErr checks an error's code and field, and that nothing was stored.
func (f *fixture) wantErr(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	e := fugong.AsError(err)
	if e == nil || e.Code != code || e.Field != field {
		t.Errorf("%s: %v, want %s on %q", what, err, code, field)
	}
	if f.store.writes != 0 {
		t.Errorf("%s: stored %d times", what, f.store.writes)
	}
}

var closedDay = production.Figures{Status: production.StatusClosed, OnPostPct: 5, Upstream: production.SupplyNormal, Downstream: production.SupplyNormal}

// TestPutDayOrder: whatever else is wrong, the first check that fails is
// the answer: scope, then the right to report, then the firm active, then
// the day, then what the caller could not read, then the figures' rules.
func TestPutDayOrder(t *testing.T) {
	left := production.Required("capacity_pct")
	bad := production.Figures{Status: "open", Upstream: "x", Downstream: "normal"}
	for _, c := range []struct {
		name        string
		a           func(*fixture) fugong.Actor
		firm        func(*fixture) string
		date        string
		f           production.Figures
		unread      []fugong.Problem
		code, field string
	}{
		{"out of scope, everything wrong", (*fixture).townActor, (*fixture).xianFirm, "2020-02-11", bad, []fugong.Problem{left}, fugong.ENotFound, ""},
		{"not allowed, everything else wrong", (*fixture).statActor, (*fixture).tangFirm, "2020-02-11", bad, []fugong.Problem{left}, fugong.EForbidden, ""},
		{"closed firm, bad day and input", (*fixture).townActor, (*fixture).closedFirm, "2020-02-11", bad, []fugong.Problem{left}, fugong.EConflict, "uscc"},
		{"future day, unread input", (*fixture).townActor, (*fixture).tangFirm, "2020-02-11", bad, []fugong.Problem{left}, fugong.EInvalid, "date"},
		{"before registration", (*fixture).townActor, (*fixture).tangFirm, "2020-01-31", closedDay, nil, fugong.EInvalid, "date"},
		{"not a day", (*fixture).townActor, (*fixture).tangFirm, "2020-02-30", closedDay, nil, fugong.EInvalid, "date"},
		{"unread before the rules", (*fixture).townActor, (*fixture).tangFirm, "2020-02-10", bad, []fugong.Problem{left}, fugong.EInvalid, "capacity_pct"},
		{"the rules", (*fixture).townActor, (*fixture).tangFirm, "2020-02-10", bad, nil, fugong.EInvalid, "status"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			_, _, err := f.svc.PutDay(context.Background(), c.a(f), c.firm(f), c.date, c.f, c.unread...)
			f.wantErr(t, c.name, err, c.code, c.field)
		})
	}
	// Unread problems are refused as they are, every one of them.
	f := newFixture(t)
	_, _, err := f.svc.PutDay(context.Background(), f.town, f.tangA, "2020-02-10", production.Figures{},
		production.Required("status"), production.Required("upstream"))
	if e := fugong.AsError(err); e == nil || len(e.Problems) != 2 || e.Message != "请填写生产状态" {
		t.Errorf("unread: %v", err)
	}
	d, created, err := f.svc.PutDay(context.Background(), f.clerk, f.tangA, "2020-02-10", closedDay)
	if err != nil || !created || d.StaffOnPost != 1 {
		t.Errorf("a good day: %+v %v %v", d, created, err)
	}
}

func (f *fixture) townActor() fugong.Actor { return f.town }
func (f *fixture) statActor() fugong.Actor { return f.stat }
func (f *fixture) tangFirm() string        { return f.tangA }
func (f *fixture) xianFirm() string        { return f.xianA }
func (f *fixture) closedFirm() string      { return f.closed }

var pdf = files.Upload{Name: "预案.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}

// TestApplyOrder: an application, and its plan, are judged after who may
// apply for which firm; the plan is a PDF or a photo, judged with the
// application's fields.
func TestApplyOrder(t *testing.T) {
	good := production.ApplicationInput{PlannedDate: "2020-02-12", StaffExpected: 10}
	text := &files.Upload{Name: "预案.pdf", Data: []byte("just text")}
	left := production.Required("staff_expected")
	ctx := context.Background()
	for _, c := range []struct {
		name        string
		a           func(*fixture) fugong.Actor
		firm        func(*fixture) string
		in          production.ApplicationInput
		plan        *files.Upload
		unread      []fugong.Problem
		code, field string
	}{
		{"out of scope", (*fixture).townActor, (*fixture).xianFirm, production.ApplicationInput{}, text, []fugong.Problem{left}, fugong.ENotFound, ""},
		{"not allowed", (*fixture).statActor, (*fixture).tangFirm, production.ApplicationInput{}, text, []fugong.Problem{left}, fugong.EForbidden, ""},
		{"closed firm", (*fixture).townActor, (*fixture).closedFirm, production.ApplicationInput{}, text, []fugong.Problem{left}, fugong.EConflict, "uscc"},
		{"unread first", (*fixture).townActor, (*fixture).tangFirm, production.ApplicationInput{}, text, []fugong.Problem{left}, fugong.EInvalid, "staff_expected"},
		{"a plan that is text", (*fixture).townActor, (*fixture).tangFirm, good, text, nil, fugong.EInvalid, "plan"},
		{"a plan too large", (*fixture).townActor, (*fixture).tangFirm, good, &files.Upload{Name: "a.pdf", Data: make([]byte, files.MaxSize+1)}, nil, fugong.ETooLarge, "plan"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.svc.Apply(ctx, c.a(f), c.firm(f), c.in, c.plan, c.unread...)
			f.wantErr(t, c.name, err, c.code, c.field)
		})
	}
	// The fields' problems and the plan's come together.
	f := newFixture(t)
	_, err := f.svc.Apply(ctx, f.town, f.tangA, production.ApplicationInput{PlannedDate: "2020-02-01", StaffExpected: 5}, text)
	if e := fugong.AsError(err); e == nil || len(e.Problems) != 2 || e.Problems[0].Field != "planned_date" || e.Problems[1].Field != "plan" {
		t.Errorf("fields and plan: %v", err)
	}
	app, err := f.svc.Apply(ctx, f.clerk, f.tangA, good, &pdf)
	if err != nil || app.Plan == nil || app.Plan.ContentType != files.PDF {
		t.Errorf("with its plan: %+v %v", app, err)
	}
}

func TestSetEssentialOrder(t *testing.T) {
	left := fugong.Problem{Field: "essential", Message: "请说明"}
	ctx := context.Background()
	f := newFixture(t)
	_, _, err := f.svc.SetEssential(ctx, f.coord, code(t, "MA9999999"), true, "", left)
	f.wantErr(t, "no such firm", err, fugong.ENotFound, "")
	_, _, err = f.svc.SetEssential(ctx, f.town, f.tangA, true, "", left)
	f.wantErr(t, "the town", err, fugong.EForbidden, "")
	_, _, err = f.svc.SetEssential(ctx, f.coord, f.closed, true, strings.Repeat("因", production.MaxEssentialReason+1), left)
	f.wantErr(t, "unread", err, fugong.EInvalid, "essential")
	_, _, err = f.svc.SetEssential(ctx, f.coord, f.closed, true, strings.Repeat("因", production.MaxEssentialReason+1))
	f.wantErr(t, "long reason", err, fugong.EInvalid, "reason")
	_, _, err = f.svc.SetEssential(ctx, f.coord, f.closed, true, "保供")
	f.wantErr(t, "closed firm", err, fugong.EConflict, "uscc")
	if _, on, err := f.svc.SetEssential(ctx, f.coord, f.closed, false, ""); err != nil || on {
		t.Errorf("a closed firm comes off the list: %v %v", on, err)
	}
}

// TestStanding: what the enterprise's page shows follows the rules of
// Apply and PutDay.
func TestStanding(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	st, err := f.svc.Standing(ctx, f.clerk, f.tangA)
	if err != nil || st.Open != nil || st.Permitted() || !st.CanApply || !st.CanReport || st.Essential.Name != "塘下汽配" {
		t.Fatalf("a firm with nothing: %+v %v", st, err)
	}
	if _, err := f.svc.Standing(ctx, f.clerk, f.xianA); fugong.ErrorCode(err) != fugong.ENotFound {
		t.Errorf("another firm: %v", err)
	}
	if st, _ := f.svc.Standing(ctx, f.stat, f.tangA); st.CanApply || st.CanReport {
		t.Errorf("the statistics group may apply or report: %+v", st)
	}
	if st, _ := f.svc.Standing(ctx, f.town, f.closed); st.CanApply || st.CanReport {
		t.Errorf("a closed firm takes applications or days: %+v", st)
	}
	// Returned, then submitted: the submitted one is open, no new one.
	decided := now
	f.store.apps = []production.Application{
		{ID: 2, USCC: f.tangA, Status: production.AppSubmitted},
		{ID: 1, USCC: f.tangA, Status: production.AppReturned, DecidedAt: &decided},
	}
	st, _ = f.svc.Standing(ctx, f.town, f.tangA)
	if st.Open == nil || st.Open.ID != 2 || st.CanApply || st.Permitted() || len(st.Applications) != 2 {
		t.Errorf("pending: %+v", st)
	}
	f.store.apps[0].Status, f.store.apps[0].DecidedAt = production.AppApproved, &decided
	st, _ = f.svc.Standing(ctx, f.town, f.tangA)
	if st.Approved == nil || st.Approved.ID != 2 || st.Open.ID != 2 || !st.Permitted() || st.CanApply {
		t.Errorf("approved: %+v", st)
	}
	f.store.apps = nil
	f.store.essential[f.tangA] = production.Essential{USCC: f.tangA, Reason: "保供"}
	st, _ = f.svc.Standing(ctx, f.town, f.tangA)
	if !st.IsEssential || !st.Permitted() || st.Essential.Reason != "保供" {
		t.Errorf("essential: %+v", st)
	}
}

func TestLatestAndViewDay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, ok, err := f.svc.Latest(ctx, f.town, f.tangA, "2020-02-10"); ok || err != nil {
		t.Errorf("never reported: %v %v", ok, err)
	}
	f.store.days = []production.Day{{USCC: f.tangA, Date: "2020-02-08", Figures: closedDay}, {USCC: f.tangA, Date: "2020-02-05"}}
	for date, want := range map[string]string{"2020-02-10": "2020-02-08", "2020-02-08": "2020-02-08", "2020-02-07": "2020-02-05", "2020-02-04": ""} {
		d, ok, err := f.svc.Latest(ctx, f.town, f.tangA, date)
		if err != nil || ok != (want != "") || d.Date != want {
			t.Errorf("as of %s: %s %v %v, want %s", date, d.Date, ok, err, want)
		}
	}
	if _, _, err := f.svc.Latest(ctx, f.town, f.xianA, "2020-02-10"); fugong.ErrorCode(err) != fugong.ENotFound {
		t.Errorf("out of scope: %v", err)
	}
	if _, _, err := f.svc.Latest(ctx, f.town, f.tangA, "2020-2-10"); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("not a day: %v", err)
	}
	for date, want := range map[string]string{"": "2020-02-10", "2020-02-10": "2020-02-10", "2020-01-01": "2020-01-01", "2020-02-11": "", "2020-02-30": "", "x": ""} {
		got, err := f.svc.ViewDay(date)
		if got != want || (want == "") != (fugong.ErrorCode(err) == fugong.EInvalid) {
			t.Errorf("ViewDay(%q) = %q %v, want %q", date, got, err, want)
		}
	}
	if _, err := f.svc.ViewDay("2020-02-11"); err == nil || !strings.Contains(err.Error(), "未来日期") || fugong.AsError(err).Field != "date" {
		t.Errorf("future: %v", err)
	}
}

func TestPlanWindowAndScopeName(t *testing.T) {
	first, last := production.PlanWindow(time.Date(2020, 2, 9, 23, 30, 0, 0, time.UTC))
	if first != "2020-02-10" || last != "2020-04-10" {
		t.Errorf("window %s–%s", first, last)
	}
	for a, want := range map[fugong.Actor]string{
		{Role: fugong.RoleAdmin}: "全市", {Role: fugong.RoleBureau}: "全市", {Role: fugong.RoleTown, Town: tangxia}: "塘下镇",
		{Role: fugong.RoleCadre}: "结对企业", {Role: fugong.RoleEnterprise}: "本企业", {Role: fugong.RoleCheckpoint}: "您的范围内",
	} {
		if got := production.ScopeName(a); got != want {
			t.Errorf("%+v: %s, want %s", a, got, want)
		}
	}
	if production.CanSee(fugong.Actor{Role: fugong.RoleCheckpoint}) || !production.CanSee(fugong.Actor{Role: fugong.RoleEnterprise}) {
		t.Error("CanSee")
	}
}
