package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/registry"
	"fugong/store"
)

// coveredTowns are the nine towns whose industrial enterprises the bureau's
// inspection group had all visited by 10 February (the report's 现场督导全覆盖),
// in the order the report names them: the group went town by town.
var coveredTowns = []string{"塘下镇", "仙降街道", "飞云街道", "陶山镇", "马屿镇", "潘岱街道", "南滨街道", "东山街道", "莘塍街道"}

// inspectionGroup are the inspection group's members (林晓峰 is the demo's
// ducha account; 胡则乐 took vegetables to the firms' watchmen, the report says).
var inspectionGroup = []string{"林晓峰", "胡则乐", "陈志海", "王建华", "李俊杰", "郑丽芳", "黄国平", "周秀英"}

// problems are what an inspector wrote down for a failed item, by item id of
// the shipped lists.
var problems = map[int64][]string{
	2:  {"到岗员工不足三成，产能恢复慢"},
	3:  {"上游原材料供应商尚未复工"},
	4:  {"口罩储备不足3天用量", "测温枪仅1把，不能满足两个出入口"},
	5:  {"原材料短缺，需协调运输通行证"},
	6:  {"2名返岗员工未按要求每日报告健康情况"},
	7:  {"门卫未佩戴口罩", "车间部分员工口罩佩戴不规范"},
	8:  {"厂门口未设置测温点", "测温记录不全"},
	9:  {"防疫物资摆放和流程未完全到位", "厂区消杀记录缺少近两日"},
	10: {"食堂未执行分餐、错峰就餐"},
	11: {"1名返瑞员工未满14天即上岗"},
	12: {"车间门窗紧闭，未定时通风"},
	13: {"未制定《企业疫情防控预案》"},
	14: {"上次督导发现的问题未整改到位"},
	15: {"员工出行未登记"},
	16: {"未明确疫情报告责任人"},
	17: {"外来人员未登记即入厂", "部分员工没有智能手机不能出示健康码"},
	18: {"员工未开展防疫知识培训"},
	20: {"外地员工返岗受交通管制影响"},
	21: {"未申报社保费减免政策"},
	23: {"物流车辆通行证尚未办理"},
}

// seedInspections stores the visits of the demo's 30 days: every enterprise
// of the nine covered towns visited by the inspection group, town after
// town; about a third of the other towns' firms; the demo cadre's firms
// every week or so (two of them left behind). A few visits find problems;
// their rectifications are in every status, some overdue. The clerk's firm
// has one open, due tomorrow, to rectify in the demo.
func seedInspections(ctx context.Context, db *store.DB, es []registry.Enterprise, clerkUSCC string, now time.Time) error {
	lists, err := db.Checklists(ctx, false)
	if err != nil {
		return err
	}
	byName := map[string]inspect.Checklist{}
	for _, c := range lists {
		byName[c.Name] = c
	}
	for _, n := range []string{"六必问", "六必查", "六必督", "六必助"} {
		if len(byName[n].Items) == 0 {
			return fmt.Errorf("demo: no checklist %s", n)
		}
	}
	vs := visits(es, clerkUSCC, byName, now)
	return db.LoadVisits(ctx, vs)
}

// visitPlan is a visit to generate.
type visitPlan struct {
	e          registry.Enterprise
	list       string
	at         time.Time
	inspectors []string
	by         string
	fails      int     // how many items fail
	findings   string  // the note on the whole visit
	failOnly   []int64 // the items that fail, if fixed
}

// visits generates the demo's visits. The draw is seeded: the same day
// gives the same visits.
func visits(es []registry.Enterprise, clerkUSCC string, lists map[string]inspect.Checklist, now time.Time) []inspect.Visit {
	r := rand.New(rand.NewPCG(2020, 403))
	today := now.In(fugong.Location)
	day0 := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, fugong.Location)
	dayAt := func(daysAgo int) time.Time {
		// Between 08:30 and 17:00.
		return day0.AddDate(0, 0, -daysAgo).Add(8*time.Hour + 30*time.Minute + time.Duration(r.IntN(510))*time.Minute)
	}
	pair := func() []string {
		i := r.IntN(len(inspectionGroup))
		j := (i + 1 + r.IntN(len(inspectionGroup)-1)) % len(inspectionGroup)
		return []string{inspectionGroup[i], inspectionGroup[j]}
	}
	fails := func() int {
		switch p := r.IntN(1000); {
		case p < 30:
			return 1
		case p < 40:
			return 2
		}
		return 0
	}
	findings := map[string]string{}
	for _, f := range namedFirms {
		switch f.name {
		case "浙江天盛食品有限公司":
			findings[f.name] = "员工28人，储备口罩500个"
		case "浙江百强乳业有限公司":
			findings[f.name] = "执行分餐、分桌、分班的方式进行用餐"
		case "华瑞达包装材料股份有限公司":
			findings[f.name] = "对人员进行严格测温、登记、手部消毒、脚底消毒，同时使用健康码通行"
		}
	}
	byTown := map[string][]registry.Enterprise{}
	for _, e := range es {
		byTown[e.Town] = append(byTown[e.Town], e)
	}

	var plans []visitPlan
	// The covered towns, town by town from 28 days ago to 6 days ago, each
	// taking days in proportion to its firms.
	total := 0
	for _, name := range coveredTowns {
		t, _ := registry.TownByNameOrCode(name)
		total += len(byTown[t.Code])
	}
	const first, last = 28, 6
	done := 0
	for _, name := range coveredTowns {
		t, _ := registry.TownByNameOrCode(name)
		for _, e := range byTown[t.Code] {
			daysAgo := first - (first-last)*done/total
			done++
			list := "六必查"
			if r.IntN(10) < 3 {
				list = "六必督"
			}
			plans = append(plans, visitPlan{e: e, list: list, at: dayAt(daysAgo), inspectors: pair(), by: "ducha",
				fails: fails(), findings: findings[e.Name]})
		}
	}
	// About a third of the other towns' firms, any day of the month.
	for _, t := range registry.Towns {
		if slices.ContainsFunc(coveredTowns, func(n string) bool { return n == t.Name }) {
			continue
		}
		for _, e := range byTown[t.Code] {
			if r.IntN(3) == 0 {
				plans = append(plans, visitPlan{e: e, list: "六必查", at: dayAt(1 + r.IntN(29)), inspectors: pair(), by: "ducha", fails: fails()})
			}
		}
	}
	// The demo cadre's firms, 六必问 and 六必助 in turn, every 5 to 8 days;
	// the last two firms not since the first fortnight (behind).
	for i, uscc := range cadreFirms(es) {
		e := es[slices.IndexFunc(es, func(e registry.Enterprise) bool { return e.USCC == uscc })]
		stop := 0
		if i >= 8 {
			stop = 15
		}
		for n, d := 0, 29-r.IntN(3); d > stop; n, d = n+1, d-5-r.IntN(4) {
			list := "六必问"
			if n%2 == 1 {
				list = "六必助"
			}
			plans = append(plans, visitPlan{e: e, list: list, at: dayAt(d), inspectors: []string{"吴斌"}, by: "ganbu", fails: fails()})
		}
	}
	// The clerk's firm: the 六必查 of two days ago found the canteen not
	// yet split into shifts (四查, due in three days), still open.
	clerk := es[slices.IndexFunc(es, func(e registry.Enterprise) bool { return e.USCC == clerkUSCC })]
	plans = append(plans, visitPlan{e: clerk, list: "六必查", at: dayAt(2), inspectors: []string{"林晓峰", "胡则乐"}, by: "ducha",
		failOnly: []int64{10}, findings: "督导组带来蔬菜，留守人员生活保障到位"})

	slices.SortStableFunc(plans, func(a, b visitPlan) int { return a.at.Compare(b.at) })
	out := make([]inspect.Visit, 0, len(plans))
	for _, p := range plans {
		c := lists[p.list]
		failed := p.failOnly
		for len(failed) < p.fails {
			id := c.Items[r.IntN(len(c.Items))].ID
			if !slices.Contains(failed, id) {
				failed = append(failed, id)
			}
		}
		in := inspect.VisitInput{ChecklistID: c.ID, Inspectors: p.inspectors, Findings: p.findings}
		for _, it := range c.Items {
			a := inspect.AnswerInput{ItemID: it.ID, Result: inspect.ResultPass}
			switch {
			case slices.Contains(failed, it.ID):
				a.Result = inspect.ResultFail
				a.Owner, a.DueDate = inspect.Owner(p.e), inspect.DueDate(p.at, it.DueDays)
				a.Note = "检查发现问题，须整改"
				if ps := problems[it.ID]; len(ps) > 0 {
					a.Note = ps[r.IntN(len(ps))]
				}
			case r.IntN(60) == 0:
				a.Result = inspect.ResultNA
			}
			in.Answers = append(in.Answers, a)
		}
		nv := inspect.Plan(p.e, c, in, p.at, nil)
		v := inspect.Visit{VisitSummary: nv.Summary, Answers: nv.Answers, Rectifications: nv.Rectifications}
		v.RecordedBy = p.by
		// Recorded on the spot, or that evening from notes.
		v.RecordedAt = p.at.Add(time.Duration(5+r.IntN(30)) * time.Minute)
		if r.IntN(5) == 0 {
			v.RecordedAt = p.at.Add(time.Duration(60+r.IntN(180)) * time.Minute)
		}
		v.RecordedAt = earlier(v.RecordedAt, now)
		for i := range v.Rectifications {
			follow(r, &v.Rectifications[i], v.RecordedAt, p.by, today, p.failOnly != nil)
		}
		out = append(out, v)
	}
	return out
}

// follow moves a generated rectification on as the enterprise and the
// inspectors would have by now: the older its due day, the likelier it is
// verified; a few are left open past it (overdue).
func follow(r *rand.Rand, rc *inspect.Rectification, opened time.Time, openedBy string, now time.Time, keepOpen bool) {
	rc.OpenedAt, rc.UpdatedAt, rc.UpdatedBy = opened, opened, openedBy
	rc.History = []inspect.Event{{To: inspect.StatusOpen, Note: rc.Problem, By: openedBy, At: opened}}
	if keepOpen {
		return
	}
	today := now.Format(inspect.DateLayout)
	longAgo := now.AddDate(0, 0, -3).Format(inspect.DateLayout)
	due, _ := time.ParseInLocation(inspect.DateLayout, rc.DueDate, fugong.Location)
	steps := 0 // 0 open, 1 rectified, 2 verified
	switch p := r.IntN(100); {
	case rc.DueDate < longAgo: // mostly verified, a few still waiting, a few never done
		switch {
		case p < 80:
			steps = 2
		case p < 90:
			steps = 1
		}
	case rc.DueDate < today: // just past due: half rectified, half overdue
		steps = p % 2
	case p < 30: // not due yet: some already done
		steps = 1
	}
	by := map[string]string{tangxia: "tangxia", xianjiang: "xianjiang"}[rc.Town]
	if by == "" {
		by = demoReporter
	}
	at := opened
	next := func(limit time.Time) time.Time {
		span := limit.Sub(at)
		if span <= 0 {
			return at
		}
		return at.Add(time.Duration(r.Int64N(int64(span))))
	}
	if steps >= 1 {
		at = next(earlier(due.Add(18*time.Hour), now.Add(-time.Hour)))
		rc.History = append(rc.History, inspect.Event{From: inspect.StatusOpen, To: inspect.StatusRectified, Note: "已按要求整改，附整改后情况", By: by, At: at})
		rc.Status, rc.UpdatedAt, rc.UpdatedBy = inspect.StatusRectified, at, by
	}
	if steps == 2 {
		at = next(now.Add(-time.Minute))
		rc.History = append(rc.History, inspect.Event{From: inspect.StatusRectified, To: inspect.StatusVerified, Note: "现场复查，整改到位", By: "ducha", At: at})
		rc.Status, rc.UpdatedAt, rc.UpdatedBy = inspect.StatusVerified, at, "ducha"
	}
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
