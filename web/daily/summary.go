package daily

import (
	"net/http"

	"fugong"
	"fugong/daily"
	"fugong/sheet"
	"fugong/web"
)

// The day's two tables per town as XLSX, with the totals the page shows:
// ?table=completeness (应报, 已报, … 上报率) or ?table=figures (the day's
// figures at the deadline).
func (m *module) reportsExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !daily.HasScope(a) || a.Role == fugong.RoleEnterprise {
		return fugong.NotFound("页面")
	}
	date, problem := m.dayParam(r)
	if problem != "" {
		return fugong.Errorf(fugong.EInvalid, "date", "%s", problem)
	}
	o, err := m.dayOverview(r.Context(), a, date)
	if err != nil {
		return err
	}
	s, err := daySummary(o, r.URL.Query().Get("table"))
	if err != nil {
		return err
	}
	web.Download(w, s.Title+" "+date, "reports-"+date, "xlsx")
	return sheet.WriteSummary(w, s)
}

// daySummary is one of the day's tables per town, as the page shows it.
func daySummary(o Overview, table string) (sheet.Summary, error) {
	n := func(h string) sheet.SummaryColumn { return sheet.SummaryColumn{Header: h, Width: 10, Number: true} }
	town := sheet.SummaryColumn{Header: "乡镇街道", Width: 16}
	s := sheet.Summary{Date: "日期：" + o.Date + "（截止 " + o.Deadline + "）"}
	switch table {
	case "", "completeness":
		s.Sheet, s.Title = "上报情况", "各乡镇街道日报上报情况"
		s.Columns = []sheet.SummaryColumn{town, n("应报"), n("已报"), n("按时"), n("逾期"), n("未报"), {Header: "上报率"}, {Header: "按时率"}, {Header: "乡镇确认", Width: 10}}
		for _, t := range o.Towns {
			signed := "未确认"
			if t.SignedOff {
				signed = "已确认"
			}
			s.Rows = append(s.Rows, []any{t.Town.Name, t.Expected, t.Received, t.OnTime, t.Late, t.Missing, t.Rate + "%", t.OnTimeRate + "%", signed})
		}
		s.Total = []any{"合计", o.City.Expected, o.City.Received, o.City.OnTime, o.City.Late, o.CityMissing, o.Rate + "%", o.OnTimeRate + "%",
			web.Thousands(o.SignedTowns) + " / " + web.Thousands(len(o.Towns)) + " 已确认"}
	case "figures":
		s.Sheet, s.Title = "当日数据", "各乡镇街道当日数据"
		s.Columns = []sheet.SummaryColumn{town, n("当日返温"), n("当日劝返"), n("劝退票"), n("湖北籍"), n("湖北籍已联系"), n("隔离"), n("发热"), n("值守"), n("承诺书")}
		row := func(name string, t daily.Totals) []any {
			return []any{name, t.Returned, t.Persuaded, t.Refunded, t.HubeiStaff, t.HubeiContacted, t.Quarantined, t.Fever, t.OnDuty, t.LettersSigned}
		}
		for _, t := range o.Towns {
			s.Rows = append(s.Rows, row(t.Town.Name, t.Totals))
		}
		s.Total = row("合计", o.City.Totals)
	default:
		return s, fugong.Errorf(fugong.EInvalid, "table", "表格应为上报情况或当日数据")
	}
	return s, nil
}
