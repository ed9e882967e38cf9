package mujun

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fugong"
	"fugong/finance"
)

func TestPriceSettings(t *testing.T) {
	p := DefaultPrices()
	if ps := p.Normalize(); len(ps) > 0 {
		t.Fatalf("defaults: %v", ps)
	}
	for _, tc := range []struct {
		c    Class
		r    Resource
		want uint64 // 0.0001 yuan per unit
	}{
		{ClassC, Electricity, 1000}, {ClassD, Electricity, 1500},
		{ClassC, Water, 6000}, {ClassD, Water, 12000}, // 4.00 × 15 %, × 30 %
		{ClassA, Electricity, 0}, {ClassB, Water, 0},
	} {
		if got := p.surcharge(tc.c, tc.r); got != tc.want {
			t.Errorf("surcharge(%s, %s) = %d, want %d", tc.c, tc.r, got, tc.want)
		}
	}
	odd := PriceSettings{WaterPercent: map[Class]float64{ClassC: 12.5}, WaterBaseYuanPerT: 3.85}
	if got := odd.surcharge(ClassC, Water); got != 4813 { // 0.48125 → 0.4813
		t.Errorf("3.85 × 12.5 %% = %d", got)
	}

	for _, tc := range []struct {
		name  string
		spoil func(*PriceSettings)
		want  []fugong.Problem
	}{
		{"unknown class", func(p *PriceSettings) { p.ElectricityYuanPerKWh["E"] = 0.2 },
			[]fugong.Problem{{Field: "electricity_yuan_per_kwh.E", Message: "未知的等级“E”，应为 A、B、C、D"}}},
		{"negative surcharge", func(p *PriceSettings) { p.ElectricityYuanPerKWh[ClassD] = -0.15 },
			[]fugong.Problem{{Field: "electricity_yuan_per_kwh.D", Message: "D 类电价加价（元/千瓦时）不能为负数"}}},
		{"five decimals", func(p *PriceSettings) { p.ElectricityYuanPerKWh[ClassC] = 0.10005 },
			[]fugong.Problem{{Field: "electricity_yuan_per_kwh.C", Message: "C 类电价加价（元/千瓦时）最多保留4位小数"}}},
		{"water percent", func(p *PriceSettings) { p.WaterPercent[ClassC] = 15.555 },
			[]fugong.Problem{{Field: "water_percent.C", Message: "C 类水价加价比例（%）最多保留2位小数"}}},
		{"no base price", func(p *PriceSettings) { p.WaterBaseYuanPerT = 0 },
			[]fugong.Problem{{Field: "water_base_yuan_per_t", Message: "基础水价（元/吨）应大于 0"}}},
		{"a surcharge on B is allowed", func(p *PriceSettings) { p.ElectricityYuanPerKWh[ClassB] = 0.05 }, nil},
	} {
		p := DefaultPrices()
		tc.spoil(&p)
		if ps := p.Normalize(); !slices.Equal(ps, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ps, tc.want)
		}
	}
}

func TestReliefPlanNormalize(t *testing.T) {
	pl := ReliefPlan{Classes: []Class{ClassC, ClassC, ClassD}, Resources: []Resource{Water, Water}, From: "2020-02-01", To: "2020-06-30"}
	if ps := pl.Normalize(); len(ps) > 0 || !slices.Equal(pl.Classes, []Class{ClassC, ClassD}) || len(pl.Resources) != 1 {
		t.Errorf("good plan: %+v %v", pl, ps)
	}
	if d, y := pl.days(); d != 151 || y != 366 {
		t.Errorf("days %d of %d, want 151 of 366", d, y)
	}
	one := ReliefPlan{Classes: []Class{ClassC}, Resources: []Resource{Water}, From: "2019-03-01", To: "2019-03-01"}
	if ps := one.Normalize(); len(ps) > 0 {
		t.Fatal(ps)
	}
	if d, y := one.days(); d != 1 || y != 365 {
		t.Errorf("one day of 2019: %d of %d", d, y)
	}
	for _, tc := range []struct {
		name string
		plan ReliefPlan
		want []fugong.Problem
	}{
		{"ends before it starts", ReliefPlan{Classes: []Class{ClassC}, Resources: []Resource{Electricity}, From: "2020-06-30", To: "2020-02-01"},
			[]fugong.Problem{{Field: "to", Message: "结束日期不能早于开始日期"}}},
		{"across years", ReliefPlan{Classes: []Class{ClassC}, Resources: []Resource{Electricity}, From: "2020-12-01", To: "2021-01-31"},
			[]fugong.Problem{{Field: "to", Message: "起止日期应在同一年内（用量和等级按年度计）"}}},
		{"unknown class and resource", ReliefPlan{Classes: []Class{"C-"}, Resources: []Resource{"gas"}, From: "2020-02-01", To: "2020-06-30"},
			[]fugong.Problem{
				{Field: "classes", Message: "未知的等级“C-”，应为 A、B、C、D"},
				{Field: "resources", Message: "未知的资源，应为电或水"},
			}},
		{"nothing chosen, bad dates", ReliefPlan{From: "2020-02-30", To: "0630"},
			[]fugong.Problem{
				{Field: "classes", Message: "请选择暂停加价的等级"},
				{Field: "resources", Message: "请选择暂停加价的资源"},
				{Field: "from", Message: "开始日期应为 YYYY-MM-DD 格式的有效日期"},
				{Field: "to", Message: "结束日期应为 YYYY-MM-DD 格式的有效日期"},
			}},
	} {
		if ps := tc.plan.Normalize(); !slices.Equal(ps, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ps, tc.want)
		}
		_, err := SimulateRelief(DefaultPrices(), tc.plan, nil)
		if e := fugong.AsError(err); e == nil || !slices.Equal(e.Problems, tc.want) {
			t.Errorf("%s: SimulateRelief: %v", tc.name, err)
		}
	}
}

func TestSimulateRelief(t *testing.T) {
	firms := []Use{
		{USCC: "C1", Town: "330381101", Class: ClassC, ElectricityKWh: 1_000_000, WaterT: 10_000},
		{USCC: "D1", Town: "330381101", Class: ClassD, ElectricityKWh: 61, WaterT: 100},
		{USCC: "C2", Town: "330381001", Class: ClassC, ElectricityKWh: 366},
		{USCC: "C3", Town: "330381001", Class: ClassC}, // uses nothing: no relief
		{USCC: "B1", Town: "330381001", Class: ClassB, ElectricityKWh: 1_000_000},
		{USCC: "N1", Town: "330381001", ElectricityKWh: 1_000_000}, // never graded
	}
	r, err := SimulateRelief(DefaultPrices(), SeedPlan(), firms)
	if err != nil {
		t.Fatal(err)
	}
	// 151 of 366 days. C1: 1,000,000 kWh × 0.10 × 151/366 = 41,256.8306… → 41,256.83;
	// 10,000 t × 0.60 × 151/366 = 2,475.4098… → 2,475.41. C2: 366 kWh → 15.10.
	want := []ReliefItem{
		{USCC: "C1", Town: "330381101", Class: ClassC, Electricity: 4_125_683, Water: 247_541, Relief: 4_373_224},
		{USCC: "C2", Town: "330381001", Class: ClassC, Electricity: 1510, Relief: 1510},
	}
	if !slices.Equal(r.Items, want) {
		t.Errorf("items\n got %+v\nwant %+v", r.Items, want)
	}
	if r.Days != 151 || r.YearDays != 366 || r.ReliefTotals != (ReliefTotals{Total: 4_374_734, Electricity: 4_127_193, Water: 247_541, Firms: 2}) {
		t.Errorf("totals %+v", r.ReliefTotals)
	}
	wantTowns := []TownRelief{
		{"330381001", ReliefTotals{Total: 1510, Electricity: 1510, Firms: 1}},
		{"330381101", ReliefTotals{Total: 4_373_224, Electricity: 4_125_683, Water: 247_541, Firms: 1}},
	}
	if !slices.Equal(r.Towns, wantTowns) {
		t.Errorf("towns %+v", r.Towns)
	}
	b, _ := json.Marshal(r)
	for _, s := range []string{`"total_yuan":43747.34,"electricity_yuan":41271.93,"water_yuan":2475.41,"firms":2`,
		`"items":[{"uscc":"C1","town":"330381101","class":"C","electricity_yuan":41256.83,"water_yuan":2475.41,"relief_yuan":43732.24}`,
		`"towns":[{"town":"330381001","total_yuan":15.10,`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}

	// C and D, electricity only. D1: 61 kWh × 0.15 × 151/366 = 3.775 yuan
	// exactly: half a fen rounds up to 3.78.
	plan := ReliefPlan{Classes: []Class{ClassC, ClassD}, Resources: []Resource{Electricity}, From: "2020-02-01", To: "2020-06-30"}
	r, _ = SimulateRelief(DefaultPrices(), plan, firms)
	if len(r.Items) != 3 || r.Items[1] != (ReliefItem{USCC: "D1", Town: "330381101", Class: ClassD, Electricity: 378, Relief: 378}) || r.Water != 0 {
		t.Errorf("C and D electricity: %+v", r.Items)
	}

	// A whole year of 2019 at class C: the full surcharge.
	year := ReliefPlan{Classes: []Class{ClassC}, Resources: []Resource{Electricity, Water}, From: "2019-01-01", To: "2019-12-31"}
	r, _ = SimulateRelief(DefaultPrices(), year, firms[:1])
	if r.Electricity != finance.Yuan(100_000) || r.Water != finance.Yuan(6_000) {
		t.Errorf("a full year: %v %v", r.Electricity, r.Water)
	}

	for _, tc := range []struct {
		use   Use
		field string
	}{
		{Use{USCC: "X", Class: "E"}, "class"},
		{Use{USCC: "X", Class: ClassC, ElectricityKWh: -1}, "electricity_kwh"},
		{Use{USCC: "X", Class: ClassC, WaterT: 0.5}, "water_t"},
	} {
		_, err := SimulateRelief(DefaultPrices(), SeedPlan(), []Use{tc.use})
		if e := fugong.AsError(err); e == nil || e.Field != tc.field {
			t.Errorf("%+v: %v, want an error on %s", tc.use, err, tc.field)
		}
	}
	p := DefaultPrices()
	p.WaterBaseYuanPerT = -1
	if _, err := SimulateRelief(p, SeedPlan(), nil); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("bad prices: %v", err)
	}
}

// TestSeedRelief documents the demo city's figures: the class-C firms'
// annual use that gives the seed's scenario (class C, electricity and
// water, 2020-02-01 to 2020-06-30) about 15 million yuan of electricity
// relief and 0.5 million of water under the default prices.
func TestSeedRelief(t *testing.T) {
	p, plan := DefaultPrices(), SeedPlan()
	kwh, err := AnnualUseFor(p, plan, ClassC, Electricity, finance.Yuan(SeedElectricityYuan))
	if err != nil || kwh != DemoClassCElectricityKWh {
		t.Errorf("electricity: %d kWh %v, want %d", kwh, err, DemoClassCElectricityKWh)
	}
	water, err := AnnualUseFor(p, plan, ClassC, Water, finance.Yuan(SeedWaterYuan))
	if err != nil || water != DemoClassCWaterT {
		t.Errorf("water: %d t %v, want %d", water, err, DemoClassCWaterT)
	}

	// Spread over the demo's class-C firms by size, as the generator will.
	const firms = 1709 // 25 % of 6,834
	rng := rand.New(rand.NewPCG(1, 2))
	weights := make([]float64, firms)
	for i := range weights {
		s := rng.Float64()
		weights[i] = 0.2 + s*s // small firms many, a few large
	}
	kwhs, waters := Apportion(DemoClassCElectricityKWh, weights), Apportion(DemoClassCWaterT, weights)
	uses := make([]Use, firms)
	for i := range uses {
		uses[i] = Use{USCC: "C", Town: "330381101", Class: ClassC, ElectricityKWh: float64(kwhs[i]), WaterT: float64(waters[i])}
	}
	r, err := SimulateRelief(p, plan, uses)
	if err != nil {
		t.Fatal(err)
	}
	// Each firm's relief is rounded to the fen: 1,709 roundings move the
	// total by at most ±8.55 yuan.
	near := func(got finance.Fen, yuan int64) bool { d := got - finance.Yuan(yuan); return d >= -1000 && d <= 1000 }
	if !near(r.Electricity, SeedElectricityYuan) || !near(r.Water, SeedWaterYuan) || r.Firms != firms {
		t.Errorf("seed relief: electricity %v, water %v, firms %d", r.Electricity, r.Water, r.Firms)
	}
	t.Logf("seed relief over %d firms: electricity %v yuan, water %v yuan, total %v", firms, r.Electricity, r.Water, r.Total)

	if _, err := AnnualUseFor(p, plan, ClassD, Electricity, 100); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("a class outside the plan: %v", err)
	}
	noWater := DefaultPrices()
	delete(noWater.WaterPercent, ClassC)
	if _, err := AnnualUseFor(noWater, plan, ClassC, Water, 100); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("no surcharge: %v", err)
	}
}

func TestApportion(t *testing.T) {
	for _, tc := range []struct {
		total   int64
		weights []float64
		want    []int64
	}{
		{10, []float64{1, 1, 1}, []int64{4, 3, 3}}, // the tie goes to the first
		{100, []float64{1, 2, 7}, []int64{10, 20, 70}},
		{7, []float64{0, 1, 0}, []int64{0, 7, 0}},
		{5, []float64{0, 0}, []int64{0, 0}},
		{0, []float64{1}, []int64{0}},
		{DemoClassCElectricityKWh, []float64{1, 2, 3}, []int64{60596027, 121192053, 181788079}},
	} {
		got := Apportion(tc.total, tc.weights)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Apportion(%d, %v) = %v, want %v", tc.total, tc.weights, got, tc.want)
		}
	}
}
