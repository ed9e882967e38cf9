package store_test

import (
	"context"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
)

// Sessions are cached per instance, and revocation is still immediate
// across instances: a logout on one, or the user disabled through another,
// ends the session on both at once, though each has it cached.
func TestSessionCacheRevokedAcrossInstances(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
			ctx := context.Background()
			sa, sb := &account.Service{Store: a, Now: time.Now}, &account.Service{Store: b, Now: time.Now}
			u, err := sa.Create(ctx, fugong.System, account.User{Username: "liwei", Role: fugong.RoleCadre}, "a-password")
			if err != nil {
				t.Fatal(err)
			}
			login := func() string {
				token, _, err := sa.Login(ctx, "liwei", "a-password", "127.0.0.1", account.KindAPI)
				if err != nil {
					t.Fatal(err)
				}
				return token
			}
			valid := func(what, token string, want bool) {
				t.Helper()
				for _, s := range []*account.Service{sa, sb} {
					for range 2 { // the second look-up is the cached one
						_, _, err := s.Authenticate(ctx, token)
						if want && err != nil || !want && fugong.ErrorCode(err) != fugong.EUnauthorized {
							t.Fatalf("%s: %v (want valid %v)", what, err, want)
						}
					}
				}
			}
			first, second := login(), login()
			valid("logged in", first, true)
			valid("logged in", second, true)
			if err := sa.Logout(ctx, u.Actor(), first); err != nil {
				t.Fatal(err)
			}
			valid("logged out on a", first, false)
			valid("the other session", second, true)
			if _, err := b.SetDisabled(ctx, fugong.System, u.ID, true); err != nil {
				t.Fatal(err)
			}
			valid("user disabled on b", second, false)
		})
	}
}
