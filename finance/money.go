// Package finance holds the finance-support part of M9: money in fen, the
// 1-year LPR table and the special re-lending interest-subsidy calculator
// (专项再贷款贴息), the smart-transformation subsidy (智能化技术改造补助) and
// the key epidemic-prevention enterprise applications (国家疫情防控重点保障企业)
// with their allowed status moves.
//
// Rounding rule, for every amount of money in fugong: amounts are integer fen
// (分). A computed amount is worked out exactly in integers (128-bit
// intermediates) from inputs in fixed point and rounded once, to the nearest
// fen with halves rounded up (every amount is non-negative, so "half up" and
// "half away from zero" agree). Totals are sums of the rounded amounts, so a
// total always equals the sum of its lines.
package finance

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
)

// Fen is an amount of money in fen (0.01 元). In JSON it is a number of yuan
// with two decimals.
type Fen int64

// MaxYuan bounds any amount typed in: a trillion yuan is beyond any firm's
// loan or investment, so more is a typing error.
const MaxYuan = 1_000_000_000_000

// Yuan converts whole yuan to fen.
func Yuan(y int64) Fen { return Fen(y * 100) }

// ParseYuan reads an amount in yuan with at most two decimals. The message
// says what is wrong, "" when nothing is; it follows the field's name
// ("贷款本金不能为负数").
func ParseYuan(v float64) (Fen, string) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, "不是有效的数字"
	case v < 0:
		return 0, "不能为负数"
	case v > MaxYuan:
		return 0, "超出合理范围"
	}
	n := math.Round(v * 100)
	if math.Abs(n-v*100) > 1e-6 {
		return 0, "最多保留两位小数"
	}
	return Fen(n), ""
}

// String writes the amount in yuan with two decimals: "1234.50".
func (f Fen) String() string {
	neg := f < 0
	u := uint64(f)
	if neg {
		u = uint64(-f)
	}
	s := strconv.FormatUint(u/100, 10) + "." + strconv.FormatUint(u%100/10, 10) + strconv.FormatUint(u%10, 10)
	if neg {
		return "-" + s
	}
	return s
}

// Yuan returns the amount in yuan, for charts and display only: sums are
// made in fen.
func (f Fen) Yuan() float64 { return float64(f) / 100 }

// MarshalJSON writes the amount as a number of yuan with two decimals.
func (f Fen) MarshalJSON() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalJSON reads a number of yuan with at most two decimals.
func (f *Fen) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	n, msg := ParseYuan(math.Abs(v))
	if msg != "" {
		return errors.New("finance: amount " + string(b) + ": " + msg)
	}
	if v < 0 {
		n = -n
	}
	*f = n
	return nil
}

// MulDiv returns x × y / z rounded to the nearest integer, halves up,
// computed exactly with a 128-bit product. ok is false when z is 0 or the
// quotient does not fit in 64 bits.
func MulDiv(x, y, z uint64) (q uint64, ok bool) {
	if z == 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(x, y)
	if hi >= z {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, z)
	if r >= z-r { // r ≥ z/2 without overflow: round half up
		if q == math.MaxUint64 {
			return 0, false
		}
		q++
	}
	return q, true
}

// Mul returns x × y, ok false on overflow.
func Mul(x, y uint64) (uint64, bool) {
	hi, lo := bits.Mul64(x, y)
	return lo, hi == 0
}
