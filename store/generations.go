package store

import (
	"context"
	"sync"
	"time"
)

// Hot reads are cached in memory (sessions, settings, enterprises), and a
// change is still seen at once by every instance: each cached thing has a
// generation row in cache_generations that triggers bump in the
// transaction of any change to what it caches, whoever makes it (this
// instance, another one, the CLI). A cached value serves only while its
// generation is the current one. The generations are read for every
// request, but one read serves every request that arrived before it
// started: a request never trusts a read older than itself, so it sees
// every change committed before it arrived.
type generations struct {
	mu sync.Mutex
	// next is the read the requests arriving now wait for: not started
	// yet. reading is whether a read runs.
	next    *genRead
	reading bool
}

type genRead struct {
	done chan struct{}
	gens map[string]int64
	err  error
}

// The cached things, by their rows in cache_generations.
const (
	genSessions    = "sessions"    // sessions and users (migration 0028)
	genSettings    = "settings"    // settings (0035)
	genEnterprises = "enterprises" // enterprises and towns (0037)
)

const genReadTimeout = 10 * time.Second

// A request's cached reads (its session, a setting, an enterprise) share
// one generation read, started after the request arrived:
// OneGenerationRead puts a memo in the request's context, which the first
// read fills. A write made with that context forgets it, so the request
// reads its own writes.
type genMemoKey struct{}

type genMemo struct {
	mu   sync.Mutex
	db   *DB
	gens map[string]int64
}

// OneGenerationRead is ctx for one request, whose cached reads share a
// generation read.
func OneGenerationRead(ctx context.Context) context.Context {
	return context.WithValue(ctx, genMemoKey{}, &genMemo{})
}

// generations returns the generations from a read started after the call,
// or after the request's arrival (OneGenerationRead) if the request read
// them already, as long as it has not written since.
func (db *DB) generations(ctx context.Context) (map[string]int64, error) {
	m, _ := ctx.Value(genMemoKey{}).(*genMemo)
	if m == nil {
		return db.readGenerations(ctx)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gens != nil && m.db == db {
		return m.gens, nil
	}
	gens, err := db.readGenerations(ctx)
	if err == nil {
		m.db, m.gens = db, gens
	}
	return gens, err
}

// forgetGenerations drops the request's generations after it wrote.
func forgetGenerations(ctx context.Context) {
	if m, _ := ctx.Value(genMemoKey{}).(*genMemo); m != nil {
		m.mu.Lock()
		m.gens = nil
		m.mu.Unlock()
	}
}

// readGenerations returns the generations from a read started after the
// call, shared with the other calls waiting for one.
func (db *DB) readGenerations(ctx context.Context) (map[string]int64, error) {
	c := &db.gens
	c.mu.Lock()
	r := c.next
	if r == nil {
		r = &genRead{done: make(chan struct{})}
		c.next = r
	}
	if !c.reading {
		c.reading = true
		go db.readGens()
	}
	c.mu.Unlock()
	select {
	case <-r.done:
		return r.gens, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readGens runs the waiting generation reads one after another until none
// waits.
func (db *DB) readGens() {
	c := &db.gens
	for {
		c.mu.Lock()
		r := c.next
		c.next = nil
		if r == nil {
			c.reading = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), genReadTimeout)
		r.gens, r.err = db.readGenRows(ctx)
		cancel()
		close(r.done)
	}
}

func (db *DB) readGenRows(ctx context.Context) (map[string]int64, error) {
	rows, err := db.readRows(ctx, `SELECT name, gen FROM cache_generations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	gens := make(map[string]int64, 3)
	for rows.Next() {
		var name string
		var gen int64
		if err := rows.Scan(&name, &gen); err != nil {
			return nil, err
		}
		gens[name] = gen
	}
	return gens, rows.Err()
}

// genCache holds values read under a generation, at most max of them.
type genCache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]genEntry[V]
	max     int
}

type genEntry[V any] struct {
	v   V
	gen int64
}

// get returns the value of k if it was read under generation gen.
func (c *genCache[K, V]) get(k K, gen int64) (V, bool) {
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || e.gen != gen {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put keeps v, read under generation gen, as k's value.
func (c *genCache[K, V]) put(k K, gen int64, v V) {
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= c.max {
		c.entries = make(map[K]genEntry[V]) // full: start over rather than track ages
	}
	c.entries[k] = genEntry[V]{v, gen}
	c.mu.Unlock()
}
