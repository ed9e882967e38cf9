package store

import (
	"context"
	"fmt"
	"testing"
)

// IsolationPurgedCounts says what a purge of residents kept for the
// statistics: tombstones, and the readings and fevers counted by day.
func IsolationPurgedCounts(t testing.TB, db *DB) string {
	t.Helper()
	var tombs, readings, fever int
	err := db.r.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM isolation_residents_purged),
		(SELECT coalesce(sum(readings), 0) FROM isolation_day_counts), (SELECT coalesce(sum(fever_residents), 0) FROM isolation_day_counts)`).
		Scan(&tombs, &readings, &fever)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("tombstones=%d readings=%d fever=%d", tombs, readings, fever)
}
