package documents_test

import (
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The pages of the papers through a cookie session, as a browser posts
// them; the browser test in e2e drives the journey in Chromium.

// uiDay is a Monday morning of February 2020.
var uiDay = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)

func TestDocumentsPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		t.Run("who gets what", func(t *testing.T) { testDocumentsPageScope(t, e) })
		t.Run("enterprise page", func(t *testing.T) { testEnterprisePapers(t, e) })
		t.Run("missing documents page", func(t *testing.T) { testMissingDocumentsPage(t, e) })
	})
}

func testDocumentsPageScope(t *testing.T, e *webtest.Env) {
	tangA := "/enterprises/" + e.Ents["tangA"]
	for _, role := range webtest.Roles {
		b := e.BrowserLogin(t, role)
		home := string(b.Get(t, "/").Body)
		if got, want := strings.Contains(home, `href="/documents/missing"`), role != webtest.RoleClerk && role != webtest.RoleCheckpoint; got != want {
			t.Errorf("%s's menu offers 承诺书/预案: %v", role, got)
		}
	}
	// Who may record a paper is shown the form; who may not is not. The
	// section follows the enterprise's cadre.
	for role, want := range map[string]bool{
		webtest.RoleAdmin: true, webtest.RoleBureauStat: false, webtest.RoleBureauInsp: true, webtest.RoleTown: true, webtest.RoleCadre: true,
	} {
		page := string(e.BrowserLogin(t, role).Get(t, tangA).Body)
		cadre, papers := strings.Index(page, `id="cadre"`), strings.Index(page, `id="documents"`)
		if cadre < 0 || papers < cadre {
			t.Errorf("%s: the enterprise page lacks its papers after its cadre (%d, %d)", role, cadre, papers)
		}
		if got := strings.Contains(page, `action="`+tangA+`/documents"`); got != want {
			t.Errorf("%s: upload form shown %v", role, got)
		}
	}
}

func testEnterprisePapers(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleTown)
	path := "/enterprises/" + e.Ents["tangB"]
	page := b.Get(t, path)
	webtest.Contains(t, "before", page, "未上传", `<option value="commitment_letter" selected>`)
	csrf := webtest.CSRFOf(t, page.Body)

	// A bad upload shows the page again with the reason, nothing stored;
	// the other sections of the page are there as they are.
	r := b.Do(t, "POST", path+"/documents", webtest.Upload(t, "承诺书.pdf", "not a pdf", map[string]string{"csrf": csrf, "kind": "commitment_letter", "signed_on": "2020-02-09"}), nil)
	if r.Status != 400 {
		t.Fatalf("bad upload: %d", r.Status)
	}
	webtest.Contains(t, "refused upload", r, `data-field="file"`, "不是 PDF、JPEG、PNG 文件", `value="2020-02-09"`, "未上传",
		`id="cadre"`, "瑞安市塘下电器厂", `id="enterprise-modules"`)
	r = b.Do(t, "POST", path+"/documents", webtest.Upload(t, "承诺书.pdf", webtest.MinimalPDF, map[string]string{"csrf": csrf, "kind": "commitment_letter", "signed_on": "2020-02-09"}), nil)
	if r.Status != 303 || r.Header.Get("Location") != path+"?document=commitment_letter#documents" {
		t.Fatalf("upload: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	page = b.Get(t, r.Header.Get("Location"))
	webtest.Contains(t, "uploaded", page, `id="paperwork-done">疫情防控承诺书已上传。`, `href="/api/v1/files/`, ">承诺书.pdf</a>", "2020-02-09", "u-town",
		// The form now offers the plan, still missing.
		`<option value="prevention_plan" selected>`)
	// The link serves the file to the browser's session.
	i := strings.Index(string(page.Body), `href="/api/v1/files/`)
	link := string(page.Body[i+6:])
	link = link[:strings.IndexByte(link, '"')]
	if f := b.Get(t, link); f.Status != 200 || string(f.Body) != webtest.MinimalPDF {
		t.Errorf("GET %s: %d", link, f.Status)
	}
	r = b.Do(t, "POST", path+"/documents", webtest.Upload(t, "承诺书2.png", tinyPNG, map[string]string{"csrf": csrf, "kind": "commitment_letter"}), nil)
	webtest.Contains(t, "replaced", b.Get(t, r.Header.Get("Location")), ">承诺书2.png</a>", "此前上传 1 份", ">承诺书.pdf</a>")
	// Out of scope is not found, as in the API; not allowed is forbidden.
	if r := b.Do(t, "POST", "/enterprises/"+e.Ents["xianA"]+"/documents", webtest.Upload(t, "a.pdf", webtest.MinimalPDF, map[string]string{"csrf": csrf, "kind": "commitment_letter"}), nil); r.Status != 404 {
		t.Errorf("upload for xianA: %d", r.Status)
	}
	stat := e.BrowserLogin(t, webtest.RoleBureauStat)
	statCSRF := webtest.CSRFOf(t, stat.Get(t, path).Body)
	if r := stat.Do(t, "POST", path+"/documents", webtest.Upload(t, "a.pdf", "not a pdf", map[string]string{"csrf": statCSRF, "kind": "commitment_letter"}), nil); r.Status != 403 {
		t.Errorf("the statistics group uploads a bad file: %d, want 403 before the file is judged", r.Status)
	}
}

func testMissingDocumentsPage(t *testing.T, e *webtest.Env) {
	// tangB has a letter now (testEnterprisePapers); nobody has a plan.
	b := e.BrowserLogin(t, webtest.RoleTown)
	page := b.Get(t, "/documents/missing")
	webtest.Contains(t, "the town's list", page, `data-uscc="`+e.Ents["tangA"]+`"`, `data-uscc="`+e.Ents["tangB"]+`"`, "疫情防控预案", `id="document-towns"`)
	if strings.Contains(string(page.Body), e.Ents["xianA"]) {
		t.Error("the town sees xianA")
	}
	page = b.Get(t, "/documents/missing?kind=commitment_letter")
	if strings.Contains(string(page.Body), `data-uscc="`+e.Ents["tangB"]+`"`) || !strings.Contains(string(page.Body), `data-uscc="`+e.Ents["tangA"]+`"`) {
		t.Error("the letters' list shows tangB, which has one, or misses tangA")
	}
	webtest.Contains(t, "export link keeps the filter", page, `href="/documents/missing/export?kind=commitment_letter"`)
	r := b.Get(t, "/documents/missing/export?kind=commitment_letter&format=csv")
	if got := exportedCodes(t, r.Body); len(got) != 1 || got[0] != e.Ents["tangA"] {
		t.Errorf("export %v", got)
	}
	// The city's list has the towns' total.
	webtest.Contains(t, "the admin's list", e.BrowserLogin(t, webtest.RoleAdmin).Get(t, "/documents/missing"), "<tfoot><tr><th>合计</th><th class=\"num\">3</th>")
}

// TestCadreLosesPapers: the pairing is the cadre's scope, so unpairing
// takes the enterprise's papers out of their reach at once, and pairing
// back returns them.
func TestCadreLosesPapers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		code := e.Ents["tangA"]
		check := func(stage string, inReach bool) {
			t.Helper()
			for what, r := range map[string]webtest.Resp{
				"documents": e.As(t, webtest.RoleCadre, "GET", "/api/v1/enterprises/"+code+"/documents", webtest.Payload{}),
				"upload": e.As(t, webtest.RoleCadre, "POST", "/api/v1/enterprises/"+code+"/documents",
					webtest.Upload(t, "承诺书.pdf", webtest.MinimalPDF, map[string]string{"kind": "commitment_letter"})),
			} {
				if inReach && r.Status >= 400 || !inReach && r.Status != 404 {
					t.Errorf("%s: the cadre's %s: %d %.200s", stage, what, r.Status, r.Body)
				}
			}
		}
		check("paired", true)
		if r := e.As(t, webtest.RoleAdmin, "DELETE", "/api/v1/enterprises/"+code+"/cadre", webtest.Payload{}); r.Status != 204 {
			t.Fatalf("unpair: %d", r.Status)
		}
		check("unpaired", false)
		if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+code+"/cadre", webtest.JSON(map[string]string{"username": "u-cadre"})); r.Status != 200 {
			t.Fatalf("pair back: %d %s", r.Status, r.Body)
		}
		check("paired back", true)
	})
}
