package registry

import (
	"strings"
	"testing"

	"fugong"
)

func TestUSCCCheck(t *testing.T) {
	// The public examples of DOMAIN.md, and Ruian-style codes.
	valid := []string{"91310110666007217T", "91310115591693856A", "913702816143139252",
		"91370200797522673R", "9137028167179100XT", "914403003429409755", "91440300L83341734R"}
	for _, code := range valid {
		if got, msg := NormalizeUSCC(code); msg != "" || got != code {
			t.Errorf("%s: %q %q", code, got, msg)
		}
	}
	tests := []struct {
		in, want, msg string
	}{
		{" 91310110666007217t ", "91310110666007217T", ""},
		{"91310110666007217A", "", "校验位错误"},
		{"9131011066600721", "", "应为18位"},
		{"", "", "必填"},
		{"91310110666007217I", "", "不合法"},
		{"9131011066600721OT", "", "不合法"},
		{"91310110666007S17T", "", "不合法"},
		{"913101106660072１7T", "", "应为18位"}, // a full-width digit
		{"91AB0110666007217T", "", "行政区划"},
	}
	for _, tt := range tests {
		got, msg := NormalizeUSCC(tt.in)
		if !strings.Contains(msg, tt.msg) || (tt.msg == "" && msg != "") {
			t.Errorf("%q: message %q, want %q", tt.in, msg, tt.msg)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUSCCCheckCharEveryValue(t *testing.T) {
	// Changing any one of the first 17 characters changes the check character:
	// the weights are all non-zero mod 31, a prime.
	base := "91330381MA2H5K7L0"
	want, err := USCCCheckChar(base)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 17 {
		b := []byte(base)
		if b[i] == '1' {
			b[i] = '2'
		} else {
			b[i] = '1'
		}
		got, _ := USCCCheckChar(string(b))
		if got == want {
			t.Errorf("changing position %d kept check %c", i+1, got)
		}
	}
}

func TestPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13957712345", "13957712345"},
		{"+86 139 5771 2345", "13957712345"},
		{"0577-65812345", "0577-65812345"},
		{"057765812345", "057765812345"},
		{"(0577)65812345", "0577-65812345"},
		{"0577-65812345-801", "0577-65812345-801"},
	}
	for _, tt := range tests {
		if got, msg := NormalizePhone(tt.in); msg != "" || got != tt.want {
			t.Errorf("%q: got %q %q", tt.in, got, msg)
		}
	}
	for _, bad := range []string{"12345678901", "1395771234", "139577123456", "65812345", "abc", ""} {
		if _, msg := NormalizePhone(bad); msg == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func validEnterprise() Enterprise {
	return Enterprise{USCC: "91310110666007217T", Name: "瑞安市测试机械有限公司", Town: "塘下", SizeClass: SizeAbove,
		ContactPhone: "13957712345", Employees: 30, LandMu: 4.256}
}

func TestNormalizeEnterprise(t *testing.T) {
	e := validEnterprise()
	if ps := e.Normalize(); len(ps) != 0 {
		t.Fatal(ps)
	}
	if e.Town != "330381101" || e.TownName != "塘下镇" || e.LandMu != 4.26 || e.Status != StatusActive {
		t.Fatalf("%+v", e)
	}
	bad := func(mut func(*Enterprise), field string) {
		t.Helper()
		e := validEnterprise()
		mut(&e)
		ps := e.Normalize()
		if len(ps) != 1 || ps[0].Field != field {
			t.Errorf("want one problem on %s, got %v", field, ps)
		}
	}
	bad(func(e *Enterprise) { e.Name = " " }, "name")
	bad(func(e *Enterprise) { e.Name = strings.Repeat("厂", 101) }, "name")
	bad(func(e *Enterprise) { e.Town = "杭州" }, "town")
	bad(func(e *Enterprise) { e.SizeClass = "big" }, "size_class")
	bad(func(e *Enterprise) { e.Employees = -1 }, "employees")
	bad(func(e *Enterprise) { e.LandMu = -0.5 }, "land_mu")
	c := "E"
	bad(func(e *Enterprise) { e.MujunClass = &c }, "mujun_class")
	bad(func(e *Enterprise) { e.Status = "gone" }, "status")
	bad(func(e *Enterprise) { e.ContactPhone = "110" }, "contact_phone")
	lower := "b"
	e = validEnterprise()
	e.MujunClass = &lower
	if ps := e.Normalize(); len(ps) != 0 || *e.MujunClass != "B" {
		t.Errorf("lower-case class: %v %v", ps, *e.MujunClass)
	}
}

func TestEditRules(t *testing.T) {
	admin := fugong.Actor{Role: fugong.RoleAdmin}
	stats := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	inspect := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection}
	town := fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}
	clerk := fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: "91310110666007217T"}
	cadre := fugong.Actor{Role: fugong.RoleCadre}
	before := validEnterprise()
	before.Normalize()
	change := func(mut func(*Enterprise)) Enterprise {
		e := before
		mut(&e)
		return e
	}
	phone := change(func(e *Enterprise) { e.ContactPhone = "13900000000" })
	moved := change(func(e *Enterprise) { e.Town = "330381010" })
	renamed := change(func(e *Enterprise) { e.Name = "新名" })
	a := "A"
	graded := change(func(e *Enterprise) { e.MujunClass = &a })
	tests := []struct {
		name  string
		actor fugong.Actor
		after Enterprise
		code  string
	}{
		{"admin renames", admin, renamed, ""},
		{"statistics moves town", stats, moved, ""},
		{"inspection group edits", inspect, phone, fugong.EForbidden},
		{"town edits phone", town, phone, ""},
		{"town moves to another town", town, moved, fugong.EInvalid},
		{"town grades", town, graded, fugong.EForbidden},
		{"clerk edits phone", clerk, phone, ""},
		{"clerk renames", clerk, renamed, fugong.EForbidden},
		{"cadre edits", cadre, phone, fugong.EForbidden},
	}
	for _, tt := range tests {
		err := CanEdit(tt.actor, before, tt.after)
		if got := codeOf(err); got != tt.code {
			t.Errorf("%s: got %q (%v), want %q", tt.name, got, err, tt.code)
		}
	}
	if err := CanCreate(town, Enterprise{Town: "330381010"}); codeOf(err) != fugong.EInvalid {
		t.Errorf("town creating elsewhere: %v", err)
	}
	if err := CanCreate(clerk, Enterprise{Town: "330381101"}); codeOf(err) != fugong.EForbidden {
		t.Errorf("clerk creating: %v", err)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return fugong.ErrorCode(err)
}

func TestFilter(t *testing.T) {
	f := Filter{Town: "仙降", PerPage: 0}
	if err := f.Normalize(); err != nil || f.Town != "330381010" || f.PerPage != DefaultPerPage {
		t.Fatalf("%+v %v", f, err)
	}
	for _, bad := range []Filter{{SizeClass: "x"}, {MujunClass: "AB"}, {MujunClass: "E"}, {PerPage: 501}, {Page: -1}, {Town: "nowhere"}} {
		if err := bad.Normalize(); codeOf(err) != fugong.EInvalid {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestTowns(t *testing.T) {
	if len(Towns) != 23 {
		t.Fatalf("%d towns", len(Towns))
	}
	seen := map[string]bool{}
	for _, tw := range Towns {
		if !strings.HasPrefix(tw.Code, CityCode) || len(tw.Code) != 9 || seen[tw.Code] {
			t.Errorf("bad or repeated code %s", tw.Code)
		}
		seen[tw.Code] = true
	}
	for _, name := range []string{"塘下", "仙降", "飞云", "陶山", "马屿", "潘岱", "南滨", "东山", "莘塍"} {
		if _, ok := TownByNameOrCode(name); !ok {
			t.Errorf("the report's town %s is missing", name)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138 1234 5678", "138****5678"},
		{"0577-65812345", "0577-****2345"},
		{"057765812345", "0577-****2345"},
		{"(0577)65812345", "0577-****2345"},
		{"0577-65812345-801", "0577-****2345-801"},
		{"057765812345-801", "0577-****2345-801"},
		{"010-12345678", "010-****5678"},
		{"01012345678", "010-****5678"},
		{"021-1234567", "021-***4567"},
		{"12345678901", "*******8901"}, // no number NormalizePhone accepts: only the last four stay
		{"tel 5771-2345", "tel ****-2345"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
