package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"fugong"
	"fugong/documents"
)

// documentAudit is what the audit log keeps of a document.
type documentAudit struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	FileID   int64  `json:"file_id"`
	SignedOn string `json:"signed_on,omitempty"`
}

// AddDocument stores an upload already checked by files.Check and the
// document it is, in one transaction: the enterprise's current document of
// that kind is marked replaced and kept.
func (db *DB) AddDocument(ctx context.Context, a fugong.Actor, uscc string, u documents.Upload) (documents.Document, error) {
	var d documents.Document
	err := db.write(ctx, func(tx *Tx) error {
		f, err := tx.insertFile(ctx, a, uscc, u.File, u.ContentType)
		if err != nil {
			return err
		}
		var before any
		var old documentAudit
		err = tx.QueryRowContext(ctx, `UPDATE enterprise_documents SET replaced_at = $1
			WHERE enterprise_uscc = $2 AND kind = $3 AND replaced_at IS NULL RETURNING id, kind, file_id, coalesce(signed_on, '')`,
			tx.now, uscc, u.Kind).Scan(&old.ID, &old.Kind, &old.FileID, &old.SignedOn)
		switch {
		case err == nil:
			before = old
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		d = documents.Document{USCC: uscc, Kind: u.Kind, File: f, SignedOn: u.SignedOn, RecordedBy: a.Username,
			RecordedAt: tx.now.In(fugong.Location), Current: true}
		err = tx.QueryRowContext(ctx, `INSERT INTO enterprise_documents (enterprise_uscc, kind, file_id, signed_on, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, uscc, u.Kind, f.ID, nullIfEmpty(u.SignedOn), a.Username, tx.now).Scan(&d.ID)
		if isUnique(err) {
			// Another upload of the same kind committed between our update and insert.
			return fugong.Errorf(fugong.EConflict, "kind", "同一时间有另一份%s上传，请刷新后重试", documents.KindNames[u.Kind])
		}
		if err != nil {
			return err
		}
		return tx.audit(a, "create", "enterprise_document", uscc, before, documentAudit{d.ID, d.Kind, f.ID, d.SignedOn})
	})
	d.File.CreatedAt = d.File.CreatedAt.In(fugong.Location)
	return d, err
}

// Documents returns an enterprise's documents, newest first.
func (db *DB) Documents(ctx context.Context, uscc string) ([]documents.Document, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT d.id, d.enterprise_uscc, d.kind, coalesce(d.signed_on, ''), d.recorded_by,
		d.recorded_at, d.replaced_at, f.id, f.name, f.content_type, f.size, f.sha256, f.created_by, f.created_at
		FROM enterprise_documents d JOIN files f ON f.id = d.file_id
		WHERE d.enterprise_uscc = $1 ORDER BY d.recorded_at DESC, d.id DESC`, uscc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []documents.Document{}
	for rows.Next() {
		var d documents.Document
		var replaced sql.NullTime
		f := &d.File
		if err := rows.Scan(&d.ID, &d.USCC, &d.Kind, &d.SignedOn, &d.RecordedBy, &d.RecordedAt, &replaced,
			&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedBy, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.Enterprise = d.USCC
		d.RecordedAt, f.CreatedAt = d.RecordedAt.In(fugong.Location), f.CreatedAt.In(fugong.Location)
		d.Current = !replaced.Valid
		if replaced.Valid {
			t := replaced.Time.In(fugong.Location)
			d.ReplacedAt = &t
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// hasDocument is the condition that enterprise e has a current document of a kind.
func hasDocument(kind string) string {
	return `EXISTS (SELECT 1 FROM enterprise_documents d WHERE d.enterprise_uscc = e.uscc AND d.kind = '` + kind + `' AND d.replaced_at IS NULL)`
}

// missingWhere selects the active enterprises (alias e) in scope, and in
// town if given, lacking kind ("" for either).
func missingWhere(a fugong.Actor, town, kind string) *where {
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.status = 'active'")
	if town != "" {
		w.add("e.town_code = ?", town)
	}
	switch kind {
	case documents.KindLetter, documents.KindPlan:
		w.add("NOT " + hasDocument(kind))
	default:
		w.add("NOT (" + hasDocument(documents.KindLetter) + " AND " + hasDocument(documents.KindPlan) + ")")
	}
	return w
}

// MissingDocuments pages the active enterprises in scope (and town) lacking
// kind ("" for either), town by town in name order, with what each lacks
// and its cadre; perPage 0 returns them all.
func (db *DB) MissingDocuments(ctx context.Context, a fugong.Actor, town, kind string, page, perPage int) ([]documents.Missing, int, error) {
	w := missingWhere(a, town, kind)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM enterprises e`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	keys := pageKeys(w, page, perPage)
	rows, err := db.r.QueryContext(ctx, `WITH page AS (`+keys+`)
		SELECT e.uscc, e.name, e.town_code, t.name, e.legal_rep, e.contact_phone,
		coalesce(nullif(u.display_name, ''), u.username, ''),
		`+hasDocument(documents.KindLetter)+`, `+hasDocument(documents.KindPlan)+`
		FROM page JOIN enterprises e ON e.uscc = page.uscc JOIN towns t ON t.code = e.town_code
		LEFT JOIN cadre_pairings p ON p.enterprise_uscc = e.uscc LEFT JOIN users u ON u.id = p.user_id
		ORDER BY e.town_code, e.name, e.uscc`, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []documents.Missing{}
	for rows.Next() {
		var m documents.Missing
		var letter, plan bool
		if err := rows.Scan(&m.USCC, &m.Name, &m.Town, &m.TownName, &m.LegalRep, &m.ContactPhone, &m.Cadre, &letter, &plan); err != nil {
			return nil, 0, err
		}
		m.Missing = []string{}
		if !letter {
			m.Missing = append(m.Missing, documents.KindLetter)
		}
		if !plan {
			m.Missing = append(m.Missing, documents.KindPlan)
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// MissingDocumentsByTown counts, for each town with active enterprises in scope,
// those enterprises, how many lack each document and how many lack kind
// ("" for either).
func (db *DB) MissingDocumentsByTown(ctx context.Context, a fugong.Actor, kind string) ([]documents.TownCount, error) {
	w := &where{}
	w.enterpriseScope(a)
	w.add("e.status = 'active'")
	noLetter, noPlan := "NOT "+hasDocument(documents.KindLetter), "NOT "+hasDocument(documents.KindPlan)
	missing := "(" + noLetter + " OR " + noPlan + ")"
	switch kind {
	case documents.KindLetter:
		missing = noLetter
	case documents.KindPlan:
		missing = noPlan
	}
	count := func(cond string) string { return `coalesce(sum(CASE WHEN ` + cond + ` THEN 1 ELSE 0 END), 0)` }
	rows, err := db.r.QueryContext(ctx, `SELECT e.town_code, t.name, count(*), `+count(missing)+`, `+count(noLetter)+`, `+count(noPlan)+`
		FROM enterprises e JOIN towns t ON t.code = e.town_code`+w.String()+`
		GROUP BY e.town_code, t.name, t.sort ORDER BY t.sort`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []documents.TownCount{}
	for rows.Next() {
		var c documents.TownCount
		if err := rows.Scan(&c.Town, &c.TownName, &c.Total, &c.Missing, &c.NoLetter, &c.NoPlan); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// GeneratedDocument is a generated document and its file's bytes: the
// Document's USCC, Kind, SignedOn, RecordedBy, RecordedAt and File's Name
// and ContentType are stored.
type GeneratedDocument struct {
	documents.Document
	Data []byte
}

// LoadDocuments stores generated documents, all current, in one
// transaction, with multi-row statements and without audit rows. Every file
// must have different bytes (they are matched to their documents by hash),
// and an enterprise may have one document of each kind. For generated data
// only (the demo city).
func (db *DB) LoadDocuments(ctx context.Context, ds []GeneratedDocument) error {
	// Rows per statement: SQLite's driver finds each $n by name in a list,
	// so binding thousands of values at once is quadratic.
	const chunk = 50
	return db.write(ctx, func(tx *Tx) error {
		for start := 0; start < len(ds); start += chunk {
			part := ds[start:min(start+chunk, len(ds))]
			sums := make([]string, len(part))
			w := &where{}
			vals := make([]string, len(part))
			for i, d := range part {
				sum := sha256.Sum256(d.Data)
				sums[i] = hex.EncodeToString(sum[:])
				at := d.RecordedAt.UTC().Truncate(time.Microsecond)
				vals[i] = "(" + strings.Join([]string{w.next(d.USCC), w.next(d.File.Name), w.next(d.File.ContentType), w.next(len(d.Data)),
					w.next(sums[i]), w.next(d.Data), w.next(d.RecordedBy), w.next(at)}, ", ") + ")"
			}
			rows, err := tx.QueryContext(ctx, `INSERT INTO files (enterprise_uscc, name, content_type, size, sha256, data, created_by, created_at)
				VALUES `+strings.Join(vals, ", ")+` RETURNING id, sha256`, w.args...)
			if err != nil {
				return err
			}
			ids := make(map[string]int64, len(part))
			for rows.Next() {
				var id int64
				var sum string
				if err := rows.Scan(&id, &sum); err != nil {
					rows.Close()
					return err
				}
				ids[sum] = id
			}
			if err := errors.Join(rows.Err(), rows.Close()); err != nil {
				return err
			}
			if len(ids) != len(part) {
				return fmt.Errorf("store: LoadDocuments: %d files of %d have distinct bytes", len(ids), len(part))
			}
			w = &where{}
			for i, d := range part {
				vals[i] = "(" + strings.Join([]string{w.next(d.USCC), w.next(d.Kind), w.next(ids[sums[i]]), w.next(nullIfEmpty(d.SignedOn)),
					w.next(d.RecordedBy), w.next(d.RecordedAt.UTC().Truncate(time.Microsecond))}, ", ") + ")"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_documents (enterprise_uscc, kind, file_id, signed_on, recorded_by, recorded_at)
				VALUES `+strings.Join(vals, ", "), w.args...); err != nil {
				return err
			}
		}
		return nil
	})
}
