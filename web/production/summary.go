package production

import (
	"net/http"

	"fugong"
	"fugong/production"
	"fugong/sheet"
	"fugong/web"
)

// productionTownsExport is the page's table per town as XLSX, for the day
// the page shows (?date=), with its total row.
func (m *module) productionTownsExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise || !production.CanSee(a) {
		return fugong.NotFound("页面")
	}
	date, err := m.svc.ViewDay(r.URL.Query().Get("date"))
	if err != nil {
		return err
	}
	sum, err := m.svc.Summary(r.Context(), a, date)
	if err != nil {
		return err
	}
	s := townsSummary(sum, production.ScopeName(a))
	web.Download(w, s.Title+" "+date, "production-towns-"+date, "xlsx")
	return sheet.WriteSummary(w, s)
}

// townsSummary is the 各乡镇街道 table of the production page as a sheet:
// the same columns, cells and total row.
func townsSummary(sum production.Summary, scope string) sheet.Summary {
	n := func(h string) sheet.SummaryColumn { return sheet.SummaryColumn{Header: h, Width: 11, Number: true} }
	text := func(h string) sheet.SummaryColumn { return sheet.SummaryColumn{Header: h, Width: 11} }
	s := sheet.Summary{Sheet: "各乡镇街道复工", Title: "各乡镇街道复工复产情况（" + scope + "）", Date: "日期：" + sum.Date,
		Columns: []sheet.SummaryColumn{{Header: "乡镇街道", Width: 16}, n("在册"), n("停工"), n("复工未满产"), n("满产"), text("复工率"),
			text("规上复工"), text("规下复工"), text("加权产能"), n("在岗职工"), n("当日填报")}}
	row := func(name string, a production.Area, by production.BySize) []any {
		return []any{name, a.Total, a.Closed, a.Resumed, a.Full, web.Pct(a.WorkingRate) + "%",
			sizeText(by.Above), sizeText(by.Below), web.Pct(a.WeightedCapacity) + "%", a.StaffOnPost, a.Reported}
	}
	for _, t := range sum.Towns {
		s.Rows = append(s.Rows, row(t.Name, t.Area, t.BySize))
	}
	s.Total = row("合计", sum.City, sum.BySize)
	return s
}

// sizeText is how many of a size class are back at work, of how many:
// "3/5", "1,307/1,522".
func sizeText(a production.Area) string {
	return web.Thousands(a.Working) + "/" + web.Thousands(a.Total)
}
