package account

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"fugong"
)

// Hasher bounds the password hashes that run at once. Each argon2id hash
// holds argonMemory (19 MiB) while it runs, so a burst of logins would take
// memory without limit: at most slots run together, up to queue more wait
// at most wait for a turn, and the rest are refused at once as unavailable
// with a Retry-After.
type Hasher struct {
	slots    chan struct{}
	queue    int64
	wait     time.Duration
	waiting  atomic.Int64
	finished atomic.Int64
}

// NewHasher returns a Hasher that runs slots hashes at once and lets queue
// more wait up to wait each.
func NewHasher(slots, queue int, wait time.Duration) *Hasher {
	return &Hasher{slots: make(chan struct{}, max(slots, 1)), queue: int64(queue), wait: wait}
}

// DefaultHasher is the process's: memory is the process's to bound, so the
// services of one process share it. One hash per core at a time (more only
// share the cores), and a queue that a 2-core server works off within its
// wait of 3 seconds.
var DefaultHasher = NewHasher(runtime.GOMAXPROCS(0), 64, 3*time.Second)

// errBusy refuses a hash when every slot is taken and the queue is full,
// or a turn did not come in time.
func errBusy() error {
	e := fugong.Errorf(fugong.EUnavailable, "", "服务器繁忙，请稍后再试")
	e.RetryAfter = time.Second
	return e
}

// Acquire takes a slot, waiting for one if the queue has room, and returns
// the function that gives it back.
func (h *Hasher) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	default:
	}
	if h.waiting.Add(1) > h.queue {
		h.waiting.Add(-1)
		return nil, errBusy()
	}
	defer h.waiting.Add(-1)
	timer := time.NewTimer(h.wait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	case <-timer.C:
		return nil, errBusy()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the hash of a new password, in a slot.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	release, err := h.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	defer h.finished.Add(1)
	return HashPassword(password)
}

// Check reports whether password matches hash, in a slot.
func (h *Hasher) Check(ctx context.Context, hash, password string) (bool, error) {
	release, err := h.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return h.check(hash, password)
}

// check is CheckPassword for a caller holding a slot.
func (h *Hasher) check(hash, password string) (bool, error) {
	defer h.finished.Add(1)
	return CheckPassword(hash, password)
}

// Hashes is how many hashes the Hasher has run.
func (h *Hasher) Hashes() int64 { return h.finished.Load() }

// Waiting is how many callers wait for a slot.
func (h *Hasher) Waiting() int { return int(h.waiting.Load()) }
