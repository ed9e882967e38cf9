package dashboard

import (
	"context"
	"sync"
	"time"
)

// The wall views and desks of a command room ask for the same figures
// again and again: one computation per area and day serves them all for
// CacheFor, and the requests that arrive while it runs wait for it rather
// than start their own. The figures say when they were computed
// (UpdatedAt), so a reader knows their age.

// maxCached bounds the cache: the city and its 23 towns for a few days.
const maxCached = 128

type cacheKey struct{ scope, town, date string }

type cached[V any] struct {
	done chan struct{}
	at   time.Time
	d    V
	err  error
}

// Cache keeps values computed for a while, per key, and shares the
// computation of a missing one among its concurrent callers. The web side
// keeps the wall's rendered fragment in one.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*cached[V]
}

type cache = Cache[cacheKey, Dashboard]

// Get returns the value of k computed within ttl, computing it with fn if
// there is none; concurrent callers of a missing key share one fn. An
// error is answered, not kept.
func (c *Cache[K, V]) Get(ctx context.Context, k K, ttl time.Duration, fn func() (V, error)) (V, error) {
	return c.get(ctx, k, ttl, fn)
}

func (c *Cache[K, V]) get(ctx context.Context, k K, ttl time.Duration, fn func() (V, error)) (V, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[K]*cached[V]{}
	}
	e := c.entries[k]
	fresh := e != nil && (e.at.IsZero() || time.Since(e.at) < ttl)
	if !fresh {
		if len(c.entries) >= maxCached {
			for key, old := range c.entries {
				if !old.at.IsZero() && time.Since(old.at) >= ttl {
					delete(c.entries, key)
				}
			}
			if len(c.entries) >= maxCached {
				clear(c.entries)
			}
		}
		e = &cached[V]{done: make(chan struct{})}
		c.entries[k] = e
		c.mu.Unlock()
		e.d, e.err = fn()
		c.mu.Lock()
		e.at = time.Now()
		if e.err != nil {
			delete(c.entries, k) // an error is not kept
		}
		close(e.done)
		c.mu.Unlock()
		return e.d, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.d, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}
