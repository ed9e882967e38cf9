package e2e

// Isolation points in the browser, on a phone: a town's staff sets up a
// point, admits a resident (a full room refused first, the form kept),
// takes the morning round (a slip corrected: a second version, one round),
// an afternoon fever, brings lunch; the bureau's prevention group sees the
// point on the overview; nothing whole of the ID number is on any page.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	isoTown     = "tangxia-geli"
	isoTownPW   = "tangxia-geli-2020"
	isoBureau   = "lianfang-geli"
	isoBureauPW = "lianfang-geli-2020"
)

func TestBrowserIsolation(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startPeopleServer(t, db)
		addUser(t, db, account.User{Username: isoTown, DisplayName: "塘下镇防控办", Role: fugong.RoleTown, Town: "330381101"}, isoTownPW)
		addUser(t, db, account.User{Username: isoBureau, DisplayName: "联防联控组", Role: fugong.RoleBureau, Group: fugong.GroupPrevention}, isoBureauPW)
		isolationScenario(t, newBrowser(t, exe), srv.URL)
	})
}

func isolationScenario(t *testing.T, ctx context.Context, base string) {
	start := time.Now()
	shots := screenshotDir(t)
	first, err := pii.MakeIDNumber("420102", time.Date(1986, 5, 4, 0, 0, 0, 0, time.UTC), 31)
	if err != nil {
		t.Fatal(err)
	}
	second, err := pii.MakeIDNumber("420106", time.Date(1990, 9, 9, 0, 0, 0, 0, time.UTC), 45)
	if err != nil {
		t.Fatal(err)
	}

	// The town, on a phone, finds 隔离点 in the menu and sets up a point.
	townCtx := newTab(t, ctx, 375, 812, true)
	town := browser{t: t, ctx: townCtx, base: base}
	townConsole := watchConsole(townCtx)
	town.login(isoTown, isoTownPW)
	town.expectStatus("open 隔离点", town.load("click 隔离点", menuLink("/isolation")), http.StatusOK)
	town.do("open the new point form", chromedp.Click(chromedp.CSS(`#new-point summary`)))
	town.typeInto(`#new-point input[name="name"]`, "塘下镇鑫源酒店集中隔离点")
	town.typeInto(`#new-point input[name="rooms"]`, "6")
	town.expectStatus("set up the point", town.load("submit the point", chromedp.Click(chromedp.CSS(`#new-point button[type="submit"]`))), http.StatusOK)
	if s := town.text("#done"); s != "隔离点已设立。" {
		t.Fatalf("after the new point: %q", s)
	}
	point := strings.SplitN(town.path(), "?", 2)[0]
	if n := len(town.texts("#rooms li.free")); n != 6 {
		t.Errorf("%d free rooms of 6", n)
	}

	// 张三 into room 1; then 李四 into room 1 too: refused, the form kept.
	admit := func(name, id, room string) {
		town.do("open the admission form", chromedp.Evaluate[chromedp.Void](`document.querySelector('#admit').open = true`))
		for sel, v := range map[string]string{"name": name, "id_number": id, "room": room, "origin": "湖北省武汉市"} {
			setValue(town, `#admit input[name="`+sel+`"]`, v)
		}
		town.load("admit "+name, chromedp.Click(chromedp.CSS(`#admit button[type="submit"]`)))
	}
	admit("张三", first, "1")
	if s := town.text("#done"); !strings.HasPrefix(s, "已入住：张三（1 号房") {
		t.Fatalf("after the admission: %q", s)
	}
	admit("李四", second, "1")
	if s := town.text(`#admit .error[data-field="room"]`); !strings.Contains(s, "已住满") {
		t.Errorf("a full room says %q", s)
	}
	if v := town.value(`#admit input[name="name"]`); v != "李四" {
		t.Errorf("the refused form lost the name: %q", v)
	}
	town.screenshot(shots, "isolation-full-room")
	setValue(town, `#admit input[name="room"]`, "2")
	town.load("admit 李四 to room 2", chromedp.Click(chromedp.CSS(`#admit button[type="submit"]`)))
	if n := len(town.texts("#rooms li.full")); n != 2 {
		t.Errorf("%d full rooms, want 2", n)
	}

	// The morning round: a slip (36.0), corrected (36.6): one round, version 2.
	round := func(card, value string) {
		town.typeInto(card+` form.iso-round input[name="celsius"]`, value)
		town.load("record "+value, chromedp.Click(chromedp.CSS(card+` form.iso-round button`)))
	}
	card := "#residents li:first-child"
	round(card, "36.0")
	// The form offers the afternoon next: the correction picks the morning.
	if v := town.value(card + ` select[name="round"]`); v != "afternoon" {
		t.Errorf("after the morning round the form offers %q", v)
	}
	setValue(town, card+` select[name="round"]`, "morning")
	round(card, "36.6")
	if s := town.text("#done"); !strings.Contains(s, "36.6") || !strings.Contains(s, "已更正") {
		t.Errorf("the correction says %q", s)
	}
	if s := town.text(card + " .iso-rounds"); !strings.Contains(s, "上午 36.6 ℃") || !strings.Contains(s, "已更正，共 2 版") {
		t.Errorf("the morning round shows %q", s)
	}
	// An afternoon fever, and lunch.
	setValue(town, card+` select[name="round"]`, "afternoon")
	round(card, "37.8")
	if s := town.text("#done"); !strings.Contains(s, "发热预警") {
		t.Errorf("the fever says %q", s)
	}
	town.load("lunch", chromedp.Click(chromedp.CSS(card+` form.iso-meal button[value="lunch"]`)))
	if s := town.text(card + " .iso-rounds"); !strings.Contains(s, "午✓") {
		t.Errorf("lunch shows %q", s)
	}
	town.fitsWidth("the point's page")
	town.screenshot(shots, "isolation-point-phone")
	page := eval[string](town, "the point's page", `document.body.innerHTML`)
	for _, whole := range []string{first, second} {
		if strings.Contains(page, whole) {
			t.Errorf("the point's page shows %s whole", whole)
		}
	}

	// The prevention group sees the point and the town's beds on the overview.
	groupCtx := newTab(t, ctx, 1280, 900, false)
	group := browser{t: t, ctx: groupCtx, base: base}
	group.login(isoBureau, isoBureauPW)
	group.expectStatus("the overview", group.navigate("/isolation"), http.StatusOK)
	if s := group.text("#iso-towns tbody tr"); !strings.Contains(s, "塘下镇") {
		t.Errorf("the towns' table shows %q", s)
	}
	if s := group.text("#iso-points"); !strings.Contains(s, "塘下镇鑫源酒店集中隔离点") || !strings.Contains(s, "在住 2 / 6") {
		t.Errorf("the points show %q", s)
	}
	group.screenshot(shots, "isolation-overview")
	group.expectStatus("the point, for the group", group.navigate(point), http.StatusOK)

	if ps := townConsole.problems(); len(ps) > 0 {
		t.Errorf("the town's pages wrote to the console:\n%s", strings.Join(ps, "\n"))
	}
	t.Logf("isolation scenario ran in %v", time.Since(start).Round(time.Millisecond))
}

// setValue replaces the value of the field sel, as a user retyping it.
func setValue(b browser, sel, v string) {
	b.t.Helper()
	eval[bool](b, "set "+sel, fmt.Sprintf(`(() => { const f = document.querySelector(%q); f.value = %q; return true })()`, sel, v))
}
