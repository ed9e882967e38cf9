package store_test

import (
	"context"
	"fmt"
	"strings"
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
		e := createFirm(t, db, "GC0000001", "塘下镇", "批量企业")
		a := fugong.Actor{UserID: 1, Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
		db.Now = func() time.Time { return time.Date(2020, 3, 1, 9, 0, 0, 0, fugong.Location) }
		// One submission first starts the committers (they prepare their
		// statements on the writer).
		if _, err := db.Submit(ctx, a, submission(e, "2020-01-31", daily.Figures{StaffTotal: 1}, "")); err != nil {
			t.Fatal(err)
		}
		before := db.CommitStats()
		const n = 28
		var subs []daily.Submission
		for day := 1; day <= n; day++ {
			subs = append(subs, submission(e, fmt.Sprintf("2020-02-%02d", day), daily.Figures{StaffTotal: 10, StaffInCity: day}, ""))
		}
		_, errs := queuedBatch(t, db, a, e.Town, subs)
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		after := db.CommitStats()
		if got := after.Batches - before.Batches; got != 2 {
			t.Errorf("%d submissions behind a busy writer took %d commits, want 2", n, got)
		}
		if got := after.Submissions - before.Submissions; got != n+1 {
			t.Errorf("the commits carried %d submissions, want %d", got, n+1)
		}
		if d := after.Since(before); d.Committers < 1 || d.Flush <= 0 || d.Busy < d.Flush {
			t.Errorf("committers %d busy %v flushing %v: want at least one committer, busy for longer than its commits took, and both timed",
				d.Committers, d.Busy, d.Flush)
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

// queuedBatch sends subs through the committer as one batch, in order,
// behind a held writer, and returns each one's result and error.
func queuedBatch(t *testing.T, db *store.DB, a fugong.Actor, town string, subs []daily.Submission) ([]daily.Result, []error) {
	t.Helper()
	ctx := context.Background()
	release, err := db.HoldWriter(ctx, town)
	if err != nil {
		t.Fatal(err)
	}
	// The first goes into a batch that waits for the writer; the rest
	// queue behind it, one after another, and make the next batch.
	waiting := db.CommitStats().Waiting
	res, errs := make([]daily.Result, len(subs)+1), make([]error, len(subs)+1)
	var wg sync.WaitGroup
	first := subs[0]
	first.Date, first.Key = "2020-01-01", ""
	for i, s := range append([]daily.Submission{first}, subs...) {
		wg.Go(func() { res[i], errs[i] = db.Submit(ctx, a, s) })
		if i == 0 {
			waitFor(t, func() bool { return db.CommitStats().Waiting == waiting+1 && db.Queued() == 0 })
		} else {
			waitFor(t, func() bool { return db.Queued() == i })
		}
	}
	release()
	wg.Wait()
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	return res[1:], errs[1:]
}

// A batch is stored together, a submission refused for its own sake (a
// signed day) left out and the others kept, in one transaction.
func TestGroupCommitTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := createFirm(t, db, "GT0000001", "塘下镇", "合批企业")
		town := fugong.Actor{UserID: 3, Username: "tangxia", Role: fugong.RoleTown, Town: e.Town}
		db.Now = func() time.Time { return time.Date(2020, 3, 1, 9, 0, 0, 0, fugong.Location) }
		if _, err := db.Submit(ctx, town, submission(e, "2020-02-05", daily.Figures{StaffTotal: 3}, "")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignOff(ctx, town, e.Town, "2020-02-05"); err != nil {
			t.Fatal(err)
		}
		before := db.CommitStats()
		res, errs := queuedBatch(t, db, town, e.Town, []daily.Submission{
			submission(e, "2020-02-06", daily.Figures{StaffTotal: 6}, "k6"),
			submission(e, "2020-02-05", daily.Figures{StaffTotal: 5}, ""),
			submission(e, "2020-02-07", daily.Figures{StaffTotal: 7}, ""),
		})
		if errs[0] != nil || !res[0].Created || res[0].Report.StaffTotal != 6 || errs[2] != nil || !res[2].Created {
			t.Fatalf("the stored ones: %+v %v, %+v %v", res[0], errs[0], res[2], errs[2])
		}
		if fugong.ErrorCode(errs[1]) != fugong.EConflict {
			t.Fatalf("a signed day's correction: %v", errs[1])
		}
		after := db.CommitStats()
		if after.Batches-before.Batches != 2 || after.OneByOne != before.OneByOne {
			t.Errorf("%d commits, %d one by one; want 2 and none", after.Batches-before.Batches, after.OneByOne-before.OneByOne)
		}
		if r, err := db.Report(ctx, e.USCC, "2020-02-05"); err != nil || r.StaffTotal != 3 || r.Version != 1 {
			t.Errorf("the signed day: %+v %v", r, err)
		}
		// The key was stored with its report: sent again, it is a replay.
		again, err := db.Submit(ctx, town, submission(e, "2020-02-06", daily.Figures{StaffTotal: 6}, "k6"))
		if err != nil || again.Report.Version != 1 || !again.Created {
			t.Errorf("the key's replay: %+v %v", again, err)
		}
	})
}

// What a batch cannot store together (a day twice, a key used before,
// another body under a used key) goes one submission at a time, with the
// same results as if each had come alone.
func TestGroupCommitOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := createFirm(t, db, "GQ0000001", "塘下镇", "逐份企业")
		clerk := fugong.Actor{UserID: 4, Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
		db.Now = func() time.Time { return time.Date(2020, 3, 1, 9, 0, 0, 0, fugong.Location) }
		old, err := db.Submit(ctx, clerk, submission(e, "2020-02-01", daily.Figures{StaffTotal: 1}, "k-old"))
		if err != nil {
			t.Fatal(err)
		}
		before := db.CommitStats()
		res, errs := queuedBatch(t, db, clerk, e.Town, []daily.Submission{
			submission(e, "2020-02-02", daily.Figures{StaffTotal: 2}, "k1"),
			submission(e, "2020-02-02", daily.Figures{StaffTotal: 22}, "k2"),
			submission(e, "2020-02-01", daily.Figures{StaffTotal: 1}, "k-old"),
			submission(e, "2020-02-01", daily.Figures{StaffTotal: 9}, "k-old"),
			submission(e, "2020-02-03", daily.Figures{StaffTotal: 3}, ""),
		})
		for i, want := range []struct {
			version int
			created bool
			code    string
		}{{1, true, ""}, {2, false, ""}, {old.Report.Version, true, ""}, {0, false, fugong.EConflict}, {1, true, ""}} {
			bad := errs[i] != nil || res[i].Report.Version != want.version || res[i].Created != want.created
			if want.code != "" {
				bad = fugong.ErrorCode(errs[i]) != want.code
			}
			if bad {
				t.Errorf("submission %d: %+v %v, want version %d created %v code %q", i, res[i], errs[i], want.version, want.created, want.code)
			}
		}
		if res[2].Report.StaffTotal != 1 || res[2].Report.Date != "2020-02-01" {
			t.Errorf("the replay answered %+v", res[2].Report)
		}
		after := db.CommitStats()
		if after.OneByOne-before.OneByOne != 1 {
			t.Errorf("%d batches one by one, want 1", after.OneByOne-before.OneByOne)
		}
		if vs, err := db.Versions(ctx, e.USCC, "2020-02-02"); err != nil || len(vs) != 2 {
			t.Errorf("2020-02-02 has %d versions, %v", len(vs), err)
		}
		comp, err := db.Completeness(ctx, fugong.System, "2020-02-02")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range comp {
			if c.Town.Code == e.Town && (c.Received != 1 || c.Totals.StaffTotal != 22) {
				t.Errorf("counted %+v", c.Counts)
			}
		}
	})
}

// The committer's reads of a batch find their rows through the tables'
// keys, with the batch's keys as arrays (PostgreSQL) or rows of values
// (SQLite).
func TestBatchReadsUseIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		plans, err := db.BatchReadPlans(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for name, r := range map[string]struct{ table, alias string }{
			"keys": {"idempotency_keys", "k"}, "latest": {"daily_reports", "r"}, "signoffs": {"town_signoffs", "s"},
		} {
			p := plans[name]
			want := []string{"Function Scan on u", "using " + r.table + "_pkey on " + r.table}
			if db.Engine == store.SQLite {
				want = []string{"SCAN CONSTANT ROW", "SEARCH " + r.alias + " USING", "INDEX sqlite_autoindex_" + r.table + "_1"}
			}
			for _, w := range want {
				if !strings.Contains(p, w) {
					t.Errorf("%s's plan lacks %q:\n%s", name, w, p)
				}
			}
			if strings.Contains(p, "Seq Scan") {
				t.Errorf("%s scans a whole table:\n%s", name, p)
			}
		}
	})
}
