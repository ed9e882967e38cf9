package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"fugong"
	"fugong/registry"
)

const enterpriseCols = `e.uscc, e.name, e.town_code, t.name, e.address, e.industry, e.size_class,
	e.legal_rep, e.contact_phone, e.employees, e.land_mu, e.mujun_class, e.status, e.created_at, e.updated_at`

const enterpriseFrom = ` FROM enterprises e JOIN towns t ON t.code = e.town_code`

type scanner interface{ Scan(dest ...any) error }

func scanEnterprise(s scanner) (registry.Enterprise, error) {
	var e registry.Enterprise
	var mujun sql.NullString
	err := s.Scan(&e.USCC, &e.Name, &e.Town, &e.TownName, &e.Address, &e.Industry, &e.SizeClass,
		&e.LegalRep, &e.ContactPhone, &e.Employees, &e.LandMu, &mujun, &e.Status, &e.CreatedAt, &e.UpdatedAt)
	if mujun.Valid {
		e.MujunClass = &mujun.String
	}
	return e, err
}

func enterpriseWhere(a fugong.Actor, f registry.Filter) *where {
	w := &where{}
	w.enterpriseScope(a)
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	if f.SizeClass != "" {
		w.add("e.size_class = ?", f.SizeClass)
	}
	if f.MujunClass != "" {
		w.add("e.mujun_class = ?", f.MujunClass)
	}
	if f.Status != "" {
		w.add("e.status = ?", f.Status)
	}
	if f.Name != "" {
		w.add("e.name = ?", f.Name)
	}
	if f.Q != "" {
		w.add(`(e.name LIKE ? ESCAPE '\' OR e.uscc LIKE ? ESCAPE '\')`,
			"%"+likeEscape(f.Q)+"%", likeEscape(strings.ToUpper(f.Q))+"%")
	}
	return w
}

// ListEnterprises returns one page of the enterprises in scope and their total.
func (db *DB) ListEnterprises(ctx context.Context, a fugong.Actor, f registry.Filter) ([]registry.Enterprise, int, error) {
	w := enterpriseWhere(a, f)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+enterpriseFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + enterpriseCols + enterpriseFrom + w.String() + ` ORDER BY t.sort, e.name, e.uscc` + pageClause(w, f.Page, f.PerPage)
	out := make([]registry.Enterprise, 0, f.PerPage)
	err := eachEnterprise(ctx, db.r, q, w.args, func(e registry.Enterprise) error {
		out = append(out, e)
		return nil
	})
	return out, total, err
}

// EachEnterprise streams every enterprise in scope matching f.
func (db *DB) EachEnterprise(ctx context.Context, a fugong.Actor, f registry.Filter, fn func(registry.Enterprise) error) error {
	w := enterpriseWhere(a, f)
	return eachEnterprise(ctx, db.r, `SELECT `+enterpriseCols+enterpriseFrom+w.String()+` ORDER BY t.sort, e.name, e.uscc`, w.args, fn)
}

func eachEnterprise(ctx context.Context, db querier, q string, args []any, fn func(registry.Enterprise) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEnterprise(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// GetEnterprise returns one enterprise in the actor's scope. Every report
// submission reads one, so the rows are cached under the 'enterprises'
// generation (generations.go), and the scopes of the city, a town and a
// firm are checked on the cached row (inScope); a cadre's, which the
// pairings decide, is read each time.
func (db *DB) GetEnterprise(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	if a.Role == fugong.RoleCadre {
		return db.getEnterpriseScoped(ctx, a, uscc)
	}
	gens, err := db.generations(ctx)
	if err != nil {
		return registry.Enterprise{}, err
	}
	gen := gens[genEnterprises]
	e, hit := db.enterprises.get(uscc, gen)
	if !hit {
		e, err = scanEnterprise(db.readRow(ctx, `SELECT `+enterpriseCols+enterpriseFrom+` WHERE e.uscc = $1`, uscc))
		if err != nil {
			return registry.Enterprise{}, notFound(err, "企业")
		}
		db.enterprises.put(uscc, gen, e)
	}
	if !inScope(a, e) {
		return registry.Enterprise{}, fugong.NotFound("企业")
	}
	return e, nil
}

// maxCachedEnterprises bounds the enterprises cache: a city's firms, with
// room; past it the cache starts over.
const maxCachedEnterprises = 100_000

func (db *DB) getEnterpriseScoped(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.uscc = ?", uscc)
	e, err := scanEnterprise(db.readRow(ctx, `SELECT `+enterpriseCols+enterpriseFrom+w.String(), w.args...))
	return e, notFound(err, "企业")
}

// FindEnterprises returns the stored records among usccs, in any scope.
func (db *DB) FindEnterprises(ctx context.Context, usccs []string) (map[string]registry.Enterprise, error) {
	return findEnterprises(ctx, db.r, usccs)
}

func findEnterprises(ctx context.Context, q querier, usccs []string) (map[string]registry.Enterprise, error) {
	out := make(map[string]registry.Enterprise)
	const chunk = 500
	for start := 0; start < len(usccs); start += chunk {
		part := usccs[start:min(start+chunk, len(usccs))]
		w := &where{}
		marks := make([]string, len(part))
		for i, u := range part {
			marks[i] = w.next(u)
		}
		query := `SELECT ` + enterpriseCols + enterpriseFrom + ` WHERE e.uscc IN (` + strings.Join(marks, ",") + `)`
		err := eachEnterprise(ctx, q, query, w.args, func(e registry.Enterprise) error {
			out[e.USCC] = e
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CreateEnterprise inserts a new enterprise; a taken USCC is a conflict.
func (db *DB) CreateEnterprise(ctx context.Context, a fugong.Actor, e registry.Enterprise) (registry.Enterprise, error) {
	err := db.write(ctx, func(tx *Tx) error {
		e.CreatedAt, e.UpdatedAt = tx.now, tx.now
		return tx.insertEnterprise(a, e)
	})
	return e, err
}

func (tx *Tx) insertEnterprise(a fugong.Actor, e registry.Enterprise) error {
	_, err := tx.Exec(`INSERT INTO enterprises (uscc, name, town_code, address, industry, size_class, legal_rep,
		contact_phone, employees, land_mu, mujun_class, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.USCC, e.Name, e.Town, e.Address, e.Industry, e.SizeClass, e.LegalRep,
		e.ContactPhone, e.Employees, e.LandMu, e.MujunClass, e.Status, e.CreatedAt, e.UpdatedAt)
	if isUnique(err) {
		return fugong.Errorf(fugong.EConflict, "uscc", "统一社会信用代码 %s 已登记", e.USCC)
	}
	if err != nil {
		return err
	}
	if err := tx.countActive(e, 1); err != nil {
		return err
	}
	if err := tx.rollFirm(context.Background(), e, 1); err != nil {
		return err
	}
	return tx.audit(a, "create", "enterprise", e.USCC, nil, e)
}

// countActive adds delta to the active count of e's town when e is active.
func (tx *Tx) countActive(e registry.Enterprise, delta int) error {
	if e.Status != registry.StatusActive {
		return nil
	}
	_, err := tx.Exec(`INSERT INTO town_enterprise_counts (town_code, active) VALUES ($1, $2)
		ON CONFLICT (town_code) DO UPDATE SET active = town_enterprise_counts.active + excluded.active`, e.Town, delta)
	return err
}

// UpdateEnterprise saves after over before, refusing if the stored record is
// no longer before (someone else changed it meanwhile).
func (db *DB) UpdateEnterprise(ctx context.Context, a fugong.Actor, before, after registry.Enterprise) (registry.Enterprise, error) {
	err := db.write(ctx, func(tx *Tx) error {
		after.UpdatedAt = tx.now
		return tx.updateEnterprise(a, before, after)
	})
	return after, err
}

func (tx *Tx) updateEnterprise(a fugong.Actor, before, after registry.Enterprise) error {
	res, err := tx.Exec(`UPDATE enterprises SET name = $1, town_code = $2, address = $3, industry = $4,
		size_class = $5, legal_rep = $6, contact_phone = $7, employees = $8, land_mu = $9, mujun_class = $10,
		status = $11, updated_at = $12 WHERE uscc = $13 AND updated_at = $14`,
		after.Name, after.Town, after.Address, after.Industry, after.SizeClass, after.LegalRep,
		after.ContactPhone, after.Employees, after.LandMu, after.MujunClass, after.Status, after.UpdatedAt,
		before.USCC, before.UpdatedAt)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fugong.Errorf(fugong.EConflict, "", "企业信息已被他人修改，请刷新后重试")
	}
	if before.Status != after.Status || before.Town != after.Town {
		if err := tx.countActive(before, -1); err != nil {
			return err
		}
		if err := tx.countActive(after, 1); err != nil {
			return err
		}
	}
	if before.Town != after.Town {
		if err := tx.moveReports(context.Background(), after.USCC, after.Town); err != nil {
			return err
		}
	}
	if rollsDiffer(before, after) {
		if err := tx.rollFirm(context.Background(), before, -1); err != nil {
			return err
		}
		if err := tx.rollFirm(context.Background(), after, 1); err != nil {
			return err
		}
	}
	return tx.audit(a, "update", "enterprise", after.USCC, before, after)
}

// SaveEnterprises inserts new and updates existing enterprises in one
// transaction, auditing each.
func (db *DB) SaveEnterprises(ctx context.Context, a fugong.Actor, es []registry.Enterprise, progress func(int)) (created, updated int, err error) {
	usccs := make([]string, len(es))
	for i, e := range es {
		usccs[i] = e.USCC
	}
	err = db.write(ctx, func(tx *Tx) error {
		created, updated = 0, 0
		existing, err := findEnterprises(ctx, tx, usccs)
		if err != nil {
			return err
		}
		for i, e := range es {
			before, ok := existing[e.USCC]
			e.UpdatedAt = tx.now
			if ok {
				e.CreatedAt = before.CreatedAt
				if len(registry.ChangedFields(before, e)) > 0 {
					if err := tx.updateEnterprise(a, before, e); err != nil {
						return err
					}
					updated++
				}
			} else {
				// A record may bring its registration time (the demo city's
				// history); an imported row has none and is registered now.
				if e.CreatedAt.IsZero() {
					e.CreatedAt = tx.now
				}
				e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Microsecond)
				if err := tx.insertEnterprise(a, e); err != nil {
					return err
				}
				created++
			}
			if progress != nil && (i%100 == 99 || i == len(es)-1) {
				progress(i + 1)
			}
		}
		return nil
	})
	return created, updated, err
}

// CountByTown counts active enterprises in scope per town and size class, in
// the towns' order.
func (db *DB) CountByTown(ctx context.Context, a fugong.Actor) ([]registry.TownCount, error) {
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.status = 'active'")
	rows, err := db.r.QueryContext(ctx, `SELECT t.code, t.name,
		sum(CASE WHEN e.size_class = 'above' THEN 1 ELSE 0 END),
		sum(CASE WHEN e.size_class = 'below' THEN 1 ELSE 0 END)`+enterpriseFrom+w.String()+`
		GROUP BY t.code, t.name, t.sort ORDER BY t.sort`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.TownCount
	for rows.Next() {
		var c registry.TownCount
		if err := rows.Scan(&c.Town.Code, &c.Town.Name, &c.Above, &c.Below); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
