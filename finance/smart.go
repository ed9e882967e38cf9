package finance

import (
	"math"

	"fugong"
)

// SmartRule is the smart-transformation subsidy's policy (智能化技术改造):
// on top of the base subsidy (基础补助) a firm gets ExtraPercent of its
// actual investment, that extra capped at ExtraCapYuan.
type SmartRule struct {
	ExtraPercent float64 `json:"extra_percent"`
	ExtraCapYuan float64 `json:"extra_cap_yuan"`
}

// DefaultSmartRule is the policy in the report: 5 %, at most 3 million yuan.
var DefaultSmartRule = SmartRule{ExtraPercent: 5, ExtraCapYuan: 3_000_000}

// SmartInput is one firm's case: its base subsidy and its actual
// investment, in yuan.
type SmartInput struct {
	BaseYuan       float64 `json:"base_yuan"`
	InvestmentYuan float64 `json:"investment_yuan"`
}

// SmartSubsidy is the answer: the extra and the total, in yuan.
type SmartSubsidy struct {
	Base       Fen  `json:"base"`
	Investment Fen  `json:"investment"`
	Extra      Fen  `json:"extra"`
	Capped     bool `json:"capped"` // the extra hit the cap
	Total      Fen  `json:"total"`
}

// SmartLabels are the Chinese names of the fields.
var SmartLabels = map[string]string{
	"extra_percent":   "追加补助比例（%）",
	"extra_cap_yuan":  "追加补助上限（元）",
	"base_yuan":       "基础补助（元）",
	"investment_yuan": "实际投资额（元）",
}

// Normalize returns every rule the policy breaks.
func (r *SmartRule) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	if _, msg := percentBP(r.ExtraPercent); msg != "" {
		ps = append(ps, fugong.Problem{Field: "extra_percent", Message: SmartLabels["extra_percent"] + msg})
	}
	if _, msg := ParseYuan(r.ExtraCapYuan); msg != "" {
		ps = append(ps, fugong.Problem{Field: "extra_cap_yuan", Message: SmartLabels["extra_cap_yuan"] + msg})
	}
	return ps
}

// Normalize returns every rule the input breaks.
func (in *SmartInput) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	for _, f := range []struct {
		field string
		v     float64
	}{{"base_yuan", in.BaseYuan}, {"investment_yuan", in.InvestmentYuan}} {
		if _, msg := ParseYuan(f.v); msg != "" {
			ps = append(ps, fugong.Problem{Field: f.field, Message: SmartLabels[f.field] + msg})
		}
	}
	return ps
}

// Smart works out the subsidy: extra = investment × percent, rounded to the
// fen half up, then capped; total = base + extra.
func Smart(r SmartRule, in SmartInput) (SmartSubsidy, error) {
	if err := fugong.Invalid(append(r.Normalize(), in.Normalize()...)); err != nil {
		return SmartSubsidy{}, err
	}
	bp, _ := percentBP(r.ExtraPercent)
	capFen, _ := ParseYuan(r.ExtraCapYuan)
	base, _ := ParseYuan(in.BaseYuan)
	inv, _ := ParseYuan(in.InvestmentYuan)
	extra, _ := MulDiv(uint64(inv), uint64(bp), 10_000) // fits: both bounded
	s := SmartSubsidy{Base: base, Investment: inv, Extra: Fen(extra)}
	if s.Extra > capFen {
		s.Extra, s.Capped = capFen, true
	}
	s.Total = s.Base + s.Extra
	return s, nil
}

// percentBP reads a percent in 0–100 with at most two decimals as basis
// points.
func percentBP(v float64) (int64, string) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, "不是有效的数字"
	case v < 0 || v > 100:
		return 0, "应在 0–100 之间"
	}
	n := math.Round(v * 100)
	if math.Abs(n-v*100) > 1e-6 {
		return 0, "最多保留两位小数"
	}
	return int64(n), ""
}
