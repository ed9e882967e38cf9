package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong"
	"fugong/briefing"
	"fugong/store"
	"fugong/store/storetest"
)

func TestGroupDaysVersionsAndFinal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		g := fugong.GroupInspection
		member := fugong.Actor{Username: "ducha", Role: fugong.RoleBureau, Group: g}
		leader := fugong.Actor{Username: "ducha-lead", Role: fugong.RoleBureau, Group: g, GroupLeader: true}
		if _, err := db.GroupDay(ctx, g, "2020-02-10"); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("a day not filed: %v", err)
		}
		in := briefing.DayInput{Summary: "分片走访塘下北工业园区", Figures: briefing.Figures{{Label: "走访企业", Value: 120.0}, {Label: "备注", Value: "带菜督导"}}}
		d, created, err := db.SaveGroupDay(ctx, member, g, "2020-02-10", in)
		if err != nil || !created || d.Version != 1 || !d.Filed || d.Name != "检查督导组" || len(d.Figures) != 2 || d.Figures[1].Value != "带菜督导" {
			t.Fatalf("first: %+v %v %v", d, created, err)
		}
		in.Summary = "分片走访塘下、仙降"
		d, created, err = db.SaveGroupDay(ctx, member, g, "2020-02-10", in)
		if err != nil || created || d.Version != 2 || d.Summary != in.Summary || d.UpdatedBy != "ducha" {
			t.Fatalf("second: %+v %v %v", d, created, err)
		}
		if _, err := db.FinalizeGroupDay(ctx, leader, g, "2020-02-11", true); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("finalizing a day not filed: %v", err)
		}
		d, err = db.FinalizeGroupDay(ctx, leader, g, "2020-02-10", true)
		if err != nil || !d.Final || d.FinalBy != "ducha-lead" || d.FinalAt == nil {
			t.Fatalf("final: %+v %v", d, err)
		}
		if _, _, err := db.SaveGroupDay(ctx, member, g, "2020-02-10", in); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("a change of a final day: %v", err)
		}
		if d, err = db.FinalizeGroupDay(ctx, leader, g, "2020-02-10", false); err != nil || d.Final || d.FinalAt != nil {
			t.Fatalf("reopen: %+v %v", d, err)
		}
		days, err := db.GroupDays(ctx, "2020-02-10")
		if err != nil || len(days) != 1 {
			t.Fatalf("days %+v %v", days, err)
		}
		if n := auditCount(t, db, "group_day", "inspection/2020-02-10"); n != 4 {
			t.Errorf("%d audit entries, want 4: two versions, final, reopened", n)
		}
	})
}

// Issues are numbered across days and within a day, however many
// instances issue at once, and keep their PDF as issued.
func TestBriefingIssuesAreNumberedAndKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fugong.Actor{Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}
		db.Now = func() time.Time { return time.Date(2020, 2, 10, 18, 0, 0, 0, fugong.Location) }
		issue := func(date string) briefing.Issue {
			t.Helper()
			is, err := db.IssueBriefing(ctx, a, date, func(is briefing.Issue) (briefing.Rendering, error) {
				pdf := []byte("%PDF-1.4 第" + strings.Repeat("I", is.Number) + "期 " + date)
				return briefing.Rendering{Content: []byte(`{"date":"` + date + `"}`), PDF: pdf, Headline: []string{"规模以上工业企业已全部复工。", "x"}}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return is
		}
		one := issue("2020-02-09")
		if one.Number != 1 || one.Revision != 1 || one.Size == 0 || one.SHA256 == "" || one.IssuedAt.Format("15:04") != "18:00" {
			t.Fatalf("first issue %+v", one)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { issue("2020-02-10") })
		}
		wg.Wait()
		list, err := db.Issues(ctx, "2020-02-10")
		if err != nil || len(list) != 4 || list[0].Revision != 4 || list[0].Number != 5 || list[3].Number != 2 || len(list[0].Headline) != 2 {
			t.Fatalf("issues %+v %v", list, err)
		}
		is, pdf, err := db.IssuedPDF(ctx, "2020-02-10", 0)
		if err != nil || is.Number != 5 || string(pdf) != "%PDF-1.4 第IIIII期 2020-02-10" {
			t.Fatalf("latest %+v %q %v", is, pdf, err)
		}
		if is, pdf, err = db.IssuedPDF(ctx, "2020-02-10", 3); err != nil || is.Revision != 2 || string(pdf) != "%PDF-1.4 第III期 2020-02-10" {
			t.Fatalf("issue 3 %+v %q %v", is, pdf, err)
		}
		if _, _, err := db.IssuedPDF(ctx, "2020-02-10", 1); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("an issue of another day: %v", err)
		}
		if _, content, err := db.IssuedContent(ctx, "2020-02-09", 0); err != nil || string(content) != `{"date":"2020-02-09"}` {
			t.Fatalf("content %q %v", content, err)
		}
		if _, _, err := db.IssuedPDF(ctx, "2020-02-08", 0); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("a day never issued: %v", err)
		}
		if n := auditCount(t, db, "briefing", "5"); n != 1 {
			t.Errorf("%d audit entries of issue 5", n)
		}
	})
}
