package pairing

import (
	"context"
	"strconv"
	"strings"

	"fugong"
	"fugong/settings"
)

// The expected interval between two visits of a cadre to each of their
// enterprises: a week unless the admin sets otherwise.
const (
	DefaultVisitInterval = 7
	MinVisitInterval     = 1
	MaxVisitInterval     = 90
)

// visitIntervalKey is the setting's key in the settings table.
const visitIntervalKey = "visit_interval_days"

// CanSetVisitInterval reports whether the actor changes the expected
// interval: the admin alone. Everyone reads it.
func CanSetVisitInterval(a fugong.Actor) bool { return a.Role == fugong.RoleAdmin }

// CheckVisitInterval refuses an interval out of range.
func CheckVisitInterval(days int) error {
	if days < MinVisitInterval || days > MaxVisitInterval {
		return fugong.Errorf(fugong.EInvalid, "days", "走访间隔应为 %d–%d 天的整数", MinVisitInterval, MaxVisitInterval)
	}
	return nil
}

// ParseVisitInterval reads an interval typed in a form.
func ParseVisitInterval(s string) (int, error) {
	days, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fugong.Errorf(fugong.EInvalid, "days", "走访间隔应为 %d–%d 天的整数", MinVisitInterval, MaxVisitInterval)
	}
	return days, CheckVisitInterval(days)
}

// VisitIntervalConfig is the setting, in days: the admin's to change.
var VisitIntervalConfig = settings.Setting[int]{
	Key: visitIntervalKey, Default: DefaultVisitInterval,
	Check: func(days int) []fugong.Problem {
		if e := fugong.AsError(CheckVisitInterval(days)); e != nil {
			return []fugong.Problem{{Field: e.Field, Message: e.Message}}
		}
		return nil
	},
	CanSet: CanSetVisitInterval, Forbidden: "只有系统管理员可以修改走访间隔",
}

// VisitInterval returns the expected days between a cadre's visits to each
// enterprise: the default until the admin sets it.
func (s *Service) VisitInterval(ctx context.Context) (int, error) {
	return VisitIntervalConfig.Get(ctx, s.Store)
}

// SetVisitInterval changes the expected interval; only the admin may.
func (s *Service) SetVisitInterval(ctx context.Context, a fugong.Actor, days int) error {
	_, err := VisitIntervalConfig.Set(ctx, s.Store, a, days)
	return err
}
