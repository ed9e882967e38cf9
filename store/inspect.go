package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"fugong"
	"fugong/inspect"
)

// The inspections (M3): checklist templates and their versions, visits with
// answers and photos, rectifications and their moves.

const checklistCols = `c.id, c.name, c.version, c.created_by, c.created_at,
	c.version = (SELECT max(m.version) FROM checklists m WHERE m.name = c.name)`

// readChecklists reads checklists (alias c) matching cond with their items,
// in the order the templates were first created, versions in order.
func readChecklists(ctx context.Context, q querier, cond string, args ...any) ([]inspect.Checklist, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+checklistCols+` FROM checklists c WHERE `+cond+`
		ORDER BY (SELECT min(f.id) FROM checklists f WHERE f.name = c.name), c.version`, args...)
	if err != nil {
		return nil, err
	}
	var out []inspect.Checklist
	index := map[int64]int{}
	for rows.Next() {
		var c inspect.Checklist
		if err := rows.Scan(&c.ID, &c.Name, &c.Version, &c.CreatedBy, &c.CreatedAt, &c.Current); err != nil {
			rows.Close()
			return nil, err
		}
		c.CreatedAt = c.CreatedAt.In(fugong.Location)
		c.Items = []inspect.Item{}
		index[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = q.QueryContext(ctx, `SELECT i.id, i.checklist_id, i.sort, i.text, i.due_days FROM checklist_items i
		JOIN checklists c ON c.id = i.checklist_id WHERE `+cond+` ORDER BY i.checklist_id, i.sort`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it inspect.Item
		var list int64
		if err := rows.Scan(&it.ID, &list, &it.Sort, &it.Text, &it.DueDays); err != nil {
			return nil, err
		}
		c := &out[index[list]]
		c.Items = append(c.Items, it)
	}
	return out, rows.Err()
}

// Checklists returns the current version of every template, or every version.
func (db *DB) Checklists(ctx context.Context, all bool) ([]inspect.Checklist, error) {
	cond := `c.version = (SELECT max(m.version) FROM checklists m WHERE m.name = c.name)`
	if all {
		cond = `1 = 1`
	}
	out, err := readChecklists(ctx, db.r, cond)
	if out == nil {
		out = []inspect.Checklist{}
	}
	return out, err
}

// Checklist returns one version of a template.
func (db *DB) Checklist(ctx context.Context, id int64) (inspect.Checklist, error) {
	return readChecklist(ctx, db.r, id)
}

func readChecklist(ctx context.Context, q querier, id int64) (inspect.Checklist, error) {
	cs, err := readChecklists(ctx, q, `c.id = $1`, id)
	if err != nil {
		return inspect.Checklist{}, err
	}
	if len(cs) == 0 {
		return inspect.Checklist{}, fugong.NotFound("检查表")
	}
	return cs[0], nil
}

// CreateChecklist stores version 1 of a new template.
func (db *DB) CreateChecklist(ctx context.Context, a fugong.Actor, in inspect.ChecklistInput) (inspect.Checklist, error) {
	var c inspect.Checklist
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		if c, err = tx.insertChecklist(ctx, a, in.Name, 1, in.Items); err != nil {
			return err
		}
		return tx.audit(a, "create", "checklist", idString(c.ID), nil, c)
	})
	return c, err
}

// insertChecklist inserts a version of a template with new items.
func (tx *Tx) insertChecklist(ctx context.Context, a fugong.Actor, name string, version int, items []inspect.ItemInput) (inspect.Checklist, error) {
	c := inspect.Checklist{Name: name, Version: version, Current: true, CreatedBy: a.Username, CreatedAt: tx.now.In(fugong.Location)}
	err := tx.QueryRowContext(ctx, `INSERT INTO checklists (name, version, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		name, version, a.Username, tx.now).Scan(&c.ID)
	if isUnique(err) {
		if version == 1 {
			return c, fugong.Errorf(fugong.EConflict, "name", "检查表“%s”已存在", name)
		}
		return c, fugong.Errorf(fugong.EConflict, "", "检查表“%s”刚被他人修订，请刷新后重试", name)
	}
	if err != nil {
		return c, err
	}
	for i, in := range items {
		it := inspect.Item{Text: in.Text, Sort: i + 1, DueDays: in.DueDays}
		if it.ID, err = tx.insertItem(ctx, c.ID, it); err != nil {
			return c, err
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}

func (tx *Tx) insertItem(ctx context.Context, checklist int64, it inspect.Item) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO checklist_items (checklist_id, sort, text, due_days) VALUES ($1, $2, $3, $4) RETURNING id`,
		checklist, it.Sort, it.Text, it.DueDays).Scan(&id)
	return id, err
}

// sameChecklist reports whether the stored version id is still current and
// has the items c was read with.
func (tx *Tx) sameChecklist(ctx context.Context, c inspect.Checklist) (bool, error) {
	now, err := readChecklist(ctx, tx, c.ID)
	if err != nil {
		return false, err
	}
	return now.Current && slices.Equal(now.Items, c.Items), nil
}

// ReviseChecklist replaces c's items, in place or as a new version.
func (db *DB) ReviseChecklist(ctx context.Context, a fugong.Actor, c inspect.Checklist, items []inspect.ItemInput) (inspect.Checklist, error) {
	var out inspect.Checklist
	err := db.write(ctx, func(tx *Tx) error {
		// Alone, against the visits answering the version (which share
		// it): no visit is recorded against items changed in place.
		if err := tx.lockRow(ctx, lockUpdate, "checklists", "id", c.ID); err != nil {
			return err
		}
		if same, err := tx.sameChecklist(ctx, c); err != nil {
			return err
		} else if !same {
			return fugong.Errorf(fugong.EConflict, "", "检查表“%s”刚被他人修订，请刷新后重试", c.Name)
		}
		var used bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM visits WHERE checklist_id = $1)`, c.ID).Scan(&used); err != nil {
			return err
		}
		if used {
			var err error
			if out, err = tx.insertChecklist(ctx, a, c.Name, c.Version+1, items); err != nil {
				return err
			}
			return tx.audit(a, "revise", "checklist", idString(out.ID), c, out)
		}
		out = c
		out.Items = nil
		kept := map[int64]bool{}
		for i, in := range items {
			it := inspect.Item{ID: in.ID, Text: in.Text, Sort: i + 1, DueDays: in.DueDays}
			if it.ID > 0 {
				kept[it.ID] = true
				if _, err := tx.ExecContext(ctx, `UPDATE checklist_items SET sort = $1, text = $2, due_days = $3 WHERE id = $4`,
					it.Sort, it.Text, it.DueDays, it.ID); err != nil {
					return err
				}
			}
			out.Items = append(out.Items, it)
		}
		for _, old := range c.Items {
			if !kept[old.ID] {
				if _, err := tx.ExecContext(ctx, `DELETE FROM checklist_items WHERE id = $1`, old.ID); err != nil {
					return err
				}
			}
		}
		// New items are inserted after the deletions, so their ids come after every kept one.
		for i := range out.Items {
			if out.Items[i].ID == 0 {
				var err error
				if out.Items[i].ID, err = tx.insertItem(ctx, c.ID, out.Items[i]); err != nil {
					return err
				}
			}
		}
		return tx.audit(a, "update", "checklist", idString(c.ID), c, out)
	})
	return out, err
}

// RecordVisit stores a visit with its answers, photos and rectifications.
func (db *DB) RecordVisit(ctx context.Context, a fugong.Actor, nv inspect.NewVisit) (inspect.Visit, error) {
	v := inspect.Visit{VisitSummary: nv.Summary, Answers: nv.Answers, Rectifications: []inspect.Rectification{}}
	var key *string // NULL without a key: the unique index ignores those
	if nv.Key != "" {
		key = &nv.Key
	}
	var stored int64 // the visit already stored under the key
	err := db.write(ctx, func(tx *Tx) error {
		if key != nil {
			err := tx.QueryRowContext(ctx, `SELECT id FROM visits WHERE recorded_by = $1 AND client_key = $2`, a.Username, *key).Scan(&stored)
			if err != sql.ErrNoRows {
				return err
			}
		}
		// Shared with other visits, against a revision (see ReviseChecklist).
		if err := tx.lockRow(ctx, lockShare, "checklists", "id", nv.Checklist.ID); err != nil {
			return err
		}
		if same, err := tx.sameChecklist(ctx, nv.Checklist); err != nil {
			return err
		} else if !same {
			return fugong.Errorf(fugong.EConflict, "checklist_id", "检查表“%s”刚被修订，请刷新后按新版本重新填写", nv.Checklist.Name)
		}
		v.VisitedAt = v.VisitedAt.UTC().Truncate(time.Microsecond)
		v.RecordedBy, v.RecordedAt = a.Username, tx.now
		inspectors, err := json.Marshal(v.Inspectors)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO visits (enterprise_uscc, visited_at, checklist_id, checklist_version,
			inspectors, findings, failed, recorded_by, recorded_at, client_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			v.Enterprise, v.VisitedAt, v.ChecklistID, v.ChecklistVersion, string(inspectors), v.Findings, v.Failed,
			v.RecordedBy, v.RecordedAt, key).Scan(&v.ID)
		if isForeignKey(err) {
			return fugong.NotFound("企业")
		}
		if err != nil {
			return err
		}
		at := map[int64]int{}
		for i, ans := range v.Answers {
			at[ans.ItemID] = i
			if _, err := tx.ExecContext(ctx, `INSERT INTO visit_answers (visit_id, item_id, result, note) VALUES ($1, $2, $3, $4)`,
				v.ID, ans.ItemID, ans.Result, ans.Note); err != nil {
				return err
			}
		}
		for _, p := range nv.Photos {
			f, err := tx.insertFile(ctx, a, v.Enterprise, p.Upload, p.ContentType)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO visit_photos (file_id, visit_id, item_id) VALUES ($1, $2, $3)`,
				f.ID, v.ID, p.ItemID); err != nil {
				return err
			}
			ans := &v.Answers[at[p.ItemID]]
			ans.Photos = append(ans.Photos, inspect.PhotoRef{ID: f.ID, Name: f.Name, ContentType: f.ContentType})
		}
		for _, r := range nv.Rectifications {
			r.VisitID, r.OpenedAt, r.UpdatedAt, r.UpdatedBy = v.ID, tx.now, tx.now, a.Username
			if err := tx.QueryRowContext(ctx, `INSERT INTO rectifications (visit_id, item_id, enterprise_uscc, problem, owner,
				due_date, status, opened_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
				r.VisitID, r.ItemID, r.Enterprise, r.Problem, r.Owner, r.DueDate, r.Status, r.OpenedAt, r.UpdatedAt, r.UpdatedBy).Scan(&r.ID); err != nil {
				return err
			}
			ev := inspect.Event{To: inspect.StatusOpen, Note: r.Problem, By: a.Username, At: tx.now}
			if err := tx.insertEvent(ctx, r.ID, ev, nil); err != nil {
				return err
			}
			r.OpenedAt, r.UpdatedAt = r.OpenedAt.In(fugong.Location), r.UpdatedAt.In(fugong.Location)
			if err := tx.audit(a, "create", "rectification", idString(r.ID), nil, r); err != nil {
				return err
			}
			v.Rectifications = append(v.Rectifications, r)
		}
		v.VisitedAt, v.RecordedAt = v.VisitedAt.In(fugong.Location), v.RecordedAt.In(fugong.Location)
		return tx.audit(a, "create", "visit", idString(v.ID), nil, inspect.Visit{VisitSummary: v.VisitSummary, Answers: v.Answers})
	})
	if key != nil && isUnique(err) {
		// The same key sent twice at once: the other request stored it.
		err = db.r.QueryRowContext(ctx, `SELECT id FROM visits WHERE recorded_by = $1 AND client_key = $2`, a.Username, *key).Scan(&stored)
	}
	if err == nil && stored != 0 {
		return db.Visit(ctx, a, stored)
	}
	return v, err
}

func (tx *Tx) insertEvent(ctx context.Context, rectification int64, ev inspect.Event, file *int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO rectification_events (rectification_id, from_status, to_status, note, file_id, by_user, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, rectification, ev.From, ev.To, ev.Note, file, ev.By, ev.At)
	return err
}

const visitCols = `v.id, v.enterprise_uscc, e.name, e.town_code, t.name, v.checklist_id, c.name, v.checklist_version,
	v.visited_at, v.inspectors, v.findings, v.failed, v.recorded_by, v.recorded_at`

const visitFrom = ` FROM visits v JOIN enterprises e ON e.uscc = v.enterprise_uscc JOIN towns t ON t.code = e.town_code
	JOIN checklists c ON c.id = v.checklist_id`

func scanVisit(s scanner) (inspect.VisitSummary, error) {
	var v inspect.VisitSummary
	var inspectors string
	err := s.Scan(&v.ID, &v.Enterprise, &v.EnterpriseName, &v.Town, &v.TownName, &v.ChecklistID, &v.ChecklistName,
		&v.ChecklistVersion, &v.VisitedAt, &inspectors, &v.Findings, &v.Failed, &v.RecordedBy, &v.RecordedAt)
	if err != nil {
		return v, err
	}
	v.VisitedAt, v.RecordedAt = v.VisitedAt.In(fugong.Location), v.RecordedAt.In(fugong.Location)
	return v, json.Unmarshal([]byte(inspectors), &v.Inspectors)
}

// Visits returns a page of an enterprise's visits, newest first.
func (db *DB) Visits(ctx context.Context, uscc string, page, perPage int) ([]inspect.VisitSummary, int, error) {
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM visits WHERE enterprise_uscc = $1`, uscc).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+visitCols+visitFrom+` WHERE v.enterprise_uscc = $1
		ORDER BY v.visited_at DESC, v.id DESC LIMIT $2 OFFSET $3`, uscc, perPage, offset(page, perPage))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []inspect.VisitSummary{}
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, rows.Err()
}

// Visit returns one visit in the actor's scope with its answers, photos and
// rectifications.
func (db *DB) Visit(ctx context.Context, a fugong.Actor, id int64) (inspect.Visit, error) {
	w := &where{}
	w.add("v.id = ?", id)
	w.enterpriseScope(a)
	s, err := scanVisit(db.r.QueryRowContext(ctx, `SELECT `+visitCols+visitFrom+w.String(), w.args...))
	if err != nil {
		return inspect.Visit{}, notFound(err, "督导检查记录")
	}
	v := inspect.Visit{VisitSummary: s, Answers: []inspect.Answer{}}
	rows, err := db.r.QueryContext(ctx, `SELECT a.item_id, i.text, a.result, a.note FROM visit_answers a
		JOIN checklist_items i ON i.id = a.item_id WHERE a.visit_id = $1 ORDER BY i.sort`, id)
	if err != nil {
		return v, err
	}
	at := map[int64]int{}
	for rows.Next() {
		ans := inspect.Answer{Photos: []inspect.PhotoRef{}}
		if err := rows.Scan(&ans.ItemID, &ans.Text, &ans.Result, &ans.Note); err != nil {
			rows.Close()
			return v, err
		}
		at[ans.ItemID] = len(v.Answers)
		v.Answers = append(v.Answers, ans)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return v, err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT p.item_id, f.id, f.name, f.content_type FROM visit_photos p
		JOIN files f ON f.id = p.file_id WHERE p.visit_id = $1 ORDER BY f.id`, id)
	if err != nil {
		return v, err
	}
	for rows.Next() {
		var item int64
		var p inspect.PhotoRef
		if err := rows.Scan(&item, &p.ID, &p.Name, &p.ContentType); err != nil {
			rows.Close()
			return v, err
		}
		if i, ok := at[item]; ok {
			v.Answers[i].Photos = append(v.Answers[i].Photos, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return v, err
	}
	vw := &where{}
	vw.add("r.visit_id = ?", id)
	v.Rectifications, err = db.rectifications(ctx, vw, "")
	return v, err
}

const rectificationCols = `r.id, r.visit_id, r.enterprise_uscc, e.name, e.town_code, t.name, r.item_id, i.text, c.name,
	r.problem, r.owner, r.due_date, r.status, r.opened_at, r.updated_at, r.updated_by`

const rectificationFrom = ` FROM rectifications r JOIN enterprises e ON e.uscc = r.enterprise_uscc
	JOIN towns t ON t.code = e.town_code JOIN checklist_items i ON i.id = r.item_id JOIN checklists c ON c.id = i.checklist_id`

// rectificationOrder puts what needs doing first: open, then waiting for
// verification, then done; the earliest due first.
const rectificationOrder = ` ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'rectified' THEN 1 ELSE 2 END, r.due_date, r.id`

func scanRectification(s scanner) (inspect.Rectification, error) {
	var r inspect.Rectification
	err := s.Scan(&r.ID, &r.VisitID, &r.Enterprise, &r.EnterpriseName, &r.Town, &r.TownName, &r.ItemID, &r.ItemText,
		&r.ChecklistName, &r.Problem, &r.Owner, &r.DueDate, &r.Status, &r.OpenedAt, &r.UpdatedAt, &r.UpdatedBy)
	r.OpenedAt, r.UpdatedAt = r.OpenedAt.In(fugong.Location), r.UpdatedAt.In(fugong.Location)
	return r, err
}

// rectifications reads the rectifications w selects, in order, limit (a
// LIMIT and OFFSET clause, or "") appended.
func (db *DB) rectifications(ctx context.Context, w *where, limit string) ([]inspect.Rectification, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+rectificationCols+rectificationFrom+w.String()+rectificationOrder+limit, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []inspect.Rectification{}
	for rows.Next() {
		r, err := scanRectification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func rectificationWhere(a fugong.Actor, f inspect.Filter) *where {
	w := &where{}
	w.enterpriseScope(a)
	if f.Enterprise != "" {
		w.add("r.enterprise_uscc = ?", f.Enterprise)
	}
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	if f.Status != "" {
		w.add("r.status = ?", f.Status)
	}
	if f.Overdue {
		w.add("r.status = 'open' AND r.due_date < ?", f.Today)
	}
	return w
}

// Rectifications returns a page of the rectifications in scope matching f
// and their total; PerPage 0 returns them all.
func (db *DB) Rectifications(ctx context.Context, a fugong.Actor, f inspect.Filter) ([]inspect.Rectification, int, error) {
	w := rectificationWhere(a, f)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+rectificationFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := db.rectifications(ctx, w, pageClause(w, f.Page, f.PerPage))
	return out, total, err
}

// Rectification returns one rectification in scope with its history.
func (db *DB) Rectification(ctx context.Context, a fugong.Actor, id int64) (inspect.Rectification, error) {
	w := &where{}
	w.add("r.id = ?", id)
	w.enterpriseScope(a)
	r, err := scanRectification(db.r.QueryRowContext(ctx, `SELECT `+rectificationCols+rectificationFrom+w.String(), w.args...))
	if err != nil {
		return r, notFound(err, "整改")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT ev.from_status, ev.to_status, ev.note, f.id, f.name, f.content_type, ev.by_user, ev.at
		FROM rectification_events ev LEFT JOIN files f ON f.id = ev.file_id WHERE ev.rectification_id = $1 ORDER BY ev.id`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	r.History = []inspect.Event{}
	for rows.Next() {
		var ev inspect.Event
		var fid sql.NullInt64
		var fname, ftype sql.NullString
		if err := rows.Scan(&ev.From, &ev.To, &ev.Note, &fid, &fname, &ftype, &ev.By, &ev.At); err != nil {
			return r, err
		}
		ev.At = ev.At.In(fugong.Location)
		if fid.Valid {
			ev.Photo = &inspect.PhotoRef{ID: fid.Int64, Name: fname.String, ContentType: ftype.String}
		}
		r.History = append(r.History, ev)
	}
	return r, rows.Err()
}

// moveActions name the moves in the audit log.
var moveActions = map[string]string{inspect.StatusRectified: "rectify", inspect.StatusVerified: "verify", inspect.StatusOpen: "reject"}

// MoveRectification moves r to status to if it is still where r was read.
func (db *DB) MoveRectification(ctx context.Context, a fugong.Actor, r inspect.Rectification, to, note string, photo *inspect.Photo) (inspect.Rectification, error) {
	before := r
	before.History = nil
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE rectifications SET status = $1, updated_at = $2, updated_by = $3
			WHERE id = $4 AND status = $5`, to, tx.now, a.Username, r.ID, r.Status)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fugong.Errorf(fugong.EConflict, "status", "整改状态刚被他人更新，请刷新后重试")
		}
		ev := inspect.Event{From: r.Status, To: to, Note: note, By: a.Username, At: tx.now}
		var file *int64
		if photo != nil {
			f, err := tx.insertFile(ctx, a, r.Enterprise, photo.Upload, photo.ContentType)
			if err != nil {
				return err
			}
			file = &f.ID
			ev.Photo = &inspect.PhotoRef{ID: f.ID, Name: f.Name, ContentType: f.ContentType}
		}
		if err := tx.insertEvent(ctx, r.ID, ev, file); err != nil {
			return err
		}
		ev.At = ev.At.In(fugong.Location)
		r.Status, r.UpdatedAt, r.UpdatedBy = to, ev.At, a.Username
		r.History = append(r.History, ev)
		after := r
		after.History = []inspect.Event{ev}
		return tx.audit(a, moveActions[to], "rectification", idString(r.ID), before, after)
	})
	return r, err
}

// RectificationCounts counts the rectifications in scope per town.
func (db *DB) RectificationCounts(ctx context.Context, a fugong.Actor, today string) ([]inspect.TownCounts, error) {
	w := &where{}
	day := w.next(today)
	w.enterpriseScope(a)
	rows, err := db.r.QueryContext(ctx, `SELECT t.code, t.name,
		sum(CASE WHEN r.status = 'open' THEN 1 ELSE 0 END),
		sum(CASE WHEN r.status = 'open' AND r.due_date < `+day+` THEN 1 ELSE 0 END),
		sum(CASE WHEN r.status = 'rectified' THEN 1 ELSE 0 END),
		sum(CASE WHEN r.status = 'verified' THEN 1 ELSE 0 END)
		FROM rectifications r JOIN enterprises e ON e.uscc = r.enterprise_uscc JOIN towns t ON t.code = e.town_code`+
		w.String()+` GROUP BY t.code, t.name, t.sort ORDER BY t.sort`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []inspect.TownCounts{}
	for rows.Next() {
		var c inspect.TownCounts
		if err := rows.Scan(&c.Town.Code, &c.Town.Name, &c.Open, &c.Overdue, &c.Rectified, &c.Verified); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
