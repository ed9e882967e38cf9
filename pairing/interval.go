package pairing

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fugong"
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

// VisitInterval returns the expected days between a cadre's visits to each
// enterprise: the default until the admin sets it.
func (s *Service) VisitInterval(ctx context.Context) (int, error) {
	v, ok, err := s.Store.Setting(ctx, visitIntervalKey)
	if err != nil || !ok {
		return DefaultVisitInterval, err
	}
	days, err := strconv.Atoi(v)
	if err != nil || CheckVisitInterval(days) != nil {
		// Only SetVisitInterval writes it: a bad value was put there by hand.
		return 0, fmt.Errorf("pairing: stored %s %q is not a valid interval", visitIntervalKey, v)
	}
	return days, nil
}

// SetVisitInterval changes the expected interval; only the admin may.
func (s *Service) SetVisitInterval(ctx context.Context, a fugong.Actor, days int) error {
	if !CanSetVisitInterval(a) {
		return fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以修改走访间隔")
	}
	if err := CheckVisitInterval(days); err != nil {
		return err
	}
	return s.Store.SetSetting(ctx, a, visitIntervalKey, strconv.Itoa(days))
}
