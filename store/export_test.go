package store

import (
	"context"

	"fugong"
	"fugong/files"
)

// PutFile stores a file on its own, for the tests of File; the modules
// store theirs inside the transaction of the record they belong to.
func (db *DB) PutFile(ctx context.Context, a fugong.Actor, enterprise string, u files.Upload, ctype string) (f files.File, err error) {
	err = db.write(ctx, func(tx *Tx) error {
		f, err = tx.insertFile(ctx, a, enterprise, u, ctype)
		return err
	})
	return f, err
}
