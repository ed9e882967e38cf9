package wiring_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"fugong/cmd/fugong/wiring"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web"
	"fugong/web/webtest"
)

// The whole-server tests: what only the assembled server can tell.

// server is the whole server without a database, to read its routes and
// its OpenAPI document.
func server(t *testing.T) *web.Server {
	t.Helper()
	s, err := wiring.Handler(wiring.Services{}, wiring.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRoutes keeps testdata/routes.golden: every route served, its kind
// and the module serving it, so that a route added, moved or gone shows
// in review. Regenerate with go test ./cmd/fugong/wiring/ -run Routes -update.
func TestRoutes(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("# Every route of the server: kind (api, page, raw = public) and module.\n" +
		"# Each module's statuses per role are in web/MODULE/testdata/routes.golden.\n")
	tw := tabwriter.NewWriter(&buf, 0, 0, 1, ' ', 0)
	for _, rt := range server(t).Routes() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", rt.Method, rt.Path, rt.Kind(), rt.Module())
	}
	tw.Flush()
	webtest.CheckGolden(t, "testdata/routes.golden", buf.Bytes())
}

// TestModulesHaveScopeMatrix: every route of a module of its own package
// is a row of that package's scope matrix (its testdata/routes.golden,
// kept by webtest.CheckScopeTable), pages as well as the API.
func TestModulesHaveScopeMatrix(t *testing.T) {
	for _, m := range wiring.Modules(wiring.Services{}) {
		golden, err := os.ReadFile(filepath.Join("..", "..", "..", "web", m.Name, "testdata", "routes.golden"))
		if err != nil {
			t.Errorf("module %s: %v: its tests must call webtest.CheckScopeTable", m.Name, err)
			continue
		}
		rows := map[string]bool{}
		for _, line := range strings.Split(string(golden), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && !strings.HasPrefix(line, "#") {
				rows[f[0]+" "+f[1]] = true
			}
		}
		for _, rt := range m.Routes {
			if !rows[rt.Pattern()] {
				t.Errorf("module %s: %s has no row in its scope matrix", m.Name, rt.Pattern())
			}
		}
	}
}

// TestOpenAPIMatchesRoutes keeps the merged openapi.json true: it
// documents exactly the API routes of the kit and of every module, and
// every $ref resolves. (The one check of the document: the kit's own
// routes are in it.)
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := server(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	e := &webtest.Env{Server: srv}
	r := e.Call(t, "GET", "/api/v1/openapi.json", "", webtest.Payload{})
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", r.Status, r.Header.Get("Content-Type"))
	}
	var doc map[string]any
	r.Decode(t, &doc)
	documented := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	served := map[string]bool{}
	for _, rt := range s.Routes() {
		if strings.HasPrefix(rt.Path, "/api/") {
			served[rt.Pattern()] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(served)) {
		if !documented[k] {
			t.Errorf("%s is served but not in openapi.json", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(documented)) {
		if !served[k] {
			t.Errorf("%s is in openapi.json but not served", k)
		}
	}
	// Every $ref resolves: a module's fragment may use the shared schemas.
	var walk func(at string, v any)
	refs := 0
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if !strings.HasPrefix(ref, "#/components/") || resolve(doc, strings.TrimPrefix(ref, "#/")) == nil {
					t.Errorf("%s: $ref %q does not resolve inside components", at, ref)
				}
			}
			for k, child := range v {
				walk(at+"/"+k, child)
			}
		case []any:
			for i, child := range v {
				walk(fmt.Sprintf("%s/%d", at, i), child)
			}
		}
	}
	walk("", doc)
	if refs == 0 {
		t.Error("openapi.json has no $ref at all: the walk is broken")
	}
}

// resolve follows a JSON pointer ("components/schemas/X") in doc.
func resolve(doc any, ptr string) any {
	cur := doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[tok]; !ok {
			return nil
		}
	}
	return cur
}

// TestDuplicateRouteFailsStart: two modules serving one route is an error
// at start, not a silent override.
func TestDuplicateRouteFailsStart(t *testing.T) {
	ms := wiring.Modules(wiring.Services{})
	dup := ms[0]
	dup.Name, dup.OpenAPI = "again", nil
	if _, err := web.New(web.Deps{Logger: slog.New(slog.DiscardHandler)}, append(ms, dup)...); err == nil {
		t.Error("a route served twice was accepted")
	}
}

// TestHugePageNumbers: a page number too large to exist is an empty page or
// a clear refusal on every list, never an internal error (PostgreSQL refuses
// the negative OFFSET an overflow would make).
func TestHugePageNumbers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		firm := e.Ents["tangA"]
		for _, path := range []string{"/api/v1/enterprises", "/api/v1/audit", "/api/v1/reports/missing", "/api/v1/rectifications",
			"/api/v1/pairings/unpaired", "/api/v1/documents/missing", "/api/v1/tickets", "/api/v1/supplies/shortages",
			"/api/v1/supplies/undeclared", "/api/v1/supplies/allocations", "/api/v1/supplies/receipts", "/api/v1/production/enterprises",
			"/api/v1/resumption-applications", "/api/v1/production/essential", "/api/v1/enterprises/" + firm + "/visits",
			"/api/v1/enterprises/" + firm + "/supplies/history", "/api/v1/enterprises/" + firm + "/production"} {
			r := e.As(t, webtest.RoleAdmin, "GET", path+"?page=9223372036854775807&per_page=50", webtest.Payload{})
			if r.Status != 200 && r.Status != 400 {
				t.Errorf("%s: %d %s", path, r.Status, r.Body)
			}
		}
	})
}
