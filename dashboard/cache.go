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

type cached struct {
	done chan struct{}
	at   time.Time
	d    Dashboard
	err  error
}

type cache struct {
	mu      sync.Mutex
	entries map[cacheKey]*cached
}

// get returns the entry of k computed within ttl, computing it with fn if
// there is none; concurrent callers of a missing key share one fn.
func (c *cache) get(ctx context.Context, k cacheKey, ttl time.Duration, fn func() (Dashboard, error)) (Dashboard, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[cacheKey]*cached{}
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
		e = &cached{done: make(chan struct{})}
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
		return Dashboard{}, ctx.Err()
	}
}
