package wiring_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web"
	"fugong/web/webtest"
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

// apiDoc is what the test reads of the merged openapi.json.
type apiDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]apiParamDoc `json:"parameters"`
		Schemas    map[string]any         `json:"schemas"`
	} `json:"components"`
}

type apiParamDoc struct {
	Ref    string `json:"$ref"`
	Name   string `json:"name"`
	In     string `json:"in"`
	Schema struct {
		Format string `json:"format"`
	} `json:"schema"`
}

// apiOp is one route as openapi.json documents it: its parameters and the
// schema of its body by content type.
type apiOp struct {
	params []apiParam
	bodies map[string]any // content type → schema
}

// apiParam is one parameter of a route.
type apiParam struct {
	name, in string
	date     bool // a day: string of format date
}

// readAPIDoc reads every documented route from the served OpenAPI
// document, by "METHOD path".
func readAPIDoc(t *testing.T, e *webtest.Env) (apiDoc, map[string]apiOp) {
	t.Helper()
	r := e.Call(t, "GET", "/api/v1/openapi.json", "", webtest.Payload{})
	var doc apiDoc
	r.Decode(t, &doc)
	out := map[string]apiOp{}
	for path, ops := range doc.Paths {
		var shared []apiParamDoc
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
				Parameters  []apiParamDoc `json:"parameters"`
				RequestBody struct {
					Content map[string]struct {
						Schema any `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			o := apiOp{bodies: map[string]any{}}
			for _, p := range slices.Concat(shared, op.Parameters) {
				if p.Ref != "" {
					p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				o.params = append(o.params, apiParam{p.Name, p.In, p.Schema.Format == "date"})
			}
			for ctype, c := range op.RequestBody.Content {
				o.bodies[ctype] = c.Schema
			}
			out[strings.ToUpper(method)+" "+path] = o
		}
	}
	return doc, out
}

// example makes a value of schema: every property of an object, one item
// of an array, an enum's first value, today for a date. The hostile values
// go into its strings one at a time, so it need not be valid, only have
// each string the API reads.
func example(doc apiDoc, schema any, today string, depth int) any {
	s, _ := schema.(map[string]any)
	if s == nil || depth > 8 {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		return example(doc, doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], today, depth+1)
	}
	if all, ok := s["allOf"].([]any); ok {
		merged := map[string]any{}
		for _, part := range all {
			if m, ok := example(doc, part, today, depth+1).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		return merged
	}
	if one, ok := s["oneOf"].([]any); ok && len(one) > 0 {
		return example(doc, one[0], today, depth+1)
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	typ, _ := s["type"].(string)
	if types, ok := s["type"].([]any); ok && len(types) > 0 {
		typ, _ = types[0].(string)
	}
	switch {
	case typ == "object" || s["properties"] != nil:
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for k, v := range props {
			out[k] = example(doc, v, today, depth+1)
		}
		if more, ok := s["additionalProperties"].(map[string]any); ok {
			out["key"] = example(doc, more, today, depth+1)
		}
		return out
	case typ == "array":
		return []any{example(doc, s["items"], today, depth+1)}
	case typ == "integer" || typ == "number":
		if min, ok := s["minimum"].(float64); ok {
			return min
		}
		return 1
	case typ == "boolean":
		return false
	case typ == "string":
		switch s["format"] {
		case "date":
			return today
		case "date-time":
			return time.Now().UTC().Format(time.RFC3339)
		case "binary":
			return "binary"
		}
		return "x"
	}
	return nil
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

// form is a multipart body: its text fields, and a small CSV named name
// in each file field.
func form(t *testing.T, fields map[string]string, files []string, name string) webtest.Payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if err := mw.WriteField(k, fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile(f, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte("a\n"))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return webtest.Payload{CType: mw.FormDataContentType(), Data: buf.Bytes()}
}

// TestHostileInput sends every API route of the whole server (every
// module's, as the server lists them) the hostile values in each query,
// path and header parameter the merged openapi.json documents for it, and
// in each string of its JSON body, or each text field and file name of its
// form (a body made from the documented schema, every property filled). Nothing may answer
// 5xx or hang; a NUL or bytes that are not UTF-8 are 400 invalid naming
// the parameter, and so is a day past today in a date parameter. Every
// page is sent text that is not text in its path and its query: 400,
// before the page does anything.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	client := &http.Client{Timeout: 20 * time.Second} // a request that never ends fails instead of hanging the suite
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		doc, ops := readAPIDoc(t, e)
		// The admin's requests on the accounts go to users of their own,
		// so that a password reset or a disable leaves the fixture's
		// sessions as they are.
		target := addUser(t, e, "hostile-target", account.User{Role: fugong.RoleTown, Town: webtest.TownTangxia})
		self := e.Login(t, addUser(t, e, "hostile-self", account.User{Role: fugong.RoleAdmin}).Username, webtest.Password)
		today := e.Today()
		for _, rt := range e.Web.Routes() {
			switch {
			case rt.Kind() == "page":
				t.Run(rt.Pattern(), func(t *testing.T) { hostilePage(t, e, client, rt) })
				continue
			case !strings.HasPrefix(rt.Path, "/api/"):
				continue // the public files: no input
			}
			op, ok := ops[rt.Pattern()]
			if !ok {
				t.Errorf("%s is not in openapi.json", rt.Pattern())
				continue
			}
			t.Run(rt.Pattern(), func(t *testing.T) {
				token := e.Tokens[webtest.RoleAdmin]
				if strings.HasPrefix(rt.Path, "/api/v1/me/") {
					token = self
				}
				path := e.PathFor(rt.Path, "tangA")
				if strings.HasPrefix(rt.Path, "/api/v1/users/{id}") {
					path = strings.Replace(path, "{id}", fmt.Sprint(target.ID), 1)
				}
				// Every handler of an {id} decodes its body before it
				// looks the record up: any id reaches the decoding.
				path = fillRest(path)
				if strings.Contains(path, "{") {
					t.Fatalf("cannot fill %s", path)
				}
				// The body, from the documented schema: JSON if the route
				// takes it, else a form.
				var body webtest.Payload
				var jsonDoc any
				formFields, formFiles := map[string]string{}, []string(nil)
				if schema, ok := op.bodies["application/json"]; ok {
					jsonDoc = example(doc, schema, today, 0)
					b, err := json.Marshal(jsonDoc)
					if err != nil {
						t.Fatal(err)
					}
					body = webtest.RawJSON(string(b))
				} else if schema, ok := op.bodies["multipart/form-data"]; ok {
					ex, _ := example(doc, schema, today, 0).(map[string]any)
					for k, v := range ex {
						switch v := v.(type) {
						case string:
							if v == "binary" {
								formFiles = append(formFiles, k)
							} else {
								formFields[k] = v
							}
						case []any:
							if len(v) > 0 && v[0] == "binary" {
								formFiles = append(formFiles, k)
							}
						default:
							formFields[k] = fmt.Sprint(v)
						}
					}
					slices.Sort(formFiles)
					body = form(t, formFields, formFiles, "x.csv")
				}
				// check fails on any 5xx; text that is not text, and a day
				// past today in a date parameter, must be 400 naming field.
				var fields []string // the strings of the JSON body
				jsonStrings(jsonDoc, "", &fields)
				slices.Sort(fields)
				checked := 0
				defer func() {
					if want := len(op.params) + len(fields) + len(formFields) + len(formFiles); checked == 0 && want > 0 {
						t.Errorf("nothing was sent, yet the route documents %d parameters and strings", want)
					}
				}()
				check := func(what, field, v string, date bool, r webtest.Resp) {
					t.Helper()
					checked++
					if r.Status >= 500 {
						t.Errorf("%s=%q: status %d: %.300s", what, v, r.Status, r.Body)
						return
					}
					if badText(v) || (date && pastToday(v)) {
						if r.Status != 400 {
							t.Errorf("%s=%q: status %d, want 400: %.300s", what, v, r.Status, r.Body)
							return
						}
						if e := r.Err(t).Error; e.Code != "invalid" || e.Field != field {
							t.Errorf("%s=%q: code %q field %q, want invalid %q", what, v, e.Code, e.Field, field)
						}
					}
				}
				do := func(p string, pl webtest.Payload, edit func(*http.Request)) webtest.Resp {
					t.Helper()
					return webtest.Send(t, client, rt.Method, e.Server.URL+p, pl, func(r *http.Request) {
						if rt.Kind() == "api" {
							r.Header.Set("Authorization", "Bearer "+token)
						}
						if edit != nil {
							edit(r)
						}
					})
				}
				base, query, _ := strings.Cut(path, "?")
				for _, p := range op.params {
					for _, v := range hostileValues {
						switch p.in {
						case "query":
							q, _ := url.ParseQuery(query)
							q.Set(p.name, v)
							check("query "+p.name, p.name, v, p.date, do(base+"?"+q.Encode(), body, nil))
						case "path":
							routeSegs, segs := strings.Split(rt.Path, "/"), strings.Split(base, "/")
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
				switch {
				case jsonDoc != nil:
					for _, f := range fields {
						for _, v := range hostileValues {
							b, err := json.Marshal(setJSON(jsonDoc, f, v))
							if err != nil {
								t.Fatal(err)
							}
							// json.Marshal writes bytes that are not UTF-8 as U+FFFD: put them back raw.
							b = []byte(strings.ReplaceAll(string(b), `\ufffd\ufffd`, "\xff\xfe"))
							check("body "+f, f, v, false, do(path, webtest.RawJSON(string(b)), nil))
						}
					}
				case body.Data != nil:
					for _, f := range slices.Sorted(maps.Keys(formFields)) {
						for _, v := range hostileValues {
							if !badText(v) {
								continue // a form's text is text; its meaning is the route's tests'
							}
							fields := maps.Clone(formFields)
							fields[f] = v
							check("form "+f, f, v, false, do(path, form(t, fields, formFiles, ""), nil))
						}
					}
					for _, f := range formFiles {
						for _, v := range hostileValues {
							if !badText(v) || strings.ContainsRune(v, 0) {
								continue // a NUL ends the name in the multipart header
							}
							check("file name of "+f, f, v, false, do(path, form(t, formFields, formFiles, v+".csv"), nil))
						}
					}
				}
			})
		}
	})
}

// fillRest fills the path parameters PathFor leaves: any record id, file,
// work group and list of the health page reach the handler's checks of
// its input.
func fillRest(path string) string {
	return strings.NewReplacer("{id}", "1", "{file}", "1", "{group}", "coordination", "{list}", "fever").Replace(path)
}

// hostilePage sends a page text that is not text in each path parameter
// and in its query, with the admin's bearer token: 400 before the page
// does anything (no redirect, no post carried out).
func hostilePage(t *testing.T, e *webtest.Env, client *http.Client, rt web.Route) {
	path := fillRest(strings.TrimSuffix(e.PathFor(rt.Path, "tangA"), "{$}"))
	if strings.Contains(path, "{") {
		t.Fatalf("cannot fill %s", path)
	}
	do := func(p string) webtest.Resp {
		t.Helper()
		return webtest.Send(t, client, rt.Method, e.Server.URL+p, webtest.Payload{}, func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+e.Tokens[webtest.RoleAdmin])
		})
	}
	for _, v := range hostileValues {
		if !badText(v) {
			continue
		}
		targets := []string{path + "?q=" + url.QueryEscape(v)}
		routeSegs := strings.Split(rt.Path, "/")
		for i, seg := range routeSegs {
			if strings.HasPrefix(seg, "{") && seg != "{$}" {
				segs := strings.Split(path, "/")
				segs[i] = url.PathEscape(v)
				targets = append(targets, strings.Join(segs, "/"))
			}
		}
		for _, p := range targets {
			if r := do(p); r.Status != 400 {
				t.Errorf("%s %q: status %d, want 400: %.300s", rt.Method, p, r.Status, r.Body)
			}
		}
	}
}

// addUser stores a user named username, as u says, with the fixture's
// password.
func addUser(t *testing.T, e *webtest.Env, username string, u account.User) account.User {
	t.Helper()
	u.Username, u.DisplayName = username, "测试"+username
	u, err := e.Services.Accounts.Create(context.Background(), fugong.System, u, webtest.Password)
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return u
}
