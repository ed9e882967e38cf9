package store_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/store"
	"fugong/store/storetest"
)

// The checkpoints over both engines: posts in scope, tokens replaced,
// registrations sealed under a number unique per post and day, the
// staff's confirmation with its fever alert in people's list, counts,
// remembered travellers, the duty roster, a key rotation and a purge.

type cpWorld struct {
	db                      *store.DB
	svc                     *checkpoint.Service
	admin, stat, town, xian fugong.Actor
	staff, cadre            fugong.Actor
	tangPost, xianPost      checkpoint.Post
	clock                   *time.Time
}

func newCPWorld(t *testing.T, db *store.DB) *cpWorld {
	t.Helper()
	ctx := context.Background()
	now := peopleNow
	w := &cpWorld{db: db, clock: &now}
	db.Now = func() time.Time { return *w.clock }
	w.svc = &checkpoint.Service{Store: db.Checkpoints(), Seals: db.Checkpoints(), Keys: testKeys(t), Now: db.Now}
	users := map[string]*fugong.Actor{}
	for _, u := range []account.User{
		{Username: "cp-admin", Role: fugong.RoleAdmin},
		{Username: "cp-stat", Role: fugong.RoleBureau, Group: fugong.GroupStatistics},
		{Username: "cp-town", Role: fugong.RoleTown, Town: tangxia},
		{Username: "cp-xian", Role: fugong.RoleTown, Town: xianjiang},
		{Username: "cp-staff", Role: fugong.RoleCheckpoint, Town: xianjiang},
		{Username: "cp-cadre", Role: fugong.RoleCadre},
	} {
		created, err := db.CreateUser(ctx, fugong.System, u, "x")
		if err != nil {
			t.Fatal(err)
		}
		a := created.Actor()
		users[u.Username] = &a
	}
	w.admin, w.stat, w.town, w.xian = *users["cp-admin"], *users["cp-stat"], *users["cp-town"], *users["cp-xian"]
	w.staff, w.cadre = *users["cp-staff"], *users["cp-cadre"]
	var err error
	if w.tangPost, err = w.svc.AddPost(ctx, w.town, checkpoint.Post{Name: "塘下高速口", Kind: "road", Town: "塘下镇", Location: "G15 塘下出口"}); err != nil {
		t.Fatal(err)
	}
	if w.xianPost, err = w.svc.AddPost(ctx, w.admin, checkpoint.Post{Name: "仙降车站", Kind: "station", Town: xianjiang, Location: "仙降汽车站"}); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Assign(ctx, w.xian, checkpoint.Assignment{User: w.staff.UserID, Post: w.xianPost.ID}); err != nil {
		t.Fatal(err)
	}
	return w
}

func cpForm(id string) url.Values {
	return url.Values{"name": {"张三"}, "id_number": {id}, "phone": {"13812345678"}, "plate": {"浙C3L580"},
		"origin": {"温州市鹿城区"}, "destination": {"瑞安市塘下镇"}, "direction": {"in"},
		"fever": {"no"}, "cough": {"no"}, "high_risk_area": {"no"}, "health_code": {"green"}}
}

const cpID = "330381199001011230"

func TestCheckpointPostsInScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCPWorld(t, db)
		for _, c := range []struct {
			who  string
			a    fugong.Actor
			want []int64
		}{
			{"admin", w.admin, []int64{w.xianPost.ID, w.tangPost.ID}}, // by town code: 仙降 before 塘下
			{"bureau", w.stat, []int64{w.xianPost.ID, w.tangPost.ID}},
			{"town", w.town, []int64{w.tangPost.ID}},
			{"staff", w.staff, []int64{w.xianPost.ID}},
			{"cadre", w.cadre, nil},
		} {
			ps, total, err := w.svc.Posts(ctx, c.a, checkpoint.PostFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			if total != len(c.want) || !equalIDs(ids, c.want) {
				t.Errorf("%s sees posts %v (%d), want %v", c.who, ids, total, c.want)
			}
		}
		if _, err := w.svc.Post(ctx, w.town, w.xianPost.ID); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("another town's post: %v", err)
		}
		if _, err := w.svc.AddPost(ctx, w.town, checkpoint.Post{Name: "x", Kind: "road", Town: xianjiang, Location: "y"}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("a town sets up another's post: %v", err)
		}
		if _, err := w.svc.AddPost(ctx, w.stat, checkpoint.Post{Name: "x", Kind: "road", Town: tangxia, Location: "y"}); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the statistics group sets up a post: %v", err)
		}
		// The checkpoint user cannot be put at another town's post.
		if err := w.svc.Assign(ctx, w.admin, checkpoint.Assignment{User: w.staff.UserID, Post: w.tangPost.ID}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("staff of 仙降 assigned to 塘下: %v", err)
		}
		if w.tangPost.Token == "" || w.tangPost.Token == w.xianPost.Token {
			t.Errorf("tokens %q %q", w.tangPost.Token, w.xianPost.Token)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckpointReplaceToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCPWorld(t, db)
		old := w.tangPost.Token
		if _, err := w.svc.ReplaceToken(ctx, w.town, w.tangPost.ID); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("a town replaces a token: %v", err)
		}
		p, err := w.svc.ReplaceToken(ctx, w.admin, w.tangPost.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Token == old {
			t.Fatal("the token stayed")
		}
		if got, err := w.svc.Scan(ctx, string(p.Token)); err != nil || got.ID != w.tangPost.ID {
			t.Errorf("scan of the new token: %v %v", got.ID, err)
		}
		_, err = w.svc.Scan(ctx, string(old))
		if e := fugong.AsError(err); e == nil || e.Code != fugong.ENotFound || !strings.Contains(e.Message, "已停用") {
			t.Errorf("scan of the replaced token: %v", err)
		}
		tok, _ := checkpoint.NewToken(nil)
		if _, err := w.svc.Scan(ctx, string(tok)); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("scan of no post's token: %v", err)
		}
	})
}

// clashing gives the numbers in order, then fresh ones.
func clashing(nums ...string) func() (string, error) {
	return func() (string, error) {
		if len(nums) > 0 {
			n := nums[0]
			nums = nums[1:]
			return n, nil
		}
		return checkpoint.NewNumber(nil)
	}
}

func TestCheckpointRegistrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCPWorld(t, db)
		reg, err := w.svc.Register(ctx, w.xianPost, cpForm(cpID), "")
		if err != nil {
			t.Fatal(err)
		}
		g := reg.Row.Registration
		if g.Number == "" || g.Day != "2020-02-20" || g.IDNumber != "" || reg.Row.Sealed.IDMasked != "330381********1230" {
			t.Errorf("registration %+v %+v", g, reg.Row.Sealed)
		}
		// A number taken at the post that day is drawn again.
		cps := db.Checkpoints()
		seal := func(id int64) (checkpoint.Sealed, error) {
			return checkpoint.Seal(w.svc.Keys, checkpoint.TableRegistrations, id, cpID, "")
		}
		second := checkpoint.NewRegistration(w.xianPost, checkpoint.Form{Traveller: checkpoint.Traveller{Name: "李四", Origin: "a", Destination: "b"},
			Direction: checkpoint.DirOut, Health: checkpoint.Health{Fever: "no", Cough: "no", HighRiskArea: "no", HealthCode: "green"}}, "", *w.clock)
		row, err := cps.AddRegistration(ctx, second, clashing(g.Number, g.Number), seal)
		if err != nil {
			t.Fatal(err)
		}
		if row.Number == g.Number {
			t.Errorf("two registrations numbered %s", g.Number)
		}
		same := func() (string, error) { return g.Number, nil }
		if _, err := cps.AddRegistration(ctx, second, same, seal); err == nil {
			t.Error("a number that always clashes was stored")
		}
		// The same number at another post is no clash.
		other := second
		other.Post, other.Town = w.tangPost.ID, w.tangPost.Town
		if _, err := cps.AddRegistration(ctx, other, clashing(g.Number), seal); err != nil {
			t.Errorf("the number at another post: %v", err)
		}

		// Scope: the staff of the post, its town, the bureau; not 塘下.
		for _, a := range []fugong.Actor{w.staff, w.xian, w.stat, w.admin} {
			items, total, err := w.svc.Registrations(ctx, a, w.xianPost.ID, checkpoint.RegistrationQuery{Status: checkpoint.StatusPending})
			if err != nil || total != 2 || len(items) != 2 || items[1].IDNumber != "330381********1230" {
				t.Errorf("%s lists %d %v %v", a.Username, total, items, err)
			}
		}
		if _, _, err := w.svc.Registrations(ctx, w.town, w.xianPost.ID, checkpoint.RegistrationQuery{}); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("塘下 lists 仙降's registrations: %v", err)
		}
		if _, err := w.svc.Registration(ctx, w.town, g.ID); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("塘下 reads 仙降's registration: %v", err)
		}
		if got, err := w.svc.ByNumber(ctx, w.staff, w.xianPost.ID, strings.ToLower(g.Number)); err != nil || got.ID != g.ID {
			t.Errorf("by number: %v %v", got.ID, err)
		}
		if got, err := w.svc.ByIDNumber(ctx, w.staff, w.xianPost.ID, cpID); err != nil || len(got) != 2 {
			t.Errorf("by ID number: %d %v", len(got), err)
		}

		// Confirmation: the bureau's statistics group reads but does not
		// confirm; a fever raises the town's alert.
		if _, _, err := w.svc.Confirm(ctx, w.stat, g.ID, 36.5); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("statistics confirms: %v", err)
		}
		if _, _, err := w.svc.Confirm(ctx, w.town, g.ID, 36.5); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("塘下 confirms 仙降's: %v", err)
		}
		if _, _, err := w.svc.Confirm(ctx, w.staff, g.ID, 45); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("45 ℃: %v", err)
		}
		done, alert, err := w.svc.Confirm(ctx, w.staff, g.ID, 37.6)
		if err != nil || alert == nil || !done.FeverAlert || done.Celsius != 37.6 || done.ConfirmedBy != "cp-staff" {
			t.Fatalf("confirm: %+v %+v %v", done, alert, err)
		}
		if _, _, err := w.svc.Confirm(ctx, w.staff, g.ID, 36.5); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("confirmed twice: %v", err)
		}
		als, _, err := db.Alerts(ctx, w.xian, people.AlertFilter{})
		if err != nil || len(als) != 1 || als[0].Kind != "fever" || als[0].Reference != checkpoint.RegistrationRef(g.ID) ||
			als[0].Name != "张三" || als[0].IDNumber != "330381********1230" || als[0].Celsius != 37.6 {
			t.Errorf("仙降's alerts: %+v %v", als, err)
		}
		if als, _, err := db.Alerts(ctx, w.town, people.AlertFilter{}); err != nil || len(als) != 0 {
			t.Errorf("塘下 sees %d alerts (%v)", len(als), err)
		}
		counts, err := w.svc.Counts(ctx, w.xian, checkpoint.CountQuery{})
		want := []checkpoint.Count{
			{Post: w.xianPost.ID, Day: "2020-02-20", Direction: "in", Registered: 1, Confirmed: 1, Fever: 1},
			{Post: w.xianPost.ID, Day: "2020-02-20", Direction: "out", Registered: 1},
		}
		if err != nil || len(counts) != 2 || counts[0] != want[0] || counts[1] != want[1] {
			t.Errorf("counts %+v %v", counts, err)
		}
		// No audit row holds the whole ID number or phone.
		entries, _, err := db.ListAudit(ctx, audit.Filter{Page: 1, PerPage: 500})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Entity == "registration" {
				n++
			}
			if strings.Contains(string(e.Before)+string(e.After), cpID) || strings.Contains(string(e.Before)+string(e.After), "13812345678") {
				t.Errorf("audit row in clear: %+v", e)
			}
		}
		if n < 2 {
			t.Errorf("%d audit rows of registrations", n)
		}
	})
}

func TestCheckpointRemembered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCPWorld(t, db)
		v := cpForm(cpID)
		v.Set("remember", "on")
		reg, err := w.svc.Register(ctx, w.xianPost, v, "")
		if err != nil || reg.Ref == "" {
			t.Fatalf("register: %+v %v", reg, err)
		}
		got := w.svc.Recall(ctx, string(reg.Ref))
		if got == nil || got.IDNumber != cpID || got.Plate != "浙C3L580" {
			t.Fatalf("recall: %+v", got)
		}
		// The form filled from it shows the ID number masked; sent back
		// unchanged it stands for the whole one.
		v.Set("id_number", got.Masked().IDNumber)
		v.Set("phone", got.Masked().Phone)
		again, err := w.svc.Register(ctx, w.xianPost, v, string(reg.Ref))
		if err != nil || again.Ref != reg.Ref || again.Row.Sealed.IDMasked != "330381********1230" {
			t.Fatalf("again: %+v %v", again, err)
		}
		// The cookie is no key: the store holds only its keyed hash.
		if n := store.CountInt(t, db, `SELECT count(*) FROM remembered_travellers WHERE lookup = $1`, string(reg.Ref)); n != 0 {
			t.Errorf("the ref is stored as it is: %d rows", n)
		}
		v.Del("remember")
		v.Set("id_number", cpID)
		forgot, err := w.svc.Register(ctx, w.xianPost, v, string(reg.Ref))
		if err != nil || !forgot.Forget || w.svc.Recall(ctx, string(reg.Ref)) != nil {
			t.Errorf("forget: %+v %v", forgot, err)
		}
		// Expiry.
		v.Set("remember", "on")
		v.Set("phone", "13812345678")
		r2, err := w.svc.Register(ctx, w.xianPost, v, "")
		if err != nil {
			t.Fatal(err)
		}
		*w.clock = w.clock.Add(checkpoint.RememberFor + time.Minute)
		if w.svc.Recall(ctx, string(r2.Ref)) != nil {
			t.Error("an expired traveller is recalled")
		}
		if k, err := db.Checkpoints().PurgeRemembered(ctx, *w.clock); err != nil || k != 1 {
			t.Errorf("purge remembered: %d %v", k, err)
		}
	})
}

func TestCheckpointShifts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCPWorld(t, db)
		p := w.xianPost.ID
		for _, s := range []checkpoint.Shift{
			{Post: p, Day: "2020-02-17", Start: "08:00", End: "20:00", People: []string{"王五"}},
			{Post: p, Day: "2020-02-17", Start: "20:00", End: "08:00", People: []string{"赵六", "钱七"}},
			{Post: p, Day: "2020-02-18", Start: "08:00", End: "18:00", People: []string{"王五"}},
		} {
			if _, err := w.svc.SaveShift(ctx, w.xian, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.SaveShift(ctx, w.staff, checkpoint.Shift{Post: p, Day: "2020-02-19", Start: "08:00", End: "20:00", People: []string{"x"}}); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the staff keep the roster: %v", err)
		}
		if _, err := w.svc.SaveShift(ctx, w.town, checkpoint.Shift{Post: p, Day: "2020-02-19", Start: "08:00", End: "20:00", People: []string{"x"}}); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("塘下 keeps 仙降's roster: %v", err)
		}
		if _, err := w.svc.SaveShift(ctx, w.xian, checkpoint.Shift{Post: p, Day: "2020-02-19", Start: "25:00", End: "20:00", People: []string{"x"}}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("25:00: %v", err)
		}
		week, err := w.svc.Roster(ctx, w.staff, p, "2020-02-17")
		if err != nil {
			t.Fatal(err)
		}
		// Nobody is on duty before the 17th's day shift; the night shift
		// covers the 18th to 08:00.
		if d := week.Days[0]; len(d.Shifts) != 2 || len(d.Gaps) != 1 || d.Gaps[0] != (checkpoint.Interval{From: "00:00", To: "08:00"}) {
			t.Errorf("17th: %+v", d)
		}
		if d := week.Days[1]; !d.Flagged || len(d.Gaps) != 1 || d.Gaps[0] != (checkpoint.Interval{From: "18:00", To: "24:00"}) {
			t.Errorf("18th: %+v", d)
		}
		if d := week.Days[2]; !d.Flagged || d.Gaps[0] != (checkpoint.Interval{From: "00:00", To: "24:00"}) {
			t.Errorf("19th: %+v", d)
		}
		id := week.Days[1].Shifts[0].ID
		if err := w.svc.DeleteShift(ctx, w.town, id); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("塘下 deletes 仙降's shift: %v", err)
		}
		if err := w.svc.DeleteShift(ctx, w.xian, id); err != nil {
			t.Fatal(err)
		}
		if week, _ := w.svc.Roster(ctx, w.xian, p, "2020-02-17"); len(week.Days[1].Shifts) != 0 {
			t.Errorf("deleted shift still there: %+v", week.Days[1])
		}
	})
}

func TestCheckpointRotateAndPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCPWorld(t, db)
		reg, err := w.svc.Register(ctx, w.xianPost, cpForm(cpID), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.Confirm(ctx, w.staff, reg.Row.ID, 38.1); err != nil {
			t.Fatal(err)
		}
		old := w.svc.Keys.Current()
		if w.svc.Keys, err = w.svc.Keys.Rotate(); err != nil {
			t.Fatal(err)
		}
		if n, err := w.svc.ResealAll(ctx, fugong.System, 10); err != nil || n != 1 {
			t.Fatalf("reseal: %d %v", n, err)
		}
		keys, err := db.Checkpoints().RegistrationKeyIDs(ctx)
		if err != nil || keys[old] != 0 || keys[w.svc.Keys.Current()] != 1 {
			t.Errorf("keys after the rotation: %v %v", keys, err)
		}
		if got, err := w.svc.ByIDNumber(ctx, w.staff, w.xianPost.ID, cpID); err != nil || len(got) != 1 {
			t.Errorf("found after the rotation: %d %v", len(got), err)
		}

		*w.clock = w.clock.AddDate(0, 0, 40)
		cps := db.Checkpoints()
		dry, err := cps.PurgeTravellers(ctx, fugong.System, "2020-03-01", true)
		if err != nil || dry.Registrations != 1 || dry.Alerts != 1 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if _, err := cps.PurgeTravellers(ctx, fugong.System, "2020-03-01", false); err != nil {
			t.Fatal(err)
		}
		regs := store.CountInt(t, db, `SELECT count(*) FROM checkpoint_registrations`)
		counted := store.CountInt(t, db, `SELECT registered FROM checkpoint_day_counts WHERE post_id = $1`, w.xianPost.ID)
		if regs != 0 || counted != 1 {
			t.Errorf("after the purge: %d registrations, %d counted", regs, counted)
		}
		als, _, err := db.Alerts(ctx, w.xian, people.AlertFilter{})
		if err != nil || len(als) != 1 || als[0].Name != "" || als[0].IDNumber != "" {
			t.Errorf("the purged traveller's alert: %+v %v", als, err)
		}
	})
}
