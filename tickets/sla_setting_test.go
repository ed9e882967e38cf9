package tickets

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

// TestSLASetting: the default until the admin sets one; a less urgent
// ticket never due sooner; stored as the JSON it always was.
func TestSLASetting(t *testing.T) {
	ctx := context.Background()
	tb := memSettings{}
	if s, err := Config.Get(ctx, tb); err != nil || s != DefaultSLA {
		t.Errorf("default: %+v %v", s, err)
	}
	admin := fugong.Actor{Role: fugong.RoleAdmin}
	if _, err := Config.Set(ctx, tb, admin, SLA{Urgent: 8, High: 4, Normal: 72, Low: 168}); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("urgent longer than high: %v", err)
	}
	want := SLA{Urgent: 2, High: 12, Normal: 48, Low: 96}
	if _, err := Config.Set(ctx, tb, admin, want); err != nil || tb[SLAKey] != want.String() {
		t.Fatalf("set: %v, stored %q", err, tb[SLAKey])
	}
	if s, err := ParseSLA(tb[SLAKey]); err != nil || s != want {
		t.Errorf("the stored SLA reads back as %+v %v", s, err)
	}
}
