package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/demo"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// demoDB opens a database of the engine filled with the demo city (6,833
// enterprises), the scale the bureau works at.
func demoDB(b *testing.B, engine string) *store.DB {
	dsn := storetest.DSN(b, engine)
	db := storetest.Open(b, dsn)
	if _, err := demo.Seed(context.Background(), db, nil, false); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkStore measures the registry's hot reads and its bulk write on both
// engines: go test -run '^$' -bench Store ./store/
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			db := demoDB(b, engine)
			town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
			b.Run("list-town-page", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := db.ListEnterprises(ctx, town, registry.Filter{Page: 3, PerPage: 50}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("list-city-search", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := db.ListEnterprises(ctx, fugong.System, registry.Filter{Q: "汽摩", Page: 1, PerPage: 50}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("count-by-town", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.CountByTown(ctx, fugong.System); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("session-lookup", func(b *testing.B) {
				svc := &account.Service{Store: db, Now: time.Now}
				if _, err := svc.Create(ctx, fugong.System, account.User{Username: "bench", Role: fugong.RoleAdmin}, "bench-pass"); err != nil {
					b.Fatal(err)
				}
				token, _, err := svc.Login(ctx, "bench", "bench-pass", "127.0.0.1", account.KindAPI)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, _, err := svc.Authenticate(ctx, token); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("import-1000", func(b *testing.B) {
				n := 0
				for b.Loop() {
					es := make([]registry.Enterprise, 1000)
					for i := range es {
						n++
						es[i] = ent(b, fmt.Sprintf("B%08d", n), "塘下镇", fmt.Sprintf("基准测试企业%d", n))
					}
					if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
