package checkpoint

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/people"
)

func hotel() Point {
	p := Point{ID: 4, Name: "仙降隔离点（某酒店）", Town: "仙降街道", Address: "仙降街道某路1号", Rooms: 10,
		Capacity: map[string]int{"03": 2, "5": 1}}
	if ps := p.Normalize(); len(ps) > 0 {
		panic(ps)
	}
	return p
}

func TestPointNormalize(t *testing.T) {
	p := hotel()
	if p.Town != "330381010" || len(p.Capacity) != 1 || p.Capacity["3"] != 2 {
		t.Errorf("not normalised: %+v", p)
	}
	if p.Beds() != 11 {
		t.Errorf("beds %d, want 11 (ten rooms, one for two)", p.Beds())
	}
	for room, want := range map[string]int{"1": 1, "3": 2, "10": 1, "0": 0, "11": 0, "03": 0, "": 0, "x": 0} {
		c, ok := p.RoomCapacity(room)
		if c != want || ok != (want > 0) {
			t.Errorf("RoomCapacity(%q) = %d %v, want %d", room, c, ok, want)
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*Point)
		want map[string]string
	}{
		{"nothing", func(p *Point) { *p = Point{} }, map[string]string{"name": "必填", "town": "必填",
			"rooms": "房间数应在 1–2000 之间"}},
		{"too many rooms", func(p *Point) { p.Rooms = MaxRooms + 1 }, map[string]string{"rooms": "1–2000"}},
		{"no such room", func(p *Point) { p.Capacity = map[string]int{"11": 2} }, map[string]string{"capacity": "没有房间“11”"}},
		{"room 0", func(p *Point) { p.Capacity = map[string]int{"0": 2} }, map[string]string{"capacity": "没有房间“0”"}},
		{"a dormitory", func(p *Point) { p.Capacity = map[string]int{"2": 7} }, map[string]string{"capacity": "房间 2 应容纳 1–6 人"}},
		{"no bed", func(p *Point) { p.Capacity = map[string]int{"2": 0} }, map[string]string{"capacity": "1–6"}},
		{"twice", func(p *Point) { p.Capacity = map[string]int{"2": 2, "02": 3} }, map[string]string{"capacity": "房间 2 重复"}},
	} {
		q := Point{Name: "隔离点", Town: "330381010", Address: "某路1号", Rooms: 10}
		tc.edit(&q)
		problems(t, tc.name, q.Normalize(), tc.want)
	}
}

// resident is an admitted resident of hotel().
func resident(id int64, room, admitted string) Resident {
	return Resident{ID: id, Point: 4, Room: room, Name: "住客", IDNumber: idA, AdmittedOn: admitted, Days: 14,
		ReleaseOn: people.AddDays(admitted, 14)}
}

func TestResidentNormalize(t *testing.T) {
	p := hotel()
	r := Resident{Point: 4, Room: " 03 ", Name: " 王五 ", IDNumber: strings.ToLower(idX), Phone: "0577-65812345",
		Origin: "湖北省武汉市", AdmittedOn: "2020-02-01"}
	if ps := r.Normalize(today, p, people.Defaults); len(ps) > 0 {
		t.Fatalf("valid resident: %v", ps)
	}
	if r.Room != "3" || r.Name != "王五" || r.IDNumber != idX || r.Days != 14 || r.ReleaseOn != "2020-02-15" {
		t.Errorf("not normalised: %+v", r)
	}
	r.Days = 7
	if ps := r.Normalize(today, p, people.Defaults); len(ps) > 0 || r.ReleaseOn != "2020-02-08" {
		t.Errorf("7 days from 1 February: release on %s %v", r.ReleaseOn, ps)
	}
	r.Days = 0
	if ps := r.Normalize(today, p, people.Settings{QuarantineDays: 21, FeverThreshold: 37.3}); len(ps) > 0 || r.ReleaseOn != "2020-02-22" {
		t.Errorf("the prevention group's 21 days: release on %s %v", r.ReleaseOn, ps)
	}
	closed := p
	closed.Closed = true
	for _, tc := range []struct {
		name  string
		edit  func(*Resident)
		point Point
		want  map[string]string
	}{
		{"nothing", func(r *Resident) { *r = Resident{} }, p, map[string]string{"point": "隔离点不存在", "room": "房间号必填",
			"name": "姓名必填", "id_number": "身份证号码必填", "admitted_on": "入住日期必填"}},
		{"no such room", func(r *Resident) { r.Room = "11" }, p, map[string]string{"room": "“11”不存在：本隔离点房间为 1–10"}},
		{"another point", func(r *Resident) { r.Point = 5 }, p, map[string]string{"point": "不存在"}},
		{"closed point", func(r *Resident) {}, closed, map[string]string{"point": "已关闭"}},
		{"ID", func(r *Resident) { r.IDNumber = idA[:17] + "9" }, p, map[string]string{"id_number": "校验位错误"}},
		{"phone", func(r *Resident) { r.Phone = "110" }, p, map[string]string{"phone": "联系电话应为11位手机号"}},
		{"tomorrow", func(r *Resident) { r.AdmittedOn = "2020-02-21" }, p, map[string]string{"admitted_on": "不能晚于今天"}},
		{"bad day", func(r *Resident) { r.AdmittedOn = "2020-2-1" }, p, map[string]string{"admitted_on": "YYYY-MM-DD"}},
		{"too long", func(r *Resident) { r.Days = 61 }, p, map[string]string{"days": "隔离天数应在 1–60 天之间"}},
		{"negative", func(r *Resident) { r.Days = -1 }, p, map[string]string{"days": "1–60"}},
	} {
		r := Resident{Point: 4, Room: "1", Name: "王五", IDNumber: idX, AdmittedOn: "2020-02-01"}
		tc.edit(&r)
		problems(t, tc.name, r.Normalize(today, tc.point, people.Defaults), tc.want)
	}
}

func TestInResidence(t *testing.T) {
	r := resident(1, "1", "2020-02-01")
	for day, want := range map[string]bool{"2020-01-31": false, "2020-02-01": true, "2020-02-15": true, "2020-02-20": true} {
		if r.InResidence(day) != want {
			t.Errorf("InResidence(%s) = %v", day, !want)
		}
	}
	r.ReleasedOn = "2020-02-15"
	if !r.InResidence("2020-02-14") || r.InResidence("2020-02-15") {
		t.Error("released on the 15th: in on the 14th, out on the 15th")
	}
}

func TestPlace(t *testing.T) {
	p := hotel()
	current := []Resident{resident(1, "1", "2020-02-10"), resident(2, "3", "2020-02-10")}
	released := resident(3, "2", "2020-02-01")
	released.ReleasedOn = "2020-02-15"
	current = append(current, released)
	in := func(room string, id string) Resident {
		r := resident(0, room, today)
		r.IDNumber = id
		return r
	}
	for _, tc := range []struct {
		name     string
		incoming []Resident
		want     map[string]string
	}{
		{"a free room", []Resident{in("4", idX)}, nil},
		{"a room freed by a release", []Resident{in("2", idX)}, nil},
		{"a full room", []Resident{in("1", idX)}, map[string]string{"room": "房间 1 已住满（单人单间）"}},
		{"the second bed of a double", []Resident{in("3", idX)}, nil},
		{"two in one bed", []Resident{in("4", idX), in("4", "110105194912310021")},
			map[string]string{"residents[1].room": "房间 4 已住满（单人单间）"}},
		{"three in a double", []Resident{in("5", idX), in("3", "110105194912310021"), in("3", "440524188001010014")},
			map[string]string{"residents[2].room": "房间 3 已住满（可住 2 人）"}},
		{"the same person twice", []Resident{in("4", idX), in("5", idX)},
			map[string]string{"residents[1].id_number": "与第 1 位相同"}},
	} {
		problems(t, tc.name, Place(p, current, tc.incoming), tc.want)
	}
	// Admitted on a day the room was still taken.
	early := in("2", idX)
	early.AdmittedOn = "2020-02-14"
	problems(t, "before the release", Place(p, current, []Resident{early}), map[string]string{"room": "房间 2 已住满"})
}

func TestCheckPointChange(t *testing.T) {
	current := []Resident{resident(1, "9", "2020-02-10"), resident(2, "3", "2020-02-10"), resident(3, "3", "2020-02-11")}
	next := hotel()
	problems(t, "unchanged", CheckPointChange(next, today, current), nil)
	next.Rooms = 8
	next.Capacity = nil
	problems(t, "smaller", CheckPointChange(next, today, current), map[string]string{
		"rooms": "房间 9 还有人住，不能减少房间数到 8", "capacity": "房间 3 住有 2 人，不能改为可住 1 人"})
	// Nobody there any more on the day: nothing to break.
	problems(t, "an earlier day", CheckPointChange(next, "2020-02-01", current), nil)
}

func TestRelease(t *testing.T) {
	r := resident(1, "1", "2020-02-01") // release on 2020-02-15
	for _, tc := range []struct {
		name, on, note string
		want           map[string]string
	}{
		{"tomorrow", "2020-02-21", "", map[string]string{"released_on": "不能晚于今天"}},
		{"before admission", "2020-01-31", "转院", map[string]string{"released_on": "不能早于入住日期（2020-02-01）"}},
		{"bad day", "2月15日", "", map[string]string{"released_on": "YYYY-MM-DD"}},
		{"early without a reason", "2020-02-10", "", map[string]string{"release_note": "提前解除隔离（应于 2020-02-15 解除）须填写原因"}},
		{"long reason", "2020-02-10", strings.Repeat("因", 201), map[string]string{"release_note": "不能超过200个字"}},
	} {
		r := r
		err := r.Release(tc.on, today, "kakou", tc.note)
		if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		problems(t, tc.name, fugong.AsError(err).Problems, tc.want)
		if r.ReleasedOn != "" {
			t.Errorf("%s: released anyway", tc.name)
		}
	}
	early := r
	if err := early.Release("2020-02-10", today, "kakou", "转定点医院"); err != nil || early.ReleasedOn != "2020-02-10" ||
		early.ReleaseNote != "转定点医院" || early.ReleasedBy != "kakou" {
		t.Errorf("early with a reason: %+v %v", early, err)
	}
	if err := r.Release("2020-02-15", today, "kakou", ""); err != nil || r.ReleasedOn != "2020-02-15" {
		t.Errorf("on the day: %v", err)
	}
	if err := r.Release("2020-02-16", today, "kakou", ""); fugong.ErrorCode(err) != fugong.EConflict {
		t.Errorf("released twice: %v", err)
	}
}

func TestReadingNormalize(t *testing.T) {
	r := resident(7, "2", "2020-02-10")
	now := at("09:00")
	g := Reading{Resident: 7, Round: "上午", Celsius: 36.55, By: "kakou"}
	if ps := g.Normalize(now, r); len(ps) > 0 {
		t.Fatalf("valid reading: %v", ps)
	}
	if g.Round != Morning || g.Day != today || !g.At.Equal(now) || math.Abs(g.Celsius-36.6) > 1e-9 {
		t.Errorf("not normalised: %+v", g)
	}
	// Yesterday afternoon's round recorded just after midnight.
	late := Reading{Resident: 7, Day: "2020-02-19", Round: Afternoon, Celsius: 36.8, At: at("00:10")}
	if ps := late.Normalize(at("00:15"), r); len(ps) > 0 {
		t.Errorf("a late round: %v", ps)
	}
	for _, tc := range []struct {
		name string
		edit func(*Reading)
		want map[string]string
	}{
		{"too cold", func(g *Reading) { g.Celsius = 33.9 }, map[string]string{"celsius": "34–43"}},
		{"too hot", func(g *Reading) { g.Celsius = 43.5 }, map[string]string{"celsius": "34–43"}},
		{"infinite", func(g *Reading) { g.Celsius = math.Inf(1) }, map[string]string{"celsius": "有效的数字"}},
		{"round", func(g *Reading) { g.Round = "noon" }, map[string]string{"round": "morning 或 afternoon"}},
		{"someone else", func(g *Reading) { g.Resident = 8 }, map[string]string{"resident": "不存在"}},
		{"before admission", func(g *Reading) { g.Day = "2020-02-09" }, map[string]string{"day": "不在隔离点"}},
		{"bad day", func(g *Reading) { g.Day = "2020-02-31" }, map[string]string{"day": "YYYY-MM-DD"}},
		{"recorded before its day", func(g *Reading) { g.Day = today; g.At = at("08:00").Add(-24 * time.Hour) },
			map[string]string{"at": "不能早于测温日期"}},
		{"future", func(g *Reading) { g.At = at("10:00") }, map[string]string{"at": "不能晚于现在"}},
	} {
		g := Reading{Resident: 7, Round: Morning, Celsius: 36.5}
		tc.edit(&g)
		problems(t, tc.name, g.Normalize(now, r), tc.want)
	}
	released := r
	released.ReleasedOn = "2020-02-20"
	g = Reading{Resident: 7, Round: Morning, Celsius: 36.5}
	problems(t, "released", g.Normalize(now, released), map[string]string{"day": "不在隔离点"})
}

func TestVersions(t *testing.T) {
	stored := []Reading{
		{ID: 1, Resident: 7, Day: today, Round: Morning, Celsius: 38.0, Version: 1},
		{ID: 2, Resident: 7, Day: today, Round: Morning, Celsius: 36.6, Version: 2},
		{ID: 3, Resident: 7, Day: today, Round: Afternoon, Celsius: 36.7, Version: 1},
		{ID: 4, Resident: 8, Day: today, Round: Morning, Celsius: 36.4, Version: 1},
		{ID: 5, Resident: 7, Day: "2020-02-19", Round: Morning, Celsius: 36.5, Version: 1},
	}
	for _, tc := range []struct {
		r    Reading
		want int
	}{
		{Reading{Resident: 7, Day: today, Round: Morning}, 3},
		{Reading{Resident: 7, Day: today, Round: Afternoon}, 2},
		{Reading{Resident: 8, Day: today, Round: Afternoon}, 1},
		{Reading{Resident: 9, Day: today, Round: Morning}, 1},
	} {
		if got := NextVersion(stored, tc.r); got != tc.want {
			t.Errorf("NextVersion(%+v) = %d, want %d", tc.r, got, tc.want)
		}
	}
	var ids []int64
	for _, r := range Current(stored) {
		ids = append(ids, r.ID)
	}
	// The correction (2) stands for the morning's first reading (1); a
	// second morning reading is not a second round.
	if !slices.Equal(ids, []int64{5, 2, 3, 4}) { // by resident, day, round
		t.Errorf("Current = %v", ids)
	}
}

func TestMissingRounds(t *testing.T) {
	residents := []Resident{
		resident(1, "10", "2020-02-10"),
		resident(2, "2", "2020-02-10"),
		resident(3, "3", today), // arrived today
		resident(4, "4", "2020-02-01"),
		resident(5, "5", "2020-02-21"), // not yet
		{ID: 6, Point: 5, Room: "1", AdmittedOn: "2020-02-15", ReleaseOn: "2020-03-01"},
	}
	residents[3].ReleasedOn = today // left this morning
	readings := []Reading{
		{Resident: 2, Day: today, Round: Morning, Version: 1},
		{Resident: 2, Day: today, Round: Morning, Version: 2},
		{Resident: 1, Day: "2020-02-19", Round: Afternoon, Version: 1},
		{Resident: 6, Day: today, Round: Afternoon, Version: 1},
	}
	type flag struct {
		id    int64
		round Round
	}
	flags := func(ms []Missing) []flag {
		out := []flag{}
		for _, m := range ms {
			out = append(out, flag{m.Resident, m.Round})
		}
		return out
	}
	for _, tc := range []struct {
		day  string
		now  time.Time
		want []flag
	}{
		{today, at("11:59"), []flag{}},
		{today, at("12:00"), []flag{{1, Morning}, {6, Morning}}},
		{today, at("17:59"), []flag{{1, Morning}, {6, Morning}}},
		{today, at("18:00"), []flag{{2, Afternoon}, {1, Morning}, {1, Afternoon}, {6, Morning}}},
		{"2020-02-19", at("08:00"), []flag{{2, Morning}, {2, Afternoon}, {4, Morning}, {4, Afternoon}, {1, Morning}, {6, Morning}, {6, Afternoon}}},
		{"bad day", at("20:00"), []flag{}},
	} {
		got := MissingRounds(tc.day, tc.now, residents, readings)
		if !slices.Equal(flags(got), tc.want) {
			t.Errorf("%s at %s: %v, want %v", tc.day, tc.now.Format("15:04"), flags(got), tc.want)
		}
	}
	m := MissingRounds(today, at("18:00"), residents, readings)[0]
	if m.Point != 4 || m.Room != "2" || m.Day != today || !m.Due.Equal(at("18:00")) {
		t.Errorf("missing %+v", m)
	}
}

func TestResidentAlert(t *testing.T) {
	p := hotel()
	r := resident(7, "2", "2020-02-10")
	r.Name = "王五"
	g := Reading{Resident: 7, Day: today, Round: Afternoon, Celsius: 37.8, At: at("15:00"), By: "kakou", Version: 2}
	a, ok := ResidentAlert(p, r, g, people.Defaults)
	want := Alert{Kind: "fever", Town: "330381010", Point: 4, Reference: "resident:7", Name: "王五", IDNumber: "330381********1230",
		Celsius: 37.8, Status: "open", OpenedAt: at("15:00"), OpenedBy: "kakou"}
	if !ok || a != want {
		t.Errorf("alert\n got %+v\nwant %+v", a, want)
	}
	g.Celsius = 37.2
	if _, ok := ResidentAlert(p, r, g, people.Defaults); ok {
		t.Error("37.2 raised an alert")
	}
}

func TestMeals(t *testing.T) {
	r := resident(7, "2", "2020-02-10")
	m := Meal{Resident: 7, Kind: "午餐", By: "kakou"}
	if ps := m.Normalize(at("12:05"), r); len(ps) > 0 || m.Kind != Lunch || m.Day != today {
		t.Fatalf("valid meal: %+v %v", m, ps)
	}
	bad := Meal{Resident: 8, Kind: "supper", Day: "2020-02-01", DeliveredAt: at("13:00")}
	problems(t, "bad meal", bad.Normalize(at("12:05"), r), map[string]string{"resident": "不存在", "kind": "breakfast、lunch 或 dinner",
		"day": "该人员不在隔离点", "delivered_at": "不能晚于现在"})
	if e := ErrMealTwice(m); e.Code != fugong.EConflict || e.Message != "2020-02-20的午餐已登记送达" {
		t.Errorf("twice: %v", e)
	}
	residents := []Resident{r, resident(8, "3", "2020-02-10"), resident(9, "4", "2020-02-21")}
	meals := []Meal{{Resident: 7, Day: today, Kind: Breakfast}, {Resident: 7, Day: today, Kind: Lunch},
		{Resident: 8, Day: "2020-02-19", Kind: Dinner}, {Resident: 9, Day: today, Kind: Lunch}}
	want := []DayMeals{{Resident: 7, Day: today, Breakfast: true, Lunch: true, Count: 2}, {Resident: 8, Day: today}}
	if got := MealsOn(today, residents, meals); !slices.Equal(got, want) {
		t.Errorf("MealsOn = %+v", got)
	}
}

func TestOccupancy(t *testing.T) {
	a := hotel()
	b := Point{ID: 5, Name: "安阳隔离点", Town: "330381001", Rooms: 3}
	c := Point{ID: 6, Name: "仙降二号", Town: "330381010", Rooms: 2}
	gone := Point{ID: 7, Name: "已关闭", Town: "330381010", Rooms: 5, Closed: true}
	residents := []Resident{
		resident(1, "1", "2020-02-06"), // release on 02-20: due today
		resident(2, "3", "2020-02-01"), // due 02-15: overdue
		resident(3, "3", "2020-02-10"), // fills the double
		resident(4, "4", today),        // admitted today
		resident(5, "5", "2020-02-01"), // released today
		resident(6, "1", "2020-02-15"), // at b
		resident(7, "9", "2020-02-21"), // not yet
		resident(8, "1", "2020-01-20"), // at gone, released long ago
	}
	residents[4].ReleasedOn = today
	residents[5].Point = 5
	residents[7].Point, residents[7].ReleasedOn = 7, "2020-02-03"
	occ := PointOccupancy(today, []Point{a, b, c, gone}, residents)
	want := []Occupancy{
		{Point: 5, Name: "安阳隔离点", Town: "330381001", Rooms: 3, Beds: 3, Occupied: 1, Free: 2, RoomsFull: 1},
		{Point: 6, Name: "仙降二号", Town: "330381010", Rooms: 2, Beds: 2, Free: 2},
		{Point: 4, Name: "仙降隔离点（某酒店）", Town: "330381010", Rooms: 10, Beds: 11, Occupied: 4, Free: 7, RoomsFull: 3,
			ReleasesDue: 2, Overdue: 1, Admitted: 1, Released: 1},
	}
	if !slices.Equal(occ, want) {
		t.Errorf("PointOccupancy\n got %+v\nwant %+v", occ, want)
	}
	towns := TownTotals(occ)
	wantTowns := []TownOccupancy{
		{Town: "330381001", TownName: "安阳街道", Points: 1, Beds: 3, Occupied: 1, Free: 2},
		{Town: "330381010", TownName: "仙降街道", Points: 2, Beds: 13, Occupied: 4, Free: 9, ReleasesDue: 2, Overdue: 1, Admitted: 1, Released: 1},
	}
	if !slices.Equal(towns, wantTowns) {
		t.Errorf("TownTotals\n got %+v\nwant %+v", towns, wantTowns)
	}
	var due []int64
	for _, r := range ReleasesDue(today, residents) {
		due = append(due, r.ID)
	}
	if !slices.Equal(due, []int64{2, 1}) {
		t.Errorf("ReleasesDue = %v, want the overdue first", due)
	}
}
