package inspect

import (
	"net/http"

	"fugong/inspect"
	"fugong/sheet"
	"fugong/web"
)

// coverageExport is the coverage page's table per town as XLSX, for the
// period the page shows (?from=&to=), with its total row.
func (m *module) coverageExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	q := r.URL.Query()
	c, err := m.oversight.Coverage(r.Context(), ss.Actor(), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	s := coverageSummary(c)
	web.Download(w, s.Title+" "+c.From+"至"+c.To, "coverage-"+c.From+"-"+c.To, "xlsx")
	return sheet.WriteSummary(w, s)
}

// coverageSummary is the 各乡镇街道覆盖情况 table as a sheet: the same
// columns, cells and total row.
func coverageSummary(c inspect.Coverage) sheet.Summary {
	s := sheet.Summary{Sheet: "督导覆盖", Title: "各乡镇街道督导覆盖情况", Date: "日期：" + c.From + " 至 " + c.To,
		Columns: []sheet.SummaryColumn{{Header: "乡镇街道", Width: 16}, {Header: "已督导", Width: 10, Number: true},
			{Header: "企业数", Width: 10, Number: true}, {Header: "覆盖率", Width: 10}, {Header: "全覆盖", Width: 12}}}
	for _, t := range c.Towns {
		full := ""
		if t.Full() {
			full = "全覆盖"
		}
		s.Rows = append(s.Rows, []any{t.Town.Name, t.Visited, t.Total, web.Pct(t.Rate()) + "%", full})
	}
	s.Total = []any{"合计", c.City.Visited, c.City.Total, web.Pct(c.City.Rate()) + "%", web.Thousands(c.FullTowns()) + " 个全覆盖"}
	return s
}
