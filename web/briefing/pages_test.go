package briefing_test

import (
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The briefing page: the headline, a section per module with its figures,
// SVG chart and tables, links to the PDF and the workbook, and the
// coordination group's button to issue it; after the issue, the page
// links to the issued PDF.
func TestBriefingPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, day10)
		resumed(t, e, "2020-02-10")
		e.AddBureauUsers(t, webtest.RoleCoord)
		b := e.BrowserLogin(t, webtest.RoleCoord)
		if r := b.Get(t, "/briefings"); r.Status != 303 || r.Header.Get("Location") != "/briefings/2020-02-10" {
			t.Fatalf("/briefings: %d %q", r.Status, r.Header.Get("Location"))
		}
		page := b.Get(t, "/briefings/2020-02-10")
		webtest.Contains(t, "the briefing page", page, "瑞安市经信局复工复产日日报", "未签发（草稿）", "2月10日", `id="headline"`,
			"规模以上工业企业 1 家已全部复工。", `id="section-production"`, `id="section-reports"`, `id="section-inspection"`, `id="section-groups"`,
			"<svg", "各乡镇街道复工情况", `href="/briefings/2020-02-10.pdf"`, `href="/briefings/2020-02-10.xlsx"`, `id="issue"`, "签发本日日报")
		r := b.PostForm(t, "/briefings/2020-02-10/issues", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}})
		if r.Status != 303 || r.Header.Get("Location") != "/briefings/2020-02-10?issued=1" {
			t.Fatalf("issue: %d %q", r.Status, r.Header.Get("Location"))
		}
		page = b.Get(t, r.Header.Get("Location"))
		webtest.Contains(t, "after the issue", page, "已签发第 1 期", "下载 PDF（签发版）", "签发更正版（新一期）", `href="/briefings/2020-02-10.pdf?issue=1"`)
		if r := b.Get(t, "/briefings/2020-02-10.pdf"); r.Status != 200 || r.Header.Get("X-Briefing-Issue") != "1" || !strings.HasPrefix(string(r.Body), "%PDF") {
			t.Errorf("the page's PDF: %d %q", r.Status, r.Header.Get("X-Briefing-Issue"))
		}
		webtest.Contains(t, "issue 1", b.Get(t, "/briefings/2020-02-10?issue=1"), "第 1 期")
		// The inspection group reads it but does not issue.
		insp := e.BrowserLogin(t, webtest.RoleBureauInsp)
		if p := insp.Get(t, "/briefings/2020-02-10"); strings.Contains(string(p.Body), `id="issue"`) {
			t.Error("the inspection group may issue")
		}
		// A town reads its own.
		webtest.Contains(t, "the town's page", e.BrowserLogin(t, webtest.RoleTown).Get(t, "/briefings/2020-02-10"), "塘下镇复工复产日日报", "塘下镇（本乡镇数据）")
	})
}

// The groups' days: the list of the five, and a group's form filled in
// advance, saved by a member and shown read-only to another group.
func TestGroupDayPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, day10)
		b := e.BrowserLogin(t, webtest.RoleBureauStat)
		list := b.Get(t, "/groups")
		webtest.Contains(t, "the groups' list", list, "综合协调组", "检查督导组", "信息统计组", "物资筹备组", "联防联控组", "未填报",
			`href="/groups/statistics/days/2020-02-10"`)
		form := b.Get(t, "/groups/statistics/days/2020-02-10")
		webtest.Contains(t, "the form", form, "尚未填报", `name="summary"`, "应报企业 3 家", `name="fig_label" value="应报（家）"`, `name="fig_value" value="3"`)
		csrf := webtest.CSRFOf(t, form.Body)
		r := b.PostForm(t, "/groups/statistics/days/2020-02-10", url.Values{"csrf": {csrf}, "summary": {""}, "fig_label": {"催报电话"}, "fig_value": {"320"}})
		if r.Status != 400 {
			t.Fatalf("an empty summary: %d", r.Status)
		}
		webtest.Contains(t, "an empty summary", r, "工作小结必填", `value="催报电话"`)
		r = b.PostForm(t, "/groups/statistics/days/2020-02-10", url.Values{"csrf": {csrf}, "summary": {"今日电话催报 320 家。"},
			"fig_label": {"催报电话", "备注", ""}, "fig_value": {"３２０", "全部到位", ""}})
		if r.Status != 303 {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		webtest.Contains(t, "saved", b.Get(t, r.Header.Get("Location")), "已保存", "已填报，未定稿", `value="320"`, `value="全部到位"`)
		other := e.BrowserLogin(t, webtest.RoleBureauInsp).Get(t, "/groups/statistics/days/2020-02-10")
		webtest.Contains(t, "another group's view", other, "今日电话催报 320 家。", "催报电话")
		if strings.Contains(string(other.Body), `name="summary"`) {
			t.Error("another group's member gets the form")
		}
	})
}
