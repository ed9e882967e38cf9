// Package demo fills an empty database with the demo city of Ruian (瑞安市)
// at the scale of the report: 6,833 rated firms in 23 towns, a month of
// their daily reports and one account for every role, so `fugong demo` can
// show what the bureau sees.
package demo

import (
	"context"
	"fmt"
	"time"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/registry"
	"fugong/store"
)

// Login is a demo account and its password, printed at start.
type Login struct {
	Username, Password string
	Role               fugong.Role
	Scope              string // Chinese description: "全市", "塘下镇", the enterprise name, "信息统计组（组长）", …
}

// Seed makes sure db holds the demo city: the enterprises and 30 days of
// their daily reports (and today's so far) are stored when the database has
// no enterprises, and every demo account that is missing is created.
// With resetPasswords, existing demo accounts get fresh passwords too (the
// printed list was lost, or a first start was cut short). It returns the
// accounts whose passwords it set. progress, if non-nil, is called with
// (done, total) while enterprises and then reports are stored; total counts
// both.
func Seed(ctx context.Context, db *store.DB, progress func(done, total int), resetPasswords bool) ([]Login, error) {
	es, err := enterprises()
	if err != nil {
		return nil, err
	}
	_, n, err := db.ListEnterprises(ctx, fugong.System, registry.Filter{Page: 1, PerPage: 1})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		clerk, err := firmByName(es, namedFirms[0].name)
		if err != nil {
			return nil, err
		}
		deadline, err := daily.DeadlineConfig.Get(ctx, db)
		if err != nil {
			return nil, err
		}
		reports := history(es, clerk, db.Now(), deadline)
		total := len(es) + len(reports)
		if progress == nil {
			progress = func(int, int) {}
		}
		if _, _, err := db.SaveEnterprises(ctx, fugong.System, es, func(done int) { progress(done, total) }); err != nil {
			return nil, err
		}
		if err := loadHistory(ctx, db, es, reports, func(done int) { progress(len(es)+done, total) }); err != nil {
			return nil, fmt.Errorf("demo: report history: %w", err)
		}
		if err := seedInspections(ctx, db, es, clerk, db.Now()); err != nil {
			return nil, fmt.Errorf("demo: inspections: %w", err)
		}
		if err := seedSupplies(ctx, db, es); err != nil {
			return nil, err
		}
		if err := seedTickets(ctx, db, es, db.Now()); err != nil {
			return nil, fmt.Errorf("demo: tickets: %w", err)
		}
		if err := seedPaperwork(ctx, db, es, clerk); err != nil {
			return nil, fmt.Errorf("demo: pairings and documents: %w", err)
		}
		if err := loadProduction(ctx, db, es, clerk, db.Now()); err != nil {
			return nil, fmt.Errorf("demo: production: %w", err)
		}
		if err := seedMujun(ctx, db, es); err != nil {
			return nil, fmt.Errorf("demo: 亩均论英雄: %w", err)
		}
		if err := seedFinance(ctx, db, es); err != nil {
			return nil, fmt.Errorf("demo: finance: %w", err)
		}
		if err := seedNotices(ctx, db, es, clerk, db.Now()); err != nil {
			return nil, fmt.Errorf("demo: notices: %w", err)
		}
	}
	return ensureUsers(ctx, db, es, resetPasswords)
}

// ensureUsers makes sure there is one account per role (one per work group
// for the bureau) and the cadre is paired with its firms.
func ensureUsers(ctx context.Context, db *store.DB, es []registry.Enterprise, reset bool) ([]Login, error) {
	clerkFirm := namedFirms[0].name
	clerkUSCC, err := firmByName(es, clerkFirm)
	if err != nil {
		return nil, err
	}
	paired := cadreFirms(es)
	bureau := func(name, display string, g fugong.Group, leader bool) (account.User, string) {
		scope := fugong.GroupNames[g]
		if leader {
			scope += "（组长）"
		}
		return account.User{Username: name, DisplayName: display, Role: fugong.RoleBureau, Group: g, GroupLeader: leader}, scope
	}
	type entry struct {
		u     account.User
		scope string
	}
	var users []entry
	add := func(u account.User, scope string) { users = append(users, entry{u, scope}) }
	add(account.User{Username: "admin", DisplayName: "系统管理员", Role: fugong.RoleAdmin}, "全市")
	add(bureau("tongji", "陈国伟", fugong.GroupStatistics, true))
	add(bureau("ducha", "林晓峰", fugong.GroupInspection, false))
	add(bureau("xietiao", "王丽芳", fugong.GroupCoordination, false))
	add(bureau("wuzi", "李海军", fugong.GroupSupplies, false))
	add(bureau("lianfang", "张燕", fugong.GroupPrevention, false))
	add(account.User{Username: "tangxia", DisplayName: "黄志明", Role: fugong.RoleTown, Town: tangxia}, "塘下镇")
	add(account.User{Username: "xianjiang", DisplayName: "周建华", Role: fugong.RoleTown, Town: xianjiang}, "仙降街道")
	add(account.User{Username: "ganbu", DisplayName: "吴斌", Role: fugong.RoleCadre},
		fmt.Sprintf("塘下镇结对企业%d家", len(paired)))
	add(account.User{Username: "qiye", DisplayName: "郑秀英", Role: fugong.RoleEnterprise, Enterprise: clerkUSCC}, clerkFirm)
	add(account.User{Username: "kakou", DisplayName: "薛俊杰", Role: fugong.RoleCheckpoint, Town: xianjiang}, "仙降街道卡口")

	svc := account.Service{Store: db, Now: time.Now}
	var logins []Login
	for _, e := range users {
		password := account.NewPassword()
		u, _, err := db.UserByName(ctx, e.u.Username)
		switch {
		case fugong.ErrorCode(err) == fugong.ENotFound:
			if u, err = svc.Create(ctx, fugong.System, e.u, password); err != nil {
				return nil, fmt.Errorf("demo: user %s: %w", e.u.Username, err)
			}
			if u.Role == fugong.RoleCadre {
				for _, uscc := range paired {
					if err := db.PairCadre(ctx, fugong.System, uscc, u.ID); err != nil {
						return nil, err
					}
				}
			}
		case err != nil:
			return nil, err
		case reset:
			if err := svc.SetPassword(ctx, fugong.System, u.Username, password); err != nil {
				return nil, err
			}
		default:
			continue
		}
		logins = append(logins, Login{Username: u.Username, Password: password, Role: u.Role, Scope: e.scope})
	}
	return logins, nil
}
