package checkpoint_test

import (
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// A registration the staff file for a traveller without a phone, sent
// again under its form's key (a retry, or the phone's offline outbox after
// a lost answer), is the one already stored: the same number, one
// registration; a new key is a new one. The form carries its key and is
// marked for offline entry with personal data.
func TestStaffRegistrationSentTwiceStoredOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		f := fx(e)
		xian := "/checkpoints/" + id(f.xian.ID)
		form := get(t, e, webtest.RoleCheckpoint, xian+"/register")
		webtest.Contains(t, "the form", form, `data-offline="代为登记 · `, `data-personal`, `name="key" value="`)
		pending := func() int {
			var l struct {
				Total int `json:"total"`
			}
			e.As(t, webtest.RoleAdmin, "GET", "/api/v1/checkpoints/"+id(f.xian.ID)+"/registrations?status=pending", webtest.Payload{}).Decode(t, &l)
			return l.Total
		}
		before := pending()
		send := func(key string) string {
			v := travellerForm()
			v.Set("key", key)
			r := post(t, e, webtest.RoleCheckpoint, xian+"/register", v)
			if r.Status != 303 {
				t.Fatalf("register under %q: %d %s", key, r.Status, r.Body)
			}
			loc, err := url.Parse(r.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			return loc.Query().Get("registered")
		}
		first, again := send("k-1"), send("k-1")
		if first == "" || first != again || pending() != before+1 {
			t.Errorf("sent twice: numbers %q %q, %d pending (before %d)", first, again, pending(), before)
		}
		if other := send("k-2"); other == first || pending() != before+2 {
			t.Errorf("another key: %q, %d pending", other, pending())
		}
		v := travellerForm()
		v.Set("key", strings.Repeat("k", 201))
		if r := post(t, e, webtest.RoleCheckpoint, xian+"/register", v); r.Status != 400 || pending() != before+2 {
			t.Errorf("a 201-character key: %d, %d pending", r.Status, pending())
		}
	})
}
