package dashboard

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCacheComputesOncePerKey(t *testing.T) {
	var c cache
	var runs atomic.Int32
	release := make(chan struct{})
	fn := func() (Dashboard, error) {
		runs.Add(1)
		<-release
		return Dashboard{Date: "2020-02-10"}, nil
	}
	k := cacheKey{"city", "", "2020-02-10"}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if d, err := c.get(context.Background(), k, time.Minute, fn); err != nil || d.Date != "2020-02-10" {
				t.Errorf("%+v %v", d, err)
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("20 readers computed %d times", n)
	}
	// Past its time, the next reader computes again.
	if _, err := c.get(context.Background(), k, 0, fn); err != nil || runs.Load() != 2 {
		t.Errorf("an expired entry: %d runs, %v", runs.Load(), err)
	}
	// An error is answered, not kept.
	boom := errors.New("boom")
	k2 := cacheKey{"city", "330381101", "2020-02-10"}
	if _, err := c.get(context.Background(), k2, time.Minute, func() (Dashboard, error) { return Dashboard{}, boom }); !errors.Is(err, boom) {
		t.Errorf("error: %v", err)
	}
	if _, err := c.get(context.Background(), k2, time.Minute, fn); err != nil {
		t.Errorf("after an error: %v", err)
	}
	// The cache stays bounded.
	for i := range 3 * maxCached {
		c.get(context.Background(), cacheKey{"city", "", string(rune('a' + i))}, time.Minute, fn)
	}
	if len(c.entries) > maxCached {
		t.Errorf("%d entries", len(c.entries))
	}
}
