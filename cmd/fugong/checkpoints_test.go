package main

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/pii"
	"fugong/store/storetest"
)

// The travellers' registrations at the checkpoints (M8) are personal data
// like the staff's: keys rotate re-encrypts them, keys retire keeps a key
// they are under, purge people erases them.

// addTravellers registers n travellers at a new post, sealed under the
// key file's current key, at the time at.
func addTravellers(t *testing.T, dsn, keyFile string, n int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	keys, err := pii.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, dsn)
	defer db.Close()
	db.Now = func() time.Time { return at }
	svc := &checkpoint.Service{Store: db.Checkpoints(), Keys: keys, Now: db.Now}
	p, err := svc.AddPost(ctx, fugong.System, checkpoint.Post{Name: "塘下高速口", Kind: "road", Town: "330381101"})
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		v := url.Values{"name": {"旅客甲"}, "id_number": {"330381199001011230"}, "phone": {"13912345678"}, "origin": {"温州"},
			"destination": {"瑞安"}, "direction": {"in"}, "fever": {"no"}, "cough": {"no"}, "high_risk_area": {"no"}, "health_code": {"green"}}
		if _, err := svc.Register(ctx, p, v, ""); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKeysRotateTravellers(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		keyFile, _ := peopleDB(t, dsn, 2, time.Now())
		addTravellers(t, dsn, keyFile, 3, time.Now())
		out := mustRun(t, "", "keys", "rotate", "--db", dsn, "--key-file", keyFile)
		mustContain(t, "rotate", out, "2 people re-encrypted", "3 travellers' registrations re-encrypted")
		after, err := pii.LoadKeyFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		db := storetest.Open(t, dsn)
		counts, err := db.Checkpoints().RegistrationKeyIDs(context.Background())
		db.Close()
		if err != nil || counts[after.Current()] != 3 || len(counts) != 1 {
			t.Fatalf("registrations by key after the rotation: %v %v", counts, err)
		}
		mustContain(t, "retire", mustRun(t, "", "keys", "retire", "--db", dsn, "--key-file", keyFile), "retired")
	})
}

func TestPurgeTravellers(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		keyFile, _ := peopleDB(t, dsn, 1, time.Date(2020, 3, 1, 10, 0, 0, 0, fugong.Location))
		addTravellers(t, dsn, keyFile, 2, time.Date(2020, 3, 2, 10, 0, 0, 0, fugong.Location))
		out := mustRun(t, "", "purge", "people", "--db", dsn, "--ended-before", "2020-03-02", "--dry-run")
		mustContain(t, "dry run", out, "would erase the travellers' registrations", "0 registrations")
		out = mustRun(t, "", "purge", "people", "--db", dsn, "--ended-before", "2020-04-01")
		mustContain(t, "purge", out, "erased the travellers' registrations", "2 registrations", "database files rewritten")
		if strings.HasPrefix(dsn, "sqlite:") {
			b, err := os.ReadFile(strings.TrimPrefix(dsn, "sqlite:"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "旅客甲") || strings.Contains(string(b), "330381********1230") {
				t.Error("the database file still holds the traveller")
			}
		}
	})
}

func TestCheckPublicURL(t *testing.T) {
	for s, ok := range map[string]bool{"": true, "https://fugong.example.cn": true, "http://10.0.0.5:8080/fugong": true,
		"fugong.example.cn": false, "ftp://x": false, "https://": false, "https://x/?a=1": false, "https://u:p@x": false} {
		if err := checkPublicURL(s); (err == nil) != ok {
			t.Errorf("checkPublicURL(%q) = %v", s, err)
		}
	}
}
