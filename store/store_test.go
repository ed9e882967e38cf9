package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// uscc builds a valid code with division 330381 from a 9-character organisation part.
func uscc(t testing.TB, org string) string {
	t.Helper()
	body := "91330381" + org
	c, err := registry.USCCCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(c)
}

func ent(t testing.TB, org, town, name string) registry.Enterprise {
	e := registry.Enterprise{USCC: uscc(t, org), Name: name, Town: town, SizeClass: "above",
		ContactPhone: "13800000000", Employees: 10, LandMu: 2.5}
	if ps := e.Normalize(); len(ps) > 0 {
		t.Fatal(ps)
	}
	return e
}

// createFirm stores an enterprise of the city, failing the test if it cannot.
func createFirm(t testing.TB, db *store.DB, org, town, name string) registry.Enterprise {
	t.Helper()
	e, err := db.CreateEnterprise(context.Background(), fugong.System, ent(t, org, town, name))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestMigrationListsMatch(t *testing.T) {
	s, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) == 0 || len(s) != len(p) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(s), len(p))
	}
	for i := range s {
		if s[i].Name != p[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, s[i].Name, p[i].Name)
		}
	}
}

func TestPendingAndMigrate(t *testing.T) {
	for engine, dsn := range map[string]string{
		store.SQLite:   "sqlite:" + filepath.Join(t.TempDir(), "x.db"),
		store.Postgres: storetest.NewPostgres(t),
	} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			pending, err := db.Pending(ctx)
			if err != nil || len(pending) == 0 {
				t.Fatalf("fresh database: pending %v, %v", pending, err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if pending, err = db.Pending(ctx); err != nil || len(pending) != 0 {
				t.Fatalf("after migrate: pending %v, %v", pending, err)
			}
			again, err := db.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second migrate applied %v, %v", again, err)
			}
		})
	}
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	if _, err := store.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("want an error for an unknown engine")
	}
}

func TestEnterprisesAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fixed := time.Date(2020, 2, 10, 8, 30, 0, 123456789, time.UTC)
		db.Now = func() time.Time { return fixed }
		tangxia := ent(t, "MA2000001", "塘下镇", "瑞安市甲鞋业有限公司")
		xianjiang := ent(t, "MA2000002", "330381010", "瑞安市乙汽配有限公司")
		for _, e := range []registry.Enterprise{tangxia, xianjiang} {
			got, err := db.CreateEnterprise(ctx, fugong.System, e)
			if err != nil {
				t.Fatal(err)
			}
			if !got.CreatedAt.Equal(fixed.Truncate(time.Microsecond)) {
				t.Fatalf("created_at %v", got.CreatedAt)
			}
		}
		if _, err := db.CreateEnterprise(ctx, fugong.System, tangxia); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("duplicate USCC: want conflict, got %v", err)
		}

		town := fugong.Actor{Username: "tx", Role: fugong.RoleTown, Town: "330381101"}
		list, total, err := db.ListEnterprises(ctx, town, registry.Filter{Page: 1, PerPage: 50})
		if err != nil || total != 1 || len(list) != 1 || list[0].USCC != tangxia.USCC {
			t.Fatalf("town list: %v %d %v", list, total, err)
		}
		if list[0].TownName != "塘下镇" || !list[0].CreatedAt.Equal(fixed.Truncate(time.Microsecond)) {
			t.Fatalf("read back %+v", list[0])
		}
		if _, err := db.GetEnterprise(ctx, town, xianjiang.USCC); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("out of scope: want not_found, got %v", err)
		}
		clerk := fugong.Actor{Username: "c", Role: fugong.RoleEnterprise, Enterprise: xianjiang.USCC}
		if _, err := db.GetEnterprise(ctx, clerk, xianjiang.USCC); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := db.ListEnterprises(ctx, fugong.Actor{Role: fugong.RoleCheckpoint, Town: "330381101"}, registry.Filter{Page: 1, PerPage: 10}); total != 0 {
			t.Fatalf("checkpoint sees %d enterprises", total)
		}

		// $n placeholders bind by number on both engines: the same value used
		// twice in the q filter must match.
		_, total, err = db.ListEnterprises(ctx, fugong.System, registry.Filter{Q: "汽配", Page: 1, PerPage: 10})
		if err != nil || total != 1 {
			t.Fatalf("q search: %d %v", total, err)
		}
		_, total, _ = db.ListEnterprises(ctx, fugong.System, registry.Filter{Q: uscc(t, "MA2000001")[:17], Page: 1, PerPage: 10})
		if total != 1 {
			t.Fatalf("USCC prefix search: %d", total)
		}
		_, total, _ = db.ListEnterprises(ctx, fugong.System, registry.Filter{Q: "%", Page: 1, PerPage: 10})
		if total != 0 {
			t.Fatalf("a %% in the search must be literal, matched %d", total)
		}

		after := tangxia
		after.Employees = 99
		after.CreatedAt, after.UpdatedAt = fixed.Truncate(time.Microsecond), fixed.Truncate(time.Microsecond)
		stale := after
		if _, err := db.UpdateEnterprise(ctx, town, after, after); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return fixed.Add(time.Hour) }
		if _, err := db.UpdateEnterprise(ctx, town, stale, stale); err != nil {
			t.Fatal("update with the current updated_at must pass:", err)
		}
		if _, err := db.UpdateEnterprise(ctx, town, stale, stale); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("stale update: want conflict, got %v", err)
		}

		entries, n, err := db.ListAudit(ctx, audit.Filter{Entity: "enterprise", EntityID: tangxia.USCC, Page: 1, PerPage: 10})
		if err != nil || n != 3 {
			t.Fatalf("audit: %d entries, %v", n, err)
		}
		if entries[0].Action != "update" || entries[0].Actor != "tx" || len(entries[0].Before) == 0 || len(entries[0].After) == 0 {
			t.Fatalf("audit entry %+v", entries[0])
		}
	})
}

func TestSaveEnterprisesIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := ent(t, "MA3000001", "塘下镇", "甲")
		b := ent(t, "MA3000002", "塘下镇", "乙")
		b.Town = "999999999" // not a town: the foreign key fails mid-way
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, []registry.Enterprise{a, b}, nil); err == nil {
			t.Fatal("want an error")
		}
		if _, total, _ := db.ListEnterprises(ctx, fugong.System, registry.Filter{Page: 1, PerPage: 10}); total != 0 {
			t.Fatalf("partial import stored %d rows", total)
		}
		b.Town = "330381101"
		created, updated, err := db.SaveEnterprises(ctx, fugong.System, []registry.Enterprise{a, b}, nil)
		if err != nil || created != 2 || updated != 0 {
			t.Fatalf("%d %d %v", created, updated, err)
		}
		a.Employees = 500
		created, updated, err = db.SaveEnterprises(ctx, fugong.System, []registry.Enterprise{a, b}, nil)
		if err != nil || created != 0 || updated != 1 {
			t.Fatalf("re-import: %d %d %v", created, updated, err)
		}
	})
}

func TestUsersSessionsAndThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &account.Service{Store: db, Now: time.Now}
		u := account.User{Username: "Town1", Role: fugong.RoleTown, Town: "塘下镇"}
		got, err := svc.Create(ctx, fugong.System, u, "secret-pass")
		if err != nil {
			t.Fatal(err)
		}
		if got.Username != "town1" || got.Town != "330381101" || got.ID == 0 {
			t.Fatalf("%+v", got)
		}
		if _, err := svc.Create(ctx, fugong.System, u, "secret-pass"); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("duplicate: %v", err)
		}
		clerk := account.User{Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: uscc(t, "MA9999999")}
		if _, err := svc.Create(ctx, fugong.System, clerk, "secret-pass"); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("clerk of an unregistered enterprise: %v", err)
		}
		token, _, err := svc.Login(ctx, "TOWN1", "secret-pass", "127.0.0.1", account.KindWeb)
		if err != nil {
			t.Fatal(err)
		}
		who, kind, err := svc.Authenticate(ctx, token)
		if err != nil || who.Username != "town1" || kind != account.KindWeb || who.Actor().Town != "330381101" {
			t.Fatalf("%+v %s %v", who, kind, err)
		}
		if err := svc.Logout(ctx, who.Actor(), token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Authenticate(ctx, token); fugong.ErrorCode(err) != fugong.EUnauthorized {
			t.Fatalf("after logout: %v", err)
		}
		for i := 0; i < account.AccountBackoff.Free; i++ {
			if _, _, err := svc.Login(ctx, "town1", "wrong", "10.0.0.1", account.KindWeb); fugong.ErrorCode(err) != fugong.EUnauthorized {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, _, err := svc.Login(ctx, "town1", "secret-pass", "10.0.0.1", account.KindWeb); fugong.ErrorCode(err) != fugong.ERateLimited {
			t.Fatalf("after %d failures: %v", account.AccountBackoff.Free, err)
		}
		if _, _, err := svc.Login(ctx, "town1", "secret-pass", "10.0.0.2", account.KindWeb); err != nil {
			t.Fatalf("from another address after %d failures: %v", account.AccountBackoff.Free, err)
		}
	})
}

func TestSQLiteFileCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "fugong.db")
	storetest.Open(t, "sqlite:"+path)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// The database holds password hashes, sessions and every firm's figures:
// its file and the -wal and -shm beside it are the owner's alone, whatever
// the umask, and a file an older version left readable by others is
// narrowed when opened.
func TestSQLiteFileMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "fugong.db")
	db := storetest.Open(t, "sqlite:"+path) // migrating writes, so the -wal and -shm exist
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	db.Close()

	earlier := filepath.Join(t.TempDir(), "fugong.db")
	for _, p := range []string{earlier, earlier + "-wal"} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Open(t, "sqlite:"+earlier)
	for _, p := range []string{earlier, earlier + "-wal", earlier + "-shm"} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s left by an earlier version: %v %v, want mode 0600", filepath.Base(p), fi.Mode().Perm(), err)
		}
	}
}

func TestSetPasswordEndsSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &account.Service{Store: db, Now: time.Now}
		if _, err := svc.Create(ctx, fugong.System, account.User{Username: "zhang", Role: fugong.RoleCadre}, "old-password"); err != nil {
			t.Fatal(err)
		}
		token, _, err := svc.Login(ctx, "zhang", "old-password", "127.0.0.1", account.KindAPI)
		if err != nil {
			t.Fatal(err)
		}
		cadre := fugong.Actor{Username: "zhang", Role: fugong.RoleCadre}
		if err := svc.SetPassword(ctx, cadre, "zhang", "new-password"); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Fatalf("non-admin reset: %v", err)
		}
		if err := svc.SetPassword(ctx, fugong.System, "zhang", "short"); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("short password: %v", err)
		}
		if err := svc.SetPassword(ctx, fugong.System, "nobody", "new-password"); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("unknown user: %v", err)
		}
		if err := svc.SetPassword(ctx, fugong.System, "zhang", "new-password"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Authenticate(ctx, token); fugong.ErrorCode(err) != fugong.EUnauthorized {
			t.Fatalf("old session still valid: %v", err)
		}
		if _, _, err := svc.Login(ctx, "zhang", "old-password", "127.0.0.1", account.KindAPI); fugong.ErrorCode(err) != fugong.EUnauthorized {
			t.Fatalf("old password: %v", err)
		}
		if _, _, err := svc.Login(ctx, "zhang", "new-password", "127.0.0.1", account.KindAPI); err != nil {
			t.Fatal(err)
		}
	})
}
