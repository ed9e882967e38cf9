package store_test

import (
	"context"
	"testing"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
)

// Settings are cached per instance, and a change is still seen at once by
// every instance: each has the setting cached when the other changes it,
// and the next read on either returns the new value.
func TestSettingCacheChangedAcrossInstances(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
			ctx := context.Background()
			read := func(what string, want string, wantOK bool) {
				t.Helper()
				for _, db := range []*store.DB{a, b} {
					for range 2 { // the second read is the cached one
						v, ok, err := db.Setting(ctx, "report_deadline")
						if err != nil || v != want || ok != wantOK {
							t.Fatalf("%s: %q %v %v, want %q %v", what, v, ok, err, want, wantOK)
						}
					}
				}
			}
			set := func(db *store.DB, v string) {
				t.Helper()
				if err := db.UpdateSetting(ctx, fugong.System, "report_deadline", func(string, bool) (string, error) { return v, nil }); err != nil {
					t.Fatal(err)
				}
			}
			read("never set", "", false)
			set(a, "16:00")
			read("set on a", "16:00", true)
			set(b, "15:30")
			read("changed on b", "15:30", true)
			// Another key's change does not serve a stale value of this one.
			if err := a.UpdateSetting(ctx, fugong.System, "visit_interval_days", func(string, bool) (string, error) { return "7", nil }); err != nil {
				t.Fatal(err)
			}
			read("another key changed", "15:30", true)
		})
	}
}

// Enterprises are cached under their generation: a firm moved to another
// town and renamed on one instance is seen so by the other at once, which
// had it cached, and so is the scope that follows from its town.
func TestEnterpriseCacheChangedAcrossInstances(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
			ctx := context.Background()
			e := createFirm(t, a, "EC0000001", "塘下镇", "缓存企业")
			moved := ent(t, "EC0000001", "仙降街道", "迁址企业")
			tangxia := fugong.Actor{UserID: 2, Username: "tangxia", Role: fugong.RoleTown, Town: e.Town}
			xianjiang := fugong.Actor{UserID: 3, Username: "xianjiang", Role: fugong.RoleTown, Town: moved.Town}
			own := fugong.Actor{UserID: 4, Username: "own", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
			stranger := fugong.Actor{UserID: 5, Username: "stranger", Role: fugong.RoleEnterprise, Enterprise: uscc(t, "EC0000002")}
			get := func(what string, db *store.DB, who fugong.Actor, wantName string) {
				t.Helper()
				for range 2 { // the second read is the cached one
					got, err := db.GetEnterprise(ctx, who, e.USCC)
					if wantName == "" {
						if fugong.ErrorCode(err) != fugong.ENotFound {
							t.Fatalf("%s: %s read %+v, %v; want not found", what, who.Username, got, err)
						}
						continue
					}
					if err != nil || got.Name != wantName {
						t.Fatalf("%s: %s read %q, %v; want %q", what, who.Username, got.Name, err, wantName)
					}
				}
			}
			for _, db := range []*store.DB{a, b} {
				get("before", db, tangxia, "缓存企业")
				get("before", db, xianjiang, "")
				get("before", db, own, "缓存企业")
				get("before", db, stranger, "")
			}
			stored, err := b.GetEnterprise(ctx, fugong.System, e.USCC)
			if err != nil {
				t.Fatal(err)
			}
			after := stored
			after.Name, after.Town = moved.Name, moved.Town
			if _, err := b.UpdateEnterprise(ctx, fugong.System, stored, after); err != nil {
				t.Fatal(err)
			}
			for _, db := range []*store.DB{a, b} {
				get("moved on b", db, tangxia, "")
				get("moved on b", db, xianjiang, "迁址企业")
				get("moved on b", db, own, "迁址企业")
			}
		})
	}
}

// A request's cached reads share one generation read (OneGenerationRead):
// another instance's change after it is seen from the next request on, and
// the request's own write by its own later reads.
func TestOneGenerationReadARequest(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
			request := store.OneGenerationRead(context.Background())
			read := func(what string, ctx context.Context, want string) {
				t.Helper()
				if v, _, err := a.Setting(ctx, "report_deadline"); err != nil || v != want {
					t.Fatalf("%s: %q %v, want %q", what, v, err, want)
				}
			}
			set := func(ctx context.Context, db *store.DB, v string) {
				t.Helper()
				if err := db.UpdateSetting(ctx, fugong.System, "report_deadline", func(string, bool) (string, error) { return v, nil }); err != nil {
					t.Fatal(err)
				}
			}
			read("first read of the request", request, "")
			set(context.Background(), b, "16:00")
			read("the same request, after b's change", request, "")
			read("a later request", context.Background(), "16:00")
			set(request, a, "15:30")
			read("the request after its own write", request, "15:30")
		})
	}
}

// The scope checked on a cached enterprise (inScope) agrees with the
// scope's query, for every role and for firms in and out of it.
func TestInScopeAgreesWithTheQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := createFirm(t, db, "RC0000001", "塘下镇", "范围企业")
		other := ent(t, "RC0000002", "仙降街道", "别处企业")
		actors := []fugong.Actor{
			{UserID: 1, Username: "admin", Role: fugong.RoleAdmin},
			{UserID: 2, Username: "bureau", Role: fugong.RoleBureau},
			{UserID: 3, Username: "tangxia", Role: fugong.RoleTown, Town: e.Town},
			{UserID: 4, Username: "xianjiang", Role: fugong.RoleTown, Town: other.Town},
			{UserID: 5, Username: "own", Role: fugong.RoleEnterprise, Enterprise: e.USCC},
			{UserID: 6, Username: "stranger", Role: fugong.RoleEnterprise, Enterprise: other.USCC},
			{UserID: 7, Username: "nobody", Role: "unknown"},
		}
		found := 0
		for _, a := range actors {
			_, viaQuery := store.GetEnterpriseScoped(db, ctx, a, e.USCC)
			_, viaCache := db.GetEnterprise(ctx, a, e.USCC)
			if fugong.ErrorCode(viaQuery) != fugong.ErrorCode(viaCache) {
				t.Errorf("%s: the query says %v, the cached row %v", a.Username, viaQuery, viaCache)
			}
			if viaQuery == nil {
				found++
			}
		}
		if found != 4 { // admin, bureau, tangxia, own
			t.Errorf("%d actors see the firm, want 4", found)
		}
	})
}
