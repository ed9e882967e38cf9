package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fugong/store"
	"fugong/store/storetest"
)

// hostileValues are what a careless or malicious client sends: a NUL,
// bytes that are not UTF-8, days past the calendar's end and pages past
// any table.
var hostileValues = []string{"\x00", "a\x00b", "\xff\xfe", "10000-01-01", "9999-12-31", "9223372036854775807", "1000000"}

// pastToday reports whether v is a hostile day: the calendar's last, or
// one past it.
func pastToday(v string) bool { return v == "9999-12-31" || v == "10000-01-01" }

// badText reports whether v is one of the hostile values every text input
// must refuse, wherever it comes in.
func badText(v string) bool { return strings.ContainsRune(v, 0) || !utf8.ValidString(v) }

// apiParam is one parameter of a route as openapi.json documents it.
type apiParam struct {
	name, in string
	date     bool // a day: string of format date
}

// documentedParams reads the parameters of every route from the served
// OpenAPI document, by "METHOD path".
func documentedParams(t *testing.T) map[string][]apiParam {
	t.Helper()
	type param struct {
		Ref    string `json:"$ref"`
		Name   string `json:"name"`
		In     string `json:"in"`
		Schema struct {
			Format string `json:"format"`
		} `json:"schema"`
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]param `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]apiParam{}
	for path, ops := range doc.Paths {
		var shared []param
		if raw, ok := ops["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				t.Fatal(err)
			}
		}
		for method, raw := range ops {
			if method == "parameters" {
				continue
			}
			var op struct {
				Parameters []param `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			key := strings.ToUpper(method) + " " + path
			for _, p := range slices.Concat(shared, op.Parameters) {
				if p.Ref != "" {
					p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				out[key] = append(out[key], apiParam{p.Name, p.In, p.Schema.Format == "date"})
			}
		}
	}
	return out
}

// jsonStrings lists the paths (as the API names fields: a.b, a[0].c) of the
// string values of a decoded JSON document.
func jsonStrings(v any, path string, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, path)
	case map[string]any:
		for k, x := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			jsonStrings(x, p, out)
		}
	case []any:
		for i, x := range v {
			jsonStrings(x, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// setJSON returns a copy of doc with the string at path replaced by s.
func setJSON(doc any, path string, s string) any {
	var walk func(v any, p string) any
	walk = func(v any, p string) any {
		switch v := v.(type) {
		case string:
			if p == path {
				return s
			}
			return v
		case map[string]any:
			m := map[string]any{}
			for k, x := range v {
				q := k
				if p != "" {
					q = p + "." + k
				}
				m[k] = walk(x, q)
			}
			return m
		case []any:
			a := make([]any, len(v))
			for i, x := range v {
				a[i] = walk(x, fmt.Sprintf("%s[%d]", p, i))
			}
			return a
		}
		return v
	}
	return walk(doc, "")
}

// TestHostileInput sends every API route (one scope case each) the hostile
// values in each query, path and header parameter it documents and in each
// string field of its JSON body. Nothing may answer 5xx or hang; a NUL or
// bytes that are not UTF-8 are 400 invalid naming the parameter.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	params := documentedParams(t)
	client := &http.Client{Timeout: 20 * time.Second} // a request that never ends fails instead of hanging the suite
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seen := map[string]bool{}
		for _, c := range scopeCases {
			key := c.method + " " + c.route
			if seen[key] {
				continue
			}
			seen[key] = true
			t.Run(key, func(t *testing.T) {
				if c.setup != nil {
					c.setup(t, e)
				}
				token := e.tokens[roleAdmin]
				if c.fresh {
					token = e.login(t, e.users[roleAdmin].Username, testPassword)
				}
				path := e.pathFor(c.route, c.target)
				if c.path != nil {
					path = c.path(e, roleAdmin)
				}
				var body payload
				if c.body != nil {
					body = c.body(t, e, roleAdmin)
				}
				// check fails on any 5xx; text that is not text, and a day
				// past today in a date parameter, must be 400 naming field.
				check := func(what, field, v string, date bool, r resp) {
					t.Helper()
					if r.status >= 500 {
						t.Errorf("%s=%q: status %d: %.300s", what, v, r.status, r.body)
						return
					}
					if badText(v) || (date && pastToday(v)) {
						if r.status != 400 {
							t.Errorf("%s=%q: status %d, want 400: %.300s", what, v, r.status, r.body)
							return
						}
						if e := r.err(t).Error; e.Code != "invalid" || e.Field != field {
							t.Errorf("%s=%q: code %q field %q, want invalid %q", what, v, e.Code, e.Field, field)
						}
					}
				}
				do := func(p string, pl payload, edit func(*http.Request)) resp {
					t.Helper()
					return send(t, client, c.method, e.srv.URL+p, pl, func(r *http.Request) {
						r.Header.Set("Authorization", "Bearer "+token)
						if edit != nil {
							edit(r)
						}
					})
				}
				base, query, _ := strings.Cut(path, "?")
				for _, p := range params[key] {
					for _, v := range hostileValues {
						switch p.in {
						case "query":
							q, _ := url.ParseQuery(query)
							q.Set(p.name, v)
							check("query "+p.name, p.name, v, p.date, do(base+"?"+q.Encode(), body, nil))
						case "path":
							routeSegs, segs := strings.Split(c.route, "/"), strings.Split(base, "/")
							i := slices.Index(routeSegs, "{"+p.name+"}")
							if i < 0 || len(segs) != len(routeSegs) {
								t.Fatalf("cannot place path parameter %s in %s", p.name, base)
							}
							segs = slices.Clone(segs)
							segs[i] = url.PathEscape(v)
							u := strings.Join(segs, "/")
							if query != "" {
								u += "?" + query
							}
							check("path "+p.name, p.name, v, p.date, do(u, body, nil))
						case "header":
							if strings.ContainsRune(v, 0) {
								continue // no client can send it
							}
							check("header "+p.name, p.name, v, false, do(path, body, func(r *http.Request) { r.Header.Set(p.name, v) }))
						}
					}
				}
				if body.ctype != "application/json" {
					return
				}
				var doc any
				if err := json.Unmarshal(body.data, &doc); err != nil {
					t.Fatal(err)
				}
				var fields []string
				jsonStrings(doc, "", &fields)
				slices.Sort(fields)
				for _, f := range fields {
					for _, v := range hostileValues {
						b, err := json.Marshal(setJSON(doc, f, v))
						if err != nil {
							t.Fatal(err)
						}
						// json.Marshal writes bytes that are not UTF-8 as U+FFFD: put them back raw.
						b = []byte(strings.ReplaceAll(string(b), `\ufffd\ufffd`, "\xff\xfe"))
						check("body "+f, f, v, false, do(path, payload{"application/json", b}, nil))
					}
				}
			})
		}
	})
}
