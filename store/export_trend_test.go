package store

import (
	"context"

	"fugong"
)

// KeptTrendDays counts the production trend's kept days.
func KeptTrendDays(db *DB) (n int, err error) {
	err = db.r.QueryRowContext(context.Background(), `SELECT count(*) FROM production_trend_dates`).Scan(&n)
	return n, err
}

// WalkTrend is the trend walked over every report, as before days were
// kept: the benchmark's "before".
func WalkTrend(ctx context.Context, db *DB, from, to string) error {
	_, err := db.walkTrend(ctx, fugong.System, from, to, false)
	return err
}
