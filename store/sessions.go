package store

import (
	"context"
	"sync"
	"time"

	"fugong/account"
)

// Sessions are cached in memory: every request looks its session up, and
// the look-up was a sixth of a report submission's CPU. Revocation stays
// immediate across instances: every change that can end or alter a session
// (a logout, a password, a disabled user, an edited user) bumps the
// 'sessions' generation in its own transaction, by triggers (migration
// 0028), and a cached session serves only while the generation it was read
// under is the current one. The generation is read for every request, but
// one read serves every request that arrived before it started: a request
// never trusts a read older than itself, so it sees every revocation
// committed before it arrived.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]cachedSession
	// next is the generation read the requests arriving now wait for: not
	// started yet. reading is whether a read runs.
	next    *genRead
	reading bool
}

type cachedSession struct {
	user    account.User
	kind    string
	expires time.Time
	gen     int64
}

type genRead struct {
	done chan struct{}
	gen  int64
	err  error
}

// maxCachedSessions bounds the cache's memory (a few hundred bytes each).
const maxCachedSessions = 100_000

// sessionGen returns the 'sessions' generation from a read started after
// the call.
func (db *DB) sessionGen(ctx context.Context) (int64, error) {
	c := &db.sessions
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
		return r.gen, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// readGens runs the waiting generation reads one after another until none
// waits.
func (db *DB) readGens() {
	c := &db.sessions
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
		r.err = db.readRow(ctx, `SELECT gen FROM cache_generations WHERE name = 'sessions'`).Scan(&r.gen)
		cancel()
		close(r.done)
	}
}

const genReadTimeout = 10 * time.Second

// SessionUser returns the enabled user behind a live session.
func (db *DB) SessionUser(ctx context.Context, tokenHash string) (account.User, string, error) {
	gen, err := db.sessionGen(ctx)
	if err != nil {
		return account.User{}, "", err
	}
	now := db.now()
	c := &db.sessions
	c.mu.Lock()
	s, ok := c.entries[tokenHash]
	c.mu.Unlock()
	if ok && s.gen == gen && now.Before(s.expires) {
		return s.user, s.kind, nil
	}
	s = cachedSession{gen: gen}
	s.user, err = scanUser(db.readRow(ctx, `SELECT `+userCols+`, s.kind, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`, tokenHash, now), &s.kind, &s.expires)
	if err != nil {
		return account.User{}, "", notFound(err, "会话")
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxCachedSessions {
		c.entries = make(map[string]cachedSession) // full: start over rather than track ages
	}
	c.entries[tokenHash] = s
	c.mu.Unlock()
	return s.user, s.kind, nil
}
