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

const documentsRoute = "/api/v1/enterprises/{uscc}/documents"

func letterUpload(t *testing.T, e *testEnv, role string) payload {
	return upload(t, "承诺书.pdf", minimalPDF, map[string]string{"kind": documents.KindLetter, "signed_on": "2020-02-01"})
}

// storedFiles remembers, per environment and fixture enterprise, the file
// of a document recorded for it.
type storedFiles struct {
	mu  sync.Mutex
	ids map[*testEnv]map[string]int64
}

var documentFiles storedFiles

func (s *storedFiles) setup(key string) func(*testing.T, *testEnv) {
	return func(t *testing.T, e *testEnv) {
		t.Helper()
		d, err := e.deps.Documents.Add(context.Background(), fugong.System, e.ents[key], documents.Upload{
			Kind: documents.KindPlan, File: files.Upload{Name: "预案.pdf", Data: []byte(minimalPDF)}})
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

// documentsScopeCases: the clerk, the town, the paired cadre, the
// prevention and inspection groups and the admin record an enterprise's
// papers; everyone who sees the enterprise reads them and their files.
var documentsScopeCases = []scopeCase{
	{method: "POST", route: documentsRoute, target: "tangA", body: letterUpload, want: by(201, 403, 201, 201, 201, 404, 404)},
	{method: "POST", route: documentsRoute, target: "tangB", body: letterUpload, want: by(201, 403, 201, 201, 404, 201, 404)},
	{method: "POST", route: documentsRoute, target: "xianA", body: letterUpload, want: by(201, 403, 201, 404, 404, 404, 404)},
	{method: "POST", route: documentsRoute, target: "tangA", note: "text named .pdf", want: by(400, 403, 400, 400, 400, 404, 404),
		body: func(t *testing.T, e *testEnv, role string) payload {
			return upload(t, "承诺书.pdf", "我承诺", map[string]string{"kind": documents.KindLetter})
		}},
	{method: "GET", route: documentsRoute, target: "tangA", want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: documentsRoute, target: "tangB", want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: documentsRoute, target: "xianA", want: by(200, 200, 200, 404, 404, 404, 404)},
	{method: "GET", route: "/api/v1/documents/missing", want: every(200)},
	{method: "GET", route: "/api/v1/documents/missing/export", want: every(200)},
	{method: "GET", route: "/api/v1/files/{id}", target: "tangA", setup: documentFiles.setup("tangA"), path: documentFiles.path("tangA"), want: by(200, 200, 200, 200, 200, 404, 404)},
	{method: "GET", route: "/api/v1/files/{id}", target: "tangB", setup: documentFiles.setup("tangB"), path: documentFiles.path("tangB"), want: by(200, 200, 200, 200, 404, 200, 404)},
	{method: "GET", route: "/api/v1/files/{id}", target: "xianA", setup: documentFiles.setup("xianA"), path: documentFiles.path("xianA"), want: by(200, 200, 200, 404, 404, 404, 404)},
}
