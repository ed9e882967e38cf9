package web

import (
	"html"
	"regexp"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

var moduleLinks = regexp.MustCompile(`(?s)<nav class="tabs" id="enterprise-modules".*?</nav>`)
var hrefs = regexp.MustCompile(`href="([^"]+)"`)

// TestEnterpriseModuleLinks follows every module link of an enterprise's
// page as the roles that see the firm: each one must open.
func TestEnterpriseModuleLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, c := range []struct{ role, key string }{{roleClerk, "tangB"}, {roleTown, "tangA"}, {roleCadre, "tangA"}, {roleAdmin, "xianA"}} {
			b := e.browserLogin(t, c.role)
			page := b.get(t, "/enterprises/"+e.ents[c.key])
			nav := moduleLinks.Find(page.body)
			links := hrefs.FindAllSubmatch(nav, -1)
			if page.status != 200 || len(links) != 5 {
				t.Fatalf("%s: status %d, %d module links", c.role, page.status, len(links))
			}
			for _, l := range links {
				href := html.UnescapeString(string(l[1]))
				if r := b.get(t, href); r.status != 200 {
					t.Errorf("%s: %s answers %d", c.role, href, r.status)
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
		e := newEnv(t, db)
		b := e.browserLogin(t, roleAdmin)
		page := b.get(t, "/settings")
		list := regexp.MustCompile(`(?s)<ul class="card" id="module-settings">.*?</ul>`).Find(page.body)
		links := hrefs.FindAllSubmatch(list, -1)
		if page.status != 200 || len(links) != 4 {
			t.Fatalf("status %d, %d module settings links", page.status, len(links))
		}
		for _, l := range links {
			if r := b.get(t, string(l[1])); r.status != 200 {
				t.Errorf("%s answers %d", l[1], r.status)
			}
		}
	})
}
