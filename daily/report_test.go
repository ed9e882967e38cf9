package daily

import (
	"fugong/registry"
	"strings"
	"testing"
	"time"

	"fugong"
)

func TestFiguresRules(t *testing.T) {
	ok := Figures{StaffTotal: 28, StaffInCity: 20, ReturnedToday: 2, PersuadedToday: 3, TicketsRefundedToday: 1,
		HubeiStaff: 2, HubeiContactedToday: 2, Quarantined: 1, Fever: 0, OnDuty: 3, CommitmentSigned: true, Note: " 正常 "}
	if ps := ok.Normalize(); len(ps) != 0 || ok.Note != "正常" {
		t.Fatalf("%v %q", ps, ok.Note)
	}
	tests := []struct {
		name  string
		mut   func(*Figures)
		field string
		text  string
	}{
		{"negative", func(f *Figures) { f.Fever = -1 }, "fever", "不能为负数"},
		{"huge", func(f *Figures) { f.StaffTotal = 2_000_000 }, "staff_total", "超出"},
		{"in city over total", func(f *Figures) { f.StaffInCity = 29 }, "staff_in_city", "职工总数"},
		{"returned over in city", func(f *Figures) { f.ReturnedToday = 21 }, "returned_today", "在瑞人数"},
		{"contacted over hubei", func(f *Figures) { f.HubeiContactedToday = 3 }, "hubei_contacted_today", "湖北籍人数（2）"},
		{"quarantined over total", func(f *Figures) { f.Quarantined = 29 }, "quarantined", "职工总数"},
		{"fever over total", func(f *Figures) { f.Fever = 29 }, "fever", "职工总数"},
		{"on duty over total", func(f *Figures) { f.OnDuty = 29 }, "on_duty", "职工总数"},
		{"hubei over total", func(f *Figures) { f.HubeiStaff = 29; f.HubeiContactedToday = 0 }, "hubei_staff", "职工总数"},
		{"long note", func(f *Figures) { f.Note = strings.Repeat("字", MaxNoteRunes+1) }, "note", "500"},
	}
	for _, tt := range tests {
		f := ok
		tt.mut(&f)
		ps := f.Normalize()
		if len(ps) != 1 || ps[0].Field != tt.field || !strings.Contains(ps[0].Message, tt.text) {
			t.Errorf("%s: %v", tt.name, ps)
		}
	}
	// A negative count reports once per field, not again as "over the limit".
	f := Figures{StaffTotal: -1, StaffInCity: -2}
	if ps := f.Normalize(); len(ps) != 2 {
		t.Errorf("two negatives: %v", ps)
	}
}

func TestDates(t *testing.T) {
	for _, bad := range []string{"2020-02-30", "20200210", "2020-2-10", "", "2020-02-10T00:00:00Z"} {
		if _, err := ParseDate(bad); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("%q accepted", bad)
		}
	}
	// 23:30 UTC on the 9th is already the 10th in Ruian.
	now := time.Date(2020, 2, 9, 23, 30, 0, 0, time.UTC)
	if got := Today(now); got != "2020-02-10" {
		t.Fatalf("Today = %s", got)
	}
	registered := time.Date(2020, 2, 1, 3, 0, 0, 0, fugong.Location)
	if err := CheckDay("2020-02-10", now, registered); err != nil {
		t.Error(err)
	}
	if err := CheckDay("2020-02-11", now, registered); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Error("a future day was accepted")
	}
	if err := CheckDay("2020-01-31", now, registered); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Error("a day before registration was accepted")
	}
}

// TestDaysAskedFor: a day asked about is a date no later than today, and
// a range is bounded, so that nothing walks the calendar past its end.
func TestDaysAskedFor(t *testing.T) {
	now := time.Date(2020, 2, 9, 23, 30, 0, 0, time.UTC) // the 10th in Ruian
	for _, c := range []struct {
		field, day string
		ok         bool
	}{
		{"date", "2020-02-10", true},
		{"date", "2019-02-10", true},
		{"date", "2020-02-11", false},
		{"from", "9999-12-31", false},
		{"to", "10000-01-01", false},
		{"to", "2020-02-30", false},
	} {
		_, err := ParseDay(c.field, c.day, now)
		if c.ok != (err == nil) || (err != nil && (fugong.ErrorCode(err) != fugong.EInvalid || fugong.AsError(err).Field != c.field)) {
			t.Errorf("%s=%s: %v", c.field, c.day, err)
		}
	}
	for _, c := range []struct {
		from, to string
		days     int
		field    string
	}{
		{"2020-02-01", "2020-02-10", 10, ""},
		{"2019-02-10", "2020-02-10", 366, ""},
		{"2019-02-09", "2020-02-10", 0, "to"},
		{"2020-02-10", "2020-02-01", 0, "to"},
		{"2020-02-01", "2020-02-11", 0, "to"},
		{"9999-12-01", "9999-12-31", 0, "to"},
		{"9999-12-01", "2020-02-10", 0, "from"},
		{"2020-02-01", "10000-01-01", 0, "to"},
	} {
		days, err := ParseRange(c.from, c.to, now, MaxTrendDays)
		if c.field == "" && (err != nil || days != c.days) {
			t.Errorf("%s..%s: %d %v, want %d days", c.from, c.to, days, err, c.days)
		}
		if c.field != "" && (fugong.ErrorCode(err) != fugong.EInvalid || fugong.AsError(err).Field != c.field) {
			t.Errorf("%s..%s: %v, want invalid %s", c.from, c.to, err, c.field)
		}
	}
}

func TestDeadline(t *testing.T) {
	d, err := ParseDeadline("16:00")
	if err != nil || d.String() != "16:00" {
		t.Fatal(d, err)
	}
	for _, bad := range []string{"25:00", "4pm", "", "16"} {
		if _, err := ParseDeadline(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	at := func(h, m, s int) time.Time { return time.Date(2020, 2, 10, h, m, s, 0, fugong.Location) }
	if !d.OnTime("2020-02-10", at(16, 0, 0)) || d.OnTime("2020-02-10", at(16, 0, 1)) {
		t.Error("16:00:00 is on time, 16:00:01 is late")
	}
	if !d.OnTime("2020-02-10", at(9, 0, 0).UTC()) {
		t.Error("a UTC time before the deadline")
	}
	if d.OnTime("2020-02-09", at(9, 0, 0)) {
		t.Error("a report for yesterday first sent today is late")
	}
}

func TestCounts(t *testing.T) {
	c := Counts{Expected: 8, Received: 6, OnTime: 4}
	if c.Rate() != 75 || c.OnTimeRate() != 50 || (Counts{}).Rate() != 0 {
		t.Fatal(c.Rate(), c.OnTimeRate())
	}
}

func TestClosedEnterprisesDoNotReport(t *testing.T) {
	if err := checkActive(registry.Enterprise{Name: "甲", Status: registry.StatusClosed}); fugong.ErrorCode(err) != fugong.EConflict {
		t.Fatalf("closed: %v", err)
	}
	if err := checkActive(registry.Enterprise{Status: registry.StatusActive}); err != nil {
		t.Fatal(err)
	}
}

// A form with an unreadable field still shows every other rule it breaks,
// and none about the unreadable one or measured against it.
func TestNormalizeTyped(t *testing.T) {
	f := Figures{StaffTotal: 0, StaffInCity: 10, HubeiStaff: 3, HubeiContactedToday: 4, Fever: -1}
	unread := map[string]string{"staff_total": "职工总数应为整数"}
	got := map[string]string{}
	for _, p := range f.NormalizeTyped(unread) {
		got[p.Field] = p.Message
	}
	want := map[string]string{"hubei_contacted_today": "当日联系湖北籍人数不能超过湖北籍人数（3）", "fever": "发热人数不能为负数"}
	if len(got) != len(want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}
