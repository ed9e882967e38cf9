package mujun

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"fugong"
)

// Class is a 亩均 class, A best. Ruian's own scale was A, B, C, C−: its C−
// is D here.
type Class string

const (
	ClassA Class = "A"
	ClassB Class = "B"
	ClassC Class = "C"
	ClassD Class = "D"
)

// Classes lists the classes, best first.
var Classes = []Class{ClassA, ClassB, ClassC, ClassD}

// ParseClass returns the class named s ("A"–"D").
func ParseClass(s string) (Class, bool) {
	c := Class(s)
	return c, slices.Contains(Classes, c)
}

// order is 1 for A to 4 for D, 0 for no class.
func (c Class) order() int { return slices.Index(Classes, c) + 1 }

// Group is the group of firms a set of settings grades, one ranking each:
// above designated size (规上) and below (规下). The values are registry's
// size classes.
type Group string

const (
	Above Group = "above"
	Below Group = "below"
)

// Rules for a firm without an emission figure.
const (
	// MissingAverage gives it the average points of that indicator among
	// the graded firms that have the figure (the published Huangyan rule).
	MissingAverage = "average"
	// MissingZero gives it no points for it.
	MissingZero = "zero"
)

// Kinds of class rule.
const (
	// ByShare grades by rank: A is the top A % of the graded firms, B the
	// firms down to B %, C down to C %, D the rest.
	ByShare = "share"
	// ByThreshold grades by score: A from MinA points, B from MinB, C from
	// MinC, D below.
	ByThreshold = "threshold"
)

// ClassRule says how scores become classes. In JSON a share rule is
// {"kind": "share", "a": 25, "b": 70, "c": 95} (cumulative percentages of
// the ranking) and a threshold rule {"kind": "threshold", "min_a": 120,
// "min_b": 90, "min_c": 60} (the lowest score of each class).
//
// With shares, each class's count is its cumulative share of the graded
// firms rounded half up (25 % of 7 firms is 2 A); firms with equal
// scores share a rank and the class of that rank, so a tie on a boundary
// lifts every tied firm.
type ClassRule struct {
	Kind string  `json:"kind"`
	A    float64 `json:"a,omitempty"`
	B    float64 `json:"b,omitempty"`
	C    float64 `json:"c,omitempty"`
	MinA float64 `json:"min_a,omitempty"`
	MinB float64 `json:"min_b,omitempty"`
	MinC float64 `json:"min_c,omitempty"`
}

// MarshalJSON writes only the keys of the rule's kind, zeros included.
func (r ClassRule) MarshalJSON() ([]byte, error) {
	if r.Kind == ByThreshold {
		return json.Marshal(struct {
			Kind string  `json:"kind"`
			MinA float64 `json:"min_a"`
			MinB float64 `json:"min_b"`
			MinC float64 `json:"min_c"`
		}{r.Kind, r.MinA, r.MinB, r.MinC})
	}
	return json.Marshal(struct {
		Kind string  `json:"kind"`
		A    float64 `json:"a"`
		B    float64 `json:"b"`
		C    float64 `json:"c"`
	}{r.Kind, r.A, r.B, r.C})
}

// UnmarshalJSON replaces the rule whole: keys of a rule read over another
// kind's do not mix.
func (r *ClassRule) UnmarshalJSON(b []byte) error {
	type plain ClassRule
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = ClassRule(p)
	return nil
}

// DefaultClassRule is the guideline's: A top 25 %, B to 70 %, C to 95 %.
var DefaultClassRule = ClassRule{Kind: ByShare, A: 25, B: 70, C: 95}

// Settings are one year's rules for one group of firms.
type Settings struct {
	// Weights give each indicator used its weight; they add up to 100.
	Weights map[Indicator]float64 `json:"weights"`
	// Benchmarks give each weighted indicator the value worth its full
	// weight: points = value / benchmark × weight.
	Benchmarks map[Indicator]float64 `json:"benchmarks"`
	// Caps optionally bound an indicator's points (none by default: no
	// public source caps one).
	Caps map[Indicator]float64 `json:"caps,omitempty"`
	// MissingEmission is MissingAverage or MissingZero: what a firm gets
	// for value added per emission when it has no figure to divide by
	// (none given, or zero).
	MissingEmission string `json:"missing_emission"`
	// StartupYears: a firm in production for fewer years than this (the
	// year evaluated less its start year) is not graded and is treated as
	// B. Three is an assumption (the guideline exempts new firms without
	// saying for how long): set the city's rule.
	StartupYears int       `json:"startup_years"`
	ClassRule    ClassRule `json:"class_rule"`
}

// DefaultSettings are the above-scale rules until the bureau sets its own:
// the published Huangyan set (2021) of DOMAIN.md.
func DefaultSettings() Settings {
	return Settings{
		Weights: map[Indicator]float64{TaxPerMu: 30, ValueAddedPerMu: 20, ValueAddedPerTce: 20,
			ValueAddedPerEmission: 10, LabourProductivity: 10, RDIntensity: 10},
		Benchmarks: map[Indicator]float64{TaxPerMu: 26.01, ValueAddedPerMu: 132.27, ValueAddedPerTce: 2.54,
			ValueAddedPerEmission: 4861.08, LabourProductivity: 17.45, RDIntensity: 0.0305},
		MissingEmission: MissingAverage,
		StartupYears:    3,
		ClassRule:       DefaultClassRule,
	}
}

// DefaultBelowSettings are the below-scale rules: tax per mu (16.60 万元/亩)
// and tax per kWh (0.2366 元/kWh), 50 each.
func DefaultBelowSettings() Settings {
	return Settings{
		Weights:         map[Indicator]float64{TaxPerMu: 50, TaxPerKWh: 50},
		Benchmarks:      map[Indicator]float64{TaxPerMu: 16.60, TaxPerKWh: 0.2366},
		MissingEmission: MissingAverage,
		StartupYears:    3,
		ClassRule:       DefaultClassRule,
	}
}

// YearSettings are the rules of one year, one set per group.
type YearSettings struct {
	Year  int      `json:"year"`
	Above Settings `json:"above"`
	Below Settings `json:"below"`
}

// DefaultYear is a year's settings until the bureau sets them.
func DefaultYear(year int) YearSettings {
	return YearSettings{Year: year, Above: DefaultSettings(), Below: DefaultBelowSettings()}
}

// For returns the settings of a group.
func (y *YearSettings) For(g Group) *Settings {
	if g == Below {
		return &y.Below
	}
	return &y.Above
}

// Normalize returns every rule the year's settings break, fields prefixed
// with their group ("above.weights").
func (y *YearSettings) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	if y.Year < MinYear || y.Year > MaxYear {
		ps = append(ps, fugong.Problem{Field: "year", Message: "年度应在 " + strconv.Itoa(MinYear) + "–" + strconv.Itoa(MaxYear) + " 之间"})
	}
	for _, g := range []Group{Above, Below} {
		for _, p := range y.For(g).Normalize() {
			p.Field = string(g) + "." + p.Field
			ps = append(ps, p)
		}
	}
	return ps
}

// SettingLabels are the Chinese names of the settings.
var SettingLabels = map[string]string{
	"weights":          "权重",
	"benchmarks":       "基准值",
	"caps":             "单项封顶分",
	"missing_emission": "缺少排放数据的处理",
	"startup_years":    "新投产企业不参评年限",
	"class_rule":       "分类规则",
}

// maxWeight100 is 100 points in hundredths.
const maxWeight100 = 10_000

// Normalize fills an empty missing-emission rule with the default and
// returns every rule the settings break, fields named like
// "weights.tax_per_mu" or "class_rule.b".
func (s *Settings) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: field, Message: msg}) }
	unknown := func(m map[Indicator]float64, name string) {
		var keys []string
		for k := range m {
			if _, ok := indicatorInfos[k]; !ok {
				keys = append(keys, string(k))
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			bad(name+"."+k, "未知的指标“"+k+"”")
		}
	}

	unknown(s.Weights, "weights")
	sum := 0
	for _, k := range Indicators {
		w, ok := s.Weights[k]
		if !ok {
			continue
		}
		f := "weights." + string(k)
		switch {
		case math.IsNaN(w) || w <= 0 || w > 100:
			bad(f, k.Name()+"的权重应在 0–100 之间且大于 0")
		case !hundredths(w):
			bad(f, k.Name()+"的权重最多保留两位小数")
		default:
			sum += int(math.Round(w * 100))
		}
	}
	if len(ps) == 0 && sum != maxWeight100 {
		bad("weights", "各项权重之和应为 100，现为 "+Points(sum).trimmed())
	}

	unknown(s.Benchmarks, "benchmarks")
	for _, k := range Indicators {
		b, hasB := s.Benchmarks[k]
		_, hasW := s.Weights[k]
		f := "benchmarks." + string(k)
		switch {
		case hasW && !hasB:
			bad(f, "请填写"+k.Name()+"的基准值")
		case !hasB:
		case !hasW:
			bad(f, k.Name()+"没有权重，不需要基准值")
		case math.IsNaN(b) || math.IsInf(b, 0) || b <= 0:
			bad(f, k.Name()+"的基准值应大于 0")
		}
	}

	unknown(s.Caps, "caps")
	for _, k := range Indicators {
		c, hasC := s.Caps[k]
		if !hasC {
			continue
		}
		w, hasW := s.Weights[k]
		f := "caps." + string(k)
		switch {
		case !hasW:
			bad(f, k.Name()+"没有权重，不能封顶")
		case math.IsNaN(c) || math.IsInf(c, 0) || c <= 0:
			bad(f, k.Name()+"的封顶分应大于 0")
		case !hundredths(c):
			bad(f, k.Name()+"的封顶分最多保留两位小数")
		case c < w:
			bad(f, k.Name()+"的封顶分不能低于其权重（"+Points(math.Round(w*100)).trimmed()+"）")
		}
	}

	if s.MissingEmission == "" {
		s.MissingEmission = MissingAverage
	}
	if s.MissingEmission != MissingAverage && s.MissingEmission != MissingZero {
		bad("missing_emission", "缺少排放数据的处理应为取平均分或不得分")
	}
	if s.StartupYears < 0 || s.StartupYears > 20 {
		bad("startup_years", "新投产企业不参评年限应在 0–20 年之间")
	}
	ps = append(ps, s.ClassRule.problems()...)
	return ps
}

func (r *ClassRule) problems() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: "class_rule." + field, Message: msg}) }
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch r.Kind {
	case ByShare:
		if r.MinA != 0 || r.MinB != 0 || r.MinC != 0 {
			bad("kind", "按比例分类不用分数线（A、B、C类分数线）")
		}
		prev, prevName := 0.0, ""
		for _, c := range []struct {
			field string
			v     float64
		}{{"a", r.A}, {"b", r.B}, {"c", r.C}} {
			name := string(Classes[c.field[0]-'a'])
			switch {
			case math.IsNaN(c.v) || c.v <= 0 || c.v > 100:
				bad(c.field, name+" 类累计比例应在 0–100% 之间且大于 0")
			case !hundredths(c.v):
				bad(c.field, name+" 类累计比例最多保留两位小数")
			case prevName != "" && c.v <= prev:
				bad(c.field, name+" 类累计比例（"+num(c.v)+"%）应大于 "+prevName+" 类（"+num(prev)+"%）")
			}
			prev, prevName = c.v, name
		}
	case ByThreshold:
		if r.A != 0 || r.B != 0 || r.C != 0 {
			bad("kind", "按分数线分类不用比例（a、b、c）")
		}
		prev, prevName := 0.0, ""
		for _, c := range []struct {
			field string
			v     float64
		}{{"min_a", r.MinA}, {"min_b", r.MinB}, {"min_c", r.MinC}} {
			name := string(Classes[c.field[4]-'a'])
			switch {
			case math.IsNaN(c.v) || math.IsInf(c.v, 0) || c.v < 0:
				bad(c.field, name+" 类分数线不能为负数")
			case !hundredths(c.v):
				bad(c.field, name+" 类分数线最多保留两位小数")
			case prevName != "" && c.v >= prev:
				bad(c.field, name+" 类分数线（"+num(c.v)+"）应低于 "+prevName+" 类（"+num(prev)+"）")
			}
			prev, prevName = c.v, name
		}
	default:
		bad("kind", "分类方式应为按排名比例或按分数线")
	}
	return ps
}

// hundredths reports whether v has at most two decimals.
func hundredths(v float64) bool {
	return math.Abs(math.Round(v*100)-v*100) < 1e-6
}

// trimmed writes the points without trailing zeros: "95", "33.5".
func (p Points) trimmed() string {
	s := p.String()
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// ParseYearSettings reads stored settings of a year; a key left out
// keeps its default, so that a setting added later starts at its default.
func ParseYearSettings(stored string, year int) (YearSettings, error) {
	y := DefaultYear(year)
	// Maps would merge into the defaults: a stored set of weights replaces
	// the default set whole.
	y.Above.Weights, y.Above.Benchmarks, y.Below.Weights, y.Below.Benchmarks = nil, nil, nil, nil
	if err := json.Unmarshal([]byte(stored), &y); err != nil {
		return DefaultYear(year), err
	}
	d := DefaultYear(year)
	for _, g := range []Group{Above, Below} {
		s, def := y.For(g), d.For(g)
		if s.Weights == nil {
			s.Weights, s.Benchmarks = def.Weights, def.Benchmarks
		}
	}
	if err := fugong.Invalid(y.Normalize()); err != nil {
		return DefaultYear(year), err
	}
	return y, nil
}

// compiled is a set of settings made ready for the evaluation loop: the
// indicators in form order with their functions and numbers in slices,
// no map lookups per firm.
type compiled struct {
	keys      []Indicator
	value     []func(*AnnualData) (float64, bool)
	benchmark []float64
	weight100 []float64 // the weight in hundredths of a point
	cap       []Points  // 0 for none
	emission  int       // the emission indicator's index, -1 when unused
	average   bool
	// classes
	share            bool
	a100, b100, c100 int64 // cumulative shares in hundredths of a percent
	minA, minB, minC Points
	startupYears     int
}

func (s *Settings) compile() *compiled {
	c := &compiled{emission: -1, average: s.MissingEmission != MissingZero, startupYears: s.StartupYears}
	for _, k := range Indicators {
		w, ok := s.Weights[k]
		if !ok {
			continue
		}
		if k == ValueAddedPerEmission {
			c.emission = len(c.keys)
		}
		c.keys = append(c.keys, k)
		c.value = append(c.value, indicatorInfos[k].value)
		c.benchmark = append(c.benchmark, s.Benchmarks[k])
		c.weight100 = append(c.weight100, math.Round(w*100))
		var cp Points
		if v, ok := s.Caps[k]; ok {
			cp = Points(math.Round(v * 100))
		}
		c.cap = append(c.cap, cp)
	}
	r := s.ClassRule
	c.share = r.Kind == ByShare
	c.a100, c.b100, c.c100 = int64(math.Round(r.A*100)), int64(math.Round(r.B*100)), int64(math.Round(r.C*100))
	c.minA, c.minB, c.minC = Points(math.Round(r.MinA*100)), Points(math.Round(r.MinB*100)), Points(math.Round(r.MinC*100))
	return c
}
