package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/people"
	"fugong/registry"
	"fugong/web/chart"
)

// The daily report's pages (M2): the enterprise's form, completeness per
// town with the towns' sign-off, the call list of non-reporters and the
// deadline setting.

// dailyScope reports whether the actor's scope is a set of enterprises whose
// completeness means something: the city, a town, a cadre's enterprises.
func dailyScope(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown, fugong.RoleCadre:
		return true
	}
	return false
}

// chartDays is the span of the trend charts.
const chartDays = 30

// reportPath is the form of an enterprise's report for a day.
func reportPath(uscc, date string) string {
	return "/enterprises/" + url.PathEscape(uscc) + "/reports/" + url.PathEscape(date)
}

func (s *Server) today() string { return daily.Today(s.Daily.Now()) }

// shiftDay shifts a YYYY-MM-DD day.
func shiftDay(day string, n int) string {
	d, err := time.ParseInLocation(daily.DateLayout, day, fugong.Location)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, n).Format(daily.DateLayout)
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// rateClass names the colour band of a rate for the stylesheet, the same
// bands as the charts'.
func rateClass(v float64) string {
	switch {
	case v >= chart.GoodRate:
		return "good"
	case v >= chart.FairRate:
		return "fair"
	}
	return "poor"
}

// ---- The report form -------------------------------------------------------

// reportField is one count input of the form.
type reportField struct {
	Name, Label, Value, Hint, Error string
	Roster                          string // how it disagrees with the staff roster (ui_daily_roster.go)
}

type fieldGroup struct {
	Legend string
	Fields []reportField
}

// The form's groups: who the staff are, movements today, Hubei, health.
var reportGroups = []struct {
	legend string
	fields []string
}{
	{"职工情况", []string{"staff_total", "staff_in_city", "on_duty"}},
	{"当日返温与劝返", []string{"returned_today", "persuaded_today", "tickets_refunded_today"}},
	{"湖北籍职工", []string{"hubei_staff", "hubei_contacted_today"}},
	{"健康状况", []string{"quarantined", "fever"}},
}

var reportHints = map[string]string{
	"staff_in_city":          "不超过职工总数",
	"on_duty":                "停工期间在岗值守人员",
	"returned_today":         "今日返回瑞安的职工",
	"persuaded_today":        "今日劝其暂缓返瑞的职工",
	"tickets_refunded_today": "经劝导退票的职工",
	"hubei_contacted_today":  "不超过湖北籍人数",
	"quarantined":            "正在居家或集中隔离",
	"fever":                  "发热或有咳嗽等症状",
}

// todayFields are the movements of one day: a form prefilled from an
// earlier day starts them at 0, so yesterday's returns are not counted twice.
var todayFields = map[string]bool{"returned_today": true, "persuaded_today": true,
	"tickets_refunded_today": true, "hubei_contacted_today": true}

// shortLabels head the columns of the version and town tables.
var shortLabels = map[string]string{
	"staff_total": "职工", "staff_in_city": "在瑞", "returned_today": "返温", "persuaded_today": "劝返",
	"tickets_refunded_today": "劝退票", "hubei_staff": "湖北籍", "hubei_contacted_today": "已联系",
	"quarantined": "隔离", "fever": "发热", "on_duty": "值守",
}

type versionRow struct {
	daily.Report
	Cells []versionCell
}

type versionCell struct {
	Value   string
	Changed bool // differs from the version before
}

type reportFormPage struct {
	basePage
	E            registry.Enterprise
	Date         string
	IsToday      bool
	Prev, Next   string
	Deadline     string
	Status       string
	StatusClass  string
	StatusDetail string
	Locked       bool
	CanSubmit    bool
	Groups       []fieldGroup
	Signed       bool // the commitment letter checkbox
	Note         string
	Errors       map[string]string
	FormError    string
	Key          string
	Saved        int
	PrefillFrom  string
	Unsaved      []string // the changes a refused correction would have made
	Latest       *daily.Report
	Headers      []string
	Versions     []versionRow
	// The firm's staff roster, when it keeps one (ui_daily_roster.go).
	Roster        *people.RosterFigures
	RosterPrefill bool
}

// reportDay is what is known of an enterprise's report for a day.
type reportDay struct {
	E        registry.Enterprise
	Date     string
	Today    string
	Deadline daily.Deadline
	Latest   *daily.Report
	Versions []daily.Report
	Signoff  daily.Signoff
}

// loadReportDay reads an enterprise in the actor's scope and its report of
// a day: the versions, the latest with its totals, the town's sign-off.
func (s *Server) loadReportDay(ctx context.Context, a fugong.Actor, uscc, date string) (reportDay, error) {
	e, err := s.Daily.Registry.Get(ctx, a, uscc)
	if err != nil {
		return reportDay{}, err
	}
	if _, err := daily.ParseDate(date); err != nil {
		return reportDay{}, err
	}
	d := reportDay{E: e, Date: date, Today: s.today()}
	if date > d.Today {
		return reportDay{}, fugong.Errorf(fugong.EInvalid, "date", "不能填报或查看未来日期（%s）的日报", date)
	}
	if d.Deadline, err = s.Daily.Store.Deadline(ctx); err != nil {
		return reportDay{}, err
	}
	if d.Versions, err = s.Daily.Versions(ctx, a, e.USCC, date); err != nil {
		return reportDay{}, err
	}
	if len(d.Versions) > 0 {
		r, err := s.Daily.Get(ctx, a, e.USCC, date)
		if err != nil {
			return reportDay{}, err
		}
		d.Latest = &r
	}
	d.Signoff, err = s.Daily.Store.Signoff(ctx, e.Town, date)
	if err != nil && fugong.ErrorCode(err) != fugong.ENotFound {
		return reportDay{}, err
	}
	return d, nil
}

// status is the big line at the top of the form: is the day's report in,
// on time, locked.
func (d reportDay) status(now time.Time) (text, class, detail string) {
	day := d.Date + " 日报"
	if d.Date == d.Today {
		day = "今日日报"
	}
	dl := d.Deadline.String()
	switch {
	case d.Signoff.Signed:
		text, class = "已由乡镇确认，已锁定", "locked"
		detail = fmt.Sprintf("%s %s 于 %s 确认上报。如需修改，请联系乡镇街道重新打开。",
			d.E.TownName, d.Signoff.SignedBy, d.Signoff.SignedAt.In(fugong.Location).Format("01-02 15:04"))
		if d.Latest == nil {
			detail = day + "未提交。" + detail
		}
	case d.Latest != nil && d.Latest.OnTime:
		text, class = fmt.Sprintf("%s已提交（%s 前，按时）", day, dl), "ok"
	case d.Latest != nil:
		text, class = fmt.Sprintf("%s已提交（%s 后，逾期）", day, dl), "late"
	case d.Date == d.Today && !now.After(d.Deadline.At(d.Date)):
		text, class = fmt.Sprintf("%s尚未提交，截止 %s", day, dl), "due"
	default:
		text, class = fmt.Sprintf("%s尚未提交，已逾期（截止 %s）", day, dl), "overdue"
	}
	if class == "locked" {
		return text, class, detail
	}
	if d.Latest != nil {
		at := d.Latest.SubmittedAt.In(fugong.Location)
		when := at.Format("15:04")
		if daily.Today(at) != d.Date {
			when = at.Format("01-02 15:04")
		}
		detail = fmt.Sprintf("第 %d 版，%s 由 %s 提交。可以修改，每次修改都保留记录。", d.Latest.Version, when, d.Latest.SubmittedBy)
	}
	if d.Signoff.ReopenedBy != "" {
		detail = strings.TrimSpace(detail + " 乡镇街道已重新打开当日日报（原因：" + d.Signoff.ReopenReason + "）。")
	}
	return text, class, detail
}

func (s *Server) reportPage(ss *session, d reportDay) reportFormPage {
	active := "/reports"
	if ss.user.Role == fugong.RoleEnterprise {
		active = "/report"
	}
	p := reportFormPage{basePage: s.base(ss, d.E.Name+" · "+d.Date+" 日报", active), E: d.E, Date: d.Date,
		IsToday: d.Date == d.Today, Prev: shiftDay(d.Date, -1), Deadline: d.Deadline.String(),
		Locked: d.Signoff.Signed, CanSubmit: daily.CanReport(ss.actor()), Latest: d.Latest, Errors: map[string]string{}}
	if d.Date < d.Today {
		p.Next = shiftDay(d.Date, 1)
	}
	p.Status, p.StatusClass, p.StatusDetail = d.status(s.Daily.Now())
	for _, f := range daily.CountFields {
		p.Headers = append(p.Headers, shortLabels[f])
	}
	for i := len(d.Versions) - 1; i >= 0; i-- { // newest first
		v := d.Versions[i]
		row := versionRow{Report: v}
		var before []*int
		if i > 0 {
			before = d.Versions[i-1].Figures.Counts()
		}
		for j, c := range v.Figures.Counts() {
			row.Cells = append(row.Cells, versionCell{strconv.Itoa(*c), before != nil && *before[j] != *c})
		}
		p.Versions = append(p.Versions, row)
	}
	return p
}

// setFigures fills the form with figures.
func (p *reportFormPage) setFigures(f daily.Figures) {
	values := map[string]string{}
	for i, c := range f.Counts() {
		values[daily.CountFields[i]] = strconv.Itoa(*c)
	}
	p.setValues(values)
	p.Signed, p.Note = f.CommitmentSigned, f.Note
}

// setValues fills the count inputs with values as typed.
func (p *reportFormPage) setValues(values map[string]string) {
	p.Groups = nil
	for _, g := range reportGroups {
		fg := fieldGroup{Legend: g.legend}
		for _, name := range g.fields {
			fg.Fields = append(fg.Fields, reportField{Name: name, Label: daily.FieldLabels[name],
				Value: values[name], Hint: reportHints[name], Error: p.Errors[name]})
		}
		p.Groups = append(p.Groups, fg)
	}
}

// reportMine sends the clerk to today's form of their enterprise, and
// the users of a wider scope to the completeness page.
func (s *Server) reportMine(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleEnterprise {
		if !dailyScope(ss.actor()) {
			return fugong.NotFound("页面")
		}
		http.Redirect(w, r, "/reports", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, reportPath(ss.user.Enterprise, s.today()), http.StatusSeeOther)
	return nil
}

// reportOfToday sends to today's form of an enterprise (the link on its page).
func (s *Server) reportOfToday(w http.ResponseWriter, r *http.Request, ss *session) error {
	e, err := s.Daily.Registry.Get(r.Context(), ss.actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportPath(e.USCC, s.today()), http.StatusSeeOther)
	return nil
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request, ss *session) error {
	ctx := r.Context()
	d, err := s.loadReportDay(ctx, ss.actor(), r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	p := s.reportPage(ss, d)
	switch last, err := s.Daily.Store.LastReport(ctx, d.E.USCC, d.Date); {
	case d.Latest != nil:
		p.setFigures(d.Latest.Figures)
	case err == nil:
		f := last.Figures
		for i, c := range f.Counts() {
			if todayFields[daily.CountFields[i]] {
				*c = 0
			}
		}
		f.Note = ""
		p.setFigures(f)
		p.PrefillFrom = last.Date
	case fugong.ErrorCode(err) == fugong.ENotFound:
		p.setValues(map[string]string{})
	default:
		return err
	}
	if err := s.checkRoster(ctx, ss.actor(), &p, d.Latest == nil); err != nil {
		return err
	}
	p.Key = account.NewToken()
	p.Saved, _ = strconv.Atoi(r.URL.Query().Get("saved"))
	s.render(w, r, http.StatusOK, "report_form", p)
	return nil
}

// formFigures reads the report form: every count is required, a whole
// number; full-width digits typed with a Chinese input method are accepted.
func formFigures(r *http.Request) (daily.Figures, map[string]string, map[string]string) {
	var f daily.Figures
	raw, bad := map[string]string{}, map[string]string{}
	for i, c := range f.Counts() {
		name := daily.CountFields[i]
		v := strings.TrimSpace(toHalfWidth(r.PostFormValue(name)))
		raw[name] = v
		if v == "" {
			bad[name] = "请填写" + daily.FieldLabels[name] + "，没有请填 0"
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad[name] = daily.FieldLabels[name] + "应为整数"
			continue
		}
		*c = n
	}
	f.CommitmentSigned = r.PostFormValue("commitment_signed") == "true"
	f.Note = r.PostFormValue("note")
	return f, raw, bad
}

// unsaved lists the differences between the stored figures and a refused
// submission, so the clerk can pass them on to the town.
func unsaved(stored daily.Figures, raw map[string]string, typed daily.Figures) []string {
	var out []string
	for i, c := range stored.Counts() {
		name := daily.CountFields[i]
		if v := raw[name]; v != strconv.Itoa(*c) {
			out = append(out, fmt.Sprintf("%s %d → %s", daily.FieldLabels[name], *c, v))
		}
	}
	if stored.CommitmentSigned != typed.CommitmentSigned {
		yes := map[bool]string{true: "已签", false: "未签"}
		out = append(out, fmt.Sprintf("%s %s → %s", daily.FieldLabels["commitment_signed"], yes[stored.CommitmentSigned], yes[typed.CommitmentSigned]))
	}
	if strings.TrimSpace(typed.Note) != stored.Note {
		out = append(out, "备注 → "+strings.TrimSpace(typed.Note))
	}
	return out
}

// toHalfWidth turns full-width digits and minus signs into ASCII.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '－':
			return '-'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func (s *Server) reportSubmit(w http.ResponseWriter, r *http.Request, ss *session) error {
	ctx := r.Context()
	d, err := s.loadReportDay(ctx, ss.actor(), r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	if !daily.CanReport(ss.actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权填报日报")
	}
	f, raw, bad := formFigures(r)
	key := r.PostFormValue("key")
	status := http.StatusBadRequest
	var formError string
	if len(bad) == 0 {
		res, err := s.Daily.Submit(ctx, ss.actor(), d.E.USCC, d.Date, f, key)
		if err == nil {
			http.Redirect(w, r, reportPath(d.E.USCC, d.Date)+"?saved="+strconv.Itoa(res.Report.Version), http.StatusSeeOther)
			return nil
		}
		e := fugong.AsError(err)
		switch {
		case e == nil || e.Code == fugong.EInternal || e.Code == fugong.ENotFound || e.Code == fugong.EForbidden:
			return err
		case e.Code == fugong.EConflict && e.Field == "Idempotency-Key":
			status, formError, key = http.StatusConflict, "这份表单已经提交过，下方是已保存的版本。如需修改，请核对后重新提交。", account.NewToken()
		case e.Code == fugong.EConflict:
			status, formError = http.StatusConflict, e.Message
		case len(e.Problems) > 0:
			for _, pr := range e.Problems {
				if _, seen := bad[pr.Field]; !seen {
					bad[pr.Field] = pr.Message
				}
			}
		default:
			status, formError = statusOf[e.Code], e.Message
		}
		// The day may have changed under the form (a version, a sign-off).
		if d, err = s.loadReportDay(ctx, ss.actor(), d.E.USCC, d.Date); err != nil {
			return err
		}
	}
	p := s.reportPage(ss, d)
	p.Errors = bad
	p.FormError = formError
	if formError == "" {
		p.FormError = "请修改标红的项目后再提交"
	}
	p.setValues(raw)
	p.Signed, p.Note = f.CommitmentSigned, f.Note
	if p.Locked && d.Latest != nil {
		// The locked form shows what is stored, and lists what was not saved.
		p.setFigures(d.Latest.Figures)
		p.Unsaved = unsaved(d.Latest.Figures, raw, f)
	}
	if err := s.checkRoster(ctx, ss.actor(), &p, false); err != nil {
		return err
	}
	p.Key = key
	s.render(w, r, status, "report_form", p)
	return nil
}

// ---- Completeness ------------------------------------------------------------

// townRowView is one town's line of the completeness and figures tables.
type townRowView struct {
	daily.TownCounts
	Missing            int
	Rate, OnTimeRate   string
	RateClass          string
	CanSign, CanReopen bool
	SignedAtText       string
}

// Overview is a day's completeness in the actor's scope with its charts: on
// the completeness page and on the home page.
type Overview struct {
	Date        string
	Deadline    string
	City        daily.Counts
	CityMissing int
	Rate        string
	OnTimeRate  string
	RateClass   string
	Towns       []townRowView
	SignedTowns int
	BarChart    template.HTML
	TrendChart  template.HTML
}

func (s *Server) dayOverview(ctx context.Context, a fugong.Actor, date string) (Overview, error) {
	c, err := s.Daily.Completeness(ctx, a, date)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{Date: date, Deadline: c.Deadline.String(), City: c.City, CityMissing: c.City.Expected - c.City.Received,
		Rate: pct(c.City.Rate()), OnTimeRate: pct(c.City.OnTimeRate()), RateClass: rateClass(c.City.Rate())}
	bars := chart.HBar{Title: date + " 各乡镇街道上报率", Max: 100, Unit: "%", Legend: chart.RateLegend()}
	for _, t := range c.Towns {
		row := townRowView{TownCounts: t, Missing: t.Expected - t.Received, Rate: pct(t.Rate()), OnTimeRate: pct(t.OnTimeRate()),
			RateClass: rateClass(t.Rate()), CanSign: a.Role == fugong.RoleTown && a.Town == t.Town.Code,
			CanReopen: a.Role == fugong.RoleAdmin || (a.Role == fugong.RoleTown && a.Town == t.Town.Code)}
		if t.SignedOff {
			o.SignedTowns++
			row.SignedAtText = t.SignedAt.In(fugong.Location).Format("01-02 15:04")
		}
		o.Towns = append(o.Towns, row)
		bars.Bars = append(bars.Bars, chart.Bar{Label: t.Town.Name, Value: t.Rate(), Fill: chart.RateColor(t.Rate()),
			Text:  pct(t.Rate()) + "%",
			Title: fmt.Sprintf("%s 已报 %d / 应报 %d（%s%%），点击查看未报企业", t.Town.Name, t.Received, t.Expected, pct(t.Rate())),
			Href:  "/reports/missing?" + url.Values{"date": {date}, "town": {t.Town.Code}}.Encode()})
	}
	o.BarChart = bars.HTML()

	from := shiftDay(date, -(chartDays - 1))
	trend, err := s.Daily.Trend(ctx, a, from, date)
	if err != nil {
		return Overview{}, err
	}
	line := chart.Line{Title: fmt.Sprintf("近%d天上报率与按时率（%s 至 %s）", chartDays, from, date), Max: 100, Unit: "%"}
	rate := chart.Series{Name: "上报率", Color: chart.Blue}
	onTime := chart.Series{Name: "按时率", Color: chart.Green, Dashed: true}
	for _, d := range trend {
		label := d.Date[5:]
		line.Labels = append(line.Labels, label)
		rate.Values = append(rate.Values, d.Rate())
		rate.Tips = append(rate.Tips, fmt.Sprintf("%s 已报 %d / 应报 %d（%s%%）", d.Date, d.Received, d.Expected, pct(d.Rate())))
		onTime.Values = append(onTime.Values, d.OnTimeRate())
		onTime.Tips = append(onTime.Tips, fmt.Sprintf("%s 按时 %d，逾期 %d（按时率 %s%%）", d.Date, d.OnTime, d.Late, pct(d.OnTimeRate())))
	}
	line.Series = []chart.Series{rate, onTime}
	o.TrendChart = line.HTML()
	return o, nil
}

type completenessPage struct {
	basePage
	Overview
	Today     string
	IsToday   bool
	DateError string
	Alert     string
	OK        string
	CanImport bool
	MissingQ  template.URL
}

// dayParam reads ?date=, today when absent; a bad or future day is reported
// and replaced by today.
func (s *Server) dayParam(r *http.Request) (date, problem string) {
	today := s.today()
	date = r.URL.Query().Get("date")
	if date == "" {
		return today, ""
	}
	if _, err := daily.ParseDate(date); err != nil {
		return today, fugong.AsError(err).Message + "，已显示今天"
	}
	if date > today {
		return today, "不能查看未来日期，已显示今天"
	}
	return date, ""
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.showCompleteness(w, r, ss, http.StatusOK, "")
}

// showCompleteness renders the completeness page, with an alert when an
// action on it was refused.
func (s *Server) showCompleteness(w http.ResponseWriter, r *http.Request, ss *session, status int, alert string) error {
	a := ss.actor()
	if a.Role == fugong.RoleEnterprise {
		http.Redirect(w, r, "/report", http.StatusSeeOther)
		return nil
	}
	if !dailyScope(a) {
		return fugong.NotFound("页面")
	}
	date, problem := s.dayParam(r)
	o, err := s.dayOverview(r.Context(), a, date)
	if err != nil {
		return err
	}
	p := completenessPage{basePage: s.base(ss, "每日日报", "/reports"), Overview: o, Today: s.today(), DateError: problem,
		Alert: alert, CanImport: a.Role == fugong.RoleTown || a.WritesFor(fugong.GroupStatistics),
		MissingQ: template.URL(url.Values{"date": {date}}.Encode())}
	p.IsToday = date == p.Today
	q := r.URL.Query()
	for _, t := range o.Towns {
		switch t.Town.Code {
		case q.Get("signed"):
			p.OK = fmt.Sprintf("%s %s 的日报已确认上报，当日日报已锁定。", t.Town.Name, date)
		case q.Get("reopened"):
			p.OK = fmt.Sprintf("%s %s 的日报已重新打开，企业可以修改。", t.Town.Name, date)
		}
	}
	s.render(w, r, status, "completeness", p)
	return nil
}

// signoffAction runs a sign-off or a reopening and goes back to the day's
// completeness; a refusal shows there as an alert.
func (s *Server) signoffAction(w http.ResponseWriter, r *http.Request, ss *session, reopen bool) error {
	town, date := r.PathValue("code"), r.PathValue("date")
	var err error
	if reopen {
		_, err = s.Daily.Reopen(r.Context(), ss.actor(), town, date, r.PostFormValue("reason"))
	} else {
		_, err = s.Daily.SignOff(r.Context(), ss.actor(), town, date)
	}
	back := url.Values{"date": {date}}
	if err == nil {
		if reopen {
			back.Set("reopened", town)
		} else {
			back.Set("signed", town)
		}
		http.Redirect(w, r, "/reports?"+back.Encode(), http.StatusSeeOther)
		return nil
	}
	e := fugong.AsError(err)
	if e == nil || (e.Code != fugong.EInvalid && e.Code != fugong.EConflict) {
		return err
	}
	r.URL.RawQuery = back.Encode()
	return s.showCompleteness(w, r, ss, statusOf[e.Code], e.Message)
}

func (s *Server) signoffCreate(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.signoffAction(w, r, ss, false)
}

func (s *Server) signoffReopen(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.signoffAction(w, r, ss, true)
}

// ---- The call list -----------------------------------------------------------

type choice struct{ Value, Label string }

var kindOptions = []choice{{daily.KindPhone, daily.KindNames[daily.KindPhone]},
	{daily.KindVisit, daily.KindNames[daily.KindVisit]}, {daily.KindSMS, daily.KindNames[daily.KindSMS]}}

var outcomeOptions = func() []choice {
	var out []choice
	for _, k := range []string{"reached", "promised", "no_answer", "closed", "other"} {
		out = append(out, choice{k, daily.OutcomeNames[k]})
	}
	return out
}()

// followupForm is what was typed into one row's follow-up form.
type followupForm struct {
	Kind, Outcome, Note, PromisedAt string
}

type missingRow struct {
	daily.Missing
	Form   followupForm
	Errors map[string]string
	Open   bool
}

// Tel is the contact phone as a tel: link; the registry has validated the
// number, and only digits and the area code's dash are kept.
func (m missingRow) Tel() template.URL {
	return template.URL("tel:" + strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '-' || r == '+' {
			return r
		}
		return -1
	}, m.ContactPhone))
}

type missingPage struct {
	basePage
	Date, Today string
	Town        string
	Towns       []registry.Town
	Items       []missingRow
	Total       int
	Page, Pages int
	Query       template.URL // date and town, for the pager and the export
	CanFollowUp bool
	CanReport   bool
	Kinds       []choice
	Outcomes    []choice
	Logged      string
	FilterError string
	FormError   string
}

func (s *Server) missingList(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.showMissing(w, r, ss, http.StatusOK, "", nil)
}

// showMissing renders the call list; failed, when set, is a follow-up form
// that was refused, shown again open with its errors.
func (s *Server) showMissing(w http.ResponseWriter, r *http.Request, ss *session, status int, uscc string, failed *missingRow) error {
	a := ss.actor()
	if a.Role == fugong.RoleEnterprise {
		http.Redirect(w, r, "/report", http.StatusSeeOther)
		return nil
	}
	if !dailyScope(a) {
		return fugong.NotFound("页面")
	}
	date, problem := s.dayParam(r)
	q := r.URL.Query()
	p := missingPage{basePage: s.base(ss, "未报企业", "/reports"), Date: date, Today: s.today(), Towns: townsFor(a),
		CanFollowUp: daily.CanFollowUp(a), CanReport: daily.CanReport(a), Kinds: kindOptions, Outcomes: outcomeOptions,
		FilterError: problem, Page: 1}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		p.Town = t.Code
	} else if q.Get("town") != "" {
		p.FilterError = "不是本市的乡镇街道，已显示全部"
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	items, total, err := s.Daily.Missing(r.Context(), a, date, p.Town, p.Page, registry.DefaultPerPage)
	if err != nil {
		return err
	}
	p.Total, p.Pages = total, (total+registry.DefaultPerPage-1)/registry.DefaultPerPage
	onPage := false
	for _, m := range items {
		row := missingRow{Missing: m, Form: followupForm{Kind: daily.KindPhone, Outcome: "reached"}}
		if failed != nil && m.USCC == uscc {
			row.Form, row.Errors, row.Open = failed.Form, failed.Errors, true
			onPage = true
		}
		if m.USCC == q.Get("logged") {
			p.Logged = m.Name
		}
		p.Items = append(p.Items, row)
	}
	if l := q.Get("logged"); l != "" && p.Logged == "" {
		p.Logged = "该企业"
	}
	if failed != nil {
		p.FormError = "催报记录未保存，请修改标红的项目"
		if !onPage {
			p.FormError = "催报记录未保存：" + firstError(failed.Errors)
		}
	}
	v := url.Values{"date": {date}}
	if p.Town != "" {
		v.Set("town", p.Town)
	}
	p.Query = template.URL(v.Encode())
	s.render(w, r, status, "missing", p)
	return nil
}

func firstError(m map[string]string) string {
	for _, f := range []string{"kind", "outcome", "promised_at", "note", "date"} {
		if msg, ok := m[f]; ok {
			return msg
		}
	}
	for _, msg := range m {
		return msg
	}
	return ""
}

// promisedLayout is how an input type=datetime-local sends its value.
const promisedLayout = "2006-01-02T15:04"

func (s *Server) followupCreate(w http.ResponseWriter, r *http.Request, ss *session) error {
	uscc := r.PathValue("uscc")
	form := followupForm{Kind: r.PostFormValue("kind"), Outcome: r.PostFormValue("outcome"),
		Note: r.PostFormValue("note"), PromisedAt: strings.TrimSpace(r.PostFormValue("promised_at"))}
	f := daily.Followup{Date: r.PostFormValue("date"), Kind: form.Kind, Outcome: form.Outcome, Note: form.Note}
	bad := map[string]string{}
	if form.PromisedAt != "" {
		t, err := time.ParseInLocation(promisedLayout, form.PromisedAt, fugong.Location)
		if err != nil {
			bad["promised_at"] = "承诺补报时间格式不正确"
		} else {
			f.PromisedAt = &t
		}
	}
	back := url.Values{"date": {f.Date}}
	if t := r.PostFormValue("town"); t != "" {
		back.Set("town", t)
	}
	if pg := r.PostFormValue("page"); pg != "" {
		back.Set("page", pg)
	}
	if len(bad) == 0 {
		_, err := s.Daily.AddFollowup(r.Context(), ss.actor(), uscc, f)
		if err == nil {
			back.Set("logged", uscc)
			http.Redirect(w, r, "/reports/missing?"+back.Encode(), http.StatusSeeOther)
			return nil
		}
		if bad, err = fieldErrors(err); err != nil {
			return err
		}
	}
	r.URL.RawQuery = back.Encode()
	return s.showMissing(w, r, ss, http.StatusBadRequest, uscc, &missingRow{Form: form, Errors: bad})
}

// ---- Settings ------------------------------------------------------------------

type settingsPage struct {
	basePage
	Deadline string
	Errors   map[string]string
	Saved    bool
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	d, err := s.Daily.Store.Deadline(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "settings", settingsPage{basePage: s.base(ss, "系统设置", "/settings"),
		Deadline: d.String(), Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	v := strings.TrimSpace(toHalfWidth(r.PostFormValue("deadline")))
	err := s.Daily.SetDeadline(r.Context(), ss.actor(), v)
	if err == nil {
		http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
		return nil
	}
	p := settingsPage{basePage: s.base(ss, "系统设置", "/settings"), Deadline: v}
	if p.Errors, err = fieldErrors(err); err != nil {
		return err
	}
	s.render(w, r, http.StatusBadRequest, "settings", p)
	return nil
}

// ---- Home --------------------------------------------------------------------

// homeDaily is the daily report's part of the home page.
type homeDaily struct {
	Overview
	// Own is the clerk's report of the day.
	Own *ownReport
}

type ownReport struct {
	Name, Link, Status, Class, Detail string
	Submitted, Locked                 bool
}

// homeDaily returns today's reporting for the home page: the clerk's own
// report, or the completeness of the user's scope; nil for roles without one.
func (s *Server) homeDaily(ctx context.Context, a fugong.Actor) (*homeDaily, error) {
	if s.Daily == nil {
		return nil, nil
	}
	today := s.today()
	switch {
	case a.Role == fugong.RoleEnterprise:
		d, err := s.loadReportDay(ctx, a, a.Enterprise, today)
		if fugong.ErrorCode(err) == fugong.ENotFound {
			return nil, nil // the clerk's enterprise is gone: no report to show
		}
		if err != nil {
			return nil, err
		}
		own := &ownReport{Name: d.E.Name, Link: reportPath(d.E.USCC, today), Submitted: d.Latest != nil, Locked: d.Signoff.Signed}
		own.Status, own.Class, own.Detail = d.status(s.Daily.Now())
		return &homeDaily{Overview: Overview{Date: today}, Own: own}, nil
	case dailyScope(a):
		o, err := s.dayOverview(ctx, a, today)
		if err != nil {
			return nil, err
		}
		return &homeDaily{Overview: o}, nil
	}
	return nil, nil
}
