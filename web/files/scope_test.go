package files_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"fugong"
	"fugong/documents"
	"fugong/files"
	"fugong/store"
	"fugong/store/storetest"
	webfiles "fugong/web/files"
	"fugong/web/webtest"
)

// TestScopeTable: the files' route has its rows below, and
// testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webfiles.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webfiles.New(e.DB), scopeCases)
	})
}

// scopeCases: everyone who sees the enterprise reads its files (the
// papers' scope is web/documents').
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: "/api/v1/files/{id}", Target: "tangA", Setup: documentFiles.setup("tangA"), Path: documentFiles.path("tangA"), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/api/v1/files/{id}", Target: "tangB", Setup: documentFiles.setup("tangB"), Path: documentFiles.path("tangB"), Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: "/api/v1/files/{id}", Target: "xianA", Setup: documentFiles.setup("xianA"), Path: documentFiles.path("xianA"), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/files/{id}", Note: "not a number", Want: webtest.Every(404),
		Path: func(*webtest.Env, string) string { return "/api/v1/files/x" }},
}

// storedFiles is the file of each fixture enterprise, in each environment,
// stored for it (a prevention plan, stored as the documents module would).
type storedFiles struct {
	mu  sync.Mutex
	ids map[*webtest.Env]map[string]int64
}

var documentFiles storedFiles

func (s *storedFiles) setup(key string) func(*testing.T, *webtest.Env) {
	return func(t *testing.T, e *webtest.Env) {
		t.Helper()
		d, err := e.DB.AddDocument(context.Background(), fugong.System, e.Ents[key], documents.Upload{
			Kind: documents.KindPlan, File: files.Upload{Name: "预案.pdf", Data: []byte(webtest.MinimalPDF)}, ContentType: files.PDF})
		if err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.ids == nil {
			s.ids = map[*webtest.Env]map[string]int64{}
		}
		if s.ids[e] == nil {
			s.ids[e] = map[string]int64{}
		}
		s.ids[e][key] = d.File.ID
	}
}

func (s *storedFiles) path(key string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return "/api/v1/files/" + strconv.FormatInt(s.ids[e][key], 10)
	}
}
