package pairing_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The cadre picker's search: enabled cadres whose name or username
// contains q (any case), those starting with it first, at most ten; who
// may not see the cadres gets 404.
func TestCadreSuggest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		ctx := context.Background()
		add := func(username, name string) account.User {
			t.Helper()
			u, err := e.Services.Accounts.Create(ctx, fugong.System, account.User{Username: username, DisplayName: name, Role: fugong.RoleCadre}, webtest.Password)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		add("linxf", "林晓峰")
		add("chenlin", "陈林")
		gone := add("linold", "林旧")
		if _, err := e.Services.Accounts.Disable(ctx, fugong.System, gone.ID); err != nil {
			t.Fatal(err)
		}
		for i := range 12 {
			add(fmt.Sprintf("zhang%02d", i), fmt.Sprintf("张%02d", i))
		}
		suggest := func(role, q string, want int) []string {
			t.Helper()
			r := e.As(t, role, "GET", "/api/v1/cadres/suggest?q="+url.QueryEscape(q), webtest.Payload{})
			if r.Status != want {
				t.Fatalf("%s %q: %d, want %d: %s", role, q, r.Status, want, r.Body)
			}
			if want != 200 {
				return nil
			}
			var l struct {
				Items []struct {
					Username    string
					DisplayName string `json:"display_name"`
					Enterprises int
				}
			}
			r.Decode(t, &l)
			out := []string{}
			for _, it := range l.Items {
				out = append(out, it.Username)
			}
			return out
		}
		for _, c := range []struct {
			role, q string
			want    []string
		}{
			{webtest.RoleAdmin, "林", []string{"linxf", "chenlin"}}, // the name starting with 林 first; the disabled left out
			{webtest.RoleTown, "LINX", []string{"linxf"}},          // the username, any case
			{webtest.RoleBureauInsp, "测试", []string{"u-cadre"}},    // a cadre only, not the other 测试 users
			{webtest.RoleAdmin, "", []string{}},
			{webtest.RoleAdmin, "%", []string{}},
		} {
			if got := suggest(c.role, c.q, 200); !slices.Equal(got, c.want) {
				t.Errorf("%s %q: %v, want %v", c.role, c.q, got, c.want)
			}
		}
		if got := suggest(webtest.RoleAdmin, "zhang", 200); len(got) != 10 {
			t.Errorf("12 matches: %d answered, want 10", len(got))
		}
		for _, role := range []string{webtest.RoleClerk, webtest.RoleCadre, webtest.RoleCheckpoint} {
			suggest(role, "林", 404)
		}
		suggest(webtest.RoleAdmin, strings.Repeat("林", 51), 400)
		// The forms that take a cadre use the picker.
		page := e.BrowserLogin(t, webtest.RoleTown).Get(t, "/pairings")
		webtest.Contains(t, "the pairing form", page, `data-suggest="/api/v1/cadres/suggest"`, `<datalist id="cadre-list"></datalist>`, `/static/suggest.js`)
		ent := e.BrowserLogin(t, webtest.RoleTown).Get(t, "/enterprises/"+e.Ents["tangB"])
		webtest.Contains(t, "the enterprise's cadre form", ent, `data-suggest="/api/v1/cadres/suggest"`)
	})
}

// The pairing form takes a firm's exact name as well as its code, within
// the actor's scope: a name of several firms is refused listing them with
// their codes, a name of none is refused naming the field; nothing stored.
func TestPairByName(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		const twin = "瑞安市同名机械厂"
		tw1 := e.AddEnterprise(t, "MA2TW0001", webtest.TownTangxia, "below", twin)
		tw2 := e.AddEnterprise(t, "MA2TW0002", webtest.TownXianjiang, "below", twin)
		pair := func(b *webtest.Browser, firm string) webtest.Resp {
			t.Helper()
			csrf := webtest.CSRFOf(t, b.Get(t, "/pairings").Body)
			return b.PostForm(t, "/pairings", url.Values{"csrf": {csrf}, "uscc": {firm}, "username": {"u-cadre"}})
		}
		admin, town := e.BrowserLogin(t, webtest.RoleAdmin), e.BrowserLogin(t, webtest.RoleTown)

		r := pair(admin, twin)
		if r.Status != http.StatusBadRequest {
			t.Fatalf("an ambiguous name: %d", r.Status)
		}
		webtest.Contains(t, "an ambiguous name", r, "名称为“"+twin+"”的企业有 2 家", tw1, tw2, "塘下镇", "仙降街道")
		r = pair(admin, "瑞安市没有这家厂")
		if r.Status != http.StatusBadRequest {
			t.Fatalf("a name of none: %d", r.Status)
		}
		webtest.Contains(t, "a name of none", r, "未找到名称为“瑞安市没有这家厂”的企业")
		// Out of the town's scope, the 仙降 twin is no candidate: the name is the 塘下 one's.
		r = pair(town, twin)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("the town's name: %d %s", r.Status, r.Body)
		}
		r = pair(town, " 瑞安市塘下电器厂 ")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("tangB by name: %d %s", r.Status, r.Body)
		}
		for uscc, want := range map[string]bool{tw1: true, tw2: false, e.Ents["tangB"]: true} {
			g := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+uscc+"/cadre", webtest.Payload{})
			if paired := strings.Contains(string(g.Body), `"username":"u-cadre"`); paired != want {
				t.Errorf("%s paired %v, want %v: %s", uscc, paired, want, g.Body)
			}
		}
		// A code is taken as before, in any case.
		if r := pair(admin, strings.ToLower(e.Ents["xianA"])); r.Status != http.StatusSeeOther {
			t.Errorf("xianA by code: %d", r.Status)
		}
	})
}
