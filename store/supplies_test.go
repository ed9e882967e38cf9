package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/supplies"
)

const (
	tangxia   = "330381101"
	xinchen   = "330381007" // 莘塍, the same area as 塘下
	xianjiang = "330381010"
)

// staffed registers an enterprise with the given employees.
func staffed(t *testing.T, db *store.DB, org, town, name string, employees int) registry.Enterprise {
	t.Helper()
	e := ent(t, org, town, name)
	e.Employees = employees
	e, err := db.CreateEnterprise(context.Background(), fugong.System, e)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func declare(t *testing.T, db *store.DB, uscc string, masks int64) {
	t.Helper()
	if _, err := db.DeclareStock(context.Background(), fugong.System, uscc, supplies.Quantities{Masks: masks, Gloves: masks / 2}, ""); err != nil {
		t.Fatal(err)
	}
}

func auditCount(t *testing.T, db *store.DB, entity, id string) int {
	t.Helper()
	_, n, err := db.ListAudit(context.Background(), audit.Filter{Entity: entity, EntityID: id, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSuppliesDeclareKeepsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := staffed(t, db, "MW1000001", tangxia, "浙江天盛食品有限公司", 28)
		st, err := db.Stock(ctx, e.USCC)
		if err != nil || st.Declared || st.StaffOnPost != 28 || !st.Active || st.TownName != "塘下镇" || st.Masks != 0 {
			t.Fatalf("before any record: %+v %v", st, err)
		}
		clerk := fugong.Actor{UserID: 9, Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
		first := supplies.Quantities{Masks: 500, Thermometers: 2, Disinfectant: 105, Suits: 1, Gloves: 60}
		db.Now = func() time.Time { return time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location) }
		ch, err := db.DeclareStock(ctx, clerk, e.USCC, first, "初次申报")
		if err != nil || ch.Before != nil || ch.ID == 0 || ch.After != first {
			t.Fatalf("first declaration: %+v %v", ch, err)
		}
		second := first
		second.Masks = 300
		db.Now = func() time.Time { return time.Date(2020, 2, 11, 9, 30, 0, 0, fugong.Location) }
		ch, err = db.DeclareStock(ctx, clerk, e.USCC, second, "")
		if err != nil || ch.Before == nil || *ch.Before != first || ch.After != second {
			t.Fatalf("second declaration: %+v %v", ch, err)
		}
		st, err = db.Stock(ctx, e.USCC)
		if err != nil || !st.Declared || st.Quantities != second || st.UpdatedBy != "clerk" ||
			st.UpdatedAt.Location() != fugong.Location || st.UpdatedAt.Format(time.RFC3339) != "2020-02-11T09:30:00+08:00" {
			t.Fatalf("stock after two: %+v (%s) %v", st, st.UpdatedAt, err)
		}
		hist, total, err := db.StockChanges(ctx, e.USCC, 1, 50)
		if err != nil || total != 2 || len(hist) != 2 {
			t.Fatalf("history: %d %+v %v", total, hist, err)
		}
		if h := hist[0]; h.After != second || h.Before == nil || *h.Before != first || h.Source != supplies.SourceDeclare || h.By != "clerk" {
			t.Errorf("newest change %+v", h)
		}
		if h := hist[1]; h.Before != nil || h.Note != "初次申报" || h.AllocationID != 0 {
			t.Errorf("first change %+v", h)
		}
		if page2, total, _ := db.StockChanges(ctx, e.USCC, 2, 1); total != 2 || len(page2) != 1 || page2[0].ID != hist[1].ID {
			t.Errorf("second page of one: %+v", page2)
		}
		if n := auditCount(t, db, "supply_stock", e.USCC); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		if _, err := db.DeclareStock(ctx, clerk, uscc(t, "MW9999999"), first, ""); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("declaring for no enterprise: %v", err)
		}
		if _, err := db.Stock(ctx, uscc(t, "MW9999999")); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("stock of no enterprise: %v", err)
		}
	})
}

func TestSuppliesShortageLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rule := supplies.Defaults.Rule()                        // short below 6 masks a head
		a := staffed(t, db, "MW2000001", tangxia, "塘下甲", 28)    // 100 masks: 1.7 days
		b := staffed(t, db, "MW2000002", tangxia, "塘下乙", 10)    // 10 masks: 0.5 days
		c := staffed(t, db, "MW2000003", tangxia, "塘下丙", 28)    // 168: exactly 3 days, not short
		d := staffed(t, db, "MW2000004", xianjiang, "仙降甲", 50)  // 200: 2 days
		staffed(t, db, "MW2000005", xianjiang, "仙降乙", 40)       // undeclared
		idle := staffed(t, db, "MW2000006", tangxia, "塘下无人", 0) // nobody on post: never short, never undeclared
		shut := staffed(t, db, "MW2000007", tangxia, "塘下停业", 30)
		declare(t, db, a.USCC, 100)
		declare(t, db, b.USCC, 10)
		declare(t, db, c.USCC, 168)
		declare(t, db, d.USCC, 200)
		declare(t, db, idle.USCC, 0)
		declare(t, db, shut.USCC, 0)
		closed := shut
		closed.Status = registry.StatusClosed
		if _, err := db.UpdateEnterprise(ctx, fugong.System, shut, closed); err != nil {
			t.Fatal(err)
		}

		codes := func(items []supplies.Shortage) []string {
			var out []string
			for _, s := range items {
				out = append(out, s.USCC)
			}
			return out
		}
		items, total, err := db.Shortages(ctx, fugong.System, supplies.ListFilter{Page: 1, PerPage: 50}, rule)
		if err != nil || total != 3 || !slices.Equal(codes(items), []string{b.USCC, a.USCC, d.USCC}) {
			t.Fatalf("city: %d %v %v; want b, a, d by cover", total, codes(items), err)
		}
		if s := items[1]; s.Masks != 100 || s.StaffOnPost != 28 || s.TownName != "塘下镇" || s.Name != "塘下甲" || s.UpdatedAt.IsZero() {
			t.Errorf("line of a: %+v", s)
		}
		items, total, _ = db.Shortages(ctx, fugong.System, supplies.ListFilter{Page: 2, PerPage: 2}, rule)
		if total != 3 || !slices.Equal(codes(items), []string{d.USCC}) {
			t.Errorf("page 2 of 2: %d %v", total, codes(items))
		}
		items, total, _ = db.Shortages(ctx, fugong.System, supplies.ListFilter{Town: xianjiang, Page: 1, PerPage: 50}, rule)
		if total != 1 || !slices.Equal(codes(items), []string{d.USCC}) {
			t.Errorf("仙降 only: %d %v", total, codes(items))
		}
		town := fugong.Actor{Username: "tx", Role: fugong.RoleTown, Town: tangxia}
		items, total, _ = db.Shortages(ctx, town, supplies.ListFilter{Page: 1, PerPage: 50}, rule)
		if total != 2 || !slices.Equal(codes(items), []string{b.USCC, a.USCC}) {
			t.Errorf("塘下's official: %d %v", total, codes(items))
		}
		if _, total, _ = db.Shortages(ctx, town, supplies.ListFilter{Town: xianjiang, Page: 1, PerPage: 50}, rule); total != 0 {
			t.Errorf("a town filter widened the scope: %d", total)
		}
		clerk := fugong.Actor{Username: "c", Role: fugong.RoleEnterprise, Enterprise: a.USCC}
		if items, total, _ = db.Shortages(ctx, clerk, supplies.ListFilter{Page: 1, PerPage: 50}, rule); total != 1 || items[0].USCC != a.USCC {
			t.Errorf("the clerk of a: %d %v", total, codes(items))
		}
		if _, total, _ = db.Shortages(ctx, fugong.Actor{Role: fugong.RoleCheckpoint}, supplies.ListFilter{Page: 1, PerPage: 50}, rule); total != 0 {
			t.Errorf("a checkpoint sees %d shortages", total)
		}
		// A stricter rule (5 days) adds c.
		five := supplies.Defaults
		five.ShortageDays = 5
		if _, total, _ = db.Shortages(ctx, fugong.System, supplies.ListFilter{Page: 1}, five.Rule()); total != 4 {
			t.Errorf("at 5 days %d shortages, want 4", total)
		}

		und, total, err := db.Undeclared(ctx, fugong.System, supplies.ListFilter{Page: 1, PerPage: 50})
		if err != nil || total != 1 || len(und) != 1 || und[0].Name != "仙降乙" || und[0].StaffOnPost != 40 || und[0].TownName != "仙降街道" {
			t.Errorf("undeclared: %d %+v %v", total, und, err)
		}
		if _, total, _ = db.Undeclared(ctx, town, supplies.ListFilter{Page: 1, PerPage: 50}); total != 0 {
			t.Errorf("塘下 has %d undeclared", total)
		}

		counts, err := db.TownCounts(ctx, fugong.System, rule)
		if err != nil || len(counts) != 2 {
			t.Fatalf("town counts %+v %v", counts, err)
		}
		// Towns in display order: 仙降街道 comes before 塘下镇.
		want := []supplies.TownCount{
			{Town: xianjiang, Name: "仙降街道", Enterprises: 2, Declared: 1, Undeclared: 1, Shortages: 1, Masks: 200, StaffOnPost: 50},
			{Town: tangxia, Name: "塘下镇", Enterprises: 4, Declared: 4, Shortages: 2, Masks: 278, StaffOnPost: 66},
		}
		if !slices.Equal(counts, want) {
			t.Errorf("town counts\n got %+v\nwant %+v", counts, want)
		}
		if counts, _ := db.TownCounts(ctx, town, rule); len(counts) != 1 || counts[0] != want[1] {
			t.Errorf("塘下's counts %+v", counts)
		}
	})
}

func TestSuppliesAllocation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		wuzi := fugong.Actor{UserID: 3, Username: "wuzi", Role: fugong.RoleBureau, Group: fugong.GroupSupplies}
		e := staffed(t, db, "MW3000001", tangxia, "瑞安市康盾防护用品有限公司", 65)
		r, err := db.AddReceipt(ctx, wuzi, supplies.Receipt{Item: supplies.Masks, Quantity: 1000, Source: "市防控指挥部调拨"})
		if err != nil || r.ID == 0 || r.By != "wuzi" || r.At.IsZero() {
			t.Fatalf("receipt %+v %v", r, err)
		}
		if _, err := db.AddReceipt(ctx, wuzi, supplies.Receipt{Item: supplies.Disinfectant, Quantity: 205, Source: "企业捐赠"}); err != nil {
			t.Fatal(err)
		}
		bs, err := db.BureauStock(ctx)
		if err != nil || bs != (supplies.Quantities{Masks: 1000, Disinfectant: 205}) {
			t.Fatalf("bureau stock %+v %v", bs, err)
		}
		// Beyond the limit: refused, nothing stored.
		if _, err := db.AddReceipt(ctx, wuzi, supplies.Receipt{Item: supplies.Masks, Quantity: supplies.BureauLimit(supplies.Masks), Source: "x"}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("receipt beyond the limit: %v", err)
		}
		if _, n, _ := db.Receipts(ctx, 1, 50); n != 2 {
			t.Errorf("%d receipts, want 2", n)
		}

		// The enterprise has declared nothing: the allocation is its first record.
		al, err := db.Allocate(ctx, wuzi, supplies.Allocation{Enterprise: e.USCC, Item: supplies.Masks, Quantity: 300, Note: "应急"})
		if err != nil || al.ID == 0 || *al.BureauLeft != 700 || *al.EnterpriseStock != 300 || al.EnterpriseName != e.Name || al.TownName != "塘下镇" {
			t.Fatalf("allocation %+v %v", al, err)
		}
		st, _ := db.Stock(ctx, e.USCC)
		if !st.Declared || st.Masks != 300 || st.UpdatedBy != "wuzi" {
			t.Errorf("stock after the allocation %+v", st)
		}
		hist, _, _ := db.StockChanges(ctx, e.USCC, 1, 50)
		if len(hist) != 1 || hist[0].Source != supplies.SourceAllocation || hist[0].AllocationID != al.ID || hist[0].Before != nil {
			t.Errorf("history %+v", hist)
		}
		al2, err := db.Allocate(ctx, wuzi, supplies.Allocation{Enterprise: e.USCC, Item: supplies.Disinfectant, Quantity: 25})
		if err != nil || *al2.EnterpriseStock != 25 || *al2.BureauLeft != 180 {
			t.Fatalf("disinfectant %+v %v", al2, err)
		}
		// More than the bureau holds: a conflict, and nothing moves.
		_, err = db.Allocate(ctx, wuzi, supplies.Allocation{Enterprise: e.USCC, Item: supplies.Masks, Quantity: 701})
		if fe := fugong.AsError(err); fe == nil || fe.Code != fugong.EConflict || fe.Message != "物资组口罩库存不足：现有 700只，拟调拨 701只" {
			t.Fatalf("over-allocation: %v", err)
		}
		bs, _ = db.BureauStock(ctx)
		st, _ = db.Stock(ctx, e.USCC)
		if bs.Masks != 700 || st.Masks != 300 {
			t.Errorf("after a refused allocation: bureau %d, enterprise %d", bs.Masks, st.Masks)
		}
		if _, n, _ := db.StockChanges(ctx, e.USCC, 1, 50); n != 2 {
			t.Errorf("%d changes after a refused allocation, want 2", n)
		}
		if _, err := db.Allocate(ctx, wuzi, supplies.Allocation{Enterprise: uscc(t, "MW9999998"), Item: supplies.Masks, Quantity: 1}); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("allocation to no enterprise: %v", err)
		}
		if bs, _ = db.BureauStock(ctx); bs.Masks != 700 {
			t.Errorf("an allocation to no enterprise took masks: %d left", bs.Masks)
		}
		for entity, n := range map[string]int{"supply_allocation": 2, "supply_receipt": 2, "bureau_supply_stock": 4, "supply_stock": 2} {
			if got := auditCount(t, db, entity, ""); got != n {
				t.Errorf("%d audit entries of %s, want %d", got, entity, n)
			}
		}

		list, total, err := db.Allocations(ctx, fugong.System, supplies.AllocationFilter{Page: 1, PerPage: 50})
		if err != nil || total != 2 || list[0].ID != al2.ID || list[1].Quantity != 300 || list[1].Note != "应急" {
			t.Errorf("allocations %d %+v %v", total, list, err)
		}
		if _, total, _ := db.Allocations(ctx, fugong.System, supplies.AllocationFilter{Item: "masks", Page: 1, PerPage: 50}); total != 1 {
			t.Errorf("mask allocations %d", total)
		}
		other := fugong.Actor{Role: fugong.RoleTown, Town: xianjiang}
		if _, total, _ := db.Allocations(ctx, other, supplies.AllocationFilter{Page: 1, PerPage: 50}); total != 0 {
			t.Errorf("仙降 sees %d allocations to 塘下", total)
		}
	})
}

// TestSuppliesAllocationsRace allocates from one stock at once: never more
// goes out than came in.
func TestSuppliesAllocationsRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var es []registry.Enterprise
		for i, org := range []string{"MW4000001", "MW4000002", "MW4000003", "MW4000004"} {
			es = append(es, staffed(t, db, org, tangxia, "并发企业"+org, 10+i))
		}
		if _, err := db.AddReceipt(ctx, fugong.System, supplies.Receipt{Item: supplies.Masks, Quantity: 1000, Source: "x"}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.Allocate(ctx, fugong.System, supplies.Allocation{Enterprise: es[i%len(es)].USCC, Item: supplies.Masks, Quantity: 100})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case fugong.ErrorCode(err) == fugong.EConflict:
					refused++
				default:
					t.Errorf("allocation %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		bs, _ := db.BureauStock(ctx)
		var held int64
		for _, e := range es {
			st, _ := db.Stock(ctx, e.USCC)
			held += st.Masks
		}
		if ok != 10 || refused != 10 || bs.Masks != 0 || held != 1000 {
			t.Errorf("%d allocated, %d refused, bureau %d left, enterprises hold %d", ok, refused, bs.Masks, held)
		}
	})
}

func TestSuppliesDonors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		need := staffed(t, db, "MW5000001", tangxia, "缺口企业", 20)
		near := staffed(t, db, "MW5000002", tangxia, "同镇富余", 10)  // 1000 masks, keeps 180
		area := staffed(t, db, "MW5000003", xinchen, "莘塍富余", 10)  // 3000
		far := staffed(t, db, "MW5000004", xianjiang, "仙降富余", 10) // 9000
		tight := staffed(t, db, "MW5000005", tangxia, "同镇刚够", 10) // 150: below 9 days
		idle := staffed(t, db, "MW5000006", xianjiang, "仙降无人", 0) // 50, nobody on post: all spare
		shut := staffed(t, db, "MW5000007", tangxia, "同镇停业", 10)  // 5000 but closed
		for e, m := range map[string]int64{need.USCC: 10, near.USCC: 1000, area.USCC: 3000, far.USCC: 9000, tight.USCC: 150, idle.USCC: 50, shut.USCC: 5000} {
			declare(t, db, e, m)
		}
		closed := shut
		closed.Status = registry.StatusClosed
		if _, err := db.UpdateEnterprise(ctx, fugong.System, shut, closed); err != nil {
			t.Fatal(err)
		}
		q := supplies.DonorQuery{Item: supplies.Masks, Except: need.USCC, Town: tangxia, Nearby: supplies.Nearby(tangxia),
			KeepPerStaff: supplies.Defaults.KeepPerStaff(supplies.Masks), Limit: 10}
		names := func(ds []supplies.Donor) []string {
			var out []string
			for _, d := range ds {
				out = append(out, d.Name)
			}
			return out
		}
		ds, err := db.Donors(ctx, fugong.System, q)
		if err != nil || !slices.Equal(names(ds), []string{"同镇富余", "莘塍富余", "仙降富余", "仙降无人"}) {
			t.Fatalf("donors %v %v", names(ds), err)
		}
		if ds[0].Stored != 1000 || ds[0].StaffOnPost != 10 || ds[0].TownName != "塘下镇" || ds[0].ContactPhone == "" {
			t.Errorf("first donor %+v", ds[0])
		}
		q.Limit = 2
		if ds, _ := db.Donors(ctx, fugong.System, q); len(ds) != 2 {
			t.Errorf("limit 2 gave %d", len(ds))
		}
		q.Limit = 10
		town := fugong.Actor{Role: fugong.RoleTown, Town: tangxia}
		if ds, _ := db.Donors(ctx, town, q); !slices.Equal(names(ds), []string{"同镇富余"}) {
			t.Errorf("塘下's official sees donors %v", names(ds))
		}
		q.Item = supplies.Gloves // half the masks: 500 gloves for 10 keep 90
		if ds, _ := db.Donors(ctx, fugong.System, q); len(ds) != 4 || ds[0].Stored != 500 {
			t.Errorf("glove donors %v", names(ds))
		}
	})
}

// TestSuppliesStaffOnPostFromProduction: daily use counts the staff on post
// the firm last reported (M4), all its employees until it reports.
func TestSuppliesStaffOnPostFromProduction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := staffed(t, db, "MW1000009", tangxia, "瑞安市塘下鞋业有限公司", 28)
		if st, err := db.Stock(ctx, e.USCC); err != nil || st.StaffOnPost != 28 {
			t.Fatalf("before any production report: %d on post, %v; want all 28", st.StaffOnPost, err)
		}
		if err := db.SetEssential(ctx, fugong.System, e.USCC, true, "保供企业"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			date      string
			pct, want int
		}{{"2020-02-10", 50, 14}, {"2020-02-11", 75, 21}} {
			f := production.Figures{Status: production.StatusResumed, CapacityPct: 60, OnPostPct: c.pct,
				Upstream: production.SupplyNormal, Downstream: production.SupplyNormal}
			if _, _, err := db.PutProductionDay(ctx, fugong.System, e.USCC, c.date, f); err != nil {
				t.Fatal(err)
			}
			if st, err := db.Stock(ctx, e.USCC); err != nil || st.StaffOnPost != c.want {
				t.Errorf("after %s at %d%%: %d on post, %v; want %d", c.date, c.pct, st.StaffOnPost, err, c.want)
			}
		}
	})
}

// TestSuppliesSettingsPatchesRacing: two people changing different supplies
// settings at the same moment both have their change kept.
func TestSuppliesSettingsPatchesRacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &supplies.Service{Store: db, Registry: &registry.Service{Store: db}, Now: time.Now}
		for round := range 10 {
			masks, days := float64(3+round%5), float64(4+round%7)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, errs[0] = svc.SetSettings(ctx, fugong.System, supplies.SettingsPatch{MasksPerPerson: &masks})
			}()
			go func() {
				defer wg.Done()
				_, errs[1] = svc.SetSettings(ctx, fugong.System, supplies.SettingsPatch{ShortageDays: &days})
			}()
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			got, err := svc.Settings(ctx)
			if err != nil || got.MasksPerPerson != masks || got.ShortageDays != int(days) {
				t.Fatalf("round %d: sent masks %v and days %v, stored %+v (%v)", round, masks, days, got, err)
			}
		}
	})
}

// TestFirstAllocationsRacing: allocations of different items to a firm with
// no stock yet, made at once, all go through (the first stock row is not a
// conflict between them).
func TestFirstAllocationsRacing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, it := range supplies.Items {
			if _, err := db.AddReceipt(ctx, fugong.System, supplies.Receipt{Item: it, Quantity: 1000, Source: "市指挥部"}); err != nil {
				t.Fatal(err)
			}
		}
		for round := range 5 {
			e := staffed(t, db, fmt.Sprintf("MW20000%02d", round), tangxia, fmt.Sprintf("瑞安市第%d防护用品厂", round), 10)
			var wg sync.WaitGroup
			errs := make([]error, len(supplies.Items))
			for i, it := range supplies.Items {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = db.Allocate(ctx, fugong.System, supplies.Allocation{Enterprise: e.USCC, Item: it, Quantity: 10})
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			st, err := db.Stock(ctx, e.USCC)
			if err != nil || st.Masks != 10 || st.Gloves != 10 || st.Suits != 10 || st.Thermometers != 10 || st.Disinfectant != 10 {
				t.Fatalf("round %d: stock %+v %v, want 10 of each", round, st.Quantities, err)
			}
		}
	})
}
