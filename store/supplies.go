package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"fugong"
	"fugong/supplies"
)

// staffOnPostExpr is the staff on post of enterprise e, what daily use is
// counted from: its latest reported on-post share of its employees (M4,
// production.StaffOnPost's rounding), or all its employees while it has
// reported none, so that a firm nobody has heard from is not thought to
// need nothing.
const staffOnPostExpr = `coalesce((SELECT (l.on_post_pct * e.employees + 50) / 100 FROM production_latest l
	WHERE l.enterprise_uscc = e.uscc), e.employees)`

var _ supplies.Store = (*DB)(nil)

// stockCols are the stock columns in supplies.Items order.
var stockCols = map[supplies.Item]string{
	supplies.Masks: "masks", supplies.Thermometers: "thermometers", supplies.Disinfectant: "disinfectant_dl",
	supplies.Suits: "suits", supplies.Gloves: "gloves",
}

const stockColList = `masks, thermometers, disinfectant_dl, suits, gloves`

func quantityDest(q *supplies.Quantities) []any {
	return []any{&q.Masks, &q.Thermometers, &q.Disinfectant, &q.Suits, &q.Gloves}
}

func quantityArgs(q supplies.Quantities) []any {
	return []any{q.Masks, q.Thermometers, q.Disinfectant, q.Suits, q.Gloves}
}

// Stock returns an enterprise's stock and staff on post, whatever the scope.
func (db *DB) Stock(ctx context.Context, uscc string) (supplies.Stock, error) {
	var st supplies.Stock
	var status string
	var at sql.NullTime
	var by sql.NullString
	dest := append([]any{&st.USCC, &st.Name, &st.Town, &st.TownName, &status, &st.StaffOnPost, &st.Declared},
		quantityDest(&st.Quantities)...)
	err := db.r.QueryRowContext(ctx, `SELECT e.uscc, e.name, e.town_code, t.name, e.status, `+staffOnPostExpr+`,
		s.uscc IS NOT NULL, coalesce(s.masks, 0), coalesce(s.thermometers, 0), coalesce(s.disinfectant_dl, 0),
		coalesce(s.suits, 0), coalesce(s.gloves, 0), s.updated_at, s.updated_by
		FROM enterprises e JOIN towns t ON t.code = e.town_code LEFT JOIN supply_stocks s ON s.uscc = e.uscc
		WHERE e.uscc = $1`, uscc).Scan(append(dest, &at, &by)...)
	if err != nil {
		return supplies.Stock{}, notFound(err, "企业")
	}
	st.Active = status == "active"
	if at.Valid {
		st.UpdatedAt = local(at.Time)
	}
	st.UpdatedBy = by.String
	return st, nil
}

// lockStock reads an enterprise's stock for a change, holding its row on
// PostgreSQL until the transaction ends; nil when none is recorded.
func (tx *Tx) lockStock(ctx context.Context, uscc string) (*supplies.Quantities, error) {
	// An enterprise with no stock yet has no row to lock: two first writes
	// (allocations of different items, say) queue on the enterprise instead.
	if err := tx.lockRow(ctx, lockNoKeyUpdate, "enterprises", "uscc", uscc); err != nil {
		return nil, err
	}
	var q supplies.Quantities
	err := tx.QueryRowContext(ctx, `UPDATE supply_stocks SET masks = masks WHERE uscc = $1 RETURNING `+stockColList, uscc).
		Scan(quantityDest(&q)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &q, nil
}

// writeStock stores an enterprise's new stock after lockStock, keeps the
// change in its history and audits it.
func (tx *Tx) writeStock(ctx context.Context, a fugong.Actor, uscc string, before *supplies.Quantities, after supplies.Quantities,
	source string, allocation int64, note string) (supplies.Change, error) {
	ch := supplies.Change{USCC: uscc, At: local(tx.now), By: a.Username, Source: source, AllocationID: allocation,
		Note: note, Before: before, After: after}
	args := append([]any{uscc}, quantityArgs(after)...)
	args = append(args, tx.now, a.Username)
	if before == nil {
		_, err := tx.ExecContext(ctx, `INSERT INTO supply_stocks (uscc, `+stockColList+`, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, args...)
		switch {
		case isUnique(err):
			// Another first record of the same enterprise committed meanwhile.
			return ch, fugong.Errorf(fugong.EConflict, "uscc", "该企业的库存刚刚被他人更新，请刷新后重试")
		case isForeignKey(err):
			return ch, fugong.NotFound("企业")
		case err != nil:
			return ch, err
		}
	} else if _, err := tx.ExecContext(ctx, `UPDATE supply_stocks SET masks = $2, thermometers = $3, disinfectant_dl = $4,
		suits = $5, gloves = $6, updated_at = $7, updated_by = $8 WHERE uscc = $1`, args...); err != nil {
		return ch, err
	}
	var b [5]any // NULLs for the first record
	if before != nil {
		copy(b[:], quantityArgs(*before))
	}
	var alloc any
	if allocation != 0 {
		alloc = allocation
	}
	hist := append([]any{uscc, tx.now, a.Username, source, alloc, note}, b[:]...)
	if err := tx.QueryRowContext(ctx, `INSERT INTO supply_stock_changes (uscc, at, by_user, source, allocation_id, note,
		masks_before, thermometers_before, disinfectant_dl_before, suits_before, gloves_before, `+stockColList+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		append(hist, quantityArgs(after)...)...).Scan(&ch.ID); err != nil {
		return ch, err
	}
	action, b4 := "update", any(nil)
	if before == nil {
		action = "create"
	} else {
		b4 = *before
	}
	return ch, tx.audit(a, action, "supply_stock", uscc, b4, after)
}

// DeclareStock records an enterprise's count of its stock.
func (db *DB) DeclareStock(ctx context.Context, a fugong.Actor, uscc string, q supplies.Quantities, note string) (supplies.Change, error) {
	var ch supplies.Change
	err := db.write(ctx, func(tx *Tx) error {
		before, err := tx.lockStock(ctx, uscc)
		if err != nil {
			return err
		}
		ch, err = tx.writeStock(ctx, a, uscc, before, q, supplies.SourceDeclare, 0, note)
		return err
	})
	return ch, err
}

// StockChanges returns a page of an enterprise's stock history, newest first.
func (db *DB) StockChanges(ctx context.Context, uscc string, page, perPage int) ([]supplies.Change, int, error) {
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM supply_stock_changes WHERE uscc = $1`, uscc).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, uscc, at, by_user, source, coalesce(allocation_id, 0), note,
		masks_before, thermometers_before, disinfectant_dl_before, suits_before, gloves_before, `+stockColList+`
		FROM supply_stock_changes WHERE uscc = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, uscc, perPage, offset(page, perPage))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []supplies.Change{}
	for rows.Next() {
		var c supplies.Change
		var b [5]sql.NullInt64
		dest := []any{&c.ID, &c.USCC, &c.At, &c.By, &c.Source, &c.AllocationID, &c.Note, &b[0], &b[1], &b[2], &b[3], &b[4]}
		if err := rows.Scan(append(dest, quantityDest(&c.After)...)...); err != nil {
			return nil, 0, err
		}
		if b[0].Valid {
			c.Before = &supplies.Quantities{Masks: b[0].Int64, Thermometers: b[1].Int64, Disinfectant: b[2].Int64,
				Suits: b[3].Int64, Gloves: b[4].Int64}
		}
		c.At = local(c.At)
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// activeInScope is the condition every supplies list starts from: the
// actor's active enterprises, of one town if asked.
func activeInScope(a fugong.Actor, town string) *where {
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.status = 'active'")
	if town != "" {
		w.add("e.town_code = ?", town)
	}
	return w
}

// Shortages returns a page of the enterprises in scope short of masks by
// rule, the shortest cover first (masks per person on post is the same
// order, whatever the rate).
func (db *DB) Shortages(ctx context.Context, a fugong.Actor, f supplies.ListFilter, rule supplies.ShortageRule) ([]supplies.Shortage, int, error) {
	w := activeInScope(a, f.Town)
	inner := `SELECT e.uscc, e.name, e.town_code, s.masks, s.updated_at, ` + staffOnPostExpr + ` AS staff
		FROM enterprises e JOIN supply_stocks s ON s.uscc = e.uscc` + w.String()
	cond := ` WHERE x.staff > 0 AND x.masks * 10 < x.staff * CAST(` + w.next(rule.PerStaffTenths) + ` AS BIGINT)`
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM (`+inner+`) x`+cond, w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT x.uscc, x.name, x.town_code, t.name, x.masks, x.staff, x.updated_at
		FROM (` + inner + `) x JOIN towns t ON t.code = x.town_code` + cond + `
		ORDER BY x.masks * 1.0 / x.staff, x.uscc` + pageClause(w, f.Page, f.PerPage)
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []supplies.Shortage{}
	for rows.Next() {
		var s supplies.Shortage
		if err := rows.Scan(&s.USCC, &s.Name, &s.Town, &s.TownName, &s.Masks, &s.StaffOnPost, &s.UpdatedAt); err != nil {
			return nil, 0, err
		}
		s.UpdatedAt = local(s.UpdatedAt)
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// Undeclared returns a page of the enterprises in scope with staff on post
// and no stock recorded, town by town in name order.
func (db *DB) Undeclared(ctx context.Context, a fugong.Actor, f supplies.ListFilter) ([]supplies.Undeclared, int, error) {
	w := activeInScope(a, f.Town)
	w.add(staffOnPostExpr + " > 0")
	w.add("NOT EXISTS (SELECT 1 FROM supply_stocks s WHERE s.uscc = e.uscc)")
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM enterprises e`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT e.uscc, e.name, e.town_code, t.name, ` + staffOnPostExpr + `, e.legal_rep, e.contact_phone
		FROM enterprises e JOIN towns t ON t.code = e.town_code` + w.String() + `
		ORDER BY e.town_code, e.name, e.uscc` + pageClause(w, f.Page, f.PerPage)
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []supplies.Undeclared{}
	for rows.Next() {
		var u supplies.Undeclared
		if err := rows.Scan(&u.USCC, &u.Name, &u.Town, &u.TownName, &u.StaffOnPost, &u.LegalRep, &u.ContactPhone); err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// TownCounts counts the active enterprises in scope per town: declared,
// undeclared (staff on post, no stock), in shortage by rule, and the masks
// and staff on post of the declared ones.
func (db *DB) TownCounts(ctx context.Context, a fugong.Actor, rule supplies.ShortageRule) ([]supplies.TownCount, error) {
	w := activeInScope(a, "")
	inner := `SELECT e.town_code, CASE WHEN s.uscc IS NULL THEN 0 ELSE 1 END AS declared, coalesce(s.masks, 0) AS masks,
		` + staffOnPostExpr + ` AS staff FROM enterprises e LEFT JOIN supply_stocks s ON s.uscc = e.uscc` + w.String()
	per := w.next(rule.PerStaffTenths)
	rows, err := db.r.QueryContext(ctx, `SELECT x.town_code, t.name, count(*),
		CAST(coalesce(sum(x.declared), 0) AS BIGINT),
		CAST(coalesce(sum(CASE WHEN x.declared = 0 AND x.staff > 0 THEN 1 ELSE 0 END), 0) AS BIGINT),
		CAST(coalesce(sum(CASE WHEN x.declared = 1 AND x.staff > 0 AND x.masks * 10 < x.staff * CAST(`+per+` AS BIGINT) THEN 1 ELSE 0 END), 0) AS BIGINT),
		CAST(coalesce(sum(x.masks), 0) AS BIGINT),
		CAST(coalesce(sum(CASE WHEN x.declared = 1 THEN x.staff ELSE 0 END), 0) AS BIGINT)
		FROM (`+inner+`) x JOIN towns t ON t.code = x.town_code
		GROUP BY x.town_code, t.name, t.sort ORDER BY t.sort`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []supplies.TownCount{}
	for rows.Next() {
		var c supplies.TownCount
		if err := rows.Scan(&c.Town, &c.Name, &c.Enterprises, &c.Declared, &c.Undeclared, &c.Shortages, &c.Masks, &c.StaffOnPost); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Donors returns the enterprises in scope with more of an item than they
// keep, in the same town first, then nearby, then the rest; the largest
// surplus first within each.
func (db *DB) Donors(ctx context.Context, a fugong.Actor, q supplies.DonorQuery) ([]supplies.Donor, error) {
	col, ok := stockCols[q.Item]
	if !ok {
		return nil, fugong.Errorf(fugong.EInvalid, "item", "未知的物资种类")
	}
	w := activeInScope(a, "")
	w.add("e.uscc <> ?", q.Except)
	inner := `SELECT e.uscc, e.name, e.town_code, e.contact_phone, s.` + col + ` AS qty, ` + staffOnPostExpr + ` AS staff
		FROM enterprises e JOIN supply_stocks s ON s.uscc = e.uscc` + w.String()
	spare := `x.qty - x.staff * CAST(` + w.next(q.KeepPerStaff) + ` AS DOUBLE PRECISION)`
	near := make([]string, len(q.Nearby))
	for i, t := range q.Nearby {
		near[i] = w.next(t)
	}
	if len(near) == 0 {
		near = []string{"''"}
	}
	rank := `CASE WHEN x.town_code = ` + w.next(q.Town) + ` THEN 0 WHEN x.town_code IN (` + strings.Join(near, ", ") + `) THEN 1 ELSE 2 END`
	// The spare is recomputed exactly by the service; half a unit here
	// only keeps rounding from hiding a donor of one unit.
	rows, err := db.r.QueryContext(ctx, `SELECT x.uscc, x.name, x.town_code, t.name, x.contact_phone, x.qty, x.staff
		FROM (`+inner+`) x JOIN towns t ON t.code = x.town_code
		WHERE `+spare+` > 0.5 ORDER BY `+rank+`, `+spare+` DESC, x.uscc LIMIT `+w.next(q.Limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []supplies.Donor{}
	for rows.Next() {
		var d supplies.Donor
		if err := rows.Scan(&d.USCC, &d.Name, &d.Town, &d.TownName, &d.ContactPhone, &d.Stored, &d.StaffOnPost); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// BureauStock returns the bureau's own stock.
func (db *DB) BureauStock(ctx context.Context) (supplies.Quantities, error) {
	var q supplies.Quantities
	rows, err := db.r.QueryContext(ctx, `SELECT item, quantity FROM bureau_supply_stock`)
	if err != nil {
		return q, err
	}
	defer rows.Close()
	for rows.Next() {
		var item string
		var n int64
		if err := rows.Scan(&item, &n); err != nil {
			return q, err
		}
		if it, ok := supplies.ParseItem(item); ok {
			q.Set(it, n)
		}
	}
	return q, rows.Err()
}

// AddReceipt adds a receipt to the bureau's stock.
func (db *DB) AddReceipt(ctx context.Context, a fugong.Actor, r supplies.Receipt) (supplies.Receipt, error) {
	err := db.write(ctx, func(tx *Tx) error {
		var after int64
		if err := tx.QueryRowContext(ctx, `UPDATE bureau_supply_stock SET quantity = quantity + $1 WHERE item = $2 RETURNING quantity`,
			r.Quantity, string(r.Item)).Scan(&after); err != nil {
			return err
		}
		if after > supplies.BureauLimit(r.Item) {
			return fugong.Errorf(fugong.EInvalid, "quantity", "入库后物资组%s库存将超过上限（%d%s）", r.Item.Name(), supplies.MaxBureauAmount, r.Item.Unit())
		}
		r.By, r.At = a.Username, local(tx.now)
		if err := tx.QueryRowContext(ctx, `INSERT INTO supply_receipts (item, quantity, source, note, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, string(r.Item), r.Quantity, r.Source, r.Note, r.By, tx.now).Scan(&r.ID); err != nil {
			return err
		}
		if err := tx.audit(a, "create", "supply_receipt", idString(r.ID), nil, r); err != nil {
			return err
		}
		return tx.auditBureau(a, r.Item, after-r.Quantity, after)
	})
	return r, err
}

// auditBureau records a change of the bureau's stock of an item, in its unit.
func (tx *Tx) auditBureau(a fugong.Actor, item supplies.Item, before, after int64) error {
	return tx.audit(a, "update", "bureau_supply_stock", string(item), supplies.Amount(item, before), supplies.Amount(item, after))
}

// Receipts returns a page of the bureau's receipts, newest first.
func (db *DB) Receipts(ctx context.Context, page, perPage int) ([]supplies.Receipt, int, error) {
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM supply_receipts`).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, item, quantity, source, note, by_user, at FROM supply_receipts
		ORDER BY id DESC LIMIT $1 OFFSET $2`, perPage, offset(page, perPage))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []supplies.Receipt{}
	for rows.Next() {
		var r supplies.Receipt
		if err := rows.Scan(&r.ID, &r.Item, &r.Quantity, &r.Source, &r.Note, &r.By, &r.At); err != nil {
			return nil, 0, err
		}
		r.At = local(r.At)
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Allocate takes an allocation out of the bureau's stock and adds it to the
// enterprise's, with the history entry and the audit, all or nothing. The
// bureau's row is taken first, then the enterprise's: concurrent
// allocations on PostgreSQL lock in the same order.
func (db *DB) Allocate(ctx context.Context, a fugong.Actor, al supplies.Allocation) (supplies.Allocation, error) {
	err := db.write(ctx, func(tx *Tx) error {
		var left int64
		err := tx.QueryRowContext(ctx, `UPDATE bureau_supply_stock SET quantity = quantity - $1
			WHERE item = $2 AND quantity >= $1 RETURNING quantity`, al.Quantity, string(al.Item)).Scan(&left)
		if errors.Is(err, sql.ErrNoRows) {
			var have int64
			if err := tx.QueryRowContext(ctx, `SELECT quantity FROM bureau_supply_stock WHERE item = $1`, string(al.Item)).Scan(&have); err != nil {
				return err
			}
			return fugong.Errorf(fugong.EConflict, "quantity", "物资组%s库存不足：现有 %s%s，拟调拨 %s%s", al.Item.Name(),
				supplies.Format(al.Item, have), al.Item.Unit(), supplies.Format(al.Item, al.Quantity), al.Item.Unit())
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT e.name, e.town_code, t.name FROM enterprises e JOIN towns t ON t.code = e.town_code
			WHERE e.uscc = $1`, al.Enterprise).Scan(&al.EnterpriseName, &al.Town, &al.TownName); err != nil {
			return notFound(err, "企业")
		}
		before, err := tx.lockStock(ctx, al.Enterprise)
		if err != nil {
			return err
		}
		var after supplies.Quantities
		if before != nil {
			after = *before
		}
		after.Set(al.Item, after.Get(al.Item)+al.Quantity)
		if after.Get(al.Item) > supplies.Limit(al.Item) {
			return fugong.Errorf(fugong.EInvalid, "quantity", "调拨后该企业%s库存将超过%d%s，请核对数量", al.Item.Name(), supplies.MaxAmount, al.Item.Unit())
		}
		al.By, al.At = a.Username, local(tx.now)
		if err := tx.QueryRowContext(ctx, `INSERT INTO supply_allocations (enterprise_uscc, item, quantity, note, by_user, at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, al.Enterprise, string(al.Item), al.Quantity, al.Note, al.By, tx.now).Scan(&al.ID); err != nil {
			return err
		}
		if _, err := tx.writeStock(ctx, a, al.Enterprise, before, after, supplies.SourceAllocation, al.ID, al.Note); err != nil {
			return err
		}
		stock := after.Get(al.Item)
		al.BureauLeft, al.EnterpriseStock = &left, &stock
		if err := tx.audit(a, "create", "supply_allocation", idString(al.ID), nil, al); err != nil {
			return err
		}
		return tx.auditBureau(a, al.Item, left+al.Quantity, left)
	})
	return al, err
}

// Allocations returns a page of the allocations to enterprises in scope,
// newest first.
func (db *DB) Allocations(ctx context.Context, a fugong.Actor, f supplies.AllocationFilter) ([]supplies.Allocation, int, error) {
	w := &where{}
	w.enterpriseScope(a)
	if f.Enterprise != "" {
		w.add("al.enterprise_uscc = ?", f.Enterprise)
	}
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	if f.Item != "" {
		w.add("al.item = ?", f.Item)
	}
	from := ` FROM supply_allocations al JOIN enterprises e ON e.uscc = al.enterprise_uscc JOIN towns t ON t.code = e.town_code` + w.String()
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+from, w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT al.id, al.enterprise_uscc, e.name, e.town_code, t.name, al.item, al.quantity, al.note, al.by_user, al.at` +
		from + ` ORDER BY al.id DESC` + pageClause(w, f.Page, f.PerPage)
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []supplies.Allocation{}
	for rows.Next() {
		var al supplies.Allocation
		if err := rows.Scan(&al.ID, &al.Enterprise, &al.EnterpriseName, &al.Town, &al.TownName, &al.Item, &al.Quantity,
			&al.Note, &al.By, &al.At); err != nil {
			return nil, 0, err
		}
		al.At = local(al.At)
		out = append(out, al)
	}
	return out, total, rows.Err()
}

// LoadStocks stores generated first declarations of stock, each with its
// history entry, in one bulk transaction (the demo city's). Like the other
// bulk loads it skips the audit: never feed it what a user typed.
func (db *DB) LoadStocks(ctx context.Context, stocks []supplies.Stock) error {
	stockRow := make([]any, 8)
	changeRow := make([]any, 10)
	return db.bulk(ctx, func(w bulkWriter) error {
		if err := w.rows("supply_stocks", []string{"uscc", "masks", "thermometers", "disinfectant_dl", "suits", "gloves", "updated_at", "updated_by"},
			len(stocks), func(i int) []any {
				s := &stocks[i]
				stockRow[0] = s.USCC
				copy(stockRow[1:6], quantityArgs(s.Quantities))
				stockRow[6], stockRow[7] = s.UpdatedAt.UTC().Truncate(time.Microsecond), s.UpdatedBy
				return stockRow
			}); err != nil {
			return err
		}
		return w.rows("supply_stock_changes", []string{"uscc", "at", "by_user", "source", "note", "masks", "thermometers", "disinfectant_dl", "suits", "gloves"},
			len(stocks), func(i int) []any {
				s := &stocks[i]
				changeRow[0], changeRow[1], changeRow[2], changeRow[3], changeRow[4] = s.USCC, s.UpdatedAt.UTC().Truncate(time.Microsecond), s.UpdatedBy, supplies.SourceDeclare, ""
				copy(changeRow[5:], quantityArgs(s.Quantities))
				return changeRow
			})
	})
}
