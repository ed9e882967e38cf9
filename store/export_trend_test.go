package store

import (
	"context"

	"fugong"
	"fugong/production"
)

// WalkTrend is the trend walked over every report, as before the rollup:
// the benchmark's "before".
func WalkTrend(ctx context.Context, db *DB, from, to string) error {
	_, err := db.walkTrend(ctx, fugong.System, from, to, false)
	return err
}

// WalkedTrend is the trend of a's scope walked over every report: the
// recount the rollup's trend is checked against.
func WalkedTrend(ctx context.Context, db *DB, a fugong.Actor, from, to string) ([]production.DayCells, error) {
	return db.walkTrend(ctx, a, from, to, false)
}
