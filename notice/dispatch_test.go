package notice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/notice"
	"fugong/notify"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// gateway is a fake SMS gateway: it takes the JSON of notify.DefaultBody
// and counts what it took per phone. fail decides a request's fate before
// it is taken: 0 to take it, a status to refuse it, -1 to hang until the
// sender gives up (nothing taken).
type gateway struct {
	mu    sync.Mutex
	took  map[string]int // phone → texts taken
	tries map[string]int // phone → requests
	by    map[string]int // X-Instance → texts taken
	keys  map[string]bool
	fail  func(phone string, try int) int
	srv   *httptest.Server
}

func newGateway(t testing.TB, fail func(phone string, try int) int) *gateway {
	g := &gateway{took: map[string]int{}, tries: map[string]int{}, by: map[string]int{}, keys: map[string]bool{}, fail: fail}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ Phone, Text, ID string }
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil || m.Phone == "" || m.ID == "" || r.Header.Get("Idempotency-Key") != m.ID {
			http.Error(w, "bad request: "+string(b), http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		g.tries[m.Phone]++
		try := g.tries[m.Phone]
		g.mu.Unlock()
		switch st := g.fail(m.Phone, try); {
		case st < 0:
			<-r.Context().Done() // the sender timed out and went away
			return
		case st > 0:
			http.Error(w, `{"code":"GW_ERR","message":"gateway busy"}`, st)
			return
		}
		g.mu.Lock()
		g.took[m.Phone]++
		g.by[r.Header.Get("X-Instance")]++
		g.keys[m.ID] = true
		g.mu.Unlock()
		fmt.Fprint(w, `{"code":"OK"}`)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateway) settings(instance string) func(context.Context) (notice.SMSSettings, error) {
	return func(context.Context) (notice.SMSSettings, error) {
		s := notice.SMSDefaults
		s.Gateway.URL = g.srv.URL
		s.Gateway.TimeoutSeconds = 1
		s.Gateway.Headers = map[string]string{"X-Instance": instance}
		return s, nil
	}
}

// firms registers n active firms with mobiles 1395771xxxx in 塘下, the
// first closed.
func firms(t testing.TB, db *store.DB, n int) []registry.Enterprise {
	t.Helper()
	es := make([]registry.Enterprise, n)
	for i := range es {
		first17 := fmt.Sprintf("91330381MP%07d", i)
		c, err := registry.USCCCheckChar(first17)
		if err != nil {
			t.Fatal(err)
		}
		es[i] = registry.Enterprise{USCC: first17 + string(c), Name: fmt.Sprintf("瑞安市测试企业%05d有限公司", i), Town: "330381101",
			SizeClass: registry.SizeBelow, ContactPhone: fmt.Sprintf("1395771%04d", i), Employees: 10, LandMu: 1, Status: registry.StatusActive}
		if i == 0 {
			es[i].Status = registry.StatusClosed
		}
		if ps := es[i].Normalize(); len(ps) > 0 {
			t.Fatal(ps)
		}
	}
	if _, _, err := db.SaveEnterprises(context.Background(), fugong.System, es, nil); err != nil {
		t.Fatal(err)
	}
	return es
}

var coord = fugong.Actor{UserID: 1, Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}

func send(t testing.TB, svc *notice.Service, channels ...string) notice.Notice {
	t.Helper()
	n, err := svc.Send(context.Background(), coord, notice.Input{Title: "关于企业复工复产疫情防控的通知", Body: "请各企业落实防控主体责任。",
		Audience: notice.Audience{All: true}, Channels: channels, RequiresAck: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A gateway that answers 500, hangs or refuses: the texts it failed are
// tried again after their backoff and each firm gets its text once; the
// one it refused for good is failed with its answer.
func TestDispatcherRetriesTimeoutsAndRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		es := firms(t, db, 6)
		clock := time.Date(2020, 2, 10, 9, 0, 0, 0, fugong.Location)
		var mu sync.Mutex
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		db.Now = now
		svc := &notice.Service{Store: db, Now: now}
		n := send(t, svc, "app", "sms")
		if n.Recipients != 5 {
			t.Fatalf("%d recipients, want 5 (one closed)", n.Recipients)
		}
		busy, hung, refused := es[1].ContactPhone, es[2].ContactPhone, es[3].ContactPhone
		g := newGateway(t, func(phone string, try int) int {
			switch {
			case phone == busy && try == 1:
				return 500
			case phone == hung && try == 1:
				return -1
			case phone == refused:
				return 400
			}
			return 0
		})
		var logs strings.Builder
		d := &notice.Dispatcher{Outbox: db, Settings: g.settings("1"), Now: now, Workers: 4,
			Retry: notice.Backoff{First: time.Minute, Max: time.Hour, Attempts: 3}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		r, err := d.RunOnce(ctx)
		if err != nil || r != (notice.Round{Claimed: 5, Sent: 2, Retried: 2, Failed: 1}) {
			t.Fatalf("first round %+v %v", r, err)
		}
		// Nothing is due before the backoff has passed.
		if r, err := d.RunOnce(ctx); err != nil || r.Claimed != 0 {
			t.Fatalf("a round before the retries are due: %+v %v", r, err)
		}
		mu.Lock()
		clock = clock.Add(time.Minute)
		mu.Unlock()
		if r, err := d.RunOnce(ctx); err != nil || r != (notice.Round{Claimed: 2, Sent: 2}) {
			t.Fatalf("the retries %+v %v", r, err)
		}
		for _, e := range es[1:] {
			want := 1
			if e.ContactPhone == refused {
				want = 0
			}
			if g.took[e.ContactPhone] != want {
				t.Errorf("%s got %d texts, want %d", e.ContactPhone, g.took[e.ContactPhone], want)
			}
		}
		if g.tries[refused] != 1 {
			t.Errorf("a refused text was tried %d times", g.tries[refused])
		}
		cov, err := db.Coverage(ctx, fugong.System, n.ID)
		if err != nil || cov.SMS != (notice.SMS{Sent: 4, Failed: 1}) {
			t.Fatalf("progress %+v %v", cov.SMS, err)
		}
		// The statuses and the gateway's answers are kept.
		for _, want := range []string{"HTTP 500", "gateway busy", "网关超时未应答", "HTTP 400"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("the log lacks %q:\n%s", want, logs.String())
			}
		}
		pend, _, err := db.PendingRecipients(ctx, fugong.System, n, 1, 10)
		if err != nil || len(pend) != 5 {
			t.Fatalf("pending %v %v", pend, err)
		}
		for _, p := range pend {
			want := "sent"
			if p.ContactPhone == refused {
				want = "failed"
			}
			if p.SMS != want {
				t.Errorf("%s: SMS %q, want %q", p.ContactPhone, p.SMS, want)
			}
		}
	})
}

// Two instances' sender loops on one PostgreSQL, each with its own
// database handle, send a notice to every firm: each firm gets exactly one
// text, though the gateway fails some requests and the loops run at once.
func TestTwoInstancesTextEachFirmOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := storetest.DSN(t, store.Postgres)
	one, two := storetest.Open(t, dsn), storetest.Open(t, dsn)
	const n = 400
	es := firms(t, one, n+1)
	g := newGateway(t, func(phone string, try int) int {
		if try == 1 && phone[len(phone)-1] == '7' {
			return 503 // a tenth of the firms' first attempts
		}
		return 0
	})
	svc := &notice.Service{Store: one, Now: time.Now, Wake: make(chan struct{}, 1)}
	no := send(t, svc, "sms")
	var wg sync.WaitGroup
	for i, db := range []*store.DB{one, two} {
		d := &notice.Dispatcher{Outbox: db, Settings: g.settings(fmt.Sprint(i + 1)), Now: time.Now, Batch: 16, Workers: 4,
			Retry: notice.Backoff{First: 50 * time.Millisecond, Max: time.Second, Attempts: 5}, Idle: 20 * time.Millisecond,
			Logger: slog.New(slog.DiscardHandler)}
		wg.Go(func() { d.Loop(ctx) })
	}
	// Wait for the outbox to empty; the deadline only keeps a broken
	// build from hanging.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		cov, err := one.Coverage(ctx, fugong.System, no.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cov.SMS.Sent+cov.SMS.Failed == n {
			if cov.SMS.Failed != 0 {
				t.Errorf("%d texts failed", cov.SMS.Failed)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the texts were not all sent: %+v", cov.SMS)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	for _, e := range es[1:] {
		if g.took[e.ContactPhone] != 1 {
			t.Errorf("%s got %d texts", e.ContactPhone, g.took[e.ContactPhone])
		}
	}
	if g.took[es[0].ContactPhone] != 0 {
		t.Error("the closed firm got a text")
	}
	if len(g.keys) != n {
		t.Errorf("%d idempotency keys for %d texts", len(g.keys), n)
	}
	t.Logf("texts taken from instance 1: %d, from instance 2: %d", g.by["1"], g.by["2"])
}

// The log sender is the default: without a gateway a round logs the texts
// with the phones masked and marks them sent.
func TestDispatcherLogSenderByDefault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		es := firms(t, db, 3)
		svc := &notice.Service{Store: db, Now: time.Now}
		send(t, svc, "sms")
		var buf strings.Builder
		d := &notice.Dispatcher{Outbox: db, Settings: svc.SMSSettings, Log: notify.LogSender{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}, Now: time.Now}
		if r, err := d.RunOnce(ctx); err != nil || r.Sent != 2 {
			t.Fatalf("round %+v %v", r, err)
		}
		if strings.Contains(buf.String(), es[1].ContactPhone) || !strings.Contains(buf.String(), "139****0001") {
			t.Errorf("log %s", buf.String())
		}
	})
}
