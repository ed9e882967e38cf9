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

func TestSeedCheckpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2020, 2, 20, 15, 0, 0, 0, fugong.Location)
		db.Now = func() time.Time { return now }
		k, err := pii.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		keys, err := pii.NewKeyring(k)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := SeedCheckpoints(ctx, db, keys); err != nil {
			t.Fatal(err)
		}
		t.Logf("SeedCheckpoints took %v", time.Since(start).Round(time.Millisecond))
		svc := &checkpoint.Service{Store: db.Checkpoints(), Keys: keys, Now: db.Now}
		posts, n, err := svc.Posts(ctx, fugong.System, checkpoint.PostFilter{PerPage: 500})
		if err != nil || n < 40 {
			t.Fatalf("%d posts (%v)", n, err)
		}
		towns := map[string]bool{}
		for _, p := range posts {
			towns[p.Town] = true
		}
		if len(towns) < 20 {
			t.Errorf("posts in %d towns", len(towns))
		}
		counts, err := svc.Counts(ctx, fugong.System, checkpoint.CountQuery{From: "2020-02-14", To: "2020-02-20"})
		if err != nil {
			t.Fatal(err)
		}
		var regs, confirmed, fever int
		days := map[string]bool{}
		for _, c := range counts {
			regs, confirmed, fever = regs+c.Registered, confirmed+c.Confirmed, fever+c.Fever
			days[c.Day] = true
		}
		if regs < 1000 || confirmed == regs || fever == 0 || len(days) != 7 {
			t.Errorf("%d registrations over %d days, %d confirmed, %d fevers", regs, len(days), confirmed, fever)
		}
		als, _, err := db.Alerts(ctx, fugong.System, people.AlertFilter{Kind: "fever"})
		if err != nil || len(als) != fever || als[0].Name == "" || als[0].IDNumber == "" {
			t.Errorf("%d alerts for %d fevers: %+v %v", len(als), fever, als, err)
		}
		// Today's last registrations are pending; their sealed ID numbers open.
		row, err := db.Checkpoints().Registration(ctx, fugong.System, pendingOf(t, svc, posts))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := row.Sealed.Open(keys, checkpoint.TableRegistrations, row.ID); err != nil {
			t.Errorf("a demo registration does not open: %v", err)
		}
		// The roster: one post has a gap two days ago, no other.
		flagged := 0
		for _, p := range posts {
			week, err := svc.Roster(ctx, fugong.System, p.ID, "2020-02-17")
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range week.Days {
				if d.Flagged {
					flagged++
					if d.Day != "2020-02-18" {
						t.Errorf("post %d flagged on %s", p.ID, d.Day)
					}
				}
			}
		}
		if flagged != 1 {
			t.Errorf("%d flagged days, want the one gap", flagged)
		}
		// Seeding again changes nothing.
		if err := SeedCheckpoints(ctx, db, keys); err != nil {
			t.Fatal(err)
		}
		if _, again, _ := svc.Posts(ctx, fugong.System, checkpoint.PostFilter{}); again != n {
			t.Errorf("seeded twice: %d posts, then %d", n, again)
		}
	})
}

// pendingOf is a registration pending today at some post.
func pendingOf(t *testing.T, svc *checkpoint.Service, posts []checkpoint.Post) int64 {
	t.Helper()
	for _, p := range posts {
		regs, _, err := svc.Registrations(context.Background(), fugong.System, p.ID, checkpoint.RegistrationQuery{Status: checkpoint.StatusPending})
		if err != nil {
			t.Fatal(err)
		}
		if len(regs) > 0 {
			return regs[0].ID
		}
	}
	t.Fatal("no registration pending today")
	return 0
}
