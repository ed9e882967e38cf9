// Package mujun holds the 亩均论英雄 module (M9): each enterprise's annual
// figures, the yearly evaluation (indicators, weights and benchmarks,
// scores, ranks and classes A–D), the comparison of two evaluations, and
// the differentiated prices by class with the simulation of relief from
// them. Money is in fen, as in package finance.
package mujun

import (
	"math"
	"strconv"

	"fugong"
	"fugong/registry"
)

// AnnualData are an enterprise's figures for one year, as the 亩均 system
// collects them. Money is in 万元 (10,000 yuan).
type AnnualData struct {
	USCC string `json:"uscc"`
	Year int    `json:"year"`

	LandMu         float64  `json:"land_mu"`         // land used, 亩
	TaxWan         float64  `json:"tax_wan"`         // tax paid (实缴税金), 万元
	ValueAddedWan  float64  `json:"value_added_wan"` // industrial value added, 万元
	RevenueWan     float64  `json:"revenue_wan"`     // main business revenue, 万元
	EnergyTce      float64  `json:"energy_tce"`      // total energy use, tonnes of standard coal
	EmissionsT     *float64 `json:"emissions_t"`     // main pollutant emissions, t; nil when not measured
	RDWan          float64  `json:"rd_wan"`          // R&D spend, 万元
	Staff          float64  `json:"staff"`           // average staff over the year, whole people
	ElectricityKWh float64  `json:"electricity_kwh"` // electricity used, whole kWh
	WaterT         float64  `json:"water_t"`         // water used, whole tonnes

	// Utility marks a public utility (water, power, gas, sewage works):
	// not graded, treated as B.
	Utility bool `json:"utility"`
	// StartYear is the year the firm started production, 0 when unknown:
	// a firm younger than the settings' StartupYears is not graded and is
	// treated as B.
	StartYear int `json:"start_year"`
}

// FieldLabels are the Chinese names of the annual figures.
var FieldLabels = map[string]string{
	"uscc":            "统一社会信用代码",
	"year":            "年度",
	"land_mu":         "用地面积（亩）",
	"tax_wan":         "实缴税金（万元）",
	"value_added_wan": "工业增加值（万元）",
	"revenue_wan":     "主营业务收入（万元）",
	"energy_tce":      "综合能耗（吨标准煤）",
	"emissions_t":     "主要污染物排放量（吨）",
	"rd_wan":          "研发经费支出（万元）",
	"staff":           "年平均职工人数",
	"electricity_kwh": "用电量（千瓦时）",
	"water_t":         "用水量（吨）",
	"utility":         "公用事业企业",
	"start_year":      "投产年份",
}

// The years the module accepts.
const (
	MinYear = 2000
	MaxYear = 2100
)

// MaxFigure bounds every figure: a trillion of any unit is a typing error,
// and the bound keeps the fixed-point relief arithmetic in range.
const MaxFigure = 1e12

// figure is one numeric field's rule.
type figure struct {
	field    string
	positive bool // zero refused too (land)
	whole    bool // people, kWh and tonnes of water are counted whole
}

// figures lists the numeric fields in form order, as figureValues gives
// them.
var figures = [...]figure{
	{"land_mu", true, false},
	{"tax_wan", false, false},
	{"value_added_wan", false, false},
	{"revenue_wan", false, false},
	{"energy_tce", false, false},
	{"emissions_t", false, false},
	{"rd_wan", false, false},
	{"staff", false, true},
	{"electricity_kwh", false, true},
	{"water_t", false, true},
}

// emissionsAt is the emission figure's place in figures.
const emissionsAt = 5

// figureValues returns the figures in the order of figures; a missing
// emission figure is 0 there (it breaks no rule).
func (d *AnnualData) figureValues() [len(figures)]float64 {
	var em float64
	if d.EmissionsT != nil {
		em = *d.EmissionsT
	}
	return [...]float64{d.LandMu, d.TaxWan, d.ValueAddedWan, d.RevenueWan, d.EnergyTce, em,
		d.RDWan, d.Staff, d.ElectricityKWh, d.WaterT}
}

// checkFigure returns what is wrong with one value, "" when nothing is.
func checkFigure(f *figure, v float64) string {
	switch {
	case v >= 0 && v <= MaxFigure && !(f.positive && v == 0) && !(f.whole && v != math.Trunc(v)):
		return "" // the common case first, in one test
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "不是有效的数字"
	case f.positive && v <= 0:
		return "应大于 0"
	case v < 0:
		return "不能为负数"
	case v > MaxFigure:
		return "超出合理范围"
	}
	return "应为整数"
}

// figureProblem returns the first figure the data break, with its
// message: the cheap check evaluation runs on every firm.
func (d *AnnualData) figureProblem() (field, msg string) {
	vs := d.figureValues()
	for i := range figures {
		if msg := checkFigure(&figures[i], vs[i]); msg != "" {
			return figures[i].field, msg
		}
	}
	if msg := d.startYearProblem(); msg != "" {
		return "start_year", msg
	}
	return "", ""
}

// Normalize upper-cases the USCC and returns every rule the data break,
// one message per field, in form order.
func (d *AnnualData) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: FieldLabels[field] + msg})
	}
	u, msg := registry.NormalizeUSCC(d.USCC)
	if msg != "" {
		bad("uscc", msg)
	}
	d.USCC = u
	if d.Year < MinYear || d.Year > MaxYear {
		bad("year", "应在 "+strconv.Itoa(MinYear)+"–"+strconv.Itoa(MaxYear)+" 之间")
	}
	vs := d.figureValues()
	for i := range figures {
		if msg := checkFigure(&figures[i], vs[i]); msg != "" {
			bad(figures[i].field, msg)
		}
	}
	if msg := d.startYearProblem(); msg != "" && d.Year >= MinYear && d.Year <= MaxYear {
		bad("start_year", msg)
	}
	return ps
}

// startYearProblem: a start year, when known, is no later than the year
// evaluated.
func (d *AnnualData) startYearProblem() string {
	if d.StartYear != 0 && (d.StartYear < 1900 || d.StartYear > d.Year) {
		return "应在 1900 年至评价年度之间"
	}
	return ""
}
