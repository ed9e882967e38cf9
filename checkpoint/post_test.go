package checkpoint

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"fugong"
)

// problems checks that ps names exactly the fields want, each once, and
// that the message of each contains the text given with it.
func problems(t *testing.T, name string, ps []fugong.Problem, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, p := range ps {
		if _, dup := got[p.Field]; dup {
			t.Errorf("%s: %s named twice: %v", name, p.Field, ps)
		}
		got[p.Field] = p.Message
	}
	for f, msg := range want {
		if m, ok := got[f]; !ok {
			t.Errorf("%s: no problem with %s in %v", name, f, ps)
		} else if !strings.Contains(m, msg) {
			t.Errorf("%s: %s: %q does not say %q", name, f, m, msg)
		}
	}
	for f := range got {
		if _, ok := want[f]; !ok {
			t.Errorf("%s: unexpected problem with %s: %q", name, f, got[f])
		}
	}
}

func TestPostNormalize(t *testing.T) {
	p := Post{Name: " 飞云江大桥卡口 ", Kind: "道路卡口", Town: "飞云", Location: " 104国道飞云江大桥南 "}
	if ps := p.Normalize(); len(ps) > 0 {
		t.Fatalf("valid post: %v", ps)
	}
	if p.Name != "飞云江大桥卡口" || p.Kind != KindRoad || p.Town != "330381009" || p.Location != "104国道飞云江大桥南" {
		t.Errorf("not normalised: %+v", p)
	}
	for _, tc := range []struct {
		name string
		edit func(*Post)
		want map[string]string
	}{
		{"nothing", func(p *Post) { *p = Post{} }, map[string]string{"name": "卡口名称必填", "kind": "卡口类型必填",
			"town": "所属乡镇街道必填"}},
		{"kind", func(p *Post) { p.Kind = "airport" }, map[string]string{"kind": "road、station、community 或 enterprise"}},
		{"town", func(p *Post) { p.Town = "330382001" }, map[string]string{"town": "不是瑞安市的乡镇街道"}},
		{"long name", func(p *Post) { p.Name = strings.Repeat("卡", 51) }, map[string]string{"name": "不能超过50个字"}},
		{"NUL", func(p *Post) { p.Location = "桥\x00南" }, map[string]string{"location": "含有无效字符"}},
	} {
		q := Post{Name: "卡口", Kind: KindStation, Town: "330381001", Location: "瑞安火车站"}
		tc.edit(&q)
		problems(t, tc.name, q.Normalize(), tc.want)
	}
	for in, want := range map[string]Kind{"enterprise": KindEnterprise, "门岗": KindEnterprise, " Station ": KindStation,
		"社区": KindCommunity, "高速": KindRoad} {
		if k, ok := ParseKind(in); !ok || k != want {
			t.Errorf("ParseKind(%q) = %q %v, want %q", in, k, ok, want)
		}
	}
}

func TestToken(t *testing.T) {
	tok, err := NewToken(bytes.NewReader(bytes.Repeat([]byte{0xfb}, 16)))
	if err != nil || tok != "-_v7-_v7-_v7-_v7-_v7-w" {
		t.Fatalf("NewToken of 0xfb… = %q %v", tok, err)
	}
	if _, err := NewToken(bytes.NewReader(make([]byte, 15))); err == nil {
		t.Error("a token from 15 random bytes")
	}
	seen := map[Token]bool{}
	for range 1000 {
		tok, err := NewToken(nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := base64.RawURLEncoding.DecodeString(string(tok))
		if len(tok) != 22 || err != nil || len(b) != 16 || seen[tok] {
			t.Fatalf("token %q: %d bytes %v, seen %v", tok, len(b), err, seen[tok])
		}
		if back, ok := ParseToken(string(tok)); !ok || back != tok {
			t.Fatalf("ParseToken(%q) = %q %v", tok, back, ok)
		}
		seen[tok] = true
	}
	for _, s := range []string{"", "abc", strings.Repeat("A", 21), strings.Repeat("A", 23), strings.Repeat("A", 22) + "==",
		"AAAAAAAAAAAAAAAAAAAA+/", "AAAAAAAAAAAAAAAAAAAAA.", "AAAAAAAAAAAAAAAAAAAAAB", // B leaves bits set past the 16th byte
		"AAAAAAAAAAAAAAAAAAAA\x00A", "ＡAAAAAAAAAAAAAAAAAAAA"} {
		if _, ok := ParseToken(s); ok {
			t.Errorf("ParseToken(%q) took it", s)
		}
	}
	if u := Token("3q2-7wEVR4-cAeT0QW_9kA").URL("https://fugong.example/"); u != "https://fugong.example/scan/3q2-7wEVR4-cAeT0QW_9kA" {
		t.Errorf("URL = %q", u)
	}

	p := Post{Name: "飞云江大桥卡口"}
	if err := ScanError(p, false); err != nil {
		t.Errorf("a current token: %v", err)
	}
	e := fugong.AsError(ScanError(p, true))
	if e == nil || e.Code != fugong.ENotFound || !strings.Contains(e.Message, "已更换二维码") || !strings.Contains(e.Message, "飞云江大桥卡口") {
		t.Errorf("a retired token: %v", e)
	}
	p.Closed = true
	if e := fugong.AsError(ScanError(p, false)); e == nil || !strings.Contains(e.Message, "已撤销") {
		t.Errorf("a closed post: %v", e)
	}
	if e := ErrUnknownCode(); e.Code != fugong.ENotFound || !strings.Contains(e.Message, "二维码无效") {
		t.Errorf("unknown: %v", e)
	}
}

func TestAssignmentAndAccess(t *testing.T) {
	xianjiang := "330381010"
	problems(t, "good", CheckAssignment(Assignment{User: 7, Post: 3}, fugong.RoleCheckpoint, xianjiang, xianjiang), nil)
	problems(t, "both", CheckAssignment(Assignment{User: 7, Post: 3, Point: 4}, fugong.RoleCheckpoint, xianjiang, xianjiang),
		map[string]string{"post": "只能选其一"})
	problems(t, "neither", CheckAssignment(Assignment{User: 7}, fugong.RoleCheckpoint, xianjiang, xianjiang),
		map[string]string{"post": "请选择"})
	problems(t, "other town", CheckAssignment(Assignment{User: 7, Point: 4}, fugong.RoleCheckpoint, xianjiang, "330381001"),
		map[string]string{"point": "所属乡镇街道"})
	problems(t, "a clerk", CheckAssignment(Assignment{User: 7, Post: 3}, fugong.RoleEnterprise, xianjiang, xianjiang),
		map[string]string{"user": "卡口/隔离点"})

	post := Post{ID: 3, Town: xianjiang}
	point := Point{ID: 4, Town: xianjiang}
	staff := fugong.Actor{UserID: 7, Role: fugong.RoleCheckpoint, Town: xianjiang}
	for _, tc := range []struct {
		name             string
		a                fugong.Actor
		at               Assignment
		post, point, all bool // CanWorkPost, CanWorkPoint, CanViewFull
	}{
		{"staff at the post", staff, Assignment{User: 7, Post: 3}, true, false, false},
		{"staff at the point", staff, Assignment{User: 7, Point: 4}, false, true, false},
		{"staff at another post", staff, Assignment{User: 7, Post: 9}, false, false, false},
		{"someone else's assignment", staff, Assignment{User: 8, Post: 3}, false, false, false},
		{"the town", fugong.Actor{Role: fugong.RoleTown, Town: xianjiang}, Assignment{}, true, true, true},
		{"another town", fugong.Actor{Role: fugong.RoleTown, Town: "330381001"}, Assignment{}, false, false, true},
		{"prevention group", fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupPrevention}, Assignment{}, true, true, true},
		{"supplies group", fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupSupplies}, Assignment{}, false, false, false},
		{"admin", fugong.Actor{Role: fugong.RoleAdmin}, Assignment{}, true, true, true},
		{"cadre", fugong.Actor{Role: fugong.RoleCadre, Town: xianjiang}, Assignment{}, false, false, false},
	} {
		if got := CanWorkPost(tc.a, tc.at, post); got != tc.post {
			t.Errorf("%s: CanWorkPost = %v", tc.name, got)
		}
		if got := CanWorkPoint(tc.a, tc.at, point); got != tc.point {
			t.Errorf("%s: CanWorkPoint = %v", tc.name, got)
		}
		if got := CanViewFull(tc.a); got != tc.all {
			t.Errorf("%s: CanViewFull = %v", tc.name, got)
		}
	}
	if !CanReplaceToken(fugong.Actor{Role: fugong.RoleAdmin}) || CanReplaceToken(fugong.Actor{Role: fugong.RoleTown}) ||
		CanReplaceToken(fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupPrevention}) {
		t.Error("only the admin replaces tokens")
	}
	managers := []fugong.Role{}
	for _, r := range fugong.Roles {
		if CanManage(fugong.Actor{Role: r, Group: fugong.GroupInspection}) {
			managers = append(managers, r)
		}
	}
	if !slices.Equal(managers, []fugong.Role{fugong.RoleAdmin, fugong.RoleTown}) {
		t.Errorf("managers %v", managers)
	}
}
