package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/files"
	"fugong/tickets"
)

// The difficulty tickets (M5): alias k is the ticket, e its enterprise (the
// scope), s the chosen supplier.
const ticketCols = `k.id, k.enterprise_uscc, e.name, e.town_code, t.name, k.category, k.urgency, k.title, k.description,
	k.status, k.assignee, u.display_name, k.raised_by, k.raised_at, k.due_at, k.first_resolved_at, k.resolved_at,
	k.closed_at, k.resolution, k.supplier_uscc, s.name, st.name, s.address, k.supplier_note, k.supplier_by,
	k.supplier_at, k.updated_at`

const ticketFrom = ` FROM tickets k JOIN enterprises e ON e.uscc = k.enterprise_uscc JOIN towns t ON t.code = e.town_code
	LEFT JOIN users u ON u.username = k.assignee
	LEFT JOIN enterprises s ON s.uscc = k.supplier_uscc LEFT JOIN towns st ON st.code = s.town_code`

func scanTicket(sc scanner) (tickets.Ticket, error) {
	var k tickets.Ticket
	var assigneeName, supplier, supplierName, supplierTown, supplierAddress sql.NullString
	var firstResolved, resolved, closed, supplierAt sql.NullTime
	var supplierNote, supplierBy string
	err := sc.Scan(&k.ID, &k.Enterprise, &k.EnterpriseName, &k.Town, &k.TownName, &k.Category, &k.Urgency, &k.Title,
		&k.Description, &k.Status, &k.Assignee, &assigneeName, &k.RaisedBy, &k.RaisedAt, &k.DueAt, &firstResolved,
		&resolved, &closed, &k.Resolution, &supplier, &supplierName, &supplierTown, &supplierAddress, &supplierNote,
		&supplierBy, &supplierAt, &k.UpdatedAt)
	if err != nil {
		return k, err
	}
	k.AssigneeName = assigneeName.String
	if k.AssigneeName == "" && assigneeName.Valid {
		k.AssigneeName = k.Assignee
	}
	k.RaisedAt, k.DueAt, k.UpdatedAt = local(k.RaisedAt), local(k.DueAt), local(k.UpdatedAt)
	k.FirstResolvedAt, k.ResolvedAt, k.ClosedAt = localPtr(firstResolved), localPtr(resolved), localPtr(closed)
	if supplier.Valid {
		k.Supplier = &tickets.Supplier{USCC: supplier.String, Name: supplierName.String, TownName: supplierTown.String,
			Address: supplierAddress.String, Note: supplierNote, ChosenBy: supplierBy, ChosenAt: local(supplierAt.Time)}
	}
	return k, nil
}

func localPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	l := local(t.Time)
	return &l
}

// dbTime is a time as stored: UTC at PostgreSQL's precision, so it reads
// back equal and compares as text on SQLite.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func dbTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return dbTime(*t)
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ticketIn reads a ticket in the actor's scope through q.
func ticketIn(ctx context.Context, q rowQuerier, a fugong.Actor, id int64) (tickets.Ticket, error) {
	w := &where{}
	w.add("k.id = ?", id)
	w.enterpriseScope(a)
	k, err := scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+w.String(), w.args...))
	return k, notFound(err, "问题")
}

// ticketForWrite locks and reads a ticket in the actor's scope and applies
// the caller's check to it as it stands in the transaction.
func (tx *Tx) ticketForWrite(ctx context.Context, a fugong.Actor, id int64, check func(tickets.Ticket) error) (tickets.Ticket, error) {
	if err := tx.lockRow(ctx, lockUpdate, "tickets", "id", id); err != nil {
		return tickets.Ticket{}, err
	}
	k, err := ticketIn(ctx, tx, a, id)
	if err != nil {
		return k, err
	}
	return k, check(k)
}

func (tx *Tx) ticketEvent(ctx context.Context, a fugong.Actor, id int64, kind, from, to, assignee, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_events (ticket_id, at, actor, kind, from_status, to_status, assignee, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, tx.now, a.Username, kind, from, to, assignee, note)
	return err
}

func (tx *Tx) touchTicket(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = $2 WHERE id = $1`, id, tx.now)
	return err
}

// ticketAudit is what the audit log keeps of a ticket.
type ticketAudit struct {
	Enterprise string `json:"enterprise"`
	Category   string `json:"category"`
	Urgency    string `json:"urgency"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	Assignee   string `json:"assignee"`
	Note       string `json:"note,omitempty"`
	Supplier   string `json:"supplier,omitempty"`
	Files      int    `json:"files,omitempty"`
}

func auditOf(k tickets.Ticket) ticketAudit {
	a := ticketAudit{Enterprise: k.Enterprise, Category: k.Category, Urgency: k.Urgency, Title: k.Title, Status: k.Status, Assignee: k.Assignee}
	if k.Supplier != nil {
		a.Supplier = k.Supplier.USCC
	}
	return a
}

// RaiseTicket stores a new ticket with its attachments in one transaction.
func (db *DB) RaiseTicket(ctx context.Context, a fugong.Actor, n tickets.NewTicket, due func(time.Time) time.Time,
	uploads []files.Upload, types []string) (k tickets.Ticket, err error) {
	err = db.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO tickets (enterprise_uscc, category, urgency, title, description, status,
			raised_by, raised_at, due_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) RETURNING id`,
			n.Enterprise, n.Category, n.Urgency, n.Title, n.Description, tickets.StatusNew, a.Username, tx.now,
			dbTime(due(tx.now))).Scan(&id)
		if isForeignKey(err) {
			return fugong.NotFound("企业")
		}
		if err != nil {
			return err
		}
		for i, u := range uploads {
			f, err := tx.insertFile(ctx, a, n.Enterprise, u, types[i])
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_files (ticket_id, file_id) VALUES ($1, $2)`, id, f.ID); err != nil {
				return err
			}
		}
		if err := tx.ticketEvent(ctx, a, id, tickets.EventRaise, "", tickets.StatusNew, "", ""); err != nil {
			return err
		}
		if k, err = ticketIn(ctx, tx, fugong.System, id); err != nil {
			return err
		}
		after := auditOf(k)
		after.Files = len(uploads)
		return tx.audit(a, "create", "ticket", idString(id), nil, after)
	})
	return k, err
}

// Ticket returns a ticket in the actor's scope with its history, files,
// passes and deliveries.
func (db *DB) Ticket(ctx context.Context, a fugong.Actor, id int64) (tickets.Detail, error) {
	k, err := ticketIn(ctx, db.r, a, id)
	if err != nil {
		return tickets.Detail{}, err
	}
	d := tickets.Detail{Ticket: k, Events: []tickets.Event{}, Attachments: []files.File{}, Passes: []tickets.Pass{}, Deliveries: []tickets.Delivery{}}
	rows, err := db.r.QueryContext(ctx, `SELECT id, at, actor, kind, from_status, to_status, assignee, note
		FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, id)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev tickets.Event
		if err := rows.Scan(&ev.ID, &ev.At, &ev.Actor, &ev.Kind, &ev.From, &ev.To, &ev.Assignee, &ev.Note); err != nil {
			return d, err
		}
		ev.At = local(ev.At)
		d.Events = append(d.Events, ev)
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	rows.Close()

	rows, err = db.r.QueryContext(ctx, `SELECT f.id, f.enterprise_uscc, f.name, f.content_type, f.size, f.sha256, f.created_by, f.created_at
		FROM ticket_files tf JOIN files f ON f.id = tf.file_id WHERE tf.ticket_id = $1 ORDER BY f.id`, id)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var f files.File
		var ent sql.NullString
		if err := rows.Scan(&f.ID, &ent, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedBy, &f.CreatedAt); err != nil {
			return d, err
		}
		f.Enterprise, f.CreatedAt = ent.String, local(f.CreatedAt)
		d.Attachments = append(d.Attachments, f)
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	rows.Close()

	rows, err = db.r.QueryContext(ctx, `SELECT id, plate, route, valid_from, valid_to, note, created_by, created_at
		FROM ticket_passes WHERE ticket_id = $1 ORDER BY id`, id)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var p tickets.Pass
		if err := rows.Scan(&p.ID, &p.Plate, &p.Route, &p.ValidFrom, &p.ValidTo, &p.Note, &p.CreatedBy, &p.CreatedAt); err != nil {
			return d, err
		}
		p.ValidFrom, p.ValidTo, p.CreatedAt = local(p.ValidFrom), local(p.ValidTo), local(p.CreatedAt)
		d.Passes = append(d.Passes, p)
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	rows.Close()

	rows, err = db.r.QueryContext(ctx, `SELECT d.id, d.supplier_uscc, e.name, d.quantity, d.unit, d.date, d.note, d.created_by, d.created_at
		FROM ticket_deliveries d JOIN enterprises e ON e.uscc = d.supplier_uscc WHERE d.ticket_id = $1 ORDER BY d.id`, id)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var dl tickets.Delivery
		if err := rows.Scan(&dl.ID, &dl.Supplier, &dl.SupplierName, &dl.Quantity, &dl.Unit, &dl.Date, &dl.Note, &dl.CreatedBy, &dl.CreatedAt); err != nil {
			return d, err
		}
		dl.CreatedAt = local(dl.CreatedAt)
		d.Deliveries = append(d.Deliveries, dl)
	}
	return d, rows.Err()
}

// ticketWhere is the list filter in the actor's scope; now decides overdue.
func ticketWhere(a fugong.Actor, f tickets.Filter, now time.Time) *where {
	w := &where{}
	w.enterpriseScope(a)
	if f.Status != "" {
		w.add("k.status = ?", f.Status)
	}
	if f.Category != "" {
		w.add("k.category = ?", f.Category)
	}
	if f.Urgency != "" {
		w.add("k.urgency = ?", f.Urgency)
	}
	if f.Overdue != nil {
		cond := "k.status NOT IN ('resolved', 'closed') AND k.due_at < ?"
		if !*f.Overdue {
			cond = "NOT (" + cond + ")"
		}
		w.add(cond, dbTime(now))
	}
	switch {
	case f.Assignee == "me":
		w.add("(k.assignee = ? OR k.assignee = ?)", a.Username, tickets.GroupAssignee(a.Group))
	case f.Assignee != "":
		w.add("k.assignee = ?", f.Assignee)
	}
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	if f.Enterprise != "" {
		w.add("k.enterprise_uscc = ?", f.Enterprise)
	}
	if f.Q != "" {
		p := "%" + likeEscape(f.Q) + "%"
		w.add(`(k.title LIKE ? ESCAPE '\' OR e.name LIKE ? ESCAPE '\')`, p, p)
	}
	return w
}

// ListTickets returns a page of the tickets in scope, newest first, and
// their total; PerPage 0 returns them all.
func (db *DB) ListTickets(ctx context.Context, a fugong.Actor, f tickets.Filter, now time.Time) ([]tickets.Ticket, int, error) {
	w := ticketWhere(a, f, now)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM tickets k JOIN enterprises e ON e.uscc = k.enterprise_uscc`+w.String(),
		w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + ticketCols + ticketFrom + w.String() + ` ORDER BY k.raised_at DESC, k.id DESC`
	q += pageClause(w, max(f.Page, 1), f.PerPage)
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []tickets.Ticket{}
	for rows.Next() {
		k, err := scanTicket(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, k)
	}
	return out, total, rows.Err()
}

// MoveTicket changes a ticket's status, keeping the move as an event.
func (db *DB) MoveTicket(ctx context.Context, a fugong.Actor, id int64, m tickets.Move, check func(tickets.Ticket) error) (k tickets.Ticket, err error) {
	err = db.write(ctx, func(tx *Tx) error {
		before, err := tx.ticketForWrite(ctx, a, id, check)
		if err != nil {
			return err
		}
		assignee := before.Assignee
		if m.Status == tickets.StatusAssigned {
			assignee = m.Assignee
		}
		first, resolved, closed, resolution := before.FirstResolvedAt, before.ResolvedAt, before.ClosedAt, before.Resolution
		switch m.Status {
		case tickets.StatusResolved:
			now := tx.now
			resolved, resolution = &now, m.Note
			if first == nil {
				first = &now
			}
		case tickets.StatusClosed:
			now := tx.now
			closed = &now
		case tickets.StatusReopened:
			resolved, closed, resolution = nil, nil, ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET status = $2, assignee = $3, first_resolved_at = $4,
			resolved_at = $5, closed_at = $6, resolution = $7, updated_at = $8 WHERE id = $1`,
			id, m.Status, assignee, dbTimePtr(first), dbTimePtr(resolved), dbTimePtr(closed), resolution, tx.now); err != nil {
			return err
		}
		if err := tx.ticketEvent(ctx, a, id, tickets.EventMove, before.Status, m.Status, assignee, m.Note); err != nil {
			return err
		}
		if k, err = ticketIn(ctx, tx, fugong.System, id); err != nil {
			return err
		}
		after := auditOf(k)
		after.Note = m.Note
		return tx.audit(a, "update", "ticket", idString(id), auditOf(before), after)
	})
	return k, err
}

// ChooseSupplier records the enterprise chosen to supply the ticket.
func (db *DB) ChooseSupplier(ctx context.Context, a fugong.Actor, id int64, uscc, note string, check func(tickets.Ticket) error) (k tickets.Ticket, err error) {
	err = db.write(ctx, func(tx *Tx) error {
		before, err := tx.ticketForWrite(ctx, a, id, check)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET supplier_uscc = $2, supplier_note = $3, supplier_by = $4,
			supplier_at = $5, updated_at = $5 WHERE id = $1`, id, uscc, note, a.Username, tx.now); err != nil {
			if isForeignKey(err) {
				return fugong.NotFound("供应企业")
			}
			return err
		}
		if k, err = ticketIn(ctx, tx, fugong.System, id); err != nil {
			return err
		}
		if err := tx.ticketEvent(ctx, a, id, tickets.EventSupplier, "", "", "", strings.TrimSpace(k.Supplier.Name+" "+note)); err != nil {
			return err
		}
		after := auditOf(k)
		after.Note = note
		return tx.audit(a, "update", "ticket", idString(id), auditOf(before), after)
	})
	return k, err
}

// AddPass records a vehicle pass on a ticket.
func (db *DB) AddPass(ctx context.Context, a fugong.Actor, id int64, p tickets.Pass, check func(tickets.Ticket) error) (tickets.Pass, error) {
	err := db.write(ctx, func(tx *Tx) error {
		if _, err := tx.ticketForWrite(ctx, a, id, check); err != nil {
			return err
		}
		p.CreatedBy, p.CreatedAt = a.Username, local(tx.now)
		p.ValidFrom, p.ValidTo = local(dbTime(p.ValidFrom)), local(dbTime(p.ValidTo))
		if err := tx.QueryRowContext(ctx, `INSERT INTO ticket_passes (ticket_id, plate, route, valid_from, valid_to, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, id, p.Plate, p.Route, dbTime(p.ValidFrom), dbTime(p.ValidTo),
			p.Note, p.CreatedBy, tx.now).Scan(&p.ID); err != nil {
			return err
		}
		note := p.Plate + " " + p.Route + "，" + p.ValidFrom.Format("01-02 15:04") + " 至 " + p.ValidTo.Format("01-02 15:04")
		if err := tx.ticketEvent(ctx, a, id, tickets.EventPass, "", "", "", note); err != nil {
			return err
		}
		if err := tx.touchTicket(ctx, id); err != nil {
			return err
		}
		return tx.audit(a, "create", "ticket_pass", idString(p.ID), nil, struct {
			Ticket int64 `json:"ticket"`
			tickets.Pass
		}{id, p})
	})
	return p, err
}

// AddDelivery records goods the ticket's chosen supplier delivered.
func (db *DB) AddDelivery(ctx context.Context, a fugong.Actor, id int64, d tickets.Delivery, check func(tickets.Ticket) error) (tickets.Delivery, error) {
	err := db.write(ctx, func(tx *Tx) error {
		k, err := tx.ticketForWrite(ctx, a, id, check)
		if err != nil {
			return err
		}
		d.Supplier, d.SupplierName = k.Supplier.USCC, k.Supplier.Name
		d.CreatedBy, d.CreatedAt = a.Username, local(tx.now)
		if err := tx.QueryRowContext(ctx, `INSERT INTO ticket_deliveries (ticket_id, supplier_uscc, quantity, unit, date, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, id, d.Supplier, d.Quantity, d.Unit, d.Date, d.Note,
			d.CreatedBy, tx.now).Scan(&d.ID); err != nil {
			return err
		}
		note := strings.TrimSpace(d.SupplierName + " " + d.Date + " 送达 " + formatQuantity(d.Quantity) + d.Unit + " " + d.Note)
		if err := tx.ticketEvent(ctx, a, id, tickets.EventDelivery, "", "", "", note); err != nil {
			return err
		}
		if err := tx.touchTicket(ctx, id); err != nil {
			return err
		}
		return tx.audit(a, "create", "ticket_delivery", idString(d.ID), nil, struct {
			Ticket int64 `json:"ticket"`
			tickets.Delivery
		}{id, d})
	})
	return d, err
}

func formatQuantity(q float64) string { return strconv.FormatFloat(q, 'f', -1, 64) }

// TicketStats returns what the figures need of every ticket in scope.
func (db *DB) TicketStats(ctx context.Context, a fugong.Actor) ([]tickets.StatRow, error) {
	w := &where{}
	w.enterpriseScope(a)
	rows, err := db.r.QueryContext(ctx, `SELECT k.category, k.status, k.raised_at, k.due_at, k.first_resolved_at
		FROM tickets k JOIN enterprises e ON e.uscc = k.enterprise_uscc`+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tickets.StatRow
	for rows.Next() {
		var r tickets.StatRow
		var first sql.NullTime
		if err := rows.Scan(&r.Category, &r.Status, &r.RaisedAt, &r.DueAt, &first); err != nil {
			return nil, err
		}
		r.FirstResolvedAt = localPtr(first)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Products returns an enterprise's declared products in the order declared.
func (db *DB) Products(ctx context.Context, uscc string) ([]tickets.Product, error) {
	return products(ctx, db.r, uscc)
}

func products(ctx context.Context, q querier, uscc string) ([]tickets.Product, error) {
	rows, err := q.QueryContext(ctx, `SELECT product, note FROM enterprise_products WHERE uscc = $1 ORDER BY position`, uscc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []tickets.Product{}
	for rows.Next() {
		var p tickets.Product
		if err := rows.Scan(&p.Product, &p.Note); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetProducts replaces an enterprise's declared products.
func (db *DB) SetProducts(ctx context.Context, a fugong.Actor, uscc string, ps []tickets.Product) error {
	return db.write(ctx, func(tx *Tx) error {
		// Two lists saved at once replace each other, never mix.
		if err := tx.lockRow(ctx, lockNoKeyUpdate, "enterprises", "uscc", uscc); err != nil {
			return err
		}
		before, err := products(ctx, tx, uscc)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM enterprise_products WHERE uscc = $1`, uscc); err != nil {
			return err
		}
		for i, p := range ps {
			_, err := tx.ExecContext(ctx, `INSERT INTO enterprise_products (uscc, product, note, position) VALUES ($1, $2, $3, $4)`,
				uscc, p.Product, p.Note, i)
			if isForeignKey(err) {
				return fugong.NotFound("企业")
			}
			if isUnique(err) {
				return fugong.Errorf(fugong.EInvalid, "products", "产品“%s”重复", p.Product)
			}
			if err != nil {
				return err
			}
		}
		if ps == nil {
			ps = []tickets.Product{}
		}
		return tx.audit(a, "update", "enterprise_products", uscc, before, ps)
	})
}

// SuggestSuppliers ranks the active enterprises in the actor's scope, other
// than the raiser, that may supply what a raw-material or supplies ticket is
// short of: those that declared a product it names (or is made of) and
// those whose trade makes it (tickets.Rank). This is the one place the
// candidates are gathered: holders of stock can join them here.
func (db *DB) SuggestSuppliers(ctx context.Context, a fugong.Actor, id int64) ([]tickets.Suggestion, error) {
	k, err := ticketIn(ctx, db.r, a, id)
	if err != nil {
		return nil, err
	}
	out := []tickets.Suggestion{}
	if !tickets.Matchable(k.Category) {
		return out, nil
	}
	// The candidates: active, in scope, not the raiser.
	base := func() *where {
		w := &where{}
		w.enterpriseScope(a)
		w.add("e.status = 'active'")
		w.add("e.uscc <> ?", k.Enterprise)
		return w
	}
	w := base()
	declared, err := queryStrings(ctx, db.r, `SELECT DISTINCT p.product FROM enterprise_products p
		JOIN enterprises e ON e.uscc = p.uscc`+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	needs := tickets.Needs(k.Category, k.Title+"\n"+k.Description, declared)
	if len(needs) == 0 {
		return out, nil
	}
	w = base()
	w.add("e.industry <> ''")
	industries, err := queryStrings(ctx, db.r, `SELECT DISTINCT e.industry FROM enterprises e`+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	byProduct, byTrade := tickets.MatchingProducts(needs, declared), tickets.Industries(needs, industries)
	if len(byProduct) == 0 && len(byTrade) == 0 {
		return out, nil
	}
	w = base()
	var anyOf []string
	if len(byProduct) > 0 {
		anyOf = append(anyOf, `e.uscc IN (SELECT uscc FROM enterprise_products WHERE product IN (`+w.list(byProduct)+`))`)
	}
	if len(byTrade) > 0 {
		anyOf = append(anyOf, `e.industry IN (`+w.list(byTrade)+`)`)
	}
	w.conds = append(w.conds, "("+strings.Join(anyOf, " OR ")+")")
	// Firms that declared a product first: a trade alone may hold hundreds.
	rows, err := db.r.QueryContext(ctx, `SELECT e.uscc, e.name, e.town_code, t.name, e.address, e.industry FROM enterprises e
		JOIN towns t ON t.code = e.town_code`+w.String()+` ORDER BY (SELECT count(*) FROM enterprise_products p WHERE p.uscc = e.uscc) DESC,
		e.name LIMIT `+w.next(maxCandidates), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cands []tickets.Candidate
	index := map[string]int{}
	for rows.Next() {
		var c tickets.Candidate
		if err := rows.Scan(&c.USCC, &c.Name, &c.Town, &c.TownName, &c.Address, &c.Industry); err != nil {
			return nil, err
		}
		index[c.USCC] = len(cands)
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(cands) == 0 {
		return out, nil
	}
	pw := &where{}
	codes := make([]string, len(cands))
	for i, c := range cands {
		codes[i] = c.USCC
	}
	rows, err = db.r.QueryContext(ctx, `SELECT uscc, product, note FROM enterprise_products WHERE uscc IN (`+pw.list(codes)+`)
		ORDER BY uscc, position`, pw.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uscc string
		var p tickets.Product
		if err := rows.Scan(&uscc, &p.Product, &p.Note); err != nil {
			return nil, err
		}
		c := &cands[index[uscc]]
		c.Products = append(c.Products, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if ranked := tickets.Rank(needs, k.Town, cands); ranked != nil {
		out = ranked
	}
	return out, nil
}

// maxCandidates bounds the firms ranked for one ticket.
const maxCandidates = 1000

// list adds the values as placeholders and returns them comma-separated.
func (w *where) list(vals []string) string {
	ps := make([]string, len(vals))
	for i, v := range vals {
		ps[i] = w.next(v)
	}
	return strings.Join(ps, ", ")
}

// LoadTickets stores generated tickets with their whole history as they
// say it happened (the demo's month), in one transaction, each audited as
// imported.
func (db *DB) LoadTickets(ctx context.Context, a fugong.Actor, ds []tickets.Detail) error {
	return db.write(ctx, func(tx *Tx) error {
		for i := range ds {
			d := &ds[i]
			var supplier any
			var supplierAt any
			supplierNote, supplierBy := "", ""
			if d.Supplier != nil {
				supplier, supplierAt = d.Supplier.USCC, dbTime(d.Supplier.ChosenAt)
				supplierNote, supplierBy = d.Supplier.Note, d.Supplier.ChosenBy
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO tickets (enterprise_uscc, category, urgency, title, description, status,
				assignee, raised_by, raised_at, due_at, first_resolved_at, resolved_at, closed_at, resolution, supplier_uscc,
				supplier_note, supplier_by, supplier_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
				d.Enterprise, d.Category, d.Urgency, d.Title, d.Description, d.Status, d.Assignee, d.RaisedBy,
				dbTime(d.RaisedAt), dbTime(d.DueAt), dbTimePtr(d.FirstResolvedAt), dbTimePtr(d.ResolvedAt), dbTimePtr(d.ClosedAt),
				d.Resolution, supplier, supplierNote, supplierBy, supplierAt, dbTime(d.UpdatedAt)).Scan(&d.ID); err != nil {
				return err
			}
			for _, ev := range d.Events {
				if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_events (ticket_id, at, actor, kind, from_status, to_status, assignee, note)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.ID, dbTime(ev.At), ev.Actor, ev.Kind, ev.From, ev.To, ev.Assignee, ev.Note); err != nil {
					return err
				}
			}
			for _, p := range d.Passes {
				if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_passes (ticket_id, plate, route, valid_from, valid_to, note, created_by, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.ID, p.Plate, p.Route, dbTime(p.ValidFrom), dbTime(p.ValidTo), p.Note,
					p.CreatedBy, dbTime(p.CreatedAt)); err != nil {
					return err
				}
			}
			for _, dl := range d.Deliveries {
				if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_deliveries (ticket_id, supplier_uscc, quantity, unit, date, note, created_by, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.ID, dl.Supplier, dl.Quantity, dl.Unit, dl.Date, dl.Note,
					dl.CreatedBy, dbTime(dl.CreatedAt)); err != nil {
					return err
				}
			}
			if err := tx.audit(a, "import", "ticket", idString(d.ID), nil, auditOf(d.Ticket)); err != nil {
				return err
			}
		}
		return nil
	})
}
