package e2e

// An inspection at the factory gate, on a phone: the inspection group's
// inspector finds the enterprise, opens the 六必查 form, forgets one item
// and is told which, fails one item with a note and a photo taken on the
// spot, and submits; the rectification appears in the list with its due
// day. The enterprise's clerk, on a phone too, rectifies it with a note;
// the inspector verifies it.

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/cmd/fugong/wiring"
	"fugong/inspect"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	inspectorUser     = "ducha-lin"
	inspectorPassword = "ducha-2020-feb"
	firmClerkUser     = "tx-firm-clerk"
	firmClerkPassword = "firm-2020-feb"
)

func TestBrowserInspection(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		firm := fx.tangxia[tangxiaNames[1]]
		addUser(t, db, account.User{Username: inspectorUser, DisplayName: "林晓峰", Role: fugong.RoleBureau, Group: fugong.GroupInspection}, inspectorPassword)
		addUser(t, db, account.User{Username: firmClerkUser, DisplayName: "陈会计", Role: fugong.RoleEnterprise, Enterprise: firm}, firmClerkPassword)
		ctx := newBrowser(t, exe)
		inspectScenario(t, ctx, srv.URL, db, firm)
	})
}

// minimalJPEG is a 1×1 JPEG, as a phone's camera would hand the browser a file.
var minimalJPEG = []byte{
	0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0xFF, 0xDB, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0A, 0x0C,
	0x14, 0x0D, 0x0C, 0x0B, 0x0B, 0x0C, 0x19, 0x12, 0x13, 0x0F, 0x14, 0x1D, 0x1A, 0x1F, 0x1E, 0x1D, 0x1A, 0x1C, 0x1C, 0x20,
	0x24, 0x2E, 0x27, 0x20, 0x22, 0x2C, 0x23, 0x1C, 0x1C, 0x28, 0x37, 0x29, 0x2C, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1F, 0x27,
	0x39, 0x3D, 0x38, 0x32, 0x3C, 0x2E, 0x33, 0x34, 0x32, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01,
	0x11, 0x00, 0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x2A, 0x9F,
	0xFF, 0xD9,
}

var visitPath = regexp.MustCompile(`^/visits/(\d+)\?saved=1$`)

func inspectScenario(t *testing.T, ctx context.Context, base string, db *store.DB, firm string) {
	start := time.Now()
	shots := screenshotDir(t)
	photo := filepath.Join(t.TempDir(), "门卫.jpg")
	if err := os.WriteFile(photo, minimalJPEG, 0o644); err != nil {
		t.Fatal(err)
	}

	inspCtx := newTab(t, ctx, 375, 812, true)
	insp := browser{t: t, ctx: inspCtx, base: base}
	inspConsole := watchConsole(inspCtx)
	insp.login(inspectorUser, inspectorPassword)
	if nav := insp.texts("#side-menu a"); !slices.Contains(nav, "督导检查") {
		t.Errorf("the inspector's menu %q lacks 督导检查", nav)
	}
	insp.expectStatus("open 督导检查", insp.load("click 督导检查", menuLink("/rectifications")), http.StatusOK)
	if s := insp.texts("#rect-stats .stat b"); !slices.Equal(s, []string{"0", "0", "0", "0"}) {
		t.Errorf("the counts before any visit: %q", s)
	}

	// At the gate: find the firm by name, open its inspections, start 六必查.
	insp.typeInto(`form.find-firm input[name="q"]`, "罗凤电器")
	insp.expectStatus("find the firm", insp.load("search", chromedp.Click(chromedp.CSS(`form.find-firm button`))), http.StatusOK)
	insp.expectStatus("open the firm", insp.load("click the firm", chromedp.Click(chromedp.CSS(`a[href="/enterprises/`+firm+`"]`))), http.StatusOK)
	insp.expectStatus("its inspections", insp.load("click 督导检查", chromedp.Click(chromedp.CSS(`.actions a[href="/enterprises/`+firm+`/visits"]`))), http.StatusOK)
	insp.expectStatus("start 六必查", insp.load("click 六必查", chromedp.Click(chromedp.CSS(`.start-visit a[href$="checklist=2"]`))), http.StatusOK)
	if items := insp.texts("fieldset.item legend"); len(items) != 6 || !strings.Contains(items[0], "一查企业员工口罩佩戴到位情况") {
		t.Fatalf("the form's items %q", items)
	}
	if v := insp.value(`input[name="inspectors"]`); v != "林晓峰" {
		t.Errorf("inspectors prefilled %q, want the user 林晓峰", v)
	}
	if n := eval[int](insp, "preselected", `document.querySelectorAll('input[type=radio]:checked').length`); n != 0 {
		t.Errorf("%d answers preselected: every item must be looked at", n)
	}
	// Big enough to tap with a thumb, and the page does not scroll sideways.
	if h := eval[float64](insp, "tap target", `document.querySelector('label.r').getBoundingClientRect().height`); h < 44 {
		t.Errorf("a pass/fail/na button is %.0fpx high, want at least 44", h)
	}
	if c := eval[string](insp, "capture", `document.querySelector('input[name="photo.7"]').getAttribute("capture")`); c != "environment" {
		t.Errorf("the photo input's capture %q, want environment (the back camera)", c)
	}
	insp.fitsWidth("the visit form")
	insp.screenshot(shots, "inspector-form")

	// Every item passes but 一查 (masks) fails and 六查 is forgotten; the
	// browser would refuse an unanswered group, so the check is the server's.
	for id := 8; id <= 11; id++ {
		insp.do("tap 合格", chromedp.Click(chromedp.CSS(`label.r-pass:has(input[name="result.`+strconv.Itoa(id)+`"])`)))
	}
	insp.do("tap 不合格", chromedp.Click(chromedp.CSS(`label.r-fail:has(input[name="result.7"])`)))
	insp.do("note", chromedp.SendKeys(chromedp.CSS(`input[name="note.7"]`), "门卫未佩戴口罩"))
	// The rectification's owner is the inspector's choice; its due date
	// stays the suggestion the form filled in.
	if v := insp.value(`input[name="owner.7"]`); v == "" {
		t.Error("the form suggests no owner for 一查's rectification")
	}
	insp.do("choose the owner", chromedp.SetValue(chromedp.CSS(`input[name="owner.7"]`), "保安队长 李强"))
	insp.do("take a photo", chromedp.SetUploadFiles(chromedp.CSS(`input[name="photo.7"]`), []string{photo}))
	insp.do("skip the browser's check", chromedp.Evaluate[chromedp.Void](`document.querySelector("form.visit").noValidate = true`))
	resp := insp.load("submit", chromedp.Click(chromedp.CSS(`form.visit button[type="submit"]`)))
	insp.expectStatus("a visit with an item unanswered", resp, http.StatusBadRequest)
	if msg := insp.text(`span.error[data-field="item-12"]`); msg != "请选择合格、不合格或不适用" {
		t.Errorf("error next to 六查: %q", msg)
	}
	if errs := insp.texts("span.error"); len(errs) != 1 {
		t.Errorf("errors shown %q, want only 六查's", errs)
	}
	if !eval[bool](insp, "kept", `document.querySelector('input[name="result.7"][value="fail"]').checked`) {
		t.Error("the failed answer was lost with the refusal")
	}
	if v := insp.value(`input[name="note.7"]`); v != "门卫未佩戴口罩" {
		t.Errorf("the note after the refusal %q", v)
	}
	if v := insp.value(`input[name="owner.7"]`); v != "保安队长 李强" {
		t.Errorf("the owner after the refusal %q", v)
	}
	if s := insp.text("#form-error"); !strings.Contains(s, "照片需重新选择") {
		t.Errorf("the refusal %q does not say to pick the photo again", s)
	}
	insp.fitsWidth("the refused form")
	insp.screenshot(shots, "inspector-form-error")

	insp.do("tap 合格", chromedp.Click(chromedp.CSS(`label.r-pass:has(input[name="result.12"])`)))
	insp.do("take the photo again", chromedp.SetUploadFiles(chromedp.CSS(`input[name="photo.7"]`), []string{photo}))
	resp = insp.load("submit", chromedp.Click(chromedp.CSS(`form.visit button[type="submit"]`)))
	insp.expectStatus("submit the visit", resp, http.StatusOK)
	m := visitPath.FindStringSubmatch(insp.path())
	if m == nil {
		t.Fatalf("after submitting the browser is at %s", insp.path())
	}
	if s := insp.text("#saved"); !strings.Contains(s, "1 项不合格") {
		t.Errorf("confirmation %q", s)
	}
	if r := insp.texts(`#answers li[data-item="7"] .tag`); !slices.Equal(r, []string{"不合格"}) {
		t.Errorf("一查 shows %q", r)
	}
	src := eval[string](insp, "photo", `document.querySelector('#answers li[data-item="7"] img.thumb').getAttribute("src")`)
	if !strings.HasPrefix(src, "/api/v1/files/") {
		t.Errorf("the photo links to %q", src)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	v, err := wiring.NewServices(db, time.Now).Inspect.Visit(context.Background(), fugong.System, id)
	if err != nil || len(v.Answers[0].Photos) != 1 || v.Answers[0].Photos[0].Name != "门卫.jpg" || len(v.Rectifications) != 1 {
		t.Fatalf("the stored visit %+v %v", v, err)
	}
	if _, data, err := db.File(context.Background(), fugong.System, v.Answers[0].Photos[0].ID); err != nil || !bytes.Equal(data, minimalJPEG) {
		t.Errorf("the stored photo differs from the one taken: %v", err)
	}
	if o := v.Rectifications[0].Owner; o != "保安队长 李强" {
		t.Errorf("the rectification's owner %q, want the one chosen", o)
	}
	due := v.Rectifications[0].DueDate
	if want := time.Now().In(fugong.Location).AddDate(0, 0, 1).Format(inspect.DateLayout); due != want {
		t.Errorf("due %s, want tomorrow %s (一查 is due in a day)", due, want)
	}
	insp.fitsWidth("the visit")
	insp.screenshot(shots, "inspector-visit")

	// The rectification is in the list, open, with its due day.
	insp.expectStatus("the list", insp.navigate("/rectifications"), http.StatusOK)
	row := `#rectifications tbody tr[data-id="` + strconv.FormatInt(v.Rectifications[0].ID, 10) + `"]`
	if cells := insp.texts(row + " td"); len(cells) < 6 || cells[0] != tangxiaNames[1] || !strings.Contains(cells[2], "口罩佩戴") ||
		cells[3] != "门卫未佩戴口罩" || cells[4] != due || cells[5] != "待整改" {
		t.Errorf("the rectification's row %q", cells)
	}
	if s := insp.texts("#rect-stats .stat b"); !slices.Equal(s, []string{"1", "0", "0", "0"}) {
		t.Errorf("the counts after the visit: %q", s)
	}
	insp.screenshot(shots, "inspector-rectifications")

	// The clerk rectifies it on a phone.
	clerkCtx := newTab(t, ctx, 375, 812, true)
	clerk := browser{t: t, ctx: clerkCtx, base: base}
	clerkConsole := watchConsole(clerkCtx)
	clerk.login(firmClerkUser, firmClerkPassword)
	clerk.expectStatus("the clerk's list", clerk.navigate("/rectifications"), http.StatusOK)
	clerk.expectStatus("open it", clerk.load("click 详情", chromedp.Click(chromedp.CSS(row+` a[href^="/rectifications/"]`))), http.StatusOK)
	if n := len(clerk.texts("form.move")); n != 1 {
		t.Errorf("the clerk is offered %d moves, want only 提交整改", n)
	}
	clerk.do("write what was done", chromedp.SendKeys(chromedp.CSS(`form.move-rectified textarea[name="note"]`), "已为门卫配发口罩并培训"))
	clerk.do("photo of the fix", chromedp.SetUploadFiles(chromedp.CSS(`form.move-rectified input[name="photo"]`), []string{photo}))
	clerk.expectStatus("rectify", clerk.load("click 提交整改", chromedp.Click(chromedp.CSS(`form.move-rectified button`))), http.StatusOK)
	if s := clerk.text("#rect-status b"); s != "已整改待验收" {
		t.Errorf("status after rectifying %q", s)
	}
	if h := clerk.texts("#history li b"); !slices.Equal(h, []string{"待整改", "已整改待验收"}) {
		t.Errorf("history %q", h)
	}
	clerk.fitsWidth("the rectification")
	clerk.screenshot(shots, "clerk-rectified")

	// The inspector verifies it.
	insp.expectStatus("open it", insp.navigate("/rectifications/"+strconv.FormatInt(v.Rectifications[0].ID, 10)), http.StatusOK)
	insp.expectStatus("verify", insp.load("click 验收通过", chromedp.Click(chromedp.CSS(`form.move-verified button`))), http.StatusOK)
	if s := insp.text("#rect-status b"); s != "已验收" {
		t.Errorf("status after verifying %q", s)
	}

	for who, c := range map[string]*console{"inspector": inspConsole, "clerk": clerkConsole} {
		if ps := consoleProblems(c); len(ps) > 0 {
			t.Errorf("the %s's pages wrote to the console:\n%s", who, strings.Join(ps, "\n"))
		}
	}
	t.Logf("inspection scenario ran in %v", time.Since(start).Round(time.Millisecond))
}
