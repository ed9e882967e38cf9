package sheet

import (
	"fmt"
	"io"

	"fugong"
	"fugong/registry"
	"fugong/supplies"
)

// shortageColumns are the columns of the shortage list the supplies group
// works from: who is short, how short, and whom to call.
var shortageColumns = []column{
	{Header: "企业名称", Width: 36},
	{Header: registry.FieldLabels["uscc"], Width: 22, Text: true},
	{Header: "乡镇街道", Width: 12},
	{Header: "在岗人数", Width: 10},
	{Header: "口罩库存（只）", Width: 14},
	{Header: "日耗口罩（只）", Width: 14},
	{Header: "可用天数", Width: 10},
	{Header: "缺口（只）", Width: 12},
	{Header: "库存更新时间", Width: 18},
}

// WriteShortages writes the shortage list: the enterprises whose masks last
// fewer days than the threshold, with what they lack to reach it. name's
// suffix, .xlsx or .csv, picks the format.
func WriteShortages(w io.Writer, name string, items []supplies.Shortage) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, shortageColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	for _, s := range items {
		if err := rw.Row([]any{s.Name, s.USCC, s.TownName, s.StaffOnPost, int(s.Masks), s.DailyUse, s.DaysOfCover,
			int(s.Need), s.UpdatedAt.In(fugong.Location).Format("2006-01-02 15:04")}); err != nil {
			return fmt.Errorf("sheet: shortage of %s: %w", s.USCC, err)
		}
	}
	return rw.Flush()
}
