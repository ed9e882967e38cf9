package checkpoint_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fugong/checkpoint"
	"fugong/cmd/fugong/wiring"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// BenchmarkSelfRegistration is travellers registering on their phones at
// a real HTTP server over SQLite, the abuse limits on (the default
// Limiter: 60 a minute per address and post, 1,200 a minute per post):
// each registration is the three requests of a phone (the form, its
// submission, the number page) from an address of its own (sent as
// X-Forwarded-For from a trusted proxy), 16 phones at once. "post" sends
// them all to one post, "city" spreads them over 50 posts; "capacity" is
// "post" with the limits lifted, what the server itself takes. It reports
// registrations a minute (reg/min) and the share refused with 429
// (refused-%); it asserts nothing:
//
//	go test ./web/checkpoint/ -run '^$' -bench SelfRegistration -benchtime 2000x
func BenchmarkSelfRegistration(b *testing.B) {
	for _, c := range []struct {
		name   string
		posts  int
		limits checkpoint.LimiterConfig
	}{
		{"post", 1, checkpoint.LimiterConfig{}},
		{"city", 50, checkpoint.LimiterConfig{}},
		{"capacity", 1, checkpoint.LimiterConfig{PerAddress: 1e9, AddressBurst: 1e9, PerPost: 1e9, PostBurst: 1e9}},
	} {
		b.Run(c.name, func(b *testing.B) { benchRegistrations(b, c.posts, c.limits) })
	}
}

func benchRegistrations(b *testing.B, n int, limits checkpoint.LimiterConfig) {
	db := storetest.Open(b, "sqlite:"+filepath.Join(b.TempDir(), "fugong.db"))
	e := webtest.NewWith(b, db, time.Time{}, wiring.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	e.Services.Checkpoints.Limiter = checkpoint.NewLimiter(limits)
	var tokens []string
	for i := range n {
		p, err := e.Services.Checkpoints.AddPost(context.Background(), admin(e),
			checkpoint.Post{Name: fmt.Sprintf("卡口%d", i), Kind: "road", Town: webtest.TownTangxia})
		if err != nil {
			b.Fatal(err)
		}
		tokens = append(tokens, string(p.Token))
	}
	body := travellerForm().Encode()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var seq, done, refused atomic.Int64
	// send makes one request of a phone: its status and where a 303 goes.
	send := func(method, url, addr, form string) (int, string) {
		var rd io.Reader
		if form != "" {
			rd = strings.NewReader(form)
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Forwarded-For", addr)
		if form != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Location")
	}
	b.SetParallelism(8) // 16 phones on the 2 cores
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			addr := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
			scan := e.Server.URL + "/scan/" + tokens[int(i)%len(tokens)]
			st, _ := send("GET", scan, addr, "")
			if st == http.StatusOK {
				var next string
				if st, next = send("POST", scan, addr, body); st == http.StatusSeeOther {
					st, _ = send("GET", e.Server.URL+next, addr, "")
				}
			}
			switch st {
			case http.StatusOK:
				done.Add(1)
			case http.StatusTooManyRequests:
				refused.Add(1)
			default:
				b.Errorf("registration: HTTP %d", st)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.ReportMetric(float64(done.Load())/elapsed.Minutes(), "reg/min")
	b.ReportMetric(100*float64(refused.Load())/float64(max(1, seq.Load())), "refused-%")
}
