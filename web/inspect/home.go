package inspect

import (
	"net/http"

	"fugong"
	"fugong/inspect"
	"fugong/web"
)

// The home page's panels of the inspections: a cadre's paired enterprises
// and who is due a visit; the rectifications open in the actor's scope
// (a clerk's are their enterprise's), the overdue first.

// homeRows is how many rectifications the panel names.
const homeRows = 5

// Orders of the panels: a cadre's pairings first of all (their day's
// work), the rectifications after the day's reports (200).
const (
	homePairingsOrder = 60
	homeRectOrder     = 240
)

type homeRects struct {
	Open, Overdue int
	Rows          []rectRow
	Today         string
}

type homePairing struct {
	inspect.Pairing
	DueDay  string
	Behind  bool
	Visited string // the last visit's day, "" for none
}

type homePairings struct {
	Rows     []homePairing
	Behind   int
	Interval int
}

func (m *module) home(r *http.Request, ss *web.Session) ([]web.Section, error) {
	a := ss.Actor()
	if !inspect.CanSee(a) {
		return nil, nil
	}
	var out []web.Section
	if a.Role == fugong.RoleCadre && m.oversight != nil {
		ps, interval, err := m.oversight.Pairings(r.Context(), a)
		if err != nil {
			return nil, err
		}
		now := m.oversight.Now()
		v := homePairings{Interval: interval}
		for _, p := range ps {
			row := homePairing{Pairing: p, DueDay: p.Due(interval).In(fugong.Location).Format(inspect.DateLayout), Behind: p.Behind(now, interval)}
			if p.LastVisit != nil {
				row.Visited = p.LastVisit.In(fugong.Location).Format(inspect.DateLayout)
			}
			if row.Behind {
				v.Behind++
			}
			v.Rows = append(v.Rows, row)
		}
		h, err := ss.Partial("inspect-home-pairings", v)
		if err != nil {
			return nil, err
		}
		out = append(out, web.Section{HTML: h, Order: homePairingsOrder})
	}
	today := m.svc.Today()
	v := homeRects{Today: today}
	overdue, n, err := m.svc.Rectifications(r.Context(), a, inspect.Filter{Status: inspect.StatusOpen, Overdue: true, Page: 1, PerPage: homeRows})
	if err != nil {
		return nil, err
	}
	v.Overdue = n
	open, n, err := m.svc.Rectifications(r.Context(), a, inspect.Filter{Status: inspect.StatusOpen, Page: 1, PerPage: homeRows})
	if err != nil {
		return nil, err
	}
	v.Open = n
	seen := map[int64]bool{}
	for _, rec := range append(overdue, open...) {
		if len(v.Rows) < homeRows && !seen[rec.ID] {
			seen[rec.ID] = true
			v.Rows = append(v.Rows, rectRowOf(rec, today))
		}
	}
	h, err := ss.Partial("inspect-home-rects", v)
	if err != nil {
		return nil, err
	}
	return append(out, web.Section{HTML: h, Order: homeRectOrder}), nil
}
