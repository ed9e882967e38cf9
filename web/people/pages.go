package people

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/people"
	"fugong/registry"
	"fugong/sheet"
	"fugong/web"
)

// The pages (M7, 人员健康): an enterprise's roster with the add form, built
// for a phone at the factory gate, and its import; a person's page with
// their readings, the edit form and the reveal; the health page of a town
// or the city with the day's counts, the open alerts and the lists; the
// settings.

// codeChoices are the health codes of the forms.
var codeChoices = []struct{ Value, Label string }{
	{string(people.CodeGreen), "绿码"}, {string(people.CodeYellow), "黄码"}, {string(people.CodeRed), "红码"},
}

// personForm is what was typed into a person's form.
type personForm struct {
	Name, IDNumber, Phone, Origin               string
	ReturnedOn, QuarantineStart, QuarantineDays string
	HealthCode, CodeSince                       string
	Hubei, Family, OnPost                       bool
}

func readPersonForm(r *http.Request) personForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return personForm{Name: v("name"), IDNumber: web.HalfWidth(v("id_number")), Phone: web.HalfWidth(v("phone")), Origin: v("origin"),
		ReturnedOn: v("returned_on"), QuarantineStart: v("quarantine_start"), QuarantineDays: web.HalfWidth(v("quarantine_days")),
		HealthCode: v("health_code"), CodeSince: v("code_since"),
		Hubei: v("hubei") == "true", Family: v("code_held_by_family") == "true", OnPost: v("on_post") == "true"}
}

// days reads the quarantine's days: "" is the default (0).
func (f personForm) days() (int, map[string]string) {
	if f.QuarantineDays == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(f.QuarantineDays)
	if err != nil {
		return 0, map[string]string{"quarantine_days": "隔离天数应为整数"}
	}
	return n, nil
}

func (f personForm) person() (people.Person, map[string]string) {
	n, bad := f.days()
	return people.Person{Name: f.Name, IDNumber: f.IDNumber, Phone: f.Phone, Origin: f.Origin, Hubei: f.Hubei,
		ReturnedOn: f.ReturnedOn, QuarantineStart: f.QuarantineStart, QuarantineDays: n,
		HealthCode: people.HealthCode(f.HealthCode), CodeSince: f.CodeSince, CodeHeldByFamily: f.Family, OnPost: f.OnPost}, bad
}

// patch is the edit form as a change: the ID number and phone only when
// typed (the form cannot show them whole).
func (f personForm) patch() (people.Patch, map[string]string) {
	n, bad := f.days()
	code := people.HealthCode(f.HealthCode)
	pt := people.Patch{Name: &f.Name, Origin: &f.Origin, Hubei: &f.Hubei, ReturnedOn: &f.ReturnedOn,
		QuarantineStart: &f.QuarantineStart, QuarantineDays: &n, HealthCode: &code, CodeSince: &f.CodeSince,
		CodeHeldByFamily: &f.Family, OnPost: &f.OnPost}
	if f.IDNumber != "" {
		pt.IDNumber = &f.IDNumber
	}
	if f.Phone != "" {
		pt.Phone = &f.Phone
	}
	return pt, bad
}

func formOf(p people.Person) personForm {
	f := personForm{Name: p.Name, Origin: p.Origin, ReturnedOn: p.ReturnedOn, QuarantineStart: p.QuarantineStart,
		HealthCode: string(p.HealthCode), CodeSince: p.CodeSince, Hubei: p.Hubei, Family: p.CodeHeldByFamily, OnPost: p.OnPost}
	if p.QuarantineDays > 0 {
		f.QuarantineDays = strconv.Itoa(p.QuarantineDays)
	}
	return f
}

// merge adds the problems of err (invalid input, a conflict) to bad; any
// other error is returned.
func merge(bad map[string]string, err error) (map[string]string, string, int, error) {
	f, err := web.FormError(err)
	if err != nil {
		return nil, "", 0, err
	}
	if bad == nil {
		bad = map[string]string{}
	}
	for k, v := range f.Fields {
		if _, seen := bad[k]; !seen {
			bad[k] = v
		}
	}
	return bad, f.Message, f.Status, nil
}

// ---- The roster ----------------------------------------------------------------

const rosterPerPage = 50

type rosterView struct {
	web.Base
	Pager       web.Pager
	E           registry.Enterprise
	Today       string
	Staff       []people.Person
	Total       int
	Page, Pages int
	Counts      people.Counts
	CanEdit     bool
	NoKeys      bool
	Form        personForm
	Errors      map[string]string
	FormError   string
	Codes       any
	DefaultDays int
	Edit        bool // the person fields are the add form's
	Added       string
}

func (m *module) roster(ctx context.Context, ss *web.Session, r *http.Request, uscc string) (rosterView, error) {
	a := ss.Actor()
	e, err := m.svc.Registry.Get(ctx, a, uscc)
	if err != nil {
		return rosterView{}, err
	}
	pg := web.PageOf(r, rosterPerPage)
	v := rosterView{Base: ss.Base(e.Name+" · 人员健康", "/health"), E: e, Today: m.svc.Today(), Page: pg.Page,
		CanEdit: people.CanEdit(a), NoKeys: m.svc.Keys == nil, Codes: codeChoices, Errors: map[string]string{},
		Form: personForm{HealthCode: string(people.CodeGreen), OnPost: true}}
	if v.Staff, v.Total, err = m.svc.Roster(ctx, a, e.USCC, pg.Page, pg.PerPage); err != nil {
		return v, err
	}
	v.Pages = pg.Pages(v.Total)
	v.Pager = pg.PagerAt("/enterprises/"+e.USCC+"/staff", url.Values{"per_page": r.URL.Query()["per_page"]}, v.Total)
	if v.Counts, _, err = m.svc.Counts(ctx, a, people.SummaryFilter{Enterprise: e.USCC}); err != nil {
		return v, err
	}
	set, err := m.svc.Settings(ctx)
	if err != nil {
		return v, err
	}
	v.DefaultDays = set.QuarantineDays
	return v, nil
}

func (m *module) rosterPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	v, err := m.roster(r.Context(), ss, r, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	v.Added = r.URL.Query().Get("added")
	web.NoStore(w)
	ss.Render(w, r, http.StatusOK, "staff_roster", v)
	return nil
}

func (m *module) rosterAdd(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	ctx := r.Context()
	uscc := r.PathValue("uscc")
	f := readPersonForm(r)
	p, bad := f.person()
	status, msg := http.StatusBadRequest, ""
	if bad == nil {
		added, err := m.svc.Add(ctx, ss.Actor(), uscc, p)
		if err == nil {
			return web.SeeOther(w, r, personPath(added.ID)+"?added=1")
		}
		if bad, msg, status, err = merge(bad, err); err != nil {
			return err
		}
	} else if _, err := m.svc.Registry.Get(ctx, ss.Actor(), uscc); err != nil {
		return err
	} else if !people.CanEdit(ss.Actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权登记该企业的人员")
	}
	v, err := m.roster(ctx, ss, r, uscc)
	if err != nil {
		return err
	}
	// The ID number and phone typed stay in the form to be corrected; they
	// go back only to who typed them.
	v.Form, v.Errors, v.FormError = f, bad, msg
	if v.FormError == "" {
		v.FormError = "请修改标红的项目后再提交"
	}
	web.NoStore(w)
	ss.Render(w, r, status, "staff_roster", v)
	return nil
}

// ---- Import --------------------------------------------------------------------

type importView struct {
	web.Base
	E      registry.Enterprise
	Rows   []registry.RowError
	Error  string
	Done   bool
	Result people.ImportResult
}

func (m *module) importable(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	e, err := m.svc.Registry.Get(ctx, a, uscc)
	if err != nil {
		return e, err
	}
	if !people.CanEdit(a) {
		return e, fugong.Errorf(fugong.EForbidden, "", "无权导入该企业的人员")
	}
	return e, nil
}

func (m *module) importPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	e, err := m.importable(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "staff_import", importView{Base: ss.Base(e.Name+" · 导入人员", "/health"), E: e})
	return nil
}

func (m *module) importSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	e, err := m.importable(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	v := importView{Base: ss.Base(e.Name+" · 导入人员", "/health"), E: e}
	res, err := m.importStaff(w, r, ss.Actor())
	rows, msg, status, internal := web.ImportOutcome(err)
	if internal != nil {
		return internal
	}
	v.Rows, v.Error, v.Done, v.Result = rows, msg, err == nil, res
	ss.Render(w, r, status, "staff_import", v)
	return nil
}

func (m *module) importTemplate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if _, err := m.svc.Registry.Get(r.Context(), ss.Actor(), r.PathValue("uscc")); err != nil {
		return err
	}
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	web.Download(w, "人员花名册导入模板."+format, "staff-template."+format, format)
	return sheet.WritePeopleTemplate(w, "template."+format)
}

// ---- A person ------------------------------------------------------------------

type readingRow struct {
	people.Temperature
	Fever bool
}

type personView struct {
	web.Base
	P             people.Person
	Today         string
	InQuarantine  bool
	Readings      []readingRow
	GreenExpected string
	Threshold     float64
	CanEdit       bool
	CanReveal     bool
	NoKeys        bool
	Codes         any
	DefaultDays   int
	// The edit form.
	Edit      bool
	Form      personForm
	Errors    map[string]string
	FormError string
	EditOpen  bool
	// The temperature form.
	Celsius, MeasuredAt string
	TempErrors          map[string]string
	// The reveal.
	Reason      string
	RevealError string
	Revealed    *people.Person
	// What the last action did.
	OK string
}

func (m *module) person(ctx context.Context, ss *web.Session, id int64) (personView, error) {
	a := ss.Actor()
	p, h, err := m.svc.Temperatures(ctx, a, id)
	if err != nil {
		return personView{}, err
	}
	today := m.svc.Today()
	v := personView{Base: ss.Base(p.Name+" · "+p.EnterpriseName, "/health"), P: p, Today: today, InQuarantine: p.InQuarantine(today),
		GreenExpected: h.GreenExpected, Threshold: h.Settings.FeverThreshold, CanEdit: people.CanEdit(a),
		CanReveal: people.CanViewFull(a), NoKeys: m.svc.Keys == nil, Codes: codeChoices, DefaultDays: h.Settings.QuarantineDays,
		Edit: true, Form: formOf(p), Errors: map[string]string{}, TempErrors: map[string]string{}}
	for _, t := range h.Readings {
		v.Readings = append(v.Readings, readingRow{t, h.Settings.Fever(t.Celsius)})
	}
	return v, nil
}

func (m *module) personID(r *http.Request) (int64, error) { return web.PathID(r, "人员") }

func (m *module) personPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := m.personID(r)
	if err != nil {
		return err
	}
	v, err := m.person(r.Context(), ss, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	switch {
	case q.Get("added") == "1":
		v.OK = "人员已登记。"
	case q.Get("saved") == "1":
		v.OK = "人员信息已保存。"
	case q.Get("reading") != "":
		v.OK = "体温已登记：" + q.Get("reading") + " ℃。"
		if q.Get("alert") != "" {
			v.OK += "已达到发热预警体温，已向所在乡镇街道和驻企干部发出发热预警。"
		}
	}
	web.NoStore(w)
	ss.Render(w, r, http.StatusOK, "staff_person", v)
	return nil
}

func (m *module) personEdit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := m.personID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := readPersonForm(r)
	pt, bad := f.patch()
	status, msg := http.StatusBadRequest, ""
	if bad == nil {
		_, err := m.svc.Update(ctx, ss.Actor(), id, pt)
		if err == nil {
			return web.SeeOther(w, r, personPath(id)+"?saved=1")
		}
		if bad, msg, status, err = merge(bad, err); err != nil {
			return err
		}
	} else if _, err := m.svc.Get(ctx, ss.Actor(), id); err != nil {
		return err
	} else if !people.CanEdit(ss.Actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权修改该企业的人员")
	}
	v, err := m.person(ctx, ss, id)
	if err != nil {
		return err
	}
	v.Form, v.Errors, v.FormError, v.EditOpen = f, bad, msg, true
	if v.FormError == "" {
		v.FormError = "请修改标红的项目后再提交"
	}
	web.NoStore(w)
	ss.Render(w, r, status, "staff_person", v)
	return nil
}

func (m *module) personDelete(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := m.personID(r)
	if err != nil {
		return err
	}
	p, err := m.svc.Get(r.Context(), ss.Actor(), id)
	if err != nil {
		return err
	}
	if err := m.svc.Delete(r.Context(), ss.Actor(), id); err != nil {
		return err
	}
	return web.SeeOther(w, r, rosterPath(p.Enterprise)+"?deleted=1")
}

// measuredAt reads a datetime-local input (Beijing time); "" is now.
func measuredAt(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, fugong.Location); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (m *module) temperatureAdd(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := m.personID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	celsius := web.HalfWidth(strings.TrimSpace(r.PostFormValue("celsius")))
	at := strings.TrimSpace(r.PostFormValue("measured_at"))
	bad := map[string]string{}
	var t people.Temperature
	if c, err := strconv.ParseFloat(celsius, 64); err != nil {
		bad["celsius"] = "请填写体温，如 36.5"
	} else {
		t.Celsius = c
	}
	var ok bool
	if t.At, ok = measuredAt(at); !ok {
		bad["measured_at"] = "测温时间格式不正确"
	}
	status := http.StatusBadRequest
	if len(bad) == 0 {
		tmp, al, err := m.svc.AddTemperature(ctx, ss.Actor(), id, t)
		if err == nil {
			q := url.Values{"reading": {strconv.FormatFloat(tmp.Celsius, 'f', 1, 64)}}
			if al != nil {
				q.Set("alert", itoa(al.ID))
			}
			return web.SeeOther(w, r, personPath(id)+"?"+q.Encode())
		}
		if bad, _, status, err = merge(bad, err); err != nil {
			return err
		}
	} else if _, err := m.svc.Get(ctx, ss.Actor(), id); err != nil {
		return err
	} else if !people.CanEdit(ss.Actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权登记该企业人员的体温")
	}
	v, err := m.person(ctx, ss, id)
	if err != nil {
		return err
	}
	v.Celsius, v.MeasuredAt, v.TempErrors = celsius, at, bad
	web.NoStore(w)
	ss.Render(w, r, status, "staff_person", v)
	return nil
}

// revealPage shows the whole ID number and phone on the person's page, to
// a role that may see them, for a reason; never in a URL, never cached.
func (m *module) revealPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := m.personID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	reason := r.PostFormValue("reason")
	full, err := m.svc.Reveal(ctx, ss.Actor(), id, reason)
	status := http.StatusOK
	var revealErr string
	if err != nil {
		e := fugong.AsError(err)
		if e == nil || e.Code != fugong.EInvalid {
			return err
		}
		status, revealErr = http.StatusBadRequest, e.Message
	}
	v, err := m.person(ctx, ss, id)
	if err != nil {
		return err
	}
	v.Reason, v.RevealError = reason, revealErr
	if revealErr == "" {
		v.Revealed = &full
	}
	web.NoStore(w)
	ss.Render(w, r, status, "staff_person", v)
	return nil
}

// ---- The health page -------------------------------------------------------------

// listPreview is how many people each of the health page's lists shows;
// the whole list is a page of its own (/health/lists/{id}), a page of it
// at a time. alertLimit bounds the open alerts the page shows.
const (
	listPreview = 20
	listPerPage = 50
	alertLimit  = 200
)

type healthList struct {
	ID, Title, Empty string
	Lines            []people.Line
	Total            int
	Kind             string // what the extra column shows
	// More is the whole list's page, where the page shows part of it.
	More string
}

// healthTable is what the partial "healthtable" shows: a list's lines.
type healthTable struct {
	Kind           string
	Lines          []people.Line
	ShowEnterprise bool
	Date           string
}

func (l healthList) Table(v healthView) healthTable {
	return healthTable{Kind: l.Kind, Lines: l.Lines, ShowEnterprise: v.ShowEnterprise, Date: v.Date}
}

type alertRow struct {
	people.Alert
	Note   string
	Error  string
	Open   bool
	Person string // the person's page, "" when purged or not on a roster
}

type healthView struct {
	web.Base
	Date, Today    string
	Town           string
	CityWide       bool
	TownChoices    []registry.Town
	Counts         people.Counts
	Lists          []healthList
	Alerts         []alertRow
	AlertTotal     int
	CanClose       bool
	Threshold      float64
	FilterError    string
	Found          []people.Person
	FindError      string
	Searched       bool
	OK             string
	NoKeys         bool
	ShowEnterprise bool
	// FilterAction is where the day and town filters go: this page.
	FilterAction string
}

func (m *module) health(ctx context.Context, ss *web.Session, q url.Values) (healthView, int, error) {
	a := ss.Actor()
	v := healthView{Base: ss.Base("人员健康", "/health"), Today: m.svc.Today(), CityWide: a.CityWide(), TownChoices: web.TownsFor(a),
		CanClose: people.CanCloseAlert(a), NoKeys: m.svc.Keys == nil, ShowEnterprise: true, FilterAction: "/health"}
	status := http.StatusOK
	f := people.SummaryFilter{Day: q.Get("date"), Town: q.Get("town")}
	sum, f, err := m.svc.Summary(ctx, a, f)
	if fugong.ErrorCode(err) == fugong.EInvalid {
		v.FilterError = fugong.AsError(err).Message + "，已显示今天的全部情况"
		status = http.StatusBadRequest
		sum, f, err = m.svc.Summary(ctx, a, people.SummaryFilter{})
	}
	if err != nil {
		return v, 0, err
	}
	v.Date, v.Town, v.Counts = f.Day, f.Town, sum.Counts()
	set, err := m.svc.Settings(ctx)
	if err != nil {
		return v, 0, err
	}
	v.Threshold = set.FeverThreshold
	v.Lists = healthLists(sum)
	als, total, err := m.svc.Alerts(ctx, a, people.AlertFilter{Status: people.AlertOpen, Town: v.Town, PerPage: alertLimit})
	if err != nil {
		return v, 0, err
	}
	v.AlertTotal = total
	for _, al := range als {
		row := alertRow{Alert: al}
		if al.StaffID != nil {
			row.Person = personPath(*al.StaffID)
		}
		v.Alerts = append(v.Alerts, row)
	}
	return v, status, nil
}

// healthLists are the day's lists of people, whole.
func healthLists(sum people.Summary) []healthList {
	list := func(id, title, empty, kind string, lines []people.Line) healthList {
		return healthList{ID: id, Title: title, Empty: empty, Total: len(lines), Kind: kind, Lines: lines}
	}
	return []healthList{
		list("fever", "今日发热", "今日无发热人员。", "fever", sum.Fever),
		list("quarantine-ending", fmt.Sprintf("%d 天内解除隔离", people.EndingWithin), "近期无人解除隔离。", "quarantine", sum.QuarantineEnding),
		list("quarantined", "隔离观察中", "无人在隔离观察。", "quarantine", sum.Quarantined),
		list("red", "红码", "无红码人员。", "code", sum.Red),
		list("yellow", "黄码", "无黄码人员。", "code", sum.Yellow),
		list("family-held", "健康码由家人代办", "无家人代办健康码的人员。", "family", sum.FamilyHeld),
	}
}

// healthListView is one of the health page's lists, whole, a page at a
// time.
type healthListView struct {
	healthView
	List  healthList
	Pager web.Pager
}

// Table is the page's part of the list.
func (v healthListView) Table() healthTable { return v.List.Table(v.healthView) }

// healthListPage shows one of the day's lists of people whole, a page at
// a time, for the same day and town as the health page.
func (m *module) healthListPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if nav(a) == nil || a.Role == fugong.RoleEnterprise {
		return fugong.NotFound("页面")
	}
	v, status, err := m.health(r.Context(), ss, r.URL.Query())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(v.Lists, func(l healthList) bool { return l.ID == r.PathValue("list") })
	if i < 0 {
		return fugong.NotFound("名单")
	}
	lv := healthListView{healthView: v, List: v.Lists[i]}
	lv.FilterAction = "/health/lists/" + lv.List.ID
	lv.Base = ss.Base(lv.List.Title, "/health")
	pg := web.PageOf(r, listPerPage)
	lv.Pager = pg.PagerAt(r.URL.Path, url.Values{"date": {v.Date}, "town": {v.Town}, "per_page": r.URL.Query()["per_page"]}, lv.List.Total)
	from := min((pg.Page-1)*pg.PerPage, lv.List.Total)
	lv.List.Lines = lv.List.Lines[from:min(from+pg.PerPage, lv.List.Total)]
	web.NoStore(w)
	ss.Render(w, r, status, "health_list", lv)
	return nil
}

func (m *module) healthPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise {
		return web.SeeOther(w, r, rosterPath(a.Enterprise))
	}
	if nav(a) == nil {
		return fugong.NotFound("页面")
	}
	v, status, err := m.health(r.Context(), ss, r.URL.Query())
	if err != nil {
		return err
	}
	if r.URL.Query().Get("closed") != "" {
		v.OK = "预警已关闭。"
	}
	for i := range v.Lists {
		l := &v.Lists[i]
		if l.Total > listPreview {
			l.Lines = l.Lines[:listPreview]
			l.More = "/health/lists/" + l.ID + "?" + url.Values{"date": {v.Date}, "town": {v.Town}}.Encode()
		}
	}
	web.NoStore(w)
	ss.Render(w, r, status, "health", v)
	return nil
}

type foundView struct {
	web.Base
	Found    []people.Person
	Masked   string
	Error    string
	Searched bool
}

// findPage looks a whole ID number up. It is a form post, so that the
// number stays out of addresses, the history and the logs.
func (m *module) findPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if nav(ss.Actor()) == nil {
		return fugong.NotFound("页面")
	}
	v := foundView{Base: ss.Base("按身份证号码查找人员", "/health"), Searched: true}
	id := web.HalfWidth(strings.TrimSpace(r.PostFormValue("id_number")))
	status := http.StatusOK
	found, err := m.svc.Find(r.Context(), ss.Actor(), id)
	switch e := fugong.AsError(err); {
	case err == nil:
		v.Found, v.Masked = found, maskTyped(id)
	case e != nil && (e.Code == fugong.EInvalid || e.Code == fugong.EConflict):
		status, v.Error = web.Status(e.Code), e.Message
	default:
		return err
	}
	web.NoStore(w)
	ss.Render(w, r, status, "staff_found", v)
	return nil
}

// maskTyped is the number looked up, masked for the page.
func maskTyped(id string) string {
	if len(id) < 10 {
		return strings.Repeat("*", len(id))
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}

// alertClose closes an alert from the health page (or a person's page:
// back sends there).
func (m *module) alertClose(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "预警")
	if err != nil {
		return err
	}
	ctx := r.Context()
	note := r.PostFormValue("note")
	_, err = m.svc.CloseAlert(ctx, ss.Actor(), id, note)
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/health") || strings.HasPrefix(back, "//") {
		back = "/health"
	}
	if err == nil {
		sep := "?"
		if strings.Contains(back, "?") {
			sep = "&"
		}
		return web.SeeOther(w, r, back+sep+"closed="+itoa(id))
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	u, _ := url.Parse(back)
	v, _, err := m.health(ctx, ss, u.Query())
	if err != nil {
		return err
	}
	for i := range v.Alerts {
		if v.Alerts[i].ID == id {
			v.Alerts[i].Note, v.Alerts[i].Error, v.Alerts[i].Open = note, f.Message, true
		}
	}
	web.NoStore(w)
	ss.Render(w, r, f.Status, "health", v)
	return nil
}

// ---- Settings --------------------------------------------------------------------

type settingsView struct {
	web.Base
	QuarantineDays, FeverThreshold string
	Errors                         map[string]string
	Saved                          bool
}

func (m *module) settingsForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !people.CanManage(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	set, err := m.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "people_settings", settingsView{Base: ss.Base("人员健康设置", "/health"),
		QuarantineDays: strconv.Itoa(set.QuarantineDays), FeverThreshold: strconv.FormatFloat(set.FeverThreshold, 'f', 1, 64),
		Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (m *module) settingsSave(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !people.CanManage(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	v := settingsView{Base: ss.Base("人员健康设置", "/health"), Errors: map[string]string{},
		QuarantineDays: web.HalfWidth(strings.TrimSpace(r.PostFormValue("quarantine_days"))),
		FeverThreshold: web.HalfWidth(strings.TrimSpace(r.PostFormValue("fever_threshold")))}
	days, err := strconv.Atoi(v.QuarantineDays)
	if err != nil {
		v.Errors["quarantine_days"] = people.SettingLabels["quarantine_days"] + "应为整数"
	}
	threshold, err := strconv.ParseFloat(v.FeverThreshold, 64)
	if err != nil {
		v.Errors["fever_threshold"] = people.SettingLabels["fever_threshold"] + "应为数字，如 37.3"
	}
	if len(v.Errors) == 0 {
		_, err := m.svc.SetSettings(r.Context(), ss.Actor(), people.SettingsPatch{QuarantineDays: &days, FeverThreshold: &threshold})
		if err == nil {
			return web.SeeOther(w, r, "/people/settings?saved=1")
		}
		if v.Errors, err = web.FieldErrors(err); err != nil {
			return err
		}
	}
	ss.Render(w, r, http.StatusBadRequest, "people_settings", v)
	return nil
}
