package documents_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestLargeUploadsLeaveNoTempFiles: a file too large to keep in memory is
// spooled to a temporary file while parsed; it must be gone after the
// request, through the API as through the pages. (Not parallel: it points
// TMPDIR at a directory of its own.)
func TestLargeUploadsLeaveNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		pdf := webtest.MinimalPDF + strings.Repeat("%", 9<<20)
		path := "/api/v1/enterprises/" + e.Ents["tangB"] + "/documents"
		if r := e.As(t, webtest.RoleClerk, "POST", path, webtest.Upload(t, "承诺书.pdf", pdf, map[string]string{"kind": "commitment_letter"})); r.Status != 201 {
			t.Fatalf("API upload: %d %s", r.Status, r.Body)
		}
		b := e.BrowserLogin(t, webtest.RoleClerk)
		page := b.Get(t, "/enterprises/"+e.Ents["tangB"])
		form := map[string]string{"kind": "prevention_plan", "csrf": webtest.CSRFOf(t, page.Body)}
		if r := b.Do(t, "POST", "/enterprises/"+e.Ents["tangB"]+"/documents", webtest.Upload(t, "预案.pdf", pdf, form), nil); r.Status != 303 {
			t.Fatalf("page upload: %d %s", r.Status, r.Body)
		}
		left, err := filepath.Glob(filepath.Join(tmp, "multipart-*"))
		if err != nil || len(left) > 0 {
			t.Errorf("temporary upload files left behind: %v %v", left, err)
		}
		for _, f := range left {
			os.Remove(f)
		}
	})
}
