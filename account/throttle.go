package account

import (
	"fmt"
	"net/netip"
	"time"

	"fugong"
)

// Backoff is how a login throttle answers failures: the first Free pass,
// then each makes the next attempt wait, First after the Free-th failure
// and twice as long after each one more, at most Max. Failures are
// forgotten after Forget without one. An attempt is counted as a failure
// when it starts, so parallel attempts cannot slip past the count; a
// success gives it back.
type Backoff struct {
	Free       int
	First, Max time.Duration
	Forget     time.Duration
}

// The two throttles of a login. One is the account at the address it is
// tried from: failures elsewhere do not keep a user out of their own
// address, so nobody can lock an account out, the admin's least of all.
// The other is the address as a whole, against one address trying many
// accounts; it is looser, since an office behind one address shares it.
var (
	AccountBackoff = Backoff{Free: 5, First: 30 * time.Second, Max: 15 * time.Minute, Forget: 24 * time.Hour}
	AddressBackoff = Backoff{Free: 20, First: time.Second, Max: time.Minute, Forget: time.Hour}
)

// Delay is how long the next attempt waits after failures failures.
func (b Backoff) Delay(failures int) time.Duration {
	if failures < b.Free {
		return 0
	}
	d := b.First
	for range failures - b.Free {
		if d >= b.Max {
			break
		}
		d *= 2
	}
	return min(d, b.Max)
}

// Attempts is what a throttle remembers of one key.
type Attempts struct {
	Failures int
	Last     time.Time // the last counted attempt
	Until    time.Time // no attempt before this
}

// wait is how long an attempt at now must wait.
func (a Attempts) wait(now time.Time) time.Duration { return max(a.Until.Sub(now), 0) }

// count counts an attempt at now as a failure until it succeeds.
func (b Backoff) count(a *Attempts, now time.Time) {
	if now.Sub(a.Last) >= b.Forget {
		a.Failures = 0
	}
	a.Failures++
	a.Last = now
	a.Until = time.Time{}
	if d := b.Delay(a.Failures); d > 0 {
		a.Until = now.Add(d)
	}
}

// errThrottled refuses an attempt that must wait.
func errThrottled(wait time.Duration) error {
	var in string
	if wait <= time.Minute {
		in = fmt.Sprintf("%d秒", int((wait+time.Second-1)/time.Second))
	} else {
		in = fmt.Sprintf("%d分钟", int((wait+time.Minute-1)/time.Minute))
	}
	e := fugong.Errorf(fugong.ERateLimited, "", "登录失败次数过多，请%s后再试", in)
	e.RetryAfter = wait
	return e
}

// AddressKey is what the throttle counts an address by: an IPv4 address
// itself, an IPv6 one by its /64, which a single host often holds whole.
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}
