package briefing

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fugong"
)

func TestFiguresKeepOrderAndRefuseWhatIsNoFigure(t *testing.T) {
	var in DayInput
	if err := json.Unmarshal([]byte(`{"summary":" 今日走访 120 家 ","figures":{"走访企业":120,"覆盖率（%）":85.5,"备注":"塘下全覆盖"}}`), &in); err != nil {
		t.Fatal(err)
	}
	if ps := in.Normalize(); len(ps) > 0 {
		t.Fatal(ps)
	}
	out, _ := json.Marshal(in.Figures)
	if string(out) != `{"走访企业":120,"覆盖率（%）":85.5,"备注":"塘下全覆盖"}` || in.Summary != "今日走访 120 家" {
		t.Errorf("figures %s, summary %q", out, in.Summary)
	}
	for _, bad := range []string{`{"figures":{"a":[1]}}`, `{"figures":{"a":{"b":1}}}`, `{"figures":[1,2]}`, `{"figures":{"a":true}}`} {
		var in DayInput
		if err := json.Unmarshal([]byte(bad), &in); err == nil {
			t.Errorf("%s was taken", bad)
		}
	}
	for _, tt := range []struct {
		in    DayInput
		field string
	}{
		{DayInput{Summary: ""}, "summary"},
		{DayInput{Summary: strings.Repeat("字", MaxSummaryRunes+1)}, "summary"},
		{DayInput{Summary: "x", Figures: Figures{{"a", 1.0}, {"a", 2.0}}}, "figures"},
		{DayInput{Summary: "x", Figures: Figures{{"", 1.0}}}, "figures"},
		{DayInput{Summary: "x", Figures: Figures{{"a", strings.Repeat("字", MaxValueRunes+1)}}}, "figures"},
		{DayInput{Summary: "x", Figures: Figures{{"a", 1e13}}}, "figures"},
	} {
		if ps := tt.in.Normalize(); len(ps) == 0 || ps[0].Field != tt.field {
			t.Errorf("%+v: problems %v, want one on %s", tt.in, ps, tt.field)
		}
	}
}

func TestPrefillTakesTheGroupsSections(t *testing.T) {
	secs := []Section{
		{Key: "reports", Group: fugong.GroupStatistics, Headline: []string{"应报 10 家，已报 9 家。"},
			Figures: []Figure{Count("应报", 10, "家"), Percent("报送率", 90)}},
		{Key: "inspection", Group: fugong.GroupInspection, Headline: []string{"走访 3 家。"}, Figures: []Figure{Count("当日走访", 3, "家")}},
	}
	d := Prefill(fugong.GroupStatistics, "2020-02-10", secs)
	out, _ := json.Marshal(d.Figures)
	if d.Summary != "应报 10 家，已报 9 家。" || string(out) != `{"应报（家）":10,"报送率（%）":90}` || d.Filed || d.Name != "信息统计组" {
		t.Errorf("prefill %+v %s", d, out)
	}
}

func TestRules(t *testing.T) {
	leader := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection, GroupLeader: true}
	member := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection}
	if !CanFile(member, fugong.GroupInspection) || CanFile(member, fugong.GroupStatistics) || CanFinalize(member, fugong.GroupInspection) ||
		!CanFinalize(leader, fugong.GroupInspection) || CanFinalize(leader, fugong.GroupStatistics) {
		t.Error("group rules")
	}
	if CanIssue(member) || !CanIssue(fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupCoordination}) || !CanIssue(fugong.Actor{Role: fugong.RoleAdmin}) {
		t.Error("issue rules")
	}
	if !CanSee(fugong.Actor{Role: fugong.RoleTown}) || CanSee(fugong.Actor{Role: fugong.RoleCadre}) || CanRead(fugong.Actor{Role: fugong.RoleTown}) {
		t.Error("read rules")
	}
}

type stubStore struct{ Store }

func (stubStore) GroupDays(context.Context, string) ([]GroupDay, error) { return nil, nil }

func TestAssembleTakesEverySourceInOrder(t *testing.T) {
	now := time.Date(2020, 2, 10, 18, 0, 0, 0, fugong.Location)
	src := func(key string, g fugong.Group, ok bool) Source {
		return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
			if !d.IsToday || d.Label() != "2月10日" {
				t.Errorf("day %+v", d)
			}
			return Section{Key: key, Title: key, Group: g, Headline: []string{key + "。"}}, ok, nil
		})
	}
	s := &Service{Store: stubStore{}, Now: func() time.Time { return now },
		Sources: []Source{src("production", fugong.GroupCoordination, true), src("hidden", "", false), src("reports", fugong.GroupStatistics, true)}}
	b, err := s.Assemble(context.Background(), fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, "2020-02-10")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, sec := range b.Sections {
		keys = append(keys, sec.Key)
	}
	if strings.Join(keys, ",") != "production,reports,groups" || strings.Join(b.Headline, "") != "production。reports。" || b.Scope != "全市" {
		t.Errorf("sections %v, headline %v", keys, b.Headline)
	}
	if g := b.Sections[2]; len(g.Notes) != 5 || !strings.HasPrefix(g.Notes[0], "综合协调组（未填报，系统预填）：production。") {
		t.Errorf("groups %+v", g.Notes)
	}
	town, err := s.Assemble(context.Background(), fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}, "2020-02-10")
	if err != nil || town.Scope != "塘下镇" || len(town.Sections) != 2 {
		t.Errorf("a town's briefing %+v %v", town, err)
	}
	if _, err := s.Assemble(context.Background(), fugong.Actor{Role: fugong.RoleCadre}, "2020-02-10"); fugong.ErrorCode(err) != fugong.ENotFound {
		t.Errorf("a cadre's briefing: %v", err)
	}
	_, err = s.Assemble(context.Background(), fugong.Actor{Role: fugong.RoleAdmin}, "2020-02-11")
	if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid || !strings.Contains(e.Message, "未来日期") {
		t.Errorf("a future date: %v", err)
	}
	if _, err := s.Assemble(context.Background(), fugong.Actor{Role: fugong.RoleAdmin}, "2020-02-30"); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("no such date: %v", err)
	}
}
