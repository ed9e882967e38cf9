package mujun

import (
	"cmp"
	"math"
	"slices"

	"fugong"
	"fugong/finance"
)

// The seed's relief scenario: suspending class C's electricity and water
// surcharges until the end of June 2020 was estimated to save firms about
// 15 million yuan of electricity and 0.5 million yuan of water.
const (
	SeedElectricityYuan = 15_000_000
	SeedWaterYuan       = 500_000
)

// SeedPlan is that scenario as a plan: class C, electricity and water,
// 2020-02-01 to 2020-06-30 (151 of 2020's 366 days).
func SeedPlan() ReliefPlan {
	return ReliefPlan{Classes: []Class{ClassC}, Resources: []Resource{Electricity, Water},
		From: "2020-02-01", To: "2020-06-30"}
}

// The demo city's annual use by its class-C firms together, so that the
// seed plan under the default prices gives the seed's figures: from
// AnnualUseFor (TestSeedRelief keeps them in step).
//
//	electricity: 15,000,000 yuan ÷ (151/366 × 0.10 yuan/kWh) = 363,576,159 kWh
//	water:          500,000 yuan ÷ (151/366 × 4.00 yuan/t × 15 %) = 2,019,868 t
//
// Spread over the demo's ~1,700 class-C firms (25 % of 6,834) that is
// about 213,000 kWh and 1,180 t a firm a year, small firms' figures.
const (
	DemoClassCElectricityKWh = 363_576_159
	DemoClassCWaterT         = 2_019_868
)

// AnnualUseFor is the relief simulation turned round: the annual use of
// a resource, in whole units, that a class's firms together need for the
// plan to relieve them of target on it (target ÷ (share of the year ×
// surcharge), rounded to the nearest unit).
func AnnualUseFor(p PriceSettings, plan ReliefPlan, c Class, r Resource, target finance.Fen) (int64, error) {
	if err := fugong.Invalid(append(p.Normalize(), plan.Normalize()...)); err != nil {
		return 0, err
	}
	if !slices.Contains(plan.Classes, c) || !slices.Contains(plan.Resources, r) {
		return 0, fugong.Errorf(fugong.EInvalid, "classes", "方案不暂停 %s 类企业的%s价加价", c, ResourceNames[r])
	}
	days, yearDays := plan.days()
	s := p.surcharge(c, r)
	if s == 0 || target < 0 {
		return 0, fugong.Errorf(fugong.EInvalid, "resources", "%s 类企业没有%s价加价", c, ResourceNames[r])
	}
	use, ok := finance.MulDiv(uint64(target), uint64(yearDays)*100, s*uint64(days))
	if !ok {
		return 0, fugong.Errorf(fugong.EInvalid, "target", "目标金额超出合理范围")
	}
	return int64(use), nil
}

// Apportion splits a whole total in proportion to weights (non-negative,
// not all zero) into whole parts that add up to it exactly: each part is
// rounded down and the units left over go to the largest remainders
// (Hamilton's method). The demo generator spreads a class's use over its
// firms with it.
func Apportion(total int64, weights []float64) []int64 {
	parts := make([]int64, len(weights))
	var sum float64
	for _, w := range weights {
		sum += w
	}
	if total <= 0 || sum <= 0 {
		return parts
	}
	type rest struct {
		frac float64
		i    int
	}
	rests := make([]rest, len(weights))
	var given int64
	for i, w := range weights {
		exact := float64(total) * w / sum
		parts[i] = int64(math.Floor(exact))
		given += parts[i]
		rests[i] = rest{exact - math.Floor(exact), i}
	}
	slices.SortFunc(rests, func(a, b rest) int { return cmp.Or(cmp.Compare(b.frac, a.frac), cmp.Compare(a.i, b.i)) })
	for j := 0; given < total; j = (j + 1) % len(rests) {
		parts[rests[j].i]++
		given++
	}
	for j := 0; given > total; j = (j + 1) % len(rests) { // float error on huge totals
		if parts[rests[len(rests)-1-j].i] > 0 {
			parts[rests[len(rests)-1-j].i]--
			given--
		}
	}
	return parts
}
