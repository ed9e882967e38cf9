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
