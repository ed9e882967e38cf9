package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// BenchmarkIsolation measures what a point's phone page and the overview
// read, and a round's write, at a large hotel (300 rooms full, two days of
// rounds) on both engines, through the service:
//
//	go test -run '^$' -bench Isolation -benchtime 20x ./store/
func BenchmarkIsolation(b *testing.B) {
	ctx := context.Background()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			db := storetest.Open(b, storetest.DSN(b, engine))
			now := time.Date(2020, 2, 20, 15, 0, 0, 0, fugong.Location)
			db.Now = func() time.Time { return now }
			ppl := &people.Service{Store: db, Registry: &registry.Service{Store: db}, Keys: testKeys(b), Now: db.Now}
			svc := &checkpoint.Isolation{Store: db, People: ppl, Now: db.Now}
			const rooms = 300
			p, err := svc.AddPoint(ctx, fugong.System, checkpoint.Point{Name: "基准酒店", Town: "塘下镇", Rooms: rooms})
			if err != nil {
				b.Fatal(err)
			}
			gen := pii.NewIDGenerator(300)
			var ids []int64
			for i := range rooms {
				r, err := svc.Admit(ctx, fugong.System, p.ID, checkpoint.Resident{Name: "住客", IDNumber: gen.Next().Number,
					Room: strconv.Itoa(i + 1), AdmittedOn: people.AddDays("2020-02-19", -i%13)})
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, r.ID)
				for _, d := range []string{"2020-02-19", "2020-02-20"} {
					if _, _, err := svc.AddRound(ctx, fugong.System, r.ID, checkpoint.Reading{Round: "morning", Celsius: 36.5, Day: d}); err != nil {
						b.Fatal(err)
					}
				}
			}
			town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
			b.Run("board", func(b *testing.B) {
				for b.Loop() {
					if bd, err := svc.Board(ctx, town, p.ID, ""); err != nil || len(bd.Residents) != rooms {
						b.Fatal(len(bd.Residents), err)
					}
				}
			})
			b.Run("occupancy", func(b *testing.B) {
				for b.Loop() {
					if _, err := svc.Occupancy(ctx, town, "", ""); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("round", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, _, err := svc.AddRound(ctx, town, ids[i%rooms], checkpoint.Reading{Round: "afternoon", Celsius: 36.6}); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		})
	}
}
