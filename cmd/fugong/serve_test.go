package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --trusted-proxy and FUGONG_TRUSTED_PROXY reach the web layer: behind the
// proxy an attacker's failures for an account do not keep its user out at
// another address, and a bad value stops serve before it starts.
func TestServeTrustedProxy(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "fugong.db")
	mustRun(t, "", "migrate", "--db", dsn)
	mustRun(t, "secret-password\n", "user", "add", "--db", dsn, "--username", "zhou", "--role", "cadre", "--password-stdin")

	err, _ := mustFail(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0", "--trusted-proxy", "10.0.0.0/8,proxy.example")
	mustContain(t, "serve's error on a bad --trusted-proxy", err.Error(), "--trusted-proxy", "proxy.example")

	login := func(base, password, from string) int {
		body, _ := json.Marshal(map[string]string{"username": "zhou", "password": password})
		req, _ := http.NewRequest("POST", base+"/api/v1/sessions", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", from)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tc := range []struct {
		name, attacker string
		env            map[string]string
		args           []string
	}{
		{"flag", "198.51.100.1", nil, []string{"--trusted-proxy", "192.0.2.1", "--trusted-proxy", "127.0.0.1,::1"}},
		{"environment", "198.51.100.2", map[string]string{"FUGONG_TRUSTED_PROXY": "127.0.0.0/8"}, nil},
	} {
		in := launchEnv(t, envOf(tc.env), append([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, tc.args...)...)
		in.waitListening(t)
		for range 6 {
			login(in.URL, "wrong-password", tc.attacker)
		}
		if got := login(in.URL, "secret-password", tc.attacker); got != http.StatusTooManyRequests {
			t.Errorf("%s: the attacker's address after 6 failures: %d", tc.name, got)
		}
		if got := login(in.URL, "secret-password", "203.0.113.20"); got != http.StatusCreated {
			t.Errorf("%s: the user at another address behind the proxy: %d", tc.name, got)
		}
		in.stop(t)
	}
}

// /metrics asks for the token of --metrics-token, FUGONG_METRICS_TOKEN or
// the file FUGONG_METRICS_TOKEN_FILE names, and is not served without one.
func TestServeMetricsToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "fugong.db")
	mustRun(t, "", "migrate", "--db", dsn)
	secret := filepath.Join(dir, "metrics-token")
	if err := os.WriteFile(secret, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, token string
		env         map[string]string
		args        []string
	}{
		{"none", "", nil, nil},
		{"flag", "from-flag", nil, []string{"--metrics-token", "from-flag"}},
		{"environment", "from-env", map[string]string{"FUGONG_METRICS_TOKEN": "from-env"}, nil},
		{"file", "from-file", map[string]string{"FUGONG_METRICS_TOKEN_FILE": secret}, nil},
	} {
		in := launchEnv(t, envOf(tc.env), append([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, tc.args...)...)
		in.waitListening(t)
		if status, _ := call(t, "GET", in.URL+"/metrics", "", nil); status != map[bool]int{true: 404, false: 401}[tc.token == ""] {
			t.Errorf("%s: /metrics without a token: %d", tc.name, status)
		}
		if tc.token != "" {
			if status, body := call(t, "GET", in.URL+"/metrics", tc.token, nil); status != http.StatusOK || !strings.Contains(string(body), "fugong_db_up 1") ||
				!strings.Contains(string(body), "fugong_db_write_failing 0") || !strings.Contains(string(body), "fugong_http_requests_total") {
				t.Errorf("%s: /metrics with the token: %d", tc.name, status)
			}
		}
		in.stop(t)
	}
	_, errOut, err := fugongCmd(t, envOf(map[string]string{"FUGONG_METRICS_TOKEN": "do-not-print"}), "", "serve", "-h")
	if err == nil || strings.Contains(errOut, "do-not-print") {
		t.Errorf("serve -h: %v, prints the token from the environment:\n%s", err, errOut)
	}
}
