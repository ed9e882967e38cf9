package sheet

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
)

// The fuzzers of uploaded sheets: what the reader takes is text it can
// keep, within its limits, and what it refuses it refuses as a user error.
// go test runs the seeds; make fuzz runs each longer.

// seedFiles adds real and hostile files in both formats: ext ".csv" or ".xlsx".
func seedFiles(f *testing.F, add func(data []byte, xlsx bool)) {
	header := "统一社会信用代码,企业名称,所属乡镇街道,规模,联系电话,职工人数\n"
	row := uscc + ",瑞安市塘下汽配有限公司,塘下镇,规上,0577-65812345,20\n"
	for _, csv := range []string{
		header + row,
		"\uFEFF" + header + row,
		"uscc,name,town,size_class\n\n\nA,\"多行\n备注\",t,规下\n",
		header + strings.Repeat(",", 100) + "\n",
		"", "\n,,\n", "a\x00b\n", "uscc,name\n1,\"unclosed\n", "uscc,name\n1,b\"c\n", "\uFEFF\xff\xfe\n",
	} {
		add([]byte(csv), false)
	}
	add(gbk(f, header+row), false)
	add(makeXLSX(f, []any{"统一社会信用代码", "企业名称", "所属乡镇街道", "规模", "联系电话", "职工人数"},
		[]any{uscc, "瑞安市塘下汽配有限公司", "塘下镇", "规上", "0577-65812345", 20}, nil, []any{uscc2, "仙降鞋业", "仙降街道", "below", 13912345678, 3.5}), true)
	add(replaceInXLSX(f, makeXLSX(f, []any{"uscc", "name"}, []any{"A", "aQQQb"}), "QQQ", "_x0000_"), true)
	add(dateXLSX(f, 2, []any{14, "yyyy年m月d日"}, []any{"统一社会信用代码", "企业名称", "日期", "职工总数"},
		[]any{uscc, "a", nil, 20}, []any{uscc2, "b", nil, 10}), true)
	add([]byte("PK\x03\x04"), true)
	add(nil, true)
}

func FuzzRead(f *testing.F) {
	seedFiles(f, func(data []byte, xlsx bool) { f.Add(data, xlsx) })
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "f.csv"
		if xlsx {
			name = "f.xlsx"
		}
		tb, err := Read(bytes.NewReader(data), name)
		if err != nil {
			if fugong.AsError(err) == nil {
				t.Fatalf("not a user error: %v", err)
			}
			return
		}
		cells := len(tb.Header)
		for i, c := range tb.Header {
			if fugong.CheckText("", c) != nil {
				t.Fatalf("header cell %d %q taken", i, c)
			}
		}
		for _, r := range tb.Rows {
			cells += len(r.Cells)
			for _, c := range r.Cells {
				if fugong.CheckText("", c) != nil {
					t.Fatalf("row %d: cell %q taken", r.Num, c)
				}
			}
		}
		if len(tb.Rows) > ReportLimits.Rows || cells > MaxCells+len(tb.Header) {
			t.Fatalf("%d rows, %d cells kept", len(tb.Rows), cells)
		}
	})
}

func FuzzReadReports(f *testing.F) {
	seedFiles(f, func(data []byte, xlsx bool) { f.Add(data, xlsx, "") })
	report := "统一社会信用代码,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,已签承诺书\n" +
		uscc + ",2020-02-10,20,10,1,0,0,0,0,0,0,2,是\n" + uscc2 + ",2020年2月9日,-1,x,,,,,,,,,也许\n"
	f.Add([]byte(report), false, "")
	f.Add([]byte(strings.Replace(report, "日期,", "", 1)), false, "2020-02-10")
	f.Add([]byte(report), false, "9999-12-31")
	f.Add([]byte(report), false, "10000-01-01")
	f.Add([]byte(report), false, "\x00")
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool, defaultDate string) {
		name := "r.csv"
		if xlsx {
			name = "r.xlsx"
		}
		rows, _, err := ReadReports(bytes.NewReader(data), name, defaultDate)
		if err != nil {
			if fugong.AsError(err) == nil {
				t.Fatalf("not a user error: %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Date == "" {
				continue // the row's problem says so
			}
			if _, err := daily.ParseDate(r.Date); err != nil {
				t.Fatalf("row %d: day %q taken", r.Row, r.Date)
			}
		}
	})
}

// FuzzParseDay: a day written any way people write one is refused or read
// as a valid YYYY-MM-DD date.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2020-02-10", "2020-2-1", "2020/2/10", "2020.02.10", "2020年2月10日", "20200210", "2020/2/10 0:00:00",
		"2020-02-10T08:00:00", "2019-02-29", "2/10/2020", "0000-01-01", "9999-12-31", "10000-01-01", "9999-99-99",
		"2020-+2-10", "2020--2-10", "2020-02-10\x00", "\xff\xfe", "２０２０年２月１０日", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDay(s)
		if !ok {
			return
		}
		if day, err := time.Parse(daily.DateLayout, d); err != nil || day.Format(daily.DateLayout) != d {
			t.Fatalf("%q read as %q", s, d)
		}
	})
}
