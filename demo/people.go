package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/store"
)

// The demo city's staff rosters (M7): a realistic share of the firms keep
// one (the report's firms, the demo cadre's, one small firm in seven and one
// large firm in sixteen; some 40,000 people), with valid ID numbers from
// the divisions Ruian's workers come from. People back from elsewhere
// returned over the last weeks; those from Hubei, and some from elsewhere,
// are in 14-day observation; a few codes are yellow or red, some held by
// family; this morning's temperatures were taken, a few of them fevers
// whose alerts are open (and a few of yesterday's closed). ID numbers and
// phones are sealed with the demo's key like any other.

// Shares of the firms that keep a roster.
const (
	rosterShareBelow = 1.0 / 7
	rosterShareAbove = 1.0 / 16
)

// demoClerk records the demo's readings, as a firm's clerk would.
const demoClerk = "demo"

// SeedPeople stores the demo rosters sealed under keys, once: a database
// with people already is left alone. progress, if set, is called with
// (done, total) people.
func SeedPeople(ctx context.Context, db *store.DB, keys *pii.Keyring, progress func(done, total int)) error {
	has, err := db.HasPersonalData(ctx)
	if err != nil || has {
		return err
	}
	es, err := enterprises()
	if err != nil {
		return err
	}
	plan := rosterPlan(es, db.Now())
	if len(plan.rows) == 0 {
		return nil
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	ids, err := db.ReservePersonIDs(ctx, len(plan.rows))
	if err != nil {
		return err
	}
	for i := range plan.rows {
		r := &plan.rows[i]
		old := r.ID
		r.ID = ids[i]
		if r.Sealed, err = people.Seal(keys, r.Person); err != nil {
			return err
		}
		r.IDNumber, r.Phone = "", ""
		plan.renumber(old, r.ID)
		if i%1000 == 0 {
			progress(i, len(plan.rows))
		}
	}
	if err := db.LoadPeople(ctx, plan.rows, plan.readings, plan.alerts, db.Now(), demoClerk); err != nil {
		return fmt.Errorf("demo: people: %w", err)
	}
	progress(len(plan.rows), len(plan.rows))
	return db.Analyze(ctx)
}

// peoplePlan is the generated rosters before they are sealed: rows with
// provisional ids (their index + 1), and the readings and alerts that
// name them.
type peoplePlan struct {
	rows     []people.Row
	readings []people.Temperature
	alerts   []people.Alert
	// byID are the readings' and alerts' indexes by provisional id.
	readingsOf map[int64][]int
	alertsOf   map[int64][]int
}

func (p *peoplePlan) renumber(old, id int64) {
	for _, i := range p.readingsOf[old] {
		p.readings[i].Person = id
	}
	for _, i := range p.alertsOf[old] {
		p.alerts[i].StaffID = &id
	}
}

// rosterPlan generates the rosters of the demo city at now, from a fixed
// seed: the same people every time.
func rosterPlan(es []registry.Enterprise, now time.Time) *peoplePlan {
	r := rand.New(rand.NewPCG(2020, 211))
	ids := pii.NewIDGenerator(2020)
	today := people.Today(now)
	day := func(n int) string { return people.AddDays(today, -n) }
	morning := func(daysAgo int) time.Time {
		t, _ := time.ParseInLocation(people.DateLayout, day(daysAgo), fugong.Location)
		return t.Add(7*time.Hour + time.Duration(r.IntN(120))*time.Minute)
	}
	keep := map[string]bool{}
	for _, f := range namedFirms {
		if u, err := firmByName(es, f.name); err == nil {
			keep[u] = true
		}
	}
	for _, u := range cadreFirms(es) {
		keep[u] = true
	}
	p := &peoplePlan{readingsOf: map[int64][]int{}, alertsOf: map[int64][]int{}}
	feverFirms := map[string]bool{} // the clerk's and the cadre's firms each show one open alert
	for _, e := range es {
		if e.Status != registry.StatusActive || e.Employees == 0 {
			continue
		}
		share := rosterShareBelow
		if e.SizeClass == registry.SizeAbove {
			share = rosterShareAbove
		}
		if !keep[e.USCC] && r.Float64() >= share {
			continue
		}
		for range e.Employees {
			g := ids.Next()
			id := int64(len(p.rows) + 1)
			ps := people.Person{ID: id, Enterprise: e.USCC, Name: personName(r), IDNumber: g.Number,
				Origin: g.Division.Name, Hubei: g.Division.Hubei, HealthCode: people.CodeGreen, OnPost: true}
			if r.IntN(10) > 0 {
				ps.Phone = mobilePrefixes[r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", r.IntN(100_000_000))
			}
			local := g.Division.Code == "330381"
			if !local || r.IntN(5) == 0 {
				ps.ReturnedOn = day(1 + r.IntN(28))
			}
			// Hubei staff: 14 days' observation from their return; some
			// from elsewhere too.
			if ps.ReturnedOn != "" && (ps.Hubei || (!local && r.IntN(8) == 0)) {
				ps.QuarantineStart, ps.QuarantineDays = ps.ReturnedOn, 14
				ps.QuarantineEnd = people.AddDays(ps.QuarantineStart, 13)
			}
			switch n := r.IntN(1000); {
			case n < 5 || (ps.Hubei && n < 120):
				ps.HealthCode, ps.CodeSince = people.CodeRed, day(r.IntN(14))
			case n < 25 || (ps.Hubei && n < 300):
				ps.HealthCode, ps.CodeSince = people.CodeYellow, day(r.IntN(7))
			}
			if g.Birth < "1966" && r.IntN(4) == 0 || r.IntN(60) == 0 {
				ps.CodeHeldByFamily = true
			}
			inQuarantine := ps.InQuarantine(today)
			ps.OnPost = !inQuarantine && ps.HealthCode == people.CodeGreen && r.IntN(10) > 0
			p.rows = append(p.rows, people.Row{Person: ps})

			reading := func(daysAgo int, tenths int) {
				t := people.Temperature{Person: id, At: morning(daysAgo), Celsius: float64(tenths) / 10, By: demoClerk}
				t.Day = people.Today(t.At)
				p.readingsOf[id] = append(p.readingsOf[id], len(p.readings))
				p.readings = append(p.readings, t)
			}
			normal := func() int { return 360 + r.IntN(12) } // 36.0–37.1
			// The days since a yellow or red code turned, so its green day shows.
			if ps.HealthCode != people.CodeGreen {
				for d := people.AddDays(ps.CodeSince, 1); d < today; d = people.AddDays(d, 1) {
					reading(daysBetween(d, today), normal())
				}
			}
			if !ps.OnPost && !inQuarantine {
				continue
			}
			// This morning's check; a fever now and then, one in the
			// clerk's and the cadre's firms at least.
			fever := r.IntN(2500) == 0 || (keep[e.USCC] && !feverFirms[e.USCC] && r.IntN(40) == 0)
			if !fever {
				reading(0, normal())
				if r.IntN(3000) == 0 { // yesterday's fever, seen to
					t := 373 + r.IntN(10)
					reading(1, t)
					p.alert(id, e, t, morning(1), true)
				}
				continue
			}
			feverFirms[e.USCC] = true
			t := 373 + r.IntN(15)
			reading(0, t)
			p.alert(id, e, t, morning(0), false)
		}
	}
	return p
}

func (p *peoplePlan) alert(id int64, e registry.Enterprise, tenths int, at time.Time, closed bool) {
	al := people.Alert{Kind: people.KindFever, USCC: e.USCC, Town: e.Town, StaffID: &id, Celsius: float64(tenths) / 10,
		Status: people.AlertOpen, OpenedAt: at, OpenedBy: demoClerk}
	if closed {
		c := at.Add(3 * time.Hour)
		al.Status, al.ClosedAt, al.ClosedBy, al.Note = people.AlertClosed, &c, "demo", "已送市人民医院发热门诊，复测体温正常"
	}
	p.alertsOf[id] = append(p.alertsOf[id], len(p.alerts))
	p.alerts = append(p.alerts, al)
}

// personName draws a name as the demo's legal representatives are drawn.
func personName(r *rand.Rand) string {
	s, gc := []rune(surnames), []rune(givenChars)
	n := string(s[r.IntN(len(s))]) + string(gc[r.IntN(len(gc))])
	if r.IntN(4) > 0 {
		n += string(gc[r.IntN(len(gc))])
	}
	return n
}

func daysBetween(from, to string) int {
	a, _ := time.Parse(people.DateLayout, from)
	b, _ := time.Parse(people.DateLayout, to)
	return int(b.Sub(a).Hours() / 24)
}
