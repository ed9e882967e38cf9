package notices

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"fugong"
	"fugong/notice"
	"fugong/registry"
	"fugong/web"
	"fugong/web/chart"
)

// The pages (M10): the list and the compose form, a notice with its
// coverage, chart, call list and reminder, the clerk's inbox and home
// panel, and the admin's SMS gateway settings.

func noticePath(id int64) string { return "/notices/" + strconv.FormatInt(id, 10) }

// ---- The list ------------------------------------------------------------------

type listRow struct {
	notice.Listed
	Path, Audience, Pct, State, Class string
}

type listView struct {
	web.Base
	Pager       web.Pager
	Rows        []listRow
	Total       int
	Page, Pages int
	CanSend     bool
	Clerk       bool
}

const perPage = 20

// state is a clerk's view of a notice: what they still have to do.
func state(l notice.Listed) (string, string) {
	switch r := l.Receipt; {
	case r == nil:
		return "", ""
	case r.ReadAt == nil:
		return "未读", "unread"
	case l.RequiresAck && r.AcknowledgedAt == nil:
		return "待确认", "pending"
	case l.RequiresAck:
		return "已确认", "done"
	}
	return "已读", "done"
}

func (m *module) listPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if err := seen(a); err != nil {
		return err
	}
	pg := web.PageOf(r, perPage)
	items, total, err := m.svc.List(r.Context(), a, notice.ListFilter{Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	p := listView{Base: ss.Base("通知公告", "/notices"), Total: total, Page: pg.Page, Pages: pg.Pages(total), Pager: pg.Pager(r, total),
		CanSend: notice.CanSend(a), Clerk: a.Role == fugong.RoleEnterprise}
	for _, l := range items {
		row := listRow{Listed: l, Path: noticePath(l.ID), Audience: l.AudienceText(),
			Pct: web.Pct(pct(l.Counts.Done(l.RequiresAck), l.Counts.Recipients))}
		row.State, row.Class = state(l)
		p.Rows = append(p.Rows, row)
	}
	ss.Render(w, r, http.StatusOK, "notices", p)
	return nil
}

// ---- Compose ------------------------------------------------------------------

type composeForm struct {
	Title, Body, SMSText string
	Mode                 string // all, filter, list
	Towns                map[string]bool
	Size                 string
	Classes              map[string]bool
	Enterprises          string
	App, SMS, Ack        bool
}

type composeView struct {
	web.Base
	Form        composeForm
	Errors      map[string]string
	FormError   string
	TownChoices []registry.Town
	TownLocked  bool
	Classes     []string
	MaxSMS      int
	Signature   string
}

func (m *module) composeView(r *http.Request, ss *web.Session, f composeForm) (composeView, error) {
	a := ss.Actor()
	set, err := m.svc.SMSSettings(r.Context())
	if err != nil {
		return composeView{}, err
	}
	return composeView{Base: ss.Base("发布通知", "/notices"), Form: f, Errors: map[string]string{}, TownChoices: web.TownsFor(a),
		TownLocked: a.Role == fugong.RoleTown, Classes: registry.MujunClasses, MaxSMS: set.MaxRunes, Signature: set.Signature}, nil
}

func (m *module) composePage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if err := seen(a); err != nil {
		return err
	}
	if !notice.CanSend(a) {
		return fugong.Errorf(fugong.EForbidden, "", "只有系统管理员、经信局各工作组和乡镇街道可以发布通知")
	}
	p, err := m.composeView(r, ss, composeForm{Mode: "all", App: true, Ack: true, Towns: map[string]bool{}, Classes: map[string]bool{}})
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "notice_form", p)
	return nil
}

// formInput reads the compose form.
func formInput(r *http.Request) (composeForm, notice.Input) {
	f := composeForm{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), SMSText: r.PostFormValue("sms_text"),
		Mode: r.PostFormValue("mode"), Size: r.PostFormValue("size_class"), Enterprises: r.PostFormValue("enterprises"),
		Towns: map[string]bool{}, Classes: map[string]bool{}}
	in := notice.Input{Title: f.Title, Body: f.Body, SMSText: f.SMSText, RequiresAck: r.PostFormValue("requires_ack") != ""}
	f.Ack = in.RequiresAck
	for _, c := range r.PostForm["channels"] {
		in.Channels = append(in.Channels, c)
		f.App = f.App || c == notice.ChannelApp
		f.SMS = f.SMS || c == notice.ChannelSMS
	}
	for _, t := range r.PostForm["towns"] {
		f.Towns[t] = true
	}
	for _, c := range r.PostForm["mujun_classes"] {
		f.Classes[c] = true
	}
	switch f.Mode {
	case "all":
		in.Audience.All = true
	case "filter":
		in.Audience.Towns = r.PostForm["towns"]
		in.Audience.SizeClass = f.Size
		in.Audience.MujunClasses = r.PostForm["mujun_classes"]
	case "list":
		in.Audience.Enterprises = splitCodes(f.Enterprises)
	}
	return f, in
}

func (m *module) composeSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if err := seen(a); err != nil {
		return err
	}
	if !notice.CanSend(a) {
		return fugong.Errorf(fugong.EForbidden, "", "只有系统管理员、经信局各工作组和乡镇街道可以发布通知")
	}
	var err error
	if web.IsMultipart(r) {
		err = r.ParseMultipartForm(8 << 20)
		if err != nil {
			err = web.UploadError(err)
		}
	} else {
		err = r.ParseForm()
	}
	f, in := formInput(r)
	var n notice.Notice
	if err == nil {
		ups, uerr := uploads(r)
		if err = uerr; err == nil {
			n, err = m.svc.Send(r.Context(), a, in, ups)
		}
	}
	if err == nil {
		return web.SeeOther(w, r, noticePath(n.ID)+"?sent=1")
	}
	status := http.StatusBadRequest
	bad, ferr := web.FieldErrors(err)
	if ferr != nil {
		e := fugong.AsError(ferr)
		if e == nil || e.Code != fugong.ETooLarge {
			return ferr
		}
		status, bad = http.StatusRequestEntityTooLarge, map[string]string{"attachment": e.Message}
	}
	p, err := m.composeView(r, ss, f)
	if err != nil {
		return err
	}
	// The audience's problems are shown beside the picker.
	for k, v := range bad {
		if strings.HasPrefix(k, "audience.") {
			p.Errors["audience"] = v
		}
		p.Errors[k] = v
	}
	p.FormError = "请修改标红的项目后再发布"
	ss.Render(w, r, status, "notice_form", p)
	return nil
}

// ---- One notice ------------------------------------------------------------------

type townRow struct {
	notice.TownCounts
	Pct, Class string
}

type noticeView struct {
	web.Base
	N           notice.Notice
	Path        string
	Audience    string
	Channels    string
	Body        []string
	Files       []fileJSON
	Clerk       bool
	Receipt     *notice.Receipt
	Follow      bool
	CanRemind   bool
	City        townRow
	Towns       []townRow
	Chart       template.HTML
	SMS         notice.SMS
	SMSTotal    int
	SMSDone     int
	SMSPct      string
	Pending     []notice.Pending
	PendingMore int
	Verb        string // 确认 or 阅读
	Coverage    notice.Coverage
	OK, Alert   string
}

const pendingShown = 50

func (m *module) noticePage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showNotice(w, r, ss, http.StatusOK, "")
}

func (m *module) showNotice(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, alert string) error {
	a := ss.Actor()
	if err := seen(a); err != nil {
		return err
	}
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	v, err := m.svc.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	n := v.Notice
	p := noticeView{Base: ss.Base(n.Title, "/notices"), N: n, Path: noticePath(n.ID), Audience: n.AudienceText(),
		Body: strings.Split(n.Body, "\n"), Clerk: a.Role == fugong.RoleEnterprise, Receipt: v.Receipt,
		Follow: notice.CanFollow(a), CanRemind: notice.CanRemind(a, n), Coverage: v.Coverage, SMS: v.Coverage.SMS, Alert: alert, Verb: "阅读"}
	if n.RequiresAck {
		p.Verb = "确认"
	}
	var names []string
	for _, c := range n.Channels {
		names = append(names, notice.ChannelNames[c])
	}
	p.Channels = strings.Join(names, "、")
	for _, f := range n.Files {
		p.Files = append(p.Files, fileJSON{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, URL: attachmentURL(n.ID, f.ID)})
	}
	q := r.URL.Query()
	switch {
	case q.Get("sent") != "":
		p.OK = "通知已发布，共 " + strconv.Itoa(n.Recipients) + " 家企业；短信在后台发送，进度见下。"
	case q.Get("reminded") != "":
		p.OK = "已向 " + q.Get("reminded") + " 家企业发送短信提醒。"
	case q.Get("acked") != "":
		p.OK = "已确认：已阅并落实。"
	}
	if p.Follow {
		row := func(c notice.Counts) (string, string) {
			v := pct(c.Done(n.RequiresAck), c.Recipients)
			return web.Pct(v), web.RateClass(v)
		}
		p.City = townRow{TownCounts: notice.TownCounts{Town: registry.Town{Name: "合计"}, Counts: v.Coverage.City}}
		p.City.Pct, p.City.Class = row(v.Coverage.City)
		hb := chart.HBar{Title: "各乡镇街道" + p.Verb + "率", Max: 100, Unit: "%", Legend: chart.RateLegend()}
		for _, t := range v.Coverage.Towns {
			tr := townRow{TownCounts: t}
			tr.Pct, tr.Class = row(t.Counts)
			p.Towns = append(p.Towns, tr)
			rate := pct(t.Done(n.RequiresAck), t.Recipients)
			hb.Bars = append(hb.Bars, chart.Bar{Label: t.Town.Name, Value: rate, Text: web.Pct(rate) + "%", Fill: chart.RateColor(rate)})
		}
		p.Chart = hb.HTML()
		p.SMSTotal = v.Coverage.SMS.Total()
		p.SMSDone = v.Coverage.SMS.Sent + v.Coverage.SMS.Failed
		p.SMSPct = web.Pct(pct(p.SMSDone, p.SMSTotal))
		_, items, total, err := m.svc.Pending(r.Context(), a, id, 1, pendingShown)
		if err != nil {
			return err
		}
		p.Pending, p.PendingMore = items, total-len(items)
	}
	ss.Render(w, r, status, "notice", p)
	return nil
}

func (m *module) acknowledgeSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	if _, err := m.svc.Acknowledge(r.Context(), ss.Actor(), id); err != nil {
		return err
	}
	return web.SeeOther(w, r, noticePath(id)+"?acked=1")
}

func (m *module) remindSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	n, err := m.svc.Remind(r.Context(), ss.Actor(), id)
	if err == nil {
		return web.SeeOther(w, r, noticePath(id)+"?reminded="+strconv.Itoa(n))
	}
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EConflict {
		return m.showNotice(w, r, ss, http.StatusConflict, e.Message)
	}
	return err
}

func (m *module) exportPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.apiPendingExport(w, r, ss.Actor())
}

// ---- The clerk's home panel ------------------------------------------------------

type panelView struct {
	Rows  []listRow
	Total int
}

// homePanels shows a clerk the notices still to read or acknowledge.
func (m *module) homePanels(r *http.Request, ss *web.Session) ([]web.Section, error) {
	a := ss.Actor()
	if a.Role != fugong.RoleEnterprise || m.svc == nil {
		return nil, nil
	}
	items, total, err := m.svc.List(r.Context(), a, notice.ListFilter{Attention: true, Page: 1, PerPage: 5})
	if err != nil || total == 0 {
		return nil, err
	}
	p := panelView{Total: total}
	for _, l := range items {
		row := listRow{Listed: l, Path: noticePath(l.ID)}
		row.State, row.Class = state(l)
		p.Rows = append(p.Rows, row)
	}
	html, err := ss.Partial("notice-panel", p)
	return []web.Section{{HTML: html, Order: 50}}, err
}

// ---- SMS gateway settings ------------------------------------------------------

type settingsView struct {
	web.Base
	S         notice.SMSSettings
	Headers   string
	Errors    map[string]string
	FormError string
	Saved     bool
}

func headerText(h map[string]string) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + ": " + h[k] + "\n")
	}
	return b.String()
}

func (m *module) settingsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !notice.CanSetSMS(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	s, err := m.svc.SMSSettings(r.Context())
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "sms_settings", settingsView{Base: ss.Base("短信网关", "/settings"), S: s, Headers: headerText(s.Gateway.Headers),
		Errors: map[string]string{}, Saved: r.URL.Query().Get("saved") != ""})
	return nil
}

func (m *module) settingsSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !notice.CanSetSMS(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	s := notice.SMSSettings{Signature: r.PostFormValue("signature"), Gateway: notice.Gateway{URL: r.PostFormValue("url"),
		Method: r.PostFormValue("method"), ContentType: r.PostFormValue("content_type"), Body: r.PostFormValue("body"), Headers: map[string]string{}}}
	bad := map[string]string{}
	num := func(field string) int {
		v := strings.TrimSpace(web.HalfWidth(r.PostFormValue(field)))
		n, err := strconv.Atoi(v)
		if err != nil && v != "" {
			bad[field] = "应为整数"
		}
		return n
	}
	s.MaxRunes, s.Gateway.TimeoutSeconds = num("max_runes"), num("timeout_seconds")
	headers := r.PostFormValue("headers")
	for _, line := range strings.Split(headers, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			bad["gateway.headers"] = "每行一个请求头，格式为“名称: 值”"
			continue
		}
		s.Gateway.Headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if len(bad) == 0 {
		_, err := m.svc.SetSMSSettings(r.Context(), ss.Actor(), s)
		if err == nil {
			return web.SeeOther(w, r, "/notices/settings?saved=1")
		}
		if bad, err = web.FieldErrors(err); err != nil {
			return err
		}
	}
	if bad["timeout_seconds"] != "" {
		bad["gateway.timeout_seconds"] = bad["timeout_seconds"]
	}
	ss.Render(w, r, http.StatusBadRequest, "sms_settings", settingsView{Base: ss.Base("短信网关", "/settings"), S: s, Headers: headers,
		Errors: bad, FormError: "请修改标红的项目后再保存"})
	return nil
}
