package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"fugong/cmd/fugong/wiring"
	"fugong/store"
)

func (e *env) serve(ctx context.Context, args []string) error {
	fs := e.flags("serve")
	addr := fs.String("addr", cmp.Or(e.getenv("FUGONG_ADDR"), "127.0.0.1:8080"), "listen address (env FUGONG_ADDR)")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (when served over HTTPS)")
	font := e.pdfFontFlag(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := e.open(ctx, *dsn, *migrate)
	if err != nil {
		return err
	}
	defer db.Close()
	return e.listen(ctx, db, *addr, *secure, *font, nil)
}

// listen serves until ctx is done, then shuts down gracefully. banner, if
// set, is printed once the address is known.
func (e *env) listen(ctx context.Context, db *store.DB, addr string, secure bool, font string, banner func(url string)) error {
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc := wiring.NewServices(db, db.Now)
	checkFont(logger, font)
	h, err := newHandler(svc, logger, secure, font)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "fugong: listening on %s (database: %s)\n", url, db.Engine)
	if banner != nil {
		banner(url)
	}
	stopReminders := startReminders(ctx, db, logger)
	defer stopReminders()
	stopNotices := startNotices(ctx, svc, logger)
	defer stopNotices()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHandler builds the whole HTTP stack over the services: the web layer
// and its metrics. serve and bench both use it.
func newHandler(svc wiring.Services, logger *slog.Logger, secure bool, font string) (http.Handler, error) {
	db := svc.DB
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fugong_db_up", Help: "1 when the database answers."},
		func() float64 {
			c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if db.Ping(c) != nil {
				return 0
			}
			return 1
		}))
	return wiring.Handler(svc, wiring.Options{Logger: logger, Metrics: reg, SecureCookies: secure, PDFFont: font})
}

func (e *env) migrate(ctx context.Context, args []string) error {
	fs := e.flags("migrate")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "the schema is up to date")
	}
	for _, m := range applied {
		fmt.Fprintln(e.stdout, "applied", m)
	}
	return nil
}
