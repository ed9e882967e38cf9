package registry_test

import (
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestTextRefusedBeforeStoring: a NUL or bytes that are not UTF-8 in a JSON
// field, a form value, a file name, a sheet's cell or a query parameter are
// 400 naming it on both engines (PostgreSQL once answered 500, SQLite
// stored the NUL), in the API and the pages alike, and nothing is stored.
func TestTextRefusedBeforeStoring(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		n := e.CountEnterprises(t)
		stored := func(t *testing.T) {
			t.Helper()
			if got := e.CountEnterprises(t); got != n {
				t.Errorf("%d enterprises stored", got-n)
			}
		}
		t.Run("JSON field", func(t *testing.T) {
			for _, name := range []string{"瑞安\x00汽配", "瑞安\xff\xfe汽配"} {
				body := []byte(`{"uscc":"` + e.NewUSCC(t) + `","name":"` + name + `","town":"` + webtest.TownTangxia +
					`","size_class":"below","contact_phone":"13912345678"}`)
				body = bytes.ReplaceAll(body, []byte{0}, []byte(`\u0000`))
				webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises", webtest.Payload{CType: "application/json", Data: body}), 400, "name", "“name”")
			}
			stored(t)
		})
		t.Run("query parameter", func(t *testing.T) {
			// The modules' routes get the same check from the kit's wrappers
			// (cmd/fugong/wiring's TestHostileInput walks them all).
			for _, path := range []string{"/api/v1/enterprises?q=%00", "/api/v1/enterprises/export?q=a%00", "/api/v1/audit?actor=%ff%fe"} {
				field, _, _ := strings.Cut(path[strings.Index(path, "?")+1:], "=")
				webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "GET", path, webtest.Payload{}), 400, field, "")
			}
			webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises?%00=1", webtest.Payload{}), 400, "", "")
			webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/%00", webtest.Payload{}), 400, "uscc", "")
		})
		t.Run("sheet cell", func(t *testing.T) {
			code := e.NewUSCC(t)
			for _, file := range []webtest.Payload{
				webtest.Upload(t, "list.csv", webtest.ImportHeader+webtest.ImportRow(code, "导入\x00企业", "塘下镇", "13912345678"), nil),
				webtest.Upload(t, "list.csv", "\uFEFF"+webtest.ImportHeader+webtest.ImportRow(code, "导入\xff企业", "塘下镇", "13912345678"), nil),
			} {
				r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import?skip_bad=true", file)
				webtest.WantErr(t, r, 400, "企业名称", "第2行")
			}
			stored(t)
		})
		t.Run("form value and file name", func(t *testing.T) {
			r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "list.csv", webtest.ImportHeader, map[string]string{"skip_bad": "\x00"}))
			webtest.WantErr(t, r, 400, "skip_bad", "")
			r = e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/import", webtest.Upload(t, "list\xff.csv", webtest.ImportHeader, nil))
			webtest.WantErr(t, r, 400, "file", "UTF-8")
			stored(t)
		})
		t.Run("idempotency key", func(t *testing.T) {
			r := webtest.Send(t, http.DefaultClient, "PUT", e.Server.URL+e.PathFor("/api/v1/enterprises/{uscc}/reports/{date}", "tangA"), webtest.RawJSON(`{}`), func(r *http.Request) {
				r.Header.Set("Authorization", "Bearer "+e.Tokens[webtest.RoleAdmin])
				r.Header.Set("Idempotency-Key", "key-\xff")
			})
			webtest.WantErr(t, r, 400, "Idempotency-Key", "")
			if _, err := e.Services.Daily.Get(t.Context(), fugong.System, e.Ents["tangA"], e.Today()); fugong.ErrorCode(err) != fugong.ENotFound {
				t.Errorf("a report was stored: %v", err)
			}
		})
		t.Run("pages", func(t *testing.T) {
			b := e.BrowserLogin(t, webtest.RoleAdmin)
			csrf := webtest.CSRFOf(t, b.Get(t, "/enterprises/new").Body)
			r := b.PostForm(t, "/enterprises", url.Values{"csrf": {csrf}, "uscc": {e.NewUSCC(t)}, "name": {"网页\x00企业"},
				"town": {webtest.TownTangxia}, "size_class": {"below"}, "contact_phone": {"13912345678"}, "employees": {"3"}})
			if r.Status != 400 || !bytes.Contains(r.Body, []byte("“name”含有空字符")) {
				t.Errorf("form: status %d: %.300s", r.Status, r.Body)
			}
			stored(t)
			if r := b.Get(t, "/enterprises?q=%ff"); r.Status != 400 || !bytes.Contains(r.Body, []byte("“q”不是有效的 UTF-8 文本")) {
				t.Errorf("query: status %d: %.300s", r.Status, r.Body)
			}
			// The login form, before any session.
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			anon := &http.Client{Jar: jar}
			token := webtest.CSRFOf(t, webtest.Send(t, anon, "GET", e.Server.URL+"/login", webtest.Payload{}, nil).Body)
			r = webtest.Send(t, anon, "POST", e.Server.URL+"/login", webtest.Form(url.Values{"username": {"u-admin\x00"}, "password": {webtest.Password}, "csrf": {token}}), nil)
			if r.Status != 400 || !bytes.Contains(r.Body, []byte("“username”含有空字符")) {
				t.Errorf("login: status %d: %.300s", r.Status, r.Body)
			}
		})
	})
}
