package mujun

import (
	"encoding/json"
	"slices"
	"testing"

	"fugong"
)

func TestDefaultSettings(t *testing.T) {
	for _, s := range []Settings{DefaultSettings(), DefaultBelowSettings()} {
		if ps := s.Normalize(); len(ps) > 0 {
			t.Errorf("defaults break rules: %v", ps)
		}
	}
	y := DefaultYear(2019)
	if ps := y.Normalize(); len(ps) > 0 {
		t.Errorf("year defaults: %v", ps)
	}
	d := DefaultSettings()
	want := map[Indicator][2]float64{TaxPerMu: {30, 26.01}, ValueAddedPerMu: {20, 132.27}, ValueAddedPerTce: {20, 2.54},
		ValueAddedPerEmission: {10, 4861.08}, LabourProductivity: {10, 17.45}, RDIntensity: {10, 0.0305}}
	for k, wb := range want {
		if d.Weights[k] != wb[0] || d.Benchmarks[k] != wb[1] {
			t.Errorf("%s: weight %v benchmark %v, want %v", k, d.Weights[k], d.Benchmarks[k], wb)
		}
	}
	b := DefaultBelowSettings()
	if b.Weights[TaxPerMu] != 50 || b.Weights[TaxPerKWh] != 50 || b.Benchmarks[TaxPerMu] != 16.60 || b.Benchmarks[TaxPerKWh] != 0.2366 {
		t.Errorf("below-scale defaults: %+v", b)
	}
	// Defaults are fresh maps: changing one copy leaves the next alone.
	d.Weights[TaxPerMu] = 99
	if DefaultSettings().Weights[TaxPerMu] != 30 {
		t.Error("DefaultSettings shares its maps")
	}
}

func TestSettingsJSON(t *testing.T) {
	in := `{"weights": {"tax_per_mu": 60, "labour_productivity": 40},
		"benchmarks": {"tax_per_mu": 20, "labour_productivity": 10},
		"class_rule": {"kind": "share", "a": 25, "b": 70, "c": 95}}`
	var s Settings
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if ps := s.Normalize(); len(ps) > 0 || s.MissingEmission != MissingAverage || s.ClassRule != DefaultClassRule {
		t.Errorf("settings from JSON: %+v %v", s, ps)
	}
	thr := `{"kind": "threshold", "min_a": 120, "min_b": 90, "min_c": 0}`
	var r ClassRule
	json.Unmarshal([]byte(thr), &r)
	if ps := r.problems(); len(ps) > 0 || r != (ClassRule{Kind: ByThreshold, MinA: 120, MinB: 90}) {
		t.Errorf("threshold rule: %+v %v", r, ps)
	}
	if b, _ := json.Marshal(r); string(b) != `{"kind":"threshold","min_a":120,"min_b":90,"min_c":0}` {
		t.Errorf("threshold JSON %s", b)
	}
	b, _ := json.Marshal(DefaultBelowSettings())
	want := `{"weights":{"tax_per_kwh":50,"tax_per_mu":50},"benchmarks":{"tax_per_kwh":0.2366,"tax_per_mu":16.6},` +
		`"missing_emission":"average","startup_years":3,"class_rule":{"kind":"share","a":25,"b":70,"c":95}}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
}

func TestSettingsNormalize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(*Settings)
		want  []fugong.Problem
	}{
		{"weights add up to 95", func(s *Settings) { s.Weights[TaxPerMu] = 25 },
			[]fugong.Problem{{Field: "weights", Message: "各项权重之和应为 100，现为 95"}}},
		{"weights add up to 100.5", func(s *Settings) { s.Weights[TaxPerMu] = 30.5 },
			[]fugong.Problem{{Field: "weights", Message: "各项权重之和应为 100，现为 100.5"}}},
		{"negative weight", func(s *Settings) { s.Weights[RDIntensity] = -10; s.Weights[TaxPerMu] = 50 },
			[]fugong.Problem{{Field: "weights.rd_intensity", Message: "研发经费支出占主营业务收入比重的权重应在 0–100 之间且大于 0"}}},
		{"weight with three decimals", func(s *Settings) { s.Weights[TaxPerMu] = 29.995; s.Weights[RDIntensity] = 10.005 },
			[]fugong.Problem{
				{Field: "weights.tax_per_mu", Message: "亩均税收的权重最多保留两位小数"},
				{Field: "weights.rd_intensity", Message: "研发经费支出占主营业务收入比重的权重最多保留两位小数"},
			}},
		{"unknown indicator", func(s *Settings) { s.Weights["profit_per_mu"] = 0 },
			[]fugong.Problem{{Field: "weights.profit_per_mu", Message: "未知的指标“profit_per_mu”"}}},
		{"zero benchmark", func(s *Settings) { s.Benchmarks[ValueAddedPerTce] = 0 },
			[]fugong.Problem{{Field: "benchmarks.value_added_per_tce", Message: "单位能耗工业增加值的基准值应大于 0"}}},
		{"negative benchmark", func(s *Settings) { s.Benchmarks[TaxPerMu] = -26.01 },
			[]fugong.Problem{{Field: "benchmarks.tax_per_mu", Message: "亩均税收的基准值应大于 0"}}},
		{"missing benchmark", func(s *Settings) { delete(s.Benchmarks, LabourProductivity) },
			[]fugong.Problem{{Field: "benchmarks.labour_productivity", Message: "请填写全员劳动生产率的基准值"}}},
		{"benchmark without a weight", func(s *Settings) { s.Benchmarks[TaxPerKWh] = 0.2366 },
			[]fugong.Problem{{Field: "benchmarks.tax_per_kwh", Message: "单位电耗税收没有权重，不需要基准值"}}},
		{"unknown benchmark", func(s *Settings) { s.Benchmarks["x"] = 1 },
			[]fugong.Problem{{Field: "benchmarks.x", Message: "未知的指标“x”"}}},
		{"a cap", func(s *Settings) { s.Caps = map[Indicator]float64{TaxPerMu: 60} }, nil},
		{"cap below the weight", func(s *Settings) { s.Caps = map[Indicator]float64{TaxPerMu: 20} },
			[]fugong.Problem{{Field: "caps.tax_per_mu", Message: "亩均税收的封顶分不能低于其权重（30）"}}},
		{"zero cap", func(s *Settings) { s.Caps = map[Indicator]float64{TaxPerMu: 0} },
			[]fugong.Problem{{Field: "caps.tax_per_mu", Message: "亩均税收的封顶分应大于 0"}}},
		{"cap without a weight", func(s *Settings) { s.Caps = map[Indicator]float64{TaxPerKWh: 60} },
			[]fugong.Problem{{Field: "caps.tax_per_kwh", Message: "单位电耗税收没有权重，不能封顶"}}},
		{"missing rule", func(s *Settings) { s.MissingEmission = "median" },
			[]fugong.Problem{{Field: "missing_emission", Message: "缺少排放数据的处理应为取平均分或不得分"}}},
		{"start-up years", func(s *Settings) { s.StartupYears = -1 },
			[]fugong.Problem{{Field: "startup_years", Message: "新投产企业不参评年限应在 0–20 年之间"}}},
		{"shares must rise: A 70, B 25", func(s *Settings) { s.ClassRule = ClassRule{Kind: ByShare, A: 70, B: 25, C: 95} },
			[]fugong.Problem{{Field: "class_rule.b", Message: "B 类累计比例（25%）应大于 A 类（70%）"}}},
		{"shares equal", func(s *Settings) { s.ClassRule = ClassRule{Kind: ByShare, A: 25, B: 70, C: 70} },
			[]fugong.Problem{{Field: "class_rule.c", Message: "C 类累计比例（70%）应大于 B 类（70%）"}}},
		{"share over 100", func(s *Settings) { s.ClassRule = ClassRule{Kind: ByShare, A: 0, B: 70, C: 101} },
			[]fugong.Problem{
				{Field: "class_rule.a", Message: "A 类累计比例应在 0–100% 之间且大于 0"},
				{Field: "class_rule.c", Message: "C 类累计比例应在 0–100% 之间且大于 0"},
			}},
		{"no D: C at 100 %", func(s *Settings) { s.ClassRule = ClassRule{Kind: ByShare, A: 25, B: 70, C: 100} }, nil},
		{"thresholds must fall", func(s *Settings) { s.ClassRule = ClassRule{Kind: ByThreshold, MinA: 80, MinB: 90, MinC: 60} },
			[]fugong.Problem{{Field: "class_rule.min_b", Message: "B 类分数线（90）应低于 A 类（80）"}}},
		{"negative threshold", func(s *Settings) { s.ClassRule = ClassRule{Kind: ByThreshold, MinA: 120, MinB: 90, MinC: -1} },
			[]fugong.Problem{{Field: "class_rule.min_c", Message: "C 类分数线不能为负数"}}},
		{"shares in a threshold rule", func(s *Settings) { s.ClassRule = ClassRule{Kind: ByThreshold, A: 25, MinA: 120, MinB: 90, MinC: 60} },
			[]fugong.Problem{{Field: "class_rule.kind", Message: "按分数线分类不用比例（a、b、c）"}}},
		{"unknown kind", func(s *Settings) { s.ClassRule = ClassRule{Kind: "rank"} },
			[]fugong.Problem{{Field: "class_rule.kind", Message: "分类方式应为按排名比例或按分数线"}}},
	} {
		s := DefaultSettings()
		tc.spoil(&s)
		if ps := s.Normalize(); !slices.Equal(ps, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, ps, tc.want)
		}
	}
}

func TestYearSettings(t *testing.T) {
	y := DefaultYear(2019)
	y.Below.Weights[TaxPerMu] = 40
	ps := y.Normalize()
	if want := []fugong.Problem{{Field: "below.weights", Message: "各项权重之和应为 100，现为 90"}}; !slices.Equal(ps, want) {
		t.Errorf("%v, want %v", ps, want)
	}
	if y.For(Below) != &y.Below || y.For(Above) != &y.Above {
		t.Error("For")
	}

	stored := `{"year": 2019, "above": {"weights": {"tax_per_mu": 100}, "benchmarks": {"tax_per_mu": 30},
		"class_rule": {"kind": "threshold", "min_a": 120, "min_b": 90, "min_c": 60}}}`
	got, err := ParseYearSettings(stored, 2019)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Above.Weights) != 1 || got.Above.Benchmarks[TaxPerMu] != 30 || got.Above.ClassRule.Kind != ByThreshold ||
		got.Above.StartupYears != 3 || got.Below.Weights[TaxPerKWh] != 50 {
		t.Errorf("stored weights replace the defaults, the rest stays: %+v", got)
	}
	if _, err := ParseYearSettings(`{"above": {"weights": {"tax_per_mu": 90}, "benchmarks": {"tax_per_mu": 30}}}`, 2019); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("bad stored settings: %v", err)
	}
}
