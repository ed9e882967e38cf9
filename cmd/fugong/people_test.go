package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// The personal-data commands: serve and its key file, keys rotate and
// retire, purge people.

// peopleDB is a migrated database of the engine with a firm and n people
// sealed under a new key file, which it returns.
func peopleDB(t *testing.T, dsn string, n int, changed time.Time) (keyFile string, ids []string) {
	t.Helper()
	ctx := context.Background()
	keyFile = filepath.Join(t.TempDir(), "fugong.key")
	keys, err := pii.CreateKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, dsn)
	c, err := registry.USCCCheckChar("91330381MA2AAAA01")
	if err != nil {
		t.Fatal(err)
	}
	e := registry.Enterprise{USCC: "91330381MA2AAAA01" + string(c), Name: "瑞安市塘下汽配有限公司", Town: "330381101", SizeClass: "above",
		ContactPhone: "0577-65812345", Employees: 20, LandMu: 3}
	if ps := e.Normalize(); len(ps) > 0 {
		t.Fatal(ps)
	}
	if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return changed }
	svc := peopleService(db, keys)
	gen := pii.NewIDGenerator(5)
	for i := range n {
		id := gen.Next().Number
		ids = append(ids, id)
		if _, err := svc.Add(ctx, fugong.System, e.USCC, people.Person{Name: fmt.Sprintf("欧阳%02d", i), IDNumber: id,
			Phone: fmt.Sprintf("137%08d", i), HealthCode: people.CodeGreen}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	return keyFile, ids
}

func TestServeNeedsKeyFile(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		// No personal data yet: serve starts without a key file, and says so.
		mustRun(t, "", "migrate", "--db", dsn)
		in := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		mustContain(t, "serve without a key file", in.Stderr.String(), "no personal-data key file")
		in.stop(t)

		keyFile, _ := peopleDB(t, dsn, 3, time.Now())
		err, _ := mustFail(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		mustContain(t, "serve without the key file", err.Error(), "3 people", "--key-file", "FUGONG_KEY_FILE")

		other := filepath.Join(t.TempDir(), "other.key")
		if _, err := pii.CreateKeyFile(other); err != nil {
			t.Fatal(err)
		}
		err, _ = mustFail(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--key-file", other)
		mustContain(t, "serve with another key file", err.Error(), "lacks keys", "3 people under key")

		if err := os.Chmod(keyFile, 0o644); err != nil {
			t.Fatal(err)
		}
		err, _ = mustFail(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--key-file", keyFile)
		mustContain(t, "a key file others may read", err.Error(), "chmod 600")
		os.Chmod(keyFile, 0o600)

		in = launchEnv(t, envOf(map[string]string{"FUGONG_DB": dsn, "FUGONG_ADDR": "127.0.0.1:0", "FUGONG_KEY_FILE": keyFile}), "serve")
		in.waitListening(t)
		in.stop(t)
	})
}

func TestKeysRotate(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		keyFile, ids := peopleDB(t, dsn, 12, time.Now())
		before, err := pii.LoadKeyFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		out := mustRun(t, "", "keys", "rotate", "--db", dsn, "--key-file", keyFile, "--batch", "5")
		mustContain(t, "rotate", out, "new current key", "12 people re-encrypted")
		after, err := pii.LoadKeyFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		if after.Current() == before.Current() || len(after.IDs()) != 2 {
			t.Fatalf("key file after rotate: %v", after.IDs())
		}
		// Every number opens and is found under the new key.
		ctx := context.Background()
		db := storetest.Open(t, dsn)
		svc := peopleService(db, after)
		for _, id := range ids {
			found, err := svc.Find(ctx, fugong.System, id)
			if err != nil || len(found) != 1 {
				t.Fatalf("%s not found after the rotation: %v", id, err)
			}
			full, err := svc.Reveal(ctx, fugong.System, found[0].ID, "核对")
			if err != nil || full.IDNumber != id {
				t.Fatalf("%s reads %q: %v", id, full.IDNumber, err)
			}
		}
		if counts, _ := db.KeyIDs(ctx); counts[after.Current()] != 12 {
			t.Errorf("rows by key %v", counts)
		}
		db.Close()
		// Nothing under the old key: retire drops it; a second retire has nothing to do.
		mustContain(t, "retire", mustRun(t, "", "keys", "retire", "--db", dsn, "--key-file", keyFile), "retired")
		if k, _ := pii.LoadKeyFile(keyFile); len(k.IDs()) != 1 || k.Current() != after.Current() {
			t.Errorf("key file after retire: %v", k.IDs())
		}
		mustContain(t, "retire again", mustRun(t, "", "keys", "retire", "--db", dsn, "--key-file", keyFile), "no key to retire")
		err, _ = mustFail(t, "", "keys", "rotate", "--db", dsn)
		mustContain(t, "rotate without a key file", err.Error(), "--key-file")
	})
}

// A rotation stopped half way is finished by the next run, without a third key.
func TestKeysRotateResumes(t *testing.T) {
	t.Parallel()
	dsn := newDSN(t, store.SQLite)
	keyFile, ids := peopleDB(t, dsn, 10, time.Now())
	old, _ := pii.LoadKeyFile(keyFile)
	// As if the command had written the new key file and stopped after four rows.
	next, _ := old.Rotate()
	if err := pii.WriteKeyFile(keyFile, next); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := storetest.Open(t, dsn)
	rows, err := db.NotUnder(ctx, next.Current(), 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	var moved []people.Resealed
	for _, r := range rows {
		s, _, err := people.Reseal(next, r.ID, r.Sealed)
		if err != nil {
			t.Fatal(err)
		}
		moved = append(moved, people.Resealed{ID: r.ID, Old: r.Sealed.KeyID, Sealed: s})
	}
	if _, err := db.Reseal(ctx, fugong.System, moved); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := mustRun(t, "", "keys", "rotate", "--db", dsn, "--key-file", keyFile)
	mustContain(t, "resumed rotation", out, "resuming: 6 people", "6 people re-encrypted")
	k, _ := pii.LoadKeyFile(keyFile)
	if k.Current() != next.Current() || len(k.IDs()) != 2 {
		t.Errorf("the resumed rotation added a key: %v", k.IDs())
	}
	db = storetest.Open(t, dsn)
	for _, id := range ids {
		if found, err := peopleService(db, k).Find(ctx, fugong.System, id); err != nil || len(found) != 1 {
			t.Errorf("%s lost: %v", id, err)
		}
	}
}

func TestPurgePeople(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		_, ids := peopleDB(t, dsn, 4, time.Date(2020, 3, 1, 10, 0, 0, 0, fugong.Location))
		err, _ := mustFail(t, "", "purge", "people", "--db", dsn)
		mustContain(t, "purge without a day", err.Error(), "--ended-before")
		err, _ = mustFail(t, "", "purge", "people", "--db", dsn, "--ended-before", "2020-13-01")
		mustContain(t, "purge with a bad day", err.Error(), "ended_before")
		err, _ = mustFail(t, "", "purge", "travellers", "--db", dsn, "--ended-before", "2020-04-01")
		mustContain(t, "purge of an unknown kind", err.Error(), "purge what")

		out := mustRun(t, "", "purge", "people", "--db", dsn, "--ended-before", "2020-03-01")
		mustContain(t, "nothing before", out, "erased the personal data of 0 people")
		out = mustRun(t, "", "purge", "people", "--db", dsn, "--ended-before", "2020-04-01", "--dry-run")
		mustContain(t, "dry run", out, "would erase the personal data of 4 people", "at 1 enterprises")
		out = mustRun(t, "", "purge", "people", "--db", dsn, "--ended-before", "2020-04-01")
		mustContain(t, "purge", out, "erased the personal data of 4 people", "tombstone", "database files rewritten")
		if strings.HasPrefix(dsn, "sqlite:") {
			b, err := os.ReadFile(strings.TrimPrefix(dsn, "sqlite:"))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"欧阳00", "欧阳03", ids[0][6:], "13700000001"} {
				if strings.Contains(string(b), s) {
					t.Errorf("the database file still holds %q", s)
				}
			}
		}
	})
}
