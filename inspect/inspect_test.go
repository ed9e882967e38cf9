package inspect

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/files"
	"fugong/registry"
)

var (
	admin      = fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}
	inspector  = fugong.Actor{Username: "ducha", Role: fugong.RoleBureau, Group: fugong.GroupInspection}
	statistics = fugong.Actor{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	town       = fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
	cadre      = fugong.Actor{Username: "ganbu", Role: fugong.RoleCadre, UserID: 7}
	clerk      = fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: "X"}
	checkpoint = fugong.Actor{Username: "kakou", Role: fugong.RoleCheckpoint, Town: "330381010"}
)

// check is 六必查 as shipped (ids 7–12).
var check = Checklist{ID: 2, Name: "六必查", Version: 1, Current: true, Items: []Item{
	{7, "一查企业员工口罩佩戴到位情况", 1, 1}, {8, "二查企业员工体温检测到位情况", 2, 1},
	{9, "三查企业厂区防疫消杀到位情况", 3, 1}, {10, "四查企业员工用餐管理到位情况", 4, 3},
	{11, "五查企业返瑞员工隔离到位情况", 5, 1}, {12, "六查企业保持室内通风到位情况", 6, 1},
}}

var (
	now        = time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)
	registered = time.Date(2020, 1, 5, 9, 0, 30, 0, fugong.Location)
)

// allPass answers every item of check with pass.
func allPass() []AnswerInput {
	var out []AnswerInput
	for _, it := range check.Items {
		out = append(out, AnswerInput{ItemID: it.ID, Result: ResultPass})
	}
	return out
}

// failed is a failed answer with its problem and rectification.
func failed(item int64, note, owner, due string) AnswerInput {
	return AnswerInput{ItemID: item, Result: ResultFail, Note: note, Owner: owner, DueDate: due}
}

func validVisit() VisitInput {
	return VisitInput{ChecklistID: 2, VisitedAt: "2020-02-10T09:30:00+08:00", Inspectors: []string{"林晓峰", "胡则乐"}, Answers: allPass()}
}

func fields(ps []fugong.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return out
}

func TestVisitNormalize(t *testing.T) {
	jpeg := files.Upload{Name: "a.jpg", Data: []byte{0xFF, 0xD8, 0xFF, 0xE0}}
	for _, tc := range []struct {
		name   string
		edit   func(*VisitInput)
		photos []Photo
		want   []string // the fields refused, in order
	}{
		{"valid", func(*VisitInput) {}, nil, nil},
		{"valid with a failure and a photo", func(v *VisitInput) { v.Answers[0] = failed(7, "门卫未戴口罩", "陈建国", "2020-02-11") },
			[]Photo{{ItemID: 7, Field: "photo.7", Upload: jpeg, ContentType: files.JPEG}}, nil},
		{"a failure due on the visit's day", func(v *VisitInput) { v.Answers[0] = failed(7, "门卫未戴口罩", "陈建国", "2020-02-10") }, nil, nil},
		{"a failure without owner or due date: both at once", func(v *VisitInput) { v.Answers[1] = failed(8, "未测体温", " ", "") },
			nil, []string{"answers[1].owner", "answers[1].due_date"}},
		{"a failure due before the visit", func(v *VisitInput) { v.Answers[1] = failed(8, "未测体温", "陈建国", "2020-02-09") },
			nil, []string{"answers[1].due_date"}},
		{"a failure due on no day", func(v *VisitInput) { v.Answers[1] = failed(8, "未测体温", "陈建国", "2020-02-30") },
			nil, []string{"answers[1].due_date"}},
		{"a long owner", func(v *VisitInput) {
			v.Answers[1] = failed(8, "未测体温", strings.Repeat("陈", 101), "2020-02-12")
		},
			nil, []string{"answers[1].owner"}},
		{"in UTC", func(v *VisitInput) { v.VisitedAt = "2020-02-10T01:30:00Z" }, nil, nil},
		{"a phone a minute fast", func(v *VisitInput) { v.VisitedAt = "2020-02-10T10:01:00+08:00" }, nil, nil},
		{"no time", func(v *VisitInput) { v.VisitedAt = "" }, nil, []string{"visited_at"}},
		{"not RFC 3339", func(v *VisitInput) { v.VisitedAt = "2020-02-10 09:30" }, nil, []string{"visited_at"}},
		{"in the future", func(v *VisitInput) { v.VisitedAt = "2020-02-10T10:30:00+08:00" }, nil, []string{"visited_at"}},
		{"before the enterprise existed", func(v *VisitInput) { v.VisitedAt = "2020-01-05T08:59:00+08:00" }, nil, []string{"visited_at"}},
		{"in the minute it was registered", func(v *VisitInput) { v.VisitedAt = "2020-01-05T09:00:00+08:00" }, nil, nil},
		{"no inspectors", func(v *VisitInput) { v.Inspectors = nil }, nil, []string{"inspectors"}},
		{"a blank inspector", func(v *VisitInput) { v.Inspectors = []string{"林晓峰", "  "} }, nil, []string{"inspectors[1]"}},
		{"an inspector twice", func(v *VisitInput) { v.Inspectors = []string{"林晓峰", "林晓峰 "} }, nil, []string{"inspectors[1]"}},
		{"a long name", func(v *VisitInput) { v.Inspectors = []string{strings.Repeat("林", 31)} }, nil, []string{"inspectors[0]"}},
		{"an item of another list", func(v *VisitInput) { v.Answers[2].ItemID = 1 }, nil, []string{"answers[2].item_id", "answers"}},
		{"an item answered twice", func(v *VisitInput) { v.Answers = append(v.Answers, AnswerInput{ItemID: 9, Result: ResultNA}) },
			nil, []string{"answers[6].item_id"}},
		{"a failure without its problem", func(v *VisitInput) { v.Answers[2] = failed(9, "  ", "陈建国", "2020-02-11") },
			nil, []string{"answers[2].note"}},
		{"a bare failure and no inspectors: all at once", func(v *VisitInput) {
			v.Answers[2].Result = ResultFail
			v.Inspectors = nil
		}, nil, []string{"inspectors", "answers[2].note", "answers[2].owner", "answers[2].due_date"}},
		{"an item left out", func(v *VisitInput) { v.Answers = v.Answers[:5] }, nil, []string{"answers"}},
		{"thousands of answers", func(v *VisitInput) {
			for range 3000 {
				v.Answers = append(v.Answers, AnswerInput{ItemID: 1, Result: "x"})
			}
		}, nil, []string{"answers"}},
		{"no answers", func(v *VisitInput) { v.Answers = nil }, nil, []string{"answers", "answers", "answers", "answers", "answers", "answers"}},
		{"a result not in the list", func(v *VisitInput) { v.Answers[1].Result = "ok" }, nil, []string{"answers[1].result"}},
		{"an empty result", func(v *VisitInput) { v.Answers[1].Result = "" }, nil, []string{"answers[1].result"}},
		{"a long note", func(v *VisitInput) { v.Answers[3].Note = strings.Repeat("字", 501) }, nil, []string{"answers[3].note"}},
		{"long findings", func(v *VisitInput) { v.Findings = strings.Repeat("字", 2001) }, nil, []string{"findings"}},
		{"a photo of an item not on the list", func(*VisitInput) {},
			[]Photo{{ItemID: 99, Field: "photo.99", Upload: jpeg, ContentType: files.JPEG}}, []string{"photo.99"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := validVisit()
			tc.edit(&v)
			_, ps := v.Normalize(check, now, registered, tc.photos)
			if got := fields(ps); !slices.Equal(got, tc.want) {
				t.Errorf("refused %v, want %v: %v", got, tc.want, ps)
			}
			for _, p := range ps {
				if p.Message == "" || !strings.ContainsFunc(p.Message, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
					t.Errorf("%s: message %q is not a Chinese sentence", p.Field, p.Message)
				}
			}
		})
	}
}

func TestVisitNormalizeTrims(t *testing.T) {
	v := validVisit()
	v.Inspectors = []string{" 林晓峰 ", "胡则乐"}
	v.Answers[0].Note = "  口罩未戴  "
	v.Findings = " 总体良好 "
	at, ps := v.Normalize(check, now, registered, nil)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if !at.Equal(time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location)) {
		t.Errorf("time %v", at)
	}
	if !slices.Equal(v.Inspectors, []string{"林晓峰", "胡则乐"}) || v.Answers[0].Note != "口罩未戴" || v.Findings != "总体良好" {
		t.Errorf("not trimmed: %+v", v)
	}
}

func TestPlan(t *testing.T) {
	e := registry.Enterprise{USCC: "91330381MA2AAAA01X", Name: "瑞安市塘下汽配有限公司", Town: "330381101", TownName: "塘下镇", LegalRep: "陈建国"}
	v := validVisit()
	// Answers in any order come out in the checklist's.
	slices.Reverse(v.Answers)
	v.Answers[5] = failed(7, "门卫未戴口罩", "陈建国", "2020-02-12")
	v.Answers[2] = failed(10, "", "瑞安市塘下汽配有限公司（陈建国）", "2020-02-13")
	v.Answers[0] = AnswerInput{ItemID: 12, Result: ResultNA}
	// Late in the evening: the due day counts from the day in Ruian, not in UTC.
	at := time.Date(2020, 2, 10, 23, 30, 0, 0, fugong.Location)
	p := Plan(e, check, v, at, nil)
	var items []int64
	for _, a := range p.Answers {
		items = append(items, a.ItemID)
	}
	if !slices.Equal(items, []int64{7, 8, 9, 10, 11, 12}) {
		t.Errorf("answers in order %v", items)
	}
	if p.Summary.Failed != 2 || len(p.Rectifications) != 2 {
		t.Fatalf("failed %d, rectifications %+v", p.Summary.Failed, p.Rectifications)
	}
	r0, r1 := p.Rectifications[0], p.Rectifications[1]
	// The owner and due date are the inspector's, not the suggestions.
	if r0.ItemID != 7 || r0.DueDate != "2020-02-12" || r0.Problem != "门卫未戴口罩" || r0.Status != StatusOpen ||
		r0.Owner != "陈建国" || r0.ItemText != check.Items[0].Text {
		t.Errorf("first rectification %+v", r0)
	}
	if r1.ItemID != 10 || r1.DueDate != "2020-02-13" {
		t.Errorf("second rectification %+v", r1)
	}
	if p.Summary.ChecklistVersion != 1 || p.Summary.ChecklistName != "六必查" || p.Summary.Enterprise != e.USCC {
		t.Errorf("summary %+v", p.Summary)
	}
	// What the form suggests: the firm through its legal representative,
	// the item's due days from the visit's day in Ruian.
	if got := Owner(e); got != "瑞安市塘下汽配有限公司（陈建国）" {
		t.Errorf("suggested owner %q", got)
	}
	if got := DueDate(at, check.Items[0].DueDays); got != "2020-02-11" {
		t.Errorf("suggested due date %q", got)
	}
	e.LegalRep = ""
	if got := Owner(e); got != e.Name {
		t.Errorf("owner without a legal representative: %q", got)
	}
}

func TestSplitNames(t *testing.T) {
	for in, want := range map[string][]string{
		"林晓峰、胡则乐":        {"林晓峰", "胡则乐"},
		" 林晓峰, 胡则乐；王丽芳 ": {"林晓峰", "胡则乐", "王丽芳"},
		"林晓峰，胡则乐 王丽芳":    {"林晓峰", "胡则乐", "王丽芳"},
		"":               nil,
	} {
		if got := SplitNames(in); !slices.Equal(got, want) {
			t.Errorf("SplitNames(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWhoRecords(t *testing.T) {
	for _, tc := range []struct {
		a    fugong.Actor
		want bool
	}{
		{admin, true}, {inspector, true}, {town, true}, {cadre, true},
		{statistics, false}, {clerk, false}, {checkpoint, false},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupCoordination, GroupLeader: true}, false},
	} {
		if got := CanRecord(tc.a); got != tc.want {
			t.Errorf("CanRecord(%s %s) = %v", tc.a.Role, tc.a.Group, got)
		}
	}
	if !CanEditChecklists(admin) || CanEditChecklists(inspector) {
		t.Error("only the admin edits the checklists")
	}
}

// TestMove is the rectification workflow: every pair of statuses for every
// role, with the note the move needs.
func TestMove(t *testing.T) {
	const ok, conflict, forbidden = "", fugong.EConflict, fugong.EForbidden
	rectify := map[string]string{"admin": ok, "ducha": forbidden, "tongji": forbidden, "tangxia": ok, "ganbu": ok, "qiye": ok, "kakou": forbidden}
	verify := map[string]string{"admin": ok, "ducha": ok, "tongji": forbidden, "tangxia": forbidden, "ganbu": forbidden, "qiye": forbidden, "kakou": forbidden}
	none := map[string]string{"admin": conflict, "ducha": conflict, "tongji": conflict, "tangxia": conflict, "ganbu": conflict, "qiye": conflict, "kakou": conflict}
	want := map[[2]string]map[string]string{
		{StatusOpen, StatusRectified}:      rectify,
		{StatusRectified, StatusVerified}:  verify,
		{StatusRectified, StatusOpen}:      verify, // the inspector sends it back
		{StatusOpen, StatusOpen}:           none,
		{StatusOpen, StatusVerified}:       none, // verified without being rectified
		{StatusRectified, StatusRectified}: none,
		{StatusVerified, StatusOpen}:       none, // verified is final
		{StatusVerified, StatusRectified}:  none,
		{StatusVerified, StatusVerified}:   none,
	}
	for pair, byRole := range want {
		for _, a := range []fugong.Actor{admin, inspector, statistics, town, cadre, clerk, checkpoint} {
			_, err := Move(a, pair[0], pair[1], "已整改到位")
			if got := codeOf(err); got != byRole[a.Username] {
				t.Errorf("%s → %s by %s: %q (%v), want %q", pair[0], pair[1], a.Username, got, err, byRole[a.Username])
			}
		}
	}
	if _, err := Move(admin, StatusOpen, "done", ""); codeOf(err) != fugong.EInvalid || fugong.AsError(err).Field != "status" {
		t.Errorf("unknown status: %v", err)
	}
	// Rectifying says what was done, sending back says why; verifying may say nothing.
	for _, tc := range []struct {
		a        fugong.Actor
		from, to string
		note     string
		want     string
	}{
		{clerk, StatusOpen, StatusRectified, "  ", fugong.EInvalid},
		{clerk, StatusOpen, StatusRectified, strings.Repeat("字", 501), fugong.EInvalid},
		{inspector, StatusRectified, StatusOpen, "", fugong.EInvalid},
		{inspector, StatusRectified, StatusVerified, "", ok},
	} {
		if _, err := Move(tc.a, tc.from, tc.to, tc.note); codeOf(err) != tc.want {
			t.Errorf("%s → %s by %s with note %q: %v, want %q", tc.from, tc.to, tc.a.Username, tc.note, err, tc.want)
		}
	}
	if note, err := Move(cadre, StatusOpen, StatusRectified, " 已配发口罩 "); err != nil || note != "已配发口罩" {
		t.Errorf("note %q, %v", note, err)
	}
	if got := NextMoves(inspector, StatusRectified); !slices.Equal(got, []string{StatusVerified, StatusOpen}) {
		t.Errorf("the inspector's moves from rectified: %v", got)
	}
	if got := NextMoves(clerk, StatusOpen); !slices.Equal(got, []string{StatusRectified}) {
		t.Errorf("the clerk's moves from open: %v", got)
	}
	if got := NextMoves(clerk, StatusRectified); got != nil {
		t.Errorf("the clerk's moves from rectified: %v", got)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return fugong.ErrorCode(err)
}

func TestOverdue(t *testing.T) {
	for _, tc := range []struct {
		status, due, today string
		want               bool
	}{
		{StatusOpen, "2020-02-10", "2020-02-11", true},
		{StatusOpen, "2020-02-10", "2020-02-10", false}, // the due day itself is still in time
		{StatusOpen, "2020-02-10", "2020-02-09", false},
		{StatusRectified, "2020-02-10", "2020-02-20", false}, // waiting for the inspector
		{StatusVerified, "2020-02-10", "2020-02-20", false},
	} {
		r := Rectification{Status: tc.status, DueDate: tc.due}
		if got := r.IsOverdue(tc.today); got != tc.want {
			t.Errorf("%s due %s on %s: overdue %v", tc.status, tc.due, tc.today, got)
		}
	}
	if got := DueDate(time.Date(2020, 2, 10, 16, 30, 0, 0, time.UTC), 3); got != "2020-02-14" {
		t.Errorf("16:30 UTC is 00:30 the next day in Ruian: due %s", got)
	}
}

func TestFilterNormalize(t *testing.T) {
	for _, tc := range []struct {
		f     Filter
		field string
	}{
		{Filter{}, ""},
		{Filter{Town: "塘下"}, ""},
		{Filter{Town: "330381010", Status: StatusOpen, Enterprise: "91330381ma2aaaa01x"}, "enterprise"},
		{Filter{Town: "上海"}, "town"},
		{Filter{Status: "closed"}, "status"},
		{Filter{PerPage: 501}, "per_page"},
		{Filter{PerPage: -1}, "per_page"},
	} {
		err := tc.f.Normalize()
		got := ""
		if e := fugong.AsError(err); e != nil {
			got = e.Field
		}
		if got != tc.field {
			t.Errorf("%+v: refused %q (%v), want %q", tc.f, got, err, tc.field)
		}
	}
	f := Filter{Town: "塘下"}
	if err := f.Normalize(); err != nil || f.Town != "330381101" || f.Page != 1 || f.PerPage != registry.DefaultPerPage {
		t.Errorf("normalized %+v, %v", f, err)
	}
}

func TestChecklistInput(t *testing.T) {
	items := func(texts ...string) []ItemInput {
		var out []ItemInput
		for _, s := range texts {
			out = append(out, ItemInput{Text: s})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		in   ChecklistInput
		want []string
	}{
		{"valid", ChecklistInput{Name: "节后复工六必看", Items: items("看口罩", "看测温")}, nil},
		{"no name", ChecklistInput{Name: " ", Items: items("看口罩")}, []string{"name"}},
		{"long name", ChecklistInput{Name: strings.Repeat("表", 51), Items: items("看口罩")}, []string{"name"}},
		{"no items", ChecklistInput{Name: "空表"}, []string{"items"}},
		{"blank item", ChecklistInput{Name: "表", Items: items("看口罩", "")}, []string{"items[1].text"}},
		{"same item twice", ChecklistInput{Name: "表", Items: items("看口罩", " 看口罩")}, []string{"items[1].text"}},
		{"due too long", ChecklistInput{Name: "表", Items: []ItemInput{{Text: "看口罩", DueDays: 91}}}, []string{"items[0].due_days"}},
		{"due negative", ChecklistInput{Name: "表", Items: []ItemInput{{Text: "看口罩", DueDays: -1}}}, []string{"items[0].due_days"}},
		{"too many", ChecklistInput{Name: "表", Items: make([]ItemInput, MaxItems+1)}, []string{"items"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if got := fields(in.Normalize()); !slices.Equal(got, tc.want) {
				t.Errorf("refused %v, want %v", got, tc.want)
			}
		})
	}
	in := ChecklistInput{Name: " 表 ", Items: items(" 看口罩 ")}
	in.Normalize()
	if in.Name != "表" || in.Items[0].Text != "看口罩" || in.Items[0].DueDays != DefaultDueDays {
		t.Errorf("normalized %+v", in)
	}
}

func TestRevision(t *testing.T) {
	keep := func(c Checklist) []ItemInput {
		var out []ItemInput
		for _, it := range c.Items {
			out = append(out, ItemInput{ID: it.ID, Text: it.Text, DueDays: it.DueDays})
		}
		return out
	}
	same := keep(check)
	if !Unchanged(check, same) {
		t.Error("the same items are a change")
	}
	moved := keep(check)
	moved[0], moved[1] = moved[1], moved[0]
	edited := keep(check)
	edited[2].DueDays = 2
	added := append(keep(check), ItemInput{Text: "七查企业健康码查验情况", DueDays: 1})
	for name, items := range map[string][]ItemInput{"reordered": moved, "due days": edited, "added": added, "removed": same[1:]} {
		if Unchanged(check, items) {
			t.Errorf("%s: no change seen", name)
		}
	}
	foreign := keep(check)
	foreign[3].ID = 1
	if got := fields(CheckRevision(check, foreign)); !slices.Equal(got, []string{"items[3].id"}) {
		t.Errorf("an item of another list kept: %v", got)
	}
	twice := keep(check)
	twice[1].ID = twice[0].ID
	if got := fields(NormalizeItems(twice)); !slices.Equal(got, []string{"items[1].id"}) {
		t.Errorf("one item kept twice: %v", got)
	}
}
