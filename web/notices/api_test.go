package notices_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"fugong"
	"fugong/notice"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

type noticeResp struct {
	ID           int64 `json:"id"`
	Recipients   int   `json:"recipients"`
	Read         int   `json:"read"`
	Acknowledged int   `json:"acknowledged"`
	Towns        []struct {
		Town         string `json:"town"`
		TownName     string `json:"town_name"`
		Recipients   int    `json:"recipients"`
		Acknowledged int    `json:"acknowledged"`
		SMSSent      int    `json:"sms_sent"`
	} `json:"towns"`
	SMS         notice.SMS      `json:"sms"`
	Receipt     *notice.Receipt `json:"receipt"`
	Attachments []struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	} `json:"attachments"`
}

func post(t *testing.T, e *webtest.Env, role string, v any) (noticeResp, webtest.Resp) {
	t.Helper()
	r := e.As(t, role, "POST", "/api/v1/notices", webtest.JSON(v))
	var n noticeResp
	if r.Status == 201 {
		r.Decode(t, &n)
	}
	return n, r
}

func get(t *testing.T, e *webtest.Env, role string, id int64) noticeResp {
	t.Helper()
	r := e.As(t, role, "GET", fmt.Sprintf("/api/v1/notices/%d", id), webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("GET notice %d as %s: %d %s", id, role, r.Status, r.Body)
	}
	var n noticeResp
	r.Decode(t, &n)
	return n
}

// The contract: a notice to every firm counts the active ones, closed
// ones get nothing; the clerk sees it unread, acknowledges it, and the
// coverage per town follows; another firm's notice is 404 to a clerk.
func TestNoticeContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		ctx := context.Background()
		closed := e.AddEnterprise(t, "MA2DDDD04", webtest.TownTangxia, registry.SizeBelow, "瑞安市塘下旧厂")
		before := e.Stored(t, closed)
		after := before
		after.Status = registry.StatusClosed
		if _, err := db.UpdateEnterprise(ctx, fugong.System, before, after); err != nil {
			t.Fatal(err)
		}
		n, r := post(t, e, webtest.RoleBureauStat, map[string]any{"title": "关于做好复工复产疫情防控工作的通知", "body": "各企业：请落实防控主体责任。",
			"audience": map[string]any{"all": true}, "channels": []string{"app", "sms"}, "requires_ack": true})
		if r.Status != 201 || n.ID == 0 || n.Recipients != 3 {
			t.Fatalf("send: %d %s", r.Status, r.Body)
		}
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/notices/%d", n.ID) {
			t.Errorf("Location %q", loc)
		}
		d := get(t, e, webtest.RoleAdmin, n.ID)
		if d.Recipients != 3 || d.Read != 0 || d.Acknowledged != 0 || len(d.Towns) != 2 || d.Towns[0].Town != webtest.TownXianjiang ||
			d.Towns[1].Town != webtest.TownTangxia || d.Towns[1].Recipients != 2 || d.Towns[1].TownName != "塘下镇" {
			t.Fatalf("detail %+v", d)
		}
		// The fixture firms have landlines: no text.
		if d.SMS.NoMobile != 3 || d.SMS.Total() != 0 {
			t.Errorf("texts %+v", d.SMS)
		}
		var unread struct {
			Items []struct {
				ID      int64           `json:"id"`
				Receipt *notice.Receipt `json:"receipt"`
			} `json:"items"`
			Total int `json:"total"`
		}
		e.As(t, webtest.RoleClerk, "GET", "/api/v1/notices?unread=true", webtest.Payload{}).Decode(t, &unread)
		if unread.Total != 1 || unread.Items[0].ID != n.ID || unread.Items[0].Receipt == nil || unread.Items[0].Receipt.ReadAt != nil {
			t.Fatalf("unread %+v", unread)
		}
		r = e.As(t, webtest.RoleClerk, "POST", fmt.Sprintf("/api/v1/notices/%d/acknowledge", n.ID), webtest.Payload{})
		var rc notice.Receipt
		if r.Decode(t, &rc); r.Status != 200 || rc.AcknowledgedAt == nil || rc.ReadAt == nil || rc.USCC != e.Ents["tangB"] {
			t.Fatalf("acknowledge: %d %s", r.Status, r.Body)
		}
		e.As(t, webtest.RoleClerk, "GET", "/api/v1/notices?unread=true", webtest.Payload{}).Decode(t, &unread)
		if unread.Total != 0 {
			t.Errorf("still unread after acknowledging: %+v", unread)
		}
		d = get(t, e, webtest.RoleAdmin, n.ID)
		if d.Read != 1 || d.Acknowledged != 1 || d.Towns[1].Acknowledged != 1 {
			t.Errorf("after the clerk: %+v", d)
		}
		// 塘下's official sees 塘下's counts only.
		if td := get(t, e, webtest.RoleTown, n.ID); td.Recipients != 2 || len(td.Towns) != 1 {
			t.Errorf("塘下's view %+v", td)
		}
		// The clerk's own view is their receipt.
		if cd := get(t, e, webtest.RoleClerk, n.ID); cd.Receipt == nil || cd.Receipt.AcknowledgedAt == nil || cd.Recipients != 1 {
			t.Errorf("the clerk's view %+v", cd)
		}
		// Another firm's notice is not found for the clerk.
		other, _ := post(t, e, webtest.RoleAdmin, map[string]any{"title": "仙降通知", "body": "x", "audience": map[string]any{"towns": []string{"仙降"}},
			"channels": []string{"app"}, "requires_ack": true})
		for _, path := range []string{"/api/v1/notices/%d", "/api/v1/notices/%d/acknowledge"} {
			method := "GET"
			if strings.HasSuffix(path, "acknowledge") {
				method = "POST"
			}
			if r := e.As(t, webtest.RoleClerk, method, fmt.Sprintf(path, other.ID), webtest.Payload{}); r.Status != 404 || r.Err(t).Error.Code != "not_found" {
				t.Errorf("%s another firm's notice: %d", method, r.Status)
			}
		}
	})
}

// Bad input gets a clear error on its field, and stores nothing.
func TestNoticeBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		base := func(edit func(m map[string]any)) map[string]any {
			m := map[string]any{"title": "复工通知", "body": "请落实。", "audience": map[string]any{"all": true}, "channels": []string{"app", "sms"}}
			edit(m)
			return m
		}
		for _, tt := range []struct {
			name, field, says string
			body              any
		}{
			{"an empty audience", "audience.all", "请选择通知对象", base(func(m map[string]any) { m["audience"] = map[string]any{} })},
			{"a town that does not exist", "audience.towns", "不是本市的乡镇街道：火星镇",
				base(func(m map[string]any) { m["audience"] = map[string]any{"towns": []string{"塘下", "火星镇"}} })},
			{"an SMS over the gateway's limit", "body", "超过短信网关上限 500 个字", base(func(m map[string]any) { m["body"] = strings.Repeat("疫", 600) })},
			{"an unknown firm", "audience.enterprises", "不存在或不在您的管辖范围内",
				base(func(m map[string]any) {
					m["audience"] = map[string]any{"enterprises": []string{webtest.USCC(t, "MA9999999")}}
				})},
			{"no channel", "channels", "请至少选择一个发送渠道", base(func(m map[string]any) { m["channels"] = []string{} })},
			{"an unknown field", "colour", "", base(func(m map[string]any) { m["colour"] = "red" })},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, r := post(t, e, webtest.RoleAdmin, tt.body)
				er := r.Err(t)
				if r.Status != 400 || er.Error.Code != "invalid" || er.Error.Field != tt.field || !strings.Contains(er.Error.Message, tt.says) {
					t.Errorf("%d %+v", r.Status, er.Error)
				}
			})
		}
		var list struct{ Total int }
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/notices", webtest.Payload{}).Decode(t, &list)
		if list.Total != 0 {
			t.Errorf("%d notices stored from bad input", list.Total)
		}
		// A town may not write to another town.
		_, r := post(t, e, webtest.RoleTown, map[string]any{"title": "t", "body": "b", "audience": map[string]any{"towns": []string{"仙降"}}, "channels": []string{"app"}})
		if r.Status != 400 || r.Err(t).Error.Field != "audience.towns" {
			t.Errorf("a town to another town: %d %s", r.Status, r.Body)
		}
	})
}

// multipartNotice is a notice with attachments as a form.
func multipartNotice(t *testing.T, v any, files map[string]string) webtest.Payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	b, _ := json.Marshal(v)
	mw.WriteField("notice", string(b))
	for name, content := range files {
		fw, _ := mw.CreateFormFile("attachment", name)
		io.WriteString(fw, content)
	}
	mw.Close()
	return webtest.Payload{CType: mw.FormDataContentType(), Data: buf.Bytes()}
}

// Attachments are checked by their bytes (the files package) and read
// through the notice, by whoever sees it.
func TestNoticeAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		v := map[string]any{"title": "复工政策二十五条", "body": "见附件。", "audience": map[string]any{"towns": []string{"塘下"}}, "channels": []string{"app"}}
		r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/notices", multipartNotice(t, v, map[string]string{"政策.pdf": webtest.MinimalPDF}))
		var n noticeResp
		if r.Decode(t, &n); r.Status != 201 || len(n.Attachments) != 1 {
			t.Fatalf("send with a PDF: %d %s", r.Status, r.Body)
		}
		f := e.As(t, webtest.RoleClerk, "GET", n.Attachments[0].URL, webtest.Payload{})
		if f.Status != 200 || string(f.Body) != webtest.MinimalPDF || f.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("the clerk's download: %d %q", f.Status, f.Header.Get("Content-Type"))
		}
		r = e.As(t, webtest.RoleAdmin, "POST", "/api/v1/notices", multipartNotice(t, v, map[string]string{"政策.pdf": "MZ not a pdf"}))
		if r.Status != 400 || r.Err(t).Error.Field != "attachment" {
			t.Errorf("a file that is no PDF: %d %s", r.Status, r.Body)
		}
	})
}

// The texts go out through the gateway set in the settings: a gateway
// that fails is retried, each firm gets one text, the progress shows; the
// reminder texts the firms that have not acknowledged, once in 30 minutes.
func TestNoticeTextsThroughTheGateway(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		mobiles(t, e)
		var mu sync.Mutex
		got := map[string][]string{}
		tries := 0
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			tries++
			if tries == 1 {
				http.Error(w, "busy", 503)
				return
			}
			if r.Header.Get("X-Api-Key") != "secret" {
				http.Error(w, "no key", 401)
				return
			}
			b, _ := io.ReadAll(r.Body)
			var m struct{ Mobile, Content string }
			json.Unmarshal(b, &m)
			got[m.Mobile] = append(got[m.Mobile], m.Content)
		}))
		defer gw.Close()
		r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/settings/sms", webtest.JSON(map[string]any{"signature": "【瑞安经信】", "max_runes": 300,
			"gateway": map[string]any{"url": gw.URL, "headers": map[string]string{"X-Api-Key": "secret"},
				"body": `{"mobile": {{json .Phone}}, "content": {{json .Text}}}`, "timeout_seconds": 2}}))
		if r.Status != 200 {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		if bad := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/settings/sms", webtest.JSON(map[string]any{"gateway": map[string]any{"url": "ftp://x", "body": "{{.Nope}}"}})); bad.Status != 400 {
			t.Errorf("bad settings: %d", bad.Status)
		}
		n, _ := post(t, e, webtest.RoleBureauStat, map[string]any{"title": "复工通知", "body": "请落实。", "audience": map[string]any{"all": true},
			"channels": []string{"sms", "app"}, "requires_ack": true})
		if d := get(t, e, webtest.RoleAdmin, n.ID); d.SMS.Queued != 3 {
			t.Fatalf("queued %+v", d.SMS)
		}
		d := &notice.Dispatcher{Outbox: db, Settings: e.Services.Notices.SMSSettings, Now: e.Clock.Now, Logger: slog.New(slog.DiscardHandler),
			Retry: notice.Backoff{First: 1, Max: 1, Attempts: 5}}
		for range 3 {
			if _, err := d.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		dn := get(t, e, webtest.RoleAdmin, n.ID)
		if dn.SMS.Sent != 3 || dn.SMS.Queued != 0 || len(got) != 3 {
			t.Fatalf("after the rounds: %+v, gateway got %v", dn.SMS, got)
		}
		for phone, texts := range got {
			if len(texts) != 1 || texts[0] != "【瑞安经信】《复工通知》请落实。" {
				t.Errorf("%s got %q", phone, texts)
			}
		}
		e.As(t, webtest.RoleClerk, "POST", fmt.Sprintf("/api/v1/notices/%d/acknowledge", n.ID), webtest.Payload{})
		r = e.As(t, webtest.RoleBureauStat, "POST", fmt.Sprintf("/api/v1/notices/%d/remind", n.ID), webtest.Payload{})
		var q struct{ Queued int }
		if r.Decode(t, &q); r.Status != 200 || q.Queued != 2 {
			t.Fatalf("remind: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleAdmin, "POST", fmt.Sprintf("/api/v1/notices/%d/remind", n.ID), webtest.Payload{}); r.Status != 409 || r.Err(t).Error.Code != "conflict" {
			t.Errorf("a second reminder at once: %d %s", r.Status, r.Body)
		}
		d.RunOnce(context.Background())
		if dn := get(t, e, webtest.RoleAdmin, n.ID); dn.SMS.Reminders != 2 {
			t.Errorf("reminders %+v", dn.SMS)
		}
		if len(got[fmt.Sprint("13957710002")]) != 1 {
			t.Errorf("the clerk's firm, which acknowledged, was reminded: %v", got)
		}
		var pend struct {
			Items []notice.Pending `json:"items"`
			Total int              `json:"total"`
		}
		e.As(t, webtest.RoleAdmin, "GET", fmt.Sprintf("/api/v1/notices/%d/pending", n.ID), webtest.Payload{}).Decode(t, &pend)
		if pend.Total != 2 || pend.Items[0].SMS != "sent" {
			t.Errorf("call list %+v", pend)
		}
		x := e.As(t, webtest.RoleAdmin, "GET", fmt.Sprintf("/api/v1/notices/%d/pending/export", n.ID), webtest.Payload{})
		if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") || !bytes.HasPrefix(x.Body, []byte("PK")) {
			t.Errorf("export: %d %q", x.Status, x.Header.Get("Content-Type"))
		}
	})
}
