package store

import (
	"context"
	"fmt"
)

// LimitPages caps the SQLite file at n pages on the writer connection
// (SQLite keeps it at least at the pages in use): a full disk, for tests.
func (db *DB) LimitPages(ctx context.Context, n int) error {
	_, err := db.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, n))
	return err
}
