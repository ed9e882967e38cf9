package web

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// TestEnterpriseSections: the modules' sections of an enterprise's page
// are listed by Order, each from its module's partials, and a module shows
// the page again with its own section replaced (a refused form), the
// others' as they are.
func TestEnterpriseSections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		section := func(name string, order int) Module {
			m := Module{Name: name, Templates: fstest.MapFS{
				"partials/s.html": {Data: []byte(`{{define "s-` + name + `"}}<p id="` + name + `">{{.}}</p>{{end}}`)},
			}}
			m.EnterpriseSections = func(r *http.Request, s *Session, en registry.Enterprise) ([]Section, error) {
				html, err := s.Partial("s-"+name, name+" of "+en.Name)
				return []Section{{HTML: html, Order: order}}, err
			}
			return m
		}
		later, first := section("later", 200), section("first", 100)
		first.Routes = []Route{{Method: "POST", Path: "/enterprises/{uscc}/first", Page: func(w http.ResponseWriter, r *http.Request, s *Session) error {
			html, err := s.Partial("s-first", "refused")
			if err != nil {
				return err
			}
			return s.EnterprisePage(w, r, http.StatusBadRequest, r.PathValue("uscc"), Section{HTML: html, Order: 100})
		}}, {Method: "GET", Path: "/first/none", Page: func(w http.ResponseWriter, r *http.Request, s *Session) error {
			_, err := s.Partial("s-none", nil)
			return err
		}}}
		h, err := New(e.deps, later, first)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		get := func(method, path, role string) resp {
			return send(t, http.DefaultClient, method, srv.URL+path, payload{}, func(r *http.Request) {
				r.Header.Set("Authorization", "Bearer "+e.tokens[role])
			})
		}
		name := e.stored(t, e.ents["tangA"]).Name
		page := get("GET", "/enterprises/"+e.ents["tangA"], roleTown)
		body := string(page.body)
		a, b, cadre := strings.Index(body, `<p id="first">first of `+template.HTMLEscapeString(name)), strings.Index(body, `<p id="later">`), strings.Index(body, `id="cadre"`)
		if page.status != 200 || cadre < 0 || a < cadre || b < a {
			t.Errorf("the page: %d, cadre at %d, first at %d, later at %d", page.status, cadre, a, b)
		}
		r := get("POST", "/enterprises/"+e.ents["tangA"]+"/first", roleTown)
		if body := string(r.body); r.status != 400 || !strings.Contains(body, `<p id="first">refused</p>`) || strings.Contains(body, "first of") ||
			!strings.Contains(body, `<p id="later">later of`) {
			t.Errorf("refused: %d %s", r.status, r.body)
		}
		if r := get("POST", "/enterprises/"+e.ents["xianA"]+"/first", roleTown); r.status != 404 {
			t.Errorf("out of scope: %d", r.status)
		}
		if r := get("GET", "/first/none", roleTown); r.status != 500 {
			t.Errorf("a partial that is not there: %d", r.status)
		}
	})
}
