package pairing

import (
	"context"
	"testing"

	"fugong"
)

// memSettings is a settings table in memory.
type memSettings map[string]string

func (m memSettings) Setting(_ context.Context, key string) (string, bool, error) {
	v, ok := m[key]
	return v, ok, nil
}

func (m memSettings) UpdateSetting(_ context.Context, _ fugong.Actor, key string, next func(string, bool) (string, error)) error {
	cur, ok := m[key]
	v, err := next(cur, ok)
	if err == nil {
		m[key] = v
	}
	return err
}

// TestVisitIntervalSetting: a week until the admin sets it, 1–90 days,
// stored as the plain number it always was.
func TestVisitIntervalSetting(t *testing.T) {
	ctx := context.Background()
	tb := memSettings{}
	if d, err := VisitIntervalConfig.Get(ctx, tb); err != nil || d != 7 {
		t.Errorf("default: %d %v", d, err)
	}
	admin := fugong.Actor{Role: fugong.RoleAdmin}
	for _, bad := range []int{0, 91} {
		if _, err := VisitIntervalConfig.Set(ctx, tb, admin, bad); fugong.ErrorCode(err) != fugong.EInvalid || fugong.AsError(err).Field != "days" {
			t.Errorf("%d days: %v", bad, err)
		}
	}
	if _, err := VisitIntervalConfig.Set(ctx, tb, fugong.Actor{Role: fugong.RoleBureau}, 10); fugong.ErrorCode(err) != fugong.EForbidden {
		t.Errorf("the bureau set it: %v", err)
	}
	if _, err := VisitIntervalConfig.Set(ctx, tb, admin, 10); err != nil || tb[visitIntervalKey] != "10" {
		t.Errorf("set: %v, stored %q", err, tb[visitIntervalKey])
	}
	tb[visitIntervalKey] = "365"
	if _, err := VisitIntervalConfig.Get(ctx, tb); err == nil {
		t.Error("a stored interval out of range was read")
	}
}
