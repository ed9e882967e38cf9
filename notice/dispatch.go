package notice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"fugong/notify"
)

// Outgoing is one SMS of the outbox, claimed for sending.
type Outgoing struct {
	ID       int64
	NoticeID int64
	Kind     string // "notice" or "reminder"
	USCC     string
	Name     string
	Phone    string
	Text     string
	Attempts int // this one included
	// Token and LeaseUntil are the claim: the message is this sender's
	// until then, and its outcome is recorded only under the token.
	Token      string
	LeaseUntil time.Time
}

// Claim asks the outbox for up to Limit messages due at Now (queued and due,
// or claimed by a sender whose lease ran out), held under Token until Until.
type Claim struct {
	Token      string
	Now, Until time.Time
	Limit      int
}

// Outcome is what became of a claimed message: sent, or failed with the
// gateway's answer, to be tried again at RetryAt (nil: failed for good).
type Outcome struct {
	ID      int64
	Token   string
	At      time.Time
	Sent    bool
	Answer  string
	RetryAt *time.Time
}

// Outbox is the store's side of sending. ClaimSMS hands each due message to
// one caller at a time across instances (PostgreSQL: FOR UPDATE SKIP
// LOCKED; SQLite: its single writer). FinishSMS records an outcome only
// if the claim is still the caller's, and returns ErrLeaseLost otherwise.
type Outbox interface {
	ClaimSMS(ctx context.Context, c Claim) ([]Outgoing, error)
	FinishSMS(ctx context.Context, o Outcome) error
}

// ErrLeaseLost is a claim that ran out before its outcome was recorded:
// another sender holds the message now.
var ErrLeaseLost = errors.New("notice: the claim on the message ran out")

// Backoff is when a failed message is tried again: First after the first
// failure, doubling up to Max, for at most Attempts attempts in all.
type Backoff struct {
	First, Max time.Duration
	Attempts   int
}

// DefaultBackoff tries a message 8 times over about an hour and a half.
var DefaultBackoff = Backoff{First: 30 * time.Second, Max: 30 * time.Minute, Attempts: 8}

// Next is the delay before the attempt after attempt (1 for the first),
// and false when none is left.
func (b Backoff) Next(attempt int) (time.Duration, bool) {
	if attempt >= b.Attempts {
		return 0, false
	}
	d := b.First
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max), true
}

// Dispatcher is the sender loop: it claims due SMS from the outbox, sends
// them through the sender the settings name, and records each outcome.
// Every instance runs one; the outbox makes each message go to one of
// them at a time.
//
// A message is sent at least once and, unless an instance stops between
// the gateway's answer and the record of it, exactly once: a claim holds a
// message for longer than its batch can take (Lease), a worker sends only
// while its claim has a gateway time-out left to run, and an outcome is
// recorded only under the claim. A message whose claim runs out (its
// instance stopped) is claimed again; the gateway gets the same Key, by
// which a gateway that drops repeats makes that harmless.
type Dispatcher struct {
	Outbox   Outbox
	Settings func(ctx context.Context) (SMSSettings, error)
	Log      notify.Sender // when no gateway is set
	Now      func() time.Time
	Logger   *slog.Logger
	Batch    int // messages claimed at once; 64 by default
	Workers  int // messages sent at once; 16 by default
	Retry    Backoff
	// Idle is the pause between rounds when nothing is due; Wake, when it
	// receives, ends the pause (a notice sent on this instance).
	Idle time.Duration
	Wake <-chan struct{}
}

func (d *Dispatcher) batch() int   { return cmpOr(d.Batch, 64) }
func (d *Dispatcher) workers() int { return cmpOr(d.Workers, 16) }
func (d *Dispatcher) retry() Backoff {
	if d.Retry.Attempts == 0 {
		return DefaultBackoff
	}
	return d.Retry
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}

// Round is what one round did.
type Round struct {
	Claimed, Sent, Retried, Failed, Skipped int
}

// RunOnce claims one batch and sends it.
func (d *Dispatcher) RunOnce(ctx context.Context) (Round, error) {
	set, err := d.Settings(ctx)
	if err != nil {
		return Round{}, err
	}
	sender, err := set.Sender(d.Log)
	if err != nil {
		return Round{}, err
	}
	timeout := set.Timeout()
	// The lease outlasts the batch sent in waves of workers, each wave at
	// most one time-out, with a margin for the records.
	waves := (d.batch() + d.workers() - 1) / d.workers()
	lease := time.Duration(waves+1)*timeout + 30*time.Second
	now := d.Now()
	msgs, err := d.Outbox.ClaimSMS(ctx, Claim{Token: newToken(), Now: now, Until: now.Add(lease), Limit: d.batch()})
	if err != nil || len(msgs) == 0 {
		return Round{}, err
	}
	r := Round{Claimed: len(msgs)}
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan Outgoing)
	var firstErr error
	for range min(d.workers(), len(msgs)) {
		wg.Go(func() {
			for m := range work {
				res, err := d.send(ctx, sender, m, timeout)
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
				case res == "sent":
					r.Sent++
				case res == "retry":
					r.Retried++
				case res == "failed":
					r.Failed++
				case res == "skipped":
					r.Skipped++
				}
				mu.Unlock()
			}
		})
	}
	for _, m := range msgs {
		select {
		case work <- m:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return r, firstErr
}

// send sends one claimed message and records the outcome: "sent",
// "retry", "failed", or "skipped" when its claim has too little time left
// (it is claimed again later) or was lost.
func (d *Dispatcher) send(ctx context.Context, s notify.Sender, m Outgoing, timeout time.Duration) (string, error) {
	if ctx.Err() != nil || !d.Now().Add(timeout).Before(m.LeaseUntil) {
		return "skipped", nil
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	err := s.Send(sctx, notify.Message{Kind: m.Kind, USCC: m.USCC, Name: m.Name, Phone: m.Phone, Text: m.Text,
		Key: "fugong-sms-" + strconv.FormatInt(m.ID, 10)})
	cancel()
	if ctx.Err() != nil && err != nil {
		return "skipped", nil // shutting down: the claim runs out and another round sends it
	}
	o := Outcome{ID: m.ID, Token: m.Token, At: d.Now(), Sent: err == nil}
	res := "sent"
	if err != nil {
		var ge *notify.GatewayError
		temporary := true
		o.Answer = err.Error()
		if errors.As(err, &ge) {
			temporary = ge.Temporary
			o.Answer = ge.Error()
		}
		o.Answer = notify.Clip(o.Answer, 500)
		res = "failed"
		if delay, more := d.retry().Next(m.Attempts); temporary && more {
			at := o.At.Add(delay)
			o.RetryAt = &at
			res = "retry"
		}
		d.logger().WarnContext(ctx, "sms not sent", "id", m.ID, "notice", m.NoticeID, "attempt", m.Attempts, "outcome", res, "answer", o.Answer)
	}
	// The record outlives a shutdown begun meanwhile: what the gateway
	// took must not be sent again.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if err := d.Outbox.FinishSMS(rctx, o); errors.Is(err, ErrLeaseLost) {
		d.logger().WarnContext(ctx, "sms claim ran out before its outcome was recorded", "id", m.ID)
		return "skipped", nil
	} else if err != nil {
		return "", err
	}
	return res, nil
}

// Loop runs rounds until ctx is done: at once again after a full batch,
// else after Idle or a wake-up.
func (d *Dispatcher) Loop(ctx context.Context) {
	idle := d.Idle
	if idle <= 0 {
		idle = 5 * time.Second
	}
	for ctx.Err() == nil {
		r, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.logger().ErrorContext(ctx, "sms sender round", "err", err)
		}
		if err == nil && r.Claimed == d.batch() {
			continue
		}
		t := time.NewTimer(idle)
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-d.Wake:
		}
		t.Stop()
	}
}

func newToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
