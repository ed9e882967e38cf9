package main

import (
	"context"
	"log/slog"
	"time"

	"fugong/daily"
	"fugong/notify"
	"fugong/store"
)

// reminderEvery is how often the server looks for non-reporters to remind.
const reminderEvery = time.Minute

// startReminders reminds the enterprises that have not reported, in the hour
// before the deadline, through the default sender (the log, phones masked).
// Every instance runs it; the database makes each reminder go out once. stop
// ends the loop and waits for it, so the database can be closed after.
func startReminders(ctx context.Context, db *store.DB, logger *slog.Logger) (stop func()) {
	r := &daily.Reminder{Store: db, Sender: notify.LogSender{Logger: logger}, Now: db.Now, Logger: logger}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Loop(ctx, reminderEvery)
	}()
	return func() {
		cancel()
		<-done
	}
}
