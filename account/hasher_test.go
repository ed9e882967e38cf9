package account

import (
	"context"
	"runtime"
	"testing"
	"time"

	"fugong"
)

// The hasher runs at most its slots at once, lets its queue wait, and
// refuses the rest at once with a Retry-After.
func TestHasherBound(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(1, 1, time.Hour)
	release, err := h.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error)
	go func() {
		r, err := h.Acquire(ctx)
		if err == nil {
			r()
		}
		got <- err
	}()
	for h.Waiting() != 1 {
		runtime.Gosched()
	}
	_, err = h.Acquire(ctx)
	if e := fugong.AsError(err); e == nil || e.Code != fugong.EUnavailable || e.RetryAfter <= 0 {
		t.Fatalf("a third caller with the slot taken and the queue full: %v, want unavailable with a Retry-After", err)
	}
	release()
	if err := <-got; err != nil {
		t.Fatalf("the queued caller, once the slot was free: %v", err)
	}

	// A turn that does not come within the wait is refused too.
	h = NewHasher(1, 1, time.Nanosecond)
	release, _ = h.Acquire(ctx)
	defer release()
	if _, err := h.Acquire(ctx); fugong.ErrorCode(err) != fugong.EUnavailable {
		t.Fatalf("no turn within the wait: %v", err)
	}
	if h.Hashes() != 0 {
		t.Fatalf("%d hashes counted, none ran", h.Hashes())
	}
	if _, err := NewHasher(1, 0, 0).Hash(ctx, "correct horse"); err != nil {
		t.Fatal(err)
	}
}
