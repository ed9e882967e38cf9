package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"fugong"
	"fugong/account"
)

const userCols = `u.id, u.username, u.display_name, u.role, u.town_code, u.enterprise_uscc, u.work_group, u.group_leader, u.disabled, u.created_at`

func scanUser(s scanner, extra ...any) (account.User, error) {
	var u account.User
	var town, ent, group sql.NullString
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &town, &ent, &group, &u.GroupLeader, &u.Disabled, &u.CreatedAt}, extra...)
	err := s.Scan(dest...)
	u.Town, u.Enterprise, u.Group = town.String, ent.String, fugong.Group(group.String)
	return u, err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateUser adds a user; a taken username is a conflict, an unknown
// enterprise is invalid.
func (db *DB) CreateUser(ctx context.Context, a fugong.Actor, u account.User, passwordHash string) (account.User, error) {
	err := db.write(ctx, func(tx *Tx) error {
		u.CreatedAt = tx.now
		err := tx.QueryRow(`INSERT INTO users (username, display_name, role, town_code, enterprise_uscc, work_group,
			group_leader, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			u.Username, u.DisplayName, u.Role, nullIfEmpty(u.Town), nullIfEmpty(u.Enterprise), nullIfEmpty(string(u.Group)),
			u.GroupLeader, passwordHash, u.CreatedAt).Scan(&u.ID)
		switch {
		case isUnique(err):
			return fugong.Errorf(fugong.EConflict, "username", "用户名 %s 已存在", u.Username)
		case isForeignKey(err):
			return fugong.Errorf(fugong.EInvalid, "enterprise", "企业 %s 未登记", u.Enterprise)
		case err != nil:
			return err
		}
		return tx.audit(a, "create", "user", u.Username, nil, u)
	})
	return u, err
}

// ListUsers returns a page of the users f selects, in the order of their
// roles and names, and how many it selects in all.
func (db *DB) ListUsers(ctx context.Context, f account.Filter) ([]account.User, int, error) {
	w := &where{}
	if f.Q != "" {
		p := "%" + likeEscape(strings.ToLower(f.Q)) + "%"
		w.add(`(u.username LIKE ? ESCAPE '\' OR lower(u.display_name) LIKE ? ESCAPE '\')`, p, p)
	}
	if f.Role != "" {
		w.add("u.role = ?", f.Role)
	}
	if f.Town != "" {
		w.add(`(u.town_code = ? OR u.enterprise_uscc IN (SELECT uscc FROM enterprises WHERE town_code = ?)
			OR u.id IN (SELECT p.user_id FROM cadre_pairings p JOIN enterprises e ON e.uscc = p.enterprise_uscc WHERE e.town_code = ?))`,
			f.Town, f.Town, f.Town)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM users u`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+userCols+` FROM users u`+w.String()+
		` ORDER BY u.role, u.username`+pageClause(w, f.Page, f.PerPage), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []account.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// UserByID returns a user.
func (db *DB) UserByID(ctx context.Context, id int64) (account.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE u.id = $1`, id))
	return u, notFound(err, "用户")
}

// UserByName returns a user by username, whatever their role or state,
// and their password hash.
func (db *DB) UserByName(ctx context.Context, username string) (account.User, string, error) {
	var hash string
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+`, u.password_hash FROM users u WHERE u.username = $1`, username), &hash)
	return u, hash, notFound(err, "用户")
}

// SetPassword replaces a user's password hash and ends their sessions but
// the one whose token hash is keep.
func (db *DB) SetPassword(ctx context.Context, a fugong.Actor, userID int64, passwordHash, keep string) error {
	return db.write(ctx, func(tx *Tx) error {
		var name string
		err := tx.QueryRow(`UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING username`, passwordHash, userID).Scan(&name)
		if err != nil {
			return notFound(err, "用户")
		}
		n, err := tx.endSessions(userID, keep)
		if err != nil {
			return err
		}
		return tx.audit(a, "password", "user", name, nil, map[string]int64{"sessions_ended": n})
	})
}

// UpdateUser replaces a user's display name, role and scope, refusing if
// the stored record is no longer before (another admin changed it).
func (db *DB) UpdateUser(ctx context.Context, a fugong.Actor, before, after account.User) (account.User, error) {
	err := db.write(ctx, func(tx *Tx) error {
		now, err := scanUser(tx.QueryRow(`SELECT `+userCols+` FROM users u WHERE u.id = $1`, before.ID))
		if err != nil {
			return notFound(err, "用户")
		}
		if !sameUser(now, before) {
			return fugong.Errorf(fugong.EConflict, "", "用户信息已被他人修改，请刷新后重试")
		}
		_, err = tx.Exec(`UPDATE users SET display_name = $1, role = $2, town_code = $3, enterprise_uscc = $4, work_group = $5,
			group_leader = $6 WHERE id = $7`, after.DisplayName, after.Role, nullIfEmpty(after.Town), nullIfEmpty(after.Enterprise),
			nullIfEmpty(string(after.Group)), after.GroupLeader, before.ID)
		switch {
		case isForeignKey(err):
			return fugong.Errorf(fugong.EInvalid, "enterprise", "企业 %s 未登记", after.Enterprise)
		case err != nil:
			return err
		}
		return tx.audit(a, "update", "user", before.Username, before, after)
	})
	return after, err
}

// sameUser compares two reads of a user; times by instant, as the engines
// give them in different locations.
func sameUser(a, b account.User) bool {
	at, bt := a.CreatedAt, b.CreatedAt
	a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}
	return a == b && at.Equal(bt)
}

// SetDisabled disables or enables a user. Disabling ends every session and
// token of theirs; SessionUser refuses a disabled user's anyway, so a
// session another instance opens in the meantime is no use either.
func (db *DB) SetDisabled(ctx context.Context, a fugong.Actor, userID int64, disabled bool) (account.User, error) {
	var u account.User
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		if u, err = scanUser(tx.QueryRow(`SELECT `+userCols+` FROM users u WHERE u.id = $1`, userID)); err != nil {
			return notFound(err, "用户")
		}
		was := u.Disabled
		if _, err := tx.Exec(`UPDATE users SET disabled = $1 WHERE id = $2`, disabled, userID); err != nil {
			return err
		}
		u.Disabled = disabled
		var n int64
		if disabled {
			if n, err = tx.endSessions(userID, ""); err != nil {
				return err
			}
		}
		action := "enable"
		if disabled {
			action = "disable"
		}
		return tx.audit(a, action, "user", u.Username, map[string]bool{"disabled": was},
			map[string]any{"disabled": disabled, "sessions_ended": n})
	})
	return u, err
}

// EndSessions ends a user's sessions and tokens but the one whose token
// hash is keep, and returns how many ended.
func (db *DB) EndSessions(ctx context.Context, a fugong.Actor, userID int64, keep string) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *Tx) error {
		var name string
		if err := tx.QueryRow(`SELECT username FROM users WHERE id = $1`, userID).Scan(&name); err != nil {
			return notFound(err, "用户")
		}
		var err error
		if n, err = tx.endSessions(userID, keep); err != nil {
			return err
		}
		return tx.audit(a, "end_sessions", "user", name, nil, map[string]int64{"sessions_ended": n})
	})
	return int(n), err
}

// endSessions deletes a user's sessions but keep.
func (tx *Tx) endSessions(userID int64, keep string) (int64, error) {
	res, err := tx.Exec(`DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// CreateSession stores a session by the hash of its token.
func (db *DB) CreateSession(ctx context.Context, u account.User, tokenHash, kind string, expires time.Time) error {
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE expires_at < $1`, tx.now); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			tokenHash, u.ID, kind, tx.now, expires.UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		return tx.audit(u.Actor(), "login", "session", kind, nil, map[string]string{"kind": kind})
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, a fugong.Actor, tokenHash string) error {
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
			return err
		}
		return tx.audit(a, "logout", "session", "", nil, nil)
	})
}

// PairCadre assigns an enterprise to a cadre (一企一员), which puts it in the
// cadre's scope.
func (db *DB) PairCadre(ctx context.Context, a fugong.Actor, uscc string, cadreID int64) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO cadre_pairings (enterprise_uscc, user_id, since) VALUES ($1, $2, $3)
			ON CONFLICT (enterprise_uscc) DO UPDATE SET user_id = excluded.user_id, since = excluded.since`, uscc, cadreID, tx.now)
		if isForeignKey(err) {
			return fugong.NotFound("企业")
		}
		if err != nil {
			return err
		}
		return tx.audit(a, "update", "cadre_pairing", uscc, nil, map[string]any{"user_id": cadreID})
	})
}

// DisplayName returns the display name (真实姓名) of the user username, or
// "" when there is no such user or they have none: pages show people by
// name, not by login.
func (db *DB) DisplayName(ctx context.Context, username string) (string, error) {
	var name string
	err := db.r.QueryRowContext(ctx, `SELECT display_name FROM users WHERE username = $1`, username).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}
