package store_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/files"
	"fugong/inspect"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

var (
	inspAdmin     = fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}
	inspInspector = fugong.Actor{Username: "ducha", Role: fugong.RoleBureau, Group: fugong.GroupInspection}
	inspTangxia   = fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
	inspXianjiang = fugong.Actor{Username: "xianjiang", Role: fugong.RoleTown, Town: "330381010"}
)

// inspectEnv is a database with two enterprises of 塘下 and one of 仙降,
// registered on 2020-02-01, and the inspections over it on a clock the
// test moves.
type inspectEnv struct {
	db             *store.DB
	svc            *inspect.Service
	now            time.Time
	tangA, tangB   registry.Enterprise
	xianA          registry.Enterprise
	clerkB         fugong.Actor
	cadreA         fugong.Actor
	registeredDay0 time.Time
}

func newInspectEnv(t *testing.T, db *store.DB) *inspectEnv {
	t.Helper()
	ctx := context.Background()
	e := &inspectEnv{db: db, now: time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location)}
	db.Now = func() time.Time { return e.now }
	e.svc = &inspect.Service{Store: db, Registry: &registry.Service{Store: db}, Now: func() time.Time { return e.now }}
	e.tangA = ent(t, "MA4000001", "塘下镇", "瑞安市塘下汽配有限公司")
	e.tangA.LegalRep = "陈建国"
	e.tangB = ent(t, "MA4000002", "塘下镇", "瑞安市塘下电器厂")
	e.xianA = ent(t, "MA4000003", "仙降街道", "瑞安市仙降鞋业有限公司")
	for _, en := range []*registry.Enterprise{&e.tangA, &e.tangB, &e.xianA} {
		created, err := db.CreateEnterprise(ctx, fugong.System, *en)
		if err != nil {
			t.Fatal(err)
		}
		*en = created
	}
	cadre, err := db.CreateUser(ctx, fugong.System, account.User{Username: "ganbu", Role: fugong.RoleCadre}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PairCadre(ctx, fugong.System, e.tangA.USCC, cadre.ID); err != nil {
		t.Fatal(err)
	}
	e.cadreA = cadre.Actor()
	e.clerkB = fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: e.tangB.USCC}
	e.now = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)
	return e
}

// answers answers every item of c with pass but the failed ones, whose
// rectifications are the firm's and due the item's days after 2020-02-10.
func answers(c inspect.Checklist, failed ...int64) []inspect.AnswerInput {
	var out []inspect.AnswerInput
	day := time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location)
	for _, it := range c.Items {
		a := inspect.AnswerInput{ItemID: it.ID, Result: inspect.ResultPass}
		if slices.Contains(failed, it.ID) {
			a.Result, a.Note = inspect.ResultFail, "发现问题："+it.Text
			a.Owner, a.DueDate = "瑞安市塘下汽配有限公司（陈建国）", inspect.DueDate(day, it.DueDays)
		}
		out = append(out, a)
	}
	return out
}

func (e *inspectEnv) visit(t *testing.T, a fugong.Actor, en registry.Enterprise, c inspect.Checklist, at string, photos []inspect.Photo, failed ...int64) inspect.Visit {
	t.Helper()
	v, err := e.svc.RecordVisit(context.Background(), a, en.USCC, inspect.VisitInput{ChecklistID: c.ID, VisitedAt: at,
		Inspectors: []string{"林晓峰"}, Answers: answers(c, failed...)}, photos)
	if err != nil {
		t.Fatalf("record visit: %v", err)
	}
	return v
}

func checklistNamed(t *testing.T, svc *inspect.Service, name string) inspect.Checklist {
	t.Helper()
	cs, err := svc.Checklists(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no checklist %s in %+v", name, cs)
	return inspect.Checklist{}
}

func TestChecklistsShipped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, all := range []bool{false, true} {
			cs, err := db.Checklists(context.Background(), all)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for i, c := range cs {
				names = append(names, c.Name)
				if c.ID != int64(i+1) || c.Version != 1 || !c.Current || len(c.Items) != 6 {
					t.Errorf("%s: id %d version %d current %v, %d items", c.Name, c.ID, c.Version, c.Current, len(c.Items))
				}
				for j, it := range c.Items {
					if it.ID != int64(i*6+j+1) || it.Sort != j+1 || it.DueDays < 1 {
						t.Errorf("%s item %d: %+v", c.Name, j, it)
					}
				}
			}
			if !slices.Equal(names, []string{"六必问", "六必查", "六必督", "六必助"}) {
				t.Fatalf("shipped %v", names)
			}
			// The report's words, one item of each list.
			for i, words := range []string{"企业产能恢复情况", "口罩佩戴到位情况", "外来人员登记落实情况", "安全生产管理到位"} {
				if !slices.ContainsFunc(cs[i].Items, func(it inspect.Item) bool { return strings.Contains(it.Text, words) }) {
					t.Errorf("%s lacks %q", cs[i].Name, words)
				}
			}
		}
	})
}

func TestChecklistVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInspectEnv(t, db)
		in := inspect.ChecklistInput{Name: "复工六必看", Items: []inspect.ItemInput{{Text: "看口罩"}, {Text: "看测温", DueDays: 1}, {Text: "看通风"}}}
		c, err := e.svc.CreateChecklist(ctx, inspAdmin, in)
		if err != nil {
			t.Fatal(err)
		}
		// The sequences start after the shipped rows on both engines.
		if c.ID != 5 || c.Version != 1 || len(c.Items) != 3 || c.Items[0].ID != 25 || c.Items[0].DueDays != 3 {
			t.Fatalf("created %+v", c)
		}
		if _, err := e.svc.CreateChecklist(ctx, inspAdmin, in); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("the same name again: %v", err)
		}
		if _, err := e.svc.CreateChecklist(ctx, inspInspector, inspect.ChecklistInput{Name: "另一表", Items: in.Items}); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the inspector creates a template: %v", err)
		}

		// Unused: revised in place, item ids kept, the dropped one gone.
		items := []inspect.ItemInput{{ID: c.Items[1].ID, Text: "看体温检测", DueDays: 1}, {ID: c.Items[0].ID, Text: "看口罩"}, {Text: "看登记"}}
		r1, err := e.svc.ReviseChecklist(ctx, inspAdmin, c.ID, items)
		if err != nil {
			t.Fatal(err)
		}
		// Ids are never reused: the new item's is not the dropped one's.
		if r1.ID != c.ID || r1.Version != 1 || len(r1.Items) != 3 || r1.Items[0].ID != c.Items[1].ID || r1.Items[2].ID <= c.Items[2].ID {
			t.Fatalf("revised in place %+v", r1)
		}
		stored, err := db.Checklist(ctx, c.ID)
		if err != nil || !slices.Equal(stored.Items, r1.Items) {
			t.Fatalf("stored %+v, %v; want %+v", stored.Items, err, r1.Items)
		}
		// No change, nothing stored.
		same := []inspect.ItemInput{}
		for _, it := range r1.Items {
			same = append(same, inspect.ItemInput{ID: it.ID, Text: it.Text, DueDays: it.DueDays})
		}
		if r, err := e.svc.ReviseChecklist(ctx, inspAdmin, c.ID, same); err != nil || r.ID != c.ID || r.Version != 1 {
			t.Errorf("an unchanged revision: %+v, %v", r, err)
		}

		// Used by a visit: a new version; the visit keeps the old questions.
		v := e.visit(t, inspInspector, e.tangA, r1, "2020-02-10T09:00:00+08:00", nil, r1.Items[0].ID)
		same[0].Text = "看体温检测与登记"
		r2, err := e.svc.ReviseChecklist(ctx, inspAdmin, c.ID, same)
		if err != nil {
			t.Fatal(err)
		}
		if r2.ID == c.ID || r2.Version != 2 || r2.Name != c.Name || !r2.Current || r2.Items[0].Text != "看体温检测与登记" {
			t.Fatalf("new version %+v", r2)
		}
		for i, it := range r2.Items {
			if it.ID == r1.Items[i].ID {
				t.Errorf("the new version shares item %d with the old", it.ID)
			}
		}
		old, err := e.svc.Visit(ctx, inspAdmin, v.ID)
		if err != nil || old.Answers[0].Text != "看体温检测" || old.ChecklistVersion != 1 || old.ChecklistID != c.ID ||
			old.Rectifications[0].ItemText != "看体温检测" {
			t.Errorf("the old visit changed: %+v, %v", old, err)
		}
		if _, err := e.svc.ReviseChecklist(ctx, inspAdmin, c.ID, same); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("revising the old version: %v", err)
		}
		_, err = e.svc.RecordVisit(ctx, inspInspector, e.tangA.USCC, inspect.VisitInput{ChecklistID: c.ID,
			VisitedAt: "2020-02-10T09:30:00+08:00", Inspectors: []string{"林晓峰"}, Answers: answers(r1)}, nil)
		if fe := fugong.AsError(err); fe == nil || fe.Code != fugong.EInvalid || fe.Field != "checklist_id" {
			t.Errorf("a visit on the old version: %v", err)
		}

		current, _ := db.Checklists(ctx, false)
		all, _ := db.Checklists(ctx, true)
		if len(current) != 5 || current[4].ID != r2.ID || len(all) != 6 || all[4].ID != c.ID || all[4].Current || all[5].ID != r2.ID {
			t.Errorf("current %d (last %d), all %d", len(current), current[len(current)-1].ID, len(all))
		}
		entries, _, err := db.ListAudit(ctx, audit.Filter{Entity: "checklist", Page: 1, PerPage: 10})
		if err != nil || len(entries) != 3 || entries[0].Action != "revise" || entries[1].Action != "update" || entries[2].Action != "create" {
			t.Errorf("audit %+v, %v", entries, err)
		}
	})
}

// jpegOf is a tiny JPEG-looking file whose bytes say n.
func jpegOf(n byte) files.Upload {
	return files.Upload{Name: "现场.jpg", Data: append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{n}, 100)...)}
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	_, n, err := db.ListAudit(context.Background(), audit.Filter{Entity: table, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVisitRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInspectEnv(t, db)
		check := checklistNamed(t, e.svc, "六必查")
		photos := []inspect.Photo{
			{ItemID: 7, Field: "photo.7", Upload: jpegOf(1), ContentType: files.JPEG},
			{ItemID: 7, Field: "photo.7", Upload: jpegOf(2), ContentType: files.JPEG},
			{ItemID: 10, Field: "photo.10", Upload: jpegOf(3), ContentType: files.JPEG},
		}
		v := e.visit(t, e.cadreA, e.tangA, check, "2020-02-10T09:30:00+08:00", photos, 7, 10)
		if v.ID == 0 || v.Failed != 2 || v.RecordedBy != "ganbu" || v.Town != "330381101" || v.TownName != "塘下镇" {
			t.Fatalf("recorded %+v", v.VisitSummary)
		}
		if len(v.Rectifications) != 2 || v.Rectifications[0].DueDate != "2020-02-11" || v.Rectifications[1].DueDate != "2020-02-13" ||
			v.Rectifications[0].ID == 0 || v.Rectifications[0].Owner != "瑞安市塘下汽配有限公司（陈建国）" {
			t.Fatalf("opened %+v", v.Rectifications)
		}
		if len(v.Answers[0].Photos) != 2 || len(v.Answers[3].Photos) != 1 || len(v.Answers[1].Photos) != 0 {
			t.Fatalf("photos %+v", v.Answers)
		}

		got, err := e.svc.Visit(ctx, inspTangxia, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, off := got.VisitedAt.Zone(); !got.VisitedAt.Equal(time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location)) || off != 8*3600 {
			t.Errorf("visited at %v", got.VisitedAt)
		}
		if len(got.Answers) != 6 || got.Answers[0].Result != "fail" || got.Answers[0].Note != "发现问题："+check.Items[0].Text ||
			got.Answers[5].Text != check.Items[5].Text || !slices.Equal(got.Inspectors, []string{"林晓峰"}) {
			t.Errorf("read back %+v", got)
		}
		if len(got.Answers[0].Photos) != 2 || got.Answers[0].Photos[0].ID != v.Answers[0].Photos[0].ID || got.Answers[0].Photos[0].ContentType != files.JPEG {
			t.Errorf("photos read back %+v", got.Answers[0].Photos)
		}
		f, data, err := db.File(ctx, inspTangxia, got.Answers[3].Photos[0].ID)
		if err != nil || f.Enterprise != e.tangA.USCC || !bytes.Equal(data, jpegOf(3).Data) {
			t.Errorf("the photo is not the enterprise's file: %+v %v", f, err)
		}
		if len(got.Rectifications) != 2 || got.Rectifications[0].Status != "open" {
			t.Errorf("rectifications read back %+v", got.Rectifications)
		}
		for _, a := range []fugong.Actor{inspXianjiang, e.clerkB, {Role: fugong.RoleCheckpoint, Town: "330381101"}} {
			if _, err := e.svc.Visit(ctx, a, v.ID); fugong.ErrorCode(err) != fugong.ENotFound {
				t.Errorf("%s reads the visit: %v", a.Username, err)
			}
		}

		e.visit(t, inspInspector, e.tangA, checklistNamed(t, e.svc, "六必督"), "2020-02-10T08:00:00+08:00", nil)
		list, total, err := e.svc.Visits(ctx, inspAdmin, e.tangA.USCC, 1, 50)
		if err != nil || total != 2 || len(list) != 2 || list[0].ID != v.ID || list[1].ChecklistName != "六必督" {
			t.Errorf("list %+v %d %v", list, total, err)
		}
		if _, _, err := e.svc.Visits(ctx, e.clerkB, e.tangA.USCC, 1, 50); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("the clerk of B lists A's visits: %v", err)
		}
		if n := count(t, db, "visit"); n != 2 {
			t.Errorf("%d visits audited", n)
		}
		if n := count(t, db, "rectification"); n != 2 {
			t.Errorf("%d rectifications audited", n)
		}
	})
}

// TestVisitAllOrNothing: a visit refused in its transaction leaves no visit,
// answer, photo or rectification behind.
func TestVisitAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInspectEnv(t, db)
		check := checklistNamed(t, e.svc, "六必查")
		in := inspect.VisitInput{ChecklistID: check.ID, VisitedAt: "2020-02-10T09:30:00+08:00", Inspectors: []string{"林晓峰"}, Answers: answers(check, 7)}
		at, _ := time.Parse(time.RFC3339, in.VisitedAt)
		photos := []inspect.Photo{{ItemID: 7, Field: "photo.7", Upload: jpegOf(1), ContentType: files.JPEG}}
		nv := inspect.Plan(e.tangA, check, in, at, photos)
		nv.Rectifications[0].Status = "lost" // refused by the table's check, after everything else is written
		if _, err := db.RecordVisit(ctx, inspInspector, nv); err == nil {
			t.Fatal("a rectification of no status was stored")
		}
		// A checklist revised since it was read.
		stale := inspect.Plan(e.tangA, check, in, at, photos)
		stale.Checklist.Items = stale.Checklist.Items[1:]
		if _, err := db.RecordVisit(ctx, inspInspector, stale); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a visit on items changed since: %v", err)
		}
		for _, entity := range []string{"visit", "rectification", "file"} {
			if n := count(t, db, entity); n != 0 {
				t.Errorf("%d %s audited after the refusals", n, entity)
			}
		}
		if list, total, err := e.svc.Visits(ctx, inspAdmin, e.tangA.USCC, 1, 50); err != nil || total != 0 || len(list) != 0 {
			t.Errorf("visits stored: %d %v", total, err)
		}
		if rs, total, err := e.svc.Rectifications(ctx, inspAdmin, inspect.Filter{}); err != nil || total != 0 || len(rs) != 0 {
			t.Errorf("rectifications stored: %d %v", total, err)
		}
		// The photo the refused visit carried is not kept: the next file takes its id.
		f, err := db.PutFile(ctx, fugong.System, e.tangA.USCC, jpegOf(9), files.JPEG)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.File(ctx, inspAdmin, f.ID-1); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("a file before %d exists: %v", f.ID, err)
		}
	})
}

func TestRectificationWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newInspectEnv(t, db)
		check := checklistNamed(t, e.svc, "六必查")
		vB := e.visit(t, inspInspector, e.tangB, check, "2020-02-10T09:30:00+08:00", nil, 7, 8)  // due 02-11 both
		vX := e.visit(t, inspInspector, e.xianA, check, "2020-02-10T09:40:00+08:00", nil, 10)    // due 02-13
		vA := e.visit(t, inspInspector, e.tangA, check, "2020-02-10T09:50:00+08:00", nil, 9, 11) // due 02-11
		rB := vB.Rectifications[0]

		// The clerk rectifies with a photo; the town may not verify; the inspector sends it back, then verifies.
		photo := &inspect.Photo{ItemID: 0, Field: "photo", Upload: jpegOf(4), ContentType: files.JPEG}
		r, err := e.svc.Move(ctx, e.clerkB, rB.ID, "rectified", "已为门卫配发口罩", photo)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "rectified" || r.UpdatedBy != "qiye" || len(r.History) != 2 || r.History[1].Photo == nil || r.History[1].Note != "已为门卫配发口罩" {
			t.Fatalf("rectified %+v", r)
		}
		if _, err := e.svc.Move(ctx, inspTangxia, rB.ID, "verified", "", nil); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the town verifies: %v", err)
		}
		if _, err := e.svc.Move(ctx, e.clerkB, rB.ID, "rectified", "再次提交", nil); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("rectified twice: %v", err)
		}
		if _, err := e.svc.Move(ctx, inspInspector, rB.ID, "open", "照片不清晰，请重新拍摄", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Move(ctx, inspTangxia, rB.ID, "rectified", "已重新整改", nil); err != nil {
			t.Fatal(err)
		}
		r, err = e.svc.Move(ctx, inspInspector, rB.ID, "verified", "", nil)
		if err != nil || r.Status != "verified" {
			t.Fatalf("verified %+v %v", r, err)
		}
		if _, err := e.svc.Move(ctx, inspAdmin, rB.ID, "open", "重开", nil); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a verified one reopened: %v", err)
		}
		got, err := e.svc.Rectification(ctx, e.clerkB, rB.ID)
		if err != nil {
			t.Fatal(err)
		}
		var moves []string
		for _, ev := range got.History {
			moves = append(moves, ev.From+">"+ev.To+" "+ev.By)
		}
		if want := []string{">open ducha", "open>rectified qiye", "rectified>open ducha", "open>rectified tangxia", "rectified>verified ducha"}; !slices.Equal(moves, want) {
			t.Errorf("history %q, want %q", moves, want)
		}
		if got.History[1].Photo == nil || got.History[1].Photo.ContentType != files.JPEG || got.History[2].Note != "照片不清晰，请重新拍摄" {
			t.Errorf("history detail %+v", got.History)
		}
		// Out of scope: not found, whatever the move.
		for _, a := range []fugong.Actor{inspTangxia, e.cadreA, e.clerkB} {
			if _, err := e.svc.Move(ctx, a, vX.Rectifications[0].ID, "rectified", "已整改", nil); fugong.ErrorCode(err) != fugong.ENotFound {
				t.Errorf("%s moves 仙降's rectification: %v", a.Username, err)
			}
		}
		// A move on a stale read is refused.
		stale, _ := e.svc.Rectification(ctx, e.cadreA, vA.Rectifications[0].ID)
		if _, err := e.svc.Move(ctx, e.cadreA, stale.ID, "rectified", "已消杀", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MoveRectification(ctx, e.cadreA, stale, "rectified", "再次", nil); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a move from a stale status: %v", err)
		}

		// On 02-12, 塘下's open ones due 02-11 are overdue; 仙降's is due 02-13.
		e.now = time.Date(2020, 2, 12, 8, 0, 0, 0, fugong.Location)
		ids := func(rs []inspect.Rectification) []int64 {
			var out []int64
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			a    fugong.Actor
			f    inspect.Filter
			want []int64
		}{
			{"all", inspAdmin, inspect.Filter{}, []int64{vB.Rectifications[1].ID, vA.Rectifications[1].ID, vX.Rectifications[0].ID, vA.Rectifications[0].ID, rB.ID}},
			{"open", inspAdmin, inspect.Filter{Status: "open"}, []int64{vB.Rectifications[1].ID, vA.Rectifications[1].ID, vX.Rectifications[0].ID}},
			{"overdue", inspAdmin, inspect.Filter{Overdue: true}, []int64{vB.Rectifications[1].ID, vA.Rectifications[1].ID}},
			{"town 仙降", inspAdmin, inspect.Filter{Town: "仙降"}, []int64{vX.Rectifications[0].ID}},
			{"enterprise", inspAdmin, inspect.Filter{Enterprise: e.tangB.USCC}, []int64{vB.Rectifications[1].ID, rB.ID}},
			{"the town", inspTangxia, inspect.Filter{}, []int64{vB.Rectifications[1].ID, vA.Rectifications[1].ID, vA.Rectifications[0].ID, rB.ID}},
			{"the town filters 仙降", inspTangxia, inspect.Filter{Town: "仙降"}, nil},
			{"the cadre", e.cadreA, inspect.Filter{}, []int64{vA.Rectifications[1].ID, vA.Rectifications[0].ID}},
			{"the clerk", e.clerkB, inspect.Filter{Status: "open"}, []int64{vB.Rectifications[1].ID}},
			{"the checkpoint", fugong.Actor{Role: fugong.RoleCheckpoint}, inspect.Filter{}, nil},
		} {
			rs, total, err := e.svc.Rectifications(ctx, tc.a, tc.f)
			if err != nil || total != len(tc.want) || !slices.Equal(ids(rs), tc.want) {
				t.Errorf("%s: %v (total %d) %v, want %v", tc.name, ids(rs), total, err, tc.want)
			}
			for _, r := range rs {
				if want := r.Status == "open" && r.DueDate < "2020-02-12"; r.Overdue != want {
					t.Errorf("%s: %d due %s %s overdue %v", tc.name, r.ID, r.DueDate, r.Status, r.Overdue)
				}
			}
		}
		page, total, err := e.svc.Rectifications(ctx, inspAdmin, inspect.Filter{Page: 2, PerPage: 2})
		if err != nil || total != 5 || len(page) != 2 || page[0].ID != vX.Rectifications[0].ID {
			t.Errorf("page 2: %v total %d %v", ids(page), total, err)
		}
		all, err := e.svc.AllRectifications(ctx, inspTangxia, inspect.Filter{})
		if err != nil || len(all) != 4 {
			t.Errorf("all of 塘下: %d %v", len(all), err)
		}

		city, towns, err := e.svc.TownCounts(ctx, inspAdmin)
		if err != nil || len(towns) != 2 {
			t.Fatalf("counts %+v %v", towns, err)
		}
		// 仙降 comes before 塘下 in the towns' order.
		if x := towns[0]; x.Town.Name != "仙降街道" || x.Open != 1 || x.Overdue != 0 || x.Total() != 1 {
			t.Errorf("仙降 %+v", x)
		}
		if tx := towns[1]; tx.Town.Code != "330381101" || tx.Open != 2 || tx.Overdue != 2 || tx.Rectified != 1 || tx.Verified != 1 {
			t.Errorf("塘下 %+v", tx)
		}
		if city.Open != 3 || city.Overdue != 2 || city.Rectified != 1 || city.Verified != 1 {
			t.Errorf("city %+v", city)
		}
		if _, towns, _ := e.svc.TownCounts(ctx, e.clerkB); len(towns) != 1 || towns[0].Open != 1 || towns[0].Verified != 1 {
			t.Errorf("the clerk's counts %+v", towns)
		}
		entries, _, _ := db.ListAudit(ctx, audit.Filter{Entity: "rectification", EntityID: strconv.FormatInt(rB.ID, 10), Page: 1, PerPage: 10})
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
		}
		if want := []string{"verify", "rectify", "reject", "rectify", "create"}; !slices.Equal(actions, want) {
			t.Errorf("audited %v, want %v", actions, want)
		}
	})
}
