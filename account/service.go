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

// Session lifetimes. An API token lasts a working day unless the operator
// sets another (Service.APITokenTTL, `serve --api-token-ttl`): a token copied
// into a script or leaked from a log must not stay good for a month.
const (
	WebSessionTTL = 12 * time.Hour
	APISessionTTL = 12 * time.Hour
)

// Store is what accounts need from storage.
type Store interface {
	CreateUser(ctx context.Context, a fugong.Actor, u User, passwordHash string) (User, error)
	// ListUsers returns a page of the users f selects and how many it
	// selects in all; PerPage 0 is every one.
	ListUsers(ctx context.Context, f Filter) ([]User, int, error)
	UserByID(ctx context.Context, id int64) (User, error)
	UserByName(ctx context.Context, username string) (User, string, error)
	// SetPassword replaces the hash and ends the user's sessions but the
	// one whose token hash is keep ("" ends them all).
	SetPassword(ctx context.Context, a fugong.Actor, userID int64, passwordHash, keep string) error
	// UpdateUser replaces a user's name, role and scope (not the username
	// or the password), refusing if the stored record is no longer before.
	UpdateUser(ctx context.Context, a fugong.Actor, before, after User) (User, error)
	// SetDisabled disables (ending every session) or enables a user.
	SetDisabled(ctx context.Context, a fugong.Actor, userID int64, disabled bool) (User, error)
	// EndSessions ends the user's sessions but keep, returning how many.
	EndSessions(ctx context.Context, a fugong.Actor, userID int64, keep string) (int, error)
	CreateSession(ctx context.Context, u User, tokenHash, kind string, expires time.Time) error
	SessionUser(ctx context.Context, tokenHash string) (User, string, error)
	DeleteSession(ctx context.Context, a fugong.Actor, tokenHash string) error
	// LoginAttempts returns what the login throttle remembers of an
	// address and of an account at it (zero values when nothing).
	LoginAttempts(ctx context.Context, username, address string) (addr, acct Attempts, err error)
	// UpdateLoginAttempts passes the same to update and stores what it
	// leaves, in one transaction that no other update of the address runs
	// alongside, on either engine and across instances. An error from
	// update stores nothing. Keys left without failures are forgotten, and
	// so is every key last tried before forget.
	UpdateLoginAttempts(ctx context.Context, username, address string, forget time.Time,
		update func(addr, acct *Attempts) error) error
}

// Service applies the account rules on top of its store.
type Service struct {
	Store Store
	Now   func() time.Time
	// APITokenTTL is how long an API token lasts; zero is APISessionTTL.
	APITokenTTL time.Duration
	// Hasher runs the password hashes; nil is the process's DefaultHasher.
	Hasher *Hasher
}

// APITTL is how long an API token opened now lasts.
func (s *Service) APITTL() time.Duration {
	if s.APITokenTTL > 0 {
		return s.APITokenTTL
	}
	return APISessionTTL
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

// Login checks a password and opens a session, returning its token. An
// address, or an account at an address, that failed too often recently
// must wait (rate_limited, with how long), even with the right password.
// The password is checked in one of the hasher's slots, against a dummy
// hash when the user does not exist, so that an unknown user costs what a
// known one does.
func (s *Service) Login(ctx context.Context, username, password, ip, kind string) (string, User, error) {
	username, address := normalizeName(username), AddressKey(ip)
	now := s.Now()
	// A cheap look first, so that refused attempts do not queue for a hash.
	addr, acct, err := s.Store.LoginAttempts(ctx, username, address)
	if err != nil {
		return "", User{}, err
	}
	if wait := max(addr.wait(now), acct.wait(now)); wait > 0 {
		return "", User{}, errThrottled(wait)
	}
	u, ok, took, err := s.checkLogin(ctx, username, password, address)
	if err != nil {
		return "", User{}, err
	}
	if !ok || u.ID == 0 || u.Disabled {
		return "", User{}, errBadLogin
	}
	// The attempt was counted as a failure: forget the account's failures
	// at this address and give the address its attempt back, lifting the
	// wait it set unless another attempt was counted since.
	err = s.Store.UpdateLoginAttempts(ctx, username, address, now.Add(-forgetAll), func(addr, acct *Attempts) error {
		*acct = Attempts{}
		if addr.Failures == took.Failures {
			addr.Until = time.Time{}
		}
		addr.Failures = max(addr.Failures-1, 0)
		return nil
	})
	if err != nil {
		return "", User{}, err
	}
	ttl := WebSessionTTL
	if kind == KindAPI {
		ttl = s.APITTL()
	}
	token := NewToken()
	if err := s.Store.CreateSession(ctx, u, TokenHash(token), kind, s.Now().Add(ttl)); err != nil {
		return "", User{}, err
	}
	return token, u, nil
}

// forgetAll is how long the throttle keeps any key.
var forgetAll = max(AccountBackoff.Forget, AddressBackoff.Forget)

// checkLogin counts the attempt against the address and the account at it,
// in one step in the database, unless either must wait, then looks the
// user up and checks the password; all in a hasher slot, taken first, so
// that an attempt refused for want of one is not counted. It returns what
// the address's count was after this attempt.
func (s *Service) checkLogin(ctx context.Context, username, password, address string) (User, bool, Attempts, error) {
	h := s.hasher()
	release, err := h.Acquire(ctx)
	if err != nil {
		return User{}, false, Attempts{}, err
	}
	defer release()
	var took Attempts
	err = s.Store.UpdateLoginAttempts(ctx, username, address, s.Now().Add(-forgetAll), func(addr, acct *Attempts) error {
		now := s.Now() // inside the transaction, not before its wait
		if wait := max(addr.wait(now), acct.wait(now)); wait > 0 {
			return errThrottled(wait)
		}
		AddressBackoff.count(addr, now)
		AccountBackoff.count(acct, now)
		took = *addr
		return nil
	})
	if err != nil {
		return User{}, false, Attempts{}, err
	}
	u, hash, err := s.Store.UserByName(ctx, username)
	if fugong.ErrorCode(err) == fugong.ENotFound {
		hash, err = dummyHash, nil
	}
	if err != nil {
		return User{}, false, Attempts{}, err
	}
	ok, err := h.check(hash, password)
	return u, ok, took, err
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
	return s.Store.SetPassword(ctx, a, u.ID, hash, "")
}
