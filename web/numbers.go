package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Thousands writes a number with a comma between each group of three
// digits (12,345; 1,234.5), as the template func "thousands": large counts
// and amounts are read at a glance. Fractions keep up to two decimals,
// trailing zeros dropped. Anything but a number is written as it is.
func Thousands(v any) string {
	var s string
	switch n := v.(type) {
	case int:
		s = strconv.FormatInt(int64(n), 10)
	case int64:
		s = strconv.FormatInt(n, 10)
	case int32:
		s = strconv.FormatInt(int64(n), 10)
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return fmt.Sprint(n)
		}
		s = strings.TrimRight(strings.TrimRight(strconv.FormatFloat(n, 'f', 2, 64), "0"), ".")
	default:
		return fmt.Sprint(v)
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	if sign != "" && b.String() != "0" {
		return sign + b.String()
	}
	return b.String()
}
