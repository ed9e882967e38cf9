package briefing

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fugong"
	"fugong/daily"
	"fugong/inspect"
	"fugong/notice"
	"fugong/production"
	"fugong/supplies"
	"fugong/tickets"
)

// The sections of the modules, each read through the module's own
// service in the actor's scope (more in sources_more.go). A module built
// later adds its own Source beside these, one line where the service is
// built.

// MaxListed is how many rows of a long list (the non-reporters) a section
// shows.
const MaxListed = 100

// Production is the resumption section (M4): the headline of the bureau's
// reports ("规模以上工业企业1115家已全部复工…"), from production.Headline.
func Production(svc *production.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !production.CanSee(a) {
			return Section{}, false, nil
		}
		s, err := svc.Summary(ctx, a, d.Date)
		if err != nil {
			return Section{}, false, err
		}
		c := s.City
		sec := Section{Key: "production", Title: "复工复产", Group: fugong.GroupCoordination,
			Headline: production.Headline(s, production.ScopeName(a)),
			Figures: []Figure{Count("在册企业", c.Total, "家"), Count("已复工", c.Working, "家"), Percent("复工率", c.WorkingRate),
				Count("满产", c.Full, "家"), Count("规上已复工", s.BySize.Above.Working, "家"), Count("规下已复工", s.BySize.Below.Working, "家"),
				Percent("产能恢复（加权）", c.WeightedCapacity), Percent("职工到岗率", c.OnPostRate)}}
		t := Table{Title: "各乡镇街道复工情况", Columns: Cols("乡镇街道", "在册#", "已复工#", "复工率%#", "规上复工#", "规上在册#", "规下复工#", "规下在册#", "产能恢复%#")}
		ch := Chart{Title: "各乡镇街道复工率", Unit: "%", Max: 100}
		for _, tw := range s.Towns {
			t.Rows = append(t.Rows, []any{tw.Name, tw.Total, tw.Working, Pct1(tw.WorkingRate), tw.BySize.Above.Working, tw.BySize.Above.Total,
				tw.BySize.Below.Working, tw.BySize.Below.Total, Round1(tw.WeightedCapacity)})
			ch.Bars = append(ch.Bars, Bar{Label: ShortTown(tw.Name), Value: Pct1(tw.WorkingRate), Class: Band(tw.WorkingRate)})
		}
		sec.Tables, sec.Charts = []Table{t}, []Chart{ch}
		return sec, true, nil
	})
}

// Reports is the daily report section (M2, 信息统计组): reports received
// and on time per town, the towns that signed off, the non-reporters.
func Reports(svc *daily.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		c, err := svc.Completeness(ctx, a, d.Date)
		if err != nil {
			return Section{}, false, err
		}
		city := c.City
		missing := city.Expected - city.Received
		signed, towns := 0, 0
		t := Table{Title: "各乡镇街道日报报送", Columns: Cols("乡镇街道", "应报#", "已报#", "按时#", "逾时#", "未报#", "报送率%#", "签收")}
		ch := Chart{Title: "各乡镇街道报送率", Unit: "%", Max: 100}
		var unsigned []string
		for _, tw := range c.Towns {
			if tw.Expected == 0 {
				continue
			}
			towns++
			sign := "未签收"
			if tw.SignedOff {
				signed++
				sign = "已签收"
			} else {
				unsigned = append(unsigned, ShortTown(tw.Town.Name))
			}
			t.Rows = append(t.Rows, []any{tw.Town.Name, tw.Expected, tw.Received, tw.OnTime, tw.Late, tw.Expected - tw.Received,
				Pct1(tw.Rate()), sign})
			ch.Bars = append(ch.Bars, Bar{Label: ShortTown(tw.Town.Name), Value: Pct1(tw.Rate()), Class: Band(tw.Rate())})
		}
		head := fmt.Sprintf("%s应报企业 %d 家，已报 %d 家（报送率 %.1f%%），其中按时 %d 家；未报 %d 家。",
			d.Label(), city.Expected, city.Received, Pct1(city.Rate()), city.OnTime, missing)
		if towns > 1 {
			head += fmt.Sprintf("%d 个乡镇街道中 %d 个已签收", towns, signed)
			if len(unsigned) > 0 && len(unsigned) <= 5 {
				head += "（" + strings.Join(unsigned, "、") + "未签收）"
			}
			head += "。"
		} else if towns == 1 {
			head += map[bool]string{true: "本乡镇已签收。", false: "本乡镇尚未签收。"}[signed == 1]
		}
		sec := Section{Key: "reports", Title: "日报报送", Group: fugong.GroupStatistics, Headline: []string{head},
			Figures: []Figure{Count("应报", city.Expected, "家"), Count("已报", city.Received, "家"), Count("按时", city.OnTime, "家"),
				Count("逾时", city.Late, "家"), Count("未报", missing, "家"), Percent("报送率", city.Rate()),
				Count("已签收乡镇", signed, "个")},
			Tables: []Table{t}, Charts: []Chart{ch}}
		if missing > 0 {
			ms, total, err := svc.Missing(ctx, a, d.Date, "", 1, MaxListed)
			if err != nil {
				return Section{}, false, err
			}
			mt := Table{Title: "未报企业", Columns: Cols("企业名称", "乡镇街道", "法定代表人", "结对干部", "最近报送")}
			for _, m := range ms {
				mt.Rows = append(mt.Rows, []any{m.Name, m.TownName, m.LegalRep, m.Cadre, m.LastReport})
			}
			if total > len(ms) {
				mt.Note = fmt.Sprintf("另有 %d 家未列出，完整名单见“未报企业”下载。", total-len(ms))
			}
			sec.Tables = append(sec.Tables, mt)
		}
		return sec, true, nil
	})
}

// Prevention is the prevention section (联防联控组): the daily reports'
// returned, persuaded, quarantined and fever counts. The people module
// will add its fever alerts and quarantine roster as a source of its own.
func Prevention(svc *daily.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		c, err := svc.Completeness(ctx, a, d.Date)
		if err != nil {
			return Section{}, false, err
		}
		x := c.City.Totals
		head := fmt.Sprintf("据企业日报，当日返温 %d 人、劝返 %d 人、劝退票 %d 张；湖北籍职工 %d 人，当日联系 %d 人；在隔离 %d 人，发热 %d 人。",
			x.Returned, x.Persuaded, x.Refunded, x.HubeiStaff, x.HubeiContacted, x.Quarantined, x.Fever)
		t := Table{Title: "各乡镇街道人员情况（据企业日报）", Columns: Cols("乡镇街道", "留瑞#", "返温#", "劝返#", "湖北籍#", "隔离#", "发热#")}
		for _, tw := range c.Towns {
			if tw.Expected == 0 {
				continue
			}
			y := tw.Totals
			t.Rows = append(t.Rows, []any{tw.Town.Name, y.StaffInCity, y.Returned, y.Persuaded, y.HubeiStaff, y.Quarantined, y.Fever})
		}
		return Section{Key: "prevention", Title: "联防联控", Group: fugong.GroupPrevention, Headline: []string{head},
			Figures: []Figure{Count("当日返温", x.Returned, "人"), Count("当日劝返", x.Persuaded, "人"), Count("劝退票", x.Refunded, "张"),
				Count("湖北籍职工", x.HubeiStaff, "人"), Count("在隔离", x.Quarantined, "人"), Count("发热", x.Fever, "人"),
				Count("承诺书已签", x.LettersSigned, "家")},
			Tables: []Table{t}}, true, nil
	})
}

// Inspection is the inspection section (M3, 检查督导组): the day's visits,
// the 30 days' coverage with the towns fully covered ("塘下、仙降…等9个乡镇
// 街道的工业企业现场督导全覆盖"), and the rectifications open and overdue.
func Inspection(svc *inspect.Service, o *inspect.Oversight) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		day, err := o.Coverage(ctx, a, d.Date, d.Date)
		if err != nil {
			return Section{}, false, err
		}
		period, err := o.Coverage(ctx, a, "", d.Date)
		if err != nil {
			return Section{}, false, err
		}
		city, rtowns, err := svc.TownCounts(ctx, a)
		if err != nil {
			return Section{}, false, err
		}
		visitedToday := map[string]int{}
		for _, tw := range day.Towns {
			visitedToday[tw.Town.Code] = tw.Visited
		}
		rect := map[string]inspect.TownCounts{}
		for _, tw := range rtowns {
			rect[tw.Town.Code] = tw
		}
		var full []string
		t := Table{Title: "各乡镇街道督导覆盖（近 " + strconv.Itoa(inspect.DefaultPeriodDays) + " 日）",
			Columns: Cols("乡镇街道", "在册#", "已走访#", "覆盖率%#", "全覆盖", "当日走访#", "整改未完成#", "整改逾期#")}
		ch := Chart{Title: "各乡镇街道督导覆盖率（近 " + strconv.Itoa(inspect.DefaultPeriodDays) + " 日）", Unit: "%", Max: 100}
		for _, tw := range period.Towns {
			mark := ""
			if tw.Full() {
				mark = "是"
				full = append(full, ShortTown(tw.Town.Name))
			}
			r := rect[tw.Town.Code]
			t.Rows = append(t.Rows, []any{tw.Town.Name, tw.Total, tw.Visited, Pct1(tw.Rate()), mark, visitedToday[tw.Town.Code], r.Open, r.Overdue})
			ch.Bars = append(ch.Bars, Bar{Label: ShortTown(tw.Town.Name), Value: Pct1(tw.Rate()), Class: Band(tw.Rate())})
		}
		head := fmt.Sprintf("%s督导走访企业 %d 家；近 %d 日（%s 至 %s）走访 %d 家，覆盖率 %.1f%%", d.Label(), day.City.Visited,
			inspect.DefaultPeriodDays, period.From, period.To, period.City.Visited, Pct1(period.City.Rate()))
		switch {
		case len(full) > 0 && len(full) == len(period.Towns) && len(full) > 1:
			head += "，全部乡镇街道实现工业企业现场督导全覆盖"
		case len(full) > 0:
			names := strings.Join(full, "、")
			if len(full) > 9 {
				names = strings.Join(full[:9], "、") + "等"
			}
			head += fmt.Sprintf("，%s %d 个乡镇街道实现工业企业现场督导全覆盖", names, len(full))
		}
		head += fmt.Sprintf("。整改未完成 %d 项，其中逾期 %d 项。", city.Open, city.Overdue)
		return Section{Key: "inspection", Title: "督导检查", Group: fugong.GroupInspection, Headline: []string{head},
			AsOf: "整改数为" + d.AsOf(),
			Figures: []Figure{Count("当日走访", day.City.Visited, "家"), Count("近30日走访", period.City.Visited, "家"),
				Percent("近30日覆盖率", period.City.Rate()), Count("全覆盖乡镇", len(full), "个"), Count("整改未完成", city.Open, "项"),
				Count("整改逾期", city.Overdue, "项"), Count("整改待验收", city.Rectified, "项")},
			Tables: []Table{t}, Charts: []Chart{ch}}, true, nil
	})
}

// Tickets is the difficulty tickets section (M5): open and resolved, per
// category, as they are now.
func Tickets(svc *tickets.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		st, err := svc.Stats(ctx, a)
		if err != nil {
			return Section{}, false, err
		}
		all := st.All
		head := fmt.Sprintf("企业问题困难累计受理 %d 件，已解决 %d 件，在办 %d 件（其中超时 %d 件）。", all.Total, all.Resolved, all.Open, all.Overdue)
		t := Table{Title: "各类问题困难", Columns: Cols("类别", "受理#", "在办#", "超时#", "已解决#", "按时解决#", "平均用时（小时）#")}
		for _, c := range append(st.Categories, all) {
			avg := any("")
			if c.AvgHours != nil {
				avg = Round1(*c.AvgHours)
			}
			t.Rows = append(t.Rows, []any{c.Name, c.Total, c.Open, c.Overdue, c.Resolved, c.WithinSLA, avg})
		}
		return Section{Key: "tickets", Title: "问题困难", Group: fugong.GroupCoordination, Headline: []string{head}, AsOf: d.AsOf(),
			Figures: []Figure{Count("累计受理", all.Total, "件"), Count("在办", all.Open, "件"), Count("超时", all.Overdue, "件"),
				Count("已解决", all.Resolved, "件")},
			Tables: []Table{t}}, true, nil
	})
}

// Supplies is the epidemic supplies section (M6, 物资筹备组): the firms
// short of masks per town, the firms that never declared, the bureau's
// stock, as they are now.
func Supplies(svc *supplies.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		sum, err := svc.Summary(ctx, a)
		if err != nil {
			return Section{}, false, err
		}
		c := sum.City
		head := fmt.Sprintf("防疫物资缺口企业 %d 家（口罩可用不足 %d 天），尚未申报库存 %d 家。", c.Shortages, sum.Settings.ShortageDays, c.Undeclared)
		figs := []Figure{Count("缺口企业", c.Shortages, "家"), Count("未申报", c.Undeclared, "家"), Count("已申报", c.Declared, "家")}
		if c.DaysOfCover != nil {
			figs = append(figs, Figure{Label: "口罩平均可用", Value: Round1(*c.DaysOfCover), Unit: "天", Text: FormatNumber(Round1(*c.DaysOfCover))})
		}
		if a.CityWide() {
			q, err := svc.BureauStock(ctx, a)
			if err != nil {
				return Section{}, false, err
			}
			figs = append(figs, Figure{Label: "物资组口罩库存", Value: float64(q.Masks), Unit: "只", Text: strconv.FormatInt(q.Masks, 10)})
		}
		t := Table{Title: "各乡镇街道防疫物资", Columns: Cols("乡镇街道", "在册#", "已申报#", "未申报#", "缺口企业#", "口罩库存#", "口罩可用天数#")}
		ch := Chart{Title: "各乡镇街道缺口企业数", Unit: "家"}
		for _, tw := range sum.Towns {
			days := any("")
			if tw.DaysOfCover != nil {
				days = Round1(*tw.DaysOfCover)
			}
			t.Rows = append(t.Rows, []any{tw.Name, tw.Enterprises, tw.Declared, tw.Undeclared, tw.Shortages, tw.Masks, days})
			if tw.Shortages > 0 {
				ch.Bars = append(ch.Bars, Bar{Label: ShortTown(tw.Name), Value: float64(tw.Shortages), Class: "poor"})
			}
		}
		sec := Section{Key: "supplies", Title: "防疫物资", Group: fugong.GroupSupplies, Headline: []string{head}, AsOf: d.AsOf(),
			Figures: figs, Tables: []Table{t}}
		if len(ch.Bars) > 0 {
			sec.Charts = []Chart{ch}
		}
		return sec, true, nil
	})
}

// Notices is the notices section (M10): the day's notices and their
// coverage, and how far all notices have reached ("宣传全覆盖").
func Notices(svc *notice.Service) Source {
	return SourceFunc(func(ctx context.Context, a fugong.Actor, d Day) (Section, bool, error) {
		if !a.CityWide() && a.Role != fugong.RoleTown {
			return Section{}, false, nil
		}
		day, err := svc.OnDay(ctx, a, d.Date)
		if err != nil {
			return Section{}, false, err
		}
		r := day.Reach
		var head string
		where := "全市"
		if a.Role == fugong.RoleTown {
			where = "本乡镇"
		}
		if r.Full() {
			head = fmt.Sprintf("通过短信、平台通知等方式实现%s工业企业宣传全覆盖（%d 家）", where, r.Total)
		} else {
			head = fmt.Sprintf("通知宣传已送达企业 %d 家，占%s在册企业的 %.1f%%", r.Reached, where, Pct1(Rate(r.Reached, r.Total)))
		}
		if n := len(day.Notices); n > 0 {
			head += fmt.Sprintf("；%s发出通知 %d 条", d.Label(), n)
		}
		head += "。"
		t := Table{Title: d.Label() + "发出的通知", Columns: Cols("标题", "发送方", "对象", "企业#", "已读#", "已确认#", "完成率%#")}
		for _, n := range day.Notices {
			c := n.Counts
			t.Rows = append(t.Rows, []any{n.Title, n.Sender(), n.AudienceText(), c.Recipients, c.Read, c.Acknowledged,
				Pct1(Rate(c.Done(n.RequiresAck), c.Recipients))})
		}
		sec := Section{Key: "notices", Title: "宣传通知", Group: fugong.GroupCoordination, Headline: []string{head},
			Figures: []Figure{Count("当日通知", len(day.Notices), "条"), Count("已送达企业", r.Reached, "家"),
				Percent("宣传覆盖率", Rate(r.Reached, r.Total))}}
		if len(day.Notices) > 0 {
			sec.Tables = []Table{t}
		}
		return sec, true, nil
	})
}
