package store

import (
	"context"
	"time"

	"fugong/account"
)

// Sessions are cached in memory under the 'sessions' generation
// (generations.go): every request looks its session up, and the look-up
// was a sixth of a report submission's CPU. Every change that can end or
// alter a session (a logout, a password, a disabled user, an edited user)
// bumps the generation, by triggers (migration 0028), so revocation stays
// immediate across instances.
type cachedSession struct {
	user    account.User
	kind    string
	expires time.Time
}

// maxCachedSessions bounds the cache's memory (a few hundred bytes each).
const maxCachedSessions = 100_000

// SessionUser returns the enabled user behind a live session.
func (db *DB) SessionUser(ctx context.Context, tokenHash string) (account.User, string, error) {
	gens, err := db.generations(ctx)
	if err != nil {
		return account.User{}, "", err
	}
	gen := gens[genSessions]
	now := db.now()
	if s, ok := db.sessions.get(tokenHash, gen); ok && now.Before(s.expires) {
		return s.user, s.kind, nil
	}
	var s cachedSession
	s.user, err = scanUser(db.readRow(ctx, `SELECT `+userCols+`, s.kind, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`, tokenHash, now), &s.kind, &s.expires)
	if err != nil {
		return account.User{}, "", notFound(err, "会话")
	}
	db.sessions.put(tokenHash, gen, s)
	return s.user, s.kind, nil
}
