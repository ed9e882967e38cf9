package web

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"fugong"
	"fugong/documents"
	"fugong/files"
)

// storedFiles remembers, per environment and fixture enterprise, a file
// stored for it (a prevention plan, stored as the documents module would).
type storedFiles struct {
	mu  sync.Mutex
	ids map[*testEnv]map[string]int64
}

var documentFiles storedFiles

func (s *storedFiles) setup(key string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		t.Helper()
		d, err := e.db.AddDocument(context.Background(), fugong.System, e.ents[key], documents.Upload{
			Kind: documents.KindPlan, File: files.Upload{Name: "预案.pdf", Data: []byte(minimalPDF)}, ContentType: files.PDF})
		if err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.ids == nil {
			s.ids = map[*testEnv]map[string]int64{}
		}
		if s.ids[e] == nil {
			s.ids[e] = map[string]int64{}
		}
		s.ids[e][key] = d.File.ID
	}
}

func (s *storedFiles) path(key string) func(*testEnv, string) string {
	return func(e *testEnv, role string) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return "/api/v1/files/" + strconv.FormatInt(s.ids[e][key], 10)
	}
}

// filesScopeCases: everyone who sees the enterprise reads its files (the
// papers' scope is web/documents').
var filesScopeCases = []scopeCase{
	{method: "GET", route: "/api/v1/files/{id}", target: "tangA", setup: documentFiles.setup("tangA"), path: documentFiles.path("tangA"), want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: "/api/v1/files/{id}", target: "tangB", setup: documentFiles.setup("tangB"), path: documentFiles.path("tangB"), want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: "/api/v1/files/{id}", target: "xianA", setup: documentFiles.setup("xianA"), path: documentFiles.path("xianA"), want: by(200, 200, 200, 404, 404, 404, 404)},
}
