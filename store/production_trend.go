package store

import (
	"context"
	"errors"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/production"
	"fugong/registry"
)

// The production trend's closed days are kept per town: the page of the
// city asks for 30 days, and walking every firm's reports of the period
// (walkTrend) costs a third of a second at a city's size, every time. A day
// that is over rarely changes, so it is walked once and its cells are read
// afterwards; today is walked live (the page takes it from its summary).
//
// A day is kept once it has been over for settle: a write of the day still
// in flight at midnight has committed by then. A write of a day that is
// over, by the writer's clock, drops it (forgetTrend).
const settle = 10 * time.Minute

// lastClosed is the last day that may be kept at now.
func lastClosed(now time.Time) (string, error) {
	return shiftDate(daily.Today(now.Add(-settle)), -1)
}

// ProductionTrend adds up the active enterprises in scope by size class and
// status for every day of [from, to]. A scope of whole towns (the city, a
// town) reads the kept days and walks the rest; a narrower one (a cadre's
// firms) walks its own few reports.
func (db *DB) ProductionTrend(ctx context.Context, a fugong.Actor, from, to string) ([]production.DayCells, error) {
	if !byTown(a) {
		return db.walkTrend(ctx, a, from, to, false)
	}
	lastKept, err := lastClosed(db.now())
	if err != nil {
		return nil, err
	}
	if from > lastKept {
		return db.walkTrend(ctx, a, from, to, false)
	}
	keptTo := min(to, lastKept)
	kept, ok, err := db.keptTrend(ctx, from, keptTo)
	if err != nil {
		return nil, err
	}
	if !ok { // changed while it was walked: walk this once
		return db.walkTrend(ctx, a, from, to, false)
	}
	out := make([]production.DayCells, 0, len(kept))
	for _, d := range kept {
		out = append(out, production.DayCells{Date: d.Date, Cells: collapse(d.Cells, a)})
	}
	if to == keptTo {
		return out, nil
	}
	next, err := shiftDate(keptTo, 1)
	if err != nil {
		return nil, err
	}
	rest, err := db.walkTrend(ctx, a, next, to, false)
	return append(out, rest...), err
}

// collapse adds up a day's town cells of the actor's towns by size and
// status, in the order walkTrend gives them.
func collapse(cells []production.Cell, a fugong.Actor) []production.Cell {
	type key struct{ size, status string }
	sums := map[key]*production.Cell{}
	var keys []key
	for _, c := range cells {
		if !a.CityWide() && c.Town != a.Town {
			continue
		}
		k := key{c.SizeClass, c.Status}
		s := sums[k]
		if s == nil {
			s = &production.Cell{SizeClass: c.SizeClass, Status: c.Status}
			sums[k] = s
			keys = append(keys, k)
		}
		s.Enterprises += c.Enterprises
		s.Reported += c.Reported
		s.Employees += c.Employees
		s.Capacity += c.Capacity
		s.CapacityW += c.CapacityW
		s.OnPost += c.OnPost
	}
	out := make([]production.Cell, 0, len(keys))
	for _, size := range []string{"above", "below"} {
		for _, st := range production.Statuses {
			if s := sums[key{size, st}]; s != nil {
				out = append(out, *s)
			}
		}
	}
	return out
}

// keptTrend returns the city's cells per town for every day of [from, to],
// walking and keeping the days not kept yet. ok is false when a write
// changed the kept days meanwhile (nothing was kept then).
func (db *DB) keptTrend(ctx context.Context, from, to string) (days []production.DayCells, ok bool, err error) {
	var gen int64
	if err := db.r.QueryRowContext(ctx, `SELECT gen FROM production_trend_gen WHERE id = 1`).Scan(&gen); err != nil {
		return nil, false, err
	}
	have := map[string]bool{}
	rows, err := db.r.QueryContext(ctx, `SELECT date FROM production_trend_dates WHERE date >= $1 AND date <= $2`, from, to)
	if err != nil {
		return nil, false, err
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return nil, false, err
		}
		have[d] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	all, err := dateRange(ctx, from, to)
	if err != nil {
		return nil, false, err
	}
	var missing []string
	for _, d := range all {
		if !have[d] {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 {
		walked, err := db.walkTrend(ctx, fugong.System, missing[0], missing[len(missing)-1], true)
		if err != nil {
			return nil, false, err
		}
		if ok, err := db.keep(ctx, gen, walked, have); err != nil || !ok {
			return nil, false, err
		}
	}
	return db.keptCells(ctx, all)
}

// keep stores walked days not kept yet, if gen is still current.
func (db *DB) keep(ctx context.Context, gen int64, walked []production.DayCells, have map[string]bool) (bool, error) {
	errChanged := errors.New("changed")
	err := db.write(ctx, func(tx *Tx) error {
		// The row of gen, locked: a write that forgets waits, or went first.
		if err := tx.lockRow(ctx, lockUpdate, "production_trend_gen", "id", 1); err != nil {
			return err
		}
		var now int64
		if err := tx.QueryRowContext(ctx, `SELECT gen FROM production_trend_gen WHERE id = 1`).Scan(&now); err != nil {
			return err
		}
		if now != gen {
			return errChanged
		}
		for _, d := range walked {
			if have[d.Date] {
				continue
			}
			// Another page may have kept the day meanwhile: the same cells.
			res, err := tx.ExecContext(ctx, `INSERT INTO production_trend_dates (date) VALUES ($1) ON CONFLICT (date) DO NOTHING`, d.Date)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				continue
			}
			for _, c := range d.Cells {
				if _, err := tx.ExecContext(ctx, `INSERT INTO production_trend_cells (date, town_code, size_class, status,
					enterprises, reported, employees, capacity, capacity_w, on_post) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
					d.Date, c.Town, c.SizeClass, c.Status, c.Enterprises, c.Reported, c.Employees, c.Capacity, c.CapacityW, c.OnPost); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if errors.Is(err, errChanged) {
		return false, nil
	}
	return err == nil, err
}

// keptCells reads the kept cells of the days, every one of them kept.
func (db *DB) keptCells(ctx context.Context, days []string) ([]production.DayCells, bool, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT date, town_code, size_class, status, enterprises, reported, employees,
		capacity, capacity_w, on_post FROM production_trend_cells WHERE date >= $1 AND date <= $2`, days[0], days[len(days)-1])
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	byDay := map[string][]production.Cell{}
	for rows.Next() {
		var d string
		var c production.Cell
		if err := rows.Scan(&d, &c.Town, &c.SizeClass, &c.Status, &c.Enterprises, &c.Reported, &c.Employees,
			&c.Capacity, &c.CapacityW, &c.OnPost); err != nil {
			return nil, false, err
		}
		byDay[d] = append(byDay[d], c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out := make([]production.DayCells, 0, len(days))
	for _, d := range days {
		out = append(out, production.DayCells{Date: d, Cells: byDay[d]})
	}
	return out, true, nil
}

// forgetTrend drops the kept days from date on (all of them for ""), after
// a write that changes them: a production day kept, an enterprise counted.
// It bumps gen so a walk in flight does not keep what it read before.
func (tx *Tx) forgetTrend(date string) error {
	if date != "" {
		yesterday, err := shiftDate(daily.Today(tx.now), -1)
		if err != nil || date > yesterday {
			return err
		}
	}
	if _, err := tx.Exec(bumpTrendGen); err != nil {
		return err
	}
	for _, q := range forgetTrendSQL {
		if _, err := tx.Exec(q, date); err != nil {
			return err
		}
	}
	return nil
}

const bumpTrendGen = `UPDATE production_trend_gen SET gen = gen + 1 WHERE id = 1`

// forgetTrendSQL drops the kept days from $1 on.
var forgetTrendSQL = []string{
	`DELETE FROM production_trend_dates WHERE date >= $1`,
	`DELETE FROM production_trend_cells WHERE date >= $1`,
}

// forgetAllTrend drops every kept day in a bulk load.
func forgetAllTrend(w bulkWriter) error {
	if err := w.exec(bumpTrendGen); err != nil {
		return err
	}
	for _, q := range forgetTrendSQL {
		if err := w.exec(q, ""); err != nil {
			return err
		}
	}
	return nil
}

// trendChanged reports whether an enterprise's change moves it in the
// trend: its town, size, staff or whether it is counted at all.
func trendChanged(before, after registry.Enterprise) bool {
	return before.Town != after.Town || before.SizeClass != after.SizeClass ||
		before.Employees != after.Employees || before.Status != after.Status
}

func shiftDate(date string, days int) (string, error) {
	t, err := time.ParseInLocation(time.DateOnly, date, fugong.Location)
	if err != nil {
		return "", err
	}
	return t.AddDate(0, 0, days).Format(time.DateOnly), nil
}

// dateRange lists the days of [from, to], from parsed dates.
func dateRange(ctx context.Context, from, to string) ([]string, error) {
	start, err := time.ParseInLocation(time.DateOnly, from, fugong.Location)
	if err != nil {
		return nil, err
	}
	end, err := time.ParseInLocation(time.DateOnly, to, fugong.Location)
	if err != nil {
		return nil, err
	}
	var out []string
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, d.Format(time.DateOnly))
	}
	return out, nil
}
