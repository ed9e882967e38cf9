package tickets_test

import (
	"bytes"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestTextRefused: the kit's wrappers check the text a module's routes
// are sent before the module sees it (web.checkInput, the JSON decoding):
// a NUL or bytes that are not UTF-8 in a query, a JSON field or a page's
// query are 400 naming them, and nothing is stored.
func TestTextRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, ticketDay)
		for _, path := range []string{"/api/v1/tickets?assignee=%00", "/api/v1/tickets/export?assignee=%ff"} {
			webtest.WantErr(t, e.As(t, webtest.RoleAdmin, "GET", path, webtest.Payload{}), 400, "assignee", "")
		}
		before := listTickets(e, t, webtest.RoleAdmin, "").Total
		for _, title := range []string{`原料\u0000不足`, "原料\xff\xfe不足"} {
			body := `{"enterprise":"` + e.Ents["tangB"] + `","category":"raw_materials","urgency":"high","title":"` + title + `","description":"x"}`
			webtest.WantErr(t, e.As(t, webtest.RoleClerk, "POST", "/api/v1/tickets", webtest.RawJSON(body)), 400, "title", "")
		}
		if after := listTickets(e, t, webtest.RoleAdmin, "").Total; after != before {
			t.Errorf("%d tickets stored", after-before)
		}
		b := e.BrowserLogin(t, webtest.RoleAdmin)
		if r := b.Get(t, "/tickets?assignee=%ff"); r.Status != 400 || !bytes.Contains(r.Body, []byte("“assignee”不是有效的 UTF-8 文本")) {
			t.Errorf("page query: status %d: %.300s", r.Status, r.Body)
		}
	})
}
