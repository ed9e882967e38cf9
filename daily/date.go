package daily

import (
	"fmt"
	"time"

	"fugong"
	"fugong/settings"
)

// DateLayout is how a report day is written: a civil date in Asia/Shanghai.
const DateLayout = "2006-01-02"

// ParseDate checks a YYYY-MM-DD day.
func ParseDate(s string) (time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, s, fugong.Location)
	if err != nil || d.Format(DateLayout) != s {
		return time.Time{}, fugong.Errorf(fugong.EInvalid, "date", "日期应为 YYYY-MM-DD 格式的有效日期，收到“%s”", s)
	}
	return d, nil
}

// dayLabels name the day parameters in messages.
var dayLabels = map[string]string{"date": "日期", "from": "开始日期", "to": "结束日期"}

// ParseDay checks a day that figures are asked of or given for: a valid
// YYYY-MM-DD date (so no year past 9999) no later than today on now's
// clock, since nothing has happened after it. field names it in the error.
func ParseDay(field, s string, now time.Time) (time.Time, error) {
	label := dayLabels[field]
	if label == "" {
		label = field
	}
	d, err := time.ParseInLocation(DateLayout, s, fugong.Location)
	if err != nil || d.Format(DateLayout) != s {
		return time.Time{}, fugong.Errorf(fugong.EInvalid, field, "%s应为 YYYY-MM-DD 格式的有效日期，收到“%s”", label, s)
	}
	if today := Today(now); s > today {
		return time.Time{}, fugong.Errorf(fugong.EInvalid, field, "%s不能晚于今天（%s），收到“%s”", label, today, s)
	}
	return d, nil
}

// ParseRange checks a span of days [from, to] for a trend: both days
// (ParseDay), from not after to, and at most maxDays days, so that nothing
// walks an unbounded calendar. It returns the number of days.
func ParseRange(from, to string, now time.Time, maxDays int) (int, error) {
	// The end first: a missing start is derived from it.
	t, err := ParseDay("to", to, now)
	if err != nil {
		return 0, err
	}
	f, err := ParseDay("from", from, now)
	if err != nil {
		return 0, err
	}
	days := int(t.Sub(f).Hours()/24+0.5) + 1
	if days < 1 || days > maxDays {
		return 0, fugong.Errorf(fugong.EInvalid, "to", "日期范围应为1至%d天", maxDays)
	}
	return days, nil
}

// Today is the report day of t.
func Today(t time.Time) string { return t.In(fugong.Location).Format(DateLayout) }

// DefaultDeadline is the 16:00 by which towns report to the bureau.
const DefaultDeadline = 16 * time.Hour

// Deadline is the time of day reports are due, as an offset from midnight.
type Deadline time.Duration

// DeadlineConfig is the setting, stored as "HH:MM": the admin's to change.
var DeadlineConfig = settings.Setting[Deadline]{
	Key: "report_deadline", Default: Deadline(DefaultDeadline),
	Encode: Deadline.String, Decode: ParseDeadline,
	Forbidden: "只有系统管理员可以修改截止时间",
}

// ParseDeadline reads "HH:MM".
func ParseDeadline(s string) (Deadline, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fugong.Errorf(fugong.EInvalid, "deadline", "截止时间应为 HH:MM，如 16:00")
	}
	return Deadline(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute), nil
}

func (d Deadline) String() string {
	return fmt.Sprintf("%02d:%02d", time.Duration(d)/time.Hour, time.Duration(d)%time.Hour/time.Minute)
}

// At is the deadline on day (YYYY-MM-DD).
func (d Deadline) At(day string) time.Time {
	t, _ := time.ParseInLocation(DateLayout, day, fugong.Location)
	return t.Add(time.Duration(d))
}

// OnTime reports whether a report first submitted at first is on time for day.
func (d Deadline) OnTime(day string, first time.Time) bool {
	return !first.After(d.At(day))
}

// CheckDay refuses a report day in the future or before the enterprise was
// registered (its record's creation day).
func CheckDay(day string, now, registered time.Time) error {
	if _, err := ParseDate(day); err != nil {
		return err
	}
	if day > Today(now) {
		return fugong.Errorf(fugong.EInvalid, "date", "不能填报未来日期（%s）", day)
	}
	if !registered.IsZero() && day < Today(registered) {
		return fugong.Errorf(fugong.EInvalid, "date", "%s 早于企业登记日期 %s", day, Today(registered))
	}
	return nil
}
