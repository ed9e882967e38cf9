package demo

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"fugong/daily"
	"fugong/production"
	"fugong/registry"
	"fugong/store"
)

// The demo city's resumption (M4) over the month of its history, as the
// report tells it: the essential firms (protective suits, food, medicine)
// worked throughout; the others applied, the towns approved most, returned a
// few for a better plan and have some still to decide; above-scale firms
// came back first and are all back by today (规模以上工业企业已全部复工), and
// about 85 % of the rest, nearly 5,000 firms (规下工业企业复工近5000家); each
// firm's capacity and staff on post climb from the day it resumed.

// essentialCount is the size of the demo's essential list.
const essentialCount = 50

// belowResumeShare is the share of below-scale firms back at work by today.
const belowResumeShare = 0.85

// returnReasons are what towns wrote when they sent a plan back.
var returnReasons = []string{
	"防疫预案未明确隔离观察区设置，请补充后重新申请",
	"未落实外地返岗员工14天隔离安排，请补充名单",
	"口罩、测温枪等防疫物资储备不足，请备齐后重新申请",
	"员工集中用餐未执行分餐、分时，请完善预案",
}

// essentialReasons by industry.
var essentialReasons = map[string]string{
	"防护用品": "防疫物资生产保供",
	"食品":   "民生食品保供",
	"医药化工": "医药及消杀用品保供",
}

// loadProduction stores the generated production history of es up to now.
func loadProduction(ctx context.Context, db *store.DB, es []registry.Enterprise, clerkUSCC string, now time.Time) error {
	essential, apps, days := productionHistory(es, clerkUSCC, now)
	return db.LoadProduction(ctx, essential, apps, days)
}

// productionHistory draws the essential list, the applications and the
// daily statuses of the 30 days before now and of today so far (about 80 %
// of the firms have reported today; the clerk's firm has not, so the demo
// can show the form). The draw is seeded: the same day gives the same month.
func productionHistory(es []registry.Enterprise, clerkUSCC string, now time.Time) ([]production.Essential, []production.Application, []production.Day) {
	r := rand.New(rand.NewPCG(2020, 204))
	t0, _ := daily.ParseDate(daily.Today(now))
	start := t0.AddDate(0, 0, -historyDays)
	// at is a time on day d (0 … historyDays, today last) between the hours
	// from and to, never after now.
	at := func(d int, from, to float64) time.Time {
		day := start.AddDate(0, 0, d)
		t := day.Add(time.Duration((from + r.Float64()*(to-from)) * float64(time.Hour))).Truncate(time.Second)
		if t.After(now) {
			t = day.Add(time.Duration(r.Float64() * float64(now.Sub(day)))).Truncate(time.Second)
		}
		return t
	}
	date := func(d int) string { return start.AddDate(0, 0, d).Format(daily.DateLayout) }

	var essential []production.Essential
	isEssential := map[string]bool{}
	pick := func(keep func(e registry.Enterprise) bool) {
		for _, e := range es {
			if len(essential) == essentialCount {
				return
			}
			if e.Status == registry.StatusActive && !isEssential[e.USCC] && keep(e) {
				isEssential[e.USCC] = true
				essential = append(essential, production.Essential{USCC: e.USCC, Reason: essentialReasons[e.Industry],
					SetBy: "xietiao", SetAt: start.Add(-24*time.Hour + 10*time.Hour)})
			}
		}
	}
	pick(func(e registry.Enterprise) bool { return e.Industry == "防护用品" })
	pick(func(e registry.Enterprise) bool {
		return (e.Industry == "食品" || e.Industry == "医药化工") && e.SizeClass == registry.SizeAbove
	})
	pick(func(e registry.Enterprise) bool { return e.Industry == "食品" || e.Industry == "医药化工" })

	var apps []production.Application
	apply := func(e registry.Enterprise, sub int, planned int) production.Application {
		staff := e.Employees * (60 + r.IntN(41)) / 100
		note := ""
		if r.IntN(3) == 0 {
			note = "口罩、测温枪、消毒液已备齐，外地返岗员工已落实隔离"
		}
		return production.Application{USCC: e.USCC, PlannedDate: date(planned), StaffExpected: staff, Note: note,
			Status: production.AppSubmitted, SubmittedBy: submitter(e, clerkUSCC), SubmittedAt: at(sub, 8, 17)}
	}
	decide := func(e registry.Enterprise, a production.Application, d int, status string) production.Application {
		t := at(d, 7.5, 9)
		if t.Before(a.SubmittedAt) {
			t = a.SubmittedAt.Add(30 * time.Minute)
		}
		a.Status, a.DecidedBy, a.DecidedAt = status, approver(e), &t
		if status == production.AppReturned {
			a.ReturnReason = returnReasons[r.IntN(len(returnReasons))]
		}
		return a
	}

	// Firms in code order: loading then appends to the primary key.
	order := slices.Clone(es)
	slices.SortFunc(order, func(a, b registry.Enterprise) int { return strings.Compare(a.USCC, b.USCC) })
	var days []production.Day
	for _, e := range order {
		if e.Status != registry.StatusActive {
			continue
		}
		back := historyDays + 1 // the day it resumes; past today: not yet
		switch {
		case isEssential[e.USCC]:
			back = r.IntN(3)
		case e.SizeClass == registry.SizeAbove:
			back = 6 + min(r.IntN(12), r.IntN(21)) // the earlier days more likely; all by day 26
		case r.Float64() < belowResumeShare:
			back = 10 + min(r.IntN(21), r.IntN(21))
		}
		switch {
		case isEssential[e.USCC]:
		case back <= historyDays:
			sub := back - 1 - r.IntN(3)
			if r.IntN(25) == 0 { // a first plan sent back
				first := apply(e, sub-3, sub-1)
				apps = append(apps, decide(e, first, sub-2, production.AppReturned))
			}
			a := apply(e, sub, back)
			apps = append(apps, decide(e, a, back-r.IntN(2), production.AppApproved))
		default:
			switch p := r.IntN(100); {
			case p < 30: // waiting for the town
				sub := historyDays - r.IntN(3)
				apps = append(apps, apply(e, sub, min(historyDays+1+r.IntN(5), sub+1+r.IntN(7))))
			case p < 38: // sent back, not yet resubmitted
				sub := historyDays - 2 - r.IntN(4)
				apps = append(apps, decide(e, apply(e, sub, sub+2), sub+1, production.AppReturned))
			}
		}
		days = append(days, firmDays(r, e, back, e.USCC == clerkUSCC, at, date)...)
	}
	return essential, apps, days
}

// firmDays are a firm's daily statuses: closed (with a few staff on duty)
// until back, then back at work, capacity and staff on post climbing;
// supplies strained in the first days for some, broken for a few.
func firmDays(r *rand.Rand, e registry.Enterprise, back int, clerk bool, at func(d int, from, to float64) time.Time, date func(int) string) []production.Day {
	by := demoReporter
	if clerk {
		by = "qiye"
	}
	capacity := 30 + r.IntN(31)
	if back < 3 { // essential: never really stopped
		capacity = 70 + r.IntN(31)
	}
	onPost := 40 + r.IntN(31)
	ceiling := 85 + r.IntN(16)
	duty := 2 + r.IntN(6)
	rough := r.IntN(4) // days of strained supplies after resuming
	broken := r.IntN(40) == 0
	out := make([]production.Day, 0, historyDays+1)
	for d := 0; d <= historyDays; d++ {
		if d == historyDays && (clerk || r.IntN(100) >= 80) {
			break // not reported yet today
		}
		f := production.Figures{Status: production.StatusClosed, OnPostPct: duty, Upstream: production.SupplyNormal, Downstream: production.SupplyNormal}
		if d >= back {
			if d > back {
				capacity = min(100, capacity+1+r.IntN(4))
				onPost = min(100, onPost+r.IntN(4))
			}
			f.CapacityPct = min(capacity, ceiling)
			f.OnPostPct = min(onPost, ceiling+5)
			f.Status = production.StatusResumed
			if f.CapacityPct >= production.FullThreshold {
				f.Status = production.StatusFull
			}
			since := d - back
			switch {
			case broken && since == 1:
				f.Upstream = production.SupplyBroken
				f.Note = "原料断供，上游企业因交通管制无法送货，需协调车辆通行证"
			case broken && since == 2:
				f.Upstream = production.SupplyStrained
				f.Note = "经信局协调办理车辆通行证，原料已运到"
			case since < rough:
				f.Upstream = production.SupplyStrained
				if r.IntN(2) == 0 {
					f.Downstream = production.SupplyStrained
				}
			}
			if f.Upstream == production.SupplyBroken {
				f.CapacityPct = min(f.CapacityPct, 40)
				f.Status = production.StatusResumed
			}
		}
		out = append(out, production.Day{USCC: e.USCC, Date: date(d), Figures: f, UpdatedBy: by, UpdatedAt: at(d, 8, 15.5)})
	}
	return out
}

// submitter is who filed e's application: the demo clerk for their firm,
// else a clerk the demo has no account for, named as pages would.
func submitter(e registry.Enterprise, clerkUSCC string) string {
	if e.USCC == clerkUSCC {
		return "qiye"
	}
	return e.Name + "填报员"
}

// approver is who decided an application of e: the town's demo account,
// else the town's office (the demo has accounts for two towns only).
func approver(e registry.Enterprise) string {
	switch e.Town {
	case tangxia:
		return "tangxia"
	case xianjiang:
		return "xianjiang"
	}
	if t, ok := registry.TownByCode(e.Town); ok {
		return t.Name + "经济发展办公室"
	}
	return "乡镇街道经济发展办公室"
}
