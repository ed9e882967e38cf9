package mujun

import (
	"cmp"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fugong"
)

// usccs are valid codes for test firms.
var usccs = []string{"91310110666007217T", "91310115591693856A", "913702816143139252", "91370200797522673R",
	"9137028167179100XT", "914403003429409755", "91440300L83341734R", "91330381000000001X", "91330381000000002A", "91330381000000003B"}

func TestEvaluateHuangyan(t *testing.T) {
	firms := []Firm{
		{Town: "330381001", LastClass: ClassB, Data: AnnualData{USCC: "F1", Year: 2019, LandMu: 50, TaxWan: 1300.5,
			ValueAddedWan: 6613.5, RevenueWan: 30000, EnergyTce: 2000, RDWan: 1000, Staff: 300}},
		{Town: "330381001", Data: AnnualData{USCC: "F2", Year: 2019, LandMu: 20, TaxWan: 300,
			ValueAddedWan: 1500, RevenueWan: 8000, EnergyTce: 1000, EmissionsT: fp(0.5), RDWan: 120, Staff: 150}},
		{Town: "330381101", Data: AnnualData{USCC: "F3", Year: 2019, LandMu: 40, TaxWan: 520.2,
			ValueAddedWan: 4861.08, EmissionsT: fp(1)}},
		{Town: "330381101", Data: AnnualData{USCC: "U4", Year: 2019, LandMu: 10, TaxWan: 10,
			ValueAddedWan: 1000, EmissionsT: fp(0.1), Utility: true}},
	}
	ev, err := Evaluate(2019, Above, DefaultSettings(), firms)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ev.Keys, []Indicator{TaxPerMu, ValueAddedPerMu, ValueAddedPerTce, ValueAddedPerEmission, LabourProductivity, RDIntensity}) {
		t.Fatalf("keys %v", ev.Keys)
	}
	// Points in hundredths, worked by hand: value / benchmark × weight.
	//   F1 tax 1300.5/50 = 26.01 → 30.00; VA 6613.5/50 = 132.27 → 20.00;
	//      6613.5/2000 = 3.30675 / 2.54 × 20 = 26.037 → 26.04;
	//      no emission figure → the average of F2 and F3 (the utility
	//      does not count): (6.17 + 10.00) / 2 = 8.085 → 8.09;
	//      6613.5/300 = 22.045 / 17.45 × 10 = 12.633 → 12.63;
	//      1000/30000 = 0.0333 / 0.0305 × 10 = 10.929 → 10.93.
	//   F2 15/26.01×30 = 17.30; 75/132.27×20 = 11.34; 1.5/2.54×20 = 11.81;
	//      3000/4861.08×10 = 6.17; 10/17.45×10 = 5.73; 0.015/0.0305×10 = 4.92.
	//   F3 13.005/26.01×30 = 15.00; 121.527/132.27×20 = 18.38; no energy,
	//      staff or revenue: no figure, no points; 4861.08/1 → 10.00.
	//   U4 scored for information: 1/26.01×30 = 1.15, 100/132.27×20 = 15.12,
	//      10000/4861.08×10 = 20.57.
	want := []struct {
		points   []Points
		score    Points
		city     int32
		town     int32
		class    Class
		exempt   Exemption
		averaged int // the averaged indicator, -1 for none
	}{
		{[]Points{3000, 2000, 2604, 809, 1263, 1093}, 10769, 1, 1, ClassA, NotExempt, 3},
		{[]Points{1730, 1134, 1181, 617, 573, 492}, 5727, 2, 2, ClassB, NotExempt, -1},
		{[]Points{1500, 1838, 0, 1000, 0, 0}, 4338, 3, 1, ClassC, NotExempt, -1},
		{[]Points{115, 1512, 0, 2057, 0, 0}, 3684, 0, 0, ClassB, ExemptUtility, -1},
	}
	if ev.EmissionAverage != 809 || ev.Graded != 3 {
		t.Errorf("emission average %v graded %d", ev.EmissionAverage, ev.Graded)
	}
	for i, w := range want {
		r := ev.Results[i]
		var pts []Points
		for j, m := range r.Marks {
			pts = append(pts, m.Points)
			if m.Averaged != (j == w.averaged) {
				t.Errorf("%s %s averaged = %v", r.USCC, ev.Keys[j], m.Averaged)
			}
		}
		if !slices.Equal(pts, w.points) || r.Score != w.score || r.CityRank != w.city || r.TownRank != w.town ||
			r.Class != w.class || r.Exempt != w.exempt {
			t.Errorf("%s: points %v score %v rank %d/%d class %s exempt %q, want %+v",
				r.USCC, pts, r.Score, r.CityRank, r.TownRank, r.Class, r.Exempt, w)
		}
	}
	f3 := ev.Results[2].Marks
	if !f3[2].NoFigure || !f3[4].NoFigure || !f3[5].NoFigure || f3[0].NoFigure {
		t.Errorf("F3's figures: %+v", f3)
	}
	if ev.Results[0].LastClass != ClassB {
		t.Error("last year's class is carried")
	}

	// The same firms without the average: no points for the missing figure.
	s := DefaultSettings()
	s.MissingEmission = MissingZero
	ev, _ = Evaluate(2019, Above, s, firms)
	if m := ev.Results[0].Marks[3]; m.Points != 0 || m.Averaged || !m.NoFigure || ev.Results[0].Score != 10769-809 {
		t.Errorf("zero rule: %+v score %v", m, ev.Results[0].Score)
	}

	// Caps: 30 on tax per mu leaves F1's 30.00; 25 on value added per tce
	// takes its 26.04 down to 25.00.
	s = DefaultSettings()
	s.Caps = map[Indicator]float64{TaxPerMu: 30, ValueAddedPerTce: 25}
	ev, _ = Evaluate(2019, Above, s, firms)
	if m := ev.Results[0].Marks; m[0].Points != 3000 || m[2].Points != 2500 || ev.Results[0].Score != 10769-104 {
		t.Errorf("caps: %+v score %v", m, ev.Results[0].Score)
	}

	// Nobody with an emission figure: the average is 0.
	var none []Firm
	for _, f := range firms {
		f.Data.EmissionsT = nil
		none = append(none, f)
	}
	ev, _ = Evaluate(2019, Above, DefaultSettings(), none)
	if ev.EmissionAverage != 0 || ev.Results[1].Marks[3].Points != 0 || !ev.Results[1].Marks[3].Averaged {
		t.Errorf("no emission figures: %v %+v", ev.EmissionAverage, ev.Results[1].Marks[3])
	}
}

func TestZeroEmissions(t *testing.T) {
	// Zero emissions leave nothing to divide by: the firm gets the average,
	// as a firm without the figure does.
	firms := []Firm{
		{Town: "T", Data: AnnualData{USCC: "1", Year: 2019, LandMu: 1, ValueAddedWan: 4861.08, EmissionsT: fp(1)}},
		{Town: "T", Data: AnnualData{USCC: "2", Year: 2019, LandMu: 1, ValueAddedWan: 4861.08, EmissionsT: fp(2)}},
		{Town: "T", Data: AnnualData{USCC: "3", Year: 2019, LandMu: 1, ValueAddedWan: 4861.08, EmissionsT: fp(0)}},
	}
	ev, err := Evaluate(2019, Above, DefaultSettings(), firms)
	if err != nil {
		t.Fatal(err)
	}
	if m := ev.Results[2].Marks[3]; !m.NoFigure || !m.Averaged || m.Points != 750 { // (10.00 + 5.00) / 2
		t.Errorf("zero emissions: %+v", m)
	}
}

func TestEvaluateBelowScale(t *testing.T) {
	// 8 mu, 132.8 万元 tax: 16.60/mu → 50.00; 2,000,000 kWh: 1,328,000 元 /
	// 2,000,000 = 0.664 元/kWh / 0.2366 × 50 = 140.32.
	firms := []Firm{{Town: "330381001", Data: AnnualData{USCC: "B1", Year: 2019, LandMu: 8, TaxWan: 132.8, ElectricityKWh: 2_000_000}},
		{Town: "330381001", Data: AnnualData{USCC: "B2", Year: 2019, LandMu: 1, TaxWan: 1}}}
	ev, err := Evaluate(2019, Below, DefaultBelowSettings(), firms)
	if err != nil {
		t.Fatal(err)
	}
	if m := ev.Results[0].Marks; m[0].Points != 5000 || m[1].Points != 14032 || ev.Results[0].Score != 19032 {
		t.Errorf("B1: %+v", m)
	}
	if m := ev.Results[1].Marks; !m[1].NoFigure || m[1].Points != 0 || m[0].Points != 301 {
		t.Errorf("B2 without electricity: %+v", m)
	}
}

// scored builds a firm whose score is exactly points, under scoreSettings.
func scored(uscc, town string, points float64) Firm {
	return Firm{Town: town, Data: AnnualData{USCC: uscc, Year: 2019, LandMu: 1, TaxWan: points / 100}}
}

// scoreSettings make a firm's score its tax per mu × 100.
func scoreSettings(rule ClassRule) Settings {
	return Settings{Weights: map[Indicator]float64{TaxPerMu: 100}, Benchmarks: map[Indicator]float64{TaxPerMu: 1},
		StartupYears: 3, ClassRule: rule}
}

func TestEvaluateRanksAndClasses(t *testing.T) {
	firms := []Firm{
		scored("0", "T1", 90),
		scored("1", "T2", 80),
		scored("2", "T1", 80),
		scored("3", "T1", 999),
		scored("4", "T2", 70),
		scored("5", "T2", 60),
		scored("6", "T1", 60),
		scored("7", "T1", 10),
		scored("8", "T2", 50),
		scored("9", "T1", 0),
	}
	firms[3].Data.Utility = true
	firms[7].Data.StartYear = 2017 // two years in production: a start-up
	firms[9].Data.StartYear = 2016 // three: graded
	type want struct {
		city, town int32
		class      Class
	}
	for _, tc := range []struct {
		name string
		rule ClassRule
		want []want
	}{
		// 8 graded: A is the top 2, B to rank 4, C to rank 6. Ties share a
		// rank (1, 2, 2, 4, 5, 5, 7, 8) and its class: firm 2 is A too.
		{"share", ClassRule{Kind: ByShare, A: 25, B: 50, C: 75}, []want{
			{1, 1, ClassA}, {2, 1, ClassA}, {2, 2, ClassA}, {0, 0, ClassB}, {4, 2, ClassB},
			{5, 3, ClassC}, {5, 3, ClassC}, {0, 0, ClassB}, {7, 4, ClassD}, {8, 4, ClassD}}},
		{"threshold", ClassRule{Kind: ByThreshold, MinA: 85, MinB: 70, MinC: 55}, []want{
			{1, 1, ClassA}, {2, 1, ClassB}, {2, 2, ClassB}, {0, 0, ClassB}, {4, 2, ClassB},
			{5, 3, ClassC}, {5, 3, ClassC}, {0, 0, ClassB}, {7, 4, ClassD}, {8, 4, ClassD}}},
	} {
		ev, err := Evaluate(2019, Above, scoreSettings(tc.rule), firms)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Graded != 8 {
			t.Errorf("%s: graded %d", tc.name, ev.Graded)
		}
		for i, w := range tc.want {
			r := ev.Results[i]
			if r.CityRank != w.city || r.TownRank != w.town || r.Class != w.class {
				t.Errorf("%s: firm %s (%v) rank %d/%d class %s, want %+v", tc.name, r.USCC, r.Score, r.CityRank, r.TownRank, r.Class, w)
			}
		}
		if ev.Results[3].Exempt != ExemptUtility || ev.Results[7].Exempt != ExemptStartup || ev.Results[9].Exempt != NotExempt {
			t.Errorf("%s: exemptions", tc.name)
		}
	}
	// No start-up rule: firm 7 is graded.
	s := scoreSettings(DefaultClassRule)
	s.StartupYears = 0
	ev, _ := Evaluate(2019, Above, s, firms)
	if ev.Graded != 9 || ev.Results[7].CityRank != 8 {
		t.Errorf("no start-up rule: graded %d, firm 7 rank %d", ev.Graded, ev.Results[7].CityRank)
	}
}

func TestClassCounts(t *testing.T) {
	c := scoreSettings(DefaultClassRule)
	cc := c.compile()
	for _, tc := range []struct {
		n    int
		want [3]int32
	}{
		{0, [3]int32{0, 0, 0}},
		{2, [3]int32{1, 1, 2}},   // 0.5 → 1, 1.4 → 1, 1.9 → 2
		{3, [3]int32{1, 2, 3}},   // 0.75, 2.1, 2.85
		{7, [3]int32{2, 5, 7}},   // 1.75, 4.9, 6.65
		{10, [3]int32{3, 7, 10}}, // 2.5 → 3, 7, 9.5 → 10
		{6833, [3]int32{1708, 4783, 6491}},
	} {
		if got := cc.classCounts(tc.n); got != tc.want {
			t.Errorf("classCounts(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestEvaluateBadInput(t *testing.T) {
	ok := []Firm{scored("A1", "T1", 50)}
	for _, tc := range []struct {
		name  string
		group Group
		s     func(*Settings)
		firm  func(*Firm)
		field string
		msg   string
	}{
		{"bad settings", Above, func(s *Settings) { s.Weights[TaxPerMu] = 90 }, nil, "weights", "各项权重之和应为 100，现为 90"},
		{"bad group", "all", nil, nil, "group", "企业分组应为规上或规下"},
		{"zero land", Above, nil, func(f *Firm) { f.Data.LandMu = 0 }, "land_mu", "企业 A1：用地面积（亩）应大于 0"},
		{"negative tax", Above, nil, func(f *Firm) { f.Data.TaxWan = -1 }, "tax_wan", "企业 A1：实缴税金（万元）不能为负数"},
		{"another year", Above, nil, func(f *Firm) { f.Data.Year = 2018 }, "year", "企业 A1 的数据年度为 2018，不是评价年度 2019"},
		{"no town", Above, nil, func(f *Firm) { f.Town = "" }, "town", "企业 A1 没有所属乡镇街道"},
		{"bad last class", Above, nil, func(f *Firm) { f.LastClass = "C-" }, "last_class", "企业 A1 的上年等级“C-”应为 A、B、C、D 或空"},
	} {
		s := scoreSettings(DefaultClassRule)
		if tc.s != nil {
			tc.s(&s)
		}
		firms := slices.Clone(ok)
		if tc.firm != nil {
			tc.firm(&firms[0])
		}
		_, err := Evaluate(2019, tc.group, s, firms)
		e := fugong.AsError(err)
		if e == nil || e.Code != fugong.EInvalid || e.Field != tc.field || e.Message != tc.msg {
			t.Errorf("%s: %v, want %s %q", tc.name, err, tc.field, tc.msg)
		}
	}
	if ev, err := Evaluate(2019, Above, DefaultSettings(), nil); err != nil || ev.Graded != 0 || len(ev.Results) != 0 {
		t.Errorf("no firms: %v %v", ev, err)
	}
}

func TestEvaluationJSON(t *testing.T) {
	s := Settings{Weights: map[Indicator]float64{TaxPerMu: 60, LabourProductivity: 40},
		Benchmarks: map[Indicator]float64{TaxPerMu: 20, LabourProductivity: 10},
		Caps:       map[Indicator]float64{TaxPerMu: 90}, ClassRule: DefaultClassRule}
	firms := []Firm{
		{Town: "330381001", LastClass: ClassC, Data: AnnualData{USCC: usccs[0], Year: 2019, LandMu: 10, TaxWan: 300, ValueAddedWan: 1000, Staff: 50}},
		{Town: "330381001", Data: AnnualData{USCC: usccs[1], Year: 2019, LandMu: 10, TaxWan: 100, Utility: true}},
	}
	ev, err := Evaluate(2019, Above, s, firms)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ev.Detail(0))
	want := `{"uscc":"91310110666007217T","town":"330381001","indicators":[` +
		`{"key":"tax_per_mu","name":"亩均税收","unit":"万元/亩","value":30,"benchmark":20,"weight":60,"cap":90,"points":90.00},` +
		`{"key":"labour_productivity","name":"全员劳动生产率","unit":"万元/人","value":20,"benchmark":10,"weight":40,"points":80.00}],` +
		`"score":170.00,"city_rank":1,"town_rank":1,"class":"B","last_class":"C"}` // one graded firm: 25 % of 1 rounds to no A
	if string(b) != want {
		t.Errorf("firm JSON\n got %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(ev.Detail(1))
	if !strings.Contains(string(b), `"value":null,"benchmark":10,"weight":40,"points":0.00}],"score":30.00,"city_rank":null,"town_rank":null,"class":"B","last_class":null,"exempt":"utility"}`) {
		t.Errorf("exempt firm JSON %s", b)
	}
	b, err = json.Marshal(ev)
	if err != nil || !strings.HasPrefix(string(b), `{"year":2019,"group":"above","settings":{"weights":`) || !strings.Contains(string(b), `"graded":1,"emission_average":0.00,"firms":[{"uscc"`) {
		t.Errorf("evaluation JSON %s %v", b, err)
	}
}

func TestPointsString(t *testing.T) {
	for _, tc := range []struct {
		p    Points
		want string
	}{{0, "0.00"}, {5, "0.05"}, {8543, "85.43"}, {10000, "100.00"}, {-5, "-0.05"}} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("Points(%d) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	before := []Result{
		{USCC: "1", Town: "T1", Class: ClassC},
		{USCC: "2", Town: "T1", Class: ClassB},
		{USCC: "3", Town: "T2", Class: ClassA},
		{USCC: "4", Town: "T2", Class: ClassD},
		{USCC: "5", Town: "T1", Class: ClassB},
	}
	after := []Result{
		{USCC: "3", Town: "T2", Class: ClassB},
		{USCC: "1", Town: "T1", Class: ClassA},
		{USCC: "2", Town: "T1", Class: ClassB},
		{USCC: "4", Town: "T2", Class: ClassC},
		{USCC: "6", Town: "T1", Class: ClassD},
	}
	got := Compare(before, after)
	want := []Move{
		{USCC: "1", Town: "T1", From: ClassC, To: ClassA, Direction: Up},
		{USCC: "4", Town: "T2", From: ClassD, To: ClassC, Direction: Up},
		{USCC: "3", Town: "T2", From: ClassA, To: ClassB, Direction: Down},
		{USCC: "6", Town: "T1", To: ClassD, Direction: New},
		{USCC: "5", Town: "T1", From: ClassB, Direction: Gone},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Compare:\n got %v\nwant %v", got, want)
	}
	if n := MoveCounts(got); n[Up] != 2 || n[Down] != 1 || n[New] != 1 || n[Gone] != 1 {
		t.Errorf("counts %v", n)
	}
	if len(Compare(before, before)) != 0 {
		t.Error("a run compared with itself moves nobody")
	}
}

func TestCompareRuns(t *testing.T) {
	// Two evaluations of the same firms under different rules.
	firms := []Firm{scored("1", "T1", 90), scored("2", "T1", 70), scored("3", "T2", 50), scored("4", "T2", 30)}
	a, _ := Evaluate(2019, Above, scoreSettings(ClassRule{Kind: ByShare, A: 25, B: 50, C: 75}), firms)
	b, _ := Evaluate(2019, Above, scoreSettings(ClassRule{Kind: ByThreshold, MinA: 60, MinB: 40, MinC: 20}), firms)
	got := Compare(a.Results, b.Results)
	want := []Move{
		{USCC: "2", Town: "T1", From: ClassB, To: ClassA, Direction: Up},
		{USCC: "3", Town: "T2", From: ClassC, To: ClassB, Direction: Up},
		{USCC: "4", Town: "T2", From: ClassD, To: ClassC, Direction: Up},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSortByScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 3, 100, 10_000} {
		for _, spread := range []int64{1, 3, 1000, 1 << 20, 1 << 40} {
			a := make([]ranked, n)
			for i := range a {
				a[i] = ranked{Points(rng.Int64N(spread)), int32(i)}
				if i%7 == 3 {
					a[i].score = -a[i].score
				}
			}
			if n > 2 {
				a[0].score, a[1].score = math.MaxInt64, math.MinInt64
			}
			want := slices.Clone(a)
			slices.SortStableFunc(want, func(x, y ranked) int { return cmp.Compare(x.score, y.score) })
			sortByScore(a)
			if !slices.Equal(a, want) { // a stable sort: even the ties agree
				t.Fatalf("n %d spread %d: not sorted", n, spread)
			}
		}
	}
}
