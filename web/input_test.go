package web

import (
	"testing"

	"fugong"
)

func TestCheckJSONText(t *testing.T) {
	for _, c := range []struct {
		doc   string
		bad   bool
		field string
	}{
		{`{"name":"瑞安市塘下汽配","n":1,"ok":true,"x":null}`, false, ""},
		{`{"name":"a\u0000b"}`, true, "name"},
		{`{"note":"\\u0000 is how JSON writes a NUL"}`, false, ""},
		{"{\"name\":\"a\xff\xfeb\"}", true, "name"},
		{`{"needs":[{"item":"masks"},{"item":"\u0000"}]}`, true, "needs[1].item"},
		{"{\"a\":{\"b\":[1,\"x\",[\"\xc3\"]]}}", true, "a.b[2][0]"},
		{`{"a":[],"b":{},"c":[{}],"d":"\u0000"}`, true, "d"},
		{`{"bad\u0000key":1}`, true, "badkey"},
		{`["\u0000"]`, true, "[0]"},
		{`"\u0000"`, true, ""},
		{`{"name":"\u0000"`, true, "name"}, // cut short: the text is refused all the same
		{`not json`, false, ""},
	} {
		err := checkJSONText([]byte(c.doc))
		if !c.bad {
			if err != nil {
				t.Errorf("%s: %v", c.doc, err)
			}
			continue
		}
		if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid || e.Field != c.field {
			t.Errorf("%s: %v, want invalid %q", c.doc, err, c.field)
		}
	}
}
