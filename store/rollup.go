package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/production"
	"fugong/registry"
)

// The production rollup (migration 0029): per day, town, size class and
// status, what changed in the sums the production summary adds up over
// every firm. A day's figures are the rows up to it; see the migration.

// qRecountRollup refills the rollup from the firms and their days: the
// baseline of every active firm, each report moving its firm into its
// status on its day, and out of the previous one (or the baseline's closed).
// The migration runs the same statement.
const qRecountRollup = `INSERT INTO production_rollup (date, town_code, size_class, status, enterprises, employees, capacity, capacity_w, on_post, reported)
	SELECT x.date, x.town_code, x.size_class, x.status, sum(x.n), sum(x.emp), sum(x.cap), sum(x.capw), sum(x.onpost), sum(x.rep)
	FROM (
		SELECT '' AS date, e.town_code, e.size_class, 'closed' AS status, 1 AS n, e.employees AS emp, 0 AS cap, 0 AS capw, 0 AS onpost, 0 AS rep
		FROM enterprises e WHERE e.status = 'active'
		UNION ALL
		SELECT p.date, e.town_code, e.size_class, p.status, 1, e.employees, p.capacity_pct, p.capacity_pct * e.employees,
			(p.on_post_pct * e.employees + 50) / 100, 1
		FROM production_days p JOIN enterprises e ON e.uscc = p.enterprise_uscc WHERE e.status = 'active'
		UNION ALL
		SELECT p.date, e.town_code, e.size_class, coalesce(q.status, 'closed'), -1, -e.employees, -coalesce(q.capacity_pct, 0),
			-coalesce(q.capacity_pct, 0) * e.employees, -((coalesce(q.on_post_pct, 0) * e.employees + 50) / 100), 0
		FROM (SELECT enterprise_uscc, date, lag(date) OVER (PARTITION BY enterprise_uscc ORDER BY date) AS prev FROM production_days) p
		JOIN enterprises e ON e.uscc = p.enterprise_uscc
		LEFT JOIN production_days q ON q.enterprise_uscc = p.enterprise_uscc AND q.date = p.prev
		WHERE e.status = 'active'
	) x GROUP BY x.date, x.town_code, x.size_class, x.status`

// RecountRollup rebuilds the production rollup from the stored days, after
// a bulk load that bypassed the per-record bookkeeping (and to check it).
func (db *DB) RecountRollup(ctx context.Context) error {
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM production_rollup`); err != nil {
			return err
		}
		_, err := tx.Exec(qRecountRollup)
		return err
	})
}

type rollKey struct{ date, town, size, status string }

type rollSums struct{ n, employees, capacity, capacityW, onPost, reported int64 }

// rollup gathers a write's changes to the rollup, written at its end.
type rollup map[rollKey]*rollSums

// firmAttrs are what of a firm its counting depends on.
type firmAttrs struct {
	town, size string
	employees  int
}

// prodState is a firm's production state on a day.
type prodState struct {
	status           string
	capacity, onPost int
}

var closedState = prodState{status: production.StatusClosed}

// add counts a firm in state s on date, sign +1 or -1; reported counts a
// report of the day itself.
func (r rollup) add(date string, f firmAttrs, s prodState, sign int64, reported bool) {
	k := rollKey{date, f.town, f.size, s.status}
	v := r[k]
	if v == nil {
		v = &rollSums{}
		r[k] = v
	}
	emp := int64(f.employees)
	v.n += sign
	v.employees += sign * emp
	v.capacity += sign * int64(s.capacity)
	v.capacityW += sign * int64(s.capacity) * emp
	v.onPost += sign * int64(production.StaffOnPost(s.onPost, f.employees))
	if reported {
		v.reported += sign
	}
}

// write adds the changes to the stored rows.
func (r rollup) write(ctx context.Context, tx *Tx) error {
	for k, v := range r {
		if *v == (rollSums{}) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO production_rollup (date, town_code, size_class, status,
			enterprises, employees, capacity, capacity_w, on_post, reported) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (date, town_code, size_class, status) DO UPDATE SET
				enterprises = production_rollup.enterprises + excluded.enterprises,
				employees = production_rollup.employees + excluded.employees,
				capacity = production_rollup.capacity + excluded.capacity,
				capacity_w = production_rollup.capacity_w + excluded.capacity_w,
				on_post = production_rollup.on_post + excluded.on_post,
				reported = production_rollup.reported + excluded.reported`,
			k.date, k.town, k.size, k.status, v.n, v.employees, v.capacity, v.capacityW, v.onPost, v.reported); err != nil {
			return err
		}
	}
	return nil
}

// rollProductionDay moves an active firm's day in the rollup from what it
// was (old, the day's previous report, nil when the day is new) to now:
// on the day, out of the old state and into the new; at the firm's next
// report, the reverse, as its state until then changed.
func (tx *Tx) rollProductionDay(ctx context.Context, uscc, date string, old *production.Figures, now production.Figures) error {
	var f firmAttrs
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT town_code, size_class, employees, status FROM enterprises WHERE uscc = $1`, uscc).
		Scan(&f.town, &f.size, &f.employees, &status); err != nil || status != registry.StatusActive {
		return err
	}
	before, reportedBefore := closedState, old != nil
	if old != nil {
		before = prodState{old.Status, old.CapacityPct, old.OnPostPct}
	} else {
		err := tx.QueryRowContext(ctx, `SELECT status, capacity_pct, on_post_pct FROM production_days
			WHERE enterprise_uscc = $1 AND date < $2 ORDER BY date DESC LIMIT 1`, uscc, date).Scan(&before.status, &before.capacity, &before.onPost)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	after := prodState{now.Status, now.CapacityPct, now.OnPostPct}
	r := rollup{}
	r.add(date, f, before, -1, reportedBefore)
	r.add(date, f, after, 1, true)
	var next sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT min(date) FROM production_days WHERE enterprise_uscc = $1 AND date > $2`, uscc, date).Scan(&next); err != nil {
		return err
	}
	if next.Valid {
		r.add(next.String, f, after, -1, false)
		r.add(next.String, f, before, 1, false)
	}
	return r.write(ctx, tx)
}

// rollFirm adds (sign +1) or takes away (-1) an enterprise's whole history
// in the rollup as e describes it: for a new firm, one leaving or joining
// the active ones, or one changing town, size class or staff.
func (tx *Tx) rollFirm(ctx context.Context, e registry.Enterprise, sign int64) error {
	if e.Status != registry.StatusActive {
		return nil
	}
	f := firmAttrs{e.Town, e.SizeClass, e.Employees}
	r := rollup{}
	r.add("", f, closedState, sign, false)
	rows, err := tx.QueryContext(ctx, `SELECT date, status, capacity_pct, on_post_pct FROM production_days
		WHERE enterprise_uscc = $1 ORDER BY date`, e.USCC)
	if err != nil {
		return err
	}
	defer rows.Close()
	prev := closedState
	for rows.Next() {
		var date string
		var s prodState
		if err := rows.Scan(&date, &s.status, &s.capacity, &s.onPost); err != nil {
			return err
		}
		r.add(date, f, prev, -sign, false)
		r.add(date, f, s, sign, true)
		prev = s
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return r.write(ctx, tx)
}

// rollNewFirms adds bulk-loaded enterprises to the rollup's baseline: new
// firms have no days yet, so each counts closed from the start.
func (db *DB) rollNewFirms(ctx context.Context, es []registry.Enterprise) error {
	r := rollup{}
	for _, e := range es {
		if e.Status == "" || e.Status == registry.StatusActive {
			r.add("", firmAttrs{e.Town, e.SizeClass, e.Employees}, closedState, 1, false)
		}
	}
	return db.write(ctx, func(tx *Tx) error { return r.write(ctx, tx) })
}

// rollsDiffer reports whether a change of an enterprise moves it in the
// rollup.
func rollsDiffer(before, after registry.Enterprise) bool {
	return before.Status != after.Status || before.Town != after.Town || before.SizeClass != after.SizeClass ||
		before.Employees != after.Employees
}

// ProductionRollup adds up the active enterprises in scope by town, size
// class and status on a day from the rollup: the same cells as
// ProductionSummary, for whole-town scopes (the city, a town), read from a
// few thousand rows however many firms there are. town narrows the city to
// one town ("" for all).
func (db *DB) ProductionRollup(ctx context.Context, a fugong.Actor, date, town string) ([]production.Cell, error) {
	if !byTown(a) {
		return nil, fugong.Errorf(fugong.EForbidden, "", "汇总按乡镇街道统计")
	}
	w := &where{}
	day := w.next(date)
	w.add("c.date <= " + day)
	w.enterpriseScopeOf(a, "c")
	if town != "" {
		w.add("c.town_code = ?", town)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT c.town_code, c.size_class, c.status, sum(c.enterprises),
		sum(CASE WHEN c.date = `+day+` THEN c.reported ELSE 0 END), sum(c.employees), sum(c.capacity), sum(c.capacity_w), sum(c.on_post)
		FROM production_rollup c`+w.String()+` GROUP BY c.town_code, c.size_class, c.status`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []production.Cell
	for rows.Next() {
		var c production.Cell
		if err := rows.Scan(&c.Town, &c.SizeClass, &c.Status, &c.Enterprises, &c.Reported, &c.Employees,
			&c.Capacity, &c.CapacityW, &c.OnPost); err != nil {
			return nil, err
		}
		if c.Enterprises != 0 {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// ProductionRollupTrend adds up the active enterprises in scope by size
// class and status for every day of [from, to] ("" town for all in scope),
// in one walk over the rollup's rows up to to: its time depends on the
// days and towns, not on the firms.
func (db *DB) ProductionRollupTrend(ctx context.Context, a fugong.Actor, from, to, town string) ([]production.DayCells, error) {
	if !byTown(a) {
		return nil, fugong.Errorf(fugong.EForbidden, "", "汇总按乡镇街道统计")
	}
	w := &where{}
	w.add("c.date <= ?", to)
	w.enterpriseScopeOf(a, "c")
	if town != "" {
		w.add("c.town_code = ?", town)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT c.date, c.size_class, c.status, sum(c.enterprises), sum(c.reported),
		sum(c.employees), sum(c.capacity), sum(c.capacity_w), sum(c.on_post)
		FROM production_rollup c`+w.String()+` GROUP BY c.date, c.size_class, c.status ORDER BY c.date`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ size, status string }
	sums := map[key]*production.Cell{}
	var changes []struct {
		date string
		c    production.Cell
	}
	for rows.Next() {
		var date string
		var c production.Cell
		if err := rows.Scan(&date, &c.SizeClass, &c.Status, &c.Enterprises, &c.Reported, &c.Employees, &c.Capacity, &c.CapacityW, &c.OnPost); err != nil {
			return nil, err
		}
		changes = append(changes, struct {
			date string
			c    production.Cell
		}{date, c})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	days, err := daysOf(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var out []production.DayCells
	i := 0
	for _, day := range days {
		reported := map[key]int{}
		for ; i < len(changes) && changes[i].date <= day; i++ {
			ch := changes[i].c
			k := key{ch.SizeClass, ch.Status}
			s := sums[k]
			if s == nil {
				s = &production.Cell{SizeClass: ch.SizeClass, Status: ch.Status}
				sums[k] = s
			}
			s.Enterprises += ch.Enterprises
			s.Employees += ch.Employees
			s.Capacity += ch.Capacity
			s.CapacityW += ch.CapacityW
			s.OnPost += ch.OnPost
			if changes[i].date == day {
				reported[k] += ch.Reported
			}
		}
		dc := production.DayCells{Date: day}
		for _, size := range []string{registry.SizeAbove, registry.SizeBelow} {
			for _, st := range production.Statuses {
				if c := sums[key{size, st}]; c != nil && c.Enterprises > 0 {
					one := *c
					one.Reported = reported[key{size, st}]
					dc.Cells = append(dc.Cells, one)
				}
			}
		}
		out = append(out, dc)
	}
	return out, nil
}

// daysOf lists the days of [from, to] from parsed dates (formatted ones
// past 9999-12-31 would not sort), stopping if ctx ends: a period may be
// thousands of years long.
func daysOf(ctx context.Context, from, to string) ([]string, error) {
	start, err := time.ParseInLocation(time.DateOnly, from, fugong.Location)
	if err != nil {
		return nil, err
	}
	end, err := time.ParseInLocation(time.DateOnly, to, fugong.Location)
	if err != nil {
		return nil, err
	}
	var days []string
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		days = append(days, d.Format(time.DateOnly))
	}
	return days, nil
}

// moveReports moves an enterprise's daily reports, and their counters, to
// the town it moved to: its history goes with it, as the active counts
// and the production rollup do, so that a past day's received reports
// and its expected ones are of the same towns, and a later correction
// counts where the report is.
func (tx *Tx) moveReports(ctx context.Context, uscc, to string) error {
	rows, err := tx.QueryContext(ctx, `SELECT town_code, date, on_time, `+figureCols+` FROM daily_reports
		WHERE uscc = $1 AND town_code <> $2`, uscc, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var from string
		var r daily.Report
		if err := rows.Scan(append([]any{&from, &r.Date, &r.OnTime}, figureDest(&r.Figures)...)...); err != nil {
			return err
		}
		tx.count(from, r.Date, true, r, daily.Report{})
		out := &tx.counts[len(tx.counts)-1]
		for i := range out.d {
			out.d[i] = -out.d[i]
		}
		tx.count(to, r.Date, true, r, daily.Report{})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	_, err = tx.ExecContext(ctx, `UPDATE daily_reports SET town_code = $1 WHERE uscc = $2 AND town_code <> $1`, to, uscc)
	return err
}
