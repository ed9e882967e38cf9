package store

import (
	"context"
	"testing"
)

// CountInt reads one number from the database, for the tests' checks of
// what is stored.
func CountInt(t testing.TB, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.r.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
