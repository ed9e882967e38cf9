package documents

import (
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/files"
)

func TestUploadNormalize(t *testing.T) {
	// 00:30 on 10 February in Ruian is still 9 February in UTC.
	now := time.Date(2020, 2, 10, 0, 30, 0, 0, fugong.Location)
	pdf := files.Upload{Name: "承诺书.pdf", Data: []byte("%PDF-1.4")}
	for _, c := range []struct {
		name string
		u    Upload
		want []string // "field message-part"
	}{
		{"letter", Upload{Kind: KindLetter, SignedOn: "2020-02-01", File: pdf}, nil},
		{"plan, no date, spaces", Upload{Kind: " prevention_plan ", SignedOn: " ", File: pdf}, nil},
		{"signed today in Ruian", Upload{Kind: KindLetter, SignedOn: "2020-02-10", File: pdf}, nil},
		{"signed tomorrow", Upload{Kind: KindLetter, SignedOn: "2020-02-11", File: pdf}, []string{"signed_on 不能晚于今天"}},
		{"no such day", Upload{Kind: KindLetter, SignedOn: "2020-02-30", File: pdf}, []string{"signed_on YYYY-MM-DD"}},
		{"another format", Upload{Kind: KindLetter, SignedOn: "2020/2/1", File: pdf}, []string{"signed_on YYYY-MM-DD"}},
		{"unknown kind", Upload{Kind: "letter", File: pdf}, []string{"kind commitment_letter"}},
		{"no file", Upload{Kind: KindPlan}, []string{"file 请选择"}},
		{"everything wrong", Upload{Kind: "", SignedOn: "明天"}, []string{"kind 文件类别", "signed_on YYYY-MM-DD", "file 请选择"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps := c.u.Normalize(now)
			if len(ps) != len(c.want) {
				t.Fatalf("problems %+v, want %v", ps, c.want)
			}
			for i, w := range c.want {
				field, msg, _ := strings.Cut(w, " ")
				if ps[i].Field != field || !strings.Contains(ps[i].Message, msg) {
					t.Errorf("problem %d: %+v, want %s", i, ps[i], w)
				}
			}
			if len(ps) == 0 && (c.u.Kind != KindLetter && c.u.Kind != KindPlan || strings.TrimSpace(c.u.SignedOn) != c.u.SignedOn) {
				t.Errorf("not trimmed: %+v", c.u)
			}
		})
	}
}

func TestCanRecord(t *testing.T) {
	for _, c := range []struct {
		a    fugong.Actor
		want bool
	}{
		{fugong.Actor{Role: fugong.RoleAdmin}, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupPrevention}, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection}, true},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, false},
		{fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupSupplies}, false},
		{fugong.Actor{Role: fugong.RoleTown}, true},
		{fugong.Actor{Role: fugong.RoleCadre}, true},
		{fugong.Actor{Role: fugong.RoleEnterprise}, true},
		{fugong.Actor{Role: fugong.RoleCheckpoint}, false},
	} {
		if got := CanRecord(c.a); got != c.want {
			t.Errorf("CanRecord(%s %s) = %v", c.a.Role, c.a.Group, got)
		}
	}
}

func TestMissingParams(t *testing.T) {
	town, kind, page, per, err := checkMissingParams("仙降街道", KindPlan, 3, 20)
	if err != nil || town != "330381010" || kind != KindPlan || page != 3 || per != 20 {
		t.Errorf("got %q %q %d %d %v", town, kind, page, per, err)
	}
	for _, c := range []struct {
		town, kind    string
		page, perPage int
		field         string
	}{
		{"北京", "", 1, 1, "town"}, {"", "plan", 1, 1, "kind"}, {"", "", -2, 1, "page"}, {"", "", 1, 1000, "per_page"},
	} {
		if _, _, _, _, err := checkMissingParams(c.town, c.kind, c.page, c.perPage); fugong.AsError(err) == nil || fugong.AsError(err).Field != c.field {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestCurrent(t *testing.T) {
	docs := []Document{{ID: 3, Kind: KindLetter, Current: true}, {ID: 2, Kind: KindLetter}, {ID: 1, Kind: KindPlan, Current: true}}
	cur := Current(docs)
	if len(cur) != 2 || cur[KindLetter].ID != 3 || cur[KindPlan].ID != 1 {
		t.Errorf("current %+v", cur)
	}
}

func TestPapers(t *testing.T) {
	docs := []Document{{ID: 4, Kind: KindLetter, Current: true}, {ID: 3, Kind: KindLetter}, {ID: 2, Kind: KindLetter}}
	ps := Papers(docs)
	if len(ps) != 2 || ps[0].Kind != KindLetter || ps[0].Current == nil || ps[0].Current.ID != 4 || len(ps[0].Replaced) != 2 ||
		ps[0].Replaced[0].ID != 3 || ps[1].Kind != KindPlan || ps[1].Current != nil || ps[1].Replaced != nil {
		t.Fatalf("papers %+v", ps)
	}
	// The form offers the paper still missing first, else the letter.
	if k := NextKind(ps); k != KindPlan {
		t.Errorf("next %s, want the plan", k)
	}
	if k := NextKind(Papers(nil)); k != KindLetter {
		t.Errorf("next of none %s, want the letter", k)
	}
	if k := NextKind(Papers(append(docs, Document{ID: 5, Kind: KindPlan, Current: true}))); k != KindLetter {
		t.Errorf("next of both %s, want the letter", k)
	}
}

func TestLacksAndSum(t *testing.T) {
	m := Missing{Missing: []string{KindPlan, KindLetter}}
	if got := strings.Join(m.Lacks(), "、"); got != "疫情防控承诺书、疫情防控预案" {
		t.Errorf("lacks %s", got)
	}
	s := Sum([]TownCount{{Total: 3, Missing: 2, NoLetter: 1, NoPlan: 2}, {Total: 4, Missing: 1, NoLetter: 1}})
	if s != (TownCount{TownName: "合计", Total: 7, Missing: 3, NoLetter: 2, NoPlan: 2}) {
		t.Errorf("sum %+v", s)
	}
	for _, c := range []struct {
		a    fugong.Actor
		want bool
	}{
		{fugong.Actor{Role: fugong.RoleAdmin}, true}, {fugong.Actor{Role: fugong.RoleBureau}, true}, {fugong.Actor{Role: fugong.RoleTown}, true},
		{fugong.Actor{Role: fugong.RoleCadre}, true}, {fugong.Actor{Role: fugong.RoleEnterprise}, false}, {fugong.Actor{Role: fugong.RoleCheckpoint}, false},
	} {
		if got := CanChase(c.a); got != c.want {
			t.Errorf("CanChase(%s) = %v", c.a.Role, got)
		}
	}
}
