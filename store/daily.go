package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/daily"
)

const figureCols = `staff_total, staff_in_city, returned_today, persuaded_today, tickets_refunded_today,
	hubei_staff, hubei_contacted_today, quarantined, fever, on_duty, commitment_signed, note`

func figureArgs(f daily.Figures) []any {
	return []any{f.StaffTotal, f.StaffInCity, f.ReturnedToday, f.PersuadedToday, f.TicketsRefundedToday,
		f.HubeiStaff, f.HubeiContactedToday, f.Quarantined, f.Fever, f.OnDuty, f.CommitmentSigned, f.Note}
}

func figureDest(f *daily.Figures) []any {
	return []any{&f.StaffTotal, &f.StaffInCity, &f.ReturnedToday, &f.PersuadedToday, &f.TicketsRefundedToday,
		&f.HubeiStaff, &f.HubeiContactedToday, &f.Quarantined, &f.Fever, &f.OnDuty, &f.CommitmentSigned, &f.Note}
}

// placeholders returns "$from, $from+1, …" for n values.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

const reportCols = `uscc, date, version, ` + figureCols + `, first_at, submitted_at, submitted_by, on_time, after_signoff`

func scanReport(s scanner) (daily.Report, error) {
	var r daily.Report
	dest := append([]any{&r.USCC, &r.Date, &r.Version}, figureDest(&r.Figures)...)
	dest = append(dest, &r.FirstAt, &r.SubmittedAt, &r.SubmittedBy, &r.OnTime, &r.AfterSignOff)
	return r, s.Scan(dest...)
}

// Submit stores a report through the group committer: concurrent submissions
// share one transaction (and one fsync), each inside its own savepoint so a
// refused one leaves the others whole. It returns once the transaction has
// committed.
func (db *DB) Submit(ctx context.Context, a fugong.Actor, s daily.Submission) (daily.Result, error) {
	return db.committer(s.USCC).submit(ctx, a, s)
}

// submit stores one submission inside tx.
func (tx *Tx) submit(ctx context.Context, a fugong.Actor, s daily.Submission) (daily.Result, error) {
	if s.Key != "" {
		var hash string
		var version int
		var created bool
		err := tx.QueryRowContext(ctx, qKeyLookup,
			a.UserID, s.Key).Scan(&hash, &version, &created)
		switch {
		case err == nil && hash != s.Hash:
			return daily.Result{}, fugong.Errorf(fugong.EConflict, "Idempotency-Key", "该 Idempotency-Key 已用于另一份内容不同的日报")
		case err == nil:
			r, err := tx.reportVersion(ctx, s.USCC, s.Date, version)
			return daily.Result{Report: r, Created: created}, err
		case !errors.Is(err, sql.ErrNoRows):
			return daily.Result{}, err
		}
	}
	// The committer holds the town's row (groupCommitter.commit): no
	// report commits into a day being signed.
	signed := daily.SignOff{Date: s.Date}
	err := tx.QueryRowContext(ctx, qSignedLookup, s.Town, s.Date).Scan(&signed.Signed, &signed.SignedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return daily.Result{}, err
	}
	old, err := scanReport(tx.QueryRowContext(ctx, qLatestReport, s.USCC, s.Date))
	created := errors.Is(err, sql.ErrNoRows)
	if err != nil && !created {
		return daily.Result{}, err
	}
	r, err := nextVersion(tx.now, a, s, old, created, signed)
	if err != nil {
		return daily.Result{}, err
	}
	args := append([]any{r.USCC, r.Date, r.Version}, figureArgs(r.Figures)...)
	if _, err := tx.ExecContext(ctx, qInsertVersion, append(args, r.SubmittedAt, r.SubmittedBy)...); err != nil {
		return daily.Result{}, err
	}
	if _, err := tx.ExecContext(ctx, qUpsertReport, append(args, r.FirstAt, r.SubmittedAt, r.SubmittedBy, r.OnTime, s.Town, r.AfterSignOff)...); err != nil {
		return daily.Result{}, err
	}
	if s.Key != "" {
		if _, err := tx.ExecContext(ctx, qInsertKey, a.UserID, s.Key, s.Hash, r.USCC, r.Date, r.Version, created, tx.now); err != nil {
			return daily.Result{}, err
		}
	}
	if err := tx.auditReport(a, s.Town, r, old, created); err != nil {
		return daily.Result{}, err
	}
	return daily.Result{Report: r, Created: created}, nil
}

// nextVersion is the version a submission makes of the day's report, old
// (created: there was none), on the day's sign-off: a signed day takes
// late reports, what was in at the sign-off is frozen.
func nextVersion(now time.Time, a fugong.Actor, s daily.Submission, old daily.Report, created bool, signed daily.SignOff) (daily.Report, error) {
	prev := &old
	if created {
		prev = nil
	}
	after, err := daily.CheckSigned(signed, prev)
	if err != nil {
		return daily.Report{}, err
	}
	r := daily.Report{USCC: s.USCC, Date: s.Date, Figures: s.Figures, Version: old.Version + 1,
		SubmittedAt: now, SubmittedBy: a.Username, FirstAt: old.FirstAt, AfterSignOff: after, OnTime: old.OnTime}
	if created {
		r.FirstAt = now
		r.OnTime = s.OnTime(r.FirstAt)
	}
	return r, nil
}

// auditReport keeps the audit row of a stored version r of old, with the
// transaction's others, and the version's change to the town's counters.
func (tx *Tx) auditReport(a fugong.Actor, town string, r, old daily.Report, created bool) error {
	tx.count(town, r.Date, created, r, old)
	action, before := "create", any(nil)
	if !created {
		action, before = "update", old.Figures
	}
	return tx.auditLater(a, action, "daily_report", r.USCC+"/"+r.Date, before, r.Figures)
}

// count adds a report to its town's counters for the day: a new report once,
// a correction by the difference from the version it replaces. The change is
// kept in the transaction and written with the batch (writeCounts).
func (tx *Tx) count(town, date string, created bool, r, old daily.Report) {
	received, onTime := 0, 0
	if created {
		received = 1
		if r.OnTime {
			onTime = 1
		}
	}
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	n, o := r.Figures, old.Figures
	tx.counts = append(tx.counts, countChange{dayTown{date, town}, [13]int{received, onTime, n.StaffTotal - o.StaffTotal, n.StaffInCity - o.StaffInCity,
		n.ReturnedToday - o.ReturnedToday, n.PersuadedToday - o.PersuadedToday, n.TicketsRefundedToday - o.TicketsRefundedToday,
		n.HubeiStaff - o.HubeiStaff, n.HubeiContactedToday - o.HubeiContactedToday, n.Quarantined - o.Quarantined,
		n.Fever - o.Fever, n.OnDuty - o.OnDuty, b2i(n.CommitmentSigned) - b2i(o.CommitmentSigned)}})
}

// reportVersion reads one stored version with the day's first time and
// on-time flag.
func (tx *Tx) reportVersion(ctx context.Context, uscc, date string, version int) (daily.Report, error) {
	return scanVersion(tx.QueryRowContext(ctx, versionQuery+` AND v.version = $3`, uscc, date, version))
}

const versionQuery = `SELECT v.uscc, v.date, v.version, ` + prefixedFigureCols + `, r.first_at, v.submitted_at, v.submitted_by, r.on_time, r.after_signoff
	FROM daily_report_versions v JOIN daily_reports r ON r.uscc = v.uscc AND r.date = v.date
	WHERE v.uscc = $1 AND v.date = $2`

const prefixedFigureCols = `v.staff_total, v.staff_in_city, v.returned_today, v.persuaded_today, v.tickets_refunded_today,
	v.hubei_staff, v.hubei_contacted_today, v.quarantined, v.fever, v.on_duty, v.commitment_signed, v.note`

func scanVersion(s scanner) (daily.Report, error) {
	r, err := scanReport(s)
	return r, notFound(err, "日报")
}

// Report returns the latest version of a day's report with its cumulative
// figures since the first report.
func (db *DB) Report(ctx context.Context, uscc, date string) (daily.Report, error) {
	r, err := scanReport(db.r.QueryRowContext(ctx, `SELECT `+reportCols+` FROM daily_reports WHERE uscc = $1 AND date = $2`, uscc, date))
	if err != nil {
		return r, notFound(err, "日报")
	}
	err = db.r.QueryRowContext(ctx, `SELECT coalesce(sum(returned_today), 0), coalesce(sum(persuaded_today), 0),
		coalesce(sum(tickets_refunded_today), 0) FROM daily_reports WHERE uscc = $1 AND date <= $2`, uscc, date).
		Scan(&r.ReturnedTotal, &r.PersuadedTotal, &r.RefundedTotal)
	return r, err
}

// Versions returns every version of a day's report, oldest first.
func (db *DB) Versions(ctx context.Context, uscc, date string) ([]daily.Report, error) {
	rows, err := db.r.QueryContext(ctx, versionQuery+` ORDER BY v.version`, uscc, date)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []daily.Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LastReport returns the latest report of an enterprise before a day (the
// form is prefilled from it).
func (db *DB) LastReport(ctx context.Context, uscc, before string) (daily.Report, error) {
	r, err := scanReport(db.r.QueryRowContext(ctx, `SELECT `+reportCols+` FROM daily_reports
		WHERE uscc = $1 AND date < $2 ORDER BY date DESC LIMIT 1`, uscc, before))
	return r, notFound(err, "日报")
}

// Setting returns a stored setting, ok false when it was never set (the
// module's default applies). Settings are cached under the 'settings'
// generation (generations.go): a report submission reads the deadline.
func (db *DB) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	gens, err := db.generations(ctx)
	if err != nil {
		return "", false, err
	}
	gen := gens[genSettings]
	if s, hit := db.settings.get(key, gen); hit {
		return s.value, s.ok, nil
	}
	err = db.readRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	} else {
		ok = err == nil
	}
	if err != nil {
		return "", false, err
	}
	db.settings.put(key, gen, cachedSetting{value, ok})
	return value, ok, nil
}

type cachedSetting struct {
	value string
	ok    bool
}

// maxCachedSettings bounds the settings cache; there are a few dozen keys.
const maxCachedSettings = 1000

// UpdateSetting replaces a setting with what next makes of its current
// value (ok false when never set), in one transaction: two changes of
// different parts of one setting both take effect. An error from next
// stores nothing.
func (db *DB) UpdateSetting(ctx context.Context, a fugong.Actor, key string, next func(value string, ok bool) (string, error)) error {
	return db.write(ctx, func(tx *Tx) error {
		// Before its first write there is no row to lock: a lock on the
		// key serialises the updates of one setting across instances.
		if err := tx.lockName(ctx, "setting:"+key); err != nil {
			return err
		}
		var before sql.NullString
		if err := tx.QueryRow(`SELECT value FROM settings WHERE key = $1`, key).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		value, err := next(before.String, before.Valid)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
			return err
		}
		var b any
		if before.Valid {
			b = before.String
		}
		return tx.audit(a, "update", "setting", key, b, value)
	})
}

// The statements of a submission, named so the committer can prepare them
// once (see DB.prepareSubmit).
const (
	qKeyLookup    = `SELECT hash, version, created FROM idempotency_keys WHERE user_id = $1 AND key = $2`
	qSignedLookup = `SELECT signed, signed_at FROM town_signoffs WHERE town_code = $1 AND date = $2`
	qLatestReport = `SELECT ` + reportCols + ` FROM daily_reports WHERE uscc = $1 AND date = $2`
)

var (
	qInsertVersion = `INSERT INTO daily_report_versions (` + versionCols + `) VALUES (` + placeholders(1, 17) + `)`
	qUpsertReport  = `INSERT INTO daily_reports (` + upsertReportCols + `) VALUES (` + placeholders(1, 21) + `)` + onReportConflict
	qInsertKey     = `INSERT INTO idempotency_keys (` + keyCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
)

const (
	versionCols      = `uscc, date, version, ` + figureCols + `, submitted_at, submitted_by`
	upsertReportCols = `uscc, date, version, ` + figureCols + `, first_at, submitted_at, submitted_by, on_time, town_code, after_signoff`
	keyCols          = `user_id, key, hash, uscc, date, version, created, at`
	onReportConflict = `
		ON CONFLICT (uscc, date) DO UPDATE SET version = excluded.version, staff_total = excluded.staff_total,
			staff_in_city = excluded.staff_in_city, returned_today = excluded.returned_today,
			persuaded_today = excluded.persuaded_today, tickets_refunded_today = excluded.tickets_refunded_today,
			hubei_staff = excluded.hubei_staff, hubei_contacted_today = excluded.hubei_contacted_today,
			quarantined = excluded.quarantined, fever = excluded.fever, on_duty = excluded.on_duty,
			commitment_signed = excluded.commitment_signed, note = excluded.note,
			submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by`
)

var (
	qAddCounts = `INSERT INTO daily_counts (date, town_code, ` + countCols + `) VALUES (` + placeholders(1, 15) + `)` + onCountConflict
	// qAddCountsMany adds to the counters of many days and towns at once.
	qAddCountsMany = newManyRows(append([]string{"TEXT", "TEXT"}, slices.Repeat([]string{"INTEGER"}, 13)...), func(rows string) string {
		return `INSERT INTO daily_counts (date, town_code, ` + countCols + `) ` + rows + onCountConflict
	})
)

const onCountConflict = `
		ON CONFLICT (date, town_code) DO UPDATE SET received = daily_counts.received + excluded.received,
			on_time = daily_counts.on_time + excluded.on_time,
			staff_total = daily_counts.staff_total + excluded.staff_total,
			staff_in_city = daily_counts.staff_in_city + excluded.staff_in_city,
			returned_today = daily_counts.returned_today + excluded.returned_today,
			persuaded_today = daily_counts.persuaded_today + excluded.persuaded_today,
			tickets_refunded_today = daily_counts.tickets_refunded_today + excluded.tickets_refunded_today,
			hubei_staff = daily_counts.hubei_staff + excluded.hubei_staff,
			hubei_contacted_today = daily_counts.hubei_contacted_today + excluded.hubei_contacted_today,
			quarantined = daily_counts.quarantined + excluded.quarantined,
			fever = daily_counts.fever + excluded.fever,
			on_duty = daily_counts.on_duty + excluded.on_duty,
			commitment_signed = daily_counts.commitment_signed + excluded.commitment_signed`

// countChange is one submission's change to a day and town's counters.
type countChange struct {
	k dayTown
	d [13]int
}

// writeCounts adds the transaction's counter changes to the stored
// counters, summed: one upsert per day and town, in one order (day, town)
// on every instance.
func (tx *Tx) writeCounts(ctx context.Context) error {
	sums := map[dayTown]*[13]int{}
	var keys []dayTown
	for _, c := range tx.counts {
		s := sums[c.k]
		if s == nil {
			s = new([13]int)
			sums[c.k] = s
			keys = append(keys, c.k)
		}
		for i := range c.d {
			s[i] += c.d[i]
		}
	}
	tx.counts = tx.counts[:0]
	slices.SortFunc(keys, func(a, b dayTown) int {
		return cmp.Or(strings.Compare(a.date, b.date), strings.Compare(a.town, b.town))
	})
	return qAddCountsMany.run(tx.db.dialect(), len(keys), func(i int, args []any) []any {
		k := keys[i]
		args = append(args, k.date, k.town)
		for _, v := range sums[k] {
			args = append(args, v)
		}
		return args
	}, tx.execer(ctx))
}
