package demo

import (
	"bytes"
	"context"
	"os"
	"os/exec"
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

func TestRosterPlan(t *testing.T) {
	es, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2020, 2, 20, 9, 0, 0, 0, fugong.Location)
	p := rosterPlan(es, now)
	q := rosterPlan(es, now)
	if len(p.rows) != len(q.rows) || p.rows[100].IDNumber != q.rows[100].IDNumber {
		t.Fatal("two plans differ")
	}
	today := people.Today(now)
	var hubei, quarantined, yellow, red, family int
	firms := map[string]bool{}
	for _, r := range p.rows {
		ps := r.Person
		firms[ps.Enterprise] = true
		if _, msg := pii.NormalizeIDNumber(ps.IDNumber); msg != "" {
			t.Fatalf("invalid ID number %s: %s", ps.IDNumber, msg)
		}
		check := ps
		check.QuarantineEnd = ""
		if pr := check.Normalize(today, people.Defaults); len(pr) > 0 {
			t.Fatalf("generated person %+v: %v", ps, pr)
		}
		if ps.Hubei {
			hubei++
		}
		if ps.InQuarantine(today) {
			quarantined++
		}
		switch ps.HealthCode {
		case people.CodeYellow:
			yellow++
		case people.CodeRed:
			red++
		}
		if ps.CodeHeldByFamily {
			family++
		}
	}
	open := 0
	for _, a := range p.alerts {
		if a.Status == people.AlertOpen {
			open++
		}
	}
	t.Logf("%d people at %d firms: %d from Hubei, %d in quarantine, %d yellow, %d red, %d family-held, %d readings, %d open alerts of %d",
		len(p.rows), len(firms), hubei, quarantined, yellow, red, family, len(p.readings), open, len(p.alerts))
	if len(p.rows) < 30_000 || len(p.rows) > 60_000 || quarantined == 0 || yellow == 0 || red == 0 || family == 0 || open == 0 {
		t.Errorf("not the demo's rosters")
	}
}

// TestNoPersonalDataInClear: after the demo's rosters and a person entered
// through the service (audited, revealed, with a fever alert), a byte
// search of the SQLite files, and of a pg_dump of PostgreSQL, finds no ID
// number and no phone of theirs.
func TestNoPersonalDataInClear(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			var dsn, dir string
			if engine == store.SQLite {
				dir = t.TempDir()
				dsn = "sqlite:" + filepath.Join(dir, "fugong.db")
			} else {
				dsn = storetest.NewPostgres(t)
			}
			db := storetest.Open(t, dsn)
			es, err := enterprises()
			if err != nil {
				t.Fatal(err)
			}
			if err := db.LoadEnterprises(ctx, es); err != nil {
				t.Fatal(err)
			}
			k, _ := pii.NewKey()
			keys, _ := pii.NewKeyring(k)
			start := time.Now()
			if err := SeedPeople(ctx, db, keys, nil); err != nil {
				t.Fatal(err)
			}
			t.Logf("SeedPeople on %s took %v", engine, time.Since(start).Round(time.Millisecond))
			plan := rosterPlan(es, db.Now())
			var secrets []string
			for i := 0; i < len(plan.rows); i += len(plan.rows) / 50 {
				r := plan.rows[i].Person
				secrets = append(secrets, r.IDNumber)
				if r.Phone != "" {
					secrets = append(secrets, r.Phone)
				}
			}
			// One more through the service: audited, revealed, a fever.
			svc := &people.Service{Store: db, Registry: &registry.Service{Store: db}, Keys: keys, Now: db.Now}
			clerk, err := firmByName(es, namedFirms[1].name)
			if err != nil {
				t.Fatal(err)
			}
			typed := pii.NewIDGenerator(99).Next().Number
			p, err := svc.Add(ctx, fugong.System, clerk, people.Person{Name: "测试", IDNumber: typed, Phone: "13957700001", HealthCode: people.CodeGreen})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Reveal(ctx, fugong.System, p.ID, "核实 "+typed+" 13957700001"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.AddTemperature(ctx, fugong.System, p.ID, people.Temperature{Celsius: 38.8}); err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, typed, "13957700001")
			// The demo's numbers are there, found through the index.
			if found, err := svc.Find(ctx, fugong.System, plan.rows[0].IDNumber); err != nil || len(found) != 1 {
				t.Fatalf("a demo person is not found by ID number: %v %v", found, err)
			}

			var dump []byte
			if engine == store.SQLite {
				if err := db.Close(); err != nil { // as the files rest
					t.Fatal(err)
				}
				files, _ := filepath.Glob(filepath.Join(dir, "*"))
				for _, f := range files {
					b, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					dump = append(dump, b...)
				}
				t.Logf("searched %d files, %d bytes", len(files), len(dump))
			} else {
				out, err := exec.Command("pg_dump", "--no-owner", dsn).Output()
				if err != nil {
					t.Fatalf("pg_dump: %v", err)
				}
				dump = out
				t.Logf("searched a pg_dump of %d bytes", len(dump))
			}
			if !bytes.Contains(dump, []byte(pii.MaskID(typed))) {
				t.Fatal("the search does not even find the masked number: it searched the wrong thing")
			}
			for _, s := range secrets {
				if bytes.Contains(dump, []byte(s)) {
					t.Errorf("%s in clear in the %s data", s, engine)
				}
				// Nor split by a masking that kept the middle.
				if bytes.Contains(dump, []byte(s[3:len(s)-1])) && !strings.HasPrefix(s, "1") {
					t.Errorf("the middle of %s in clear in the %s data", s, engine)
				}
			}
		})
	}
}
