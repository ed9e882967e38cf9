package demo

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

func TestOrgCheckChar(t *testing.T) {
	for _, tc := range []struct {
		body string
		want byte
	}{
		{"D2143569", 'X'}, // GB 11714's own example, D2143569-X
		{"66600721", '7'}, // organisation parts of DOMAIN.md's valid USCCs
		{"59169385", '6'},
		{"61431392", '5'},
		{"67179100", 'X'},
		{"L8334173", '4'},
		{"00000000", '0'}, // C = 11 becomes 0
	} {
		got, err := orgCheckChar(tc.body)
		if err != nil || got != tc.want {
			t.Errorf("orgCheckChar(%s) = %q, %v; want %q", tc.body, got, err, tc.want)
		}
	}
	for _, bad := range []string{"1234567", "1234567a", "12345-78"} {
		if _, err := orgCheckChar(bad); err == nil {
			t.Errorf("orgCheckChar(%q) accepted", bad)
		}
	}
}

func TestEnterprisesDeterministic(t *testing.T) {
	a, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := enterprises()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs generated different enterprises")
	}
	if len(towns) != len(registry.Towns) {
		t.Errorf("demo fills %d towns, the city has %d", len(towns), len(registry.Towns))
	}
}

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var lastDone, lastTotal int
		start := time.Now()
		logins, err := Seed(ctx, db, func(done, total int) { lastDone, lastTotal = done, total }, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Seed on %s took %v", db.Engine, time.Since(start).Round(time.Millisecond))
		if lastDone == 0 || lastDone != lastTotal {
			t.Errorf("last progress %d/%d", lastDone, lastTotal)
		}

		count := func(a fugong.Actor, f registry.Filter) int {
			t.Helper()
			f.Page, f.PerPage = 1, 1
			_, n, err := db.ListEnterprises(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		total, above := count(fugong.System, registry.Filter{}), count(fugong.System, registry.Filter{SizeClass: registry.SizeAbove})
		t.Logf("%d enterprises, %d above designated size", total, above)
		if total < 6500 || total > 7000 {
			t.Errorf("%d enterprises, want 6,500–7,000", total)
		}
		if above < 1000 || above > 1200 {
			t.Errorf("%d above designated size, want 1,000–1,200", above)
		}

		byTown := map[string]int{}
		names := map[string]bool{}
		err = db.EachEnterprise(ctx, fugong.System, registry.Filter{}, func(e registry.Enterprise) error {
			byTown[e.Town]++
			if names[e.Name] {
				t.Errorf("name %s twice", e.Name)
			}
			names[e.Name] = true
			if _, msg := registry.NormalizeUSCC(e.USCC); msg != "" {
				t.Errorf("%s: USCC %s: %s", e.Name, e.USCC, msg)
			} else if c, err := orgCheckChar(e.USCC[8:16]); err != nil || c != e.USCC[16] {
				t.Errorf("%s: USCC %s: organisation code check %q, want %q", e.Name, e.USCC, e.USCC[16], c)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tw := range registry.Towns {
			if byTown[tw.Code] == 0 {
				t.Errorf("no enterprise in %s", tw.Name)
			}
		}

		again, err := Seed(ctx, db, nil, false)
		if again != nil || err != nil {
			t.Errorf("second Seed = %v, %v; want nil, nil", again, err)
		}
		if n := count(fugong.System, registry.Filter{}); n != total {
			t.Errorf("second Seed changed the enterprises: %d, was %d", n, total)
		}
		if users, _, err := db.ListUsers(ctx, account.Filter{}); err != nil || len(users)-generatedCadres(users) != len(logins) {
			t.Errorf("after a second Seed %d users (%v), want %d and the generated cadres", len(users), err, len(logins))
		}

		svc := account.Service{Store: db, Now: time.Now}
		reset, err := Seed(ctx, db, nil, true)
		if err != nil || len(reset) != len(logins) {
			t.Fatalf("reset Seed = %d logins, %v; want %d", len(reset), err, len(logins))
		}
		if _, _, err := svc.Login(ctx, "admin", logins[0].Password, "10.9.9.9", account.KindWeb); fugong.ErrorCode(err) != fugong.EUnauthorized {
			t.Errorf("the old admin password still works after a reset: %v", err)
		}
		logins = reset
		actors := map[string]fugong.Actor{}
		for _, l := range logins {
			_, u, err := svc.Login(ctx, l.Username, l.Password, "127.0.0.1", account.KindWeb)
			if err != nil {
				t.Errorf("login %s: %v", l.Username, err)
				continue
			}
			if u.Role != l.Role || l.Scope == "" {
				t.Errorf("login %s: role %s, scope %q; returned %s", l.Username, u.Role, l.Scope, l.Role)
			}
			actors[l.Username] = u.Actor()
		}
		want := []string{"admin", "tongji", "ducha", "xietiao", "wuzi", "lianfang", "tangxia", "xianjiang", "ganbu", "qiye", "kakou"}
		var got []string
		for _, l := range logins {
			got = append(got, l.Username)
		}
		if !slices.Equal(got, want) {
			t.Errorf("logins %v, want %v", got, want)
		}

		es, _ := enterprises()
		var cadreSees []string
		err = db.EachEnterprise(ctx, actors["ganbu"], registry.Filter{}, func(e registry.Enterprise) error {
			cadreSees = append(cadreSees, e.USCC)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		paired := cadreFirms(es)
		slices.Sort(cadreSees)
		slices.Sort(paired)
		if len(paired) != 10 || !slices.Equal(cadreSees, paired) {
			t.Errorf("cadre sees %v, paired with %v", cadreSees, paired)
		}

		town := actors["tangxia"]
		if n, all := count(town, registry.Filter{}), byTown[tangxia]; n != all {
			t.Errorf("town user sees %d enterprises, its town has %d", n, all)
		}
		if n := count(town, registry.Filter{Town: xianjiang}); n != 0 {
			t.Errorf("塘下 user sees %d enterprises of 仙降", n)
		}
		if n := count(actors["qiye"], registry.Filter{}); n != 1 {
			t.Errorf("clerk sees %d enterprises", n)
		}
		checkPaperwork(t, db, actors)
	})
}
