package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"fugong/audit"
)

// ListAudit returns a page of the audit log, newest first.
func (db *DB) ListAudit(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error) {
	w := &where{}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		w.add("entity_id = ?", f.EntityID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log` + w.String() +
		` ORDER BY id DESC` + pageClause(w, f.Page, f.PerPage)
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		var e audit.Entry
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &before, &after); err != nil {
			return nil, 0, err
		}
		e.Before, e.After = rawJSON(before), rawJSON(after)
		out = append(out, e)
	}
	return out, total, rows.Err()
}

func rawJSON(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}
