package demo

import (
	"context"
	"testing"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
)

// TestSeedIsolation: the demo's points with their residents, rounds (some
// of this morning's missing at noon), two fevers raised as alerts, once.
func TestSeedIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2020, 2, 20, 13, 0, 0, 0, fugong.Location)
		db.Now = func() time.Time { return now }
		k, _ := pii.NewKey()
		keys, _ := pii.NewKeyring(k)
		start := time.Now()
		if err := SeedIsolation(ctx, db, keys); err != nil {
			t.Fatal(err)
		}
		t.Logf("SeedIsolation took %v", time.Since(start).Round(time.Millisecond))
		if err := SeedIsolation(ctx, db, keys); err != nil { // a second run adds nothing
			t.Fatal(err)
		}
		svc := &checkpoint.Isolation{Store: db, People: &people.Service{Store: db, Keys: keys, Now: db.Now}, Now: db.Now}
		ov, err := svc.Occupancy(ctx, fugong.System, "", "")
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, p := range isolationPoints {
			want += p.residents
		}
		occupied := 0
		for _, o := range ov.Points {
			occupied += o.Occupied
		}
		if len(ov.Points) != len(isolationPoints) || occupied != want || len(ov.Towns) != len(isolationPoints) {
			t.Errorf("occupancy: %d points, %d residents; want %d, %d", len(ov.Points), occupied, len(isolationPoints), want)
		}
		if len(ov.ReleasesDue) < len(isolationPoints) {
			t.Errorf("%d releases due, want one a point at least", len(ov.ReleasesDue))
		}
		missing := 0
		for _, o := range ov.Points {
			b, err := svc.Board(ctx, fugong.System, o.Point, "")
			if err != nil {
				t.Fatal(err)
			}
			missing += len(b.Missing)
		}
		if missing == 0 || missing > want/2 {
			t.Errorf("%d rounds missing this morning of %d residents", missing, want)
		}
		als, _, err := svc.People.Alerts(ctx, fugong.System, people.AlertFilter{Kind: "fever"})
		if err != nil || len(als) != 2 || als[0].Reference == "" {
			t.Errorf("fever alerts: %+v %v", als, err)
		}
	})
}
