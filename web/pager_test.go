package web

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestPageNumbers(t *testing.T) {
	for _, c := range []struct {
		page, pages int
		want        []int
	}{
		{1, 0, nil},
		{1, 1, []int{1}},
		{1, 5, []int{1, 2, 3, 4, 5}},
		{1, 137, []int{1, 2, 3, 0, 137}},
		{5, 137, []int{1, 2, 3, 4, 5, 6, 7, 0, 137}}, // 2 is shown, not a gap of one
		{6, 137, []int{1, 0, 4, 5, 6, 7, 8, 0, 137}},
		{70, 137, []int{1, 0, 68, 69, 70, 71, 72, 0, 137}},
		{137, 137, []int{1, 0, 135, 136, 137}},
		{133, 137, []int{1, 0, 131, 132, 133, 134, 135, 136, 137}},
		{999, 137, []int{1, 0, 135, 136, 137}}, // past the last: the last
		{-3, 10, []int{1, 2, 3, 0, 10}},
	} {
		if got := PageNumbers(c.page, c.pages); !slices.Equal(got, c.want) {
			t.Errorf("PageNumbers(%d, %d) = %v, want %v", c.page, c.pages, got, c.want)
		}
	}
}

func TestPageOfBounds(t *testing.T) {
	for _, c := range []struct {
		query         string
		page, perPage int
	}{
		{"", 1, 50},
		{"page=3", 3, 50},
		{"page=0", 1, 50},
		{"page=-2", 1, 50},
		{"page=abc", 1, 50},
		{"page=99999999999999999999", 1, 50}, // does not parse: the first
		{"page=9223372036854775807", MaxPage, 50},
		{"page=2&per_page=20", 2, 20},
		{"per_page=100", 1, 100},
		{"per_page=1000", 1, 50}, // not offered: the default
		{"per_page=0", 1, 50},
		{"per_page=-20", 1, 50},
		{"per_page=x", 1, 50},
	} {
		r := httptest.NewRequest("GET", "/tickets?"+c.query, nil)
		if got := PageOf(r, 50); got.Page != c.page || got.PerPage != c.perPage {
			t.Errorf("%q: PageOf = %+v, want page %d per page %d", c.query, got, c.page, c.perPage)
		}
	}
	// A list's own default size is offered with the others.
	r := httptest.NewRequest("GET", "/people?per_page=30", nil)
	if got := PageOf(r, 30); got.PerPage != 30 {
		t.Errorf("own default: %+v", got)
	}
}

func TestPager(t *testing.T) {
	r := httptest.NewRequest("GET", "/tickets?status=new&q=%E5%8E%9F%E6%96%99&page=6&per_page=20&empty=", nil)
	pg := PageOf(r, 50).Pager(r, 2735)
	if pg.Total != 2735 || pg.Page != 6 || pg.Pages != 137 || pg.PerPage != 20 || pg.Path != "/tickets" {
		t.Fatalf("pager = %+v", pg)
	}
	var nums []int
	for _, l := range pg.Links {
		nums = append(nums, l.N)
		if l.Current != (l.N == 6) {
			t.Errorf("link %d current = %v", l.N, l.Current)
		}
		if !l.Gap && !strings.Contains(l.Href, "per_page=20") || !l.Gap && !strings.Contains(l.Href, "status=new") {
			t.Errorf("link %d href %q loses the filter or the size", l.N, l.Href)
		}
	}
	if !slices.Equal(nums, []int{1, 0, 4, 5, 6, 7, 8, 0, 137}) {
		t.Errorf("links = %v", nums)
	}
	if pg.Prev != "/tickets?page=5&per_page=20&q=%E5%8E%9F%E6%96%99&status=new" {
		t.Errorf("prev = %q", pg.Prev)
	}
	if !strings.Contains(pg.Next, "page=7") {
		t.Errorf("next = %q", pg.Next)
	}
	// The form keeps the filters but not the page, the size or empty values.
	if want := []QueryPair{{"q", "原料"}, {"status", "new"}}; !slices.Equal(pg.Keep, want) {
		t.Errorf("keep = %v, want %v", pg.Keep, want)
	}
	var sizes []int
	for _, s := range pg.Sizes {
		sizes = append(sizes, s.N)
		if s.Selected != (s.N == 20) {
			t.Errorf("size %d selected = %v", s.N, s.Selected)
		}
	}
	if !slices.Equal(sizes, []int{20, 50, 100}) {
		t.Errorf("sizes = %v", sizes)
	}

	// No rows: one page, no links either way; a default size is not put in links.
	r = httptest.NewRequest("GET", "/notices", nil)
	pg = PageOf(r, 30).Pager(r, 0)
	if pg.Pages != 1 || pg.Prev != "" || pg.Next != "" || len(pg.Links) != 1 {
		t.Errorf("empty pager = %+v", pg)
	}
	if !slices.Equal([]int{20, 30, 50, 100}, func() (n []int) {
		for _, s := range pg.Sizes {
			n = append(n, s.N)
		}
		return
	}()) {
		t.Errorf("own size not offered: %+v", pg.Sizes)
	}
	// Past the last page: previous goes to the last, no next.
	r = httptest.NewRequest("GET", "/notices?page=40", nil)
	pg = PageOf(r, 50).Pager(r, 120)
	if pg.Prev != "/notices?page=3" || pg.Next != "" {
		t.Errorf("past the last: prev %q next %q", pg.Prev, pg.Next)
	}
}

func TestThousands(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}, {-1234, "-1,234"},
		{int64(10000000000), "10,000,000,000"}, {1234.5, "1,234.5"}, {1234.567, "1,234.57"},
		{0.0, "0"}, {-0.001, "0"}, {12.0, "12"}, {"—", "—"},
	} {
		if got := Thousands(c.v); got != c.want {
			t.Errorf("Thousands(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
