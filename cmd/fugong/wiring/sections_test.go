package wiring_test

import (
	"html/template"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fugong/cmd/fugong/wiring"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web"
	"fugong/web/webtest"
)

// TestEnterpriseSections: the modules' sections of an enterprise's page
// (the registry's) are listed by Order, each from its module's partials,
// after the cadre's (web/pairing's); a module shows the page again with
// its own section replaced (a refused form), the others' as they are.
func TestEnterpriseSections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		section := func(name string, order int) web.Module {
			m := web.Module{Name: name, Templates: fstest.MapFS{
				"partials/s.html": {Data: []byte(`{{define "s-` + name + `"}}<p id="` + name + `">{{.}}</p>{{end}}`)},
			}}
			m.EnterpriseSections = func(r *http.Request, s *web.Session, en registry.Enterprise) ([]web.Section, error) {
				html, err := s.Partial("s-"+name, name+" of "+en.Name)
				return []web.Section{{HTML: html, Order: order}}, err
			}
			return m
		}
		later, first := section("later", 200), section("first", 100)
		first.Routes = []web.Route{{Method: "POST", Path: "/enterprises/{uscc}/first", Page: func(w http.ResponseWriter, r *http.Request, s *web.Session) error {
			html, err := s.Partial("s-first", "refused")
			if err != nil {
				return err
			}
			return s.EnterprisePage(w, r, http.StatusBadRequest, r.PathValue("uscc"), web.Section{HTML: html, Order: 100})
		}}, {Method: "GET", Path: "/first/none", Page: func(w http.ResponseWriter, r *http.Request, s *web.Session) error {
			_, err := s.Partial("s-none", nil)
			return err
		}}}
		e := webtest.NewWith(t, db, time.Time{}, wiring.Options{Extra: []web.Module{later, first}})
		get := func(method, path, role string) webtest.Resp {
			return e.As(t, role, method, path, webtest.Payload{})
		}
		name := e.Stored(t, e.Ents["tangA"]).Name
		page := get("GET", "/enterprises/"+e.Ents["tangA"], webtest.RoleTown)
		body := string(page.Body)
		a, b, cadre := strings.Index(body, `<p id="first">first of `+template.HTMLEscapeString(name)), strings.Index(body, `<p id="later">`), strings.Index(body, `id="cadre"`)
		if page.Status != 200 || cadre < 0 || a < cadre || b < a {
			t.Errorf("the page: %d, cadre at %d, first at %d, later at %d", page.Status, cadre, a, b)
		}
		r := get("POST", "/enterprises/"+e.Ents["tangA"]+"/first", webtest.RoleTown)
		if body := string(r.Body); r.Status != 400 || !strings.Contains(body, `<p id="first">refused</p>`) || strings.Contains(body, "first of") ||
			!strings.Contains(body, `<p id="later">later of`) || !strings.Contains(body, `id="cadre"`) {
			t.Errorf("refused: %d %s", r.Status, r.Body)
		}
		if r := get("POST", "/enterprises/"+e.Ents["xianA"]+"/first", webtest.RoleTown); r.Status != 404 {
			t.Errorf("out of scope: %d", r.Status)
		}
		if r := get("GET", "/first/none", webtest.RoleTown); r.Status != 500 {
			t.Errorf("a partial that is not there: %d", r.Status)
		}
	})
}

// TestHomePanels: the home page lists the modules' panels by Order: the
// registry's count, the day's reports, the rectifications, the tickets,
// the registry's table by town (the city's alone); a clerk's starts with
// their report of the day and has no count of enterprises.
func TestHomePanels(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, storetest.Open(t, storetest.DSN(t, store.SQLite)))
	at := func(body string, marks ...string) []int {
		var out []int
		for _, m := range marks {
			out = append(out, strings.Index(body, m))
		}
		return out
	}
	inOrder := func(pos []int) bool {
		for i, p := range pos {
			if p < 0 || (i > 0 && p < pos[i-1]) {
				return false
			}
		}
		return true
	}
	body := string(e.As(t, webtest.RoleBureauStat, "GET", "/", webtest.Payload{}).Body)
	if pos := at(body, "<h1>企业概况</h1>", `id="today"`, `id="home-rectifications"`, `id="home-tickets"`, "各乡镇街道企业数"); !inOrder(pos) {
		t.Errorf("the bureau's home: count, today, rectifications, tickets, towns at %v", pos)
	}
	body = string(e.As(t, webtest.RoleTown, "GET", "/", webtest.Payload{}).Body)
	if pos := at(body, "<h1>企业概况</h1>", `id="today"`, `id="home-rectifications"`, `id="home-tickets"`); !inOrder(pos) || strings.Contains(body, "各乡镇街道企业数") {
		t.Errorf("the town's home: count, today, rectifications, tickets at %v, and no table by town", pos)
	}
	body = string(e.As(t, webtest.RoleClerk, "GET", "/", webtest.Payload{}).Body)
	if pos := at(body, `id="own-report"`, `id="home-rectifications"`, `id="home-tickets"`); !inOrder(pos) || strings.Contains(body, "企业概况") {
		t.Errorf("the clerk's home: own report, rectifications, tickets at %v, and no count of enterprises: %.2000s", pos, body)
	}
}
