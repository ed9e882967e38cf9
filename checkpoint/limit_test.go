package checkpoint

import (
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable time for the limiter.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *fakeClock { return &fakeClock{t: at("08:00")} }

var (
	phone   = netip.MustParseAddr("203.0.113.7")
	carrier = netip.MustParseAddr("198.51.100.1")
)

// burst sends n requests at once and counts those let through.
func burst(l *Limiter, addr netip.Addr, post string, n int) int {
	ok := 0
	for range n {
		if allowed, _ := l.Allow(addr, post); allowed {
			ok++
		}
	}
	return ok
}

func TestLimiterPerAddress(t *testing.T) {
	c := newClock()
	l := NewLimiter(LimiterConfig{Now: c.now})
	if l.cfg.PerAddress != 60 || l.cfg.AddressBurst != 30 || l.cfg.PerPost != 1200 || l.cfg.MaxKeys != 100_000 {
		t.Fatalf("defaults %+v", l.cfg)
	}
	if got := burst(l, phone, "1", 40); got != 30 {
		t.Fatalf("a burst of 40 let %d through, want the burst of 30", got)
	}
	ok, retry := l.Allow(phone, "1")
	if ok || retry != time.Second {
		t.Fatalf("past the burst: %v, retry in %v, want a second (60 a minute)", ok, retry)
	}
	// A minute of one request a second goes through, and no more.
	for i := range 60 {
		c.add(time.Second)
		if ok, _ := l.Allow(phone, "1"); !ok {
			t.Fatalf("second %d of a steady 60 a minute refused", i+1)
		}
		if ok, _ := l.Allow(phone, "1"); ok {
			t.Fatalf("second %d: a second request went through", i+1)
		}
	}
	// Over a minute, an address sending 120 a minute gets about 60 through.
	c.add(time.Hour) // full again
	burst(l, phone, "1", 30)
	through := 0
	for range 120 {
		c.add(500 * time.Millisecond)
		if ok, _ := l.Allow(phone, "1"); ok {
			through++
		}
	}
	if through != 60 {
		t.Errorf("120 in a minute from one address: %d through, want 60", through)
	}
	// The same address at another post has its own bucket: a carrier
	// address serving two busy posts is not counted as one.
	if got := burst(l, phone, "2", 30); got != 30 {
		t.Errorf("the address at another post: %d of 30", got)
	}
	// And another address at the first post too.
	if got := burst(l, netip.MustParseAddr("203.0.113.8"), "1", 30); got != 30 {
		t.Errorf("another address: %d of 30", got)
	}
}

func TestLimiterPerPost(t *testing.T) {
	c := newClock()
	l := NewLimiter(LimiterConfig{PerAddress: 60, AddressBurst: 30, PerPost: 120, PostBurst: 50, Now: c.now})
	// Many addresses at one post share its ceiling.
	through := 0
	for i := range 10 {
		through += burst(l, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), "busy", 10)
	}
	if through != 50 {
		t.Fatalf("100 requests from 10 addresses: %d through, want the post's burst of 50", through)
	}
	ok, retry := l.Allow(netip.MustParseAddr("10.0.1.1"), "busy")
	if ok || retry != 500*time.Millisecond {
		t.Errorf("a new address at a full post: %v, retry %v, want 0.5 s (120 a minute)", ok, retry)
	}
	// A refused request takes nothing: the address that was refused by the
	// post still has its own 30.
	c.add(time.Hour)
	if got := burst(l, netip.MustParseAddr("10.0.1.1"), "busy", 30); got != 30 {
		t.Errorf("after the post refilled: %d of 30", got)
	}
	// Other posts are not touched.
	if got := burst(l, phone, "quiet", 30); got != 30 {
		t.Errorf("a quiet post: %d of 30", got)
	}
}

func TestLimiterKeys(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":                      "203.0.113.7",
		"::ffff:203.0.113.7":               "203.0.113.7",
		"2001:db8:1:2:3:4:5:6":             "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:ffff": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":                  "2001:db8:1:3::/64",
	} {
		if got := AddressKey(netip.MustParseAddr(in)); got != want {
			t.Errorf("AddressKey(%s) = %s, want %s", in, got, want)
		}
	}
	c := newClock()
	l := NewLimiter(LimiterConfig{Now: c.now})
	// One IPv6 network is one address, however many it uses.
	through := 0
	for i := range 40 {
		a := netip.MustParseAddr("2001:db8:1:2::" + strconv.FormatInt(int64(i+1), 16))
		if ok, _ := l.Allow(a, "1"); ok {
			through++
		}
	}
	if through != 30 {
		t.Errorf("40 addresses of one /64: %d through", through)
	}
	// Unknown tokens share one bucket per address.
	if got := burst(l, phone, UnknownPost, 40); got != 30 {
		t.Errorf("guessing tokens: %d through", got)
	}
}

func TestLimiterBounded(t *testing.T) {
	c := newClock()
	l := NewLimiter(LimiterConfig{MaxKeys: 100, Now: c.now})
	burst(l, phone, "1", 30) // phone's bucket is empty
	for i := range 1000 {
		l.Allow(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), "1")
		if pairs, posts := l.Len(); pairs > 100 || posts > 100 {
			t.Fatalf("after %d addresses: %d and %d buckets", i+1, pairs, posts)
		}
	}
	for i := range 1000 {
		l.Allow(phone, strconv.Itoa(i))
	}
	if pairs, posts := l.Len(); pairs != 100 || posts != 100 {
		t.Errorf("%d and %d buckets, want 100 each", pairs, posts)
	}
	// The least recently used went first: phone's empty bucket at post 1
	// was dropped and comes back full; a bucket in use stays.
	if got := burst(l, phone, "1", 40); got != 30 {
		t.Errorf("an evicted bucket: %d through", got)
	}
	if ok, _ := l.Allow(phone, "1"); ok {
		t.Error("a bucket in use was dropped")
	}
	// A clock stepped back neither panics nor refills.
	c.add(-time.Hour)
	if ok, _ := l.Allow(phone, "1"); ok {
		t.Error("the clock stepped back refilled the bucket")
	}
}

func TestLimiterConcurrent(t *testing.T) {
	c := newClock()
	l := NewLimiter(LimiterConfig{PerAddress: 60, AddressBurst: 30, PerPost: 600, PostBurst: 200, MaxKeys: 50, Now: c.now})
	var through atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				if ok, _ := l.Allow(netip.AddrFrom4([4]byte{10, 0, byte(g), byte(i % 4)}), "1"); ok {
					through.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	// 32 addresses with a burst of 30 each, but the post's 200 first.
	if through.Load() != 200 {
		t.Errorf("%d through, want the post's 200", through.Load())
	}
}
