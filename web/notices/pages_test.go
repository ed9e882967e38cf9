package notices_test

import (
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The pages: the compose form with its audience picker and channels (a
// refused form shows its errors), the notice's coverage with the per-town
// table, chart, call list and reminder, and the clerk's home page panel
// that lists the notice until the clerk acknowledges it.
func TestNoticePages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		mobiles(t, e)
		b := e.BrowserLogin(t, webtest.RoleBureauStat)
		page := b.Get(t, "/notices/new")
		webtest.Contains(t, "the compose form", page, `name="mode" value="all"`, `name="towns" value="330381101"`, `name="size_class"`,
			`name="mujun_classes" value="A"`, `name="channels" value="sms"`, `name="requires_ack"`, `name="attachment"`, "塘下镇")
		csrf := webtest.CSRFOf(t, page.Body)
		r := b.PostForm(t, "/notices", url.Values{"csrf": {csrf}, "title": {"复工通知"}, "body": {"请落实。"}, "mode": {"filter"},
			"towns": {"330381999"}, "channels": {"app"}})
		webtest.Contains(t, "a refused notice", r, "请修改标红的项目后再发布", "不是本市的乡镇街道", `value="复工通知"`)
		if r.Status != 400 {
			t.Errorf("refused: %d", r.Status)
		}
		r = b.PostForm(t, "/notices", url.Values{"csrf": {csrf}, "title": {"关于企业复工疫情防控的通知"}, "body": {"各企业：\n请落实防控主体责任。"},
			"mode": {"filter"}, "towns": {"330381101", "330381010"}, "channels": {"app", "sms"}, "requires_ack": {"1"}})
		loc := r.Header.Get("Location")
		if r.Status != 303 || !strings.HasPrefix(loc, "/notices/") {
			t.Fatalf("send: %d %s", r.Status, r.Body)
		}
		page = b.Get(t, loc)
		webtest.Contains(t, "the notice's page", page, "通知已发布，共 3 家企业", `id="noticestats"`, `id="notice-towns"`, "塘下镇", "仙降街道",
			"<svg", `id="pending"`, `id="remind"`, "一键短信提醒未确认企业", "导出未确认企业 Excel", `id="sms"`, "0 / 3")
		path := strings.TrimSuffix(loc, "?sent=1")

		clerk := e.BrowserLogin(t, webtest.RoleClerk)
		home := clerk.Get(t, "/")
		webtest.Contains(t, "the clerk's home page", home, `id="notice-panel"`, "待阅通知", "关于企业复工疫情防控的通知", "未读")
		view := clerk.Get(t, path)
		webtest.Contains(t, "the clerk's notice", view, "请落实防控主体责任。", `id="ack"`, "已阅并落实")
		if strings.Contains(string(view.Body), `id="pending"`) {
			t.Error("the clerk sees the call list")
		}
		webtest.Contains(t, "the panel after reading", clerk.Get(t, "/"), "待确认")
		r = clerk.PostForm(t, path+"/acknowledge", url.Values{"csrf": {webtest.CSRFOf(t, view.Body)}})
		if r.Status != 303 {
			t.Fatalf("acknowledge: %d %s", r.Status, r.Body)
		}
		webtest.Contains(t, "acknowledged", clerk.Get(t, r.Header.Get("Location")), "已确认：已阅并落实")
		if strings.Contains(string(clerk.Get(t, "/").Body), `id="notice-panel"`) {
			t.Error("the panel stays after the clerk acknowledged")
		}

		page = b.Get(t, path)
		r = b.PostForm(t, path+"/remind", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}})
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "reminded=2") {
			t.Fatalf("remind: %d %s", r.Status, r.Header.Get("Location"))
		}
		r = b.PostForm(t, path+"/remind", url.Values{"csrf": {webtest.CSRFOf(t, page.Body)}})
		if r.Status != 409 {
			t.Errorf("a second reminder: %d", r.Status)
		}
		webtest.Contains(t, "a second reminder", r, "分钟内不再重复提醒")
		webtest.Contains(t, "the list", b.Get(t, "/notices"), "关于企业复工疫情防控的通知", "33.3%")
	})
}

func TestSMSSettingsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		b := e.BrowserLogin(t, webtest.RoleAdmin)
		page := b.Get(t, "/notices/settings")
		webtest.Contains(t, "the settings", page, "【瑞安经信】", `name="url"`, `name="headers"`, `name="body"`)
		csrf := webtest.CSRFOf(t, page.Body)
		r := b.PostForm(t, "/notices/settings", url.Values{"csrf": {csrf}, "signature": {"【瑞安经信】"}, "max_runes": {"500"}, "url": {"ftp://x"},
			"headers": {"no colon"}, "body": {"{{.Phone}}"}, "timeout_seconds": {"10"}})
		if r.Status != 400 {
			t.Fatalf("bad settings: %d", r.Status)
		}
		webtest.Contains(t, "bad settings", r, "每行一个请求头")
		r = b.PostForm(t, "/notices/settings", url.Values{"csrf": {csrf}, "signature": {"【瑞安经信】"}, "max_runes": {"500"}, "url": {"https://sms.example.cn/send"},
			"headers": {"Authorization: Bearer k"}, "body": {`{"p":{{json .Phone}}}`}, "timeout_seconds": {"10"}})
		if r.Status != 303 {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		webtest.Contains(t, "saved", b.Get(t, "/notices/settings?saved=1"), "设置已保存", "https://sms.example.cn/send", "Authorization: Bearer k")
	})
}
