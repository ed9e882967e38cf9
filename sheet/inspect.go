package sheet

import (
	"io"

	"fugong"
	"fugong/inspect"
	"fugong/registry"
)

var rectificationColumns = []column{
	{Header: "企业名称", Width: 36},
	{Header: registry.FieldLabels["uscc"], Width: 22, Text: true},
	{Header: "乡镇街道", Width: 12},
	{Header: "检查表", Width: 10},
	{Header: "检查项", Width: 32},
	{Header: "问题说明", Width: 32},
	{Header: "责任人", Width: 30},
	{Header: "整改期限", Width: 12},
	{Header: "状态", Width: 14},
	{Header: "是否逾期", Width: 10},
	{Header: "发现时间", Width: 18},
	{Header: "最近更新", Width: 18},
	{Header: "更新人", Width: 12},
}

// WriteRectifications writes a list of rectifications (整改清单) as an
// XLSX or CSV file named name, overdue ones marked, for the towns to chase.
func WriteRectifications(w io.Writer, name string, items []inspect.Rectification) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, rectificationColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	const at = "2006-01-02 15:04"
	for _, r := range items {
		overdue := ""
		if r.Overdue {
			overdue = "逾期"
		}
		if err := rw.Row([]any{r.EnterpriseName, r.Enterprise, r.TownName, r.ChecklistName, r.ItemText, r.Problem, r.Owner,
			r.DueDate, inspect.StatusNames[r.Status], overdue, r.OpenedAt.In(fugong.Location).Format(at),
			r.UpdatedAt.In(fugong.Location).Format(at), r.UpdatedBy}); err != nil {
			return err
		}
	}
	return rw.Flush()
}
