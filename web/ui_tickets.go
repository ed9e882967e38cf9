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
	"fugong/files"
	"fugong/registry"
	"fugong/tickets"
	"fugong/web/chart"
)

// The difficulty tickets' pages (M5, 问题困难): the list, the raise form, a
// ticket with its history and the forms that work it (assign, start,
// resolve, close, reopen, choose a supplier, record a pass or a delivery),
// the figures per category, the SLA setting, an enterprise's products.
func (s *Server) ticketsPages(mux *routeList) {
	mux.Handle("GET /tickets", s.ui(s.ticketList))
	mux.Handle("GET /tickets/new", s.ui(s.ticketNew))
	mux.Handle("POST /tickets", s.ui(s.ticketCreate))
	mux.Handle("GET /tickets/export", s.ui(s.ticketExport))
	mux.Handle("GET /tickets/stats", s.ui(s.ticketStatsPage))
	mux.Handle("GET /tickets/sla", s.ui(s.ticketSLAForm))
	mux.Handle("POST /tickets/sla", s.ui(s.ticketSLASave))
	mux.Handle("GET /tickets/{id}", s.ui(s.ticketDetail))
	mux.Handle("POST /tickets/{id}/move", s.ui(s.ticketMove))
	mux.Handle("POST /tickets/{id}/supplier", s.ui(s.ticketSupplier))
	mux.Handle("POST /tickets/{id}/passes", s.ui(s.ticketPass))
	mux.Handle("POST /tickets/{id}/deliveries", s.ui(s.ticketDelivery))
	mux.Handle("GET /enterprises/{uscc}/products", s.ui(s.productsForm))
	mux.Handle("POST /enterprises/{uscc}/products", s.ui(s.productsSave))
}

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
	basePage
	Items       []ticketView
	Total       int
	Page, Pages int
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

func (s *Server) ticketList(w http.ResponseWriter, r *http.Request, ss *session) error {
	a := ss.actor()
	if !tickets.CanRaise(a) {
		return fugong.NotFound("页面")
	}
	p := ticketListPage{basePage: s.base(ss, "问题困难", "/tickets"), F: r.URL.Query(), Page: 1,
		Statuses: choices(tickets.Statuses, tickets.StatusNames), Categories: choices(tickets.Categories, tickets.CategoryNames),
		Urgencies: choices(tickets.Urgencies, tickets.UrgencyNames), Towns: townsFor(a),
		Assignees: append([]choice{{"me", "我的（本人或本组）"}}, groupChoices()...),
		CanRaise:  true, IsAdmin: tickets.CanSetSLA(a)}
	f, err := ticketFilter(r)
	if err == nil {
		f.PerPage = tickets.DefaultPerPage
		var items []tickets.Ticket
		items, p.Total, err = s.Tickets.List(r.Context(), a, f)
		p.Items, p.Page = views(items), max(f.Page, 1)
	}
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EInvalid {
		p.FilterError = e.Message + "，已显示全部"
		p.F = url.Values{}
		var items []tickets.Ticket
		items, p.Total, err = s.Tickets.List(r.Context(), a, tickets.Filter{})
		p.Items, p.Page = views(items), 1
	}
	if err != nil {
		return err
	}
	p.Pages = (p.Total + tickets.DefaultPerPage - 1) / tickets.DefaultPerPage
	q := url.Values{}
	for k, v := range p.F {
		if k != "page" && len(v) > 0 && v[0] != "" {
			q.Set(k, v[0])
		}
	}
	p.Query = template.URL(q.Encode())
	s.render(w, r, http.StatusOK, "tickets", p)
	return nil
}

func (s *Server) ticketExport(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.exportTickets(w, r, ss.actor())
}

// ---- Raising ---------------------------------------------------------------------

type ticketFormPage struct {
	basePage
	N          tickets.NewTicket
	Fixed      string   // the clerk's own enterprise, by name
	Choices    []choice // the cadre's enterprises
	Categories []choice
	Urgencies  []choice
	Errors     map[string]string
	FormError  string
}

func (s *Server) ticketForm(ctx context.Context, ss *session, n tickets.NewTicket) (ticketFormPage, error) {
	a := ss.actor()
	p := ticketFormPage{basePage: s.base(ss, "提出问题困难", "/tickets"), N: n, Errors: map[string]string{},
		Categories: choices(tickets.Categories, tickets.CategoryNames), Urgencies: choices(tickets.Urgencies, tickets.UrgencyNames)}
	o, err := s.Tickets.RaiseOptions(ctx, a)
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

func (s *Server) ticketNew(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !tickets.CanRaise(ss.actor()) {
		return fugong.NotFound("页面")
	}
	p, err := s.ticketForm(r.Context(), ss, tickets.NewTicket{Enterprise: r.URL.Query().Get("enterprise")})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "ticket_form", p)
	return nil
}

func (s *Server) ticketCreate(w http.ResponseWriter, r *http.Request, ss *session) error {
	a := ss.actor()
	if !tickets.CanRaise(a) {
		return fugong.NotFound("页面")
	}
	n := tickets.NewTicket{Enterprise: r.PostFormValue("enterprise"), Category: r.PostFormValue("category"),
		Urgency: r.PostFormValue("urgency"), Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
	typed := n
	n.Enterprise = s.Tickets.RaisedFor(r.Context(), a, n.Enterprise)
	var ups []files.Upload
	var err error
	if isMultipart(r) {
		ups, err = formUploads(r, "attachment")
	}
	var k tickets.Ticket
	if err == nil {
		k, err = s.Tickets.Raise(r.Context(), a, n, ups)
	}
	if err == nil {
		http.Redirect(w, r, ticketView{k}.Path()+"?done=created", http.StatusSeeOther)
		return nil
	}
	status := http.StatusBadRequest
	bad, ferr := fieldErrors(err)
	if ferr != nil {
		e := fugong.AsError(ferr)
		if e == nil || e.Code != fugong.ENotFound && e.Code != fugong.ETooLarge {
			return ferr
		}
		// An enterprise not found in scope is a mistake in the field.
		status, bad = statusOf[e.Code], map[string]string{"enterprise": "未找到该企业：请输入统一社会信用代码或完整的企业名称"}
		if e.Code == fugong.ETooLarge {
			bad = map[string]string{"attachment": e.Message}
		}
	}
	p, err := s.ticketForm(r.Context(), ss, typed)
	if err != nil {
		return err
	}
	p.Errors, p.FormError = bad, "请修改标红的项目后再提交"
	s.render(w, r, status, "ticket_form", p)
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
	basePage
	T           ticketView
	Detail      tickets.Detail
	Events      []ticketEventView
	Moves       []ticketMoveForm
	Groups      []choice
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

func (s *Server) ticketDetail(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.showTicket(w, r, ss, http.StatusOK, failedForm{})
}

func (s *Server) showTicket(w http.ResponseWriter, r *http.Request, ss *session, status int, failed failedForm) error {
	a := ss.actor()
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	d, err := s.Tickets.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	p := ticketPage{basePage: s.base(ss, fmt.Sprintf("问题 #%d", d.ID), "/tickets"), T: ticketView{d.Ticket}, Detail: d,
		Groups: groupChoices(), CanWork: tickets.CanWork(a, d.Ticket), Matchable: tickets.Matchable(d.Category),
		Closed: d.Status == tickets.StatusClosed, Failed: failed, Done: doneMessages[r.URL.Query().Get("done")],
		Today: tickets.Day(s.Tickets.Now()), CanProducts: tickets.CanDeclareProducts(a)}
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
		if p.Suggestions, err = s.Tickets.Suggest(r.Context(), a, id); err != nil {
			return err
		}
	}
	s.render(w, r, status, "ticket", p)
	return nil
}

// ticketAction runs an action posted from the ticket page and goes back to
// it; a refusal shows the page again with the form, what was typed and why.
func (s *Server) ticketAction(w http.ResponseWriter, r *http.Request, ss *session, form, done string, values map[string]string, run func(id int64) error) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	err = run(id)
	if err == nil {
		http.Redirect(w, r, "/tickets/"+strconv.FormatInt(id, 10)+"?done="+done+"#top", http.StatusSeeOther)
		return nil
	}
	e := fugong.AsError(err)
	if e == nil || e.Code == fugong.EInternal {
		return err
	}
	if e.Code == fugong.ENotFound {
		// The ticket itself out of scope is the page not found; anything
		// else not found (a supplier) is a mistake in the form.
		if _, gerr := s.Tickets.Get(r.Context(), ss.actor(), id); gerr != nil {
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
	return s.showTicket(w, r, ss, statusOf[e.Code], f)
}

func (s *Server) ticketMove(w http.ResponseWriter, r *http.Request, ss *session) error {
	m := tickets.Move{Status: r.PostFormValue("status"), Note: r.PostFormValue("note")}
	if m.Status == tickets.StatusAssigned {
		m.Assignee = strings.TrimSpace(r.PostFormValue("assignee_user"))
		if m.Assignee == "" {
			m.Assignee = r.PostFormValue("assignee_group")
		}
	}
	values := map[string]string{"note": m.Note, "assignee_user": r.PostFormValue("assignee_user"), "assignee_group": r.PostFormValue("assignee_group")}
	return s.ticketAction(w, r, ss, "move:"+m.Status, m.Status, values, func(id int64) error {
		_, err := s.Tickets.Move(r.Context(), ss.actor(), id, m)
		return err
	})
}

func (s *Server) ticketSupplier(w http.ResponseWriter, r *http.Request, ss *session) error {
	uscc, note := r.PostFormValue("uscc"), r.PostFormValue("note")
	return s.ticketAction(w, r, ss, "supplier", "supplier", map[string]string{"uscc": uscc, "note": note}, func(id int64) error {
		_, err := s.Tickets.ChooseSupplier(r.Context(), ss.actor(), id, uscc, note)
		return err
	})
}

func (s *Server) ticketPass(w http.ResponseWriter, r *http.Request, ss *session) error {
	in := passInput{Plate: r.PostFormValue("plate"), Route: r.PostFormValue("route"), ValidFrom: r.PostFormValue("valid_from"),
		ValidTo: r.PostFormValue("valid_to"), Note: r.PostFormValue("note")}
	values := map[string]string{"plate": in.Plate, "route": in.Route, "valid_from": in.ValidFrom, "valid_to": in.ValidTo, "note": in.Note}
	return s.ticketAction(w, r, ss, "pass", "pass", values, func(id int64) error {
		p, err := in.pass(true)
		if err == nil {
			_, err = s.Tickets.AddPass(r.Context(), ss.actor(), id, p)
		}
		return err
	})
}

func (s *Server) ticketDelivery(w http.ResponseWriter, r *http.Request, ss *session) error {
	values := map[string]string{"quantity": r.PostFormValue("quantity"), "unit": r.PostFormValue("unit"),
		"date": r.PostFormValue("date"), "note": r.PostFormValue("note")}
	return s.ticketAction(w, r, ss, "delivery", "delivery", values, func(id int64) error {
		q, err := strconv.ParseFloat(strings.TrimSpace(toHalfWidth(values["quantity"])), 64)
		if err != nil {
			return fugong.Errorf(fugong.EInvalid, "quantity", "送达数量应为数字")
		}
		_, err = s.Tickets.AddDelivery(r.Context(), ss.actor(), id, tickets.Delivery{Quantity: q, Unit: values["unit"],
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
	basePage
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

func (s *Server) ticketStatsPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	a := ss.actor()
	if !tickets.CanRaise(a) {
		return fugong.NotFound("页面")
	}
	st, err := s.Tickets.Stats(r.Context(), a)
	if err != nil {
		return err
	}
	p := ticketStatsPage{basePage: s.base(ss, "问题困难统计", "/tickets"),
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
	s.render(w, r, http.StatusOK, "ticket_stats", p)
	return nil
}

// ---- The SLA setting ---------------------------------------------------------------

type slaRow struct {
	Name, Label, Value, Error string
	Default                   int
}

type ticketSLAPage struct {
	basePage
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

func (s *Server) ticketSLAForm(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !tickets.CanSetSLA(ss.actor()) {
		return fugong.NotFound("页面")
	}
	sla, err := s.Tickets.SLA(r.Context())
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, u := range tickets.Urgencies {
		values[u] = strconv.Itoa(sla.Hours(u))
	}
	s.render(w, r, http.StatusOK, "ticket_sla", ticketSLAPage{basePage: s.base(ss, "问题办理时限", "/tickets"),
		Rows: slaRows(values, nil), Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (s *Server) ticketSLASave(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !tickets.CanSetSLA(ss.actor()) {
		return fugong.NotFound("页面")
	}
	values, bad := map[string]string{}, map[string]string{}
	hours := make([]int, len(tickets.Urgencies))
	for i, u := range tickets.Urgencies {
		values[u] = strings.TrimSpace(toHalfWidth(r.PostFormValue(u)))
		n, err := strconv.Atoi(values[u])
		if err != nil {
			bad[u] = tickets.UrgencyNames[u] + "时限应为整数小时"
		}
		hours[i] = n
	}
	if len(bad) == 0 {
		err := s.Tickets.SetSLA(r.Context(), ss.actor(), tickets.SLA{Urgent: hours[0], High: hours[1], Normal: hours[2], Low: hours[3]})
		if err == nil {
			http.Redirect(w, r, "/tickets/sla?saved=1", http.StatusSeeOther)
			return nil
		}
		if bad, err = fieldErrors(err); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusBadRequest, "ticket_sla", ticketSLAPage{basePage: s.base(ss, "问题办理时限", "/tickets"), Rows: slaRows(values, bad)})
	return nil
}

// ---- Declared products ---------------------------------------------------------------

type productsPage struct {
	basePage
	E         registry.Enterprise
	Rows      []tickets.Product
	Errors    map[string]string
	CanEdit   bool
	Saved     bool
	FormError string
}

// blankProductRows are the empty rows the form offers for new products.
const blankProductRows = 5

func (s *Server) productsPage(ss *session, d tickets.Declared) productsPage {
	return productsPage{basePage: s.base(ss, d.Enterprise.Name+" · 产品申报", "/tickets"), E: d.Enterprise, Rows: d.Products,
		CanEdit: d.CanEdit, Errors: map[string]string{}}
}

func (s *Server) productsForm(w http.ResponseWriter, r *http.Request, ss *session) error {
	d, err := s.Tickets.Declared(r.Context(), ss.actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	p := s.productsPage(ss, d)
	if p.CanEdit {
		p.Rows = append(p.Rows, make([]tickets.Product, blankProductRows)...)
	}
	p.Saved = r.URL.Query().Get("saved") == "1"
	s.render(w, r, http.StatusOK, "products", p)
	return nil
}

func (s *Server) productsSave(w http.ResponseWriter, r *http.Request, ss *session) error {
	d, err := s.Tickets.Declared(r.Context(), ss.actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	p := s.productsPage(ss, d)
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
	_, err = s.Tickets.SetProducts(r.Context(), ss.actor(), p.E.USCC, ps)
	if err == nil {
		http.Redirect(w, r, "/enterprises/"+p.E.USCC+"/products?saved=1", http.StatusSeeOther)
		return nil
	}
	e := fugong.AsError(err)
	if e == nil || e.Code != fugong.EInvalid {
		return err
	}
	p.FormError = e.Message
	for _, pr := range e.Problems {
		p.Errors[pr.Field] = pr.Message
	}
	p.Rows = append(ps, make([]tickets.Product, blankProductRows)...)
	s.render(w, r, http.StatusBadRequest, "products", p)
	return nil
}

// RowError is the error of row i's field in the products form.
func (p productsPage) RowError(i int, field string) string {
	return p.Errors["products["+strconv.Itoa(i)+"]."+field]
}
