package people

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/pii"
)

const (
	today = "2020-02-20"
	firm  = "91310110666007217T"
	idA   = "330381199001011230"
	idX   = "33038119900101129X"
)

func valid() Person {
	return Person{Enterprise: firm, Name: "张三", IDNumber: idA, Phone: "13812345678", Origin: "湖北省武汉市",
		Hubei: true, ReturnedOn: "2020-02-10", QuarantineStart: "2020-02-10", HealthCode: "green", OnPost: false}
}

func TestNormalize(t *testing.T) {
	p := valid()
	p.IDNumber = strings.ToLower(idX)
	p.Phone = " +86 138 1234 5678 "
	p.HealthCode = "绿码"
	if ps := p.Normalize(today, Defaults); len(ps) > 0 {
		t.Fatalf("valid person: %v", ps)
	}
	if p.IDNumber != idX || p.Phone != "13812345678" || p.HealthCode != CodeGreen {
		t.Errorf("not normalised: %q %q %q", p.IDNumber, p.Phone, p.HealthCode)
	}
	if p.QuarantineDays != 14 || p.QuarantineEnd != "2020-02-23" {
		t.Errorf("default quarantine: %d days to %s", p.QuarantineDays, p.QuarantineEnd)
	}

	for _, tt := range []struct {
		name  string
		edit  func(*Person)
		field string
		msg   string
	}{
		{"no name", func(p *Person) { p.Name = " " }, "name", "姓名必填"},
		{"long name", func(p *Person) { p.Name = strings.Repeat("名", 51) }, "name", "不能超过50个字"},
		{"no ID", func(p *Person) { p.IDNumber = "" }, "id_number", "身份证号码必填"},
		{"short ID", func(p *Person) { p.IDNumber = idA[:17] }, "id_number", "身份证号码应为18位"},
		{"ID check", func(p *Person) { p.IDNumber = idA[:17] + "1" }, "id_number", "身份证号码校验位错误"},
		{"ID date", func(p *Person) { p.IDNumber = "330381199002300012" }, "id_number", "出生日期"},
		{"born tomorrow", func(p *Person) {
			p.IDNumber, _ = pii.MakeIDNumber("330381", time.Date(2020, 2, 21, 0, 0, 0, 0, time.UTC), 1)
		},
			"id_number", "身份证号码中的出生日期晚于今天"},
		{"bad phone", func(p *Person) { p.Phone = "12345" }, "phone", "联系电话应为11位手机号"},
		{"bad enterprise", func(p *Person) { p.Enterprise = "91310110666007217A" }, "enterprise", "校验位错误"},
		{"future return", func(p *Person) { p.ReturnedOn, p.QuarantineStart = "2020-02-21", "" }, "returned_on", "返岗日期不能晚于今天（2020-02-20）"},
		{"bad return", func(p *Person) { p.ReturnedOn = "2020-02-30" }, "returned_on", "YYYY-MM-DD"},
		{"future quarantine", func(p *Person) { p.QuarantineStart = "2020-02-21" }, "quarantine_start", "不能晚于今天"},
		{"quarantine before return", func(p *Person) { p.QuarantineStart = "2020-02-09" }, "quarantine_start", "不能早于返岗日期（2020-02-10）"},
		{"end before start", func(p *Person) { p.QuarantineEnd = "2020-02-09" }, "quarantine_end", "隔离结束日期不能早于隔离开始日期（2020-02-10）"},
		{"end and days disagree", func(p *Person) { p.QuarantineEnd, p.QuarantineDays = "2020-02-20", 14 }, "quarantine_end", "与隔离天数不符（2020-02-10起14天应至2020-02-23）"},
		{"bad end", func(p *Person) { p.QuarantineEnd = "20200220" }, "quarantine_end", "YYYY-MM-DD"},
		{"end without start", func(p *Person) { p.QuarantineStart, p.QuarantineEnd = "", "2020-02-20" }, "quarantine_start", "必填"},
		{"too many days", func(p *Person) { p.QuarantineDays = 61 }, "quarantine_days", "应在 1–60 天之间"},
		{"negative days", func(p *Person) { p.QuarantineDays = -1 }, "quarantine_days", "应在 1–60 天之间"},
		{"no code", func(p *Person) { p.HealthCode = "" }, "health_code", "健康码必填"},
		{"bad code", func(p *Person) { p.HealthCode = "blue" }, "health_code", "应为绿码、黄码或红码"},
		{"yellow without since", func(p *Person) { p.HealthCode = "yellow" }, "code_since", "转码日期必填"},
		{"future since", func(p *Person) { p.HealthCode, p.CodeSince = "red", "2020-02-21" }, "code_since", "不能晚于今天"},
		{"long origin", func(p *Person) { p.Origin = strings.Repeat("湖", 101) }, "origin", "不能超过100个字"},
	} {
		p := valid()
		tt.edit(&p)
		ps := p.Normalize(today, Defaults)
		if len(ps) != 1 || ps[0].Field != tt.field || !strings.Contains(ps[0].Message, tt.msg) {
			t.Errorf("%s: %v, want %s: %s", tt.name, ps, tt.field, tt.msg)
		}
	}

	// Every problem at once, each naming its field.
	p = Person{IDNumber: "x", ReturnedOn: "2030-01-01", QuarantineStart: "2020-02-12", QuarantineEnd: "2020-02-11", HealthCode: "red"}
	err := fugong.Invalid(p.Normalize(today, Defaults))
	e := fugong.AsError(err)
	if e == nil || e.Code != fugong.EInvalid {
		t.Fatalf("error %v", err)
	}
	var fields []string
	for _, pr := range e.Problems {
		fields = append(fields, pr.Field)
	}
	want := []string{"enterprise", "name", "id_number", "returned_on", "quarantine_end", "code_since"}
	if !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
}

func TestQuarantine(t *testing.T) {
	for _, tt := range []struct {
		start, end string
		days       int
		wantDays   int
		wantEnd    string
	}{
		{"2020-02-10", "", 0, 14, "2020-02-23"},
		{"2020-02-10", "", 7, 7, "2020-02-16"},
		{"2020-02-10", "2020-02-10", 0, 1, "2020-02-10"},
		{"2020-02-10", "2020-02-23", 0, 14, "2020-02-23"},
		{"2020-02-10", "2020-02-23", 14, 14, "2020-02-23"},
		{"2020-02-20", "2020-03-05", 0, 15, "2020-03-05"}, // 2020 is a leap year
		{"", "", 14, 0, ""},                               // no start, no quarantine
	} {
		p := valid()
		p.QuarantineStart, p.QuarantineEnd, p.QuarantineDays = tt.start, tt.end, tt.days
		if ps := p.Normalize(today, Settings{QuarantineDays: 14, FeverThreshold: 37.3}); len(ps) > 0 {
			t.Errorf("%+v: %v", tt, ps)
			continue
		}
		if p.QuarantineDays != tt.wantDays || p.QuarantineEnd != tt.wantEnd {
			t.Errorf("%+v: %d days to %q", tt, p.QuarantineDays, p.QuarantineEnd)
		}
	}
	// The default length is a setting.
	p := valid()
	p.Normalize(today, Settings{QuarantineDays: 21, FeverThreshold: 37.3})
	if p.QuarantineEnd != "2020-03-01" {
		t.Errorf("21 days from 2020-02-10 end %s", p.QuarantineEnd)
	}

	p = Person{QuarantineStart: "2020-02-10", QuarantineEnd: "2020-02-23"}
	for day, want := range map[string][2]bool{
		"2020-02-09": {false, false},
		"2020-02-10": {true, false},
		"2020-02-19": {true, false},
		"2020-02-20": {true, true}, // 3 days before the end
		"2020-02-23": {true, true}, // the last day
		"2020-02-24": {false, false},
	} {
		if got := [2]bool{p.InQuarantine(day), p.QuarantineEndingSoon(day)}; got != want {
			t.Errorf("%s: in quarantine, ending soon = %v, want %v", day, got, want)
		}
	}
	if (Person{}).InQuarantine(today) {
		t.Error("nobody is in quarantine without a start")
	}
}

func TestSettings(t *testing.T) {
	d := Defaults
	if ps := d.Normalize(); len(ps) > 0 {
		t.Fatalf("the defaults break rules: %v", ps)
	}
	for _, tt := range []struct {
		s     Settings
		field string
	}{
		{Settings{0, 37.3}, "quarantine_days"},
		{Settings{61, 37.3}, "quarantine_days"},
		{Settings{14, 36.9}, "fever_threshold"},
		{Settings{14, 38.6}, "fever_threshold"},
		{Settings{14, 37.25}, "fever_threshold"},
	} {
		if ps := tt.s.Normalize(); len(ps) != 1 || ps[0].Field != tt.field {
			t.Errorf("%+v: %v", tt.s, ps)
		}
	}
	s, err := ParseSettings(`{"fever_threshold":37.5}`)
	if err != nil || s != (Settings{QuarantineDays: 14, FeverThreshold: 37.5}) {
		t.Errorf("ParseSettings: %+v %v", s, err)
	}
	if _, err := ParseSettings(`{"quarantine_days":0}`); err == nil {
		t.Error("bad stored settings accepted")
	}
	for c, want := range map[float64]bool{37.2: false, 37.3: true, 37.29999999: true, 37.25: true, 37.24: false, 39: true} {
		if got := Defaults.Fever(c); got != want {
			t.Errorf("Fever(%v) = %v", c, got)
		}
	}
	if (Settings{FeverThreshold: 37.5}).Fever(37.3) {
		t.Error("the threshold is a setting")
	}
}

func TestTemperature(t *testing.T) {
	now := time.Date(2020, 2, 20, 8, 0, 0, 0, fugong.Location)
	r := Temperature{Person: 1, Celsius: 36.55}
	if ps := r.Normalize(now); len(ps) > 0 {
		t.Fatal(ps)
	}
	if r.Celsius != 36.6 || r.Day != "2020-02-20" || !r.At.Equal(now) {
		t.Errorf("normalised %+v", r)
	}
	// A reading at 23:30 UTC is the next morning in Ruian.
	late := Temperature{Person: 1, Celsius: 36.5, At: time.Date(2020, 2, 19, 23, 30, 0, 0, time.UTC)}
	late.Normalize(now)
	if late.Day != "2020-02-20" {
		t.Errorf("day %s", late.Day)
	}
	for _, tt := range []struct {
		r     Temperature
		field string
	}{
		{Temperature{Person: 1, Celsius: 33.9}, "celsius"},
		{Temperature{Person: 1, Celsius: 43.1}, "celsius"},
		{Temperature{Person: 1, Celsius: 0}, "celsius"},
		{Temperature{Person: 1, Celsius: 36.5, At: now.Add(time.Hour)}, "at"},
		{Temperature{Celsius: 36.5}, "person"},
	} {
		if ps := tt.r.Normalize(now); len(ps) != 1 || ps[0].Field != tt.field {
			t.Errorf("%+v: %v", tt.r, ps)
		}
	}
	for _, c := range []float64{34, 43} {
		r := Temperature{Person: 1, Celsius: c}
		if ps := r.Normalize(now); len(ps) > 0 {
			t.Errorf("%v: %v", c, ps)
		}
	}

	p := valid()
	p.ID = 7
	if _, ok := FeverAlert(p, Temperature{Celsius: 37.2}, Defaults); ok {
		t.Error("37.2 raised an alert")
	}
	a, ok := FeverAlert(p, Temperature{Celsius: 37.3, At: now}, Defaults)
	if !ok || a.StaffID == nil || *a.StaffID != 7 || a.Kind != KindFever || a.IDNumber != "330381********1230" || a.Celsius != 37.3 {
		t.Errorf("alert %+v %v", a, ok)
	}
}

func TestDailyCheckIns(t *testing.T) {
	got := DailyCheckIns([]Temperature{
		{Day: "2020-02-12", Celsius: 36.5}, {Day: "2020-02-11", Celsius: 36.5}, {Day: "2020-02-11", Celsius: 37.5},
		{Day: "2020-02-11", Celsius: 36.4}, {Day: "2020-02-13", Celsius: 37.3},
	}, Defaults)
	want := []CheckIn{{"2020-02-11", false}, {"2020-02-12", true}, {"2020-02-13", false}}
	if !slices.Equal(got, want) {
		t.Errorf("check-ins %v, want %v", got, want)
	}
}

func days(from string, n int, normal bool) []CheckIn {
	var out []CheckIn
	for i := range n {
		out = append(out, CheckIn{AddDays(from, i), normal})
	}
	return out
}

func TestExpectedGreen(t *testing.T) {
	cat := func(lists ...[]CheckIn) []CheckIn { return slices.Concat(lists...) }
	for _, tt := range []struct {
		name      string
		code      HealthCode
		since     string
		checkIns  []CheckIn
		today     string
		want      string
		wantFound bool
	}{
		{"green", CodeGreen, "2020-02-10", nil, today, "", false},
		{"no since", CodeYellow, "", nil, today, "", false},
		{"yellow today", CodeYellow, "2020-02-20", nil, "2020-02-20", "2020-02-27", true},
		{"red today", CodeRed, "2020-02-20", nil, "2020-02-20", "2020-03-05", true},
		{"yellow, 3 normal days, today's to come", CodeYellow, "2020-02-16", days("2020-02-17", 3, true), "2020-02-20", "2020-02-23", true},
		{"yellow, 4 normal days with today's", CodeYellow, "2020-02-16", days("2020-02-17", 4, true), "2020-02-20", "2020-02-23", true},
		{"the turn day does not count", CodeYellow, "2020-02-16", days("2020-02-16", 5, true), "2020-02-20", "2020-02-23", true},
		{"a fever restarts the count", CodeYellow, "2020-02-14",
			cat(days("2020-02-15", 3, true), days("2020-02-18", 1, false), days("2020-02-19", 2, true)), "2020-02-20", "2020-02-25", true},
		{"a fever today", CodeYellow, "2020-02-14",
			cat(days("2020-02-15", 5, true), days("2020-02-20", 1, false)), "2020-02-20", "2020-02-27", true},
		{"a missed day restarts the count", CodeYellow, "2020-02-14",
			cat(days("2020-02-15", 2, true), days("2020-02-18", 3, true)), "2020-02-20", "2020-02-24", true},
		{"nothing since yesterday", CodeYellow, "2020-02-14", days("2020-02-15", 4, true), "2020-02-20", "2020-02-26", true},
		{"complete: should be green", CodeYellow, "2020-02-10", days("2020-02-11", 10, true), "2020-02-20", "2020-02-17", true},
		{"red, 14 in a row", CodeRed, "2020-02-05", days("2020-02-06", 14, true), "2020-02-20", "2020-02-19", true},
		{"red, 13 in a row", CodeRed, "2020-02-06", days("2020-02-07", 13, true), "2020-02-19", "2020-02-20", true},
		{"check-ins before the turn ignored", CodeRed, "2020-02-18", days("2020-02-01", 17, true), "2020-02-18", "2020-03-03", true},
		{"one abnormal of two on a day", CodeYellow, "2020-02-18",
			[]CheckIn{{"2020-02-19", true}, {"2020-02-19", false}, {"2020-02-20", true}}, "2020-02-20", "2020-02-26", true},
	} {
		got, ok := ExpectedGreen(tt.code, tt.since, tt.checkIns, tt.today)
		if got != tt.want || ok != tt.wantFound {
			t.Errorf("%s: %q %v, want %q %v", tt.name, got, ok, tt.want, tt.wantFound)
		}
	}
}

func TestSummarize(t *testing.T) {
	mk := func(id int64, name string, edit func(*Person)) Person {
		p := valid()
		p.ID, p.Name, p.QuarantineStart, p.QuarantineEnd, p.HealthCode, p.OnPost = id, name, "", "", CodeGreen, true
		if edit != nil {
			edit(&p)
		}
		return p
	}
	people := []Person{
		mk(1, "甲", func(p *Person) { p.QuarantineStart, p.QuarantineEnd, p.OnPost = "2020-02-10", "2020-02-23", false }),
		mk(2, "乙", func(p *Person) { p.QuarantineStart, p.QuarantineEnd, p.OnPost = "2020-02-15", "2020-02-28", false }),
		mk(3, "丙", func(p *Person) { p.QuarantineStart, p.QuarantineEnd = "2020-02-01", "2020-02-14" }), // over
		mk(4, "丁", func(p *Person) { p.HealthCode, p.CodeSince = CodeYellow, "2020-02-18" }),
		mk(5, "戊", func(p *Person) {
			p.HealthCode, p.CodeSince, p.CodeHeldByFamily, p.Phone = CodeRed, "2020-02-19", true, ""
		}),
		mk(6, "己", nil),
		mk(7, "庚", func(p *Person) { p.CodeHeldByFamily = true }),
	}
	readings := []Temperature{
		{Person: 4, Day: "2020-02-19", Celsius: 36.5},
		{Person: 4, Day: "2020-02-20", Celsius: 36.6},
		{Person: 6, Day: "2020-02-20", Celsius: 36.8},
		{Person: 6, Day: "2020-02-20", Celsius: 37.3},
		{Person: 6, Day: "2020-02-20", Celsius: 38.1},
		{Person: 7, Day: "2020-02-19", Celsius: 39}, // yesterday
		{Person: 2, Day: "2020-02-20", Celsius: 37.6},
		{Person: 99, Day: "2020-02-20", Celsius: 40}, // not in scope
	}
	s := Summarize(today, people, readings, Defaults)
	ids := func(ls []Line) []int64 {
		out := []int64{}
		for _, l := range ls {
			out = append(out, l.Person)
		}
		return out
	}
	for name, tt := range map[string]struct{ got, want []int64 }{
		"quarantined":       {ids(s.Quarantined), []int64{1, 2}},
		"quarantine_ending": {ids(s.QuarantineEnding), []int64{1}},
		"yellow":            {ids(s.Yellow), []int64{4}},
		"red":               {ids(s.Red), []int64{5}},
		"fever":             {ids(s.Fever), []int64{6, 2}},
		"family_held":       {ids(s.FamilyHeld), []int64{7, 5}}, // by name: 庚 before 戊 in Unicode,
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: %v, want %v", name, tt.got, tt.want)
		}
	}
	if l := s.QuarantineEnding[0]; l.QuarantineEnd != "2020-02-23" || l.IDNumber != "330381********1230" || l.Phone != "138****5678" {
		t.Errorf("ending line %+v", l)
	}
	if s.Yellow[0].GreenExpected != "2020-02-25" || s.Red[0].GreenExpected != "2020-03-04" {
		t.Errorf("green expected %q %q", s.Yellow[0].GreenExpected, s.Red[0].GreenExpected)
	}
	if s.Fever[0].Celsius != 38.1 || s.Fever[1].Celsius != 37.6 {
		t.Errorf("fever %+v", s.Fever)
	}
	if s.Red[0].Phone != "" {
		t.Errorf("no phone shows as %q", s.Red[0].Phone)
	}

	b, _ := json.Marshal(Summarize(today, nil, nil, Defaults))
	if string(b) != `{"quarantined":[],"quarantine_ending":[],"yellow":[],"red":[],"fever":[],"family_held":[]}` {
		t.Errorf("empty summary %s", b)
	}
	// Lists never carry a whole ID number or phone.
	b, _ = json.Marshal(s)
	if strings.Contains(string(b), idA) || strings.Contains(string(b), "13812345678") {
		t.Errorf("the summary holds personal data: %s", b)
	}
}

func TestPersonJSON(t *testing.T) {
	var p Person
	in := `{"name":"李四","id_number":"33038119900101129x","phone":"13812345678","origin":"孝感","hubei":true,` +
		`"returned_on":"2020-02-12","quarantine_start":"2020-02-12","quarantine_days":14,"health_code":"yellow",` +
		`"code_since":"2020-02-12","code_held_by_family":true,"on_post":false,"enterprise":"` + firm + `"}`
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if ps := p.Normalize(today, Defaults); len(ps) > 0 {
		t.Fatal(ps)
	}
	if !p.Hubei || !p.CodeHeldByFamily || p.OnPost || p.QuarantineEnd != "2020-02-25" || p.IDNumber != idX {
		t.Errorf("%+v", p)
	}
	m := p.Masked()
	if m.IDNumber != "330381********129X" || m.Phone != "138****5678" || p.IDNumber != idX {
		t.Errorf("masked %q %q", m.IDNumber, m.Phone)
	}
}

func BenchmarkSummarize(b *testing.B) {
	// A town's day: 5,000 people, a reading each, a tenth quarantined.
	gen := pii.NewIDGenerator(1)
	var people []Person
	var readings []Temperature
	for i := range 5000 {
		p := valid()
		p.ID, p.IDNumber = int64(i+1), gen.Next().Number
		if i%10 != 0 {
			p.QuarantineStart, p.QuarantineEnd = "", ""
		}
		if i%50 == 0 {
			p.HealthCode, p.CodeSince = CodeYellow, "2020-02-15"
		}
		people = append(people, p)
		readings = append(readings, Temperature{Person: p.ID, Day: today, Celsius: 36.5})
	}
	b.ReportAllocs()
	for b.Loop() {
		Summarize(today, people, readings, Defaults)
	}
}
