package web

import (
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// The pages of M3's pairing: who gets which, and the forms walked through
// a cookie session as a browser posts them. (The papers' are web/documents'.)

func TestPairingPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, uiDay)
		e.newCadre(t, "wu", "吴斌")
		t.Run("scope", func(t *testing.T) { testPairingPageScope(t, e) })
		t.Run("pair from the list", func(t *testing.T) { testPairFromList(t, e) })
		t.Run("visit interval", func(t *testing.T) { testIntervalForm(t, e) })
		t.Run("import page", func(t *testing.T) { testPairingImportPage(t, e) })
		t.Run("enterprise page", func(t *testing.T) { testEnterprisePaperwork(t, e) })
	})
}

func testPairingPageScope(t *testing.T, e *testEnv) {
	pages := []struct {
		path string
		want map[string]int
	}{ // by(admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint)
		{"/pairings", by(200, 200, 200, 200, 404, 404, 404)},
		{"/pairings?town=xyz&page=x", by(200, 200, 200, 200, 404, 404, 404)},
		{"/pairings/import", by(200, 404, 200, 200, 404, 404, 404)},
		{"/pairings/unpaired/export", every(200)},
	}
	for _, role := range fixtureRoles {
		b := e.browserLogin(t, role)
		for _, p := range pages {
			if r := b.get(t, p.path); r.status != p.want[role] {
				t.Errorf("%s GET %s: %d, want %d", role, p.path, r.status, p.want[role])
			}
		}
		home := string(b.get(t, "/").body)
		if got, want := strings.Contains(home, `href="/pairings"`), p200(pages[0].want[role]); got != want {
			t.Errorf("%s's menu offers 结对管理: %v", role, got)
		}
	}
	// Who may change something is shown the form; who may not is not.
	tangA := "/enterprises/" + e.ents["tangA"]
	for role, want := range map[string]bool{ // the pair form
		roleAdmin: true, roleBureauStat: false, roleBureauInsp: true, roleTown: true, roleCadre: false,
	} {
		page := string(e.browserLogin(t, role).get(t, tangA).body)
		if !strings.Contains(page, `id="cadre"`) || !strings.Contains(page, "测试cadre") {
			t.Errorf("%s: the enterprise page lacks its cadre", role)
		}
		if got := strings.Contains(page, `action="`+tangA+`/cadre"`); got != want {
			t.Errorf("%s: pair form shown %v", role, got)
		}
	}
}

func p200(status int) bool { return status == 200 }

func testPairFromList(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleTown)
	page := b.get(t, "/pairings")
	contains(t, "the town's list", page, `data-uscc="`+e.ents["tangB"]+`"`, `<option value="wu">吴斌`, "塘下镇")
	if strings.Contains(string(page.body), e.ents["xianA"]) {
		t.Error("the town's list shows an enterprise of 仙降")
	}
	csrf := csrfOf(t, page.body)
	// A refused pairing shows the list again with the reason.
	r := b.postForm(t, "/pairings", url.Values{"csrf": {csrf}, "uscc": {e.ents["tangB"]}, "username": {"nobody"}, "town": {townTangxia}})
	if r.status != 400 {
		t.Fatalf("unknown cadre: %d", r.status)
	}
	contains(t, "refused pairing", r, "未能结对", "干部账号 nobody 不存在", `value="`+e.ents["tangB"]+`"`)
	if r := b.postForm(t, "/pairings", url.Values{"csrf": {csrf}, "uscc": {e.ents["xianA"]}, "username": {"wu"}}); r.status != 404 {
		t.Errorf("pairing xianA from 塘下: %d", r.status)
	}
	r = b.postForm(t, "/pairings", url.Values{"csrf": {csrf}, "uscc": {e.ents["tangB"]}, "username": {"wu"}, "town": {townTangxia}, "page": {"1"}})
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/pairings?") || !strings.Contains(r.header.Get("Location"), "town="+townTangxia) {
		t.Fatalf("pair: %d %s", r.status, r.header.Get("Location"))
	}
	page = b.get(t, r.header.Get("Location"))
	contains(t, "after pairing", page, "已为 瑞安市塘下电器厂 结对干部", `id="all-paired"`)
	// Without the CSRF token nothing happens.
	if r := b.postForm(t, "/pairings", url.Values{"uscc": {e.ents["tangA"]}, "username": {"wu"}}); r.status != 403 {
		t.Errorf("no csrf: %d", r.status)
	}
	// The bureau's statistics group reads the list but has no forms.
	stat := string(e.browserLogin(t, roleBureauStat).get(t, "/pairings").body)
	if strings.Contains(stat, `class="pair-row"`) || strings.Contains(stat, `id="pair-form"`) || !strings.Contains(stat, e.ents["xianA"]) {
		t.Error("the statistics group's view of 结对管理")
	}
	if r := e.browserLogin(t, roleBureauStat).postForm(t, "/pairings", url.Values{"csrf": {csrfOf(t, []byte(stat))}, "uscc": {e.ents["xianA"]}, "username": {"wu"}}); r.status != 403 {
		t.Errorf("the statistics group pairs: %d", r.status)
	}
}

func testIntervalForm(t *testing.T, e *testEnv) {
	admin := e.browserLogin(t, roleAdmin)
	page := admin.get(t, "/pairings")
	contains(t, "the admin's interval form", page, `name="days"`, `value="7"`)
	csrf := csrfOf(t, page.body)
	r := admin.postForm(t, "/pairings/interval", url.Values{"csrf": {csrf}, "days": {"０"}})
	if r.status != 400 {
		t.Fatalf("0 days: %d", r.status)
	}
	contains(t, "refused interval", r, `data-field="days"`, "1–90")
	if r = admin.postForm(t, "/pairings/interval", url.Values{"csrf": {csrf}, "days": {"１０"}}); r.status != 303 {
		t.Fatalf("full-width 10 days: %d %s", r.status, r.body)
	}
	contains(t, "after saving", admin.get(t, r.header.Get("Location")), "走访间隔已保存", `value="10"`)
	town := e.browserLogin(t, roleTown)
	page = town.get(t, "/pairings")
	contains(t, "the town reads the interval", page, `<b id="interval-days">10</b>`)
	if r := town.postForm(t, "/pairings/interval", url.Values{"csrf": {csrfOf(t, page.body)}, "days": {"3"}}); r.status != 404 {
		t.Errorf("the town sets the interval: %d", r.status)
	}
}

func testPairingImportPage(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleTown)
	page := b.get(t, "/pairings/import")
	csrf := csrfOf(t, page.body)
	bad := "统一社会信用代码,干部账号\n" + e.ents["tangA"] + ",wu\n" + e.ents["xianA"] + ",wu\n" + e.ents["tangB"] + ",u-town\n"
	r := b.do(t, "POST", "/pairings/import", upload(t, "结对.csv", bad, map[string]string{"csrf": csrf}), nil)
	if r.status != 400 {
		t.Fatalf("bad file: %d", r.status)
	}
	contains(t, "bad rows", r, "未导入任何结对", `<table class="errors">`, `<td class="num">3</td>`, `<td class="num">4</td>`, "企业不在您的管辖范围内或未登记", "不是驻企干部")
	var p pairingBody
	e.as(t, roleAdmin, "GET", "/api/v1/enterprises/"+e.ents["tangA"]+"/cadre", payload{}).decode(t, &p)
	if p.Username != "u-cadre" {
		t.Fatalf("a refused file paired tangA with %s", p.Username)
	}
	good := "统一社会信用代码,干部账号\n" + e.ents["tangA"] + ",u-cadre\n"
	r = b.do(t, "POST", "/pairings/import", upload(t, "结对.csv", good, map[string]string{"csrf": csrf}), nil)
	if r.status != 200 {
		t.Fatalf("good file: %d %s", r.status, r.body)
	}
	contains(t, "imported", r, "导入完成：新结对 0 家，更换干部 0 家，原已结对 1 家")
	if r := b.do(t, "POST", "/pairings/import", upload(t, "结对.txt", good, map[string]string{"csrf": csrf}), nil); r.status != 400 ||
		!strings.Contains(string(r.body), "不支持的文件类型") {
		t.Errorf("a .txt: %d", r.status)
	}
}

func testEnterprisePaperwork(t *testing.T, e *testEnv) {
	b := e.browserLogin(t, roleTown)
	path := "/enterprises/" + e.ents["tangB"]
	page := b.get(t, path)
	contains(t, "before (paired from the list)", page, "吴斌", "更换干部")
	csrf := csrfOf(t, page.body)

	r := b.postForm(t, path+"/cadre", url.Values{"csrf": {csrf}, "username": {"u-clerk"}})
	if r.status != 400 {
		t.Fatalf("pairing a clerk: %d", r.status)
	}
	contains(t, "refused", r, `data-field="username"`, "不是驻企干部", `value="u-clerk"`)
	r = b.postForm(t, path+"/cadre", url.Values{"csrf": {csrf}, "username": {"u-cadre"}})
	if r.status != 303 || r.header.Get("Location") != path+"?paired=1#cadre" {
		t.Fatalf("pair: %d %s", r.status, r.header.Get("Location"))
	}
	contains(t, "paired", b.get(t, r.header.Get("Location")), "已结对干部", "测试cadre", "2020-02-10 起结对", "解除结对")
	r = b.postForm(t, path+"/cadre/delete", url.Values{"csrf": {csrf}})
	if r.status != 303 {
		t.Fatalf("unpair: %d", r.status)
	}
	contains(t, "unpaired", b.get(t, r.header.Get("Location")), "已解除干部结对", "尚未结对驻企干部")
	if r := e.browserLogin(t, roleBureauStat).postForm(t, path+"/cadre", url.Values{"csrf": {csrf}, "username": {"wu"}}); r.status != 403 {
		t.Errorf("the statistics group pairs from the page: %d", r.status)
	}
}
