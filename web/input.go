package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fugong"
)

// The text of a request is checked where it is decoded, before a handler
// reads it (fugong.CheckText: no NUL, only UTF-8): checkInput for the
// path, the query, the headers kept and a form, in the wrappers every route
// passes through (api, ui, the login form), and checkJSONText for a JSON
// body, in the decode helpers. A NUL or bytes that are not UTF-8 are 400
// naming the field, the same on both engines, before anything is stored.

// keptHeaders are the request headers whose values are stored.
var keptHeaders = []string{"Idempotency-Key"}

// checkInput checks the text of a request: the route's path values, every
// query parameter (name and value), the headers kept and, for a form post,
// every form value and file name. The form is parsed here, within the body
// limit the wrapper set, so the handler reads the same values.
func checkInput(r *http.Request) error {
	for _, name := range wildcards(r.Pattern) {
		if err := fugong.CheckText(name, r.PathValue(name)); err != nil {
			return err
		}
	}
	if err := checkValues(r.URL.Query()); err != nil {
		return err
	}
	for _, h := range keptHeaders {
		if err := fugong.CheckText(h, r.Header.Get(h)); err != nil {
			return err
		}
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := checkValues(r.PostForm); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		for _, field := range slices.Sorted(maps.Keys(r.MultipartForm.File)) {
			for _, fh := range r.MultipartForm.File[field] {
				if err := fugong.CheckText(field, fh.Filename); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkValues checks every name and value of a query or form, in name order.
func checkValues(vs url.Values) error {
	for _, name := range slices.Sorted(maps.Keys(vs)) {
		if err := fugong.CheckText(name, name); err != nil {
			return err
		}
		for _, v := range vs[name] {
			if err := fugong.CheckText(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseForm parses a form body, if the request has one. A body too large is
// said so; a malformed multipart body is refused; an urlencoded one keeps
// what parsed, as the handlers' FormValue always has.
func parseForm(r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return uploadError(err)
		}
	case "application/x-www-form-urlencoded":
		var mbe *http.MaxBytesError
		if err := r.ParseForm(); errors.As(err, &mbe) {
			return err // publicError names the limit
		}
	}
	return nil
}

// wildcards lists the names of a route pattern's wildcards: {uscc}, {date}.
func wildcards(pattern string) []string {
	var out []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return out
		}
		if name := strings.TrimSuffix(pattern[i+1:i+j], "..."); name != "$" {
			out = append(out, name)
		}
		pattern = pattern[i+j+1:]
	}
}

// checkJSONText checks every string of a JSON document, keys and values,
// naming a bad one by its path (needs[0].item). encoding/json would quietly
// turn bytes that are not UTF-8 into U+FFFD and keep a \u0000. A document
// that is not JSON is left to the decoder to refuse.
func checkJSONText(data []byte) error {
	if utf8.Valid(data) && !bytes.Contains(data, []byte(`\u0000`)) {
		return nil // nothing to find: the common case costs one scan
	}
	type level struct {
		object bool
		key    string // the object's member being read
		index  int    // the array's element being read
		inKey  bool   // the next string of the object is a key
	}
	var stack []level
	path := func() string {
		var b strings.Builder
		for _, l := range stack {
			if l.object {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(l.key)
			} else {
				b.WriteString("[" + strconv.Itoa(l.index) + "]")
			}
		}
		return b.String()
	}
	// valueDone moves the enclosing object or array past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].inKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or not JSON: the decoder says which
		}
		off := dec.InputOffset()
		raw := data[prev:off]
		prev = off
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, level{object: true, inKey: true})
			case '[':
				stack = append(stack, level{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].inKey
			if isKey {
				stack[len(stack)-1].key, stack[len(stack)-1].inKey = v, false
			}
			// Bytes that are not UTF-8 are seen in the token as sent (the
			// separators read with it are ASCII), a NUL once unescaped.
			if !utf8.Valid(raw) {
				return fugong.CheckText(path(), string(raw))
			}
			if err := fugong.CheckText(path(), v); err != nil {
				return err
			}
			if !isKey {
				valueDone()
			}
		default:
			valueDone()
		}
	}
}
