package sheet_test

import (
	"bytes"
	"slices"
	"testing"

	"fugong/sheet"
	"fugong/sheet/sheettest"
)

func TestWriteSummary(t *testing.T) {
	var buf bytes.Buffer
	err := sheet.WriteSummary(&buf, sheet.Summary{Sheet: "上报率/乡镇", Title: "各乡镇街道日报上报率", Date: "日期：2020-02-10",
		Columns: []sheet.SummaryColumn{{Header: "乡镇街道", Width: 14}, {Header: "应报", Number: true}, {Header: "报送率", Number: true}},
		Rows:    [][]any{{"塘下镇", 12345, 97.5}, {"仙降街道", 20, 50.0}},
		Total:   []any{"合计", 12365, 97.42}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sheettest.ReadSummaryFile(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if s.Sheet != "上报率_乡镇" || s.Title != "各乡镇街道日报上报率" || s.Date != "日期：2020-02-10" {
		t.Errorf("sheet %q title %q date %q", s.Sheet, s.Title, s.Date)
	}
	if s.Filter != "A3:C5" {
		t.Errorf("autofilter %q, want the header and rows A3:C5 (not the total)", s.Filter)
	}
	want := [][]string{{"乡镇街道", "应报", "报送率"}, {"塘下镇", "12,345", "97.50"}, {"仙降街道", "20", "50.00"}, {"合计", "12,365", "97.42"}}
	if !slices.EqualFunc(s.Rows, want, slices.Equal) {
		t.Errorf("rows %q, want %q", s.Rows, want)
	}
	// No rows: the filter is the header alone, the total still there.
	buf.Reset()
	if err := sheet.WriteSummary(&buf, sheet.Summary{Sheet: "x", Title: "t", Columns: []sheet.SummaryColumn{{Header: "a"}}, Total: []any{"合计"}}); err != nil {
		t.Fatal(err)
	}
	if s, err := sheettest.ReadSummaryFile(buf.Bytes()); err != nil || s.Filter != "A3:A3" || len(s.Rows) != 2 {
		t.Errorf("empty: %+v %v", s, err)
	}
	if err := sheet.WriteSummary(&buf, sheet.Summary{}); err == nil {
		t.Error("a summary without columns is written")
	}
}
