package daily_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The town downloads its template, fills one row, uploads it, and the call
// list no longer names that enterprise.
func TestReportSheetsRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		day := e.Today()
		r := e.As(t, webtest.RoleTown, "GET", "/api/v1/reports/template?date="+day, webtest.Payload{})
		if r.Status != 200 {
			t.Fatalf("template: %d %s", r.Status, r.Body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		rows, err := f.GetRows(sheet)
		if err != nil || len(rows) < 2 {
			t.Fatalf("template rows %v %v", rows, err)
		}
		for _, row := range rows[1:] {
			for _, cell := range row {
				if cell == e.Ents["xianA"] {
					t.Fatal("the town's template lists another town's enterprise")
				}
			}
		}
		// Fill the row of tangA: find its line and the count columns.
		header := rows[0]
		line := -1
		for i, row := range rows {
			if len(row) > 0 && strings.Contains(strings.Join(row, ","), e.Ents["tangA"]) {
				line = i + 1
			}
		}
		if line < 0 {
			t.Fatal("tangA is not in the template")
		}
		values := map[string]any{"职工总数": 30, "在瑞人数": 20, "当日返温人数": 1, "当日劝返人数": 0, "当日劝退票人数": 0,
			"湖北籍人数": 1, "当日联系湖北籍人数": 1, "隔离人数": 0, "发热人数": 0, "值守人数": 2, "已签承诺书": "是"}
		filled := 0
		for col, h := range header {
			if v, ok := values[strings.TrimSpace(h)]; ok {
				cell, _ := excelize.CoordinatesToCellName(col+1, line)
				f.SetCellValue(sheet, cell, v)
				filled++
			}
		}
		if filled != len(values) {
			t.Fatalf("template header %v: filled %d of %d columns", header, filled, len(values))
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		r = e.As(t, webtest.RoleTown, "POST", "/api/v1/reports/import", webtest.Upload(t, "filled.xlsx", buf.String(), nil))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"created":1`) {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/reports/missing/export?format=csv&date="+day, webtest.Payload{})
		if r.Status != 200 || strings.Contains(string(r.Body), e.Ents["tangA"]) || !strings.Contains(string(r.Body), e.Ents["tangB"]) {
			t.Fatalf("call list after the import: %d\n%s", r.Status, r.Body)
		}
	})
}

// The import page lists every bad row of a refused file, and stores
// nothing (the registry's is web/registry's TestImportPageListsBadRows).
func TestImportPagesListBadRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		b := e.BrowserLogin(t, webtest.RoleAdmin)
		csrf := account.CSRFToken(b.SessionCookie())
		reports := "统一社会信用代码,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,已签承诺书\n" +
			e.Ents["tangA"] + "," + e.Today() + ",20,30,0,0,0,0,0,0,0,0,是\n"
		r := b.Do(t, "POST", "/reports/import", webtest.Upload(t, "reports.csv", reports, map[string]string{"csrf": csrf}), nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), `<td class="num">2</td>`) || !strings.Contains(string(r.Body), "在瑞人数") {
			t.Fatalf("report import page: %d\n%s", r.Status, r.Body)
		}
	})
}
