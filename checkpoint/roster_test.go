package checkpoint

import (
	"slices"
	"strings"
	"testing"
)

func TestShiftNormalize(t *testing.T) {
	s := Shift{Post: 3, Day: today, Start: "8:00", End: "20：00", People: []string{" 薛俊杰 ", "", "林小红"}}
	if ps := s.Normalize(); len(ps) > 0 {
		t.Fatalf("valid shift: %v", ps)
	}
	if s.Start != "08:00" || s.End != "20:00" || !slices.Equal(s.People, []string{"薛俊杰", "林小红"}) {
		t.Errorf("not normalised: %+v", s)
	}
	midnight := Shift{Post: 3, Day: today, Start: "16:00", End: "24:00", People: []string{"薛俊杰"}}
	if ps := midnight.Normalize(); len(ps) > 0 || midnight.End != "00:00" {
		t.Errorf("an end at 24:00: %q %v", midnight.End, ps)
	}
	many := make([]string, MaxShiftPeople+1)
	for i := range many {
		many[i] = "值班员" + string(rune('甲'+i))
	}
	for _, tc := range []struct {
		name string
		edit func(*Shift)
		want map[string]string
	}{
		{"nothing", func(s *Shift) { *s = Shift{} }, map[string]string{"post": "卡口必填", "day": "YYYY-MM-DD",
			"start": "00:00–23:59", "end": "00:00–24:00", "people": "至少一人"}},
		{"bad day", func(s *Shift) { s.Day = "2020-02-30" }, map[string]string{"day": "有效日期"}},
		{"start 24:00", func(s *Shift) { s.Start = "24:00" }, map[string]string{"start": "开始时间"}},
		{"end 24:30", func(s *Shift) { s.End = "24:30" }, map[string]string{"end": "结束时间"}},
		{"minutes 60", func(s *Shift) { s.Start = "08:60" }, map[string]string{"start": "开始时间"}},
		{"signed", func(s *Shift) { s.Start = "+8:00" }, map[string]string{"start": "开始时间"}},
		{"no colon", func(s *Shift) { s.End = "2000" }, map[string]string{"end": "结束时间"}},
		{"nobody", func(s *Shift) { s.People = []string{" ", ""} }, map[string]string{"people": "值班人员必填"}},
		{"twice", func(s *Shift) { s.People = []string{"薛俊杰", "薛俊杰 "} }, map[string]string{"people": "“薛俊杰”重复"}},
		{"crowd", func(s *Shift) { s.People = many }, map[string]string{"people": "不能超过20人"}},
		{"long note", func(s *Shift) { s.Note = strings.Repeat("注", 201) }, map[string]string{"note": "备注不能超过200个字"}},
	} {
		s := Shift{Post: 3, Day: today, Start: "08:00", End: "20:00", People: []string{"薛俊杰"}}
		tc.edit(&s)
		problems(t, tc.name, s.Normalize(), tc.want)
	}
}

func TestDayCoverage(t *testing.T) {
	const yesterday = "2020-02-19"
	shift := func(post int64, day, start, end string) Shift {
		return Shift{Post: post, Day: day, Start: start, End: end, People: []string{"薛俊杰"}}
	}
	gaps := func(pairs ...string) []Interval {
		out := []Interval{}
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, Interval{From: pairs[i], To: pairs[i+1]})
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		shifts []Shift
		gaps   []Interval
	}{
		{"no shift", nil, gaps("00:00", "24:00")},
		{"day and night", []Shift{shift(3, today, "08:00", "20:00"), shift(3, today, "20:00", "08:00"),
			shift(3, yesterday, "20:00", "08:00")}, gaps()},
		{"yesterday's night shift missing", []Shift{shift(3, today, "08:00", "20:00"), shift(3, today, "20:00", "08:00")},
			gaps("00:00", "08:00")},
		{"tonight's missing", []Shift{shift(3, yesterday, "20:00", "08:00"), shift(3, today, "08:00", "20:00")},
			gaps("20:00", "24:00")},
		{"three eights with a late start", []Shift{shift(3, today, "00:00", "08:00"), shift(3, today, "08:30", "16:00"),
			shift(3, today, "16:00", "00:00")}, gaps("08:00", "08:30")},
		{"overlapping handovers", []Shift{shift(3, today, "07:30", "16:30"), shift(3, today, "16:00", "00:30"),
			shift(3, today, "00:00", "08:00"), shift(3, today, "10:00", "12:00")}, gaps()},
		{"a 24-hour shift", []Shift{shift(3, today, "00:00", "00:00")}, gaps()},
		{"a 24-hour shift from 08:00", []Shift{shift(3, today, "08:00", "08:00")}, gaps("00:00", "08:00")},
		{"and yesterday's", []Shift{shift(3, today, "08:00", "08:00"), shift(3, yesterday, "08:00", "08:00")}, gaps()},
		{"several gaps", []Shift{shift(3, today, "06:00", "09:00"), shift(3, today, "12:00", "13:00"),
			shift(3, today, "22:00", "23:59")}, gaps("00:00", "06:00", "09:00", "12:00", "13:00", "22:00", "23:59", "24:00")},
		{"other posts and days ignored", []Shift{shift(4, today, "00:00", "00:00"), shift(3, "2020-02-18", "20:00", "08:00"),
			shift(3, "2020-02-21", "00:00", "00:00"), shift(3, yesterday, "08:00", "20:00")}, gaps("00:00", "24:00")},
		{"nobody on it", []Shift{{Post: 3, Day: today, Start: "00:00", End: "00:00"}}, gaps("00:00", "24:00")},
		{"not normalised", []Shift{shift(3, today, "25:00", "08:00"), shift(3, today, "08:00", "20:00")},
			gaps("00:00", "08:00", "20:00", "24:00")},
	} {
		c := DayCoverage(3, today, tc.shifts)
		if c.Post != 3 || c.Day != today || c.Flagged != (len(tc.gaps) > 0) || !slices.Equal(c.Gaps, tc.gaps) {
			t.Errorf("%s: %+v, want gaps %v", tc.name, c, tc.gaps)
		}
	}
}
