package mujun

import (
	"math"
	"strconv"
)

// Indicator is one measure of a firm's efficiency. Its value is the key in
// the settings and the API.
type Indicator string

// The six indicators of Zhejiang's 2018 guideline for above-scale firms,
// and tax per kWh, which rates below-scale firms with tax per mu.
const (
	TaxPerMu              Indicator = "tax_per_mu"               // tax / land, 万元/亩
	ValueAddedPerMu       Indicator = "value_added_per_mu"       // value added / land, 万元/亩
	ValueAddedPerTce      Indicator = "value_added_per_tce"      // value added / energy, 万元/tce
	ValueAddedPerEmission Indicator = "value_added_per_emission" // value added / emissions, 万元/t
	LabourProductivity    Indicator = "labour_productivity"      // value added / average staff, 万元/人
	RDIntensity           Indicator = "rd_intensity"             // R&D spend / main revenue, a ratio
	TaxPerKWh             Indicator = "tax_per_kwh"              // tax / electricity, 元/kWh
)

// Indicators lists every indicator in form order.
var Indicators = []Indicator{TaxPerMu, ValueAddedPerMu, ValueAddedPerTce, ValueAddedPerEmission,
	LabourProductivity, RDIntensity, TaxPerKWh}

type indicatorInfo struct {
	name, unit string
	// value computes the indicator from a firm's (checked) figures; ok is
	// false when the firm has no figure to divide by.
	value func(d *AnnualData) (v float64, ok bool)
}

var indicatorInfos = map[Indicator]indicatorInfo{
	TaxPerMu:        {"亩均税收", "万元/亩", func(d *AnnualData) (float64, bool) { return d.TaxWan / d.LandMu, true }},
	ValueAddedPerMu: {"亩均工业增加值", "万元/亩", func(d *AnnualData) (float64, bool) { return d.ValueAddedWan / d.LandMu, true }},
	ValueAddedPerTce: {"单位能耗工业增加值", "万元/吨标准煤", func(d *AnnualData) (float64, bool) {
		return ratio(d.ValueAddedWan, d.EnergyTce)
	}},
	ValueAddedPerEmission: {"单位排放工业增加值", "万元/吨", func(d *AnnualData) (float64, bool) {
		if d.EmissionsT == nil {
			return 0, false
		}
		return ratio(d.ValueAddedWan, *d.EmissionsT)
	}},
	LabourProductivity: {"全员劳动生产率", "万元/人", func(d *AnnualData) (float64, bool) { return ratio(d.ValueAddedWan, d.Staff) }},
	RDIntensity:        {"研发经费支出占主营业务收入比重", "", func(d *AnnualData) (float64, bool) { return ratio(d.RDWan, d.RevenueWan) }},
	TaxPerKWh: {"单位电耗税收", "元/千瓦时", func(d *AnnualData) (float64, bool) {
		return ratio(d.TaxWan*10_000, d.ElectricityKWh) // tax is in 万元, the benchmark in 元
	}},
}

// ratio is n / d, with no figure when d is zero: a firm that reports no
// energy, emissions, staff, revenue or electricity has nothing to be
// measured by. Land is never zero (the data refuse it).
func ratio(n, d float64) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return n / d, true
}

// ParseIndicator returns the indicator named s (its key).
func ParseIndicator(s string) (Indicator, bool) {
	_, ok := indicatorInfos[Indicator(s)]
	return Indicator(s), ok
}

// Name is the indicator's Chinese name.
func (i Indicator) Name() string { return indicatorInfos[i].name }

// Unit is the unit of the indicator's value, "" for a ratio.
func (i Indicator) Unit() string { return indicatorInfos[i].unit }

// Points are a score in hundredths of a point: 85.43 points is 8543. Every
// indicator's points are rounded to the hundredth, and a score is the sum
// of its indicators' points, so the points shown always add up to the
// score shown, and ranks compare whole numbers.
type Points int64

// maxPoints bounds one indicator's points, in hundredths: a value absurdly
// far past its benchmark (a firm with almost no emissions) counts as ten
// billion points, so that sums over millions of firms stay in an int64.
const maxPoints = 1e12

// pointsOf is value / benchmark × weight in hundredths, rounded half up.
func pointsOf(value, benchmark, weight100 float64) Points {
	p := value / benchmark * weight100
	if p > maxPoints {
		p = maxPoints
	}
	return Points(math.Round(p))
}

// Float returns the points as a number, for display and charts.
func (p Points) Float() float64 { return float64(p) / 100 }

// String writes the points with two decimals: "85.43".
func (p Points) String() string {
	s := strconv.FormatInt(int64(p), 10)
	neg := p < 0
	if neg {
		s = s[1:]
	}
	for len(s) < 3 {
		s = "0" + s
	}
	s = s[:len(s)-2] + "." + s[len(s)-2:]
	if neg {
		return "-" + s
	}
	return s
}

// MarshalJSON writes the points as a number with two decimals.
func (p Points) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a number of points, rounded to the hundredth.
func (p *Points) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*p = Points(math.Round(v * 100))
	return nil
}
