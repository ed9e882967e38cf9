package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/registry"
)

const countCols = `received, on_time, staff_total, staff_in_city, returned_today, persuaded_today,
	tickets_refunded_today, hubei_staff, hubei_contacted_today, quarantined, fever, on_duty, commitment_signed`

func countDest(c *daily.Counts) []any {
	t := &c.Totals
	return []any{&c.Received, &c.OnTime, &t.StaffTotal, &t.StaffInCity, &t.Returned, &t.Persuaded, &t.Refunded,
		&t.HubeiStaff, &t.HubeiContacted, &t.Quarantined, &t.Fever, &t.OnDuty, &t.LettersSigned}
}

// sums is countCols added up over the raw reports (alias r), for scopes the
// town counters do not fit (a cadre's or a clerk's enterprises).
const sums = `count(*), coalesce(sum(CASE WHEN r.on_time THEN 1 ELSE 0 END), 0), coalesce(sum(r.staff_total), 0),
	coalesce(sum(r.staff_in_city), 0), coalesce(sum(r.returned_today), 0), coalesce(sum(r.persuaded_today), 0),
	coalesce(sum(r.tickets_refunded_today), 0), coalesce(sum(r.hubei_staff), 0), coalesce(sum(r.hubei_contacted_today), 0),
	coalesce(sum(r.quarantined), 0), coalesce(sum(r.fever), 0), coalesce(sum(r.on_duty), 0),
	coalesce(sum(CASE WHEN r.commitment_signed THEN 1 ELSE 0 END), 0)`

// byTown reports whether the actor's scope is whole towns, so the counters
// kept per town answer for it.
func byTown(a fugong.Actor) bool { return a.CityWide() || a.Role == fugong.RoleTown }

// Completeness returns, for each town in the actor's scope, the day's
// expected, received and on-time reports, the figures' totals and sign-off.
func (db *DB) Completeness(ctx context.Context, a fugong.Actor, date string) ([]daily.TownCounts, error) {
	expected, err := db.expected(ctx, a)
	if err != nil {
		return nil, err
	}
	w := &where{}
	var q string
	if byTown(a) {
		w.enterpriseScopeOf(a, "c")
		w.add("c.date = ?", date)
		q = `SELECT c.town_code, ` + countCols + ` FROM daily_counts c` + w.String()
	} else {
		w.enterpriseScope(a)
		w.add("r.date = ?", date)
		q = `SELECT r.town_code, ` + sums + ` FROM daily_reports r JOIN enterprises e ON e.uscc = r.uscc` + w.String() + ` GROUP BY r.town_code`
	}
	counts, err := db.countsBy(ctx, q, w.args)
	if err != nil {
		return nil, err
	}
	signed, err := db.signOffs(ctx, date)
	if err != nil {
		return nil, err
	}
	var out []daily.TownCounts
	for _, t := range registry.Towns {
		n, inScope := expected[t.Code]
		c, reported := counts[t.Code]
		if !inScope && !reported {
			continue
		}
		c.Expected = n
		c.Late = c.Received - c.OnTime
		s := signed[t.Code]
		c.SignedOff = s.Signed
		tc := daily.TownCounts{Town: t, Counts: c, SignedBy: s.SignedBy, SignedAt: s.SignedAt}
		if s.Signed {
			tc.Sent = s.Sent
		}
		out = append(out, tc)
	}
	return out, nil
}

// countsBy runs a query whose rows are a key (a town, a day) and countCols.
func (db *DB) countsBy(ctx context.Context, q string, args []any) (map[string]daily.Counts, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]daily.Counts{}
	for rows.Next() {
		var key string
		var c daily.Counts
		if err := rows.Scan(append([]any{&key}, countDest(&c)...)...); err != nil {
			return nil, err
		}
		out[key] = c
	}
	return out, rows.Err()
}

// expected counts the active enterprises in scope per town.
func (db *DB) expected(ctx context.Context, a fugong.Actor) (map[string]int, error) {
	w := &where{}
	q := `SELECT c.town_code, c.active FROM town_enterprise_counts c`
	if byTown(a) {
		w.enterpriseScopeOf(a, "c")
		w.add("c.active > 0")
	} else {
		w.enterpriseScope(a)
		w.add("e.status = 'active'")
		q = `SELECT e.town_code, count(*) FROM enterprises e`
	}
	q += w.String()
	if !byTown(a) {
		q += ` GROUP BY e.town_code`
	}
	return db.countsByTown(ctx, q, w.args...)
}

// countsByTown runs a query of (town code, count) rows into a map.
func (db *DB) countsByTown(ctx context.Context, query string, args ...any) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var town string
		var n int
		if err := rows.Scan(&town, &n); err != nil {
			return nil, err
		}
		out[town] = n
	}
	return out, rows.Err()
}

func (db *DB) signOffs(ctx context.Context, date string) (map[string]daily.SignOff, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+signOffCols+` FROM town_signoffs WHERE date = $1`, date)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]daily.SignOff{}
	for rows.Next() {
		s, err := scanSignOff(rows)
		if err != nil {
			return nil, err
		}
		out[s.Town] = s
	}
	return out, rows.Err()
}

// Trend returns the scope's counts per day over [from, to]; expected is
// today's number of active enterprises for every day.
func (db *DB) Trend(ctx context.Context, a fugong.Actor, from, to string) (map[string]daily.Counts, int, error) {
	expected, err := db.expected(ctx, a)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	for _, n := range expected {
		total += n
	}
	w := &where{}
	var q string
	if byTown(a) {
		w.enterpriseScopeOf(a, "c")
		w.add("c.date >= ?", from)
		w.add("c.date <= ?", to)
		q = `SELECT c.date, sum(received), sum(on_time), sum(staff_total), sum(staff_in_city), sum(returned_today),
			sum(persuaded_today), sum(tickets_refunded_today), sum(hubei_staff), sum(hubei_contacted_today),
			sum(quarantined), sum(fever), sum(on_duty), sum(commitment_signed) FROM daily_counts c` + w.String() + ` GROUP BY c.date`
	} else {
		w.enterpriseScope(a)
		w.add("r.date >= ?", from)
		w.add("r.date <= ?", to)
		q = `SELECT r.date, ` + sums + ` FROM daily_reports r JOIN enterprises e ON e.uscc = r.uscc` + w.String() + ` GROUP BY r.date`
	}
	out, err := db.countsBy(ctx, q, w.args)
	if err != nil {
		return nil, 0, err
	}
	for day, c := range out {
		c.Expected, c.Late = total, c.Received-c.OnTime
		out[day] = c
	}
	return out, total, nil
}

// Missing lists the active enterprises in scope (and in town, if given)
// without a report for the day: the call list, with the contact, the paired
// cadre, the last report and the follow-ups so far.
func (db *DB) Missing(ctx context.Context, a fugong.Actor, date string, among daily.Among, page, perPage int) ([]daily.Missing, int, error) {
	town := among.Town
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.status = 'active'")
	if town != "" {
		w.add("e.town_code = ?", town)
	}
	if among.Q != "" {
		w.add(`(e.name LIKE ? ESCAPE '\' OR e.uscc LIKE ? ESCAPE '\')`,
			"%"+likeEscape(among.Q)+"%", likeEscape(strings.ToUpper(among.Q))+"%")
	}
	if among.Cadre != "" {
		p := "%" + likeEscape(among.Cadre) + "%"
		w.add(`EXISTS (SELECT 1 FROM cadre_pairings cp JOIN users cu ON cu.id = cp.user_id WHERE cp.enterprise_uscc = e.uscc
			AND (cu.display_name LIKE ? ESCAPE '\' OR cu.username = ?))`, p, among.Cadre)
	}
	w.add("NOT EXISTS (SELECT 1 FROM daily_reports r WHERE r.uscc = e.uscc AND r.date = ?)", date)
	var total int
	var err error
	if among.Q == "" && among.Cadre == "" {
		total, err = db.missingTotal(ctx, a, date, town, w)
	} else {
		// Narrowed by name or cadre: the counters do not help; the rows are few.
		err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM enterprises e`+w.String(), w.args...).Scan(&total)
	}
	if err != nil {
		return nil, 0, err
	}
	keys := pageKeys(w, page, perPage)
	d := w.next(date)
	q := `WITH page AS (` + keys + `)
		SELECT e.uscc, e.name, e.town_code, t.name, e.contact_phone, e.legal_rep, coalesce(nullif(u.display_name, ''), u.username, ''),
		coalesce((SELECT max(r.date) FROM daily_reports r WHERE r.uscc = e.uscc AND r.date < ` + d + `), ''),
		(SELECT count(*) FROM followups f WHERE f.uscc = e.uscc AND f.date = ` + d + `)
		FROM page JOIN enterprises e ON e.uscc = page.uscc JOIN towns t ON t.code = e.town_code
		LEFT JOIN cadre_pairings p ON p.enterprise_uscc = e.uscc LEFT JOIN users u ON u.id = p.user_id
		ORDER BY e.town_code, e.name, e.uscc`
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []daily.Missing{}
	for rows.Next() {
		var m daily.Missing
		if err := rows.Scan(&m.USCC, &m.Name, &m.Town, &m.TownName, &m.ContactPhone, &m.LegalRep, &m.Cadre, &m.LastReport, &m.Followups); err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// missingTotal counts the non-reporters. For whole towns it comes from the
// counters: the active enterprises, less the day's reports, plus the reports
// of enterprises closed since (they were counted as received but are not
// expected). Other scopes are small and counted directly.
func (db *DB) missingTotal(ctx context.Context, a fugong.Actor, date, town string, w *where) (int, error) {
	var total int
	if !byTown(a) {
		err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM enterprises e`+w.String(), w.args...).Scan(&total)
		return total, err
	}
	// The counters (alias c) and the closed enterprises (e) in scope; the
	// second clause numbers its placeholders after the first's.
	c := &where{}
	c.enterpriseScopeOf(a, "c")
	if town != "" {
		c.add("c.town_code = ?", town)
	}
	d := c.next(date)
	e := &where{args: c.args}
	e.enterpriseScope(a)
	if town != "" {
		e.add("e.town_code = ?", town)
	}
	e.add("e.status <> 'active'")
	e.add("EXISTS (SELECT 1 FROM daily_reports r WHERE r.uscc = e.uscc AND r.date = " + d + ")")
	q := `SELECT
		coalesce((SELECT sum(c.active) FROM town_enterprise_counts c` + c.String() + `), 0)
		- coalesce((SELECT sum(c.received) FROM daily_counts c` + c.and("c.date = "+d) + `), 0)
		+ (SELECT count(*) FROM enterprises e` + e.String() + `)`
	err := db.r.QueryRowContext(ctx, q, e.args...).Scan(&total)
	return max(total, 0), err
}

// AddFollowup logs a call or visit.
func (db *DB) AddFollowup(ctx context.Context, a fugong.Actor, f daily.Followup) (daily.Followup, error) {
	err := db.write(ctx, func(tx *Tx) error {
		f.By, f.At = a.Username, tx.now
		var promised any
		if f.PromisedAt != nil {
			promised = f.PromisedAt.UTC().Truncate(time.Microsecond)
		}
		if err := tx.QueryRow(`INSERT INTO followups (uscc, date, kind, outcome, note, promised_at, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, f.USCC, f.Date, f.Kind, f.Outcome, f.Note, promised, f.By, f.At).Scan(&f.ID); err != nil {
			return err
		}
		return tx.audit(a, "create", "followup", f.USCC+"/"+f.Date, nil, f)
	})
	return f, err
}

// Followups returns an enterprise's follow-ups, newest first.
func (db *DB) Followups(ctx context.Context, uscc string) ([]daily.Followup, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, uscc, date, kind, outcome, note, promised_at, by_user, at
		FROM followups WHERE uscc = $1 ORDER BY at DESC, id DESC`, uscc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []daily.Followup{}
	for rows.Next() {
		var f daily.Followup
		var promised sql.NullTime
		if err := rows.Scan(&f.ID, &f.USCC, &f.Date, &f.Kind, &f.Outcome, &f.Note, &promised, &f.By, &f.At); err != nil {
			return nil, err
		}
		if promised.Valid {
			f.PromisedAt = &promised.Time
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

const signOffCols = `town_code, date, signed, signed_by, signed_at, reopened_by, reopen_reason, sent`

func scanSignOff(s scanner) (daily.SignOff, error) {
	var o daily.SignOff
	var sent string
	if err := s.Scan(&o.Town, &o.Date, &o.Signed, &o.SignedBy, &o.SignedAt, &o.ReopenedBy, &o.ReopenReason, &sent); err != nil {
		return o, err
	}
	if sent != "" {
		o.Sent = new(daily.Counts)
		if err := json.Unmarshal([]byte(sent), o.Sent); err != nil {
			return o, err
		}
	}
	return o, nil
}

// sentCounts reads a town's counts of a day inside tx, as the sign-off
// sends them to the bureau.
func (tx *Tx) sentCounts(ctx context.Context, town, date string) (daily.Counts, error) {
	var c daily.Counts
	err := tx.QueryRowContext(ctx, `SELECT `+countCols+` FROM daily_counts WHERE town_code = $1 AND date = $2`, town, date).Scan(countDest(&c)...)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, err
	}
	err = tx.QueryRowContext(ctx, `SELECT coalesce(sum(active), 0) FROM town_enterprise_counts WHERE town_code = $1`, town).Scan(&c.Expected)
	c.Late = c.Received - c.OnTime
	c.SignedOff = true
	return c, err
}

// SignOffOf returns a town's sign-off of a day (not found if never signed).
func (db *DB) SignOffOf(ctx context.Context, town, date string) (daily.SignOff, error) {
	o, err := scanSignOff(db.r.QueryRowContext(ctx, `SELECT `+signOffCols+` FROM town_signoffs WHERE town_code = $1 AND date = $2`, town, date))
	return o, notFound(err, "确认记录")
}

// SignOff confirms a town's day; signing a signed day is a conflict.
func (db *DB) SignOff(ctx context.Context, a fugong.Actor, town, date string) (daily.SignOff, error) {
	var o daily.SignOff
	err := db.write(ctx, func(tx *Tx) error {
		// The town's row alone: no submission commits into the day meanwhile.
		if err := tx.lockRow(ctx, lockUpdate, "towns", "code", town); err != nil {
			return err
		}
		before, err := scanSignOff(tx.QueryRow(`SELECT `+signOffCols+` FROM town_signoffs WHERE town_code = $1 AND date = $2`, town, date))
		switch {
		case err == nil && before.Signed:
			return fugong.Errorf(fugong.EConflict, "date", "%s 已确认，无需重复确认", date)
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		sent, cerr := tx.sentCounts(ctx, town, date)
		if cerr != nil {
			return cerr
		}
		o = daily.SignOff{Town: town, Date: date, Signed: true, SignedBy: a.Username, SignedAt: tx.now, Sent: &sent}
		js, cerr := json.Marshal(sent)
		if cerr != nil {
			return cerr
		}
		if _, err := tx.Exec(`INSERT INTO town_signoffs (town_code, date, signed, signed_by, signed_at, sent) VALUES ($1, $2, TRUE, $3, $4, $5)
			ON CONFLICT (town_code, date) DO UPDATE SET signed = TRUE, signed_by = excluded.signed_by, signed_at = excluded.signed_at,
				sent = excluded.sent`,
			town, date, o.SignedBy, o.SignedAt, string(js)); err != nil {
			return err
		}
		var b any
		if err == nil {
			b = before
		}
		return tx.audit(a, "signoff", "town_day", town+"/"+date, b, o)
	})
	return o, err
}

// Reopen unlocks a signed day, keeping who reopened it and why.
func (db *DB) Reopen(ctx context.Context, a fugong.Actor, town, date, reason string) (daily.SignOff, error) {
	var o daily.SignOff
	err := db.write(ctx, func(tx *Tx) error {
		before, err := scanSignOff(tx.QueryRow(`SELECT `+signOffCols+` FROM town_signoffs WHERE town_code = $1 AND date = $2`, town, date))
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && !before.Signed):
			return fugong.Errorf(fugong.EConflict, "date", "%s 尚未确认，无需重新打开", date)
		case err != nil:
			return err
		}
		o = before
		o.Signed, o.ReopenedBy, o.ReopenReason = false, a.Username, reason
		if _, err := tx.Exec(`UPDATE town_signoffs SET signed = FALSE, reopened_by = $1, reopen_reason = $2
			WHERE town_code = $3 AND date = $4`, a.Username, reason, town, date); err != nil {
			return err
		}
		return tx.audit(a, "reopen", "town_day", town+"/"+date, before, o)
	})
	return o, err
}
