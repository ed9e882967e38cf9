package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// PageSizes are the page sizes a list page offers; a page's own default is
// offered too. Bounded, so that no page asks for thousands of rows.
var PageSizes = []int{20, 50, 100}

// Pager is the shared toolbar under a list: the total, the page numbers
// (with gaps), the previous and next links, a jump to a page and the choice
// of page size. Build it with Paging.Pager and show it with the partial
// "pager".
type Pager struct {
	Total, Page, Pages, PerPage int
	Path                        string      // the list's path, for the form
	Links                       []PageLink  // page numbers and gaps
	Prev, Next                  string      // hrefs; "" on the first / last page
	Sizes                       []PageSize  // the page sizes offered
	Keep                        []QueryPair // the list's other parameters, for the form
	Anchor                      string      // "#list" on pages whose list is below other content
}

// PageLink is a page number of the pager, or a gap (…) between numbers.
type PageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

// PageSize is a page size the pager offers.
type PageSize struct {
	N        int
	Selected bool
}

// QueryPair is a query parameter the pager's form carries along.
type QueryPair struct{ Name, Value string }

// pageSize is per_page when it is one of the sizes offered (or def),
// else def.
func pageSize(r *http.Request, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get("per_page"))
	if err == nil && (n == def || slices.Contains(PageSizes, n)) {
		return n
	}
	return def
}

// Pager is the toolbar of a list of total rows, on the page p of the
// request r (whose other query parameters its links keep). A page past the
// last is shown as it is (an empty list), with links back.
func (p Paging) Pager(r *http.Request, total int) Pager {
	return p.PagerAt(r.URL.Path, r.URL.Query(), total)
}

// PagerAt is Pager for the list at path with the query query: a form post
// refused shows the list again, and its pager must link to the list.
func (p Paging) PagerAt(path string, query url.Values, total int) Pager {
	p = p.Echo()
	pg := Pager{Total: max(total, 0), Page: p.Page, PerPage: p.PerPage, Path: path, Pages: max(p.Pages(total), 1)}
	q := url.Values{}
	for k, v := range query {
		if k != "page" && k != "per_page" && len(v) > 0 && v[0] != "" {
			q.Set(k, v[0])
			pg.Keep = append(pg.Keep, QueryPair{k, v[0]})
		}
	}
	slices.SortFunc(pg.Keep, func(a, b QueryPair) int { return strings.Compare(a.Name, b.Name) })
	if n, err := strconv.Atoi(query.Get("per_page")); err == nil && n == p.PerPage {
		q.Set("per_page", strconv.Itoa(n))
	}
	href := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return path + "?" + q.Encode()
	}
	for _, n := range PageNumbers(p.Page, pg.Pages) {
		if n == 0 {
			pg.Links = append(pg.Links, PageLink{Gap: true})
			continue
		}
		pg.Links = append(pg.Links, PageLink{N: n, Href: href(n), Current: n == p.Page})
	}
	if p.Page > 1 {
		pg.Prev = href(min(p.Page-1, pg.Pages))
	}
	if p.Page < pg.Pages {
		pg.Next = href(p.Page + 1)
	}
	sizes := PageSizes
	if !slices.Contains(sizes, p.PerPage) {
		sizes = append(slices.Clone(sizes), p.PerPage)
		slices.Sort(sizes)
	}
	for _, n := range sizes {
		pg.Sizes = append(pg.Sizes, PageSize{N: n, Selected: n == p.PerPage})
	}
	return pg
}

// PageNumbers are the page numbers a pager shows on page of pages: the
// first, the last and two either side of the current one, with 0 for a gap.
// A gap of one page shows the page instead.
func PageNumbers(page, pages int) []int {
	if pages < 1 {
		return nil
	}
	page = min(max(page, 1), pages)
	show := []int{1, pages}
	for n := page - 2; n <= page+2; n++ {
		show = append(show, n)
	}
	if page-2 == 3 {
		show = append(show, 2)
	}
	if page+2 == pages-2 {
		show = append(show, pages-1)
	}
	slices.Sort(show)
	var out []int
	last := 0
	for _, n := range slices.Compact(show) {
		if n < 1 || n > pages {
			continue
		}
		if last != 0 && n > last+1 {
			out = append(out, 0)
		}
		out = append(out, n)
		last = n
	}
	return out
}

// WithoutQuery is r with no query: a list whose filters were refused is
// shown whole, and its pager's links must not carry the refused values.
func WithoutQuery(r *http.Request) *http.Request {
	u := *r.URL
	u.RawQuery = ""
	r = r.Clone(r.Context())
	r.URL = &u
	return r
}
