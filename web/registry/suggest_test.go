package registry_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The pickers' search: firms in the actor's scope whose name contains q or
// whose USCC starts with it, at most ten, nothing for an empty q.
func TestSuggest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		suggest := func(role, q string) []string {
			t.Helper()
			r := e.As(t, role, "GET", "/api/v1/enterprises/suggest?q="+url.QueryEscape(q), webtest.Payload{})
			if r.Status != 200 {
				t.Fatalf("%s %q: %d %s", role, q, r.Status, r.Body)
			}
			var l struct {
				Items []struct{ USCC, Name string }
			}
			r.Decode(t, &l)
			out := []string{}
			for _, it := range l.Items {
				out = append(out, it.USCC)
			}
			slices.Sort(out)
			return out
		}
		tangA, tangB, xianA := e.Ents["tangA"], e.Ents["tangB"], e.Ents["xianA"]
		sorted := func(s ...string) []string { slices.Sort(s); return s }
		for _, c := range []struct {
			role, q string
			want    []string
		}{
			{webtest.RoleAdmin, "瑞安市", sorted(tangA, tangB, xianA)},
			{webtest.RoleAdmin, "鞋业", []string{xianA}},
			{webtest.RoleAdmin, strings.ToLower(tangB[:14]), []string{tangB}}, // the USCC's start, any case
			{webtest.RoleAdmin, "", []string{}},
			{webtest.RoleAdmin, "%", []string{}},
			{webtest.RoleTown, "瑞安市", sorted(tangA, tangB)}, // 塘下's own
			{webtest.RoleCadre, "瑞安市", []string{tangA}},     // the paired firm
			{webtest.RoleClerk, "仙降", []string{}},
		} {
			if got := suggest(c.role, c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s %q: %v, want %v", c.role, c.q, got, c.want)
			}
		}
		if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/suggest?q="+strings.Repeat("厂", 101), webtest.Payload{}); r.Status != 400 {
			t.Errorf("a q of 101 characters: %d", r.Status)
		}
	})
}
