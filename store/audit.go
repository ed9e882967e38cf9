package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"fugong/audit"
)

// reportEntity is the audit entity of report submissions: most of the log.
// The entity index leaves their rows out (migration 0036), and notReports
// is its condition, which a query names for the index to serve it: neither
// engine proves it from entity = ?.
const (
	reportEntity = "daily_report"
	notReports   = `entity <> 'daily_report'`
)

// ListAudit returns a page of the audit log, newest first.
func (db *DB) ListAudit(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error) {
	w := auditWhere(f)
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

// auditWhere is the filter's condition on the audit log.
func auditWhere(f audit.Filter) *where {
	w := &where{}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	switch {
	case f.Entity == reportEntity && f.EntityID != "":
		// A report's rows were written with its versions, by their
		// submitter at their time: found through the versions' key and
		// the actor index.
		uscc, date, _ := strings.Cut(f.EntityID, "/")
		w.add("entity = ?", f.Entity)
		w.add("entity_id = ?", f.EntityID)
		w.add("(actor, at) IN (SELECT submitted_by, submitted_at FROM daily_report_versions WHERE uscc = ? AND date = ?)", uscc, date)
	case f.Entity == reportEntity:
		w.add("entity = ?", f.Entity)
	case f.Entity != "":
		w.add(notReports)
		w.add("entity = ?", f.Entity)
		if f.EntityID != "" {
			w.add("entity_id = ?", f.EntityID)
		}
	case f.EntityID != "":
		w.add("entity_id = ?", f.EntityID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	return w
}

// auditRowsOf counts the audit rows of entities: each entity's ids, a list
// of SQL values. One count per entity, each a search of the entity index
// (SQLite scans a partial index whole for an OR of its conditions).
func auditRowsOf(ids map[string]string) string {
	counts := make([]string, 0, len(ids))
	for _, entity := range slices.Sorted(maps.Keys(ids)) {
		counts = append(counts, `(SELECT count(*) FROM audit_log WHERE `+notReports+` AND entity = '`+entity+`' AND entity_id IN (`+ids[entity]+`))`)
	}
	return `SELECT ` + strings.Join(counts, " + ")
}

func rawJSON(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}
