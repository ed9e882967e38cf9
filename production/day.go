// Package production holds resumption and production (M4, 复工复产): an
// enterprise's application to resume and the town's decision on it, the
// essential list of firms that work without one (保供/重点企业), each
// enterprise's daily production status, and the city's and towns' figures
// for a day and over a period, split by size class.
package production

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// Production statuses of an enterprise on a day.
const (
	StatusClosed  = "closed"
	StatusResumed = "resumed"
	StatusFull    = "full"
)

// Statuses lists the production statuses in display order.
var Statuses = []string{StatusClosed, StatusResumed, StatusFull}

// StatusNames are the Chinese names of the production statuses.
var StatusNames = map[string]string{StatusClosed: "停工", StatusResumed: "已复工", StatusFull: "满产"}

// Supply-chain statuses of the upstream (suppliers) and downstream
// (customers) of an enterprise.
const (
	SupplyNormal   = "normal"
	SupplyStrained = "strained"
	SupplyBroken   = "broken"
)

// Supplies lists the supply-chain statuses in display order.
var Supplies = []string{SupplyNormal, SupplyStrained, SupplyBroken}

// SupplyNames are the Chinese names of the supply-chain statuses.
var SupplyNames = map[string]string{SupplyNormal: "正常", SupplyStrained: "紧张", SupplyBroken: "中断"}

// FullThreshold is the capacity recovery, in percent, from which an
// enterprise is at full capacity (满产). Firms report their recovery in round
// figures and a line running at nine tenths is running full by the bureau's
// reckoning (复产达产), so "full" means at least 90 %, and "resumed" means
// back at work below that, down to 0 for a firm that reopened but cannot
// produce yet (复工不复产). "closed" means 0.
const FullThreshold = 90

// MaxNoteRunes bounds the free-text notes.
const MaxNoteRunes = 500

// FieldLabels are the Chinese names of the fields of a day and of an
// application, for messages.
var FieldLabels = map[string]string{
	"status":         "生产状态",
	"capacity_pct":   "产能恢复率",
	"on_post_pct":    "员工到岗率",
	"upstream":       "上游供应",
	"downstream":     "下游销售",
	"note":           "备注",
	"planned_date":   "计划复工日期",
	"staff_expected": "预计到岗人数",
	"reason":         "退回原因",
}

// Figures are what an enterprise reports about its production on a day.
type Figures struct {
	Status      string `json:"status"`
	CapacityPct int    `json:"capacity_pct"`
	OnPostPct   int    `json:"on_post_pct"`
	Upstream    string `json:"upstream"`
	Downstream  string `json:"downstream"`
	Note        string `json:"note"`
}

// Day is an enterprise's production status on a day, as stored: the latest
// version; corrections keep the versions before it.
type Day struct {
	USCC string `json:"uscc"`
	Date string `json:"date"` // YYYY-MM-DD, Asia/Shanghai
	Figures
	// StaffOnPost is on_post_pct of the enterprise's registered staff, in people.
	StaffOnPost int       `json:"staff_on_post"`
	Version     int       `json:"version"`
	UpdatedBy   string    `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// StaffOnPost is the number of people on post: pct of employees, rounded to
// the nearest person. The store computes the same in SQL for its sums.
func StaffOnPost(pct, employees int) int { return (pct*employees + 50) / 100 }

// Working reports whether a status is back at work (resumed or full).
func Working(status string) bool { return status == StatusResumed || status == StatusFull }

// Normalize trims the note and returns every rule the figures break for an
// enterprise of employees registered staff, one message per field.
func (f *Figures) Normalize(employees int) []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		for _, p := range ps {
			if p.Field == field {
				return
			}
		}
		ps = append(ps, fugong.Problem{Field: field, Message: FieldLabels[field] + msg})
	}
	f.Status = strings.TrimSpace(f.Status)
	if _, ok := StatusNames[f.Status]; !ok {
		bad("status", "应为停工、已复工或满产")
	}
	for _, p := range []struct {
		field string
		v     int
	}{{"capacity_pct", f.CapacityPct}, {"on_post_pct", f.OnPostPct}} {
		if p.v < 0 || p.v > 100 {
			bad(p.field, "应在 0–100 之间（百分比）")
		}
	}
	if !fieldBad(ps, "status") && !fieldBad(ps, "capacity_pct") {
		switch {
		case f.Status == StatusClosed && f.CapacityPct != 0:
			bad("capacity_pct", "在停工状态下应为 0；已恢复生产请选择“已复工”")
		case f.Status == StatusFull && f.CapacityPct < FullThreshold:
			bad("capacity_pct", "达到 "+strconv.Itoa(FullThreshold)+"% 及以上才算满产；低于此请选择“已复工”")
		case f.Status == StatusResumed && f.CapacityPct >= FullThreshold:
			bad("capacity_pct", "已达 "+strconv.Itoa(FullThreshold)+"% 及以上，请选择“满产”")
		}
	}
	if !fieldBad(ps, "on_post_pct") && employees == 0 && f.OnPostPct > 0 {
		bad("on_post_pct", "不能大于 0：企业登记职工人数为 0，到岗人数不能超过职工人数（请先更新企业职工人数）")
	}
	for _, field := range []string{"upstream", "downstream"} {
		v := &f.Upstream
		if field == "downstream" {
			v = &f.Downstream
		}
		*v = strings.TrimSpace(*v)
		if _, ok := SupplyNames[*v]; !ok {
			bad(field, "应为正常、紧张或中断")
		}
	}
	f.Note = strings.TrimSpace(f.Note)
	checkNote(bad, "note", f.Note)
	return ps
}

func fieldBad(ps []fugong.Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

func checkNote(bad func(field, msg string), field, v string) {
	switch {
	case !utf8.ValidString(v):
		bad(field, "含有无效字符")
	case utf8.RuneCountInString(v) > MaxNoteRunes:
		bad(field, "不能超过"+strconv.Itoa(MaxNoteRunes)+"个字")
	}
}

// Permit is what allows an enterprise to be at work on a day: it is on the
// essential list, or its application was approved (at ApprovedAt).
type Permit struct {
	Essential  bool
	ApprovedAt *time.Time
}

// CheckPermit refuses a working status on day for an enterprise that was not
// allowed to work then: not on the essential list and without an application
// approved on or before that day. Closed is always allowed.
func CheckPermit(status, day string, p Permit) error {
	if !Working(status) || p.Essential {
		return nil
	}
	if p.ApprovedAt == nil {
		return fugong.Errorf(fugong.EConflict, "status", "该企业的复工申请尚未获乡镇街道批准，也不在保供重点企业名单内，不能标记为%s", StatusNames[status])
	}
	if approved := p.ApprovedAt.In(fugong.Location).Format(time.DateOnly); approved > day {
		return fugong.Errorf(fugong.EConflict, "status", "该企业的复工申请于 %s 获批，%s 尚未获批，不能标记为%s", approved, day, StatusNames[status])
	}
	return nil
}
