package daily

import (
	"testing"
	"time"

	"fugong"
)

// The fuzzers of the days and times people ask about. go test runs the
// seeds; make fuzz runs each longer.

// fuzzNow is the fuzzers' today: 2020-02-10 in Ruian.
var fuzzNow = time.Date(2020, 2, 10, 9, 0, 0, 0, fugong.Location)

// days are real and hostile days to seed with.
var days = []string{"2020-02-10", "2020-02-09", "2019-02-10", "2020-02-11", "2020-02-29", "2021-02-29", "2020-2-10",
	"20200210", "2020/02/10", "2020-02-10T00:00:00Z", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01",
	"-001-01-01", "+2020-02-10", "２０２０-02-10", "", " ", "\x00", "2020-02-10\x00", "\xff\xfe", "9223372036854775807"}

func FuzzParseDay(f *testing.F) {
	for _, d := range days {
		f.Add("date", d)
	}
	f.Add("from", "2020-02-01")
	f.Add("to\x00", "9999-12-31")
	f.Fuzz(func(t *testing.T, field, s string) {
		d, err := ParseDay(field, s, fuzzNow)
		if err != nil {
			if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid || e.Field != field {
				t.Fatalf("%q: %v, want invalid %q", s, err, field)
			}
			return
		}
		// A day taken is written as it came, and is no later than today.
		if d.Format(DateLayout) != s || s > Today(fuzzNow) || d.After(fuzzNow) {
			t.Fatalf("%q taken as %v", s, d)
		}
		if _, err := ParseDate(s); err != nil {
			t.Fatalf("%q: a day taken is not a date: %v", s, err)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	for _, d := range days {
		f.Add("2020-02-01", d)
		f.Add(d, "2020-02-10")
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		n, err := ParseRange(from, to, fuzzNow, MaxTrendDays)
		if err != nil {
			if fugong.ErrorCode(err) != fugong.EInvalid {
				t.Fatalf("%q..%q: %v", from, to, err)
			}
			return
		}
		// A range taken has its days, ending no later than today: walking
		// it from its start reaches its end.
		if n < 1 || n > MaxTrendDays || to > Today(fuzzNow) {
			t.Fatalf("%q..%q: %d days", from, to, n)
		}
		f, _ := ParseDate(from)
		if got := f.AddDate(0, 0, n-1).Format(DateLayout); got != to {
			t.Fatalf("%q..%q: %d days end on %s", from, to, n, got)
		}
	})
}

func FuzzParseDeadline(f *testing.F) {
	for _, s := range []string{"16:00", "09:30", "23:59", "24:00", "16:60", "1600", "4:00", "16:00:00", "", "\x00", "\xff", "-1:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDeadline(s)
		if err != nil {
			if fugong.ErrorCode(err) != fugong.EInvalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if d < 0 || time.Duration(d) >= 24*time.Hour {
			t.Fatalf("%q taken as %v", s, time.Duration(d))
		}
		if again, err := ParseDeadline(d.String()); err != nil || again != d {
			t.Fatalf("%q: %s reads back as %v (%v)", s, d, again, err)
		}
	})
}
