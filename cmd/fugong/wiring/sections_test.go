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
// registry's count, the day's reports, the registry's table by town; a
// clerk's is their report of the day alone.
func TestHomePanels(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, storetest.Open(t, storetest.DSN(t, store.SQLite)))
	body := string(e.As(t, webtest.RoleTown, "GET", "/", webtest.Payload{}).Body)
	stats, today, towns := strings.Index(body, "<h1>企业概况</h1>"), strings.Index(body, `id="today"`), strings.Index(body, "各乡镇街道企业数")
	if stats < 0 || today < stats || towns < today {
		t.Errorf("the town's home: count at %d, today at %d, towns at %d", stats, today, towns)
	}
	body = string(e.As(t, webtest.RoleClerk, "GET", "/", webtest.Payload{}).Body)
	if !strings.Contains(body, `id="own-report"`) || strings.Contains(body, "企业概况") {
		t.Errorf("the clerk's home is not their report alone: %.2000s", body)
	}
}
