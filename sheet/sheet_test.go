package sheet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong/registry"
)

// makeXLSX builds a workbook whose first sheet holds rows from row 1; a nil
// row is left blank. Values keep their Go type, so ints and floats are stored
// as numbers, as Excel stores what a user types.
func makeXLSX(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr(s string) *string { return &s }

const uscc = "91330381MA2CXXXX1X"

func TestReadEnterprises(t *testing.T) {
	chineseCSV := "序号,企业名称,统一社会信用代码,所属乡镇街道,地址,行业,规模,法定代表人,联系电话,职工人数,用地面积（亩）,亩均等级,状态\n" +
		"1,瑞安市某某机械有限公司," + uscc + ",塘下镇,塘下镇工业区8号,机械制造,规上,张三,13812345678,120,35.5,A,在册\n"
	chineseWant := registry.Enterprise{USCC: uscc, Name: "瑞安市某某机械有限公司", Town: "塘下镇",
		Address: "塘下镇工业区8号", Industry: "机械制造", SizeClass: registry.SizeAbove, LegalRep: "张三",
		ContactPhone: "13812345678", Employees: 120, LandMu: 35.5, MujunClass: ptr("A"), Status: registry.StatusActive}

	tests := []struct {
		name string
		file string
		data []byte
		want []registry.ImportRow // Columns are checked only when set
	}{{
		name: "JSON names in shuffled order, odd case and spaces",
		file: "list.CSV",
		data: []byte(" Name ,SIZE_CLASS,备注,uscc,town,status,employees,land_mu,mujun_class,contact_phone,legal_rep,industry,address\n" +
			"甲公司,below,随便写,  " + uscc + " ,330381101,closed,\"1,234\",0.75,,0577-65812345,李四,纺织,地址\n"),
		want: []registry.ImportRow{{Row: 2, Enterprise: registry.Enterprise{USCC: uscc, Name: "甲公司", Town: "330381101",
			Address: "地址", Industry: "纺织", SizeClass: registry.SizeBelow, LegalRep: "李四", ContactPhone: "0577-65812345",
			Employees: 1234, LandMu: 0.75, Status: registry.StatusClosed},
			Columns: map[string]string{"uscc": "uscc", "name": "Name", "town": "town", "address": "address",
				"industry": "industry", "size_class": "SIZE_CLASS", "legal_rep": "legal_rep", "contact_phone": "contact_phone",
				"employees": "employees", "land_mu": "land_mu", "mujun_class": "mujun_class", "status": "status"}}},
	}, {
		name: "Chinese aliases in XLSX",
		file: "名单.xlsx",
		data: makeXLSX(t,
			[]any{"单位名称", "社会信用代码", "镇街", "是否规上", "从业人数", "占地面积（亩）", "评价等级", "状态", "手机", "法人", "行业类别", "详细地址"},
			[]any{"乙公司", uscc, "马屿镇", "否", 8, 1.25, "C", "注销/停业", "13912345678", "王五", "鞋业", "马屿镇1号"}),
		want: []registry.ImportRow{{Row: 2, Enterprise: registry.Enterprise{USCC: uscc, Name: "乙公司", Town: "马屿镇",
			Address: "马屿镇1号", Industry: "鞋业", SizeClass: registry.SizeBelow, LegalRep: "王五", ContactPhone: "13912345678",
			Employees: 8, LandMu: 1.25, MujunClass: ptr("C"), Status: registry.StatusClosed},
			Columns: map[string]string{"uscc": "社会信用代码", "name": "单位名称", "town": "镇街", "address": "详细地址",
				"industry": "行业类别", "size_class": "是否规上", "legal_rep": "法人", "contact_phone": "手机",
				"employees": "从业人数", "land_mu": "占地面积（亩）", "mujun_class": "评价等级", "status": "状态"}}},
	}, {
		name: "Chinese headers, GBK CSV as Excel saves it",
		file: "list.csv",
		data: gbk(t, strings.ReplaceAll(chineseCSV, "\n", "\r\n")),
		want: []registry.ImportRow{{Row: 2, Enterprise: chineseWant}},
	}, {
		name: "UTF-8 CSV with BOM",
		file: "list.csv",
		data: append([]byte("\uFEFF"), chineseCSV...),
		want: []registry.ImportRow{{Row: 2, Enterprise: chineseWant}},
	}, {
		name: "XLSX numbers and text",
		file: "list.xlsx",
		data: makeXLSX(t,
			[]any{"统一社会信用代码", "企业名称", "乡镇", "规模", "联系电话", "职工人数", "用地面积(亩)", "亩均等级"},
			[]any{uscc, "丙公司", "陶山镇", "规模以上", 13812345678, 25, 3.5, nil},
			[]any{"913303810000000001", "丁公司", "陶山镇", "above", "057765812345", "1,234", "12", ""}),
		want: []registry.ImportRow{
			{Row: 2, Enterprise: registry.Enterprise{USCC: uscc, Name: "丙公司", Town: "陶山镇", SizeClass: registry.SizeAbove,
				ContactPhone: "13812345678", Employees: 25, LandMu: 3.5}},
			{Row: 3, Enterprise: registry.Enterprise{USCC: "913303810000000001", Name: "丁公司", Town: "陶山镇", SizeClass: registry.SizeAbove,
				ContactPhone: "057765812345", Employees: 1234, LandMu: 12}},
		},
	}, {
		name: "blank rows are skipped, numbering kept (CSV)",
		file: "list.csv",
		data: []byte("uscc,name,town,size_class\n\n" +
			"A,\"多行\n名称\",t,规上\n" +
			",,,\n \t, ,,\n" +
			"B,b,t,规下\n"),
		want: []registry.ImportRow{
			{Row: 3, Enterprise: registry.Enterprise{USCC: "A", Name: "多行\n名称", Town: "t", SizeClass: registry.SizeAbove}},
			{Row: 6, Enterprise: registry.Enterprise{USCC: "B", Name: "b", Town: "t", SizeClass: registry.SizeBelow}},
		},
	}, {
		name: "blank rows are skipped, numbering kept (XLSX)",
		file: "list.xlsx",
		data: makeXLSX(t,
			[]any{"uscc", "name", "town", "size_class"},
			nil,
			[]any{"A", "a", "t", "是"},
			[]any{"", " ", nil, ""},
			nil,
			[]any{"B", "b", "t", "否"}),
		want: []registry.ImportRow{
			{Row: 3, Enterprise: registry.Enterprise{USCC: "A", Name: "a", Town: "t", SizeClass: registry.SizeAbove}},
			{Row: 6, Enterprise: registry.Enterprise{USCC: "B", Name: "b", Town: "t", SizeClass: registry.SizeBelow}},
		},
	}, {
		name: "unreadable cells become Problems with row and column as written",
		file: "list.csv",
		data: []byte("统一社会信用代码,企业名称,所属乡镇街道,企业规模,员工人数,用地面积,状态\n" +
			"A,a,t,中型,abc,x,在册\n" +
			"B,b,t,规上,12.5,,暂停\n" +
			"C,c,t,,12.0,-1,\n"),
		want: []registry.ImportRow{
			{Row: 2, Enterprise: registry.Enterprise{USCC: "A", Name: "a", Town: "t", Status: registry.StatusActive},
				Problems: []registry.RowError{
					{Row: 2, Column: "企业规模", Field: "size_class", Message: "规模应为规上或规下"},
					{Row: 2, Column: "员工人数", Field: "employees", Message: "职工人数应为整数"},
					{Row: 2, Column: "用地面积", Field: "land_mu", Message: "用地面积(亩)应为数字"},
				}},
			{Row: 3, Enterprise: registry.Enterprise{USCC: "B", Name: "b", Town: "t", SizeClass: registry.SizeAbove, Status: "暂停"},
				Problems: []registry.RowError{{Row: 3, Column: "员工人数", Field: "employees", Message: "职工人数应为整数"}}},
			{Row: 4, Enterprise: registry.Enterprise{USCC: "C", Name: "c", Town: "t", Employees: 12, LandMu: -1}},
		},
	}, {
		name: "header only",
		file: "list.csv",
		data: []byte("uscc,name,town,size_class\r\n"),
		want: []registry.ImportRow{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadEnterprises(bytes.NewReader(tt.data), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d rows, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if w.Columns == nil {
					g.Columns = nil
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	many := "uscc,name,town,size_class\n" + strings.Repeat("a,b,c,d\n", EnterpriseLimits.Rows+1)
	tests := []struct {
		name string
		file string
		data []byte
		want string // in the error message
	}{
		{"missing required columns", "a.csv", []byte("乡镇,规模,地址\n1,2,3\n"), "缺少必需的列：统一社会信用代码、企业名称"},
		{"duplicate column", "a.csv", []byte("uscc,name,town,size_class,name\n"), "表头中的列“name”重复"},
		{"duplicate by alias", "a.xlsx", makeXLSX(t, []any{"名称", "uscc", "town", "规模", "企业名称（全称）", "单位名称"}), "“名称”和“单位名称”重复，都表示企业名称"},
		{"not an XLSX", "a.xlsx", []byte("uscc,name\n1,2\n"), "不是有效的 XLSX 文件"},
		{"empty XLSX", "a.xlsx", nil, "不是有效的 XLSX 文件"},
		{"unsupported suffix", "a.xls", []byte("x"), "请使用 .xlsx 或 .csv"},
		{"no suffix", "list", []byte("x"), "请使用 .xlsx 或 .csv"},
		{"bare quote", "a.csv", []byte("uscc,name,town,size_class\nA,a,t,规上\nB,b\"c,t,规上\n"), "CSV 文件第3行格式有误"},
		{"unclosed quote", "a.csv", []byte("uscc,name,town,size_class\nA,\"a,t,规上\n"), "CSV 文件第2行格式有误"},
		{"empty file", "a.csv", []byte("\n,,\n"), "没有表头"},
		{"too many rows", "a.csv", []byte(many), "文件超过20000行数据：企业名录每次最多导入20000行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadEnterprises(bytes.NewReader(tt.data), tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCellTooLong(t *testing.T) {
	long := strings.Repeat("字", MaxCellRunes+1)
	data := "uscc,name,town,size_class,employees\nA," + long + ",t,规上," + strings.Repeat("1", MaxCellRunes+1) + "\n"
	rows, err := ReadEnterprises(strings.NewReader(data), "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []registry.RowError{
		{Row: 2, Column: "name", Field: "name", Message: "企业名称内容过长（超过1000个字）"},
		{Row: 2, Column: "employees", Field: "employees", Message: "职工人数内容过长（超过1000个字）"},
	}
	if got := rows[0].Problems; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %+v, want %+v", got, want)
	}
}

func TestInteger(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"25", 25, true}, {"1,234", 1234, true}, {"12.0", 12, true}, {"-3", -3, true},
		{"12.5", 0, false}, {"abc", 0, false}, {"NaN", 0, false}, {"", 0, false},
		{"1e30", registry.MaxEmployees + 1, true},
	}
	for _, tt := range tests {
		if got, ok := integer(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("integer(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	list := []registry.Enterprise{
		{USCC: uscc, Name: "瑞安市某某机械有限公司", Town: "330381101", TownName: "塘下镇", Address: "塘下镇工业区8号",
			Industry: "机械制造", SizeClass: registry.SizeAbove, LegalRep: "张三", ContactPhone: "13812345678",
			Employees: 120, LandMu: 35.25, MujunClass: ptr("B"), Status: registry.StatusActive},
		// No town name: the code is written. Text that Excel would run as a
		// formula must come back unchanged.
		{USCC: "913303810000000001", Name: "=HYPERLINK(\"x\")", Town: "330381116", Address: "-1", Industry: "+纺织",
			SizeClass: registry.SizeBelow, LegalRep: "@李", ContactPhone: "0577-65812345", Status: registry.StatusClosed},
	}
	for _, file := range []string{"out.xlsx", "out.csv"} {
		t.Run(file, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteEnterprises(&buf, file, func(fn func(registry.Enterprise) error) error {
				for _, e := range list {
					if err := fn(e); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if file == "out.csv" {
				if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF统一社会信用代码,企业名称,所属乡镇街道,地址,行业,规模,")) {
					t.Errorf("CSV starts %q, want a BOM and the Chinese labels", buf.String()[:40])
				}
				if !strings.Contains(buf.String(), "'=HYPERLINK(") {
					t.Errorf("formula not defused in %q", buf.String())
				}
			}
			rows, err := ReadEnterprises(&buf, file)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(list) {
				t.Fatalf("read %d rows, want %d", len(rows), len(list))
			}
			for i, e := range list {
				if e.TownName != "" {
					e.Town = e.TownName // the name is what a person edits
				}
				e.TownName = ""
				if got := rows[i].Enterprise; !reflect.DeepEqual(got, e) || rows[i].Problems != nil {
					t.Errorf("row %d:\n got %+v %v\nwant %+v", i, got, rows[i].Problems, e)
				}
			}
		})
	}
}

func TestWriteXLSXCells(t *testing.T) {
	var buf bytes.Buffer
	err := WriteEnterprises(&buf, "x.xlsx", func(fn func(registry.Enterprise) error) error {
		return fn(registry.Enterprise{USCC: "913303810000000001", ContactPhone: "13812345678", Employees: 7})
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A number cell carries no type attribute: it reads back as unset.
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeInlineString,
		"H2": excelize.CellTypeInlineString, "I2": excelize.CellTypeUnset} {
		if got, _ := f.GetCellType("Sheet1", cell); got != want {
			t.Errorf("%s type %v, want %v", cell, got, want)
		}
	}
	style, _ := f.GetCellStyle("Sheet1", "A1")
	if s, _ := f.GetStyle(style); s == nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header not bold")
	}
	if w, _ := f.GetColWidth("Sheet1", "B"); w < 30 {
		t.Errorf("name column width %v", w)
	}
}

func TestWriteEnterprisesStopsOnError(t *testing.T) {
	for _, file := range []string{"x.xlsx", "x.csv"} {
		err := WriteEnterprises(&bytes.Buffer{}, file, func(fn func(registry.Enterprise) error) error {
			return fmt.Errorf("db gone")
		})
		if err == nil || err.Error() != "db gone" {
			t.Errorf("%s: error %v", file, err)
		}
	}
	if err := WriteEnterprises(&bytes.Buffer{}, "x.ods", nil); err == nil {
		t.Error("x.ods accepted")
	}
}

func TestErrorFilePath(t *testing.T) {
	for in, want := range map[string]string{
		"list.xlsx":            "list.errors.xlsx",
		"/data/名单.CSV":         "/data/名单.errors.CSV",
		"dir.v2/list.2024.csv": "dir.v2/list.2024.errors.csv",
	} {
		if got := ErrorFilePath(in); got != want {
			t.Errorf("ErrorFilePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteErrorFile(t *testing.T) {
	header := []any{"序号", "统一社会信用代码", "企业名称", "乡镇", "规模", "职工人数"}
	inputs := map[string][]byte{
		"list.csv": gbk(t, "序号,统一社会信用代码,企业名称,乡镇,规模,职工人数\r\n"+
			"1,A,好公司,塘下镇,规上,3\r\n2,913303810000000001,坏公司,火星,规上,abc,多出的格\r\n"),
		"list.xlsx": makeXLSX(t, header,
			[]any{1, "A", "好公司", "塘下镇", "规上", 3},
			[]any{2, "913303810000000001", "坏公司", "火星", "规上", "abc", "多出的格"}),
	}
	for file, data := range inputs {
		t.Run(file, func(t *testing.T) {
			input := filepath.Join(t.TempDir(), file)
			if err := os.WriteFile(input, data, 0o644); err != nil {
				t.Fatal(err)
			}
			in, err := os.Open(input)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			tab, err := Read(in, input)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := tab.Enterprises()
			if err != nil {
				t.Fatal(err)
			}
			bad := append(rows[1].Problems, registry.RowError{Row: 3, Column: "乡镇", Field: "town", Message: "所属乡镇街道不是本市的乡镇街道"})

			path, err := WriteErrorFile(input, tab, bad)
			if err != nil {
				t.Fatal(err)
			}
			if path != ErrorFilePath(input) {
				t.Errorf("wrote %s, want %s", path, ErrorFilePath(input))
			}
			out, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			got, err := Read(out, path)
			if err != nil {
				t.Fatal(err)
			}
			wantHeader := []string{"序号", "统一社会信用代码", "企业名称", "乡镇", "规模", "职工人数", "", "错误原因"}
			if !reflect.DeepEqual(got.Header, wantHeader) {
				t.Errorf("header %q, want %q", got.Header, wantHeader)
			}
			want := []Row{{Num: 2, Cells: []string{"2", "913303810000000001", "坏公司", "火星", "规上", "abc", "多出的格",
				"第3行，列“职工人数”：职工人数应为整数；第3行，列“乡镇”：所属乡镇街道不是本市的乡镇街道"}}}
			if !reflect.DeepEqual(got.Rows, want) {
				t.Errorf("rows %+v, want %+v", got.Rows, want)
			}
		})
	}
}
