package store

import (
	"context"
	"time"

	"fugong/production"
)

var (
	essentialBulkCols = []string{"enterprise_uscc", "reason", "set_by", "set_at"}
	appBulkCols       = []string{"enterprise_uscc", "planned_date", "staff_expected", "note", "status", "submitted_by",
		"submitted_at", "decided_by", "decided_at", "return_reason"}
	dayBulkCols = []string{"enterprise_uscc", "date", "status", "capacity_pct", "on_post_pct", "upstream", "downstream",
		"note", "updated_by", "updated_at"}
)

// LoadProduction inserts generated production data in one transaction: the
// essential list, applications (without plans) and first versions of days,
// with each enterprise's latest day, and recounts the production rollup.
// Like the other bulk loads it validates nothing and audits nothing, so it
// is for generated data only (the demo city, the benchmarks); the
// enterprises must be stored, and the rows must not exist yet.
func (db *DB) LoadProduction(ctx context.Context, essential []production.Essential, apps []production.Application, days []production.Day) (err error) {
	utc := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	defer func() {
		if err == nil {
			err = db.RecountRollup(ctx)
		}
	}()
	return db.bulk(ctx, func(w bulkWriter) error {
		row := make([]any, len(essentialBulkCols))
		if err := w.rows("essential_enterprises", essentialBulkCols, len(essential), func(i int) []any {
			x := &essential[i]
			row[0], row[1], row[2], row[3] = x.USCC, x.Reason, x.SetBy, utc(x.SetAt)
			return row
		}); err != nil {
			return err
		}
		arow := make([]any, len(appBulkCols))
		if err := w.rows("resumption_applications", appBulkCols, len(apps), func(i int) []any {
			a := &apps[i]
			var decided any
			if a.DecidedAt != nil {
				decided = utc(*a.DecidedAt)
			}
			arow[0], arow[1], arow[2], arow[3], arow[4] = a.USCC, a.PlannedDate, a.StaffExpected, a.Note, a.Status
			arow[5], arow[6], arow[7], arow[8], arow[9] = a.SubmittedBy, utc(a.SubmittedAt), a.DecidedBy, decided, a.ReturnReason
			return arow
		}); err != nil {
			return err
		}
		drow := make([]any, len(dayBulkCols))
		if err := w.rows("production_days", dayBulkCols, len(days), func(i int) []any {
			d := &days[i]
			drow[0], drow[1], drow[2], drow[3], drow[4] = d.USCC, d.Date, d.Status, d.CapacityPct, d.OnPostPct
			drow[5], drow[6], drow[7], drow[8], drow[9] = d.Upstream, d.Downstream, d.Note, d.UpdatedBy, utc(d.UpdatedAt)
			return drow
		}); err != nil {
			return err
		}
		return w.exec(`INSERT INTO production_latest (enterprise_uscc, date, status, capacity_pct, on_post_pct, upstream, downstream)
			SELECT p.enterprise_uscc, p.date, p.status, p.capacity_pct, p.on_post_pct, p.upstream, p.downstream FROM production_days p
			WHERE p.date = (SELECT max(q.date) FROM production_days q WHERE q.enterprise_uscc = p.enterprise_uscc)`)
	})
}
