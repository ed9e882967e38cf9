package web

import (
	"net/http"
	"strconv"

	"fugong"
	"fugong/files"
	"fugong/sheet"
	"fugong/tickets"
)

// ticketsRoutes are the difficulty tickets' (M5): raising and working them,
// the supplier matching, passes and deliveries, the figures, the SLA
// setting and the enterprises' declared products.
func (s *Server) ticketsRoutes() []route {
	return []route{
		{"POST", "/api/v1/tickets", s.api(s.apiRaiseTicket)},
		{"GET", "/api/v1/tickets", s.api(s.apiListTickets)},
		{"GET", "/api/v1/tickets/export", s.api(s.apiExportTickets)},
		{"GET", "/api/v1/tickets/stats", s.api(s.apiTicketStats)},
		{"GET", "/api/v1/tickets/{id}", s.api(s.apiGetTicket)},
		{"PATCH", "/api/v1/tickets/{id}", s.api(s.apiMoveTicket)},
		{"GET", "/api/v1/tickets/{id}/suggestions", s.api(s.apiTicketSuggestions)},
		{"PUT", "/api/v1/tickets/{id}/supplier", s.api(s.apiChooseSupplier)},
		{"POST", "/api/v1/tickets/{id}/passes", s.api(s.apiAddPass)},
		{"POST", "/api/v1/tickets/{id}/deliveries", s.api(s.apiAddDelivery)},
		{"GET", "/api/v1/settings/ticket-sla", s.api(s.apiGetTicketSLA)},
		{"PUT", "/api/v1/settings/ticket-sla", s.api(s.apiPutTicketSLA)},
		{"GET", "/api/v1/enterprises/{uscc}/products", s.api(s.apiGetProducts)},
		{"PUT", "/api/v1/enterprises/{uscc}/products", s.api(s.apiPutProducts)},
	}
}

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
			return nil, uploadError(err)
		}
	}
	hdrs := r.MultipartForm.File[field]
	if err := tickets.CheckAttachments(len(hdrs)); err != nil {
		return nil, err
	}
	var ups []files.Upload
	for _, h := range hdrs {
		u, err := readPart(h)
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
func (s *Server) apiRaiseTicket(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var n tickets.NewTicket
	var ups []files.Upload
	if isMultipart(r) {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return uploadError(err)
		}
		raw := r.FormValue("ticket")
		if raw == "" {
			return fugong.Errorf(fugong.EInvalid, "ticket", "请在 ticket 字段中提交问题内容（JSON）")
		}
		if err := decodeStrict([]byte(raw), &n); err != nil {
			return err
		}
		var err error
		if ups, err = formUploads(r, "attachment"); err != nil {
			return err
		}
	} else if err := decodeJSON(w, r, &n); err != nil {
		return err
	}
	k, err := s.Tickets.Raise(r.Context(), a, n, ups)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tickets/"+strconv.FormatInt(k.ID, 10))
	writeJSON(w, http.StatusCreated, k)
	return nil
}

// ticketFilter reads a list's query: status, category, urgency, overdue,
// assignee ("me" for the caller's own), town, enterprise, page, per_page.
func ticketFilter(r *http.Request) (tickets.Filter, error) {
	q := r.URL.Query()
	f := tickets.Filter{Status: q.Get("status"), Category: q.Get("category"), Urgency: q.Get("urgency"),
		Assignee: q.Get("assignee"), Town: q.Get("town"), Enterprise: q.Get("enterprise")}
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
	if f.Page, err = queryInt(r, "page"); err != nil {
		return f, err
	}
	f.PerPage, err = queryInt(r, "per_page")
	return f, err
}

func (s *Server) apiListTickets(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := ticketFilter(r)
	if err != nil {
		return err
	}
	items, total, err := s.Tickets.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	perPage := f.PerPage
	if perPage == 0 {
		perPage = tickets.DefaultPerPage
	}
	writeJSON(w, http.StatusOK, listResponse[tickets.Ticket]{Items: items, Total: total, Page: max(f.Page, 1), PerPage: perPage})
	return nil
}

func (s *Server) apiExportTickets(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.exportTickets(w, r, a)
}

// exportTickets writes the tickets in scope matching the list's filters as
// a spreadsheet.
func (s *Server) exportTickets(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	f, err := ticketFilter(r)
	if err != nil {
		return err
	}
	items, err := s.Tickets.All(r.Context(), a, f)
	if err != nil {
		return err
	}
	day := tickets.Day(s.Tickets.Now())
	name := "问题困难清单-" + day + "." + format
	download(w, name, "tickets-"+day, format)
	return sheet.WriteTickets(w, name, items)
}

func (s *Server) apiTicketStats(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	st, err := s.Tickets.Stats(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) apiGetTicket(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	d, err := s.Tickets.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// apiMoveTicket moves a ticket along the workflow: {"status", "assignee", "note"}.
func (s *Server) apiMoveTicket(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var m tickets.Move
	if err := decodeJSON(w, r, &m); err != nil {
		return err
	}
	k, err := s.Tickets.Move(r.Context(), a, id, m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

func (s *Server) apiTicketSuggestions(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	ss, err := s.Tickets.Suggest(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[tickets.Suggestion]{Items: ss, Total: len(ss)})
	return nil
}

type supplierInput struct {
	USCC string `json:"uscc"`
	Note string `json:"note"`
}

func (s *Server) apiChooseSupplier(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var in supplierInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := s.Tickets.ChooseSupplier(r.Context(), a, id, in.USCC, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
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

func (s *Server) apiAddPass(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var in passInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.Tickets.Recordable(r.Context(), a, id); err != nil {
		return err
	}
	p, err := in.pass(false)
	if err != nil {
		return err
	}
	if p, err = s.Tickets.AddPass(r.Context(), a, id, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

type deliveryInput struct {
	Quantity *float64 `json:"quantity"`
	Unit     string   `json:"unit"`
	Date     string   `json:"date"`
	Note     string   `json:"note"`
}

func (s *Server) apiAddDelivery(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := ticketID(r)
	if err != nil {
		return err
	}
	var in deliveryInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.Tickets.Recordable(r.Context(), a, id); err != nil {
		return err
	}
	if in.Quantity == nil {
		return fugong.Errorf(fugong.EInvalid, "quantity", "请填写送达数量")
	}
	d, err := s.Tickets.AddDelivery(r.Context(), a, id, tickets.Delivery{Quantity: *in.Quantity, Unit: in.Unit, Date: in.Date, Note: in.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiGetTicketSLA(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	sla, err := s.Tickets.SLA(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sla)
	return nil
}

// slaInput is the SLA as sent; tickets.SLAOf requires every urgency.
type slaInput struct {
	Urgent *int `json:"urgent"`
	High   *int `json:"high"`
	Normal *int `json:"normal"`
	Low    *int `json:"low"`
}

func (s *Server) apiPutTicketSLA(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if err := tickets.CheckSLASetter(a); err != nil {
		return err
	}
	var in slaInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sla, err := tickets.SLAOf(map[string]*int{tickets.UrgencyUrgent: in.Urgent, tickets.UrgencyHigh: in.High,
		tickets.UrgencyNormal: in.Normal, tickets.UrgencyLow: in.Low})
	if err != nil {
		return err
	}
	if err := s.Tickets.SetSLA(r.Context(), a, sla); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sla)
	return nil
}

func (s *Server) apiGetProducts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	ps, err := s.Tickets.Products(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[tickets.Product]{Items: ps, Total: len(ps)})
	return nil
}

type productsInput struct {
	Products *[]tickets.Product `json:"products"`
}

// apiPutProducts replaces an enterprise's declared products: {"products":
// [{"product", "note"} or "name", …]}; an empty list clears them.
func (s *Server) apiPutProducts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in productsInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Products == nil {
		if _, err := s.Tickets.Products(r.Context(), a, r.PathValue("uscc")); err != nil {
			return err
		}
		return fugong.Errorf(fugong.EInvalid, "products", "请提交 products 列表（清空请提交空列表）")
	}
	ps, err := s.Tickets.SetProducts(r.Context(), a, r.PathValue("uscc"), *in.Products)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[tickets.Product]{Items: ps, Total: len(ps)})
	return nil
}
