package inspect

import (
	"testing"
	"time"

	"fugong"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2020, 2, 20, 1, 0, 0, 0, time.UTC) // 09:00 in 瑞安
	for _, c := range []struct {
		from, to         string
		wantFrom, wantTo string
		field            string
	}{
		{"", "", "2020-01-22", "2020-02-20", ""},
		{"2020-02-01", "", "2020-02-01", "2020-02-20", ""},
		{"", "2020-02-10", "2020-01-12", "2020-02-10", ""},
		{"2020-02-10", "2020-02-10", "2020-02-10", "2020-02-10", ""},
		{"2019-02-19", "2020-02-19", "2019-02-19", "2020-02-19", ""}, // 366 days
		{"2019-02-18", "2020-02-19", "", "", "from"},                 // 367
		{"2020-02-11", "2020-02-10", "", "", "from"},
		{"2020-02-30", "", "", "", "from"},
		{"", "20200210", "", "", "to"},
		// No visit happens after today, nor past the calendar's end.
		{"", "2020-02-21", "", "", "to"},
		{"9999-12-01", "9999-12-31", "", "", "to"},
		{"", "10000-01-01", "", "", "to"},
	} {
		p, err := ParsePeriod(c.from, c.to, now)
		if c.field != "" {
			if fugong.ErrorCode(err) != fugong.EInvalid || fugong.AsError(err).Field != c.field {
				t.Errorf("%q..%q: %v, want invalid %s", c.from, c.to, err, c.field)
			}
			continue
		}
		if err != nil || p.From != c.wantFrom || p.To != c.wantTo {
			t.Errorf("%q..%q: %+v %v, want %s..%s", c.from, c.to, p, err, c.wantFrom, c.wantTo)
		}
	}
	start, end := Period{"2020-02-10", "2020-02-11"}.Bounds()
	if !start.Equal(time.Date(2020, 2, 9, 16, 0, 0, 0, time.UTC)) || !end.Equal(time.Date(2020, 2, 11, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("bounds %v %v: want Shanghai midnights", start, end)
	}
}

func TestSummarise(t *testing.T) {
	p := Period{"2020-02-01", "2020-02-07"}
	total := map[string]int{"330381101": 10, "330381010": 4, "330381001": 5}
	visited := map[string]int{"330381101": 10, "330381010": 2, "330381001": 6, "330381999": 3}
	c := Summarise(p, visited, total)
	if len(c.Towns) != 3 {
		t.Fatalf("%d towns, want the 3 with enterprises", len(c.Towns))
	}
	if c.City != (Area{Visited: 17, Total: 19}) {
		t.Errorf("city %+v, want 17 of 19 (a town's visits capped at its total)", c.City)
	}
	if c.FullTowns() != 2 {
		t.Errorf("%d full towns, want 2", c.FullTowns())
	}
	if c.Towns[0].Town.Code != "330381001" || c.Towns[2].Town.Code != "330381101" {
		t.Errorf("towns out of the registry's order: %v", c.Towns)
	}
	if (Area{}).Full() || (Area{}).Rate() != 0 || (Area{Visited: 1, Total: 4}).Rate() != 25 {
		t.Error("area rate or full wrong")
	}
}

func TestDuties(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2020, 2, d, 10, 0, 0, 0, fugong.Location) }
	at := func(d int) *time.Time { v := day(d); return &v }
	now := day(20)
	ps := []Pairing{
		{Cadre: "a", USCC: "1", Since: day(1), LastVisit: at(15)},  // due 22: fine
		{Cadre: "a", USCC: "2", Since: day(1), LastVisit: at(10)},  // due 17: behind
		{Cadre: "a", USCC: "3", Since: day(1)},                     // never visited, due 8: behind
		{Cadre: "b", USCC: "4", Since: day(16)},                    // new pairing, due 23: fine
		{Cadre: "b", USCC: "5", Since: day(1), LastVisit: at(13)},  // due exactly 20 10:00: not yet
		{Cadre: "c", USCC: "6", Since: day(10), LastVisit: at(12)}, // due 19: behind
	}
	ds := Duties(ps, now, 7)
	if len(ds) != 3 || ds[0].Cadre != "a" || ds[1].Cadre != "c" || ds[2].Cadre != "b" {
		t.Fatalf("order %+v, want a (2 behind), c (1), b (0)", ds)
	}
	if ds[0].Paired != 3 || len(ds[0].Overdue) != 2 || ds[0].Overdue[0].USCC != "3" || ds[0].Overdue[1].USCC != "2" {
		t.Errorf("cadre a: %+v, want 3 paired, overdue 3 then 2", ds[0])
	}
	if len(ds[2].Overdue) != 0 || ds[2].Paired != 2 {
		t.Errorf("cadre b: %+v", ds[2])
	}
}
