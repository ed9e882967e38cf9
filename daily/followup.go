package daily

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// Follow-up kinds: 电话+走访, and a text message.
const (
	KindPhone = "phone"
	KindVisit = "visit"
	KindSMS   = "sms"
)

// KindNames are the Chinese names of the follow-up kinds.
var KindNames = map[string]string{KindPhone: "电话", KindVisit: "走访", KindSMS: "短信"}

// Outcomes of a follow-up.
var OutcomeNames = map[string]string{
	"reached":   "已联系上",
	"promised":  "承诺补报",
	"no_answer": "无人接听",
	"closed":    "企业停产/无人值守",
	"other":     "其他",
}

// Followup is one call or visit to an enterprise that has not reported.
type Followup struct {
	ID         int64      `json:"id"`
	USCC       string     `json:"uscc"`
	Date       string     `json:"date"` // the report day it chases
	Kind       string     `json:"kind"`
	Outcome    string     `json:"outcome"`
	Note       string     `json:"note"`
	PromisedAt *time.Time `json:"promised_at"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
}

// Normalize checks a follow-up and returns the rules it breaks.
func (f *Followup) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	if _, ok := KindNames[f.Kind]; !ok {
		ps = append(ps, fugong.Problem{Field: "kind", Message: "方式应为电话、走访或短信"})
	}
	if _, ok := OutcomeNames[f.Outcome]; !ok {
		ps = append(ps, fugong.Problem{Field: "outcome", Message: "结果应为已联系上、承诺补报、无人接听、企业停产/无人值守或其他"})
	}
	if _, err := ParseDate(f.Date); err != nil {
		ps = append(ps, fugong.Problem{Field: "date", Message: "日期应为 YYYY-MM-DD"})
	}
	f.Note = strings.TrimSpace(f.Note)
	if utf8.RuneCountInString(f.Note) > MaxNoteRunes {
		ps = append(ps, fugong.Problem{Field: "note", Message: "备注不能超过500个字"})
	}
	if f.Outcome == "promised" && f.PromisedAt == nil {
		ps = append(ps, fugong.Problem{Field: "promised_at", Message: "承诺补报须填写承诺时间"})
	}
	return ps
}

// CanFollowUp reports whether the actor chases non-reporters: the town, the
// paired cadre, the statistics group.
func CanFollowUp(a fugong.Actor) bool {
	return a.Role == fugong.RoleTown || a.Role == fugong.RoleCadre || a.WritesFor(ownerGroup)
}

// AddFollowup logs a call or visit to an enterprise in the actor's scope.
func (s *Service) AddFollowup(ctx context.Context, a fugong.Actor, uscc string, f Followup) (Followup, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Followup{}, err
	}
	if !CanFollowUp(a) {
		return Followup{}, fugong.Errorf(fugong.EForbidden, "", "无权登记催报记录")
	}
	if f.Date == "" {
		f.Date = Today(s.Now())
	}
	if err := fugong.Invalid(f.Normalize()); err != nil {
		return Followup{}, err
	}
	if _, err := ParseDay("date", f.Date, s.Now()); err != nil {
		return Followup{}, err
	}
	f.USCC = e.USCC
	return s.Store.AddFollowup(ctx, a, f)
}

// SignOff is a town's confirmation of its day (the 16:00 report to the bureau).
type SignOff struct {
	Town         string    `json:"town"`
	Date         string    `json:"date"`
	Signed       bool      `json:"signed"`
	SignedBy     string    `json:"signed_by"`
	SignedAt     time.Time `json:"signed_at"`
	ReopenedBy   string    `json:"reopened_by,omitempty"`
	ReopenReason string    `json:"reopen_reason,omitempty"`
	// Sent is the town's figures as they were sent to the bureau at the
	// sign-off: later reports change the live counts, never these.
	Sent *Counts `json:"sent,omitempty"`
}

// InAtSignOff reports whether a report was in when the day was signed off
// at signedAt: those are frozen with the sent figures. A report filed after
// the sign-off is marked so (AfterSignOff) unless a later sign-off took it
// in as well.
func InAtSignOff(r Report, signedAt time.Time) bool {
	return !r.AfterSignOff || r.FirstAt.Before(signedAt)
}

// CheckSigned applies the sign-off to a submission: a signed day still
// takes a report that was not in (late, marked as filed after the
// sign-off, afterSignOff true) and corrections of such late reports, but a
// correction of a report that was in at the sign-off needs the town to
// reopen the day first. old is the day's latest version, nil for none.
func CheckSigned(o SignOff, old *Report) (afterSignOff bool, err error) {
	switch {
	case !o.Signed:
		return old != nil && old.AfterSignOff, nil
	case old == nil:
		return true, nil
	case InAtSignOff(*old, o.SignedAt):
		return false, fugong.Errorf(fugong.EConflict, "date", "%s 的日报已由乡镇街道确认上报，修改已上报的数据须先由乡镇街道重新打开", o.Date)
	}
	return true, nil
}

// canSign reports whether the actor signs for town: its own officials, or the admin.
func canSign(a fugong.Actor, town string) error {
	if a.Role == fugong.RoleAdmin || (a.Role == fugong.RoleTown && a.Town == town) {
		return nil
	}
	if a.CityWide() {
		return fugong.Errorf(fugong.EForbidden, "", "只有乡镇街道可以确认本乡镇的日报")
	}
	return fugong.NotFound("乡镇街道")
}

// SignOff confirms a town's day: the town's figures and the reports already
// in are frozen as sent; late reports still come in, marked.
func (s *Service) SignOff(ctx context.Context, a fugong.Actor, town, date string) (SignOff, error) {
	if err := canSign(a, town); err != nil {
		return SignOff{}, err
	}
	if err := CheckDay(date, s.Now(), time.Time{}); err != nil {
		return SignOff{}, err
	}
	return s.Store.SignOff(ctx, a, town, date)
}

// SignOffPreview is what the town is about to sign off: its counts of the
// day (how many have not reported), for the confirmation step. It refuses
// what SignOff would refuse before storing.
func (s *Service) SignOffPreview(ctx context.Context, a fugong.Actor, town, date string) (TownCounts, error) {
	if err := canSign(a, town); err != nil {
		return TownCounts{}, err
	}
	if err := CheckDay(date, s.Now(), time.Time{}); err != nil {
		return TownCounts{}, err
	}
	c, err := s.Completeness(ctx, a, date)
	if err != nil {
		return TownCounts{}, err
	}
	for _, t := range c.Towns {
		if t.Town.Code == town {
			if t.SignedOff {
				return TownCounts{}, fugong.Errorf(fugong.EConflict, "date", "%s 已确认，无需重复确认", date)
			}
			return t, nil
		}
	}
	return TownCounts{}, fugong.NotFound("乡镇街道")
}

// Reopen unlocks a signed day (corrections of the reports that were in
// are taken again); the reason is required and audited.
func (s *Service) Reopen(ctx context.Context, a fugong.Actor, town, date, reason string) (SignOff, error) {
	if err := canSign(a, town); err != nil {
		return SignOff{}, err
	}
	if _, err := ParseDay("date", date, s.Now()); err != nil {
		return SignOff{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > MaxNoteRunes {
		return SignOff{}, fugong.Errorf(fugong.EInvalid, "reason", "重新打开须填写原因（不超过500字）")
	}
	return s.Store.Reopen(ctx, a, town, date, reason)
}
