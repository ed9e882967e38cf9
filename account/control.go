package account

import (
	"context"
	"strings"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// Page sizes of the user list.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// Filter selects users in the admin's list.
type Filter struct {
	Q    string      // part of the username or of the display name
	Role fugong.Role // one role, or all
	// Town is a town code: its own staff and checkpoints, the clerks of its
	// enterprises and the cadres paired with them.
	Town    string
	Page    int // 1-based
	PerPage int // 0 in a store call is every user
}

// Normalize checks the filter and fills in the page defaults.
func (f *Filter) Normalize() error {
	var ps []fugong.Problem
	f.Q = strings.TrimSpace(f.Q)
	if utf8.RuneCountInString(f.Q) > 100 {
		ps = append(ps, fugong.Problem{Field: "q", Message: "搜索词过长"})
	}
	if _, ok := fugong.RoleNames[f.Role]; f.Role != "" && !ok {
		ps = append(ps, fugong.Problem{Field: "role", Message: "角色应为系统管理员、经信局工作人员、乡镇街道、驻企干部、企业填报员或卡口/隔离点之一"})
	}
	if f.Town != "" {
		if t, ok := registry.TownByNameOrCode(strings.TrimSpace(f.Town)); ok {
			f.Town = t.Code
		} else {
			ps = append(ps, fugong.Problem{Field: "town", Message: "不是本市的乡镇街道"})
		}
	}
	if f.Page < 0 {
		ps = append(ps, fugong.Problem{Field: "page", Message: "页码应为正整数"})
	}
	if f.PerPage < 0 || f.PerPage > MaxPerPage {
		ps = append(ps, fugong.Problem{Field: "per_page", Message: "每页条数应在 1–500 之间"})
	}
	f.Page = max(f.Page, 1)
	if f.PerPage == 0 {
		f.PerPage = DefaultPerPage
	}
	return fugong.Invalid(ps)
}

// errAdminOnly refuses account control to anyone but the admin. The web
// layer answers 404 before it gets here; this guards other callers.
func errAdminOnly() error {
	return fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以管理用户")
}

// List returns a page of the users f selects. Only the admin may.
func (s *Service) List(ctx context.Context, a fugong.Actor, f Filter) ([]User, int, error) {
	if a.Role != fugong.RoleAdmin {
		return nil, 0, errAdminOnly()
	}
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	return s.Store.ListUsers(ctx, f)
}

// User returns one user. Only the admin may.
func (s *Service) User(ctx context.Context, a fugong.Actor, id int64) (User, error) {
	if a.Role != fugong.RoleAdmin {
		return User{}, errAdminOnly()
	}
	return s.Store.UserByID(ctx, id)
}

// Disable stops a user: their sessions and tokens end at once and every
// later login is refused. The admin cannot disable themselves (the city
// would be left without an admin to undo it).
func (s *Service) Disable(ctx context.Context, a fugong.Actor, id int64) (User, error) {
	if a.Role != fugong.RoleAdmin {
		return User{}, errAdminOnly()
	}
	if id == a.UserID {
		return User{}, fugong.Errorf(fugong.EConflict, "", "不能停用自己的账号")
	}
	return s.Store.SetDisabled(ctx, a, id, true)
}

// Enable lets a disabled user log in again.
func (s *Service) Enable(ctx context.Context, a fugong.Actor, id int64) (User, error) {
	if a.Role != fugong.RoleAdmin {
		return User{}, errAdminOnly()
	}
	return s.Store.SetDisabled(ctx, a, id, false)
}

// EndSessions logs a user out everywhere: every browser session and API
// token of theirs ends. It returns how many there were.
func (s *Service) EndSessions(ctx context.Context, a fugong.Actor, id int64) (int, error) {
	if a.Role != fugong.RoleAdmin {
		return 0, errAdminOnly()
	}
	return s.Store.EndSessions(ctx, a, id, "")
}

// ResetPassword sets a user's password (a forgotten or leaked one); every
// session and token of theirs ends.
func (s *Service) ResetPassword(ctx context.Context, a fugong.Actor, id int64, password string) error {
	if a.Role != fugong.RoleAdmin {
		return errAdminOnly()
	}
	if err := CheckPasswordRules(password); err != nil {
		return err
	}
	hash, err := s.hasher().Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.Store.SetPassword(ctx, a, id, hash, "")
}

// Update changes a user's display name, role and scope (town, enterprise,
// work group and leader); the username and the password stay. Only the
// admin may, and not their own role (the city would be left without an
// admin to undo it). The user's sessions read the new scope at once.
func (s *Service) Update(ctx context.Context, a fugong.Actor, id int64, u User) (User, error) {
	if a.Role != fugong.RoleAdmin {
		return User{}, errAdminOnly()
	}
	before, err := s.Store.UserByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	u.ID, u.Username, u.Disabled, u.CreatedAt = before.ID, before.Username, before.Disabled, before.CreatedAt
	ps := u.Normalize()
	if id == a.UserID && u.Role != fugong.RoleAdmin {
		ps = append(ps, fugong.Problem{Field: "role", Message: "不能更改自己的系统管理员角色"})
	}
	if err := fugong.Invalid(ps); err != nil {
		return User{}, err
	}
	return s.Store.UpdateUser(ctx, a, before, u)
}

// OneTimePassword resets a user's password to a new random one, returned
// once to tell the user (who changes it at their first login): every
// session and token of theirs ends.
func (s *Service) OneTimePassword(ctx context.Context, a fugong.Actor, id int64) (string, error) {
	if a.Role != fugong.RoleAdmin {
		return "", errAdminOnly()
	}
	password := NewPassword()
	return password, s.ResetPassword(ctx, a, id, password)
}

// ChangePassword is a user changing their own password, proving the old
// one. Their other sessions and tokens end (whoever else held the password
// is logged out); the session the change came from, token, stays.
func (s *Service) ChangePassword(ctx context.Context, a fugong.Actor, token, oldPassword, newPassword string) error {
	u, hash, err := s.Store.UserByName(ctx, a.Username)
	if err != nil {
		return err
	}
	ok, err := s.hasher().Check(ctx, hash, oldPassword)
	if err != nil {
		return err
	}
	if !ok {
		return fugong.Errorf(fugong.EInvalid, "old_password", "原密码不正确")
	}
	if err := CheckPasswordRules(newPassword); err != nil {
		e := *fugong.AsError(err)
		e.Field = "new_password"
		return &e
	}
	if newPassword == oldPassword {
		return fugong.Errorf(fugong.EInvalid, "new_password", "新密码不能与原密码相同")
	}
	newHash, err := s.hasher().Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	return s.Store.SetPassword(ctx, a, u.ID, newHash, TokenHash(token))
}
