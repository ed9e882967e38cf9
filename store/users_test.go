package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
)

// TestDisableAcrossHandles opens two handles on one database, as two
// instances on one PostgreSQL do: a user disabled through one is refused
// by the other at its next request, token and login alike, and a session
// opened by a login that raced the disabling is no use either.
func TestDisableAcrossHandles(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "fugong.db")
			if engine == store.Postgres {
				dsn = storetest.NewPostgres(t)
			}
			ctx := context.Background()
			a := &account.Service{Store: storetest.Open(t, dsn), Now: time.Now}
			b := &account.Service{Store: storetest.Open(t, dsn), Now: time.Now}
			u, err := a.Create(ctx, fugong.System, account.User{Username: "zhang", Role: fugong.RoleCadre}, "old-password")
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := b.Login(ctx, "zhang", "old-password", "127.0.0.1", account.KindAPI)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Authenticate(ctx, token); err != nil {
				t.Fatalf("B's token on A: %v", err)
			}
			admin := fugong.Actor{UserID: -1, Username: "root", Role: fugong.RoleAdmin}
			if _, err := a.Disable(ctx, fugong.Actor{Username: "zhang", Role: fugong.RoleCadre}, u.ID); fugong.ErrorCode(err) != fugong.EForbidden {
				t.Fatalf("a cadre disables: %v", err)
			}
			if _, err := a.Disable(ctx, admin, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := b.Authenticate(ctx, token); fugong.ErrorCode(err) != fugong.EUnauthorized {
				t.Fatalf("the disabled user's token on B: %v, want unauthorized", err)
			}
			if _, _, err := b.Login(ctx, "zhang", "old-password", "127.0.0.1", account.KindAPI); fugong.ErrorCode(err) != fugong.EUnauthorized {
				t.Fatalf("the disabled user logs in on B: %v", err)
			}
			// A login on B that checked the user just before the disabling
			// commits its session just after: the session must not work.
			late := account.NewToken()
			if err := b.Store.CreateSession(ctx, u, account.TokenHash(late), account.KindWeb, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Authenticate(ctx, late); fugong.ErrorCode(err) != fugong.EUnauthorized {
				t.Fatalf("a session of a disabled user: %v, want unauthorized", err)
			}
			if _, err := b.Enable(ctx, admin, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Login(ctx, "zhang", "old-password", "127.0.0.1", account.KindAPI); err != nil {
				t.Fatalf("the enabled user logs in: %v", err)
			}
			if _, err := a.Disable(ctx, admin, 999999); fugong.ErrorCode(err) != fugong.ENotFound {
				t.Fatalf("disabling no one: %v", err)
			}
			if _, err := a.Disable(ctx, fugong.Actor{UserID: u.ID, Username: "zhang", Role: fugong.RoleAdmin}, u.ID); fugong.ErrorCode(err) != fugong.EConflict {
				t.Fatalf("disabling oneself: %v", err)
			}
		})
	}
}

// TestChangePasswordKeepsCurrentSession: the session the change came from
// stays, the user's others end, the admin's reset ends them all.
func TestChangePasswordKeepsCurrentSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &account.Service{Store: db, Now: time.Now}
		u, err := svc.Create(ctx, fugong.System, account.User{Username: "zhang", Role: fugong.RoleCadre}, "old-password")
		if err != nil {
			t.Fatal(err)
		}
		login := func(password string) string {
			t.Helper()
			token, _, err := svc.Login(ctx, "zhang", password, "127.0.0.1", account.KindAPI)
			if err != nil {
				t.Fatal(err)
			}
			return token
		}
		live := func(token string) bool {
			_, _, err := svc.Authenticate(ctx, token)
			return err == nil
		}
		here, there := login("old-password"), login("old-password")
		if err := svc.ChangePassword(ctx, u.Actor(), here, "not-the-password", "new-password"); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("wrong old password: %v", err)
		}
		if err := svc.ChangePassword(ctx, u.Actor(), here, "old-password", "new-password"); err != nil {
			t.Fatal(err)
		}
		if !live(here) || live(there) {
			t.Fatalf("after the change: this session live %v (want true), the other %v (want false)", live(here), live(there))
		}
		other := login("new-password")
		if err := svc.ResetPassword(ctx, fugong.System, u.ID, "reset-password"); err != nil {
			t.Fatal(err)
		}
		if live(here) || live(other) {
			t.Fatal("a session survived the admin's reset")
		}
		n, err := svc.EndSessions(ctx, fugong.System, u.ID)
		if err != nil || n != 0 {
			t.Fatalf("ending no sessions: %d %v", n, err)
		}
	})
}

// TestListUsersFilter: q on the username or the display name, a town's
// users through their town, their enterprise or their pairings, and pages.
func TestListUsersFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tang := ent(t, "MA1LPT001", "330381101", "瑞安市塘下测试厂")
		if _, err := db.CreateEnterprise(ctx, fugong.System, tang); err != nil {
			t.Fatal(err)
		}
		add := func(u account.User) account.User {
			t.Helper()
			u, err := db.CreateUser(ctx, fugong.System, u, "x")
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		add(account.User{Username: "tangxia", DisplayName: "塘下镇值班", Role: fugong.RoleTown, Town: "330381101"})
		add(account.User{Username: "clerk", DisplayName: "王会计", Role: fugong.RoleEnterprise, Enterprise: tang.USCC})
		cadre := add(account.User{Username: "ganbu", DisplayName: "Zhang San", Role: fugong.RoleCadre})
		add(account.User{Username: "other", DisplayName: "李四", Role: fugong.RoleCadre})
		if err := db.PairCadre(ctx, fugong.System, tang.USCC, cadre.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			f    account.Filter
			want int
		}{
			{account.Filter{}, 4},
			{account.Filter{Town: "330381101"}, 3},
			{account.Filter{Town: "330381101", Role: fugong.RoleCadre}, 1},
			{account.Filter{Q: "zhang"}, 1}, // the display name, case aside
			{account.Filter{Q: "会计"}, 1},
			{account.Filter{Q: "_"}, 0}, // a LIKE wildcard is a character
		} {
			users, total, err := db.ListUsers(ctx, c.f)
			if err != nil || total != c.want || len(users) != c.want {
				t.Errorf("%+v: total %d, %d users, %v; want %d", c.f, total, len(users), err, c.want)
			}
		}
		users, total, err := db.ListUsers(ctx, account.Filter{Page: 2, PerPage: 3})
		if err != nil || total != 4 || len(users) != 1 {
			t.Errorf("page 2 of 3: total %d, %d users, %v", total, len(users), err)
		}
	})
}

// TestDisplayName: a user's display name by their username, "" for a
// username no one has.
func TestDisplayName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.CreateUser(ctx, fugong.System, account.User{Username: "tongji", DisplayName: "陈国伟", Role: fugong.RoleAdmin}, "x"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.DisplayName(ctx, "tongji"); err != nil || n != "陈国伟" {
			t.Errorf("tongji: %q %v", n, err)
		}
		if n, err := db.DisplayName(ctx, "nobody"); err != nil || n != "" {
			t.Errorf("nobody: %q %v", n, err)
		}
	})
}
