package store

import (
	"context"
	"slices"
	"strings"

	"fugong/daily"
)

// EachUnreminded calls fn with batches of up to n active enterprises that
// have neither a report nor a reminder for date: the reminders still to
// send. One scan reads them all, whatever the number and whatever the
// planner's statistics; fn may write (claim) meanwhile, as the scan reads
// from a snapshot.
func (db *DB) EachUnreminded(ctx context.Context, date string, n int, fn func([]daily.Missing) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT e.uscc, e.name, e.town_code, e.contact_phone, e.legal_rep FROM enterprises e
		WHERE e.status = 'active'
			AND NOT EXISTS (SELECT 1 FROM daily_reports r WHERE r.uscc = e.uscc AND r.date = $1)
			AND NOT EXISTS (SELECT 1 FROM reminders_sent s WHERE s.date = $1 AND s.uscc = e.uscc)`, date)
	if err != nil {
		return err
	}
	defer rows.Close()
	n = max(n, 1)
	batch := make([]daily.Missing, 0, n)
	for rows.Next() {
		var m daily.Missing
		if err := rows.Scan(&m.USCC, &m.Name, &m.Town, &m.ContactPhone, &m.LegalRep); err != nil {
			return err
		}
		if batch = append(batch, m); len(batch) == n {
			if err := fn(batch); err != nil {
				return err
			}
			batch = make([]daily.Missing, 0, n)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// ClaimReminders records that the reminders of usccs for date are being
// sent and returns the codes this call recorded. The primary key of
// reminders_sent decides between instances sharing the database: of any
// number of concurrent claims of one enterprise-day exactly one wins.
func (db *DB) ClaimReminders(ctx context.Context, date string, usccs []string) ([]string, error) {
	if len(usccs) == 0 {
		return nil, nil
	}
	// Claiming in code order makes concurrent claims of overlapping pages
	// take their row locks in one order: they wait, never deadlock.
	sorted := slices.Compact(slices.Sorted(slices.Values(usccs)))
	args := []any{date, db.now()}
	values := make([]string, len(sorted))
	for i, u := range sorted {
		args = append(args, u)
		values[i] = "($1, " + placeholders(3+i, 1) + ", $2)"
	}
	// One statement: one transaction for the page, however many it claims.
	won, err := queryStrings(ctx, db.w, `INSERT INTO reminders_sent (date, uscc, sent_at) VALUES `+strings.Join(values, ", ")+`
		ON CONFLICT DO NOTHING RETURNING uscc`, args...)
	db.noteWrite(err)
	return won, err
}

// ClaimReminder claims one reminder: true when this call recorded it.
func (db *DB) ClaimReminder(ctx context.Context, date, uscc string) (bool, error) {
	won, err := db.ClaimReminders(ctx, date, []string{uscc})
	return len(won) == 1, err
}

// ReleaseReminder gives a claim up after its message could not be sent, so
// that a later run (of any instance) tries again.
func (db *DB) ReleaseReminder(ctx context.Context, date, uscc string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM reminders_sent WHERE date = $1 AND uscc = $2`, date, uscc)
	db.noteWrite(err)
	return err
}
