package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/pii"
	"fugong/store/storetest"
)

// The isolation residents (M8) in the personal-data commands: keys rotate
// re-encrypts them with the roster, keys retire counts them, purge
// residents erases those released before a day.

// residentsDB adds n residents, admitted on 2020-02-01 and released on
// 2020-02-15, to a point of the database peopleDB made, under its key file.
func residentsDB(t *testing.T, dsn, keyFile string, n int) (ids []string) {
	t.Helper()
	ctx := context.Background()
	keys, err := pii.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, dsn)
	db.Now = func() time.Time { return time.Date(2020, 3, 1, 10, 0, 0, 0, fugong.Location) }
	svc := isolationService(db, keys)
	p, err := svc.AddPoint(ctx, fugong.System, checkpoint.Point{Name: "塘下隔离点", Town: "330381101", Rooms: n})
	if err != nil {
		t.Fatal(err)
	}
	gen := pii.NewIDGenerator(7)
	for i := range n {
		id := gen.Next().Number
		ids = append(ids, id)
		r, err := svc.Admit(ctx, fugong.System, p.ID, checkpoint.Resident{Name: fmt.Sprintf("司马%02d", i), IDNumber: id,
			Phone: fmt.Sprintf("139%08d", i), Room: fmt.Sprint(i + 1), AdmittedOn: "2020-02-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Release(ctx, fugong.System, r.ID, "2020-02-15", ""); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	return ids
}

func TestKeysRotateResidents(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		keyFile, _ := peopleDB(t, dsn, 2, time.Now())
		ids := residentsDB(t, dsn, keyFile, 5)
		out := mustRun(t, "", "keys", "rotate", "--db", dsn, "--key-file", keyFile, "--batch", "2")
		mustContain(t, "rotate", out, "2 people re-encrypted", "5 isolation residents re-encrypted")
		keys, err := pii.LoadKeyFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		db := storetest.Open(t, dsn)
		counts, err := db.ResidentKeyIDs(context.Background())
		if err != nil || counts[keys.Current()] != 5 || len(counts) != 1 {
			t.Errorf("residents' keys after the rotation: %v %v", counts, err)
		}
		svc := isolationService(db, keys)
		rs, _, err := svc.Residents(context.Background(), fugong.System, checkpoint.ResidentFilter{})
		if err != nil || len(rs) != 5 {
			t.Fatalf("residents: %v %v", rs, err)
		}
		full, err := svc.Reveal(context.Background(), fugong.System, rs[0].ID, "核对")
		if err != nil || full.IDNumber != ids[0] {
			t.Errorf("after the rotation: %+v %v", full, err)
		}
		db.Close()
		out = mustRun(t, "", "keys", "retire", "--db", dsn, "--key-file", keyFile)
		mustContain(t, "retire", out, "retired")
	})
}

func TestPurgeResidents(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		keyFile, _ := peopleDB(t, dsn, 1, time.Now())
		ids := residentsDB(t, dsn, keyFile, 3)
		out := mustRun(t, "", "purge", "residents", "--db", dsn, "--ended-before", "2020-02-15")
		mustContain(t, "nothing before", out, "erased the personal data of 0 isolation residents")
		out = mustRun(t, "", "purge", "residents", "--db", dsn, "--ended-before", "2020-02-16", "--dry-run")
		mustContain(t, "dry run", out, "would erase the personal data of 3 isolation residents", "at 1 points")
		out = mustRun(t, "", "purge", "residents", "--db", dsn, "--ended-before", "2020-02-16")
		mustContain(t, "purge", out, "erased the personal data of 3 isolation residents", "tombstone", "database files rewritten")
		if strings.HasPrefix(dsn, "sqlite:") {
			b, err := os.ReadFile(strings.TrimPrefix(dsn, "sqlite:"))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"司马00", "司马02", ids[0][6:], "13900000001"} {
				if strings.Contains(string(b), s) {
					t.Errorf("the database file still holds %q", s)
				}
			}
		}
	})
}
