// Command fugong is the bureau's epidemic and resumption command platform:
// one binary that serves the web UI and API, runs the demo city, migrates the
// database, loads and exports enterprise lists and daily reports, and backs
// the database up and restores it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, errHelp) {
		var ue usageError
		if !errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "fugong:", err)
		}
		os.Exit(exitCode(err))
	}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// usageError is a mistake in the command line; its message was already printed.
type usageError struct{ error }

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

const usage = `fugong — 瑞安市经信局复工复产指挥平台

Usage:
  fugong demo   [--addr 127.0.0.1:8080] [--data ./fugong-data] [--db DSN] [--pdf-font FILE.ttf]
  fugong serve  [--addr ADDR] [--db DSN] [--migrate] [--key-file FILE] [--api-token-ttl 12h] [--trusted-proxy CIDR]... [--secure-cookies] [--metrics-token T] [--pdf-font FILE.ttf]
  fugong migrate [--db DSN]
  fugong user add --username U --role R [--town CODE] [--enterprise USCC] [--group NAME] [--group-leader] [--password-stdin]
  fugong user passwd --username U [--password-stdin]
  fugong import enterprises [--db DSN] FILE [--skip-bad]
  fugong import reports [--db DSN] FILE [--skip-bad] [--date YYYY-MM-DD]
  fugong export enterprises [--db DSN] --out FILE [--town CODE]
  fugong backup [--db DSN] --out FILE
  fugong restore [--db DSN] --in FILE [--force]
  fugong keys rotate [--db DSN] [--key-file FILE] [--batch N]
  fugong keys retire [--db DSN] [--key-file FILE]
  fugong purge people|residents --ended-before YYYY-MM-DD [--dry-run] [--db DSN]
  fugong bench  [--db DSN] [--enterprises N] [--days D] [--concurrency C] [--duration 10s] [--requests N] [--keep] [--reuse] [--cpuprofile FILE] [--trace FILE]
  fugong openapi > FILE   (the API's OpenAPI document, as served at /api/v1/openapi.json)
  fugong version

DSN is sqlite:PATH (the default, sqlite:fugong-data/fugong.db) or postgres://…
Environment: FUGONG_DB (or FUGONG_DB_FILE), FUGONG_ADDR, FUGONG_KEY_FILE,
FUGONG_API_TOKEN_TTL, FUGONG_TRUSTED_PROXY, FUGONG_METRICS_TOKEN (or
FUGONG_METRICS_TOKEN_FILE), FUGONG_PDF_FONT.
The key file holds the keys staff ID numbers and phones are encrypted under;
fugong demo keeps one in its data directory (fugong.key); backups do not
hold it.
`

// run is the whole program, with its environment passed in so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("no command")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "demo":
		return env.demo(ctx, rest)
	case "serve":
		return env.serve(ctx, rest)
	case "migrate":
		return env.migrate(ctx, rest)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return env.userAdd(ctx, rest[1:])
		}
		if len(rest) > 0 && rest[0] == "passwd" {
			return env.userPasswd(ctx, rest[1:])
		}
	case "import":
		if len(rest) > 0 && rest[0] == "enterprises" {
			return env.importEnterprises(ctx, rest[1:])
		}
		if len(rest) > 0 && rest[0] == "reports" {
			return env.importReports(ctx, rest[1:])
		}
	case "export":
		if len(rest) > 0 && rest[0] == "enterprises" {
			return env.exportEnterprises(ctx, rest[1:])
		}
	case "backup":
		return env.backup(ctx, rest)
	case "restore":
		return env.restore(ctx, rest)
	case "keys":
		if len(rest) > 0 && rest[0] == "rotate" {
			return env.keysRotate(ctx, rest[1:])
		}
		if len(rest) > 0 && rest[0] == "retire" {
			return env.keysRetire(ctx, rest[1:])
		}
	case "purge":
		return env.purge(ctx, rest)
	case "bench":
		return env.bench(ctx, rest)
	case "openapi":
		return env.openapi(rest)
	case "version":
		fmt.Fprintln(stdout, "fugong", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "fugong: unknown command %q\n\n%s", strings.Join(args, " "), usage)
	return usageError{fmt.Errorf("unknown command %q", strings.Join(args, " "))}
}
