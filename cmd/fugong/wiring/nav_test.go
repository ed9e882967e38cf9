package wiring_test

import (
	"slices"
	"testing"

	"fugong"
	"fugong/web"
)

// menuActors are actors of every role, the bureau in each of its groups.
func menuActors() []fugong.Actor {
	out := []fugong.Actor{
		{Role: fugong.RoleAdmin},
		{Role: fugong.RoleTown, Town: "330381101"},
		{Role: fugong.RoleCadre},
		{Role: fugong.RoleEnterprise, Enterprise: "91330381MA2BBBB02X"},
		{Role: fugong.RoleCheckpoint, Town: "330381010"},
	}
	for _, g := range fugong.Groups {
		out = append(out, fugong.Actor{Role: fugong.RoleBureau, Group: g}, fugong.Actor{Role: fugong.RoleBureau, Group: g, GroupLeader: true})
	}
	return out
}

// TestNavGroups: every menu entry of every module, for every role, names a
// group of web.NavGroups (a new module's entry without one fails here, not
// under 其他 in front of the users), and no page is in the menu twice.
func TestNavGroups(t *testing.T) {
	s := server(t)
	for _, a := range menuActors() {
		items := s.Nav(a)
		if len(items) == 0 {
			t.Errorf("%s %s: an empty menu", a.Role, a.Group)
		}
		seen := map[string]bool{}
		for _, it := range items {
			if !slices.Contains(web.NavGroups, it.Group) {
				t.Errorf("%s %s: menu entry %s (%s) has group %q, not one of %q", a.Role, a.Group, it.Label, it.Href, it.Group, web.NavGroups)
			}
			if seen[it.Href] {
				t.Errorf("%s %s: %s is in the menu twice", a.Role, a.Group, it.Href)
			}
			seen[it.Href] = true
		}
		var n int
		for _, g := range web.GroupNav(items) {
			n += len(g.Items)
		}
		if n != len(items) {
			t.Errorf("%s %s: the grouped menu has %d entries of %d", a.Role, a.Group, n, len(items))
		}
	}
}
