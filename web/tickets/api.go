package tickets

import (
	"cmp"
	"net/http"
	"strconv"

	"fugong"
	"fugong/files"
	"fugong/sheet"
	"fugong/tickets"
	"fugong/web"
)

// The API (M5): raising and working tickets, the supplier matching,
// passes and deliveries, the figures, the SLA setting and the
// enterprises' declared products.

// ticketID reads the {id} of a ticket's path; anything but a positive
// number is a ticket that does not exist.
func ticketID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fugong.NotFound("问题")
	}
	return id, nil
}

// formUploads reads the files of a multipart field as sent; the module
// checks them. A file input left empty is no file.
func formUploads(r *http.Request, field string) ([]files.Upload, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, web.UploadError(err)
		}
	}
	hdrs := r.MultipartForm.File[field]
	if err := tickets.CheckAttachments(len(hdrs)); err != nil {
		return nil, err
	}
	var ups []files.Upload
	for _, h := range hdrs {
		u, err := web.ReadPart(h)
		if err != nil {
			return nil, err
		}
		if len(u.Data) == 0 && h.Filename == "" {
			continue
		}
		ups = append(ups, u)
	}
	return ups, nil
}

// apiRaiseTicket raises a ticket: a JSON body, or a multipart form with the
// JSON in the field "ticket" and the files in "attachment".
func (m *module) apiRaiseTicket(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var n tickets.NewTicket
	var ups []files.Upload
	if web.IsMultipart(r) {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return web.UploadError(err)
		}
		raw := r.FormValue("ticket")
		if raw == "" {
			return fugong.Errorf(fugong.EInvalid, "ticket", "请在 ticket 字段中提交问题内容（JSON）")
		}
		if err := web.DecodeStrict([]byte(raw), &n); err != nil {
			return err
		}
		var err error
		if ups, err = formUploads(r, "attachment"); err != nil {
			return err
		}
	} else if err := web.DecodeJSON(w, r, &n); err != nil {
		return err
	}
	k, err := m.svc.Raise(r.Context(), a, n, ups)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tickets/"+strconv.FormatInt(k.ID, 10))
	web.WriteJSON(w, http.StatusCreated, k)
	return nil
}

// ticketFilter reads a list's query: status, category, urgency, overdue,
// assignee ("me" for the caller's own), town, enterprise, page, per_page.
func ticketFilter(r *http.Request) (tickets.Filter, error) {
	q := r.URL.Query()
	f := tickets.Filter{Status: q.Get("status"), Category: q.Get("category"), Urgency: q.Get("urgency"),
		Assignee: q.Get("assignee"), Town: q.Get("town"), Enterprise: q.Get("enterprise"), Q: q.Get("q")}
	switch v := q.Get("overdue"); v {
	case "":
	case "true", "1":
		yes := true
		f.Overdue = &yes
	case "false", "0":
		no := false
		f.Overdue = &no
	default:
		return f, fugong.Errorf(fugong.EInvalid, "overdue", "overdue 应为 true 或 false")
	}
	var err error
	if f.Page, err = web.QueryInt(r, "page"); err != nil {
		return f, err
	}
	f.PerPage, err = web.QueryInt(r, "per_page")
	return f, err
}

func (m *module) apiListTickets(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := ticketFilter(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, web.Paging{Page: f.Page, PerPage: cmp.Or(f.PerPage, tickets.DefaultPerPage)}))
	return nil
}

func (m *module) apiExportTickets(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.exportTickets(w, r, a)
}

// exportTickets writes the tickets in scope matching the list's filters as
// a spreadsheet.
func (m *module) exportTickets(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	f, err := ticketFilter(r)
	if err != nil {
		return err
	}
	items, err := m.svc.All(r.Context(), a, f)
	if err != nil {
		return err
	}
	day := tickets.Day(m.svc.Now())
	name := "问题困难清单-" + day + "." + format
	web.Download(w, name, "tickets-"+day, format)
	return sheet.WriteTickets(w, name, items)
}

func (m *module) apiTicketStats(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	st, err := m.svc.Stats(r.Context(), a)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (m *module) apiGetTicket(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	d, err := m.svc.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

// apiMoveTicket moves a ticket along the workflow: {"status", "assignee", "note"}.
func (m *module) apiMoveTicket(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var mv tickets.Move
	if err := web.DecodeJSON(w, r, &mv); err != nil {
		return err
	}
	k, err := m.svc.Move(r.Context(), a, id, mv)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, k)
	return nil
}

func (m *module) apiTicketSuggestions(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	ss, err := m.svc.Suggest(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(ss))
	return nil
}

type supplierInput struct {
	USCC string `json:"uscc"`
	Note string `json:"note"`
}

func (m *module) apiChooseSupplier(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var in supplierInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := m.svc.ChooseSupplier(r.Context(), a, id, in.USCC, in.Note)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, k)
	return nil
}

// passInput is a pass as sent: the times as RFC 3339 text, so that a bad
// one is named in the error.
type passInput struct {
	Plate     string `json:"plate"`
	Route     string `json:"route"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Note      string `json:"note"`
}

func (in passInput) pass(form bool) (tickets.Pass, error) {
	p := tickets.Pass{Plate: in.Plate, Route: in.Route, Note: in.Note}
	var err error
	if p.ValidFrom, err = tickets.ParsePassTime("valid_from", in.ValidFrom, form); err != nil {
		return p, err
	}
	p.ValidTo, err = tickets.ParsePassTime("valid_to", in.ValidTo, form)
	return p, err
}

func (m *module) apiAddPass(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var in passInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := m.svc.Recordable(r.Context(), a, id); err != nil {
		return err
	}
	p, err := in.pass(false)
	if err != nil {
		return err
	}
	if p, err = m.svc.AddPass(r.Context(), a, id, p); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

type deliveryInput struct {
	Quantity *float64 `json:"quantity"`
	Unit     string   `json:"unit"`
	Date     string   `json:"date"`
	Note     string   `json:"note"`
}

func (m *module) apiAddDelivery(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var in deliveryInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := m.svc.Recordable(r.Context(), a, id); err != nil {
		return err
	}
	if in.Quantity == nil {
		return fugong.Errorf(fugong.EInvalid, "quantity", "请填写送达数量")
	}
	d, err := m.svc.AddDelivery(r.Context(), a, id, tickets.Delivery{Quantity: *in.Quantity, Unit: in.Unit, Date: in.Date, Note: in.Note})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (m *module) apiGetTicketSLA(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	sla, err := m.svc.SLA(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sla)
	return nil
}

// slaInput is the SLA as sent; tickets.SLAOf requires every urgency.
type slaInput struct {
	Urgent *int `json:"urgent"`
	High   *int `json:"high"`
	Normal *int `json:"normal"`
	Low    *int `json:"low"`
}

func (m *module) apiPutTicketSLA(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if err := tickets.CheckSLASetter(a); err != nil {
		return err
	}
	var in slaInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sla, err := tickets.SLAOf(map[string]*int{tickets.UrgencyUrgent: in.Urgent, tickets.UrgencyHigh: in.High,
		tickets.UrgencyNormal: in.Normal, tickets.UrgencyLow: in.Low})
	if err != nil {
		return err
	}
	if err := m.svc.SetSLA(r.Context(), a, sla); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sla)
	return nil
}

func (m *module) apiGetProducts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	ps, err := m.svc.Products(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(ps))
	return nil
}

type productsInput struct {
	Products *[]tickets.Product `json:"products"`
}

// apiPutProducts replaces an enterprise's declared products: {"products":
// [{"product", "note"} or "name", …]}; an empty list clears them.
func (m *module) apiPutProducts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in productsInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Products == nil {
		if _, err := m.svc.Products(r.Context(), a, r.PathValue("uscc")); err != nil {
			return err
		}
		return fugong.Errorf(fugong.EInvalid, "products", "请提交 products 列表（清空请提交空列表）")
	}
	ps, err := m.svc.SetProducts(r.Context(), a, r.PathValue("uscc"), *in.Products)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(ps))
	return nil
}

// assigneeSuggestion is a person an assignment picker offers: the username
// is the value, the name and work group the label.
type assigneeSuggestion struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	GroupName   string `json:"group_name"`
}

// apiSuggestAssignees answers the 指定人员 picker as the user types (?q=).
func (m *module) apiSuggestAssignees(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	us, err := m.svc.SuggestAssignees(r.Context(), a, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	out := make([]assigneeSuggestion, 0, len(us))
	for _, u := range us {
		out = append(out, assigneeSuggestion{Username: u.Username, DisplayName: u.DisplayName, GroupName: fugong.GroupNames[u.Group]})
	}
	web.WriteJSON(w, http.StatusOK, web.All(out))
	return nil
}
