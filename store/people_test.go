package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// The people module over both engines: the roster with ID numbers and
// phones sealed, look-up through the keyed index, audited reveals,
// temperatures and alerts, the day's lists, imports, key rotation and the
// retention purge.

// peopleNow is the tests' clock: 2020-02-20 10:00 in Ruian.
var peopleNow = time.Date(2020, 2, 20, 10, 0, 0, 0, fugong.Location)

type peopleWorld struct {
	db                  *store.DB
	svc                 *people.Service
	tangA, tangB, xianA string
	admin, prevention   fugong.Actor
	stat, town, cadre   fugong.Actor
	clerk, xianTown     fugong.Actor
	clock               *time.Time
}

func testKeys(t testing.TB) *pii.Keyring {
	t.Helper()
	k, err := pii.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	r, err := pii.NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newPeopleWorld(t *testing.T, db *store.DB) *peopleWorld {
	t.Helper()
	ctx := context.Background()
	now := peopleNow
	w := &peopleWorld{db: db, clock: &now}
	db.Now = func() time.Time { return *w.clock }
	w.svc = &people.Service{Store: db, Registry: &registry.Service{Store: db}, Keys: testKeys(t), Now: db.Now}
	for _, e := range []struct {
		org, town, name string
		dst             *string
	}{
		{"MP1000001", tangxia, "瑞安市塘下汽配有限公司", &w.tangA},
		{"MP1000002", tangxia, "瑞安市塘下电器厂", &w.tangB},
		{"MP1000003", xianjiang, "瑞安市仙降鞋业有限公司", &w.xianA},
	} {
		created, err := db.CreateEnterprise(ctx, fugong.System, ent(t, e.org, e.town, e.name))
		if err != nil {
			t.Fatal(err)
		}
		*e.dst = created.USCC
	}
	cadre, err := db.CreateUser(ctx, fugong.System, account.User{Username: "ganbu", Role: fugong.RoleCadre}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PairCadre(ctx, fugong.System, w.tangA, cadre.ID); err != nil {
		t.Fatal(err)
	}
	w.admin = fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}
	w.prevention = fugong.Actor{Username: "lianfang", Role: fugong.RoleBureau, Group: fugong.GroupPrevention}
	w.stat = fugong.Actor{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	w.town = fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
	w.xianTown = fugong.Actor{Username: "xianjiang", Role: fugong.RoleTown, Town: xianjiang}
	w.cadre = fugong.Actor{UserID: cadre.ID, Username: "ganbu", Role: fugong.RoleCadre}
	w.clerk = fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: w.tangB}
	return w
}

// Specimens: valid ID numbers (GB 11643 check characters).
func idNumber(t testing.TB, division string, birth string, seq int) string {
	t.Helper()
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		t.Fatal(err)
	}
	id, err := pii.MakeIDNumber(division, b, seq)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func person(name, id, phone string) people.Person {
	return people.Person{Name: name, IDNumber: id, Phone: phone, Origin: "瑞安市", HealthCode: people.CodeGreen, OnPost: true}
}

func (w *peopleWorld) add(t *testing.T, a fugong.Actor, uscc string, p people.Person) people.Person {
	t.Helper()
	got, err := w.svc.Add(context.Background(), a, uscc, p)
	if err != nil {
		t.Fatalf("add %s: %v", p.Name, err)
	}
	return got
}

func code(err error) string { return fugong.ErrorCode(err) }

func field(err error) string {
	if e := fugong.AsError(err); e != nil {
		return e.Field
	}
	return ""
}

// noWholeInAudit fails if any audit row holds one of the secrets.
func noWholeInAudit(t *testing.T, db *store.DB, secrets ...string) {
	t.Helper()
	entries, _, err := db.ListAudit(context.Background(), audit.Filter{Page: 1, PerPage: audit.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		for _, s := range secrets {
			if bytes.Contains(e.Before, []byte(s)) || bytes.Contains(e.After, []byte(s)) {
				t.Errorf("audit row %d (%s %s) holds %s whole: %s %s", e.ID, e.Action, e.Entity, s, e.Before, e.After)
			}
		}
	}
}

func TestPeopleRosterLookupReveal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPeopleWorld(t, db)
		zhang := idNumber(t, "420102", "1990-01-01", 123)
		lower := strings.ToLower(idNumber(t, "330381", "1985-06-30", 1))
		if !strings.HasSuffix(lower, "x") {
			lower = idNumber(t, "330381", "1985-06-30", 3) // a number ending in X: find one
			for seq := 5; !strings.HasSuffix(lower, "X"); seq += 2 {
				lower = idNumber(t, "330381", "1985-06-30", seq)
			}
			lower = strings.ToLower(lower)
		}

		// Bad input: each refused naming its field, nothing stored.
		bad := []struct {
			edit  func(p *people.Person)
			field string
		}{
			{func(p *people.Person) { p.IDNumber = zhang[:17] + "0" }, "id_number"},
			{func(p *people.Person) { p.IDNumber = "" }, "id_number"},
			{func(p *people.Person) { p.Phone = "1381234567" }, "phone"},
			{func(p *people.Person) { p.ReturnedOn = "2020-02-21" }, "returned_on"},
			{func(p *people.Person) { p.QuarantineStart, p.QuarantineEnd = "2020-02-10", "2020-02-09" }, "quarantine_end"},
			{func(p *people.Person) { p.HealthCode = "blue" }, "health_code"},
		}
		for _, b := range bad {
			p := person("张三", zhang, "13812345678")
			b.edit(&p)
			_, err := w.svc.Add(ctx, w.clerk, w.tangB, p)
			if code(err) != fugong.EInvalid || field(err) != b.field {
				t.Errorf("bad %s: %v", b.field, err)
			}
		}

		p := person("张三", zhang, "138 1234 5678")
		p.Hubei, p.ReturnedOn, p.QuarantineStart = true, "2020-02-12", "2020-02-12"
		got := w.add(t, w.clerk, w.tangB, p)
		if got.ID == 0 || got.IDNumber != zhang[:6]+"********"+zhang[14:] || got.Phone != "138****5678" ||
			got.QuarantineEnd != "2020-02-25" || got.QuarantineDays != 14 || got.EnterpriseName != "瑞安市塘下电器厂" {
			t.Fatalf("added %+v", got)
		}
		// The lower-case x is stored upper-case: the same number twice is a conflict.
		w.add(t, w.town, w.tangB, person("李四", lower, ""))
		if _, err := w.svc.Add(ctx, w.clerk, w.tangB, person("李四", strings.ToUpper(lower), "")); code(err) != fugong.EConflict || field(err) != "id_number" {
			t.Errorf("the same ID number twice: %v", err)
		}
		// The same person works at another firm too: a record there.
		w.add(t, w.admin, w.xianA, person("张三", zhang, "13812345678"))
		// Who may add where.
		for _, c := range []struct {
			a    fugong.Actor
			uscc string
			want string
		}{
			{w.cadre, w.tangB, fugong.ENotFound}, {w.clerk, w.tangA, fugong.ENotFound}, {w.xianTown, w.tangB, fugong.ENotFound},
			{w.stat, w.tangB, fugong.EForbidden},
		} {
			if _, err := w.svc.Add(ctx, c.a, c.uscc, person("王五", idNumber(t, "330381", "1970-03-03", 11), "")); code(err) != c.want {
				t.Errorf("%s adds at %s: %v, want %s", c.a.Username, c.uscc, err, c.want)
			}
		}

		list, total, err := w.svc.Roster(ctx, w.cadre, w.tangA, 1, 50)
		if err != nil || total != 0 || len(list) != 0 {
			t.Errorf("tangA's roster %v %d %v", list, total, err)
		}
		list, total, err = w.svc.Roster(ctx, w.stat, w.tangB, 1, 50)
		if err != nil || total != 2 || len(list) != 2 || list[0].Name != "张三" || strings.Contains(list[0].IDNumber, zhang[6:14]) {
			t.Fatalf("tangB's roster %+v %d %v", list, total, err)
		}
		if _, _, err := w.svc.Roster(ctx, w.cadre, w.tangB, 1, 50); code(err) != fugong.ENotFound {
			t.Errorf("the cadre reads tangB's roster: %v", err)
		}

		// Look-up by the whole number, through the index, in scope.
		for _, c := range []struct {
			a    fugong.Actor
			want []string
		}{
			{w.admin, []string{w.tangB, w.xianA}}, {w.town, []string{w.tangB}}, {w.xianTown, []string{w.xianA}},
			{w.clerk, []string{w.tangB}}, {w.cadre, nil},
		} {
			found, err := w.svc.Find(ctx, c.a, strings.ToLower(zhang))
			if err != nil {
				t.Fatal(err)
			}
			var firms []string
			for _, f := range found {
				firms = append(firms, f.Enterprise)
				if f.IDNumber != got.IDNumber {
					t.Errorf("found %s unmasked", f.IDNumber)
				}
			}
			slices.Sort(firms)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(firms, want) {
				t.Errorf("%s finds %v, want %v", c.a.Username, firms, want)
			}
		}
		if _, err := w.svc.Find(ctx, w.admin, "123"); code(err) != fugong.EInvalid || field(err) != "id_number" {
			t.Errorf("a malformed look-up: %v", err)
		}

		// Reveal: out of scope 404, a role that may not 403, no reason 400.
		for _, c := range []struct {
			a      fugong.Actor
			reason string
			want   string
		}{
			{w.cadre, "核查", fugong.ENotFound}, {w.xianTown, "核查", fugong.ENotFound},
			{w.stat, "核查", fugong.EForbidden}, {w.clerk, "  ", fugong.EInvalid},
		} {
			if _, err := w.svc.Reveal(ctx, c.a, got.ID, c.reason); code(err) != c.want {
				t.Errorf("%s reveals: %v, want %s", c.a.Username, err, c.want)
			}
		}
		for _, a := range []fugong.Actor{w.clerk, w.town, w.prevention, w.admin} {
			full, err := w.svc.Reveal(ctx, a, got.ID, "联系社区核实返岗情况 13812345678")
			if err != nil || full.IDNumber != zhang || full.Phone != "13812345678" {
				t.Errorf("%s reveals %q %q %v", a.Username, full.IDNumber, full.Phone, err)
			}
		}
		entries, n, err := db.ListAudit(ctx, audit.Filter{Entity: "person", EntityID: fmt.Sprint(got.ID), Action: "reveal", Page: 1, PerPage: 10})
		if err != nil || n != 4 {
			t.Fatalf("%d reveals audited: %v", n, err)
		}
		if a := string(entries[0].After); entries[0].Actor != "admin" || !strings.Contains(a, got.IDNumber) ||
			!strings.Contains(a, "联系社区核实返岗情况 138****5678") {
			t.Errorf("reveal audited as %s %s", entries[0].Actor, a)
		}
		noWholeInAudit(t, db, zhang, strings.ToUpper(lower), "13812345678")
	})
}

func TestPeopleUpdateDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPeopleWorld(t, db)
		a, b := idNumber(t, "330381", "1980-05-05", 21), idNumber(t, "330381", "1981-05-05", 22)
		pa := w.add(t, w.clerk, w.tangB, person("陈一", a, "13900000001"))
		pb := w.add(t, w.clerk, w.tangB, person("陈二", b, ""))

		str := func(s string) *string { return &s }
		yellow := people.CodeYellow
		got, err := w.svc.Update(ctx, w.town, pa.ID, people.Patch{Name: str("陈一一"), QuarantineStart: str("2020-02-15"),
			HealthCode: &yellow, CodeSince: str("2020-02-15"), Phone: str("")})
		if err != nil || got.Name != "陈一一" || got.QuarantineEnd != "2020-02-28" || got.HealthCode != people.CodeYellow || got.Phone != "" {
			t.Fatalf("update %+v %v", got, err)
		}
		// Yellow without the day it turned: refused naming the field.
		red := people.CodeRed
		if _, err := w.svc.Update(ctx, w.town, pa.ID, people.Patch{HealthCode: &red}); code(err) != fugong.EInvalid || field(err) != "code_since" {
			t.Errorf("red without its day: %v", err)
		}
		// An end given instead of days sets them.
		if got, err = w.svc.Update(ctx, w.clerk, pa.ID, people.Patch{QuarantineEnd: str("2020-02-21")}); err != nil || got.QuarantineDays != 7 {
			t.Errorf("end instead of days: %+v %v", got, err)
		}
		// Another record's ID number: a conflict, nothing changed.
		if _, err := w.svc.Update(ctx, w.clerk, pa.ID, people.Patch{IDNumber: &b}); code(err) != fugong.EConflict || field(err) != "id_number" {
			t.Errorf("taking another's ID number: %v", err)
		}
		c := idNumber(t, "330381", "1982-05-05", 23)
		if got, err = w.svc.Update(ctx, w.clerk, pa.ID, people.Patch{IDNumber: &c}); err != nil || got.IDNumber != pii.MaskID(c) {
			t.Fatalf("new ID number %+v %v", got, err)
		}
		if found, err := w.svc.Find(ctx, w.admin, c); err != nil || len(found) != 1 || found[0].ID != pa.ID {
			t.Errorf("the new number is not found: %v %v", found, err)
		}
		if found, _ := w.svc.Find(ctx, w.admin, a); len(found) != 0 {
			t.Errorf("the old number still finds %v", found)
		}
		if _, err := w.svc.Update(ctx, w.cadre, pa.ID, people.Patch{Name: str("x")}); code(err) != fugong.ENotFound {
			t.Errorf("the cadre of another firm updates: %v", err)
		}
		if _, err := w.svc.Update(ctx, w.stat, pa.ID, people.Patch{Name: str("x")}); code(err) != fugong.EForbidden {
			t.Errorf("the statistics group updates: %v", err)
		}
		if err := w.svc.Delete(ctx, w.xianTown, pb.ID); code(err) != fugong.ENotFound {
			t.Errorf("another town deletes: %v", err)
		}
		if err := w.svc.Delete(ctx, w.clerk, pb.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Get(ctx, w.admin, pb.ID); code(err) != fugong.ENotFound {
			t.Errorf("deleted person read: %v", err)
		}
		if n := auditCount(t, db, "person", fmt.Sprint(pa.ID)); n != 4 {
			t.Errorf("%d audit rows of the person, want its creation and 3 updates (the refused ones none)", n)
		}
		noWholeInAudit(t, db, a, b, c, "13900000001")
	})
}

func TestPeopleTemperaturesAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPeopleWorld(t, db)
		pa := w.add(t, w.admin, w.tangA, person("林发热", idNumber(t, "330381", "1975-01-01", 31), ""))
		px := w.add(t, w.admin, w.xianA, person("周发热", idNumber(t, "330381", "1976-01-01", 33), ""))
		at := func(h int) time.Time { return time.Date(2020, 2, 20, h, 0, 0, 0, fugong.Location) }

		for _, c := range []float64{33.9, 43.1} {
			if _, _, err := w.svc.AddTemperature(ctx, w.cadre, pa.ID, people.Temperature{Celsius: c, At: at(8)}); code(err) != fugong.EInvalid || field(err) != "celsius" {
				t.Errorf("%.1f °C: %v", c, err)
			}
		}
		if _, _, err := w.svc.AddTemperature(ctx, w.cadre, pa.ID, people.Temperature{Celsius: 36.5, At: at(11)}); code(err) != fugong.EInvalid || field(err) != "measured_at" {
			t.Errorf("a reading in the future: %v", err)
		}
		tmp, al, err := w.svc.AddTemperature(ctx, w.cadre, pa.ID, people.Temperature{Celsius: 37.2, At: at(8)})
		if err != nil || al != nil || tmp.Day != "2020-02-20" || tmp.ID == 0 {
			t.Fatalf("37.2: %+v %+v %v", tmp, al, err)
		}
		_, al, err = w.svc.AddTemperature(ctx, w.cadre, pa.ID, people.Temperature{Celsius: 37.3, At: at(9)})
		if err != nil || al == nil || al.Town != tangxia || al.USCC != w.tangA || *al.StaffID != pa.ID || al.Status != "open" || al.Celsius != 37.3 ||
			al.Name != "林发热" || al.IDNumber != pa.IDNumber {
			t.Fatalf("37.3: %+v %v", al, err)
		}
		_, again, err := w.svc.AddTemperature(ctx, w.town, pa.ID, people.Temperature{Celsius: 38.4, At: at(10)})
		if err != nil || again == nil || again.ID != al.ID || again.Celsius != 38.4 {
			t.Fatalf("a higher reading keeps one alert: %+v %v", again, err)
		}
		if _, xa, err := w.svc.AddTemperature(ctx, w.admin, px.ID, people.Temperature{Celsius: 38, At: at(9)}); err != nil || xa == nil {
			t.Fatal(err)
		}
		open := func(a fugong.Actor) []string {
			t.Helper()
			als, _, err := w.svc.Alerts(ctx, a, people.AlertFilter{Kind: "fever", Status: "open"})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, x := range als {
				names = append(names, x.Name)
			}
			slices.Sort(names)
			return names
		}
		for _, c := range []struct {
			a    fugong.Actor
			want []string
		}{
			{w.admin, []string{"周发热", "林发热"}}, {w.stat, []string{"周发热", "林发热"}}, {w.town, []string{"林发热"}},
			{w.cadre, []string{"林发热"}}, {w.xianTown, []string{"周发热"}}, {w.clerk, nil},
		} {
			if got := open(c.a); !slices.Equal(got, c.want) {
				t.Errorf("%s sees alerts %v, want %v", c.a.Username, got, c.want)
			}
		}
		if _, err := w.svc.CloseAlert(ctx, w.xianTown, al.ID, "已处置"); code(err) != fugong.ENotFound {
			t.Errorf("another town closes: %v", err)
		}
		if _, err := w.svc.CloseAlert(ctx, w.stat, al.ID, "已处置"); code(err) != fugong.EForbidden {
			t.Errorf("the statistics group closes: %v", err)
		}
		if _, err := w.svc.CloseAlert(ctx, w.town, al.ID, " "); code(err) != fugong.EInvalid || field(err) != "note" {
			t.Errorf("closed without a note: %v", err)
		}
		closed, err := w.svc.CloseAlert(ctx, w.town, al.ID, "已送市人民医院发热门诊，核酸阴性")
		if err != nil || closed.Status != "closed" || closed.ClosedBy != "tangxia" || closed.ClosedAt == nil || closed.Note == "" {
			t.Fatalf("closed %+v %v", closed, err)
		}
		if _, err := w.svc.CloseAlert(ctx, w.cadre, al.ID, "再次关闭"); code(err) != fugong.EConflict {
			t.Errorf("closed twice: %v", err)
		}
		if got := open(w.town); len(got) != 0 {
			t.Errorf("the town still sees %v open", got)
		}
		// A new fever after the close opens a new alert.
		if _, next, err := w.svc.AddTemperature(ctx, w.cadre, pa.ID, people.Temperature{Celsius: 37.8, At: at(10)}); err != nil || next == nil || next.ID == al.ID {
			t.Errorf("fever after the close: %+v %v", next, err)
		}
		_, h, err := w.svc.Temperatures(ctx, w.cadre, pa.ID)
		if err != nil || len(h.Readings) != 4 || h.Readings[0].Celsius != 37.8 && h.Readings[0].Celsius != 38.4 {
			t.Errorf("history %+v %v", h.Readings, err)
		}
	})
}

func TestHealthSummary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPeopleWorld(t, db)
		seq := 100
		add := func(uscc, name string, edit func(p *people.Person)) people.Person {
			seq += 2
			p := person(name, idNumber(t, "330381", "1990-02-02", seq), "13800000000")
			edit(&p)
			return w.add(t, w.admin, uscc, p)
		}
		none := func(*people.Person) {}
		add(w.tangA, "在岗甲", none)
		q := add(w.tangA, "隔离中", func(p *people.Person) { p.Hubei, p.QuarantineStart = true, "2020-02-10" }) // ends 02-23: ending soon
		add(w.tangB, "隔离刚开始", func(p *people.Person) { p.QuarantineStart = "2020-02-19" })
		add(w.tangB, "隔离已结束", func(p *people.Person) { p.QuarantineStart = "2020-02-01" })
		y := add(w.tangB, "黄码", func(p *people.Person) { p.HealthCode, p.CodeSince = people.CodeYellow, "2020-02-15" })
		add(w.xianA, "红码", func(p *people.Person) {
			p.HealthCode, p.CodeSince, p.CodeHeldByFamily = people.CodeRed, "2020-02-18", true
		})
		f := add(w.tangA, "发热", none)
		for d := 16; d <= 20; d++ { // the yellow code's five normal check-ins so far
			if _, _, err := w.svc.AddTemperature(ctx, w.admin, y.ID, people.Temperature{Celsius: 36.6, At: time.Date(2020, 2, d, 8, 0, 0, 0, fugong.Location)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := w.svc.AddTemperature(ctx, w.admin, f.ID, people.Temperature{Celsius: 38.1, At: peopleNow.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		counts := func(a fugong.Actor, f people.SummaryFilter) people.Counts {
			t.Helper()
			sum, _, err := w.svc.Summary(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			// Counted in the database, the lists come out the same.
			if c, _, err := w.svc.Counts(ctx, a, f); err != nil || c != sum.Counts() {
				t.Errorf("%s %+v: counted %+v (%v), the lists have %+v", a.Username, f, c, err, sum.Counts())
			}
			return sum.Counts()
		}
		city := counts(w.admin, people.SummaryFilter{})
		if want := (people.Counts{Quarantined: 2, QuarantineEnding: 1, Yellow: 1, Red: 1, Fever: 1, FamilyHeld: 1}); city != want {
			t.Errorf("city %+v, want %+v", city, want)
		}
		if got, want := counts(w.town, people.SummaryFilter{}), (people.Counts{Quarantined: 2, QuarantineEnding: 1, Yellow: 1, Fever: 1}); got != want {
			t.Errorf("塘下镇 %+v, want %+v", got, want)
		}
		if got, want := counts(w.admin, people.SummaryFilter{Town: "仙降"}), (people.Counts{Red: 1, FamilyHeld: 1}); got != want {
			t.Errorf("the admin's 仙降 %+v, want %+v", got, want)
		}
		if got := counts(w.town, people.SummaryFilter{Town: xianjiang}); got != (people.Counts{}) {
			t.Errorf("塘下镇 reads 仙降's: %+v", got)
		}
		if got, want := counts(w.cadre, people.SummaryFilter{Enterprise: w.tangA}), (people.Counts{Quarantined: 1, QuarantineEnding: 1, Fever: 1}); got != want {
			t.Errorf("the cadre's firm %+v, want %+v", got, want)
		}
		if _, _, err := w.svc.Summary(ctx, w.cadre, people.SummaryFilter{Enterprise: w.tangB}); code(err) != fugong.ENotFound {
			t.Errorf("the cadre reads another firm's lists: %v", err)
		}
		if _, _, err := w.svc.Summary(ctx, w.admin, people.SummaryFilter{Day: "2020-02-21"}); code(err) != fugong.EInvalid {
			t.Errorf("tomorrow's lists: %v", err)
		}
		// A past day: the quarantine that had not ended, no fever yet.
		if got := counts(w.admin, people.SummaryFilter{Day: "2020-02-05"}); got.Quarantined != 1 || got.Fever != 0 {
			t.Errorf("2020-02-05 %+v", got)
		}
		sum, _, _ := w.svc.Summary(ctx, w.admin, people.SummaryFilter{})
		// Five normal days from the 16th, today's in: two more, green on the 22nd.
		if len(sum.Yellow) != 1 || sum.Yellow[0].GreenExpected != "2020-02-22" || sum.Yellow[0].Phone != "138****0000" {
			t.Errorf("yellow list %+v", sum.Yellow)
		}
		if len(sum.QuarantineEnding) != 1 || sum.QuarantineEnding[0].Person != q.ID || sum.Fever[0].Celsius != 38.1 {
			t.Errorf("lists %+v %+v", sum.QuarantineEnding, sum.Fever)
		}

		fig, ok, err := w.svc.RosterFigures(ctx, w.cadre, w.tangA, "2020-02-20")
		if err != nil || !ok || fig != (people.RosterFigures{StaffTotal: 3, HubeiStaff: 1, Quarantined: 1, Fever: 1}) {
			t.Errorf("tangA's figures %+v %v %v", fig, ok, err)
		}
		if _, ok, err := w.svc.RosterFigures(ctx, w.admin, w.xianA, "2020-02-20"); err != nil || !ok {
			t.Errorf("xianA keeps a roster: %v %v", ok, err)
		}
		c, err := db.CreateEnterprise(ctx, fugong.System, ent(t, "MP1000009", tangxia, "没有花名册的厂"))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := w.svc.RosterFigures(ctx, w.admin, c.USCC, "2020-02-20"); err != nil || ok {
			t.Errorf("a firm without a roster: %v %v", ok, err)
		}
	})
}

func TestPeopleImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPeopleWorld(t, db)
		existing := w.add(t, w.clerk, w.tangB, person("已登记", idNumber(t, "330381", "1970-01-01", 1), ""))
		gen := pii.NewIDGenerator(7)
		const n = 10_000
		rows := make([]people.ImportRow, n)
		cols := map[string]string{"name": "姓名", "id_number": "身份证号码", "phone": "联系电话", "health_code": "健康码"}
		for i := range rows {
			rows[i] = people.ImportRow{Row: i + 2, Columns: cols,
				Person: people.Person{Name: fmt.Sprintf("员工%05d", i), IDNumber: gen.Next().Number, Phone: fmt.Sprintf("139%08d", i), HealthCode: "绿码", OnPost: true}}
		}
		rows[6000].Person.Phone = "12345"
		_, err := w.svc.Import(ctx, w.clerk, w.tangB, rows, false)
		var ie *people.ImportError
		if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 6002 || ie.Rows[0].Field != "phone" || ie.Rows[0].Column != "联系电话" {
			t.Fatalf("one bad row of %d: %v", n, err)
		}
		if _, total, _ := w.svc.Roster(ctx, w.admin, w.tangB, 1, 1); total != 1 {
			t.Fatalf("the refused sheet stored %d people", total-1)
		}
		// A number twice in the sheet, and one already on the roster.
		rows[6000].Person.Phone = ""
		rows[7000].Person.IDNumber = strings.ToLower(rows[10].Person.IDNumber)
		rows[8000].Person.IDNumber = pii.MaskID(existing.IDNumber) // masked: not a number at all
		rows[9000].Person.IDNumber = idNumber(t, "330381", "1970-01-01", 1)
		_, err = w.svc.Import(ctx, w.clerk, w.tangB, rows, false)
		if !errors.As(err, &ie) || len(ie.Rows) != 3 || !strings.Contains(ie.Rows[0].Message, "与第12行重复") ||
			ie.Rows[1].Row != 8002 || !strings.Contains(ie.Rows[2].Message, "已登记") {
			t.Fatalf("duplicates: %v", ie.Rows)
		}
		res, err := w.svc.Import(ctx, w.clerk, w.tangB, rows, true)
		if err != nil || res.Created != n-3 || len(res.Bad) != 3 {
			t.Fatalf("skipping bad rows: %+v %v", res.Created, err)
		}
		if _, total, _ := w.svc.Roster(ctx, w.admin, w.tangB, 1, 1); total != n-3+1 {
			t.Errorf("%d on the roster", total)
		}
		if found, err := w.svc.Find(ctx, w.town, rows[9999].Person.IDNumber); err != nil || len(found) != 1 || found[0].Name != "员工09999" {
			t.Errorf("an imported person is not found: %v %v", found, err)
		}
		if _, err := w.svc.Import(ctx, w.cadre, w.tangB, rows[:1], false); code(err) != fugong.ENotFound {
			t.Errorf("import out of scope: %v", err)
		}
	})
}

func TestPeopleKeyRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPeopleWorld(t, db)
		gen := pii.NewIDGenerator(11)
		var ids []string
		var ps []people.Person
		for i := range 25 {
			id := gen.Next().Number
			ids = append(ids, id)
			ps = append(ps, w.add(t, w.clerk, w.tangB, person(fmt.Sprintf("轮换%02d", i), id, fmt.Sprintf("137%08d", i))))
		}
		old := w.svc.Keys
		readable := func(what string) {
			t.Helper()
			for i, p := range ps {
				full, err := w.svc.Reveal(ctx, w.admin, p.ID, "密钥轮换核对")
				if err != nil || full.IDNumber != ids[i] {
					t.Fatalf("%s: person %d reads %q: %v", what, p.ID, full.IDNumber, err)
				}
				if found, err := w.svc.Find(ctx, w.admin, ids[i]); err != nil || len(found) != 1 {
					t.Fatalf("%s: person %d not found: %v", what, p.ID, err)
				}
			}
		}
		rotated, err := old.Rotate()
		if err != nil {
			t.Fatal(err)
		}
		w.svc.Keys = rotated
		readable("rotated, nothing moved")
		// Interrupted after the first batch of 10, then run again.
		stop, cancel := context.WithCancel(ctx)
		moved, err := w.svc.ResealAll(stop, w.admin, 10, func(done, total int) {
			if done == 10 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) || moved != 10 {
			t.Fatalf("interrupted pass moved %d: %v", moved, err)
		}
		readable("interrupted")
		// Meanwhile an instance still on the old key writes a new person.
		w.svc.Keys = old
		late := gen.Next().Number
		ps = append(ps, w.add(t, w.clerk, w.tangB, person("旧密钥写入", late, "")))
		ids = append(ids, late)
		w.svc.Keys = rotated
		if n, _ := w.svc.Unrotated(ctx); n != 16 {
			t.Errorf("%d rows left under the old key, want 16", n)
		}
		moved, err = w.svc.ResealAll(ctx, w.admin, 10, nil)
		if err != nil || moved != 16 {
			t.Fatalf("second pass moved %d: %v", moved, err)
		}
		if n, _ := w.svc.Unrotated(ctx); n != 0 {
			t.Errorf("%d rows still under the old key", n)
		}
		readable("rotated")
		if moved, err = w.svc.ResealAll(ctx, w.admin, 10, nil); err != nil || moved != 0 {
			t.Errorf("a third pass moved %d: %v", moved, err)
		}
		retired, err := rotated.Retire(old.Current())
		if err != nil {
			t.Fatal(err)
		}
		w.svc.Keys = retired
		readable("old key retired")
		// The old key file alone opens nothing now, and says which key it lacks.
		w.svc.Keys = old
		if unknown, err := w.svc.UnknownKeys(ctx); err != nil || unknown[rotated.Current()] != len(ps) {
			t.Errorf("unknown keys %v %v", unknown, err)
		}
		if _, err := w.svc.Reveal(ctx, w.admin, ps[0].ID, "x"); !errors.Is(err, pii.ErrUnknownKey) {
			t.Errorf("reveal with the old key file: %v", err)
		}
		noWholeInAudit(t, db, ids...)
	})
}

func TestPeoplePurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newPeopleWorld(t, db)
		*w.clock = time.Date(2020, 3, 1, 9, 0, 0, 0, fugong.Location)
		oldID := idNumber(t, "420106", "1988-08-08", 41)
		old := w.add(t, w.clerk, w.tangB, person("欧阳清除", oldID, "15912345678"))
		if _, _, err := w.svc.AddTemperature(ctx, w.clerk, old.ID, people.Temperature{Celsius: 38.6, At: *w.clock}); err != nil {
			t.Fatal(err)
		}
		als, _, _ := w.svc.Alerts(ctx, w.admin, people.AlertFilter{})
		if _, err := w.svc.CloseAlert(ctx, w.town, als[0].ID, "欧阳清除已隔离观察"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Reveal(ctx, w.town, old.ID, "联系欧阳清除本人"); err != nil {
			t.Fatal(err)
		}
		*w.clock = time.Date(2020, 4, 10, 9, 0, 0, 0, fugong.Location)
		keep := w.add(t, w.clerk, w.tangB, person("司马保留", idNumber(t, "330381", "1990-09-09", 43), ""))

		if _, err := w.svc.Purge(ctx, w.town, "2020-04-01", false); code(err) != fugong.EForbidden {
			t.Errorf("a town purges: %v", err)
		}
		dry, err := w.svc.Purge(ctx, fugong.System, "2020-04-01", true)
		if err != nil || dry.People != 1 || dry.Readings != 1 || dry.Alerts != 1 || dry.Enterprises[w.tangB] != 1 || dry.AuditScrubs < 5 {
			t.Fatalf("dry run %+v %v", dry, err)
		}
		if _, err := w.svc.Get(ctx, w.admin, old.ID); err != nil {
			t.Fatalf("the dry run erased: %v", err)
		}
		rep, err := w.svc.Purge(ctx, fugong.System, "2020-04-01", false)
		if err != nil || rep.People != 1 || rep.AuditScrubs != dry.AuditScrubs {
			t.Fatalf("purge %+v %v", rep, err)
		}
		if complete, err := db.VacuumPurged(ctx); err != nil || !complete {
			t.Fatalf("vacuum: %v %v", complete, err)
		}
		if _, err := w.svc.Get(ctx, w.admin, old.ID); code(err) != fugong.ENotFound {
			t.Errorf("purged person read: %v", err)
		}
		if _, err := w.svc.Get(ctx, w.admin, keep.ID); err != nil {
			t.Errorf("a later record went too: %v", err)
		}
		als, _, _ = w.svc.Alerts(ctx, w.admin, people.AlertFilter{})
		if len(als) != 1 || als[0].StaffID != nil || als[0].Note != "" || als[0].Name != "" || als[0].Celsius != 38.6 {
			t.Errorf("the alert after the purge %+v", als)
		}
		counts := store.PurgedCounts(t, db)
		if counts != "tombstones=1 readings=1 fever=1" {
			t.Errorf("kept for the statistics: %s", counts)
		}
		if n := auditCount(t, db, "people", "2020-04-01"); n != 1 {
			t.Errorf("the purge audited %d times", n)
		}
		noWholeInAudit(t, db, "欧阳清除", oldID, "15912345678")
		if db.Engine == store.SQLite {
			// Nothing of the name is left in the file or its log.
			dir := filepath.Dir(store.SQLitePath(db))
			files, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []string{"欧阳清除", oldID, "15912345678"} {
					if bytes.Contains(b, []byte(s)) {
						t.Errorf("%s still holds %s", filepath.Base(f), s)
					}
				}
			}
		}
	})
}
