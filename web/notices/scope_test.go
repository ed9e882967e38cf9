package notices_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"fugong"
	"fugong/files"
	"fugong/notice"
	"fugong/store"
	"fugong/store/storetest"
	webnotices "fugong/web/notices"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webnotices.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webnotices.New(e.Services.Notices), scopeCases)
	})
}

// The statistics group sends the fixture notices: its members and the
// coordination group remind, the inspection group does not.
var statGroup = fugong.Actor{UserID: 1, Username: "u-bureau-stat", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}

// fixtures are the notices of each environment: one to every firm (with an
// attachment), one to 仙降 alone.
var fixtures sync.Map // *webtest.Env → *fixture

type fixture struct{ city, xian, file int64 }

func mustSend(e *webtest.Env, aud notice.Audience, ups ...files.Upload) notice.Notice {
	n, err := e.Services.Notices.Send(context.Background(), statGroup, notice.Input{Title: "关于企业复工复产疫情防控的通知",
		Body: "请各企业落实防控主体责任。", Audience: aud, Channels: []string{"app", "sms"}, RequiresAck: true}, ups)
	if err != nil {
		panic(err)
	}
	return n
}

// mobiles gives the fixture firms mobiles, so that texts go to them.
func mobiles(t testing.TB, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	for i, key := range []string{"tangA", "tangB", "xianA"} {
		before := e.Stored(t, e.Ents[key])
		after := before
		after.ContactPhone = fmt.Sprintf("1395771000%d", i+1)
		if _, err := e.DB.UpdateEnterprise(ctx, fugong.System, before, after); err != nil {
			t.Fatal(err)
		}
	}
}

func fixtureOf(e *webtest.Env) *fixture {
	if f, ok := fixtures.Load(e); ok {
		return f.(*fixture)
	}
	city := mustSend(e, notice.Audience{All: true}, files.Upload{Name: "通知.pdf", Data: []byte(webtest.MinimalPDF)})
	xian := mustSend(e, notice.Audience{Towns: []string{"仙降"}})
	f := &fixture{city: city.ID, xian: xian.ID, file: city.Files[0].ID}
	fixtures.Store(e, f)
	return f
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// on fills a route's {id} (and {file}) with a fixture notice.
func on(route string, which func(*fixture) int64) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		f := fixtureOf(e)
		u := replace(route, "{id}", id(which(f)))
		return replace(u, "{file}", id(f.file))
	}
}

// fresh fills {id} with a notice of its own for each role: a reminder
// waits 30 minutes before the next, so the roles must not share one.
func fresh(route string) func(*webtest.Env, string) string {
	return func(e *webtest.Env, role string) string {
		return replace(route, "{id}", id(mustSend(e, notice.Audience{All: true}).ID))
	}
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

func city(f *fixture) int64 { return f.city }
func xian(f *fixture) int64 { return f.xian }

func body(v any) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.JSON(v) }
}

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

func withMobiles(t *testing.T, e *webtest.Env) { mobiles(t, e) }

var toAll = map[string]any{"title": "复工通知", "body": "请落实防控措施。", "audience": map[string]any{"all": true}, "channels": []string{"app", "sms"}, "requires_ack": true}
var toXian = map[string]any{"title": "仙降通知", "body": "请落实防控措施。", "audience": map[string]any{"towns": []string{"仙降街道"}}, "channels": []string{"app"}}

// scopeCases walk the notices' routes. Admin, every work group and the
// towns (for their own firms) send; whoever has a recipient in their scope
// sees a notice, with its counts in their scope; only a clerk
// acknowledges; the sender's group, the coordination group, the admin and
// the towns remind; the call list is not the clerks'. The SMS gateway is
// the admin's.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: "/api/v1/notices", Want: webtest.Every(200)},
	{Method: "GET", Route: "/api/v1/notices", Note: "unread=true", Want: webtest.By(400, 400, 400, 400, 400, 200, 400),
		Path: func(*webtest.Env, string) string { return "/api/v1/notices?unread=true" }},
	{Method: "POST", Route: "/api/v1/notices", Note: "to all", Body: body(toAll), Want: webtest.By(201, 201, 201, 201, 403, 403, 403)},
	{Method: "POST", Route: "/api/v1/notices", Note: "to 仙降", Body: body(toXian), Want: webtest.By(201, 201, 201, 400, 403, 403, 403)},
	{Method: "GET", Route: "/api/v1/notices/{id}", Note: "to all", Path: on("/api/v1/notices/{id}", city), Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/notices/{id}", Note: "to 仙降", Path: on("/api/v1/notices/{id}", xian), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/notices/{id}", Note: "none", Path: func(*webtest.Env, string) string { return "/api/v1/notices/999999" },
		Want: webtest.Every(404)},
	{Method: "POST", Route: "/api/v1/notices/{id}/acknowledge", Note: "to all", Path: on("/api/v1/notices/{id}/acknowledge", city),
		Want: webtest.By(403, 403, 403, 403, 403, 200, 404)},
	{Method: "POST", Route: "/api/v1/notices/{id}/acknowledge", Note: "to 仙降", Path: on("/api/v1/notices/{id}/acknowledge", xian),
		Want: webtest.By(403, 403, 403, 404, 404, 404, 404)},
	{Method: "POST", Route: "/api/v1/notices/{id}/remind", Note: "by 信息统计组", Setup: withMobiles, Path: fresh("/api/v1/notices/{id}/remind"),
		Want: webtest.By(200, 200, 403, 200, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/notices/{id}/pending", Path: on("/api/v1/notices/{id}/pending", city), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/api/v1/notices/{id}/pending/export", Path: on("/api/v1/notices/{id}/pending/export", city),
		Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/api/v1/notices/{id}/files/{file}", Path: on("/api/v1/notices/{id}/files/{file}", city),
		Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/notices/{id}/files/{file}", Note: "of another notice", Path: on("/api/v1/notices/{id}/files/{file}", xian),
		Want: webtest.By(404, 404, 404, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/settings/sms", Want: webtest.AdminOnly(200)},
	{Method: "PUT", Route: "/api/v1/settings/sms", Body: body(map[string]any{"signature": "【瑞安经信】", "max_runes": 500, "gateway": map[string]any{}}),
		Want: webtest.AdminOnly(200)},

	// The pages follow the API; a form post that succeeds is a 303.
	{Method: "GET", Route: "/notices", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/notices/new", Want: webtest.By(200, 200, 200, 200, 403, 403, 404)},
	{Method: "POST", Route: "/notices", Body: form(url.Values{"title": {"复工通知"}, "body": {"请落实。"}, "mode": {"all"}, "channels": {"app"}}),
		Want: webtest.By(303, 303, 303, 303, 403, 403, 404)},
	{Method: "GET", Route: "/notices/{id}", Path: on("/notices/{id}", city), Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/notices/{id}", Note: "to 仙降", Path: on("/notices/{id}", xian), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/notices/{id}/acknowledge", Path: on("/notices/{id}/acknowledge", city), Want: webtest.By(403, 403, 403, 403, 403, 303, 404)},
	{Method: "POST", Route: "/notices/{id}/remind", Setup: withMobiles, Path: fresh("/notices/{id}/remind"), Want: webtest.By(303, 303, 403, 303, 403, 403, 404)},
	{Method: "GET", Route: "/notices/{id}/export", Path: on("/notices/{id}/export", city), Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/notices/settings", Want: webtest.AdminOnly(200)},
	{Method: "POST", Route: "/notices/settings", Body: form(url.Values{"signature": {"【瑞安经信】"}, "max_runes": {"500"}, "timeout_seconds": {"10"}}),
		Want: webtest.AdminOnly(303)},
}
