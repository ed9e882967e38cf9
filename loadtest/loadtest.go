// Package loadtest is `fugong bench`: it fills a database with a generated
// city of N enterprises and D days of their daily reports, starts the real
// server stack in-process on 127.0.0.1, drives concurrent report
// submissions through the HTTP API, measures the same stack answering a
// no-op (the ceiling on this machine), and times the completeness,
// missing-list and trend queries at that scale.
package loadtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
)

// Config is one run of the load tool.
type Config struct {
	// DSN is the database: "" for a fresh SQLite file in a temporary
	// directory; "sqlite:PATH" for a new file there (kept); "postgres://…"
	// for a fresh database created on that server (dropped at the end
	// unless Keep).
	DSN string
	// Reuse runs on the database DSN names as it is, filled by an earlier
	// run with Keep: no generation; today's reports are cleared first.
	Reuse bool
	// Keep keeps the temporary SQLite file or the PostgreSQL database.
	Keep bool

	Enterprises int // generated enterprises
	Days        int // days of report history before today
	Concurrency int // concurrent HTTP clients
	// Instances is how many servers share the database (PostgreSQL only),
	// each with its own connections and committers, as separate serve
	// processes would; the clients' submissions alternate between them.
	Instances int
	// Duration bounds each load phase in time, Requests (if > 0) in count.
	Duration time.Duration
	Requests int
	// Corrections is the share of submissions that correct an earlier one.
	Corrections float64
	// QueryRuns is how many times each query is timed (after one warm-up);
	// NoQueries skips them.
	QueryRuns int
	NoQueries bool
	// CPUProfile, if set, receives a CPU profile of the submission phase,
	// and Trace an execution trace of it (go tool trace): where the
	// committers wait, in system calls or for a core.
	CPUProfile, Trace string
	// Dashboard adds the dashboard's run (dashboard.go): production
	// history, the dashboard's queries, and the submissions again with its
	// readers, the walls refreshing every WallEvery, the desks DeskEvery.
	Dashboard            bool
	WallEvery, DeskEvery time.Duration

	// Handler builds the server's whole HTTP stack over db, as serve does.
	Handler func(db *store.DB, logger *slog.Logger) (http.Handler, error)
	// Out receives the results; Log progress bars and notes; ServerLog the
	// server's request log (nil: formatted and discarded).
	Out, Log, ServerLog io.Writer
}

func (c *Config) defaults() {
	if c.Enterprises == 0 {
		c.Enterprises = 100_000
	}
	if c.Days == 0 {
		c.Days = 30
	}
	if c.Concurrency == 0 {
		c.Concurrency = 64
	}
	if c.Instances == 0 {
		c.Instances = 1
	}
	if c.Duration == 0 {
		c.Duration = 10 * time.Second
	}
	if c.QueryRuns == 0 {
		c.QueryRuns = 7
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.ServerLog == nil {
		c.ServerLog = io.Discard
	}
}

// Result is what a run measured.
type Result struct {
	Engine            string
	Enterprises, Days int
	Concurrency       int
	Instances         int
	Reports           int // generated history
	GenEnterprises    time.Duration
	GenReports        time.Duration
	Phases            []Phase
	Queries           []Query
	// Received is today's city-wide received count from the completeness
	// API after the submissions; Created the 201 answers it must equal.
	Received, Created int
	// Commits is what the group committers did during the submissions:
	// each transaction is one flush of the log (SQLite's WAL fsync with
	// synchronous FULL, PostgreSQL's WAL flush).
	Commits store.CommitStats
	// Alone and Loaded are the submissions without and with the
	// dashboard's readers, and Readers what those did (Config.Dashboard).
	Alone, Loaded        Phase
	Readers              ReaderStats
	WallEvery, DeskEvery time.Duration
	// AfterLoad is the memory once the data is stored (its peak is the
	// generation's); End the memory at the end, its peak that of serving
	// and querying alone.
	AfterLoad, End Memory
}

// Phase is one load phase: many clients repeating one request.
type Phase struct {
	Name                 string
	Requests, OK, Errors int
	Statuses             map[int]int
	FirstError           string
	Elapsed              time.Duration
	// CPU is the whole process's CPU time over the phase: server and
	// clients. Per request it is a measure that other load on the machine
	// hardly changes.
	CPU                time.Duration
	P50, P95, P99, Max time.Duration
}

// CPUPerRequest is the process's CPU time per request.
func (p Phase) CPUPerRequest() time.Duration {
	if p.Requests == 0 {
		return 0
	}
	return p.CPU / time.Duration(p.Requests)
}

// Rate is successful requests per second.
func (p Phase) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.OK) / p.Elapsed.Seconds()
}

// Query is one API read timed several times.
type Query struct {
	Name, Path              string
	First, Median, Min, Max time.Duration
	Runs                    int
	Err                     string
}

// Targets of issue 3 on this 2-core machine.
const (
	TargetRate    = 10_000
	TargetP99     = 50 * time.Millisecond
	TargetQuery   = 100 * time.Millisecond
	TargetMemory  = 1 << 30
	reportChunk   = 200_000 // reports per LoadReports call
	enterpriseChk = 50_000  // enterprises per LoadEnterprises call
)

// Run performs the whole benchmark and prints its table to cfg.Out.
func Run(ctx context.Context, cfg Config) (res *Result, err error) {
	cfg.defaults()
	if cfg.Handler == nil {
		return nil, errors.New("loadtest: no server handler")
	}
	if cfg.Enterprises < 1 || cfg.Days < 0 || cfg.Concurrency < 1 || cfg.Instances < 1 {
		return nil, errors.New("loadtest: --enterprises, --concurrency and --instances must be positive, --days not negative")
	}
	dsn, cleanup, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, cleanup()) }()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	if cfg.Instances > 1 && db.Engine != store.Postgres {
		return nil, errors.New("loadtest: --instances above 1 needs PostgreSQL: SQLite has one writer")
	}
	res = &Result{Engine: db.Engine, Enterprises: cfg.Enterprises, Days: cfg.Days, Concurrency: cfg.Concurrency, Instances: cfg.Instances}
	now := time.Now()
	today := daily.Today(now)
	if cfg.Reuse {
		if err := reuse(ctx, db, today, res); err != nil {
			return nil, err
		}
		cfg.Enterprises = res.Enterprises
	} else if err := generate(ctx, db, cfg, now, res); err != nil {
		return nil, err
	}
	res.AfterLoad = ReadMemory()
	runtime.GC()
	debug.FreeOSMemory()
	resetPeak()

	// The server stacks, each with the ceiling's no-op in front of it;
	// the first on db, the others on connections of their own.
	logger := slog.New(slog.NewJSONHandler(cfg.ServerLog, &slog.HandlerOptions{Level: slog.LevelInfo}))
	dbs, bases := []*store.DB{db}, []string{}
	for i := range cfg.Instances {
		idb := db
		if i > 0 {
			if idb, err = store.Open(ctx, dsn); err != nil {
				return nil, err
			}
			defer idb.Close()
			dbs = append(dbs, idb)
		}
		h, err := cfg.Handler(idb, logger)
		if err != nil {
			return nil, err
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /bench/noop", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
		mux.Handle("/", h)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
		go srv.Serve(ln)
		defer srv.Close()
		bases = append(bases, "http://"+ln.Addr().String())
	}
	c := &client{base: bases[0], http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConns: cfg.Concurrency * 2, MaxIdleConnsPerHost: cfg.Concurrency * 2, IdleConnTimeout: time.Minute,
		DisableCompression: true, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
		// A redirect is an answer here, not something to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	defer c.http.CloseIdleConnections()
	if err := c.login(ctx, db); err != nil {
		return nil, err
	}
	// One session, valid on every instance (sessions are in the database).
	clients := []*client{c}
	for _, b := range bases[1:] {
		other := *c
		other.base = b
		clients = append(clients, &other)
	}
	commitStats := func() store.CommitStats {
		var sum store.CommitStats
		for _, d := range dbs {
			sum = sum.Plus(d.CommitStats())
		}
		return sum
	}

	// Two ceilings: the bare HTTP round trip on this machine, and the web
	// stack's own middleware (request log, metrics, security headers,
	// cross-origin check, mux, session check) answering a request it routes
	// nowhere with its redirect to the login page. The middleware is
	// unexported, so the no-op cannot sit inside it.
	ceiling := min(cfg.Duration, 5*time.Second)
	res.Phases = append(res.Phases, drive(ctx, "no-op (ceiling)", cfg.Concurrency, ceiling, cfg.Requests,
		func(int) (int, string, error) { return c.do(ctx, "GET", "/bench/noop", nil, nil) }, is(http.StatusNoContent)))
	res.Phases = append(res.Phases, drive(ctx, "unrouted via stack", cfg.Concurrency, ceiling, cfg.Requests,
		func(int) (int, string, error) { return c.do(ctx, "GET", "/bench/unrouted", nil, nil) }, is(http.StatusSeeOther)))

	sub := newSubmitter(ctx, clients, cfg, today)
	stopCPU, err := profile(cfg.CPUProfile, pprof.StartCPUProfile, pprof.StopCPUProfile)
	if err != nil {
		return nil, err
	}
	stopTrace, err := profile(cfg.Trace, trace.Start, trace.Stop)
	if err != nil {
		stopCPU()
		return nil, err
	}
	commits0 := commitStats()
	submit := drive(ctx, "submit (PUT report)", cfg.Concurrency, cfg.Duration, cfg.Requests, sub.do,
		func(s int) bool { return s == http.StatusCreated || s == http.StatusOK })
	stopTrace()
	stopCPU()
	res.Phases = append(res.Phases, submit)
	commits1 := commitStats()
	res.Commits = commits1.Since(commits0)
	res.Created = submit.Statuses[http.StatusCreated]
	if ctx.Err() != nil {
		return res, ctx.Err()
	}

	var comp struct {
		City struct{ Received int } `json:"city"`
	}
	if err := c.getJSON(ctx, "/api/v1/reports/completeness?date="+today, &comp); err != nil {
		return res, err
	}
	res.Received = comp.City.Received

	if cfg.NoQueries {
		res.End = ReadMemory()
		res.Print(cfg.Out)
		return res, nil
	}
	t0, _ := daily.ParseDate(today)
	yesterday := t0.AddDate(0, 0, -1).Format(daily.DateLayout)
	since := func(days int) string { return t0.AddDate(0, 0, -(days - 1)).Format(daily.DateLayout) }
	for _, q := range []Query{
		{Name: "completeness today", Path: "/api/v1/reports/completeness?date=" + today},
		{Name: "completeness yesterday", Path: "/api/v1/reports/completeness?date=" + yesterday},
		{Name: "trend 30 days", Path: "/api/v1/reports/trend?from=" + since(30) + "&to=" + today},
		{Name: "trend 90 days", Path: "/api/v1/reports/trend?from=" + since(90) + "&to=" + today},
		{Name: "missing today, page 1", Path: "/api/v1/reports/missing?date=" + today + "&page=1"},
		{Name: "missing yesterday, page 1", Path: "/api/v1/reports/missing?date=" + yesterday + "&page=1"},
	} {
		res.Queries = append(res.Queries, c.time(ctx, q, cfg.QueryRuns))
	}
	if cfg.Dashboard {
		dashboardRun(ctx, c, cfg, today, sub, submit, res)
	}
	res.End = ReadMemory()
	res.Print(cfg.Out)
	return res, nil
}

// prepare returns the DSN to run on and what to do at the end.
func prepare(ctx context.Context, cfg Config) (string, func() error, error) {
	none := func() error { return nil }
	switch {
	case cfg.Reuse:
		if cfg.DSN == "" {
			return "", nil, errors.New("loadtest: --reuse needs --db naming a database kept by an earlier run")
		}
		return cfg.DSN, none, nil
	case cfg.DSN == "":
		dir, err := os.MkdirTemp("", "fugong-bench-")
		if err != nil {
			return "", nil, err
		}
		path := filepath.Join(dir, "bench.db")
		if cfg.Keep {
			fmt.Fprintf(cfg.Log, "bench: the database is kept: --db sqlite:%s\n", path)
			return "sqlite:" + path, none, nil
		}
		return "sqlite:" + path, func() error { return os.RemoveAll(dir) }, nil
	case strings.HasPrefix(cfg.DSN, "sqlite:"):
		path := strings.TrimPrefix(cfg.DSN, "sqlite:")
		if _, err := os.Stat(path); err == nil {
			return "", nil, fmt.Errorf("loadtest: %s exists: remove it, or pass --reuse to run on it", path)
		}
		return cfg.DSN, none, nil
	case strings.HasPrefix(cfg.DSN, "postgres://"), strings.HasPrefix(cfg.DSN, "postgresql://"):
		return freshPostgres(ctx, cfg)
	}
	return "", nil, fmt.Errorf("loadtest: --db must be sqlite:PATH or postgres://…")
}

// freshPostgres creates an empty database fugong_bench_<random> on the
// server of cfg.DSN and returns its DSN and how to drop it.
func freshPostgres(ctx context.Context, cfg Config) (string, func() error, error) {
	u, err := url.Parse(cfg.DSN)
	if err != nil {
		return "", nil, fmt.Errorf("loadtest: --db: %w", err)
	}
	admin, err := sql.Open("pgx", cfg.DSN)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 5)
	rand.Read(b)
	name := "fugong_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("loadtest: creating database %s: %w", name, err)
	}
	u.Path = "/" + name
	if cfg.Keep {
		admin.Close()
		fmt.Fprintf(cfg.Log, "bench: the database is kept: --db %s\n", u.Redacted())
		return u.String(), func() error { return nil }, nil
	}
	return u.String(), func() error {
		defer admin.Close()
		_, err := admin.ExecContext(context.WithoutCancel(ctx), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		return err
	}, nil
}

// reuse checks that the database holds a generated city and clears today.
func reuse(ctx context.Context, db *store.DB, today string, res *Result) error {
	_, n, err := db.ListEnterprises(ctx, fugong.System, registry.Filter{Page: 1, PerPage: 1})
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("loadtest: --reuse: the database has no enterprises")
	}
	if _, err := db.GetEnterprise(ctx, fugong.System, USCC(n-1)); err != nil {
		return fmt.Errorf("loadtest: --reuse: the database was not filled by fugong bench (%w)", err)
	}
	res.Enterprises = n
	return db.ClearDay(ctx, today)
}

// generate stores the enterprises and their history, with progress bars.
func generate(ctx context.Context, db *store.DB, cfg Config, now time.Time, res *Result) error {
	t0, _ := daily.ParseDate(daily.Today(now))
	days := make([]time.Time, cfg.Days)
	for d := range days {
		days[d] = t0.AddDate(0, 0, d-cfg.Days)
	}
	created := t0.AddDate(0, 0, -cfg.Days-1)
	n := cfg.Enterprises

	start := time.Now()
	bar := newBar(cfg.Log, n, "enterprises")
	es := make([]registry.Enterprise, 0, min(n, enterpriseChk))
	for from := 0; from < n; from += enterpriseChk {
		es = es[:0]
		for i := from; i < min(n, from+enterpriseChk); i++ {
			es = append(es, Enterprise(i, created))
		}
		if err := db.LoadEnterprises(ctx, es); err != nil {
			return err
		}
		bar.Set(from + len(es))
	}
	bar.Finish()
	res.GenEnterprises = time.Since(start)
	if cfg.Days == 0 {
		return db.Analyze(ctx)
	}

	deadline, err := daily.DeadlineConfig.Get(ctx, db)
	if err != nil {
		return err
	}
	// Generating a chunk overlaps with storing the one before.
	start = time.Now()
	bar = newBar(cfg.Log, n*cfg.Days, "reports")
	type chunk struct {
		reports []daily.Report
		towns   map[string]string
		upTo    int
	}
	per := max(1, reportChunk/cfg.Days)
	chunks := make(chan chunk, 1)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(chunks)
		for from := 0; from < n; from += per {
			c := chunk{reports: make([]daily.Report, 0, per*cfg.Days), towns: make(map[string]string, per), upTo: min(n, from+per)}
			for i := from; i < c.upTo; i++ {
				c.reports = history(c.reports, i, days, deadline)
				c.towns[USCC(i)] = Town(i)
			}
			select {
			case chunks <- c:
			case <-gctx.Done():
				return
			}
		}
	}()
	for c := range chunks {
		if err := db.LoadReports(ctx, c.reports, c.towns); err != nil {
			return err
		}
		res.Reports += len(c.reports)
		bar.Set(c.upTo * cfg.Days)
	}
	bar.Finish()
	res.GenReports = time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	if cfg.Dashboard {
		if err := productionHistory(ctx, db, n, days); err != nil {
			return err
		}
	}
	return db.Analyze(ctx)
}

func newBar(w io.Writer, total int, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(), progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetPredictTime(true),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }))
}

// client talks to the in-process server, and only to it.
type client struct {
	base  string
	http  *http.Client
	token string
}

// login creates a statistics-group user and opens an API session for it.
func (c *client) login(ctx context.Context, db *store.DB) error {
	b := make([]byte, 4)
	rand.Read(b)
	username, password := "bench-"+hex.EncodeToString(b), "bench-"+hex.EncodeToString(b)+"-pass"
	svc := account.Service{Store: db, Now: db.Now}
	if _, err := svc.Create(ctx, fugong.System, account.User{Username: username, DisplayName: "压测",
		Role: fugong.RoleBureau, Group: fugong.GroupStatistics, GroupLeader: true}, password); err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	var out struct{ Token string }
	status, text, err := c.do(ctx, "POST", "/api/v1/sessions", body, &out)
	if err != nil || status != http.StatusCreated || out.Token == "" {
		return fmt.Errorf("loadtest: login: %d %s %v", status, text, err)
	}
	c.token = out.Token
	return nil
}

// do sends one request; a non-2xx answer's body comes back as text, a 2xx
// one is decoded into out (if set) or discarded.
func (c *client) do(ctx context.Context, method, path string, body []byte, out any, header ...string) (int, string, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, "", err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" && !strings.HasPrefix(path, "/bench/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 || out == nil {
		b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, string(b), err
	}
	return resp.StatusCode, "", json.NewDecoder(resp.Body).Decode(out)
}

func (c *client) getJSON(ctx context.Context, path string, out any) error {
	status, text, err := c.do(ctx, "GET", path, nil, out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %s", path, status, text)
	}
	return err
}

// queryBudget bounds the time spent on one query's timed runs: a slow
// query is timed at least three times, not always QueryRuns times.
const queryBudget = 20 * time.Second

// time runs a query once to warm up, then runs more times.
func (c *client) time(ctx context.Context, q Query, runs int) Query {
	var ds []time.Duration
	var spent time.Duration
	for i := 0; i <= runs && (len(ds) < 3 || spent < queryBudget); i++ {
		start := time.Now()
		status, text, err := c.do(ctx, "GET", q.Path, nil, nil)
		d := time.Since(start)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("%d %s", status, text)
		}
		if err != nil {
			q.Err = err.Error()
			return q
		}
		if i == 0 {
			q.First = d
			continue
		}
		ds = append(ds, d)
		spent += d
	}
	q.Runs = len(ds)
	q.Median, q.Min, q.Max = Median(ds), slices.Min(ds), slices.Max(ds)
	return q
}

func is(status int) func(int) bool { return func(s int) bool { return s == status } }

// drive runs conc clients repeating request i = 0, 1, 2, … until dur has
// passed or limit requests (if > 0) were sent. Latencies cover every
// request, failed ones too.
func drive(ctx context.Context, name string, conc int, dur time.Duration, limit int,
	do func(i int) (int, string, error), ok func(status int) bool) Phase {
	p := Phase{Name: name, Statuses: map[int]int{}}
	var next atomic.Int64
	var mu sync.Mutex
	lats := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	stop := start.Add(dur)
	for w := range conc {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			statuses := map[int]int{}
			for ctx.Err() == nil && time.Now().Before(stop) {
				i := int(next.Add(1) - 1)
				if limit > 0 && i >= limit {
					break
				}
				t := time.Now()
				status, text, err := do(i)
				local = append(local, time.Since(t))
				statuses[status]++
				if err != nil || !ok(status) {
					mu.Lock()
					if p.FirstError == "" {
						p.FirstError = fmt.Sprintf("%d %s %v", status, strings.TrimSpace(text), err)
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			lats[w] = local
			for s, n := range statuses {
				p.Statuses[s] += n
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	p.Elapsed, p.CPU = time.Since(start), cpuTime()-cpu0
	all := slices.Concat(lats...)
	slices.Sort(all)
	p.Requests = len(all)
	for s, n := range p.Statuses {
		if ok(s) {
			p.OK += n
		}
	}
	p.Errors = p.Requests - p.OK
	p.P50, p.P95, p.P99 = Percentile(all, 50), Percentile(all, 95), Percentile(all, 99)
	if len(all) > 0 {
		p.Max = all[len(all)-1]
	}
	return p
}

// submitter sends today's reports: request i is the first report of a
// distinct enterprise, except that a share of them correct the report of an
// earlier request, and requests past the number of enterprises wrap around
// as corrections.
type submitter struct {
	ctx context.Context
	// cs are the instances' clients, taken in turn.
	cs        []*client
	today     string
	n, stride int
	every     int // every-th request is a correction; 0: none
	runID     string
}

func newSubmitter(ctx context.Context, cs []*client, cfg Config, today string) *submitter {
	s := &submitter{ctx: ctx, cs: cs, today: today, n: cfg.Enterprises}
	if cfg.Corrections > 0 {
		s.every = max(2, int(1/cfg.Corrections+0.5))
	}
	// Visit the enterprises in a scattered order, as real clerks would.
	s.stride = max(1, s.n*618/1000)
	for gcd(s.stride, s.n) != 1 {
		s.stride++
	}
	b := make([]byte, 4)
	rand.Read(b)
	s.runID = hex.EncodeToString(b)
	return s
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (s *submitter) do(i int) (int, string, error) {
	k, salt := i, 0
	if s.every > 0 && i%s.every == s.every-1 {
		k, salt = i/2, 1+i
	}
	if k >= s.n {
		salt = 1 + i
	}
	e := int((int64(k%s.n)*int64(s.stride) + 7) % int64(s.n))
	body, err := json.Marshal(Figures(e, -1, salt))
	if err != nil {
		return 0, "", err
	}
	return s.cs[i%len(s.cs)].do(s.ctx, "PUT", "/api/v1/enterprises/"+USCC(e)+"/reports/"+s.today, body, nil,
		"Idempotency-Key", "bench-"+s.runID+"-"+fmt.Sprint(i))
}

// profile starts a profile of what follows, written to path (none where
// path is ""), and returns what stops it.
func profile(path string, start func(io.Writer) error, stop func()) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { stop(); f.Close() }, nil
}
