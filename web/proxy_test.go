package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.1", "::1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8,proxy.example"); err == nil {
		t.Error("a host name was taken for a trusted proxy")
	}
	s := &Server{Deps: Deps{TrustedProxies: proxies}}
	for _, tt := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct, no header", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"direct client's header ignored", "203.0.113.5:4000", []string{"198.51.100.7"}, "203.0.113.5"},
		{"trusted proxy, no header", "10.0.0.2:80", nil, "10.0.0.2"},
		{"trusted proxy", "10.0.0.2:80", []string{"198.51.100.7"}, "198.51.100.7"},
		{"client's own hops to the left ignored", "10.0.0.2:80", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"chain of trusted proxies", "192.168.1.1:80", []string{"6.6.6.6, 198.51.100.7, 10.9.8.7"}, "198.51.100.7"},
		{"several headers", "10.0.0.2:80", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"a hop with a port", "10.0.0.2:80", []string{"198.51.100.7:5123"}, "198.51.100.7"},
		{"only trusted hops", "10.0.0.2:80", []string{"10.0.0.9"}, "10.0.0.9"},
		{"not an address: the last trusted hop", "10.0.0.2:80", []string{"198.51.100.7, unknown"}, "10.0.0.2"},
		{"untrusted neighbour of the trusted", "192.168.1.2:80", []string{"198.51.100.7"}, "192.168.1.2"},
		{"IPv6 proxy", "[::1]:80", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv4-mapped peer", "[::ffff:10.0.0.2]:80", []string{"198.51.100.7"}, "198.51.100.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		for _, v := range tt.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientAddr(r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Behind a trusted proxy an attacker's failures for an account keep only
// the attacker's address waiting, not the account's user at theirs; a
// client that is not a trusted proxy cannot dodge its count with a made-up
// X-Forwarded-For.
func TestLoginThroughProxy(t *testing.T) {
	t.Parallel()
	proxied := newLoginEnv(t, sqliteDB(t), func(d *Deps) {
		var err error
		if d.TrustedProxies, err = ParseTrustedProxies("127.0.0.0/8", "::1"); err != nil {
			t.Fatal(err)
		}
	})
	direct := newLoginEnv(t, sqliteDB(t), nil)
	from := func(addr string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("X-Forwarded-For", addr) }
	}
	for i := range 8 {
		proxied.login(t, "zhou", "wrong-password", from("198.51.100.7"))
		direct.login(t, "zhou", "wrong-password", from(fmt.Sprintf("198.51.100.%d", 10+i)))
	}
	if r := proxied.login(t, "zhou", testPassword, from("198.51.100.7")); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("the attacker's address after 8 failures: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if r := proxied.login(t, "zhou", testPassword, from("203.0.113.20")); r.status != http.StatusCreated {
		t.Errorf("the user at their own address behind the proxy: %d %s", r.status, r.body)
	}
	if r := direct.login(t, "zhou", testPassword, from("203.0.113.20")); r.status != http.StatusTooManyRequests {
		t.Errorf("a direct client with a made-up X-Forwarded-For after 8 failures: %d %s", r.status, r.body)
	}
}
