package store

import (
	"context"
	"encoding/json"
	"time"

	"fugong/inspect"
)

var (
	visitBulkCols = []string{"id", "enterprise_uscc", "visited_at", "checklist_id", "checklist_version",
		"inspectors", "findings", "failed", "recorded_by", "recorded_at"}
	answerBulkCols        = []string{"visit_id", "item_id", "result", "note"}
	rectificationBulkCols = []string{"id", "visit_id", "item_id", "enterprise_uscc", "problem", "owner", "due_date",
		"status", "opened_at", "updated_at", "updated_by"}
	eventBulkCols = []string{"rectification_id", "from_status", "to_status", "note", "by_user", "at"}
)

// LoadVisits inserts generated visits with their answers, rectifications
// and the rectifications' histories in one transaction, without audit rows,
// giving each visit and rectification its id (set in vs). For generated
// data only (the demo city): nothing is validated, so the enterprises,
// checklists and items must exist and the answers match their checklist.
func (db *DB) LoadVisits(ctx context.Context, vs []inspect.Visit) error {
	if len(vs) == 0 {
		return nil
	}
	var lastVisit, lastRect int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM visits`).Scan(&lastVisit); err != nil {
		return err
	}
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM rectifications`).Scan(&lastRect); err != nil {
		return err
	}
	type answer struct {
		visit int64
		a     inspect.Answer
	}
	type event struct {
		rect int64
		ev   inspect.Event
	}
	var answers []answer
	var rects []inspect.Rectification
	var events []event
	inspectors := make([]string, len(vs))
	for i := range vs {
		v := &vs[i]
		lastVisit++
		v.ID = lastVisit
		b, err := json.Marshal(v.Inspectors)
		if err != nil {
			return err
		}
		inspectors[i] = string(b)
		for _, a := range v.Answers {
			answers = append(answers, answer{v.ID, a})
		}
		for j := range v.Rectifications {
			r := &v.Rectifications[j]
			lastRect++
			r.ID, r.VisitID = lastRect, v.ID
			rects = append(rects, *r)
			for _, ev := range r.History {
				events = append(events, event{r.ID, ev})
			}
		}
	}
	utc := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	return db.bulk(ctx, func(w bulkWriter) error {
		err := w.rows("visits", visitBulkCols, len(vs), func(i int) []any {
			v := &vs[i]
			return []any{v.ID, v.Enterprise, utc(v.VisitedAt), v.ChecklistID, v.ChecklistVersion, inspectors[i],
				v.Findings, v.Failed, v.RecordedBy, utc(v.RecordedAt)}
		})
		if err != nil {
			return err
		}
		if err := w.rows("visit_answers", answerBulkCols, len(answers), func(i int) []any {
			a := &answers[i]
			return []any{a.visit, a.a.ItemID, a.a.Result, a.a.Note}
		}); err != nil {
			return err
		}
		if err := w.rows("rectifications", rectificationBulkCols, len(rects), func(i int) []any {
			r := &rects[i]
			return []any{r.ID, r.VisitID, r.ItemID, r.Enterprise, r.Problem, r.Owner, r.DueDate, r.Status,
				utc(r.OpenedAt), utc(r.UpdatedAt), r.UpdatedBy}
		}); err != nil {
			return err
		}
		if err := w.rows("rectification_events", eventBulkCols, len(events), func(i int) []any {
			e := &events[i]
			return []any{e.rect, e.ev.From, e.ev.To, e.ev.Note, e.ev.By, utc(e.ev.At)}
		}); err != nil {
			return err
		}
		// The ids were given here: move the sequences past them.
		if err := w.sequencePast("visits", lastVisit); err != nil {
			return err
		}
		if lastRect == 0 {
			return nil
		}
		return w.sequencePast("rectifications", lastRect)
	})
}
