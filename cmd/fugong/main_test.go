package main

// These tests drive the whole program through run, as main does, against both
// storage engines: a SQLite file in a temporary directory and a fresh
// PostgreSQL database from storetest.NewPostgres. Servers run in goroutines on
// 127.0.0.1:0 and are stopped by cancelling their context.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong"
	"fugong/registry"
	"fugong/sheet"
	"fugong/store"
	"fugong/store/storetest"
)

// ---------------------------------------------------------------------------
// Harness

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// noEnv is an empty environment: every setting comes from the flags.
func noEnv(string) string { return "" }

// envOf returns a getenv over vars.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// fugongCmd runs one command to completion with stdin as its standard input.
func fugongCmd(t *testing.T, getenv func(string) string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut syncBuffer
	err = run(t.Context(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustRun runs a command that must succeed and returns its standard output.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := fugongCmd(t, noEnv, stdin, args...)
	if err != nil {
		t.Fatalf("fugong %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// mustFail runs a command that must fail and returns its error and standard error.
func mustFail(t *testing.T, stdin string, args ...string) (error, string) {
	t.Helper()
	out, errOut, err := fugongCmd(t, noEnv, stdin, args...)
	if err == nil {
		t.Fatalf("fugong %s succeeded, want an error\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), out, errOut)
	}
	return err, errOut
}

// newDSN returns an empty database of the engine, removed when the test ends.
func newDSN(t *testing.T, engine string) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "fugong.db")
	}
	return storetest.NewPostgres(t)
}

// eachEngine runs fn as a parallel subtest per engine on an empty, unmigrated database.
func eachEngine(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newDSN(t, engine))
		})
	}
}

var listeningRe = regexp.MustCompile(`fugong: listening on (http://\S+) \(database: (\w+)\)`)

// instance is a serve or demo command running in a goroutine.
type instance struct {
	args   []string
	URL    string
	Engine string
	Stdout *syncBuffer
	Stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error

	once sync.Once
	err  error
}

// wait returns run's result once it has returned.
func (in *instance) wait() error {
	in.once.Do(func() { in.err = <-in.done })
	return in.err
}

// start runs fugong args in the background, waits for its "listening on" line
// and for /healthz to answer 200. The instance is stopped when the test ends.
func start(t *testing.T, args ...string) *instance {
	t.Helper()
	in := launch(t, args...)
	in.waitListening(t)
	return in
}

// launch runs fugong args in the background without waiting for anything.
func launch(t *testing.T, args ...string) *instance {
	t.Helper()
	return launchEnv(t, noEnv, args...)
}

// launchEnv is launch in the environment getenv.
func launchEnv(t *testing.T, getenv func(string) string, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{args: args, Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { in.done <- run(ctx, args, getenv, strings.NewReader(""), in.Stdout, in.Stderr) }()
	t.Cleanup(func() {
		in.cancel()
		in.wait()
	})
	return in
}

// waitListening waits for the "listening on" line and a healthy /healthz.
func (in *instance) waitListening(t *testing.T) {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for in.URL == "" {
		if m := listeningRe.FindStringSubmatch(in.Stdout.String()); m != nil {
			in.URL, in.Engine = m[1], m[2]
			break
		}
		select {
		case err := <-in.done:
			in.once.Do(func() { in.err = err })
			t.Fatalf("fugong %s returned before listening: %v\nstdout:\n%s\nstderr:\n%s",
				strings.Join(in.args, " "), err, in.Stdout, in.Stderr)
		case <-deadline:
			t.Fatalf("fugong %s: no \"listening on\" line after 3 minutes\nstdout:\n%s\nstderr:\n%s",
				strings.Join(in.args, " "), in.Stdout, in.Stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	waitHealthy(t, in.URL)
}

// stop cancels the instance's context and checks that it shut down cleanly.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	in.cancel()
	result := make(chan error, 1)
	go func() { result <- in.wait() }()
	select {
	case err := <-result:
		if err != nil {
			t.Errorf("run returned %v after cancel, want nil (graceful shutdown)\nstderr:\n%s", err, in.Stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("run did not return within 15s of cancel")
	}
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s/healthz: no 200 within 10s (last: %v)", base, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// call sends a request with an optional bearer token and JSON body and
// returns the status and body.
func call(t *testing.T, method, u, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// apiLogin logs in through POST /api/v1/sessions and returns the token.
func apiLogin(t *testing.T, base, username, password string) string {
	t.Helper()
	status, body := call(t, "POST", base+"/api/v1/sessions", "", map[string]string{"username": username, "password": password})
	if status != http.StatusCreated {
		t.Fatalf("POST /api/v1/sessions as %s: status %d, want 201: %s", username, status, body)
	}
	var resp struct {
		Token string `json:"token"`
		User  struct {
			Username string `json:"username"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("login response: %v: %s", err, body)
	}
	if resp.Token == "" || resp.User.Username != username {
		t.Fatalf("login response has token %q and user %q: %s", resp.Token, resp.User.Username, body)
	}
	return resp.Token
}

// me returns GET /api/v1/me's status and user.
func me(t *testing.T, base, token string) (int, map[string]any) {
	t.Helper()
	status, body := call(t, "GET", base+"/api/v1/me", token, nil)
	var u map[string]any
	if status == http.StatusOK {
		if err := json.Unmarshal(body, &u); err != nil {
			t.Fatalf("GET /api/v1/me: %v: %s", err, body)
		}
	}
	return status, u
}

func mustContain(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not mention %q:\n%s", what, sub, s)
		}
	}
}

// ---------------------------------------------------------------------------
// Enterprise lists

// usccAlphabet is GB 32100's alphabet.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// uscc returns the i-th valid test code: 91330381 + MA + 7 digits + check.
func uscc(t testing.TB, i int) string {
	t.Helper()
	first := fmt.Sprintf("91330381MA%07d", i)
	c, err := registry.USCCCheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	return first + string(c)
}

// badUSCC is the i-th code with a wrong check character.
func badUSCC(t testing.TB, i int) string {
	good := uscc(t, i)
	k := strings.IndexByte(usccAlphabet, good[17])
	return good[:17] + string(usccAlphabet[(k+1)%len(usccAlphabet)])
}

var listHeader = []string{"统一社会信用代码", "企业名称", "所属乡镇街道", "规模", "联系电话", "职工人数", "用地面积(亩)"}

// listRow is an enterprise row in listHeader's order.
func listRow(code string, i int, town string) []string {
	return []string{code, fmt.Sprintf("瑞安市测试机械有限公司%d", i), town, "规上", "0577-65812345", "120", "12.5"}
}

// goodRows returns n valid rows for codes from, from+1, … in 塘下镇.
func goodRows(t testing.TB, from, n int) [][]string {
	var rows [][]string
	for i := from; i < from+n; i++ {
		rows = append(rows, listRow(uscc(t, i), i, "塘下镇"))
	}
	return rows
}

func writeXLSX(t *testing.T, path string, rows [][]string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range append([][]string{listHeader}, rows...) {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// writeGBKCSV writes the rows as Excel on a Chinese Windows saves "CSV": GBK, CRLF.
func writeGBKCSV(t *testing.T, path string, rows [][]string) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.WriteAll(append([][]string{listHeader}, rows...)); err != nil {
		t.Fatal(err)
	}
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(b, buf.Bytes()) {
		t.Fatal("the GBK file should differ from its UTF-8 text")
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

type listFormat struct {
	name, ext string
	write     func(t *testing.T, path string, rows [][]string)
}

var listFormats = []listFormat{{"xlsx", ".xlsx", writeXLSX}, {"csv-gbk", ".csv", writeGBKCSV}}

// countEnterprises counts the stored enterprises.
func countEnterprises(t *testing.T, dsn string) int {
	t.Helper()
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, n, err := db.ListEnterprises(t.Context(), fugong.System, registry.Filter{Page: 1, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func getEnterprise(t *testing.T, dsn, code string) registry.Enterprise {
	t.Helper()
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, err := db.GetEnterprise(t.Context(), fugong.System, code)
	if err != nil {
		t.Fatalf("enterprise %s: %v", code, err)
	}
	return e
}

// readTable reads a spreadsheet the program wrote.
func readTable(t *testing.T, path string) *sheet.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tb, err := sheet.Read(f, path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return tb
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ---------------------------------------------------------------------------
// 1. migrate and serve

func TestMigrate(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		engine := store.SQLite
		if strings.HasPrefix(dsn, "postgres") {
			engine = store.Postgres
		}
		migrations, err := store.Migrations(engine)
		if err != nil || len(migrations) == 0 {
			t.Fatalf("store.Migrations(%s) = %d, %v", engine, len(migrations), err)
		}

		out := mustRun(t, "", "migrate", "--db", dsn)
		for _, m := range migrations {
			mustContain(t, "first migrate", out, "applied "+m.Name)
		}
		if strings.Contains(out, "up to date") {
			t.Errorf("first migrate says up to date:\n%s", out)
		}

		out = mustRun(t, "", "migrate", "--db", dsn)
		mustContain(t, "second migrate", out, "up to date")
		if strings.Contains(out, "applied") {
			t.Errorf("second migrate applied something again:\n%s", out)
		}
	})
}

func TestServeRefusesUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		engine := store.SQLite
		if strings.HasPrefix(dsn, "postgres") {
			engine = store.Postgres
		}
		migrations, _ := store.Migrations(engine)

		err, _ := mustFail(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		mustContain(t, "serve's error on a fresh database", err.Error(), "pending", "--migrate")
		for _, m := range migrations {
			mustContain(t, "serve's error on a fresh database", err.Error(), m.Name)
		}

		in := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--migrate")
		if in.Engine != engine {
			t.Errorf("banner says database %q, want %q", in.Engine, engine)
		}
		mustContain(t, "serve --migrate's log", in.Stderr.String(), "migrated: "+migrations[0].Name)
		in.stop(t)

		// Migrated now: plain serve starts, and serve --migrate again is harmless.
		start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0").stop(t)
		start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--migrate").stop(t)
		mustContain(t, "migrate after serve --migrate", mustRun(t, "", "migrate", "--db", dsn), "up to date")
	})
}

// Instances starting together on a fresh database with --migrate: one
// migrates, the other waits and finds nothing left to do.
func TestServeMigrateConcurrently(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		args := []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0", "--migrate", "--metrics-token", "scrape-me"}
		a, b := launch(t, args...), launch(t, args...)
		a.waitListening(t)
		b.waitListening(t)
		if n := strings.Count(a.Stderr.String()+b.Stderr.String(), "migrated: 0001_init.sql"); n != 1 {
			t.Errorf("0001_init.sql was applied %d times", n)
		}
		status, body := call(t, "GET", a.URL+"/metrics", "scrape-me", nil)
		if status != http.StatusOK || !strings.Contains(string(body), "fugong_db_up 1") {
			t.Errorf("GET /metrics: %d, fugong_db_up 1 missing", status)
		}
		a.stop(t)
		b.stop(t)
	})
}

func TestServeReadsEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "env.db")
	secret := filepath.Join(dir, "dsn.txt")
	if err := os.WriteFile(secret, []byte(dsn+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// FUGONG_DB_FILE names a file holding the DSN (trailing newline trimmed).
	out, errOut, err := fugongCmd(t, envOf(map[string]string{"FUGONG_DB_FILE": secret}), "", "migrate")
	if err != nil {
		t.Fatalf("migrate with FUGONG_DB_FILE: %v\n%s", err, errOut)
	}
	mustContain(t, "migrate with FUGONG_DB_FILE", out, "applied")

	// FUGONG_DB and FUGONG_ADDR stand in for --db and --addr.
	in := launchEnv(t, envOf(map[string]string{"FUGONG_DB": dsn, "FUGONG_ADDR": "127.0.0.1:0"}), "serve")
	in.waitListening(t)
	in.stop(t)
}

// An API token lasts 12 hours unless --api-token-ttl (or
// FUGONG_API_TOKEN_TTL) says otherwise.
func TestServeAPITokenTTL(t *testing.T) {
	t.Parallel()
	dsn := newDSN(t, store.SQLite)
	mustRun(t, "", "migrate", "--db", dsn)
	mustRun(t, "secret-horse-1\n", "user", "add", "--db", dsn, "--username", "zhang", "--role", "cadre", "--password-stdin")
	expiresIn := func(in *instance) time.Duration {
		t.Helper()
		status, body := call(t, "POST", in.URL+"/api/v1/sessions", "", map[string]string{"username": "zhang", "password": "secret-horse-1"})
		var s struct {
			ExpiresAt time.Time `json:"expires_at"`
		}
		if err := json.Unmarshal(body, &s); status != http.StatusCreated || err != nil {
			t.Fatalf("login: %d %v %s", status, err, body)
		}
		return time.Until(s.ExpiresAt).Round(time.Minute)
	}
	in := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	if d := expiresIn(in); d != 12*time.Hour {
		t.Errorf("by default a token lasts %v, want 12h", d)
	}
	in.stop(t)
	in = start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--api-token-ttl", "90m")
	if d := expiresIn(in); d != 90*time.Minute {
		t.Errorf("with --api-token-ttl 90m a token lasts %v", d)
	}
	in.stop(t)
	in = launchEnv(t, envOf(map[string]string{"FUGONG_API_TOKEN_TTL": "2h"}), "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	in.waitListening(t)
	if d := expiresIn(in); d != 2*time.Hour {
		t.Errorf("with FUGONG_API_TOKEN_TTL=2h a token lasts %v", d)
	}
	in.stop(t)

	mustFail(t, "", "serve", "--db", dsn, "--api-token-ttl", "10s")
	mustFail(t, "", "serve", "--db", dsn, "--api-token-ttl", "721h")
	if _, _, err := fugongCmd(t, envOf(map[string]string{"FUGONG_API_TOKEN_TTL": "twelve hours"}), "", "serve", "--db", dsn); err == nil ||
		!strings.Contains(err.Error(), "FUGONG_API_TOKEN_TTL") {
		t.Errorf("a bad FUGONG_API_TOKEN_TTL: %v, want an error naming it", err)
	}
}

// ---------------------------------------------------------------------------
// 2. user add

func TestUserAdd(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		mustRun(t, "", "migrate", "--db", dsn)

		const password = "correct-horse-1"
		out := mustRun(t, password+"\n", "user", "add", "--db", dsn, "--username", "user1", "--role", "town",
			"--town", "330381101", "--password-stdin")
		mustContain(t, "user add's output", out, "added user1 (town)")
		if strings.Contains(out, password) {
			t.Errorf("user add echoed the password read from stdin:\n%s", out)
		}

		// Without --password-stdin a password is generated and printed once.
		out = mustRun(t, "", "user", "add", "--db", dsn, "--username", "boss", "--role", "admin")
		m := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("user add without --password-stdin printed no password:\n%s", out)
		}
		generated := m[1]

		// Mistakes name the field at fault; nothing is added.
		bad := []struct {
			name, stdin, field string
			args               []string
		}{
			{"unknown role", password + "\n", "role", []string{"--username", "user2", "--role", "mayor", "--town", "330381101"}},
			{"missing town", password + "\n", "town", []string{"--username", "user3", "--role", "town"}},
			{"unknown town", password + "\n", "town", []string{"--username", "user4", "--role", "town", "--town", "330381999"}},
			{"town for admin", password + "\n", "town", []string{"--username", "user5", "--role", "admin", "--town", "330381101"}},
			{"short password", "short\n", "password", []string{"--username", "user6", "--role", "town", "--town", "塘下镇"}},
			{"bad username", password + "\n", "username", []string{"--username", "X", "--role", "town", "--town", "塘下镇"}},
			{"no password on stdin", "", "password-stdin", []string{"--username", "user7", "--role", "town", "--town", "塘下镇"}},
		}
		for _, tc := range bad {
			args := append([]string{"user", "add", "--db", dsn, "--password-stdin"}, tc.args...)
			err, _ := mustFail(t, tc.stdin, args...)
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("%s: error %q does not name %q", tc.name, err, tc.field)
			}
		}
		// An enterprise clerk needs a registered enterprise.
		err, _ := mustFail(t, password+"\n", "user", "add", "--db", dsn, "--username", "clerk", "--role", "enterprise",
			"--enterprise", uscc(t, 1), "--password-stdin")
		mustContain(t, "clerk of an unregistered enterprise", err.Error(), "enterprise", uscc(t, 1))
		list := filepath.Join(t.TempDir(), "list.csv")
		writeGBKCSV(t, list, goodRows(t, 1, 1))
		mustRun(t, "", "import", "enterprises", "--db", dsn, list)
		mustContain(t, "clerk of a registered enterprise", mustRun(t, password+"\n", "user", "add", "--db", dsn,
			"--username", "clerk", "--role", "enterprise", "--enterprise", strings.ToLower(uscc(t, 1)), "--password-stdin"),
			"added clerk (enterprise)")
		mustContain(t, "bureau user by group name", mustRun(t, password+"\n", "user", "add", "--db", dsn,
			"--username", "tongji", "--role", "bureau", "--group", "信息统计组", "--group-leader", "--password-stdin"),
			"added tongji (bureau)")
		err, _ = mustFail(t, password+"\n", "user", "add", "--db", dsn, "--username", "nogroup", "--role", "bureau", "--password-stdin")
		mustContain(t, "bureau user without a group", err.Error(), "group")

		// Duplicate username, in any case.
		for _, name := range []string{"user1", "USER1"} {
			err, _ := mustFail(t, "another-pass-2\n", "user", "add", "--db", dsn, "--username", name, "--role", "town",
				"--town", "330381101", "--password-stdin")
			mustContain(t, "duplicate user's error", err.Error(), "user1")
		}

		in := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		token := apiLogin(t, in.URL, "user1", password)
		status, u := me(t, in.URL, token)
		if status != http.StatusOK || u["username"] != "user1" || u["role"] != "town" || u["town"] != "330381101" {
			t.Errorf("GET /api/v1/me = %d %v, want user1, town 330381101", status, u)
		}
		apiLogin(t, in.URL, "boss", generated)
		if status, body := call(t, "POST", in.URL+"/api/v1/sessions", "", map[string]string{"username": "user1", "password": "wrong-password"}); status != http.StatusUnauthorized {
			t.Errorf("login with a wrong password: %d, want 401: %s", status, body)
		}
		for _, name := range []string{"user2", "user3", "user4", "user5", "user6", "user7"} {
			if status, _ := call(t, "POST", in.URL+"/api/v1/sessions", "", map[string]string{"username": name, "password": password}); status != http.StatusUnauthorized {
				t.Errorf("refused user %s can log in (%d)", name, status)
			}
		}
		in.stop(t)
	})
}

// ---------------------------------------------------------------------------
// 3. Two instances on one PostgreSQL database

func TestTwoInstancesShareSessions(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewPostgres(t)
	mustRun(t, "", "migrate", "--db", dsn)
	const password = "shared-secret-9"
	mustRun(t, password+"\n", "user", "add", "--db", dsn, "--username", "zhang", "--role", "town", "--town", "塘下镇", "--password-stdin")

	a := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	b := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	if a.URL == b.URL {
		t.Fatalf("both instances listen on %s", a.URL)
	}

	t.Run("api token", func(t *testing.T) {
		token := apiLogin(t, a.URL, "zhang", password)
		status, u := me(t, b.URL, token)
		if status != http.StatusOK || u["username"] != "zhang" {
			t.Fatalf("token from A on B: GET /api/v1/me = %d %v, want 200 zhang", status, u)
		}
		if status, body := call(t, "DELETE", b.URL+"/api/v1/sessions/current", token, nil); status != http.StatusNoContent {
			t.Fatalf("DELETE /api/v1/sessions/current on B: %d, want 204: %s", status, body)
		}
		if status, _ := me(t, a.URL, token); status != http.StatusUnauthorized {
			t.Errorf("token logged out on B still works on A: %d, want 401", status)
		}
		if status, _ := me(t, b.URL, token); status != http.StatusUnauthorized {
			t.Errorf("token logged out on B still works on B: %d, want 401", status)
		}
	})

	t.Run("browser cookie", func(t *testing.T) {
		// GET /login on A for the double-submit CSRF cookie and field.
		resp, err := noRedirect.Get(a.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /login: %d", resp.StatusCode)
		}
		var csrfCookie *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "fugong_login_csrf" {
				csrfCookie = c
			}
		}
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
		if csrfCookie == nil || m == nil {
			t.Fatalf("GET /login gave no fugong_login_csrf cookie (%v) or csrf field:\n%s", resp.Cookies(), page)
		}
		form := url.Values{"username": {"zhang"}, "password": {password}, "csrf": {html.UnescapeString(string(m[1]))}, "next": {"/"}}
		req, _ := http.NewRequest("POST", a.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: csrfCookie.Name, Value: csrfCookie.Value})
		resp, err = noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /login on A: %d, want 303:\n%s", resp.StatusCode, body)
		}
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "fugong_session" && c.Value != "" {
				session = c
			}
		}
		if session == nil {
			t.Fatalf("POST /login on A set no fugong_session cookie: %v", resp.Cookies())
		}

		get := func(base string, c *http.Cookie) (*http.Response, string) {
			req, _ := http.NewRequest("GET", base+"/", nil)
			if c != nil {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		resp, page2 := get(b.URL, session)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / on B with A's session cookie: %d (Location %q), want 200", resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, "home page on B", page2, "塘下镇")
		// Without the cookie B sends the browser to the login page.
		resp, _ = get(b.URL, nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("GET / on B without a cookie: %d %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	// A user the admin disables on A is refused by B at once: its token
	// and its login.
	t.Run("disabled", func(t *testing.T) {
		mustRun(t, password+"\n", "user", "add", "--db", dsn, "--username", "root", "--role", "admin", "--password-stdin")
		mustRun(t, password+"\n", "user", "add", "--db", dsn, "--username", "lisi", "--role", "town", "--town", "塘下镇", "--password-stdin")
		token := apiLogin(t, b.URL, "lisi", password)
		root := apiLogin(t, a.URL, "root", password)
		status, body := call(t, "GET", a.URL+"/api/v1/users?q=lisi", root, nil)
		var list struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil || len(list.Items) != 1 {
			t.Fatalf("GET /api/v1/users?q=lisi on A: %d %v %s", status, err, body)
		}
		if status, body := call(t, "POST", fmt.Sprintf("%s/api/v1/users/%d/disable", a.URL, list.Items[0].ID), root, nil); status != http.StatusOK {
			t.Fatalf("disable on A: %d %s", status, body)
		}
		if status, _ := me(t, b.URL, token); status != http.StatusUnauthorized {
			t.Errorf("the disabled user's token on B: %d, want 401", status)
		}
		if status, _ := call(t, "POST", b.URL+"/api/v1/sessions", "", map[string]string{"username": "lisi", "password": password}); status != http.StatusUnauthorized {
			t.Errorf("the disabled user logs in on B: %d, want 401", status)
		}
	})

	a.stop(t)
	b.stop(t)
}

// ---------------------------------------------------------------------------
// 4. import enterprises

func TestImportEnterprises(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		mustRun(t, "", "migrate", "--db", dsn)
		for k, f := range listFormats {
			t.Run(f.name, func(t *testing.T) {
				// The formats share the database: codes and counts are offset.
				base := 10_000 * (k + 1)
				dir := t.TempDir()
				before := countEnterprises(t, dsn)

				// A clean file imports every row.
				clean := filepath.Join(dir, "clean"+f.ext)
				f.write(t, clean, goodRows(t, base, 5))
				out := mustRun(t, "", "import", "enterprises", "--db", dsn, clean)
				mustContain(t, "import's output", out, "5 created")
				if n := countEnterprises(t, dsn); n != before+5 {
					t.Fatalf("after a clean import of 5 rows: %d enterprises, want %d", n, before+5)
				}
				e := getEnterprise(t, dsn, uscc(t, base))
				if e.Town != "330381101" || e.SizeClass != registry.SizeAbove || e.Employees != 120 || e.LandMu != 12.5 ||
					e.ContactPhone != "0577-65812345" || e.Name != fmt.Sprintf("瑞安市测试机械有限公司%d", base) {
					t.Errorf("stored enterprise %+v does not match its row", e)
				}
				if exists(sheet.ErrorFilePath(clean)) {
					t.Errorf("a clean import wrote an error file")
				}
				// Importing it again changes nothing and succeeds.
				mustContain(t, "re-import's output", mustRun(t, "", "import", "enterprises", "--db", dsn, clean), "0 created, 0 updated")

				// One bad row (the third data row, spreadsheet row 4) stores nothing.
				rows := goodRows(t, base+100, 5)
				bad := badUSCC(t, base+102)
				rows[2][0] = bad
				oneBad := filepath.Join(dir, "one-bad"+f.ext)
				f.write(t, oneBad, rows)
				err, stderr := mustFail(t, "", "import", "enterprises", "--db", dsn, oneBad)
				mustContain(t, "import's error", err.Error(), "nothing was imported", "--skip-bad")
				mustContain(t, "import's stderr", stderr, "第4行", "统一社会信用代码", "校验位")
				if n := countEnterprises(t, dsn); n != before+5 {
					t.Fatalf("a file with a bad row stored something: %d enterprises, want %d", n, before+5)
				}
				if exists(sheet.ErrorFilePath(oneBad)) {
					t.Errorf("an import without --skip-bad wrote an error file")
				}

				// --skip-bad after the file stores the good rows and writes the bad one beside the input.
				out = mustRun(t, "", "import", "enterprises", "--db", dsn, oneBad, "--skip-bad")
				mustContain(t, "import --skip-bad's output", out, "4 created", "1 bad rows", sheet.ErrorFilePath(oneBad))
				if n := countEnterprises(t, dsn); n != before+9 {
					t.Fatalf("after --skip-bad: %d enterprises, want %d", n, before+9)
				}
				errTable := readTable(t, sheet.ErrorFilePath(oneBad))
				if got := errTable.Header[len(errTable.Header)-1]; got != "错误原因" {
					t.Errorf("error file's last header is %q, want 错误原因", got)
				}
				if len(errTable.Rows) != 1 || errTable.Rows[0].Cells[0] != bad {
					t.Fatalf("error file rows = %v, want the one row with %s", errTable.Rows, bad)
				}
				mustContain(t, "error file's reason", errTable.Rows[0].Cells[len(errTable.Rows[0].Cells)-1], "第4行", "校验位")

				// --skip-bad before the file works the same.
				rows = goodRows(t, base+200, 2)
				rows[1][0] = badUSCC(t, base+201)
				flagFirst := filepath.Join(dir, "flag-first"+f.ext)
				f.write(t, flagFirst, rows)
				mustRun(t, "", "import", "enterprises", "--skip-bad", "--db", dsn, flagFirst)
				if n := countEnterprises(t, dsn); n != before+10 {
					t.Fatalf("after --skip-bad FILE: %d enterprises, want %d", n, before+10)
				}

				// Every row bad: --skip-bad stores nothing and fails, but still writes the error file.
				rows = goodRows(t, base+300, 3)
				for i := range rows {
					rows[i][0] = badUSCC(t, base+300+i)
				}
				allBad := filepath.Join(dir, "all-bad"+f.ext)
				f.write(t, allBad, rows)
				err, _ = mustFail(t, "", "import", "enterprises", "--db", dsn, allBad, "--skip-bad")
				mustContain(t, "all-bad import's error", err.Error(), "nothing was imported")
				if exitCode(err) == 0 {
					t.Errorf("exit code 0 for an import that stored nothing")
				}
				if n := countEnterprises(t, dsn); n != before+10 {
					t.Fatalf("an all-bad file stored something: %d enterprises, want %d", n, before+10)
				}
				if tb := readTable(t, sheet.ErrorFilePath(allBad)); len(tb.Rows) != 3 {
					t.Errorf("all-bad error file has %d rows, want 3", len(tb.Rows))
				}
			})
		}
	})
}

func TestImportUsage(t *testing.T) {
	t.Parallel()
	dsn := newDSN(t, store.SQLite)
	dir := t.TempDir()

	// Unmigrated database: refused like serve.
	path := filepath.Join(dir, "list.xlsx")
	writeXLSX(t, path, goodRows(t, 1, 1))
	err, _ := mustFail(t, "", "import", "enterprises", "--db", dsn, path)
	mustContain(t, "import into a fresh database", err.Error(), "pending")

	mustRun(t, "", "migrate", "--db", dsn)
	var ue usageError
	err, _ = mustFail(t, "", "import", "enterprises", "--db", dsn)
	if !errors.As(err, &ue) {
		t.Errorf("import without a file: %v, want a usage error", err)
	}
	err, _ = mustFail(t, "", "import", "enterprises", "--db", dsn, path, path)
	if !errors.As(err, &ue) {
		t.Errorf("import with two files: %v, want a usage error", err)
	}
	mustFail(t, "", "import", "enterprises", "--db", dsn, filepath.Join(dir, "missing.xlsx"))
	txt := filepath.Join(dir, "list.txt")
	os.WriteFile(txt, []byte("x"), 0o600)
	err, _ = mustFail(t, "", "import", "enterprises", "--db", dsn, txt)
	mustContain(t, "import of a .txt", err.Error(), ".xlsx")
	if n := countEnterprises(t, dsn); n != 0 {
		t.Errorf("failed imports stored %d enterprises", n)
	}
}

// ---------------------------------------------------------------------------
// 5. export enterprises

func TestExportEnterprises(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		mustRun(t, "", "migrate", "--db", dsn)
		dir := t.TempDir()
		rows := goodRows(t, 1, 4)
		rows = append(rows, listRow(uscc(t, 5), 5, "仙降街道"), listRow(uscc(t, 6), 6, "330381010"))
		in := filepath.Join(dir, "in.xlsx")
		writeXLSX(t, in, rows)
		mustRun(t, "", "import", "enterprises", "--db", dsn, in)
		var want []string
		for _, r := range rows {
			want = append(want, r[0])
		}
		slices.Sort(want)

		readBack := func(path string) []string {
			t.Helper()
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := sheet.ReadEnterprises(f, path)
			if err != nil {
				t.Fatalf("read back %s: %v", path, err)
			}
			var codes []string
			for _, r := range got {
				if len(r.Problems) > 0 {
					t.Errorf("%s row %d: %v", path, r.Row, r.Problems)
				}
				codes = append(codes, r.Enterprise.USCC)
			}
			slices.Sort(codes)
			return codes
		}

		for _, name := range []string{"out.xlsx", "out.csv", "OUT.XLSX"} {
			out := filepath.Join(dir, name)
			stdout := mustRun(t, "", "export", "enterprises", "--db", dsn, "--out", out)
			mustContain(t, "export's output", stdout, "6 enterprises written")
			if got := readBack(out); !slices.Equal(got, want) {
				t.Errorf("%s holds %v, want %v", name, got, want)
			}
			if exists(out + ".part") {
				t.Errorf("export left %s.part behind", name)
			}
		}

		// An exported file imports again unchanged.
		mustContain(t, "re-import of the export", mustRun(t, "", "import", "enterprises", "--db", dsn, filepath.Join(dir, "out.csv")), "0 created, 0 updated")

		// --town limits the list.
		town := filepath.Join(dir, "xianjiang.csv")
		mustRun(t, "", "export", "enterprises", "--db", dsn, "--out", town, "--town", "330381010")
		if got := readBack(town); !slices.Equal(got, []string{uscc(t, 5), uscc(t, 6)}) {
			t.Errorf("--town 330381010 exported %v", got)
		}

		// A town by name works too; an unknown town is refused.
		byName := filepath.Join(dir, "xianjiang.xlsx")
		mustRun(t, "", "export", "enterprises", "--db", dsn, "--out", byName, "--town", "仙降街道")
		if got := readBack(byName); !slices.Equal(got, []string{uscc(t, 5), uscc(t, 6)}) {
			t.Errorf("--town 仙降街道 exported %v", got)
		}
		nowhere := filepath.Join(dir, "nowhere.xlsx")
		err, _ := mustFail(t, "", "export", "enterprises", "--db", dsn, "--out", nowhere, "--town", "火星镇")
		mustContain(t, "export of an unknown town", err.Error(), "town")
		if exists(nowhere) || exists(nowhere+".part") {
			t.Errorf("a refused export left a file behind")
		}

		// An unknown suffix is refused and leaves nothing behind.
		bad := filepath.Join(dir, "out.txt")
		err, _ = mustFail(t, "", "export", "enterprises", "--db", dsn, "--out", bad)
		mustContain(t, "export to .txt", err.Error(), ".xlsx")
		if exists(bad) || exists(bad+".part") {
			t.Errorf("a refused export left a file behind")
		}
		var ue usageError
		if err, _ := mustFail(t, "", "export", "enterprises", "--db", dsn); !errors.As(err, &ue) {
			t.Errorf("export without --out: %v, want a usage error", err)
		}
	})
}

// ---------------------------------------------------------------------------
// 6. demo

// demoPassword finds a user's password in the printed logins table.
func demoPassword(t *testing.T, out, username string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == username {
			return f[1]
		}
	}
	t.Fatalf("demo printed no login for %s:\n%s", username, out)
	return ""
}

func demoTotal(t *testing.T, base, token string) int {
	t.Helper()
	status, body := call(t, "GET", base+"/api/v1/enterprises", token, nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/enterprises: %d: %s", status, body)
	}
	var list struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	return list.Total
}

func TestDemo(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")

	first := time.Now()
	in := start(t, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	t.Logf("demo seeded and started in %v", time.Since(first).Round(time.Millisecond))
	out := in.Stdout.String()
	mustContain(t, "demo's banner", out, in.URL, "admin", "tangxia", "qiye", "kakou")
	if !exists(filepath.Join(dir, "fugong.db")) {
		t.Fatalf("demo created no %s", filepath.Join(dir, "fugong.db"))
	}
	if in.Engine != store.SQLite {
		t.Errorf("demo runs on %q, want sqlite", in.Engine)
	}
	password := demoPassword(t, out, "admin")
	token := apiLogin(t, in.URL, "admin", password)
	total := demoTotal(t, in.URL, token)
	if total < 6500 || total > 7000 {
		t.Errorf("demo city has %d enterprises, want 6,500–7,000", total)
	}
	// A town account sees its own town only.
	if n := demoTotal(t, in.URL, apiLogin(t, in.URL, "tangxia", demoPassword(t, out, "tangxia"))); n == 0 || n >= total {
		t.Errorf("tangxia sees %d of %d enterprises", n, total)
	}
	// The staff rosters (M7), sealed under the key file the demo made.
	if fi, err := os.Stat(filepath.Join(dir, "fugong.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the demo's key file: %v %v", fi, err)
	}
	if status, body := call(t, "GET", in.URL+"/api/v1/health/summary", token, nil); status != 200 || strings.Contains(string(body), `"quarantined":0`) {
		t.Errorf("the demo's health summary: %d %s", status, body)
	}
	in.stop(t)

	// Again on the same directory: no reseeding, same logins.
	in = start(t, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	out = in.Stdout.String()
	mustContain(t, "second demo's banner", out, in.URL, "admin")
	if p := demoPassword(t, out, "admin"); p != password {
		t.Errorf("second start prints admin password %q, first printed %q", p, password)
	}
	if n := demoTotal(t, in.URL, apiLogin(t, in.URL, "admin", password)); n != total {
		t.Errorf("second start has %d enterprises, first had %d (reseeded?)", n, total)
	}
	if strings.Contains(in.Stderr.String(), "migrated:") {
		t.Errorf("second start migrated again:\n%s", in.Stderr)
	}
	in.stop(t)
}

// demo --db postgres://… seeds and serves the same city on PostgreSQL, as
// SPEC says the demo runs there too; its logins are kept in the data
// directory apart from the SQLite demo's.
func TestDemoPostgres(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewPostgres(t)
	dir := filepath.Join(t.TempDir(), "data")
	first := time.Now()
	in := start(t, "demo", "--addr", "127.0.0.1:0", "--data", dir, "--db", dsn)
	t.Logf("demo on PostgreSQL seeded and started in %v", time.Since(first).Round(time.Millisecond))
	if in.Engine != store.Postgres {
		t.Errorf("demo --db %s runs on %q, want postgres", dsn, in.Engine)
	}
	out := in.Stdout.String()
	mustContain(t, "demo's banner", out, in.URL, "admin", "tangxia", "qiye", "kakou")
	password := demoPassword(t, out, "admin")
	token := apiLogin(t, in.URL, "admin", password)
	total := demoTotal(t, in.URL, token)
	if total < 6500 || total > 7000 {
		t.Errorf("demo city on PostgreSQL has %d enterprises, want 6,500–7,000", total)
	}
	if n := demoTotal(t, in.URL, apiLogin(t, in.URL, "tangxia", demoPassword(t, out, "tangxia"))); n == 0 || n >= total {
		t.Errorf("tangxia sees %d of %d enterprises", n, total)
	}
	if exists(filepath.Join(dir, "fugong.db")) || exists(filepath.Join(dir, loginsFile)) {
		t.Errorf("demo --db wrote the SQLite demo's files in %s", dir)
	}
	in.stop(t)

	// Again: the city is there, the logins are the same.
	in = start(t, "demo", "--addr", "127.0.0.1:0", "--data", dir, "--db", dsn)
	if p := demoPassword(t, in.Stdout.String(), "admin"); p != password {
		t.Errorf("second start prints admin password %q, first printed %q", p, password)
	}
	if n := demoTotal(t, in.URL, apiLogin(t, in.URL, "admin", password)); n != total {
		t.Errorf("second start has %d enterprises, first had %d (reseeded?)", n, total)
	}
	in.stop(t)
}

// ---------------------------------------------------------------------------
// 7. The command line itself

func TestCommandLine(t *testing.T) {
	t.Parallel()

	out, _, err := fugongCmd(t, noEnv, "", "version")
	if err != nil || !strings.HasPrefix(out, "fugong ") || len(strings.TrimSpace(out)) <= len("fugong") {
		t.Errorf("version = %q, %v", out, err)
	}
	out, _, err = fugongCmd(t, noEnv, "", "help")
	if err != nil || !strings.Contains(out, "Usage:") {
		t.Errorf("help = %q, %v", out, err)
	}

	usage := []struct {
		name string
		args []string
	}{
		{"no arguments", nil},
		{"unknown command", []string{"frobnicate"}},
		{"user without add", []string{"user"}},
		{"user delete", []string{"user", "delete"}},
		{"import without enterprises", []string{"import"}},
		{"export users", []string{"export", "users"}},
		{"unknown flag", []string{"serve", "--bogus"}},
		{"migrate with a bad flag", []string{"migrate", "--db"}},
	}
	for _, tc := range usage {
		_, stderr, err := fugongCmd(t, noEnv, "", tc.args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: error %v, want a usage error", tc.name, err)
			continue
		}
		if exitCode(err) != 2 {
			t.Errorf("%s: exit code %d, want 2", tc.name, exitCode(err))
		}
		if stderr == "" {
			t.Errorf("%s: nothing on stderr", tc.name)
		}
	}

	// A DSN of neither engine is an ordinary error (exit 1).
	_, _, err = fugongCmd(t, noEnv, "", "migrate", "--db", "mysql://x")
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "sqlite:PATH") {
		t.Errorf("migrate --db mysql://x: %v (exit %d)", err, exitCode(err))
	}
}
