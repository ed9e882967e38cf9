package account

import (
	"context"
	"strings"
	"time"

	"fugong"
)

// Session kinds: a browser cookie or an API bearer token.
const (
	KindWeb = "web"
	KindAPI = "api"
)

// Session lifetimes.
const (
	WebSessionTTL = 12 * time.Hour
	APISessionTTL = 30 * 24 * time.Hour
)

// Login throttling: failures counted over a window, per username and per address.
const (
	FailureWindow  = 15 * time.Minute
	MaxUserFailure = 5
	MaxIPFailure   = 20
)

// Store is what accounts need from storage.
type Store interface {
	CreateUser(ctx context.Context, a fugong.Actor, u User, passwordHash string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	UserByName(ctx context.Context, username string) (User, string, error)
	SetPassword(ctx context.Context, a fugong.Actor, userID int64, passwordHash string) error
	CreateSession(ctx context.Context, u User, tokenHash, kind string, expires time.Time) error
	SessionUser(ctx context.Context, tokenHash string) (User, string, error)
	DeleteSession(ctx context.Context, a fugong.Actor, tokenHash string) error
	RecordLoginFailure(ctx context.Context, username, ip string) error
	LoginFailures(ctx context.Context, username, ip string, since time.Time) (byUser, byIP int, err error)
}

// Service applies the account rules on top of its store.
type Service struct {
	Store Store
	Now   func() time.Time
	// Hasher runs the password hashes; nil is the process's DefaultHasher.
	Hasher *Hasher
}

func (s *Service) hasher() *Hasher {
	if s.Hasher != nil {
		return s.Hasher
	}
	return DefaultHasher
}

// Create adds a user. Only the admin (or the operator's command line) may.
func (s *Service) Create(ctx context.Context, a fugong.Actor, u User, password string) (User, error) {
	if a.Role != fugong.RoleAdmin {
		return User{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以添加用户")
	}
	ps := u.Normalize()
	if err := CheckPasswordRules(password); err != nil {
		e := fugong.AsError(err)
		ps = append(ps, fugong.Problem{Field: e.Field, Message: e.Message})
	}
	if err := fugong.Invalid(ps); err != nil {
		return User{}, err
	}
	hash, err := s.hasher().Hash(ctx, password)
	if err != nil {
		return User{}, err
	}
	return s.Store.CreateUser(ctx, a, u, hash)
}

var errBadLogin = fugong.Errorf(fugong.EUnauthorized, "password", "用户名或密码错误")

// Login checks a password and opens a session, returning its token. Too many
// recent failures for the username or the address refuse even a right
// password. The password is checked in one of the hasher's slots, against a
// dummy hash when the user does not exist, so that an unknown user costs
// what a known one does.
func (s *Service) Login(ctx context.Context, username, password, ip, kind string) (string, User, error) {
	username = normalizeName(username)
	since := s.Now().Add(-FailureWindow)
	byUser, byIP, err := s.Store.LoginFailures(ctx, username, ip, since)
	if err != nil {
		return "", User{}, err
	}
	if byUser >= MaxUserFailure || byIP >= MaxIPFailure {
		return "", User{}, fugong.Errorf(fugong.ERateLimited, "", "登录失败次数过多，请%d分钟后再试", int(FailureWindow.Minutes()))
	}
	u, ok, err := s.checkLogin(ctx, username, password)
	if err != nil {
		return "", User{}, err
	}
	if !ok || u.ID == 0 || u.Disabled {
		if err := s.Store.RecordLoginFailure(ctx, username, ip); err != nil {
			return "", User{}, err
		}
		return "", User{}, errBadLogin
	}
	ttl := WebSessionTTL
	if kind == KindAPI {
		ttl = APISessionTTL
	}
	token := NewToken()
	if err := s.Store.CreateSession(ctx, u, TokenHash(token), kind, s.Now().Add(ttl)); err != nil {
		return "", User{}, err
	}
	return token, u, nil
}

// checkLogin looks the user up and checks the password in a hasher slot.
func (s *Service) checkLogin(ctx context.Context, username, password string) (User, bool, error) {
	h := s.hasher()
	release, err := h.Acquire(ctx)
	if err != nil {
		return User{}, false, err
	}
	defer release()
	u, hash, err := s.Store.UserByName(ctx, username)
	if fugong.ErrorCode(err) == fugong.ENotFound {
		hash, err = dummyHash, nil
	}
	if err != nil {
		return User{}, false, err
	}
	ok, err := h.check(hash, password)
	return u, ok, err
}

// Authenticate returns the user and session kind behind a token.
func (s *Service) Authenticate(ctx context.Context, token string) (User, string, error) {
	if token == "" {
		return User{}, "", fugong.Errorf(fugong.EUnauthorized, "", "请先登录")
	}
	u, kind, err := s.Store.SessionUser(ctx, TokenHash(token))
	if fugong.ErrorCode(err) == fugong.ENotFound {
		return User{}, "", fugong.Errorf(fugong.EUnauthorized, "", "登录已过期，请重新登录")
	}
	return u, kind, err
}

// Logout ends the session behind token.
func (s *Service) Logout(ctx context.Context, a fugong.Actor, token string) error {
	return s.Store.DeleteSession(ctx, a, TokenHash(token))
}

func normalizeName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// SetPassword replaces a user's password and ends their sessions (a forgotten
// or leaked password). Only the admin may.
func (s *Service) SetPassword(ctx context.Context, a fugong.Actor, username, password string) error {
	if a.Role != fugong.RoleAdmin {
		return fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以重置密码")
	}
	if err := CheckPasswordRules(password); err != nil {
		return err
	}
	u, _, err := s.Store.UserByName(ctx, normalizeName(username))
	if err != nil {
		return err
	}
	hash, err := s.hasher().Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.Store.SetPassword(ctx, a, u.ID, hash)
}
