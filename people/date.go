package people

import (
	"time"

	"fugong"
)

// DateLayout is how a day is written: a civil date in Asia/Shanghai.
const DateLayout = "2006-01-02"

// Today is the day of t in the bureau's time zone.
func Today(t time.Time) string { return t.In(fugong.Location).Format(DateLayout) }

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	return t, err == nil && t.Format(DateLayout) == s
}

// AddDays is the day n days after day (before, for a negative n), or ""
// when day is not a valid YYYY-MM-DD.
func AddDays(day string, n int) string {
	t, ok := parseDay(day)
	if !ok {
		return ""
	}
	return t.AddDate(0, 0, n).Format(DateLayout)
}

// daysBetween is to − from in days, for valid days.
func daysBetween(from, to string) int {
	a, _ := parseDay(from)
	b, _ := parseDay(to)
	return int(b.Sub(a).Hours() / 24)
}
