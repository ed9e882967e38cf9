package e2e

// Checkpoints in the browser: the town sets up a post and prints its
// poster, whose QR code a real decoder (ZBar) reads off the screenshot; a
// traveller on a phone-sized window opens that address with no session,
// mistypes their ID number (the form comes back with the error beside it,
// the rest kept), registers and gets their number; the post's staff, on
// their phone, find it by number and confirm it with the temperature. The
// test reports the public page's size and the time from scan to confirm.

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	kakouUser = "kakou-tangxia"
	kakouPW   = "kakou-tangxia-2020"
)

func TestBrowserCheckpoint(t *testing.T) {
	exe := chromiumPath(t)
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Fatalf("the checkpoint browser test decodes the poster with zbarimg (apt-get install zbar-tools): %v", err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startPeopleServer(t, db)
		seed(t, db)
		addUser(t, db, account.User{Username: kakouUser, DisplayName: "卡口值守", Role: fugong.RoleCheckpoint, Town: townTangxia}, kakouPW)
		staff, _, err := db.UserByName(context.Background(), kakouUser)
		if err != nil {
			t.Fatal(err)
		}
		checkpointScenario(t, newBrowser(t, exe), srv.URL, zbar, staff.ID)
	})
}

var scanRe = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/scan/[A-Za-z0-9_-]{22}$`)

func checkpointScenario(t *testing.T, ctx context.Context, base, zbar string, staffID int64) {
	shots := screenshotDir(t)

	// The town sets up the post, puts its staff there and prints the poster.
	town := browser{t: t, ctx: newTab(t, ctx, 1280, 900, false), base: base}
	townConsole := watchConsole(town.ctx)
	town.login(townUser, townPassword)
	town.expectStatus("open 卡口", town.load("click 卡口", menuLink("/checkpoints")), http.StatusOK)
	town.typeInto(`form.form input[name="name"]`, "104国道塘下卡口")
	town.typeInto(`form.form input[name="location"]`, "104国道塘下段")
	town.expectStatus("set up the post", town.load("set up", chromedp.Click(chromedp.CSS(`form.form button[type="submit"]`))), http.StatusOK)
	post := town.path()
	if !regexp.MustCompile(`^/checkpoints/\d+$`).MatchString(post) {
		t.Fatalf("after setting up the post the browser is at %s", post)
	}
	town.typeInto(`form.form input[name="user"]`, strconv.FormatInt(staffID, 10))
	town.expectStatus("assign the staff", town.load("assign", chromedp.Click(chromedp.CSS(`form.form button[type="submit"]`))), http.StatusOK)
	town.expectStatus("the poster", town.navigate(post+"/poster"), http.StatusOK)
	if h := town.text(".cp-poster h1"); h != "104国道塘下卡口" {
		t.Errorf("the poster's heading %q", h)
	}
	png, err := chromedp.Run(town.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	poster := filepath.Join(shots, strings.ReplaceAll(t.Name(), "/", "_")+"-poster.png")
	if err := os.WriteFile(poster, png, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--quiet", "--raw", poster).Output()
	scanURL := strings.TrimSpace(string(out))
	if err != nil || !scanRe.MatchString(scanURL) || !strings.HasPrefix(scanURL, base+"/scan/") {
		t.Fatalf("zbarimg reads the poster (%s) as %q (%v)", poster, scanURL, err)
	}
	t.Logf("the poster's code, read by zbarimg: %s", scanURL)

	// A traveller's phone: no session.
	phone := browser{t: t, ctx: newTab(t, ctx, 375, 812, true), base: base}
	phoneConsole := watchConsole(phone.ctx)
	start := time.Now()
	resp, err := chromedp.Run(phone.ctx, chromedp.NavigateResponse(scanURL))
	if err != nil {
		t.Fatal(err)
	}
	phone.expectStatus("the scanned address", resp, http.StatusOK)
	size := eval[int](phone, "page size", `performance.getEntriesByType("navigation")[0].decodedBodySize`)
	transfer := eval[int](phone, "transfer size", `performance.getEntriesByType("navigation")[0].transferSize`)
	requests := eval[int](phone, "requests", `performance.getEntriesByType("resource").length`)
	t.Logf("the public form: %d bytes (%d transferred), %d further requests", size, transfer, requests)
	if size <= 0 || size >= 30<<10 || requests != 0 {
		t.Errorf("the public form is %d bytes with %d further requests", size, requests)
	}
	if n := eval[int](phone, "scripts", `document.scripts.length`); n != 0 {
		t.Errorf("the public form has %d scripts", n)
	}
	phone.fitsWidth("the public form")
	phone.screenshot(shots, "scan-form")

	fill := func(id string) {
		phone.typeInto(`input[name="name"]`, "王小明")
		phone.typeInto(`input[name="id_number"]`, id)
		phone.typeInto(`input[name="phone"]`, "13957712345")
		phone.typeInto(`input[name="plate"]`, "浙C12345")
		phone.typeInto(`input[name="origin"]`, "温州市鹿城区")
		phone.typeInto(`input[name="destination"]`, "瑞安市塘下镇")
		phone.do("answer", chromedp.Click(chromedp.CSS(`input[name="direction"][value="in"]`)),
			chromedp.Click(chromedp.CSS(`input[name="fever"][value="no"]`)),
			chromedp.Click(chromedp.CSS(`input[name="cough"][value="no"]`)),
			chromedp.Click(chromedp.CSS(`input[name="high_risk_area"][value="no"]`)),
			chromedp.Click(chromedp.CSS(`input[name="health_code"][value="green"]`)))
	}
	const good = "330381199001011230"
	fill(good[:17] + "1")
	phone.expectStatus("a mistyped ID number", phone.load("submit", chromedp.Click(chromedp.CSS(`button[type="submit"]`))), http.StatusBadRequest)
	if msg := phone.text("#e-id_number"); !strings.Contains(msg, "校验") {
		t.Errorf("the mistyped ID number says %q", msg)
	}
	if v := phone.value(`input[name="origin"]`); v != "温州市鹿城区" {
		t.Errorf("after the error the origin holds %q", v)
	}
	if n := eval[int](phone, "kept answers", `document.querySelectorAll('input[type=radio]:checked').length`); n != 5 {
		t.Errorf("after the error %d answers are kept, want 5", n)
	}
	phone.screenshot(shots, "scan-error")
	phone.typeInto(`input[name="id_number"]`, good)
	phone.expectStatus("register", phone.load("submit", chromedp.Click(chromedp.CSS(`button[type="submit"]`))), http.StatusOK)
	number := phone.text("#number")
	if !regexp.MustCompile(`^[2-9A-Z]{6}$`).MatchString(number) {
		t.Fatalf("the number page shows %q", number)
	}
	if ok := eval[bool](phone, "number's code", `document.querySelector("img.qr").naturalWidth > 0`); !ok {
		t.Error("the number's QR code does not show")
	}
	phone.fitsWidth("the number page")
	phone.screenshot(shots, "scan-number")

	// The staff on their phone: find by number, confirm with the temperature.
	desk := browser{t: t, ctx: newTab(t, ctx, 375, 812, true), base: base}
	deskConsole := watchConsole(desk.ctx)
	desk.login(kakouUser, kakouPW)
	desk.expectStatus("the desk", desk.navigate(post+"/desk"), http.StatusOK)
	if got := desk.texts(".cp-reg .cp-number"); len(got) != 1 || got[0] != number {
		t.Errorf("the pending list shows %q, want %s", got, number)
	}
	desk.typeInto(`form.cp-find input[name="number"]`, strings.ToLower(number))
	desk.expectStatus("find", desk.load("find", chromedp.Click(chromedp.CSS(`form.cp-find button`))), http.StatusOK)
	card := "#reg-" + number
	if s := desk.text(card); !strings.Contains(s, "王小明") || !strings.Contains(s, "330381********1230") || strings.Contains(s, good) {
		t.Errorf("the found registration shows %q", s)
	}
	desk.typeInto(card+` input[name="celsius"]`, "36.6")
	desk.expectStatus("confirm", desk.load("confirm", chromedp.Click(chromedp.CSS(card+` form.cp-confirm button`))), http.StatusOK)
	if s := desk.text("#notice"); !strings.Contains(s, number) || !strings.Contains(s, "已确认") {
		t.Errorf("after the confirmation the page says %q", s)
	}
	elapsed := time.Since(start)
	t.Logf("scan to confirmed registration: %v (the traveller's two submissions and the staff's login included)", elapsed.Round(time.Millisecond))
	desk.fitsWidth("the desk")
	desk.screenshot(shots, "desk")

	for who, c := range map[string]*console{"town": townConsole, "phone": phoneConsole, "desk": deskConsole} {
		if p := c.problems(); len(p) > 0 {
			t.Errorf("%s console: %q", who, p)
		}
	}
}
