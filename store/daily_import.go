package store

import (
	"context"
	"time"

	"fugong"
	"fugong/daily"
)

// SubmitAll stores a batch of reports (a file of them) in one transaction:
// all or nothing. A submission refused by the rules inside the transaction
// (a day locked meanwhile) rolls back the whole batch and comes back as a
// *daily.BatchError naming it.
//
// On SQLite the batch holds the single writer while it runs, so concurrent
// submissions wait for it; files are bounded by sheet.ReportLimits.
func (db *DB) SubmitAll(ctx context.Context, a fugong.Actor, subs []daily.Submission) ([]daily.Result, error) {
	for attempt := 1; ; attempt++ {
		out, err := db.submitAll(ctx, a, subs)
		// On PostgreSQL a submission for the same enterprise and day may
		// commit elsewhere (another instance, or this one's group committer)
		// between our read of the day's report and our insert of its
		// version: the batch then fails on the versions' key, or deadlocks
		// with it over the town's counters. Run again, it reads that report
		// and stores a correction over it.
		if err == nil || !(isUnique(err) || isDeadlock(err)) || attempt == maxAttempts {
			return out, err
		}
		select {
		case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// maxAttempts bounds how often SubmitAll runs a batch that lost a race.
const maxAttempts = 5

func (db *DB) submitAll(ctx context.Context, a fugong.Actor, subs []daily.Submission) ([]daily.Result, error) {
	out := make([]daily.Result, len(subs))
	err := db.write(ctx, func(tx *Tx) error {
		towns := make([]string, len(subs))
		for i, s := range subs {
			towns[i] = s.Town
		}
		if err := tx.lockTowns(ctx, towns); err != nil {
			return err
		}
		for i, s := range subs {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, err := tx.submit(ctx, a, s)
			if err != nil {
				return &daily.BatchError{Index: i, Err: err}
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
