package supplies

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"fugong"
	"fugong/registry"
)

func f(v float64) *float64 { return &v }

func TestStored(t *testing.T) {
	for _, tc := range []struct {
		item Item
		v    float64
		want int64
		msg  string
	}{
		{Masks, 500, 500, ""},
		{Masks, 0, 0, ""},
		{Masks, -1, 0, "不能为负数"},
		{Masks, 1.5, 0, "应为整数"},
		{Masks, MaxAmount, MaxAmount, ""},
		{Masks, MaxAmount + 1, 0, "超出合理范围（不超过10000000只）"},
		{Masks, 1e300, 0, "超出合理范围（不超过10000000只）"},
		{Masks, math.NaN(), 0, "不是有效的数字"},
		{Disinfectant, 12.5, 125, ""},
		{Disinfectant, 0.1, 1, ""},
		{Disinfectant, 0.3, 3, ""}, // 0.3 × 10 is not exactly 3 in floating point
		{Disinfectant, 12.55, 0, "最多保留一位小数"},
		{Disinfectant, -0.1, 0, "不能为负数"},
		{Gloves, 2.0, 2, ""},
		{Thermometers, 0.5, 0, "应为整数"},
	} {
		got, msg := Stored(tc.item, tc.v)
		if got != tc.want || msg != tc.msg {
			t.Errorf("Stored(%s, %v) = %d %q, want %d %q", tc.item, tc.v, got, msg, tc.want, tc.msg)
		}
	}
	if a := Amount(Disinfectant, 125); a != 12.5 {
		t.Errorf("Amount(disinfectant, 125) = %v, want 12.5", a)
	}
	if s := Format(Disinfectant, 3); s != "0.3" {
		t.Errorf("Format(disinfectant, 3) = %q", s)
	}
}

func TestDeclared(t *testing.T) {
	all := map[Item]*float64{Masks: f(500), Thermometers: f(2), Disinfectant: f(10.5), Suits: f(0), Gloves: f(100)}
	q, ps := Declared(all)
	if len(ps) > 0 || q != (Quantities{Masks: 500, Thermometers: 2, Disinfectant: 105, Suits: 0, Gloves: 100}) {
		t.Fatalf("Declared(all) = %+v %v", q, ps)
	}
	b, _ := json.Marshal(q)
	var back map[string]float64
	json.Unmarshal(b, &back)
	if back["disinfectant_l"] != 10.5 || back["masks"] != 500 || len(back) != 5 {
		t.Errorf("JSON of quantities: %s", b)
	}

	bad := map[Item]*float64{Masks: f(-3), Disinfectant: f(1.25), Suits: f(2.5), Gloves: f(1)}
	_, ps = Declared(bad)
	want := []fugong.Problem{
		{Field: "masks", Message: "口罩数量不能为负数"},
		{Field: "thermometers", Message: "请填写体温计数量，没有请填 0"},
		{Field: "disinfectant_l", Message: "消毒液数量最多保留一位小数"},
		{Field: "suits", Message: "防护服数量应为整数"},
	}
	if !slices.Equal(ps, want) {
		t.Errorf("problems %v, want %v", ps, want)
	}
}

func TestSettings(t *testing.T) {
	d := Defaults
	if ps := d.Normalize(); len(ps) > 0 {
		t.Fatalf("the defaults break rules: %v", ps)
	}
	for _, tc := range []struct {
		name  string
		patch SettingsPatch
		want  Settings
		field string // of the one problem; "" for none
	}{
		{"masks only", SettingsPatch{MasksPerPerson: f(3)}, Settings{3, 1, 0.05, 3}, ""},
		{"days", SettingsPatch{ShortageDays: f(5)}, Settings{2, 1, 0.05, 5}, ""},
		{"a decimal rate", SettingsPatch{MasksPerPerson: f(1.5), DisinfectantPerPerson: f(0.08)}, Settings{1.5, 1, 0.08, 3}, ""},
		{"no masks used", SettingsPatch{MasksPerPerson: f(0)}, Settings{}, "masks_per_person_day"},
		{"two decimals of a mask", SettingsPatch{MasksPerPerson: f(2.25)}, Settings{}, "masks_per_person_day"},
		{"three decimals of a litre", SettingsPatch{DisinfectantPerPerson: f(0.055)}, Settings{}, "disinfectant_l_per_person_day"},
		{"negative gloves", SettingsPatch{GlovesPerPerson: f(-1)}, Settings{}, "gloves_per_person_day"},
		{"half a day", SettingsPatch{ShortageDays: f(2.5)}, Settings{}, "shortage_days"},
		{"no days", SettingsPatch{ShortageDays: f(0)}, Settings{}, "shortage_days"},
		{"a year", SettingsPatch{ShortageDays: f(365)}, Settings{}, "shortage_days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ps := tc.patch.Apply(Defaults)
			if tc.field == "" {
				if len(ps) > 0 || got != tc.want {
					t.Errorf("got %+v %v, want %+v", got, ps, tc.want)
				}
				return
			}
			if len(ps) != 1 || ps[0].Field != tc.field || ps[0].Message == "" {
				t.Errorf("problems %v, want one about %s", ps, tc.field)
			}
		})
	}
	ctx := context.Background()
	if s, err := Config.Get(ctx, stored{}); err != nil || s != Defaults {
		t.Errorf("never set: %+v %v, want the defaults", s, err)
	}
	s, err := Config.Get(ctx, stored{"supplies": `{"masks_per_person_day": 3}`})
	if err != nil || s != (Settings{3, 1, 0.05, 3}) {
		t.Errorf("one setting stored: %+v %v; the others should be the defaults", s, err)
	}
	if _, err := Config.Get(ctx, stored{"supplies": `{"shortage_days": 0}`}); err == nil {
		t.Error("a bad stored value was read")
	}
}

func days(v float64, ok bool) any {
	if !ok {
		return "none"
	}
	return v
}

func TestCover(t *testing.T) {
	s := Defaults
	for _, tc := range []struct {
		name  string
		item  Item
		stock int64
		staff int
		days  any
		short bool
		need  int64
	}{
		// The report's 浙江天盛食品: 28 staff, 500 masks.
		{"天盛食品", Masks, 500, 28, 8.9, false, 0},
		{"exactly the threshold", Masks, 168, 28, 3.0, false, 0},
		{"one mask below", Masks, 167, 28, 2.9, true, 1},
		{"none left", Masks, 0, 28, 0.0, true, 168},
		{"nobody on post", Masks, 0, 0, "none", false, 0},
		{"gloves", Gloves, 50, 20, 2.5, false, 10},
		{"disinfectant 10 L for 20", Disinfectant, 100, 20, 10.0, false, 0},
		{"disinfectant 2 L for 20", Disinfectant, 20, 20, 2.0, false, 10},
		{"thermometers", Thermometers, 3, 28, "none", false, 0},
		{"suits", Suits, 0, 28, "none", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := days(s.DaysOfCover(tc.item, tc.stock, tc.staff)); got != tc.days {
				t.Errorf("days of cover %v, want %v", got, tc.days)
			}
			if tc.item == Masks {
				if got := s.Short(tc.stock, tc.staff); got != tc.short {
					t.Errorf("short %v, want %v", got, tc.short)
				}
			}
			if got := s.Need(tc.item, tc.stock, tc.staff); got != tc.need {
				t.Errorf("need %d, want %d", got, tc.need)
			}
		})
	}
	// A rate with a decimal: 28 × 1.5 × 3 = 126 masks is the line.
	s.MasksPerPerson = 1.5
	if !s.Short(125, 28) || s.Short(126, 28) || s.Need(Masks, 100, 28) != 26 {
		t.Errorf("at 1.5 a day: short(125) %v short(126) %v need(100) %d", s.Short(125, 28), s.Short(126, 28), s.Need(Masks, 100, 28))
	}
	// Short agrees with the store's rule for every stock around the line.
	for _, rate := range []float64{0.1, 1.3, 2, 2.7} {
		s.MasksPerPerson = rate
		for _, staff := range []int{1, 7, 28, 320} {
			for m := int64(0); m < 3000; m++ {
				sql := m*10 < int64(staff)*s.Rule().PerStaffTenths
				d, _ := s.DaysOfCover(Masks, m, staff)
				if s.Short(m, staff) != sql || s.Short(m, staff) != (d < float64(s.ShortageDays)) {
					t.Fatalf("rate %v staff %d masks %d: Short %v, rule %v, days %v", rate, staff, m, s.Short(m, staff), sql, d)
				}
				if s.Short(m, staff) && s.Short(m+s.Need(Masks, m, staff), staff) {
					t.Fatalf("rate %v staff %d masks %d: the need %d does not end the shortage", rate, staff, m, s.Need(Masks, m, staff))
				}
			}
		}
	}
}

func TestSpare(t *testing.T) {
	s := Defaults // keeps 3 × 3 = 9 days
	for _, tc := range []struct {
		item  Item
		stock int64
		staff int
		want  int64
	}{
		{Masks, 1000, 28, 1000 - 2*9*28},
		{Masks, 504, 28, 0},
		{Masks, 400, 28, 0},
		{Masks, 300, 0, 300}, // nobody on post: all of it
		{Disinfectant, 100, 10, 100 - 45},
		{Thermometers, 10, 28, 10}, // not consumed: never asked, but nothing to keep
	} {
		if got := s.Spare(tc.item, tc.stock, tc.staff); got != tc.want {
			t.Errorf("Spare(%s, %d, %d) = %d, want %d", tc.item, tc.stock, tc.staff, got, tc.want)
		}
	}
}

func TestCovers(t *testing.T) {
	cs := Defaults.Covers(Quantities{Masks: 500, Thermometers: 2, Disinfectant: 30, Gloves: 10}, 28)
	if len(cs) != len(Items) {
		t.Fatalf("%d covers", len(cs))
	}
	for _, c := range cs {
		if c.Item.Consumed() != (c.DailyUse != nil) || c.Item.Consumed() != (c.Days != nil) {
			t.Errorf("%s: daily use %v, days %v", c.Item, c.DailyUse, c.Days)
		}
	}
	if *cs[0].DailyUse != 56 || *cs[0].Days != 8.9 || *cs[4].Days != 0.3 || cs[4].Need != 74 {
		t.Errorf("masks %v/%v, gloves %v need %d", *cs[0].DailyUse, *cs[0].Days, *cs[4].Days, cs[4].Need)
	}
}

func TestNearness(t *testing.T) {
	seen := map[string]int{}
	for _, a := range areas {
		for _, code := range a {
			seen[code]++
			if _, ok := registry.TownByCode(code); !ok {
				t.Errorf("area town %s is not a town of the city", code)
			}
		}
	}
	for _, town := range registry.Towns {
		if seen[town.Code] != 1 {
			t.Errorf("%s (%s) is in %d areas, want exactly 1", town.Name, town.Code, seen[town.Code])
		}
	}
	const tangxia, xinchen, xianjiang = "330381101", "330381007", "330381010"
	for _, tc := range []struct{ need, donor, want string }{
		{tangxia, tangxia, SameTown},
		{tangxia, xinchen, SameArea},
		{xinchen, tangxia, SameArea},
		{tangxia, xianjiang, Elsewhere},
	} {
		if got := Nearness(tc.need, tc.donor); got != tc.want {
			t.Errorf("Nearness(%s, %s) = %s, want %s", tc.need, tc.donor, got, tc.want)
		}
	}
}

func TestMovement(t *testing.T) {
	for _, tc := range []struct {
		name   string
		m      Movement
		fields []string // problems of a receipt
	}{
		{"good", Movement{Item: "masks", Quantity: f(5000), Source: "市防控指挥部调拨"}, nil},
		{"litres", Movement{Item: "disinfectant_l", Quantity: f(20.5), Source: "企业捐赠"}, nil},
		{"no source", Movement{Item: "masks", Quantity: f(5000), Source: "  "}, []string{"source"}},
		{"unknown item", Movement{Item: "n95", Quantity: f(10), Source: "x"}, []string{"item"}},
		{"zero", Movement{Item: "masks", Quantity: f(0), Source: "x"}, []string{"quantity"}},
		{"negative", Movement{Item: "masks", Quantity: f(-5), Source: "x"}, []string{"quantity"}},
		{"missing", Movement{Item: "masks", Source: "x"}, []string{"quantity"}},
		{"too much", Movement{Item: "masks", Quantity: f(2e7), Source: "x"}, []string{"quantity"}},
		{"long note", Movement{Item: "masks", Quantity: f(1), Source: "x", Note: string(make([]rune, 501))}, []string{"note"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.m.Receipt()
			var got []string
			if e := fugong.AsError(err); e != nil {
				for _, p := range e.Problems {
					got = append(got, p.Field)
				}
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("problems %v (%v), want %v", got, err, tc.fields)
			}
		})
	}
	al, err := Movement{Enterprise: " 91330381MA2AAAA01X ", Item: "disinfectant_l", Quantity: f(2.5), Note: " 应急 "}.Allocation()
	if err != nil || al.Enterprise != "91330381MA2AAAA01X" || al.Quantity != 25 || al.Note != "应急" {
		t.Errorf("allocation %+v %v", al, err)
	}
	if _, err := (Movement{Item: "masks", Quantity: f(1)}).Allocation(); fugong.AsError(err) == nil || fugong.AsError(err).Field != "enterprise" {
		t.Errorf("allocation without an enterprise: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	for _, tc := range []struct {
		a               fugong.Actor
		declare, manage bool
	}{
		{fugong.Actor{Role: fugong.RoleAdmin}, true, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupSupplies}, true, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, false, false},
		{fugong.Actor{Role: fugong.RoleTown}, true, false},
		{fugong.Actor{Role: fugong.RoleCadre}, true, false},
		{fugong.Actor{Role: fugong.RoleEnterprise}, true, false},
		{fugong.Actor{Role: fugong.RoleCheckpoint}, false, false},
	} {
		if CanDeclare(tc.a) != tc.declare || CanManage(tc.a) != tc.manage {
			t.Errorf("%s/%s: declare %v manage %v", tc.a.Role, tc.a.Group, CanDeclare(tc.a), CanManage(tc.a))
		}
	}
}

// stored is a settings table in memory.
type stored map[string]string

func (s stored) Setting(_ context.Context, key string) (string, bool, error) {
	v, ok := s[key]
	return v, ok, nil
}
