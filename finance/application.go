package finance

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// Status is where a key epidemic-prevention enterprise application
// (国家疫情防控重点保障企业名单申报) stands.
type Status string

const (
	// Submitted: the firm (or its town) has applied in a batch.
	Submitted Status = "submitted"
	// Recommended: the bureau has checked it and put it to the province.
	Recommended Status = "recommended"
	// Approved: on the national list; the firm may borrow special
	// re-lending at the capped rate.
	Approved Status = "approved"
	// Rejected: not recommended, or not listed. A firm turned down applies
	// again in a later batch as a new application.
	Rejected Status = "rejected"
)

// Statuses lists the statuses in the order an application moves.
var Statuses = []Status{Submitted, Recommended, Approved, Rejected}

// StatusNames are the Chinese names of the statuses.
var StatusNames = map[Status]string{
	Submitted:   "已申报",
	Recommended: "已推荐",
	Approved:    "已入选",
	Rejected:    "未通过",
}

// moves are the allowed status changes; approved and rejected are final.
var moves = map[Status][]Status{
	Submitted:   {Recommended, Rejected},
	Recommended: {Approved, Rejected},
}

// ParseStatus returns the status named s (its API name).
func ParseStatus(s string) (Status, bool) {
	_, ok := StatusNames[Status(s)]
	return Status(s), ok
}

// Next lists the statuses an application may move to from s.
func (s Status) Next() []Status { return moves[s] }

// Final reports whether no move leaves s.
func (s Status) Final() bool { return len(moves[s]) == 0 }

// Pending reports whether the application is still waiting for a decision
// (the report's "batch 2: 14 pending").
func (s Status) Pending() bool { return s == Submitted || s == Recommended }

// CheckMove returns nil when an application may move from one status to
// another, a conflict (409) when the move is not in the table, and an
// invalid-input error for a status that does not exist.
func CheckMove(from, to Status) error {
	if _, ok := StatusNames[to]; !ok {
		return fugong.Errorf(fugong.EInvalid, "status", "状态应为 %s", statusList())
	}
	if slices.Contains(moves[from], to) {
		return nil
	}
	return fugong.Errorf(fugong.EConflict, "status", "申报状态不能从“%s”改为“%s”", StatusNames[from], StatusNames[to])
}

func statusList() string {
	names := make([]string, len(Statuses))
	for i, s := range Statuses {
		names[i] = string(s)
	}
	return strings.Join(names, "、")
}

// MaxNoteRunes bounds an application's note.
const MaxNoteRunes = 500

// Application is one enterprise's application in a batch.
type Application struct {
	ID     int64  `json:"id"`
	USCC   string `json:"uscc"`
	Batch  int    `json:"batch"` // 1, 2, … as the province opened them
	Status Status `json:"status"`
	Note   string `json:"note"`
	// Filled in by the store when read: the enterprise's name and town,
	// and the last change.
	Name      string    `json:"name,omitempty"`
	Town      string    `json:"town,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// Normalize checks a new application: a valid USCC, a batch from 1, a
// note within bounds. A new application is always submitted.
func (a *Application) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	u, msg := registry.NormalizeUSCC(a.USCC)
	if msg != "" {
		ps = append(ps, fugong.Problem{Field: "uscc", Message: "统一社会信用代码" + msg})
	}
	a.USCC = u
	if a.Batch < 1 || a.Batch > 100 {
		ps = append(ps, fugong.Problem{Field: "batch", Message: "批次应在 1–100 之间"})
	}
	a.Note = strings.TrimSpace(a.Note)
	if !utf8.ValidString(a.Note) {
		ps = append(ps, fugong.Problem{Field: "note", Message: "备注含有无效字符"})
	} else if utf8.RuneCountInString(a.Note) > MaxNoteRunes {
		ps = append(ps, fugong.Problem{Field: "note", Message: "备注不能超过" + strconv.Itoa(MaxNoteRunes) + "个字"})
	}
	a.Status = Submitted
	return ps
}
