package sheet

import (
	"io"
	"time"

	"fugong"
	"fugong/tickets"
)

var ticketColumns = []column{
	{Header: "编号", Width: 8},
	{Header: "问题标题", Width: 36},
	{Header: "企业名称", Width: 32},
	{Header: "统一社会信用代码", Width: 22, Text: true},
	{Header: "乡镇街道", Width: 12},
	{Header: "类别", Width: 14},
	{Header: "紧急程度", Width: 10},
	{Header: "状态", Width: 10},
	{Header: "承办", Width: 14},
	{Header: "提出人", Width: 12},
	{Header: "提出时间", Width: 17, Text: true},
	{Header: "办理时限", Width: 17, Text: true},
	{Header: "是否超时", Width: 10},
	{Header: "首次解决时间", Width: 17, Text: true},
	{Header: "解决用时(小时)", Width: 14},
	{Header: "供应企业", Width: 32},
	{Header: "解决情况", Width: 40},
	{Header: "问题描述", Width: 60},
}

// WriteTickets writes a list of tickets as the bureau works from it: who
// asked, what, how urgent, who has it, whether it is overdue, how long it
// took. name's suffix, .xlsx or .csv, picks the format.
func WriteTickets(w io.Writer, name string, items []tickets.Ticket) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, ticketColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	minute := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(fugong.Location).Format("2006-01-02 15:04")
	}
	for _, k := range items {
		overdue := "否"
		if k.Overdue {
			overdue = "是"
		}
		var hours any = ""
		if k.HoursToResolve != nil {
			hours = *k.HoursToResolve
		}
		supplier := ""
		if k.Supplier != nil {
			supplier = k.Supplier.Name
		}
		raised, due := k.RaisedAt, k.DueAt
		if err := rw.Row([]any{int(k.ID), k.Title, k.EnterpriseName, k.Enterprise, k.TownName,
			tickets.CategoryNames[k.Category], tickets.UrgencyNames[k.Urgency], tickets.StatusNames[k.Status],
			k.AssigneeName, k.RaisedBy, minute(&raised), minute(&due), overdue, minute(k.FirstResolvedAt), hours,
			supplier, k.Resolution, k.Description}); err != nil {
			return err
		}
	}
	return rw.Flush()
}
