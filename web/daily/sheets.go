package web

import (
	"fmt"
	"net/http"
	"net/url"

	"fugong"
	"fugong/daily"
	"fugong/registry"
	"fugong/sheet"
)

// download sets the headers of a spreadsheet download named name (Chinese
// allowed), with an ASCII fallback for old browsers.
func download(w http.ResponseWriter, name, ascii, format string) {
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"; filename*=UTF-8''%s`, ascii, format, url.PathEscape(name)))
}

// callList writes the non-reporters of a day in the actor's scope as a sheet
// for the phone calls (不漏一企).
func (s *Server) callList(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	date, town := r.URL.Query().Get("date"), r.URL.Query().Get("town")
	if date == "" {
		date = daily.Today(s.Daily.Now())
	}
	items, err := s.Daily.AllMissing(r.Context(), a, date, town)
	if err != nil {
		return err
	}
	name := "未报企业催报名单-" + date + "." + format
	download(w, name, "missing-"+date, format)
	return sheet.WriteCallList(w, name, date, items)
}

// reportTemplate writes the batch-entry template: one row per enterprise in
// the actor's scope (and town), the day prefilled.
func (s *Server) reportTemplate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	date := r.URL.Query().Get("date")
	if date == "" {
		date = daily.Today(s.Daily.Now())
	}
	if _, err := daily.ParseDay("date", date, s.Daily.Now()); err != nil {
		return err
	}
	var es []registry.Enterprise
	err = s.Registry.Each(r.Context(), a, registry.Filter{Town: r.URL.Query().Get("town"), Status: registry.StatusActive},
		func(e registry.Enterprise) error {
			es = append(es, e)
			return nil
		})
	if err != nil {
		return err
	}
	name := "日报导入模板-" + date + "." + format
	download(w, name, "report-template-"+date, format)
	return sheet.WriteReportTemplate(w, name, date, es)
}

// importReports reads an uploaded sheet of reports and stores it.
func (s *Server) importReports(w http.ResponseWriter, r *http.Request, a fugong.Actor) (daily.ImportResult, error) {
	file, name, err := readUpload(r)
	if err != nil {
		return daily.ImportResult{}, err
	}
	defer file.Close()
	date := r.FormValue("date")
	if date != "" {
		if _, err := daily.ParseDate(date); err != nil {
			return daily.ImportResult{}, err
		}
	}
	release, err := s.importSlot(w)
	if err != nil {
		return daily.ImportResult{}, err
	}
	defer release()
	rows, _, err := sheet.ReadReports(file, name, date)
	if err != nil {
		return daily.ImportResult{}, fileError(err)
	}
	skipBad := r.FormValue("skip_bad") == "true"
	return s.Daily.Import(r.Context(), a, rows, skipBad)
}

func (s *Server) apiCallList(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.callList(w, r, a)
}

func (s *Server) apiReportTemplate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.reportTemplate(w, r, a)
}

func (s *Server) apiImportReports(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	res, err := s.importReports(w, r, a)
	return answerImport(w, res, err)
}

func (s *Server) uiCallList(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.callList(w, r, ss.actor())
}

func (s *Server) uiReportTemplate(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.reportTemplate(w, r, ss.actor())
}

type reportImportPage struct {
	basePage
	Date    string
	Done    bool
	Result  daily.ImportResult
	Rows    []registry.RowError
	Error   string
	SkipBad bool
}

// canBatchReport: the town and the statistics group load reports by the sheet.
func canBatchReport(a fugong.Actor) bool {
	return a.Role == fugong.RoleTown || a.WritesFor(fugong.GroupStatistics)
}

func (s *Server) reportImportPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !canBatchReport(ss.actor()) {
		return fugong.NotFound("页面")
	}
	s.render(w, r, http.StatusOK, "report_import", reportImportPage{basePage: s.base(ss, "批量导入日报", "/reports"), Date: s.today()})
	return nil
}

func (s *Server) reportImport(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !canBatchReport(ss.actor()) {
		return fugong.NotFound("页面")
	}
	p := reportImportPage{basePage: s.base(ss, "批量导入日报", "/reports"), Date: r.FormValue("date"), SkipBad: r.FormValue("skip_bad") == "true"}
	res, err := s.importReports(w, r, ss.actor())
	rows, msg, status, internal := s.importOutcome(r, err)
	if internal != nil {
		return internal
	}
	p.Rows, p.Error = rows, msg
	if err == nil {
		p.Done, p.Result, p.Rows = true, res, res.Bad
	}
	s.render(w, r, status, "report_import", p)
	return nil
}
