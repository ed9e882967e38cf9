package settings_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"fugong"
	"fugong/settings"
)

// table is a settings table in memory.
type table map[string]string

func (t table) Setting(_ context.Context, key string) (string, bool, error) {
	v, ok := t[key]
	return v, ok, nil
}

func (t table) UpdateSetting(_ context.Context, _ fugong.Actor, key string, next func(string, bool) (string, error)) error {
	cur, ok := t[key]
	v, err := next(cur, ok)
	if err != nil {
		return err
	}
	t[key] = v
	return nil
}

type limits struct {
	Days  int     `json:"days"`
	Ratio float64 `json:"ratio"`
}

var limitsConfig = settings.Setting[limits]{
	Key: "limits", Default: limits{Days: 7, Ratio: 0.5},
	Check: func(l limits) []fugong.Problem {
		var ps []fugong.Problem
		if l.Days < 1 {
			ps = append(ps, fugong.Problem{Field: "days", Message: "天数应至少为 1"})
		}
		if l.Ratio > 1 {
			ps = append(ps, fugong.Problem{Field: "ratio", Message: "比例不能超过 1"})
		}
		return ps
	},
}

var admin = fugong.Actor{Role: fugong.RoleAdmin}

func TestDefaultsAndStoredValues(t *testing.T) {
	ctx := context.Background()
	tb := table{}
	if l, err := limitsConfig.Get(ctx, tb); err != nil || l != (limits{7, 0.5}) {
		t.Errorf("never set: %+v %v, want the default", l, err)
	}
	tb["limits"] = `{"days": 3}` // stored before ratio was added
	if l, err := limitsConfig.Get(ctx, tb); err != nil || l != (limits{3, 0.5}) {
		t.Errorf("a field stored later: %+v %v, want ratio at its default", l, err)
	}
	for _, bad := range []string{`{"days": 0}`, `not json`} {
		tb["limits"] = bad
		if _, err := limitsConfig.Get(ctx, tb); err == nil {
			t.Errorf("stored %s was read", bad)
		}
	}
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	tb := table{}
	l, err := limitsConfig.Update(ctx, tb, admin, func(l *limits) error { l.Days = 10; return nil })
	if err != nil || l != (limits{10, 0.5}) || tb["limits"] != `{"days":10,"ratio":0.5}` {
		t.Fatalf("update: %+v %v, stored %q", l, err, tb["limits"])
	}
	// Each change applies to the value as stored: two fields, two changes.
	if l, err = limitsConfig.Update(ctx, tb, admin, func(l *limits) error { l.Ratio = 0.8; return nil }); err != nil || l != (limits{10, 0.8}) {
		t.Errorf("second update: %+v %v", l, err)
	}
	// Every broken rule is named; nothing is stored.
	_, err = limitsConfig.Set(ctx, tb, admin, limits{0, 2})
	if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid || len(e.Problems) != 2 || tb["limits"] != `{"days":10,"ratio":0.8}` {
		t.Errorf("bad value: %v, stored %q", err, tb["limits"])
	}
	// change's own error is returned as it is.
	boom := errors.New("boom")
	if _, err := limitsConfig.Update(ctx, tb, admin, func(*limits) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("change's error: %v", err)
	}
}

func TestWhoSets(t *testing.T) {
	ctx := context.Background()
	town := fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}
	if _, err := limitsConfig.Set(ctx, table{}, town, limits{3, 0.5}); fugong.ErrorCode(err) != fugong.EForbidden {
		t.Errorf("a town set the admin's setting: %v", err)
	}
	bureau := limitsConfig
	bureau.CanSet = func(a fugong.Actor) bool { return a.Role == fugong.RoleTown }
	bureau.Forbidden = "只有乡镇可以修改"
	if _, err := bureau.Set(ctx, table{}, town, limits{3, 0.5}); err != nil {
		t.Errorf("CanSet: %v", err)
	}
	if e := fugong.AsError(func() error { _, err := bureau.Set(ctx, table{}, admin, limits{3, 0.5}); return err }()); e == nil || e.Message != "只有乡镇可以修改" {
		t.Errorf("the refusal: %v", e)
	}
}

func TestCodec(t *testing.T) {
	ctx := context.Background()
	days := settings.Setting[int]{Key: "n", Default: 7,
		Encode: func(n int) string { return "n=" + strconv.Itoa(n) },
		Decode: func(s string) (int, error) { return strconv.Atoi(s[2:]) }}
	tb := table{}
	if _, err := days.Set(ctx, tb, admin, 9); err != nil || tb["n"] != "n=9" {
		t.Fatalf("encode: %v %q", err, tb["n"])
	}
	if n, err := days.Get(ctx, tb); err != nil || n != 9 {
		t.Errorf("decode: %d %v", n, err)
	}
}
