package store

import (
	"context"
	"errors"
	"slices"
	"strings"

	"fugong/daily"
)

// A batch's submissions are first stored together: their keys and latest
// reports read in one statement each, their versions, reports and keys
// written in one multi-row statement each (manyRows), so
// a batch costs a handful of statements, not eight per submission, and on
// PostgreSQL a handful of round trips. What that way cannot take (a key
// already used, a report or key twice in the batch, a statement refused,
// as when another instance stored the same report meanwhile) sends the
// whole batch again the careful way, one submission per savepoint
// (submitEach), in a new transaction.

var errOneByOne = errors.New("store: the batch goes one submission at a time")

// figureTypes are the types of a version's columns from uscc to note.
var figureTypes = slices.Concat([]string{"TEXT", "TEXT"}, slices.Repeat([]string{"INTEGER"}, 11), []string{"BOOLEAN", "TEXT"})

var (
	qVersionsMany = newManyRows(slices.Concat(figureTypes, []string{"TIMESTAMPTZ", "TEXT"}), func(rows string) string {
		return `INSERT INTO daily_report_versions (` + versionCols + `) ` + rows
	})
	qReportsMany = newManyRows(slices.Concat(figureTypes, []string{"TIMESTAMPTZ", "TIMESTAMPTZ", "TEXT", "BOOLEAN", "TEXT", "BOOLEAN"}), func(rows string) string {
		return `INSERT INTO daily_reports (` + upsertReportCols + `) ` + rows + onReportConflict
	})
	qKeysMany = newManyRows([]string{"BIGINT", "TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "BOOLEAN", "TIMESTAMPTZ"}, func(rows string) string {
		return `INSERT INTO idempotency_keys (` + keyCols + `) ` + rows
	})
	// qKeysFound counts which of the keys (user, key) are taken.
	qKeysFound = newManyRows([]string{"BIGINT", "TEXT"}, func(rows string) string {
		return `SELECT count(*) FROM (` + rows + `) v
			JOIN idempotency_keys k ON k.user_id = v.column1 AND k.key = v.column2`
	})
	// qSignedMany reads the sign-offs of (town, date) pairs.
	qSignedMany = newManyRows([]string{"TEXT", "TEXT"}, func(rows string) string {
		return `SELECT s.town_code, s.date, s.signed, s.signed_at FROM (` + rows + `) v
			JOIN town_signoffs s ON s.town_code = v.column1 AND s.date = v.column2`
	})
	// qLatestMany reads the latest reports of (uscc, date) pairs.
	qLatestMany = newManyRows([]string{"TEXT", "TEXT"}, func(rows string) string {
		return `SELECT ` + prefixCols("r", reportCols) + ` FROM (` + rows + `) v
			JOIN daily_reports r ON r.uscc = v.column1 AND r.date = v.column2`
	})
)

// prefixCols prefixes each of a list of columns with a table's alias.
func prefixCols(alias, cols string) string {
	fs := strings.Split(cols, ",")
	for i, f := range fs {
		fs[i] = alias + "." + strings.TrimSpace(f)
	}
	return strings.Join(fs, ", ")
}

type reportKey struct{ uscc, date string }

// submitAll stores a batch together, or returns errOneByOne (or the
// statement's error) having stored nothing that the transaction keeps.
// A submission refused on its own (its request gone, its day signed) gets
// its error and is left out.
func (tx *Tx) submitAll(ctx context.Context, batch []*pending) error {
	type userKey struct {
		user int64
		key  string
	}
	live := make([]*pending, 0, len(batch))
	reports := map[reportKey]bool{}
	keys := map[userKey]bool{}
	var keyed []*pending
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			continue
		}
		rk := reportKey{p.s.USCC, p.s.Date}
		if reports[rk] {
			return errOneByOne
		}
		reports[rk] = true
		if p.s.Key != "" {
			uk := userKey{p.a.UserID, p.s.Key}
			if keys[uk] {
				return errOneByOne
			}
			keys[uk] = true
			keyed = append(keyed, p)
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return nil
	}
	// The reads go together (one round trip on PostgreSQL), then the
	// batch is decided in Go, then the writes.
	taken := 0
	if err := qKeysFound.run(tx.db.dialect(), len(keyed), func(i int, args []any) []any {
		return append(args, keyed[i].a.UserID, keyed[i].s.Key)
	}, func(q string, args []any) error {
		return tx.later(ctx, q, args, func(rows rowsReader) error {
			for rows.Next() {
				var n int
				if err := rows.Scan(&n); err != nil {
					return err
				}
				taken += n
			}
			return nil
		})
	}); err != nil {
		return err
	}
	latest := make(map[reportKey]daily.Report, len(live))
	if err := tx.latestReports(ctx, live, latest); err != nil {
		return err
	}
	signoffs := map[dayTown]daily.SignOff{}
	if err := tx.signOffs(ctx, live, signoffs); err != nil {
		return err
	}
	if err := tx.flush(ctx); err != nil {
		return err
	}
	if taken > 0 {
		return errOneByOne // a replay or a key's conflict
	}
	stored := make([]*pending, 0, len(live))
	for _, p := range live {
		signed, ok := signoffs[dayTown{p.s.Date, p.s.Town}]
		if !ok {
			signed = daily.SignOff{Date: p.s.Date}
		}
		old, had := latest[reportKey{p.s.USCC, p.s.Date}]
		r, err := nextVersion(tx.now, p.a, p.s, old, !had, signed)
		if err != nil {
			p.err = err
			continue
		}
		if err := tx.auditReport(p.a, p.s.Town, r, old, !had); err != nil {
			return err
		}
		p.res = daily.Result{Report: r, Created: !had}
		stored = append(stored, p)
	}
	return tx.writeAll(ctx, stored)
}

// signOffs reads into out the sign-offs of the submissions' days and
// towns, where there are some (through later: by flush's end).
func (tx *Tx) signOffs(ctx context.Context, ps []*pending, out map[dayTown]daily.SignOff) error {
	var keys []dayTown
	seen := map[dayTown]bool{}
	for _, p := range ps {
		if k := (dayTown{p.s.Date, p.s.Town}); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return qSignedMany.run(tx.db.dialect(), len(keys), func(i int, args []any) []any {
		return append(args, keys[i].town, keys[i].date)
	}, func(q string, args []any) error {
		return tx.later(ctx, q, args, func(rows rowsReader) error {
			for rows.Next() {
				var k dayTown
				var o daily.SignOff
				if err := rows.Scan(&k.town, &k.date, &o.Signed, &o.SignedAt); err != nil {
					return err
				}
				o.Date = k.date
				out[k] = o
			}
			return nil
		})
	})
}

// latestReports reads into out the latest report of each submission's
// day, where there is one (through later: by flush's end).
func (tx *Tx) latestReports(ctx context.Context, ps []*pending, out map[reportKey]daily.Report) error {
	return qLatestMany.run(tx.db.dialect(), len(ps), func(i int, args []any) []any {
		return append(args, ps[i].s.USCC, ps[i].s.Date)
	}, func(q string, args []any) error {
		return tx.later(ctx, q, args, func(rows rowsReader) error {
			for rows.Next() {
				r, err := scanReport(rows)
				if err != nil {
					return err
				}
				out[reportKey{r.USCC, r.Date}] = r
			}
			return nil
		})
	})
}

// writeAll writes the stored submissions' versions, latest reports and
// keys, a few statements for all.
func (tx *Tx) writeAll(ctx context.Context, ps []*pending) error {
	rows := func(m manyRows, ps []*pending, row func(p *pending, args []any) []any) error {
		return m.run(tx.db.dialect(), len(ps), func(i int, args []any) []any { return row(ps[i], args) }, tx.execer(ctx))
	}
	figures := func(args []any, r *daily.Report) []any {
		f := &r.Figures
		return append(args, r.USCC, r.Date, r.Version, f.StaffTotal, f.StaffInCity, f.ReturnedToday, f.PersuadedToday,
			f.TicketsRefundedToday, f.HubeiStaff, f.HubeiContactedToday, f.Quarantined, f.Fever, f.OnDuty,
			f.CommitmentSigned, f.Note)
	}
	if err := rows(qVersionsMany, ps, func(p *pending, args []any) []any {
		r := &p.res.Report
		return append(figures(args, r), r.SubmittedAt, r.SubmittedBy)
	}); err != nil {
		return err
	}
	if err := rows(qReportsMany, ps, func(p *pending, args []any) []any {
		r := &p.res.Report
		return append(figures(args, r), r.FirstAt, r.SubmittedAt, r.SubmittedBy, r.OnTime, p.s.Town, r.AfterSignOff)
	}); err != nil {
		return err
	}
	var keyed []*pending
	for _, p := range ps {
		if p.s.Key != "" {
			keyed = append(keyed, p)
		}
	}
	return rows(qKeysMany, keyed, func(p *pending, args []any) []any {
		r := &p.res.Report
		return append(args, p.a.UserID, p.s.Key, p.s.Hash, r.USCC, r.Date, r.Version, p.res.Created, tx.now)
	})
}

// submitEach stores a batch one submission at a time, each in a savepoint
// so that a refused one leaves the others whole; a submission that
// collides with another instance's write is tried again after it.
func (tx *Tx) submitEach(batch []*pending) error {
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			continue
		}
		if _, err := tx.Exec(qSavepoint); err != nil {
			return err
		}
		ctx := context.WithoutCancel(p.ctx)
		// This submission's counter changes and audit rows start here.
		mark, auditMark := len(tx.counts), len(tx.audits)
		p.res, p.err = tx.submit(ctx, p.a, p.s)
		for try := 0; try < 3 && p.err != nil && (isUnique(p.err) || isDeadlock(p.err)); try++ {
			// Another instance stored the same report or key meanwhile,
			// or crossed our locks: after its commit this one becomes a
			// correction (or a replay, or the key's conflict).
			if _, err := tx.Exec(qRollbackTo); err != nil {
				return err
			}
			tx.counts, tx.audits = tx.counts[:mark], tx.audits[:auditMark]
			p.res, p.err = tx.submit(ctx, p.a, p.s)
		}
		if p.err != nil {
			if _, err := tx.Exec(qRollbackTo); err != nil {
				if _, ok := Unavailable(p.err); ok {
					// The engine gave the whole transaction up (SQLite
					// does on a full disk): the batch fails as this
					// submission did, not as a lost savepoint.
					return p.err
				}
				return err
			}
			tx.counts, tx.audits = tx.counts[:mark], tx.audits[:auditMark]
		}
		if _, err := tx.Exec(qRelease); err != nil {
			return err
		}
	}
	return nil
}
