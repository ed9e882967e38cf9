package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/store"
	"fugong/tickets"
)

// The demo's difficulties (M5): a month of about 150 tickets in every
// category and state, some overdue, the products firms declared, and the
// report's model case: the protective-suit maker short of non-woven fabric,
// matched to the maker in 龙港 that had it, fetched under a vehicle pass
// and delivered within the day.

// ticketCount is how many tickets the month has besides the model case.
const ticketCount = 150

// The model case's firms: the suit maker is one of namedFirms; the fabric
// maker in 龙港 (a city of its own, not one of Ruian's towns) is registered
// in 南滨, across the Feiyun river, with its plant's address.
const (
	suitMakerName   = "瑞安市康盾防护用品有限公司"
	fabricMakerName = "瑞安市恒泰无纺布制品有限公司"
	fabricMakerOrg  = "MA2LG068"
	nanbin          = "330381011" // 南滨街道
)

// ModelTicketTitle is the model case's title, for the demo's tests and tours.
const ModelTicketTitle = "防护服生产原料无纺布、熔喷布不足"

// tradeGoods are what firms of a trade declare they make or hold, and what
// they run short of: the materials of the trade.
var tradeGoods = map[string]struct{ makes, needs []string }{
	"汽摩配件": {[]string{"紧固件", "线束"}, []string{"钢材", "铝材", "轴承", "线束"}},
	"机械装备": {[]string{"轴承", "电机", "模具"}, []string{"钢材", "轴承", "电机"}},
	"鞋革":   {[]string{"鞋底", "皮革"}, []string{"皮革", "鞋底", "纸箱"}},
	"包装印刷": {[]string{"纸箱", "包装材料", "标签"}, []string{"油墨", "纸箱"}},
	"塑料制品": {[]string{"塑料粒子", "包装袋", "透气膜"}, []string{"塑料粒子", "聚丙烯"}},
	"电子电器": {[]string{"电子元件", "线束", "额温枪"}, []string{"芯片", "电子元件"}},
	"五金":   {[]string{"紧固件", "钢材"}, []string{"钢材", "铜材"}},
	"服装":   {[]string{"面料", "拉链"}, []string{"面料", "纱线", "拉链"}},
	"食品":   {[]string{"奶粉"}, []string{"生鲜乳", "包装材料"}},
	"阀门":   {[]string{"铜材"}, []string{"铜材", "钢材"}},
	"医药化工": {[]string{"消毒液", "84消毒液", "酒精"}, []string{"次氯酸钠", "包装材料"}},
	"竹木制品": {[]string{"板材"}, []string{"板材"}},
	"防护用品": {[]string{"防护服", "医用口罩", "隔离衣"}, []string{"熔喷布", "无纺布", "耳带"}},
}

// declarersPerTrade is how many firms of each trade declare their products.
const declarersPerTrade = 6

// seedTickets declares the products and loads the month of tickets.
func seedTickets(ctx context.Context, db *store.DB, es []registry.Enterprise, now time.Time) error {
	fabric, err := firmByName(es, fabricMakerName)
	if err != nil {
		return err
	}
	declared := declarations(es, fabric)
	for _, e := range es {
		if ps := declared[e.USCC]; ps != nil {
			if err := db.SetProducts(ctx, fugong.System, e.USCC, ps); err != nil {
				return fmt.Errorf("demo: products of %s: %w", e.Name, err)
			}
		}
	}
	ts, err := ticketHistory(es, declared, fabric, now)
	if err != nil {
		return err
	}
	return db.LoadTickets(ctx, fugong.System, ts)
}

// fabricMaker is the non-woven maker whose plant is in 龙港.
func fabricMaker(es []registry.Enterprise) (registry.Enterprise, error) {
	oc, err := orgCheckChar(fabricMakerOrg)
	if err != nil {
		return registry.Enterprise{}, err
	}
	first17 := "91" + registry.CityCode + fabricMakerOrg + string(oc)
	c, err := registry.USCCCheckChar(first17)
	if err != nil {
		return registry.Enterprise{}, err
	}
	mujun := "B"
	e := registry.Enterprise{USCC: first17 + string(c), Name: fabricMakerName, Town: nanbin,
		Address: "龙港市新城工业园区龙翔路68号", Industry: "无纺布制品", SizeClass: registry.SizeAbove, LegalRep: "郑恒泰",
		ContactPhone: "13867712068", Employees: 120, LandMu: 26.5, MujunClass: &mujun, Status: registry.StatusActive,
		CreatedAt: registered}
	for _, o := range es {
		if o.USCC == e.USCC || o.Name == e.Name {
			return registry.Enterprise{}, fmt.Errorf("demo: the fabric maker clashes with %s", o.Name)
		}
	}
	if ps := e.Normalize(); len(ps) > 0 {
		return registry.Enterprise{}, fmt.Errorf("demo: the fabric maker is invalid: %v", ps)
	}
	return e, nil
}

// declarations are the products declared: the fabric maker's, and those of
// the first firms of each trade.
func declarations(es []registry.Enterprise, fabric string) map[string][]tickets.Product {
	out := map[string][]tickets.Product{
		fabric: {{Product: "熔喷布", Note: "BFE95，现货约2吨"}, {Product: "SMS无纺布", Note: "日产5吨"}, {Product: "无纺布", Note: "纺粘，幅宽1.6米"}},
	}
	n := map[string]int{}
	for _, e := range es {
		g, ok := tradeGoods[e.Industry]
		if !ok || e.USCC == fabric || n[e.Industry] >= declarersPerTrade {
			continue
		}
		n[e.Industry]++
		var ps []tickets.Product
		for i, p := range g.makes {
			note := ""
			if i == 0 {
				note = "可供本地企业，需提前一天联系"
			}
			ps = append(ps, tickets.Product{Product: p, Note: note})
		}
		out[e.USCC] = ps
	}
	return out
}

// A ticket's text by category: %s is the good short, where there is one.
type ticketText struct{ title, description string }

var texts = map[string][]ticketText{
	tickets.CategoryRawMaterials: {
		{"复工后%s供应不足", "企业已复工，上游%s供应商尚未复工，库存仅够三天生产，请求协调货源。"},
		{"%s断供影响订单交付", "外地%s供应商受交通管控无法发货，现有订单面临违约，请帮助寻找本地供应。"},
		{"急需%s维持生产", "复产后%s用量增加，原有渠道价格上涨且缺货，请协调本市有库存的企业。"},
	},
	tickets.CategorySupplies: {
		{"%s储备不足", "复工员工陆续到岗，%s储备只够两天，市场上难以购买，请求调配。"},
		{"缺少%s，无法满足复工防疫要求", "按复工防疫要求需配备%s，企业多方采购未果。"},
	},
	tickets.CategoryLogistics: {
		{"原料运输车辆无法进入", "供应商货车在卡口被劝返，需要办理车辆通行证。"},
		{"产品无法发往外地客户", "物流公司未复工，成品积压在仓库，请协调运输车辆和通行证。"},
		{"员工通勤车辆需要通行证", "企业包车接送本地员工上下班，途经多个卡口，需办理通行证。"},
	},
	tickets.CategoryLabour: {
		{"外地员工无法返岗，缺工%d人", "外省员工受隔离和交通限制无法按时返岗，生产线开工不足。"},
		{"湖北籍员工滞留，岗位空缺", "湖北籍员工暂不能返瑞，关键岗位缺人，请协助招聘本地临时工。"},
		{"复工人员健康码办理困难", "部分员工没有智能手机，无法出示健康码，请指导家人代办。"},
	},
	tickets.CategoryFinance: {
		{"流动资金紧张，贷款即将到期", "停工期间无收入，一笔贷款下月到期，请求协调银行续贷。"},
		{"申请疫情防控专项再贷款", "企业为防疫物资生产企业，申请人民银行专项再贷款和财政贴息。"},
		{"房租和社保负担重", "停工期间仍需支付厂房租金和社保，请求了解减免政策。"},
	},
	tickets.CategoryPolicy: {
		{"咨询复工审批流程", "企业计划下周复工，不清楚复工申请需准备的材料和审批流程。"},
		{"咨询亩均C类企业电价加价暂停政策", "企业为亩均C类，想了解加价暂停执行的时间和办理方式。"},
		{"咨询稳岗补助申领", "想了解稳岗补助的申领条件和材料。"},
	},
	tickets.CategoryOther: {
		{"留守人员买菜难", "道路封锁，附近菜市场关闭，值守人员三天没有蔬菜。"},
		{"员工食堂分餐设施不足", "按要求需分餐分桌，餐桌和隔板不够，请提供指导。"},
		{"厂区消杀不会操作", "请派人指导厂区消毒的方法和频次。"},
	},
}

// shortSupplies are the epidemic supplies firms run short of.
var shortSupplies = []string{"口罩", "医用口罩", "额温枪", "消毒液", "84消毒液", "防护服"}

// resolutions are what the assignee writes on solving a ticket, by category.
var resolutions = map[string]string{
	tickets.CategoryRawMaterials: "已协调本地企业供货，企业恢复正常生产。",
	tickets.CategorySupplies:     "已从物资储备中调配，并对接本地生产企业。",
	tickets.CategoryLogistics:    "已办理车辆通行证，货物已运出。",
	tickets.CategoryLabour:       "已对接人力社保部门和乡镇，安排本地招工。",
	tickets.CategoryFinance:      "已协调合作银行，续贷手续办理中，企业确认。",
	tickets.CategoryPolicy:       "已电话解答并发送政策文件。",
	tickets.CategoryOther:        "已安排人员上门协助解决。",
}

// handler is the work group that takes a category, and its member who works it.
var handler = map[string]struct {
	group  fugong.Group
	person string
}{
	tickets.CategoryRawMaterials: {fugong.GroupSupplies, "wuzi"},
	tickets.CategorySupplies:     {fugong.GroupSupplies, "wuzi"},
	tickets.CategoryLogistics:    {fugong.GroupPrevention, "lianfang"},
	tickets.CategoryLabour:       {fugong.GroupCoordination, "xietiao"},
	tickets.CategoryFinance:      {fugong.GroupCoordination, "xietiao"},
	tickets.CategoryPolicy:       {fugong.GroupCoordination, "xietiao"},
	tickets.CategoryOther:        {fugong.GroupInspection, "ducha"},
}

// fates fix where some tickets' stories end, by their index.
var fates = map[int]string{
	4: tickets.StatusNew, 11: tickets.StatusNew, 5: tickets.StatusReopened, 12: tickets.StatusReopened,
	6: tickets.StatusInProgress, 13: tickets.StatusInProgress, 7: tickets.StatusResolved, 8: tickets.StatusAssigned,
}

// plateChars are the letters and digits of a plate's number: no I or O.
const plateChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// ticketHistory generates the month: firms in trouble raise tickets, the
// coordination group assigns them within hours, most are solved within
// their SLA, a few run late or are reopened; the newest are still open.
// The draw is seeded, so the same day gives the same month.
func ticketHistory(es []registry.Enterprise, declared map[string][]tickets.Product, fabric string, now time.Time) ([]tickets.Detail, error) {
	r := rand.New(rand.NewPCG(2020, 202))
	clerkFirm, err := firmByName(es, namedFirms[0].name)
	if err != nil {
		return nil, err
	}
	paired := cadreFirms(es)
	byUSCC := map[string]registry.Enterprise{}
	var active []registry.Enterprise
	for _, e := range es {
		byUSCC[e.USCC] = e
		if e.Status == registry.StatusActive && e.USCC != fabric {
			active = append(active, e)
		}
	}
	// Who declared each good, for the chosen suppliers.
	holders := map[string][]string{}
	for _, e := range es {
		for _, p := range declared[e.USCC] {
			holders[p.Product] = append(holders[p.Product], e.USCC)
		}
	}
	for _, hs := range holders {
		slices.Sort(hs)
	}
	raiser := func(e registry.Enterprise) string {
		switch {
		case e.USCC == clerkFirm:
			return "qiye"
		case slices.Contains(paired, e.USCC):
			return "ganbu"
		case e.Town == tangxia && r.IntN(2) == 0:
			return "tangxia"
		case e.Town == xianjiang && r.IntN(2) == 0:
			return "xianjiang"
		}
		return []string{"ducha", "ducha", "lianfang", "tongji"}[r.IntN(4)]
	}
	start := now.AddDate(0, 0, -historyDays)
	var out []tickets.Detail
	for i := range ticketCount {
		cat := tickets.Categories[i%len(tickets.Categories)]
		e := active[r.IntN(len(active))]
		switch i {
		case 0:
			e = byUSCC[clerkFirm] // the clerk has a ticket of its own
		case 1, 2:
			e = byUSCC[paired[i]] // and the cadre
		}
		raisedAt := start.Add(time.Duration(r.Float64() * float64(now.Sub(start)-time.Hour))).Truncate(time.Minute)
		// A few tickets have their end fixed, so that the month shows every
		// state: the others end where chance and the clock leave them.
		fate := fates[i]
		switch fate {
		case tickets.StatusNew:
			raisedAt = now.Add(-time.Duration(10+r.IntN(50)) * time.Minute).Truncate(time.Minute)
		case tickets.StatusResolved, tickets.StatusReopened, tickets.StatusInProgress:
			raisedAt = now.AddDate(0, 0, -3-r.IntN(20)).Truncate(time.Minute)
		}
		urgency := tickets.Urgencies[pickWeighted(r, []int{15, 30, 40, 15})]
		tx := texts[cat][r.IntN(len(texts[cat]))]
		good := ""
		switch cat {
		case tickets.CategoryRawMaterials:
			needs := tradeGoods[e.Industry].needs
			if len(needs) == 0 {
				needs = []string{"包装材料"}
			}
			good = needs[r.IntN(len(needs))]
		case tickets.CategorySupplies:
			good = shortSupplies[r.IntN(len(shortSupplies))]
		}
		d := tickets.Detail{Ticket: tickets.Ticket{Enterprise: e.USCC, Category: cat, Urgency: urgency,
			Title: fillText(tx.title, good, 3+r.IntN(30)), Description: fillText(tx.description, good, 0),
			RaisedBy: raiser(e), RaisedAt: raisedAt}}
		d.DueAt = tickets.DefaultSLA.Due(urgency, raisedAt)
		work(r, &d, now, holders[good], byUSCC, fate)
		out = append(out, d)
	}
	model, err := modelCase(byUSCC, es, fabric, now)
	if err != nil {
		return nil, err
	}
	out = append(out, model)
	slices.SortStableFunc(out, func(a, b tickets.Detail) int { return a.RaisedAt.Compare(b.RaisedAt) })
	return out, nil
}

// fillText puts the good, or a number of people, into a text that has a place for it.
func fillText(format, good string, n int) string {
	switch {
	case strings.Contains(format, "%s"):
		return fmt.Sprintf(format, good)
	case strings.Contains(format, "%d"):
		return fmt.Sprintf(format, n)
	}
	return format
}

func pickWeighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n -= w; n < 0 {
			return i
		}
	}
	return len(weights) - 1
}

// work plays a ticket's life from its raise until now: assigned, started,
// a supplier chosen and goods delivered for a shortage, a pass for
// transport, resolved (mostly within the SLA), confirmed and closed, now
// and then reopened.
func work(r *rand.Rand, d *tickets.Detail, now time.Time, holders []string, byUSCC map[string]registry.Enterprise, fate string) {
	h := handler[d.Category]
	sla := time.Duration(tickets.DefaultSLA.Hours(d.Urgency)) * time.Hour
	at := d.RaisedAt
	d.Status, d.UpdatedAt = tickets.StatusNew, at
	d.Events = []tickets.Event{{At: at, Actor: d.RaisedBy, Kind: tickets.EventRaise, To: tickets.StatusNew}}
	// step records a move if it happens before now and the ticket's fate
	// is not to have stopped already; false stops the story.
	step := func(after time.Duration, actor, to, assignee, note string) bool {
		next := at.Add(after).Truncate(time.Minute)
		if !next.Before(now) || fate != "" && d.Status == fate {
			return false
		}
		at = next
		d.Events = append(d.Events, tickets.Event{At: at, Actor: actor, Kind: tickets.EventMove, From: d.Status, To: to, Assignee: assignee, Note: note})
		d.Status, d.UpdatedAt = to, at
		return true
	}
	record := func(after time.Duration, kind, actor, note string) bool {
		next := at.Add(after).Truncate(time.Minute)
		if !next.Before(now) {
			return false
		}
		at = next
		d.Events = append(d.Events, tickets.Event{At: at, Actor: actor, Kind: kind, Note: note})
		d.UpdatedAt = at
		return true
	}
	hours := func(lo, hi float64) time.Duration {
		return time.Duration((lo + r.Float64()*(hi-lo)) * float64(time.Hour))
	}
	assignee := tickets.GroupAssignee(h.group)
	if r.IntN(6) == 0 {
		assignee = h.person
	}
	d.Assignee = assignee
	if !step(hours(0.2, 3), "xietiao", tickets.StatusAssigned, assignee, "") {
		d.Assignee = ""
		return
	}
	if !step(hours(0.2, 4), h.person, tickets.StatusInProgress, assignee, "") {
		return
	}
	// How long the solution takes, as a share of the SLA: most in time, a
	// tenth late, a few stuck well past it.
	share := 0.15 + r.Float64()*0.75
	switch p := r.IntN(20); {
	case p < 2:
		share = 1.1 + r.Float64()*0.8
	case p < 3:
		share = 3 + r.Float64()*3
	}
	span := time.Duration(share * float64(sla))
	if len(holders) > 0 && tickets.Matchable(d.Category) {
		var choices []string
		for _, u := range holders {
			if u != d.Enterprise {
				choices = append(choices, u)
			}
		}
		if len(choices) > 0 {
			supplier := choices[r.IntN(len(choices))]
			if !record(span/4, tickets.EventSupplier, h.person, "") {
				return
			}
			d.Supplier = &tickets.Supplier{USCC: supplier, ChosenBy: h.person, ChosenAt: at}
			if r.IntN(3) == 0 {
				addPass(r, d, &at, now, h.person, byUSCC[supplier].TownName+"—"+byUSCC[d.Enterprise].TownName)
			}
			quantity, unit := float64(1+r.IntN(20)), []string{"吨", "箱", "卷", "件"}[r.IntN(4)]
			if record(span/2, tickets.EventDelivery, h.person, byUSCC[supplier].Name+" "+tickets.Day(at.Add(span/2))+" 送达") {
				d.Deliveries = append(d.Deliveries, tickets.Delivery{Supplier: supplier, Quantity: quantity, Unit: unit,
					Date: tickets.Day(at), CreatedBy: h.person, CreatedAt: at})
			}
		}
	}
	if d.Category == tickets.CategoryLogistics && r.IntN(4) > 0 {
		addPass(r, d, &at, now, h.person, "瑞安—"+[]string{"温州", "龙港", "平阳", "宁波", "杭州"}[r.IntN(5)])
	}
	solved := d.RaisedAt.Add(span)
	if solved.Before(at) {
		solved = at.Add(10 * time.Minute)
	}
	if !step(solved.Sub(at), h.person, tickets.StatusResolved, assignee, resolutions[d.Category]) {
		return
	}
	resolved := at
	d.FirstResolvedAt, d.ResolvedAt, d.Resolution = &resolved, &resolved, resolutions[d.Category]
	if r.IntN(12) == 0 || fate == tickets.StatusReopened {
		if !step(hours(2, 20), d.RaisedBy, tickets.StatusReopened, assignee, "问题未完全解决") {
			return
		}
		d.ResolvedAt, d.Resolution = nil, ""
		if !step(hours(0.5, 3), h.person, tickets.StatusInProgress, assignee, "") {
			return
		}
		if !step(hours(2, 30), h.person, tickets.StatusResolved, assignee, resolutions[d.Category]) {
			return
		}
		again := at
		d.ResolvedAt, d.Resolution = &again, resolutions[d.Category]
	}
	if r.IntN(5) == 0 || fate == tickets.StatusResolved {
		return // the raiser has not confirmed yet
	}
	if step(hours(1, 30), d.RaisedBy, tickets.StatusClosed, assignee, "") {
		closed := at
		d.ClosedAt = &closed
	}
}

// addPass records a pass for the ticket's goods, valid from the next
// morning for a day or two.
func addPass(r *rand.Rand, d *tickets.Detail, at *time.Time, now time.Time, by, route string) {
	next := at.Add(30 * time.Minute).Truncate(time.Minute)
	if !next.Before(now) {
		return
	}
	*at = next
	province := "浙C"
	if r.IntN(5) == 0 {
		province = []string{"浙A", "浙B", "苏E", "闽C"}[r.IntN(4)]
	}
	plate := province
	for range 5 {
		plate += string(plateChars[r.IntN(len(plateChars))])
	}
	day := time.Date(at.Year(), at.Month(), at.Day(), 6, 0, 0, 0, fugong.Location).AddDate(0, 0, 1)
	p := tickets.Pass{Plate: plate, Route: route, ValidFrom: day, ValidTo: day.Add(time.Duration(18+24*r.IntN(2)) * time.Hour),
		CreatedBy: by, CreatedAt: *at}
	d.Passes = append(d.Passes, p)
	d.Events = append(d.Events, tickets.Event{At: *at, Actor: by, Kind: tickets.EventPass, Note: p.Plate + " " + p.Route})
	d.UpdatedAt = *at
}

// modelCase is the report's story, 20 days ago: at 22:30 the suit maker's
// shortage comes in; by the next morning the 龙港 maker is found, the pass
// made and the deputy director on the road; at 22:00 the fabric is at the
// factory.
func modelCase(byUSCC map[string]registry.Enterprise, es []registry.Enterprise, fabric string, now time.Time) (tickets.Detail, error) {
	suit, err := firmByName(es, suitMakerName)
	if err != nil {
		return tickets.Detail{}, err
	}
	day := now.In(fugong.Location).AddDate(0, 0, -20)
	d0 := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, fugong.Location)
	at := func(days int, h, m int) time.Time {
		return d0.AddDate(0, 0, days).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	group := tickets.GroupAssignee(fugong.GroupSupplies)
	raised, resolved, closed := at(0, 22, 30), at(1, 22, 10), at(2, 9, 0)
	note := "次日8时副局长金少锋随车出发，22时原料运抵企业，即时恢复生产。"
	d := tickets.Detail{Ticket: tickets.Ticket{Enterprise: suit, Category: tickets.CategoryRawMaterials, Urgency: tickets.UrgencyHigh,
		Title:       ModelTicketTitle,
		Description: "企业复工后防护服生产原料无纺布、熔喷布不足。经多方打听，龙港一企业有原料，但受道路管控无法送货，请求协调运输。",
		Status:      tickets.StatusClosed, Assignee: group, RaisedBy: "ducha", RaisedAt: raised,
		DueAt: tickets.DefaultSLA.Due(tickets.UrgencyHigh, raised), FirstResolvedAt: &resolved, ResolvedAt: &resolved,
		ClosedAt: &closed, Resolution: "原料已运抵企业，防护服恢复生产。" + note, UpdatedAt: closed,
		Supplier: &tickets.Supplier{USCC: fabric, Note: "龙港企业有现货，需车辆通行证", ChosenBy: "wuzi", ChosenAt: at(0, 23, 5)}}}
	pass := tickets.Pass{Plate: "浙C3L580", Route: "瑞安飞云街道—龙港新城工业园区", ValidFrom: at(1, 6, 0), ValidTo: at(1, 23, 59),
		Note: "金少锋副局长随车护送", CreatedBy: "wuzi", CreatedAt: at(0, 23, 40)}
	d.Passes = []tickets.Pass{pass}
	d.Deliveries = []tickets.Delivery{{Supplier: fabric, Quantity: 2, Unit: "吨", Date: tickets.Day(at(1, 22, 0)),
		Note: "熔喷布、无纺布各1吨，22:00 运抵", CreatedBy: "wuzi", CreatedAt: at(1, 22, 5)}}
	d.Events = []tickets.Event{
		{At: raised, Actor: "ducha", Kind: tickets.EventRaise, To: tickets.StatusNew},
		{At: at(0, 22, 40), Actor: "xietiao", Kind: tickets.EventMove, From: tickets.StatusNew, To: tickets.StatusAssigned, Assignee: group,
			Note: "副局长金少锋牵头，物资筹备组对接龙港原料企业"},
		{At: at(0, 22, 50), Actor: "wuzi", Kind: tickets.EventMove, From: tickets.StatusAssigned, To: tickets.StatusInProgress, Assignee: group},
		{At: at(0, 23, 5), Actor: "wuzi", Kind: tickets.EventSupplier, Note: fabricMakerName + " 龙港企业有现货，需车辆通行证"},
		{At: at(0, 23, 40), Actor: "wuzi", Kind: tickets.EventPass, Note: pass.Plate + " " + pass.Route},
		{At: at(1, 22, 5), Actor: "wuzi", Kind: tickets.EventDelivery, Note: fabricMakerName + " " + tickets.Day(at(1, 22, 0)) + " 送达 2吨"},
		{At: resolved, Actor: "wuzi", Kind: tickets.EventMove, From: tickets.StatusInProgress, To: tickets.StatusResolved, Assignee: group,
			Note: d.Resolution},
		{At: closed, Actor: "ducha", Kind: tickets.EventMove, From: tickets.StatusResolved, To: tickets.StatusClosed, Assignee: group,
			Note: "企业确认已恢复生产"},
	}
	if _, ok := byUSCC[fabric]; !ok {
		return tickets.Detail{}, fmt.Errorf("demo: no fabric maker %s", fabric)
	}
	return d, nil
}
