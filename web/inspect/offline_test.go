package inspect_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// A visit sent again under its form's key (a retry, or the phone's offline
// outbox sending after a lost answer) is the visit already stored: the same
// redirect, one visit, its photos once. Another user's same key is theirs;
// a key past 200 characters is refused.
func TestVisitSentTwiceStoredOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, uiDay)
		path := "/enterprises/" + e.Ents["tangA"] + "/visits"
		count := func() int {
			var l struct {
				Total int `json:"total"`
			}
			e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+e.Ents["tangA"]+"/visits", webtest.Payload{}).Decode(t, &l)
			return l.Total
		}
		post := func(b *webtest.Browser, csrf, key string) webtest.Resp {
			mw := newMultipart(&bytes.Buffer{})
			for _, f := range [][2]string{{"csrf", csrf}, {"key", key}, {"checklist_id", "2"}, {"visited_at", "2020-02-10T10:00"}, {"inspectors", "林晓峰"}} {
				mw.field(t, f[0], f[1])
			}
			for id := 7; id <= 12; id++ {
				mw.field(t, fmt.Sprintf("result.%d", id), "pass")
			}
			mw.file(t, "photo.7", "门卫.jpg", testJPEG)
			mw.file(t, "photo.8", "测温.jpg", testJPEG)
			return b.Do(t, "POST", path, mw.close(t), nil)
		}
		cadre := e.BrowserLogin(t, webtest.RoleCadre)
		form := cadre.Get(t, path+"/new?checklist=2")
		webtest.Contains(t, "the form", form, `data-offline="督导检查 · `, `name="key" value="`)
		csrf := webtest.CSRFOf(t, form.Body)
		first := post(cadre, csrf, "k-offline-1")
		again := post(cadre, csrf, "k-offline-1")
		if first.Status != http.StatusSeeOther || again.Status != http.StatusSeeOther || first.Header.Get("Location") != again.Header.Get("Location") {
			t.Fatalf("sent twice: %d %q, %d %q %s", first.Status, first.Header.Get("Location"), again.Status, again.Header.Get("Location"), first.Body)
		}
		if n := count(); n != 1 {
			t.Fatalf("%d visits stored", n)
		}
		var v struct {
			Answers []struct {
				Photos []struct{} `json:"photos"`
			} `json:"answers"`
		}
		m := visitRedirect.FindStringSubmatch(first.Header.Get("Location"))
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/visits/"+m[1], webtest.Payload{}).Decode(t, &v)
		photos := 0
		for _, a := range v.Answers {
			photos += len(a.Photos)
		}
		if photos != 2 {
			t.Errorf("%d photos", photos)
		}
		town := e.BrowserLogin(t, webtest.RoleTown)
		tf := town.Get(t, path+"/new?checklist=2")
		if r := post(town, webtest.CSRFOf(t, tf.Body), "k-offline-1"); r.Status != http.StatusSeeOther || count() != 2 {
			t.Errorf("another user's same key: %d, %d visits", r.Status, count())
		}
		long := string(bytes.Repeat([]byte("k"), 201))
		if r := post(cadre, csrf, long); r.Status != http.StatusBadRequest || count() != 2 {
			t.Errorf("a 201-character key: %d, %d visits", r.Status, count())
		}
		// The API: the Idempotency-Key header.
		api := func() webtest.Resp {
			body := `{"checklist_id":2,"visited_at":"2020-02-10T10:00:00+08:00","inspectors":["王"],"answers":[{"item_id":7,"result":"pass"},
				{"item_id":8,"result":"pass"},{"item_id":9,"result":"pass"},{"item_id":10,"result":"pass"},{"item_id":11,"result":"pass"},{"item_id":12,"result":"pass"}]}`
			return webtest.Send(t, http.DefaultClient, "POST", e.Server.URL+"/api/v1/enterprises/"+e.Ents["tangA"]+"/visits", webtest.RawJSON(body),
				func(r *http.Request) {
					r.Header.Set("Authorization", "Bearer "+e.Tokens[webtest.RoleBureauInsp])
					r.Header.Set("Idempotency-Key", "api-1")
				})
		}
		a1, a2 := api(), api()
		if a1.Status != 201 || a2.Status != 201 || count() != 3 {
			t.Errorf("API sent twice: %d %d, %d visits: %s", a1.Status, a2.Status, count(), a2.Body)
		}
	})
}
