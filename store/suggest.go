package store

import (
	"context"
	"strings"

	"fugong"
	"fugong/account"
	"fugong/pairing"
)

// The pickers' searches: a few enabled users whose username or display
// name contains what was typed, those whose username or name starts with
// it first. Bounded by limit: they answer each keystroke.

// userMatch selects the enabled users (alias u) of the roles matching q.
func userMatch(q string, roles []fugong.Role) *where {
	w := &where{}
	w.add("NOT u.disabled")
	in := make([]any, len(roles))
	for i, r := range roles {
		in[i] = string(r)
	}
	w.add("u.role IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(roles)), ", ")+")", in...)
	p := "%" + likeEscape(strings.ToLower(q)) + "%"
	w.add(`(lower(u.username) LIKE ? ESCAPE '\' OR lower(u.display_name) LIKE ? ESCAPE '\')`, p, p)
	return w
}

// userMatchOrder puts the users whose username or name starts with q first.
func userMatchOrder(w *where, q string) string {
	s := w.next(likeEscape(strings.ToLower(q)) + "%")
	return ` ORDER BY CASE WHEN lower(u.username) LIKE ` + s + ` ESCAPE '\' OR lower(u.display_name) LIKE ` + s + ` ESCAPE '\' THEN 0 ELSE 1 END, u.display_name, u.username`
}

// SuggestUsers returns at most limit enabled users of the roles whose
// username or display name contains q.
func (db *DB) SuggestUsers(ctx context.Context, q string, roles []fugong.Role, limit int) ([]account.User, error) {
	w := userMatch(q, roles)
	order := userMatchOrder(w, q)
	rows, err := db.r.QueryContext(ctx, `SELECT `+userCols+` FROM users u`+w.String()+order+` LIMIT `+w.next(limit), w.args...)
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

// SuggestCadres returns at most limit enabled cadres whose username or
// display name contains q, with how many enterprises each is paired with.
func (db *DB) SuggestCadres(ctx context.Context, q string, limit int) ([]pairing.Cadre, error) {
	w := userMatch(q, []fugong.Role{fugong.RoleCadre})
	order := userMatchOrder(w, q)
	rows, err := db.r.QueryContext(ctx, `SELECT u.id, u.username, u.display_name,
		(SELECT count(*) FROM cadre_pairings p WHERE p.user_id = u.id)
		FROM users u`+w.String()+order+` LIMIT `+w.next(limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []pairing.Cadre{}
	for rows.Next() {
		var c pairing.Cadre
		if err := rows.Scan(&c.ID, &c.Username, &c.DisplayName, &c.Enterprises); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
