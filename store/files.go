package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strconv"

	"fugong"
	"fugong/files"
)

// insertFile keeps an upload already checked as ctype (files.Check), inside
// the transaction of the record it is attached to, so that a refused record
// leaves no file behind. enterprise is "" for a file about none.
func (tx *Tx) insertFile(ctx context.Context, a fugong.Actor, enterprise string, u files.Upload, ctype string) (files.File, error) {
	sum := sha256.Sum256(u.Data)
	f := files.File{Enterprise: enterprise, Name: u.Name, ContentType: ctype, Size: len(u.Data),
		SHA256: hex.EncodeToString(sum[:]), CreatedBy: a.Username, CreatedAt: tx.now}
	err := tx.QueryRowContext(ctx, `INSERT INTO files (enterprise_uscc, name, content_type, size, sha256, data, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		sql.NullString{String: enterprise, Valid: enterprise != ""}, f.Name, f.ContentType, f.Size, f.SHA256, u.Data,
		f.CreatedBy, f.CreatedAt).Scan(&f.ID)
	if isForeignKey(err) {
		return files.File{}, fugong.NotFound("企业")
	}
	if err != nil {
		return files.File{}, err
	}
	return f, tx.audit(a, "create", "file", idString(f.ID), nil, f)
}

// File returns a stored file and its bytes, if it is about an enterprise in
// the actor's scope; files about no enterprise are the city-wide roles'.
func (db *DB) File(ctx context.Context, a fugong.Actor, id int64) (files.File, []byte, error) {
	var w where
	w.add("f.id = ?", id)
	w.enterpriseScope(a)
	var f files.File
	var ent sql.NullString
	var data []byte
	err := db.r.QueryRowContext(ctx, `SELECT f.id, f.enterprise_uscc, f.name, f.content_type, f.size, f.sha256, f.created_by, f.created_at, f.data
		FROM files f LEFT JOIN enterprises e ON e.uscc = f.enterprise_uscc`+w.String(), w.args...).
		Scan(&f.ID, &ent, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedBy, &f.CreatedAt, &data)
	if err != nil {
		return files.File{}, nil, notFound(err, "文件")
	}
	f.Enterprise = ent.String
	return f, data, nil
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
