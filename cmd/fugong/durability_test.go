package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/daily"
	"fugong/store"
)

// childArgs, in the environment, makes the test binary run fugong with
// these arguments (separated by \x1f) instead of the tests: a server in a
// process of its own, which a test can kill -9.
const childArgs = "FUGONG_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		err := run(context.Background(), strings.Split(args, "\x1f"), os.Getenv, strings.NewReader(""), os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startProcess runs fugong args in a process of its own and returns its
// URL once it listens and is healthy.
func startProcess(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(args, "\x1f"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listeningRe.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			t.Fatalf("fugong %v ended before listening:\n%s", args, stderr.String())
		}
		waitHealthy(t, u)
		return cmd, u
	case <-time.After(2 * time.Minute):
		t.Fatalf("fugong %v: not listening after 2 minutes:\n%s", args, stderr.String())
	}
	return nil, ""
}

// keyed is one submission: its Idempotency-Key, enterprise and staff total.
type keyed struct {
	key, uscc string
	staff     int
}

// keyedLoad submits reports with Idempotency-Keys from several clients. A
// submission answered 503, or whose connection failed, is sent again with
// its key when retry is set (as a client of the API must), else given up as
// unknown. It records every submission sent and the version acknowledged for
// each key.
type keyedLoad struct {
	base, token, date string
	retry             bool

	mu       sync.Mutex
	sent     []keyed
	acked    map[string]int // key → version
	statuses map[int]int
	failed   []string
	stop     context.CancelFunc
	done     sync.WaitGroup
}

func startKeyedLoad(base, token, date string, firms []string, clients int, retry bool) *keyedLoad {
	ctx, cancel := context.WithCancel(context.Background())
	l := &keyedLoad{base: base, token: token, date: date, retry: retry, acked: map[string]int{}, statuses: map[int]int{}, stop: cancel}
	for c := range clients {
		l.done.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				k := keyed{key: fmt.Sprintf("k-%d-%d", c, i), uscc: firms[(c+i*clients)%len(firms)], staff: 30 + i}
				l.mu.Lock()
				l.sent = append(l.sent, k)
				l.mu.Unlock()
				for ctx.Err() == nil {
					status, version, err := l.send(ctx, k)
					l.mu.Lock()
					l.statuses[status]++
					if err == nil && (status == http.StatusOK || status == http.StatusCreated) {
						l.acked[k.key] = version
						l.mu.Unlock()
						break
					}
					if status != http.StatusServiceUnavailable && status != 0 {
						l.failed = append(l.failed, fmt.Sprintf("%s: %d %v", k.key, status, err))
					}
					l.mu.Unlock()
					if !l.retry {
						return // the server is gone: this submission's fate is unknown
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
	return l
}

// send submits k once: the status (0 without an answer) and the version.
func (l *keyedLoad) send(ctx context.Context, k keyed) (int, int, error) {
	body, _ := json.Marshal(map[string]any{"staff_total": k.staff, "staff_in_city": 20, "returned_today": 2,
		"persuaded_today": 1, "tickets_refunded_today": 1, "hubei_staff": 2, "hubei_contacted_today": 2,
		"quarantined": 1, "fever": 0, "on_duty": 3, "commitment_signed": true})
	req, _ := http.NewRequestWithContext(ctx, "PUT", l.base+"/api/v1/enterprises/"+k.uscc+"/reports/"+l.date, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+l.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", k.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r daily.Report
	if res.StatusCode == http.StatusOK || res.StatusCode == http.StatusCreated {
		err = json.Unmarshal(b, &r)
	}
	return res.StatusCode, r.Version, err
}

func (l *keyedLoad) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

func (l *keyedLoad) waitFor(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); l.count() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d submissions acknowledged in 2 minutes: %v %v", n, l.statuses, l.failed)
		}
	}
}

// durabilitySetup migrates dsn, registers n firms and a town user, and
// returns the firms and the user's password.
func durabilitySetup(t *testing.T, dsn string, n int) []string {
	t.Helper()
	mustRun(t, "", "migrate", "--db", dsn)
	list := filepath.Join(t.TempDir(), "list.xlsx")
	writeXLSX(t, list, goodRows(t, 1, n))
	mustRun(t, "", "import", "enterprises", "--db", dsn, list)
	mustRun(t, durabilityPassword+"\n", "user", "add", "--db", dsn, "--username", "town1", "--role", "town", "--town", "塘下镇", "--password-stdin")
	var firms []string
	for i := 1; i <= n; i++ {
		firms = append(firms, uscc(t, i))
	}
	return firms
}

const durabilityPassword = "correct-horse-1"

// checkStoredOnce checks, on the database, that every acknowledged
// submission is stored as the version it was acknowledged as, and that
// every submission sent is stored once: each firm has as many versions as
// keys were sent for it, once the unknown ones were sent again.
func checkStoredOnce(t *testing.T, dsn, date string, l *keyedLoad) {
	t.Helper()
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	staff := map[string]int{}
	keys := map[string]int{}
	for _, k := range l.sent {
		staff[k.key] = k.staff
		keys[k.uscc]++
	}
	byFirm := map[string][]daily.Report{}
	for firm, n := range keys {
		vs, err := db.Versions(t.Context(), firm, date)
		if err != nil {
			t.Fatal(err)
		}
		byFirm[firm] = vs
		if len(vs) != n {
			t.Errorf("%s: %d versions stored for %d submissions", firm, len(vs), n)
		}
	}
	for _, k := range l.sent {
		v, ok := l.acked[k.key]
		if !ok {
			t.Errorf("%s was never acknowledged", k.key)
			continue
		}
		vs := byFirm[k.uscc]
		if v < 1 || v > len(vs) || vs[v-1].StaffTotal != staff[k.key] {
			t.Errorf("%s acknowledged as %s version %d, not stored as such", k.key, k.uscc, v)
		}
	}
}

// TestKillNineKeepsAcknowledgedReports: the server is killed (SIGKILL)
// under a load of keyed submissions; after a restart every acknowledged
// report is there, and the submissions whose answer was lost, sent again
// with their keys, are stored once.
func TestKillNineKeepsAcknowledgedReports(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		firms := durabilitySetup(t, dsn, 40)
		cmd, base := startProcess(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		token := apiLogin(t, base, "town1", durabilityPassword)
		date := daily.Today(time.Now())
		l := startKeyedLoad(base, token, date, firms, 8, false)
		l.waitFor(t, 150)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		l.stop()
		l.done.Wait()
		if len(l.failed) > 0 {
			t.Fatalf("refused before the kill: %v", l.failed)
		}
		acked := len(l.acked)

		srv := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		l.base, l.token = srv.URL, apiLogin(t, srv.URL, "town1", durabilityPassword)
		for _, k := range l.sent {
			if _, ok := l.acked[k.key]; ok {
				continue
			}
			status, v, err := l.send(t.Context(), k)
			if err != nil || status != http.StatusOK && status != http.StatusCreated {
				t.Fatalf("%s sent again: %d %v", k.key, status, err)
			}
			l.acked[k.key] = v
		}
		t.Logf("%d acknowledged before the kill, %d sent again after it", acked, len(l.sent)-acked)
		srv.stop(t)
		checkStoredOnce(t, dsn, date, l)
	})
}

// TestPostgresRestartMidLoad: PostgreSQL ends every connection of the
// database in the middle of the load (what a restart does to the server; the
// machine's PostgreSQL is shared, so it is not restarted itself). Clients
// get 503 and send again with their Idempotency-Key; every submission ends
// acknowledged and stored once.
func TestPostgresRestartMidLoad(t *testing.T) {
	t.Parallel()
	dsn := newDSN(t, store.Postgres)
	firms := durabilitySetup(t, dsn, 40)
	srv := start(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	token := apiLogin(t, srv.URL, "town1", durabilityPassword)
	date := daily.Today(time.Now())
	l := startKeyedLoad(srv.URL, token, date, firms, 8, true)
	l.waitFor(t, 50)

	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	unavailable := func() int {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.statuses[http.StatusServiceUnavailable]
	}
	for round := 0; unavailable() == 0 || round < 3; round++ {
		if round == 200 {
			t.Fatalf("no 503 after %d rounds of ended connections: %v", round, l.statuses)
		}
		if _, err := admin.ExecContext(t.Context(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		l.waitFor(t, l.count()+20)
	}
	l.stop()
	l.done.Wait()
	if len(l.failed) > 0 {
		t.Fatalf("answers other than 2xx and 503: %v", l.failed)
	}
	// A submission stopped between its tries was sent but maybe not
	// stored: it is sent once more, as its client would.
	for _, k := range l.sent {
		if _, ok := l.acked[k.key]; !ok {
			status, v, err := l.send(t.Context(), k)
			if err != nil || status != http.StatusOK && status != http.StatusCreated {
				t.Fatalf("%s sent again: %d %v", k.key, status, err)
			}
			l.acked[k.key] = v
		}
	}
	t.Logf("answers during the load: %v", l.statuses)
	srv.stop(t)
	checkStoredOnce(t, dsn, date, l)
}
