package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads the addresses of trusted reverse proxies: CIDR
// prefixes or single addresses, each value possibly a comma-separated list.
func ParseTrustedProxies(values ...string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := netip.ParsePrefix(s)
			if err != nil {
				a, aerr := netip.ParseAddr(s)
				if aerr != nil {
					return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR prefix", s)
				}
				a = a.Unmap()
				p = netip.PrefixFrom(a, a.BitLen())
			}
			out = append(out, p.Masked())
		}
	}
	return out, nil
}

// trusted reports whether a is one of the trusted proxies.
func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer is the address the request's connection comes from.
func peer(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// viaTrustedProxy reports whether the request's connection comes from a
// trusted proxy, whose X-Forwarded-* headers are then believed.
func (s *Server) viaTrustedProxy(r *http.Request) bool {
	a, ok := peer(r)
	return ok && s.trusted(a)
}

// clientAddr is the address a request comes from. Behind a trusted proxy
// it is read from X-Forwarded-For: the rightmost hop that is not itself a
// trusted proxy, since every hop to the left of it was written by the
// client and proves nothing. Otherwise the header is ignored.
func (s *Server) clientAddr(r *http.Request) string {
	a, ok := peer(r)
	if !ok {
		return r.RemoteAddr
	}
	if !s.trusted(a) {
		return a.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		hop, err := netip.ParseAddr(h)
		if err != nil {
			ap, perr := netip.ParseAddrPort(h)
			if perr != nil {
				break // not an address: the last trusted hop is all we know
			}
			hop = ap.Addr()
		}
		a = hop.Unmap()
		if !s.trusted(a) {
			break
		}
	}
	return a.String()
}

// isHTTPS reports whether the browser reached the service over HTTPS: on a
// TLS connection, or through a trusted proxy that says so in
// X-Forwarded-Proto.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.viaTrustedProxy(r) {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// secureCookies reports whether the cookies of a response are marked
// Secure: on a request over HTTPS, or always with --secure-cookies.
func (s *Server) secureCookies(r *http.Request) bool { return s.SecureCookies || s.isHTTPS(r) }

// serverKey carries the server into a Raw route's request, for the
// helpers below (an API or page route's session carries it already).
type serverKey struct{}

// withServer is a Raw route's handler with the server in its requests'
// context.
func (s *Server) withServer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), serverKey{}, s)))
	})
}

func serverOf(r *http.Request) *Server {
	if ss := sessionFrom(r.Context()); ss != nil && ss.srv != nil {
		return ss.srv
	}
	s, _ := r.Context().Value(serverKey{}).(*Server)
	return s
}

// ClientAddr is the address a request of any route comes from, read
// through the trusted proxies as the login throttle reads it: false when
// it is not an address (a request not served by the server).
func ClientAddr(r *http.Request) (netip.Addr, bool) {
	s := serverOf(r)
	if s == nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s.clientAddr(r))
	return a.Unmap(), err == nil
}

// RequestBase is the scheme and host the browser used to reach the
// server ("https://fugong.example.cn"): HTTPS on a TLS connection or
// through a trusted proxy that says so, the Host header as the browser
// sent it (a reverse proxy passes it on).
func RequestBase(r *http.Request) string {
	scheme := "http"
	if s := serverOf(r); r.TLS != nil || (s != nil && s.isHTTPS(r)) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// SecureCookies reports whether a cookie set on the response to r is
// marked Secure (HTTPS, or --secure-cookies).
func SecureCookies(r *http.Request) bool {
	s := serverOf(r)
	return r.TLS != nil || (s != nil && s.secureCookies(r))
}
