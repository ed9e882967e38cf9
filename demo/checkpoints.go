package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/store"
)

// The demo city's checkpoints (M8): two posts in each town (a road and a
// community gate; the towns on the expressway and the station one more),
// a week of travellers' registrations at each, today's partly still
// pending, a few confirmed with a fever and their alerts open; every post
// manned around the clock in two shifts, but for one post's day with a
// gap. The demo's checkpoint user works at 仙降's first post.

// demoPostsExtra are the posts beyond each town's two.
var demoPostsExtra = []struct {
	town, name string
	kind       checkpoint.Kind
}{
	{tangxia, "甬台温高速塘下收费站", checkpoint.KindRoad},
	{"330381001", "瑞安火车站出站口", checkpoint.KindStation},
	{"330381001", "瑞安汽车东站", checkpoint.KindStation},
	{"330381009", "104国道飞云江大桥南", checkpoint.KindRoad},
}

var demoPlaces = []string{"温州市鹿城区", "温州市龙湾区", "乐清市", "平阳县", "苍南县", "文成县", "永嘉县", "杭州市", "宁波市",
	"台州市", "福州市", "上海市", "江西省上饶市", "安徽省阜阳市", "贵州省毕节市"}

// checkpointStaff is who the demo's confirmations are by.
const checkpointStaff = "kakou"

// SeedCheckpoints stores the demo posts, registrations and roster once:
// a database with posts already is left alone.
func SeedCheckpoints(ctx context.Context, db *store.DB, keys *pii.Keyring) error {
	cps := db.Checkpoints()
	if _, n, err := cps.Posts(ctx, fugong.System, checkpoint.PostFilter{Page: 1, PerPage: 1}); err != nil || n > 0 {
		return err
	}
	svc := &checkpoint.Service{Store: cps, Keys: keys, Now: db.Now}
	var posts []checkpoint.Post
	add := func(town, name string, kind checkpoint.Kind) error {
		p, err := svc.AddPost(ctx, fugong.System, checkpoint.Post{Name: name, Kind: kind, Town: town})
		posts = append(posts, p)
		return err
	}
	for _, t := range registry.Towns {
		if err := add(t.Code, t.Name+"主要道口卡口", checkpoint.KindRoad); err != nil {
			return err
		}
		if err := add(t.Code, t.Name+"社区（村）联防卡口", checkpoint.KindCommunity); err != nil {
			return err
		}
	}
	for _, x := range demoPostsExtra {
		if err := add(x.town, x.name, x.kind); err != nil {
			return err
		}
	}
	if u, _, err := db.UserByName(ctx, checkpointStaff); err == nil {
		for _, p := range posts {
			if p.Town == xianjiang {
				if err := svc.Assign(ctx, fugong.System, checkpoint.Assignment{User: u.ID, Post: p.ID}); err != nil {
					return err
				}
				break
			}
		}
	}
	rows, alerts, shifts := checkpointPlan(posts, db.Now())
	ids, err := cps.ReserveRegistrationIDs(ctx, len(rows))
	if err != nil {
		return err
	}
	// Sealed under their ids: the plan's seals are made here, once the
	// ids are known, and the alerts' references follow.
	for i := range rows {
		r := &rows[i]
		idn, phone := r.IDNumber, r.Phone
		r.ID, r.IDNumber, r.Phone = ids[i], "", ""
		if r.Sealed, err = checkpoint.Seal(keys, checkpoint.TableRegistrations, r.ID, idn, phone); err != nil {
			return err
		}
	}
	for i := range alerts {
		row := rows[alerts[i].Post] // the plan keeps the row's index in Post
		alerts[i].Post, alerts[i].Reference, alerts[i].IDNumber = row.Post, checkpoint.RegistrationRef(row.ID), row.Sealed.IDMasked
	}
	if err := cps.LoadRegistrations(ctx, rows, alerts, shifts); err != nil {
		return fmt.Errorf("demo: checkpoints: %w", err)
	}
	return nil
}

// checkpointPlan is a week of the posts' registrations (ID numbers and
// phones whole, to be sealed), the fever alerts (Post holding the index
// of their registration in rows) and the shifts of the week before and
// after today.
func checkpointPlan(posts []checkpoint.Post, now time.Time) ([]checkpoint.RegistrationRow, []checkpoint.Alert, []checkpoint.Shift) {
	r := rand.New(rand.NewPCG(8, 13))
	gen := pii.NewIDGenerator(13)
	today := people.Today(now)
	set := people.Defaults
	var rows []checkpoint.RegistrationRow
	var alerts []checkpoint.Alert
	var shifts []checkpoint.Shift
	for pi, p := range posts {
		for d := -6; d <= 0; d++ {
			day := people.AddDays(today, d)
			start, _ := time.ParseInLocation(people.DateLayout, day, fugong.Location)
			n := 8 + r.IntN(16)
			if p.Kind == checkpoint.KindStation || p.Kind == checkpoint.KindRoad {
				n += 10
			}
			numbers := map[string]bool{}
			for range n {
				at := start.Add(time.Duration(6*60+r.IntN(15*60)) * time.Minute)
				if d == 0 && at.After(now) {
					at = now.Add(-time.Duration(r.IntN(120)+1) * time.Minute)
				}
				num, err := checkpoint.NewNumber(nil)
				if err != nil || numbers[num] {
					continue
				}
				numbers[num] = true
				g := checkpoint.Registration{Post: p.ID, Town: p.Town, Day: people.Today(at), Number: num, At: at,
					Traveller: checkpoint.Traveller{Name: personName(r), IDNumber: gen.Next().Number, Phone: fmt.Sprintf("13%09d", r.IntN(1e9)),
						Origin: demoPlaces[r.IntN(len(demoPlaces))], Destination: registry.Towns[r.IntN(len(registry.Towns))].Name},
					Direction: checkpoint.Directions[r.IntN(2)],
					Health:    checkpoint.Health{Fever: checkpoint.No, Cough: checkpoint.No, HighRiskArea: checkpoint.No, HealthCode: people.CodeGreen}}
				if g.Day != day {
					continue
				}
				if r.IntN(3) > 0 {
					g.Plate = fmt.Sprintf("浙C%05d", r.IntN(100000))
				}
				switch x := r.IntN(100); {
				case x < 3:
					g.Cough = checkpoint.Yes
				case x < 5:
					g.HighRiskArea = checkpoint.Yes
				case x < 6:
					g.HealthCode = people.CodeYellow
				}
				// Today's last hours are still pending.
				if d < 0 || now.Sub(at) > 90*time.Minute {
					c := 36.0 + float64(r.IntN(10))/10
					if r.IntN(150) == 0 {
						c = 37.4 + float64(r.IntN(10))/10
					}
					confirmed := at.Add(time.Duration(1+r.IntN(5)) * time.Minute)
					g.ConfirmedAt, g.ConfirmedBy, g.Celsius, g.FeverAlert = &confirmed, checkpointStaff, c, set.Fever(c)
					if g.FeverAlert {
						alerts = append(alerts, checkpoint.Alert{Kind: checkpoint.AlertFever, Town: p.Town, Post: int64(len(rows)),
							Name: g.Name, Celsius: c, Status: checkpoint.AlertOpen, OpenedAt: confirmed, OpenedBy: checkpointStaff})
					}
				}
				rows = append(rows, checkpoint.RegistrationRow{Registration: g})
			}
		}
		for d := -7; d <= 7; d++ {
			day := people.AddDays(today, d)
			a, b := personName(r), personName(r)
			day1 := checkpoint.Shift{Post: p.ID, Day: day, Start: "08:00", End: "20:00", People: []string{a, b}}
			night := checkpoint.Shift{Post: p.ID, Day: day, Start: "20:00", End: "08:00", People: []string{personName(r), personName(r)}}
			// The first post's day before yesterday: its day shift left at
			// 18:00, two hours before the night shift came, a gap the roster
			// flags.
			if pi == 0 && d == -2 {
				day1.End = "18:00"
			}
			shifts = append(shifts, day1, night)
		}
	}
	return rows, alerts, shifts
}
