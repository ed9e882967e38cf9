package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// Isolation points (M8) over both engines: points and rooms, admissions
// with sealed personal data, rounds kept as versions, fever alerts in
// people's list, meals, releases, occupancy, scope, the row lock under
// concurrent admissions, key rotation and the retention purge.

type isoWorld struct {
	db     *store.DB
	svc    *checkpoint.Isolation
	clock  *time.Time
	admin  fugong.Actor
	prev   fugong.Actor
	stat   fugong.Actor
	town   fugong.Actor
	xian   fugong.Actor
	cadre  fugong.Actor
	people *people.Service
}

func newIsoWorld(t *testing.T, db *store.DB) *isoWorld {
	t.Helper()
	now := peopleNow // 2020-02-20 10:00
	w := &isoWorld{db: db, clock: &now}
	db.Now = func() time.Time { return *w.clock }
	w.people = &people.Service{Store: db, Registry: &registry.Service{Store: db}, Keys: testKeys(t), Now: db.Now}
	w.svc = &checkpoint.Isolation{Store: db, People: w.people, Now: db.Now}
	w.admin = fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}
	w.prev = fugong.Actor{Username: "lianfang", Role: fugong.RoleBureau, Group: fugong.GroupPrevention}
	w.stat = fugong.Actor{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	w.town = fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
	w.xian = fugong.Actor{Username: "xianjiang", Role: fugong.RoleTown, Town: xianjiang}
	w.cadre = fugong.Actor{UserID: 9, Username: "ganbu", Role: fugong.RoleCadre}
	return w
}

func (w *isoWorld) point(t *testing.T, a fugong.Actor, name, town string, rooms int) checkpoint.Point {
	t.Helper()
	p, err := w.svc.AddPoint(context.Background(), a, checkpoint.Point{Name: name, Town: town, Rooms: rooms})
	if err != nil {
		t.Fatalf("add point %s: %v", name, err)
	}
	return p
}

func (w *isoWorld) admit(t *testing.T, point int64, room, name, id, admitted string) checkpoint.Resident {
	t.Helper()
	r, err := w.svc.Admit(context.Background(), w.town, point, checkpoint.Resident{Name: name, IDNumber: id,
		Phone: "13812345678", Room: room, AdmittedOn: admitted})
	if err != nil {
		t.Fatalf("admit %s: %v", name, err)
	}
	return r
}

func TestIsolationAdmissions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newIsoWorld(t, db)
		p := w.point(t, w.town, "塘下隔离点（某酒店）", "塘下镇", 3)
		if p.ID == 0 || p.Town != tangxia || p.Rooms != 3 {
			t.Fatalf("point: %+v", p)
		}
		xp := w.point(t, w.prev, "仙降隔离点", xianjiang, 2)
		if _, err := w.svc.AddPoint(ctx, w.town, checkpoint.Point{Name: "越界", Town: xianjiang, Rooms: 2}); code(err) != fugong.EForbidden {
			t.Errorf("a town's point elsewhere: %v", err)
		}
		if _, err := w.svc.AddPoint(ctx, w.stat, checkpoint.Point{Name: "统计组", Town: tangxia, Rooms: 2}); code(err) != fugong.EForbidden {
			t.Errorf("the statistics group sets up a point: %v", err)
		}
		if _, err := w.svc.AddPoint(ctx, w.admin, checkpoint.Point{Name: "x", Town: tangxia, Rooms: 0}); field(err) != "rooms" {
			t.Errorf("no rooms: %v", err)
		}
		// Scope: the town sees its own, another town not at all.
		if _, err := w.svc.Point(ctx, w.xian, p.ID); code(err) != fugong.ENotFound {
			t.Errorf("another town reads the point: %v", err)
		}
		if _, err := w.svc.Point(ctx, w.cadre, p.ID); code(err) != fugong.ENotFound {
			t.Errorf("a cadre reads the point: %v", err)
		}
		if got, total, err := w.svc.Points(ctx, w.town, checkpoint.PointFilter{}); err != nil || total != 1 || got[0].ID != p.ID {
			t.Errorf("the town's points: %v %d %v", got, total, err)
		}
		if _, total, _ := w.svc.Points(ctx, w.stat, checkpoint.PointFilter{}); total != 2 {
			t.Errorf("the bureau sees %d points, want 2", total)
		}

		zhang := idNumber(t, "420102", "1990-01-01", 123)
		li := idNumber(t, "420102", "1988-03-04", 7)
		r := w.admit(t, p.ID, "01", "张三", zhang, "2020-02-10")
		if r.Room != "1" || r.Days != 14 || r.ReleaseOn != "2020-02-24" || r.IDNumber == zhang || !strings.Contains(r.IDNumber, "*") {
			t.Errorf("admitted: %+v", r)
		}
		// A full room: nothing stored.
		_, err := w.svc.Admit(ctx, w.town, p.ID, checkpoint.Resident{Name: "李四", IDNumber: li, Room: "1", AdmittedOn: "2020-02-19"})
		if field(err) != "room" || !strings.Contains(err.Error(), "已住满") {
			t.Errorf("a full room: %v", err)
		}
		// The same person at another point while in isolation.
		if _, err := w.svc.Admit(ctx, w.admin, xp.ID, checkpoint.Resident{Name: "张三", IDNumber: zhang, Room: "1", AdmittedOn: "2020-02-19"}); field(err) != "id_number" || code(err) != fugong.EConflict {
			t.Errorf("the same person twice: %v", err)
		}
		// An admission entered late must fit every day since: 王五 in room 2
		// from the 18th, then 赵六 into room 2 from the 15th, refused.
		w.admit(t, p.ID, "2", "王五", idNumber(t, "420102", "1991-01-01", 5), "2020-02-18")
		if _, err := w.svc.Admit(ctx, w.town, p.ID, checkpoint.Resident{Name: "赵六", IDNumber: idNumber(t, "420102", "1992-01-01", 9),
			Room: "2", AdmittedOn: "2020-02-15"}); field(err) != "room" {
			t.Errorf("a late admission into a room taken since: %v", err)
		}
		// Room 1 may take two: then 李四 fits, and the room cannot go back to one.
		two := map[string]int{"1": 2}
		if _, err := w.svc.UpdatePoint(ctx, w.town, p.ID, checkpoint.PointPatch{Capacity: &two}); err != nil {
			t.Fatal(err)
		}
		w.admit(t, p.ID, "1", "李四", li, "2020-02-19")
		one := map[string]int{}
		if _, err := w.svc.UpdatePoint(ctx, w.town, p.ID, checkpoint.PointPatch{Capacity: &one}); field(err) != "capacity" {
			t.Errorf("a room made smaller than its residents: %v", err)
		}
		if _, err := w.svc.UpdatePoint(ctx, w.xian, p.ID, checkpoint.PointPatch{Capacity: &one}); code(err) != fugong.ENotFound {
			t.Errorf("another town changes the point: %v", err)
		}
		rs, total, err := w.svc.Residents(ctx, w.town, checkpoint.ResidentFilter{Point: p.ID})
		if err != nil || total != 3 || len(rs) != 3 {
			t.Fatalf("residents: %v %d %v", rs, total, err)
		}
		if _, _, err := w.svc.Residents(ctx, w.xian, checkpoint.ResidentFilter{Point: p.ID}); code(err) != fugong.ENotFound {
			t.Errorf("another town lists the residents: %v", err)
		}
		// A full view is audited; the audit holds nothing whole.
		full, err := w.svc.Reveal(ctx, w.town, r.ID, "联系社区")
		if err != nil || full.IDNumber != zhang || full.Phone != "13812345678" {
			t.Errorf("reveal: %+v %v", full, err)
		}
		noWholeInAudit(t, db, zhang, li, "13812345678")
	})
}

func TestIsolationRoundsAndAlerts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newIsoWorld(t, db)
		p := w.point(t, w.town, "塘下隔离点", tangxia, 5)
		zhang := w.admit(t, p.ID, "1", "张三", idNumber(t, "420102", "1990-01-01", 123), "2020-02-10")
		wang := w.admit(t, p.ID, "2", "王五", idNumber(t, "420102", "1991-01-01", 5), "2020-02-12")
		today := "2020-02-20"
		first, _, err := w.svc.AddRound(ctx, w.town, zhang.ID, checkpoint.Reading{Round: "morning", Celsius: 36.5, Day: today})
		if err != nil || first.Version != 1 {
			t.Fatalf("first round: %+v %v", first, err)
		}
		// A second morning round is a correction: version 2, one round.
		second, _, err := w.svc.AddRound(ctx, w.town, zhang.ID, checkpoint.Reading{Round: "morning", Celsius: 36.8, Day: today})
		if err != nil || second.Version != 2 {
			t.Fatalf("correction: %+v %v", second, err)
		}
		for _, c := range []float64{33.9, 43.1} {
			if _, _, err := w.svc.AddRound(ctx, w.town, wang.ID, checkpoint.Reading{Round: "morning", Celsius: c, Day: today}); field(err) != "celsius" {
				t.Errorf("%.1f ℃: %v", c, err)
			}
		}
		if _, _, err := w.svc.AddRound(ctx, w.town, wang.ID, checkpoint.Reading{Round: "noon", Celsius: 36.5, Day: today}); field(err) != "round" {
			t.Errorf("no such round: %v", err)
		}
		if _, _, err := w.svc.AddRound(ctx, w.town, wang.ID, checkpoint.Reading{Round: "morning", Celsius: 36.5, Day: "2020-02-01"}); field(err) != "date" {
			t.Errorf("a day before admission: %v", err)
		}
		if _, _, err := w.svc.AddRound(ctx, w.xian, wang.ID, checkpoint.Reading{Round: "morning", Celsius: 36.5}); code(err) != fugong.ENotFound {
			t.Errorf("another town's round: %v", err)
		}
		if _, _, err := w.svc.AddRound(ctx, w.stat, wang.ID, checkpoint.Reading{Round: "morning", Celsius: 36.5}); code(err) != fugong.EForbidden {
			t.Errorf("the statistics group's round: %v", err)
		}
		// A fever: an alert of kind fever to the point's town, in people's list.
		_, fever, err := w.svc.AddRound(ctx, w.town, wang.ID, checkpoint.Reading{Round: "afternoon", Celsius: 37.3, Day: today})
		if err != nil || fever == nil {
			t.Fatalf("fever: %v %v", fever, err)
		}
		als, total, err := w.people.Alerts(ctx, w.town, people.AlertFilter{Kind: "fever"})
		if err != nil || total != 1 || als[0].Town != tangxia || als[0].Name != "王五" || als[0].Reference != checkpoint.ResidentRef(wang.ID) ||
			als[0].Celsius != 37.3 || !strings.Contains(als[0].IDNumber, "*") {
			t.Fatalf("the town's alerts: %+v %d %v", als, total, err)
		}
		if _, total, _ := w.people.Alerts(ctx, w.xian, people.AlertFilter{}); total != 0 {
			t.Errorf("another town sees %d alerts", total)
		}
		// The board at 13:00: 王五's morning round is missing, 张三's is the correction.
		*w.clock = time.Date(2020, 2, 20, 13, 0, 0, 0, fugong.Location)
		b, err := w.svc.Board(ctx, w.town, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Residents) != 2 || b.Occupancy.Occupied != 2 || b.Occupancy.Free != 3 || len(b.Rooms) != 5 || !b.Rooms[0].Full || b.Rooms[2].Full {
			t.Fatalf("board: %+v", b)
		}
		z := b.Residents[0]
		if z.Morning == nil || z.Morning.Celsius != 36.8 || z.Morning.Version != 2 || len(z.Versions[checkpoint.Morning]) != 2 || len(z.Missing) != 0 {
			t.Errorf("张三's day: %+v", z)
		}
		if len(b.Missing) != 1 || b.Missing[0].Resident != wang.ID || b.Missing[0].Round != checkpoint.Morning || !b.Residents[1].Fever {
			t.Errorf("missing rounds: %+v; 王五 %+v", b.Missing, b.Residents[1])
		}
		// Meals: one of each a day.
		if _, err := w.svc.AddMeal(ctx, w.town, zhang.ID, checkpoint.Meal{Kind: "lunch"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AddMeal(ctx, w.town, zhang.ID, checkpoint.Meal{Kind: "午餐"}); code(err) != fugong.EConflict || field(err) != "kind" {
			t.Errorf("a second lunch: %v", err)
		}
		if b, _ = w.svc.Board(ctx, w.town, p.ID, today); !b.Residents[0].Meals.Lunch || b.Residents[0].Meals.Count != 1 {
			t.Errorf("meals: %+v", b.Residents[0].Meals)
		}
	})
}

func TestIsolationReleaseAndOccupancy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newIsoWorld(t, db)
		p := w.point(t, w.town, "塘下隔离点", tangxia, 4)
		xp := w.point(t, w.admin, "仙降隔离点", xianjiang, 2)
		due := w.admit(t, p.ID, "1", "张三", idNumber(t, "420102", "1990-01-01", 123), "2020-02-05") // due 02-19
		early := w.admit(t, p.ID, "2", "李四", idNumber(t, "420102", "1988-03-04", 7), "2020-02-15")
		if _, err := w.svc.Admit(ctx, w.admin, xp.ID, checkpoint.Resident{Name: "王五", IDNumber: idNumber(t, "420102", "1991-01-01", 5),
			Room: "2", AdmittedOn: "2020-02-20"}); err != nil {
			t.Fatal(err)
		}
		ov, err := w.svc.Occupancy(ctx, w.prev, "", "")
		if err != nil || len(ov.Points) != 2 || len(ov.Towns) != 2 || len(ov.ReleasesDue) != 1 || ov.ReleasesDue[0].ID != due.ID {
			t.Fatalf("the city's occupancy: %+v %v", ov, err)
		}
		if ov, _ = w.svc.Occupancy(ctx, w.town, "", ""); len(ov.Points) != 1 || ov.Points[0].Occupied != 2 || ov.Points[0].ReleasesDue != 1 ||
			ov.Points[0].Overdue != 1 {
			t.Errorf("the town's occupancy: %+v", ov)
		}
		if _, err := w.svc.Release(ctx, w.town, early.ID, "", ""); field(err) != "release_note" {
			t.Errorf("an early release without a reason: %v", err)
		}
		if _, err := w.svc.Release(ctx, w.xian, due.ID, "", ""); code(err) != fugong.ENotFound {
			t.Errorf("another town's release: %v", err)
		}
		got, err := w.svc.Release(ctx, w.town, due.ID, "", "")
		if err != nil || got.ReleasedOn != "2020-02-20" || got.ReleasedBy != "tangxia" {
			t.Fatalf("release: %+v %v", got, err)
		}
		if _, err := w.svc.Release(ctx, w.town, due.ID, "", ""); code(err) != fugong.EConflict {
			t.Errorf("a second release: %v", err)
		}
		if ov, _ = w.svc.Occupancy(ctx, w.town, "", ""); ov.Points[0].Occupied != 1 || ov.Points[0].Released != 1 || len(ov.ReleasesDue) != 0 {
			t.Errorf("after the release: %+v", ov)
		}
		// The room is free again.
		w.admit(t, p.ID, "1", "赵六", idNumber(t, "420102", "1992-01-01", 9), "2020-02-20")
	})
}

// TestIsolationConcurrentAdmissions: two residents into one single room
// at once, many times over: exactly one of each pair is admitted.
func TestIsolationConcurrentAdmissions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newIsoWorld(t, db)
		const rooms = 8
		p := w.point(t, w.admin, "塘下隔离点", tangxia, rooms)
		seq := 1
		for room := 1; room <= rooms; room++ {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range 2 {
				id := idNumber(t, "420102", "1990-01-01", seq)
				seq += 2
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = w.svc.Admit(ctx, w.admin, p.ID, checkpoint.Resident{Name: "住客", IDNumber: id,
						Room: strconv.Itoa(room), AdmittedOn: "2020-02-20"})
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case field(err) != "room":
					t.Errorf("room %d: %v", room, err)
				}
			}
			if ok != 1 {
				t.Errorf("room %d: %d of two admitted at once, want 1 (%v)", room, ok, errs)
			}
		}
		if _, total, _ := w.svc.Residents(ctx, w.admin, checkpoint.ResidentFilter{Point: p.ID}); total != rooms {
			t.Errorf("%d residents in %d single rooms", total, rooms)
		}
	})
}

func TestIsolationRotateAndPurge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newIsoWorld(t, db)
		p := w.point(t, w.town, "塘下隔离点", tangxia, 4)
		zhang := idNumber(t, "420102", "1990-01-01", 123)
		gone := w.admit(t, p.ID, "1", "张三", zhang, "2020-02-01")
		stays := w.admit(t, p.ID, "2", "李四", idNumber(t, "420102", "1988-03-04", 7), "2020-02-15")
		if _, _, err := w.svc.AddRound(ctx, w.town, gone.ID, checkpoint.Reading{Round: "morning", Celsius: 37.6, Day: "2020-02-14"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AddMeal(ctx, w.town, gone.ID, checkpoint.Meal{Kind: "dinner", Day: "2020-02-14"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Release(ctx, w.town, gone.ID, "2020-02-15", ""); err != nil {
			t.Fatal(err)
		}
		// Rotation: every resident sealed again under the new key, still readable.
		next, err := w.people.Keys.Rotate()
		if err != nil {
			t.Fatal(err)
		}
		w.people.Keys = next
		if n, err := w.svc.ResealAll(ctx, fugong.System, 1); err != nil || n != 2 {
			t.Fatalf("resealed %d: %v", n, err)
		}
		if counts, _ := db.ResidentKeyIDs(ctx); counts[next.Current()] != 2 || len(counts) != 1 {
			t.Errorf("keys after the rotation: %v", counts)
		}
		if full, err := w.svc.Reveal(ctx, w.admin, gone.ID, "核对"); err != nil || full.IDNumber != zhang {
			t.Errorf("after the rotation: %+v %v", full, err)
		}
		if n, _ := w.svc.ResealAll(ctx, fugong.System, 10); n != 0 {
			t.Errorf("a second pass moved %d", n)
		}
		// The purge: a dry run counts, the real one erases 张三 and keeps counts.
		dry, err := w.svc.Purge(ctx, fugong.System, "2020-02-16", true)
		if err != nil || dry.Residents != 1 || dry.Readings != 1 || dry.Meals != 1 || dry.Alerts != 1 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if _, err := w.svc.Purge(ctx, w.town, "2020-02-16", false); code(err) != fugong.EForbidden {
			t.Errorf("a town purges: %v", err)
		}
		rep, err := w.svc.Purge(ctx, fugong.System, "2020-02-16", false)
		if err != nil || rep.Residents != 1 || rep.Points[p.ID] != 1 {
			t.Fatalf("purge: %+v %v", rep, err)
		}
		if _, err := w.svc.Resident(ctx, w.admin, gone.ID); code(err) != fugong.ENotFound {
			t.Errorf("a purged resident: %v", err)
		}
		if _, err := w.svc.Resident(ctx, w.admin, stays.ID); err != nil {
			t.Errorf("a resident still there: %v", err)
		}
		als, _, _ := w.people.Alerts(ctx, w.admin, people.AlertFilter{})
		if len(als) != 1 || als[0].Name != "" || als[0].Celsius != 37.6 {
			t.Errorf("the alert after the purge: %+v", als)
		}
		if got := store.IsolationPurgedCounts(t, db); got != "tombstones=1 readings=1 fever=1" {
			t.Errorf("kept for the statistics: %s", got)
		}
		noWholeInAudit(t, db, zhang, "13812345678")
	})
}
