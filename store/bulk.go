package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"fugong/daily"
	"fugong/registry"
)

// Bulk loading is for generated data only: the demo city's history and the
// load tool's million enterprises. It skips what the services do for real
// input (validation, scope, audit rows, idempotency keys), so never feed it
// what a user typed.

// bulkWriter appends rows to tables inside one transaction: COPY on
// PostgreSQL (copyBulk), prepared multi-row INSERTs on SQLite (insertBulk).
type bulkWriter interface {
	// rows appends n rows, row(i) giving the values of row i in cols' order.
	rows(table string, cols []string, n int, row func(i int) []any) error
	exec(query string, args ...any) error
	// sequencePast moves the sequence of table's id column past id, after
	// rows were given their ids.
	sequencePast(table string, id int64) error
	// queryRow runs a query of one row (an INSERT … RETURNING) into dest.
	queryRow(query string, args []any, dest ...any) error
}

// bulkTx runs fn in one transaction on conn (see dialect.bulkTx).
type bulkTx func(ctx context.Context, conn *sql.Conn, fn func(bulkWriter) error) error

// sessionSetting is a setting of a bulk load's session and how it is
// undone; an optional one the session may be refused.
//
// The input is generated, so its references are checked in Go (towns) or
// hold by construction (enterprises), and the foreign-key checks, a third to
// a half of the cost of loading, are skipped where a session may skip them:
// SQLite's foreign_keys pragma; PostgreSQL's replica role, which only a
// superuser may take (for others the checks stay).
type sessionSetting struct {
	set, reset string
	optional   bool
}

// bulk runs fn in one transaction on a connection of its own, set up for
// loading. The connection goes back to the pool as it was, or is discarded.
func (db *DB) bulk(ctx context.Context, fn func(w bulkWriter) error) error {
	return db.bulkWith(ctx, db.dialect().bulkSession, fn)
}

// bulkChecked is bulk with every check in force (and no session change):
// for what the service computed from stored data rather than generated
// data, such as an evaluation's results, which are audited by fn.
func (db *DB) bulkChecked(ctx context.Context, fn func(w bulkWriter) error) error {
	return db.bulkWith(ctx, nil, fn)
}

func (db *DB) bulkWith(ctx context.Context, session []sessionSetting, fn func(w bulkWriter) error) (err error) {
	defer func() { db.noteWrite(err) }()
	defer forgetGenerations(ctx)
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var undo []string
	defer func() {
		for _, q := range undo {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), q); rerr != nil {
				// Never hand a connection without its checks to the next user.
				conn.Raw(func(any) error { return driver.ErrBadConn })
				err = errors.Join(err, rerr)
				return
			}
		}
	}()
	for _, s := range session {
		if _, err := conn.ExecContext(ctx, s.set); err != nil {
			if s.optional {
				continue // not a superuser, say: the checks stay
			}
			return err
		}
		undo = append(undo, s.reset)
	}
	return db.dialect().bulkTx(ctx, conn, fn)
}

// copyBulk loads through PostgreSQL's COPY.
func copyBulk(ctx context.Context, conn *sql.Conn, fn func(bulkWriter) error) error {
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: bulk load needs a pgx connection, got %T", dc)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if err := fn(&copyWriter{ctx: ctx, tx: tx}); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// insertBulk loads through prepared multi-row INSERTs.
func insertBulk(ctx context.Context, conn *sql.Conn, fn func(bulkWriter) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	w := &insertWriter{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
	err = fn(w)
	for _, s := range w.stmts {
		s.Close()
	}
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

type copyWriter struct {
	ctx context.Context
	tx  pgx.Tx
}

func (w *copyWriter) rows(table string, cols []string, n int, row func(i int) []any) error {
	i := 0
	_, err := w.tx.CopyFrom(w.ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		i++
		return row(i - 1), nil
	}))
	return err
}

func (w *copyWriter) exec(query string, args ...any) error {
	_, err := w.tx.Exec(w.ctx, query, args...)
	return err
}

func (w *copyWriter) sequencePast(table string, id int64) error {
	return w.exec(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, table, id)
}

func (w *copyWriter) queryRow(query string, args []any, dest ...any) error {
	return w.tx.QueryRow(w.ctx, query, args...).Scan(dest...)
}

type insertWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

// maxBulkArgs keeps a multi-row INSERT well under SQLite's limit of 32,766
// bound values, at a size where preparing it once pays off.
const maxBulkArgs = 4000

func (w *insertWriter) stmt(table string, cols []string, rows int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d", table, rows)
	if s, ok := w.stmts[key]; ok {
		return s, nil
	}
	// Plain ? marks, not $n: the driver looks every $n up by name in a
	// list, which makes binding thousands of them quadratic.
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	row := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	s, err := w.tx.PrepareContext(w.ctx, b.String())
	if err == nil {
		w.stmts[key] = s
	}
	return s, err
}

func (w *insertWriter) rows(table string, cols []string, n int, row func(i int) []any) error {
	per := max(1, maxBulkArgs/len(cols))
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; start += per {
		k := min(per, n-start)
		s, err := w.stmt(table, cols, k)
		if err != nil {
			return err
		}
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = append(args, row(i)...)
		}
		if _, err := s.ExecContext(w.ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

func (w *insertWriter) exec(query string, args ...any) error {
	_, err := w.tx.ExecContext(w.ctx, query, args...)
	return err
}

// sequencePast has nothing to do: SQLite numbers a new row past the
// largest id in its table.
func (w *insertWriter) sequencePast(string, int64) error { return nil }

func (w *insertWriter) queryRow(query string, args []any, dest ...any) error {
	return w.tx.QueryRowContext(w.ctx, query, args...).Scan(dest...)
}

var enterpriseBulkCols = []string{"uscc", "name", "town_code", "address", "industry", "size_class", "legal_rep",
	"contact_phone", "employees", "land_mu", "mujun_class", "status", "created_at", "updated_at"}

// LoadEnterprises inserts generated enterprises in one transaction, fast and
// without audit rows: COPY on PostgreSQL, multi-row INSERTs on SQLite. It is
// for generated data only (the load tool's million enterprises); imports of
// real lists go through SaveEnterprises. Records must be normalised (town as
// its code); a missing CreatedAt is now, a missing UpdatedAt is CreatedAt.
func (db *DB) LoadEnterprises(ctx context.Context, es []registry.Enterprise) (err error) {
	for _, e := range es {
		if _, ok := registry.TownByCode(e.Town); !ok {
			return fmt.Errorf("store: LoadEnterprises: %s: %q is not a town code", e.USCC, e.Town)
		}
	}
	now := db.now()
	row := make([]any, len(enterpriseBulkCols))
	defer func() {
		if err == nil {
			err = errors.Join(db.recountActive(ctx), db.rollNewFirms(ctx, es))
		}
	}()
	return db.bulk(ctx, func(w bulkWriter) error {
		return w.rows("enterprises", enterpriseBulkCols, len(es), func(i int) []any {
			e := &es[i]
			created, updated := e.CreatedAt, e.UpdatedAt
			if created.IsZero() {
				created = now
			}
			if updated.IsZero() {
				updated = created
			}
			status := e.Status
			if status == "" {
				status = registry.StatusActive
			}
			var mujun any
			if e.MujunClass != nil {
				mujun = *e.MujunClass
			}
			row[0], row[1], row[2], row[3], row[4], row[5], row[6] = e.USCC, e.Name, e.Town, e.Address, e.Industry, e.SizeClass, e.LegalRep
			row[7], row[8], row[9], row[10], row[11] = e.ContactPhone, e.Employees, e.LandMu, mujun, status
			row[12], row[13] = created.UTC().Truncate(time.Microsecond), updated.UTC().Truncate(time.Microsecond)
			return row
		})
	})
}

var (
	versionBulkCols = []string{"uscc", "date", "version", "staff_total", "staff_in_city", "returned_today",
		"persuaded_today", "tickets_refunded_today", "hubei_staff", "hubei_contacted_today", "quarantined", "fever",
		"on_duty", "commitment_signed", "note", "submitted_at", "submitted_by"}
	reportBulkCols = append(versionBulkCols[:len(versionBulkCols):len(versionBulkCols)], "first_at", "on_time", "town_code")
)

// dayTown keys the counters.
type dayTown struct{ date, town string }

// LoadReports inserts generated first reports (version 1) in one
// transaction: each report's version row and latest row, and the per-town
// counters of each day, summed in Go and added to the stored ones with one
// upsert per day and town. town maps each report's USCC to its town code.
// The enterprises must be stored and their reports must not exist yet;
// nothing is audited and no idempotency key is kept. Rows go in as given: sorted by (USCC, date) they append to the
// indexes, which is much the fastest order on SQLite. For generated data
// only (the demo's history, the load tool); callers with millions of
// reports load them in chunks.
func (db *DB) LoadReports(ctx context.Context, reports []daily.Report, town map[string]string) error {
	counts := map[dayTown]*daily.Counts{}
	for i := range reports {
		r := &reports[i]
		t, ok := town[r.USCC]
		if !ok {
			return fmt.Errorf("store: LoadReports: no town for enterprise %s", r.USCC)
		}
		k := dayTown{r.Date, t}
		c := counts[k]
		if c == nil {
			c = &daily.Counts{}
			counts[k] = c
		}
		c.Received++
		if r.OnTime {
			c.OnTime++
		}
		f, s := r.Figures, &c.Totals
		s.StaffTotal += f.StaffTotal
		s.StaffInCity += f.StaffInCity
		s.Returned += f.ReturnedToday
		s.Persuaded += f.PersuadedToday
		s.Refunded += f.TicketsRefundedToday
		s.HubeiStaff += f.HubeiStaff
		s.HubeiContacted += f.HubeiContactedToday
		s.Quarantined += f.Quarantined
		s.Fever += f.Fever
		s.OnDuty += f.OnDuty
		if f.CommitmentSigned {
			s.LettersSigned++
		}
	}
	for k := range counts {
		if _, ok := registry.TownByCode(k.town); !ok {
			return fmt.Errorf("store: LoadReports: %q is not a town code", k.town)
		}
	}
	vrow := make([]any, len(versionBulkCols))
	rrow := make([]any, len(reportBulkCols))
	fill := func(row []any, r *daily.Report) {
		f := &r.Figures
		row[0], row[1], row[2] = r.USCC, r.Date, 1
		row[3], row[4], row[5], row[6], row[7] = f.StaffTotal, f.StaffInCity, f.ReturnedToday, f.PersuadedToday, f.TicketsRefundedToday
		row[8], row[9], row[10], row[11], row[12] = f.HubeiStaff, f.HubeiContactedToday, f.Quarantined, f.Fever, f.OnDuty
		row[13], row[14] = f.CommitmentSigned, f.Note
		row[15], row[16] = r.SubmittedAt.UTC().Truncate(time.Microsecond), r.SubmittedBy
	}
	return db.bulk(ctx, func(w bulkWriter) error {
		if err := w.rows("daily_report_versions", versionBulkCols, len(reports), func(i int) []any {
			fill(vrow, &reports[i])
			return vrow
		}); err != nil {
			return err
		}
		if err := w.rows("daily_reports", reportBulkCols, len(reports), func(i int) []any {
			r := &reports[i]
			fill(rrow, r)
			first := r.FirstAt
			if first.IsZero() {
				first = r.SubmittedAt
			}
			rrow[17], rrow[18], rrow[19] = first.UTC().Truncate(time.Microsecond), r.OnTime, town[r.USCC]
			return rrow
		}); err != nil {
			return err
		}
		for k, c := range counts {
			t := c.Totals
			if err := w.exec(qAddCounts,
				k.date, k.town, c.Received, c.OnTime, t.StaffTotal, t.StaffInCity, t.Returned, t.Persuaded, t.Refunded,
				t.HubeiStaff, t.HubeiContacted, t.Quarantined, t.Fever, t.OnDuty, t.LettersSigned); err != nil {
				return err
			}
		}
		return nil
	})
}

// ClearDay deletes every report of a day with its versions, counters,
// idempotency keys and sign-offs, so the load tool can submit that day again
// on a database it reuses. For generated data only: nothing is audited.
// PostgreSQL then vacuums the tables, as a real day starts without the dead
// rows of an earlier run: each run left some, and each later run on the
// database measured slower than the one before.
func (db *DB) ClearDay(ctx context.Context, date string) error {
	tables := []string{"daily_report_versions", "daily_reports", "daily_counts", "idempotency_keys", "town_signoffs"}
	err := db.bulk(ctx, func(w bulkWriter) error {
		for _, table := range tables {
			if err := w.exec(`DELETE FROM `+table+` WHERE date = $1`, date); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || db.dialect().vacuum == "" {
		return err
	}
	_, err = db.w.ExecContext(ctx, db.dialect().vacuum+" "+strings.Join(tables, ", "))
	return err
}

// Analyze refreshes PostgreSQL's planner statistics after a bulk load, as
// autovacuum would shortly after one. SQLite is left as the service runs
// it, without statistics.
func (db *DB) Analyze(ctx context.Context) error {
	q := db.dialect().analyze
	if q == "" {
		return nil
	}
	_, err := db.w.ExecContext(ctx, q)
	return err
}

// recountActive recounts the active enterprises per town after a bulk load
// that bypassed the per-record bookkeeping.
func (db *DB) recountActive(ctx context.Context) error {
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM town_enterprise_counts`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO town_enterprise_counts (town_code, active)
			SELECT town_code, count(*) FROM enterprises WHERE status = 'active' GROUP BY town_code`)
		return err
	})
}
