package inspect

import (
	"testing"
	"time"

	"fugong"
)

// FuzzParsePeriod: a coverage period asked for any way is refused as
// invalid or is a span of at most MaxPeriodDays days ending no later than
// today. go test runs the seeds; make fuzz runs it longer.
func FuzzParsePeriod(f *testing.F) {
	for _, c := range [][2]string{{"", ""}, {"2020-02-01", ""}, {"", "2020-02-10"}, {"2020-02-10", "2020-02-01"},
		{"2019-02-19", "2020-02-19"}, {"2019-02-18", "2020-02-19"}, {"", "2020-02-21"}, {"9999-12-01", "9999-12-31"},
		{"", "10000-01-01"}, {"0000-01-01", "0000-12-31"}, {"\x00", ""}, {"", "\xff\xfe"}, {"2020-02-30", ""}} {
		f.Add(c[0], c[1])
	}
	now := time.Date(2020, 2, 20, 1, 0, 0, 0, time.UTC) // 09:00 in Ruian
	today := now.In(fugong.Location).Format(DateLayout)
	f.Fuzz(func(t *testing.T, from, to string) {
		p, err := ParsePeriod(from, to, now)
		if err != nil {
			if fugong.ErrorCode(err) != fugong.EInvalid {
				t.Fatalf("%q..%q: %v", from, to, err)
			}
			return
		}
		start, end := p.Bounds()
		if p.To > today || !start.Before(end) || end.Sub(start) > MaxPeriodDays*24*time.Hour {
			t.Fatalf("%q..%q taken as %+v", from, to, p)
		}
		if (from != "" && p.From != from) || (to != "" && p.To != to) {
			t.Fatalf("%q..%q taken as %+v", from, to, p)
		}
	})
}
