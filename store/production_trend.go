package store

import (
	"context"

	"fugong"
	"fugong/production"
)

// ProductionTrend adds up the active enterprises in scope by size class and
// status for every day of [from, to]. A scope of whole towns (the city, a
// town) reads the rollup kept on every write (rollup.go), whose cost
// depends on the days and towns, not on the firms; a narrower one (a
// cadre's firms) walks its own few reports.
func (db *DB) ProductionTrend(ctx context.Context, a fugong.Actor, from, to string) ([]production.DayCells, error) {
	if !byTown(a) {
		return db.walkTrend(ctx, a, from, to, false)
	}
	return db.ProductionRollupTrend(ctx, a, from, to, "")
}
