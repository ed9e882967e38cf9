package pairing_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The pages of M3's pairing: who gets which, and the forms walked through
// a cookie session as a browser posts them. (The documents' pages are
// still web/'s.)

// refusedName is 结对管理's refusal of a pairing with "nobody": the words
// are pairing.CheckCadre's, which tell nothing of the account.
var refusedName = regexp.MustCompile(`id="form-error">未能结对：nobody 不是可结对的驻企干部账号`)

// uiDay is the morning of 10 February 2020, when the pairings were made.
var uiDay = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)

func TestPairingPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		newCadre(e, t, "wu", "吴斌")
		t.Run("scope", func(t *testing.T) { testPairingPageScope(t, e) })
		t.Run("pair from the list", func(t *testing.T) { testPairFromList(t, e) })
		t.Run("visit interval", func(t *testing.T) { testIntervalForm(t, e) })
		t.Run("import page", func(t *testing.T) { testPairingImportPage(t, e) })
		t.Run("enterprise page", func(t *testing.T) { testEnterprisePairing(t, e) })
	})
}

func testPairingPageScope(t *testing.T, e *webtest.Env) {
	pages := []struct {
		path string
		want map[string]int
	}{ // webtest.By(admin, bureau-stat, bureau-insp, town, cadre, clerk, checkpoint)
		{"/pairings", webtest.By(200, 200, 200, 200, 404, 404, 404)},
		{"/pairings?town=xyz&page=x", webtest.By(200, 200, 200, 200, 404, 404, 404)},
		{"/pairings/import", webtest.By(200, 404, 200, 200, 404, 404, 404)},
		{"/pairings/unpaired/export", webtest.Every(200)},
	}
	for _, role := range webtest.Roles {
		b := e.BrowserLogin(t, role)
		for _, p := range pages {
			if r := b.Get(t, p.path); r.Status != p.want[role] {
				t.Errorf("%s GET %s: %d, want %d", role, p.path, r.Status, p.want[role])
			}
		}
		home := string(b.Get(t, "/").Body)
		if got, want := strings.Contains(home, `href="/pairings"`), p200(pages[0].want[role]); got != want {
			t.Errorf("%s's menu offers 结对管理: %v", role, got)
		}
	}
	// Who may pair is shown the form on an enterprise's page; who may not is not.
	tangA := "/enterprises/" + e.Ents["tangA"]
	for role, want := range map[string]bool{
		webtest.RoleAdmin: true, webtest.RoleBureauStat: false, webtest.RoleBureauInsp: true, webtest.RoleTown: true, webtest.RoleCadre: false,
	} {
		page := string(e.BrowserLogin(t, role).Get(t, tangA).Body)
		if !strings.Contains(page, `id="cadre"`) || !strings.Contains(page, "测试cadre") {
			t.Errorf("%s: the enterprise page lacks its cadre", role)
		}
		if got := strings.Contains(page, `action="`+tangA+`/cadre"`); got != want {
			t.Errorf("%s: pair form shown %v", role, got)
		}
	}
}

func p200(status int) bool { return status == 200 }

func testPairFromList(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleTown)
	page := b.Get(t, "/pairings")
	webtest.Contains(t, "the town's list", page, `data-uscc="`+e.Ents["tangB"]+`"`, `data-suggest="/api/v1/cadres/suggest"`, "塘下镇")
	// The cadre picker offers 吴斌 as the town types his name.
	webtest.Contains(t, "the cadre picker", b.Get(t, "/api/v1/cadres/suggest?q="+url.QueryEscape("吴")), `"username":"wu"`, `"display_name":"吴斌"`)
	if strings.Contains(string(page.Body), e.Ents["xianA"]) {
		t.Error("the town's list shows an enterprise of 仙降")
	}
	csrf := webtest.CSRFOf(t, page.Body)
	// A refused pairing shows the list again with the reason.
	r := b.PostForm(t, "/pairings", url.Values{"csrf": {csrf}, "uscc": {e.Ents["tangB"]}, "username": {"nobody"}, "town": {webtest.TownTangxia}})
	if r.Status != 400 {
		t.Fatalf("unknown cadre: %d", r.Status)
	}
	webtest.Contains(t, "refused pairing", r, `id="form-error">未能结对：`, `value="`+e.Ents["tangB"]+`"`)
	if !refusedName.Match(r.Body) {
		t.Error("the refusal is not about the name typed")
	}
	if r := b.PostForm(t, "/pairings", url.Values{"csrf": {csrf}, "uscc": {e.Ents["xianA"]}, "username": {"wu"}}); r.Status != 404 {
		t.Errorf("pairing xianA from 塘下: %d", r.Status)
	}
	r = b.PostForm(t, "/pairings", url.Values{"csrf": {csrf}, "uscc": {e.Ents["tangB"]}, "username": {"wu"}, "town": {webtest.TownTangxia}, "page": {"1"}})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/pairings?") || !strings.Contains(r.Header.Get("Location"), "town="+webtest.TownTangxia) {
		t.Fatalf("pair: %d %s", r.Status, r.Header.Get("Location"))
	}
	page = b.Get(t, r.Header.Get("Location"))
	webtest.Contains(t, "after pairing", page, "已为 瑞安市塘下电器厂 结对干部", `id="all-paired"`)
	// Without the CSRF token nothing happens.
	if r := b.PostForm(t, "/pairings", url.Values{"uscc": {e.Ents["tangA"]}, "username": {"wu"}}); r.Status != 403 {
		t.Errorf("no csrf: %d", r.Status)
	}
	// The bureau's statistics group reads the list but has no forms.
	stat := string(e.BrowserLogin(t, webtest.RoleBureauStat).Get(t, "/pairings").Body)
	if strings.Contains(stat, `class="pair-row"`) || strings.Contains(stat, `id="pair-form"`) || !strings.Contains(stat, e.Ents["xianA"]) {
		t.Error("the statistics group's view of 结对管理")
	}
	if r := e.BrowserLogin(t, webtest.RoleBureauStat).PostForm(t, "/pairings", url.Values{"csrf": {webtest.CSRFOf(t, []byte(stat))}, "uscc": {e.Ents["xianA"]}, "username": {"wu"}}); r.Status != 403 {
		t.Errorf("the statistics group pairs: %d", r.Status)
	}
}

func testIntervalForm(t *testing.T, e *webtest.Env) {
	admin := e.BrowserLogin(t, webtest.RoleAdmin)
	page := admin.Get(t, "/pairings")
	webtest.Contains(t, "the admin's interval form", page, `name="days"`, `value="7"`)
	csrf := webtest.CSRFOf(t, page.Body)
	r := admin.PostForm(t, "/pairings/interval", url.Values{"csrf": {csrf}, "days": {"０"}})
	if r.Status != 400 {
		t.Fatalf("0 days: %d", r.Status)
	}
	webtest.Contains(t, "refused interval", r, `data-field="days"`, "1–90")
	if r = admin.PostForm(t, "/pairings/interval", url.Values{"csrf": {csrf}, "days": {"１０"}}); r.Status != 303 {
		t.Fatalf("full-width 10 days: %d %s", r.Status, r.Body)
	}
	webtest.Contains(t, "after saving", admin.Get(t, r.Header.Get("Location")), "走访间隔已保存", `value="10"`)
	town := e.BrowserLogin(t, webtest.RoleTown)
	page = town.Get(t, "/pairings")
	webtest.Contains(t, "the town reads the interval", page, `<b id="interval-days">10</b>`)
	if r := town.PostForm(t, "/pairings/interval", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "days": {"3"}}); r.Status != 404 {
		t.Errorf("the town sets the interval: %d", r.Status)
	}
}

func testPairingImportPage(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleTown)
	page := b.Get(t, "/pairings/import")
	csrf := webtest.CSRFOf(t, page.Body)
	bad := "统一社会信用代码,干部账号\n" + e.Ents["tangA"] + ",wu\n" + e.Ents["xianA"] + ",wu\n" + e.Ents["tangB"] + ",u-town\n"
	r := b.Do(t, "POST", "/pairings/import", webtest.Upload(t, "结对.csv", bad, map[string]string{"csrf": csrf}), nil)
	if r.Status != 400 {
		t.Fatalf("bad file: %d", r.Status)
	}
	webtest.Contains(t, "bad rows", r, "未导入任何结对", `<table class="errors">`, `<td class="num">3</td>`, `<td class="num">4</td>`, "企业不在您的管辖范围内或未登记", "u-town 不是可结对的驻企干部账号")
	var p pairingBody
	e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+e.Ents["tangA"]+"/cadre", webtest.Payload{}).Decode(t, &p)
	if p.Username != "u-cadre" {
		t.Fatalf("a refused file paired tangA with %s", p.Username)
	}
	good := "统一社会信用代码,干部账号\n" + e.Ents["tangA"] + ",u-cadre\n"
	r = b.Do(t, "POST", "/pairings/import", webtest.Upload(t, "结对.csv", good, map[string]string{"csrf": csrf}), nil)
	if r.Status != 200 {
		t.Fatalf("good file: %d %s", r.Status, r.Body)
	}
	webtest.Contains(t, "imported", r, "导入完成：新结对 0 家，更换干部 0 家，原已结对 1 家")
	if r := b.Do(t, "POST", "/pairings/import", webtest.Upload(t, "结对.txt", good, map[string]string{"csrf": csrf}), nil); r.Status != 400 ||
		!strings.Contains(string(r.Body), "不支持的文件类型") {
		t.Errorf("a .txt: %d", r.Status)
	}
}

func testEnterprisePairing(t *testing.T, e *webtest.Env) {
	b := e.BrowserLogin(t, webtest.RoleTown)
	path := "/enterprises/" + e.Ents["tangB"]
	page := b.Get(t, path)
	webtest.Contains(t, "before (paired from the list)", page, "吴斌", "更换干部")
	csrf := webtest.CSRFOf(t, page.Body)

	r := b.PostForm(t, path+"/cadre", url.Values{"csrf": {csrf}, "username": {"u-clerk"}})
	if r.Status != 400 {
		t.Fatalf("pairing a clerk: %d", r.Status)
	}
	webtest.Contains(t, "refused", r, `data-field="username"`, "u-clerk 不是可结对的驻企干部账号", `value="u-clerk"`)
	r = b.PostForm(t, path+"/cadre", url.Values{"csrf": {csrf}, "username": {"u-cadre"}})
	if r.Status != 303 || r.Header.Get("Location") != path+"?paired=1#cadre" {
		t.Fatalf("pair: %d %s", r.Status, r.Header.Get("Location"))
	}
	webtest.Contains(t, "paired", b.Get(t, r.Header.Get("Location")), "已结对干部", "测试cadre", "2020-02-10 起结对", "解除结对")
	// 解除结对 asks first, and the step changes nothing.
	r = b.PostForm(t, path+"/cadre/delete", url.Values{"csrf": {csrf}})
	webtest.Contains(t, "the confirmation step", r, `id="confirm"`, "确认解除结对", `name="confirm" value="yes"`, `action="`+path+`/cadre/delete"`)
	webtest.Contains(t, "still paired", b.Get(t, path), "测试cadre", `action="`+path+`/cadre/delete"`)
	r = b.PostForm(t, path+"/cadre/delete", url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	if r.Status != 303 {
		t.Fatalf("unpair: %d", r.Status)
	}
	webtest.Contains(t, "unpaired", b.Get(t, r.Header.Get("Location")), "已解除干部结对", "尚未结对驻企干部")
	if r := e.BrowserLogin(t, webtest.RoleBureauStat).PostForm(t, path+"/cadre", url.Values{"csrf": {csrf}, "username": {"wu"}}); r.Status != 403 {
		t.Errorf("the statistics group pairs from the page: %d", r.Status)
	}
}
