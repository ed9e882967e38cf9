package checkpoint

import (
	"container/list"
	"math"
	"net/netip"
	"sync"
	"time"
)

// The public registration pages (the form a scanned code opens, and its
// submission) answer anyone on the internet, so they are rate limited by
// a Limiter of two token buckets that a request must both pass:
//
//   - one per address and post: an address may send a post PerAddress
//     requests a minute, in bursts of up to AddressBurst. One machine
//     sending more than about 60 a minute is refused (429).
//   - one per post, for every address together: PerPost a minute, in
//     bursts of PostBurst. It bounds what a flood from many addresses
//     costs the database.
//
// The address's limit is per post, not across posts: at a busy post every
// traveller's phone may come through one carrier address (mobile carriers
// put thousands of phones behind one, CGNAT), and the same address serves
// other posts' travellers too; counting them together would refuse real
// traffic. A registration takes about three requests (the form, its
// submission, the number page), so ten phones of a queue scanning at once
// fit the address's burst of 30, and its steady 60 a minute is a
// registration every three seconds from that one address, more than a
// post's staff can confirm. Beyond that, the post's ceiling takes any
// number of addresses. The web layer keys requests for a token that is no
// post's to one pseudo-post (UnknownPost), so guessing tokens is limited
// per address like one post.
//
// An IPv6 address counts by its /64 (one subscriber's network), so one
// phone cannot take a fresh bucket per address.
//
// Memory is bounded: at most MaxKeys buckets of each kind, the least
// recently used dropped first when full. A dropped bucket comes back full,
// so a flood of new addresses can at worst refill an old address's
// bucket; the post's bucket still holds them all.
//
// The limiter is per instance, in memory. Several instances behind a load
// balancer each count their own share, so an address may get up to N
// times its limit through N instances (once with balancing that sticks an
// address to an instance). That is acceptable for abuse protection, which
// needs the order of magnitude, not an exact quota; a limiter shared in
// PostgreSQL would cost a write per public request, the very load a flood
// would then multiply.
type Limiter struct {
	cfg LimiterConfig
	now func() time.Time

	mu    sync.Mutex
	pairs *buckets // address and post
	posts *buckets // post
}

// LimiterConfig sets a Limiter's rates; zero fields take the defaults.
type LimiterConfig struct {
	PerAddress   float64 // requests a minute from one address to one post
	AddressBurst int
	PerPost      float64 // requests a minute to one post from all addresses
	PostBurst    int
	MaxKeys      int // buckets of each kind kept
	// Now is the clock, time.Now when nil.
	Now func() time.Time
}

// DefaultLimits are the rates of a Limiter with nothing set.
var DefaultLimits = LimiterConfig{PerAddress: 60, AddressBurst: 30, PerPost: 1200, PostBurst: 300, MaxKeys: 100_000}

// UnknownPost is the post the web layer names for a token that is no
// post's: every wrong token of an address counts against one bucket.
const UnknownPost = "?"

// NewLimiter makes a limiter; cfg's zero fields take DefaultLimits'.
func NewLimiter(cfg LimiterConfig) *Limiter {
	d := DefaultLimits
	if cfg.PerAddress <= 0 {
		cfg.PerAddress = d.PerAddress
	}
	if cfg.AddressBurst <= 0 {
		cfg.AddressBurst = d.AddressBurst
	}
	if cfg.PerPost <= 0 {
		cfg.PerPost = d.PerPost
	}
	if cfg.PostBurst <= 0 {
		cfg.PostBurst = d.PostBurst
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = d.MaxKeys
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Limiter{cfg: cfg, now: now,
		pairs: newBuckets(cfg.MaxKeys, cfg.PerAddress/60, float64(cfg.AddressBurst)),
		posts: newBuckets(cfg.MaxKeys, cfg.PerPost/60, float64(cfg.PostBurst))}
}

// AddressKey is how an address is counted: an IPv4 address (or an IPv4
// address mapped into IPv6) as itself, an IPv6 address by its /64.
func AddressKey(addr netip.Addr) string {
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// Allow takes one request from addr to post (the post's id, or
// UnknownPost) if both its buckets have a token, and reports whether it
// did; when not, retry is how long until it would be let through. A
// refused request takes nothing from either bucket.
func (l *Limiter) Allow(addr netip.Addr, post string) (ok bool, retry time.Duration) {
	now := l.now()
	pairKey := AddressKey(addr) + " " + post
	l.mu.Lock()
	defer l.mu.Unlock()
	pair := l.pairs.get(pairKey, now)
	whole := l.posts.get(post, now)
	if pair.tokens >= 1 && whole.tokens >= 1 {
		pair.tokens--
		whole.tokens--
		return true, 0
	}
	return false, max(l.pairs.wait(pair), l.posts.wait(whole))
}

// Len is the number of buckets of each kind held, for tests and metrics.
func (l *Limiter) Len() (pairs, posts int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pairs.lru.Len(), l.posts.lru.Len()
}

// buckets are token buckets by key, the least recently used first out.
type buckets struct {
	max   int
	rate  float64 // tokens a second
	burst float64
	lru   *list.List // of *bucket, most recently used at the front
	byKey map[string]*list.Element
}

type bucket struct {
	key    string
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

func newBuckets(max int, rate, burst float64) *buckets {
	return &buckets{max: max, rate: rate, burst: burst, lru: list.New(), byKey: make(map[string]*list.Element)}
}

// get is key's bucket refilled to now, made full when new; the least
// recently used goes when there are max.
func (bs *buckets) get(key string, now time.Time) *bucket {
	if e, ok := bs.byKey[key]; ok {
		bs.lru.MoveToFront(e)
		b := e.Value.(*bucket)
		if d := now.Sub(b.at); d > 0 { // a clock stepped back refills nothing
			b.tokens = math.Min(bs.burst, b.tokens+d.Seconds()*bs.rate)
			b.at = now
		}
		return b
	}
	if bs.lru.Len() >= bs.max {
		old := bs.lru.Back()
		bs.lru.Remove(old)
		delete(bs.byKey, old.Value.(*bucket).key)
	}
	b := &bucket{key: key, tokens: bs.burst, at: now}
	bs.byKey[key] = bs.lru.PushFront(b)
	return b
}

// wait is how long until b holds a whole token.
func (bs *buckets) wait(b *bucket) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration(math.Ceil((1 - b.tokens) / bs.rate * float64(time.Second)))
}
