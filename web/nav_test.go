package web

import (
	"reflect"
	"testing"
)

// TestGroupNav: the entries go under their groups in NavGroups' order, each
// group's in the entries' order; an empty group is left out; an entry of
// an unknown group is not lost but listed last, under 其他.
func TestGroupNav(t *testing.T) {
	items := []NavItem{
		{Href: "/", Label: "首页", Order: 100, Group: NavWork},
		{Href: "/enterprises", Label: "企业名录", Order: 200, Group: NavFirms},
		{Href: "/x", Label: "新模块", Order: 300, Group: "新分组"},
		{Href: "/tickets", Label: "问题困难", Order: 600, Group: NavService},
		{Href: "/settings", Label: "系统设置", Order: 1020, Group: NavSystem},
		{Href: "/production", Label: "复工复产", Order: 800, Group: NavFirms},
	}
	got := GroupNav(items)
	want := []NavGroup{
		{NavWork, items[0:1]},
		{NavFirms, []NavItem{items[1], items[5]}},
		{NavService, items[3:4]},
		{NavSystem, items[4:5]},
		{"其他", items[2:3]},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GroupNav:\n got %v\nwant %v", got, want)
	}
}

// TestBreadcrumb: group › entry › the page's crumbs › its title; the entry
// is a link only when something follows it; a title that is the entry's
// label, or ends or starts with it and " · ", is not repeated.
func TestBreadcrumb(t *testing.T) {
	menu := GroupNav([]NavItem{{Href: "/", Label: "首页", Group: NavWork}, {Href: "/enterprises", Label: "企业名录", Group: NavFirms}, {Href: "/supplies", Label: "防疫物资", Group: NavEpidemic}})
	for _, c := range []struct {
		b    Base
		want []Crumb
	}{
		{Base{Title: "首页", Active: "/", Menu: menu}, []Crumb{{"", NavWork}, {"", "首页"}}},
		{Base{Title: "企业名录", Active: "/enterprises", Menu: menu}, []Crumb{{"", NavFirms}, {"", "企业名录"}}},
		{Base{Title: "瑞安市塘下电器厂", Active: "/enterprises", Menu: menu}, []Crumb{{"", NavFirms}, {"/enterprises", "企业名录"}, {"", "瑞安市塘下电器厂"}}},
		{Base{Title: "2020-02-10 日报", Active: "/enterprises", Menu: menu, Crumbs: []Crumb{{"/enterprises/X", "瑞安市塘下电器厂"}}},
			[]Crumb{{"", NavFirms}, {"/enterprises", "企业名录"}, {"/enterprises/X", "瑞安市塘下电器厂"}, {"", "2020-02-10 日报"}}},
		{Base{Title: "瑞安市塘下电器厂 · 防疫物资", Active: "/supplies", Menu: menu}, []Crumb{{"", NavEpidemic}, {"/supplies", "防疫物资"}, {"", "瑞安市塘下电器厂"}}},
		{Base{Title: "防疫物资 · 瑞安市塘下电器厂", Active: "/supplies", Menu: menu}, []Crumb{{"", NavEpidemic}, {"/supplies", "防疫物资"}, {"", "瑞安市塘下电器厂"}}},
		{Base{Title: "修改密码", Active: "/password", Menu: menu}, []Crumb{{"", "修改密码"}}},
	} {
		if got := c.b.Breadcrumb(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q at %s: %v, want %v", c.b.Title, c.b.Active, got, c.want)
		}
	}
}
