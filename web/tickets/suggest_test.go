package tickets_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
	"fugong/web/webtest"
)

// The 指定人员 picker's search: enabled bureau staff and admins whose name
// or username contains q, at most ten, for the bureau and the admin only;
// the assignment form uses it.
func TestAssigneeSuggest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, ticketDay)
		e.AddBureauUsers(t, webtest.RoleCoord, webtest.RoleSupplies)
		suggest := func(role, q string, want int) []string {
			t.Helper()
			r := e.As(t, role, "GET", "/api/v1/tickets/assignees/suggest?q="+url.QueryEscape(q), webtest.Payload{})
			if r.Status != want {
				t.Fatalf("%s %q: %d, want %d: %s", role, q, r.Status, want, r.Body)
			}
			if want != 200 {
				return nil
			}
			var l struct {
				Items []struct {
					Username  string
					GroupName string `json:"group_name"`
				}
			}
			r.Decode(t, &l)
			out := []string{}
			for _, it := range l.Items {
				out = append(out, it.Username+"/"+it.GroupName)
			}
			slices.Sort(out)
			return out
		}
		// 测试 names every fixture user: the staff who can take a ticket only.
		want := []string{"u-admin/", "u-bureau-insp/检查督导组", "u-bureau-stat/信息统计组", "u-coordination/综合协调组", "u-supplies/物资筹备组"}
		if got := suggest(webtest.RoleCoord, "测试", 200); !slices.Equal(got, want) {
			t.Errorf("测试: %v, want %v", got, want)
		}
		if got := suggest(webtest.RoleAdmin, "SUPP", 200); !slices.Equal(got, []string{"u-supplies/物资筹备组"}) {
			t.Errorf("SUPP: %v", got)
		}
		if got := suggest(webtest.RoleAdmin, "", 200); len(got) != 0 {
			t.Errorf("empty q: %v", got)
		}
		for _, role := range []string{webtest.RoleTown, webtest.RoleCadre, webtest.RoleClerk, webtest.RoleCheckpoint} {
			suggest(role, "测试", 404)
		}
		suggest(webtest.RoleAdmin, strings.Repeat("测", 51), 400)

		id := strconv.FormatInt(ticketIn(e, "tangA", tickets.StatusNew), 10)
		coord := e.BrowserLogin(t, webtest.RoleCoord)
		page := coord.Get(t, "/tickets/"+id)
		webtest.Contains(t, "the assignment form", page, `name="assignee_user"`, `data-suggest="/api/v1/tickets/assignees/suggest"`, `list="assignee-suggest"`, `/static/suggest.js`)

		// Typed without the script, a display name is taken when one member
		// of staff has it; a name of none, or of a clerk, is refused.
		move := func(who string) webtest.Resp {
			return coord.PostForm(t, "/tickets/"+id+"/move", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}, "status": {"assigned"},
				"assignee_group": {"group:coordination"}, "assignee_user": {who}})
		}
		for _, who := range []string{"无此人", "测试clerk"} {
			if r := move(who); r.Status != 400 || !strings.Contains(string(r.Body), "承办人“"+who+"”不存在或不是经信局工作人员") {
				t.Errorf("assigned to %s: %d", who, r.Status)
			}
		}
		for _, u := range []string{"lin1", "lin2"} {
			if _, err := e.Services.Accounts.Create(context.Background(), fugong.System,
				account.User{Username: u, DisplayName: "林晓峰", Role: fugong.RoleBureau, Group: fugong.GroupSupplies}, webtest.Password); err != nil {
				t.Fatal(err)
			}
		}
		if r := move("林晓峰"); r.Status != 400 || !strings.Contains(string(r.Body), "名为“林晓峰”的工作人员有 2 位：林晓峰（lin1）、林晓峰（lin2）") {
			t.Errorf("a name two share: %d", r.Status)
		}
		if r := move("测试supplies"); r.Status != 303 {
			t.Fatalf("assigned by name: %d %s", r.Status, r.Body)
		}
		var got struct{ Assignee string }
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/tickets/"+id, webtest.Payload{}).Decode(t, &got)
		if got.Assignee != "u-supplies" {
			t.Errorf("assignee %q, want u-supplies", got.Assignee)
		}
	})
}
