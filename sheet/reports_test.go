package sheet

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/daily"
	"fugong/registry"
)

const uscc2 = "91330381MA2CYYYY2Y"

// dateXLSX builds a workbook from rows like makeXLSX, then stores a date in
// column col of each data row (from row 2) with the number format of its
// entry in formats: a built-in format id (int) or a custom code (string).
func dateXLSX(t testing.TB, col int, formats []any, rows ...[]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(makeXLSX(t, rows...)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	day := time.Date(2020, 2, 10, 0, 0, 0, 0, time.UTC)
	for i, format := range formats {
		st := &excelize.Style{}
		switch v := format.(type) {
		case int:
			st.NumFmt = v
		case string:
			st.CustomNumFmt = &v
		}
		id, err := f.NewStyle(st)
		if err != nil {
			t.Fatal(err)
		}
		cell, _ := excelize.CoordinatesToCellName(col+1, i+2)
		if err := f.SetCellValue("Sheet1", cell, day.AddDate(0, 0, i)); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", cell, cell, id); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// chineseHeader is the template's header in another order, with the name
// column and units the reader must ignore.
var chineseHeader = []any{"序号", "企业名称", "统一社会信用代码", "日期", "职工总数（人）", "在瑞人数", "当日返温人数",
	"当日劝返人数", "当日劝退票人数", "湖北籍人数", "当日联系湖北籍人数", "隔离人数", "发热人数", "值守人数", "已签承诺书", "备注"}

func TestReadReports(t *testing.T) {
	full := daily.Figures{StaffTotal: 120, StaffInCity: 80, ReturnedToday: 5, PersuadedToday: 2, TicketsRefundedToday: 1,
		HubeiStaff: 3, HubeiContactedToday: 3, Quarantined: 4, Fever: 0, OnDuty: 6, CommitmentSigned: true, Note: "电话收集"}
	chineseRow := func(n int, date any) []any {
		return []any{n, "某机械公司", uscc, date, 120, 80, 5, 2, 1, 3, 3, 4, 0, 6, "是", "电话收集"}
	}
	aliasCSV := "企业名称,信用代码,填报日期,员工总数,留瑞人数,返温人数,劝返,劝退票,湖北籍,已联系湖北籍,隔离,发热,值守,承诺书,说明\n" +
		"甲公司," + uscc + ",2020/2/10,120,80,5,2,1,3,3,4,,6,已签,电话收集\n" +
		"乙公司," + uscc2 + ",2020年2月11日,\"1,000\",900,0,0,0,0,0,0,1,0,未签,\n"
	tests := []struct {
		name        string
		file        string
		defaultDate string
		data        []byte
		want        []daily.ImportRow // Columns are checked only for the first row, when set
	}{{
		name: "Chinese labels, Excel date cells in several formats",
		file: "日报.xlsx",
		data: dateXLSX(t, 3, []any{14, 31, 57, "yyyy\"年\"m\"月\"d\"日\"", "yyyy/m/d", 22},
			chineseHeader, chineseRow(1, nil), chineseRow(2, nil), chineseRow(3, nil), chineseRow(4, nil),
			chineseRow(5, nil), chineseRow(6, nil)),
		want: func() []daily.ImportRow {
			var rs []daily.ImportRow
			for i := range 6 {
				rs = append(rs, daily.ImportRow{Row: i + 2, USCC: uscc, Date: time.Date(2020, 2, 10+i, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), Figures: full})
			}
			rs[0].Columns = map[string]string{"uscc": "统一社会信用代码", "date": "日期", "staff_total": "职工总数（人）",
				"staff_in_city": "在瑞人数", "returned_today": "当日返温人数", "persuaded_today": "当日劝返人数",
				"tickets_refunded_today": "当日劝退票人数", "hubei_staff": "湖北籍人数", "hubei_contacted_today": "当日联系湖北籍人数",
				"quarantined": "隔离人数", "fever": "发热人数", "on_duty": "值守人数", "commitment_signed": "已签承诺书", "note": "备注"}
			return rs
		}(),
	}, {
		name: "dates typed as text and numbers in XLSX",
		file: "日报.xlsx",
		data: makeXLSX(t, chineseHeader, chineseRow(1, "2020/2/10"), chineseRow(2, "2020-2-11"), chineseRow(3, 20200212), chineseRow(4, "2020.2.13")),
		want: []daily.ImportRow{{Row: 2, USCC: uscc, Date: "2020-02-10", Figures: full}, {Row: 3, USCC: uscc, Date: "2020-02-11", Figures: full},
			{Row: 4, USCC: uscc, Date: "2020-02-12", Figures: full}, {Row: 5, USCC: uscc, Date: "2020-02-13", Figures: full}},
	}, {
		name: "aliases in a GBK CSV, empty cells are 0",
		file: "report.csv",
		data: gbk(t, aliasCSV),
		want: []daily.ImportRow{{Row: 2, USCC: uscc, Date: "2020-02-10", Figures: full,
			Columns: map[string]string{"uscc": "信用代码", "date": "填报日期", "staff_total": "员工总数",
				"staff_in_city": "留瑞人数", "returned_today": "返温人数", "persuaded_today": "劝返",
				"tickets_refunded_today": "劝退票", "hubei_staff": "湖北籍", "hubei_contacted_today": "已联系湖北籍",
				"quarantined": "隔离", "fever": "发热", "on_duty": "值守", "commitment_signed": "承诺书", "note": "说明"}},
			{Row: 3, USCC: uscc2, Date: "2020-02-11", Figures: daily.Figures{StaffTotal: 1000, StaffInCity: 900, Fever: 1}}},
	}, {
		name: "the same aliases in UTF-8 with a BOM",
		file: "report.csv",
		data: append([]byte("\uFEFF"), aliasCSV...),
		want: []daily.ImportRow{{Row: 2, USCC: uscc, Date: "2020-02-10", Figures: full},
			{Row: 3, USCC: uscc2, Date: "2020-02-11", Figures: daily.Figures{StaffTotal: 1000, StaffInCity: 900, Fever: 1}}},
	}, {
		name:        "JSON names, no date column: the default date",
		file:        "r.CSV",
		defaultDate: "2020/2/9",
		data: []byte("note,commitment_signed,on_duty,fever,quarantined,hubei_contacted_today,hubei_staff,tickets_refunded_today," +
			"persuaded_today,returned_today,staff_in_city,staff_total,USCC\n" +
			"电话收集,1,6,0,4,3,3,1,2,5,80,120,  " + strings.ToLower(uscc) + " \n"),
		want: []daily.ImportRow{{Row: 2, USCC: strings.ToLower(uscc), Date: "2020-02-09", Figures: full}},
	}, {
		name:        "an empty date cell takes the default; rows without figures are skipped",
		file:        "r.csv",
		defaultDate: "2020-02-09",
		data: []byte("统一社会信用代码,企业名称,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,已签承诺书,备注\n" +
			uscc + ",甲,,10,10,0,0,0,0,0,0,0,0,否,\n" +
			uscc2 + ",乙,2020-02-09,,,,,,,,,,,,\n" +
			uscc2 + ",乙,2020-02-08,无,,,,,,,,,,,\n"),
		want: []daily.ImportRow{{Row: 2, USCC: uscc, Date: "2020-02-09", Figures: daily.Figures{StaffTotal: 10, StaffInCity: 10}},
			{Row: 4, USCC: uscc2, Date: "2020-02-08"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, tab, err := ReadReports(bytes.NewReader(tt.data), tt.file, tt.defaultDate)
			if err != nil {
				t.Fatal(err)
			}
			if tab == nil || len(tab.Rows) < len(rows) {
				t.Fatalf("table %+v", tab)
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("got %d rows, want %d: %+v", len(rows), len(tt.want), rows)
			}
			for i, want := range tt.want {
				got := rows[i]
				if want.Columns != nil && !reflect.DeepEqual(got.Columns, want.Columns) {
					t.Errorf("columns\n got %v\nwant %v", got.Columns, want.Columns)
				}
				got.Columns, want.Columns = nil, nil
				if !reflect.DeepEqual(got, want) {
					t.Errorf("row %d\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

func TestReadReportsRowProblems(t *testing.T) {
	header := "统一社会信用代码,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,承诺书,备注\n"
	tests := []struct {
		name string
		line string
		want []registry.RowError
	}{
		{"a fraction", uscc + ",2020-02-10,3.5,1,0,0,0,0,0,0,0,0,是,", []registry.RowError{
			{Row: 2, Column: "职工总数", Field: "staff_total", Message: "职工总数应为整数（人数），收到“3.5”"}}},
		{"words and a bad letter answer", uscc + ",2020-02-10,10,五,0,0,0,0,0,0,abc,0,也许,", []registry.RowError{
			{Row: 2, Column: "在瑞人数", Field: "staff_in_city", Message: "在瑞人数应为整数（人数），收到“五”"},
			{Row: 2, Column: "发热人数", Field: "fever", Message: "发热人数应为整数（人数），收到“abc”"},
			{Row: 2, Column: "承诺书", Field: "commitment_signed", Message: "已签承诺书应为“是”或“否”，收到“也许”"}}},
		{"no such day", uscc + ",2020-02-30,10,1,0,0,0,0,0,0,0,0,是,", []registry.RowError{
			{Row: 2, Column: "日期", Field: "date", Message: "日期“2020-02-30”无法识别，应写成 2020-02-10 或 2020/2/10"}}},
		{"a day without a year", uscc + ",2月10日,10,1,0,0,0,0,0,0,0,0,是,", []registry.RowError{
			{Row: 2, Column: "日期", Field: "date", Message: "日期“2月10日”无法识别，应写成 2020-02-10 或 2020/2/10"}}},
		{"no date and no default", uscc + ",,10,1,0,0,0,0,0,0,0,0,是,", []registry.RowError{
			{Row: 2, Column: "日期", Field: "date", Message: "日期不能为空"}}},
		{"a note too long for a cell", uscc + ",2020-02-10,10,1,0,0,0,0,0,0,0,0,是," + strings.Repeat("长", MaxCellRunes+1), []registry.RowError{
			{Row: 2, Column: "备注", Field: "note", Message: "备注内容过长（超过1000个字）"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, err := ReadReports(strings.NewReader(header+tt.line+"\n"), "r.csv", "")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || !reflect.DeepEqual(rows[0].Problems, tt.want) {
				t.Fatalf("got %+v\nwant %+v", rows, tt.want)
			}
		})
	}
}

func TestReadReportsFileErrors(t *testing.T) {
	all := "统一社会信用代码,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,承诺书"
	tests := []struct {
		name, file, defaultDate, data, want string
	}{
		{"missing columns", "r.csv", "", "统一社会信用代码,职工总数,在瑞人数\n" + uscc + ",1,1\n",
			"缺少必需的列：日期、当日返温人数、当日劝返人数、当日劝退票人数、湖北籍人数、当日联系湖北籍人数、隔离人数、发热人数、值守人数、已签承诺书（可下载日报导入模板对照）"},
		{"a duplicate column by alias", "r.csv", "", all + ",员工总数\n", "表头中的列“职工总数”和“员工总数”重复，都表示职工总数"},
		{"a bad default date", "r.csv", "2020-13-01", all + "\n", "日期应为 YYYY-MM-DD 格式的有效日期，收到“2020-13-01”"},
		{"an unsupported suffix", "r.xls", "", all + "\n", "不支持的文件类型“.xls”，请使用 .xlsx 或 .csv 文件"},
		{"not an XLSX", "r.xlsx", "", all + "\n", "不是有效的 XLSX 文件（.xls 或加密的文件请先在 Excel 中另存为 .xlsx）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadReports(strings.NewReader(tt.data), tt.file, tt.defaultDate)
			if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid || e.Message != tt.want {
				t.Fatalf("got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestParseDay(t *testing.T) {
	for in, want := range map[string]string{
		"2020-02-10": "2020-02-10", "2020-2-1": "2020-02-01", "2020/2/10": "2020/2/10", "2020.02.10": "2020-02-10",
		"2020年2月10日": "2020-02-10", "20200210": "2020-02-10", "2020/2/10 0:00:00": "2020-02-10",
		"2020-02-10T08:00:00": "2020-02-10", "2020-02-29": "2020-02-29",
		"2019-02-29": "", "2/10/2020": "", "20-2-10": "", "2020-002-10": "", "": "", "abc": "", "2020-02": "",
	} {
		if want == "2020/2/10" {
			want = "2020-02-10"
		}
		got, ok := parseDay(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseDay(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestWriteReportTemplate(t *testing.T) {
	es := []registry.Enterprise{{USCC: uscc, Name: "=甲公司"}, {USCC: uscc2, Name: "乙公司"}}
	for _, name := range []string{"template.xlsx", "template.csv"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteReportTemplate(&buf, name, "2020-02-10", es); err != nil {
				t.Fatal(err)
			}
			tab, err := Read(bytes.NewReader(buf.Bytes()), name)
			if err != nil {
				t.Fatal(err)
			}
			wantHeader := []string{"统一社会信用代码", "企业名称", "日期", "职工总数", "在瑞人数", "当日返温人数", "当日劝返人数",
				"当日劝退票人数", "湖北籍人数", "当日联系湖北籍人数", "隔离人数", "发热人数", "值守人数", "已签承诺书", "备注"}
			if !reflect.DeepEqual(tab.Header, wantHeader) {
				t.Fatalf("header %q", tab.Header)
			}
			if len(tab.Rows) != 2 || tab.Rows[0].Cells[0] != uscc || tab.Rows[0].Cells[1] != "=甲公司" || tab.Rows[1].Cells[2] != "2020-02-10" {
				t.Fatalf("rows %+v", tab.Rows)
			}
			// Untouched, the template holds nothing to import.
			rows, _, err := ReadReports(bytes.NewReader(buf.Bytes()), name, "")
			if err != nil || len(rows) != 0 {
				t.Fatalf("unfilled template: %+v %v", rows, err)
			}
		})
	}
	if err := WriteReportTemplate(&bytes.Buffer{}, "t.xlsx", "2020-2-10", es); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Fatalf("bad date: %v", err)
	}
}

// The template filled in Excel (here excelize) reads back as reports.
func TestReportTemplateFilled(t *testing.T) {
	var buf bytes.Buffer
	es := []registry.Enterprise{{USCC: uscc, Name: "甲公司"}, {USCC: uscc2, Name: "乙公司"}}
	if err := WriteReportTemplate(&buf, "t.xlsx", "2020-02-10", es); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// Row 2: every field; row 3 stays empty.
	for i, v := range []any{120, 80, 5, 2, 1, 3, 3, 4, 0, 6, "是", "电话收集"} {
		cell, _ := excelize.CoordinatesToCellName(4+i, 2)
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rows, _, err := ReadReports(&out, "t.xlsx", "")
	if err != nil {
		t.Fatal(err)
	}
	want := daily.Figures{StaffTotal: 120, StaffInCity: 80, ReturnedToday: 5, PersuadedToday: 2, TicketsRefundedToday: 1,
		HubeiStaff: 3, HubeiContactedToday: 3, Quarantined: 4, OnDuty: 6, CommitmentSigned: true, Note: "电话收集"}
	if len(rows) != 1 || rows[0].Row != 2 || rows[0].USCC != uscc || rows[0].Date != "2020-02-10" || rows[0].Figures != want || rows[0].Problems != nil {
		t.Fatalf("%+v", rows)
	}
}

func TestWriteCallList(t *testing.T) {
	items := []daily.Missing{
		{USCC: uscc, Name: "甲公司", Town: "330381101", TownName: "塘下镇", ContactPhone: "057765812345", LegalRep: "张三",
			Cadre: "李干部", LastReport: "2020-02-09", Followups: 2},
		{USCC: uscc2, Name: "+乙公司", Town: "330381102", ContactPhone: "13800000000"},
	}
	header := []string{"企业名称", "统一社会信用代码", "乡镇街道", "法定代表人", "联系电话", "驻企干部", "最近上报", "已催报次数", "电话结果", "承诺时间", "日报日期"}
	want := [][]string{
		{"甲公司", uscc, "塘下镇", "张三", "057765812345", "李干部", "2020-02-09", "2", "", "", "2020-02-10"},
		{"+乙公司", uscc2, "330381102", "", "13800000000", "", "从未上报", "0", "", "", "2020-02-10"},
	}
	readsBack(t, "calls", header, want, func(w io.Writer, name string) error { return WriteCallList(w, name, "2020-02-10", items) })
	var empty bytes.Buffer
	if err := WriteCallList(&empty, "calls.csv", "2020-02-10", nil); err != nil || !strings.Contains(empty.String(), "企业名称") {
		t.Fatalf("an empty list still has its header: %q %v", empty.String(), err)
	}
	if err := WriteCallList(&empty, "calls.pdf", "2020-02-10", nil); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Fatalf("pdf: %v", err)
	}
}

// readsBack writes a sheet as XLSX and as CSV with write and checks that
// each reads back with the header and the rows wanted.
func readsBack(t *testing.T, base string, header []string, want [][]string, write func(w io.Writer, name string) error) {
	t.Helper()
	for _, name := range []string{base + ".xlsx", base + ".csv"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf, name); err != nil {
				t.Fatal(err)
			}
			tab, err := Read(bytes.NewReader(buf.Bytes()), name)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tab.Header, header) {
				t.Fatalf("header %q", tab.Header)
			}
			if len(tab.Rows) != len(want) {
				t.Fatalf("rows %+v", tab.Rows)
			}
			for i, r := range tab.Rows {
				cells := append(r.Cells, make([]string, len(header))...)[:len(header)] // XLSX drops trailing empty cells
				if !reflect.DeepEqual(cells, want[i]) {
					t.Errorf("row %d\n got %q\nwant %q", i, cells, want[i])
				}
			}
		})
	}
}
