package mujun

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"fugong"
)

func fp(v float64) *float64 { return &v }

// good is a valid firm-year to break one field at a time.
func good() AnnualData {
	return AnnualData{USCC: "91310110666007217T", Year: 2019, LandMu: 50, TaxWan: 1300.5, ValueAddedWan: 6613.5,
		RevenueWan: 30000, EnergyTce: 2000, EmissionsT: fp(1.2), RDWan: 1000, Staff: 300,
		ElectricityKWh: 5_000_000, WaterT: 20_000, StartYear: 2008}
}

func TestAnnualDataJSONNames(t *testing.T) {
	in := `{"uscc":"91310110666007217T","year":2019,"land_mu":50,"tax_wan":1,"value_added_wan":2,"revenue_wan":3,
		"energy_tce":4,"emissions_t":5,"rd_wan":6,"staff":7,"electricity_kwh":8,"water_t":9,"utility":true,"start_year":2001}`
	var d AnnualData
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	want := AnnualData{USCC: "91310110666007217T", Year: 2019, LandMu: 50, TaxWan: 1, ValueAddedWan: 2, RevenueWan: 3,
		EnergyTce: 4, EmissionsT: d.EmissionsT, RDWan: 6, Staff: 7, ElectricityKWh: 8, WaterT: 9, Utility: true, StartYear: 2001}
	if d != want || d.EmissionsT == nil || *d.EmissionsT != 5 {
		t.Errorf("decoded %+v", d)
	}
	var missing AnnualData
	json.Unmarshal([]byte(`{"emissions_t":null}`), &missing)
	if missing.EmissionsT != nil {
		t.Error("a null emission figure must stay missing")
	}
}

func TestAnnualDataNormalize(t *testing.T) {
	d := good()
	d.USCC = " 91310110666007217t"
	if ps := d.Normalize(); len(ps) > 0 || d.USCC != "91310110666007217T" {
		t.Fatalf("good data: %v %q", ps, d.USCC)
	}
	noEmission := good()
	noEmission.EmissionsT = nil
	if ps := noEmission.Normalize(); len(ps) > 0 {
		t.Errorf("a missing emission figure is allowed: %v", ps)
	}
	zeros := AnnualData{USCC: "91310110666007217T", Year: 2019, LandMu: 0.5, EmissionsT: fp(0)}
	if ps := zeros.Normalize(); len(ps) > 0 {
		t.Errorf("zero figures other than land are allowed: %v", ps)
	}

	for _, tc := range []struct {
		name  string
		spoil func(*AnnualData)
		field string
		msg   string
	}{
		{"zero land", func(d *AnnualData) { d.LandMu = 0 }, "land_mu", "用地面积（亩）应大于 0"},
		{"negative land", func(d *AnnualData) { d.LandMu = -3 }, "land_mu", "用地面积（亩）应大于 0"},
		{"negative tax", func(d *AnnualData) { d.TaxWan = -1 }, "tax_wan", "实缴税金（万元）不能为负数"},
		{"negative value added", func(d *AnnualData) { d.ValueAddedWan = -0.5 }, "value_added_wan", "工业增加值（万元）不能为负数"},
		{"negative revenue", func(d *AnnualData) { d.RevenueWan = -1 }, "revenue_wan", "主营业务收入（万元）不能为负数"},
		{"negative energy", func(d *AnnualData) { d.EnergyTce = -1 }, "energy_tce", "综合能耗（吨标准煤）不能为负数"},
		{"negative emissions", func(d *AnnualData) { d.EmissionsT = fp(-0.1) }, "emissions_t", "主要污染物排放量（吨）不能为负数"},
		{"negative R&D", func(d *AnnualData) { d.RDWan = -1 }, "rd_wan", "研发经费支出（万元）不能为负数"},
		{"negative staff", func(d *AnnualData) { d.Staff = -1 }, "staff", "年平均职工人数不能为负数"},
		{"half a person", func(d *AnnualData) { d.Staff = 10.5 }, "staff", "年平均职工人数应为整数"},
		{"negative electricity", func(d *AnnualData) { d.ElectricityKWh = -1 }, "electricity_kwh", "用电量（千瓦时）不能为负数"},
		{"fractional kWh", func(d *AnnualData) { d.ElectricityKWh = 1.5 }, "electricity_kwh", "用电量（千瓦时）应为整数"},
		{"negative water", func(d *AnnualData) { d.WaterT = -1 }, "water_t", "用水量（吨）不能为负数"},
		{"NaN", func(d *AnnualData) { d.TaxWan = math.NaN() }, "tax_wan", "实缴税金（万元）不是有效的数字"},
		{"infinite", func(d *AnnualData) { d.RevenueWan = math.Inf(1) }, "revenue_wan", "主营业务收入（万元）不是有效的数字"},
		{"beyond reason", func(d *AnnualData) { d.WaterT = 2e12 }, "water_t", "用水量（吨）超出合理范围"},
		{"bad USCC", func(d *AnnualData) { d.USCC = "91310110666007217A" }, "uscc", "统一社会信用代码校验位错误"},
		{"bad year", func(d *AnnualData) { d.Year = 1999 }, "year", "年度应在 2000–2100 之间"},
		{"start after the year", func(d *AnnualData) { d.StartYear = 2020 }, "start_year", "投产年份应在 1900 年至评价年度之间"},
	} {
		d := good()
		tc.spoil(&d)
		ps := d.Normalize()
		want := []fugong.Problem{{Field: tc.field, Message: tc.msg}}
		if !slices.Equal(ps, want) {
			t.Errorf("%s: %v, want %v", tc.name, ps, want)
		}
		// Evaluation checks the same rules (the USCC and year apart).
		if f, msg := d.figureProblem(); tc.field != "uscc" && tc.field != "year" && (f != tc.field || FieldLabels[f]+msg != tc.msg) {
			t.Errorf("%s: figureProblem = %s %q", tc.name, f, msg)
		}
	}

	// Every problem at once, in form order.
	bad := AnnualData{USCC: "", Year: 2019, LandMu: -1, TaxWan: -1, Staff: -2}
	var fields []string
	for _, p := range bad.Normalize() {
		fields = append(fields, p.Field)
	}
	if want := []string{"uscc", "land_mu", "tax_wan", "staff"}; !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
}
