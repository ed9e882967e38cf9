package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/pii"
)

// M8, isolation points. Residents' ID numbers and phones arrive sealed
// (package checkpoint seals them with package pii) and leave sealed, as
// people's do; every write is audited in its transaction through
// pii.RedactJSON. An admission runs with the point's row locked, a reading
// with the resident's, so that two at once queue instead of both taking a
// room's last bed or both being a round's first version.

var _ checkpoint.ResidentStore = (*DB)(nil)

// pointScope limits points (alias ip) to the actor's: every point for the
// admin and the bureau, a town's own, none for anyone else (the checkpoint
// staff's assignment to a point is the posts' table).
func (w *where) pointScope(a fugong.Actor) {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
	case fugong.RoleTown:
		w.add("ip.town_code = ?", a.Town)
	default:
		w.add("1 = 0")
	}
}

const pointCols = `ip.id, ip.name, ip.town_code, ip.address, ip.rooms, ip.capacity, ip.closed`

func scanPoint(s scanner) (checkpoint.Point, error) {
	var p checkpoint.Point
	var capacity string
	if err := s.Scan(&p.ID, &p.Name, &p.Town, &p.Address, &p.Rooms, &capacity, &p.Closed); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(capacity), &p.Capacity); err != nil {
		return p, fmt.Errorf("store: point %d: capacity: %w", p.ID, err)
	}
	if len(p.Capacity) == 0 {
		p.Capacity = nil
	}
	return p, nil
}

func queryPoints(ctx context.Context, q querier, query string, args ...any) ([]checkpoint.Point, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []checkpoint.Point{}
	for rows.Next() {
		p, err := scanPoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func capacityJSON(p checkpoint.Point) string {
	if len(p.Capacity) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(p.Capacity) // a map of string to int always marshals
	return string(b)
}

func pointInScope(ctx context.Context, q querier, a fugong.Actor, id int64) (checkpoint.Point, error) {
	w := &where{}
	w.pointScope(a)
	w.add("ip.id = ?", id)
	ps, err := queryPoints(ctx, q, `SELECT `+pointCols+` FROM isolation_points ip`+w.String(), w.args...)
	if err != nil {
		return checkpoint.Point{}, err
	}
	if len(ps) == 0 {
		return checkpoint.Point{}, fugong.NotFound("隔离点")
	}
	return ps[0], nil
}

// AddPoint inserts a normalised point.
func (db *DB) AddPoint(ctx context.Context, a fugong.Actor, p checkpoint.Point) (checkpoint.Point, error) {
	err := db.write(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO isolation_points (name, town_code, address, rooms, capacity, closed,
			created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id`,
			p.Name, p.Town, p.Address, p.Rooms, capacityJSON(p), p.Closed, tx.now, a.Username).Scan(&p.ID)
		if isForeignKey(err) {
			return fugong.Errorf(fugong.EInvalid, "town", "所属乡镇街道不存在")
		}
		if err != nil {
			return err
		}
		return tx.audit(a, "create", "isolation_point", idString(p.ID), nil, p)
	})
	return p, err
}

// Point returns a point in scope.
func (db *DB) Point(ctx context.Context, a fugong.Actor, id int64) (checkpoint.Point, error) {
	return pointInScope(ctx, db.r, a, id)
}

// Points returns a page of the points in scope, by town and name.
func (db *DB) Points(ctx context.Context, a fugong.Actor, f checkpoint.PointFilter) ([]checkpoint.Point, int, error) {
	w := &where{}
	w.pointScope(a)
	if f.Town != "" {
		w.add("ip.town_code = ?", f.Town)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM isolation_points ip`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	ps, err := queryPoints(ctx, db.r, `SELECT `+pointCols+` FROM isolation_points ip`+w.String()+
		` ORDER BY ip.town_code, ip.name, ip.id`+pageClause(w, f.Page, f.PerPage), w.args...)
	return ps, total, err
}

// residentCols are a resident's columns, sealed data included; residentFrom
// joins the point (alias ip) for the scope.
const (
	residentCols = `r.id, r.point_id, r.room, r.name, r.origin, r.admitted_on, r.days, r.release_on, r.released_on,
	r.released_by, r.release_note, r.key_id, r.id_cipher, r.id_index, r.id_masked, r.phone_cipher, r.phone_masked`
	residentFrom = ` FROM isolation_residents r JOIN isolation_points ip ON ip.id = r.point_id`
)

func scanResident(s scanner) (checkpoint.ResidentRow, error) {
	var row checkpoint.ResidentRow
	r, sl := &row.Resident, &row.Sealed
	var key int64
	err := s.Scan(&r.ID, &r.Point, &r.Room, &r.Name, &r.Origin, &r.AdmittedOn, &r.Days, &r.ReleaseOn, &r.ReleasedOn,
		&r.ReleasedBy, &r.ReleaseNote, &key, &sl.IDNumber, &sl.IDIndex, &sl.IDMasked, &sl.Phone, &sl.PhoneMasked)
	sl.KeyID = pii.KeyID(key)
	return row, err
}

func queryResidents(ctx context.Context, q querier, query string, args ...any) ([]checkpoint.ResidentRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []checkpoint.ResidentRow{}
	for rows.Next() {
		r, err := scanResident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// inResidenceOn keeps the residents (alias r) at their point on a day.
func (w *where) inResidenceOn(day string) {
	w.add("r.admitted_on <= ?", day)
	w.add("(r.released_on = '' OR r.released_on > ?)", day)
}

// pointResidents are the residents of a point at any time from a day on,
// masked: what an admission or a change of rooms is checked against.
func pointResidents(ctx context.Context, q querier, point int64, from string) ([]checkpoint.Resident, error) {
	rows, err := queryResidents(ctx, q, `SELECT `+residentCols+residentFrom+
		` WHERE r.point_id = $1 AND (r.released_on = '' OR r.released_on > $2) ORDER BY r.id`, point, from)
	if err != nil {
		return nil, err
	}
	out := make([]checkpoint.Resident, len(rows))
	for i, r := range rows {
		out[i] = r.Masked()
	}
	return out, nil
}

// UpdatePoint replaces a point in scope with what edit makes of it, the
// point's row locked so that no admission runs meanwhile.
func (db *DB) UpdatePoint(ctx context.Context, a fugong.Actor, id int64,
	edit func(p *checkpoint.Point, current []checkpoint.Resident) error) (checkpoint.Point, error) {
	var out checkpoint.Point
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRow(ctx, lockUpdate, "isolation_points", "id", id); err != nil {
			return err
		}
		p, err := pointInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		current, err := pointResidents(ctx, tx, id, people.Today(tx.now))
		if err != nil {
			return err
		}
		before := p
		if err := edit(&p, current); err != nil {
			return err
		}
		p.ID, p.Town = id, before.Town
		if _, err := tx.ExecContext(ctx, `UPDATE isolation_points SET name = $2, address = $3, rooms = $4, capacity = $5,
			closed = $6, updated_at = $7, updated_by = $8 WHERE id = $1`,
			id, p.Name, p.Address, p.Rooms, capacityJSON(p), p.Closed, tx.now, a.Username); err != nil {
			return err
		}
		out = p
		return tx.audit(a, "update", "isolation_point", idString(id), before, p)
	})
	return out, err
}

var residentInsertCols = []string{"id", "point_id", "room", "name", "origin", "admitted_on", "days", "release_on",
	"key_id", "id_cipher", "id_index", "id_masked", "phone_cipher", "phone_masked", "created_at", "updated_at", "updated_by"}

func phoneValue(s checkpoint.Sealed) any {
	if len(s.Phone) == 0 {
		return nil
	}
	return s.Phone
}

// sealedResident checks that what the service sealed holds nothing in
// clear and is a whole sealing.
func sealedResident(r checkpoint.Resident, s checkpoint.Sealed) (checkpoint.ResidentRow, error) {
	if len(s.IDNumber) == 0 || s.IDIndex == "" || s.IDMasked == "" {
		return checkpoint.ResidentRow{}, errors.New("store: a resident needs their sealed ID number and its index")
	}
	r.IDNumber, r.Phone = "", ""
	return checkpoint.ResidentRow{Resident: r, Sealed: s}, nil
}

// Admit inserts residents at a point in one transaction, the point's row
// locked: check sees the point and everyone there from the earliest
// admission on, and refuses the whole admission.
func (db *DB) Admit(ctx context.Context, a fugong.Actor, point int64, rs []checkpoint.Resident,
	check func(p checkpoint.Point, current []checkpoint.Resident) error,
	seal func(i int, id int64) (checkpoint.Sealed, error)) ([]checkpoint.ResidentRow, error) {
	var out []checkpoint.ResidentRow
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRow(ctx, lockUpdate, "isolation_points", "id", point); err != nil {
			return err
		}
		p, err := pointInScope(ctx, tx, a, point)
		if err != nil {
			return err
		}
		from := ""
		for i, r := range rs {
			if i == 0 || r.AdmittedOn < from {
				from = r.AdmittedOn
			}
		}
		current, err := pointResidents(ctx, tx, point, from)
		if err != nil {
			return err
		}
		if err := check(p, current); err != nil {
			return err
		}
		ids, err := tx.reserveIDs(ctx, "isolation_residents", len(rs))
		if err != nil {
			return err
		}
		rows := make([]checkpoint.ResidentRow, len(rs))
		for i, r := range rs {
			s, err := seal(i, ids[i])
			if err != nil {
				return err
			}
			r.ID, r.Point = ids[i], point
			if rows[i], err = sealedResident(r, s); err != nil {
				return err
			}
		}
		if err := tx.insertRows(ctx, "isolation_residents", residentInsertCols, len(rows), func(i int) []any {
			r, s := &rows[i].Resident, rows[i].Sealed
			return []any{r.ID, r.Point, r.Room, r.Name, r.Origin, r.AdmittedOn, r.Days, r.ReleaseOn,
				int64(s.KeyID), s.IDNumber, string(s.IDIndex), s.IDMasked, phoneValue(s), s.PhoneMasked, tx.now, tx.now, a.Username}
		}); err != nil {
			return err
		}
		for _, r := range rows {
			if err := tx.auditPII(a, "admit", "isolation_resident", idString(r.ID), nil, r.Masked()); err != nil {
				return err
			}
		}
		out = rows
		return nil
	})
	return out, err
}

// InResidence finds the residents anywhere with any of the indexes in
// residence on a day.
func (db *DB) InResidence(ctx context.Context, idx []pii.Index, day string) ([]checkpoint.ResidentRow, error) {
	if len(idx) == 0 {
		return []checkpoint.ResidentRow{}, nil
	}
	w := &where{}
	marks := make([]string, len(idx))
	for i, x := range idx {
		marks[i] = w.next(string(x))
	}
	w.conds = append(w.conds, "r.id_index IN ("+strings.Join(marks, ", ")+")")
	w.inResidenceOn(day)
	return queryResidents(ctx, db.r, `SELECT `+residentCols+residentFrom+w.String()+` ORDER BY r.id`, w.args...)
}

func residentInScope(ctx context.Context, q querier, a fugong.Actor, id int64) (checkpoint.ResidentRow, error) {
	w := &where{}
	w.pointScope(a)
	w.add("r.id = ?", id)
	rows, err := queryResidents(ctx, q, `SELECT `+residentCols+residentFrom+w.String(), w.args...)
	if err != nil {
		return checkpoint.ResidentRow{}, err
	}
	if len(rows) == 0 {
		return checkpoint.ResidentRow{}, fugong.NotFound("隔离人员")
	}
	return rows[0], nil
}

// Resident returns a resident in scope, sealed.
func (db *DB) Resident(ctx context.Context, a fugong.Actor, id int64) (checkpoint.ResidentRow, error) {
	return residentInScope(ctx, db.r, a, id)
}

// Residents returns a page of the residents in scope by point and room;
// perPage 0 is every one.
func (db *DB) Residents(ctx context.Context, a fugong.Actor, f checkpoint.ResidentFilter) ([]checkpoint.ResidentRow, int, error) {
	w := &where{}
	w.pointScope(a)
	if f.Point > 0 {
		w.add("r.point_id = ?", f.Point)
	}
	if f.Town != "" {
		w.add("ip.town_code = ?", f.Town)
	}
	if f.Day != "" {
		w.inResidenceOn(f.Day)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+residentFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := queryResidents(ctx, db.r, `SELECT `+residentCols+residentFrom+w.String()+
		` ORDER BY r.point_id, length(r.room), r.room, r.id`+pageClause(w, f.Page, f.PerPage), w.args...)
	return rows, total, err
}

// UpdateResident replaces a resident in scope with what edit makes of the
// row, the point's row locked (a room change is checked against it).
func (db *DB) UpdateResident(ctx context.Context, a fugong.Actor, id int64,
	edit func(r *checkpoint.ResidentRow, p checkpoint.Point, current []checkpoint.Resident) error) (checkpoint.ResidentRow, error) {
	var out checkpoint.ResidentRow
	err := db.write(ctx, func(tx *Tx) error {
		var point int64
		if err := tx.QueryRowContext(ctx, `SELECT point_id FROM isolation_residents WHERE id = $1`, id).Scan(&point); err != nil {
			return notFound(err, "隔离人员")
		}
		if err := tx.lockRow(ctx, lockUpdate, "isolation_points", "id", point); err != nil {
			return err
		}
		r, err := residentInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		p, err := pointInScope(ctx, tx, a, point)
		if err != nil {
			return err
		}
		current, err := pointResidents(ctx, tx, point, r.AdmittedOn)
		if err != nil {
			return err
		}
		before := r.Masked()
		if err := edit(&r, p, current); err != nil {
			return err
		}
		row, err := sealedResident(r.Resident, r.Sealed)
		if err != nil {
			return err
		}
		row.ID, row.Point = id, point
		s := row.Sealed
		if _, err := tx.ExecContext(ctx, `UPDATE isolation_residents SET room = $2, name = $3, origin = $4, released_on = $5,
			released_by = $6, release_note = $7, key_id = $8, id_cipher = $9, id_index = $10, id_masked = $11, phone_cipher = $12,
			phone_masked = $13, updated_at = $14, updated_by = $15 WHERE id = $1`,
			id, row.Room, row.Name, row.Origin, row.ReleasedOn, row.ReleasedBy, row.ReleaseNote,
			int64(s.KeyID), s.IDNumber, string(s.IDIndex), s.IDMasked, phoneValue(s), s.PhoneMasked, tx.now, a.Username); err != nil {
			return err
		}
		out = row
		action := "update"
		if before.ReleasedOn == "" && row.ReleasedOn != "" {
			action = "release"
		}
		return tx.auditPII(a, action, "isolation_resident", idString(id), before, row.Masked())
	})
	return out, err
}

// AddReading stores a reading as its round's next version, the resident's
// row locked, and a fever's alert: a new one, or the resident's alert
// still open raised to the higher reading.
func (db *DB) AddReading(ctx context.Context, a fugong.Actor, t checkpoint.Reading, fever *checkpoint.Alert) (checkpoint.Reading, error) {
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "isolation_residents", "id", t.Resident); err != nil {
			return err
		}
		var point int64
		var town string
		if err := tx.QueryRowContext(ctx, `SELECT r.point_id, ip.town_code`+residentFrom+` WHERE r.id = $1`, t.Resident).Scan(&point, &town); err != nil {
			return notFound(err, "隔离人员")
		}
		var latest int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM isolation_readings
			WHERE resident_id = $1 AND day = $2 AND round = $3`, t.Resident, t.Day, string(t.Round)).Scan(&latest); err != nil {
			return err
		}
		t.Version = latest + 1
		at := t.At.UTC().Truncate(time.Microsecond)
		err := tx.QueryRowContext(ctx, `INSERT INTO isolation_readings (resident_id, point_id, day, round, version, tenths, at, by_user)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			t.Resident, point, t.Day, string(t.Round), t.Version, tenthsOf(t.Celsius), at, a.Username).Scan(&t.ID)
		if isUnique(err) {
			return fugong.Errorf(fugong.EConflict, "round", "该轮次测温刚被他人登记，请刷新后再更正")
		}
		if err != nil {
			return err
		}
		t.At, t.By = local(at), a.Username
		action := "round"
		if t.Version > 1 {
			action = "correct_round"
		}
		if err := tx.auditPII(a, action, "isolation_resident", idString(t.Resident), nil, t); err != nil {
			return err
		}
		if fever == nil {
			return nil
		}
		return tx.residentAlert(ctx, a, t.Resident, town, *fever)
	})
	return t, err
}

// residentAlert opens a resident's fever alert to the point's town, or
// raises the one still open to a higher reading.
func (tx *Tx) residentAlert(ctx context.Context, a fugong.Actor, resident int64, town string, al checkpoint.Alert) error {
	audit := alertAudit{Kind: al.Kind, Town: town, Celsius: al.Celsius, Status: people.AlertOpen}
	var open int64
	var high int
	err := tx.QueryRowContext(ctx, `SELECT id, celsius_tenths FROM alerts WHERE resident_id = $1 AND kind = $2 AND status = 'open'
		ORDER BY id LIMIT 1`, resident, al.Kind).Scan(&open, &high)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO alerts (kind, town_code, reference, resident_id, celsius_tenths, status, opened_at, opened_by)
			VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id`, al.Kind, town, checkpoint.ResidentRef(resident), resident,
			tenthsOf(al.Celsius), tx.now, a.Username).Scan(&id); err != nil {
			return err
		}
		return tx.auditPII(a, "create", "alert", idString(id), nil, audit)
	case err != nil:
		return err
	case tenthsOf(al.Celsius) > high:
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET celsius_tenths = $2 WHERE id = $1`, open, tenthsOf(al.Celsius)); err != nil {
			return err
		}
		before := audit
		before.Celsius = float64(high) / 10
		return tx.auditPII(a, "update", "alert", idString(open), before, audit)
	}
	return nil
}

// Readings are every version of the readings at a point in scope from one
// day to another.
func (db *DB) Readings(ctx context.Context, a fugong.Actor, point int64, from, to string) ([]checkpoint.Reading, error) {
	if _, err := pointInScope(ctx, db.r, a, point); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, resident_id, day, round, tenths, at, by_user, version FROM isolation_readings
		WHERE point_id = $1 AND day >= $2 AND day <= $3 ORDER BY resident_id, day, round, version`, point, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []checkpoint.Reading{}
	for rows.Next() {
		var t checkpoint.Reading
		var round string
		var tenths int
		if err := rows.Scan(&t.ID, &t.Resident, &t.Day, &round, &tenths, &t.At, &t.By, &t.Version); err != nil {
			return nil, err
		}
		t.Round, t.Celsius, t.At = checkpoint.Round(round), float64(tenths)/10, local(t.At)
		out = append(out, t)
	}
	return out, rows.Err()
}

// AddMeal stores a meal; a second of its kind that day is a conflict.
func (db *DB) AddMeal(ctx context.Context, a fugong.Actor, m checkpoint.Meal) (checkpoint.Meal, error) {
	err := db.write(ctx, func(tx *Tx) error {
		var point int64
		if err := tx.QueryRowContext(ctx, `SELECT point_id FROM isolation_residents WHERE id = $1`, m.Resident).Scan(&point); err != nil {
			return notFound(err, "隔离人员")
		}
		at := m.DeliveredAt.UTC().Truncate(time.Microsecond)
		err := tx.QueryRowContext(ctx, `INSERT INTO isolation_meals (resident_id, point_id, day, kind, delivered_at, by_user)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.Resident, point, m.Day, string(m.Kind), at, a.Username).Scan(&m.ID)
		if isUnique(err) {
			return checkpoint.ErrMealTwice(m)
		}
		if err != nil {
			return err
		}
		m.DeliveredAt, m.By = local(at), a.Username
		return tx.audit(a, "meal", "isolation_resident", idString(m.Resident), nil, m)
	})
	return m, err
}

// Meals are the meals of a point in scope on a day.
func (db *DB) Meals(ctx context.Context, a fugong.Actor, point int64, day string) ([]checkpoint.Meal, error) {
	if _, err := pointInScope(ctx, db.r, a, point); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, resident_id, day, kind, delivered_at, by_user FROM isolation_meals
		WHERE point_id = $1 AND day = $2 ORDER BY resident_id, id`, point, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []checkpoint.Meal{}
	for rows.Next() {
		var m checkpoint.Meal
		var kind string
		if err := rows.Scan(&m.ID, &m.Resident, &m.Day, &kind, &m.DeliveredAt, &m.By); err != nil {
			return nil, err
		}
		m.Kind, m.DeliveredAt = checkpoint.MealKind(kind), local(m.DeliveredAt)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Occupancy gives the points in scope (and town) and their residents in
// residence on a day or released that day, masked.
func (db *DB) Occupancy(ctx context.Context, a fugong.Actor, town, day string) ([]checkpoint.Point, []checkpoint.Resident, error) {
	w := &where{}
	w.pointScope(a)
	if town != "" {
		w.add("ip.town_code = ?", town)
	}
	points, err := queryPoints(ctx, db.r, `SELECT `+pointCols+` FROM isolation_points ip`+w.String()+` ORDER BY ip.town_code, ip.name, ip.id`, w.args...)
	if err != nil {
		return nil, nil, err
	}
	w.add("r.admitted_on <= ?", day)
	w.add("(r.released_on = '' OR r.released_on >= ?)", day)
	rows, err := queryResidents(ctx, db.r, `SELECT `+residentCols+residentFrom+w.String()+` ORDER BY r.point_id, r.id`, w.args...)
	if err != nil {
		return nil, nil, err
	}
	residents := make([]checkpoint.Resident, len(rows))
	for i, r := range rows {
		residents[i] = r.Masked()
	}
	return points, residents, nil
}

// residentView is the audit of a reveal: whose record, what was seen
// (masked here) and why.
type residentView struct {
	Point    int64  `json:"point"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
	Reason   string `json:"reason"`
}

// AuditResidentView records that the actor saw a resident's whole ID
// number and phone, and why.
func (db *DB) AuditResidentView(ctx context.Context, a fugong.Actor, r checkpoint.Resident, reason string) error {
	return db.write(ctx, func(tx *Tx) error {
		return tx.auditPII(a, "reveal", "isolation_resident", idString(r.ID), nil,
			residentView{Point: r.Point, Name: r.Name, IDNumber: r.IDNumber, Phone: r.Phone, Reason: reason})
	})
}

// ResidentKeyIDs counts the residents sealed under each key.
func (db *DB) ResidentKeyIDs(ctx context.Context) (map[pii.KeyID]int, error) {
	return keyIDCounts(ctx, db.r, "isolation_residents")
}

// ResidentsNotUnder lists up to limit residents after an id sealed under
// another key than current.
func (db *DB) ResidentsNotUnder(ctx context.Context, current pii.KeyID, after int64, limit int) ([]checkpoint.ResidentRow, error) {
	return queryResidents(ctx, db.r, `SELECT `+residentCols+residentFrom+` WHERE r.key_id <> $1 AND r.id > $2 ORDER BY r.id LIMIT $3`,
		int64(current), after, limit)
}

// ResealResidents stores the residents a rotation sealed again, each only
// if still under its old key, in one transaction audited as one entry.
func (db *DB) ResealResidents(ctx context.Context, a fugong.Actor, rows []checkpoint.Resealed) (int, error) {
	done := 0
	err := db.write(ctx, func(tx *Tx) error {
		done = 0
		var key pii.KeyID
		for _, r := range rows {
			s := r.Sealed
			res, err := tx.ExecContext(ctx, `UPDATE isolation_residents SET key_id = $3, id_cipher = $4, id_index = $5, id_masked = $6,
				phone_cipher = $7, phone_masked = $8 WHERE id = $1 AND key_id = $2`,
				r.ID, int64(r.Old), int64(s.KeyID), s.IDNumber, string(s.IDIndex), s.IDMasked, phoneValue(s), s.PhoneMasked)
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
		return tx.auditPII(a, "rotate", "pii_key", key.String(), nil, map[string]int{"isolation_residents": done})
	})
	return done, err
}

// PurgeResidents erases the personal data of the residents released
// before a day, as Purge does the roster's: a tombstone each, each point's
// readings of a day as counts, alerts and audit rows unlinked and
// scrubbed; on SQLite with secure_delete.
func (db *DB) PurgeResidents(ctx context.Context, a fugong.Actor, before string, dryRun bool) (checkpoint.ResidentPurge, error) {
	rep := checkpoint.ResidentPurge{Before: before, DryRun: dryRun, Points: map[int64]int{}}
	set := people.Defaults
	if v, ok, err := db.Setting(ctx, people.SettingsKey); err != nil {
		return rep, err
	} else if ok {
		if set, err = people.ParseSettings(v); err != nil {
			return rep, err
		}
	}
	const gone = `SELECT id FROM isolation_residents WHERE released_on <> '' AND released_on < $1`
	const goneText = `SELECT CAST(id AS TEXT) FROM isolation_residents WHERE released_on <> '' AND released_on < $1`
	const goneAlerts = `SELECT CAST(id AS TEXT) FROM alerts WHERE resident_id IN (` + gone + `)`
	err := db.secureWrite(ctx, func(tx *Tx) error {
		type tomb struct {
			id, point                         int64
			room, admitted, releaseOn, leftOn string
			days                              int
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, point_id, room, admitted_on, days, release_on, released_on
			FROM isolation_residents WHERE released_on <> '' AND released_on < $1 ORDER BY id`, before)
		if err != nil {
			return err
		}
		var tombs []tomb
		for rows.Next() {
			var t tomb
			if err := rows.Scan(&t.id, &t.point, &t.room, &t.admitted, &t.days, &t.releaseOn, &t.leftOn); err != nil {
				rows.Close()
				return err
			}
			tombs = append(tombs, t)
			rep.Points[t.point]++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rep.Residents = len(tombs)
		for _, c := range []struct {
			n *int
			q string
		}{
			{&rep.Readings, `SELECT count(*) FROM isolation_readings WHERE resident_id IN (` + gone + `)`},
			{&rep.Meals, `SELECT count(*) FROM isolation_meals WHERE resident_id IN (` + gone + `)`},
			{&rep.Alerts, `SELECT count(*) FROM alerts WHERE resident_id IN (` + gone + `)`},
			{&rep.AuditScrubs, auditRowsOf(map[string]string{"isolation_resident": goneText, "alert": goneAlerts})},
		} {
			if err := tx.QueryRowContext(ctx, c.q, before).Scan(c.n); err != nil {
				return err
			}
		}
		if dryRun || rep.Residents == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO isolation_day_counts (point_id, day, readings, fever_residents)
			SELECT t.point_id, t.day, count(*), count(DISTINCT CASE WHEN t.tenths >= $2 THEN t.resident_id END)
			FROM isolation_readings t WHERE t.resident_id IN (`+gone+`)
			GROUP BY t.point_id, t.day
			ON CONFLICT (point_id, day) DO UPDATE SET readings = isolation_day_counts.readings + excluded.readings,
				fever_residents = isolation_day_counts.fever_residents + excluded.fever_residents`, before, tenthsOf(set.FeverThreshold)); err != nil {
			return err
		}
		if err := tx.insertRows(ctx, "isolation_residents_purged", []string{"id", "point_id", "room", "admitted_on", "days",
			"release_on", "released_on", "purged_at"}, len(tombs), func(i int) []any {
			t := &tombs[i]
			return []any{t.id, t.point, t.room, t.admitted, t.days, t.releaseOn, t.leftOn, tx.now}
		}); err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE audit_log SET before = NULL, after = '{"purged":true}' WHERE ` + notReports + ` AND entity = 'alert' AND entity_id IN (` + goneAlerts + `)`,
			`UPDATE alerts SET note = '' WHERE resident_id IN (` + gone + `)`,
			`UPDATE audit_log SET before = NULL, after = '{"purged":true}' WHERE ` + notReports + ` AND entity = 'isolation_resident' AND entity_id IN (` + goneText + `)`,
			`DELETE FROM isolation_readings WHERE resident_id IN (` + gone + `)`,
			`DELETE FROM isolation_meals WHERE resident_id IN (` + gone + `)`,
			`DELETE FROM isolation_residents WHERE released_on <> '' AND released_on < $1`, // alerts' resident_id become NULL
		} {
			if _, err := tx.ExecContext(ctx, q, before); err != nil {
				return err
			}
		}
		return tx.auditPII(a, "purge", "isolation_residents", before, nil, map[string]int{"residents": rep.Residents,
			"readings": rep.Readings, "meals": rep.Meals, "alerts": rep.Alerts, "points": len(rep.Points), "audit_scrubs": rep.AuditScrubs})
	})
	return rep, err
}
