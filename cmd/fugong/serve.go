package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"fugong/account"
	"fugong/cmd/fugong/wiring"
	"fugong/pii"
	"fugong/store"
	"fugong/web"
)

func (e *env) serve(ctx context.Context, args []string) error {
	fs := e.flags("serve")
	addr := fs.String("addr", cmp.Or(e.getenv("FUGONG_ADDR"), "127.0.0.1:8080"), "listen address (env FUGONG_ADDR)")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	var cfg webConfig
	fs.BoolVar(&cfg.secureCookies, "secure-cookies", false,
		"mark cookies Secure on every request (they are on any that came over HTTPS, directly or through a trusted proxy)")
	proxies := newListFlag(e.getenv("FUGONG_TRUSTED_PROXY"))
	fs.Var(proxies, "trusted-proxy", "a reverse proxy's `CIDR` or address, whose X-Forwarded-For and X-Forwarded-Proto are believed; repeatable or a comma list (env FUGONG_TRUSTED_PROXY)")
	metricsToken, err := e.secret("FUGONG_METRICS_TOKEN")
	if err != nil {
		return err
	}
	// The environment's token is no flag default: help would print it.
	fs.StringVar(&cfg.metricsToken, "metrics-token", "",
		"the bearer `token` that /metrics asks for; without one /metrics is not served (env FUGONG_METRICS_TOKEN or FUGONG_METRICS_TOKEN_FILE)")
	ttl, err := e.durationFlag(fs, "api-token-ttl", "FUGONG_API_TOKEN_TTL", account.APISessionTTL, "how long an API token lasts")
	if err != nil {
		return err
	}
	keyFile := e.keyFileFlag(fs)
	font := e.pdfFontFlag(fs)
	fs.StringVar(&cfg.publicURL, "public-url", e.getenv("FUGONG_PUBLIC_URL"),
		"the `URL` travellers reach the service at (https://fugong.example.cn), which the checkpoints' QR codes carry; without it each code takes the scheme and host of the request that draws it (env FUGONG_PUBLIC_URL)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := checkPublicURL(cfg.publicURL); err != nil {
		fmt.Fprintf(e.stderr, "fugong serve: --public-url: %v\n", err)
		return usageError{err}
	}
	if *ttl < time.Minute || *ttl > 30*24*time.Hour {
		fmt.Fprintf(e.stderr, "fugong serve: --api-token-ttl %v is not between 1m and 720h\n", *ttl)
		return usageError{fmt.Errorf("--api-token-ttl %v out of range", *ttl)}
	}
	cfg.apiTokenTTL = *ttl
	cfg.pdfFont = *font
	cfg.metricsToken = cmp.Or(cfg.metricsToken, metricsToken)
	if cfg.trustedProxies, err = web.ParseTrustedProxies(proxies.values...); err != nil {
		return fmt.Errorf("--trusted-proxy: %w", err)
	}
	db, err := e.open(ctx, *dsn, *migrate)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.keys, err = e.serveKeys(ctx, db, *keyFile); err != nil {
		return err
	}
	return e.listen(ctx, db, *addr, cfg, nil)
}

// webConfig is how the operator set the web layer up.
type webConfig struct {
	secureCookies  bool
	trustedProxies []netip.Prefix
	metricsToken   string
	// apiTokenTTL is how long an API token lasts; zero is the default.
	apiTokenTTL time.Duration
	// keys are the personal-data keys from the key file (nil: none).
	keys *pii.Keyring
	// pdfFont is the TrueType font file of the PDFs; "" for the default.
	pdfFont string
	// publicURL is the address the checkpoints' codes carry ("": the
	// request's).
	publicURL string
}

// listFlag is a flag that may be given several times, each value possibly
// a comma-separated list; its first use replaces the environment's default.
type listFlag struct {
	values []string
	set    bool
}

func newListFlag(def string) *listFlag {
	if def == "" {
		return &listFlag{}
	}
	return &listFlag{values: []string{def}}
}

func (f *listFlag) String() string {
	if f == nil {
		return ""
	}
	return strings.Join(f.values, ",")
}

func (f *listFlag) Set(v string) error {
	if !f.set {
		f.values, f.set = nil, true
	}
	f.values = append(f.values, v)
	return nil
}

// listen serves until ctx is done, then shuts down gracefully. banner, if
// set, is printed once the address is known.
func (e *env) listen(ctx context.Context, db *store.DB, addr string, cfg webConfig, banner func(url string)) error {
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc := wiring.NewServices(db, db.Now)
	checkFont(logger, cfg.pdfFont)
	h, err := newHandler(svc, logger, cfg)
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
	stopForgetting := startForgetting(ctx, db, logger)
	defer stopForgetting()
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

// newHandler builds the whole HTTP stack over the services (the people
// module with cfg's keys, the PDFs with its font): the web layer and its
// metrics. serve and bench both use it.
func newHandler(svc wiring.Services, logger *slog.Logger, cfg webConfig) (http.Handler, error) {
	db := svc.DB
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fugong_db_up", Help: "1 when the database answers a read."},
		func() float64 {
			c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if db.PingReader(c) != nil {
				return 0
			}
			return 1
		}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fugong_db_write_failing",
		Help: "1 when the last write failed for the database's sake (down, full) and none has succeeded since."},
		func() float64 {
			if db.LastWriteFailure() != nil {
				return 1
			}
			return 0
		}))
	return wiring.Handler(svc, wiring.Options{
		Logger: logger, Metrics: reg, MetricsToken: cfg.metricsToken,
		SecureCookies: cfg.secureCookies, TrustedProxies: cfg.trustedProxies,
		APITokenTTL: cfg.apiTokenTTL, Keys: cfg.keys, PDFFont: cfg.pdfFont, PublicURL: cfg.publicURL,
	})
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
