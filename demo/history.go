package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
)

// historyDays is how many days of reports before today the demo city has.
const historyDays = 30

// registered is when the demo city's firms entered the registry: before any
// report of the history, so every day of it is a day they could report.
var registered = time.Date(2019, 12, 31, 9, 0, 0, 0, fugong.Location)

// demoReporter submitted the generated reports; the clerk's firm's are the
// clerk's own.
const demoReporter = "demo"

// historyChunk is how many reports one transaction stores: the progress bar
// moves between them.
const historyChunk = 50_000

// loadHistory stores the generated reports (of the 30 days before now and
// of today until now), so the demo opens on a city that has been reporting.
// progress is called with the number stored so far.
func loadHistory(ctx context.Context, db *store.DB, es []registry.Enterprise, reports []daily.Report, progress func(done int)) error {
	town := make(map[string]string, len(es))
	for _, e := range es {
		town[e.USCC] = e.Town
	}
	for from := 0; from < len(reports); from += historyChunk {
		to := min(len(reports), from+historyChunk)
		if err := db.LoadReports(ctx, reports[from:to], town); err != nil {
			return err
		}
		progress(to)
	}
	return nil
}

// firmHabits are what an enterprise is like as a reporter and an employer:
// drawn once, so its days follow on from each other.
type firmHabits struct {
	reliable          bool    // reports nearly every day, rarely late
	staff             int     // staff total
	inCity0, inCityN  float64 // share of staff in the city on the first and the last day
	hubei             int     // staff of Hubei origin
	quarantineShare   float64 // share of the recently returned in quarantine
	onDuty            int
	signedFrom        int // the day the commitment letter is signed; past the end: never
	persuadeEveryDays int
}

// history generates the reports: for each of the 30 days before now about
// 95 % of the firms report, 3–8 % of them late; today about 80 % have
// reported by now (the clerk's own firm has not, so the demo can show the
// form). The figures are plausible for February 2020: staff coming back
// day by day, few persuaded to stay away, Hubei staff rare and called
// daily, fevers very rare, letters signed in the first days. The draw is
// seeded: the same day gives the same history.
func history(es []registry.Enterprise, clerkUSCC string, now time.Time, deadline daily.Deadline) []daily.Report {
	r := rand.New(rand.NewPCG(2020, 210))
	today := daily.Today(now)
	t0, _ := daily.ParseDate(today)
	days := make([]string, 0, historyDays+1)
	for i := historyDays; i >= 0; i-- {
		days = append(days, t0.AddDate(0, 0, -i).Format(daily.DateLayout))
	}
	// Firms in code order: loading then appends to the indexes.
	order := make([]int, len(es))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return es[order[a]].USCC < es[order[b]].USCC })

	out := make([]daily.Report, 0, len(es)*(historyDays+1))
	for _, idx := range order {
		e := es[idx]
		h := habits(r, e)
		returned14 := make([]int, 0, len(days)) // returned per day, for quarantine
		prevInCity := int(math.Round(float64(h.staff) * (h.inCity0 - 0.02)))
		for d, day := range days {
			frac := h.inCity0 + (h.inCityN-h.inCity0)*float64(d)/float64(len(days)-1) + (r.Float64()-0.5)*0.02
			inCity := min(h.staff, max(prevInCity, int(math.Round(float64(h.staff)*frac))))
			f := daily.Figures{StaffTotal: h.staff, StaffInCity: inCity, ReturnedToday: inCity - max(0, prevInCity)}
			prevInCity = inCity
			returned14 = append(returned14, f.ReturnedToday)
			if h.persuadeEveryDays > 0 && r.IntN(h.persuadeEveryDays) == 0 {
				f.PersuadedToday = min(h.staff, 1+r.IntN(2))
				if r.IntN(3) > 0 {
					f.TicketsRefundedToday = f.PersuadedToday
				}
			}
			f.HubeiStaff = h.hubei
			if h.hubei > 0 {
				f.HubeiContactedToday = h.hubei
				if r.IntN(6) == 0 {
					f.HubeiContactedToday = r.IntN(h.hubei)
				}
			}
			recent := 0
			for _, n := range returned14[max(0, len(returned14)-14):] {
				recent += n
			}
			f.Quarantined = min(h.staff, int(float64(recent)*h.quarantineShare+0.5))
			if r.IntN(4000) == 0 {
				f.Fever = 1
			}
			f.OnDuty = min(h.staff, h.onDuty)
			f.CommitmentSigned = d >= h.signedFrom
			if f.ReturnedToday > 0 && r.IntN(40) == 0 {
				f.Note = "今日返岗员工已落实健康码查验和体温检测"
			}

			by := demoReporter
			if e.USCC == clerkUSCC {
				by = "qiye"
			}
			rep := daily.Report{USCC: e.USCC, Date: day, Figures: f, Version: 1, SubmittedBy: by}
			dayStart, _ := daily.ParseDate(day)
			due := deadline.At(day)
			if day == today {
				if e.USCC == clerkUSCC || r.IntN(100) >= 80 {
					continue
				}
				// Earlier today: from 07:30 (or midnight, very early) until now.
				from := dayStart.Add(7*time.Hour + 30*time.Minute)
				if !now.After(from) {
					from = dayStart
				}
				span := now.Sub(from)
				if span <= 0 {
					continue
				}
				rep.SubmittedAt = from.Add(time.Duration(r.Float64() * r.Float64() * float64(span)))
			} else {
				miss, late := 15, 30 // per thousand, for a reliable firm
				if !h.reliable {
					miss, late = 190, 150
				}
				if r.IntN(1000) < miss {
					continue
				}
				if r.IntN(1000) < late {
					// After the deadline, before midnight.
					rep.SubmittedAt = due.Add(time.Duration(r.Float64() * float64(dayStart.AddDate(0, 0, 1).Sub(due)-time.Minute)))
				} else {
					// Mostly in the morning.
					rep.SubmittedAt = dayStart.Add(7*time.Hour + 30*time.Minute).
						Add(time.Duration(r.Float64() * r.Float64() * float64(due.Sub(dayStart)-7*time.Hour-30*time.Minute)))
				}
			}
			rep.SubmittedAt = rep.SubmittedAt.Truncate(time.Second)
			rep.FirstAt = rep.SubmittedAt
			rep.OnTime = deadline.OnTime(day, rep.FirstAt)
			out = append(out, rep)
		}
	}
	return out
}

func habits(r *rand.Rand, e registry.Enterprise) firmHabits {
	h := firmHabits{reliable: r.IntN(100) < 80}
	h.staff = max(1, e.Employees+int(math.Round(float64(e.Employees)*(r.Float64()-0.5)*0.06)))
	h.inCity0 = 0.40 + 0.25*r.Float64()
	h.inCityN = min(0.90, h.inCity0+0.10+0.25*r.Float64())
	if r.IntN(100) < 8 {
		h.hubei = min(h.staff, 1+r.IntN(3))
	}
	h.quarantineShare = 0.3 * r.Float64()
	h.onDuty = min(h.staff, 1+r.IntN(2)+h.staff/150)
	switch p := r.IntN(100); {
	case p < 85:
		h.signedFrom = r.IntN(3)
	case p < 97:
		h.signedFrom = 3 + r.IntN(20)
	default:
		h.signedFrom = historyDays + 1 // never
	}
	if r.IntN(3) == 0 {
		h.persuadeEveryDays = 8 + r.IntN(30)
	}
	return h
}
