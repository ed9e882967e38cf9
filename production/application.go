package production

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/daily"
	"fugong/files"
)

// Application statuses: submitted → approved | returned. A returned
// application stays returned; the enterprise submits a new one.
const (
	AppSubmitted = "submitted"
	AppApproved  = "approved"
	AppReturned  = "returned"
)

// AppStatuses lists the application statuses in display order.
var AppStatuses = []string{AppSubmitted, AppApproved, AppReturned}

// AppStatusNames are the Chinese names of the application statuses.
var AppStatusNames = map[string]string{AppSubmitted: "待审批", AppApproved: "已批准", AppReturned: "已退回"}

// MaxPlanAheadDays bounds how far ahead a resumption may be planned: the
// town judges a plan against the epidemic as it is now, not months away.
const MaxPlanAheadDays = 60

// MaxReasonRunes bounds a return reason.
const MaxReasonRunes = 500

// ApplicationInput is what an enterprise (or its cadre, or the town) submits.
type ApplicationInput struct {
	PlannedDate   string `json:"planned_date"`
	StaffExpected int    `json:"staff_expected"`
	Note          string `json:"note"`
}

// Application is an application to resume work (复工申请) and its decision.
type Application struct {
	ID            int64       `json:"id"`
	USCC          string      `json:"uscc"`
	Name          string      `json:"enterprise_name"`
	Town          string      `json:"town"`
	TownName      string      `json:"town_name"`
	SizeClass     string      `json:"size_class"`
	Employees     int         `json:"employees"`
	PlannedDate   string      `json:"planned_date"`
	StaffExpected int         `json:"staff_expected"`
	Note          string      `json:"note"`
	Status        string      `json:"status"`
	Plan          *files.File `json:"plan"`
	SubmittedBy   string      `json:"submitted_by"`
	SubmittedAt   time.Time   `json:"submitted_at"`
	DecidedBy     string      `json:"decided_by"`
	DecidedAt     *time.Time  `json:"decided_at"`
	ReturnReason  string      `json:"return_reason"`
}

// Normalize checks an application submitted at now by an enterprise of
// employees registered staff, and returns every rule it breaks.
//
// The planned date may not be before the day of submission: an application
// asks for permission to resume, and a town cannot approve, after the fact,
// work that went on without it; a firm that must work at once belongs on the
// essential list. It may be today, for a town that approves the same morning.
func (in *ApplicationInput) Normalize(now time.Time, employees int) []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: FieldLabels[field] + msg})
	}
	in.PlannedDate = strings.TrimSpace(in.PlannedDate)
	today, latest := PlanWindow(now)
	switch _, err := daily.ParseDate(in.PlannedDate); {
	case in.PlannedDate == "":
		bad("planned_date", "必填，格式 YYYY-MM-DD")
	case err != nil:
		bad("planned_date", "应为 YYYY-MM-DD 格式的有效日期，收到“"+in.PlannedDate+"”")
	case in.PlannedDate < today:
		bad("planned_date", "不能早于今天（"+today+"）：复工须先经乡镇街道批准")
	case in.PlannedDate > latest:
		bad("planned_date", "不能晚于 "+strconv.Itoa(MaxPlanAheadDays)+" 天后（"+latest+"）")
	}
	switch {
	case in.StaffExpected < 0:
		bad("staff_expected", "不能为负数")
	case in.StaffExpected > employees:
		bad("staff_expected", "不能超过企业登记职工人数（"+strconv.Itoa(employees)+"）")
	}
	in.Note = strings.TrimSpace(in.Note)
	checkNote(bad, "note", in.Note)
	return ps
}

// PlanWindow is the first and the last day a resumption submitted at now
// may be planned for: today, and MaxPlanAheadDays after it.
func PlanWindow(now time.Time) (earliest, latest string) {
	today := daily.Today(now)
	t0, _ := daily.ParseDate(today)
	return today, t0.AddDate(0, 0, MaxPlanAheadDays).Format(daily.DateLayout)
}

// CheckReason checks the reason a town gives for returning an application.
func CheckReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", fugong.Errorf(fugong.EInvalid, "reason", "请填写退回原因，企业将据此修改后重新申请")
	case !utf8.ValidString(reason):
		return "", fugong.Errorf(fugong.EInvalid, "reason", "退回原因含有无效字符")
	case utf8.RuneCountInString(reason) > MaxReasonRunes:
		return "", fugong.Errorf(fugong.EInvalid, "reason", "退回原因不能超过%d个字", MaxReasonRunes)
	}
	return reason, nil
}

// CheckPending refuses a decision on an application that is no longer
// waiting for one.
func CheckPending(app Application) error {
	switch app.Status {
	case AppSubmitted:
		return nil
	case AppApproved:
		return fugong.Errorf(fugong.EConflict, "status", "该申请已于 %s 由 %s 批准，不能再审批或退回", when(app.DecidedAt), app.DecidedBy)
	}
	return fugong.Errorf(fugong.EConflict, "status", "该申请已于 %s 由 %s 退回，企业需重新提交申请", when(app.DecidedAt), app.DecidedBy)
}

func when(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(fugong.Location).Format("2006-01-02 15:04")
}

// Decision is a town's approval or return of an application.
type Decision struct {
	Status string // AppApproved or AppReturned
	Reason string // for a return
}
