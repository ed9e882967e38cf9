package documents_test

import (
	"testing"

	"fugong/documents"
	"fugong/store"
	"fugong/store/storetest"
	webdocuments "fugong/web/documents"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webdocuments.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webdocuments.New(e.Services.Documents), scopeCases)
	})
}

const (
	documentsRoute = "/api/v1/enterprises/{uscc}/documents"
	uploadPage     = "/enterprises/{uscc}/documents"
)

func letterUpload(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.Upload(t, "承诺书.pdf", webtest.MinimalPDF, map[string]string{"kind": documents.KindLetter, "signed_on": "2020-02-01"})
}

func textUpload(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.Upload(t, "承诺书.pdf", "我承诺", map[string]string{"kind": documents.KindLetter})
}

// scopeCases: the clerk, the town, the paired cadre, the prevention and
// inspection groups and the admin record an enterprise's papers; everyone
// who sees the enterprise reads them (and their files: web's scope matrix).
// The list of those missing is everyone's, each of their own scope.
//
// The pages follow the API: an upload from the enterprise's page that
// succeeds is a 303 back to it, one refused shows the page again with the
// status of the refusal.
var scopeCases = []webtest.ScopeCase{
	{Method: "POST", Route: documentsRoute, Target: "tangA", Body: letterUpload, Want: webtest.By(201, 403, 201, 201, 201, 404, 404)},
	{Method: "POST", Route: documentsRoute, Target: "tangB", Body: letterUpload, Want: webtest.By(201, 403, 201, 201, 404, 201, 404)},
	{Method: "POST", Route: documentsRoute, Target: "xianA", Body: letterUpload, Want: webtest.By(201, 403, 201, 404, 404, 404, 404)},
	{Method: "POST", Route: documentsRoute, Target: "tangA", Note: "text named .pdf", Body: textUpload, Want: webtest.By(400, 403, 400, 400, 400, 404, 404)},
	{Method: "GET", Route: documentsRoute, Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: documentsRoute, Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: documentsRoute, Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/documents/missing", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/documents/missing/export", Want: webtest.Every(200)},

	// The pages.
	{Method: "POST", Route: uploadPage, Target: "tangA", Body: letterUpload, Want: webtest.By(303, 403, 303, 303, 303, 404, 404)},
	{Method: "POST", Route: uploadPage, Target: "tangB", Body: letterUpload, Want: webtest.By(303, 403, 303, 303, 404, 303, 404)},
	{Method: "POST", Route: uploadPage, Target: "xianA", Body: letterUpload, Want: webtest.By(303, 403, 303, 404, 404, 404, 404)},
	{Method: "POST", Route: uploadPage, Target: "tangA", Note: "text named .pdf", Body: textUpload, Want: webtest.By(400, 403, 400, 400, 400, 404, 404)},
	{Method: "GET", Route: "/documents/missing", Want: webtest.Every(200)},
	// A filter that is not one is dropped, not refused.
	{Method: "GET", Route: "/documents/missing", Note: "kind=plan&town=北京", Want: webtest.Every(200),
		Path: func(*webtest.Env, string) string { return "/documents/missing?kind=plan&town=北京" }},
	{Method: "GET", Route: "/documents/missing/export", Want: webtest.Every(200)},
}
