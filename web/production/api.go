package production

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
	"fugong/sheet"
	"fugong/web"
)

// applicationJSON is an application with the link to its plan.
type applicationJSON struct {
	production.Application
	PlanURL string `json:"plan_url,omitempty"`
}

func applicationOut(app production.Application) applicationJSON {
	out := applicationJSON{Application: app}
	if app.Plan != nil {
		out.PlanURL = web.FileURL(app.Plan.ID)
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
		if err := web.DecodeJSON(w, r, &in); err != nil {
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
		if err := web.DecodeStrict([]byte(raw[0]), &in); err != nil {
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
			return nil, nil, web.UploadError(err)
		}
	}
	var plans []files.Upload
	for _, h := range r.MultipartForm.File["plan"] {
		u, err := web.ReadPart(h)
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

func (m *module) apiApply(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	in, plan, unread, err := readApplication(w, r)
	if err != nil {
		return err
	}
	app, err := m.svc.Apply(r.Context(), a, r.PathValue("uscc"), in, plan, unread...)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/resumption-applications/"+strconv.FormatInt(app.ID, 10))
	web.WriteJSON(w, http.StatusCreated, applicationOut(app))
	return nil
}

func (m *module) apiEnterpriseApplications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	apps, err := m.svc.EnterpriseApplications(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	items := make([]applicationJSON, 0, len(apps))
	for _, app := range apps {
		items = append(items, applicationOut(app))
	}
	web.WriteJSON(w, http.StatusOK, web.All(items))
	return nil
}

func (m *module) apiApplications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	apps, total, err := m.svc.Applications(r.Context(), a, production.AppFilter{Status: q.Get("status"), Town: q.Get("town"),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	items := make([]applicationJSON, 0, len(apps))
	for _, app := range apps {
		items = append(items, applicationOut(app))
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
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

func (m *module) apiApplication(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := applicationID(r)
	if err != nil {
		return err
	}
	app, err := m.svc.Application(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, applicationOut(app))
	return nil
}

// apiApprove approves a submitted application; it takes no body, or an
// empty JSON object.
func (m *module) apiApprove(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := applicationID(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, web.MaxJSONBody))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := web.DecodeStrict(body, &struct{}{}); err != nil {
			return err
		}
	}
	app, err := m.svc.Approve(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, applicationOut(app))
	return nil
}

func (m *module) apiReturn(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := applicationID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := m.svc.Return(r.Context(), a, id, in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, applicationOut(app))
	return nil
}

// essentialJSON is an enterprise's place on the essential list.
type essentialJSON struct {
	production.Essential
	On bool `json:"essential"`
}

func (m *module) apiPutEssential(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in struct {
		Essential *bool  `json:"essential"`
		Reason    string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var unread []fugong.Problem
	if in.Essential == nil {
		unread = []fugong.Problem{{Field: "essential", Message: "请用 essential（true 或 false）说明是否列入保供重点企业名单"}}
		in.Essential = new(bool)
	}
	x, on, err := m.svc.SetEssential(r.Context(), a, r.PathValue("uscc"), *in.Essential, in.Reason, unread...)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, essentialJSON{Essential: x, On: on})
	return nil
}

func (m *module) apiEssentialList(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.EssentialList(r.Context(), a, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
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
func (m *module) apiPutProductionDay(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in dayInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	f, missing := in.figures()
	d, created, err := m.svc.PutDay(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"), f, missing...)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/enterprises/"+d.USCC+"/production/"+d.Date)
	web.WriteJSON(w, status, d)
	return nil
}

func (m *module) apiGetProductionDay(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	d, err := m.svc.Day(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (m *module) apiProductionDayVersions(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	vs, err := m.svc.DayVersions(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(vs))
	return nil
}

func (m *module) apiProductionDays(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	days, total, err := m.svc.Days(r.Context(), a, r.PathValue("uscc"), q.Get("from"), q.Get("to"), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(days, total, pg))
	return nil
}

// productionDay reads ?date= as the service's ViewDay takes it: today when
// absent, never in the future.
func (m *module) productionDay(r *http.Request) (string, error) {
	return m.svc.ViewDay(r.URL.Query().Get("date"))
}

// productionSummaryJSON is a day's summary with its headline sentences.
type productionSummaryJSON struct {
	production.Summary
	Headline []string `json:"headline"`
}

func (m *module) apiProductionSummary(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	date, err := m.productionDay(r)
	if err != nil {
		return err
	}
	sum, err := m.svc.Summary(r.Context(), a, date)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, productionSummaryJSON{Summary: sum, Headline: production.Headline(sum, production.ScopeName(a))})
	return nil
}

func (m *module) apiProductionTrend(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	to, err := web.QueryDay(r, "to", daily.Today(m.svc.Now()))
	if err != nil {
		return err
	}
	end, _ := daily.ParseDate(to)
	from, err := web.QueryDay(r, "from", end.AddDate(0, 0, -(web.TrendDays-1)).Format(daily.DateLayout))
	if err != nil {
		return err
	}
	days, err := m.svc.Trend(r.Context(), a, from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(days))
	return nil
}

// productionFilter reads a drill-down's filters; the day defaults to today.
func (m *module) productionFilter(r *http.Request) (production.Filter, error) {
	date, err := m.productionDay(r)
	if err != nil {
		return production.Filter{}, err
	}
	q := r.URL.Query()
	return production.Filter{Date: date, Town: q.Get("town"), Status: q.Get("status"), SizeClass: q.Get("size_class")}, nil
}

func (m *module) apiProductionEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := m.productionFilter(r)
	if err != nil {
		return err
	}
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	// A page, never the whole list: Enterprises takes 0 and 0 for all.
	f.Page, f.PerPage = pg.Echo().Page, pg.Echo().PerPage
	items, total, err := m.svc.Enterprises(r.Context(), a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

func (m *module) apiProductionExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.productionExport(w, r, a)
}

// productionExport writes every enterprise of a drill-down as a sheet.
func (m *module) productionExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	f, err := m.productionFilter(r)
	if err != nil {
		return err
	}
	items, _, err := m.svc.Enterprises(r.Context(), a, f)
	if err != nil {
		return err
	}
	name := "复工复产企业清单-" + f.Date + "." + format
	web.Download(w, name, "production-"+f.Date, format)
	return sheet.WriteProductionDays(w, name, f.Date, items)
}
