package store

import (
	"cmp"
	"context"
	"errors"
	"hash/maphash"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fugong"
	"fugong/daily"
)

// maxBatch bounds how many submissions share a transaction, so one commit
// never holds the writer for long.
const maxBatch = 512

// groupCommitter batches concurrent daily-report submissions into one
// transaction. While one batch commits, the next queues up; a lone request
// commits alone at once, so latency is one commit and throughput is many
// submissions per fsync.
type groupCommitter struct {
	db   *DB
	reqs chan *pending
	quit chan struct{}
	done chan struct{}
	// stats are shared by the DB's committers.
	stats *commitStats
}

// commitStats count what the committers did: with synchronous=FULL on
// SQLite and synchronous_commit on PostgreSQL, a committed batch is one
// flush of the log, so batches/submissions is the fsyncs per report.
type commitStats struct {
	batches, submissions, waiting, oneByOne, committers atomic.Int64
	// busy and flush are nanoseconds, summed over the committers.
	busy, flush atomic.Int64
}

// CommitStats is what the group committers have done since the DB opened.
type CommitStats struct {
	Batches     int64 // transactions committed
	Submissions int64 // submissions they carried (stored, replayed or refused)
	Waiting     int64 // submissions queued or being committed now
	// OneByOne counts the batches that could not be stored together and
	// went one submission at a time (submitEach).
	OneByOne int64
	// Committers is how many group committers run.
	Committers int64
	// Busy is the committers' time spent on batches, from taking one to
	// answering it, and Flush the part of it in the commits themselves
	// (the log written and flushed, and SQLite's checkpoints; on
	// PostgreSQL the last round trip, which sends the writes with the
	// COMMIT), summed over the committers: Busy near Committers × the wall
	// time means the committers are what limits the rate.
	Busy, Flush time.Duration
}

// CommitStats returns the group committers' counts.
func (db *DB) CommitStats() CommitStats {
	return CommitStats{Batches: db.stats.batches.Load(), Submissions: db.stats.submissions.Load(),
		Waiting: db.stats.waiting.Load(), OneByOne: db.stats.oneByOne.Load(), Committers: db.stats.committers.Load(),
		Busy: time.Duration(db.stats.busy.Load()), Flush: time.Duration(db.stats.flush.Load())}
}

// Since is what the committers did between an earlier reading and s
// (Waiting and Committers are s's own).
func (s CommitStats) Since(earlier CommitStats) CommitStats {
	s.Batches -= earlier.Batches
	s.Submissions -= earlier.Submissions
	s.OneByOne -= earlier.OneByOne
	s.Busy -= earlier.Busy
	s.Flush -= earlier.Flush
	return s
}

// Plus is the counts of two DBs' committers together.
func (s CommitStats) Plus(o CommitStats) CommitStats {
	return CommitStats{Batches: s.Batches + o.Batches, Submissions: s.Submissions + o.Submissions,
		Waiting: s.Waiting + o.Waiting, OneByOne: s.OneByOne + o.OneByOne, Committers: s.Committers + o.Committers,
		Busy: s.Busy + o.Busy, Flush: s.Flush + o.Flush}
}

// committersPostgres is how many group committers a PostgreSQL instance
// runs, each on its own connection, enterprises split among them: one
// committer spends most of its time waiting for round trips (issue 16: one
// backend busy, the machine 43 % idle), and the engine runs several
// transactions at once. More committers make smaller batches (-bench
// SubmitParallel: 0.03 flushes per report with one, 0.08 with two, 0.19
// with four) and contend for the towns' counter rows; on the loaded shared
// machine one, two and four measured within its noise. SQLite has one
// writer, so one.
const committersPostgres = 2

type pending struct {
	ctx  context.Context
	a    fugong.Actor
	s    daily.Submission
	res  daily.Result
	err  error
	done chan struct{}
}

var errClosed = errors.New("store: closed")

// committer returns the committer of an enterprise's submissions: always
// the same one, so that a report's versions are never raced by two of this
// instance's transactions.
func (db *DB) committer(uscc string) *groupCommitter {
	db.commitOnce.Do(func() {
		db.prepareSubmit(context.Background())
		n := 1
		if db.dialect().rowLocks {
			n = committersPostgres
		}
		for range n {
			c := &groupCommitter{db: db, reqs: make(chan *pending, maxBatch), quit: make(chan struct{}), done: make(chan struct{}), stats: &db.stats}
			db.commits = append(db.commits, c)
			db.stats.committers.Add(1)
			go c.loop()
		}
	})
	if len(db.commits) == 1 {
		return db.commits[0]
	}
	return db.commits[maphash.String(commitSeed, uscc)%uint64(len(db.commits))]
}

var commitSeed = maphash.MakeSeed()

func (c *groupCommitter) submit(ctx context.Context, a fugong.Actor, s daily.Submission) (daily.Result, error) {
	p := &pending{ctx: ctx, a: a, s: s, done: make(chan struct{})}
	c.stats.waiting.Add(1)
	defer c.stats.waiting.Add(-1)
	select {
	case c.reqs <- p:
	case <-c.quit:
		return daily.Result{}, errClosed
	case <-ctx.Done():
		return daily.Result{}, ctx.Err()
	}
	// Wait for the commit even if the client goes away: once queued, the
	// submission's fate is decided by the transaction, not the request.
	<-p.done
	return p.res, p.err
}

func (c *groupCommitter) stop() {
	close(c.quit)
	<-c.done
}

func (c *groupCommitter) loop() {
	defer close(c.done)
	for {
		var first *pending
		select {
		case first = <-c.reqs:
		case <-c.quit:
			c.drain()
			return
		}
		batch := []*pending{first}
	collect:
		for len(batch) < maxBatch {
			select {
			case p := <-c.reqs:
				batch = append(batch, p)
			default:
				break collect
			}
		}
		c.commit(batch)
	}
}

// drain answers what is still queued at shutdown.
func (c *groupCommitter) drain() {
	for {
		select {
		case p := <-c.reqs:
			p.err = errClosed
			close(p.done)
		default:
			return
		}
	}
}

// commit runs a batch in one transaction: together (submitAll), or where
// that cannot be, one submission per savepoint (submitEach).
func (c *groupCommitter) commit(batch []*pending) {
	start := time.Now()
	// One order for every batch (town, then enterprise) keeps two instances'
	// batches from taking the same counter rows in opposite orders.
	slices.SortStableFunc(batch, func(x, y *pending) int {
		return cmp.Or(strings.Compare(x.s.Town, y.s.Town), strings.Compare(x.s.USCC, y.s.USCC))
	})
	towns := make([]string, len(batch))
	for i, p := range batch {
		towns[i] = p.s.Town
	}
	ctx := context.Background()
	flush, err := c.db.writeBatch(ctx, func(tx *Tx) error {
		if err := tx.lockTowns(ctx, towns); err != nil {
			return err
		}
		return tx.submitAll(ctx, batch)
	})
	c.stats.flush.Add(int64(flush))
	if _, gone := Unavailable(err); err != nil && !gone {
		c.stats.oneByOne.Add(1)
		for _, p := range batch {
			p.res, p.err = daily.Result{}, nil
		}
		flush, err = c.db.writeFlushed(ctx, func(tx *Tx) error {
			if err := tx.lockTowns(ctx, towns); err != nil {
				return err
			}
			return tx.submitEach(batch)
		})
		c.stats.flush.Add(int64(flush))
	}
	if err == nil {
		c.stats.batches.Add(1)
		c.stats.submissions.Add(int64(len(batch)))
	}
	// Counted before the answers, so that a submitter reads its batch's.
	c.stats.busy.Add(int64(time.Since(start)))
	for _, p := range batch {
		if err != nil && p.err == nil {
			p.err, p.res = err, daily.Result{}
		}
		// A submission that failed for the database's sake is a failed
		// write, even where its batch committed the others.
		if p.err != nil {
			c.db.noteWrite(p.err)
		}
		close(p.done)
	}
}

// lockTowns holds the rows of the towns submissions are stored for: they
// share a town's row, a sign-off takes it alone, so no report commits into
// a day being signed. Each town once, in one order, before any savepoint (a
// savepoint rolled back releases the locks taken after it).
func (tx *Tx) lockTowns(ctx context.Context, towns []string) error {
	if !tx.db.dialect().rowLocks {
		return nil
	}
	towns = slices.Compact(slices.Sorted(slices.Values(towns)))
	return qLockTownsMany.run(tx.db.dialect(), len(towns), func(i int, args []any) []any {
		return append(args, towns[i])
	}, tx.execer(ctx))
}

// qLockTownsMany takes towns' rows for share, in code order (the rows are
// locked as the sort returns them).
var qLockTownsMany = newManyRows([]string{"TEXT"}, func(rows string) string {
	return `SELECT t.code FROM towns t JOIN (` + rows + `) v ON t.code = v.column1 ORDER BY t.code FOR SHARE OF t`
})

const (
	qSavepoint  = `SAVEPOINT submission`
	qRelease    = `RELEASE SAVEPOINT submission`
	qRollbackTo = `ROLLBACK TO SAVEPOINT submission`
)
