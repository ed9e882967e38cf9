package account

import (
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Free: 3, First: time.Second, Max: 10 * time.Second}
	for failures, want := range []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		if got := b.Delay(failures); got != want {
			t.Errorf("Delay(%d) = %v, want %v", failures, got, want)
		}
	}
	if got := b.Delay(1 << 20); got != b.Max {
		t.Errorf("Delay(a million) = %v, want the maximum", got)
	}
	// Failures older than Forget start the count again.
	now := time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)
	b.Forget = time.Hour
	a := Attempts{Failures: 7, Last: now.Add(-time.Hour)}
	b.count(&a, now)
	if a.Failures != 1 || !a.Until.IsZero() || !a.Last.Equal(now) {
		t.Errorf("a count after a quiet hour: %+v", a)
	}
	b.count(&a, now)
	b.count(&a, now)
	if a.Failures != 3 || !a.Until.Equal(now.Add(time.Second)) {
		t.Errorf("the third failure: %+v", a)
	}
}

func TestAddressKey(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.9":          "203.0.113.9",
		"::ffff:203.0.113.9":   "203.0.113.9",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "not an address",
	} {
		if got := AddressKey(ip); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", ip, got, want)
		}
	}
}
