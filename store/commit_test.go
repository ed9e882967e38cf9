package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

// The writer syncs the WAL at every commit: an acknowledged report survives
// a power cut, not only a killed process.
func TestSQLiteWriterSynchronousFull(t *testing.T) {
	db := storetest.Open(t, storetest.DSN(t, store.SQLite))
	v, err := db.WriterPragma(context.Background(), "synchronous")
	if err != nil {
		t.Fatal(err)
	}
	if v != "2" { // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
		t.Fatalf("writer's synchronous = %s, want 2 (FULL)", v)
	}
	if v, _ := db.WriterPragma(context.Background(), "journal_mode"); v != "wal" {
		t.Fatalf("journal_mode = %s, want wal", v)
	}
}

// Submissions that arrive while a batch commits share the next
// transaction: n of them waiting behind a busy writer make two commits (the
// one held and the rest together), so two log flushes for n reports.
func TestGroupCommitOneTransactionPerBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e, err := db.CreateEnterprise(ctx, fugong.System, ent(t, "GC0000001", "塘下镇", "批量企业"))
		if err != nil {
			t.Fatal(err)
		}
		a := fugong.Actor{UserID: 1, Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
		db.Now = func() time.Time { return time.Date(2020, 3, 1, 9, 0, 0, 0, fugong.Location) }
		// One submission first starts the committers (they prepare their
		// statements on the writer).
		if _, err := db.Submit(ctx, a, submission(e, "2020-01-31", daily.Figures{StaffTotal: 1}, "")); err != nil {
			t.Fatal(err)
		}
		release, err := db.HoldWriter(ctx, e.Town)
		if err != nil {
			t.Fatal(err)
		}
		before := db.CommitStats()
		const n = 28
		var wg sync.WaitGroup
		errs := make(chan error, n)
		send := func(day int) {
			wg.Go(func() {
				f := daily.Figures{StaffTotal: 10, StaffInCity: day}
				if _, err := db.Submit(ctx, a, submission(e, fmt.Sprintf("2020-02-%02d", day), f, "")); err != nil {
					errs <- err
				}
			})
		}
		// The first is taken into a batch that waits for the writer; the
		// others queue behind it.
		send(1)
		waitFor(t, func() bool { return db.CommitStats().Waiting == 1 && db.Queued() == 0 })
		for day := 2; day <= n; day++ {
			send(day)
		}
		waitFor(t, func() bool { return db.CommitStats().Waiting == n && db.Queued() == n-1 })
		release()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		after := db.CommitStats()
		if got := after.Batches - before.Batches; got != 2 {
			t.Errorf("%d submissions behind a busy writer took %d commits, want 2", n, got)
		}
		if got := after.Submissions - before.Submissions; got != n {
			t.Errorf("the commits carried %d submissions, want %d", got, n)
		}
		for day := 1; day <= n; day++ {
			if _, err := db.Report(ctx, e.USCC, fmt.Sprintf("2020-02-%02d", day)); err != nil {
				t.Errorf("day %d: %v", day, err)
			}
		}
	})
}

// waitFor polls cond until it holds, failing the test after a while.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
	}
}
