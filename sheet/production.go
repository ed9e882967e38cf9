package sheet

import (
	"io"

	"fugong/daily"
	"fugong/production"
	"fugong/registry"
)

var productionColumns = []column{
	{Header: "企业名称", Width: 36},
	{Header: "统一社会信用代码", Width: 22, Text: true},
	{Header: "乡镇街道", Width: 12},
	{Header: "规模", Width: 6},
	{Header: "行业", Width: 12},
	{Header: "职工人数", Width: 10},
	{Header: "生产状态", Width: 10},
	{Header: "产能恢复率(%)", Width: 14},
	{Header: "员工到岗率(%)", Width: 14},
	{Header: "在岗人数", Width: 10},
	{Header: "上游供应", Width: 10},
	{Header: "下游销售", Width: 10},
	{Header: "状态填报日期", Width: 14, Text: true},
	{Header: "保供重点企业", Width: 12},
	{Header: "联系电话", Width: 16, Text: true},
	{Header: "统计日期", Width: 12, Text: true},
}

// WriteProductionDays writes the enterprises of a summary's drill-down with
// their production status on date, for the bureau's calls and reports. An
// enterprise that never reported is closed, its supply columns empty and its
// date "未填报". name's suffix, .xlsx or .csv, picks the format.
func WriteProductionDays(w io.Writer, name string, date string, items []production.EnterpriseDay) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	if _, err := daily.ParseDate(date); err != nil {
		return err
	}
	rw, err := newWriter(w, f, productionColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	for _, it := range items {
		asOf := it.AsOf
		if asOf == "" {
			asOf = "未填报"
		}
		essential := ""
		if it.Essential {
			essential = "是"
		}
		if err := rw.Row([]any{it.Name, it.USCC, it.TownName, registry.SizeNames[it.SizeClass], it.Industry, it.Employees,
			production.StatusNames[it.Status], it.CapacityPct, it.OnPostPct, it.StaffOnPost, production.SupplyNames[it.Upstream],
			production.SupplyNames[it.Downstream], asOf, essential, it.ContactPhone, date}); err != nil {
			return err
		}
	}
	return rw.Flush()
}
