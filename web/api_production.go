package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"fugong"
	"fugong/daily"
	"fugong/files"
	"fugong/production"
	"fugong/registry"
	"fugong/sheet"
)

// productionRoutes are resumption and production's (M4): applications to
// resume and the towns' decisions, the essential list, each enterprise's
// daily status, and the summaries with their drill-down.
func (s *Server) productionRoutes() []route {
	return []route{
		{"POST", "/api/v1/enterprises/{uscc}/resumption-applications", s.api(s.apiApply)},
		{"GET", "/api/v1/enterprises/{uscc}/resumption-applications", s.api(s.apiEnterpriseApplications)},
		{"GET", "/api/v1/resumption-applications", s.api(s.apiApplications)},
		{"GET", "/api/v1/resumption-applications/{id}", s.api(s.apiApplication)},
		{"POST", "/api/v1/resumption-applications/{id}/approve", s.api(s.apiApprove)},
		{"POST", "/api/v1/resumption-applications/{id}/return", s.api(s.apiReturn)},
		{"PUT", "/api/v1/enterprises/{uscc}/essential", s.api(s.apiPutEssential)},
		{"GET", "/api/v1/production/essential", s.api(s.apiEssentialList)},
		{"PUT", "/api/v1/enterprises/{uscc}/production/{date}", s.api(s.apiPutProductionDay)},
		{"GET", "/api/v1/enterprises/{uscc}/production/{date}", s.api(s.apiGetProductionDay)},
		{"GET", "/api/v1/enterprises/{uscc}/production/{date}/versions", s.api(s.apiProductionDayVersions)},
		{"GET", "/api/v1/enterprises/{uscc}/production", s.api(s.apiProductionDays)},
		{"GET", "/api/v1/production/summary", s.api(s.apiProductionSummary)},
		{"GET", "/api/v1/production/trend", s.api(s.apiProductionTrend)},
		{"GET", "/api/v1/production/enterprises", s.api(s.apiProductionEnterprises)},
		{"GET", "/api/v1/production/enterprises/export", s.api(s.apiProductionExport)},
	}
}

// applicationJSON is an application with the link to its plan.
type applicationJSON struct {
	production.Application
	PlanURL string `json:"plan_url,omitempty"`
}

func applicationOut(app production.Application) applicationJSON {
	out := applicationJSON{Application: app}
	if app.Plan != nil {
		out.PlanURL = fileURL(app.Plan.ID)
	}
	return out
}

// applicationInput is an application's body. staff_expected is required: a
// number left out must not be stored as a zero nobody said.
type applicationInput struct {
	PlannedDate   string `json:"planned_date"`
	StaffExpected *int   `json:"staff_expected"`
	Note          string `json:"note"`
}

// readApplication reads an application sent as JSON, or as a multipart form
// with the JSON in its "application" field and the prevention plan as its
// "plan" file (PDF or a photo of it, which Apply checks). unread are the
// fields it could not read, for Apply to refuse in its order.
func readApplication(w http.ResponseWriter, r *http.Request) (production.ApplicationInput, *files.Upload, []fugong.Problem, error) {
	var in applicationInput
	var plan *files.Upload
	var unread []fugong.Problem
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := decodeJSON(w, r, &in); err != nil {
			return production.ApplicationInput{}, nil, nil, err
		}
	} else {
		var err error
		if plan, unread, err = readPlan(r); err != nil {
			return production.ApplicationInput{}, nil, nil, err
		}
		raw := r.MultipartForm.Value["application"]
		if len(raw) != 1 {
			return production.ApplicationInput{}, nil, nil, fugong.Errorf(fugong.EInvalid, "application", "请在 application 字段提交申请内容（JSON）")
		}
		if err := decodeStrict([]byte(raw[0]), &in); err != nil {
			return production.ApplicationInput{}, nil, nil, err
		}
	}
	app := production.ApplicationInput{PlannedDate: in.PlannedDate, Note: in.Note}
	if in.StaffExpected == nil {
		unread = append(unread, production.Required("staff_expected"))
	} else {
		app.StaffExpected = *in.StaffExpected
	}
	return app, plan, unread, nil
}

// readPlan reads the prevention plan of an application form, the API's or
// the page's: none is nil, more than one is a problem of the form. Apply
// checks the file.
func readPlan(r *http.Request) (*files.Upload, []fugong.Problem, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			if errors.Is(err, http.ErrNotMultipart) {
				return nil, nil, nil
			}
			return nil, nil, uploadError(err)
		}
	}
	var plans []files.Upload
	for _, h := range r.MultipartForm.File["plan"] {
		u, err := readPart(h)
		if err != nil {
			return nil, nil, err
		}
		if len(u.Data) > 0 || h.Filename != "" { // else a file input left empty
			plans = append(plans, u)
		}
	}
	switch len(plans) {
	case 0:
		return nil, nil, nil
	case 1:
		return &plans[0], nil, nil
	}
	return nil, []fugong.Problem{{Field: "plan", Message: "只能上传一个防疫预案文件"}}, nil
}

func (s *Server) apiApply(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	in, plan, unread, err := readApplication(w, r)
	if err != nil {
		return err
	}
	app, err := s.Production.Apply(r.Context(), a, r.PathValue("uscc"), in, plan, unread...)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/resumption-applications/"+strconv.FormatInt(app.ID, 10))
	writeJSON(w, http.StatusCreated, applicationOut(app))
	return nil
}

func (s *Server) apiEnterpriseApplications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	apps, err := s.Production.EnterpriseApplications(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	items := make([]applicationJSON, 0, len(apps))
	for _, app := range apps {
		items = append(items, applicationOut(app))
	}
	writeJSON(w, http.StatusOK, listResponse[applicationJSON]{Items: items, Total: len(items)})
	return nil
}

// pageParams reads page and per_page.
func pageParams(r *http.Request) (page, perPage int, err error) {
	if page, err = queryInt(r, "page"); err != nil {
		return 0, 0, err
	}
	if perPage, err = queryInt(r, "per_page"); err != nil {
		return 0, 0, err
	}
	if page == 0 {
		page = 1
	}
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	return page, perPage, nil
}

func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	apps, total, err := s.Production.Applications(r.Context(), a, production.AppFilter{Status: q.Get("status"), Town: q.Get("town"),
		Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	items := make([]applicationJSON, 0, len(apps))
	for _, app := range apps {
		items = append(items, applicationOut(app))
	}
	writeJSON(w, http.StatusOK, listResponse[applicationJSON]{Items: items, Total: total, Page: page, PerPage: perPage})
	return nil
}

// applicationID is the {id} of an application route; one that is not a
// number is not found, like one that does not exist.
func applicationID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fugong.NotFound("复工申请")
	}
	return id, nil
}

func (s *Server) apiApplication(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := applicationID(r)
	if err != nil {
		return err
	}
	app, err := s.Production.Application(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, applicationOut(app))
	return nil
}

// apiApprove approves a submitted application; it takes no body, or an
// empty JSON object.
func (s *Server) apiApprove(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := applicationID(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeStrict(body, &struct{}{}); err != nil {
			return err
		}
	}
	app, err := s.Production.Approve(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, applicationOut(app))
	return nil
}

func (s *Server) apiReturn(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := applicationID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := s.Production.Return(r.Context(), a, id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, applicationOut(app))
	return nil
}

// essentialJSON is an enterprise's place on the essential list.
type essentialJSON struct {
	production.Essential
	On bool `json:"essential"`
}

func (s *Server) apiPutEssential(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in struct {
		Essential *bool  `json:"essential"`
		Reason    string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var unread []fugong.Problem
	if in.Essential == nil {
		unread = []fugong.Problem{{Field: "essential", Message: "请用 essential（true 或 false）说明是否列入保供重点企业名单"}}
		in.Essential = new(bool)
	}
	x, on, err := s.Production.SetEssential(r.Context(), a, r.PathValue("uscc"), *in.Essential, in.Reason, unread...)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, essentialJSON{Essential: x, On: on})
	return nil
}

func (s *Server) apiEssentialList(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := pageParams(r)
	if err != nil {
		return err
	}
	items, total, err := s.Production.EssentialList(r.Context(), a, page, perPage)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[production.Essential]{Items: items, Total: total, Page: page, PerPage: perPage})
	return nil
}

// dayInput is a day's body. Every figure but the note is required: a
// percentage left out must not be stored as a 0 nobody reported.
type dayInput struct {
	Status      *string `json:"status"`
	CapacityPct *int    `json:"capacity_pct"`
	OnPostPct   *int    `json:"on_post_pct"`
	Upstream    *string `json:"upstream"`
	Downstream  *string `json:"downstream"`
	Note        string  `json:"note"`
}

// figures returns the day's figures and the fields that are missing.
func (in dayInput) figures() (production.Figures, []fugong.Problem) {
	f := production.Figures{Note: in.Note}
	var missing []fugong.Problem
	required(&missing, "status", in.Status, &f.Status)
	required(&missing, "capacity_pct", in.CapacityPct, &f.CapacityPct)
	required(&missing, "on_post_pct", in.OnPostPct, &f.OnPostPct)
	required(&missing, "upstream", in.Upstream, &f.Upstream)
	required(&missing, "downstream", in.Downstream, &f.Downstream)
	return f, missing
}

// required copies a field of the body into dst, or notes it missing.
func required[T any](missing *[]fugong.Problem, field string, v, dst *T) {
	if v == nil {
		*missing = append(*missing, production.Required(field))
		return
	}
	*dst = *v
}

// apiPutProductionDay records an enterprise's status for a day: 201 for the
// day's first version, 200 for a correction or a repeat.
func (s *Server) apiPutProductionDay(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in dayInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, missing := in.figures()
	d, created, err := s.Production.PutDay(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"), f, missing...)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/enterprises/"+d.USCC+"/production/"+d.Date)
	writeJSON(w, status, d)
	return nil
}

func (s *Server) apiGetProductionDay(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	d, err := s.Production.Day(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiProductionDayVersions(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	vs, err := s.Production.DayVersions(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[production.Day]{Items: vs, Total: len(vs)})
	return nil
}

func (s *Server) apiProductionDays(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	days, total, err := s.Production.Days(r.Context(), a, r.PathValue("uscc"), q.Get("from"), q.Get("to"), page, perPage)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[production.Day]{Items: days, Total: total, Page: page, PerPage: perPage})
	return nil
}

// productionDay reads ?date= as the service's ViewDay takes it: today when
// absent, never in the future.
func (s *Server) productionDay(r *http.Request) (string, error) {
	return s.Production.ViewDay(r.URL.Query().Get("date"))
}

// productionSummaryJSON is a day's summary with its headline sentences.
type productionSummaryJSON struct {
	production.Summary
	Headline []string `json:"headline"`
}

func (s *Server) apiProductionSummary(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	date, err := s.productionDay(r)
	if err != nil {
		return err
	}
	sum, err := s.Production.Summary(r.Context(), a, date)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, productionSummaryJSON{Summary: sum, Headline: production.Headline(sum, production.ScopeName(a))})
	return nil
}

func (s *Server) apiProductionTrend(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	to, err := queryDay(r, "to", daily.Today(s.Production.Now()))
	if err != nil {
		return err
	}
	end, _ := daily.ParseDate(to)
	from, err := queryDay(r, "from", end.AddDate(0, 0, -(trendDays-1)).Format(daily.DateLayout))
	if err != nil {
		return err
	}
	days, err := s.Production.Trend(r.Context(), a, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[production.TrendDay]{Items: days, Total: len(days)})
	return nil
}

// productionFilter reads a drill-down's filters; the day defaults to today.
func (s *Server) productionFilter(r *http.Request) (production.Filter, error) {
	date, err := s.productionDay(r)
	if err != nil {
		return production.Filter{}, err
	}
	q := r.URL.Query()
	return production.Filter{Date: date, Town: q.Get("town"), Status: q.Get("status"), SizeClass: q.Get("size_class")}, nil
}

func (s *Server) apiProductionEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := s.productionFilter(r)
	if err != nil {
		return err
	}
	if f.Page, f.PerPage, err = pageParams(r); err != nil {
		return err
	}
	items, total, err := s.Production.Enterprises(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[production.EnterpriseDay]{Items: items, Total: total, Page: f.Page, PerPage: f.PerPage})
	return nil
}

func (s *Server) apiProductionExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.productionExport(w, r, a)
}

// productionExport writes every enterprise of a drill-down as a sheet.
func (s *Server) productionExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	f, err := s.productionFilter(r)
	if err != nil {
		return err
	}
	items, _, err := s.Production.Enterprises(r.Context(), a, f)
	if err != nil {
		return err
	}
	name := "复工复产企业清单-" + f.Date + "." + format
	download(w, name, "production-"+f.Date, format)
	return sheet.WriteProductionDays(w, name, f.Date, items)
}
