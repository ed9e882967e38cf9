package daily

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
	"fugong/web"
	"fugong/web/chart"
)

// The daily report's pages (M2): the enterprise's form, completeness per
// town with the towns' sign-off, the call list of non-reporters, and
// today's reporting on the home page. Who may do what, the days that may
// be asked for and what a form starts with are the service's
// (fugong/daily): these handlers only present them.

// reportPath is the form of an enterprise's report for a day.
func reportPath(uscc, date string) string {
	return "/enterprises/" + url.PathEscape(uscc) + "/reports/" + url.PathEscape(date)
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
	web.Base
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

// status is the big line at the top of the form: is the day's report in,
// on time, locked.
func status(d daily.Day, now time.Time) (text, class, detail string) {
	day := d.Date + " 日报"
	if d.Date == d.Today {
		day = "今日日报"
	}
	dl := d.Deadline.String()
	switch {
	case d.Late():
		text, class = fmt.Sprintf("%s已补报（乡镇确认上报之后提交）", day), "late"
	case d.SignOff.Signed && d.Latest == nil:
		text, class = fmt.Sprintf("%s尚未提交；乡镇已确认上报，仍可补报", day), "overdue"
		detail = fmt.Sprintf("%s %s 于 %s 确认上报。现在提交的日报标注为确认后补报。",
			d.E.TownName, d.SignOff.SignedBy, d.SignOff.SignedAt.In(fugong.Location).Format("01-02 15:04"))
		return text, class, detail
	case d.Locked():
		text, class = "已由乡镇确认，已锁定", "locked"
		detail = fmt.Sprintf("%s %s 于 %s 确认上报。如需修改，请联系乡镇街道重新打开。",
			d.E.TownName, d.SignOff.SignedBy, d.SignOff.SignedAt.In(fugong.Location).Format("01-02 15:04"))
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
	if d.SignOff.ReopenedBy != "" {
		detail = strings.TrimSpace(detail + " 乡镇街道已重新打开当日日报（原因：" + d.SignOff.ReopenReason + "）。")
	}
	return text, class, detail
}

func (m *module) reportPage(ss *web.Session, d daily.Day) reportFormPage {
	active := "/reports"
	if ss.User().Role == fugong.RoleEnterprise {
		active = "/report"
	}
	p := reportFormPage{Base: ss.Base(d.E.Name+" · "+d.Date+" 日报", active), E: d.E, Date: d.Date,
		IsToday: d.Date == d.Today, Prev: web.ShiftDay(d.Date, -1), Deadline: d.Deadline.String(),
		Locked: d.Locked(), CanSubmit: daily.CanReport(ss.Actor()), Latest: d.Latest, Errors: map[string]string{}}
	if d.Date < d.Today {
		p.Next = web.ShiftDay(d.Date, 1)
	}
	p.Status, p.StatusClass, p.StatusDetail = status(d, m.svc.Now())
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
func (m *module) reportMine(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if ss.User().Role != fugong.RoleEnterprise {
		if !daily.HasScope(ss.Actor()) {
			return fugong.NotFound("页面")
		}
		http.Redirect(w, r, "/reports", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, reportPath(ss.User().Enterprise, m.svc.Today()), http.StatusSeeOther)
	return nil
}

// reportOfToday sends to today's form of an enterprise (the link on its page).
func (m *module) reportOfToday(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	e, err := m.svc.Enterprise(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportPath(e.USCC, m.svc.Today()), http.StatusSeeOther)
	return nil
}

func (m *module) reportForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	ctx := r.Context()
	d, err := m.svc.Day(ctx, ss.Actor(), r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	p := m.reportPage(ss, d)
	f, from, ok, err := m.svc.Prefill(ctx, d)
	if err != nil {
		return err
	}
	if ok {
		p.setFigures(f)
		p.PrefillFrom = from
	} else {
		p.setValues(map[string]string{})
	}
	if err := m.checkRoster(ctx, ss.Actor(), &p, d.Latest == nil); err != nil {
		return err
	}
	p.Key = account.NewToken()
	p.Saved, _ = strconv.Atoi(r.URL.Query().Get("saved"))
	ss.Render(w, r, http.StatusOK, "report_form", p)
	return nil
}

// formFigures reads the report form: every count is required, a whole
// number; full-width digits typed with a Chinese input method are accepted.
func formFigures(r *http.Request) (daily.Figures, map[string]string, map[string]string) {
	var f daily.Figures
	raw, bad := map[string]string{}, map[string]string{}
	for i, c := range f.Counts() {
		name := daily.CountFields[i]
		v := strings.TrimSpace(web.HalfWidth(r.PostFormValue(name)))
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

func (m *module) reportSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	ctx := r.Context()
	d, err := m.svc.Day(ctx, ss.Actor(), r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	if !daily.CanReport(ss.Actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权填报日报")
	}
	f, raw, bad := formFigures(r)
	key := r.PostFormValue("key")
	status := http.StatusBadRequest
	var formError string
	if len(bad) > 0 {
		// Every problem at once: the rules between the fields that could
		// be read too, not after the unreadable ones are fixed.
		for _, pr := range f.NormalizeTyped(bad) {
			bad[pr.Field] = pr.Message
		}
	}
	if len(bad) == 0 {
		res, err := m.svc.Submit(ctx, ss.Actor(), d.E.USCC, d.Date, f, key)
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
			status, formError = web.Status(e.Code), e.Message
		}
		// The day may have changed under the form (a version, a sign-off).
		if d, err = m.svc.Day(ctx, ss.Actor(), d.E.USCC, d.Date); err != nil {
			return err
		}
	}
	p := m.reportPage(ss, d)
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
	if err := m.checkRoster(ctx, ss.Actor(), &p, false); err != nil {
		return err
	}
	p.Key = key
	ss.Render(w, r, status, "report_form", p)
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
	LateAfter          int // reports after the sign-off
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

func (m *module) dayOverview(ctx context.Context, a fugong.Actor, date string) (Overview, error) {
	c, err := m.svc.Completeness(ctx, a, date)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{Date: date, Deadline: c.Deadline.String(), City: c.City, CityMissing: c.City.Expected - c.City.Received,
		Rate: web.Pct(c.City.Rate()), OnTimeRate: web.Pct(c.City.OnTimeRate()), RateClass: web.RateClass(c.City.Rate())}
	bars := chart.HBar{Title: date + " 各乡镇街道上报率", Max: 100, Unit: "%", Legend: chart.RateLegend()}
	for _, t := range c.Towns {
		row := townRowView{TownCounts: t, Missing: t.Expected - t.Received, Rate: web.Pct(t.Rate()), OnTimeRate: web.Pct(t.OnTimeRate()),
			RateClass: web.RateClass(t.Rate()), CanSign: daily.OffersSignOff(a, t.Town.Code), CanReopen: daily.CanReopen(a, t.Town.Code)}
		if t.SignedOff {
			o.SignedTowns++
			row.SignedAtText = t.SignedAt.In(fugong.Location).Format("01-02 15:04")
			row.LateAfter = t.LateAfterSignOff()
		}
		o.Towns = append(o.Towns, row)
		bars.Bars = append(bars.Bars, chart.Bar{Label: t.Town.Name, Value: t.Rate(), Fill: chart.RateColor(t.Rate()),
			Text:  web.Pct(t.Rate()) + "%",
			Title: fmt.Sprintf("%s 已报 %d / 应报 %d（%s%%），点击查看未报企业", t.Town.Name, t.Received, t.Expected, web.Pct(t.Rate())),
			Href:  "/reports/missing?" + url.Values{"date": {date}, "town": {t.Town.Code}}.Encode()})
	}
	if a.CityWide() {
		// A town's or a cadre's chart would be one bar: their figures say it.
		o.BarChart = bars.HTML()
	}

	from := web.ShiftDay(date, -(web.ChartDays - 1))
	trend, err := m.svc.Trend(ctx, a, from, date)
	if err != nil {
		return Overview{}, err
	}
	// Today's reports are still coming in: its point is marked, not a plunge.
	line := chart.Line{Title: fmt.Sprintf("近%d天上报率与按时率（%s 至 %s）", web.ChartDays, from, date), Max: 100, Unit: "%",
		Unfinished: date == m.svc.Today()}
	rate := chart.Series{Name: "上报率", Color: chart.Blue}
	onTime := chart.Series{Name: "按时率", Color: chart.Green, Dashed: true}
	for _, d := range trend {
		label := d.Date[5:]
		line.Labels = append(line.Labels, label)
		rate.Values = append(rate.Values, d.Rate())
		rate.Tips = append(rate.Tips, fmt.Sprintf("%s 已报 %d / 应报 %d（%s%%）", d.Date, d.Received, d.Expected, web.Pct(d.Rate())))
		onTime.Values = append(onTime.Values, d.OnTimeRate())
		onTime.Tips = append(onTime.Tips, fmt.Sprintf("%s 按时 %d，逾期 %d（按时率 %s%%）", d.Date, d.OnTime, d.Late, web.Pct(d.OnTimeRate())))
	}
	line.Series = []chart.Series{rate, onTime}
	o.TrendChart = line.HTML()
	return o, nil
}

type completenessPage struct {
	web.Base
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
func (m *module) dayParam(r *http.Request) (date, problem string) {
	return daily.PageDay(r.URL.Query().Get("date"), m.svc.Now())
}

func (m *module) reportsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showCompleteness(w, r, ss, http.StatusOK, "")
}

// showCompleteness renders the completeness page, with an alert when an
// action on it was refused.
func (m *module) showCompleteness(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, alert string) error {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise {
		http.Redirect(w, r, "/report", http.StatusSeeOther)
		return nil
	}
	if !daily.HasScope(a) {
		return fugong.NotFound("页面")
	}
	date, problem := m.dayParam(r)
	o, err := m.dayOverview(r.Context(), a, date)
	if err != nil {
		return err
	}
	p := completenessPage{Base: ss.Base("每日日报", "/reports"), Overview: o, Today: m.svc.Today(), DateError: problem,
		Alert: alert, CanImport: daily.CanBatchReport(a),
		MissingQ: template.URL(url.Values{"date": {date}}.Encode())}
	p.IsToday = date == p.Today
	q := r.URL.Query()
	for _, t := range o.Towns {
		switch t.Town.Code {
		case q.Get("signed"):
			p.OK = fmt.Sprintf("%s %s 的日报已确认上报，已报日报已锁定；未报企业仍可补报。", t.Town.Name, date)
		case q.Get("reopened"):
			p.OK = fmt.Sprintf("%s %s 的日报已重新打开，企业可以修改。", t.Town.Name, date)
		}
	}
	ss.Render(w, r, status, "completeness", p)
	return nil
}

// signOffAction runs a sign-off or a reopening and goes back to the day's
// completeness; a refusal shows there as an alert.
func (m *module) signOffAction(w http.ResponseWriter, r *http.Request, ss *web.Session, reopen bool) error {
	town, date := r.PathValue("code"), r.PathValue("date")
	var err error
	if !reopen && !web.Confirmed(r) {
		return m.signOffConfirm(w, r, ss, town, date)
	}
	if reopen {
		_, err = m.svc.Reopen(r.Context(), ss.Actor(), town, date, r.PostFormValue("reason"))
	} else {
		_, err = m.svc.SignOff(r.Context(), ss.Actor(), town, date)
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
	return m.showCompleteness(w, r, ss, web.Status(e.Code), e.Message)
}

// signOffConfirm is the step before a sign-off: how many firms have not
// reported, what the sign-off freezes and what it leaves open.
func (m *module) signOffConfirm(w http.ResponseWriter, r *http.Request, ss *web.Session, town, date string) error {
	t, err := m.svc.SignOffPreview(r.Context(), ss.Actor(), town, date)
	back := "/reports?" + url.Values{"date": {date}}.Encode()
	if e := fugong.AsError(err); e != nil && (e.Code == fugong.EInvalid || e.Code == fugong.EConflict) {
		r.URL.RawQuery = url.Values{"date": {date}}.Encode()
		return m.showCompleteness(w, r, ss, web.Status(e.Code), e.Message)
	} else if err != nil {
		return err
	}
	c := web.Confirm{Heading: fmt.Sprintf("确认上报 %s %s 的日报", t.Town.Name, date),
		Lines: []string{
			fmt.Sprintf("应报 %d 家，已报 %d 家（按时 %d，逾期 %d），未报 %d 家。", t.Expected, t.Received, t.OnTime, t.Late, t.Expected-t.Received),
			"确认后，本乡镇当日的数据按现在的样子上报经信局；已报企业的日报锁定，更正须先重新打开。",
			"未报的企业确认后仍可补报，补报的日报标注“确认后补报”，不改变已上报的数据。",
		},
		Action: r.URL.Path, Cancel: back, Button: "确认上报"}
	if n := t.Expected - t.Received; n > 0 {
		c.Warning = fmt.Sprintf("尚有 %d 家企业未报。可以先到未报企业名单催报，再确认上报。", n)
	}
	ss.Confirm(w, r, "/reports", c)
	return nil
}

func (m *module) signOffCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.signOffAction(w, r, ss, false)
}

func (m *module) signOffReopen(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.signOffAction(w, r, ss, true)
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
func (row missingRow) Tel() template.URL {
	return template.URL("tel:" + strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '-' || r == '+' {
			return r
		}
		return -1
	}, row.ContactPhone))
}

type missingPage struct {
	web.Base
	Date, Today string
	Town        string
	Towns       []registry.Town
	Items       []missingRow
	Total       int
	Page        int
	Pager       web.Pager
	Q, Cadre    string       // part of the firm's name, of the paired cadre's
	PerPage     string       // the page size chosen, for the follow-up forms
	Query       template.URL // date and town, for the export
	CanFollowUp bool
	CanReport   bool
	Kinds       []choice
	Outcomes    []choice
	Logged      string
	FilterError string
	FormError   string
}

func (m *module) missingList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showMissing(w, r, ss, http.StatusOK, "", nil)
}

// showMissing renders the call list; failed, when set, is a follow-up form
// that was refused, shown again open with its errors.
func (m *module) showMissing(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, uscc string, failed *missingRow) error {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise {
		http.Redirect(w, r, "/report", http.StatusSeeOther)
		return nil
	}
	if !daily.HasScope(a) {
		return fugong.NotFound("页面")
	}
	date, problem := m.dayParam(r)
	q := r.URL.Query()
	p := missingPage{Base: ss.Base("未报企业", "/reports"), Date: date, Today: m.svc.Today(), Towns: web.TownsFor(a),
		CanFollowUp: daily.CanFollowUp(a), CanReport: daily.CanReport(a), Kinds: kindOptions, Outcomes: outcomeOptions,
		FilterError: problem, Q: q.Get("q"), Cadre: q.Get("cadre")}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		p.Town = t.Code
	} else if q.Get("town") != "" {
		p.FilterError = "不是本市的乡镇街道，已显示全部"
	}
	pg := web.PageOf(r, registry.DefaultPerPage)
	p.Page = pg.Page
	items, total, err := m.svc.MissingAmong(r.Context(), a, date, daily.Among{Town: p.Town, Q: p.Q, Cadre: p.Cadre}, pg.Page, pg.PerPage)
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EInvalid && (e.Field == "q" || e.Field == "cadre") {
		p.FilterError, p.Q, p.Cadre = e.Message+"，已显示全部", "", ""
		items, total, err = m.svc.MissingAmong(r.Context(), a, date, daily.Among{Town: p.Town}, pg.Page, pg.PerPage)
	}
	if err != nil {
		return err
	}
	p.Total = total
	onPage := false
	for _, it := range items {
		row := missingRow{Missing: it, Form: followupForm{Kind: daily.KindPhone, Outcome: "reached"}}
		if failed != nil && it.USCC == uscc {
			row.Form, row.Errors, row.Open = failed.Form, failed.Errors, true
			onPage = true
		}
		if it.USCC == q.Get("logged") {
			p.Logged = it.Name
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
	for k, s := range map[string]string{"q": p.Q, "cadre": p.Cadre} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if n := q.Get("per_page"); n == strconv.Itoa(pg.PerPage) {
		v.Set("per_page", n)
		p.PerPage = n
	}
	p.Pager = pg.PagerAt("/reports/missing", v, total)
	ss.Render(w, r, status, "missing", p)
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

func (m *module) followupCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
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
	for _, k := range []string{"page", "per_page", "q", "cadre"} {
		if v := r.PostFormValue(k); v != "" {
			back.Set(k, v)
		}
	}
	if len(bad) == 0 {
		_, err := m.svc.AddFollowup(r.Context(), ss.Actor(), uscc, f)
		if err == nil {
			back.Set("logged", uscc)
			http.Redirect(w, r, "/reports/missing?"+back.Encode(), http.StatusSeeOther)
			return nil
		}
		if bad, err = web.FieldErrors(err); err != nil {
			return err
		}
	}
	r.URL.RawQuery = back.Encode()
	return m.showMissing(w, r, ss, http.StatusBadRequest, uscc, &missingRow{Form: form, Errors: bad})
}

// ---- Home --------------------------------------------------------------------

// homeDaily is the daily report's part of the home page.
type homeDaily struct {
	Overview
	// Own is the clerk's report of the day.
	Own *ownReport
	// Missing is, for a cadre, the paired enterprises that have not
	// reported today (the first homeMissing of them).
	Missing []daily.Missing
}

// homeMissing is how many of a cadre's unreported enterprises the home
// page names; the rest are a click away.
const homeMissing = 10

type ownReport struct {
	Name, Link, Status, Class, Detail string
	Submitted, Locked                 bool
}

// home is the daily report's panel of the home page: the clerk's report of
// the day (first, Order 50, in place of the registry's overview), or the
// day's completeness of the user's scope (Order 200, between the
// registry's count and its table by town); none for roles without one.
func (m *module) home(r *http.Request, ss *web.Session) ([]web.Section, error) {
	d, err := m.homeDaily(r.Context(), ss.Actor())
	if err != nil || d == nil {
		return nil, err
	}
	if d.Own != nil {
		h, err := ss.Partial("home-daily-own", d.Own)
		return []web.Section{{HTML: h, Order: 50}}, err
	}
	h, err := ss.Partial("home-daily", d)
	return []web.Section{{HTML: h, Order: 200}}, err
}

func (m *module) homeDaily(ctx context.Context, a fugong.Actor) (*homeDaily, error) {
	today := m.svc.Today()
	switch {
	case a.Role == fugong.RoleEnterprise:
		d, err := m.svc.Day(ctx, a, a.Enterprise, today)
		if fugong.ErrorCode(err) == fugong.ENotFound {
			return nil, nil // the clerk's enterprise is gone: no report to show
		}
		if err != nil {
			return nil, err
		}
		own := &ownReport{Name: d.E.Name, Link: reportPath(d.E.USCC, today), Submitted: d.Latest != nil, Locked: d.Locked()}
		own.Status, own.Class, own.Detail = status(d, m.svc.Now())
		return &homeDaily{Overview: Overview{Date: today}, Own: own}, nil
	case daily.HasScope(a):
		o, err := m.dayOverview(ctx, a, today)
		if err != nil {
			return nil, err
		}
		d := &homeDaily{Overview: o}
		if a.Role == fugong.RoleCadre {
			if d.Missing, _, err = m.svc.Missing(ctx, a, today, "", 1, homeMissing); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	return nil, nil
}
