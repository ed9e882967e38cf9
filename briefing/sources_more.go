package briefing

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"fugong"
	"fugong/checkpoint"
	"fugong/mujun"
	"fugong/people"
	"fugong/registry"
)

// Health is the staff health section (M7, 联防联控组): the day's counts of
// the enterprises' rosters (quarantine, health codes, fever) and the fever
// alerts still open, newest first.
func Health(svc *people.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		c, _, err := svc.Counts(ctx, a, people.SummaryFilter{Day: d.Date})
		if err != nil {
			return Section{}, false, err
		}
		alerts, open, err := svc.Alerts(ctx, a, people.AlertFilter{Kind: people.KindFever, Status: people.AlertOpen, PerPage: MaxListed})
		if err != nil {
			return Section{}, false, err
		}
		head := fmt.Sprintf("据企业职工花名册，在隔离 %d 人（%d 人将于近日期满），黄码 %d 人、红码 %d 人，当日发热 %d 人；未处置的发热预警 %d 条。",
			c.Quarantined, c.QuarantineEnding, c.Yellow, c.Red, c.Fever, open)
		sec := Section{Key: "health", Title: "人员健康", Group: fugong.GroupPrevention, AsOf: d.AsOf(), Headline: []string{head},
			Figures: []Figure{Count("在隔离", c.Quarantined, "人"), Count("隔离将满", c.QuarantineEnding, "人"), Count("黄码", c.Yellow, "人"),
				Count("红码", c.Red, "人"), Count("当日发热", c.Fever, "人"), Count("家人留观", c.FamilyHeld, "人"), Count("未处置发热预警", open, "条")}}
		if len(alerts) > 0 {
			t := Table{Title: "未处置的发热预警", Columns: Cols("乡镇街道", "企业或卡口", "姓名", "体温℃#", "发现时间")}
			if open > len(alerts) {
				t.Note = fmt.Sprintf("共 %d 条，列出最近 %d 条", open, len(alerts))
			}
			for _, al := range alerts {
				where := al.EnterpriseName
				if where == "" {
					where = al.Reference
				}
				t.Rows = append(t.Rows, []any{al.TownName, where, al.Name, al.Celsius, al.OpenedAt.In(fugong.Location).Format("01-02 15:04")})
			}
			sec.Tables = []Table{t}
		}
		return sec, true, nil
	})
}

// Mujun is the 亩均论英雄 section (M9): the classes of the latest
// evaluation of the year before the day's (or the year before that), per
// town. A city never evaluated leaves it out.
func Mujun(svc *mujun.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		year, err := strconv.Atoi(d.Date[:4])
		if err != nil {
			return Section{}, false, err
		}
		var run mujun.Run
		for y := year - 1; y >= year-2 && run.ID == 0; y-- {
			runs, err := svc.Runs(ctx, a, y)
			var fe *fugong.Error
			if errors.As(err, &fe) && fe.Code == fugong.EInvalid {
				continue
			}
			if err != nil {
				return Section{}, false, err
			}
			if len(runs) > 0 {
				run = runs[0]
			}
		}
		if run.ID == 0 {
			return Section{}, false, nil
		}
		dist, err := svc.Distribution(ctx, a, run)
		if err != nil {
			return Section{}, false, err
		}
		tot := dist.Totals
		all := tot[mujun.ClassA] + tot[mujun.ClassB] + tot[mujun.ClassC] + tot[mujun.ClassD]
		head := fmt.Sprintf("%d 年度亩均评价（第 %d 版）参评企业 %d 家：A 类 %d 家、B 类 %d 家、C 类 %d 家、D 类 %d 家。",
			run.Year, run.Version, all, tot[mujun.ClassA], tot[mujun.ClassB], tot[mujun.ClassC], tot[mujun.ClassD])
		sec := Section{Key: "mujun", Title: "亩均论英雄", Group: mujun.PolicyGroup, Headline: []string{head},
			Figures: []Figure{Count("参评企业", all, "家"), Count("A 类", tot[mujun.ClassA], "家"), Count("B 类", tot[mujun.ClassB], "家"),
				Count("C 类", tot[mujun.ClassC], "家"), Count("D 类", tot[mujun.ClassD], "家")}}
		ch := Chart{Title: "各类企业数", Unit: "家"}
		for _, c := range mujun.Classes {
			ch.Bars = append(ch.Bars, Bar{Label: string(c) + " 类", Value: float64(tot[c])})
		}
		byTown := map[string]map[mujun.Class]int{}
		for _, c := range dist.Counts {
			if byTown[c.Town] == nil {
				byTown[c.Town] = map[mujun.Class]int{}
			}
			byTown[c.Town][c.Class] += c.Firms
		}
		t := Table{Title: "各乡镇街道亩均评价分类", Columns: Cols("乡镇街道", "A 类#", "B 类#", "C 类#", "D 类#")}
		for _, tw := range registry.Towns {
			if n, ok := byTown[tw.Code]; ok {
				t.Rows = append(t.Rows, []any{tw.Name, n[mujun.ClassA], n[mujun.ClassB], n[mujun.ClassC], n[mujun.ClassD]})
			}
		}
		sec.Charts, sec.Tables = []Chart{ch}, []Table{t}
		return sec, true, nil
	})
}

// Isolation is the isolation points' section (M8, 联防联控组): beds,
// residents and releases per town on the day, and the points' own rows.
func Isolation(svc *checkpoint.Isolation) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		o, err := svc.Occupancy(ctx, a, "", d.Date)
		if err != nil {
			return Section{}, false, err
		}
		if len(o.Points) == 0 {
			return Section{}, false, nil
		}
		var tot checkpoint.TownOccupancy
		t := Table{Title: "各乡镇街道隔离点", Columns: Cols("乡镇街道", "隔离点#", "床位#", "在住#", "空余#", "当日入住#", "当日解除#", "应解除#")}
		for _, tw := range o.Towns {
			tot.Points += tw.Points
			tot.Beds += tw.Beds
			tot.Occupied += tw.Occupied
			tot.Free += tw.Free
			tot.Admitted += tw.Admitted
			tot.Released += tw.Released
			tot.ReleasesDue += tw.ReleasesDue
			t.Rows = append(t.Rows, []any{tw.TownName, tw.Points, tw.Beds, tw.Occupied, tw.Free, tw.Admitted, tw.Released, tw.ReleasesDue})
		}
		head := fmt.Sprintf("隔离点 %d 个，床位 %d 张，在住 %d 人，空余 %d 张；%s入住 %d 人、解除隔离 %d 人，到期应解除 %d 人。",
			tot.Points, tot.Beds, tot.Occupied, tot.Free, d.Label(), tot.Admitted, tot.Released, tot.ReleasesDue)
		return Section{Key: "isolation", Title: "隔离点", Group: fugong.GroupPrevention, Headline: []string{head},
			Figures: []Figure{Count("隔离点", tot.Points, "个"), Count("床位", tot.Beds, "张"), Count("在住", tot.Occupied, "人"),
				Count("空余", tot.Free, "张"), Count("当日入住", tot.Admitted, "人"), Count("当日解除", tot.Released, "人"), Count("应解除", tot.ReleasesDue, "人")},
			Tables: []Table{t}}, true, nil
	})
}
