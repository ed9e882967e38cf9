// Package daily holds the enterprises' daily epidemic report (M2, 日日报):
// its fields and cross-field rules, on-time judgement against the deadline,
// completeness per town, the follow-ups of non-reporters and the towns'
// sign-off of their day.
package daily

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// Figures are what an enterprise reports for one day. Counts are people.
type Figures struct {
	StaffTotal           int    `json:"staff_total"`
	StaffInCity          int    `json:"staff_in_city"`
	ReturnedToday        int    `json:"returned_today"`
	PersuadedToday       int    `json:"persuaded_today"`
	TicketsRefundedToday int    `json:"tickets_refunded_today"`
	HubeiStaff           int    `json:"hubei_staff"`
	HubeiContactedToday  int    `json:"hubei_contacted_today"`
	Quarantined          int    `json:"quarantined"`
	Fever                int    `json:"fever"`
	OnDuty               int    `json:"on_duty"`
	CommitmentSigned     bool   `json:"commitment_signed"`
	Note                 string `json:"note"`
}

// Report is the latest version of an enterprise's report for a day.
type Report struct {
	USCC string `json:"uscc"`
	Date string `json:"date"` // YYYY-MM-DD, Asia/Shanghai
	Figures
	Version     int       `json:"version"`
	SubmittedAt time.Time `json:"submitted_at"` // of this version
	SubmittedBy string    `json:"submitted_by"`
	// FirstAt is when the day's first version came in: it decides on_time,
	// so a correction after the deadline does not make a report late.
	FirstAt time.Time `json:"first_submitted_at"`
	OnTime  bool      `json:"on_time"`
	// AfterSignOff: the day's first version came in after the town had
	// signed the day off, so it is not in the figures sent to the bureau.
	AfterSignOff bool `json:"late_after_signoff"`
	// Cumulative figures since the first report, derived, never typed.
	ReturnedTotal  int `json:"returned_total"`
	PersuadedTotal int `json:"persuaded_total"`
	RefundedTotal  int `json:"tickets_refunded_total"`
}

// MaxNoteRunes bounds the free-text note.
const MaxNoteRunes = 500

// maxCount bounds any count: no enterprise in the city has a million staff.
const maxCount = 1_000_000

// FieldLabels are the Chinese names of the report fields.
var FieldLabels = map[string]string{
	"staff_total":            "职工总数",
	"staff_in_city":          "在瑞人数",
	"returned_today":         "当日返温人数",
	"persuaded_today":        "当日劝返人数",
	"tickets_refunded_today": "当日劝退票人数",
	"hubei_staff":            "湖北籍人数",
	"hubei_contacted_today":  "当日联系湖北籍人数",
	"quarantined":            "隔离人数",
	"fever":                  "发热人数",
	"on_duty":                "值守人数",
	"commitment_signed":      "已签承诺书",
	"note":                   "备注",
}

// CountFields lists the count fields in form order.
var CountFields = []string{"staff_total", "staff_in_city", "returned_today", "persuaded_today",
	"tickets_refunded_today", "hubei_staff", "hubei_contacted_today", "quarantined", "fever", "on_duty"}

// Counts returns the count fields by name, in CountFields order.
func (f *Figures) Counts() []*int {
	return []*int{&f.StaffTotal, &f.StaffInCity, &f.ReturnedToday, &f.PersuadedToday,
		&f.TicketsRefundedToday, &f.HubeiStaff, &f.HubeiContactedToday, &f.Quarantined, &f.Fever, &f.OnDuty}
}

// Normalize trims the note and returns every rule the figures break, one
// message per field.
func (f *Figures) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		for _, p := range ps {
			if p.Field == field {
				return
			}
		}
		ps = append(ps, fugong.Problem{Field: field, Message: FieldLabels[field] + msg})
	}
	for i, c := range f.Counts() {
		switch {
		case *c < 0:
			bad(CountFields[i], "不能为负数")
		case *c > maxCount:
			bad(CountFields[i], "超出合理范围")
		}
	}
	atMost := func(field string, v int, limitField string, limit int) {
		for _, p := range ps {
			if p.Field == limitField {
				return // the limit is itself wrong: one message is enough
			}
		}
		if v > limit {
			bad(field, "不能超过"+FieldLabels[limitField]+"（"+strconv.Itoa(limit)+"）")
		}
	}
	atMost("staff_in_city", f.StaffInCity, "staff_total", f.StaffTotal)
	atMost("returned_today", f.ReturnedToday, "staff_in_city", f.StaffInCity)
	atMost("persuaded_today", f.PersuadedToday, "staff_total", f.StaffTotal)
	atMost("tickets_refunded_today", f.TicketsRefundedToday, "staff_total", f.StaffTotal)
	atMost("hubei_staff", f.HubeiStaff, "staff_total", f.StaffTotal)
	atMost("hubei_contacted_today", f.HubeiContactedToday, "hubei_staff", f.HubeiStaff)
	atMost("quarantined", f.Quarantined, "staff_total", f.StaffTotal)
	atMost("fever", f.Fever, "staff_total", f.StaffTotal)
	atMost("on_duty", f.OnDuty, "staff_total", f.StaffTotal)
	f.Note = strings.TrimSpace(f.Note)
	if !utf8.ValidString(f.Note) {
		bad("note", "含有无效字符")
	} else if utf8.RuneCountInString(f.Note) > MaxNoteRunes {
		bad("note", "不能超过"+strconv.Itoa(MaxNoteRunes)+"个字")
	}
	return ps
}

// NormalizeTyped is Normalize for a form some of whose fields could not be
// read (unread, by field): the rules that involve them are left out, so
// that every other problem of the form shows at once, each beside its
// field, rather than after the unreadable ones are fixed.
func (f *Figures) NormalizeTyped(unread map[string]string) []fugong.Problem {
	g := *f
	// An unread count stands at the top of its range: it bounds nothing
	// and nothing bounds it.
	for i, c := range g.Counts() {
		if _, ok := unread[CountFields[i]]; ok {
			*c = maxCount
		}
	}
	var out []fugong.Problem
	for _, p := range g.Normalize() {
		if _, ok := unread[p.Field]; !ok {
			out = append(out, p)
		}
	}
	return out
}
