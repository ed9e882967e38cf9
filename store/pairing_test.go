package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/pairing"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// addCadre stores a cadre account.
func addCadre(t *testing.T, db *store.DB, username, display string) account.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), fugong.System,
		account.User{Username: username, DisplayName: display, Role: fugong.RoleCadre}, "x")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPairingsSaveUnpairAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location)
		db.Now = func() time.Time { return at }
		a := ent(t, "MA4000001", "塘下镇", "瑞安市甲汽配有限公司")
		b := ent(t, "MA4000002", "塘下镇", "瑞安市乙电器厂")
		c := ent(t, "MA4000003", "仙降街道", "瑞安市丙鞋业有限公司")
		closed := ent(t, "MA4000004", "塘下镇", "瑞安市丁五金厂")
		closed.Status = registry.StatusClosed
		for _, e := range []registry.Enterprise{a, b, c, closed} {
			if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
				t.Fatal(err)
			}
		}
		wu, li := addCadre(t, db, "wu", "吴斌"), addCadre(t, db, "li", "")
		town := fugong.Actor{Username: "tx", Role: fugong.RoleTown, Town: "330381101"}

		res, err := db.SavePairings(ctx, town, []pairing.Assignment{{USCC: a.USCC, Cadre: wu}, {USCC: c.USCC, Cadre: li}}, "import")
		if err != nil || res != (pairing.SaveResult{Created: 2}) {
			t.Fatalf("first save: %+v, %v", res, err)
		}
		stored, _ := db.GetEnterprise(ctx, fugong.System, a.USCC)
		p, err := db.Pairing(ctx, stored)
		if err != nil || !p.Paired || p.Username != "wu" || p.DisplayName != "吴斌" || p.TownName != "塘下镇" ||
			p.Since == nil || !p.Since.Equal(at) || p.Since.Location() != fugong.Location {
			t.Fatalf("pairing of a: %+v, %v", p, err)
		}
		// The pairing is the cadre's scope.
		cadreWu := fugong.Actor{UserID: wu.ID, Username: "wu", Role: fugong.RoleCadre}
		if _, err := db.GetEnterprise(ctx, cadreWu, a.USCC); err != nil {
			t.Fatalf("wu reads a: %v", err)
		}

		// Again: a is unchanged, c changes cadre, b is new.
		at = at.Add(time.Hour)
		res, err = db.SavePairings(ctx, town, []pairing.Assignment{{USCC: a.USCC, Cadre: wu}, {USCC: c.USCC, Cadre: wu}, {USCC: b.USCC, Cadre: li}}, "import")
		if err != nil || res != (pairing.SaveResult{Created: 1, Updated: 1, Unchanged: 1}) {
			t.Fatalf("second save: %+v, %v", res, err)
		}
		if p, _ = db.Pairing(ctx, stored); !p.Since.Equal(at.Add(-time.Hour)) {
			t.Errorf("an unchanged pairing keeps its since: %v", p.Since)
		}
		entries, _, err := db.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", EntityID: c.USCC, Page: 1, PerPage: 10})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit of c: %d entries, %v", len(entries), err)
		}
		if e := entries[0]; e.Action != "import" || e.Actor != "tx" || !jsonHas(e.Before, "username", "li") || !jsonHas(e.After, "username", "wu") {
			t.Errorf("latest audit of c: %+v %s %s", e, e.Before, e.After)
		}

		// A bad assignment rolls the whole batch back.
		_, err = db.SavePairings(ctx, town, []pairing.Assignment{{USCC: a.USCC, Cadre: li}, {USCC: uscc(t, "MA4000099"), Cadre: li}}, "import")
		if fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("unknown enterprise: %v", err)
		}
		if p, _ = db.Pairing(ctx, stored); p.Username != "wu" {
			t.Errorf("a refused batch changed a's cadre to %s", p.Username)
		}

		cadres, err := db.Cadres(ctx)
		if err != nil || len(cadres) != 2 || cadres[0].Username != "li" || cadres[0].Enterprises != 1 || cadres[1].Enterprises != 2 {
			t.Fatalf("cadres %+v, %v", cadres, err)
		}
		if err := db.DisableUser(ctx, "li"); err != nil {
			t.Fatal(err)
		}
		if cadres, _ = db.Cadres(ctx); len(cadres) != 1 || cadres[0].Username != "wu" {
			t.Errorf("a disabled cadre is listed: %+v", cadres)
		}

		removed, err := db.Unpair(ctx, town, a.USCC)
		if err != nil || !removed {
			t.Fatalf("unpair a: %v, %v", removed, err)
		}
		if removed, err = db.Unpair(ctx, town, a.USCC); err != nil || removed {
			t.Fatalf("unpair a again: %v, %v", removed, err)
		}
		if p, _ = db.Pairing(ctx, stored); p.Paired || p.Username != "" || p.Since != nil {
			t.Errorf("after unpairing: %+v", p)
		}
		if _, err := db.GetEnterprise(ctx, cadreWu, a.USCC); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("wu still reads a after unpairing: %v", err)
		}
		entries, _, _ = db.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", EntityID: a.USCC, Action: "delete", Page: 1, PerPage: 10})
		if len(entries) != 1 || !jsonHas(entries[0].Before, "username", "wu") {
			t.Errorf("unpairing audited as %+v", entries)
		}

		// Unpaired: a (塘下) only for the town; a for the city too (c and b
		// are paired, closed is not active).
		items, total, err := db.Unpaired(ctx, town, "", 1, 50)
		if err != nil || total != 1 || len(items) != 1 || items[0].USCC != a.USCC || items[0].TownName != "塘下镇" {
			t.Fatalf("town's unpaired: %+v %d %v", items, total, err)
		}
		if _, err := db.Unpair(ctx, fugong.System, c.USCC); err != nil {
			t.Fatal(err)
		}
		items, total, _ = db.Unpaired(ctx, fugong.System, "", 1, 1)
		if total != 2 || len(items) != 1 || items[0].USCC != c.USCC {
			t.Errorf("city's first page of 1: %+v of %d (仙降 sorts before 塘下)", items, total)
		}
		if items, _, _ = db.Unpaired(ctx, fugong.System, "", 2, 1); len(items) != 1 || items[0].USCC != a.USCC {
			t.Errorf("city's second page: %+v", items)
		}
		if items, total, _ = db.Unpaired(ctx, fugong.System, "330381101", 1, 0); total != 1 || len(items) != 1 {
			t.Errorf("塘下 filter, all: %+v %d", items, total)
		}
		if items, total, _ = db.Unpaired(ctx, town, "330381010", 1, 50); total != 0 || len(items) != 0 || items == nil {
			t.Errorf("a filter never widens the town's scope: %+v %d", items, total)
		}
		counts, err := db.UnpairedByTown(ctx, fugong.System)
		want := []pairing.TownCount{{Town: "330381010", TownName: "仙降街道", Total: 1, Unpaired: 1}, {Town: "330381101", TownName: "塘下镇", Total: 2, Unpaired: 1}}
		if err != nil || !slices.Equal(counts, want) {
			t.Errorf("city's counts %+v, %v; want %+v", counts, err, want)
		}
		if counts, _ = db.UnpairedByTown(ctx, cadreWu); len(counts) != 0 || counts == nil {
			t.Errorf("wu, paired with nothing now, counts %+v", counts)
		}
	})
}

// jsonHas reports whether a JSON object has key set to the string want.
func jsonHas(raw json.RawMessage, key, want string) bool {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	return m[key] == want
}

func TestUserByName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addCadre(t, db, "wu", "吴斌")
		if u, _, err := db.UserByName(ctx, "wu"); err != nil || u.Role != fugong.RoleCadre || u.DisplayName != "吴斌" {
			t.Fatalf("wu: %+v, %v", u, err)
		}
		if _, _, err := db.UserByName(ctx, "nobody"); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("nobody: %v", err)
		}
	})
}

// TestPairingsRacingKeepTheAuditChain: cadres paired with one firm at the
// same moment queue, so each audit row's before is the cadre the previous
// row left.
func TestPairingsRacingKeepTheAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := ent(t, "MQ5000001", "塘下镇", "瑞安市丙机械有限公司")
		if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
			t.Fatal(err)
		}
		var cadres []account.User
		for i := range 6 {
			u, err := db.CreateUser(ctx, fugong.System, account.User{Username: fmt.Sprintf("race-cadre-%d", i), Role: fugong.RoleCadre}, "x")
			if err != nil {
				t.Fatal(err)
			}
			cadres = append(cadres, u)
		}
		for range 5 {
			var wg sync.WaitGroup
			for _, c := range cadres {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := db.SavePairings(ctx, fugong.System, []pairing.Assignment{{USCC: e.USCC, Cadre: c}}, "update"); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		rows, _, err := db.ListAudit(ctx, audit.Filter{Entity: "cadre_pairing", EntityID: e.USCC, Page: 1, PerPage: 500})
		if err != nil {
			t.Fatal(err)
		}
		firsts := 0
		for i := len(rows) - 1; i >= 0; i-- { // oldest first
			if len(rows[i].Before) == 0 || string(rows[i].Before) == "null" {
				firsts++
			} else if i < len(rows)-1 && string(rows[i].Before) != string(rows[i+1].After) {
				t.Errorf("audit row %d: before %s, but the row before it left %s", rows[i].ID, rows[i].Before, rows[i+1].After)
			}
		}
		if firsts != 1 {
			t.Errorf("%d of %d audit rows say the firm had no cadre before, want 1", firsts, len(rows))
		}
	})
}
