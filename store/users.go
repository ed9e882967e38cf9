package store

import (
	"context"
	"database/sql"
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

// ListUsers returns every user.
func (db *DB) ListUsers(ctx context.Context) ([]account.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+userCols+` FROM users u ORDER BY u.role, u.username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []account.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserByName returns a user and their password hash.
func (db *DB) UserByName(ctx context.Context, username string) (account.User, string, error) {
	var hash string
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+`, u.password_hash FROM users u WHERE u.username = $1`, username), &hash)
	return u, hash, notFound(err, "用户")
}

// SetPassword replaces a user's password hash and ends their sessions.
func (db *DB) SetPassword(ctx context.Context, a fugong.Actor, userID int64, passwordHash string) error {
	return db.write(ctx, func(tx *Tx) error {
		var name string
		err := tx.QueryRow(`UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING username`, passwordHash, userID).Scan(&name)
		if err != nil {
			return notFound(err, "用户")
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return tx.audit(a, "password", "user", name, nil, nil)
	})
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

// SessionUser returns the enabled user behind a live session.
func (db *DB) SessionUser(ctx context.Context, tokenHash string) (account.User, string, error) {
	var kind string
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+`, s.kind FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`, tokenHash, db.now()), &kind)
	return u, kind, notFound(err, "会话")
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
