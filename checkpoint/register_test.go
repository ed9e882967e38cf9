package checkpoint

import (
	"bytes"
	"errors"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
)

const (
	today = "2020-02-20"
	idA   = "330381199001011230"
	idX   = "33038119900101129X"
)

// at is a time on 2020-02-20 in Ruian.
func at(clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", today+" "+clock, fugong.Location)
	if err != nil {
		panic(err)
	}
	return t
}

func form() url.Values {
	return url.Values{
		"name": {"张三"}, "id_number": {idA}, "phone": {"13812345678"}, "plate": {"浙C·3L580"},
		"origin": {"温州市鹿城区"}, "destination": {"瑞安市仙降街道"}, "direction": {"in"},
		"fever": {"no"}, "cough": {"no"}, "high_risk_area": {"no"}, "health_code": {"green"}, "remember": {"on"},
	}
}

func TestParseForm(t *testing.T) {
	v := form()
	v.Set("id_number", " "+strings.ToLower(idX)+" ")
	v.Set("phone", "+86 138 1234 5678")
	v.Set("direction", "进")
	v.Set("fever", "否")
	v.Set("health_code", "绿码")
	v.Add("name", "李四") // a field given twice counts once
	f, ps := ParseForm(v, nil, today)
	if len(ps) > 0 {
		t.Fatalf("valid form: %v", ps)
	}
	want := Form{Traveller: Traveller{Name: "张三", IDNumber: idX, Phone: "13812345678", Plate: "浙C3L580",
		Origin: "温州市鹿城区", Destination: "瑞安市仙降街道"}, Direction: DirIn,
		Health: Health{Fever: No, Cough: No, HighRiskArea: No, HealthCode: people.CodeGreen}, Remember: true}
	if f != want {
		t.Errorf("form\n got %+v\nwant %+v", f, want)
	}

	v = form()
	v.Del("plate")
	v.Del("remember")
	if f, ps := ParseForm(v, nil, today); len(ps) > 0 || f.Plate != "" || f.Remember {
		t.Errorf("without plate or remember: %+v %v", f, ps)
	}

	// Every problem at once, each naming its field.
	_, ps = ParseForm(url.Values{"plate": {"ABC"}, "remember": {"maybe"}}, nil, today)
	problems(t, "empty form", ps, map[string]string{
		"name": "姓名必填", "id_number": "身份证号码必填", "phone": "手机号码必填", "plate": "车牌号应以省份简称开头",
		"origin": "出发地必填", "destination": "目的地必填", "direction": "进出方向必填", "fever": "是否发热必填",
		"cough": "必填", "high_risk_area": "必填", "health_code": "健康码必填", "remember": "勾选",
	})

	for _, tc := range []struct {
		name, field, value string
		want               string
	}{
		{"short ID", "id_number", idA[:17], "身份证号码应为18位"},
		{"ID check", "id_number", idA[:17] + "1", "身份证号码校验位错误"},
		{"first-generation ID", "id_number", "330381900101123", "15位"},
		{"born tomorrow", "id_number", "330381202002210017", "出生日期晚于今天"},
		{"phone", "phone", "12345", "手机号码应为11位手机号"},
		{"plate", "plate", "浙C12", "车牌号格式不正确"},
		{"plate letter O", "plate", "浙CO1234", "车牌号格式不正确"},
		{"long origin", "origin", strings.Repeat("地", 101), "出发地不能超过100个字"},
		{"NUL in name", "name", "张\x00三", "姓名含有无效字符"},
		{"bad UTF-8", "destination", "\xff瑞安", "目的地含有无效字符"},
		{"direction", "direction", "sideways", "应为 in 或 out"},
		{"fever", "fever", "maybe", "是否发热应为 yes 或 no"},
		{"code", "health_code", "purple", "健康码应为 green、yellow 或 red"},
		{"huge value", "origin", strings.Repeat("x", 5000), "出发地过长"},
		{"huge ID", "id_number", strings.Repeat("1", 5000), "身份证号码过长"},
	} {
		v := form()
		v.Set(tc.field, tc.value)
		_, ps := ParseForm(v, nil, today)
		problems(t, tc.name, ps, map[string]string{tc.field: tc.want})
	}
	for in, want := range map[string]Direction{"out": DirOut, "出城": DirOut, " IN ": DirIn, "入": DirIn} {
		if d, ok := ParseDirection(in); !ok || d != want {
			t.Errorf("ParseDirection(%q) = %q", in, d)
		}
	}
}

func TestParseFormRemembered(t *testing.T) {
	prev := Traveller{Name: "张三", IDNumber: idA, Phone: "13812345678", Origin: "温州", Destination: "瑞安"}
	shown := prev.Masked()
	if shown.IDNumber != "330381********1230" || shown.Phone != "138****5678" {
		t.Fatalf("shown %+v", shown)
	}
	// The form filled from the cookie came back unchanged: the masked
	// values stand for the whole ones.
	v := form()
	v.Set("id_number", shown.IDNumber)
	v.Set("phone", shown.Phone)
	f, ps := ParseForm(v, &prev, today)
	if len(ps) > 0 || f.IDNumber != idA || f.Phone != "13812345678" {
		t.Errorf("remembered: %+v %v", f.Traveller, ps)
	}
	// Typed afresh: the new values.
	v.Set("phone", "13900001111")
	if f, ps := ParseForm(v, &prev, today); len(ps) > 0 || f.Phone != "13900001111" || f.IDNumber != idA {
		t.Errorf("changed phone: %+v %v", f.Traveller, ps)
	}
	// Masked values without a remembered traveller are refused.
	v.Set("phone", shown.Phone)
	_, ps = ParseForm(v, nil, today)
	problems(t, "masked without a cookie", ps, map[string]string{"id_number": "身份证号码", "phone": "手机号码"})
	// Nor do another traveller's masked values stand for this one's.
	other := Traveller{IDNumber: idX, Phone: "13700002222"}
	_, ps = ParseForm(v, &other, today)
	problems(t, "someone else's cookie", ps, map[string]string{"id_number": "身份证号码", "phone": "手机号码"})
}

func TestFlags(t *testing.T) {
	healthy := Health{Fever: No, Cough: No, HighRiskArea: No, HealthCode: people.CodeGreen}
	if f := healthy.Flags(); len(f) != 0 {
		t.Errorf("healthy: %v", f)
	}
	all := Health{Fever: Yes, Cough: Yes, HighRiskArea: Yes, HealthCode: people.CodeRed}
	if f := all.Flags(); !slices.Equal(f, []string{"自述发热", "自述咳嗽等症状", "14天内到过疫情高风险地区", "红码"}) {
		t.Errorf("all: %v", f)
	}
	if f := (Health{Fever: No, Cough: No, HighRiskArea: No, HealthCode: people.CodeYellow}).Flags(); !slices.Equal(f, []string{"黄码"}) {
		t.Errorf("yellow: %v", f)
	}
}

func TestNumber(t *testing.T) {
	if len(NumberAlphabet) != 24 || numberLimit != 240 {
		t.Fatalf("alphabet of %d, limit %d", len(NumberAlphabet), numberLimit)
	}
	for _, c := range "01OQILZSGBUV" {
		if strings.ContainsRune(NumberAlphabet, c) {
			t.Errorf("the alphabet has %c", c)
		}
	}
	// Bytes from 240 on are drawn again: 0, 23, 24 and 239 make 2, Y, 2, Y.
	src := append([]byte{240, 255, 0, 23, 24, 239, 250, 1}, make([]byte, 24)...)
	n, err := NewNumber(bytes.NewReader(src))
	if err != nil || n != "2Y2Y32" {
		t.Errorf("NewNumber = %q %v", n, err)
	}
	if _, err := NewNumber(bytes.NewReader(bytes.Repeat([]byte{250}, 4000))); err == nil {
		t.Error("a number from bytes all out of range")
	}
	if _, err := NewNumber(bytes.NewReader([]byte{1, 2})); err == nil {
		t.Error("a number from a source that ran dry")
	}
	counts := map[rune]int{}
	for range 4000 {
		n, err := NewNumber(nil)
		if err != nil || len(n) != NumberLen {
			t.Fatalf("NewNumber = %q %v", n, err)
		}
		if back, ok := ParseNumber(n); !ok || back != n {
			t.Fatalf("ParseNumber(%q) = %q %v", n, back, ok)
		}
		for _, c := range n {
			counts[c]++
		}
	}
	// 24,000 characters: 1,000 of each expected; a fair draw stays well
	// within ±20 %.
	for _, c := range NumberAlphabet {
		if counts[c] < 800 || counts[c] > 1200 {
			t.Errorf("%c drawn %d times in 24,000", c, counts[c])
		}
	}
	for in, want := range map[string]string{"ab3c7k": "", "ac3e7k": "AC3E7K", " AC3-E7K ": "AC3E7K", "ＡＣ３Ｅ７Ｋ": "AC3E7K",
		"AC3E7": "", "AC3E7KK": "", "AC0E7K": "", "": ""} {
		got, ok := ParseNumber(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseNumber(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

func testRing(t testing.TB) *pii.Keyring {
	t.Helper()
	k, err := pii.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	r, err := pii.NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSeal(t *testing.T) {
	r := testRing(t)
	s, err := Seal(r, TableRegistrations, 42, idA, "13812345678")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(s.IDNumber, []byte(idA)) || bytes.Contains(s.Phone, []byte("13812345678")) {
		t.Fatal("sealed data holds the plain text")
	}
	if s.IDMasked != "330381********1230" || s.PhoneMasked != "138****5678" || s.KeyID != r.Current() {
		t.Errorf("sealed %+v", s)
	}
	if idx, _ := r.IDIndex(idA); s.IDIndex != idx {
		t.Error("the index is not people's index of the ID number")
	}
	idn, phone, err := s.Open(r, TableRegistrations, 42)
	if err != nil || idn != idA || phone != "13812345678" {
		t.Errorf("Open = %q %q %v", idn, phone, err)
	}
	if _, _, err := s.Open(r, TableRegistrations, 43); !errors.Is(err, pii.ErrAuth) {
		t.Errorf("opened as another row: %v", err)
	}
	if _, _, err := s.Open(r, TableResidents, 42); !errors.Is(err, pii.ErrAuth) {
		t.Errorf("opened as another table: %v", err)
	}
	if _, err := Seal(r, TableResidents, 0, idA, ""); err == nil {
		t.Error("sealed without a row id")
	}
	if _, err := Seal(r, TableResidents, 1, "123", ""); err == nil {
		t.Error("sealed an invalid ID number")
	}
	noPhone, err := Seal(r, TableResidents, 7, idX, "")
	if err != nil || noPhone.Phone != nil || noPhone.PhoneMasked != "" {
		t.Fatalf("without a phone: %+v %v", noPhone, err)
	}
	if idn, phone, err := noPhone.Open(r, TableResidents, 7); err != nil || idn != idX || phone != "" {
		t.Errorf("Open without a phone = %q %q %v", idn, phone, err)
	}

	next, err := r.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	moved, changed, err := Reseal(next, TableRegistrations, 42, s)
	if err != nil || !changed || moved.KeyID != next.Current() || moved.IDIndex == s.IDIndex {
		t.Fatalf("Reseal = %+v %v %v", moved, changed, err)
	}
	if idn, _, err := moved.Open(next, TableRegistrations, 42); err != nil || idn != idA {
		t.Errorf("resealed opens as %q %v", idn, err)
	}
	if _, changed, _ := Reseal(next, TableRegistrations, 42, moved); changed {
		t.Error("resealed a row already under the current key")
	}
}

func TestRemember(t *testing.T) {
	r := testRing(t)
	if _, err := NewRememberKey(make([]byte, 31)); err == nil {
		t.Error("a remember key of 31 bytes")
	}
	key, _ := NewRememberKey(bytes.Repeat([]byte{7}, 32))
	other, _ := NewRememberKey(bytes.Repeat([]byte{8}, 32))
	ref, err := NewRef(nil)
	if err != nil {
		t.Fatal(err)
	}
	if back, ok := ParseRef(string(ref)); !ok || back != ref {
		t.Fatalf("ParseRef(%q) = %q %v", ref, back, ok)
	}
	for _, bad := range []string{"", "x", string(ref) + "A", "张三", strings.Repeat("=", 22)} {
		if _, ok := ParseRef(bad); ok {
			t.Errorf("ParseRef(%q) took it", bad)
		}
	}
	l := key.Lookup(ref)
	if len(l) != 64 || key.Lookup(ref) != l || other.Lookup(ref) == l || strings.Contains(string(l), string(ref)) {
		t.Fatalf("lookup %q", l)
	}
	ref2, _ := NewRef(nil)
	if key.Lookup(ref2) == l {
		t.Fatal("two refs, one lookup")
	}

	trav := Traveller{Name: "张三", IDNumber: idA, Phone: "13812345678", Plate: "浙C3L580", Origin: "温州", Destination: "瑞安"}
	now := at("08:00")
	m, err := Remember(r, l, trav, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"张三", idA, "13812345678", "浙C3L580"} {
		if bytes.Contains(m.Details, []byte(plain)) {
			t.Fatalf("the remembered record holds %q", plain)
		}
	}
	if !m.ExpiresAt.Equal(now.Add(30*24*time.Hour)) || m.Expired(now.Add(RememberFor-time.Second)) || !m.Expired(now.Add(RememberFor)) {
		t.Errorf("expiry %v", m.ExpiresAt)
	}
	if got, err := m.Open(r); err != nil || got != trav {
		t.Errorf("Open = %+v %v", got, err)
	}
	moved := m
	moved.Lookup = key.Lookup(ref2)
	if _, err := moved.Open(r); !errors.Is(err, pii.ErrAuth) {
		t.Errorf("details moved to another look-up key opened: %v", err)
	}
	if _, err := Remember(r, "short", trav, now); err == nil {
		t.Error("remembered under no look-up key")
	}
	trav.Destination = "龙港"
	later := now.Add(10 * 24 * time.Hour)
	renewed, err := m.Renew(r, trav, later)
	if err != nil || !renewed.CreatedAt.Equal(now) || !renewed.UsedAt.Equal(later) || !renewed.ExpiresAt.Equal(later.Add(RememberFor)) {
		t.Fatalf("Renew = %+v %v", renewed, err)
	}
	if got, _ := renewed.Open(r); got.Destination != "龙港" {
		t.Errorf("renewed holds %+v", got)
	}
}

func registration() Registration {
	f, ps := ParseForm(form(), nil, today)
	if len(ps) > 0 {
		panic(ps)
	}
	r := NewRegistration(Post{ID: 3, Town: "330381010"}, f, "AC3E7K", at("09:30"))
	r.ID = 99
	return r
}

func TestConfirm(t *testing.T) {
	s := people.Defaults
	r := registration()
	if r.Day != today || r.Post != 3 || r.Town != "330381010" || r.Confirmed() {
		t.Fatalf("registration %+v", r)
	}
	alert, err := r.Confirm(Confirmation{Celsius: 36.64, By: "kakou"}, s, at("09:35"))
	if err != nil || alert != nil {
		t.Fatalf("a normal temperature: %v %v", alert, err)
	}
	if !r.Confirmed() || r.Celsius != 36.6 || r.ConfirmedBy != "kakou" || !r.ConfirmedAt.Equal(at("09:35")) || r.FeverAlert {
		t.Errorf("confirmed %+v", r)
	}
	if _, err := r.Confirm(Confirmation{Celsius: 36.5}, s, at("09:40")); fugong.ErrorCode(err) != fugong.EConflict ||
		!strings.Contains(err.Error(), "09:35 确认") {
		t.Errorf("confirmed twice: %v", err)
	}

	r = registration()
	alert, err = r.Confirm(Confirmation{Celsius: 37.3, By: "kakou"}, s, at("09:36"))
	if err != nil || alert == nil {
		t.Fatalf("at the threshold: %v %v", alert, err)
	}
	want := Alert{Kind: "fever", Town: "330381010", Post: 3, Reference: "registration:99", Name: "张三",
		IDNumber: "330381********1230", Celsius: 37.3, Status: "open", OpenedAt: at("09:36"), OpenedBy: "kakou"}
	if *alert != want || !r.FeverAlert {
		t.Errorf("alert\n got %+v\nwant %+v", *alert, want)
	}
	r = registration()
	if alert, _ := r.Confirm(Confirmation{Celsius: 37.3}, people.Settings{QuarantineDays: 14, FeverThreshold: 37.5}, at("09:36")); alert != nil {
		t.Error("37.3 is no fever at a threshold of 37.5")
	}

	for _, tc := range []struct {
		name string
		c    Confirmation
		now  time.Time
		code string
		msg  string
	}{
		{"too cold", Confirmation{Celsius: 33.9}, at("10:00"), fugong.EInvalid, "34–43"},
		{"too hot", Confirmation{Celsius: 43.1}, at("10:00"), fugong.EInvalid, "34–43"},
		{"NaN", Confirmation{Celsius: math.NaN()}, at("10:00"), fugong.EInvalid, "有效的数字"},
		{"future", Confirmation{Celsius: 36.5, At: at("11:00")}, at("10:00"), fugong.EInvalid, "不能晚于现在"},
		{"the next day", Confirmation{Celsius: 36.5}, at("10:00").Add(24 * time.Hour), fugong.EConflict, "已失效"},
	} {
		r := registration()
		_, err := r.Confirm(tc.c, s, tc.now)
		if fugong.ErrorCode(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) || r.Confirmed() {
			t.Errorf("%s: %v (confirmed %v)", tc.name, err, r.Confirmed())
		}
	}
}

func TestCounts(t *testing.T) {
	reg := func(post int64, day string, d Direction, confirmed, fever bool, code people.HealthCode) Registration {
		r := Registration{Post: post, Day: day, Direction: d, FeverAlert: fever,
			Health: Health{Fever: No, Cough: No, HighRiskArea: No, HealthCode: code}}
		if confirmed {
			now := at("10:00")
			r.ConfirmedAt = &now
		}
		return r
	}
	regs := []Registration{
		reg(2, today, DirOut, true, false, people.CodeGreen),
		reg(1, today, DirIn, true, true, people.CodeGreen),
		reg(1, today, DirIn, false, false, people.CodeYellow),
		reg(1, today, DirOut, true, false, people.CodeGreen),
		reg(1, "2020-02-19", DirIn, true, false, people.CodeGreen),
		reg(1, today, DirIn, true, false, people.CodeGreen),
	}
	want := []Count{
		{Post: 1, Day: "2020-02-19", Direction: DirIn, Registered: 1, Confirmed: 1},
		{Post: 1, Day: today, Direction: DirIn, Registered: 3, Confirmed: 2, Fever: 1, Flagged: 1},
		{Post: 1, Day: today, Direction: DirOut, Registered: 1, Confirmed: 1},
		{Post: 2, Day: today, Direction: DirOut, Registered: 1, Confirmed: 1},
	}
	if got := Counts(regs); !slices.Equal(got, want) {
		t.Errorf("Counts\n got %+v\nwant %+v", got, want)
	}
	if got := Counts(nil); got == nil || len(got) != 0 {
		t.Errorf("Counts(nil) = %#v", got)
	}
}
