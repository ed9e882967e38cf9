package account

import (
	"strings"
	"testing"

	"fugong"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("hash %q", h)
	}
	h2, _ := HashPassword("correct horse")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if ok, err := CheckPassword(h, "correct horse"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := CheckPassword(h, "correct horsE"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("unknown format accepted")
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if TokenHash(a) == a || TokenHash(a) != TokenHash(a) {
		t.Fatal("token hash")
	}
	if CSRFToken(a) == CSRFToken(b) || CSRFToken(a) == a {
		t.Fatal("csrf token")
	}
}

func TestUserNormalize(t *testing.T) {
	tests := []struct {
		u     User
		field string
	}{
		{User{Username: "Admin", Role: fugong.RoleAdmin}, ""},
		{User{Username: "ab", Role: fugong.RoleAdmin}, "username"},
		{User{Username: "a b c", Role: fugong.RoleAdmin}, "username"},
		{User{Username: "boss", Role: "king"}, "role"},
		{User{Username: "tx", Role: fugong.RoleTown}, "username"},
		{User{Username: "tangxia", Role: fugong.RoleTown}, "town"},
		{User{Username: "tangxia", Role: fugong.RoleTown, Town: "塘下镇"}, ""},
		{User{Username: "tangxia", Role: fugong.RoleTown, Town: "上海"}, "town"},
		{User{Username: "admin2", Role: fugong.RoleAdmin, Town: "330381101"}, "town"},
		{User{Username: "clerk", Role: fugong.RoleEnterprise}, "enterprise"},
		{User{Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: "91310110666007217A"}, "enterprise"},
		{User{Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: "91310110666007217t"}, ""},
		{User{Username: "tongji", Role: fugong.RoleBureau}, "group"},
		{User{Username: "tongji", Role: fugong.RoleBureau, Group: "party"}, "group"},
		{User{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics, GroupLeader: true}, ""},
		{User{Username: "kakou", Role: fugong.RoleCheckpoint, Town: "330381010"}, ""},
		{User{Username: "ganbu", Role: fugong.RoleCadre, GroupLeader: true}, "group"},
	}
	for _, tt := range tests {
		ps := tt.u.Normalize()
		got := ""
		if len(ps) > 0 {
			got = ps[0].Field
		}
		if got != tt.field {
			t.Errorf("%+v: problems %v, want field %q", tt.u, ps, tt.field)
		}
	}
	if g := GroupFromName("信息统计组"); g != fugong.GroupStatistics {
		t.Errorf("group by Chinese name: %q", g)
	}
}

func TestFilterNormalize(t *testing.T) {
	for _, c := range []struct {
		f       Filter
		field   string
		page    int
		perPage int
		town    string
	}{
		{Filter{}, "", 1, DefaultPerPage, ""},
		{Filter{Page: 3, PerPage: 500, Q: "  zhang "}, "", 3, 500, ""},
		{Filter{Town: "塘下镇"}, "", 1, DefaultPerPage, "330381101"},
		{Filter{Town: "上海"}, "town", 0, 0, ""},
		{Filter{Role: "king"}, "role", 0, 0, ""},
		{Filter{PerPage: 501}, "per_page", 0, 0, ""},
		{Filter{Page: -1}, "page", 0, 0, ""},
		{Filter{Q: strings.Repeat("长", 101)}, "q", 0, 0, ""},
	} {
		f := c.f
		err := f.Normalize()
		if c.field != "" {
			if e := fugong.AsError(err); e == nil || e.Field != c.field {
				t.Errorf("%+v: %v, want a problem with %s", c.f, err, c.field)
			}
			continue
		}
		if err != nil || f.Page != c.page || f.PerPage != c.perPage || f.Town != c.town || f.Q != strings.TrimSpace(c.f.Q) {
			t.Errorf("%+v: %+v %v", c.f, f, err)
		}
	}
}
