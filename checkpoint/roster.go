package checkpoint

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fugong"
	"fugong/people"
)

// Shift is people on duty at a post on Day from Start to End (HH:MM,
// Asia/Shanghai, which keeps no summer time). An End not after Start is on
// the next day: 20:00–08:00 is a night shift, 08:00–08:00 a 24-hour one.
// Shifts may overlap (a handover).
type Shift struct {
	ID     int64    `json:"id"`
	Post   int64    `json:"post"`
	Day    string   `json:"day"`
	Start  string   `json:"start"`
	End    string   `json:"end"`
	People []string `json:"people"`
	Note   string   `json:"note,omitempty"`
}

// MaxShiftPeople bounds the people on one shift.
const MaxShiftPeople = 20

// ShiftLabels are the Chinese labels of a shift's fields.
var ShiftLabels = map[string]string{
	"post":   "卡口",
	"day":    "值班日期",
	"start":  "开始时间",
	"end":    "结束时间",
	"people": "值班人员",
	"note":   "备注",
}

const dayMinutes = 24 * 60

// parseClock reads H:MM or HH:MM as minutes from midnight; 24:00 is
// allowed where allow24 (an end at midnight).
func parseClock(s string, allow24 bool) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(strings.ReplaceAll(s, "：", ":")), ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || h[0] == '+' || h[0] == '-' || m[0] == '+' || m[0] == '-' {
		return 0, false
	}
	switch {
	case hh == 24 && mm == 0 && allow24:
		return dayMinutes, true
	case hh < 0 || hh > 23 || mm < 0 || mm > 59:
		return 0, false
	}
	return hh*60 + mm, true
}

// clock writes minutes from midnight as HH:MM (24:00 for the day's end).
func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// Normalize cleans the shift (times as HH:MM, an end at 24:00 as 00:00
// of the next day, the people trimmed) and returns every rule it breaks.
func (s *Shift) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: ShiftLabels[field] + msg})
	}
	if s.Post <= 0 {
		bad("post", "必填")
	}
	if s.Day = strings.TrimSpace(s.Day); people.AddDays(s.Day, 0) != s.Day || s.Day == "" {
		bad("day", "应为 YYYY-MM-DD 格式的有效日期")
	}
	start, okS := parseClock(s.Start, false)
	if okS {
		s.Start = clock(start)
	} else {
		bad("start", "应为 00:00–23:59 之间的时间，如 08:00")
	}
	if end, ok := parseClock(s.End, true); ok {
		s.End = clock(end % dayMinutes)
	} else {
		bad("end", "应为 00:00–24:00 之间的时间，如 20:00（早于开始时间即为次日）")
	}
	seen := map[string]bool{}
	var names []string
	for _, n := range s.People {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			continue
		case seen[n]:
			bad("people", "中“"+n+"”重复")
			continue
		}
		checkText(bad, "people", n, 50, true)
		seen[n] = true
		names = append(names, n)
	}
	s.People = names
	switch {
	case len(names) == 0:
		bad("people", "必填：至少一人")
	case len(names) > MaxShiftPeople:
		bad("people", "不能超过"+strconv.Itoa(MaxShiftPeople)+"人")
	}
	s.Note = strings.TrimSpace(s.Note)
	checkText(bad, "note", s.Note, 200, false)
	return ps
}

// span is the shift's time in minutes from the start of its day: to is
// after from, and past dayMinutes when the shift runs into the next day.
// ok is false for a shift that is not normalised.
func (s Shift) span() (from, to int, ok bool) {
	from, ok1 := parseClock(s.Start, false)
	to, ok2 := parseClock(s.End, true)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if to <= from {
		to += dayMinutes
	}
	return from, to, true
}

// Interval is a stretch of a day, HH:MM to HH:MM; To is 24:00 for the
// end of the day.
type Interval struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Coverage is a post's duty on one day: Flagged when some of its 24 hours
// have nobody on duty, and those hours (Gaps) in order.
type Coverage struct {
	Post    int64      `json:"post"`
	Day     string     `json:"day"`
	Flagged bool       `json:"flagged"`
	Gaps    []Interval `json:"gaps"`
}

// DayCoverage finds the hours of day that the post's shifts leave without
// anyone on duty. The shifts are the post's of that day and of the day
// before (whose night shifts run into it); other days' and posts', and
// shifts with nobody on them, are ignored. A day with no shift is one gap,
// 00:00–24:00.
func DayCoverage(post int64, day string, shifts []Shift) Coverage {
	type iv struct{ from, to int }
	var cover []iv
	prev := people.AddDays(day, -1)
	for _, s := range shifts {
		from, to, ok := s.span()
		if !ok || s.Post != post || len(s.People) == 0 {
			continue
		}
		switch s.Day {
		case day:
			cover = append(cover, iv{from, min(to, dayMinutes)})
		case prev:
			if to > dayMinutes {
				cover = append(cover, iv{0, to - dayMinutes})
			}
		}
	}
	slices.SortFunc(cover, func(a, b iv) int { return cmp.Compare(a.from, b.from) })
	c := Coverage{Post: post, Day: day, Gaps: []Interval{}}
	at := 0 // covered up to here
	for _, v := range cover {
		if v.from > at {
			c.Gaps = append(c.Gaps, Interval{From: clock(at), To: clock(v.from)})
		}
		at = max(at, v.to)
	}
	if at < dayMinutes {
		c.Gaps = append(c.Gaps, Interval{From: clock(at), To: clock(dayMinutes)})
	}
	c.Flagged = len(c.Gaps) > 0
	return c
}
