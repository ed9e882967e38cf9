package store

import (
	"context"

	"fugong"
	"fugong/mujun"
)

// SetMujunMergeFrom sets the size of year Firms reads as merged scans, for
// the tests to read small years both ways; it returns the old size.
func SetMujunMergeFrom(n int) int {
	old := mergeFrom
	mergeFrom = n
	return old
}

// UnpackMujun turns a run and the figures back into the layout before
// migration 0030 (a row per result, no packed figures), for the test of
// what Migrate converts.
func (db *DB) UnpackMujun(ctx context.Context, run int64) error {
	ls, _, err := db.Results(ctx, fugong.Actor{Role: fugong.RoleAdmin}, mujun.ResultFilter{Run: run})
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		pos := map[mujun.Group]int{}
		for i := range ls {
			l := &ls[i]
			if _, err := tx.ExecContext(ctx, `INSERT INTO mujun_results (run_id, uscc, grp, pos, town_code, class, detail)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, run, l.USCC, string(l.Group), pos[l.Group], l.Town, string(l.Class),
				encodeDetail(nil, &l.Result)); err != nil {
				return err
			}
			pos[l.Group]++
		}
		for _, q := range []string{`DELETE FROM mujun_result_chunks WHERE run_id = $1`, `DELETE FROM mujun_result_lists WHERE run_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, run); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE mujun_annual_data SET fig = NULL`)
		return err
	})
}
