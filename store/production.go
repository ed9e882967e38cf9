package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/files"
	"fugong/production"
)

// ---- Applications --------------------------------------------------------------

const appCols = `ra.id, ra.enterprise_uscc, e.name, e.town_code, t.name, e.size_class, e.employees, ra.planned_date,
	ra.staff_expected, ra.note, ra.status, ra.submitted_by, ra.submitted_at, ra.decided_by, ra.decided_at, ra.return_reason,
	f.id, f.name, f.content_type, f.size, f.sha256, f.created_by, f.created_at`

const appFrom = ` FROM resumption_applications ra JOIN enterprises e ON e.uscc = ra.enterprise_uscc
	JOIN towns t ON t.code = e.town_code LEFT JOIN files f ON f.id = ra.plan_file_id`

func scanApplication(s scanner) (production.Application, error) {
	var app production.Application
	var decided sql.NullTime
	var fid, fsize sql.NullInt64
	var fname, ftype, fsum, fby sql.NullString
	var fat sql.NullTime
	err := s.Scan(&app.ID, &app.USCC, &app.Name, &app.Town, &app.TownName, &app.SizeClass, &app.Employees, &app.PlannedDate,
		&app.StaffExpected, &app.Note, &app.Status, &app.SubmittedBy, &app.SubmittedAt, &app.DecidedBy, &decided, &app.ReturnReason,
		&fid, &fname, &ftype, &fsize, &fsum, &fby, &fat)
	if decided.Valid {
		app.DecidedAt = &decided.Time
	}
	if fid.Valid {
		app.Plan = &files.File{ID: fid.Int64, Enterprise: app.USCC, Name: fname.String, ContentType: ftype.String,
			Size: int(fsize.Int64), SHA256: fsum.String, CreatedBy: fby.String, CreatedAt: fat.Time}
	}
	return app, err
}

// SubmitResumptionApplication stores an application with its prevention plan in one
// transaction: a refused application leaves no file behind.
func (db *DB) SubmitResumptionApplication(ctx context.Context, a fugong.Actor, app production.Application, plan *files.Upload, planType string) (production.Application, error) {
	err := db.write(ctx, func(tx *Tx) error {
		var open string
		var openID int64
		err := tx.QueryRowContext(ctx, `SELECT status, id FROM resumption_applications
			WHERE enterprise_uscc = $1 AND status IN ('submitted', 'approved')`, app.USCC).Scan(&open, &openID)
		switch {
		case err == nil && open == production.AppApproved:
			return fugong.Errorf(fugong.EConflict, "uscc", "该企业的复工申请（第 %d 号）已获批准，无需再次申请", openID)
		case err == nil:
			return fugong.Errorf(fugong.EConflict, "uscc", "该企业已有待审批的复工申请（第 %d 号），请等待乡镇街道审批", openID)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var planID sql.NullInt64
		if plan != nil {
			f, err := tx.insertFile(ctx, a, app.USCC, *plan, planType)
			if err != nil {
				return err
			}
			planID = sql.NullInt64{Int64: f.ID, Valid: true}
			app.Plan = &f
		}
		app.Status, app.SubmittedBy, app.SubmittedAt = production.AppSubmitted, a.Username, tx.now
		err = tx.QueryRowContext(ctx, `INSERT INTO resumption_applications (enterprise_uscc, planned_date, staff_expected,
			note, plan_file_id, status, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			app.USCC, app.PlannedDate, app.StaffExpected, app.Note, planID, app.Status, app.SubmittedBy, app.SubmittedAt).Scan(&app.ID)
		if isUnique(err) {
			return fugong.Errorf(fugong.EConflict, "uscc", "该企业已有待审批或已获批的复工申请")
		}
		if err != nil {
			return err
		}
		return tx.audit(a, "create", "resumption_application", idString(app.ID), nil, appAudit(app))
	})
	if err != nil {
		return production.Application{}, err
	}
	return db.ResumptionApplication(ctx, fugong.System, app.ID)
}

// appAudit is what the audit log keeps of an application.
func appAudit(app production.Application) map[string]any {
	m := map[string]any{"uscc": app.USCC, "planned_date": app.PlannedDate, "staff_expected": app.StaffExpected,
		"note": app.Note, "status": app.Status}
	if app.Plan != nil {
		m["plan_file_id"] = app.Plan.ID
	}
	if app.Status == production.AppReturned {
		m["return_reason"] = app.ReturnReason
	}
	return m
}

// ResumptionApplication returns an application of an enterprise in the actor's scope.
func (db *DB) ResumptionApplication(ctx context.Context, a fugong.Actor, id int64) (production.Application, error) {
	w := &where{}
	w.enterpriseScope(a)
	w.add("ra.id = ?", id)
	app, err := scanApplication(db.r.QueryRowContext(ctx, `SELECT `+appCols+appFrom+w.String(), w.args...))
	return app, notFound(err, "复工申请")
}

// ResumptionApplications returns a page of the applications in scope, newest first.
func (db *DB) ResumptionApplications(ctx context.Context, a fugong.Actor, f production.AppFilter) ([]production.Application, int, error) {
	w := &where{}
	w.enterpriseScope(a)
	if f.USCC != "" {
		w.add("ra.enterprise_uscc = ?", f.USCC)
	}
	if f.Status != "" {
		w.add("ra.status = ?", f.Status)
	}
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM resumption_applications ra JOIN enterprises e ON e.uscc = ra.enterprise_uscc`+
		w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+appCols+appFrom+w.String()+` ORDER BY ra.submitted_at DESC, ra.id DESC LIMIT `+
		w.next(f.PerPage)+` OFFSET `+w.next(offset(f.Page, f.PerPage)), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []production.Application{}
	for rows.Next() {
		app, err := scanApplication(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, app)
	}
	return out, total, rows.Err()
}

// DecideResumptionApplication approves or returns a submitted application. The
// update only takes a row still submitted, so of two towns deciding at once
// one wins and the other is told it was decided.
func (db *DB) DecideResumptionApplication(ctx context.Context, a fugong.Actor, id int64, d production.Decision) (production.Application, error) {
	before, err := db.ResumptionApplication(ctx, fugong.System, id)
	if err != nil {
		return production.Application{}, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE resumption_applications SET status = $1, decided_by = $2, decided_at = $3,
			return_reason = $4 WHERE id = $5 AND status = 'submitted'`, d.Status, a.Username, tx.now, d.Reason, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errDecided
		}
		after := before
		after.Status, after.ReturnReason = d.Status, d.Reason
		action := "approve"
		if d.Status == production.AppReturned {
			action = "return"
		}
		return tx.audit(a, action, "resumption_application", idString(id), appAudit(before), appAudit(after))
	})
	if errors.Is(err, errDecided) {
		now, rerr := db.ResumptionApplication(ctx, fugong.System, id)
		if rerr != nil {
			return production.Application{}, rerr
		}
		return production.Application{}, production.CheckPending(now)
	}
	if err != nil {
		return production.Application{}, err
	}
	return db.ResumptionApplication(ctx, fugong.System, id)
}

var errDecided = errors.New("store: the application was decided meanwhile")

// ---- The essential list ----------------------------------------------------------

const essentialCols = `x.enterprise_uscc, e.name, e.town_code, t.name, e.size_class, x.reason, x.set_by, x.set_at`

const essentialFrom = ` FROM essential_enterprises x JOIN enterprises e ON e.uscc = x.enterprise_uscc JOIN towns t ON t.code = e.town_code`

func scanEssential(s scanner) (production.Essential, error) {
	var x production.Essential
	err := s.Scan(&x.USCC, &x.Name, &x.Town, &x.TownName, &x.SizeClass, &x.Reason, &x.SetBy, &x.SetAt)
	return x, err
}

// SetEssential puts an enterprise on the essential list (or updates why it
// is there), or takes it off; taking off one that is not there changes
// nothing.
func (db *DB) SetEssential(ctx context.Context, a fugong.Actor, uscc string, on bool, reason string) error {
	return db.write(ctx, func(tx *Tx) error {
		// The entry read is the one replaced, so the audit's before holds.
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "enterprises", "uscc", uscc); err != nil {
			return err
		}
		type entry struct {
			Reason string `json:"reason"`
		}
		var before *entry
		var r string
		switch err := tx.QueryRowContext(ctx, `SELECT reason FROM essential_enterprises WHERE enterprise_uscc = $1`, uscc).Scan(&r); {
		case err == nil:
			before = &entry{r}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if !on {
			if before == nil {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM essential_enterprises WHERE enterprise_uscc = $1`, uscc); err != nil {
				return err
			}
			return tx.audit(a, "delete", "essential_enterprise", uscc, before, nil)
		}
		if before != nil && before.Reason == reason {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO essential_enterprises (enterprise_uscc, reason, set_by, set_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (enterprise_uscc) DO UPDATE SET reason = excluded.reason,
			set_by = excluded.set_by, set_at = excluded.set_at`, uscc, reason, a.Username, tx.now); err != nil {
			return err
		}
		action := "create"
		if before != nil {
			action = "update"
		}
		return tx.audit(a, action, "essential_enterprise", uscc, before, entry{reason})
	})
}

// Essential returns an enterprise's place on the essential list, ok false
// when it is not on it.
func (db *DB) Essential(ctx context.Context, uscc string) (production.Essential, bool, error) {
	x, err := scanEssential(db.r.QueryRowContext(ctx, `SELECT `+essentialCols+essentialFrom+` WHERE x.enterprise_uscc = $1`, uscc))
	if errors.Is(err, sql.ErrNoRows) {
		return production.Essential{}, false, nil
	}
	return x, err == nil, err
}

// EssentialList returns a page of the essential enterprises in scope.
func (db *DB) EssentialList(ctx context.Context, a fugong.Actor, page, perPage int) ([]production.Essential, int, error) {
	w := &where{}
	w.enterpriseScope(a)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM essential_enterprises x JOIN enterprises e ON e.uscc = x.enterprise_uscc`+
		w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+essentialCols+essentialFrom+w.String()+` ORDER BY t.sort, e.name, e.uscc LIMIT `+
		w.next(perPage)+` OFFSET `+w.next(offset(page, perPage)), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []production.Essential{}
	for rows.Next() {
		x, err := scanEssential(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// ---- Daily production status -------------------------------------------------------

const dayCols = `enterprise_uscc, date, status, capacity_pct, on_post_pct, upstream, downstream, note, updated_by, updated_at`

func dayDest(d *production.Day) []any {
	return []any{&d.USCC, &d.Date, &d.Status, &d.CapacityPct, &d.OnPostPct, &d.Upstream, &d.Downstream, &d.Note, &d.UpdatedBy, &d.UpdatedAt}
}

// versionCount is the number of versions a day's corrections replaced: the
// current version is one more.
const versionCount = `(SELECT count(*) FROM production_day_versions v WHERE v.enterprise_uscc = p.enterprise_uscc AND v.date = p.date)`

// PutProductionDay stores an enterprise's figures for a day. A correction keeps the
// version it replaces; figures the same as the stored ones change nothing
// (a repeated PUT). A working status needs the enterprise's permit as the
// transaction sees it.
func (db *DB) PutProductionDay(ctx context.Context, a fugong.Actor, uscc, date string, f production.Figures) (production.Day, bool, error) {
	var d production.Day
	var created bool
	err := db.write(ctx, func(tx *Tx) error {
		// Two first reports of a day cannot both insert.
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "enterprises", "uscc", uscc); err != nil {
			return err
		}
		if production.Working(f.Status) {
			p, err := tx.permit(ctx, uscc)
			if err != nil {
				return err
			}
			if err := production.CheckPermit(f.Status, date, p); err != nil {
				return err
			}
		}
		var old production.Day
		err := tx.QueryRowContext(ctx, `SELECT `+dayCols+`, `+versionCount+` + 1 FROM production_days p
			WHERE enterprise_uscc = $1 AND date = $2`, uscc, date).Scan(append(dayDest(&old), &old.Version)...)
		created = errors.Is(err, sql.ErrNoRows)
		if err != nil && !created {
			return err
		}
		if !created && old.Figures == f {
			d = old
			return nil
		}
		if !created {
			if _, err := tx.ExecContext(ctx, `INSERT INTO production_day_versions (`+dayCols+`, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, append(dayArgs(old), old.Version)...); err != nil {
				return err
			}
		}
		d = production.Day{USCC: uscc, Date: date, Figures: f, Version: old.Version + 1, UpdatedBy: a.Username, UpdatedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO production_days (`+dayCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (enterprise_uscc, date) DO UPDATE SET status = excluded.status, capacity_pct = excluded.capacity_pct,
				on_post_pct = excluded.on_post_pct, upstream = excluded.upstream, downstream = excluded.downstream,
				note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at`, dayArgs(d)...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qLatest, d.USCC, d.Date, d.Status, d.CapacityPct, d.OnPostPct, d.Upstream, d.Downstream); err != nil {
			return err
		}
		var was *production.Figures
		if !created {
			was = &old.Figures
		}
		if err := tx.rollProductionDay(ctx, uscc, date, was, f); err != nil {
			return err
		}
		action, before := "create", any(nil)
		if !created {
			action, before = "update", old.Figures
		}
		return tx.audit(a, action, "production_day", uscc+"/"+date, before, d.Figures)
	})
	return d, created, err
}

// qLatest keeps an enterprise's latest day: a day after (or the same as) the
// one kept replaces it; a correction of an earlier day leaves it.
const qLatest = `INSERT INTO production_latest (enterprise_uscc, date, status, capacity_pct, on_post_pct, upstream, downstream)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (enterprise_uscc) DO UPDATE SET date = excluded.date, status = excluded.status,
		capacity_pct = excluded.capacity_pct, on_post_pct = excluded.on_post_pct, upstream = excluded.upstream,
		downstream = excluded.downstream
	WHERE excluded.date >= production_latest.date`

func dayArgs(d production.Day) []any {
	return []any{d.USCC, d.Date, d.Status, d.CapacityPct, d.OnPostPct, d.Upstream, d.Downstream, d.Note, d.UpdatedBy, d.UpdatedAt}
}

// permit reads what allows an enterprise to work: the essential list, and
// the approval of its application (only one can be approved).
func (tx *Tx) permit(ctx context.Context, uscc string) (production.Permit, error) {
	var p production.Permit
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM essential_enterprises WHERE enterprise_uscc = $1`, uscc).Scan(&n); err != nil {
		return p, err
	}
	p.Essential = n > 0
	var at time.Time
	switch err := tx.QueryRowContext(ctx, `SELECT decided_at FROM resumption_applications
		WHERE enterprise_uscc = $1 AND status = 'approved' ORDER BY decided_at LIMIT 1`, uscc).Scan(&at); {
	case err == nil:
		p.ApprovedAt = &at
	case !errors.Is(err, sql.ErrNoRows):
		return p, err
	}
	return p, nil
}

// ProductionDay returns an enterprise's figures as reported for a day.
func (db *DB) ProductionDay(ctx context.Context, uscc, date string) (production.Day, error) {
	var d production.Day
	err := db.r.QueryRowContext(ctx, `SELECT `+dayCols+`, `+versionCount+` + 1 FROM production_days p
		WHERE enterprise_uscc = $1 AND date = $2`, uscc, date).Scan(append(dayDest(&d), &d.Version)...)
	return d, notFound(err, "当日生产情况")
}

// ProductionDayVersions returns every version of an enterprise's day, oldest first;
// none for a day never reported.
func (db *DB) ProductionDayVersions(ctx context.Context, uscc, date string) ([]production.Day, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+dayCols+`, version FROM production_day_versions
		WHERE enterprise_uscc = $1 AND date = $2 ORDER BY version`, uscc, date)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []production.Day{}
	for rows.Next() {
		var d production.Day
		if err := rows.Scan(append(dayDest(&d), &d.Version)...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cur, err := db.ProductionDay(ctx, uscc, date)
	if fugong.ErrorCode(err) == fugong.ENotFound {
		return out, nil
	}
	return append(out, cur), err
}

// ProductionDays returns a page of an enterprise's reported days in [from, to] ("" for
// no bound), newest first.
func (db *DB) ProductionDays(ctx context.Context, uscc, from, to string, page, perPage int) ([]production.Day, int, error) {
	w := &where{}
	w.add("p.enterprise_uscc = ?", uscc)
	if from != "" {
		w.add("p.date >= ?", from)
	}
	if to != "" {
		w.add("p.date <= ?", to)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM production_days p`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+dayCols+`, `+versionCount+` + 1 FROM production_days p`+w.String()+
		` ORDER BY p.date DESC LIMIT `+w.next(perPage)+` OFFSET `+w.next(offset(page, perPage)), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []production.Day{}
	for rows.Next() {
		var d production.Day
		if err := rows.Scan(append(dayDest(&d), &d.Version)...); err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// ---- Summaries ---------------------------------------------------------------------

// latest is a CTE, l, of the enterprises w selects (alias e) with their
// status on a day: their report for the day (cmp "<=") or the latest before
// it; never reported (last and the figures NULL) means closed. day is the
// placeholder of the day; edge, if not "", is that of the last day the
// status may come from (the day itself, or the one before it for "<").
//
// An enterprise whose latest report (production_latest) is on or before the
// day takes it from there: one seek in a table of one row per enterprise, so
// a summary of today costs the same however long the history grows. With an
// edge, those that reported since take the edge day's report, read in one
// pass over the date index (d): firms report daily, so that is nearly all of
// them. Only the rest look back through their history (o): a seek for the
// day, one for its row, materialised so that each runs once per enterprise.
func latest(w *where, day, cmp, edge string) string {
	const cols = `e.uscc, e.town_code, e.size_class, e.employees`
	after := `NOT (x.date ` + cmp + ` ` + day + `)`
	var d, notInD, fromD string
	if edge != "" {
		d = `d AS MATERIALIZED (SELECT p.enterprise_uscc, p.date, p.status, p.capacity_pct, p.on_post_pct, p.upstream, p.downstream
			FROM production_days p WHERE p.date = ` + edge + `), `
		notInD = ` AND NOT EXISTS (SELECT 1 FROM d WHERE d.enterprise_uscc = e.uscc)`
		fromD = `
			UNION ALL
			SELECT ` + cols + `, d.date, d.status, d.capacity_pct, d.on_post_pct, d.upstream, d.downstream
			FROM enterprises e JOIN production_latest x ON x.enterprise_uscc = e.uscc JOIN d ON d.enterprise_uscc = e.uscc` + w.and(after)
	}
	return `WITH ` + d + `o AS MATERIALIZED (SELECT ` + cols + `,
			(SELECT max(q.date) FROM production_days q WHERE q.enterprise_uscc = e.uscc AND q.date ` + cmp + ` ` + day + `) AS last
			FROM enterprises e JOIN production_latest x ON x.enterprise_uscc = e.uscc` + w.and(after+notInD) + `),
		l AS MATERIALIZED (SELECT ` + cols + `, x.date AS last, x.status, x.capacity_pct, x.on_post_pct, x.upstream, x.downstream
			FROM enterprises e LEFT JOIN production_latest x ON x.enterprise_uscc = e.uscc` + w.and(`(x.date IS NULL OR x.date `+cmp+` `+day+`)`) +
		fromD + `
			UNION ALL
			SELECT o.uscc, o.town_code, o.size_class, o.employees, p.date, p.status, p.capacity_pct, p.on_post_pct, p.upstream, p.downstream
			FROM o LEFT JOIN production_days p ON p.enterprise_uscc = o.uscc AND p.date = o.last) `
}

// edgeOf is the edge latest takes for a status on date: the day itself
// when some firm has reported since (a past day), else none, as every firm
// then takes its latest report.
func (db *DB) edgeOf(ctx context.Context, day, date string) (string, error) {
	// max() reads one end of the date index on both engines, where a
	// parameterised EXISTS could be planned as a scan on PostgreSQL.
	var last string
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(date), '') FROM production_days`).Scan(&last); err != nil || last <= date {
		return "", err
	}
	return day, nil
}

// ProductionSummary adds up the active enterprises in scope by town, size class and
// status on a day, in one query.
func (db *DB) ProductionSummary(ctx context.Context, a fugong.Actor, date string) ([]production.Cell, error) {
	w := &where{}
	day := w.next(date)
	w.add("e.status = 'active'")
	w.enterpriseScope(a)
	edge, err := db.edgeOf(ctx, day, date)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, latest(w, day, "<=", edge)+`SELECT l.town_code, l.size_class, coalesce(l.status, 'closed'), count(*),
		coalesce(sum(CASE WHEN l.last = `+day+` THEN 1 ELSE 0 END), 0), coalesce(sum(l.employees), 0),
		coalesce(sum(l.capacity_pct), 0), coalesce(sum(l.capacity_pct * l.employees), 0),
		coalesce(sum((l.on_post_pct * l.employees + 50) / 100), 0)
		FROM l GROUP BY l.town_code, l.size_class, coalesce(l.status, 'closed')`, w.args...)
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
		out = append(out, c)
	}
	return out, rows.Err()
}

// walkTrend adds up the active enterprises in scope by size class and
// status (and town, if perTown) for every day of [from, to], in two
// queries: each enterprise's status before from, then every report of the
// period in date order, which moves its enterprise from one sum to another
// as the days are walked. It reads every report of the period: the rollup
// (rollup.go) spares whole towns that walk.
func (db *DB) walkTrend(ctx context.Context, a fugong.Actor, from, to string, perTown bool) ([]production.DayCells, error) {
	type firm struct {
		town      string
		size      string
		employees int
		status    string
		capacity  int
		onPost    int
	}
	type key struct{ town, size, status string }
	sums := map[key]*production.Cell{}
	var keys []key // in the order first met; sorted per snapshot
	cell := func(f *firm) *production.Cell {
		k := key{size: f.size, status: f.status}
		if perTown {
			k.town = f.town
		}
		c := sums[k]
		if c == nil {
			c = &production.Cell{Town: k.town, SizeClass: f.size, Status: f.status}
			sums[k] = c
			keys = append(keys, k)
		}
		return c
	}
	count := func(f *firm, sign int) {
		c := cell(f)
		c.Enterprises += sign
		c.Employees += sign * f.employees
		c.Capacity += int64(sign * f.capacity)
		c.CapacityW += int64(sign * f.capacity * f.employees)
		c.OnPost += sign * production.StaffOnPost(f.onPost, f.employees)
	}

	// The period's days, as the dates the rows carry.
	days, err := daysOf(ctx, from, to)
	if err != nil {
		return nil, err
	}
	start, err := time.ParseInLocation(time.DateOnly, from, fugong.Location)
	if err != nil {
		return nil, err
	}
	w := &where{}
	day, edge := w.next(from), w.next(start.AddDate(0, 0, -1).Format(time.DateOnly))
	w.add("e.status = 'active'")
	w.enterpriseScope(a)
	rows, err := db.r.QueryContext(ctx, latest(w, day, "<", edge)+`SELECT l.uscc, l.town_code, l.size_class, l.employees, coalesce(l.status, 'closed'),
		coalesce(l.capacity_pct, 0), coalesce(l.on_post_pct, 0) FROM l`, w.args...)
	if err != nil {
		return nil, err
	}
	firms := map[string]*firm{}
	for rows.Next() {
		var uscc string
		f := &firm{}
		if err := rows.Scan(&uscc, &f.town, &f.size, &f.employees, &f.status, &f.capacity, &f.onPost); err != nil {
			rows.Close()
			return nil, err
		}
		firms[uscc] = f
		count(f, 1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// The period's days in date order, from the covering index alone. The
	// firms counted are those of the first query: for the city, the rows of
	// others are skipped below rather than joined away one by one; a
	// narrower scope names its firms.
	w = &where{}
	w.add("p.date >= ?", from)
	w.add("p.date <= ?", to)
	if !a.CityWide() {
		scope := &where{args: w.args}
		scope.add("e.status = 'active'")
		scope.enterpriseScope(a)
		w.args = scope.args
		w.conds = append(w.conds, "p.enterprise_uscc IN (SELECT e.uscc FROM enterprises e"+scope.String()+")")
	}
	rows, err = db.r.QueryContext(ctx, `SELECT p.enterprise_uscc, p.date, p.status, p.capacity_pct, p.on_post_pct
		FROM production_days p`+w.String()+` ORDER BY p.date`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []production.DayCells
	reported := map[key]int{}
	sizeOrder := map[string]int{"above": 0, "below": 1}
	statusOrder := map[string]int{}
	for i, st := range production.Statuses {
		statusOrder[st] = i
	}
	snapshot := func(date string) {
		dc := production.DayCells{Date: date}
		slices.SortFunc(keys, func(x, y key) int {
			return cmp.Or(strings.Compare(x.town, y.town), sizeOrder[x.size]-sizeOrder[y.size], statusOrder[x.status]-statusOrder[y.status])
		})
		for _, k := range keys {
			if c := sums[k]; c.Enterprises > 0 {
				one := *c
				one.Reported = reported[k]
				dc.Cells = append(dc.Cells, one)
			}
		}
		out = append(out, dc)
		clear(reported)
	}
	next := 0 // the index in days of the next day to snapshot
	flushBefore := func(date string) error {
		for ; next < len(days) && days[next] < date; next++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			snapshot(days[next])
		}
		return nil
	}
	for rows.Next() {
		var uscc, date string
		var n firm
		if err := rows.Scan(&uscc, &date, &n.status, &n.capacity, &n.onPost); err != nil {
			return nil, err
		}
		if err := flushBefore(date); err != nil {
			return nil, err
		}
		f := firms[uscc]
		if f == nil {
			continue // activated after the first query: counted from the next trend
		}
		count(f, -1)
		f.status, f.capacity, f.onPost = n.status, n.capacity, n.onPost
		count(f, 1)
		k := key{size: f.size, status: f.status}
		if perTown {
			k.town = f.town
		}
		reported[k]++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := flushBefore("~"); err != nil { // past the last day
		return nil, err
	}
	return out, nil
}

// ProductionEnterprises returns a page of the active enterprises in scope with their
// status on the filter's day (all of them when f.Page is 0), in the towns'
// order.
func (db *DB) ProductionEnterprises(ctx context.Context, a fugong.Actor, f production.Filter) ([]production.EnterpriseDay, int, error) {
	w := &where{}
	day := w.next(f.Date)
	w.add("e.status = 'active'")
	w.enterpriseScope(a)
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	if f.SizeClass != "" {
		w.add("e.size_class = ?", f.SizeClass)
	}
	edge, err := db.edgeOf(ctx, day, f.Date)
	if err != nil {
		return nil, 0, err
	}
	cte := latest(w, day, "<=", edge)
	var status string
	switch f.Status {
	case "":
	case "working":
		status = ` WHERE l.status IN ('resumed', 'full')`
	default:
		status = ` WHERE coalesce(l.status, 'closed') = ` + w.next(f.Status)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, cte+`SELECT count(*) FROM l`+status, w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := cte + `SELECT e.uscc, e.name, e.town_code, t.name, e.size_class, e.industry, e.contact_phone, e.employees,
		coalesce(l.status, 'closed'), coalesce(l.capacity_pct, 0), coalesce(l.on_post_pct, 0), coalesce(l.upstream, ''),
		coalesce(l.downstream, ''), coalesce(l.last, ''), ess.enterprise_uscc IS NOT NULL
		FROM l JOIN enterprises e ON e.uscc = l.uscc JOIN towns t ON t.code = e.town_code
		LEFT JOIN essential_enterprises ess ON ess.enterprise_uscc = e.uscc` + status + ` ORDER BY t.sort, e.name, e.uscc`
	if f.Page > 0 {
		q += ` LIMIT ` + w.next(f.PerPage) + ` OFFSET ` + w.next(offset(f.Page, f.PerPage))
	}
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []production.EnterpriseDay{}
	for rows.Next() {
		var r production.EnterpriseDay
		if err := rows.Scan(&r.USCC, &r.Name, &r.Town, &r.TownName, &r.SizeClass, &r.Industry, &r.ContactPhone, &r.Employees,
			&r.Status, &r.CapacityPct, &r.OnPostPct, &r.Upstream, &r.Downstream, &r.AsOf, &r.Essential); err != nil {
			return nil, 0, err
		}
		r.StaffOnPost = production.StaffOnPost(r.OnPostPct, r.Employees)
		out = append(out, r)
	}
	return out, total, rows.Err()
}
