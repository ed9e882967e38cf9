package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"time"

	"fugong/store"
)

// forgetEvery is how often serve deletes the phones' remembered details
// that have expired (checkpoint.RememberFor after their last use): they
// are never read once expired, and are not kept either.
const forgetEvery = time.Hour

// startForgetting runs the deletion of expired remembered travellers
// until ctx is done or stop is called.
func startForgetting(ctx context.Context, db *store.DB, logger *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(forgetEvery)
		defer t.Stop()
		for {
			if n, err := db.Checkpoints().PurgeRemembered(ctx, db.Now()); err != nil && ctx.Err() == nil {
				logger.Error("checkpoints: forget expired remembered travellers", "err", err)
			} else if n > 0 {
				logger.Info("checkpoints: expired remembered travellers forgotten", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// checkPublicURL accepts "" or an absolute http(s) URL with a host and no
// query: the start of every address a checkpoint's code carries.
func checkPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("want an absolute http or https URL such as https://fugong.example.cn, without query or fragment")
	}
	return nil
}
