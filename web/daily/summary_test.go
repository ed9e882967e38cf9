package daily_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fugong/sheet/sheettest"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The day's tables per town export as XLSX: a named sheet, a title and a
// date row, an autofilter over the towns, and the page's total row.
func TestReportsExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		day := e.Today()
		report(t, putReport(t, e, webtest.RoleClerk, "tangB", day, validFigures(), ""), 201)
		report(t, putReport(t, e, webtest.RoleAdmin, "xianA", day, with("returned_today", 1234, "staff_total", 5000, "staff_in_city", 3000), ""), 201)

		page := e.As(t, webtest.RoleAdmin, "GET", "/reports?date="+day, webtest.Payload{})
		if page.Status != 200 {
			t.Fatalf("page: %d", page.Status)
		}
		for _, c := range []struct {
			table, sheet, title, id string
		}{
			{"completeness", "上报情况", "各乡镇街道日报上报情况", "completeness"},
			{"figures", "当日数据", "各乡镇街道当日数据", "figures"},
		} {
			r := e.As(t, webtest.RoleAdmin, "GET", "/reports/export?table="+c.table+"&date="+day, webtest.Payload{})
			if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("%s: %d %s", c.table, r.Status, r.Header.Get("Content-Type"))
			}
			s, err := sheettest.ReadSummaryFile(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if s.Sheet != c.sheet || s.Title != c.title || !strings.Contains(s.Date, day) {
				t.Errorf("%s: sheet %q title %q date %q", c.table, s.Sheet, s.Title, s.Date)
			}
			towns := len(s.Rows) - 2 // less the header and the total
			if towns < 2 {
				t.Fatalf("%s: rows %q", c.table, s.Rows)
			}
			last := string(rune('A' + len(s.Rows[0]) - 1))
			if want := "A3:" + last + strconv.Itoa(3+towns); s.Filter != want {
				t.Errorf("%s: autofilter %q, want %q", c.table, s.Filter, want)
			}
			// The total row says what the page's total row says.
			total := s.Rows[len(s.Rows)-1]
			foot := footOf(t, string(page.Body), c.id)
			if c.table == "figures" {
				// The page shows 湖北籍 / 已联系 in one cell; the sheet in two.
				total = slices.Concat(total[:4], []string{total[4] + " / " + total[5]}, total[6:])
			}
			if !slices.Equal(total, foot) {
				t.Errorf("%s: total row %q, the page's %q", c.table, total, foot)
			}
		}
		// Today's point of the trend is marked unfinished; a past day's is not.
		webtest.Contains(t, "today's trend", page, "今日未完")
		if past := e.As(t, webtest.RoleAdmin, "GET", "/reports?date=2020-02-10", webtest.Payload{}); strings.Contains(string(past.Body), "今日未完") {
			t.Error("a past day's trend is marked unfinished")
		}
		// Large numbers have separators on the page (and so in the total compared above).
		webtest.Contains(t, "the page's figures", page, "<th class=\"num\">1,236</th>", "<div><b>1,236</b><span>当日返温</span></div>")
		webtest.Contains(t, "the home page's figures", e.As(t, webtest.RoleAdmin, "GET", "/", webtest.Payload{}), "<div><b>1,236</b><span>当日返温</span></div>")
		// A town exports its own town only; a table that is not one is 400.
		r := e.As(t, webtest.RoleTown, "GET", "/reports/export?table=figures&date="+day, webtest.Payload{})
		if s, err := sheettest.ReadSummaryFile(r.Body); err != nil || len(s.Rows) != 3 || s.Rows[1][0] != "塘下镇" {
			t.Errorf("the town's export: %+v %v", s, err)
		}
		if r := e.As(t, webtest.RoleAdmin, "GET", "/reports/export?table=x", webtest.Payload{}); r.Status != 400 {
			t.Errorf("table=x: %d", r.Status)
		}
	})
}

var cellRE = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
var tagRE = regexp.MustCompile(`<[^>]+>`)

// footOf is the text of the cells of the tfoot of the table with that id.
func footOf(t *testing.T, page, id string) []string {
	t.Helper()
	i := strings.Index(page, `<table id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no table %s", id)
	}
	page = page[i:]
	page = page[:strings.Index(page, "</table>")]
	f := strings.Index(page, "<tfoot>")
	if f < 0 {
		t.Fatalf("table %s has no total row", id)
	}
	var out []string
	for _, m := range cellRE.FindAllStringSubmatch(page[f:], -1) {
		out = append(out, strings.TrimSpace(tagRE.ReplaceAllString(m[1], "")))
	}
	return out
}
