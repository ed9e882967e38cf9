package web

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestNames: a username reads as its display name, else as itself; the
// system as 系统; a name is asked once a minute, and the cache stays
// within its bound.
func TestNames(t *testing.T) {
	now := time.Date(2020, 2, 10, 9, 0, 0, 0, time.UTC)
	asked := map[string]int{}
	n := names{now: func() time.Time { return now }, lookup: func(_ context.Context, u string) (string, error) {
		asked[u]++
		switch u {
		case "tongji":
			return "陈国伟", nil
		case "broken":
			return "", errors.New("down")
		}
		return "", nil
	}}
	for in, want := range map[string]string{"tongji": "陈国伟", "nobody": "nobody", "broken": "broken", "system": "系统", "": ""} {
		if got := n.of(in); got != want {
			t.Errorf("%q reads %q, want %q", in, got, want)
		}
	}
	n.of("tongji")
	if asked["tongji"] != 1 {
		t.Errorf("tongji asked %d times within the minute, want 1", asked["tongji"])
	}
	now = now.Add(namesAge)
	n.of("tongji")
	if asked["tongji"] != 2 {
		t.Errorf("tongji asked %d times after a minute, want 2", asked["tongji"])
	}
	for i := range namesMax + 10 {
		n.of(string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if len(n.m) > namesMax {
		t.Errorf("the cache holds %d names, over %d", len(n.m), namesMax)
	}
}
