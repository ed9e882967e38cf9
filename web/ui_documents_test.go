package web

import (
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// The pages of M3's documents (the commitment letter and the prevention
// plan): who gets which, the upload from an enterprise's page and the list
// of enterprises missing either. (The pairing pages are web/pairing's.)

func TestDocumentsPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, uiDay)
		t.Run("scope", func(t *testing.T) { testDocumentsPageScope(t, e) })
		t.Run("enterprise page", func(t *testing.T) { testEnterpriseDocuments(t, e) })
		t.Run("missing documents page", func(t *testing.T) { testMissingDocumentsPage(t, e) })
	})
}

func testDocumentsPageScope(t *testing.T, e *testEnv) {
	pages := []struct {
		path string
		want map[string]int
	}{
		{"/documents/missing", every(200)},
		{"/documents/missing?kind=prevention_plan&town=仙降", every(200)},
		{"/documents/missing/export", every(200)},
	}
	for _, role := range fixtureRoles {
		b := e.browserLogin(t, role)
		for _, p := range pages {
			if r := b.get(t, p.path); r.status != p.want[role] {
				t.Errorf("%s GET %s: %d, want %d", role, p.path, r.status, p.want[role])
			}
		}
		home := string(b.get(t, "/").body)
		if got, want := strings.Contains(home, `href="/documents/missing"`), role != roleClerk && role != roleCheckpoint; got != want {
			t.Errorf("%s's menu offers 承诺书/预案: %v", role, got)
		}
	}
	// Who may upload is shown the form; who may not is not.
	tangA := "/enterprises/" + e.ents["tangA"]
	for role, want := range map[string]bool{roleAdmin: true, roleBureauStat: false, roleBureauInsp: true, roleTown: true, roleCadre: true} {
		page := string(e.browserLogin(t, role).get(t, tangA).body)
		if !strings.Contains(page, `id="cadre"`) || !strings.Contains(page, `id="documents"`) {
			t.Errorf("%s: the enterprise page lacks its cadre or documents", role)
		}
		if got := strings.Contains(page, `action="`+tangA+`/documents"`); got != want {
			t.Errorf("%s: upload form shown %v", role, got)
		}
	}
}

func testEnterpriseDocuments(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleTown)
	path := "/enterprises/" + e.ents["tangB"]
	page := b.get(t, path)
	contains(t, "before", page, "未上传")
	csrf := csrfOf(t, page.body)

	// Uploads: a bad one shows the form again with the reason, nothing stored.
	r := b.do(t, "POST", path+"/documents", upload(t, "承诺书.pdf", "not a pdf", map[string]string{"csrf": csrf, "kind": "commitment_letter", "signed_on": "2020-02-09"}), nil)
	if r.status != 400 {
		t.Fatalf("bad upload: %d", r.status)
	}
	contains(t, "refused upload", r, `data-field="file"`, "不是 PDF、JPEG、PNG 文件", `value="2020-02-09"`, "未上传")
	r = b.do(t, "POST", path+"/documents", upload(t, "承诺书.pdf", minimalPDF, map[string]string{"csrf": csrf, "kind": "commitment_letter", "signed_on": "2020-02-09"}), nil)
	if r.status != 303 || r.header.Get("Location") != path+"?document=commitment_letter#documents" {
		t.Fatalf("upload: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	page = b.get(t, r.header.Get("Location"))
	contains(t, "uploaded", page, "疫情防控承诺书已上传", `href="/api/v1/files/`, ">承诺书.pdf</a>", "2020-02-09", "u-town")
	// The link serves the file to the browser's session.
	i := strings.Index(string(page.body), `href="/api/v1/files/`)
	link := string(page.body[i+6:])
	link = link[:strings.IndexByte(link, '"')]
	if f := b.get(t, link); f.status != 200 || string(f.body) != minimalPDF {
		t.Errorf("GET %s: %d", link, f.status)
	}
	r = b.do(t, "POST", path+"/documents", upload(t, "承诺书2.png", tinyPNG, map[string]string{"csrf": csrf, "kind": "commitment_letter"}), nil)
	contains(t, "replaced", b.get(t, r.header.Get("Location")), ">承诺书2.png</a>", "此前上传 1 份", ">承诺书.pdf</a>")
	// Out of scope is not found, as in the API.
	if r := b.do(t, "POST", "/enterprises/"+e.ents["xianA"]+"/documents", upload(t, "a.pdf", minimalPDF, map[string]string{"csrf": csrf, "kind": "commitment_letter"}), nil); r.status != 404 {
		t.Errorf("upload for xianA: %d", r.status)
	}
}

func testMissingDocumentsPage(t *testing.T, e *testEnv) {
	// tangB has a letter now (testEnterpriseDocuments); nobody has a plan.
	b := e.browserLogin(t, roleTown)
	page := b.get(t, "/documents/missing")
	contains(t, "the town's list", page, `data-uscc="`+e.ents["tangA"]+`"`, `data-uscc="`+e.ents["tangB"]+`"`, "疫情防控预案", `id="document-towns"`)
	if strings.Contains(string(page.body), e.ents["xianA"]) {
		t.Error("the town sees xianA")
	}
	page = b.get(t, "/documents/missing?kind=commitment_letter")
	if strings.Contains(string(page.body), `data-uscc="`+e.ents["tangB"]+`"`) || !strings.Contains(string(page.body), `data-uscc="`+e.ents["tangA"]+`"`) {
		t.Error("the letters' list shows tangB, which has one, or misses tangA")
	}
	contains(t, "export link keeps the filter", page, `href="/documents/missing/export?kind=commitment_letter"`)
	r := b.get(t, "/documents/missing/export?kind=commitment_letter&format=csv")
	if got := exportedCodes(t, r.body); len(got) != 1 || got[0] != e.ents["tangA"] {
		t.Errorf("export %v", got)
	}
}
