package sheet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/documents"
	"fugong/pairing"
)

func TestReadPairings(t *testing.T) {
	csv := "序号,企业名称,统一社会信用代码,干部姓名, 干部账号 \n" +
		"1,甲公司," + uscc + ",吴斌,wu\n" +
		"\n" +
		"2,乙公司," + uscc2 + ",,\n" + // not filled in: left out
		"3,丙公司,,李四,li\n"
	for name, data := range map[string][]byte{"p.csv": []byte(csv), "p-gbk.csv": gbk(t, csv)} {
		t.Run(name, func(t *testing.T) {
			rows, err := ReadPairings(bytes.NewReader(data), name)
			if err != nil {
				t.Fatal(err)
			}
			cols := map[string]string{"uscc": "统一社会信用代码", "username": "干部账号"}
			want := []pairing.ImportRow{
				{Row: 2, USCC: uscc, Username: "wu", Columns: cols},
				{Row: 5, USCC: "", Username: "li", Columns: cols},
			}
			if !reflect.DeepEqual(rows, want) {
				t.Fatalf("got %+v\nwant %+v", rows, want)
			}
		})
	}
	// JSON names as headers, an XLSX.
	x := makeXLSX(t, []any{"username", "uscc"}, []any{"wu", uscc})
	rows, err := ReadPairings(bytes.NewReader(x), "p.xlsx")
	if err != nil || len(rows) != 1 || rows[0].USCC != uscc || rows[0].Username != "wu" || rows[0].Columns["uscc"] != "uscc" {
		t.Fatalf("xlsx: %+v %v", rows, err)
	}
}

func TestReadPairingsErrors(t *testing.T) {
	for _, c := range []struct {
		name, data, want string
	}{
		{"p.csv", "统一社会信用代码,企业名称\n" + uscc + ",甲\n", "缺少必需的列：干部账号"},
		{"p.csv", "企业名称\n甲\n", "缺少必需的列：统一社会信用代码、干部账号"},
		{"p.csv", "信用代码,统一社会信用代码,干部账号\n", "“信用代码”和“统一社会信用代码”重复"},
		{"p.csv", "干部账号,统一社会信用代码,干部账号\n", "列“干部账号”重复"},
		{"p.xls", "x", "不支持的文件类型"},
		{"p.csv", "", "文件是空的"},
	} {
		_, err := ReadPairings(strings.NewReader(c.data), c.name)
		if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s %q: %v, want %q", c.name, c.data, err, c.want)
		}
	}
	long := strings.Repeat("长", MaxCellRunes+1)
	rows, err := ReadPairings(strings.NewReader("统一社会信用代码,干部账号\n"+uscc+","+long+"\n"), "p.csv")
	if err != nil || len(rows) != 1 || len(rows[0].Problems) != 1 || rows[0].Problems[0].Field != "username" || rows[0].Problems[0].Column != "干部账号" {
		t.Fatalf("a cell too long: %+v %v", rows, err)
	}
}

// The unpaired list, filled in, loads back as pairings.
func TestUnpairedSheetFilledIn(t *testing.T) {
	items := []pairing.Unpaired{
		{USCC: uscc, Name: "甲公司", TownName: "塘下镇", SizeClass: "above", LegalRep: "张三", ContactPhone: "057765812345", Employees: 120},
		{USCC: uscc2, Name: "=乙公司", TownName: "塘下镇", SizeClass: "below", Employees: 8},
	}
	var buf bytes.Buffer
	if err := WriteUnpaired(&buf, "u.xlsx", items); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	header, _ := f.GetRows("Sheet1")
	wantHeader := []string{"统一社会信用代码", "企业名称", "所属乡镇街道", "规模", "法定代表人", "联系电话", "职工人数", "干部账号"}
	if !reflect.DeepEqual(header[0], wantHeader) || !reflect.DeepEqual(header[1][:7], []string{uscc, "甲公司", "塘下镇", "规上", "张三", "057765812345", "120"}) {
		t.Fatalf("sheet %q", header)
	}
	if err := f.SetCellValue("Sheet1", "H2", "wu"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rows, err := ReadPairings(&out, "u.xlsx")
	if err != nil || len(rows) != 1 || rows[0].USCC != uscc || rows[0].Username != "wu" || rows[0].Row != 2 {
		t.Fatalf("filled in: %+v %v", rows, err)
	}

	var csv bytes.Buffer
	if err := WriteUnpaired(&csv, "u.csv", items); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "'=乙公司") {
		t.Errorf("a name that looks like a formula is defused: %q", csv.String())
	}
}

func TestWriteMissingDocuments(t *testing.T) {
	items := []documents.Missing{
		{USCC: uscc, Name: "甲公司", TownName: "塘下镇", LegalRep: "张三", ContactPhone: "13800000000", Cadre: "吴斌", Missing: []string{documents.KindLetter}},
		{USCC: uscc2, Name: "乙公司", TownName: "仙降街道", Missing: []string{documents.KindLetter, documents.KindPlan}},
	}
	want := [][]string{
		{"企业名称", "统一社会信用代码", "所属乡镇街道", "法定代表人", "联系电话", "驻企干部", "缺疫情防控承诺书", "缺疫情防控预案"},
		{"甲公司", uscc, "塘下镇", "张三", "13800000000", "吴斌", "是", "否"},
		{"乙公司", uscc2, "仙降街道", "", "", "未结对", "是", "是"},
	}
	for _, name := range []string{"m.xlsx", "m.csv"} {
		var buf bytes.Buffer
		if err := WriteMissingDocuments(&buf, name, items); err != nil {
			t.Fatal(err)
		}
		tab, err := Read(&buf, name)
		if err != nil {
			t.Fatal(err)
		}
		got := [][]string{tab.Header}
		for _, r := range tab.Rows {
			got = append(got, r.Cells)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
}
