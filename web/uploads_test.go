package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// TestLargeUploadsLeaveNoTempFiles: a file too large to keep in memory is
// spooled to a temporary file while parsed; it must be gone after the
// request, through the API as through the pages. (Not parallel: it points
// TMPDIR at a directory of its own.)
func TestLargeUploadsLeaveNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		pdf := minimalPDF + strings.Repeat("%", 9<<20)
		path := "/api/v1/enterprises/" + e.ents["tangB"] + "/documents"
		if r := e.as(t, roleClerk, "POST", path, upload(t, "承诺书.pdf", pdf, map[string]string{"kind": "commitment_letter"})); r.status != 201 {
			t.Fatalf("API upload: %d %s", r.status, r.body)
		}
		b := e.browserLogin(t, roleClerk)
		page := b.get(t, "/enterprises/"+e.ents["tangB"])
		form := map[string]string{"kind": "prevention_plan", "csrf": csrfOf(t, page.body)}
		if r := b.do(t, "POST", "/enterprises/"+e.ents["tangB"]+"/documents", upload(t, "预案.pdf", pdf, form), nil); r.status != 303 {
			t.Fatalf("page upload: %d %s", r.status, r.body)
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
