package inspect

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// Statuses of a rectification.
const (
	StatusOpen      = "open"
	StatusRectified = "rectified"
	StatusVerified  = "verified"
)

// Statuses lists the statuses in workflow order.
var Statuses = []string{StatusOpen, StatusRectified, StatusVerified}

// StatusNames are the Chinese names of the statuses.
var StatusNames = map[string]string{StatusOpen: "待整改", StatusRectified: "已整改待验收", StatusVerified: "已验收"}

// Rectification is the follow-up of one failed item of a visit (整改).
type Rectification struct {
	ID             int64     `json:"id"`
	VisitID        int64     `json:"visit_id"`
	Enterprise     string    `json:"enterprise"`
	EnterpriseName string    `json:"enterprise_name"`
	Town           string    `json:"town"`
	TownName       string    `json:"town_name"`
	ItemID         int64     `json:"item_id"`
	ItemText       string    `json:"item_text"`
	ChecklistName  string    `json:"checklist_name"`
	Problem        string    `json:"problem"` // the inspector's note on the failure
	Owner          string    `json:"owner"`
	DueDate        string    `json:"due_date"`
	Status         string    `json:"status"`
	Overdue        bool      `json:"overdue"`
	OpenedAt       time.Time `json:"opened_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	UpdatedBy      string    `json:"updated_by"`
	// History is every move, oldest first (only when one rectification is read).
	History []Event `json:"history,omitempty"`
}

// IsOverdue reports whether the rectification is late on today (YYYY-MM-DD):
// still open after its due day. One rectified and waiting for the
// inspector's verification is not the enterprise's delay.
func (r Rectification) IsOverdue(today string) bool {
	return r.Status == StatusOpen && r.DueDate < today
}

// DaysLate is how many days past its due day the rectification is on
// today (YYYY-MM-DD): 0 unless it is overdue (IsOverdue).
func (r Rectification) DaysLate(today string) int {
	if !r.IsOverdue(today) {
		return 0
	}
	due, err1 := time.Parse(DateLayout, r.DueDate)
	now, err2 := time.Parse(DateLayout, today)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(now.Sub(due).Hours() / 24)
}

// OnePhoto is the photo a move carries: none, or one. More than one is
// refused, whether through the API or the rectification's page.
func OnePhoto(photos []Photo) (*Photo, error) {
	switch len(photos) {
	case 0:
		return nil, nil
	case 1:
		return &photos[0], nil
	}
	return nil, fugong.Errorf(fugong.EInvalid, "photo", "每次只能附一张照片")
}

// Event is one move of a rectification.
type Event struct {
	From  string    `json:"from"`
	To    string    `json:"to"`
	Note  string    `json:"note"`
	Photo *PhotoRef `json:"photo"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

// move is one step the workflow allows and who may take it.
type move struct {
	from, to string
	may      func(fugong.Actor) bool
	who      string // for the refusal
	needNote string // "" if the note is optional, else what it must say
}

// rectifiers are the enterprise's side: its clerk, the paired cadre, the town.
func rectifiers(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleEnterprise, fugong.RoleCadre, fugong.RoleTown, fugong.RoleAdmin:
		return true
	}
	return false
}

// inspectors are who verify: the inspection group and the admin.
func inspectors(a fugong.Actor) bool { return a.WritesFor(fugong.GroupInspection) }

var moves = []move{
	{StatusOpen, StatusRectified, rectifiers, "企业、驻企干部或乡镇街道", "整改情况"},
	{StatusRectified, StatusVerified, inspectors, "检查督导组", ""},
	{StatusRectified, StatusOpen, inspectors, "检查督导组", "退回原因"},
}

// Move checks that actor a may move a rectification from one status to
// another with note: a move the workflow has no place for is a conflict
// (409), one it has but not for a is forbidden (403), a missing note is
// invalid. It returns the trimmed note.
func Move(a fugong.Actor, from, to, note string) (string, error) {
	if _, ok := StatusNames[to]; !ok {
		return "", fugong.Errorf(fugong.EInvalid, "status", "状态应为 open（待整改）、rectified（已整改）或 verified（已验收）")
	}
	var m *move
	for i := range moves {
		if moves[i].from == from && moves[i].to == to {
			m = &moves[i]
		}
	}
	if m == nil {
		return "", fugong.Errorf(fugong.EConflict, "status", "整改不能从“%s”改为“%s”", StatusNames[from], StatusNames[to])
	}
	if !m.may(a) {
		return "", fugong.Errorf(fugong.EForbidden, "status", "只有%s可以把整改改为“%s”", m.who, StatusNames[to])
	}
	note = strings.TrimSpace(note)
	switch {
	case !utf8.ValidString(note):
		return "", fugong.Errorf(fugong.EInvalid, "note", "说明含有无效字符")
	case utf8.RuneCountInString(note) > MaxNoteRunes:
		return "", fugong.Errorf(fugong.EInvalid, "note", "说明不能超过%d个字", MaxNoteRunes)
	case note == "" && m.needNote != "":
		return "", fugong.Errorf(fugong.EInvalid, "note", "请填写%s", m.needNote)
	}
	return note, nil
}

// NoteRequired reports whether the move from one status to another must
// say something: what was done, or why it is sent back.
func NoteRequired(from, to string) bool {
	for _, m := range moves {
		if m.from == from && m.to == to {
			return m.needNote != ""
		}
	}
	return false
}

// NextMoves lists the statuses actor a may move a rectification in status
// from to, for the buttons a page shows.
func NextMoves(a fugong.Actor, from string) []string {
	var out []string
	for _, m := range moves {
		if m.from == from && m.may(a) {
			out = append(out, m.to)
		}
	}
	return out
}

// MaxPerPage is the largest page of a list.
const MaxPerPage = registry.MaxPerPage

// Filter selects rectifications.
type Filter struct {
	Enterprise string
	Town       string
	Status     string
	Overdue    bool
	Today      string // set by the service: the day overdue is judged on
	Page       int
	PerPage    int // 0 with Page 0: all (exports)
}

// Normalize checks the filter and fills in the page defaults.
func (f *Filter) Normalize() error {
	var ps []fugong.Problem
	if f.Enterprise != "" {
		code, msg := registry.NormalizeUSCC(f.Enterprise)
		if msg != "" {
			ps = append(ps, fugong.Problem{Field: "enterprise", Message: "企业统一社会信用代码无效：" + msg})
		}
		f.Enterprise = code
	}
	if f.Town != "" {
		t, ok := registry.TownByNameOrCode(f.Town)
		if !ok {
			ps = append(ps, fugong.Problem{Field: "town", Message: "不是本市的乡镇街道"})
		}
		f.Town = t.Code
	}
	if _, ok := StatusNames[f.Status]; f.Status != "" && !ok {
		ps = append(ps, fugong.Problem{Field: "status", Message: "状态应为 open、rectified 或 verified"})
	}
	if f.PerPage < 0 || f.PerPage > MaxPerPage {
		ps = append(ps, fugong.Problem{Field: "per_page", Message: "每页条数应在 1–" + strconv.Itoa(MaxPerPage) + " 之间"})
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage == 0 {
		f.PerPage = registry.DefaultPerPage
	}
	return fugong.Invalid(ps)
}

// TownCounts are a town's rectifications by status, and how many of the
// open ones are overdue.
type TownCounts struct {
	Town      registry.Town `json:"town"`
	Open      int           `json:"open"`
	Overdue   int           `json:"overdue"`
	Rectified int           `json:"rectified"`
	Verified  int           `json:"verified"`
}

// Total is all of the town's rectifications.
func (c TownCounts) Total() int { return c.Open + c.Rectified + c.Verified }
