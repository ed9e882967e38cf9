// Package settings is how a module keeps its settings: one typed value per
// module (a struct with its defaults and its rules, or a single number),
// stored under the module's key in the one settings table, read and
// changed through one API. The module declares it once:
//
//	var Config = settings.Setting[Settings]{
//		Key: "supplies", Default: Defaults, Check: Settings.Problems,
//		CanSet: CanManage, Forbidden: "只有物资筹备组和系统管理员可以修改物资设置",
//	}
//
// and its service reads it with Config.Get(ctx, store) and changes it with
// Config.Update(ctx, store, actor, func(s *Settings) error {…}). Every
// change is checked, audited, and applied to the value as stored in the
// same transaction, so two people changing different fields at once both
// have their way. The admin's 系统设置 page links to each module's form
// (web.Module.SettingsLinks).
package settings

import (
	"context"
	"encoding/json"
	"fmt"

	"fugong"
)

// Reader reads the settings table. A value absent (ok false) was never
// set: the setting's default applies.
type Reader interface {
	Setting(ctx context.Context, key string) (value string, ok bool, err error)
}

// Store is the settings table: store.DB is one.
type Store interface {
	Reader
	// UpdateSetting replaces the value with what next makes of the
	// current one, in one transaction that locks the key, audited; an
	// error from next stores nothing.
	UpdateSetting(ctx context.Context, a fugong.Actor, key string, next func(value string, ok bool) (string, error)) error
}

// Setting is one module's setting of type T.
type Setting[T any] struct {
	// Key is the setting's row in the settings table, the module's name
	// ("supplies", "ticket_sla"): never change it, stored values are
	// under it.
	Key string
	// Default is the value until someone changes it. A JSON value stored
	// before a field was added reads that field at its default.
	Default T
	// Check returns every rule v breaks, each naming its field (none is
	// valid). Nil checks nothing.
	Check func(v T) []fugong.Problem
	// CanSet reports whether an actor may change the setting (nil: the
	// admin alone); everyone may read it. Forbidden is the message of the
	// refusal.
	CanSet    func(a fugong.Actor) bool
	Forbidden string
	// Encode and Decode store a value as text; nil is JSON. A setting
	// stored before this package kept its own format ("16:00").
	Encode func(v T) string
	Decode func(s string) (T, error)
}

// Get returns the setting: its default until set. A stored value that
// does not read or breaks a rule is an error: only Update writes it, so it
// was put there by hand.
func (s Setting[T]) Get(ctx context.Context, st Reader) (T, error) {
	v, ok, err := st.Setting(ctx, s.Key)
	if err != nil || !ok {
		return s.Default, err
	}
	return s.parse(v)
}

// Update changes the setting: change edits the current value (as stored,
// in the transaction), which is then checked and stored, audited. It
// returns the value stored. An actor who may not set it is refused
// (forbidden), a value that breaks a rule is invalid input naming every
// problem, and an error from change is returned as it is; none stores
// anything.
func (s Setting[T]) Update(ctx context.Context, st Store, a fugong.Actor, change func(v *T) error) (T, error) {
	var zero T
	if err := s.CheckSetter(a); err != nil {
		return zero, err
	}
	var next T
	err := st.UpdateSetting(ctx, a, s.Key, func(stored string, ok bool) (string, error) {
		cur := s.Default
		if ok {
			var err error
			if cur, err = s.parse(stored); err != nil {
				return "", err
			}
		}
		if err := change(&cur); err != nil {
			return "", err
		}
		if err := s.Valid(cur); err != nil {
			return "", err
		}
		next = cur
		return s.encode(cur)
	})
	if err != nil {
		return zero, err
	}
	return next, nil
}

// Set stores v in place of the current value, as Update does.
func (s Setting[T]) Set(ctx context.Context, st Store, a fugong.Actor, v T) (T, error) {
	return s.Update(ctx, st, a, func(cur *T) error { *cur = v; return nil })
}

// Valid is invalid input naming every rule v breaks, nil when it breaks none.
func (s Setting[T]) Valid(v T) error {
	if s.Check == nil {
		return nil
	}
	return fugong.Invalid(s.Check(v))
}

// CheckSetter refuses (forbidden) an actor who may not change the
// setting, so that a form refuses them before it reads what they typed.
func (s Setting[T]) CheckSetter(a fugong.Actor) error {
	ok := a.Role == fugong.RoleAdmin
	if s.CanSet != nil {
		ok = s.CanSet(a)
	}
	if ok {
		return nil
	}
	msg := s.Forbidden
	if msg == "" {
		msg = "只有系统管理员可以修改此设置"
	}
	return fugong.Errorf(fugong.EForbidden, "", "%s", msg)
}

func (s Setting[T]) encode(v T) (string, error) {
	if s.Encode != nil {
		return s.Encode(v), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// parse reads a stored value over the default and checks it.
func (s Setting[T]) parse(stored string) (T, error) {
	var v T
	if s.Decode != nil {
		var err error
		if v, err = s.Decode(stored); err != nil {
			return s.Default, fmt.Errorf("settings: stored %s %q: %w", s.Key, stored, err)
		}
	} else {
		v = s.Default
		if err := json.Unmarshal([]byte(stored), &v); err != nil {
			return s.Default, fmt.Errorf("settings: stored %s %q: %w", s.Key, stored, err)
		}
	}
	if err := s.Valid(v); err != nil {
		return s.Default, fmt.Errorf("settings: stored %s %q: %w", s.Key, stored, err)
	}
	return v, nil
}
