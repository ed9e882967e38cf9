package tickets

import (
	"cmp"
	"net/http"
	"slices"

	"fugong/tickets"
	"fugong/web"
)

// The home page's panel of the tickets: the open ones in the actor's
// scope (a clerk's are their enterprise's), how many are overdue, and the
// most pressing few.

// homeRows is how many open tickets the panel names.
const homeRows = 5

// openStatuses are the statuses of a ticket still waiting for a solution.
var openStatuses = []string{tickets.StatusNew, tickets.StatusReopened, tickets.StatusAssigned, tickets.StatusInProgress}

type homeView struct {
	Open, Overdue int
	Rows          []homeRow
}

type homeRow struct {
	tickets.Ticket
	StatusName, UrgencyName string
}

func (m *module) home(r *http.Request, ss *web.Session) ([]web.Section, error) {
	a := ss.Actor()
	if !tickets.CanRaise(a) {
		return nil, nil
	}
	var v homeView
	var rows []tickets.Ticket
	for _, st := range openStatuses {
		ts, n, err := m.svc.List(r.Context(), a, tickets.Filter{Status: st, Page: 1, PerPage: homeRows})
		if err != nil {
			return nil, err
		}
		v.Open += n
		rows = append(rows, ts...)
	}
	yes := true
	_, overdue, err := m.svc.List(r.Context(), a, tickets.Filter{Overdue: &yes, Page: 1, PerPage: 1})
	if err != nil {
		return nil, err
	}
	v.Overdue = overdue
	// The overdue first, then the ones due soonest.
	slices.SortFunc(rows, func(x, y tickets.Ticket) int {
		if x.Overdue != y.Overdue {
			if x.Overdue {
				return -1
			}
			return 1
		}
		return cmp.Or(x.DueAt.Compare(y.DueAt), cmp.Compare(x.ID, y.ID))
	})
	for _, t := range rows[:min(len(rows), homeRows)] {
		v.Rows = append(v.Rows, homeRow{Ticket: t, StatusName: tickets.StatusNames[t.Status], UrgencyName: tickets.UrgencyNames[t.Urgency]})
	}
	h, err := ss.Partial("tickets-home", v)
	return []web.Section{{HTML: h, Order: homeOrder}}, err
}

// homeOrder puts the panel after the day's reports (200).
const homeOrder = 250
