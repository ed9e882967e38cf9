package production_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The list of applications opens on those waiting for a decision (the
// town's work); 全部 is still offered, and kept by the pager's links.
func TestApplicationsListDefault(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		apply := func(role, key string) string {
			t.Helper()
			r := e.As(t, role, "POST", "/api/v1/enterprises/"+e.Ents[key]+"/resumption-applications",
				webtest.RawJSON(`{"planned_date": "2020-02-10", "staff_expected": 5}`))
			return strconv.FormatInt(appBody(t, r, http.StatusCreated).ID, 10)
		}
		decided := apply(webtest.RoleClerk, "tangB")
		apply(webtest.RoleAdmin, "tangA")
		appBody(t, e.As(t, webtest.RoleTown, "POST", "/api/v1/resumption-applications/"+decided+"/approve", webtest.Payload{}), http.StatusOK)

		town := e.BrowserLogin(t, webtest.RoleTown)
		pending, decidedName := "瑞安市塘下汽配有限公司", "瑞安市塘下电器厂"
		for _, c := range []struct {
			query    string
			selected string
			want     []string
			not      []string
		}{
			{"", `<option value="submitted" selected>待审批</option>`, []string{pending}, []string{decidedName}},
			{"?status=all", `<option value="all" selected>全部</option>`, []string{pending, decidedName}, nil},
			{"?status=", `<option value="all" selected>全部</option>`, []string{pending, decidedName}, nil},
			{"?status=approved", `<option value="approved" selected>已批准</option>`, []string{decidedName}, []string{pending}},
		} {
			r := town.Get(t, "/production/applications"+c.query)
			webtest.Contains(t, "applications"+c.query, r, append([]string{c.selected}, c.want...)...)
			for _, n := range c.not {
				if strings.Contains(string(r.Body), n) {
					t.Errorf("applications%s lists %s", c.query, n)
				}
			}
		}
		// 全部 survives paging: the pager's form keeps status=all.
		r := town.Get(t, "/production/applications?status=all&per_page=20")
		webtest.Contains(t, "the pager of 全部", r, `<input type="hidden" name="status" value="all">`)
	})
}

// The essential list's form takes a firm's exact name as well as its code,
// in the actor's scope; a name of several firms lists them with their codes.
func TestEssentialByName(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		const twin = "瑞安市同名机械厂"
		tw1 := e.AddEnterprise(t, "MA2TW0001", webtest.TownTangxia, "below", twin)
		tw2 := e.AddEnterprise(t, "MA2TW0002", webtest.TownXianjiang, "below", twin)
		admin := e.BrowserLogin(t, webtest.RoleAdmin)
		add := func(firm string) webtest.Resp {
			csrf := webtest.CSRFOf(t, admin.Get(t, "/production/essential").Body)
			return admin.PostForm(t, "/production/essential", url.Values{"csrf": {csrf}, "essential": {"true"}, "uscc": {firm}, "reason": {"保供"}})
		}
		r := add(twin)
		if r.Status != http.StatusBadRequest {
			t.Fatalf("an ambiguous name: %d", r.Status)
		}
		webtest.Contains(t, "an ambiguous name", r, "名称为“"+twin+"”的企业有 2 家", tw1, tw2, `value="`+twin+`"`)
		if r := add("瑞安市塘下电器厂"); r.Status != http.StatusSeeOther {
			t.Fatalf("by name: %d %s", r.Status, r.Body)
		}
		webtest.Contains(t, "the list", admin.Get(t, "/production/essential"), e.Ents["tangB"])
	})
}
