package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/pii"
	"fugong/store"
)

// The demo city's isolation points (M8): a hotel or training centre taken
// over in a handful of towns, most rooms taken by workers back from
// elsewhere, admitted over the last fortnight (so some are due for release
// today, one is overdue); yesterday's two rounds were taken, this
// morning's for most (a few missing, flagged from noon), two fevers with
// their alerts open; today's breakfast delivered. Everything goes through
// the service, sealed and audited as a town's staff would type it: some
// fifty residents, a few hundred small transactions.

// isolationPoints are the demo's points: name, town, rooms, residents.
var isolationPoints = []struct {
	name, town       string
	rooms, residents int
	family           []string // rooms for a parent with a child
}{
	{"塘下镇鑫源酒店集中隔离点", "塘下镇", 20, 14, []string{"19", "20"}},
	{"安阳街道培训中心集中隔离点", "安阳街道", 16, 11, nil},
	{"仙降街道商务宾馆集中隔离点", "仙降街道", 12, 9, []string{"12"}},
	{"飞云街道江景酒店集中隔离点", "飞云街道", 10, 6, nil},
	{"马屿镇敬老院改建隔离点", "马屿镇", 8, 3, nil},
}

// demoStaff is who records the demo's rounds and meals.
var demoStaff = fugong.Actor{Username: "demo", Role: fugong.RoleAdmin}

// SeedIsolation stores the demo's isolation points, once: a database with
// a point already is left alone.
func SeedIsolation(ctx context.Context, db *store.DB, keys *pii.Keyring) error {
	svc := &checkpoint.Isolation{Store: db, People: &people.Service{Store: db, Keys: keys, Now: db.Now}, Now: db.Now}
	if _, n, err := svc.Points(ctx, demoStaff, checkpoint.PointFilter{PerPage: 1}); err != nil || n > 0 {
		return err
	}
	r := rand.New(rand.NewPCG(8, 2020))
	gen := pii.NewIDGenerator(2020)
	now := db.Now()
	today := people.Today(now)
	yesterday := people.AddDays(today, -1)
	fevers := 0
	for _, pt := range isolationPoints {
		p := checkpoint.Point{Name: pt.name, Town: pt.town, Rooms: pt.rooms, Address: pt.town + "（演示地址）"}
		if len(pt.family) > 0 {
			p.Capacity = map[string]int{}
			for _, room := range pt.family {
				p.Capacity[room] = 2
			}
		}
		p, err := svc.AddPoint(ctx, demoStaff, p)
		if err != nil {
			return fmt.Errorf("demo: isolation point %s: %w", pt.name, err)
		}
		for i := range pt.residents {
			// Admitted 1–14 days ago; the first of each point 14 days ago
			// (due today), the first point's second 15 days ago (overdue).
			back := 1 + r.IntN(13)
			switch {
			case i == 0:
				back = 14
			case i == 1 && p.Town == "330381101":
				back = 15
			}
			res, err := svc.Admit(ctx, demoStaff, p.ID, checkpoint.Resident{Name: personName(r), IDNumber: gen.Next().Number,
				Phone: "13" + strconv.Itoa(5+r.IntN(5)) + fmt.Sprintf("%08d", r.IntN(1e8)), Origin: origins[r.IntN(len(origins))],
				Room: strconv.Itoa(i + 1), AdmittedOn: people.AddDays(today, -back)})
			if err != nil {
				return fmt.Errorf("demo: isolation resident: %w", err)
			}
			rounds := []struct {
				day   string
				round checkpoint.Round
			}{{yesterday, checkpoint.Morning}, {yesterday, checkpoint.Afternoon}}
			// This morning's round: taken for most, missing for one in five.
			if r.IntN(5) > 0 && now.Hour() >= 8 {
				rounds = append(rounds, struct {
					day   string
					round checkpoint.Round
				}{today, checkpoint.Morning})
			}
			for j, rd := range rounds {
				c := 36.1 + float64(r.IntN(9))/10
				if fevers < 2 && i == 3 && j == 1 {
					c = 37.6 + float64(fevers)*0.4
					fevers++
				}
				if _, _, err := svc.AddRound(ctx, demoStaff, res.ID, checkpoint.Reading{Round: rd.round, Celsius: c, Day: rd.day}); err != nil {
					return fmt.Errorf("demo: isolation round: %w", err)
				}
			}
			if now.Hour() >= 8 {
				if _, err := svc.AddMeal(ctx, demoStaff, res.ID, checkpoint.Meal{Kind: checkpoint.Breakfast}); err != nil {
					return fmt.Errorf("demo: isolation meal: %w", err)
				}
			}
		}
	}
	return nil
}

// origins are where the demo's residents came back from.
var origins = []string{"湖北省武汉市", "湖北省孝感市", "湖北省黄冈市", "河南省信阳市", "安徽省阜阳市", "江西省九江市", "浙江省温州市"}
