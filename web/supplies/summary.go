package supplies

import (
	"net/http"

	"fugong"
	"fugong/daily"
	"fugong/sheet"
	"fugong/web"
)

// suppliesTownsExport is the page's table per town (各乡镇街道物资情况) as
// XLSX, with its total row.
func (m *module) suppliesTownsExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise || nav(a) == nil {
		return fugong.NotFound("页面")
	}
	sum, err := m.svc.Summary(r.Context(), a)
	if err != nil {
		return err
	}
	var towns []supplyTownRow
	for _, t := range sum.Towns {
		towns = append(towns, supplyTown(t, sum.Settings))
	}
	today := daily.Today(m.svc.Now())
	s := suppliesSummary(towns, supplyTown(sum.City, sum.Settings), today)
	web.Download(w, s.Title+" "+today, "supplies-towns-"+today, "xlsx")
	return sheet.WriteSummary(w, s)
}

// suppliesSummary is the page's table per town as a sheet: the same
// columns, cells and total row (daily use and days of cover as the page
// writes them, "—" for none).
func suppliesSummary(towns []supplyTownRow, city supplyTownRow, date string) sheet.Summary {
	n := func(h string) sheet.SummaryColumn { return sheet.SummaryColumn{Header: h, Width: 11, Number: true} }
	s := sheet.Summary{Sheet: "各乡镇街道物资", Title: "各乡镇街道防疫物资情况", Date: "日期：" + date,
		Columns: []sheet.SummaryColumn{{Header: "乡镇街道", Width: 16}, n("在册企业"), n("已申报"), n("未申报"), n("缺口企业"),
			{Header: "口罩库存", Width: 14, Number: true}, {Header: "日耗", Width: 11}, {Header: "可用天数", Width: 10}}}
	row := func(name string, t supplyTownRow) []any {
		return []any{name, t.Enterprises, t.Declared, t.Undeclared, t.Shortages, t.Masks, t.DailyUse, t.Days}
	}
	for _, t := range towns {
		s.Rows = append(s.Rows, row(t.Name, t))
	}
	s.Total = row("合计", city)
	return s
}
