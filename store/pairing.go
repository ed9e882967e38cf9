package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/account"
	"fugong/pairing"
	"fugong/registry"
)

// UserNamed returns a user by username, whatever their role or state.
func (db *DB) UserNamed(ctx context.Context, username string) (account.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE u.username = $1`, username))
	return u, notFound(err, "用户")
}

// Pairing returns the pairing of an enterprise already read in scope.
func (db *DB) Pairing(ctx context.Context, e registry.Enterprise) (pairing.Pairing, error) {
	p := pairing.Pairing{USCC: e.USCC, EnterpriseName: e.Name, Town: e.Town, TownName: e.TownName}
	var since time.Time
	err := db.r.QueryRowContext(ctx, `SELECT u.username, u.display_name, p.since FROM cadre_pairings p
		JOIN users u ON u.id = p.user_id WHERE p.enterprise_uscc = $1`, e.USCC).Scan(&p.Username, &p.DisplayName, &since)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return p, nil
	case err != nil:
		return p, err
	}
	since = since.In(fugong.Location)
	p.Paired, p.Since = true, &since
	return p, nil
}

// pairingAudit is what the audit log keeps of a pairing.
type pairingAudit struct {
	Username string `json:"username"`
}

// SavePairings stores assignments in one transaction: a new pairing, or a
// new cadre for an enterprise (its since restarts), each audited under
// action; an enterprise already paired with that cadre is left as it is.
func (db *DB) SavePairings(ctx context.Context, a fugong.Actor, as []pairing.Assignment, action string) (pairing.SaveResult, error) {
	var res pairing.SaveResult
	// In code order, so that two sheets naming the same firms lock them in
	// the same order rather than each waiting for the other.
	as = slices.SortedFunc(slices.Values(as), func(x, y pairing.Assignment) int { return strings.Compare(x.USCC, y.USCC) })
	err := db.write(ctx, func(tx *Tx) error {
		res = pairing.SaveResult{}
		for _, as := range as {
			// The pairing read is the one replaced, so the audit's before holds.
			if err := tx.lockRow(ctx, lockNoKeyUpdate, "enterprises", "uscc", as.USCC); err != nil {
				return err
			}
			var beforeID int64
			var beforeName string
			err := tx.QueryRowContext(ctx, `SELECT p.user_id, u.username FROM cadre_pairings p JOIN users u ON u.id = p.user_id
				WHERE p.enterprise_uscc = $1`, as.USCC).Scan(&beforeID, &beforeName)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			var before any
			switch {
			case err == nil && beforeID == as.Cadre.ID:
				res.Unchanged++
				continue
			case err == nil:
				res.Updated++
				before = pairingAudit{beforeName}
			default:
				res.Created++
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO cadre_pairings (enterprise_uscc, user_id, since) VALUES ($1, $2, $3)
				ON CONFLICT (enterprise_uscc) DO UPDATE SET user_id = excluded.user_id, since = excluded.since`, as.USCC, as.Cadre.ID, tx.now)
			if isForeignKey(err) {
				return fugong.NotFound("企业")
			}
			if err != nil {
				return err
			}
			if err := tx.audit(a, action, "cadre_pairing", as.USCC, before, pairingAudit{as.Cadre.Username}); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// Unpair removes an enterprise's pairing, audited; it reports whether there
// was one (none is not an error: the enterprise is unpaired either way).
func (db *DB) Unpair(ctx context.Context, a fugong.Actor, uscc string) (bool, error) {
	removed := false
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "enterprises", "uscc", uscc); err != nil {
			return err
		}
		var cadreID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM cadre_pairings WHERE enterprise_uscc = $1 RETURNING user_id`, uscc).Scan(&cadreID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE id = $1`, cadreID).Scan(&name); err != nil {
			return err
		}
		removed = true
		return tx.audit(a, "delete", "cadre_pairing", uscc, pairingAudit{name}, nil)
	})
	return removed, err
}

// Cadres lists the enabled cadres by username, with their enterprises.
func (db *DB) Cadres(ctx context.Context) ([]pairing.Cadre, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT u.id, u.username, u.display_name,
		(SELECT count(*) FROM cadre_pairings p WHERE p.user_id = u.id)
		FROM users u WHERE u.role = 'cadre' AND NOT u.disabled ORDER BY u.username`)
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

// unpairedWhere selects the active enterprises (alias e) in scope, and in
// town if given, that have no cadre.
func unpairedWhere(a fugong.Actor, town string) *where {
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.status = 'active'")
	if town != "" {
		w.add("e.town_code = ?", town)
	}
	w.add("NOT EXISTS (SELECT 1 FROM cadre_pairings p WHERE p.enterprise_uscc = e.uscc)")
	return w
}

// Unpaired pages the active enterprises in scope (and town) without a
// cadre, town by town in name order; perPage 0 returns them all.
func (db *DB) Unpaired(ctx context.Context, a fugong.Actor, town string, page, perPage int) ([]pairing.Unpaired, int, error) {
	w := unpairedWhere(a, town)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM enterprises e`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	keys := pageKeys(w, page, perPage)
	rows, err := db.r.QueryContext(ctx, `WITH page AS (`+keys+`)
		SELECT e.uscc, e.name, e.town_code, t.name, e.size_class, e.legal_rep, e.contact_phone, e.employees
		FROM page JOIN enterprises e ON e.uscc = page.uscc JOIN towns t ON t.code = e.town_code
		ORDER BY e.town_code, e.name, e.uscc`, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []pairing.Unpaired{}
	for rows.Next() {
		var u pairing.Unpaired
		if err := rows.Scan(&u.USCC, &u.Name, &u.Town, &u.TownName, &u.SizeClass, &u.LegalRep, &u.ContactPhone, &u.Employees); err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// UnpairedByTown counts, for each town with active enterprises in scope,
// those enterprises and how many of them have no cadre.
func (db *DB) UnpairedByTown(ctx context.Context, a fugong.Actor) ([]pairing.TownCount, error) {
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.status = 'active'")
	rows, err := db.r.QueryContext(ctx, `SELECT e.town_code, t.name, count(*),
		coalesce(sum(CASE WHEN p.enterprise_uscc IS NULL THEN 1 ELSE 0 END), 0)
		FROM enterprises e JOIN towns t ON t.code = e.town_code
		LEFT JOIN cadre_pairings p ON p.enterprise_uscc = e.uscc`+w.String()+`
		GROUP BY e.town_code, t.name, t.sort ORDER BY t.sort`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []pairing.TownCount{}
	for rows.Next() {
		var c pairing.TownCount
		if err := rows.Scan(&c.Town, &c.TownName, &c.Total, &c.Unpaired); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LoadPairings pairs generated enterprises with generated cadres in one
// transaction, without audit rows: COPY on PostgreSQL, multi-row INSERTs on
// SQLite. The enterprises must not be paired yet. For generated data only
// (the demo city).
func (db *DB) LoadPairings(ctx context.Context, as []pairing.Assignment, since time.Time) error {
	since = since.UTC().Truncate(time.Microsecond)
	row := make([]any, 3)
	return db.bulk(ctx, func(w bulkWriter) error {
		return w.rows("cadre_pairings", []string{"enterprise_uscc", "user_id", "since"}, len(as), func(i int) []any {
			row[0], row[1], row[2] = as[i].USCC, as[i].Cadre.ID, since
			return row
		})
	})
}
