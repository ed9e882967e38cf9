package sheet

import (
	"bytes"
	"strings"
	"testing"

	"fugong/people"
)

func TestReadPeople(t *testing.T) {
	// A clerk's own sheet: other columns, headers of their own, a date as
	// a date cell (column 5, 返瑞日期), 是/否 and 在岗/不在岗.
	b := dateXLSX(t, 5, []any{14, "yyyy年m月d日"},
		[]any{"序号", "员工姓名", "身份证号", "手机", "籍贯", "返瑞日期", "湖北籍", "健康码颜色", "家人代办", "是否在岗", "部门"},
		[]any{1, "张三", "11010519491231002x", "13812345678", "湖北省武汉市", nil, "是", "绿码", "否", "在岗", "注塑车间"},
		[]any{2, "李四", 3.30381199001011e+17, "", "瑞安市", nil, "也许", "黄", "是", "不在岗", "仓库"},
	)
	rows, err := ReadPeople(bytes.NewReader(b), "花名册.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	z := rows[0].Person
	if z.Name != "张三" || z.IDNumber != "11010519491231002x" || z.Phone != "13812345678" || z.ReturnedOn != "2020-02-10" ||
		!z.Hubei || z.HealthCode != "绿码" || z.CodeHeldByFamily || !z.OnPost || len(rows[0].Problems) != 0 {
		t.Errorf("row 2: %+v %v", z, rows[0].Problems)
	}
	l := rows[1]
	if l.Person.ReturnedOn != "2020-02-11" || !l.Person.CodeHeldByFamily || l.Person.OnPost || l.Row != 3 {
		t.Errorf("row 3: %+v", l.Person)
	}
	var fields []string
	for _, p := range l.Problems {
		fields = append(fields, p.Field+"@"+p.Column)
	}
	if strings.Join(fields, ",") != "id_number@身份证号,hubei@湖北籍" {
		t.Errorf("row 3's problems %v", l.Problems)
	}
	if !strings.Contains(l.Problems[0].Message, "存成了数字") {
		t.Errorf("the lost digits say %q", l.Problems[0].Message)
	}
	// Normalize judges what the reader let through: 黄 is yellow, without its day.
	p := l.Person
	p.IDNumber, p.Enterprise = "11010519491231002X", "91310110666007217T"
	if ps := p.Normalize("2020-02-20", people.Defaults); len(ps) != 1 || ps[0].Field != "code_since" {
		t.Errorf("row 3 normalised: %v", ps)
	}
}

func TestReadPeopleErrors(t *testing.T) {
	for _, tc := range []struct{ csv, want string }{
		{"姓名,电话\n张三,138\n", "缺少必需的列：身份证号码、健康码"},
		{"姓名,身份证号码,身份证,健康码\n", "都表示身份证号码"},
	} {
		if _, err := ReadPeople(strings.NewReader(tc.csv), "x.csv"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %s", tc.csv, err, tc.want)
		}
	}
	rows, err := ReadPeople(strings.NewReader("姓名,身份证号码,健康码,隔离天数,隔离开始日期\n王五,330381199001011230,绿码,十四,2020/2/30\n"), "x.csv")
	if err != nil || len(rows) != 1 || len(rows[0].Problems) != 2 {
		t.Fatalf("%+v %v", rows, err)
	}
}

func TestPeopleTemplateReadsBack(t *testing.T) {
	for _, name := range []string{"t.xlsx", "t.csv"} {
		var buf bytes.Buffer
		if err := WritePeopleTemplate(&buf, name); err != nil {
			t.Fatal(err)
		}
		rows, err := ReadPeople(&buf, name)
		if err != nil || len(rows) != 0 {
			t.Errorf("%s: the empty template reads as %v %v", name, rows, err)
		}
	}
}
