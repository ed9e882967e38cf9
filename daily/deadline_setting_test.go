package daily

import (
	"context"
	"testing"

	"fugong"
)

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

// TestDeadlineSetting: 16:00 until the admin sets it, stored as "HH:MM".
func TestDeadlineSetting(t *testing.T) {
	ctx := context.Background()
	tb := memSettings{}
	if d, err := DeadlineConfig.Get(ctx, tb); err != nil || d.String() != "16:00" {
		t.Errorf("default: %v %v", d, err)
	}
	d, _ := ParseDeadline("17:30")
	if _, err := DeadlineConfig.Set(ctx, tb, fugong.Actor{Role: fugong.RoleTown}, d); fugong.ErrorCode(err) != fugong.EForbidden {
		t.Errorf("a town set it: %v", err)
	}
	if _, err := DeadlineConfig.Set(ctx, tb, fugong.Actor{Role: fugong.RoleAdmin}, d); err != nil || tb["report_deadline"] != "17:30" {
		t.Errorf("set: %v, stored %q", err, tb["report_deadline"])
	}
	tb["report_deadline"] = "25:00"
	if _, err := DeadlineConfig.Get(ctx, tb); err == nil {
		t.Error("a bad stored deadline was read")
	}
}
