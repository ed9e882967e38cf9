package store_test

import (
	"context"
	"testing"

	"fugong"
	"fugong/demo"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/store"
)

// BenchmarkPeople measures the people module's hot reads at the demo's
// size (the demo city and its rosters, some 45,000 people) on both
// engines, through the service as the pages call it:
//
//	go test -run '^$' -bench People ./store/
func BenchmarkPeople(b *testing.B) {
	ctx := context.Background()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			db := demoDB(b, engine)
			keys := testKeys(b)
			if err := demo.SeedPeople(ctx, db, keys, nil); err != nil {
				b.Fatal(err)
			}
			svc := &people.Service{Store: db, Registry: &registry.Service{Store: db}, Keys: keys, Now: db.Now}
			// The demo clerk's firm: 320 people.
			firms, _, err := db.ListEnterprises(ctx, fugong.System, registry.Filter{Q: "建新塑胶", Page: 1, PerPage: 1})
			if err != nil || len(firms) != 1 {
				b.Fatalf("the clerk's firm: %v %v", firms, err)
			}
			firm := firms[0].USCC
			id := pii.NewIDGenerator(77).Next().Number
			if _, err := svc.Add(ctx, fugong.System, firm, people.Person{Name: "基准", IDNumber: id, HealthCode: people.CodeGreen}); err != nil {
				b.Fatal(err)
			}
			_, total, err := svc.Roster(ctx, fugong.System, firm, 1, 1)
			if err != nil {
				b.Fatal(err)
			}
			sum, _, err := svc.Summary(ctx, fugong.System, people.SummaryFilter{})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: the firm has %d people; the city %+v", engine, total, sum.Counts())
			town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}

			b.Run("roster-page", func(b *testing.B) {
				// What the roster page reads: a page of 50 and the firm's counts.
				for b.Loop() {
					if _, _, err := svc.Roster(ctx, town, firm, 3, 50); err != nil {
						b.Fatal(err)
					}
					if _, _, err := svc.Counts(ctx, town, people.SummaryFilter{Enterprise: firm}); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The summary API's counts, and the health page's lists.
			for _, c := range []struct {
				name string
				a    fugong.Actor
			}{{"city", fugong.System}, {"town", town}} {
				b.Run("health-summary-"+c.name, func(b *testing.B) {
					for b.Loop() {
						if _, _, err := svc.Counts(ctx, c.a, people.SummaryFilter{}); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("health-lists-"+c.name, func(b *testing.B) {
					for b.Loop() {
						if _, _, err := svc.Summary(ctx, c.a, people.SummaryFilter{}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("find-by-id-number", func(b *testing.B) {
				for b.Loop() {
					found, err := svc.Find(ctx, fugong.System, id)
					if err != nil || len(found) != 1 {
						b.Fatal(found, err)
					}
				}
			})
		})
	}
}
