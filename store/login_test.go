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

// An unknown username costs one hash in the hasher's bound, as a known one does.
func TestLoginHashesOncePerAttempt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := account.NewHasher(1, 8, time.Minute)
		svc := &account.Service{Store: db, Now: time.Now, Hasher: h}
		if _, err := svc.Create(ctx, fugong.System, account.User{Username: "zhao", Role: fugong.RoleCadre}, "secret-pass"); err != nil {
			t.Fatal(err)
		}
		for i, try := range []struct{ user, password, code string }{
			{"nobody", "secret-pass", fugong.EUnauthorized},
			{"zhao", "wrong-pass", fugong.EUnauthorized},
			{"zhao", "secret-pass", ""},
		} {
			before := h.Hashes()
			_, _, err := svc.Login(ctx, try.user, try.password, "10.0.0.1", account.KindAPI)
			if (try.code == "" && err != nil) || (try.code != "" && fugong.ErrorCode(err) != try.code) {
				t.Fatalf("login %d as %s: %v, want %q", i, try.user, err, try.code)
			}
			if n := h.Hashes() - before; n != 1 {
				t.Errorf("login %d as %s ran %d hashes, want 1", i, try.user, n)
			}
		}
	})
}
