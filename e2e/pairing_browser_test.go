package e2e

// Pairing and papers in the browser: the town official finds the firms of
// the town without a cadre, pairs one with a cadre from the list, opens the
// firm's page and uploads its signed commitment letter (a text file named
// .pdf first, refused by its bytes); the list of firms missing a letter
// shrinks by one. The cadre then logs in and sees that one firm only.

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	cadreUser     = "tx-ganbu"
	cadrePassword = "ganbu-2020-feb"
)

func TestBrowserPairingAndLetters(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		addUser(t, db, account.User{Username: cadreUser, DisplayName: "吴斌", Role: fugong.RoleCadre}, cadrePassword)
		ctx := newBrowser(t, exe)
		pairingScenario(t, ctx, srv.URL, fx)
	})
}

// rows counts the rows of a table body now.
func (b browser) rows(table string) int {
	b.t.Helper()
	return len(b.texts(table + " tbody tr"))
}

func pairingScenario(t *testing.T, ctx context.Context, base string, fx fixtures) {
	start := time.Now()
	shots := screenshotDir(t)
	b := browser{t: t, ctx: ctx, base: base}
	cons := watchConsole(ctx)
	firm := fx.tangxia[tangxiaNames[1]]
	dir := t.TempDir()
	letter := filepath.Join(dir, "承诺书.pdf")
	fake := filepath.Join(dir, "假承诺书.pdf")
	if err := os.WriteFile(letter, []byte("%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fake, []byte("本企业承诺落实疫情防控主体责任"), 0o644); err != nil {
		t.Fatal(err)
	}

	b.login(townUser, townPassword)
	if nav := b.texts("#side-menu a"); !containsAll(nav, "结对管理", "承诺书/预案") {
		t.Errorf("the town's menu %q lacks 结对管理 or 承诺书/预案", nav)
	}

	// Before: no firm of 塘下 has its letter.
	b.expectStatus("missing letters", b.navigate("/documents/missing?kind=commitment_letter"), http.StatusOK)
	if n := b.rows("#missing-documents"); n != len(tangxiaNames) {
		t.Fatalf("%d firms missing a letter, want the town's %d", n, len(tangxiaNames))
	}

	// The town pairs a firm from the list of those without a cadre.
	b.expectStatus("结对管理", b.navigate("/pairings"), http.StatusOK)
	if n := b.rows("#unpaired"); n != len(tangxiaNames) {
		t.Fatalf("%d firms without a cadre, want %d", n, len(tangxiaNames))
	}
	row := `#unpaired tr[data-uscc="` + firm + `"]`
	b.typeInto(row+` input[name="username"]`, cadreUser)
	b.screenshot(shots, "pairings")
	b.expectStatus("pair", b.load("click 结对", chromedp.Click(chromedp.CSS(row+` button`))), http.StatusOK)
	if d := b.text("#done"); !strings.Contains(d, tangxiaNames[1]) {
		t.Errorf("after pairing the page says %q", d)
	}
	if n := b.rows("#unpaired"); n != len(tangxiaNames)-1 {
		t.Errorf("%d firms without a cadre after pairing one, want %d", n, len(tangxiaNames)-1)
	}
	if u := b.text(`#pairing-towns tr[data-town="` + townTangxia + `"] td.unpaired`); u != strconv.Itoa(len(tangxiaNames)-1) {
		t.Errorf("塘下's count of unpaired firms %q", u)
	}

	// On the firm's page: its cadre, and no letter yet.
	b.expectStatus("the firm's page", b.navigate("/enterprises/"+firm), http.StatusOK)
	if c := b.text("#cadre .cadre-now"); !strings.Contains(c, "吴斌") {
		t.Errorf("the firm's cadre: %q", c)
	}
	if k := b.value(`#documents select[name="kind"]`); k != "commitment_letter" {
		t.Errorf("the form offers %q first, want the missing letter", k)
	}
	// A text file named .pdf is refused by its bytes, next to the field.
	b.do("choose the fake", chromedp.SetUploadFiles(chromedp.CSS(`#documents input[type="file"]`), []string{fake}))
	b.expectStatus("upload the fake", b.load("click 上传", chromedp.Click(chromedp.CSS(`#documents form.upload button`))), http.StatusBadRequest)
	if e := b.text(`#documents [data-field="file"]`); !strings.Contains(e, "不是 PDF") {
		t.Errorf("the refusal says %q", e)
	}
	// The real letter.
	b.do("choose the letter", chromedp.SetUploadFiles(chromedp.CSS(`#documents input[type="file"]`), []string{letter}))
	b.expectStatus("upload the letter", b.load("click 上传", chromedp.Click(chromedp.CSS(`#documents form.upload button`))), http.StatusOK)
	if d := b.text("#paperwork-done"); d != "疫情防控承诺书已上传。" {
		t.Errorf("after the upload the page says %q", d)
	}
	if f := b.text(`#documents tr[data-kind="commitment_letter"] a.file`); f != "承诺书.pdf" {
		t.Errorf("the letter's link %q", f)
	}
	got := eval[string](b, "fetch the letter", `fetch(document.querySelector('#documents tr[data-kind="commitment_letter"] a.file').href)
		.then(r => r.status + " " + r.headers.get("Content-Type"))`, chromedp.EvalAwaitPromise)
	if got != "200 application/pdf" {
		t.Errorf("the letter's file: %s", got)
	}
	b.screenshot(shots, "firm-papers")

	// The list of firms missing a letter has shrunk by one.
	b.expectStatus("missing letters again", b.navigate("/documents/missing?kind=commitment_letter"), http.StatusOK)
	if n := b.rows("#missing-documents"); n != len(tangxiaNames)-1 {
		t.Errorf("%d firms missing a letter after the upload, want %d", n, len(tangxiaNames)-1)
	}
	if strings.Contains(strings.Join(b.texts("#missing-documents td"), " "), tangxiaNames[1]) {
		t.Error("the firm whose letter was uploaded is still listed")
	}
	if c := b.text(`#document-towns tr[data-town="` + townTangxia + `"] td.missing`); c != strconv.Itoa(len(tangxiaNames)-1) {
		t.Errorf("塘下's count %q", c)
	}
	b.screenshot(shots, "missing-letters")
	if p := consoleProblems(cons); len(p) > 0 {
		t.Errorf("console: %q", p)
	}

	// The cadre, on a phone, sees the one firm paired with them.
	cadre := browser{t: t, ctx: newTab(t, ctx, 375, 812, true), base: base}
	cadre.login(cadreUser, cadrePassword)
	cadre.expectStatus("the cadre's firms", cadre.navigate("/enterprises"), http.StatusOK)
	if names := cadre.texts("main table tbody td a"); len(names) != 1 || names[0] != tangxiaNames[1] {
		t.Errorf("the cadre's firms %q", names)
	}
	cadre.expectStatus("another firm", cadre.navigate("/enterprises/"+fx.tangxia[tangxiaNames[0]]), http.StatusNotFound)
	t.Logf("scenario took %v", time.Since(start).Round(time.Millisecond))
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}
