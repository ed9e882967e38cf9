package people

import (
	"context"

	"fugong"
)

// PurgeReport is what a retention purge erased, or with a dry run would
// erase, of the people last changed before a day: their names, ID numbers,
// phones, origins, health codes and readings. What the statistics need is
// kept without them: a tombstone of each person (enterprise, Hubei flag,
// return and quarantine dates) and each enterprise's daily count of
// readings and of people with a fever.
type PurgeReport struct {
	Before string `json:"before"` // the day: records last changed before it
	DryRun bool   `json:"dry_run"`
	// People erased, by enterprise (USCC).
	People      int            `json:"people"`
	Enterprises map[string]int `json:"enterprises"`
	Readings    int            `json:"readings"`     // temperatures deleted (kept as daily counts)
	Alerts      int            `json:"alerts"`       // alerts unlinked from them, their notes blanked
	AuditScrubs int            `json:"audit_scrubs"` // audit rows whose contents (names) were erased
}

// Purge erases the personal data of the people last changed before the
// day (see PurgeReport), as the operator (fugong.System) asks on the
// command line.
func (s *Service) Purge(ctx context.Context, a fugong.Actor, before string, dryRun bool) (PurgeReport, error) {
	if a.Role != fugong.RoleAdmin {
		return PurgeReport{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以清除个人信息")
	}
	if _, ok := parseDay(before); !ok {
		return PurgeReport{}, fugong.Errorf(fugong.EInvalid, "ended_before", "日期应为 YYYY-MM-DD 格式的有效日期")
	}
	if before > AddDays(s.Today(), 1) {
		return PurgeReport{}, fugong.Errorf(fugong.EInvalid, "ended_before", "不能晚于明天：只能清除已经结束的记录")
	}
	return s.Store.Purge(ctx, a, before, dryRun)
}
