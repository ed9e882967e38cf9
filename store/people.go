package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
)

// M7, people and health. ID numbers and phones arrive sealed (package
// people seals them with package pii) and leave sealed: nothing here sees
// them whole. Every write is audited in its transaction with its before
// and after passed through pii.RedactJSON.

var _ people.Store = (*DB)(nil)

// personCols are a person's columns, sealed data included; personFrom joins
// the enterprise (alias e) for the scope and its name.
const (
	personCols = `p.id, p.enterprise_uscc, e.name, p.name, p.origin, p.hubei, p.returned_on, p.quarantine_start,
	p.quarantine_days, p.quarantine_end, p.health_code, p.code_since, p.code_held_by_family, p.on_post, p.updated_at,
	p.key_id, p.id_cipher, p.id_index, p.id_masked, p.phone_cipher, p.phone_masked`
	personFrom = ` FROM people p JOIN enterprises e ON e.uscc = p.enterprise_uscc`
)

func scanPerson(s scanner) (people.Row, error) {
	var r people.Row
	p := &r.Person
	var key int64
	err := s.Scan(&p.ID, &p.Enterprise, &p.EnterpriseName, &p.Name, &p.Origin, &p.Hubei, &p.ReturnedOn, &p.QuarantineStart,
		&p.QuarantineDays, &p.QuarantineEnd, &p.HealthCode, &p.CodeSince, &p.CodeHeldByFamily, &p.OnPost, &p.UpdatedAt,
		&key, &r.Sealed.IDNumber, &r.Sealed.IDIndex, &r.Sealed.IDMasked, &r.Sealed.Phone, &r.Sealed.PhoneMasked)
	r.Sealed.KeyID = pii.KeyID(key)
	p.UpdatedAt = local(p.UpdatedAt)
	return r, err
}

func queryPeople(ctx context.Context, q querier, query string, args ...any) ([]people.Row, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []people.Row{}
	for rows.Next() {
		r, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// auditPII records a write of personal data: its before and after as JSON
// through pii.RedactJSON, so that no audit row ever holds a whole ID number
// or phone, whatever the caller passed.
func (tx *Tx) auditPII(a fugong.Actor, action, entity, id string, before, after any) error {
	b, err := redacted(before)
	if err != nil {
		return err
	}
	af, err := redacted(after)
	if err != nil {
		return err
	}
	_, err = tx.Exec(qAudit, tx.now, a.Username, action, entity, id, b, af)
	return err
}

func redacted(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if b, err = pii.RedactJSON(b); err != nil {
		return nil, err
	}
	return string(b), nil
}

// reserveIDs takes n ids of table for rows the caller inserts with them,
// ids no other row ever had: ciphertexts are bound to their row's id before
// the row is written. PostgreSQL takes them from the table's sequence;
// SQLite moves its AUTOINCREMENT counter, in this transaction (it has one
// writer).
func (tx *Tx) reserveIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if tx.db.Engine == Postgres {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, $1)`, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = $1`, table).Scan(&seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)`, table, int64(n))
	case err == nil:
		_, err = tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = $2 WHERE name = $1`, table, seq+int64(n))
	}
	if err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, seq+1+int64(i))
	}
	return ids, nil
}

// insertRows appends n rows to table in multi-row INSERTs, row(i) giving
// row i's values in cols' order.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error {
	per := max(1, maxBulkArgs/len(cols))
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; start += per {
		k := min(per, n-start)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args = args[:0]
		for i := start; i < start+k; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row(i) {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				// SQLite's driver looks every $n up by name: plain marks
				// keep a long statement linear.
				if tx.db.Engine == SQLite {
					b.WriteByte('?')
				} else {
					b.WriteString("$" + strconv.Itoa(len(args)))
				}
			}
			b.WriteByte(')')
		}
		if _, err := tx.Tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

var personInsertCols = []string{"id", "enterprise_uscc", "name", "origin", "hubei", "returned_on", "quarantine_start",
	"quarantine_days", "quarantine_end", "health_code", "code_since", "code_held_by_family", "on_post",
	"key_id", "id_cipher", "id_index", "id_masked", "phone_cipher", "phone_masked", "created_at", "updated_at", "updated_by"}

func personValues(r *people.Row, at time.Time, by string) []any {
	p, s := &r.Person, &r.Sealed
	var phone any
	if len(s.Phone) > 0 {
		phone = s.Phone
	}
	return []any{p.ID, p.Enterprise, p.Name, p.Origin, p.Hubei, p.ReturnedOn, p.QuarantineStart,
		p.QuarantineDays, p.QuarantineEnd, string(p.HealthCode), p.CodeSince, p.CodeHeldByFamily, p.OnPost,
		int64(s.KeyID), s.IDNumber, string(s.IDIndex), s.IDMasked, phone, s.PhoneMasked, at, at, by}
}

// sealedRow checks that what the service sealed is for this row and holds
// nothing in clear.
func sealedRow(p people.Person, s people.Sealed) (people.Row, error) {
	if len(s.IDNumber) == 0 || s.IDIndex == "" || s.IDMasked == "" {
		return people.Row{}, errors.New("store: a person needs their sealed ID number and its index")
	}
	p.IDNumber, p.Phone = "", ""
	return people.Row{Person: p, Sealed: s}, nil
}

// conflictSameID is a second record of one ID number at an enterprise.
var conflictSameID = fugong.Errorf(fugong.EConflict, "id_number", "该企业已登记此身份证号码的人员")

// AddPeople inserts people of the roster, each sealed for the id it is
// given, with one audit row each, in one transaction.
func (db *DB) AddPeople(ctx context.Context, a fugong.Actor, ps []people.Person, seal func(i int, id int64) (people.Sealed, error)) ([]people.Row, error) {
	var out []people.Row
	err := db.write(ctx, func(tx *Tx) error {
		ids, err := tx.reserveIDs(ctx, "people", len(ps))
		if err != nil {
			return err
		}
		rows := make([]people.Row, len(ps))
		for i := range ps {
			s, err := seal(i, ids[i])
			if err != nil {
				return err
			}
			p := ps[i]
			p.ID, p.UpdatedAt = ids[i], local(tx.now)
			if rows[i], err = sealedRow(p, s); err != nil {
				return err
			}
		}
		err = tx.insertRows(ctx, "people", personInsertCols, len(rows), func(i int) []any {
			return personValues(&rows[i], tx.now, a.Username)
		})
		switch {
		case isUnique(err):
			return conflictSameID
		case isForeignKey(err):
			return fugong.NotFound("企业")
		case err != nil:
			return err
		}
		action := "create"
		if len(rows) > 1 {
			action = "import"
		}
		audits := make([][]any, len(rows))
		for i := range rows {
			after, err := redacted(rows[i].Masked())
			if err != nil {
				return err
			}
			audits[i] = []any{tx.now, a.Username, action, "person", idString(rows[i].ID), nil, after}
		}
		if err := tx.insertRows(ctx, "audit_log", []string{"at", "actor", "action", "entity", "entity_id", "before", "after"},
			len(audits), func(i int) []any { return audits[i] }); err != nil {
			return err
		}
		out = rows
		return nil
	})
	return out, err
}

// personInScope reads a person whose enterprise is in the actor's scope.
func personInScope(ctx context.Context, q querier, a fugong.Actor, id int64) (people.Row, error) {
	w := &where{}
	w.enterpriseScope(a)
	w.add("p.id = ?", id)
	rows, err := queryPeople(ctx, q, `SELECT `+personCols+personFrom+w.String(), w.args...)
	if err != nil {
		return people.Row{}, err
	}
	if len(rows) == 0 {
		return people.Row{}, fugong.NotFound("人员")
	}
	return rows[0], nil
}

// Person returns a person in the actor's scope, sealed.
func (db *DB) Person(ctx context.Context, a fugong.Actor, id int64) (people.Row, error) {
	return personInScope(ctx, db.r, a, id)
}

// UpdatePerson replaces a person in scope with what edit makes of them.
func (db *DB) UpdatePerson(ctx context.Context, a fugong.Actor, id int64, edit func(r *people.Row) error) (people.Row, error) {
	var out people.Row
	err := db.write(ctx, func(tx *Tx) error {
		if db.Engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM people WHERE id = $1 FOR UPDATE`, id); err != nil {
				return err
			}
		}
		r, err := personInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		before := r.Masked()
		if err := edit(&r); err != nil {
			return err
		}
		r.ID, r.Enterprise = id, before.Enterprise
		if r, err = sealedRow(r.Person, r.Sealed); err != nil {
			return err
		}
		r.UpdatedAt = local(tx.now)
		v := personValues(&r, tx.now, a.Username)
		// id and enterprise stay; created_at (v[19]) too.
		_, err = tx.ExecContext(ctx, `UPDATE people SET name = $2, origin = $3, hubei = $4, returned_on = $5, quarantine_start = $6,
			quarantine_days = $7, quarantine_end = $8, health_code = $9, code_since = $10, code_held_by_family = $11, on_post = $12,
			key_id = $13, id_cipher = $14, id_index = $15, id_masked = $16, phone_cipher = $17, phone_masked = $18,
			updated_at = $19, updated_by = $20 WHERE id = $1`,
			id, v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[20], v[21])
		if isUnique(err) {
			return conflictSameID
		}
		if err != nil {
			return err
		}
		out = r
		return tx.auditPII(a, "update", "person", idString(id), before, r.Masked())
	})
	return out, err
}

// DeletePerson deletes a person in scope with their readings; their alerts
// stay, unlinked.
func (db *DB) DeletePerson(ctx context.Context, a fugong.Actor, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		r, err := personInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM people WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.auditPII(a, "delete", "person", idString(id), r.Masked(), nil)
	})
}

// Roster returns a page of an enterprise's staff by name.
func (db *DB) Roster(ctx context.Context, a fugong.Actor, enterprise string, page, perPage int) ([]people.Row, int, error) {
	w := &where{}
	w.enterpriseScope(a)
	w.add("p.enterprise_uscc = ?", enterprise)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+personFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := queryPeople(ctx, db.r, `SELECT `+personCols+personFrom+w.String()+` ORDER BY p.name, p.id`+pageClause(w, page, perPage), w.args...)
	return rows, total, err
}

// FindByIDNumber finds the people in scope with any of the indexes.
func (db *DB) FindByIDNumber(ctx context.Context, a fugong.Actor, idx []pii.Index) ([]people.Row, error) {
	if len(idx) == 0 {
		return []people.Row{}, nil
	}
	w := &where{}
	marks := make([]string, len(idx))
	for i, x := range idx {
		marks[i] = w.next(string(x))
	}
	w.conds = append(w.conds, "p.id_index IN ("+strings.Join(marks, ", ")+")")
	w.enterpriseScope(a)
	return queryPeople(ctx, db.r, `SELECT `+personCols+personFrom+w.String()+` ORDER BY e.name, p.id`, w.args...)
}

// IndexesTaken maps each index a person of the enterprise has to them.
func (db *DB) IndexesTaken(ctx context.Context, enterprise string, idx []pii.Index) (map[pii.Index]people.Person, error) {
	out := map[pii.Index]people.Person{}
	const chunk = 500
	for start := 0; start < len(idx); start += chunk {
		part := idx[start:min(start+chunk, len(idx))]
		w := &where{}
		w.add("p.enterprise_uscc = ?", enterprise)
		marks := make([]string, len(part))
		for i, x := range part {
			marks[i] = w.next(string(x))
		}
		rows, err := queryPeople(ctx, db.r, `SELECT `+personCols+personFrom+w.and("p.id_index IN ("+strings.Join(marks, ", ")+")"), w.args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Sealed.IDIndex] = r.Masked()
		}
	}
	return out, nil
}

// fullView is the audit of a reveal: whose record, what was seen (masked
// here) and why.
type fullView struct {
	Enterprise string `json:"enterprise"`
	Name       string `json:"name"`
	IDNumber   string `json:"id_number"`
	Phone      string `json:"phone"`
	Reason     string `json:"reason"`
}

// AuditFullView records that the actor saw a person's whole ID number and
// phone, and why.
func (db *DB) AuditFullView(ctx context.Context, a fugong.Actor, p people.Person, reason string) error {
	return db.write(ctx, func(tx *Tx) error {
		return tx.auditPII(a, "reveal", "person", idString(p.ID), nil,
			fullView{Enterprise: p.Enterprise, Name: p.Name, IDNumber: p.IDNumber, Phone: p.Phone, Reason: reason})
	})
}

func tenthsOf(c float64) int { return int(math.Round(c * 10)) }

// alertAudit is an alert as audited: no name, no ID number.
type alertAudit struct {
	Kind    string  `json:"kind"`
	USCC    string  `json:"uscc"`
	Town    string  `json:"town"`
	StaffID *int64  `json:"staff_id"`
	Celsius float64 `json:"celsius"`
	Status  string  `json:"status"`
	Note    string  `json:"note,omitempty"`
}

func auditOfAlert(al people.Alert) alertAudit {
	return alertAudit{Kind: al.Kind, USCC: al.USCC, Town: al.Town, StaffID: al.StaffID, Celsius: al.Celsius, Status: al.Status, Note: al.Note}
}

// AddTemperature stores a reading, and for a fever the person's open alert:
// a new one, or the one still open raised to the higher reading.
func (db *DB) AddTemperature(ctx context.Context, a fugong.Actor, t people.Temperature, fever *people.Alert) (people.Temperature, *people.Alert, error) {
	var out *people.Alert
	err := db.write(ctx, func(tx *Tx) error {
		var uscc, town string
		if err := tx.QueryRowContext(ctx, `SELECT e.uscc, e.town_code FROM people p JOIN enterprises e ON e.uscc = p.enterprise_uscc
			WHERE p.id = $1`, t.Person).Scan(&uscc, &town); err != nil {
			return notFound(err, "人员")
		}
		at := t.At.UTC().Truncate(time.Microsecond)
		if err := tx.QueryRowContext(ctx, `INSERT INTO person_temperatures (person_id, day, at, tenths, by_user)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, t.Person, t.Day, at, tenthsOf(t.Celsius), a.Username).Scan(&t.ID); err != nil {
			return err
		}
		t.At, t.By = local(at), a.Username
		// A reading is a change of the person's record: the retention
		// purge counts from the last one.
		if _, err := tx.ExecContext(ctx, `UPDATE people SET updated_at = $2, updated_by = $3 WHERE id = $1`, t.Person, tx.now, a.Username); err != nil {
			return err
		}
		if err := tx.auditPII(a, "temperature", "person", idString(t.Person), nil, t); err != nil {
			return err
		}
		if fever == nil {
			return nil
		}
		al := *fever
		al.USCC, al.Town, al.Status = uscc, town, people.AlertOpen
		var open int64
		var high int
		err := tx.QueryRowContext(ctx, `SELECT id, celsius_tenths FROM alerts WHERE staff_id = $1 AND kind = $2 AND status = 'open'
			ORDER BY id LIMIT 1`, t.Person, al.Kind).Scan(&open, &high)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := tx.QueryRowContext(ctx, `INSERT INTO alerts (kind, uscc, town_code, staff_id, celsius_tenths, status, opened_at, opened_by)
				VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id`, al.Kind, uscc, town, t.Person, tenthsOf(al.Celsius), tx.now, a.Username).Scan(&al.ID); err != nil {
				return err
			}
			if err := tx.auditPII(a, "create", "alert", idString(al.ID), nil, auditOfAlert(al)); err != nil {
				return err
			}
		case err != nil:
			return err
		case tenthsOf(al.Celsius) > high:
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET celsius_tenths = $2 WHERE id = $1`, open, tenthsOf(al.Celsius)); err != nil {
				return err
			}
			before := al
			before.Celsius = float64(high) / 10
			if err := tx.auditPII(a, "update", "alert", idString(open), auditOfAlert(before), auditOfAlert(al)); err != nil {
				return err
			}
		}
		stored, err := alertInScope(ctx, tx, fugong.System, max(al.ID, open))
		out = &stored
		return err
	})
	return t, out, err
}

// PersonTemperatures are a person's readings from a day on, newest first.
func (db *DB) PersonTemperatures(ctx context.Context, person int64, from string) ([]people.Temperature, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, person_id, day, at, tenths, by_user FROM person_temperatures
		WHERE person_id = $1 AND day >= $2 ORDER BY at DESC, id DESC`, person, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []people.Temperature{}
	for rows.Next() {
		var t people.Temperature
		var tenths int
		if err := rows.Scan(&t.ID, &t.Person, &t.Day, &t.At, &tenths, &t.By); err != nil {
			return nil, err
		}
		t.At, t.Celsius = local(t.At), float64(tenths)/10
		out = append(out, t)
	}
	return out, rows.Err()
}

// healthCandidates is the subquery of the ids of the people on at least
// one of a day's lists (day is the placeholder of the day, fever of the
// threshold in tenths), each list read through its own index: a UNION ALL,
// so that no branch is planned to come out sorted (a person on two lists
// comes twice; IN does not mind).
func healthCandidates(day, fever string) string {
	return `(SELECT id FROM people WHERE quarantine_end <> '' AND quarantine_end >= ` + day + ` AND quarantine_start <= ` + day + `
	UNION ALL SELECT id FROM people WHERE health_code <> 'green'
	UNION ALL SELECT id FROM people WHERE code_held_by_family
	UNION ALL SELECT person_id FROM person_temperatures WHERE day = ` + day + ` AND tenths >= ` + fever + `)`
}

// healthQueries are HealthPeople's two queries and their arguments: the
// people and their readings.
func healthQueries(a fugong.Actor, f people.SummaryFilter, s people.Settings) (peopleQ, readingsQ string, args []any) {
	w := &where{}
	day, fever := w.next(f.Day), w.next(tenthsOf(s.FeverThreshold))
	cand := healthCandidates(day, fever)
	if f.Enterprise != "" {
		w.add("p.enterprise_uscc = ?", f.Enterprise)
	}
	w.enterpriseScope(a)
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	peopleQ = `SELECT ` + healthCols + personFrom + w.and("p.id IN "+cand)
	readingsQ = `SELECT t.person_id, t.day, max(t.tenths) FROM person_temperatures t JOIN people p ON p.id = t.person_id
		JOIN enterprises e ON e.uscc = p.enterprise_uscc` +
		w.and(`t.person_id IN `+cand+` AND (t.day = `+day+` OR (p.health_code <> 'green' AND t.day > p.code_since AND t.day <= `+day+`))`) +
		` GROUP BY t.person_id, t.day`
	return peopleQ, readingsQ, w.args
}

// HealthCounts counts the day's lists of the people in scope in the
// database, without reading them: what the summary API and the counters
// of the pages need.
func (db *DB) HealthCounts(ctx context.Context, a fugong.Actor, f people.SummaryFilter, s people.Settings) (people.Counts, error) {
	w := &where{}
	day, fever := w.next(f.Day), w.next(tenthsOf(s.FeverThreshold))
	ending := w.next(people.AddDays(f.Day, people.EndingWithin))
	cand := healthCandidates(day, fever)
	if f.Enterprise != "" {
		w.add("p.enterprise_uscc = ?", f.Enterprise)
	}
	w.enterpriseScope(a)
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	inQuarantine := `p.quarantine_end <> '' AND p.quarantine_start <= ` + day + ` AND p.quarantine_end >= ` + day
	var c people.Counts
	err := db.r.QueryRowContext(ctx, `SELECT
		coalesce(sum(CASE WHEN `+inQuarantine+` THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN `+inQuarantine+` AND p.quarantine_end <= `+ending+` THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN p.health_code = 'yellow' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN p.health_code = 'red' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN p.code_held_by_family THEN 1 ELSE 0 END), 0),
		(SELECT count(DISTINCT t.person_id) FROM person_temperatures t JOIN people p ON p.id = t.person_id
			JOIN enterprises e ON e.uscc = p.enterprise_uscc`+w.and(`t.day = `+day+` AND t.tenths >= `+fever)+`)`+
		personFrom+w.and("p.id IN "+cand), w.args...).
		Scan(&c.Quarantined, &c.QuarantineEnding, &c.Yellow, &c.Red, &c.FamilyHeld, &c.Fever)
	return c, err
}

// healthCols are what the day's lists show of a person, masked: no
// ciphertexts, no timestamps to parse.
const healthCols = `p.id, p.enterprise_uscc, e.name, p.name, p.quarantine_start, p.quarantine_end, p.health_code, p.code_since,
	p.code_held_by_family, p.on_post, p.id_masked, p.phone_masked`

// HealthPeople returns the people in scope on a day's lists and their
// readings: each day's highest, of the day and, for a yellow or red code,
// of every day since it turned.
func (db *DB) HealthPeople(ctx context.Context, a fugong.Actor, f people.SummaryFilter, s people.Settings) ([]people.Person, []people.Temperature, error) {
	pq, rq, args := healthQueries(a, f, s)
	rows, err := db.r.QueryContext(ctx, pq, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ps := []people.Person{}
	for rows.Next() {
		var p people.Person
		if err := rows.Scan(&p.ID, &p.Enterprise, &p.EnterpriseName, &p.Name, &p.QuarantineStart, &p.QuarantineEnd, &p.HealthCode,
			&p.CodeSince, &p.CodeHeldByFamily, &p.OnPost, &p.IDNumber, &p.Phone); err != nil {
			return nil, nil, err
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	trows, err := db.r.QueryContext(ctx, rq, args...)
	if err != nil {
		return nil, nil, err
	}
	defer trows.Close()
	ts := []people.Temperature{}
	for trows.Next() {
		var t people.Temperature
		var tenths int
		if err := trows.Scan(&t.Person, &t.Day, &tenths); err != nil {
			return nil, nil, err
		}
		t.Celsius = float64(tenths) / 10
		ts = append(ts, t)
	}
	return ps, ts, trows.Err()
}

// RosterCounts counts an enterprise's roster on a day.
func (db *DB) RosterCounts(ctx context.Context, enterprise, day string, s people.Settings) (people.RosterFigures, error) {
	var f people.RosterFigures
	err := db.r.QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum(CASE WHEN hubei THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN quarantine_end <> '' AND quarantine_start <= $2 AND quarantine_end >= $2 THEN 1 ELSE 0 END), 0),
		(SELECT count(DISTINCT t.person_id) FROM person_temperatures t JOIN people q ON q.id = t.person_id
			WHERE q.enterprise_uscc = $1 AND t.day = $2 AND t.tenths >= $3)
		FROM people WHERE enterprise_uscc = $1`, enterprise, day, tenthsOf(s.FeverThreshold)).
		Scan(&f.StaffTotal, &f.HubeiStaff, &f.Quarantined, &f.Fever)
	return f, err
}

// alertScope limits alerts (alias al) to the actor's: the town's, the
// cadre's and the clerk's enterprises', everything for the city-wide
// roles. A checkpoint's (M8) go to its town alone.
func (w *where) alertScope(a fugong.Actor) {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
	case fugong.RoleTown:
		w.add("al.town_code = ?", a.Town)
	case fugong.RoleEnterprise:
		w.add("al.uscc = ?", a.Enterprise)
	case fugong.RoleCadre:
		w.add("al.uscc IN (SELECT enterprise_uscc FROM cadre_pairings WHERE user_id = ?)", a.UserID)
	default:
		w.add("1 = 0")
	}
}

const (
	alertCols = `al.id, al.kind, coalesce(al.uscc, ''), coalesce(e.name, ''), al.town_code, t.name, al.staff_id, al.reference,
	coalesce(p.name, ir.name, al.subject_name, ''), coalesce(p.id_masked, ir.id_masked, al.subject_id_masked, ''), al.celsius_tenths, al.status, al.opened_at, al.opened_by, al.closed_at, al.closed_by, al.note`
	alertFrom = ` FROM alerts al JOIN towns t ON t.code = al.town_code LEFT JOIN enterprises e ON e.uscc = al.uscc
	LEFT JOIN people p ON p.id = al.staff_id LEFT JOIN isolation_residents ir ON ir.id = al.resident_id`
)

func queryAlerts(ctx context.Context, q querier, query string, args ...any) ([]people.Alert, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []people.Alert{}
	for rows.Next() {
		var al people.Alert
		var staff sql.NullInt64
		var closed sql.NullTime
		var tenths int
		if err := rows.Scan(&al.ID, &al.Kind, &al.USCC, &al.EnterpriseName, &al.Town, &al.TownName, &staff, &al.Reference,
			&al.Name, &al.IDNumber, &tenths, &al.Status, &al.OpenedAt, &al.OpenedBy, &closed, &al.ClosedBy, &al.Note); err != nil {
			return nil, err
		}
		if staff.Valid {
			al.StaffID = &staff.Int64
		}
		if closed.Valid {
			c := local(closed.Time)
			al.ClosedAt = &c
		}
		al.Celsius, al.OpenedAt = float64(tenths)/10, local(al.OpenedAt)
		out = append(out, al)
	}
	return out, rows.Err()
}

func alertInScope(ctx context.Context, q querier, a fugong.Actor, id int64) (people.Alert, error) {
	w := &where{}
	w.alertScope(a)
	w.add("al.id = ?", id)
	als, err := queryAlerts(ctx, q, `SELECT `+alertCols+alertFrom+w.String(), w.args...)
	if err != nil {
		return people.Alert{}, err
	}
	if len(als) == 0 {
		return people.Alert{}, fugong.NotFound("预警")
	}
	return als[0], nil
}

// Alert returns an alert in the actor's scope.
func (db *DB) Alert(ctx context.Context, a fugong.Actor, id int64) (people.Alert, error) {
	return alertInScope(ctx, db.r, a, id)
}

// Alerts returns a page of the alerts in scope, newest first.
func (db *DB) Alerts(ctx context.Context, a fugong.Actor, f people.AlertFilter) ([]people.Alert, int, error) {
	w := &where{}
	w.alertScope(a)
	if f.Kind != "" {
		w.add("al.kind = ?", f.Kind)
	}
	if f.Status != "" {
		w.add("al.status = ?", f.Status)
	}
	if f.Town != "" {
		w.add("al.town_code = ?", f.Town)
	}
	if f.USCC != "" {
		w.add("al.uscc = ?", f.USCC)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM alerts al`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	als, err := queryAlerts(ctx, db.r, `SELECT `+alertCols+alertFrom+w.String()+` ORDER BY al.id DESC`+pageClause(w, f.Page, f.PerPage), w.args...)
	return als, total, err
}

// CloseAlert closes an open alert with a note.
func (db *DB) CloseAlert(ctx context.Context, a fugong.Actor, id int64, note string) (people.Alert, error) {
	var out people.Alert
	err := db.write(ctx, func(tx *Tx) error {
		before, err := alertInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE alerts SET status = 'closed', closed_at = $2, closed_by = $3, note = $4
			WHERE id = $1 AND status = 'open'`, id, tx.now, a.Username, note)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fugong.Errorf(fugong.EConflict, "status", "该预警已由 %s 关闭", before.ClosedBy)
		}
		if out, err = alertInScope(ctx, tx, a, id); err != nil {
			return err
		}
		return tx.auditPII(a, "close", "alert", idString(id), auditOfAlert(before), auditOfAlert(out))
	})
	return out, err
}

// keyIDCounts counts the rows of a table of sealed personal data
// (people, travellers, residents) under each key.
func keyIDCounts(ctx context.Context, q querier, table string) (map[pii.KeyID]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT key_id, count(*) FROM `+table+` GROUP BY key_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[pii.KeyID]int{}
	for rows.Next() {
		var k int64
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[pii.KeyID(k)] = n
	}
	return out, rows.Err()
}

// KeyIDs counts the people sealed under each key.
func (db *DB) KeyIDs(ctx context.Context) (map[pii.KeyID]int, error) {
	return keyIDCounts(ctx, db.r, "people")
}

// NotUnder lists up to limit rows after an id sealed under another key than current.
func (db *DB) NotUnder(ctx context.Context, current pii.KeyID, after int64, limit int) ([]people.Row, error) {
	return queryPeople(ctx, db.r, `SELECT `+personCols+personFrom+` WHERE p.key_id <> $1 AND p.id > $2 ORDER BY p.id LIMIT $3`,
		int64(current), after, limit)
}

// Reseal stores the rows a rotation sealed again, each only if it is still
// under its old key (a row changed meanwhile is under the new one already),
// in one transaction audited as one entry.
func (db *DB) Reseal(ctx context.Context, a fugong.Actor, rows []people.Resealed) (int, error) {
	done := 0
	err := db.write(ctx, func(tx *Tx) error {
		done = 0
		var key pii.KeyID
		for _, r := range rows {
			s := r.Sealed
			var phone any
			if len(s.Phone) > 0 {
				phone = s.Phone
			}
			res, err := tx.ExecContext(ctx, `UPDATE people SET key_id = $3, id_cipher = $4, id_index = $5, id_masked = $6,
				phone_cipher = $7, phone_masked = $8 WHERE id = $1 AND key_id = $2`,
				r.ID, int64(r.Old), int64(s.KeyID), s.IDNumber, string(s.IDIndex), s.IDMasked, phone, s.PhoneMasked)
			if isUnique(err) {
				return fmt.Errorf("store: person %d: another record of the enterprise has the same ID number under the new key: %w", r.ID, err)
			}
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			done += int(n)
			key = s.KeyID
		}
		if done == 0 {
			return nil
		}
		return tx.auditPII(a, "rotate", "pii_key", key.String(), nil, map[string]int{"people": done})
	})
	return done, err
}

// Purge erases the personal data of the people last changed before a day
// (see people.PurgeReport). On SQLite the transaction runs with
// secure_delete, so what it deletes is overwritten with zeros; VacuumPurged
// then rewrites the files.
func (db *DB) Purge(ctx context.Context, a fugong.Actor, before string, dryRun bool) (people.PurgeReport, error) {
	rep := people.PurgeReport{Before: before, DryRun: dryRun, Enterprises: map[string]int{}}
	day, err := time.ParseInLocation(people.DateLayout, before, fugong.Location)
	if err != nil {
		return rep, fugong.Errorf(fugong.EInvalid, "ended_before", "日期应为 YYYY-MM-DD 格式的有效日期")
	}
	cut := day.UTC()
	set := people.Defaults
	if v, ok, err := db.Setting(ctx, people.SettingsKey); err != nil {
		return rep, err
	} else if ok {
		if set, err = people.ParseSettings(v); err != nil {
			return rep, err
		}
	}
	const gone = `SELECT id FROM people WHERE updated_at < $1`
	const goneText = `SELECT CAST(id AS TEXT) FROM people WHERE updated_at < $1`
	const goneAlerts = `SELECT CAST(id AS TEXT) FROM alerts WHERE staff_id IN (` + gone + `)`
	err = db.secureWrite(ctx, func(tx *Tx) error {
		type tomb struct {
			id                                 int64
			uscc, returned, qStart, qEnd, last string
			hubei, onPost                      bool
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, enterprise_uscc, hubei, returned_on, quarantine_start, quarantine_end, on_post, updated_at
			FROM people WHERE updated_at < $1 ORDER BY id`, cut)
		if err != nil {
			return err
		}
		var tombs []tomb
		for rows.Next() {
			var t tomb
			var at time.Time
			if err := rows.Scan(&t.id, &t.uscc, &t.hubei, &t.returned, &t.qStart, &t.qEnd, &t.onPost, &at); err != nil {
				rows.Close()
				return err
			}
			t.last = people.Today(at)
			tombs = append(tombs, t)
			rep.Enterprises[t.uscc]++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rep.People = len(tombs)
		for _, c := range []struct {
			n *int
			q string
		}{
			{&rep.Readings, `SELECT count(*) FROM person_temperatures WHERE person_id IN (` + gone + `)`},
			{&rep.Alerts, `SELECT count(*) FROM alerts WHERE staff_id IN (` + gone + `)`},
			{&rep.AuditScrubs, auditRowsOf(map[string]string{"person": goneText, "alert": goneAlerts})},
		} {
			if err := tx.QueryRowContext(ctx, c.q, cut).Scan(c.n); err != nil {
				return err
			}
		}
		if dryRun || rep.People == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO health_day_counts (enterprise_uscc, day, readings, fever_people)
			SELECT p.enterprise_uscc, t.day, count(*), count(DISTINCT CASE WHEN t.tenths >= $2 THEN t.person_id END)
			FROM person_temperatures t JOIN people p ON p.id = t.person_id WHERE p.updated_at < $1
			GROUP BY p.enterprise_uscc, t.day
			ON CONFLICT (enterprise_uscc, day) DO UPDATE SET readings = health_day_counts.readings + excluded.readings,
				fever_people = health_day_counts.fever_people + excluded.fever_people`, cut, tenthsOf(set.FeverThreshold)); err != nil {
			return err
		}
		if err := tx.insertRows(ctx, "people_purged", []string{"id", "enterprise_uscc", "hubei", "returned_on", "quarantine_start",
			"quarantine_end", "on_post", "last_changed", "purged_at"}, len(tombs), func(i int) []any {
			t := &tombs[i]
			return []any{t.id, t.uscc, t.hubei, t.returned, t.qStart, t.qEnd, t.onPost, t.last, tx.now}
		}); err != nil {
			return err
		}
		for _, q := range []string{
			// Officials' notes may name the person.
			`UPDATE audit_log SET before = NULL, after = '{"purged":true}' WHERE ` + notReports + ` AND entity = 'alert' AND entity_id IN (` + goneAlerts + `)`,
			`UPDATE alerts SET note = '' WHERE staff_id IN (` + gone + `)`,
			`UPDATE audit_log SET before = NULL, after = '{"purged":true}' WHERE ` + notReports + ` AND entity = 'person' AND entity_id IN (` + goneText + `)`,
			`DELETE FROM person_temperatures WHERE person_id IN (` + gone + `)`,
			`DELETE FROM people WHERE updated_at < $1`, // alerts' staff_id become NULL
		} {
			if _, err := tx.ExecContext(ctx, q, cut); err != nil {
				return err
			}
		}
		return tx.auditPII(a, "purge", "people", before, nil, map[string]int{"people": rep.People, "readings": rep.Readings,
			"alerts": rep.Alerts, "enterprises": len(rep.Enterprises), "audit_scrubs": rep.AuditScrubs})
	})
	return rep, err
}

// secureWrite is write on SQLite with secure_delete on for the
// transaction: deleted rows are overwritten with zeros, not left in free
// pages. On PostgreSQL it is write.
func (db *DB) secureWrite(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.Engine != SQLite {
		return db.write(ctx, fn)
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return err
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.now()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return sqlTx.Commit()
}

// PurgedTables are the tables a purge of personal data deletes from or
// rewrites.
var PurgedTables = []string{"people", "person_temperatures", "alerts", "audit_log",
	"isolation_residents", "isolation_readings", "isolation_meals", "checkpoint_registrations", "remembered_travellers"}

// VacuumPurged rewrites the database files after a purge so that nothing
// deleted can be read back from them: on SQLite VACUUM rebuilds the file
// and a truncating checkpoint empties the write-ahead log (complete is
// false when a reader of another process held it); on PostgreSQL VACUUM
// FULL rewrites the purged tables.
func (db *DB) VacuumPurged(ctx context.Context) (complete bool, err error) {
	if db.Engine == Postgres {
		for _, t := range PurgedTables {
			if _, err := db.w.ExecContext(ctx, `VACUUM (FULL, ANALYZE) `+t); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM`); err != nil {
		return false, err
	}
	var busy, log, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err != nil {
		return false, err
	}
	return busy == 0, nil
}

// HasPersonalData reports whether any person or traveller is stored: serve refuses to
// start without a key file then.
func (db *DB) HasPersonalData(ctx context.Context) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM people LIMIT 1) x)
		+ (SELECT count(*) FROM (SELECT 1 FROM checkpoint_registrations LIMIT 1) y)`).Scan(&n)
	return n > 0, err
}

// ReservePersonIDs takes n person ids for rows a bulk load inserts.
func (db *DB) ReservePersonIDs(ctx context.Context, n int) ([]int64, error) {
	var ids []int64
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		ids, err = tx.reserveIDs(ctx, "people", n)
		return err
	})
	return ids, err
}

// LoadPeople stores generated people, already sealed under ids from
// ReservePersonIDs, with their readings and alerts, in one bulk
// transaction. Like the other bulk loads it skips the audit: never feed it
// what a user typed.
func (db *DB) LoadPeople(ctx context.Context, rows []people.Row, readings []people.Temperature, alerts []people.Alert, at time.Time, by string) error {
	at = at.UTC().Truncate(time.Microsecond)
	for i := range rows {
		if _, err := sealedRow(rows[i].Person, rows[i].Sealed); err != nil {
			return err
		}
	}
	return db.bulk(ctx, func(w bulkWriter) error {
		if err := w.rows("people", personInsertCols, len(rows), func(i int) []any {
			return personValues(&rows[i], at, by)
		}); err != nil {
			return err
		}
		tcols := []string{"person_id", "day", "at", "tenths", "by_user"}
		if err := w.rows("person_temperatures", tcols, len(readings), func(i int) []any {
			t := &readings[i]
			return []any{t.Person, t.Day, t.At.UTC().Truncate(time.Microsecond), tenthsOf(t.Celsius), t.By}
		}); err != nil {
			return err
		}
		acols := []string{"kind", "uscc", "town_code", "staff_id", "celsius_tenths", "status", "opened_at", "opened_by", "closed_at", "closed_by", "note"}
		return w.rows("alerts", acols, len(alerts), func(i int) []any {
			al := &alerts[i]
			var closed any
			if al.ClosedAt != nil {
				closed = al.ClosedAt.UTC().Truncate(time.Microsecond)
			}
			return []any{al.Kind, al.USCC, al.Town, *al.StaffID, tenthsOf(al.Celsius), al.Status,
				al.OpenedAt.UTC().Truncate(time.Microsecond), al.OpenedBy, closed, al.ClosedBy, al.Note}
		})
	})
}
