package finance

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"fugong"
)

// Rate is an annual interest rate in units of 0.0001 percentage point
// (one millionth): 4.15 % is 41500. Rates are typed with at most three
// decimals of a percent, so half of any typed rate (the central subsidy)
// is still exact. In JSON a rate is a number of percent: 1.575.
type Rate int64

// Percent is one percentage point as a Rate; BasisPoint is 0.01 %.
const (
	Percent    Rate = 10_000
	BasisPoint Rate = 100
)

// MaxRatePercent bounds a rate typed in: no loan here costs 100 % a year.
const MaxRatePercent = 100

// ParseRate reads a rate in percent with at most three decimals; the
// message follows the field's name, "" when the rate is good.
func ParseRate(pct float64) (Rate, string) {
	switch {
	case math.IsNaN(pct) || math.IsInf(pct, 0):
		return 0, "不是有效的数字"
	case pct <= 0:
		return 0, "应大于 0"
	case pct > MaxRatePercent:
		return 0, "不能超过 " + strconv.Itoa(MaxRatePercent) + "%"
	}
	n := math.Round(pct * 1000)
	if math.Abs(n-pct*1000) > 1e-6 {
		return 0, "最多保留三位小数"
	}
	return Rate(n) * 10, ""
}

// String writes the rate in percent without trailing zeros: "1.575".
func (r Rate) String() string {
	s := strconv.FormatFloat(float64(r)/float64(Percent), 'f', 4, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Percent returns the rate in percent, for display.
func (r Rate) Percent() float64 { return float64(r) / float64(Percent) }

// MarshalJSON writes the rate as a number of percent.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalJSON reads a number of percent with at most four decimals.
func (r *Rate) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*r = Rate(math.Round(v * float64(Percent)))
	return nil
}

// DateLayout is how dates are written in the API: 2020-02-20.
const DateLayout = time.DateOnly

// LPRQuote is one published 1-year loan prime rate and the date it was
// published, from which it applies until the next one.
type LPRQuote struct {
	Date string `json:"date"`
	Rate Rate   `json:"rate"`
}

// LPRTable is the 1-year LPR history, oldest first. It is data the admin
// keeps: a month's new quote is added to it.
type LPRTable []LPRQuote

// DefaultLPR is the table until the admin changes it: the 1-year LPR as
// published by the National Interbank Funding Center, from December 2019
// (so that a loan dated in January 2020 finds its rate) through the 2020
// values in DOMAIN.md. It stayed at 3.85 % after April 2020 until
// December 2021, so the last quote serves the rest of 2020.
var DefaultLPR = LPRTable{
	{"2019-12-20", 415 * BasisPoint},
	{"2020-01-20", 415 * BasisPoint},
	{"2020-02-20", 405 * BasisPoint},
	{"2020-03-20", 405 * BasisPoint},
	{"2020-04-20", 385 * BasisPoint},
}

// Normalize sorts the table by date and returns every rule it breaks: a
// date that is not a date or comes twice, a rate not above zero or with
// more than two decimals (the LPR is published in basis points). Fields
// are named by position: "lpr[2].rate".
func (t LPRTable) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(i int, field, msg string) {
		ps = append(ps, fugong.Problem{Field: "lpr[" + strconv.Itoa(i) + "]." + field, Message: msg})
	}
	if len(t) == 0 {
		return []fugong.Problem{{Field: "lpr", Message: "LPR 表至少需要一条报价"}}
	}
	for i, q := range t {
		if _, err := time.Parse(DateLayout, q.Date); err != nil {
			bad(i, "date", "报价日期应为 YYYY-MM-DD 格式的有效日期")
		}
		switch {
		case q.Rate <= 0:
			bad(i, "rate", "LPR 应大于 0")
		case q.Rate > MaxRatePercent*Percent:
			bad(i, "rate", "LPR 不能超过 "+strconv.Itoa(MaxRatePercent)+"%")
		case q.Rate%BasisPoint != 0:
			bad(i, "rate", "LPR 最多保留两位小数")
		}
	}
	if len(ps) > 0 {
		return ps
	}
	slices.SortStableFunc(t, func(a, b LPRQuote) int { return strings.Compare(a.Date, b.Date) })
	for i := 1; i < len(t); i++ {
		if t[i].Date == t[i-1].Date {
			bad(i, "date", "报价日期 "+t[i].Date+" 重复")
		}
	}
	return ps
}

// On returns the quote in force on a date (YYYY-MM-DD): the latest
// published on or before it. The table must be normalized (sorted).
func (t LPRTable) On(date string) (LPRQuote, error) {
	if _, err := time.Parse(DateLayout, date); err != nil {
		return LPRQuote{}, fugong.Errorf(fugong.EInvalid, "date", "日期应为 YYYY-MM-DD 格式的有效日期")
	}
	i, found := slices.BinarySearchFunc(t, date, func(q LPRQuote, d string) int { return strings.Compare(q.Date, d) })
	if found {
		return t[i], nil
	}
	if i == 0 {
		return LPRQuote{}, fugong.Errorf(fugong.EInvalid, "date", "LPR 表中没有 %s 当日或之前的报价", date)
	}
	return t[i-1], nil
}
