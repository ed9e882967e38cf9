package daily

import (
	"net/http"

	"fugong"
	"fugong/daily"
	"fugong/registry"
	"fugong/sheet"
	"fugong/web"
)

// The daily report's sheets: the call list of non-reporters, the
// batch-entry template and the batch import (API and page alike).

// callList writes the non-reporters of a day in the actor's scope as a sheet
// for the phone calls (不漏一企).
func (m *module) callList(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	date, town := r.URL.Query().Get("date"), r.URL.Query().Get("town")
	if date == "" {
		date = m.svc.Today()
	}
	items, err := m.svc.AllMissing(r.Context(), a, date, town)
	if err != nil {
		return err
	}
	name := "未报企业催报名单-" + date + "." + format
	web.Download(w, name, "missing-"+date, format)
	return sheet.WriteCallList(w, name, date, items)
}

// reportTemplate writes the batch-entry template: one row per enterprise in
// the actor's scope (and town), the day prefilled.
func (m *module) reportTemplate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	date, es, err := m.svc.TemplateFor(r.Context(), a, r.URL.Query().Get("date"), r.URL.Query().Get("town"))
	if err != nil {
		return err
	}
	name := "日报导入模板-" + date + "." + format
	web.Download(w, name, "report-template-"+date, format)
	return sheet.WriteReportTemplate(w, name, date, es)
}

// importReports reads an uploaded sheet of reports and stores it through
// the service's ImportFile, as the command line does; the server's import
// slot is held while the sheet is read and stored.
func (m *module) importReports(w http.ResponseWriter, r *http.Request, a fugong.Actor) (daily.ImportResult, error) {
	file, name, err := web.ReadUpload(r)
	if err != nil {
		return daily.ImportResult{}, err
	}
	defer file.Close()
	release := func() {}
	defer func() { release() }()
	read := func(date string) ([]daily.ImportRow, error) {
		rel, err := web.ImportSlot(w, r)
		if err != nil {
			return nil, err
		}
		release = rel
		rows, _, err := sheet.ReadReports(file, name, date)
		if err != nil {
			return nil, web.FileError(r, err)
		}
		return rows, nil
	}
	return m.svc.ImportFile(r.Context(), a, r.FormValue("date"), read, r.FormValue("skip_bad") == "true", nil)
}

func (m *module) apiCallList(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.callList(w, r, a)
}

func (m *module) apiReportTemplate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.reportTemplate(w, r, a)
}

func (m *module) apiImportReports(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	res, err := m.importReports(w, r, a)
	return web.AnswerImport(w, res, err)
}

func (m *module) pageCallList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.callList(w, r, ss.Actor())
}

func (m *module) pageReportTemplate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.reportTemplate(w, r, ss.Actor())
}

type reportImportPage struct {
	web.Base
	Date    string
	Done    bool
	Result  daily.ImportResult
	Rows    []registry.RowError
	Error   string
	SkipBad bool
}

func (m *module) reportImportPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !daily.CanBatchReport(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	ss.Render(w, r, http.StatusOK, "report_import", reportImportPage{Base: ss.Base("批量导入日报", "/reports"), Date: m.svc.Today()})
	return nil
}

func (m *module) reportImport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !daily.CanBatchReport(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	p := reportImportPage{Base: ss.Base("批量导入日报", "/reports"), Date: r.FormValue("date"), SkipBad: r.FormValue("skip_bad") == "true"}
	res, err := m.importReports(w, r, ss.Actor())
	rows, msg, status, internal := web.ImportOutcome(err)
	if internal != nil {
		return internal
	}
	p.Rows, p.Error = rows, msg
	if err == nil {
		p.Done, p.Result, p.Rows = true, res, res.Bad
	}
	ss.Render(w, r, status, "report_import", p)
	return nil
}
