package daily_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/notify"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// counter is a Sender that counts what it is asked to send.
type counter struct {
	mu   sync.Mutex
	sent map[string]int
	msgs []notify.Message
	fail int // the next fail sends return an error
}

func (c *counter) Send(_ context.Context, m notify.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail > 0 {
		c.fail--
		return errors.New("gateway down")
	}
	if c.sent == nil {
		c.sent = map[string]int{}
	}
	c.sent[m.USCC]++
	c.msgs = append(c.msgs, m)
	return nil
}

// instances opens n handles on one fresh database of engine, as n server
// instances would, with enterprises registered on 2020-02-01: reporters
// report on 2020-02-10 and the others do not.
func instances(t *testing.T, engine string, n, reporters, others int) ([]*store.DB, []registry.Enterprise) {
	t.Helper()
	dsn := storetest.DSN(t, engine)
	var dbs []*store.DB
	for range n {
		dbs = append(dbs, storetest.Open(t, dsn))
	}
	db := dbs[0]
	ctx := context.Background()
	db.Now = func() time.Time { return time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location) }
	var es []registry.Enterprise
	for i := range reporters + others {
		e := registry.Enterprise{USCC: code(t, fmt.Sprintf("RMD%06d", i)), Name: fmt.Sprintf("催报企业%03d", i),
			Town: registry.Towns[i%4].Code, SizeClass: registry.SizeBelow, ContactPhone: fmt.Sprintf("139%08d", i)}
		if ps := e.Normalize(); len(ps) > 0 {
			t.Fatal(ps)
		}
		es = append(es, e)
	}
	if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2020, 2, 10, 9, 0, 0, 0, fugong.Location) }
	deadline := daily.Deadline(daily.DefaultDeadline)
	for _, e := range es[:reporters] {
		_, err := db.Submit(ctx, fugong.System, daily.Submission{USCC: e.USCC, Town: e.Town, Date: "2020-02-10",
			Figures: daily.Figures{StaffTotal: 5}, OnTime: func(first time.Time) bool { return deadline.OnTime("2020-02-10", first) }})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dbs, es
}

func at(hhmm string) func() time.Time {
	return func() time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", "2020-02-10 "+hhmm, fugong.Location)
		return t
	}
}

// Several instances running at once in the hour before the deadline send
// each non-reporter exactly one reminder, and none to those who reported.
func TestRemindersOncePerEnterprise(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			const reporters, others = 7, 1100 // more than a page of the missing list
			dbs, es := instances(t, engine, 3, reporters, others)
			sender := &counter{}
			var rs []*daily.Reminder
			for _, db := range dbs {
				rs = append(rs, &daily.Reminder{Store: db, Sender: sender, Now: at("15:30")})
			}
			var wg sync.WaitGroup
			total := make(chan int, 2*len(rs))
			for _, r := range rs {
				for range 2 { // twice per instance, at once: the second finds nothing left
					wg.Add(1)
					go func() {
						defer wg.Done()
						n, err := r.RunOnce(context.Background())
						if err != nil {
							t.Error(err)
						}
						total <- n
					}()
				}
			}
			wg.Wait()
			close(total)
			sum := 0
			for n := range total {
				sum += n
			}
			if sum != others || len(sender.msgs) != others {
				t.Fatalf("sent %d (counted %d), want %d", sum, len(sender.msgs), others)
			}
			for _, e := range es[:reporters] {
				if sender.sent[e.USCC] != 0 {
					t.Errorf("reporter %s was reminded", e.USCC)
				}
			}
			for _, e := range es[reporters:] {
				if sender.sent[e.USCC] != 1 {
					t.Errorf("%s reminded %d times", e.USCC, sender.sent[e.USCC])
				}
			}
			m := sender.msgs[0]
			if m.Text != "【瑞安市经信局】贵企业今日（2月10日）防疫日报尚未填报，请于16:00前登录复工复产平台填报。" || m.Kind != "reminder" || m.Phone == "" || m.Name == "" {
				t.Errorf("message %+v", m)
			}
			// Later runs, and a new instance, send nothing more today.
			for _, r := range append(rs, &daily.Reminder{Store: dbs[0], Sender: sender, Now: at("15:59")}) {
				if n, err := r.RunOnce(context.Background()); n != 0 || err != nil {
					t.Fatalf("again: %d %v", n, err)
				}
			}
		})
	}
}

func TestRemindersWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := registry.Enterprise{USCC: code(t, "RMW000001"), Name: "窗口企业", Town: tangxia, SizeClass: registry.SizeAbove, ContactPhone: "13900000001"}
		if ps := e.Normalize(); len(ps) > 0 {
			t.Fatal(ps)
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, []registry.Enterprise{e}, nil); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			now      string
			deadline string // "" for the default 16:00
			lead     time.Duration
			want     int
		}{
			{"09:00", "", 0, 0},
			{"14:59", "", 0, 0},
			{"16:00", "", 0, 0}, // the deadline has passed: reminding is the call list's job now
			{"18:00", "", 0, 0},
			{"14:30", "", 2 * time.Hour, 1},
			{"16:30", "17:00", 0, 1}, // the admin moved the deadline
		}
		for _, tt := range tests {
			t.Run(tt.now, func(t *testing.T) {
				if err := db.ReleaseReminder(ctx, "2020-02-10", e.USCC); err != nil {
					t.Fatal(err)
				}
				d := "16:00"
				if tt.deadline != "" {
					d = tt.deadline
				}
				dl, _ := daily.ParseDeadline(d)
				if err := db.SetDeadline(ctx, fugong.System, dl); err != nil {
					t.Fatal(err)
				}
				sender := &counter{}
				r := &daily.Reminder{Store: db, Sender: sender, Now: at(tt.now), Lead: tt.lead}
				n, err := r.RunOnce(ctx)
				if err != nil || n != tt.want || len(sender.msgs) != tt.want {
					t.Fatalf("sent %d (%d) %v, want %d", n, len(sender.msgs), err, tt.want)
				}
				if n > 0 && sender.msgs[0].Text != "【瑞安市经信局】贵企业今日（2月10日）防疫日报尚未填报，请于"+d+"前登录复工复产平台填报。" {
					t.Errorf("text %q", sender.msgs[0].Text)
				}
			})
		}
	})
}

// A reminder that could not be sent is sent by a later run.
func TestReminderRetriedAfterAFailedSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var es []registry.Enterprise
		for i := range 3 {
			e := registry.Enterprise{USCC: code(t, fmt.Sprintf("RMF00000%d", i)), Name: fmt.Sprintf("失败企业%d", i), Town: tangxia,
				SizeClass: registry.SizeAbove, ContactPhone: "13900000001"}
			if ps := e.Normalize(); len(ps) > 0 {
				t.Fatal(ps)
			}
			es = append(es, e)
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, nil); err != nil {
			t.Fatal(err)
		}
		sender := &counter{fail: 1}
		r := &daily.Reminder{Store: db, Sender: sender, Now: at("15:10")}
		if n, err := r.RunOnce(ctx); err == nil || n != 0 {
			t.Fatalf("a failed send: %d %v", n, err)
		}
		// Another instance picks it up as well as this one would.
		other := &daily.Reminder{Store: db, Sender: sender, Now: at("15:11")}
		if n, err := other.RunOnce(ctx); err != nil || n != 3 {
			t.Fatalf("next run: %d %v", n, err)
		}
		if n, err := r.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("then nothing: %d %v", n, err)
		}
	})
}

// Loop runs at once and stops with its context.
func TestReminderLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := registry.Enterprise{USCC: code(t, "RML000001"), Name: "循环企业", Town: tangxia, SizeClass: registry.SizeAbove, ContactPhone: "13900000001"}
		if ps := e.Normalize(); len(ps) > 0 {
			t.Fatal(ps)
		}
		if _, _, err := db.SaveEnterprises(context.Background(), fugong.System, []registry.Enterprise{e}, nil); err != nil {
			t.Fatal(err)
		}
		sender := &counter{}
		r := &daily.Reminder{Store: db, Sender: sender, Now: at("15:45")}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Loop(ctx, 10*time.Millisecond); close(done) }()
		deadline := time.Now().Add(5 * time.Second)
		for {
			sender.mu.Lock()
			n := len(sender.msgs)
			sender.mu.Unlock()
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // a few more ticks: still once
		cancel()
		<-done
		if len(sender.msgs) != 1 {
			t.Fatalf("sent %d", len(sender.msgs))
		}
	})
}
