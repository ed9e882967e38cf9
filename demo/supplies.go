package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/store"
	"fugong/supplies"
)

// The demo city's epidemic supplies (M6): most firms have declared their
// stock in the last two days, a few of them (in several towns) with masks
// for fewer than three days; the supplies group has received stock from the
// city's headquarters and from donors and has allocated some of it.

// Shares of the firms with staff, by what their stock looks like.
const (
	undeclaredShare = 0.08 // have not declared yet
	shortShare      = 0.01 // masks for less than 3 days
)

// supplyFirms are the report's own firms' stock: 浙江天盛食品's "28 staff,
// 500 masks"; the protective-suit maker holds plenty of its own product; the
// clerk's firm is short, so the demo's clerk sees the warning.
var supplyFirms = map[string]supplies.Quantities{
	"浙江天盛食品有限公司":    {Masks: 500, Thermometers: 2, Disinfectant: 100, Suits: 2, Gloves: 200},
	"瑞安市康盾防护用品有限公司": {Masks: 20000, Thermometers: 10, Disinfectant: 600, Suits: 3000, Gloves: 5000},
	"浙江建新塑胶股份有限公司":  {Masks: 1200, Thermometers: 8, Disinfectant: 300, Suits: 10, Gloves: 900},
}

// demoSupplies is the supplies group's demo account (see ensureUsers).
var demoSupplies = fugong.Actor{Username: "wuzi", Role: fugong.RoleBureau, Group: fugong.GroupSupplies}

// seedSupplies stores the firms' declared stock, the bureau's receipts and
// a few allocations to firms in shortage.
func seedSupplies(ctx context.Context, db *store.DB, es []registry.Enterprise) error {
	now := db.Now()
	stocks, short := supplyStocks(es, now)
	if err := db.LoadStocks(ctx, stocks); err != nil {
		return fmt.Errorf("demo: supplies: %w", err)
	}
	for _, r := range []supplies.Receipt{
		{Item: supplies.Masks, Quantity: 50000, Source: "温州市疫情防控指挥部调拨", Note: "第一批"},
		{Item: supplies.Masks, Quantity: 20000, Source: "瑞安市康盾防护用品有限公司捐赠"},
		{Item: supplies.Thermometers, Quantity: 300, Source: "市卫健局调拨"},
		{Item: supplies.Disinfectant, Quantity: 5000, Source: "瑞安市防控指挥部调拨", Note: "84 消毒液原液，500 升"},
		{Item: supplies.Suits, Quantity: 800, Source: "瑞安市康盾防护用品有限公司捐赠"},
		{Item: supplies.Gloves, Quantity: 20000, Source: "温州市疫情防控指挥部调拨"},
	} {
		if _, err := db.AddReceipt(ctx, demoSupplies, r); err != nil {
			return fmt.Errorf("demo: supplies receipt: %w", err)
		}
	}
	// The group has already helped a few small firms on the list: enough
	// masks for a week each, and thermometers for every other one.
	set := supplies.Defaults
	helped := 0
	for _, s := range short {
		if helped == 8 {
			break
		}
		if s.StaffOnPost > 200 {
			continue
		}
		helped++
		need := int64(math.Ceil(set.DailyUse(supplies.Masks, s.StaffOnPost)*7)) - s.Masks
		al := supplies.Allocation{Enterprise: s.USCC, Item: supplies.Masks, Quantity: need, Note: "缺口企业应急调拨，企业自提"}
		if _, err := db.Allocate(ctx, demoSupplies, al); err != nil {
			return fmt.Errorf("demo: supplies allocation: %w", err)
		}
		if helped%2 == 1 {
			al = supplies.Allocation{Enterprise: s.USCC, Item: supplies.Thermometers, Quantity: 2, Note: "配发额温枪"}
			if _, err := db.Allocate(ctx, demoSupplies, al); err != nil {
				return fmt.Errorf("demo: supplies allocation: %w", err)
			}
		}
	}
	return nil
}

// supplyStocks draws the firms' stock: seeded, so every demo has the same.
// short are the firms drawn with masks for less than three days.
func supplyStocks(es []registry.Enterprise, now time.Time) (stocks, short []supplies.Stock) {
	r := rand.New(rand.NewPCG(2020, 500))
	for _, e := range es {
		if e.Status != registry.StatusActive || e.Employees == 0 {
			continue
		}
		q, named := supplyFirms[e.Name]
		roll := r.Float64()
		if !named && roll < undeclaredShare {
			continue
		}
		staff := float64(e.Employees)
		if !named {
			// Days of masks: 3.5 to 20 for most (clear of the line once
			// counted in tens), under 3 for a few.
			days := 3.5 + r.Float64()*16.5
			if roll < undeclaredShare+shortShare {
				days = 0.2 + r.Float64()*2.6
			}
			q = supplies.Quantities{
				Masks:        int64(staff * supplies.Defaults.MasksPerPerson * days),
				Thermometers: int64(math.Ceil(staff / 40)),
				Disinfectant: 5 * int64(math.Ceil(staff*0.05*(2+r.Float64()*14)*2)), // in half litres
				Suits:        int64(r.IntN(6)),
				Gloves:       int64(staff * (1 + r.Float64()*12)),
			}
			q.Masks -= q.Masks % 10 // counted in tens, as boxes are
		}
		// Declared at some time of the last two days.
		at := now.Add(-time.Duration(r.IntN(48*60)) * time.Minute)
		s := supplies.Stock{USCC: e.USCC, Name: e.Name, Town: e.Town, StaffOnPost: e.Employees, Quantities: q,
			UpdatedAt: at, UpdatedBy: demoReporter, Declared: true, Active: true}
		stocks = append(stocks, s)
		// The named firms stay as the report has them.
		if !named && supplies.Defaults.Short(q.Masks, e.Employees) {
			short = append(short, s)
		}
	}
	return stocks, short
}
