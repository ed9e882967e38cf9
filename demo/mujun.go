package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"fugong"
	"fugong/finance"
	"fugong/mujun"
	"fugong/registry"
	"fugong/store"
)

// The demo city's 亩均论英雄 (M9): every firm's figures for 2018 and 2019,
// an evaluation of each year, and the seed's relief scenario sized to
// come out at its 15 million yuan of electricity and 0.5 million of water.
//
// Each firm has a latent efficiency (lognormal) that its indicators follow
// around the published benchmarks, with noise per indicator and a drift
// from 2018 to 2019, so classes move between the years as they do. 2018
// is graded by the guideline's shares (A 25 %, B to 70 %, C to 95 %);
// 2019 by shares that give Ruian's own 2018 proportions (C 33.2 %, C−
// 6.1 % of 6,833: A 20 %, B to 61 %, C to 94 %).

// demoStatistician runs the evaluations, as the statistics group's demo
// account (see ensureUsers).
var demoStatistician = fugong.Actor{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics, GroupLeader: true}

// demoCoordinator records the finance support and the policies.
var demoCoordinator = fugong.Actor{Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}

// ruianShares is the 2019 class rule: Ruian's 2018 proportions.
var ruianShares = mujun.ClassRule{Kind: mujun.ByShare, A: 20, B: 61, C: 94}

// Mean annual electricity of a firm before the class-C total is set: a
// small workshop below designated size, a modest plant above it.
const (
	belowKWh = 75_000
	aboveKWh = 600_000
)

// mujunFigures draws every firm's figures of 2018 and 2019 (start-ups
// that started in 2019 have none for 2018). The draw is seeded.
func mujunFigures(es []registry.Enterprise) (y2018, y2019 []mujun.AnnualData) {
	r := rand.New(rand.NewPCG(2019, 6833))
	ln := func(sigma float64) float64 { return math.Exp(sigma * r.NormFloat64()) }
	round2 := func(v float64) float64 { return math.Round(v*100) / 100 }
	for _, e := range es {
		q := ln(0.45) // the firm's efficiency
		start := 1995 + r.IntN(22)
		utility := r.IntN(400) == 0
		switch p := r.IntN(100); {
		case p < 2:
			start = 2019
		case p < 4:
			start = 2017
		}
		for _, year := range []int{2018, 2019} {
			if start > year {
				continue
			}
			k := q
			if year == 2018 {
				k = q * ln(0.25) // last year's efficiency, before the drift
			}
			land := math.Max(e.LandMu, 0.5)
			staff := float64(max(e.Employees, 3))
			d := mujun.AnnualData{USCC: e.USCC, Year: year, LandMu: land, Staff: staff, StartYear: start, Utility: utility}
			var elec float64
			if e.SizeClass == registry.SizeAbove {
				va := 132.27 * k * ln(0.3) * land / 2.5 // value added, 万元; Ruian's plants are smaller than Huangyan's benchmark
				d.ValueAddedWan = round2(va)
				d.TaxWan = round2(va * 26.01 / 132.27 * ln(0.3))
				d.RevenueWan = round2(va * (3 + 2*r.Float64()))
				d.EnergyTce = round2(va / (2.54 * k * ln(0.3)))
				d.RDWan = round2(d.RevenueWan * 0.0305 * k * ln(0.5) / 4)
				if r.IntN(10) > 0 {
					em := round2(va / (4861.08 * k * ln(0.4)))
					d.EmissionsT = &em
				}
				elec = aboveKWh * ln(0.6)
			} else {
				// Small firms: tax per kWh, the measure they are rated by with
				// tax per mu, follows the firm's efficiency.
				elec = belowKWh * ln(0.6)
				tax := elec * 0.2366 * k * ln(0.3) / 10_000
				d.TaxWan = round2(tax)
				d.ValueAddedWan = round2(tax * 5 * ln(0.2))
				d.RevenueWan = round2(d.ValueAddedWan * 4)
				d.EnergyTce = round2(elec / 8_000)
				d.RDWan = round2(d.RevenueWan * 0.01 * r.Float64())
			}
			d.ElectricityKWh = math.Round(elec)
			d.WaterT = math.Round(elec / (150 + 250*r.Float64()))
			if year == 2018 {
				y2018 = append(y2018, d)
			} else {
				y2019 = append(y2019, d)
			}
		}
	}
	return y2018, y2019
}

// sizeSeedUse sets the 2019 use of the firms the 2019 settings put in
// class C so that together they use mujun.DemoClassCElectricityKWh and
// mujun.DemoClassCWaterT: then the seed's plan relieves them of 15
// million yuan of electricity and 0.5 million of water. Below-scale
// firms are rated on tax per kWh, so their electricity stays as drawn
// (their classes must not move); the above-scale C firms, whose score
// does not use electricity, take the rest in proportion to their draw.
// Water is in no score: all C firms share it in proportion. It returns the
// class-C firms.
func sizeSeedUse(es []registry.Enterprise, y2019 []mujun.AnnualData, set mujun.YearSettings) (int, error) {
	town := map[string]string{}
	size := map[string]string{}
	for _, e := range es {
		town[e.USCC], size[e.USCC] = e.Town, e.SizeClass
	}
	var above, below []mujun.Firm
	var ai, bi []int
	for i, d := range y2019 {
		f := mujun.Firm{Data: d, Town: town[d.USCC]}
		if size[d.USCC] == registry.SizeAbove {
			above, ai = append(above, f), append(ai, i)
		} else {
			below, bi = append(below, f), append(bi, i)
		}
	}
	var cAbove, cAll []int
	var belowKWhC float64
	for g, firms := range [][]mujun.Firm{above, below} {
		group, idx := mujun.Above, ai
		if g == 1 {
			group, idx = mujun.Below, bi
		}
		ev, err := mujun.Evaluate(2019, group, *set.For(group), firms)
		if err != nil {
			return 0, err
		}
		for j, res := range ev.Results {
			if res.Class != mujun.ClassC {
				continue
			}
			cAll = append(cAll, idx[j])
			if group == mujun.Above {
				cAbove = append(cAbove, idx[j])
			} else {
				belowKWhC += y2019[idx[j]].ElectricityKWh
			}
		}
	}
	rest := int64(mujun.DemoClassCElectricityKWh) - int64(belowKWhC)
	if rest <= 0 || len(cAbove) == 0 {
		return 0, fmt.Errorf("demo: the below-scale class-C firms use %.0f kWh, more than the class's %d", belowKWhC, mujun.DemoClassCElectricityKWh)
	}
	weights := make([]float64, len(cAbove))
	for j, i := range cAbove {
		weights[j] = y2019[i].ElectricityKWh
	}
	for j, kwh := range mujun.Apportion(rest, weights) {
		y2019[cAbove[j]].ElectricityKWh = float64(max(kwh, 1))
	}
	weights = make([]float64, len(cAll))
	for j, i := range cAll {
		weights[j] = y2019[i].WaterT
	}
	for j, t := range mujun.Apportion(mujun.DemoClassCWaterT, weights) {
		y2019[cAll[j]].WaterT = float64(t)
	}
	return len(cAll), nil
}

// seedMujun stores the figures, sets 2019's rule and runs both years'
// evaluations as the statistics group would.
func seedMujun(ctx context.Context, db *store.DB, es []registry.Enterprise) error {
	svc := &mujun.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
	set := mujun.DefaultYear(2019)
	set.Above.ClassRule, set.Below.ClassRule = ruianShares, ruianShares
	y2018, y2019 := mujunFigures(es)
	if _, err := sizeSeedUse(es, y2019, set); err != nil {
		return err
	}
	for _, rows := range [][]mujun.AnnualData{y2018, y2019} {
		for i := range rows {
			if ps := rows[i].Normalize(); len(ps) > 0 {
				return fmt.Errorf("demo: figures of %s: %v", rows[i].USCC, ps)
			}
		}
		if err := db.LoadAnnualData(ctx, rows); err != nil {
			return fmt.Errorf("demo: 亩均 figures: %w", err)
		}
	}
	if _, err := svc.SaveYearSettings(ctx, demoStatistician, 2019, func(s *mujun.YearSettings) error {
		*s = set
		return nil
	}); err != nil {
		return err
	}
	if _, err := svc.Evaluate(ctx, demoStatistician, 2018, "2018 年度综合评价"); err != nil {
		return fmt.Errorf("demo: 2018 evaluation: %w", err)
	}
	if _, err := svc.Evaluate(ctx, demoStatistician, 2019, "2019 年度综合评价"); err != nil {
		return fmt.Errorf("demo: 2019 evaluation: %w", err)
	}
	return nil
}

// The finance demo: the report's two batches of key epidemic-prevention
// firms (batch 1: 9 approved; batch 2: 14 being applied for), loans of
// the approved ones under the special re-lending (one above the cap, to
// show the flag), and the city's two policy documents with some grants.

// keyFirmTrades are the trades whose firms apply as key epidemic-
// prevention firms, the protective-suit maker first.
var keyFirmTrades = []string{"防护用品", "医药化工", "食品", "包装印刷"}

// keyFirms picks the firms of the two batches: 9 and 14.
func keyFirms(es []registry.Enterprise) (batch1, batch2 []string) {
	var picked []string
	seen := map[string]bool{}
	if suit, err := firmByName(es, "瑞安市康盾防护用品有限公司"); err == nil {
		picked, seen[suit] = append(picked, suit), true
	}
	for _, trade := range keyFirmTrades {
		for _, e := range es {
			if len(picked) == 23 {
				break
			}
			if e.Industry == trade && !seen[e.USCC] && (e.SizeClass == registry.SizeAbove || trade == "防护用品") {
				picked, seen[e.USCC] = append(picked, e.USCC), true
			}
		}
	}
	for _, e := range es {
		if len(picked) == 23 {
			break
		}
		if e.SizeClass == registry.SizeAbove && !seen[e.USCC] {
			picked, seen[e.USCC] = append(picked, e.USCC), true
		}
	}
	return picked[:9], picked[9:23]
}

// policies are the city's two documents of February 2020 ("三十条",
// "二十五条") with a few of their articles. The seed names the documents;
// the articles here are illustrative of what such packages held
// (rent, tax deferral, job retention, interest subsidy, smart
// transformation), not quotations.
var policies = []struct {
	name, code, issued string
	articles           []finance.Article
}{
	{"瑞安市坚决打赢新冠肺炎疫情防控阻击战政策三十条", "瑞政办发〔2020〕示例1号", "2020-02-08", []finance.Article{
		{No: 3, Title: "减免国有资产房租", Summary: "承租国有资产类经营用房的中小企业，免收 2 月、3 月租金"},
		{No: 7, Title: "延期缴纳税款", Summary: "受疫情影响生产经营困难的企业，可申请延期缴纳税款，最长不超过 3 个月"},
		{No: 12, Title: "稳岗返还", Summary: "不裁员或少裁员的参保企业，返还上年度实际缴纳失业保险费的 50%"},
		{No: 18, Title: "防疫物资生产企业奖励", Summary: "扩产转产防疫物资的企业，按新增设备投入给予补助"},
		{No: 22, Title: "贷款贴息", Summary: "防疫重点保障企业新增贷款，在中央贴息基础上再给予贴息"},
	}},
	{"瑞安市支持企业复工复产二十五条", "瑞政发〔2020〕示例2号", "2020-02-18", []finance.Article{
		{No: 2, Title: "亩均论英雄差别化政策暂停", Summary: "6 月底前暂停执行 C 类企业电价、水价加价"},
		{No: 5, Title: "员工返岗交通补助", Summary: "组织员工包车返岗的企业，给予交通费用补助"},
		{No: 9, Title: "智能化改造追加补助", Summary: "2020 年智能化改造项目在原有补助基础上，按实际投资额追加 5% 补助，最高 300 万元"},
		{No: 14, Title: "社会保险费减免", Summary: "阶段性减免企业基本养老、失业、工伤保险单位缴费"},
	}},
}

func seedFinance(ctx context.Context, db *store.DB, es []registry.Enterprise) error {
	svc := &finance.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
	a := demoCoordinator
	batch1, batch2 := keyFirms(es)
	for _, u := range batch1 {
		app, err := svc.Apply(ctx, a, finance.Application{USCC: u, Batch: 1, Note: "防疫物资生产及民生保供"})
		if err != nil {
			return fmt.Errorf("demo: application: %w", err)
		}
		for _, to := range []finance.Status{finance.Recommended, finance.Approved} {
			if _, err := svc.Move(ctx, a, app.ID, to, ""); err != nil {
				return err
			}
		}
	}
	for i, u := range batch2 {
		app, err := svc.Apply(ctx, a, finance.Application{USCC: u, Batch: 2, Note: "申报中"})
		if err != nil {
			return err
		}
		if i%2 == 0 { // half already put to the province
			if _, err := svc.Move(ctx, a, app.ID, finance.Recommended, ""); err != nil {
				return err
			}
		}
	}
	lenders := []string{"瑞安农商银行", "中国工商银行瑞安支行", "中国农业银行瑞安支行", "中国银行瑞安支行", "浙江瑞安湖商村镇银行"}
	for i, l := range []finance.Loan{
		{PrincipalYuan: 10_000_000, RatePercent: 3.15, Date: "2020-02-05", Days: 365},
		{PrincipalYuan: 5_000_000, RatePercent: 2.56, Date: "2020-02-12", Days: 360},
		{PrincipalYuan: 3_000_000, RatePercent: 2.85, Date: "2020-02-21", Days: 180},
		{PrincipalYuan: 8_000_000, RatePercent: 3.05, Date: "2020-03-02", Days: 365},
		{PrincipalYuan: 2_000_000, RatePercent: 3.6, Date: "2020-03-10", Days: 365}, // above the cap: flagged
		{PrincipalYuan: 6_000_000, RatePercent: 2.5, Date: "2020-03-16", Days: 270},
	} {
		if _, err := svc.AddLoan(ctx, a, finance.LoanInput{USCC: batch1[i], Lender: lenders[i%len(lenders)], Loan: l}); err != nil {
			return fmt.Errorf("demo: loan: %w", err)
		}
	}
	var articles []finance.Article
	for _, p := range policies {
		pol, err := svc.AddPolicy(ctx, a, finance.Policy{Name: p.name, Code: p.code, IssuedOn: p.issued})
		if err != nil {
			return fmt.Errorf("demo: policy: %w", err)
		}
		for _, ar := range p.articles {
			ar.Policy = pol.ID
			ar, err := svc.AddArticle(ctx, a, ar)
			if err != nil {
				return err
			}
			articles = append(articles, ar)
		}
	}
	// Grants: 60 firms across the towns, a few articles each.
	r := rand.New(rand.NewPCG(2020, 30))
	amounts := []float64{5_000, 12_000, 20_000, 36_500, 50_000, 80_000, 150_000}
	for n := 0; n < 60; n++ {
		e := es[r.IntN(len(es))]
		ar := articles[r.IntN(len(articles))]
		amount := amounts[r.IntN(len(amounts))]
		if ar.Title == "智能化改造追加补助" {
			inv := float64(5_000_000 + r.IntN(40)*1_000_000)
			s, err := finance.Smart(finance.DefaultSmartRule, finance.SmartInput{InvestmentYuan: inv})
			if err != nil {
				return err
			}
			amount = s.Extra.Yuan()
		}
		date := fmt.Sprintf("2020-%02d-%02d", 3+r.IntN(2), 1+r.IntN(28))
		if _, err := svc.Grant(ctx, a, finance.GrantInput{USCC: e.USCC, Article: ar.ID, AmountYuan: amount, Date: date}); err != nil {
			return fmt.Errorf("demo: grant: %w", err)
		}
	}
	return nil
}
