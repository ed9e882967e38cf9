package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"fugong/cmd/fugong/wiring"
	"fugong/loadtest"
	"fugong/store"
)

// bench is the load tool: a generated city, the real server stack
// in-process, concurrent report submissions and the report queries timed.
// The work is in package loadtest.
//
// `fugong bench dashboard …` adds the dashboard's run (M12): production
// history, the dashboard's and the wall's reads timed, and the submissions
// driven again while 50 wall views and 200 desk users read.
func (e *env) bench(ctx context.Context, args []string) error {
	fs := e.flags("bench")
	cfg := loadtest.Config{Out: e.stdout, Log: e.stderr}
	if len(args) > 0 && args[0] == "dashboard" {
		cfg.Dashboard, args = true, args[1:]
	}
	fs.DurationVar(&cfg.WallEvery, "wall-every", 30e9, "with dashboard: how often each wall view refreshes (the wall's own interval)")
	fs.DurationVar(&cfg.DeskEvery, "desk-every", 10e9, "with dashboard: how often each desk user reloads")
	fs.StringVar(&cfg.DSN, "db", "", "sqlite:PATH (a new file) or postgres://… (a fresh database is created on that server and dropped at the end); default: a temporary SQLite file")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the generated database")
	fs.BoolVar(&cfg.Reuse, "reuse", false, "run on the database --db names, kept by an earlier run, without generating")
	fs.IntVar(&cfg.Enterprises, "enterprises", 100_000, "enterprises to generate")
	fs.IntVar(&cfg.Days, "days", 30, "days of report history before today (with --reuse only a label)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 64, "concurrent HTTP clients")
	fs.IntVar(&cfg.Instances, "instances", 1, "servers sharing the database, each with its own connections (PostgreSQL only)")
	fs.DurationVar(&cfg.Duration, "duration", 10e9, "how long each load phase runs")
	fs.IntVar(&cfg.Requests, "requests", 0, "stop each load phase after this many requests (0: only --duration)")
	fs.Float64Var(&cfg.Corrections, "corrections", 0.05, "share of submissions that correct an earlier one")
	fs.IntVar(&cfg.QueryRuns, "query-runs", 7, "timed runs of each query (after one warm-up)")
	fs.BoolVar(&cfg.NoQueries, "no-queries", false, "skip timing the queries")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the submission phase to FILE")
	fs.StringVar(&cfg.Trace, "trace", "", "write an execution trace of the submission phase to FILE (go tool trace)")
	serverLog := fs.String("server-log", "", "write the server's request log to FILE (default: formatted and discarded)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *serverLog != "" {
		f, err := os.Create(*serverLog)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.ServerLog = f
	}
	cfg.Handler = func(db *store.DB, logger *slog.Logger) (http.Handler, error) {
		return newHandler(wiring.NewServices(db, db.Now), logger, webConfig{})
	}
	_, err := loadtest.Run(ctx, cfg)
	return err
}
