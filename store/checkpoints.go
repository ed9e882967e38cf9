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

// M8, checkpoints: posts, their tokens, travellers' registrations (sealed
// as people's are: nothing here sees a whole ID number or phone), the
// phones' remembered details, and the duty roster. Reads are limited to
// the actor's scope (postScope); writes are audited in their transaction
// through pii.RedactJSON.

// Checkpoints is the database as the checkpoints' store: a value of its
// own, since some of its methods' names (AuditFullView, NotUnder, Reseal)
// are people's on DB.
type Checkpoints struct{ *DB }

// Checkpoints is db as the checkpoints' store.
func (db *DB) Checkpoints() Checkpoints { return Checkpoints{db} }

var (
	_ checkpoint.PostStore   = Checkpoints{}
	_ checkpoint.SealedStore = Checkpoints{}
)

// postScope limits posts (alias cp) to the actor's: the city for the
// admin and the bureau, a town's own, the one post a checkpoint user is
// assigned to; nothing for the other roles.
func (w *where) postScope(a fugong.Actor, alias string) {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
	case fugong.RoleTown:
		w.add(alias+".town_code = ?", a.Town)
	case fugong.RoleCheckpoint:
		w.add(alias+".id IN (SELECT post_id FROM checkpoint_assignments WHERE user_id = ?) AND "+alias+".town_code = ?", a.UserID, a.Town)
	default:
		w.add("1 = 0")
	}
}

// regScope is postScope on registrations (alias r), by their post.
func (w *where) regScope(a fugong.Actor) {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
	case fugong.RoleTown:
		w.add("r.town_code = ?", a.Town)
	case fugong.RoleCheckpoint:
		w.add("r.post_id IN (SELECT post_id FROM checkpoint_assignments WHERE user_id = ?) AND r.town_code = ?", a.UserID, a.Town)
	default:
		w.add("1 = 0")
	}
}

const postCols = `cp.id, cp.name, cp.kind, cp.town_code, cp.location, cp.token, cp.token_set_at, cp.closed, cp.created_at`

func scanPost(s scanner) (checkpoint.Post, error) {
	var p checkpoint.Post
	err := s.Scan(&p.ID, &p.Name, &p.Kind, &p.Town, &p.Location, &p.Token, &p.TokenSetAt, &p.Closed, &p.CreatedAt)
	p.TokenSetAt, p.CreatedAt = local(p.TokenSetAt), local(p.CreatedAt)
	return p, err
}

func queryPosts(ctx context.Context, q querier, query string, args ...any) ([]checkpoint.Post, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []checkpoint.Post{}
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func postInScope(ctx context.Context, q querier, a fugong.Actor, id int64) (checkpoint.Post, error) {
	w := &where{}
	w.postScope(a, "cp")
	w.add("cp.id = ?", id)
	ps, err := queryPosts(ctx, q, `SELECT `+postCols+` FROM checkpoint_posts cp`+w.String(), w.args...)
	if err != nil {
		return checkpoint.Post{}, err
	}
	if len(ps) == 0 {
		return checkpoint.Post{}, fugong.NotFound("卡口")
	}
	return ps[0], nil
}

// postAudit is a post as audited: never its token, which opens its form.
type postAudit struct {
	Name     string          `json:"name"`
	Kind     checkpoint.Kind `json:"kind"`
	Town     string          `json:"town"`
	Location string          `json:"location"`
	Closed   bool            `json:"closed"`
}

func auditOfPost(p checkpoint.Post) postAudit {
	return postAudit{Name: p.Name, Kind: p.Kind, Town: p.Town, Location: p.Location, Closed: p.Closed}
}

// tokenTaken reports whether a token is a post's, current or retired.
func tokenTaken(ctx context.Context, tx *Tx, t checkpoint.Token) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM checkpoint_posts WHERE token = $1)
		+ (SELECT count(*) FROM checkpoint_retired_tokens WHERE token = $1)`, string(t)).Scan(&n)
	return n > 0, err
}

var errTokenTaken = errors.New("store: a checkpoint token drawn twice")

// AddPost inserts a normalised post with its first token.
func (db Checkpoints) AddPost(ctx context.Context, a fugong.Actor, p checkpoint.Post) (checkpoint.Post, error) {
	err := db.write(ctx, func(tx *Tx) error {
		if taken, err := tokenTaken(ctx, tx, p.Token); err != nil {
			return err
		} else if taken {
			return errTokenTaken
		}
		p.CreatedAt, p.TokenSetAt = tx.now, tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO checkpoint_posts (name, kind, town_code, location, token, token_set_at, closed, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING id`, p.Name, string(p.Kind), p.Town, p.Location, string(p.Token), tx.now, p.Closed).Scan(&p.ID); err != nil {
			if isForeignKey(err) {
				return fugong.Errorf(fugong.EInvalid, "town", "不是瑞安市的乡镇街道")
			}
			return err
		}
		p.CreatedAt, p.TokenSetAt = local(tx.now), local(tx.now)
		return tx.audit(a, "create", "checkpoint", idString(p.ID), nil, auditOfPost(p))
	})
	return p, err
}

// UpdatePost stores what edit makes of a post in scope, its token kept.
func (db Checkpoints) UpdatePost(ctx context.Context, a fugong.Actor, id int64, edit func(p *checkpoint.Post) error) (checkpoint.Post, error) {
	var out checkpoint.Post
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "checkpoint_posts", "id", id); err != nil {
			return err
		}
		before, err := postInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		p := before
		if err := edit(&p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkpoint_posts SET name = $2, kind = $3, town_code = $4, location = $5, closed = $6
			WHERE id = $1`, id, p.Name, string(p.Kind), p.Town, p.Location, p.Closed); err != nil {
			return err
		}
		p.ID, p.Token, p.TokenSetAt, p.CreatedAt = before.ID, before.Token, before.TokenSetAt, before.CreatedAt
		out = p
		return tx.audit(a, "update", "checkpoint", idString(id), auditOfPost(before), auditOfPost(p))
	})
	return out, err
}

// Post returns a post in scope.
func (db Checkpoints) Post(ctx context.Context, a fugong.Actor, id int64) (checkpoint.Post, error) {
	return postInScope(ctx, db.r, a, id)
}

// Posts returns a page of the posts in scope, by town and name.
func (db Checkpoints) Posts(ctx context.Context, a fugong.Actor, f checkpoint.PostFilter) ([]checkpoint.Post, int, error) {
	w := &where{}
	w.postScope(a, "cp")
	if f.Town != "" {
		w.add("cp.town_code = ?", f.Town)
	}
	if f.Kind != "" {
		w.add("cp.kind = ?", string(f.Kind))
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM checkpoint_posts cp`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	ps, err := queryPosts(ctx, db.r, `SELECT `+postCols+` FROM checkpoint_posts cp`+w.String()+
		` ORDER BY cp.town_code, cp.name, cp.id`+pageClause(w, f.Page, f.PerPage), w.args...)
	return ps, total, err
}

// PostByToken finds the post of a scanned token, current or retired.
func (db Checkpoints) PostByToken(ctx context.Context, t checkpoint.Token) (checkpoint.Post, bool, error) {
	ps, err := queryPosts(ctx, db.r, `SELECT `+postCols+` FROM checkpoint_posts cp WHERE cp.token = $1`, string(t))
	if err != nil || len(ps) == 1 {
		return first(ps), false, err
	}
	ps, err = queryPosts(ctx, db.r, `SELECT `+postCols+` FROM checkpoint_posts cp
		JOIN checkpoint_retired_tokens rt ON rt.post_id = cp.id WHERE rt.token = $1`, string(t))
	if err != nil {
		return checkpoint.Post{}, false, err
	}
	if len(ps) == 0 {
		return checkpoint.Post{}, false, checkpoint.ErrUnknownCode()
	}
	return ps[0], true, nil
}

func first(ps []checkpoint.Post) checkpoint.Post {
	if len(ps) == 0 {
		return checkpoint.Post{}
	}
	return ps[0]
}

// ReplaceToken gives a post a new token and retires its old one.
func (db Checkpoints) ReplaceToken(ctx context.Context, a fugong.Actor, post int64, next checkpoint.Token) (checkpoint.Post, error) {
	var out checkpoint.Post
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "checkpoint_posts", "id", post); err != nil {
			return err
		}
		p, err := postInScope(ctx, tx, a, post)
		if err != nil {
			return err
		}
		if taken, err := tokenTaken(ctx, tx, next); err != nil {
			return err
		} else if taken {
			return errTokenTaken
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoint_retired_tokens (token, post_id, retired_at) VALUES ($1, $2, $3)`,
			string(p.Token), post, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkpoint_posts SET token = $2, token_set_at = $3 WHERE id = $1`,
			post, string(next), tx.now); err != nil {
			return err
		}
		p.Token, p.TokenSetAt = next, local(tx.now)
		out = p
		return tx.audit(a, "replace_token", "checkpoint", idString(post), nil, map[string]any{"token_set_at": tx.now})
	})
	return out, err
}

// Assign puts a checkpoint user at a post, replacing where they were. The
// rule (checkpoint.CheckAssignment) is given the user's role and town and
// the post's town, read in the actor's scope. Isolation points assign
// their staff through their own store.
func (db Checkpoints) Assign(ctx context.Context, a fugong.Actor, as checkpoint.Assignment) error {
	return db.write(ctx, func(tx *Tx) error {
		var role fugong.Role
		var town sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT role, town_code FROM users WHERE id = $1`, as.User).Scan(&role, &town); err != nil {
			return notFound(err, "用户")
		}
		placeTown := ""
		if as.Post > 0 {
			p, err := postInScope(ctx, tx, a, as.Post)
			if err != nil {
				return err
			}
			placeTown = p.Town
		}
		if as.Point > 0 {
			return fugong.Errorf(fugong.EInvalid, "point", "隔离点的工作人员请在隔离点页面安排")
		}
		if err := fugong.Invalid(checkpoint.CheckAssignment(as, role, town.String, placeTown)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoint_assignments (user_id, post_id, point_id) VALUES ($1, $2, NULL)
			ON CONFLICT (user_id) DO UPDATE SET post_id = excluded.post_id, point_id = NULL`, as.User, as.Post); err != nil {
			return err
		}
		return tx.audit(a, "assign", "user", idString(as.User), nil, as)
	})
}

// Unassign takes a user away from where they work.
func (db Checkpoints) Unassign(ctx context.Context, a fugong.Actor, user int64) error {
	return db.write(ctx, func(tx *Tx) error {
		as, err := assignmentOf(ctx, tx, user)
		if err != nil {
			return err
		}
		if as.Post > 0 {
			if _, err := postInScope(ctx, tx, a, as.Post); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM checkpoint_assignments WHERE user_id = $1`, user); err != nil {
			return err
		}
		return tx.audit(a, "unassign", "user", idString(user), as, nil)
	})
}

func assignmentOf(ctx context.Context, q rowQuerier, user int64) (checkpoint.Assignment, error) {
	as := checkpoint.Assignment{User: user}
	var post, point sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT post_id, point_id FROM checkpoint_assignments WHERE user_id = $1`, user).Scan(&post, &point)
	as.Post, as.Point = post.Int64, point.Int64
	return as, notFound(err, "工作安排")
}

// AssignmentOf is where a user works.
func (db Checkpoints) AssignmentOf(ctx context.Context, user int64) (checkpoint.Assignment, error) {
	return assignmentOf(ctx, db.r, user)
}

const regCols = `r.id, r.post_id, r.town_code, r.day, r.number, r.at, r.name, r.plate, r.origin, r.destination, r.direction,
	r.fever, r.cough, r.high_risk_area, r.health_code, r.confirmed_at, r.confirmed_by, r.celsius_tenths, r.fever_alert,
	r.key_id, r.id_cipher, r.id_index, r.id_masked, r.phone_cipher, r.phone_masked`

func scanRegistration(s scanner) (checkpoint.RegistrationRow, error) {
	var row checkpoint.RegistrationRow
	g := &row.Registration
	var confirmed sql.NullTime
	var tenths int
	var key int64
	err := s.Scan(&g.ID, &g.Post, &g.Town, &g.Day, &g.Number, &g.At, &g.Name, &g.Plate, &g.Origin, &g.Destination, &g.Direction,
		&g.Fever, &g.Cough, &g.HighRiskArea, &g.HealthCode, &confirmed, &g.ConfirmedBy, &tenths, &g.FeverAlert,
		&key, &row.Sealed.IDNumber, &row.Sealed.IDIndex, &row.Sealed.IDMasked, &row.Sealed.Phone, &row.Sealed.PhoneMasked)
	g.At = local(g.At)
	if confirmed.Valid {
		c := local(confirmed.Time)
		g.ConfirmedAt = &c
		g.Celsius = float64(tenths) / 10
	}
	row.Sealed.KeyID = pii.KeyID(key)
	return row, err
}

func queryRegistrations(ctx context.Context, q querier, query string, args ...any) ([]checkpoint.RegistrationRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []checkpoint.RegistrationRow{}
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func registrationInScope(ctx context.Context, q querier, a fugong.Actor, id int64) (checkpoint.RegistrationRow, error) {
	w := &where{}
	w.regScope(a)
	w.add("r.id = ?", id)
	rs, err := queryRegistrations(ctx, q, `SELECT `+regCols+` FROM checkpoint_registrations r`+w.String(), w.args...)
	if err != nil {
		return checkpoint.RegistrationRow{}, err
	}
	if len(rs) == 0 {
		return checkpoint.RegistrationRow{}, fugong.NotFound("登记")
	}
	return rs[0], nil
}

// Traveller is the audit's actor of a registration made on the public
// form: nobody signed in.
var Traveller = fugong.Actor{Username: "traveller"}

// AddRegistration inserts a traveller's registration under a fresh
// number, drawn again on a clash with the post's numbers of the day.
func (db Checkpoints) AddRegistration(ctx context.Context, g checkpoint.Registration, number func() (string, error),
	seal func(id int64) (checkpoint.Sealed, error)) (checkpoint.RegistrationRow, error) {
	var out checkpoint.RegistrationRow
	g.IDNumber, g.Phone = "", ""
	var key any // NULL without one: the unique index ignores those
	if g.Key != "" {
		key = g.Key
	}
	var stored int64 // the registration already stored under the key
	err := db.write(ctx, func(tx *Tx) error {
		if key != nil {
			// One registration of a key at a time: the page and its service
			// worker may send the same one at once.
			if err := tx.lockRow(ctx, lockUpdate, "checkpoint_posts", "id", g.Post); err != nil {
				return err
			}
			err := tx.QueryRowContext(ctx, `SELECT id FROM checkpoint_registrations WHERE post_id = $1 AND client_key = $2`, g.Post, key).Scan(&stored)
			if err != sql.ErrNoRows {
				return err
			}
		}
		ids, err := tx.reserveIDs(ctx, checkpoint.TableRegistrations, 1)
		if err != nil {
			return err
		}
		g.ID = ids[0]
		s, err := seal(g.ID)
		if err != nil {
			return err
		}
		if len(s.IDNumber) == 0 || s.IDIndex == "" || s.IDMasked == "" {
			return errors.New("store: a registration needs its sealed ID number and its index")
		}
		phone := phoneValue(s)
		at := g.At.UTC().Truncate(time.Microsecond)
		for attempt := 0; ; attempt++ {
			if attempt == checkpoint.NumberAttempts {
				return fmt.Errorf("store: %d registration numbers in a row were taken at post %d", attempt, g.Post)
			}
			if g.Number, err = number(); err != nil {
				return err
			}
			if _, err := tx.Exec(qSavepoint); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO checkpoint_registrations (id, post_id, town_code, day, number, at, name, plate,
				origin, destination, direction, fever, cough, high_risk_area, health_code, flagged,
				key_id, id_cipher, id_index, id_masked, phone_cipher, phone_masked, client_key)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
				g.ID, g.Post, g.Town, g.Day, g.Number, at, g.Name, g.Plate, g.Origin, g.Destination, string(g.Direction),
				string(g.Fever), string(g.Cough), string(g.HighRiskArea), string(g.HealthCode), len(g.Flags()) > 0,
				int64(s.KeyID), s.IDNumber, string(s.IDIndex), s.IDMasked, phone, s.PhoneMasked, key)
			if isUnique(err) {
				if _, err := tx.Exec(qRollbackTo); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(qRelease); err != nil {
				return err
			}
			break
		}
		g.At = local(at)
		out = checkpoint.RegistrationRow{Registration: g, Sealed: s}
		return tx.auditPII(Traveller, "create", "registration", idString(g.ID), nil, out.Masked())
	})
	if err == nil && stored != 0 {
		return registrationInScope(ctx, db.r, fugong.System, stored)
	}
	return out, err
}

// Registration returns a registration in scope.
func (db Checkpoints) Registration(ctx context.Context, a fugong.Actor, id int64) (checkpoint.RegistrationRow, error) {
	return registrationInScope(ctx, db.r, a, id)
}

// RegistrationByNumber finds a day's registration at a post by its number.
func (db Checkpoints) RegistrationByNumber(ctx context.Context, a fugong.Actor, post int64, day, number string) (checkpoint.RegistrationRow, error) {
	w := &where{}
	w.regScope(a)
	w.add("r.post_id = ? AND r.day = ? AND r.number = ?", post, day, number)
	rs, err := queryRegistrations(ctx, db.r, `SELECT `+regCols+` FROM checkpoint_registrations r`+w.String(), w.args...)
	if err != nil {
		return checkpoint.RegistrationRow{}, err
	}
	if len(rs) == 0 {
		return checkpoint.RegistrationRow{}, fugong.Errorf(fugong.ENotFound, "number", "登记号 %s 在本卡口今天没有登记", number)
	}
	return rs[0], nil
}

func (w *where) registrationFilter(a fugong.Actor, f checkpoint.RegistrationFilter) {
	w.regScope(a)
	if f.Post > 0 {
		w.add("r.post_id = ?", f.Post)
	}
	if f.Town != "" {
		w.add("r.town_code = ?", f.Town)
	}
	if f.From != "" {
		w.add("r.day >= ?", f.From)
	}
	if f.To != "" {
		w.add("r.day <= ?", f.To)
	}
	if f.Direction != "" {
		w.add("r.direction = ?", string(f.Direction))
	}
	if f.Flagged {
		w.add("r.flagged")
	}
	switch f.Status {
	case checkpoint.StatusPending:
		w.add("r.confirmed_at IS NULL")
	case checkpoint.StatusConfirmed:
		w.add("r.confirmed_at IS NOT NULL")
	}
}

// Registrations returns a page of the registrations in scope, newest first.
func (db Checkpoints) Registrations(ctx context.Context, a fugong.Actor, f checkpoint.RegistrationFilter) ([]checkpoint.RegistrationRow, int, error) {
	w := &where{}
	w.registrationFilter(a, f)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM checkpoint_registrations r`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rs, err := queryRegistrations(ctx, db.r, `SELECT `+regCols+` FROM checkpoint_registrations r`+w.String()+
		` ORDER BY r.id DESC`+pageClause(w, f.Page, f.PerPage), w.args...)
	return rs, total, err
}

// FindRegistrations finds the registrations in scope of any of the ID
// number's indexes, newest first.
func (db Checkpoints) FindRegistrations(ctx context.Context, a fugong.Actor, idx []pii.Index) ([]checkpoint.RegistrationRow, error) {
	if len(idx) == 0 {
		return []checkpoint.RegistrationRow{}, nil
	}
	w := &where{}
	w.regScope(a)
	marks := make([]string, len(idx))
	for i, x := range idx {
		marks[i] = w.next(string(x))
	}
	w.conds = append(w.conds, "r.id_index IN ("+strings.Join(marks, ", ")+")")
	return queryRegistrations(ctx, db.r, `SELECT `+regCols+` FROM checkpoint_registrations r`+w.String()+
		` ORDER BY r.id DESC LIMIT `+w.next(checkpoint.MaxFound), w.args...)
}

// ConfirmRegistration confirms a registration in scope and raises its
// alert, if any, in one transaction.
func (db Checkpoints) ConfirmRegistration(ctx context.Context, a fugong.Actor, id int64,
	confirm func(r *checkpoint.Registration) (*checkpoint.Alert, error)) (checkpoint.RegistrationRow, *checkpoint.Alert, error) {
	var out checkpoint.RegistrationRow
	var alert *checkpoint.Alert
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "checkpoint_registrations", "id", id); err != nil {
			return err
		}
		row, err := registrationInScope(ctx, tx, a, id)
		if err != nil {
			return err
		}
		before := row.Masked()
		g := before
		if alert, err = confirm(&g); err != nil {
			return err
		}
		if g.ConfirmedAt == nil {
			return errors.New("store: confirm left the registration unconfirmed")
		}
		res, err := tx.ExecContext(ctx, `UPDATE checkpoint_registrations SET confirmed_at = $2, confirmed_by = $3, celsius_tenths = $4,
			fever_alert = $5 WHERE id = $1 AND confirmed_at IS NULL`,
			id, g.ConfirmedAt.UTC().Truncate(time.Microsecond), g.ConfirmedBy, tenthsOf(g.Celsius), g.FeverAlert)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fugong.Errorf(fugong.EConflict, "number", "登记号 %s 已确认，无需重复确认", g.Number)
		}
		row.Registration = g
		row.IDNumber, row.Phone = "", ""
		out = row
		if err := tx.auditPII(a, "confirm", "registration", idString(id), before, out.Masked()); err != nil {
			return err
		}
		if alert == nil {
			return nil
		}
		var alertID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO alerts (kind, town_code, reference, celsius_tenths, status, opened_at, opened_by,
			subject_name, subject_id_masked) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8) RETURNING id`,
			alert.Kind, g.Town, alert.Reference, tenthsOf(alert.Celsius), alert.OpenedAt.UTC().Truncate(time.Microsecond),
			alert.OpenedBy, alert.Name, row.Sealed.IDMasked).Scan(&alertID); err != nil {
			return err
		}
		alert.IDNumber = row.Sealed.IDMasked
		return tx.auditPII(a, "create", "alert", idString(alertID), nil, map[string]any{"kind": alert.Kind, "town": g.Town,
			"reference": alert.Reference, "celsius": alert.Celsius, "status": alert.Status})
	})
	return out, alert, err
}

// Counts counts the registrations in scope per post, day and direction.
func (db Checkpoints) Counts(ctx context.Context, a fugong.Actor, f checkpoint.RegistrationFilter) ([]checkpoint.Count, error) {
	w := &where{}
	w.registrationFilter(a, f)
	rows, err := db.r.QueryContext(ctx, `SELECT r.post_id, r.day, r.direction, count(*), count(r.confirmed_at),
		sum(CASE WHEN r.fever_alert THEN 1 ELSE 0 END), sum(CASE WHEN r.flagged THEN 1 ELSE 0 END)
		FROM checkpoint_registrations r`+w.String()+` GROUP BY r.post_id, r.day, r.direction ORDER BY r.post_id, r.day, r.direction`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []checkpoint.Count{}
	for rows.Next() {
		var c checkpoint.Count
		if err := rows.Scan(&c.Post, &c.Day, &c.Direction, &c.Registered, &c.Confirmed, &c.Fever, &c.Flagged); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AuditFullView records that the actor saw a whole ID number and phone.
func (db Checkpoints) AuditFullView(ctx context.Context, a fugong.Actor, ref, reason string) error {
	return db.write(ctx, func(tx *Tx) error {
		return tx.auditPII(a, "reveal", "registration", ref, nil, map[string]string{"reason": reason})
	})
}

// Remembered finds a remembered traveller that has not expired at now.
func (db Checkpoints) Remembered(ctx context.Context, l checkpoint.Lookup, now time.Time) (checkpoint.Remembered, error) {
	m := checkpoint.Remembered{Lookup: l}
	var key int64
	err := db.r.QueryRowContext(ctx, `SELECT key_id, details, created_at, used_at, expires_at FROM remembered_travellers
		WHERE lookup = $1 AND expires_at > $2`, string(l), now.UTC()).Scan(&key, &m.Details, &m.CreatedAt, &m.UsedAt, &m.ExpiresAt)
	m.KeyID = pii.KeyID(key)
	m.CreatedAt, m.UsedAt, m.ExpiresAt = local(m.CreatedAt), local(m.UsedAt), local(m.ExpiresAt)
	return m, notFound(err, "记住的信息")
}

// SaveRemembered inserts or replaces a remembered traveller. It is not
// audited: it is the traveller's own phone's, sealed, and expires.
func (db Checkpoints) SaveRemembered(ctx context.Context, m checkpoint.Remembered) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO remembered_travellers (lookup, key_id, details, created_at, used_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lookup) DO UPDATE SET key_id = excluded.key_id, details = excluded.details,
			used_at = excluded.used_at, expires_at = excluded.expires_at`,
			string(m.Lookup), int64(m.KeyID), m.Details, m.CreatedAt.UTC(), m.UsedAt.UTC(), m.ExpiresAt.UTC())
		return err
	})
}

// ForgetRemembered deletes a remembered traveller.
func (db Checkpoints) ForgetRemembered(ctx context.Context, l checkpoint.Lookup) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM remembered_travellers WHERE lookup = $1`, string(l))
		return err
	})
}

// PurgeRemembered deletes the remembered travellers expired at now.
func (db Checkpoints) PurgeRemembered(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM remembered_travellers WHERE expires_at <= $1`, now.UTC())
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		n = int(k)
		return err
	})
	return n, err
}

// SaveShift inserts a normalised shift (ID 0) or replaces one, at a post
// in scope.
func (db Checkpoints) SaveShift(ctx context.Context, a fugong.Actor, s checkpoint.Shift) (checkpoint.Shift, error) {
	err := db.write(ctx, func(tx *Tx) error {
		if _, err := postInScope(ctx, tx, a, s.Post); err != nil {
			return err
		}
		names, err := json.Marshal(s.People)
		if err != nil {
			return err
		}
		if s.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO checkpoint_shifts (post_id, day, start_at, end_at, people, note)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, s.Post, s.Day, s.Start, s.End, string(names), s.Note).Scan(&s.ID); err != nil {
				return err
			}
			return tx.audit(a, "create", "shift", idString(s.ID), nil, s)
		}
		before, err := shiftOf(ctx, tx, s.ID)
		if err != nil || before.Post != s.Post {
			return cmpErr(err, fugong.NotFound("值班"))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkpoint_shifts SET day = $2, start_at = $3, end_at = $4, people = $5, note = $6
			WHERE id = $1`, s.ID, s.Day, s.Start, s.End, string(names), s.Note); err != nil {
			return err
		}
		return tx.audit(a, "update", "shift", idString(s.ID), before, s)
	})
	return s, err
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

const shiftCols = `id, post_id, day, start_at, end_at, people, note`

func scanShifts(rows *sql.Rows) ([]checkpoint.Shift, error) {
	defer rows.Close()
	out := []checkpoint.Shift{}
	for rows.Next() {
		var s checkpoint.Shift
		var names string
		if err := rows.Scan(&s.ID, &s.Post, &s.Day, &s.Start, &s.End, &names, &s.Note); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(names), &s.People); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func shiftOf(ctx context.Context, q querier, id int64) (checkpoint.Shift, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+shiftCols+` FROM checkpoint_shifts WHERE id = $1`, id)
	if err != nil {
		return checkpoint.Shift{}, err
	}
	ss, err := scanShifts(rows)
	if err != nil {
		return checkpoint.Shift{}, err
	}
	if len(ss) == 0 {
		return checkpoint.Shift{}, fugong.NotFound("值班")
	}
	return ss[0], nil
}

// DeleteShift deletes a shift of a post in scope.
func (db Checkpoints) DeleteShift(ctx context.Context, a fugong.Actor, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		s, err := shiftOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := postInScope(ctx, tx, a, s.Post); err != nil {
			return fugong.NotFound("值班")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM checkpoint_shifts WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit(a, "delete", "shift", idString(id), s, nil)
	})
}

// Shifts are a post's shifts from one day to another, by day and start.
func (db Checkpoints) Shifts(ctx context.Context, a fugong.Actor, post int64, from, to string) ([]checkpoint.Shift, error) {
	if _, err := postInScope(ctx, db.r, a, post); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+shiftCols+` FROM checkpoint_shifts WHERE post_id = $1 AND day >= $2 AND day <= $3
		ORDER BY day, start_at, id`, post, from, to)
	if err != nil {
		return nil, err
	}
	return scanShifts(rows)
}

func sealedTable(table string) error {
	if table != checkpoint.TableRegistrations {
		return fmt.Errorf("store: %q is no sealed table of the checkpoints", table)
	}
	return nil
}

// NotUnder (checkpoint.SealedStore, for a rotation: the registrations are
// the checkpoints' sealed table) lists up to limit registrations after an id sealed under
// another key than current.
func (db Checkpoints) NotUnder(ctx context.Context, table string, current pii.KeyID, after int64, limit int) ([]checkpoint.Resealed, error) {
	if err := sealedTable(table); err != nil {
		return nil, err
	}
	rows, err := queryRegistrations(ctx, db.r, `SELECT `+regCols+` FROM checkpoint_registrations r
		WHERE r.key_id <> $1 AND r.id > $2 ORDER BY r.id LIMIT $3`, int64(current), after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]checkpoint.Resealed, len(rows))
	for i, r := range rows {
		out[i] = checkpoint.Resealed{ID: r.ID, Old: r.Sealed.KeyID, Sealed: r.Sealed}
	}
	return out, nil
}

// Reseal stores the registrations a rotation sealed again, each only if
// still under its old key, in one transaction audited as one entry.
func (db Checkpoints) Reseal(ctx context.Context, a fugong.Actor, table string, rows []checkpoint.Resealed) (int, error) {
	if err := sealedTable(table); err != nil {
		return 0, err
	}
	done := 0
	err := db.write(ctx, func(tx *Tx) error {
		done = 0
		var key pii.KeyID
		for _, r := range rows {
			sd := r.Sealed
			phone := phoneValue(sd)
			res, err := tx.ExecContext(ctx, `UPDATE checkpoint_registrations SET key_id = $3, id_cipher = $4, id_index = $5, id_masked = $6,
				phone_cipher = $7, phone_masked = $8 WHERE id = $1 AND key_id = $2`,
				r.ID, int64(r.Old), int64(sd.KeyID), sd.IDNumber, string(sd.IDIndex), sd.IDMasked, phone, sd.PhoneMasked)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			done += int(n)
			key = sd.KeyID
		}
		if done == 0 {
			return nil
		}
		return tx.auditPII(a, "rotate", "pii_key", key.String(), nil, map[string]int{table: done})
	})
	return done, err
}

// RegistrationKeyIDs counts the registrations sealed under each key.
func (db Checkpoints) RegistrationKeyIDs(ctx context.Context) (map[pii.KeyID]int, error) {
	return keyIDCounts(ctx, db.r, "checkpoint_registrations")
}

// TravellerPurge is what a purge of travellers erased (or would erase):
// the registrations made before a day, their alerts unlinked and their
// audit rows blanked, and every remembered traveller's details unused
// since then. The per-post, per-day counts are kept.
type TravellerPurge struct {
	Registrations int `json:"registrations"`
	Alerts        int `json:"alerts"`
	Remembered    int `json:"remembered"`
	AuditScrubs   int `json:"audit_scrubs"`
}

// PurgeTravellers erases the travellers' personal data of the
// registrations made before a day (YYYY-MM-DD), as people.Purge does for
// staff: their counts per post, day and direction are kept in
// checkpoint_day_counts. With dryRun it only counts.
func (db Checkpoints) PurgeTravellers(ctx context.Context, a fugong.Actor, before string, dryRun bool) (TravellerPurge, error) {
	var rep TravellerPurge
	day, err := time.ParseInLocation(people.DateLayout, before, fugong.Location)
	if err != nil {
		return rep, fugong.Errorf(fugong.EInvalid, "ended_before", "日期应为 YYYY-MM-DD 格式的有效日期")
	}
	cut := day.UTC()
	const gone = `SELECT id FROM checkpoint_registrations WHERE day < $1`
	const goneText = `SELECT CAST(id AS TEXT) FROM checkpoint_registrations WHERE day < $1`
	const goneRefs = `SELECT 'registration:' || CAST(id AS TEXT) FROM checkpoint_registrations WHERE day < $1`
	err = db.secureWrite(ctx, func(tx *Tx) error {
		for _, c := range []struct {
			n    *int
			q    string
			args []any
		}{
			{&rep.Registrations, `SELECT count(*) FROM checkpoint_registrations WHERE day < $1`, []any{before}},
			{&rep.Alerts, `SELECT count(*) FROM alerts WHERE reference IN (` + goneRefs + `)`, []any{before}},
			{&rep.AuditScrubs, auditRowsOf(map[string]string{"registration": goneText}), []any{before}},
			{&rep.Remembered, `SELECT count(*) FROM remembered_travellers WHERE used_at < $1`, []any{cut}},
		} {
			if err := tx.QueryRowContext(ctx, c.q, c.args...).Scan(c.n); err != nil {
				return err
			}
		}
		if dryRun || rep.Registrations+rep.Remembered == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoint_day_counts (post_id, day, direction, registered, confirmed, fever)
			SELECT post_id, day, direction, count(*), count(confirmed_at), sum(CASE WHEN fever_alert THEN 1 ELSE 0 END)
			FROM checkpoint_registrations WHERE day < $1 GROUP BY post_id, day, direction
			ON CONFLICT (post_id, day, direction) DO UPDATE SET registered = checkpoint_day_counts.registered + excluded.registered,
				confirmed = checkpoint_day_counts.confirmed + excluded.confirmed, fever = checkpoint_day_counts.fever + excluded.fever`, before); err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE alerts SET subject_name = '', subject_id_masked = '', note = '', reference = 'registration:purged' WHERE reference IN (` + goneRefs + `)`,
			`UPDATE audit_log SET before = NULL, after = '{"purged":true}' WHERE ` + notReports + ` AND entity = 'registration' AND entity_id IN (` + goneText + `)`,
			`DELETE FROM checkpoint_registrations WHERE id IN (` + gone + `)`,
		} {
			if _, err := tx.ExecContext(ctx, q, before); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM remembered_travellers WHERE used_at < $1`, cut); err != nil {
			return err
		}
		return tx.auditPII(a, "purge", "registrations", before, nil, rep)
	})
	return rep, err
}

// ReserveRegistrationIDs takes n registration ids for rows a bulk load
// inserts (sealed under them first).
func (db Checkpoints) ReserveRegistrationIDs(ctx context.Context, n int) ([]int64, error) {
	var ids []int64
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		ids, err = tx.reserveIDs(ctx, checkpoint.TableRegistrations, n)
		return err
	})
	return ids, err
}

var registrationInsertCols = []string{"id", "post_id", "town_code", "day", "number", "at", "name", "plate", "origin", "destination",
	"direction", "fever", "cough", "high_risk_area", "health_code", "flagged", "key_id", "id_cipher", "id_index", "id_masked",
	"phone_cipher", "phone_masked", "confirmed_at", "confirmed_by", "celsius_tenths", "fever_alert"}

// LoadRegistrations stores generated registrations, already sealed under
// ids from ReserveRegistrationIDs, their fever alerts and the posts'
// shifts, in one bulk transaction. Like the other bulk loads it skips the
// audit: never feed it what a user typed.
func (db Checkpoints) LoadRegistrations(ctx context.Context, rows []checkpoint.RegistrationRow, alerts []checkpoint.Alert, shifts []checkpoint.Shift) error {
	for _, r := range rows {
		if len(r.Sealed.IDNumber) == 0 || r.Sealed.IDIndex == "" || r.IDNumber != "" || r.Phone != "" {
			return errors.New("store: a loaded registration must be sealed, its ID number and phone empty")
		}
	}
	return db.bulk(ctx, func(w bulkWriter) error {
		if err := w.rows("checkpoint_registrations", registrationInsertCols, len(rows), func(i int) []any {
			r := &rows[i]
			var phone, confirmed any
			if len(r.Sealed.Phone) > 0 {
				phone = r.Sealed.Phone
			}
			if r.ConfirmedAt != nil {
				confirmed = r.ConfirmedAt.UTC().Truncate(time.Microsecond)
			}
			return []any{r.ID, r.Post, r.Town, r.Day, r.Number, r.At.UTC().Truncate(time.Microsecond), r.Name, r.Plate, r.Origin,
				r.Destination, string(r.Direction), string(r.Fever), string(r.Cough), string(r.HighRiskArea), string(r.HealthCode),
				len(r.Flags()) > 0, int64(r.Sealed.KeyID), r.Sealed.IDNumber, string(r.Sealed.IDIndex), r.Sealed.IDMasked, phone,
				r.Sealed.PhoneMasked, confirmed, r.ConfirmedBy, tenthsOf(r.Celsius), r.FeverAlert}
		}); err != nil {
			return err
		}
		acols := []string{"kind", "town_code", "reference", "celsius_tenths", "status", "opened_at", "opened_by", "subject_name", "subject_id_masked"}
		if err := w.rows("alerts", acols, len(alerts), func(i int) []any {
			al := &alerts[i]
			return []any{al.Kind, al.Town, al.Reference, tenthsOf(al.Celsius), al.Status, al.OpenedAt.UTC().Truncate(time.Microsecond),
				al.OpenedBy, al.Name, al.IDNumber}
		}); err != nil {
			return err
		}
		scols := []string{"post_id", "day", "start_at", "end_at", "people", "note"}
		return w.rows("checkpoint_shifts", scols, len(shifts), func(i int) []any {
			s := &shifts[i]
			names, _ := json.Marshal(s.People)
			return []any{s.Post, s.Day, s.Start, s.End, string(names), s.Note}
		})
	})
}
