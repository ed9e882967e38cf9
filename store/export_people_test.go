package store

import (
	"context"
	"fmt"
	"testing"
)

// PurgedCounts says what a purge kept for the statistics: tombstones, and
// the readings and fevers counted by day.
func PurgedCounts(t testing.TB, db *DB) string {
	t.Helper()
	var tombs, readings, fever int
	err := db.r.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM people_purged),
		(SELECT coalesce(sum(readings), 0) FROM health_day_counts), (SELECT coalesce(sum(fever_people), 0) FROM health_day_counts)`).
		Scan(&tombs, &readings, &fever)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("tombstones=%d readings=%d fever=%d", tombs, readings, fever)
}

// SQLitePath is the file of an SQLite database.
func SQLitePath(db *DB) string {
	var path string
	db.r.QueryRowContext(context.Background(), `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path)
	return path
}
