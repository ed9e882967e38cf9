package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fugong/store/storetest"
)

// The load tool end to end at a tiny scale on both engines: it generates,
// serves, submits, queries and prints its summary; a SQLite file it made
// can be run on again with --reuse, never silently overwritten.
func TestBench(t *testing.T) {
	small := []string{"--enterprises", "200", "--days", "3", "--concurrency", "8", "--duration", "1s", "--requests", "300", "--query-runs", "2"}
	summary := regexp.MustCompile(`summary: (\w+) 200×3 c=8: [\d,]+ submissions/s, p99 [\d.]+ ms, 0 errors`)
	check := func(t *testing.T, engine, out string) {
		t.Helper()
		m := summary.FindStringSubmatch(out)
		if m == nil || m[1] != engine {
			t.Fatalf("no clean %s summary in:\n%s", engine, out)
		}
		for _, want := range []string{"no-op (ceiling)", "submit (PUT report)", "completeness today", "trend 90 days", "missing yesterday, page 1", "peak RSS"} {
			if !strings.Contains(out, want) {
				t.Errorf("no %q in:\n%s", want, out)
			}
		}
		if !regexp.MustCompile(`committers \(\d\): busy \d+ % of the phase, \d+ % in the commits`).MatchString(out) {
			t.Errorf("no committers' busy time in:\n%s", out)
		}
		if strings.Contains(out, "error:") {
			t.Errorf("a query failed:\n%s", out)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		// The profiles of the submission phase (one run of the test takes
		// them: each is one per process).
		dir := t.TempDir()
		tracePath, profPath := filepath.Join(dir, "submit.trace"), filepath.Join(dir, "cpu.prof")
		check(t, "sqlite", mustRun(t, "", append([]string{"bench", "--trace", tracePath, "--cpuprofile", profPath}, small...)...))
		if b, err := os.ReadFile(tracePath); err != nil || !bytes.HasPrefix(b, []byte("go 1.")) {
			t.Errorf("--trace wrote no execution trace: %v %.20q", err, b)
		}
		if fi, err := os.Stat(profPath); err != nil || fi.Size() == 0 {
			t.Errorf("--cpuprofile wrote no profile: %v", err)
		}

		dsn := "sqlite:" + filepath.Join(t.TempDir(), "bench.db")
		check(t, "sqlite", mustRun(t, "", append([]string{"bench", "--db", dsn}, small...)...))
		if err, _ := mustFail(t, "", append([]string{"bench", "--db", dsn}, small...)...); !strings.Contains(err.Error(), "--reuse") {
			t.Errorf("an existing file: %v", err)
		}
		out := mustRun(t, "", append([]string{"bench", "--db", dsn, "--reuse"}, small...)...)
		check(t, "sqlite", out)
		if !strings.Contains(out, "0 reports") {
			t.Errorf("a reused database was generated again:\n%s", out)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		check(t, "postgres", mustRun(t, "", append([]string{"bench", "--db", storetest.PostgresAdminDSN()}, small...)...))
		// Two servers on one database: the submissions alternate between
		// them and every one is counted once.
		out := mustRun(t, "", append([]string{"bench", "--db", storetest.PostgresAdminDSN(), "--instances", "2"}, small...)...)
		check(t, "postgres", out)
		counted := regexp.MustCompile(`today's completeness counts (\d+) received; (\d+) submissions answered 201`).FindStringSubmatch(out)
		if !strings.Contains(out, "2 instance(s)") || counted == nil || counted[1] != counted[2] || counted[1] == "0" {
			t.Errorf("two instances:\n%s", out)
		}
	})
	if err, _ := mustFail(t, "", append([]string{"bench", "--instances", "2"}, small...)...); err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("two instances on SQLite: %v", err)
	}
	if err, _ := mustFail(t, "", "bench", "--db", "mysql://x"); err == nil {
		t.Error("a foreign DSN was accepted")
	}
}
