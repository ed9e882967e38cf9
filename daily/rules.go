package daily

import (
	"context"
	"time"

	"fugong"
	"fugong/registry"
)

// The rules the API, the pages and the command line share: who sees the
// daily report, who loads it by the sheet, who signs a town's day off and
// reopens it, which day may be asked for, what a form starts with.

// HasScope reports whether the actor's scope is a set of enterprises whose
// completeness means something: the city, a town, a cadre's enterprises.
// The clerk has their own report instead; a checkpoint has neither.
func HasScope(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown, fugong.RoleCadre:
		return true
	}
	return false
}

// CanBatchReport reports whether the actor loads reports by the sheet from
// the pages: the town and the statistics group, who collect them by phone.
// (Import itself takes any actor who may report, as the API always has.)
func CanBatchReport(a fugong.Actor) bool {
	return a.Role == fugong.RoleTown || a.WritesFor(ownerGroup)
}

// CanSignOff reports whether the actor may sign off town's day: its own
// officials, or the admin.
func CanSignOff(a fugong.Actor, town string) bool { return canSign(a, town) == nil }

// CanReopen reports whether the actor may reopen town's signed day: the
// same people who may sign it off.
func CanReopen(a fugong.Actor, town string) bool { return canSign(a, town) == nil }

// OffersSignOff reports whether the pages offer the actor the sign-off of
// town's day: its own officials. The admin may sign off for a town (the
// API), but it is the town's confirmation, and the pages leave it to them.
func OffersSignOff(a fugong.Actor, town string) bool {
	return a.Role == fugong.RoleTown && a.Town == town
}

// Today is the report day now, on the service's clock.
func (s *Service) Today() string { return Today(s.Now()) }

// Enterprise reads an enterprise in the actor's scope.
func (s *Service) Enterprise(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	return s.Registry.Get(ctx, a, uscc)
}

// PageDay reads a page's ?date=: today when absent; a bad or future day is
// replaced by today, with the problem to show.
func PageDay(date string, now time.Time) (day, problem string) {
	today := Today(now)
	if date == "" {
		return today, ""
	}
	if _, err := ParseDate(date); err != nil {
		return today, fugong.AsError(err).Message + "，已显示今天"
	}
	if date > today {
		return today, "不能查看未来日期，已显示今天"
	}
	return date, ""
}

// Day is what is known of an enterprise's report for a day.
type Day struct {
	E        registry.Enterprise
	Date     string
	Today    string
	Deadline Deadline
	Latest   *Report  // the latest version with its totals; nil before the first
	Versions []Report // oldest first
	SignOff  SignOff  // the town's sign-off of the day (zero when never signed)
}

// Day reads an enterprise in the actor's scope and its report of a day:
// the versions, the latest with its totals, the town's sign-off. A day
// after today is refused: nobody reports or reads the future.
func (s *Service) Day(ctx context.Context, a fugong.Actor, uscc, date string) (Day, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Day{}, err
	}
	if _, err := ParseDate(date); err != nil {
		return Day{}, err
	}
	d := Day{E: e, Date: date, Today: s.Today()}
	if date > d.Today {
		return Day{}, fugong.Errorf(fugong.EInvalid, "date", "不能填报或查看未来日期（%s）的日报", date)
	}
	if d.Deadline, err = s.Deadline(ctx); err != nil {
		return Day{}, err
	}
	if d.Versions, err = s.Versions(ctx, a, e.USCC, date); err != nil {
		return Day{}, err
	}
	if len(d.Versions) > 0 {
		r, err := s.Get(ctx, a, e.USCC, date)
		if err != nil {
			return Day{}, err
		}
		d.Latest = &r
	}
	d.SignOff, err = s.Store.SignOffOf(ctx, e.Town, date)
	if err != nil && fugong.ErrorCode(err) != fugong.ENotFound {
		return Day{}, err
	}
	return d, nil
}

// Locked reports whether the enterprise's report of the day is frozen by
// the town's sign-off: it was in when the day was signed. A firm that had
// not reported still may, late.
func (d Day) Locked() bool {
	_, err := CheckSigned(d.SignOff, d.Latest)
	return err != nil
}

// Late reports whether the enterprise's report came in after the town's
// sign-off (and is not in the figures sent).
func (d Day) Late() bool {
	if d.Latest == nil || !d.Latest.AfterSignOff {
		return false
	}
	return !d.SignOff.Signed || !InAtSignOff(*d.Latest, d.SignOff.SignedAt)
}

// TodayFields are the movements of one day: a form prefilled from an
// earlier day starts them at 0, so yesterday's returns are not counted twice.
var TodayFields = map[string]bool{"returned_today": true, "persuaded_today": true,
	"tickets_refunded_today": true, "hubei_contacted_today": true}

// Prefill is what a day's form starts with: the latest version; else the
// enterprise's last earlier report (from is its day) with the day's
// movements at 0 and no note; else nothing (ok false).
func (s *Service) Prefill(ctx context.Context, d Day) (f Figures, from string, ok bool, err error) {
	if d.Latest != nil {
		return d.Latest.Figures, "", true, nil
	}
	last, err := s.Store.LastReport(ctx, d.E.USCC, d.Date)
	switch {
	case fugong.ErrorCode(err) == fugong.ENotFound:
		return Figures{}, "", false, nil
	case err != nil:
		return Figures{}, "", false, err
	}
	f = last.Figures
	for i, c := range f.Counts() {
		if TodayFields[CountFields[i]] {
			*c = 0
		}
	}
	f.Note = ""
	return f, last.Date, true, nil
}

// Incomplete is how a report with counts left out (missing, in
// CountFields order) is refused: as Submit would refuse a bad one, in the
// same order: out of scope, not allowed, a bad day, then every field
// problem (the rules the given figures break first, then the missing counts).
func (s *Service) Incomplete(ctx context.Context, a fugong.Actor, uscc, date string, f Figures, missing []fugong.Problem) error {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return err
	}
	if !CanReport(a) {
		return fugong.Errorf(fugong.EForbidden, "", "无权填报日报")
	}
	if err := CheckDay(date, s.Now(), e.CreatedAt); err != nil {
		return err
	}
	var ps []fugong.Problem
	isMissing := map[string]bool{}
	for _, p := range missing {
		isMissing[p.Field] = true
	}
	for _, p := range f.Normalize() {
		if !isMissing[p.Field] {
			ps = append(ps, p)
		}
	}
	return fugong.Invalid(append(ps, missing...))
}

// TemplateFor is the batch-entry template's day (today when date is "";
// not after today) and its rows: the active enterprises in the actor's
// scope, of town if given.
func (s *Service) TemplateFor(ctx context.Context, a fugong.Actor, date, town string) (string, []registry.Enterprise, error) {
	if date == "" {
		date = s.Today()
	}
	if _, err := ParseDay("date", date, s.Now()); err != nil {
		return "", nil, err
	}
	var es []registry.Enterprise
	err := s.Registry.Each(ctx, a, registry.Filter{Town: town, Status: registry.StatusActive},
		func(e registry.Enterprise) error {
			es = append(es, e)
			return nil
		})
	return date, es, err
}

// ReadRows reads the rows of a file of reports, date the day of rows that
// have none (the sheet package's ReadReports over the file).
type ReadRows func(date string) ([]ImportRow, error)

// ImportFile loads a file of reports, the one way the API, the pages and
// the command line do: date (YYYY-MM-DD, or "" for none) is checked
// before the file is read by read, whose error is returned as it is; then
// the rows are checked and stored as Import does, progress (if not nil)
// told as they are.
func (s *Service) ImportFile(ctx context.Context, a fugong.Actor, date string, read ReadRows, skipBad bool, progress func(done, total int)) (ImportResult, error) {
	if date != "" {
		if _, err := ParseDate(date); err != nil {
			return ImportResult{}, err
		}
	}
	rows, err := read(date)
	if err != nil {
		return ImportResult{}, err
	}
	return s.ImportProgress(ctx, a, rows, skipBad, progress)
}
