package admin_test

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

var auditTotal = regexp.MustCompile(`<span class="pager-total">共 ([0-9,]+) 条</span>`)

// The audit log is paged by the shared pager: its total, page numbers, a
// jump and the page size, the filters kept on every link.
func TestAuditPager(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		addCadres(t, e, 60)
		admin := e.BrowserLogin(t, webtest.RoleAdmin)
		r := admin.Get(t, "/audit?entity=user&per_page=20")
		m := auditTotal.FindSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no pager total: %s", r.Body)
		}
		total, _ := strconv.Atoi(string(m[1]))
		if total < 60 {
			t.Fatalf("total %d, want the 60 cadres at least", total)
		}
		pages := strconv.Itoa((total + 19) / 20)
		webtest.Contains(t, "the first page", r, `<b aria-current="page">1</b>`, `rel="next"`,
			`href="/audit?entity=user&amp;page=2&amp;per_page=20"`, `<option value="20" selected>20 条</option>`,
			`<input type="hidden" name="entity" value="user">`, `max="`+pages+`"`)
		// The system's entries say 系统; a user's entry names the person,
		// their login as a code.
		town := e.Users[webtest.RoleTown]
		all := admin.Get(t, "/audit?entity=user&entity_id="+town.Username)
		webtest.Contains(t, "the users' entries", all, "<td>系统</td>", town.DisplayName+" <code>"+town.Username+"</code>")
		if bytes.Contains(all.Body, []byte(">system<")) {
			t.Error("the audit log shows the actor system")
		}
		r = admin.Get(t, "/audit?entity=user&per_page=20&page=2")
		webtest.Contains(t, "the second page", r, `<b aria-current="page">2</b>`, `rel="prev"`)
		// A size it does not offer is the default, 50 a page.
		r = admin.Get(t, "/audit?entity=user&per_page=7")
		webtest.Contains(t, "an unoffered size", r, `<option value="50" selected>50 条</option>`)
	})
}
