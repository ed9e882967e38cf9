package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"fugong"
	"fugong/briefing"
	"fugong/notice"
	"fugong/registry"
	"fugong/store"
)

// The demo city's notices (M10) and the work groups' days (M11): the
// bureau's notices of the last ten days, texted to every firm ("通过电话、
// 新媒体、短信等方式实现全市工业企业宣传全覆盖") and read and acknowledged by
// most, the mountain towns slower; 塘下's own notice; the groups' days of the
// last three days, the earlier ones marked final. The texts are history:
// nothing is left for the sender loop to send when the demo starts.

type demoNotice struct {
	daysAgo  int
	hour     int
	by       fugong.Actor
	in       notice.Input
	read     float64 // share of the firms that read it
	acked    float64 // of those, the share that acknowledged
	clerkOut bool    // the demo clerk's firm has not read it: it shows on their home page
}

var (
	demoCoord = fugong.Actor{Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}
	demoStat  = fugong.Actor{Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics, GroupLeader: true}
	demoTown  = fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
)

var demoNotices = []demoNotice{
	{9, 8, demoCoord, notice.Input{Title: "关于严格落实工业企业疫情防控“硬停工”“硬劝返”的紧急通知",
		Body:     "各工业企业：\n当前正处于疫情防控的关键期，未经批准企业一律不得开工。请企业落实专人督促每一位员工打消返温念头，劝已购票人员退票，对湖北籍人员做到一日一联系、一检查；值守人员做好防护，签订《工业企业疫情防控承诺书》。",
		SMSText:  "疫情防控关键期，未经批准企业一律不得开工。请落实专人劝返外地员工、签订防控承诺书，详见复工复产平台通知。",
		Audience: notice.Audience{All: true}, Channels: []string{"app", "sms"}, RequiresAck: true}, 0.97, 0.96, false},
	{3, 9, demoStat, notice.Input{Title: "关于每日16时前填报企业防疫日报的通知",
		Body:     "各工业企业：\n请于每天下午16时前登录复工复产指挥平台填报当日返温人员、劝返人员、隔离及发热人员等情况，日日报、一人不漏。",
		Audience: notice.Audience{All: true}, Channels: []string{"app"}, RequiresAck: true}, 0.9, 0.85, false},
	{2, 15, demoTown, notice.Input{Title: "塘下镇关于返岗员工登记和厂区消杀的通知",
		Body:     "镇内各企业：\n返岗员工须在入厂前完成体温检测和身份登记，厂区每日两次消杀，食堂实行分餐、分桌、分班。",
		Audience: notice.Audience{All: true}, Channels: []string{"app", "sms"}, RequiresAck: true}, 0.8, 0.75, true},
	{1, 10, demoCoord, notice.Input{Title: "关于规模以上工业企业有序复工复产的通知",
		Body:     "各规上工业企业：\n请对照“六必查”做好复工准备，复工前报送复工申请和疫情防控预案，经乡镇街道审核同意后有序复工。",
		SMSText:  "请规上企业对照“六必查”做好复工准备，复工前经平台报送复工申请和防控预案，经乡镇街道同意后有序复工。",
		Audience: notice.Audience{SizeClass: registry.SizeAbove}, Channels: []string{"app", "sms"}, RequiresAck: true}, 0.93, 0.9, false},
	{0, 9, demoCoord, notice.Input{Title: "关于暂停执行亩均论英雄C类企业电价水价加价政策的通知",
		Body:     "受疫情影响，6月底前暂停执行“亩均论英雄”综合评价中C类企业电价、水价加价等反向倒逼政策，预计减免企业电费1500万元、水费50万元。",
		SMSText:  "6月底前暂停执行亩均论英雄C类企业电价、水价加价政策，详见复工复产平台通知。",
		Audience: notice.Audience{MujunClasses: []string{"C"}}, Channels: []string{"app", "sms"}}, 0.35, 0, true},
}

// inAudience reports whether a firm is in a demo notice's audience.
func inAudience(e registry.Enterprise, a notice.Audience, by fugong.Actor) bool {
	if e.Status != registry.StatusActive || (by.Role == fugong.RoleTown && e.Town != by.Town) {
		return false
	}
	switch {
	case a.All:
		return true
	case a.SizeClass != "":
		return e.SizeClass == a.SizeClass
	case len(a.MujunClasses) > 0:
		return e.MujunClass != nil && *e.MujunClass == a.MujunClasses[0]
	}
	return false
}

// slowTowns read their notices later and less.
var slowTowns = map[string]float64{"330381126": 0.8, "330381127": 0.75, "330381128": 0.8, "330381129": 0.7, "330381221": 0.7, "330381222": 0.6}

// withClock runs fn with db's clock at t.
func withClock(db *store.DB, t time.Time, fn func() error) error {
	prev := db.Now
	db.Now = func() time.Time { return t }
	defer func() { db.Now = prev }()
	return fn()
}

func seedNotices(ctx context.Context, db *store.DB, es []registry.Enterprise, clerk string, now time.Time) error {
	r := rand.New(rand.NewPCG(2020, 210))
	today := midnight(now)
	for _, dn := range demoNotices {
		sent := today.AddDate(0, 0, -dn.daysAgo).Add(time.Duration(dn.hour) * time.Hour)
		if sent.After(now) {
			sent = now.Add(-time.Hour)
		}
		d, err := notice.Check(dn.in, nil, notice.SMSDefaults)
		if err != nil {
			return err
		}
		d.SenderGroup, d.SenderTown = dn.by.Group, dn.by.Town
		text := ""
		if d.Has(notice.ChannelSMS) {
			text = notice.SMSDefaults.Text(d.Notice)
		}
		var n notice.Notice
		if err := withClock(db, sent, func() error {
			n, err = db.CreateNotice(ctx, dn.by, d, text)
			return err
		}); err != nil {
			return fmt.Errorf("demo: notice %q: %w", dn.in.Title, err)
		}
		var readings []store.NoticeReading
		failed := map[string]string{}
		for _, e := range es {
			if !inAudience(e, dn.in.Audience, dn.by) {
				continue
			}
			if d.Has(notice.ChannelSMS) && r.IntN(400) == 0 {
				failed[e.USCC] = "notify: gateway: HTTP 400: {\"code\":\"isv.MOBILE_NUMBER_ILLEGAL\",\"message\":\"号码无效\"}"
			}
			share := dn.read
			if f, ok := slowTowns[e.Town]; ok {
				share *= f
			}
			if e.USCC == clerk {
				if dn.clerkOut {
					continue
				}
				share = 1
			}
			if r.Float64() >= share {
				continue
			}
			read := sent.Add(time.Duration(5+r.IntN(36*60)) * time.Minute)
			if read.After(now) {
				continue
			}
			rd := store.NoticeReading{USCC: e.USCC, ReadAt: &read, By: "qiye"}
			if dn.in.RequiresAck && r.Float64() < dn.acked {
				ack := read.Add(time.Duration(1+r.IntN(120)) * time.Minute)
				if ack.Before(now) {
					rd.AckedAt = &ack
				}
			}
			readings = append(readings, rd)
		}
		if err := db.LoadNoticeHistory(ctx, n.ID, sent.Add(3*time.Minute), failed, readings); err != nil {
			return fmt.Errorf("demo: notice history: %w", err)
		}
	}
	return seedGroupDays(ctx, db, now)
}

// demoDays are each group's usual day, from the report.
var demoDays = map[fugong.Group]briefing.DayInput{
	fugong.GroupCoordination: {Summary: "汇总各组工作动态，起草疫情防控工作方案和外地员工返企管理办法；协调解决企业原料运输、车辆通行证等困难。",
		Figures: briefing.Figures{{Label: "协调解决困难（件）", Value: 6.0}, {Label: "发出通知（条）", Value: 1.0}}},
	fugong.GroupInspection: {Summary: "分组、分片走访塘下北工业园区等地企业，现场督查防控预案制订、厂区消杀、留瑞员工管理；为企业值守人员带菜督导。",
		Figures: briefing.Figures{{Label: "走访企业（家）", Value: 86.0}, {Label: "发现问题（项）", Value: 3.0}, {Label: "带菜督导", Value: "油冬菜一后备箱"}}},
	fugong.GroupStatistics: {Summary: "逐一电话联系未报企业和湖北籍员工，逐一劝返，做到不漏一企、不漏一人。",
		Figures: briefing.Figures{{Label: "催报电话（个）", Value: 412.0}, {Label: "劝返（人）", Value: 37.0}}},
	fugong.GroupSupplies: {Summary: "向缺口企业调拨口罩和额温枪；联系龙港原料企业，保障防护服生产原料。",
		Figures: briefing.Figures{{Label: "调拨口罩（只）", Value: 3000.0}, {Label: "对接原料企业（家）", Value: 1.0}}},
	fugong.GroupPrevention: {Summary: "2名班子成员及6名骨干支援仙降街道，在坊额底、灯垟、台前、项岙四村卡口测温登记，参与24小时值班和隔离点管理。",
		Figures: briefing.Figures{{Label: "卡口测温（人次）", Value: 1260.0}, {Label: "隔离点值守（人）", Value: 8.0}}},
}

// seedGroupDays files the groups' days of the last three days: the days
// before today marked final, today's filed by two groups so far.
func seedGroupDays(ctx context.Context, db *store.DB, now time.Time) error {
	today := midnight(now)
	for back := 2; back >= 0; back-- {
		day := today.AddDate(0, 0, -back)
		date := day.Format(time.DateOnly)
		for _, g := range fugong.Groups {
			if back == 0 && g != fugong.GroupStatistics && g != fugong.GroupInspection {
				continue
			}
			member := fugong.Actor{Username: demoMember[g], Role: fugong.RoleBureau, Group: g}
			at := day.Add(17*time.Hour + time.Duration(len(g))*time.Minute)
			if at.After(now) {
				at = now
			}
			if err := withClock(db, at, func() error {
				_, _, err := db.SaveGroupDay(ctx, member, g, date, demoDays[g])
				return err
			}); err != nil {
				return fmt.Errorf("demo: group day: %w", err)
			}
			if back == 0 {
				continue
			}
			leader := fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}
			if g == fugong.GroupStatistics {
				leader = demoStat
			}
			if err := withClock(db, at.Add(40*time.Minute), func() error {
				_, err := db.FinalizeGroupDay(ctx, leader, g, date, true)
				return err
			}); err != nil {
				return fmt.Errorf("demo: group day: %w", err)
			}
		}
	}
	return nil
}

// demoMember is each group's demo account (see ensureUsers).
var demoMember = map[fugong.Group]string{fugong.GroupCoordination: "xietiao", fugong.GroupInspection: "ducha",
	fugong.GroupStatistics: "tongji", fugong.GroupSupplies: "wuzi", fugong.GroupPrevention: "lianfang"}

func midnight(t time.Time) time.Time {
	t = t.In(fugong.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, fugong.Location)
}
