package store_test

import (
	"context"
	"fmt"
	"sync"
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

// 30 wrong passwords at once for one account from one address: the count
// is taken and updated in one step, so only the free attempts are checked
// and the rest refused, on both engines.
func TestLoginParallelFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 30
		// Room for every attempt to race for its count at once.
		h := account.NewHasher(n, n, time.Minute)
		svc := &account.Service{Store: db, Now: time.Now, Hasher: h}
		if _, err := svc.Create(ctx, fugong.System, account.User{Username: "admin2", Role: fugong.RoleAdmin}, "secret-pass"); err != nil {
			t.Fatal(err)
		}
		before := h.Hashes()
		codes := make(chan string, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				<-start
				_, _, err := svc.Login(ctx, "admin2", "wrong-pass", "203.0.113.9", account.KindAPI)
				codes <- fugong.ErrorCode(err)
			})
		}
		close(start)
		wg.Wait()
		close(codes)
		count := map[string]int{}
		for c := range codes {
			count[c]++
		}
		free := account.AccountBackoff.Free
		if count[fugong.EUnauthorized] != free || count[fugong.ERateLimited] != n-free {
			t.Errorf("%d parallel wrong passwords: %v, want %d checked and %d refused", n, count, free, n-free)
		}
		if got := h.Hashes() - before; got != int64(free) {
			t.Errorf("%d passwords hashed, want %d", got, free)
		}
	})
}

// Failures of an account from one address make it wait there, longer
// after each further failure, but do not keep it out of another address;
// many failures from one address make every account wait there.
func TestLoginThrottleByAccountAndAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)
		svc := &account.Service{Store: db, Now: func() time.Time { return now }, Hasher: account.NewHasher(1, 8, time.Minute)}
		if _, err := svc.Create(ctx, fugong.System, account.User{Username: "admin2", Role: fugong.RoleAdmin}, "secret-pass"); err != nil {
			t.Fatal(err)
		}
		login := func(password, ip string) error {
			_, _, err := svc.Login(ctx, "admin2", password, ip, account.KindWeb)
			return err
		}
		mustWait := func(what, ip string, want time.Duration) {
			t.Helper()
			e := fugong.AsError(login("secret-pass", ip))
			if e == nil || e.Code != fugong.ERateLimited || e.RetryAfter != want {
				t.Fatalf("%s: %v, want rate_limited for %v", what, e, want)
			}
		}
		const attacker, own = "198.51.100.7", "10.1.2.3"
		b := account.AccountBackoff
		for i := range b.Free {
			if err := login("wrong-pass", attacker); fugong.ErrorCode(err) != fugong.EUnauthorized {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		mustWait("the right password after the free failures", attacker, b.First)
		if err := login("secret-pass", own); err != nil {
			t.Fatalf("the admin from their own address, after failures elsewhere: %v", err)
		}
		// The wait grows with each failure after it.
		for i, wait := range []time.Duration{b.First, 2 * b.First, 4 * b.First} {
			now = now.Add(wait)
			if err := login("wrong-pass", attacker); fugong.ErrorCode(err) != fugong.EUnauthorized {
				t.Fatalf("failure after wait %d: %v", i+1, err)
			}
			mustWait("after a failure past a wait", attacker, 2*wait)
		}
		// A success after the wait clears the account's count at that address.
		now = now.Add(8 * b.First)
		if err := login("secret-pass", attacker); err != nil {
			t.Fatalf("the right password after the wait: %v", err)
		}
		if err := login("wrong-pass", attacker); fugong.ErrorCode(err) != fugong.EUnauthorized {
			t.Fatalf("a failure after a success: %v", err)
		}

		// One address trying many accounts waits, whichever account it tries.
		const sprayer = "192.0.2.50"
		a := account.AddressBackoff
		for i := range a.Free {
			_, _, err := svc.Login(ctx, fmt.Sprintf("guess%d", i), "wrong-pass", sprayer, account.KindWeb)
			if fugong.ErrorCode(err) != fugong.EUnauthorized {
				t.Fatalf("address failure %d: %v", i+1, err)
			}
		}
		mustWait("an address after its free failures", sprayer, a.First)
		if err := login("secret-pass", "192.0.2.51"); err != nil {
			t.Fatalf("the next address: %v", err)
		}
		// Rows are forgotten after a quiet day.
		now = now.Add(25 * time.Hour)
		if err := login("secret-pass", sprayer); err != nil {
			t.Fatalf("after a quiet day: %v", err)
		}
		if addr, acct, err := db.LoginAttempts(ctx, "guess0", sprayer); err != nil || addr.Failures != 0 || acct.Failures != 0 {
			t.Errorf("a day later the throttle still holds %+v %+v %v", addr, acct, err)
		}
	})
}
