package tickets

import (
	"slices"
	"strings"
	"unicode/utf8"

	"fugong"
)

// moves is the workflow: for each status, the statuses a ticket may move to.
//
//	new → assigned → in_progress → resolved → closed
//	resolved, closed → reopened → assigned or in_progress …
//
// assigned → assigned and in_progress → assigned hand the ticket to another
// assignee. Any move not listed here is refused as a conflict.
var moves = map[string][]string{
	StatusNew:        {StatusAssigned},
	StatusAssigned:   {StatusAssigned, StatusInProgress},
	StatusInProgress: {StatusAssigned, StatusResolved},
	StatusResolved:   {StatusClosed, StatusReopened},
	StatusClosed:     {StatusReopened},
	StatusReopened:   {StatusAssigned, StatusInProgress},
}

// Allowed reports whether the workflow lets a ticket move from one status to another.
func Allowed(from, to string) bool { return slices.Contains(moves[from], to) }

// Next lists the statuses a ticket in status may move to.
func Next(status string) []string { return moves[status] }

// Move is a change of status asked for in a PATCH.
type Move struct {
	Status   string `json:"status"`
	Assignee string `json:"assignee"`
	Note     string `json:"note"`
}

// Normalize trims the move and checks what it says on its own: a known
// status, an assignee of the right form when assigning (and only then), a
// note where the status needs one.
func (m *Move) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	m.Assignee = strings.TrimSpace(m.Assignee)
	m.Note = strings.TrimSpace(m.Note)
	if _, ok := StatusNames[m.Status]; !ok {
		return []fugong.Problem{{Field: "status", Message: "状态应为 new、assigned、in_progress、resolved、closed 或 reopened"}}
	}
	switch {
	case m.Status == StatusAssigned && m.Assignee == "":
		ps = append(ps, fugong.Problem{Field: "assignee", Message: "指派须填写承办人：工作组（如 group:supplies）或承办人用户名"})
	case m.Status == StatusAssigned:
		if msg := checkAssignee(m.Assignee); msg != "" {
			ps = append(ps, fugong.Problem{Field: "assignee", Message: msg})
		}
	case m.Assignee != "":
		ps = append(ps, fugong.Problem{Field: "assignee", Message: "只有指派（assigned）时才能更改承办人"})
	}
	ps = append(ps, checkText("note", "说明", m.Note, MaxNoteRunes, false)...)
	if len(ps) == 0 {
		switch {
		case m.Status == StatusResolved && m.Note == "":
			ps = append(ps, fugong.Problem{Field: "note", Message: "办结须填写解决情况说明"})
		case m.Status == StatusReopened && m.Note == "":
			ps = append(ps, fugong.Problem{Field: "note", Message: "重新打开须填写原因"})
		}
	}
	return ps
}

// groupPrefix marks an assignee that is a work group.
const groupPrefix = "group:"

// AssigneeGroup returns the work group an assignee names, if it names one.
func AssigneeGroup(assignee string) (fugong.Group, bool) {
	g, ok := strings.CutPrefix(assignee, groupPrefix)
	if !ok {
		return "", false
	}
	_, known := fugong.GroupNames[fugong.Group(g)]
	return fugong.Group(g), known
}

// GroupAssignee is the assignee that names work group g.
func GroupAssignee(g fugong.Group) string { return groupPrefix + string(g) }

// checkAssignee checks the form of an assignee; whether a username belongs
// to someone who may take tickets is the store's to check.
func checkAssignee(a string) string {
	if strings.HasPrefix(a, groupPrefix) {
		if _, ok := AssigneeGroup(a); !ok {
			return "工作组应为 group:coordination、group:inspection、group:statistics、group:supplies 或 group:prevention"
		}
		return ""
	}
	if !utf8.ValidString(a) || len(a) > 32 || strings.ContainsAny(a, " \t\r\n") {
		return "承办人用户名无效"
	}
	return ""
}

// AssigneeLabel names an assignee in Chinese: the group's name, or the username.
func AssigneeLabel(assignee string) string {
	if g, ok := AssigneeGroup(assignee); ok {
		return fugong.GroupNames[g]
	}
	return assignee
}

// Who may move a ticket, by the status it goes to:
//
//   - assigned (and reassigned): the bureau's coordination group (综合协调组),
//     which dispatches the difficulties, and the admin;
//   - in_progress and resolved: the assignee, that is the members of the
//     assigned work group or the assigned person, and the admin;
//   - closed and reopened: the raising side, that is whoever raised it, the
//     enterprise's own clerks and its town, and the admin. They judge whether
//     the difficulty is really solved.
//
// The ticket has already been read in the actor's scope.

// DefaultGroup is the work group a ticket of category is assigned to
// unless the coordinator chooses another: supplies and raw materials to
// 物资筹备组, transport and vehicle passes to 联防联控组 (the checkpoints),
// money, labour, policy and the rest to 综合协调组.
func DefaultGroup(category string) fugong.Group {
	switch category {
	case CategoryRawMaterials, CategorySupplies:
		return fugong.GroupSupplies
	case CategoryLogistics:
		return fugong.GroupPrevention
	default:
		return fugong.GroupCoordination
	}
}

// CanAssign reports whether the actor dispatches tickets.
func CanAssign(a fugong.Actor) bool { return a.WritesFor(fugong.GroupCoordination) }

// IsAssignee reports whether the actor is the ticket's assignee, in person
// or as a member of the assigned work group.
func IsAssignee(a fugong.Actor, t Ticket) bool {
	if t.Assignee == "" {
		return false
	}
	if g, ok := AssigneeGroup(t.Assignee); ok {
		return a.Role == fugong.RoleBureau && a.Group == g
	}
	return a.Username == t.Assignee
}

// IsRaisingSide reports whether the actor speaks for the side that raised
// the ticket: its raiser, the enterprise's clerks, the enterprise's town.
func IsRaisingSide(a fugong.Actor, t Ticket) bool {
	switch {
	case a.Username != "" && a.Username == t.RaisedBy:
		return true
	case a.Role == fugong.RoleEnterprise:
		return a.Enterprise == t.Enterprise
	case a.Role == fugong.RoleTown:
		return a.Town == t.Town
	}
	return false
}

// CanWork reports whether the actor works the ticket: its assignee, the
// coordination group or the admin. They choose the supplier and record the
// passes and deliveries.
func CanWork(a fugong.Actor, t Ticket) bool {
	return a.Role == fugong.RoleAdmin || CanAssign(a) || IsAssignee(a, t)
}

// CheckMove decides a move of ticket t (as stored now) by the actor: a
// conflict if the workflow does not allow it, forbidden if the actor may
// not make it.
func CheckMove(a fugong.Actor, t Ticket, m Move) error {
	if !Allowed(t.Status, m.Status) {
		return fugong.Errorf(fugong.EConflict, "status", "问题当前为“%s”，不能改为“%s”", StatusNames[t.Status], StatusNames[m.Status])
	}
	if m.Status == StatusAssigned && m.Assignee == t.Assignee {
		return fugong.Errorf(fugong.EConflict, "assignee", "问题已指派给%s", AssigneeLabel(t.Assignee))
	}
	if a.Role == fugong.RoleAdmin {
		return nil
	}
	switch m.Status {
	case StatusAssigned:
		if !CanAssign(a) {
			return fugong.Errorf(fugong.EForbidden, "status", "只有综合协调组可以指派问题")
		}
	case StatusInProgress, StatusResolved:
		if !IsAssignee(a, t) {
			return fugong.Errorf(fugong.EForbidden, "status", "只有承办人（%s）可以办理该问题", AssigneeLabel(t.Assignee))
		}
	case StatusClosed, StatusReopened:
		if !IsRaisingSide(a, t) {
			return fugong.Errorf(fugong.EForbidden, "status", "只有提出方、企业或所在乡镇街道可以关闭或重新打开问题")
		}
	}
	return nil
}

// MovesFor lists the moves the actor may make on t now, for the forms.
func MovesFor(a fugong.Actor, t Ticket) []string {
	var out []string
	for _, to := range Next(t.Status) {
		m := Move{Status: to, Assignee: "\x00"} // an assignee no ticket has
		if CheckMove(a, t, m) == nil {
			out = append(out, to)
		}
	}
	return out
}
