package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/files"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
)

// ticketWorld is a small city for the tickets: a protective-suit maker in
// 飞云, a non-woven maker whose plant is in 龙港, firms of 塘下, the actors.
type ticketWorld struct {
	db                       *store.DB
	svc                      *tickets.Service
	now                      *time.Time
	suitMaker, longgang      registry.Enterprise
	tangA, tangB, closedFirm registry.Enterprise
	admin, coord, supplies   fugong.Actor
	inspector, town, clerk   fugong.Actor
	cadre, checkpoint        fugong.Actor
	feiyun                   fugong.Actor // the suit maker's town
}

func newTicketWorld(t *testing.T, db *store.DB) *ticketWorld {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2020, 2, 2, 22, 30, 0, 0, fugong.Location)
	w := &ticketWorld{db: db, now: &now}
	db.Now = func() time.Time { return *w.now }
	w.svc = &tickets.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
	mk := func(org, town, name, industry, address string) registry.Enterprise {
		e := ent(t, org, town, name)
		e.Industry, e.Address = industry, address
		e, err := db.CreateEnterprise(ctx, fugong.System, e)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	w.suitMaker = mk("MT0000001", "飞云街道", "瑞安市康盾防护用品有限公司", "防护用品", "瑞安市飞云街道")
	w.longgang = mk("MT0000002", "南滨街道", "瑞安市恒泰无纺布制品有限公司", "无纺布制品", "龙港市新城工业园区 68 号")
	w.tangA = mk("MT0000003", "塘下镇", "瑞安市塘下汽配有限公司", "汽摩配件", "瑞安市塘下镇")
	w.tangB = mk("MT0000004", "塘下镇", "瑞安市塘下无纺布厂", "无纺布制品", "瑞安市塘下镇")
	w.closedFirm = mk("MT0000005", "塘下镇", "瑞安市塘下熔喷布厂", "无纺布制品", "瑞安市塘下镇")
	closed := w.closedFirm
	closed.Status = registry.StatusClosed
	if _, err := db.UpdateEnterprise(ctx, fugong.System, w.closedFirm, closed); err != nil {
		t.Fatal(err)
	}
	user := func(u account.User) fugong.Actor {
		t.Helper()
		u, err := db.CreateUser(ctx, fugong.System, u, "x")
		if err != nil {
			t.Fatal(err)
		}
		return u.Actor()
	}
	w.admin = user(account.User{Username: "admin", Role: fugong.RoleAdmin})
	w.coord = user(account.User{Username: "xietiao", DisplayName: "王丽芳", Role: fugong.RoleBureau, Group: fugong.GroupCoordination})
	w.supplies = user(account.User{Username: "wuzi", DisplayName: "李海军", Role: fugong.RoleBureau, Group: fugong.GroupSupplies})
	w.inspector = user(account.User{Username: "ducha", Role: fugong.RoleBureau, Group: fugong.GroupInspection})
	w.town = user(account.User{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"})
	w.feiyun = user(account.User{Username: "feiyun", Role: fugong.RoleTown, Town: "330381009"})
	w.clerk = user(account.User{Username: "kangdun", Role: fugong.RoleEnterprise, Enterprise: w.suitMaker.USCC})
	w.cadre = user(account.User{Username: "ganbu", Role: fugong.RoleCadre})
	w.checkpoint = user(account.User{Username: "kakou", Role: fugong.RoleCheckpoint, Town: "330381010"})
	if err := db.PairCadre(ctx, fugong.System, w.tangA.USCC, w.cadre.UserID); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *ticketWorld) raise(t *testing.T, a fugong.Actor, e registry.Enterprise, category, urgency, title string) tickets.Ticket {
	t.Helper()
	k, err := w.svc.Raise(context.Background(), a, tickets.NewTicket{Enterprise: e.USCC, Category: category, Urgency: urgency,
		Title: title, Description: title + "，请协调"}, nil)
	if err != nil {
		t.Fatalf("raise %s: %v", title, err)
	}
	return k
}

func (w *ticketWorld) move(t *testing.T, a fugong.Actor, id int64, status, assignee, note string) tickets.Ticket {
	t.Helper()
	k, err := w.svc.Move(context.Background(), a, id, tickets.Move{Status: status, Assignee: assignee, Note: note})
	if err != nil {
		t.Fatalf("%s moves %d to %s: %v", a.Username, id, status, err)
	}
	return k
}

func (w *ticketWorld) auditOf(t *testing.T, entity, id string) []audit.Entry {
	t.Helper()
	es, _, err := w.db.ListAudit(context.Background(), audit.Filter{Entity: entity, EntityID: id, Page: 1, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

var pdf = files.Upload{Name: "缺料说明.pdf", Data: []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")}

func TestTicketRaiseWorkflowAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTicketWorld(t, db)
		raised := *w.now
		k, err := w.svc.Raise(ctx, w.clerk, tickets.NewTicket{Enterprise: w.suitMaker.USCC, Category: tickets.CategoryRawMaterials,
			Urgency: tickets.UrgencyHigh, Title: "防护服生产原料无纺布、熔喷布不足", Description: "复工后原料不足，龙港一企业有原料但无法送货"},
			[]files.Upload{pdf})
		if err != nil {
			t.Fatal(err)
		}
		if k.ID == 0 || k.Status != tickets.StatusNew || k.RaisedBy != "kangdun" || !k.RaisedAt.Equal(raised) ||
			!k.DueAt.Equal(raised.Add(24*time.Hour)) || k.EnterpriseName != w.suitMaker.Name || k.TownName != "飞云街道" {
			t.Fatalf("raised %+v", k)
		}
		if _, off := k.RaisedAt.Zone(); off != 8*3600 {
			t.Errorf("raised_at is not in Asia/Shanghai: %v", k.RaisedAt)
		}
		d, err := w.svc.Get(ctx, w.clerk, k.ID)
		if err != nil || len(d.Attachments) != 1 || d.Attachments[0].Name != "缺料说明.pdf" || d.Attachments[0].Enterprise != w.suitMaker.USCC {
			t.Fatalf("detail %+v %v", d, err)
		}
		if _, data, err := db.File(ctx, w.clerk, d.Attachments[0].ID); err != nil || !bytes.Equal(data, pdf.Data) {
			t.Errorf("the attachment reads back %d bytes, %v", len(data), err)
		}
		if n := len(w.auditOf(t, "ticket", idOf(k.ID))); n != 1 {
			t.Errorf("%d audit entries for the raise", n)
		}
		if n := len(w.auditOf(t, "file", idOf(d.Attachments[0].ID))); n != 1 {
			t.Errorf("%d audit entries for the file", n)
		}

		// An attachment that cannot be stored stores nothing of the ticket.
		before, total, _ := db.ListTickets(ctx, w.admin, tickets.Filter{Page: 1, PerPage: 100}, *w.now)
		_, err = db.RaiseTicket(ctx, w.clerk, tickets.NewTicket{Enterprise: w.suitMaker.USCC, Category: tickets.CategoryOther,
			Urgency: tickets.UrgencyLow, Title: "半截", Description: "x"}, func(t time.Time) time.Time { return t },
			[]files.Upload{pdf, {Name: "空.pdf"}}, []string{files.PDF, files.PDF})
		if err == nil {
			t.Fatal("an empty file was stored")
		}
		if after, n, _ := db.ListTickets(ctx, w.admin, tickets.Filter{Page: 1, PerPage: 100}, *w.now); n != total || len(after) != len(before) {
			t.Errorf("a refused raise left a ticket: %d, was %d", n, total)
		}
		if n := storedFiles(t, db); n != 1 {
			t.Errorf("%d files after a refused raise, want 1", n)
		}

		// The model case: coordination assigns it to the supplies group,
		// which works it and resolves it within the day.
		group := tickets.GroupAssignee(fugong.GroupSupplies)
		*w.now = raised.Add(10 * time.Minute)
		k = w.move(t, w.coord, k.ID, tickets.StatusAssigned, group, "请物资筹备组对接龙港原料企业")
		if k.Status != tickets.StatusAssigned || k.Assignee != group || k.AssigneeName != "物资筹备组" {
			t.Fatalf("assigned %+v", k)
		}
		if _, err := w.svc.Move(ctx, w.inspector, k.ID, tickets.Move{Status: tickets.StatusInProgress}); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("another group starts it: %v", err)
		}
		if _, err := w.svc.Move(ctx, w.supplies, k.ID, tickets.Move{Status: tickets.StatusResolved, Note: "x"}); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("resolved before started: %v", err)
		}
		*w.now = raised.Add(20 * time.Minute)
		w.move(t, w.supplies, k.ID, tickets.StatusInProgress, "", "")
		*w.now = raised.Add(23*time.Hour + 40*time.Minute)
		k = w.move(t, w.supplies, k.ID, tickets.StatusResolved, "", "原料22:00运抵企业，已恢复生产")
		if k.FirstResolvedAt == nil || !k.FirstResolvedAt.Equal(*w.now) || k.Resolution != "原料22:00运抵企业，已恢复生产" ||
			k.HoursToResolve == nil || *k.HoursToResolve != 23.7 || k.Overdue {
			t.Fatalf("resolved %+v", k)
		}
		// The clerk finds it not solved after all, and reopens it.
		*w.now = raised.Add(30 * time.Hour)
		k = w.move(t, w.clerk, k.ID, tickets.StatusReopened, "", "拉链也缺")
		if k.ResolvedAt != nil || k.Resolution != "" || k.FirstResolvedAt == nil || !k.Overdue {
			t.Errorf("reopened %+v", k)
		}
		w.move(t, w.supplies, k.ID, tickets.StatusInProgress, "", "")
		*w.now = raised.Add(40 * time.Hour)
		k = w.move(t, w.supplies, k.ID, tickets.StatusResolved, "", "拉链已由本地企业供应")
		if !k.FirstResolvedAt.Equal(raised.Add(23*time.Hour+40*time.Minute)) || !k.ResolvedAt.Equal(*w.now) {
			t.Errorf("the first resolution is kept: %v, latest %v", k.FirstResolvedAt, k.ResolvedAt)
		}
		k = w.move(t, w.feiyun, k.ID, tickets.StatusClosed, "", "")
		if k.ClosedAt == nil || k.Status != tickets.StatusClosed {
			t.Errorf("closed %+v", k)
		}

		d, _ = w.svc.Get(ctx, w.admin, k.ID)
		var steps []string
		for _, ev := range d.Events {
			steps = append(steps, ev.Actor+":"+ev.To)
		}
		want := []string{"kangdun:new", "xietiao:assigned", "wuzi:in_progress", "wuzi:resolved", "kangdun:reopened",
			"wuzi:in_progress", "wuzi:resolved", "feiyun:closed"}
		if !slices.Equal(steps, want) {
			t.Errorf("history %v, want %v", steps, want)
		}
		if d.Events[1].Assignee != group || d.Events[1].Note != "请物资筹备组对接龙港原料企业" || d.Events[4].From != tickets.StatusResolved {
			t.Errorf("events %+v", d.Events)
		}
		if n := len(w.auditOf(t, "ticket", idOf(k.ID))); n != len(want) {
			t.Errorf("%d audit entries, want one per step (%d)", n, len(want))
		}
		if _, err := w.svc.Move(ctx, w.admin, k.ID, tickets.Move{Status: tickets.StatusInProgress}); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a closed ticket taken up again: %v", err)
		}
		// A person as assignee must be bureau staff.
		k2 := w.raise(t, w.town, w.tangA, tickets.CategoryLabour, tickets.UrgencyNormal, "缺普工20名")
		for _, bad := range []string{"tangxia", "nobody", "group:kitchen"} {
			if _, err := w.svc.Move(ctx, w.coord, k2.ID, tickets.Move{Status: tickets.StatusAssigned, Assignee: bad}); fugong.ErrorCode(err) != fugong.EInvalid {
				t.Errorf("assigned to %s: %v", bad, err)
			}
		}
		k2 = w.move(t, w.coord, k2.ID, tickets.StatusAssigned, "wuzi", "")
		if k2.AssigneeName != "李海军" {
			t.Errorf("assignee name %q", k2.AssigneeName)
		}
		if _, err := w.svc.Move(ctx, w.coord, k2.ID, tickets.Move{Status: tickets.StatusAssigned, Assignee: "wuzi"}); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("assigned to the same person again: %v", err)
		}
		w.move(t, w.supplies, k2.ID, tickets.StatusInProgress, "", "")
	})
}

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

// storedFiles counts the files kept, by their audit entries: each file is
// audited in the transaction that stores it.
func storedFiles(t *testing.T, db *store.DB) int {
	t.Helper()
	es, _, err := db.ListAudit(context.Background(), audit.Filter{Entity: "file", Action: "create", Page: 1, PerPage: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// Two people resolving the same ticket at once: one of them wins, the other
// is told it is resolved already, and there is one resolution.
func TestTicketConcurrentMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTicketWorld(t, db)
		k := w.raise(t, w.town, w.tangA, tickets.CategoryLogistics, tickets.UrgencyUrgent, "货车无法出镇")
		w.move(t, w.coord, k.ID, tickets.StatusAssigned, tickets.GroupAssignee(fugong.GroupSupplies), "")
		w.move(t, w.supplies, k.ID, tickets.StatusInProgress, "", "")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []fugong.Actor{w.supplies, w.admin} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = w.svc.Move(ctx, who, k.ID, tickets.Move{Status: tickets.StatusResolved, Note: "通行证已办"})
			}()
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case fugong.ErrorCode(err) == fugong.EConflict:
				conflict++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Errorf("two resolutions at once: %v", errs)
		}
		d, _ := w.svc.Get(ctx, w.admin, k.ID)
		n := 0
		for _, ev := range d.Events {
			if ev.To == tickets.StatusResolved {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d resolutions in the history", n)
		}
	})
}

func TestTicketScopeAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTicketWorld(t, db)
		start := *w.now
		suit := w.raise(t, w.clerk, w.suitMaker, tickets.CategoryRawMaterials, tickets.UrgencyUrgent, "熔喷布短缺")
		*w.now = start.Add(time.Hour)
		a := w.raise(t, w.cadre, w.tangA, tickets.CategoryLabour, tickets.UrgencyLow, "缺普工")
		*w.now = start.Add(2 * time.Hour)
		b := w.raise(t, w.town, w.tangB, tickets.CategoryFinance, tickets.UrgencyNormal, "贷款到期")
		w.move(t, w.coord, b.ID, tickets.StatusAssigned, tickets.GroupAssignee(fugong.GroupSupplies), "")
		w.move(t, w.coord, a.ID, tickets.StatusAssigned, "xietiao", "")

		if _, err := w.svc.Raise(ctx, w.checkpoint, tickets.NewTicket{Enterprise: w.tangA.USCC, Category: tickets.CategoryOther,
			Urgency: tickets.UrgencyLow, Title: "x", Description: "x"}, nil); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("a checkpoint raises: %v", err)
		}
		if _, err := w.svc.Raise(ctx, w.cadre, tickets.NewTicket{Enterprise: w.tangB.USCC, Category: tickets.CategoryOther,
			Urgency: tickets.UrgencyLow, Title: "x", Description: "x"}, nil); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("a cadre raises for a firm not theirs: %v", err)
		}
		if _, err := w.svc.Raise(ctx, w.admin, tickets.NewTicket{Enterprise: w.closedFirm.USCC, Category: tickets.CategoryOther,
			Urgency: tickets.UrgencyLow, Title: "x", Description: "x"}, nil); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("a ticket for a closed firm: %v", err)
		}

		ids := func(a fugong.Actor, f tickets.Filter) []int64 {
			t.Helper()
			f.PerPage = 100
			ts, total, err := w.svc.List(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(ts) {
				t.Errorf("total %d, %d items", total, len(ts))
			}
			out := []int64{}
			for _, k := range ts {
				out = append(out, k.ID)
			}
			return out
		}
		yes, no := true, false
		for _, c := range []struct {
			name string
			who  fugong.Actor
			f    tickets.Filter
			want []int64
		}{
			{"the bureau sees all, newest first", w.inspector, tickets.Filter{}, []int64{b.ID, a.ID, suit.ID}},
			{"the town its town", w.town, tickets.Filter{}, []int64{b.ID, a.ID}},
			{"the cadre their firm", w.cadre, tickets.Filter{}, []int64{a.ID}},
			{"the clerk their own", w.clerk, tickets.Filter{}, []int64{suit.ID}},
			{"the checkpoint none", w.checkpoint, tickets.Filter{}, []int64{}},
			{"by status", w.admin, tickets.Filter{Status: tickets.StatusNew}, []int64{suit.ID}},
			{"by category", w.admin, tickets.Filter{Category: tickets.CategoryLabour}, []int64{a.ID}},
			{"by urgency", w.admin, tickets.Filter{Urgency: tickets.UrgencyUrgent}, []int64{suit.ID}},
			{"by town", w.admin, tickets.Filter{Town: "飞云街道"}, []int64{suit.ID}},
			{"a town filter does not widen", w.town, tickets.Filter{Town: "飞云街道"}, []int64{}},
			{"by enterprise", w.admin, tickets.Filter{Enterprise: w.tangB.USCC}, []int64{b.ID}},
			{"by assignee", w.admin, tickets.Filter{Assignee: "group:supplies"}, []int64{b.ID}},
			{"mine: my group's", w.supplies, tickets.Filter{Assignee: "me"}, []int64{b.ID}},
			{"mine: mine", w.coord, tickets.Filter{Assignee: "me"}, []int64{a.ID}},
			{"nothing overdue yet", w.admin, tickets.Filter{Overdue: &yes}, []int64{}},
			{"by a keyword of the title", w.admin, tickets.Filter{Q: "贷款"}, []int64{b.ID}},
			{"by a keyword of the firm's name", w.admin, tickets.Filter{Q: " 康盾 "}, []int64{suit.ID}},
			{"a keyword of two firms", w.admin, tickets.Filter{Q: "瑞安市"}, []int64{b.ID, a.ID, suit.ID}},
			{"a keyword is not a wildcard", w.admin, tickets.Filter{Q: "%"}, []int64{}},
			{"a keyword does not widen the scope", w.cadre, tickets.Filter{Q: "贷款"}, []int64{}},
		} {
			if got := ids(c.who, c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// Five hours on, the urgent ticket (4 h) is overdue; the others are not.
		*w.now = start.Add(5 * time.Hour)
		if got := ids(w.admin, tickets.Filter{Overdue: &yes}); !slices.Equal(got, []int64{suit.ID}) {
			t.Errorf("overdue %v", got)
		}
		if got := ids(w.admin, tickets.Filter{Overdue: &no}); !slices.Equal(got, []int64{b.ID, a.ID}) {
			t.Errorf("not overdue %v", got)
		}
		page, total, err := w.svc.List(ctx, w.admin, tickets.Filter{Page: 2, PerPage: 2})
		if err != nil || total != 3 || len(page) != 1 || page[0].ID != suit.ID || !page[0].Overdue {
			t.Errorf("page 2: %+v %d %v", page, total, err)
		}
		if _, _, err := w.svc.List(ctx, w.admin, tickets.Filter{Town: "龙港"}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("a town not of the city: %v", err)
		}
		for _, who := range []fugong.Actor{w.town, w.cadre, w.checkpoint} {
			if _, err := w.svc.Get(ctx, who, suit.ID); fugong.ErrorCode(err) != fugong.ENotFound {
				t.Errorf("%s reads a ticket out of scope: %v", who.Username, err)
			}
			if _, err := w.svc.Move(ctx, who, suit.ID, tickets.Move{Status: tickets.StatusAssigned, Assignee: "group:supplies"}); fugong.ErrorCode(err) != fugong.ENotFound {
				t.Errorf("%s moves a ticket out of scope: %v", who.Username, err)
			}
		}

		s, err := w.svc.Stats(ctx, w.town)
		if err != nil || s.All.Total != 2 || s.All.Open != 2 || s.Categories[2].Total != 1 || s.Categories[4].Total != 1 {
			t.Errorf("the town's figures %+v %v", s, err)
		}
		s, _ = w.svc.Stats(ctx, w.admin)
		if s.All.Total != 3 || s.All.Overdue != 1 || s.Categories[0].Overdue != 1 {
			t.Errorf("the city's figures %+v", s.All)
		}
	})
}

func TestTicketSuppliersPassesDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTicketWorld(t, db)
		declare := func(e registry.Enterprise, ps ...tickets.Product) {
			t.Helper()
			if _, err := w.svc.SetProducts(ctx, w.admin, e.USCC, ps); err != nil {
				t.Fatal(err)
			}
		}
		declare(w.longgang, tickets.Product{Product: "熔喷布", Note: "BFE95，现货2吨"}, tickets.Product{Product: "SMS无纺布"})
		declare(w.closedFirm, tickets.Product{Product: "熔喷布"})
		declare(w.tangA, tickets.Product{Product: "刹车片"})
		declare(w.suitMaker, tickets.Product{Product: "医用防护服"}, tickets.Product{Product: "无纺布", Note: "自用"})

		k := w.raise(t, w.clerk, w.suitMaker, tickets.CategoryRawMaterials, tickets.UrgencyHigh, "防护服生产原料熔喷布、无纺布不足")
		names := func(a fugong.Actor) []string {
			t.Helper()
			ss, err := w.svc.Suggest(ctx, a, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, s := range ss {
				out = append(out, s.Name)
			}
			return out
		}
		// The city: the 龙港 plant first (declared both), the 塘下 non-woven
		// maker by its trade; not the closed firm, not the raiser itself.
		if got := names(w.admin); !slices.Equal(got, []string{w.longgang.Name, w.tangB.Name}) {
			t.Errorf("the bureau's suggestions %v", got)
		}
		ss, _ := w.svc.Suggest(ctx, w.inspector, k.ID)
		if len(ss) == 0 || ss[0].Address != "龙港市新城工业园区 68 号" || !slices.Equal(ss[0].Products, []string{"熔喷布", "SMS无纺布"}) {
			t.Errorf("first suggestion %+v", ss)
		}
		// The clerk sees only its own firm, which is excluded.
		if got := names(w.clerk); len(got) != 0 {
			t.Errorf("the clerk's suggestions %v", got)
		}
		other := w.raise(t, w.town, w.tangA, tickets.CategoryLogistics, tickets.UrgencyHigh, "熔喷布运不出去")
		if ss, err := w.svc.Suggest(ctx, w.admin, other.ID); err != nil || len(ss) != 0 {
			t.Errorf("a logistics ticket got suggestions %v %v", ss, err)
		}
		// A 塘下 ticket seen by the town: only 塘下 candidates.
		tk := w.raise(t, w.town, w.tangA, tickets.CategorySupplies, tickets.UrgencyUrgent, "复工急需熔喷布口罩原料")
		ss, _ = w.svc.Suggest(ctx, w.town, tk.ID)
		if len(ss) != 1 || ss[0].USCC != w.tangB.USCC {
			t.Errorf("the town's suggestions %+v", ss)
		}
		if _, err := w.svc.Suggest(ctx, w.town, k.ID); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("suggestions of a ticket out of scope: %v", err)
		}

		// Choosing, passes and deliveries are for those who work it.
		if _, err := w.svc.ChooseSupplier(ctx, w.supplies, k.ID, w.longgang.USCC, ""); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("a group not assigned chooses: %v", err)
		}
		w.move(t, w.coord, k.ID, tickets.StatusAssigned, tickets.GroupAssignee(fugong.GroupSupplies), "")
		if _, err := w.svc.AddDelivery(ctx, w.supplies, k.ID, tickets.Delivery{Quantity: 2, Unit: "吨", Date: "2020-02-02"}); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a delivery without a supplier: %v", err)
		}
		for _, c := range []struct {
			uscc string
			code string
		}{
			{w.suitMaker.USCC, fugong.EInvalid},
			{uscc(t, "MT0000099"), fugong.ENotFound},
			{"", fugong.EInvalid},
		} {
			if _, err := w.svc.ChooseSupplier(ctx, w.supplies, k.ID, c.uscc, ""); fugong.ErrorCode(err) != c.code {
				t.Errorf("choose %q: %v, want %s", c.uscc, err, c.code)
			}
		}
		if _, err := w.svc.ChooseSupplier(ctx, w.admin, other.ID, w.longgang.USCC, ""); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a supplier for a logistics ticket: %v", err)
		}
		k, err := w.svc.ChooseSupplier(ctx, w.supplies, k.ID, w.longgang.USCC, "龙港企业有现货，需车辆通行证")
		if err != nil || k.Supplier == nil || k.Supplier.Name != w.longgang.Name || k.Supplier.Address != "龙港市新城工业园区 68 号" || k.Supplier.ChosenBy != "wuzi" {
			t.Fatalf("chosen %+v %v", k.Supplier, err)
		}
		if _, err := w.svc.ChooseSupplier(ctx, w.supplies, k.ID, w.longgang.USCC, ""); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("the same supplier twice: %v", err)
		}
		from := time.Date(2020, 2, 3, 7, 0, 0, 0, fugong.Location)
		p, err := w.svc.AddPass(ctx, w.supplies, k.ID, tickets.Pass{Plate: "浙c·3l580", Route: "瑞安飞云—龙港新城工业园区",
			ValidFrom: from, ValidTo: from.Add(16 * time.Hour), Note: "金少锋副局长随车"})
		if err != nil || p.ID == 0 || p.Plate != "浙C3L580" {
			t.Fatalf("pass %+v %v", p, err)
		}
		if _, err := w.svc.AddPass(ctx, w.supplies, k.ID, tickets.Pass{Plate: "ABC123", Route: "x", ValidFrom: from, ValidTo: from.Add(time.Hour)}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("a bad plate: %v", err)
		}
		if _, err := w.svc.AddPass(ctx, w.clerk, k.ID, tickets.Pass{Plate: "浙C12345", Route: "x", ValidFrom: from, ValidTo: from.Add(time.Hour)}); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the clerk records a pass: %v", err)
		}
		*w.now = from.Add(15 * time.Hour)
		dl, err := w.svc.AddDelivery(ctx, w.supplies, k.ID, tickets.Delivery{Quantity: 2, Unit: "吨", Date: "2020-02-03", Note: "22:00 运抵"})
		if err != nil || dl.Supplier != w.longgang.USCC || dl.SupplierName != w.longgang.Name {
			t.Fatalf("delivery %+v %v", dl, err)
		}
		if _, err := w.svc.AddDelivery(ctx, w.supplies, k.ID, tickets.Delivery{Quantity: 2, Unit: "吨", Date: "2020-02-04"}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("a delivery tomorrow: %v", err)
		}
		d, err := w.svc.Get(ctx, w.clerk, k.ID)
		if err != nil || len(d.Passes) != 1 || len(d.Deliveries) != 1 || d.Passes[0].Route != "瑞安飞云—龙港新城工业园区" ||
			!d.Passes[0].ValidFrom.Equal(from) || d.Deliveries[0].Quantity != 2 || d.Supplier == nil {
			t.Fatalf("detail %+v %v", d, err)
		}
		var kinds []string
		for _, ev := range d.Events {
			kinds = append(kinds, ev.Kind)
		}
		if !slices.Equal(kinds, []string{"raise", "move", "supplier", "pass", "delivery"}) {
			t.Errorf("history kinds %v", kinds)
		}
		if n := len(w.auditOf(t, "ticket_pass", idOf(p.ID))); n != 1 {
			t.Errorf("%d audit entries of the pass", n)
		}
		if n := len(w.auditOf(t, "ticket_delivery", idOf(dl.ID))); n != 1 {
			t.Errorf("%d audit entries of the delivery", n)
		}

		// Products: replaced whole, audited, in scope.
		if _, err := w.svc.SetProducts(ctx, w.town, w.suitMaker.USCC, nil); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("a town declares for another town's firm: %v", err)
		}
		if _, err := w.svc.SetProducts(ctx, w.cadre, w.tangA.USCC, nil); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("a cadre declares: %v", err)
		}
		if _, err := w.svc.SetProducts(ctx, w.clerk, w.suitMaker.USCC, []tickets.Product{{Product: "防护服"}, {Product: "防护服"}}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("a duplicate product: %v", err)
		}
		if _, err := w.svc.SetProducts(ctx, w.clerk, w.suitMaker.USCC, []tickets.Product{{Product: "隔离衣"}}); err != nil {
			t.Fatal(err)
		}
		ps, err := w.svc.Products(ctx, w.clerk, w.suitMaker.USCC)
		if err != nil || !slices.Equal(ps, []tickets.Product{{Product: "隔离衣"}}) {
			t.Errorf("products %+v %v", ps, err)
		}
		if n := len(w.auditOf(t, "enterprise_products", w.suitMaker.USCC)); n != 2 {
			t.Errorf("%d audit entries of the products", n)
		}
	})
}

func TestTicketSLASetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTicketWorld(t, db)
		if s, err := w.svc.SLA(ctx); err != nil || s != tickets.DefaultSLA {
			t.Fatalf("default %+v %v", s, err)
		}
		if err := w.svc.SetSLA(ctx, w.coord, tickets.SLA{Urgent: 2, High: 12, Normal: 48, Low: 96}); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("bureau staff set the SLA: %v", err)
		}
		if err := w.svc.SetSLA(ctx, w.admin, tickets.SLA{Urgent: 12, High: 2, Normal: 48, Low: 96}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("an SLA out of order: %v", err)
		}
		if err := w.svc.SetSLA(ctx, w.admin, tickets.SLA{Urgent: 2, High: 12, Normal: 48, Low: 96}); err != nil {
			t.Fatal(err)
		}
		k := w.raise(t, w.town, w.tangA, tickets.CategoryOther, tickets.UrgencyHigh, "x")
		if !k.DueAt.Equal(w.now.Add(12 * time.Hour)) {
			t.Errorf("due %v, want raised + 12 h", k.DueAt)
		}
		if n := len(w.auditOf(t, "setting", tickets.SLAKey)); n != 1 {
			t.Errorf("%d audit entries of the setting", n)
		}
	})
}

func TestLoadTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTicketWorld(t, db)
		raised := time.Date(2020, 1, 20, 9, 0, 0, 0, fugong.Location)
		resolved := raised.Add(5 * time.Hour)
		d := tickets.Detail{Ticket: tickets.Ticket{Enterprise: w.suitMaker.USCC, Category: tickets.CategorySupplies,
			Urgency: tickets.UrgencyNormal, Title: "口罩不足", Description: "28人，口罩500个", Status: tickets.StatusResolved,
			Assignee: "group:supplies", RaisedBy: "ducha", RaisedAt: raised, DueAt: raised.Add(72 * time.Hour),
			FirstResolvedAt: &resolved, ResolvedAt: &resolved, Resolution: "已调配", UpdatedAt: resolved,
			Supplier: &tickets.Supplier{USCC: w.longgang.USCC, ChosenBy: "wuzi", ChosenAt: raised.Add(time.Hour)}},
			Events: []tickets.Event{{At: raised, Actor: "ducha", Kind: tickets.EventRaise, To: tickets.StatusNew}},
			Passes: []tickets.Pass{{Plate: "浙C12345", Route: "r", ValidFrom: raised, ValidTo: resolved, CreatedBy: "wuzi", CreatedAt: raised}},
			Deliveries: []tickets.Delivery{{Supplier: w.longgang.USCC, Quantity: 500, Unit: "个", Date: "2020-01-20",
				CreatedBy: "wuzi", CreatedAt: resolved}}}
		if err := db.LoadTickets(ctx, fugong.System, []tickets.Detail{d}); err != nil {
			t.Fatal(err)
		}
		ts, _, err := w.svc.List(ctx, w.admin, tickets.Filter{})
		if err != nil || len(ts) != 1 {
			t.Fatalf("%v %v", ts, err)
		}
		got, err := w.svc.Get(ctx, w.admin, ts[0].ID)
		if err != nil || !got.RaisedAt.Equal(raised) || *got.HoursToResolve != 5 || got.Supplier.Name != w.longgang.Name ||
			len(got.Events) != 1 || len(got.Passes) != 1 || len(got.Deliveries) != 1 || got.Deliveries[0].SupplierName != w.longgang.Name {
			t.Errorf("loaded %+v %v", got, err)
		}
		if n := len(w.auditOf(t, "ticket", idOf(got.ID))); n != 1 {
			t.Errorf("%d audit entries of the load", n)
		}
	})
}

// TestProductListsRacing: lists of products saved at once replace each
// other; the one stored is one of them, never a mix.
func TestProductListsRacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := ent(t, "MP3000001", "塘下镇", "瑞安市甲无纺布厂")
		if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
			t.Fatal(err)
		}
		lists := [][]tickets.Product{{{Product: "熔喷布"}, {Product: "无纺布"}}, {{Product: "口罩"}, {Product: "耳带"}}, {{Product: "防护服"}}}
		for round := range 8 {
			var wg sync.WaitGroup
			errs := make([]error, len(lists))
			for i, l := range lists {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = db.SetProducts(ctx, fugong.System, e.USCC, l)
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			got, err := db.Products(ctx, e.USCC)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(lists, func(l []tickets.Product) bool { return slices.Equal(l, got) }) {
				t.Fatalf("round %d: stored %v, which no request sent", round, got)
			}
		}
	})
}
