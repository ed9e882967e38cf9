package sheet

import (
	"io"

	"fugong"
	"fugong/notice"
	"fugong/registry"
)

// pendingColumns are the call list of a notice: the firms that have not
// acknowledged it (read it, where no acknowledgement is asked), whom to
// call, and columns for the call's outcome.
var pendingColumns = []column{
	{Header: "企业名称", Width: 36},
	{Header: registry.FieldLabels["uscc"], Width: 22, Text: true},
	{Header: "乡镇街道", Width: 12},
	{Header: "法定代表人", Width: 12},
	{Header: "联系电话", Width: 16, Text: true},
	{Header: "驻企干部", Width: 12},
	{Header: "已读时间", Width: 18},
	{Header: "短信", Width: 10},
	{Header: "电话结果", Width: 20},
	{Header: "通知", Width: 40},
}

var smsNames = map[string]string{"queued": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败", "": "未发短信"}

// WritePending writes the call list of notice n. name's suffix, .xlsx or
// .csv, picks the format.
func WritePending(w io.Writer, name string, n notice.Notice, items []notice.Pending) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, pendingColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	for _, p := range items {
		read := "未读"
		if p.ReadAt != nil {
			read = p.ReadAt.In(fugong.Location).Format("2006-01-02 15:04")
		}
		if err := rw.Row([]any{p.Name, p.USCC, p.TownName, p.LegalRep, p.ContactPhone, p.Cadre, read, smsNames[p.SMS], "", n.Title}); err != nil {
			return err
		}
	}
	return rw.Flush()
}
