package notice_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/notice"
	"fugong/store"
	"fugong/store/storetest"
)

// BenchmarkNoticeToEveryFirm sends a notice to the demo city's 6,834
// firms (FUGONG_BENCH_FIRMS is not read: the report's city is the scale)
// and texts all of them through a local fake gateway: accept-ms is the
// request's work (the notice, its recipients and its texts stored, and
// the detail answered), send-ms the time until every text is sent. On
// PostgreSQL two sender loops on two database handles (two instances)
// share the outbox, on SQLite one; every firm must get exactly one text.
//
//	go test -run '^$' -bench NoticeToEveryFirm ./notice/
func BenchmarkNoticeToEveryFirm(b *testing.B) {
	const n = 6834
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			dsn := storetest.DSN(b, engine)
			db := storetest.Open(b, dsn)
			dbs := []*store.DB{db}
			if engine == store.Postgres {
				dbs = append(dbs, storetest.Open(b, dsn))
			}
			es := firms(b, db, n+1)
			g := newGateway(b, func(string, int) int { return 0 })
			svc := &notice.Service{Store: db, Now: time.Now}
			var accept, sending time.Duration
			for i := range b.N {
				start := time.Now()
				no := send(b, svc, "app", "sms")
				if _, err := svc.Get(context.Background(), coord, no.ID); err != nil {
					b.Fatal(err)
				}
				accept += time.Since(start)
				if no.Recipients != n {
					b.Fatalf("%d recipients", no.Recipients)
				}
				start = time.Now()
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				for k, d := range dbs {
					disp := &notice.Dispatcher{Outbox: d, Settings: g.settings(fmt.Sprint(k + 1)), Now: time.Now, Idle: 10 * time.Millisecond,
						Logger: slog.New(slog.DiscardHandler)}
					wg.Go(func() { disp.Loop(ctx) })
				}
				for {
					cov, err := db.Coverage(context.Background(), fugong.System, no.ID)
					if err != nil {
						b.Fatal(err)
					}
					if cov.SMS.Sent == n {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				sending += time.Since(start)
				cancel()
				wg.Wait()
				for _, e := range es[1:] {
					if g.took[e.ContactPhone] != i+1 {
						b.Fatalf("%s got %d texts after %d notices", e.ContactPhone, g.took[e.ContactPhone], i+1)
					}
				}
			}
			b.ReportMetric(float64(accept.Milliseconds())/float64(b.N), "accept-ms")
			b.ReportMetric(float64(sending.Milliseconds())/float64(b.N), "send-ms")
			b.ReportMetric(float64(n*b.N)/sending.Seconds(), "texts/s")
			b.Logf("instance 1 sent %d, instance 2 sent %d", g.by["1"], g.by["2"])
		})
	}
}
