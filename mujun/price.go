package mujun

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/finance"
)

// Resource is a resource priced by class. Its value is its API name.
type Resource string

const (
	Electricity Resource = "electricity"
	Water       Resource = "water"
)

// Resources lists the resources in form order.
var Resources = []Resource{Electricity, Water}

// ResourceNames are the Chinese names of the resources.
var ResourceNames = map[Resource]string{Electricity: "电", Water: "水"}

// PriceSettings are the differentiated prices (差别化价格): a surcharge per
// unit by class. Electricity surcharges are yuan per kWh (at most four
// decimals); water surcharges are a percentage (at most two decimals) of
// the base water price (yuan per tonne, at most four decimals).
type PriceSettings struct {
	ElectricityYuanPerKWh map[Class]float64 `json:"electricity_yuan_per_kwh"`
	WaterPercent          map[Class]float64 `json:"water_percent"`
	WaterBaseYuanPerT     float64           `json:"water_base_yuan_per_t"`
}

// DefaultWaterBaseYuanPerT is the base water price until the bureau sets
// Ruian's: 4.00 元/t is an assumption for a Wenzhou county's non-domestic
// water in 2020, not a published figure.
const DefaultWaterBaseYuanPerT = 4.00

// DefaultPrices are Ruian's surcharges (DOMAIN.md): electricity +0.10 元/kWh
// for C and +0.15 for D (Ruian's C−), water +15 % for C and +30 % for D.
func DefaultPrices() PriceSettings {
	return PriceSettings{
		ElectricityYuanPerKWh: map[Class]float64{ClassC: 0.10, ClassD: 0.15},
		WaterPercent:          map[Class]float64{ClassC: 15, ClassD: 30},
		WaterBaseYuanPerT:     DefaultWaterBaseYuanPerT,
	}
}

// PriceLabels are the Chinese names of the price settings.
var PriceLabels = map[string]string{
	"electricity_yuan_per_kwh": "电价加价（元/千瓦时）",
	"water_percent":            "水价加价比例（%）",
	"water_base_yuan_per_t":    "基础水价（元/吨）",
}

// Normalize returns every rule the prices break, fields named like
// "electricity_yuan_per_kwh.C".
func (p *PriceSettings) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: field, Message: msg}) }
	check := func(name string, m map[Class]float64, max float64, decimals int) {
		var keys []string
		for c := range m {
			keys = append(keys, string(c))
		}
		slices.Sort(keys)
		for _, k := range keys {
			f := name + "." + k
			if _, ok := ParseClass(k); !ok {
				bad(f, "未知的等级“"+k+"”，应为 A、B、C、D")
				continue
			}
			if msg := fixedProblem(m[Class(k)], max, decimals, true); msg != "" {
				bad(f, k+" 类"+PriceLabels[name]+msg)
			}
		}
	}
	check("electricity_yuan_per_kwh", p.ElectricityYuanPerKWh, 10, 4)
	check("water_percent", p.WaterPercent, 1000, 2)
	if msg := fixedProblem(p.WaterBaseYuanPerT, 100, 4, false); msg != "" {
		bad("water_base_yuan_per_t", PriceLabels["water_base_yuan_per_t"]+msg)
	}
	return ps
}

// fixedProblem checks a decimal setting: finite, in range, with at most
// so many decimals.
func fixedProblem(v, max float64, decimals int, zeroOK bool) string {
	num := strconv.FormatFloat(max, 'f', -1, 64)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "不是有效的数字"
	case v < 0 || (!zeroOK && v == 0):
		if zeroOK {
			return "不能为负数"
		}
		return "应大于 0"
	case v > max:
		return "不能超过 " + num
	}
	scale := math.Pow10(decimals)
	if math.Abs(math.Round(v*scale)-v*scale) > 1e-6 {
		return "最多保留" + strconv.Itoa(decimals) + "位小数"
	}
	return ""
}

// surcharge is a class's surcharge per unit of a resource in units of
// 0.0001 yuan. The water surcharge per tonne is the base price times the
// percentage, rounded half up to 0.0001 yuan first (4.00 元 × 15 % = 0.6000).
func (p *PriceSettings) surcharge(c Class, r Resource) uint64 {
	if r == Electricity {
		return uint64(math.Round(p.ElectricityYuanPerKWh[c] * 10_000))
	}
	base := uint64(math.Round(p.WaterBaseYuanPerT * 10_000))
	bp := uint64(math.Round(p.WaterPercent[c] * 100))
	s, _ := finance.MulDiv(base, bp, 10_000)
	return s
}

// ReliefPlan suspends the surcharges of some classes on some resources for
// a period, both days included, within one calendar year.
type ReliefPlan struct {
	Classes   []Class    `json:"classes"`
	Resources []Resource `json:"resources"`
	From      string     `json:"from"`
	To        string     `json:"to"`
}

// Normalize drops repeated classes and resources and returns every rule
// the plan breaks.
func (pl *ReliefPlan) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: field, Message: msg}) }
	if len(pl.Classes) == 0 {
		bad("classes", "请选择暂停加价的等级")
	}
	var classes []Class
	for _, c := range pl.Classes {
		if slices.Contains(classes, c) {
			continue
		}
		classes = append(classes, c)
		if _, ok := ParseClass(string(c)); !ok {
			bad("classes", "未知的等级“"+string(c)+"”，应为 A、B、C、D")
		}
	}
	if len(pl.Resources) == 0 {
		bad("resources", "请选择暂停加价的资源")
	}
	var resources []Resource
	for _, r := range pl.Resources {
		if slices.Contains(resources, r) {
			continue
		}
		resources = append(resources, r)
		if _, ok := ResourceNames[r]; !ok {
			bad("resources", "未知的资源，应为电或水")
		}
	}
	pl.Classes, pl.Resources = classes, resources
	from, errF := time.Parse(time.DateOnly, pl.From)
	if errF != nil {
		bad("from", "开始日期应为 YYYY-MM-DD 格式的有效日期")
	}
	to, errT := time.Parse(time.DateOnly, pl.To)
	if errT != nil {
		bad("to", "结束日期应为 YYYY-MM-DD 格式的有效日期")
	}
	if errF == nil && errT == nil {
		switch {
		case to.Before(from):
			bad("to", "结束日期不能早于开始日期")
		case to.Year() != from.Year():
			bad("to", "起止日期应在同一年内（用量和等级按年度计）")
		}
	}
	return ps
}

// days returns the days of the period, both ends included, and of its
// year. The plan must be normalized.
func (pl *ReliefPlan) days() (days, yearDays int) {
	from, _ := time.Parse(time.DateOnly, pl.From)
	to, _ := time.Parse(time.DateOnly, pl.To)
	jan1 := time.Date(from.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	return int(to.Sub(from).Hours()/24) + 1, int(jan1.AddDate(1, 0, 0).Sub(jan1).Hours() / 24)
}

// Use is what the relief simulation needs of a firm: its class and its
// annual use of each resource.
type Use struct {
	USCC           string
	Town           string
	Class          Class
	ElectricityKWh float64 // whole kWh
	WaterT         float64 // whole tonnes
}

// ReliefItem is one firm's relief.
type ReliefItem struct {
	USCC        string      `json:"uscc"`
	Town        string      `json:"town"`
	Class       Class       `json:"class"`
	Electricity finance.Fen `json:"electricity_yuan"`
	Water       finance.Fen `json:"water_yuan"`
	Relief      finance.Fen `json:"relief_yuan"`
}

// ReliefTotals add up relief over firms.
type ReliefTotals struct {
	Total       finance.Fen `json:"total_yuan"`
	Electricity finance.Fen `json:"electricity_yuan"`
	Water       finance.Fen `json:"water_yuan"`
	Firms       int         `json:"firms"` // firms with any relief
}

func (t *ReliefTotals) add(it *ReliefItem) {
	t.Total += it.Relief
	t.Electricity += it.Electricity
	t.Water += it.Water
	t.Firms++
}

// TownRelief is one town's relief.
type TownRelief struct {
	Town string `json:"town"`
	ReliefTotals
}

// Relief is the outcome of a plan: in total, per town (by town code) and
// per firm (in the order given; firms without relief are left out).
type Relief struct {
	Plan     ReliefPlan `json:"plan"`
	Days     int        `json:"days"`
	YearDays int        `json:"year_days"`
	ReliefTotals
	Towns []TownRelief `json:"towns"`
	Items []ReliefItem `json:"items"`
}

// SimulateRelief works out what suspending the plan's surcharges saves
// each firm: its annual use × the period's share of the year (days of the
// period / days of the year) × the surcharge. Each firm's relief on each
// resource is computed exactly in integers and rounded once to the fen,
// half up; totals are sums of those, so they always add up.
func SimulateRelief(p PriceSettings, plan ReliefPlan, firms []Use) (*Relief, error) {
	ps := append(p.Normalize(), plan.Normalize()...)
	if err := fugong.Invalid(ps); err != nil {
		return nil, err
	}
	days, yearDays := plan.days()
	var rate [5][2]uint64 // by class order and resource: surcharge × days
	for _, c := range plan.Classes {
		for ri, r := range Resources {
			if slices.Contains(plan.Resources, r) {
				rate[c.order()][ri] = p.surcharge(c, r) * uint64(days)
			}
		}
	}
	// relief in fen = use × surcharge (0.0001 元) × days / (yearDays × 100)
	div := uint64(yearDays) * 100
	out := &Relief{Plan: plan, Days: days, YearDays: yearDays, Items: []ReliefItem{}}
	towns := map[string]*ReliefTotals{}
	for i := range firms {
		u := &firms[i]
		if u.Class != "" && u.Class.order() == 0 {
			return nil, fugong.Errorf(fugong.EInvalid, "class", "企业 %s 的等级“%s”应为 A、B、C、D", u.USCC, u.Class)
		}
		r := &rate[u.Class.order()]
		if r[0] == 0 && r[1] == 0 {
			continue
		}
		it := ReliefItem{USCC: u.USCC, Town: u.Town, Class: u.Class}
		for ri, use := range [2]float64{u.ElectricityKWh, u.WaterT} {
			field := [2]string{"electricity_kwh", "water_t"}[ri]
			if msg := checkFigure(&wholeFigure, use); msg != "" {
				return nil, fugong.Errorf(fugong.EInvalid, field, "企业 %s：%s%s", u.USCC, FieldLabels[field], msg)
			}
			fen, ok := finance.MulDiv(uint64(use), r[ri], div)
			if !ok {
				return nil, fugong.Errorf(fugong.EInvalid, field, "企业 %s：%s超出合理范围", u.USCC, FieldLabels[field])
			}
			if ri == 0 {
				it.Electricity = finance.Fen(fen)
			} else {
				it.Water = finance.Fen(fen)
			}
		}
		it.Relief = it.Electricity + it.Water
		if it.Relief == 0 {
			continue
		}
		out.Items = append(out.Items, it)
		out.ReliefTotals.add(&it)
		t := towns[u.Town]
		if t == nil {
			t = &ReliefTotals{}
			towns[u.Town] = t
		}
		t.add(&it)
	}
	out.Towns = make([]TownRelief, 0, len(towns))
	for code, t := range towns {
		out.Towns = append(out.Towns, TownRelief{Town: code, ReliefTotals: *t})
	}
	slices.SortFunc(out.Towns, func(a, b TownRelief) int { return strings.Compare(a.Town, b.Town) })
	return out, nil
}

// wholeFigure is the rule of a use: whole units, not negative.
var wholeFigure = figure{whole: true}

// Surcharge is a class's surcharge per unit of a resource in yuan (per kWh
// of electricity, per tonne of water), as the relief counts it.
func (p *PriceSettings) Surcharge(c Class, r Resource) float64 {
	return float64(p.surcharge(c, r)) / 10_000
}
