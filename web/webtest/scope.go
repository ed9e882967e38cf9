package webtest

import (
	"bytes"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"fugong/web"
)

// Update rewrites the golden files instead of comparing with them:
// go test ./web/supplies/ -run Scope -update.
var Update = flag.Bool("update", false, "rewrite the golden files (testdata/*.golden)")

// By lists the expected status per role, in Roles order:
// admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint.
func By(admin, bureauStat, bureauInsp, town, cadre, clerk, checkpoint int) map[string]int {
	return map[string]int{RoleAdmin: admin, RoleBureauStat: bureauStat, RoleBureauInsp: bureauInsp,
		RoleTown: town, RoleCadre: cadre, RoleClerk: clerk, RoleCheckpoint: checkpoint}
}

// Every is the same status for every role.
func Every(status int) map[string]int {
	return By(status, status, status, status, status, status, status)
}

// AdminOnly is the admin's pages: the admin gets ok, everyone else a 404
// that does not reveal they exist.
func AdminOnly(ok int) map[string]int { return By(ok, 404, 404, 404, 404, 404, 404) }

// CodeOf is the error code the API must give with each status.
var CodeOf = map[int]string{400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
	409: "conflict", 413: "too_large", 429: "rate_limited"}

// ScopeCase is one request every role makes, API route or page alike.
// Pages are requested with the role's bearer token (a page takes it as a
// browser's cookie, without the CSRF token a bearer token does not need),
// and are not followed: a redirect is its 303.
type ScopeCase struct {
	Method, Route string // exactly as in the module's Routes
	Target        string // fixture key for {uscc}
	Note          string
	Body          func(t *testing.T, e *Env, role string) Payload
	Fresh         bool // send with a throwaway session: the request ends it
	// As, if set, gives the token to send instead of the role's own: a
	// request that changes the caller's account (its password, its other
	// sessions) is sent by a twin of the role, so the fixture stays.
	As func(t *testing.T, e *Env, role string) string
	// Path, if set, gives each role its own path (its own day, say), so
	// one role's request does not decide what the next one gets.
	Path func(e *Env, role string) string
	// Setup, if set, runs once before the roles' requests.
	Setup func(t *testing.T, e *Env)
	Want  map[string]int
}

// Name is the case as tests and the golden file name it.
func (c ScopeCase) Name() string {
	n := c.Method + " " + c.Route
	if c.Target != "" {
		n += " " + c.Target
	}
	if c.Note != "" {
		n += " " + c.Note
	}
	return n
}

// Form is a form post's body.
func Form(v url.Values) Payload {
	return Payload{"application/x-www-form-urlencoded", []byte(v.Encode())}
}

// CheckScopeTable fails when a route of m has no case, a case names a
// route m does not serve, or a case lacks a role's status. It needs no
// server: run it on its own so a missing row is found at once.
func CheckScopeTable(t *testing.T, m web.Module, cases []ScopeCase) {
	t.Helper()
	routes := map[string]bool{}
	for _, rt := range m.Routes {
		routes[rt.Pattern()] = true
	}
	covered := map[string]bool{}
	for _, c := range cases {
		key := c.Method + " " + c.Route
		covered[key] = true
		if !routes[key] {
			t.Errorf("the scope cases have %q, which module %s does not serve", key, m.Name)
		}
		for _, role := range Roles {
			if _, ok := c.Want[role]; !ok {
				t.Errorf("%s: no expected status for role %s", c.Name(), role)
			}
		}
	}
	for _, rt := range m.Routes {
		if !covered[rt.Pattern()] {
			t.Errorf("route %q has no scope case: add what every role gets", rt.Pattern())
		}
	}
	CheckGolden(t, "testdata/routes.golden", ScopeGolden(cases))
}

// ScopeGolden is the scope matrix as text: one line per case with the
// status of each role, so that a changed route or status shows in review.
func ScopeGolden(cases []ScopeCase) []byte {
	var buf bytes.Buffer
	buf.WriteString("# The route-by-role scope matrix (webtest.CheckScope): the status each\n" +
		"# role gets. Regenerate with go test -run Scope -update after changing the cases.\n")
	tw := tabwriter.NewWriter(&buf, 0, 0, 1, ' ', 0)
	fmt.Fprintf(tw, "#\t\t\t%s\n", strings.Join(Roles, "\t"))
	for _, c := range cases {
		fmt.Fprintf(tw, "%s\t%s\t%s", c.Method, c.Route, strings.TrimSpace(c.Target+" "+c.Note))
		for _, role := range Roles {
			fmt.Fprintf(tw, "\t%d", c.Want[role])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	return buf.Bytes()
}

// CheckGolden compares got with the file at path (relative to the test's
// package), or rewrites the file with -update.
func CheckGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for _, l := range gl {
			if !slices.Contains(wl, l) {
				t.Errorf("%s lacks: %s", path, l)
			}
		}
		for _, l := range wl {
			if !slices.Contains(gl, l) {
				t.Errorf("%s has, no longer served or expected: %s", path, l)
			}
		}
		t.Errorf("%s is out of date: review the lines above, then run the test with -update", path)
	}
}

// CheckScope walks module m's routes: without a session each API route
// answers 401 and each page sends to the login page; then every case is
// requested by every role and must answer its status (an API error with
// the code of the status).
func CheckScope(t *testing.T, e *Env, m web.Module, cases []ScopeCase) {
	t.Run("no session", func(t *testing.T) {
		for _, rt := range m.Routes {
			path := e.PathFor(rt.Path, "tangA")
			for _, token := range []string{"", "not-a-token"} {
				r := e.Call(t, rt.Method, path, token, RawJSON(`{}`))
				switch rt.Kind() {
				case "api":
					if r.Status != 401 || r.Err(t).Error.Code != "unauthorized" {
						t.Errorf("%s token=%q: status %d, want 401 unauthorized: %.300s", rt.Pattern(), token, r.Status, r.Body)
					}
				case "page":
					if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
						t.Errorf("%s token=%q: status %d to %q, want 303 to the login page", rt.Pattern(), token, r.Status, r.Header.Get("Location"))
					}
				}
			}
		}
	})
	kinds := map[string]string{}
	for _, rt := range m.Routes {
		kinds[rt.Pattern()] = rt.Kind()
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			if c.Setup != nil {
				c.Setup(t, e)
			}
			for _, role := range Roles {
				token := e.Tokens[role]
				if c.Fresh {
					token = e.Login(t, e.Users[role].Username, Password)
				}
				if c.As != nil {
					token = c.As(t, e, role)
				}
				body := Payload{}
				if c.Body != nil {
					body = c.Body(t, e, role)
				}
				path := e.PathFor(c.Route, c.Target)
				if c.Path != nil {
					path = c.Path(e, role)
				}
				r := e.Call(t, c.Method, path, token, body)
				if r.Status != c.Want[role] {
					t.Errorf("%s: status %d, want %d: %.300s", role, r.Status, c.Want[role], r.Body)
					continue
				}
				if code, isErr := CodeOf[r.Status]; isErr && kinds[c.Method+" "+c.Route] == "api" {
					if got := r.Err(t).Error.Code; got != code {
						t.Errorf("%s: error code %q, want %q", role, got, code)
					}
				}
			}
		})
	}
}

// Contains fails the test for each of want the response body lacks.
func Contains(t *testing.T, what string, r Resp, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.Body), w) {
			t.Errorf("%s: the page (HTTP %d) lacks %q", what, r.Status, w)
		}
	}
}

// Codes is the USCCs of the fixture keys, sorted.
func (e *Env) Codes(keys []string) []string {
	out := []string{}
	for _, k := range keys {
		out = append(out, e.Ents[k])
	}
	slices.Sort(out)
	return out
}
