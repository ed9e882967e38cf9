package tickets

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
	"fugong/files"
	"fugong/registry"
	"fugong/tickets"
	"fugong/web"
	"fugong/web/chart"
)

// The pages (M5, 问题困难): the list, the raise form, a ticket with its
// history and the forms that work it (assign, start, resolve, close,
// reopen, choose a supplier, record a pass or a delivery), the figures per
// category, the SLA setting, an enterprise's products.

// choice is an option of a select.
type choice struct{ Value, Label string }

// ticketView is a ticket with what its pages show of it in Chinese.
type ticketView struct{ tickets.Ticket }

func (v ticketView) Path() string         { return "/tickets/" + strconv.FormatInt(v.ID, 10) }
func (v ticketView) CategoryName() string { return tickets.CategoryNames[v.Category] }
func (v ticketView) UrgencyName() string  { return tickets.UrgencyNames[v.Urgency] }
func (v ticketView) StatusName() string   { return tickets.StatusNames[v.Status] }
func (v ticketView) Raised() string       { return minuteText(&v.RaisedAt) }
func (v ticketView) Due() string          { return minuteText(&v.DueAt) }
func (v ticketView) FirstResolved() string {
	return minuteText(v.FirstResolvedAt)
}
func (v ticketView) Hours() string {
	if v.HoursToResolve == nil {
		return ""
	}
	return chart.Format(*v.HoursToResolve)
}

// ListRaised and ListDue are the times as the list shows them: without the
// year, so that every column fits a desktop's width.
func (v ticketView) ListRaised() string { return v.RaisedAt.In(fugong.Location).Format("01-02 15:04") }
func (v ticketView) ListDue() string    { return v.DueAt.In(fugong.Location).Format("01-02 15:04") }

func minuteText(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(fugong.Location).Format("2006-01-02 15:04")
}

func views(ts []tickets.Ticket) []ticketView {
	out := make([]ticketView, len(ts))
	for i, t := range ts {
		out[i] = ticketView{t}
	}
	return out
}

func choices(values []string, names map[string]string) []choice {
	out := make([]choice, len(values))
	for i, v := range values {
		out[i] = choice{v, names[v]}
	}
	return out
}

// groupChoices are the work groups as assignees.
func groupChoices() []choice {
	out := make([]choice, len(fugong.Groups))
	for i, g := range fugong.Groups {
		out[i] = choice{tickets.GroupAssignee(g), fugong.GroupNames[g]}
	}
	return out
}

// ---- The list ------------------------------------------------------------------

type ticketListPage struct {
	web.Base
	Items       []ticketView
	Total       int
	Pager       web.Pager
	F           url.Values
	Statuses    []choice
	Categories  []choice
	Urgencies   []choice
	Assignees   []choice
	Towns       []registry.Town
	Query       template.URL
	CanRaise    bool
	IsAdmin     bool
	FilterError string
}

func (m *module) ticketList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !tickets.CanRaise(a) {
		return fugong.NotFound("页面")
	}
	p := ticketListPage{Base: ss.Base("问题困难", "/tickets"), F: r.URL.Query(),
		Statuses: choices(tickets.Statuses, tickets.StatusNames), Categories: choices(tickets.Categories, tickets.CategoryNames),
		Urgencies: choices(tickets.Urgencies, tickets.UrgencyNames), Towns: web.TownsFor(a),
		Assignees: append([]choice{{"me", "我的（本人或本组）"}}, groupChoices()...),
		CanRaise:  true, IsAdmin: tickets.CanSetSLA(a)}
	pg := web.PageOf(r, tickets.DefaultPerPage)
	f, err := ticketFilter(r)
	if err == nil {
		f.Page, f.PerPage = pg.Page, pg.PerPage
		var items []tickets.Ticket
		items, p.Total, err = m.svc.List(r.Context(), a, f)
		p.Items = views(items)
	}
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EInvalid {
		p.FilterError = e.Message + "，已显示全部"
		p.F = url.Values{}
		r = web.WithoutQuery(r)
		pg = web.PageOf(r, tickets.DefaultPerPage)
		var items []tickets.Ticket
		items, p.Total, err = m.svc.List(r.Context(), a, tickets.Filter{Page: 1, PerPage: pg.PerPage})
		p.Items = views(items)
	}
	if err != nil {
		return err
	}
	p.Pager = pg.Pager(r, p.Total)
	q := url.Values{}
	for k, v := range p.F {
		if k != "page" && k != "per_page" && len(v) > 0 && v[0] != "" {
			q.Set(k, v[0])
		}
	}
	p.Query = template.URL(q.Encode())
	ss.Render(w, r, http.StatusOK, "tickets", p)
	return nil
}

func (m *module) ticketExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.exportTickets(w, r, ss.Actor())
}

// ---- Raising ---------------------------------------------------------------------

type ticketFormPage struct {
	web.Base
	N          tickets.NewTicket
	Fixed      string   // the clerk's own enterprise, by name
	Choices    []choice // the cadre's enterprises
	Categories []choice
	Urgencies  []choice
	Errors     map[string]string
	FormError  string
}

func (m *module) ticketForm(ctx context.Context, ss *web.Session, n tickets.NewTicket) (ticketFormPage, error) {
	a := ss.Actor()
	p := ticketFormPage{Base: ss.Base("提出问题困难", "/tickets"), N: n, Errors: map[string]string{},
		Categories: choices(tickets.Categories, tickets.CategoryNames), Urgencies: choices(tickets.Urgencies, tickets.UrgencyNames)}
	o, err := m.svc.RaiseOptions(ctx, a)
	if err != nil {
		return p, err
	}
	if o.Fixed != nil {
		p.Fixed, p.N.Enterprise = o.Fixed.Name, o.Fixed.USCC
	}
	for _, e := range o.Choices {
		p.Choices = append(p.Choices, choice{e.USCC, e.Name})
	}
	if p.N.Urgency == "" {
		p.N.Urgency = tickets.UrgencyNormal
	}
	return p, nil
}

func (m *module) ticketNew(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !tickets.CanRaise(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	p, err := m.ticketForm(r.Context(), ss, tickets.NewTicket{Enterprise: r.URL.Query().Get("enterprise")})
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "ticket_form", p)
	return nil
}

func (m *module) ticketCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !tickets.CanRaise(a) {
		return fugong.NotFound("页面")
	}
	n := tickets.NewTicket{Enterprise: r.PostFormValue("enterprise"), Category: r.PostFormValue("category"),
		Urgency: r.PostFormValue("urgency"), Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
	typed := n
	var ups []files.Upload
	var err error
	n.Enterprise, err = m.svc.RaisedFor(r.Context(), a, n.Enterprise)
	if err == nil && web.IsMultipart(r) {
		ups, err = formUploads(r, "attachment")
	}
	var k tickets.Ticket
	if err == nil {
		k, err = m.svc.Raise(r.Context(), a, n, ups)
	}
	if err == nil {
		return web.SeeOther(w, r, ticketView{k}.Path()+"?done=created")
	}
	status := http.StatusBadRequest
	bad, ferr := web.FieldErrors(err)
	if ferr != nil {
		e := fugong.AsError(ferr)
		if e == nil || e.Code != fugong.ENotFound && e.Code != fugong.ETooLarge {
			return ferr
		}
		// An enterprise not found in scope is a mistake in the field.
		status, bad = web.Status(e.Code), map[string]string{"enterprise": "未找到该企业：请输入统一社会信用代码或完整的企业名称"}
		if e.Code == fugong.ETooLarge {
			bad = map[string]string{"attachment": e.Message}
		}
	}
	p, err := m.ticketForm(r.Context(), ss, typed)
	if err != nil {
		return err
	}
	p.Errors, p.FormError = bad, "请修改标红的项目后再提交"
	ss.Render(w, r, status, "ticket_form", p)
	return nil
}

// ---- One ticket ------------------------------------------------------------------

// ticketMoveForm is one move the user may make, as a form.
type ticketMoveForm struct {
	Status    string
	Button    string
	Note      string // the note's label; "" for none
	NeedsNote bool
	Class     string
}

var moveForms = map[string]ticketMoveForm{
	tickets.StatusAssigned:   {Status: tickets.StatusAssigned, Button: "指派", Note: "指派说明"},
	tickets.StatusInProgress: {Status: tickets.StatusInProgress, Button: "开始办理", Note: "备注"},
	tickets.StatusResolved:   {Status: tickets.StatusResolved, Button: "办结", Note: "解决情况", NeedsNote: true},
	tickets.StatusClosed:     {Status: tickets.StatusClosed, Button: "确认解决并关闭", Note: "评价或备注"},
	tickets.StatusReopened:   {Status: tickets.StatusReopened, Button: "重新打开", Note: "重新打开原因", NeedsNote: true, Class: "secondary"},
}

type ticketEventView struct {
	tickets.Event
	What string
}

// failedForm is a form on the ticket page that was refused, shown again
// with what was typed and why.
type failedForm struct {
	Name    string // move:<status>, supplier, pass, delivery
	Values  map[string]string
	Errors  map[string]string
	Message string
}

type ticketPage struct {
	web.Base
	T           ticketView
	Detail      tickets.Detail
	Events      []ticketEventView
	Moves       []ticketMoveForm
	Groups      []choice
	Group       string // the group the ticket's category belongs to: the assignment's default
	CanWork     bool
	Matchable   bool
	Closed      bool
	Suggestions []tickets.Suggestion
	Failed      failedForm
	Done        string
	Today       string
	CanProducts bool
}

// V is what the failed form named had typed in field, or def.
func (p ticketPage) V(form, field, def string) string {
	if p.Failed.Name == form {
		return p.Failed.Values[field]
	}
	return def
}

// E is the error of field in the failed form named form.
func (p ticketPage) E(form, field string) string {
	if p.Failed.Name == form {
		return p.Failed.Errors[field]
	}
	return ""
}

var doneMessages = map[string]string{
	"created":                "问题已提交，综合协调组将尽快指派承办。",
	tickets.StatusAssigned:   "已指派承办。",
	tickets.StatusInProgress: "已开始办理。",
	tickets.StatusResolved:   "已办结，请提出方确认。",
	tickets.StatusClosed:     "问题已关闭。",
	tickets.StatusReopened:   "问题已重新打开。",
	"supplier":               "已选定供应企业。",
	"pass":                   "已登记车辆通行证。",
	"delivery":               "已登记物资送达。",
}

func (m *module) ticketDetail(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showTicket(w, r, ss, http.StatusOK, failedForm{})
}

func (m *module) showTicket(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, failed failedForm) error {
	a := ss.Actor()
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	d, err := m.svc.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	p := ticketPage{Base: ss.Base(fmt.Sprintf("问题 #%d", d.ID), "/tickets"), T: ticketView{d.Ticket}, Detail: d,
		Groups: groupChoices(), Group: tickets.GroupAssignee(tickets.DefaultGroup(d.Category)), CanWork: tickets.CanWork(a, d.Ticket), Matchable: tickets.Matchable(d.Category),
		Closed: d.Status == tickets.StatusClosed, Failed: failed, Done: doneMessages[r.URL.Query().Get("done")],
		Today: tickets.Day(m.svc.Now()), CanProducts: tickets.CanDeclareProducts(a)}
	for _, to := range tickets.MovesFor(a, d.Ticket) {
		p.Moves = append(p.Moves, moveForms[to])
	}
	for _, ev := range d.Events {
		what := tickets.EventNames[ev.Kind]
		if ev.Kind == tickets.EventMove {
			what = tickets.StatusNames[ev.From] + " → " + tickets.StatusNames[ev.To]
			if ev.To == tickets.StatusAssigned {
				what += "（" + tickets.AssigneeLabel(ev.Assignee) + "）"
			}
		}
		p.Events = append(p.Events, ticketEventView{ev, what})
	}
	if p.Matchable && !p.Closed {
		if p.Suggestions, err = m.svc.Suggest(r.Context(), a, id); err != nil {
			return err
		}
	}
	ss.Render(w, r, status, "ticket", p)
	return nil
}

// ticketAction runs an action posted from the ticket page and goes back to
// it; a refusal shows the page again with the form, what was typed and why.
func (m *module) ticketAction(w http.ResponseWriter, r *http.Request, ss *web.Session, form, done string, values map[string]string, run func(id int64) error) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	err = run(id)
	if err == nil {
		return web.SeeOther(w, r, "/tickets/"+strconv.FormatInt(id, 10)+"?done="+done+"#top")
	}
	e := fugong.AsError(err)
	if e == nil || e.Code == fugong.EInternal {
		return err
	}
	if e.Code == fugong.ENotFound {
		// The ticket itself out of scope is the page not found; anything
		// else not found (a supplier) is a mistake in the form.
		if _, gerr := m.svc.Get(r.Context(), ss.Actor(), id); gerr != nil {
			return gerr
		}
	}
	f := failedForm{Name: form, Values: values, Errors: map[string]string{}, Message: e.Message}
	for _, p := range e.Problems {
		if _, seen := f.Errors[p.Field]; !seen {
			f.Errors[p.Field] = p.Message
		}
	}
	if e.Field != "" && len(e.Problems) == 0 {
		f.Errors[e.Field] = e.Message
	}
	return m.showTicket(w, r, ss, web.Status(e.Code), f)
}

func (m *module) ticketMove(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	mv := tickets.Move{Status: r.PostFormValue("status"), Note: r.PostFormValue("note")}
	if mv.Status == tickets.StatusAssigned {
		mv.Assignee = strings.TrimSpace(r.PostFormValue("assignee_user"))
		if mv.Assignee == "" {
			mv.Assignee = r.PostFormValue("assignee_group")
		}
	}
	values := map[string]string{"note": mv.Note, "assignee_user": r.PostFormValue("assignee_user"), "assignee_group": r.PostFormValue("assignee_group")}
	return m.ticketAction(w, r, ss, "move:"+mv.Status, mv.Status, values, func(id int64) error {
		_, err := m.svc.Move(r.Context(), ss.Actor(), id, mv)
		return err
	})
}

func (m *module) ticketSupplier(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	uscc, note := r.PostFormValue("uscc"), r.PostFormValue("note")
	return m.ticketAction(w, r, ss, "supplier", "supplier", map[string]string{"uscc": uscc, "note": note}, func(id int64) error {
		_, err := m.svc.ChooseSupplier(r.Context(), ss.Actor(), id, uscc, note)
		return err
	})
}

func (m *module) ticketPass(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	in := passInput{Plate: r.PostFormValue("plate"), Route: r.PostFormValue("route"), ValidFrom: r.PostFormValue("valid_from"),
		ValidTo: r.PostFormValue("valid_to"), Note: r.PostFormValue("note")}
	values := map[string]string{"plate": in.Plate, "route": in.Route, "valid_from": in.ValidFrom, "valid_to": in.ValidTo, "note": in.Note}
	return m.ticketAction(w, r, ss, "pass", "pass", values, func(id int64) error {
		p, err := in.pass(true)
		if err == nil {
			_, err = m.svc.AddPass(r.Context(), ss.Actor(), id, p)
		}
		return err
	})
}

func (m *module) ticketDelivery(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	values := map[string]string{"quantity": r.PostFormValue("quantity"), "unit": r.PostFormValue("unit"),
		"date": r.PostFormValue("date"), "note": r.PostFormValue("note")}
	return m.ticketAction(w, r, ss, "delivery", "delivery", values, func(id int64) error {
		q, err := strconv.ParseFloat(strings.TrimSpace(web.HalfWidth(values["quantity"])), 64)
		if err != nil {
			return fugong.Errorf(fugong.EInvalid, "quantity", "送达数量应为数字")
		}
		_, err = m.svc.AddDelivery(r.Context(), ss.Actor(), id, tickets.Delivery{Quantity: q, Unit: values["unit"],
			Date: values["date"], Note: values["note"]})
		return err
	})
}

// ---- Figures -----------------------------------------------------------------------

type statRow struct {
	tickets.CategoryStats
	Avg, Median string
	Href        template.URL
}

type ticketStatsPage struct {
	web.Base
	All        statRow
	Rows       []statRow
	HoursChart template.HTML
	OpenChart  template.HTML
}

func hoursText(h *float64) string {
	if h == nil {
		return "—"
	}
	return chart.Format(*h)
}

func (m *module) ticketStatsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !tickets.CanRaise(a) {
		return fugong.NotFound("页面")
	}
	st, err := m.svc.Stats(r.Context(), a)
	if err != nil {
		return err
	}
	p := ticketStatsPage{Base: ss.Base("问题困难统计", "/tickets"),
		All: statRow{CategoryStats: st.All, Avg: hoursText(st.All.AvgHours), Median: hoursText(st.All.MedianHours)}}
	hours := chart.HBar{Title: "各类问题平均解决用时（小时）", Unit: "h"}
	open := chart.HBar{Title: "各类问题未解决数（红色为已超时）",
		Legend: []chart.Swatch{{Color: chart.Red, Label: "含超时"}, {Color: chart.Blue, Label: "均在时限内"}}}
	for _, c := range st.Categories {
		row := statRow{CategoryStats: c, Avg: hoursText(c.AvgHours), Median: hoursText(c.MedianHours),
			Href: template.URL("/tickets?" + url.Values{"category": {c.Category}}.Encode())}
		p.Rows = append(p.Rows, row)
		bar := chart.Bar{Label: c.Name, Text: "—", Title: fmt.Sprintf("%s：尚无已解决的问题", c.Name), Href: string(row.Href)}
		if c.AvgHours != nil {
			bar.Value, bar.Text = *c.AvgHours, row.Avg+" 小时"
			bar.Title = fmt.Sprintf("%s：已解决 %d 件，平均 %s 小时，中位 %s 小时", c.Name, c.Resolved, row.Avg, row.Median)
		}
		hours.Bars = append(hours.Bars, bar)
		fill := chart.Blue
		if c.Overdue > 0 {
			fill = chart.Red
		}
		open.Bars = append(open.Bars, chart.Bar{Label: c.Name, Value: float64(c.Open), Fill: fill,
			Text:  fmt.Sprintf("%d（超时 %d）", c.Open, c.Overdue),
			Title: fmt.Sprintf("%s：未解决 %d 件，其中超时 %d 件", c.Name, c.Open, c.Overdue),
			Href:  "/tickets?" + url.Values{"category": {c.Category}, "overdue": {"true"}}.Encode()})
	}
	p.HoursChart, p.OpenChart = hours.HTML(), open.HTML()
	ss.Render(w, r, http.StatusOK, "ticket_stats", p)
	return nil
}

// ---- The SLA setting ---------------------------------------------------------------

type slaRow struct {
	Name, Label, Value, Error string
	Default                   int
}

type ticketSLAPage struct {
	web.Base
	Rows  []slaRow
	Saved bool
}

func slaRows(values map[string]string, errs map[string]string) []slaRow {
	var out []slaRow
	for _, u := range tickets.Urgencies {
		out = append(out, slaRow{Name: u, Label: tickets.UrgencyNames[u], Value: values[u], Error: errs[u], Default: tickets.DefaultSLA.Hours(u)})
	}
	return out
}

func (m *module) ticketSLAForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !tickets.CanSetSLA(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	sla, err := m.svc.SLA(r.Context())
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, u := range tickets.Urgencies {
		values[u] = strconv.Itoa(sla.Hours(u))
	}
	ss.Render(w, r, http.StatusOK, "ticket_sla", ticketSLAPage{Base: ss.Base("问题办理时限", "/tickets"),
		Rows: slaRows(values, nil), Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (m *module) ticketSLASave(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !tickets.CanSetSLA(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	values, bad := map[string]string{}, map[string]string{}
	hours := make([]int, len(tickets.Urgencies))
	for i, u := range tickets.Urgencies {
		values[u] = strings.TrimSpace(web.HalfWidth(r.PostFormValue(u)))
		n, err := strconv.Atoi(values[u])
		if err != nil {
			bad[u] = tickets.UrgencyNames[u] + "时限应为整数小时"
		}
		hours[i] = n
	}
	if len(bad) == 0 {
		err := m.svc.SetSLA(r.Context(), ss.Actor(), tickets.SLA{Urgent: hours[0], High: hours[1], Normal: hours[2], Low: hours[3]})
		if err == nil {
			return web.SeeOther(w, r, "/tickets/sla?saved=1")
		}
		f, err := web.FormError(err)
		if err != nil {
			return err
		}
		bad = f.Fields
	}
	ss.Render(w, r, http.StatusBadRequest, "ticket_sla", ticketSLAPage{Base: ss.Base("问题办理时限", "/tickets"), Rows: slaRows(values, bad)})
	return nil
}

// ---- Declared products ---------------------------------------------------------------

type productsPage struct {
	web.Base
	E         registry.Enterprise
	Rows      []tickets.Product
	Errors    map[string]string
	CanEdit   bool
	Saved     bool
	FormError string
}

// blankProductRows are the empty rows the form offers for new products.
const blankProductRows = 5

func (m *module) productsPage(ss *web.Session, d tickets.Declared) productsPage {
	return productsPage{Base: ss.Base(d.Enterprise.Name+" · 产品申报", "/tickets"), E: d.Enterprise, Rows: d.Products,
		CanEdit: d.CanEdit, Errors: map[string]string{}}
}

func (m *module) productsForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	d, err := m.svc.Declared(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	p := m.productsPage(ss, d)
	if p.CanEdit {
		p.Rows = append(p.Rows, make([]tickets.Product, blankProductRows)...)
	}
	p.Saved = r.URL.Query().Get("saved") == "1"
	ss.Render(w, r, http.StatusOK, "products", p)
	return nil
}

func (m *module) productsSave(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	d, err := m.svc.Declared(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	p := m.productsPage(ss, d)
	names, notes := r.PostForm["product"], r.PostForm["note"]
	var ps []tickets.Product
	for i, n := range names {
		note := ""
		if i < len(notes) {
			note = notes[i]
		}
		if strings.TrimSpace(n) == "" && strings.TrimSpace(note) == "" {
			continue // a blank row
		}
		ps = append(ps, tickets.Product{Product: n, Note: note})
	}
	_, err = m.svc.SetProducts(r.Context(), ss.Actor(), p.E.USCC, ps)
	if err == nil {
		return web.SeeOther(w, r, "/enterprises/"+p.E.USCC+"/products?saved=1")
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	p.FormError, p.Errors = f.Message, f.Fields
	p.Rows = append(ps, make([]tickets.Product, blankProductRows)...)
	ss.Render(w, r, f.Status, "products", p)
	return nil
}

// RowError is the error of row i's field in the products form.
func (p productsPage) RowError(i int, field string) string {
	return p.Errors["products["+strconv.Itoa(i)+"]."+field]
}
