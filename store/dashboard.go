package store

import (
	"context"
	"time"

	"fugong"
	"fugong/dashboard"
	"fugong/supplies"
	"fugong/tickets"
)

// OpenTickets counts the open tickets in scope per town (and urgency) at now,
// by the rule of the tickets' own figures (tickets.Open, due before now).
func (db *DB) OpenTickets(ctx context.Context, a fugong.Actor, now time.Time) (map[string]dashboard.TicketFigures, error) {
	w := &where{}
	w.add("k.status NOT IN (?, ?)", tickets.StatusResolved, tickets.StatusClosed)
	w.add("e.uscc = k.enterprise_uscc")
	w.enterpriseScope(a)
	due := w.next(now.UTC())
	// From the tickets (CROSS JOIN keeps SQLite to that order): a town's
	// count costs its tickets, not its firms.
	rows, err := db.r.QueryContext(ctx, `SELECT e.town_code, k.urgency, count(*),
		coalesce(sum(CASE WHEN k.due_at < `+due+` THEN 1 ELSE 0 END), 0)
		FROM tickets k CROSS JOIN enterprises e`+w.String()+` GROUP BY e.town_code, k.urgency`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]dashboard.TicketFigures{}
	for rows.Next() {
		var town, urgency string
		var open, overdue int
		if err := rows.Scan(&town, &urgency, &open, &overdue); err != nil {
			return nil, err
		}
		t := out[town]
		if t.ByUrgency == nil {
			t.ByUrgency = map[string]int{}
		}
		t.Open += open
		t.Overdue += overdue
		t.ByUrgency[urgency] += open
		out[town] = t
	}
	return out, rows.Err()
}

// OpenAlertsByTown counts the open fever alerts in scope per town, as the
// alert list filters them (people.AlertOpen).
func (db *DB) OpenAlertsByTown(ctx context.Context, a fugong.Actor) (map[string]int, error) {
	w := &where{}
	w.alertScope(a)
	w.add("al.status = 'open'")
	return db.countsByTown(ctx, `SELECT al.town_code, count(*) FROM alerts al`+w.String()+` GROUP BY al.town_code`, w.args...)
}

// ShortagesByTown counts the enterprises in scope short of masks by rule
// per town: Shortages' rule and conditions, read from the declared stocks
// (supply_stocks, CROSS JOIN keeping SQLite to that order), so it costs the
// firms that declared, not the registry.
func (db *DB) ShortagesByTown(ctx context.Context, a fugong.Actor, rule supplies.ShortageRule) (map[string]int, error) {
	w := activeInScope(a, "")
	inner := `SELECT e.town_code, s.masks, ` + staffOnPostExpr + ` AS staff
		FROM supply_stocks s CROSS JOIN enterprises e` + w.and("e.uscc = s.uscc")
	cond := ` WHERE x.staff > 0 AND x.masks * 10 < x.staff * CAST(` + w.next(rule.PerStaffTenths) + ` AS BIGINT)`
	return db.countsByTown(ctx, `SELECT x.town_code, count(*) FROM (`+inner+`) x`+cond+` GROUP BY x.town_code`, w.args...)
}
