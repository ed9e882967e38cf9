package wiring_test

import (
	"html"
	"regexp"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

var moduleLinks = regexp.MustCompile(`(?s)<nav class="tabs" id="enterprise-modules".*?</nav>`)
var hrefs = regexp.MustCompile(`href="([^"]+)"`)

// The links modules add to shared pages (web.Module's SettingsLinks and
// EnterpriseLinks), over the whole server.

// TestEnterpriseModuleLinks follows every module link of an enterprise's
// page as the roles that see the firm: each one must open.
func TestEnterpriseModuleLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		for _, c := range []struct{ role, key string }{{webtest.RoleClerk, "tangB"}, {webtest.RoleTown, "tangA"}, {webtest.RoleCadre, "tangA"}, {webtest.RoleAdmin, "xianA"}} {
			b := e.BrowserLogin(t, c.role)
			page := b.Get(t, "/enterprises/"+e.Ents[c.key])
			nav := moduleLinks.Find(page.Body)
			links := hrefs.FindAllSubmatch(nav, -1)
			if page.Status != 200 || len(links) != 7 {
				t.Fatalf("%s: status %d, %d module links", c.role, page.Status, len(links))
			}
			for _, l := range links {
				href := html.UnescapeString(string(l[1]))
				if r := b.Get(t, href); r.Status != 200 {
					t.Errorf("%s: %s answers %d", c.role, href, r.Status)
				}
			}
		}
	})
}

// TestSettingsLinksOpen: the admin's settings page links to every module's
// settings, and each opens.
func TestSettingsLinksOpen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		b := e.BrowserLogin(t, webtest.RoleAdmin)
		page := b.Get(t, "/settings")
		list := regexp.MustCompile(`(?s)<ul class="card" id="module-settings">.*?</ul>`).Find(page.Body)
		links := hrefs.FindAllSubmatch(list, -1)
		if page.Status != 200 || len(links) != 8 {
			t.Fatalf("status %d, %d module settings links", page.Status, len(links))
		}
		for _, l := range links {
			if r := b.Get(t, string(l[1])); r.Status != 200 {
				t.Errorf("%s answers %d", l[1], r.Status)
			}
		}
	})
}
