package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"fugong"
	"fugong/daily"
)

// The fuzzers of what the web layer decodes: JSON bodies and query
// strings. go test runs the seeds; make fuzz runs each longer.

// FuzzDecodeJSON: a body is refused as invalid (or too large) or decodes
// to strings that are all text a store keeps.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"uscc":"91330381MA2AAAA01Q","name":"瑞安市塘下汽配有限公司","town":"330381101","employees":20,"land_mu":3.5}`,
		`{"enterprise":"91330381MA2AAAA01Q","category":"raw_materials","title":"熔喷布短缺","needs":[{"item":"masks","qty":100}]}`,
		`{"products":["熔喷布",{"product":"无纺布","note":"日产5吨"}]}`,
		`{"name":"a\u0000b"}`, `{"a\u0000":1}`, "{\"name\":\"\xff\xfe\"}", `{"note":"\\u0000"}`, `{"x":"\ud800"}`,
		`{}`, `[]`, `null`, `"\u0000"`, `{"a":1}{"b":2}`, `{"a":`, `{"a":[[[[[[[[[[[[]]]]]]]]]]]]}`, ``, "\x00",
		`{"page":9223372036854775807,"per_page":1000000,"date":"9999-12-31","to":"10000-01-01"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		r := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(data))
		if err := decodeJSON(httptest.NewRecorder(), r, &v); err != nil {
			var mbe *http.MaxBytesError
			if fugong.ErrorCode(err) != fugong.EInvalid && !errors.As(err, &mbe) {
				t.Fatalf("%q: %v", data, err)
			}
			return
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				if err := fugong.CheckText("", v); err != nil {
					t.Fatalf("%q: decoded %q", data, v)
				}
			case map[string]any:
				for k, x := range v {
					walk(k)
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
	})
}

// FuzzQuery: a query string's text is checked, and the page and day
// parameters are refused or read as a page and a valid date.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"", "page=2&per_page=50", "date=2020-02-10", "q=%E5%A1%98%E4%B8%8B", "q=%00", "%00=1", "q=%ff%fe",
		"page=9223372036854775807", "page=9223372036854775808", "per_page=1000000", "page=-1", "page=%2B1", "date=9999-12-31",
		"date=10000-01-01", "date=2020-02-30", "from=2020-02-01&to=2020-02-10", "a=1;b=2", "q=%zz", "q=a&q=%00", "&&==&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/api/v1/x", nil)
		r.URL.RawQuery = query
		if err := checkInput(r); err != nil {
			if fugong.ErrorCode(err) != fugong.EInvalid {
				t.Fatalf("%q: %v", query, err)
			}
		} else {
			for k, vs := range r.URL.Query() {
				for _, v := range append(vs, k) {
					if fugong.CheckText("", v) != nil {
						t.Fatalf("%q: %q taken", query, v)
					}
				}
			}
		}
		if pg, err := QueryPaging(r); err == nil && (pg.Echo().Page < 1 || pg.Echo().PerPage < 1) {
			t.Fatalf("%q: page %d of %d", query, pg.Echo().Page, pg.Echo().PerPage)
		} else if err != nil && fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("%q: %v", query, err)
		}
		day, err := queryDay(r, "date", "2020-02-10")
		if err == nil {
			if _, err := daily.ParseDate(day); err != nil {
				t.Fatalf("%q: day %q taken", query, day)
			}
		} else if fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("%q: %v", query, err)
		}
	})
}
