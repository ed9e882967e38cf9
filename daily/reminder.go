package daily

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"fugong/notify"
)

// ReminderStore is what reminders need from storage.
type ReminderStore interface {
	Deadline(ctx context.Context) (Deadline, error)
	// EachUnreminded calls fn with batches of up to n active enterprises
	// with neither a report nor a reminder for date.
	EachUnreminded(ctx context.Context, date string, n int, fn func([]Missing) error) error
	// ClaimReminders records the reminders of usccs for date and returns
	// those this call recorded: of concurrent claims of one enterprise-day,
	// from any number of instances, exactly one wins.
	ClaimReminders(ctx context.Context, date string, usccs []string) ([]string, error)
	// ReleaseReminder gives up a claim whose message could not be sent.
	ReleaseReminder(ctx context.Context, date, uscc string) error
}

// DefaultLead is how long before the deadline reminders go out.
const DefaultLead = time.Hour

// reminderPage is how many non-reporters are claimed at a time.
const reminderPage = 500

// Reminder reminds the enterprises that have not reported today, once each,
// in the last Lead before the deadline. Several instances may each run one
// over a shared database: the store's claim decides which one sends.
type Reminder struct {
	Store  ReminderStore
	Sender notify.Sender
	Now    func() time.Time
	Lead   time.Duration // default DefaultLead
	Logger *slog.Logger

	mu sync.Mutex // one run at a time per instance
}

// RunOnce sends the reminders due now and returns how many it sent. Outside
// [deadline-Lead, deadline) of today it does nothing. A message the sender
// refuses is given back for a later run, and the run stops there.
func (r *Reminder) RunOnce(ctx context.Context) (sent int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	lead := r.Lead
	if lead <= 0 {
		lead = DefaultLead
	}
	d, err := r.Store.Deadline(ctx)
	if err != nil {
		return 0, err
	}
	today := Today(now)
	due := d.At(today)
	if now.Before(due.Add(-lead)) || !now.Before(due) {
		return 0, nil
	}
	text := ReminderText(today, d)
	err = r.Store.EachUnreminded(ctx, today, reminderPage, func(page []Missing) error {
		codes := make([]string, len(page))
		for i, m := range page {
			codes[i] = m.USCC
		}
		won, err := r.Store.ClaimReminders(ctx, today, codes)
		if err != nil {
			return err
		}
		mine := make(map[string]bool, len(won))
		for _, u := range won {
			mine[u] = true
		}
		for i, m := range page {
			if !mine[m.USCC] {
				continue // another instance has it
			}
			err := ctx.Err()
			if err == nil {
				err = r.Sender.Send(ctx, notify.Message{Kind: "reminder", USCC: m.USCC, Name: m.Name, Phone: m.ContactPhone, Text: text})
			}
			if err != nil {
				// Give back this claim and the page's unsent ones, so that a
				// later run, here or elsewhere, sends them.
				return r.release(today, page[i:], mine, fmt.Errorf("reminder to %s: %w", m.USCC, err))
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// release gives back the claims in mine of the enterprises of page.
func (r *Reminder) release(day string, page []Missing, mine map[string]bool, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, m := range page {
		if mine[m.USCC] {
			if err := r.Store.ReleaseReminder(ctx, day, m.USCC); err != nil {
				return fmt.Errorf("%w; giving back the claim of %s: %w", cause, m.USCC, err)
			}
		}
	}
	return cause
}

// ReminderText is the reminder sent on day for a deadline.
func ReminderText(day string, d Deadline) string {
	t, _ := ParseDate(day)
	return fmt.Sprintf("【瑞安市经信局】贵企业今日（%d月%d日）防疫日报尚未填报，请于%s前登录复工复产平台填报。", t.Month(), t.Day(), d)
}

// Loop runs RunOnce now and then every period until ctx is done, logging
// what it sends and any error.
func (r *Reminder) Loop(ctx context.Context, every time.Duration) {
	l := r.Logger
	if l == nil {
		l = slog.Default()
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		n, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			l.Error("reminders", "err", err, "sent", n)
		} else if n > 0 {
			l.Info("reminders sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
