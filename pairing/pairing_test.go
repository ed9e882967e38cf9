package pairing

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"fugong"
	"fugong/account"
	"fugong/registry"
)

func TestCanPair(t *testing.T) {
	for _, c := range []struct {
		a    fugong.Actor
		want bool
	}{
		{fugong.Actor{Role: fugong.RoleAdmin}, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection}, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, false},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupCoordination}, false},
		{fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}, true},
		{fugong.Actor{Role: fugong.RoleCadre}, false},
		{fugong.Actor{Role: fugong.RoleEnterprise}, false},
		{fugong.Actor{Role: fugong.RoleCheckpoint}, false},
	} {
		if got := CanPair(c.a); got != c.want {
			t.Errorf("CanPair(%s %s) = %v", c.a.Role, c.a.Group, got)
		}
	}
	if !CanSeeCadres(fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}) || CanSeeCadres(fugong.Actor{Role: fugong.RoleCadre}) {
		t.Error("the bureau reads the cadres, a cadre does not")
	}
}

func TestCheckCadre(t *testing.T) {
	cadre := account.User{Username: "wu", Role: fugong.RoleCadre}
	for _, c := range []struct {
		name     string
		username string
		u        account.User
		found    bool
		want     string // part of the message; "" for accepted
	}{
		{"a cadre", "wu", cadre, true, ""},
		{"empty", " ", account.User{}, false, "请填写干部账号"},
		{"no such user", "nobody", account.User{}, false, "nobody 不是可结对的驻企干部账号"},
		{"a town official", "tangxia", account.User{Role: fugong.RoleTown}, true, "tangxia 不是可结对的驻企干部账号"},
		{"the admin", "admin", account.User{Role: fugong.RoleAdmin}, true, "admin 不是可结对的驻企干部账号"},
		{"disabled", "wu", account.User{Role: fugong.RoleCadre, Disabled: true}, true, "wu 不是可结对的驻企干部账号"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckCadre(c.username, c.u, c.found)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := fugong.AsError(err)
			if e == nil || e.Code != fugong.EInvalid || e.Field != "username" || !strings.Contains(e.Message, c.want) {
				t.Fatalf("got %v, want invalid username saying %q", err, c.want)
			}
			// Whether the account exists, its role or its state is not told.
			for _, leak := range []string{"不存在", "管理员", "角色", "停用", "乡镇街道"} {
				if strings.Contains(e.Message, leak) {
					t.Errorf("%q tells %q", e.Message, leak)
				}
			}
		})
	}
}

func TestVisitInterval(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"7", 7, true}, {" 1 ", 1, true}, {"90", 90, true},
		{"0", 0, false}, {"91", 0, false}, {"-3", 0, false}, {"一周", 0, false}, {"7.5", 0, false}, {"", 0, false},
	} {
		got, err := ParseVisitInterval(c.in)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("%q: %d, %v", c.in, got, err)
		}
		if !c.ok {
			if e := fugong.AsError(err); e == nil || e.Field != "days" || e.Code != fugong.EInvalid {
				t.Errorf("%q accepted (%d, %v)", c.in, got, err)
			}
		}
	}
}

func TestCheckListParams(t *testing.T) {
	town, page, per, err := CheckListParams("塘下", 0, 0)
	if err != nil || town != "330381101" || page != 1 || per != registry.DefaultPerPage {
		t.Errorf("defaults: %q %d %d %v", town, page, per, err)
	}
	for _, c := range []struct {
		town          string
		page, perPage int
		field         string
	}{
		{"上海", 1, 10, "town"}, {"", -1, 10, "page"}, {"", 1, 501, "per_page"}, {"", 1, -1, "per_page"},
	} {
		if _, _, _, err := CheckListParams(c.town, c.page, c.perPage); fugong.AsError(err) == nil || fugong.AsError(err).Field != c.field {
			t.Errorf("%+v: %v, want a problem with %s", c, err, c.field)
		}
	}
}

func validUSCC(t *testing.T, org string) string {
	t.Helper()
	c, err := registry.USCCCheckChar("91330381" + org)
	if err != nil {
		t.Fatal(err)
	}
	return "91330381" + org + string(c)
}

func TestCheckRows(t *testing.T) {
	inScope, closed, other := validUSCC(t, "MA6000001"), validUSCC(t, "MA6000002"), validUSCC(t, "MA6000003")
	enterprises := map[string]registry.Enterprise{
		inScope: {USCC: inScope, Name: "甲厂", Status: registry.StatusActive},
		closed:  {USCC: closed, Name: "乙厂", Status: registry.StatusClosed},
	}
	users := map[string]account.User{
		"wu":      {ID: 1, Username: "wu", Role: fugong.RoleCadre},
		"tangxia": {ID: 2, Username: "tangxia", Role: fugong.RoleTown},
	}
	lookups := 0
	enterprise := func(uscc string) (registry.Enterprise, error) {
		if e, ok := enterprises[uscc]; ok {
			return e, nil
		}
		return registry.Enterprise{}, fugong.NotFound("企业")
	}
	cadre := func(name string) (account.User, error) {
		lookups++
		if u, ok := users[name]; ok {
			return u, nil
		}
		return account.User{}, fugong.NotFound("用户")
	}
	cols := map[string]string{"uscc": "统一社会信用代码", "username": "干部账号"}
	row := func(n int, uscc, user string) ImportRow {
		return ImportRow{Row: n, USCC: uscc, Username: user, Columns: cols}
	}
	for _, c := range []struct {
		name string
		rows []ImportRow
		want []string // "row field message-part" per problem, in order
		good int
	}{
		{"good rows", []ImportRow{row(2, inScope, "wu"), row(3, strings.ToLower(inScope[:17])+inScope[17:], "WU ")}, []string{"3 uscc 与第2行重复"}, 1},
		{"one good", []ImportRow{row(2, inScope, " Wu")}, nil, 1},
		{"empty code", []ImportRow{row(2, " ", "wu")}, []string{"2 uscc 不能为空"}, 0},
		{"bad check character", []ImportRow{row(2, inScope[:17]+"0", "wu")}, []string{"2 uscc 统一社会信用代码"}, 0},
		{"out of scope", []ImportRow{row(4, other, "wu")}, []string{"4 uscc 不在您的管辖范围内"}, 0},
		{"closed", []ImportRow{row(2, closed, "wu")}, []string{"2 uscc 无需结对干部"}, 0},
		{"not a cadre and unknown", []ImportRow{row(2, inScope, "tangxia"), row(5, other, "nobody")},
			[]string{"2 username tangxia 不是可结对的驻企干部账号", "5 uscc 不在您的管辖范围内", "5 username nobody 不是可结对的驻企干部账号"}, 0},
		{"no username", []ImportRow{row(2, inScope, "")}, []string{"2 username 请填写干部账号"}, 0},
		{"reader's problem kept once", []ImportRow{{Row: 7, USCC: inScope, Username: strings.Repeat("x", 2000), Columns: cols,
			Problems: []registry.RowError{{Row: 7, Field: "username", Column: "干部账号", Message: "干部账号内容过长"}}}},
			[]string{"7 username 内容过长"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			as, bad, err := checkRows(c.rows, enterprise, cadre)
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != len(c.want) {
				t.Fatalf("problems %+v, want %v", bad, c.want)
			}
			for i, w := range c.want {
				parts := strings.SplitN(w, " ", 3)
				b := bad[i]
				if parts[0] != strconv.Itoa(b.Row) || b.Field != parts[1] || !strings.Contains(b.Message, parts[2]) || b.Column != cols[b.Field] {
					t.Errorf("problem %d: %+v, want %s", i, b, w)
				}
			}
			if len(bad) == 0 && len(as) != c.good {
				t.Errorf("%d assignments, want %d", len(as), c.good)
			}
			for _, a := range as {
				if a.USCC != inScope || a.Cadre.Username != "wu" {
					t.Errorf("assignment %+v", a)
				}
			}
		})
	}
	// A cadre named on many rows is looked up once.
	lookups = 0
	rows := []ImportRow{row(2, inScope, "wu"), row(3, other, "wu"), row(4, closed, "wu")}
	if _, _, err := checkRows(rows, enterprise, cadre); err != nil || lookups != 1 {
		t.Errorf("%d lookups of wu, %v", lookups, err)
	}
	// A failing store is an error, not a bad row.
	broken := errors.New("disk on fire")
	if _, _, err := checkRows(rows, func(string) (registry.Enterprise, error) { return registry.Enterprise{}, broken }, cadre); !errors.Is(err, broken) {
		t.Errorf("store failure: %v", err)
	}
}
