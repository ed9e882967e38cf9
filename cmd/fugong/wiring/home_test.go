package wiring_test

import (
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestHomeByRole: each role's home page is its own work of the day, from
// the modules' Home panels: the city's chart by town only for the bureau
// and the admin.
func TestHomeByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		tangA := webtest.Enterprises[0].Name
		for _, c := range []struct {
			role      string
			want, not []string
		}{
			{webtest.RoleClerk, []string{`id="own-report"`, `id="home-rectifications"`, `id="home-tickets"`},
				[]string{"各乡镇街道上报率", "各乡镇街道企业数", `id="home-pairings"`, `id="daystats"`}},
			{webtest.RoleCadre, []string{`id="home-pairings"`, tangA, "尚未走访", `id="home-missing"`, `id="daystats"`, `id="home-rectifications"`, `id="home-tickets"`},
				[]string{"各乡镇街道上报率", "各乡镇街道企业数"}},
			{webtest.RoleTown, []string{`id="daystats"`, `id="home-rectifications"`, `id="home-tickets"`, "企业概况"},
				[]string{"各乡镇街道上报率", "各乡镇街道企业数", `id="home-pairings"`}},
			{webtest.RoleBureauStat, []string{`id="daystats"`, "各乡镇街道上报率", "各乡镇街道企业数", `id="home-rectifications"`, `id="home-tickets"`},
				[]string{`id="home-pairings"`, `id="own-report"`}},
			{webtest.RoleAdmin, []string{"各乡镇街道上报率", "各乡镇街道企业数"}, []string{`id="home-pairings"`}},
		} {
			r := e.BrowserLogin(t, c.role).Get(t, "/")
			body := string(r.Body)
			if r.Status != 200 {
				t.Fatalf("%s: home %d", c.role, r.Status)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: the home page lacks %s", c.role, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("%s: the home page shows %s", c.role, n)
				}
			}
		}
	})
}

// TestShellByRole: the layout's menu is grouped with the page marked, the
// breadcrumb leads from the group to the page, the user's name and role
// are shown once; a clerk sees neither the coverage of the city nor a
// choice of towns.
func TestShellByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		clerk := e.BrowserLogin(t, webtest.RoleClerk)
		page := string(clerk.Get(t, "/rectifications").Body)
		for _, w := range []string{`<p class="menu-title">督导与结对</p>`, `<a href="/rectifications" class="active" aria-current="page">督导检查</a>`,
			`<nav class="crumbs" aria-label="当前位置"><ol><li><span aria-current="page">督导与结对</span></li>`} {
			if !strings.Contains(page, w) {
				t.Errorf("clerk's /rectifications lacks %s", w)
			}
		}
		if n := strings.Count(page, "测试clerk"); n != 1 {
			t.Errorf("the clerk's name is on the page %d times, want once", n)
		}
		if n := strings.Count(page, "企业填报员"); n != 1 {
			t.Errorf("the clerk's role is on the page %d times, want once", n)
		}
		for _, n := range []string{"/inspections/coverage", `<select name="town">`} {
			if strings.Contains(page, n) {
				t.Errorf("clerk's /rectifications shows %s", n)
			}
		}
		ent := string(clerk.Get(t, "/enterprises/"+e.Ents["tangB"]).Body)
		if want := `<li><a href="/enterprises">企业名录</a></li><li><span aria-current="page">` + webtest.Enterprises[1].Name + `</span></li>`; !strings.Contains(ent, want) {
			t.Errorf("an enterprise's page lacks the breadcrumb %s", want)
		}
	})
}
