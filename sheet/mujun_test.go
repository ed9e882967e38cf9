package sheet

import (
	"bytes"
	"strings"
	"testing"

	"fugong/mujun"
)

// A sheet from the tax and statistics offices: headers as they write them
// (aliases, full-width brackets, any order), an empty emission cell is no
// figure, every bad cell a problem of its row.
func TestReadAnnualData(t *testing.T) {
	csv := "用电量（千瓦时）,统一社会信用代码,用地面积（亩）,税收（万元）,增加值,营业收入（万元）,综合能耗,排放量（吨）,研发经费,职工人数,用水量,企业名称\n" +
		"400000,91330381MA2AAAA01Q,10.5,30,150,600,60,,18,80,2000,甲\n" +
		"1e5,91330381MA2BBBB02X,abc,30,150,600,60,0.5,18,,2000,乙\n"
	rows, err := ReadAnnualData(strings.NewReader(csv), "亩均.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	d := rows[0].Data
	if len(rows[0].Problems) > 0 || d.LandMu != 10.5 || d.ElectricityKWh != 400_000 || d.EmissionsT != nil || d.TaxWan != 30 || d.Staff != 80 {
		t.Errorf("first row %+v %v", d, rows[0].Problems)
	}
	ps := rows[1].Problems
	if len(ps) != 2 || ps[0].Row != 3 || ps[0].Field != "land_mu" || ps[0].Column != "用地面积（亩）" || ps[0].Message != "用地面积（亩）应为数字" ||
		ps[1].Field != "staff" || ps[1].Message != "年平均职工人数必填" || *rows[1].Data.EmissionsT != 0.5 {
		t.Errorf("second row's problems %+v", ps)
	}
	_, err = ReadAnnualData(strings.NewReader("统一社会信用代码,用地面积\nX,1\n"), "x.csv")
	if err == nil || !strings.Contains(err.Error(), "缺少必需的列：实缴税金（万元）") {
		t.Errorf("missing columns: %v", err)
	}
}

// The template's headers read back as every column.
func TestAnnualDataTemplateReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := AnnualDataTemplate(&buf, "t.csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadAnnualData(strings.NewReader(buf.String()+"91330381MA2AAAA01Q,1,2,3,4,5,,7,8,9,10,是,2010\n"), "t.csv")
	if err != nil || len(rows) != 1 || len(rows[0].Problems) > 0 || !rows[0].Data.Utility || rows[0].Data.StartYear != 2010 {
		t.Errorf("template round trip: %+v %v", rows, err)
	}
	var out bytes.Buffer
	rel := mujun.Relief{Items: []mujun.ReliefItem{{USCC: "91330381MA2AAAA01Q", Town: "330381101", Class: "C", Electricity: 100, Water: 5, Relief: 105}}}
	rel.Total, rel.Electricity, rel.Water = 105, 100, 5
	if err := WriteReliefScenarios(&out, "s.csv", []ReliefScenario{{Name: "方案一", Relief: rel}}, map[string]string{"91330381MA2AAAA01Q": "甲"}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "方案一 合计（元）") || !strings.Contains(s, "甲,塘下镇,C,1,0.05,1.05") || !strings.Contains(s, "合计,1 家企业") {
		t.Errorf("scenario export:\n%s", s)
	}
}
