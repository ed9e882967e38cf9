package web

import (
	"context"
	"strings"
	"sync"
	"time"

	"fugong"
)

// names maps usernames to display names for the pages (the template func
// displayName): records keep who did what by login, pages show the
// person. A small cache, bounded in size and age, so that a list of a
// hundred rows by the same few people asks the store a few times, and a
// renamed user shows their new name within a minute.
type names struct {
	lookup func(ctx context.Context, username string) (string, error)
	now    func() time.Time

	mu sync.Mutex
	m  map[string]cachedName
}

type cachedName struct {
	name string
	at   time.Time
}

const (
	namesMax = 4096
	namesAge = time.Minute
	// namesWait bounds one lookup: a page waits no longer for a name, and
	// shows the username instead.
	namesWait = 2 * time.Second
)

// of returns the display name of username, else username itself (a
// system actor, a deleted user, a store that did not answer).
func (n *names) of(username string) string {
	username = strings.TrimSpace(username)
	if username == fugong.System.Username {
		return "系统"
	}
	if username == "" || n.lookup == nil {
		return username
	}
	now := n.now()
	n.mu.Lock()
	c, ok := n.m[username]
	n.mu.Unlock()
	if ok && now.Sub(c.at) < namesAge {
		return orName(c.name, username)
	}
	ctx, cancel := context.WithTimeout(context.Background(), namesWait)
	defer cancel()
	name, err := n.lookup(ctx, username)
	if err != nil {
		return username
	}
	n.mu.Lock()
	if n.m == nil || len(n.m) >= namesMax {
		n.m = map[string]cachedName{}
	}
	n.m[username] = cachedName{name: name, at: now}
	n.mu.Unlock()
	return orName(name, username)
}

func orName(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
