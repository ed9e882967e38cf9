package production

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/daily"
	"fugong/production"
	"fugong/registry"
	"fugong/web"
	"fugong/web/chart"
)

// The pages of resumption and production (M4, 复工复产): the day's figures
// with their headline, charts and drill-down, the towns' approval of
// applications, the essential list, and each enterprise's own page where it
// applies and reports its production.

// productionPath is an enterprise's production page.
func productionPath(uscc string) string { return web.EnterprisePath(uscc) + "/production" }

// choice is an option of a select.
type choice struct{ Value, Label string }

// drillQuery is the query of a drill-down list.
func drillQuery(date, town, status, size string) template.URL {
	v := url.Values{"date": {date}}
	for k, x := range map[string]string{"town": town, "status": status, "size_class": size} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return template.URL(v.Encode())
}

var productionStatusChoices = []choice{{production.StatusClosed, production.StatusNames[production.StatusClosed]},
	{production.StatusResumed, production.StatusNames[production.StatusResumed]}, {production.StatusFull, production.StatusNames[production.StatusFull]}}

var supplyChoices = []choice{{production.SupplyNormal, production.SupplyNames[production.SupplyNormal]},
	{production.SupplyStrained, production.SupplyNames[production.SupplyStrained]}, {production.SupplyBroken, production.SupplyNames[production.SupplyBroken]}}

// ---- The day's figures ---------------------------------------------------------

// areaRow is one line of the figures tables: an area and its drill-down links.
type areaRow struct {
	Name string
	production.Area
	Rate, RateClass, Avg, WorkingAvg, Weighted, OnPost string
	AllQ, ClosedQ, ResumedQ, FullQ, WorkingQ           template.URL
	// AboveText and BelowText are a town's 规上 and 规下 back at work.
	AboveText, BelowText string
}

func newAreaRow(name string, a production.Area, date, town, size string) areaRow {
	return areaRow{Name: name, Area: a, Rate: web.Pct(a.WorkingRate), RateClass: web.RateClass(a.WorkingRate), Avg: web.Pct(a.AvgCapacity),
		WorkingAvg: web.Pct(a.WorkingAvgCapacity), Weighted: web.Pct(a.WeightedCapacity), OnPost: web.Pct(a.OnPostRate),
		AllQ: drillQuery(date, town, "", size), ClosedQ: drillQuery(date, town, production.StatusClosed, size),
		ResumedQ: drillQuery(date, town, production.StatusResumed, size), FullQ: drillQuery(date, town, production.StatusFull, size),
		WorkingQ: drillQuery(date, town, "working", size)}
}

type productionPage struct {
	web.Base
	Date, Today   string
	IsToday       bool
	DateError     string
	City          areaRow
	Headline      []string
	Sizes         []areaRow
	Towns         []areaRow
	TrendChart    template.HTML
	TownChart     template.HTML
	Pending       int
	CanDecide     bool
	CanEssential  bool
	EssentialSize int
}

func (m *module) productionOverview(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise {
		return web.SeeOther(w, r, productionPath(a.Enterprise))
	}
	if !production.CanSee(a) {
		return fugong.NotFound("页面")
	}
	ctx := r.Context()
	date, problem := m.productionDayParam(r)
	from := web.ShiftDay(date, -(web.ChartDays - 1))
	sum, trend, err := m.svc.Overview(ctx, a, from, date)
	if err != nil {
		return err
	}
	today := daily.Today(m.svc.Now())
	p := productionPage{Base: ss.Base("复工复产", "/production"), Date: date, Today: today, IsToday: date == today,
		DateError: problem, Headline: production.Headline(sum, production.ScopeName(a)), CanDecide: production.CanDecide(a),
		CanEssential: production.CanManageEssential(a)}
	p.City = newAreaRow(production.ScopeName(a), sum.City, date, "", "")
	p.City.AboveText, p.City.BelowText = sizeText(sum.BySize.Above), sizeText(sum.BySize.Below)
	p.Sizes = []areaRow{newAreaRow("规上", sum.BySize.Above, date, "", registry.SizeAbove),
		newAreaRow("规下", sum.BySize.Below, date, "", registry.SizeBelow)}
	bars := chart.HBar{Title: date + " 各乡镇街道复工率", Max: 100, Unit: "%", Legend: chart.RateLegend()}
	for _, t := range sum.Towns {
		row := newAreaRow(t.Name, t.Area, date, t.Town, "")
		row.AboveText, row.BelowText = sizeText(t.BySize.Above), sizeText(t.BySize.Below)
		p.Towns = append(p.Towns, row)
		bars.Bars = append(bars.Bars, chart.Bar{Label: t.Name, Value: t.WorkingRate, Fill: chart.RateColor(t.WorkingRate),
			Text:  web.Pct(t.WorkingRate) + "%",
			Title: fmt.Sprintf("%s 已复工 %d / %d 家（%s%%），点击查看企业", t.Name, t.Working, t.Total, web.Pct(t.WorkingRate)),
			Href:  "/production/enterprises?" + string(drillQuery(date, t.Town, "", ""))})
	}
	p.TownChart = bars.HTML()

	// Today's reports are still coming in: its point is marked, not a plunge.
	line := chart.Line{Title: fmt.Sprintf("近%d天复工率与产能恢复（%s 至 %s）", web.ChartDays, from, date), Max: 100, Unit: "%",
		Unfinished: date == daily.Today(m.svc.Now())}
	above := chart.Series{Name: "规上复工率", Color: chart.Red}
	below := chart.Series{Name: "规下复工率", Color: chart.Blue}
	capacity := chart.Series{Name: "加权产能", Color: chart.Green, Dashed: true}
	for _, d := range trend {
		line.Labels = append(line.Labels, d.Date[5:])
		above.Values = append(above.Values, d.BySize.Above.WorkingRate)
		above.Tips = append(above.Tips, fmt.Sprintf("%s 规上已复工 %d / %d 家（%s%%）", d.Date, d.BySize.Above.Working, d.BySize.Above.Total, web.Pct(d.BySize.Above.WorkingRate)))
		below.Values = append(below.Values, d.BySize.Below.WorkingRate)
		below.Tips = append(below.Tips, fmt.Sprintf("%s 规下已复工 %d / %d 家（%s%%）", d.Date, d.BySize.Below.Working, d.BySize.Below.Total, web.Pct(d.BySize.Below.WorkingRate)))
		capacity.Values = append(capacity.Values, d.WeightedCapacity)
		capacity.Tips = append(capacity.Tips, fmt.Sprintf("%s 按职工加权产能恢复 %s%%，在岗 %d 人", d.Date, web.Pct(d.WeightedCapacity), d.StaffOnPost))
	}
	line.Series = []chart.Series{above, below, capacity}
	p.TrendChart = line.HTML()

	if _, p.Pending, err = m.svc.Applications(ctx, a, production.AppFilter{Status: production.AppSubmitted, Page: 1, PerPage: 1}); err != nil {
		return err
	}
	if _, p.EssentialSize, err = m.svc.EssentialList(ctx, a, 1, 1); err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "production", p)
	return nil
}

// productionDayParam reads ?date= as the service's ViewDay takes it; a day
// it refuses is reported and replaced by today.
func (m *module) productionDayParam(r *http.Request) (date, problem string) {
	date, err := m.svc.ViewDay(r.URL.Query().Get("date"))
	if err != nil {
		return daily.Today(m.svc.Now()), fugong.AsError(err).Message + "，已显示今天"
	}
	return date, ""
}

// ---- Drill-down --------------------------------------------------------------------

type drillRow struct {
	production.EnterpriseDay
	StatusName, SizeName, UpName, DownName string
}

type drillPage struct {
	web.Base
	Pager                           web.Pager
	Date, Today, Town, Status, Size string
	Towns                           []registry.Town
	Statuses                        []choice
	Items                           []drillRow
	Total, Page, Pages              int
	Query                           template.URL // the filters without the page
	Title                           string
	FilterError                     string
}

func (m *module) productionDrill(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !production.CanSee(a) {
		return fugong.NotFound("页面")
	}
	q := r.URL.Query()
	date, problem := m.productionDayParam(r)
	p := drillPage{Base: ss.Base("复工复产企业清单", "/production"), Date: date, Today: daily.Today(m.svc.Now()),
		Towns: web.TownsFor(a), FilterError: problem, Page: 1,
		Statuses: append([]choice{{"working", "已复工（含满产）"}}, productionStatusChoices...)}
	pg := web.PageOf(r, registry.DefaultPerPage)
	f := production.Filter{Date: date, Town: q.Get("town"), Status: q.Get("status"), SizeClass: q.Get("size_class"), Page: pg.Page, PerPage: pg.PerPage}
	items, total, err := m.svc.Enterprises(r.Context(), a, f)
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EInvalid {
		p.FilterError = e.Message + "，已显示全部"
		f = production.Filter{Date: date, Page: 1, PerPage: pg.PerPage}
		items, total, err = m.svc.Enterprises(r.Context(), a, f)
	}
	if err != nil {
		return err
	}
	if t, ok := registry.TownByNameOrCode(f.Town); ok {
		f.Town = t.Code
	}
	p.Town, p.Status, p.Size, p.Page = f.Town, f.Status, f.SizeClass, f.Page
	p.Total, p.Pages = total, pg.Pages(total)
	p.Pager = pg.Pager(r, total)
	for _, it := range items {
		p.Items = append(p.Items, drillRow{EnterpriseDay: it, StatusName: production.StatusNames[it.Status],
			SizeName: registry.SizeNames[it.SizeClass], UpName: production.SupplyNames[it.Upstream], DownName: production.SupplyNames[it.Downstream]})
	}
	p.Query = drillQuery(date, p.Town, p.Status, p.Size)
	var parts []string
	if t, ok := registry.TownByCode(p.Town); ok {
		parts = append(parts, t.Name)
	}
	if n := registry.SizeNames[p.Size]; n != "" {
		parts = append(parts, n)
	}
	for _, c := range p.Statuses {
		if c.Value == p.Status {
			parts = append(parts, c.Label)
		}
	}
	p.Title = strings.Join(parts, " · ")
	ss.Render(w, r, http.StatusOK, "production_enterprises", p)
	return nil
}

func (m *module) productionDrillExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !production.CanSee(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	return m.productionExport(w, r, ss.Actor())
}

// ---- Applications -----------------------------------------------------------------

// appView is an application as the pages show it.
type appView struct {
	production.Application
	StatusName, PlanURL, Submitted, Decided string
	CanDecide                               bool
	Error                                   string // a refused decision on it
	Reason                                  string // the reason typed into a refused return
}

func (m *module) appView(a fugong.Actor, app production.Application) appView {
	v := appView{Application: app, StatusName: production.AppStatusNames[app.Status],
		Submitted: app.SubmittedAt.In(fugong.Location).Format("01-02 15:04"),
		CanDecide: production.CanDecide(a) && app.Status == production.AppSubmitted}
	if app.Plan != nil {
		v.PlanURL = web.FileURL(app.Plan.ID)
	}
	if app.DecidedAt != nil {
		v.Decided = app.DecidedAt.In(fugong.Location).Format("01-02 15:04")
	}
	return v
}

// allApps is the list's filter value for every status: the list opens on
// the applications waiting for a decision, the town's work, and 全部 must
// be a value of its own for the pager's links to keep it.
const allApps = "all"

// appStatusParam is the status the list shows: ?status= as asked, 待审批
// when not asked, every status for "all" or an empty choice.
func appStatusParam(q url.Values) string {
	switch st, asked := q.Get("status"), q.Has("status"); {
	case !asked:
		return production.AppSubmitted
	case st == "":
		return allApps
	default:
		return st
	}
}

type applicationsPage struct {
	web.Base
	Pager              web.Pager
	Status, Town       string
	Statuses           []choice
	Towns              []registry.Town
	Items              []appView
	Total, Page, Pages int
	Query              template.URL
	OK, Alert          string
	CanDecide          bool
}

func (m *module) productionApplications(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showApplications(w, r, ss, http.StatusOK, nil)
}

// showApplications renders the list; failed, when set, is a decision that
// was refused, shown on its row.
func (m *module) showApplications(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, failed *appView) error {
	a := ss.Actor()
	if !production.CanSee(a) {
		return fugong.NotFound("页面")
	}
	q := r.URL.Query()
	p := applicationsPage{Base: ss.Base("复工申请", "/production"), Status: appStatusParam(q), Town: q.Get("town"),
		Towns: web.TownsFor(a), Page: 1, CanDecide: production.CanDecide(a)}
	for _, st := range production.AppStatuses {
		p.Statuses = append(p.Statuses, choice{st, production.AppStatusNames[st]})
	}
	pg := web.PageOf(r, registry.DefaultPerPage)
	p.Page = pg.Page
	f := production.AppFilter{Status: p.Status, Town: p.Town, Page: pg.Page, PerPage: pg.PerPage}
	if f.Status == allApps {
		f.Status = ""
	}
	apps, total, err := m.svc.Applications(r.Context(), a, f)
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EInvalid {
		p.Alert = e.Message + "，已显示全部"
		p.Status, p.Town = allApps, ""
		apps, total, err = m.svc.Applications(r.Context(), a, production.AppFilter{Page: pg.Page, PerPage: pg.PerPage})
	}
	if err != nil {
		return err
	}
	if t, ok := registry.TownByNameOrCode(p.Town); ok {
		p.Town = t.Code
	}
	p.Total, p.Pages = total, pg.Pages(total)
	p.Pager = pg.PagerAt("/production/applications", q, total)
	for _, app := range apps {
		v := m.appView(a, app)
		if failed != nil && failed.ID == app.ID {
			v.Error, v.Reason = failed.Error, failed.Reason
		}
		p.Items = append(p.Items, v)
	}
	if failed != nil {
		p.Alert = fmt.Sprintf("第 %d 号申请未能处理：%s", failed.ID, failed.Error)
	}
	switch q.Get("done") {
	case "approved":
		p.OK = fmt.Sprintf("第 %s 号复工申请已批准，企业可以填报复工。", q.Get("id"))
	case "returned":
		p.OK = fmt.Sprintf("第 %s 号复工申请已退回，企业可修改后重新申请。", q.Get("id"))
	}
	v := url.Values{}
	if p.Status != "" {
		v.Set("status", p.Status)
	}
	if p.Town != "" {
		v.Set("town", p.Town)
	}
	p.Query = template.URL(v.Encode())
	ss.Render(w, r, status, "production_applications", p)
	return nil
}

func (m *module) productionApprove(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.decideAction(w, r, ss, false)
}

func (m *module) productionReturn(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.decideAction(w, r, ss, true)
}

// decideAction approves or returns an application and goes back to the
// list it was decided on; a refusal shows on the application's row.
func (m *module) decideAction(w http.ResponseWriter, r *http.Request, ss *web.Session, ret bool) error {
	id, err := applicationID(r)
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	if ret {
		_, err = m.svc.Return(r.Context(), ss.Actor(), id, reason)
	} else {
		_, err = m.svc.Approve(r.Context(), ss.Actor(), id)
	}
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	if back == nil {
		back = url.Values{}
	}
	if err == nil {
		back.Set("done", map[bool]string{false: "approved", true: "returned"}[ret])
		back.Set("id", strconv.FormatInt(id, 10))
		return web.SeeOther(w, r, "/production/applications?"+back.Encode())
	}
	e := fugong.AsError(err)
	if e == nil || (e.Code != fugong.EInvalid && e.Code != fugong.EConflict) {
		return err
	}
	r.URL.RawQuery = back.Encode()
	return m.showApplications(w, r, ss, web.Status(e.Code), &appView{Application: production.Application{ID: id}, Error: e.Message, Reason: reason})
}

// ---- The essential list --------------------------------------------------------------

type essentialPage struct {
	web.Base
	Pager              web.Pager
	Items              []production.Essential
	Total, Page, Pages int
	CanManage          bool
	USCC, Reason       string
	OK, Alert          string
}

func (m *module) productionEssential(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showEssential(w, r, ss, http.StatusOK, "", "", "")
}

func (m *module) showEssential(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, alert, uscc, reason string) error {
	a := ss.Actor()
	if !production.CanSee(a) {
		return fugong.NotFound("页面")
	}
	p := essentialPage{Base: ss.Base("保供重点企业名单", "/production"), Page: 1, CanManage: production.CanManageEssential(a),
		Alert: alert, USCC: uscc, Reason: reason}
	pg := web.PageOf(r, registry.DefaultPerPage)
	p.Page = pg.Page
	var err error
	if p.Items, p.Total, err = m.svc.EssentialList(r.Context(), a, pg.Page, pg.PerPage); err != nil {
		return err
	}
	p.Pages = pg.Pages(p.Total)
	p.Pager = pg.PagerAt("/production/essential", url.Values{"per_page": r.URL.Query()["per_page"]}, p.Total)
	switch r.URL.Query().Get("done") {
	case "added":
		p.OK = "已列入保供重点企业名单，该企业无需复工申请即可填报复工。"
	case "removed":
		p.OK = "已移出保供重点企业名单。"
	}
	ss.Render(w, r, status, "production_essential", p)
	return nil
}

// productionEssentialSet puts an enterprise on the list or takes it off,
// from the list page or the enterprise's page (back names which).
func (m *module) productionEssentialSet(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	typed := strings.TrimSpace(r.PostFormValue("uscc"))
	on := r.PostFormValue("essential") == "true"
	reason := r.PostFormValue("reason")
	fromEnterprise := r.PostFormValue("back") == "enterprise"
	// The list's field takes a firm's exact name too (the picker's label).
	uscc, err := m.svc.Registry.Resolve(r.Context(), ss.Actor(), "uscc", typed)
	if err == nil {
		_, _, err = m.svc.SetEssential(r.Context(), ss.Actor(), uscc, on, reason)
	}
	if err == nil {
		done := map[bool]string{true: "added", false: "removed"}[on]
		if fromEnterprise {
			return web.SeeOther(w, r, productionPath(uscc)+"?essential="+done)
		}
		return web.SeeOther(w, r, "/production/essential?done="+done)
	}
	e := fugong.AsError(err)
	switch {
	case e == nil || e.Code == fugong.EInternal || e.Code == fugong.EForbidden:
		return err
	case e.Code == fugong.ENotFound && !fromEnterprise:
		// Typed into the form: say so on the form, as for a typo.
		return m.showEssential(w, r, ss, http.StatusNotFound, "没有找到统一社会信用代码为“"+typed+"”的企业（或不在您的范围内）", typed, reason)
	case e.Code == fugong.ENotFound:
		return err
	case fromEnterprise:
		return m.showProductionEnterprise(w, r, ss, web.Status(e.Code), uscc, enterpriseForms{essentialError: e.Message})
	}
	return m.showEssential(w, r, ss, web.Status(e.Code), e.Message, typed, reason)
}

// ---- An enterprise's page --------------------------------------------------------------

type appForm struct {
	PlannedDate, StaffExpected, Note string
}

type dayForm struct {
	Date, Status, CapacityPct, OnPostPct, Upstream, Downstream, Note string
}

type dayRow struct {
	production.Day
	StatusName, UpName, DownName string
}

// enterpriseForms are what a refused form on the enterprise's page brings
// back to it: what was typed and what was wrong.
type enterpriseForms struct {
	app            *appForm
	appErrors      map[string]string
	appError       string
	day            *dayForm
	dayErrors      map[string]string
	dayError       string
	essentialError string
}

type prodEnterprisePage struct {
	web.Base
	E               registry.Enterprise
	Today           string
	Essential       production.Essential
	IsEssential     bool
	CanEssential    bool
	EssentialError  string
	Apps            []appView
	Open            *appView
	CanApply        bool
	App             appForm
	AppErrors       map[string]string
	AppError        string
	MaxPlanned      string
	Permit          string
	PermitOK        bool
	CanReport       bool
	Day             dayForm
	DayErrors       map[string]string
	DayError        string
	DayInfo         string
	Days            []dayRow
	Statuses, Sups  []choice
	OK              string
	FullThreshold   int
	AcceptPlanTypes string
}

func (m *module) productionEnterprise(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showProductionEnterprise(w, r, ss, http.StatusOK, r.PathValue("uscc"), enterpriseForms{})
}

func (m *module) showProductionEnterprise(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, uscc string, forms enterpriseForms) error {
	a := ss.Actor()
	ctx := r.Context()
	st, err := m.svc.Standing(ctx, a, uscc)
	if err != nil {
		return err
	}
	e := st.Enterprise
	today := daily.Today(m.svc.Now())
	_, maxPlanned := production.PlanWindow(m.svc.Now())
	p := prodEnterprisePage{Base: ss.Base(e.Name+" · 复工复产", "/production"), E: e, Today: today,
		Essential: st.Essential, IsEssential: st.IsEssential, CanEssential: production.CanManageEssential(a), EssentialError: forms.essentialError,
		CanApply: st.CanApply, CanReport: st.CanReport, MaxPlanned: maxPlanned, Statuses: productionStatusChoices, Sups: supplyChoices,
		FullThreshold: production.FullThreshold, AcceptPlanTypes: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
		AppErrors: forms.appErrors, AppError: forms.appError, DayErrors: forms.dayErrors, DayError: forms.dayError}
	for _, app := range st.Applications {
		v := m.appView(a, app)
		p.Apps = append(p.Apps, v)
		if st.Open != nil && app.ID == st.Open.ID {
			p.Open = &v
		}
	}
	switch {
	case st.IsEssential:
		p.Permit, p.PermitOK = "保供重点企业：无需复工申请，可直接填报复工。", true
	case st.Approved != nil:
		p.Permit, p.PermitOK = fmt.Sprintf("复工申请已于 %s 获批（计划 %s 复工），可以填报复工。",
			st.Approved.DecidedAt.In(fugong.Location).Format("2006-01-02"), st.Approved.PlannedDate), true
	case st.Open != nil:
		p.Permit = "复工申请待乡镇街道审批，获批前只能填报“停工”。"
	default:
		p.Permit = "尚未提交复工申请：获批前只能填报“停工”。"
	}
	p.App = appForm{PlannedDate: today}
	if forms.app != nil {
		p.App = *forms.app
	}

	days, _, err := m.svc.Days(ctx, a, e.USCC, web.ShiftDay(today, -(web.ChartDays-1)), today, 1, web.ChartDays)
	if err != nil {
		return err
	}
	for _, d := range days {
		p.Days = append(p.Days, dayRow{Day: d, StatusName: production.StatusNames[d.Status],
			UpName: production.SupplyNames[d.Upstream], DownName: production.SupplyNames[d.Downstream]})
	}
	if forms.day != nil {
		p.Day = *forms.day
	} else if p.Day, p.DayInfo, err = m.dayFormFor(ctx, a, e, m.formDate(r)); err != nil {
		return err
	}
	q := r.URL.Query()
	switch {
	case q.Get("applied") != "":
		p.OK = "复工申请已提交（第 " + q.Get("applied") + " 号），请等待乡镇街道审批。"
	case q.Get("saved") != "":
		p.OK = q.Get("saved") + " 的生产情况已保存。"
	case q.Get("essential") == "added":
		p.OK = "已列入保供重点企业名单。"
	case q.Get("essential") == "removed":
		p.OK = "已移出保供重点企业名单。"
	}
	ss.Render(w, r, status, "production_enterprise", p)
	return nil
}

// formDate is the day the status form is for: ?date= if ViewDay takes it,
// else today.
func (m *module) formDate(r *http.Request) string {
	d, err := m.svc.ViewDay(r.URL.Query().Get("date"))
	if err != nil {
		return daily.Today(m.svc.Now())
	}
	return d
}

// dayFormFor prefills the status form of a day with the firm's status as
// it stood then (production.Latest): the day's own figures, else the
// latest before it, else closed.
func (m *module) dayFormFor(ctx context.Context, a fugong.Actor, e registry.Enterprise, date string) (dayForm, string, error) {
	d, ok, err := m.svc.Latest(ctx, a, e.USCC, date)
	switch {
	case err != nil:
		return dayForm{}, "", err
	case !ok:
		return dayForm{Date: date, Status: production.StatusClosed, CapacityPct: "0", OnPostPct: "0",
			Upstream: production.SupplyNormal, Downstream: production.SupplyNormal}, date + " 尚未填报。", nil
	}
	f := dayForm{Date: date, Status: d.Status, CapacityPct: strconv.Itoa(d.CapacityPct), OnPostPct: strconv.Itoa(d.OnPostPct),
		Upstream: d.Upstream, Downstream: d.Downstream, Note: d.Note}
	if d.Date == date {
		return f, fmt.Sprintf("%s 已填报（第 %d 版，%s 由 %s 填报），可以修改，修改前的版本都会保留。",
			date, d.Version, d.UpdatedAt.Format("01-02 15:04"), d.UpdatedBy), nil
	}
	f.Note = ""
	return f, fmt.Sprintf("%s 尚未填报，已按 %s 的情况预填，请核对后保存。", date, d.Date), nil
}

// productionApply submits the application form. What the form could not
// read (a number that is not one, more than one plan) is refused by Apply
// in its order, after who may apply for which firm.
func (m *module) productionApply(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	uscc := r.PathValue("uscc")
	form := appForm{PlannedDate: strings.TrimSpace(r.PostFormValue("planned_date")),
		StaffExpected: strings.TrimSpace(web.HalfWidth(r.PostFormValue("staff_expected"))), Note: r.PostFormValue("note")}
	in := production.ApplicationInput{PlannedDate: form.PlannedDate, Note: form.Note}
	var unread []fugong.Problem
	var err error
	if in.StaffExpected, err = strconv.Atoi(form.StaffExpected); err != nil {
		unread = append(unread, fugong.Problem{Field: "staff_expected", Message: "预计到岗人数应为整数"})
	}
	plan, bad, err := readPlan(r)
	if e := fugong.AsError(err); e != nil {
		bad = []fugong.Problem{{Field: "plan", Message: e.Message}}
	} else if err != nil {
		return err
	}
	app, err := m.svc.Apply(r.Context(), ss.Actor(), uscc, in, plan, append(unread, bad...)...)
	if err == nil {
		return web.SeeOther(w, r, productionPath(app.USCC)+"?applied="+strconv.FormatInt(app.ID, 10))
	}
	e := fugong.AsError(err)
	switch {
	case e == nil || e.Code == fugong.EInternal || e.Code == fugong.ENotFound || e.Code == fugong.EForbidden:
		return err
	case e.Code == fugong.EConflict:
		return m.showProductionEnterprise(w, r, ss, http.StatusConflict, uscc, enterpriseForms{app: &form, appError: e.Message})
	case e.Code == fugong.ETooLarge && e.Field != "":
		// A plan too large is shown beside it, as any refused plan.
		err = fugong.Errorf(fugong.EInvalid, e.Field, "%s", e.Message)
	}
	fields, err := web.FieldErrors(err)
	if err != nil {
		return err
	}
	return m.showProductionEnterprise(w, r, ss, http.StatusBadRequest, uscc,
		enterpriseForms{app: &form, appErrors: fields, appError: "复工申请未提交，请修改标红的项目"})
}

// productionReport saves the status form. A percentage that is not a
// number is refused by PutDay in its order, after who may report on which
// firm and the day.
func (m *module) productionReport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	uscc := r.PathValue("uscc")
	form := dayForm{Date: strings.TrimSpace(r.PostFormValue("date")), Status: r.PostFormValue("status"),
		CapacityPct: strings.TrimSpace(web.HalfWidth(r.PostFormValue("capacity_pct"))), OnPostPct: strings.TrimSpace(web.HalfWidth(r.PostFormValue("on_post_pct"))),
		Upstream: r.PostFormValue("upstream"), Downstream: r.PostFormValue("downstream"), Note: r.PostFormValue("note")}
	var unread []fugong.Problem
	f := production.Figures{Status: form.Status, Upstream: form.Upstream, Downstream: form.Downstream, Note: form.Note}
	for _, n := range []struct {
		field, v string
		into     *int
	}{{"capacity_pct", form.CapacityPct, &f.CapacityPct}, {"on_post_pct", form.OnPostPct, &f.OnPostPct}} {
		v, err := strconv.Atoi(strings.TrimSuffix(n.v, "%"))
		if err != nil {
			unread = append(unread, fugong.Problem{Field: n.field, Message: production.FieldLabels[n.field] + "应为 0–100 的整数"})
			continue
		}
		*n.into = v
	}
	_, _, err := m.svc.PutDay(r.Context(), ss.Actor(), uscc, form.Date, f, unread...)
	if err == nil {
		return web.SeeOther(w, r, productionPath(uscc)+"?"+url.Values{"date": {form.Date}, "saved": {form.Date}}.Encode())
	}
	e := fugong.AsError(err)
	switch {
	case e == nil || e.Code == fugong.EInternal || e.Code == fugong.ENotFound || e.Code == fugong.EForbidden:
		return err
	case e.Code == fugong.EConflict:
		return m.showProductionEnterprise(w, r, ss, http.StatusConflict, uscc, enterpriseForms{day: &form, dayError: e.Message})
	}
	bad, err := web.FieldErrors(err)
	if err != nil {
		return err
	}
	return m.showProductionEnterprise(w, r, ss, http.StatusBadRequest, uscc,
		enterpriseForms{day: &form, dayErrors: bad, dayError: "生产情况未保存，请修改标红的项目"})
}
