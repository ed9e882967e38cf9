package store

import (
	"context"
	"fmt"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/registry"
)

// ActiveByTown counts the active enterprises in scope per town.
func (db *DB) ActiveByTown(ctx context.Context, a fugong.Actor) (map[string]int, error) {
	return db.expected(ctx, a)
}

// VisitedByTown counts, per town, the active enterprises in scope visited at
// least once in [start, end). It walks the period's visits (visits_at), not
// the registry, so a week's coverage costs a week of visits (CROSS JOIN
// keeps SQLite, which has no statistics, from walking the active
// enterprises and looking each one's visits up instead).
func (db *DB) VisitedByTown(ctx context.Context, a fugong.Actor, start, end time.Time) (map[string]int, error) {
	var w where
	w.add("v.visited_at >= ?", start.UTC())
	w.add("v.visited_at < ?", end.UTC())
	w.add("e.uscc = v.enterprise_uscc")
	w.add("e.status = 'active'")
	w.enterpriseScope(a)
	return db.countsByTown(ctx, `SELECT e.town_code, count(DISTINCT v.enterprise_uscc)
		FROM visits v CROSS JOIN enterprises e`+w.String()+` GROUP BY e.town_code`, w.args...)
}

// Pairings lists the pairings of active enterprises in scope, each with the
// paired cadre's own last visit (visits_enterprise serves the lookup).
func (db *DB) Pairings(ctx context.Context, a fugong.Actor) ([]inspect.Pairing, error) {
	var w where
	w.add("e.status = 'active'")
	w.enterpriseScope(a)
	rows, err := db.r.QueryContext(ctx, `SELECT u.username, u.display_name, e.uscc, e.name, e.town_code, p.since,
			(SELECT max(v.visited_at) FROM visits v WHERE v.enterprise_uscc = e.uscc AND v.recorded_by = u.username)
		FROM cadre_pairings p JOIN users u ON u.id = p.user_id JOIN enterprises e ON e.uscc = p.enterprise_uscc`+
		w.String()+` ORDER BY u.username, e.uscc`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inspect.Pairing
	for rows.Next() {
		var p inspect.Pairing
		var town string
		var last nullTime
		if err := rows.Scan(&p.Cadre, &p.CadreName, &p.USCC, &p.Name, &town, &p.Since, &last); err != nil {
			return nil, err
		}
		p.Town, _ = registry.TownByCode(town)
		if last.Valid {
			p.LastVisit = &last.Time
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// nullTime scans a timestamp computed by an expression (max(), say): SQLite
// knows no declared type for it and hands back the stored text, which the
// driver wrote in its own layout; PostgreSQL gives a time.
type nullTime struct {
	Time  time.Time
	Valid bool
}

// sqliteTimeLayout is how modernc.org/sqlite stores a time.Time: its String().
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999 -0700 MST"

func (n *nullTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n = nullTime{}
	case time.Time:
		*n = nullTime{Time: v, Valid: true}
	case string:
		t, err := time.Parse(sqliteTimeLayout, v)
		if err != nil {
			return fmt.Errorf("store: timestamp %q: %w", v, err)
		}
		*n = nullTime{Time: t, Valid: true}
	default:
		return fmt.Errorf("store: cannot scan %T as a timestamp", src)
	}
	return nil
}
