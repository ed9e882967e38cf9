package finance

import (
	"time"

	"fugong"
)

// The special re-lending rules of 2020 (专项再贷款, DOMAIN.md): a bank lends
// to a listed key epidemic-prevention enterprise at no more than the latest
// 1-year LPR less CapBelowLPR, and the central budget then pays
// SubsidyShare of the rate for up to SubsidyYears from the loan's date.
const (
	CapBelowLPR  = 100 * BasisPoint
	SubsidyShare = 50 // percent
	SubsidyYears = 1
)

// DayBasis is the days of a year in interest: Chinese banks charge the
// annual rate over 360 (日利率 = 年利率 / 360) on the actual days.
const DayBasis = 360

// MaxLoanDays bounds a loan's term: ten years.
const MaxLoanDays = 3660

// Loan is what the interest-subsidy calculator asks: the principal in
// yuan, the loan's annual rate in percent, the date it was made and its
// term in days.
type Loan struct {
	PrincipalYuan float64 `json:"principal_yuan"`
	RatePercent   float64 `json:"rate"`
	Date          string  `json:"date"`
	Days          int     `json:"days"`
}

// LoanLabels are the Chinese names of the calculator's fields.
var LoanLabels = map[string]string{
	"principal_yuan": "贷款本金（元）",
	"rate":           "贷款年利率（%）",
	"date":           "放款日期",
	"days":           "贷款天数",
}

// Subsidy is the calculator's answer.
//
// A loan above the cap is not special re-lending: it is flagged AboveCap
// and gets no subsidy, so its effective rate is its own rate.
type Subsidy struct {
	Principal Fen    `json:"principal_yuan"`
	Rate      Rate   `json:"rate"`
	Date      string `json:"date"`
	Days      int    `json:"days"`
	// LPR is the 1-year LPR in force on the loan's date, published on LPRDate.
	LPR     Rate   `json:"lpr"`
	LPRDate string `json:"lpr_date"`
	// RateCap is LPR − 100 bp, the most a special re-lending loan may cost.
	RateCap  Rate `json:"rate_cap"`
	AboveCap bool `json:"above_cap"`
	// SubsidyRate is the central budget's part of the rate (half of it);
	// EffectiveRate is what the firm pays while the subsidy runs.
	SubsidyRate   Rate `json:"subsidy_rate"`
	EffectiveRate Rate `json:"effective_rate"`
	// SubsidyDays are the loan's days within a year of its date.
	SubsidyDays int `json:"subsidy_days"`
	// Interest is the loan's interest over its days at its rate, Subsidy
	// the central budget's part of it, NetInterest what the firm pays.
	Interest      Fen `json:"interest_yuan"`
	SubsidyAmount Fen `json:"subsidy_yuan"`
	NetInterest   Fen `json:"net_interest_yuan"`
}

// Normalize returns every rule the loan breaks, one message per field.
func (l *Loan) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(f, msg string) { ps = append(ps, fugong.Problem{Field: f, Message: LoanLabels[f] + msg}) }
	if p, msg := ParseYuan(l.PrincipalYuan); msg != "" {
		bad("principal_yuan", msg)
	} else if p == 0 {
		bad("principal_yuan", "应大于 0")
	}
	if _, msg := ParseRate(l.RatePercent); msg != "" {
		bad("rate", msg)
	}
	if _, err := time.Parse(DateLayout, l.Date); err != nil {
		bad("date", "应为 YYYY-MM-DD 格式的有效日期")
	}
	if l.Days < 1 || l.Days > MaxLoanDays {
		bad("days", "应在 1–3660 天之间")
	}
	return ps
}

// Calculate works out the special re-lending subsidy of a loan against an
// LPR table (normalized). Amounts follow the package's rounding rule: the
// interest and the subsidy are each rounded once to the fen, half up, and
// the net interest is their difference.
func Calculate(t LPRTable, l Loan) (Subsidy, error) {
	if err := fugong.Invalid(l.Normalize()); err != nil {
		return Subsidy{}, err
	}
	q, err := t.On(l.Date)
	if err != nil {
		return Subsidy{}, err
	}
	principal, _ := ParseYuan(l.PrincipalYuan)
	rate, _ := ParseRate(l.RatePercent)
	s := Subsidy{Principal: principal, Rate: rate, Date: l.Date, Days: l.Days,
		LPR: q.Rate, LPRDate: q.Date, RateCap: q.Rate - CapBelowLPR}
	s.AboveCap = rate > s.RateCap
	if !s.AboveCap {
		s.SubsidyRate = rate * SubsidyShare / 100 // exact: rates are typed to 0.001 %
		start, _ := time.Parse(DateLayout, l.Date)
		year := int(start.AddDate(SubsidyYears, 0, 0).Sub(start).Hours() / 24)
		s.SubsidyDays = min(l.Days, year)
	}
	s.EffectiveRate = rate - s.SubsidyRate
	s.Interest = interest(principal, rate, l.Days)
	s.SubsidyAmount = interest(principal, s.SubsidyRate, s.SubsidyDays)
	s.NetInterest = s.Interest - s.SubsidyAmount
	return s, nil
}

// interest is principal × rate × days / 360, rounded to the fen, half up.
// The bounds on the inputs (MaxYuan, MaxRatePercent, MaxLoanDays) keep the
// 128-bit product in range.
func interest(p Fen, r Rate, days int) Fen {
	rd, ok := Mul(uint64(r), uint64(days))
	if !ok {
		panic("finance: rate × days overflows")
	}
	f, ok := MulDiv(uint64(p), rd, DayBasis*uint64(Percent)*100)
	if !ok {
		panic("finance: interest overflows")
	}
	return Fen(f)
}
