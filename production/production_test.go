package production

import (
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/registry"
)

func TestFiguresRules(t *testing.T) {
	ok := Figures{Status: " resumed ", CapacityPct: 60, OnPostPct: 75, Upstream: "normal", Downstream: "strained", Note: " 原料到位 "}
	if ps := ok.Normalize(28); len(ps) != 0 || ok.Note != "原料到位" || ok.Status != StatusResumed {
		t.Fatalf("%v %+v", ps, ok)
	}
	tests := []struct {
		name      string
		employees int
		mut       func(*Figures)
		field     string
		text      string
	}{
		{"unknown status", 28, func(f *Figures) { f.Status = "open" }, "status", "应为停工、已复工或满产"},
		{"empty status", 28, func(f *Figures) { f.Status = "" }, "status", "生产状态应为"},
		{"capacity over 100", 28, func(f *Figures) { f.CapacityPct = 101 }, "capacity_pct", "0–100"},
		{"capacity negative", 28, func(f *Figures) { f.CapacityPct = -1 }, "capacity_pct", "0–100"},
		{"on post over 100", 28, func(f *Figures) { f.OnPostPct = 120 }, "on_post_pct", "员工到岗率应在 0–100"},
		{"on post negative", 28, func(f *Figures) { f.OnPostPct = -5 }, "on_post_pct", "0–100"},
		{"closed with capacity", 28, func(f *Figures) { f.Status = StatusClosed }, "capacity_pct", "停工状态下应为 0"},
		{"full below threshold", 28, func(f *Figures) { f.Status = StatusFull; f.CapacityPct = 89 }, "capacity_pct", "90% 及以上才算满产"},
		{"resumed at threshold", 28, func(f *Figures) { f.CapacityPct = 90 }, "capacity_pct", "请选择“满产”"},
		{"staff on post without staff", 0, func(f *Figures) {}, "on_post_pct", "职工人数为 0"},
		{"bad upstream", 28, func(f *Figures) { f.Upstream = "ok" }, "upstream", "上游供应应为正常"},
		{"bad downstream", 28, func(f *Figures) { f.Downstream = "" }, "downstream", "下游销售应为"},
		{"long note", 28, func(f *Figures) { f.Note = strings.Repeat("字", MaxNoteRunes+1) }, "note", "500"},
		{"bad utf8 note", 28, func(f *Figures) { f.Note = "\xff" }, "note", "无效字符"},
	}
	for _, tt := range tests {
		f := ok
		tt.mut(&f)
		ps := f.Normalize(tt.employees)
		if len(ps) != 1 || ps[0].Field != tt.field || !strings.Contains(ps[0].Message, tt.text) {
			t.Errorf("%s: %v", tt.name, ps)
		}
	}
	for _, good := range []Figures{
		{Status: StatusClosed, CapacityPct: 0, OnPostPct: 5, Upstream: "normal", Downstream: "normal"},   // 值守 while closed
		{Status: StatusResumed, CapacityPct: 0, OnPostPct: 30, Upstream: "broken", Downstream: "normal"}, // 复工不复产
		{Status: StatusFull, CapacityPct: 90, OnPostPct: 100, Upstream: "normal", Downstream: "normal"},
		{Status: StatusFull, CapacityPct: 100, OnPostPct: 0, Upstream: "normal", Downstream: "normal"},
	} {
		if ps := good.Normalize(10); len(ps) != 0 {
			t.Errorf("%+v refused: %v", good, ps)
		}
	}
	// A wrong status gives one message, not another about the capacity.
	f := Figures{Status: "x", CapacityPct: 50, Upstream: "normal", Downstream: "normal"}
	if ps := f.Normalize(10); len(ps) != 1 {
		t.Errorf("unknown status with a capacity: %v", ps)
	}
	if n := StaffOnPost(75, 28); n != 21 {
		t.Errorf("75%% of 28 = %d, want 21", n)
	}
	if n := StaffOnPost(50, 3); n != 2 {
		t.Errorf("50%% of 3 = %d, want 2 (rounded half up)", n)
	}
}

func TestCheckPermit(t *testing.T) {
	approved := time.Date(2020, 2, 10, 17, 30, 0, 0, time.UTC) // 2020-02-11 01:30 in Shanghai
	for _, c := range []struct {
		status, day string
		p           Permit
		ok          bool
	}{
		{StatusClosed, "2020-02-01", Permit{}, true},
		{StatusResumed, "2020-02-12", Permit{}, false},
		{StatusFull, "2020-02-12", Permit{}, false},
		{StatusResumed, "2020-02-01", Permit{Essential: true}, true},
		{StatusResumed, "2020-02-11", Permit{ApprovedAt: &approved}, true},
		{StatusFull, "2020-02-20", Permit{ApprovedAt: &approved}, true},
		{StatusResumed, "2020-02-10", Permit{ApprovedAt: &approved}, false}, // approved on the 11th, Shanghai time
	} {
		err := CheckPermit(c.status, c.day, c.p)
		if c.ok && err != nil || !c.ok && fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("%s on %s with %+v: %v", c.status, c.day, c.p, err)
		}
	}
	err := CheckPermit(StatusResumed, "2020-02-10", Permit{ApprovedAt: &approved})
	if e := fugong.AsError(err); e == nil || !strings.Contains(e.Message, "2020-02-11 获批") {
		t.Errorf("message %v should name the approval day", err)
	}
}

func TestApplicationRules(t *testing.T) {
	now := time.Date(2020, 2, 9, 23, 30, 0, 0, time.UTC) // 2020-02-10 07:30 in Shanghai
	ok := ApplicationInput{PlannedDate: "2020-02-12", StaffExpected: 28, Note: " 防疫物资已备 "}
	if ps := ok.Normalize(now, 28); len(ps) != 0 || ok.Note != "防疫物资已备" {
		t.Fatalf("%v %+v", ps, ok)
	}
	tests := []struct {
		name  string
		mut   func(*ApplicationInput)
		field string
		text  string
	}{
		{"no date", func(in *ApplicationInput) { in.PlannedDate = "" }, "planned_date", "必填"},
		{"bad date", func(in *ApplicationInput) { in.PlannedDate = "2020-02-30" }, "planned_date", "有效日期"},
		{"slashes", func(in *ApplicationInput) { in.PlannedDate = "2020/02/12" }, "planned_date", "YYYY-MM-DD"},
		{"yesterday", func(in *ApplicationInput) { in.PlannedDate = "2020-02-09" }, "planned_date", "不能早于今天（2020-02-10）"},
		{"too far", func(in *ApplicationInput) { in.PlannedDate = "2020-04-11" }, "planned_date", "60 天后（2020-04-10）"},
		{"negative staff", func(in *ApplicationInput) { in.StaffExpected = -1 }, "staff_expected", "不能为负数"},
		{"staff over employees", func(in *ApplicationInput) { in.StaffExpected = 29 }, "staff_expected", "职工人数（28）"},
		{"long note", func(in *ApplicationInput) { in.Note = strings.Repeat("预", MaxNoteRunes+1) }, "note", "500"},
	}
	for _, tt := range tests {
		in := ok
		tt.mut(&in)
		ps := in.Normalize(now, 28)
		if len(ps) != 1 || ps[0].Field != tt.field || !strings.Contains(ps[0].Message, tt.text) {
			t.Errorf("%s: %v", tt.name, ps)
		}
	}
	for _, day := range []string{"2020-02-10", "2020-04-10"} { // today and the last day allowed
		in := ok
		in.PlannedDate = day
		if ps := in.Normalize(now, 28); len(ps) != 0 {
			t.Errorf("%s refused: %v", day, ps)
		}
	}
}

func TestDecisionRules(t *testing.T) {
	if r, err := CheckReason("  预案未明确隔离观察区 "); err != nil || r != "预案未明确隔离观察区" {
		t.Errorf("%q %v", r, err)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("因", MaxReasonRunes+1)} {
		if _, err := CheckReason(bad); fugong.ErrorCode(err) != fugong.EInvalid || fugong.AsError(err).Field != "reason" {
			t.Errorf("reason %q: %v", bad, err)
		}
	}
	at := time.Date(2020, 2, 10, 2, 0, 0, 0, time.UTC)
	if err := CheckPending(Application{Status: AppSubmitted}); err != nil {
		t.Error(err)
	}
	for _, st := range []string{AppApproved, AppReturned} {
		err := CheckPending(Application{Status: st, DecidedAt: &at, DecidedBy: "tangxia"})
		if fugong.ErrorCode(err) != fugong.EConflict || !strings.Contains(err.Error(), "2020-02-10 10:00 由 tangxia") {
			t.Errorf("%s: %v", st, err)
		}
	}
}

func TestPermissions(t *testing.T) {
	roles := []struct {
		a                                      fugong.Actor
		apply, decide, report, manageEssential bool
	}{
		{fugong.Actor{Role: fugong.RoleAdmin}, true, true, true, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupCoordination}, false, false, true, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, false, false, false, false},
		{fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}, true, true, true, false},
		{fugong.Actor{Role: fugong.RoleCadre}, true, false, true, false},
		{fugong.Actor{Role: fugong.RoleEnterprise}, true, false, true, false},
		{fugong.Actor{Role: fugong.RoleCheckpoint}, false, false, false, false},
	}
	for _, r := range roles {
		if CanApply(r.a) != r.apply || CanDecide(r.a) != r.decide || CanReport(r.a) != r.report || CanManageEssential(r.a) != r.manageEssential {
			t.Errorf("%+v: apply %v decide %v report %v essential %v", r.a, CanApply(r.a), CanDecide(r.a), CanReport(r.a), CanManageEssential(r.a))
		}
	}
}

func TestCompose(t *testing.T) {
	tangxia, xianjiang := "330381101", "330381010"
	cells := []Cell{
		{Town: tangxia, SizeClass: registry.SizeAbove, Status: StatusFull, Enterprises: 2, Reported: 2, Employees: 300, Capacity: 195, CapacityW: 95*100 + 100*200, OnPost: 280},
		{Town: tangxia, SizeClass: registry.SizeBelow, Status: StatusResumed, Enterprises: 3, Reported: 1, Employees: 60, Capacity: 150, CapacityW: 50 * 60, OnPost: 40},
		{Town: tangxia, SizeClass: registry.SizeBelow, Status: StatusClosed, Enterprises: 5, Reported: 0, Employees: 40, OnPost: 2},
		{Town: xianjiang, SizeClass: registry.SizeAbove, Status: StatusResumed, Enterprises: 1, Reported: 1, Employees: 100, Capacity: 60, CapacityW: 6000, OnPost: 70},
	}
	s := Compose("2020-02-20", cells)
	c := s.City
	if c.Total != 11 || c.Closed != 5 || c.Resumed != 4 || c.Full != 2 || c.Working != 6 || c.Reported != 4 {
		t.Errorf("city counts %+v", c)
	}
	if c.Employees != 500 || c.StaffOnPost != 392 || c.OnPostRate != 78.4 {
		t.Errorf("city staff %d on post %d rate %v", c.Employees, c.StaffOnPost, c.OnPostRate)
	}
	// (195+150+60)/11 = 36.8; working (195+150+60)/6 = 67.5; weighted (29500+3000+6000)/500 = 77.0
	if c.AvgCapacity != 36.8 || c.WorkingAvgCapacity != 67.5 || c.WeightedCapacity != 77 || c.WorkingRate != 54.5 {
		t.Errorf("city capacity avg %v working %v weighted %v rate %v", c.AvgCapacity, c.WorkingAvgCapacity, c.WeightedCapacity, c.WorkingRate)
	}
	if a := s.BySize.Above; a.Total != 3 || a.Full != 2 || a.Resumed != 1 || a.Closed != 0 || a.WorkingRate != 100 {
		t.Errorf("above %+v", a)
	}
	if b := s.BySize.Below; b.Total != 8 || b.Resumed != 3 || b.Closed != 5 || b.Full != 0 {
		t.Errorf("below %+v", b)
	}
	// Towns in the city's order: 仙降 (330381010) before 塘下 (330381101).
	if len(s.Towns) != 2 || s.Towns[0].Town != xianjiang || s.Towns[1].Name != "塘下镇" {
		t.Fatalf("towns %+v", s.Towns)
	}
	if tx := s.Towns[1]; tx.Total != 10 || tx.BySize.Below.Total != 8 || tx.BySize.Above.Full != 2 {
		t.Errorf("塘下 %+v", tx)
	}
	empty := Compose("2020-02-20", nil)
	if empty.Towns == nil || empty.City.Total != 0 || empty.City.AvgCapacity != 0 {
		t.Errorf("empty %+v", empty)
	}

	trend := ComposeTrend([]DayCells{{Date: "2020-02-19"}, {Date: "2020-02-20", Cells: cells}})
	if len(trend) != 2 || trend[0].Total != 0 || trend[1].Working != 6 || trend[1].BySize.Below.Closed != 5 {
		t.Errorf("trend %+v", trend)
	}
}

func TestHeadline(t *testing.T) {
	s := Summary{Date: "2020-02-20"}
	s.BySize.Above = Area{Total: 1059, Working: 1059, Full: 400, Resumed: 659}
	s.BySize.Below = Area{Total: 5774, Working: 4872, Closed: 902, WorkingRate: 84.4}
	s.City = Area{Total: 6833, Working: 5931, Full: 400, Closed: 902, WorkingRate: 86.8, WorkingAvgCapacity: 71.2,
		WeightedCapacity: 66.4, StaffOnPost: 123456, OnPostRate: 80.1}
	got := Headline(s, "全市")
	want := []string{
		"截至 2020-02-20，全市 6833 家在册工业企业中已复工 5931 家（复工率 86.8%），其中满产 400 家，尚未复工 902 家。",
		"规模以上工业企业 1059 家已全部复工。",
		"规下工业企业复工近5000家（4872 家），占 84.4%，尚有 902 家未复工。",
		"已复工企业平均产能恢复 71.2%；按职工人数加权，全部企业产能恢复 66.4%；在岗职工 123456 人，到岗率 80.1%。",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("headline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	s.BySize.Above.Working = 1000
	s.BySize.Above.WorkingRate = 94.4
	if got := Headline(s, "全市")[1]; got != "规模以上工业企业复工 1000 家，占 94.4%，尚有 59 家未复工。" {
		t.Errorf("above not all back: %s", got)
	}
	if got := Headline(Summary{Date: "2020-02-20"}, "塘下镇"); len(got) != 1 || !strings.Contains(got[0], "塘下镇暂无") {
		t.Errorf("empty scope: %v", got)
	}
	closed := Summary{Date: "2020-02-01", City: Area{Total: 3, Closed: 3}, BySize: BySize{Below: Area{Total: 3, Closed: 3}}}
	if got := Headline(closed, "结对企业"); len(got) != 2 || got[1] != "规下工业企业 3 家均未复工。" {
		t.Errorf("all closed: %v", got)
	}
}

func TestApprox(t *testing.T) {
	for n, want := range map[int]string{
		4872: "近5000", 4750: "近5000", 4749: "", 4100: "逾4000", 4200: "逾4000", 4201: "",
		5000: "", 99: "", 96: "", 980: "近1000", 1010: "逾1000", 123456: "", 195: "近200", 104: "逾100",
	} {
		if got := Approx(n); got != want {
			t.Errorf("Approx(%d) = %q, want %q", n, got, want)
		}
	}
}
