package tickets

import (
	"slices"
	"strings"
	"testing"

	"fugong"
)

// TestMoves lists every pair of statuses and whether the workflow allows it:
// the table in moves, spelt out, so a change to it shows here.
func TestMoves(t *testing.T) {
	allowed := map[[2]string]bool{
		{StatusNew, StatusAssigned}:          true,
		{StatusAssigned, StatusAssigned}:     true, // reassigned
		{StatusAssigned, StatusInProgress}:   true,
		{StatusInProgress, StatusAssigned}:   true, // handed to another
		{StatusInProgress, StatusResolved}:   true,
		{StatusResolved, StatusClosed}:       true,
		{StatusResolved, StatusReopened}:     true,
		{StatusClosed, StatusReopened}:       true,
		{StatusReopened, StatusAssigned}:     true,
		{StatusReopened, StatusInProgress}:   true,
		{StatusNew, StatusResolved}:          false, // nobody has worked it
		{StatusNew, StatusClosed}:            false,
		{StatusAssigned, StatusResolved}:     false, // start first
		{StatusInProgress, StatusClosed}:     false, // resolve first
		{StatusClosed, StatusResolved}:       false,
		{StatusClosed, StatusClosed}:         false,
		{StatusResolved, StatusInProgress}:   false, // reopen first
		{StatusReopened, StatusResolved}:     false,
		{StatusReopened, StatusClosed}:       false,
		{StatusInProgress, StatusInProgress}: false,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			want, listed := allowed[[2]string{from, to}]
			if got := Allowed(from, to); got != want {
				t.Errorf("Allowed(%s, %s) = %v, want %v (listed: %v)", from, to, got, want, listed)
			}
		}
	}
	if Allowed("", StatusAssigned) || Allowed(StatusNew, "done") {
		t.Error("an unknown status moves")
	}
}

var (
	admin       = fugong.Actor{Username: "admin", Role: fugong.RoleAdmin}
	coordinator = fugong.Actor{Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}
	suppliesMan = fugong.Actor{Username: "wuzi", Role: fugong.RoleBureau, Group: fugong.GroupSupplies}
	inspector   = fugong.Actor{Username: "ducha", Role: fugong.RoleBureau, Group: fugong.GroupInspection}
	town        = fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: "330381101"}
	otherTown   = fugong.Actor{Username: "xianjiang", Role: fugong.RoleTown, Town: "330381010"}
	clerk       = fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: "E1"}
	otherClerk  = fugong.Actor{Username: "qiye2", Role: fugong.RoleEnterprise, Enterprise: "E2"}
	cadre       = fugong.Actor{Username: "ganbu", UserID: 9, Role: fugong.RoleCadre}
)

func ticketIn(status, assignee, raisedBy string) Ticket {
	return Ticket{ID: 1, Enterprise: "E1", Town: "330381101", Status: status, Assignee: assignee, RaisedBy: raisedBy}
}

func TestCheckMove(t *testing.T) {
	group := GroupAssignee(fugong.GroupSupplies)
	for _, c := range []struct {
		name string
		who  fugong.Actor
		t    Ticket
		m    Move
		code string // "" allowed
	}{
		{"coordination assigns", coordinator, ticketIn(StatusNew, "", "ganbu"), Move{Status: StatusAssigned, Assignee: group}, ""},
		{"admin assigns", admin, ticketIn(StatusNew, "", "ganbu"), Move{Status: StatusAssigned, Assignee: "wuzi"}, ""},
		{"another group does not assign", inspector, ticketIn(StatusNew, "", "ganbu"), Move{Status: StatusAssigned, Assignee: group}, fugong.EForbidden},
		{"the town does not assign", town, ticketIn(StatusNew, "", "ganbu"), Move{Status: StatusAssigned, Assignee: group}, fugong.EForbidden},
		{"coordination reassigns", coordinator, ticketIn(StatusInProgress, group, "ganbu"), Move{Status: StatusAssigned, Assignee: "wuzi"}, ""},
		{"the same assignee again", coordinator, ticketIn(StatusAssigned, group, "ganbu"), Move{Status: StatusAssigned, Assignee: group}, fugong.EConflict},
		{"the group works it", suppliesMan, ticketIn(StatusAssigned, group, "ganbu"), Move{Status: StatusInProgress}, ""},
		{"the group resolves", suppliesMan, ticketIn(StatusInProgress, group, "ganbu"), Move{Status: StatusResolved, Note: "已送达"}, ""},
		{"another group does not work it", inspector, ticketIn(StatusAssigned, group, "ganbu"), Move{Status: StatusInProgress}, fugong.EForbidden},
		{"coordination does not work it", coordinator, ticketIn(StatusAssigned, group, "ganbu"), Move{Status: StatusInProgress}, fugong.EForbidden},
		{"the person works it", suppliesMan, ticketIn(StatusAssigned, "wuzi", "ganbu"), Move{Status: StatusInProgress}, ""},
		{"a colleague of the person does not", fugong.Actor{Username: "li", Role: fugong.RoleBureau, Group: fugong.GroupSupplies},
			ticketIn(StatusAssigned, "wuzi", "ganbu"), Move{Status: StatusInProgress}, fugong.EForbidden},
		{"the clerk does not resolve", clerk, ticketIn(StatusInProgress, group, "qiye"), Move{Status: StatusResolved, Note: "x"}, fugong.EForbidden},
		{"the admin resolves", admin, ticketIn(StatusInProgress, group, "ganbu"), Move{Status: StatusResolved, Note: "x"}, ""},
		{"the raiser closes", cadre, ticketIn(StatusResolved, group, "ganbu"), Move{Status: StatusClosed}, ""},
		{"the enterprise's clerk closes", clerk, ticketIn(StatusResolved, group, "ganbu"), Move{Status: StatusClosed}, ""},
		{"another clerk does not close", otherClerk, ticketIn(StatusResolved, group, "ganbu"), Move{Status: StatusClosed}, fugong.EForbidden},
		{"the town closes", town, ticketIn(StatusResolved, group, "ganbu"), Move{Status: StatusClosed}, ""},
		{"another town does not", otherTown, ticketIn(StatusResolved, group, "ganbu"), Move{Status: StatusClosed}, fugong.EForbidden},
		{"the assignee does not close", suppliesMan, ticketIn(StatusResolved, group, "ganbu"), Move{Status: StatusClosed}, fugong.EForbidden},
		{"the raiser reopens a closed one", cadre, ticketIn(StatusClosed, group, "ganbu"), Move{Status: StatusReopened, Note: "又缺了"}, ""},
		{"the town reopens", town, ticketIn(StatusResolved, group, "ganbu"), Move{Status: StatusReopened, Note: "未解决"}, ""},
		{"the assignee picks a reopened one up", suppliesMan, ticketIn(StatusReopened, group, "ganbu"), Move{Status: StatusInProgress}, ""},
		{"a move the workflow lacks, even for the admin", admin, ticketIn(StatusNew, "", "ganbu"), Move{Status: StatusClosed}, fugong.EConflict},
		{"a move the workflow lacks, before who", clerk, ticketIn(StatusNew, "", "qiye"), Move{Status: StatusResolved, Note: "x"}, fugong.EConflict},
		{"closed is not resolved again", admin, ticketIn(StatusClosed, group, "ganbu"), Move{Status: StatusResolved, Note: "x"}, fugong.EConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckMove(c.who, c.t, c.m)
			if got := codeOf(err); got != c.code {
				t.Errorf("CheckMove = %v, want code %q", err, c.code)
			}
			if err != nil && !containsHan(fugong.AsError(err).Message) {
				t.Errorf("message %q is not Chinese", fugong.AsError(err).Message)
			}
		})
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return fugong.ErrorCode(err)
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func TestMovesFor(t *testing.T) {
	group := GroupAssignee(fugong.GroupSupplies)
	for _, c := range []struct {
		who  fugong.Actor
		t    Ticket
		want []string
	}{
		{coordinator, ticketIn(StatusNew, "", "x"), []string{StatusAssigned}},
		{suppliesMan, ticketIn(StatusNew, "", "x"), nil},
		{suppliesMan, ticketIn(StatusAssigned, group, "x"), []string{StatusInProgress}},
		{coordinator, ticketIn(StatusInProgress, group, "x"), []string{StatusAssigned}},
		{suppliesMan, ticketIn(StatusInProgress, group, "x"), []string{StatusResolved}},
		{clerk, ticketIn(StatusResolved, group, "x"), []string{StatusClosed, StatusReopened}},
		{admin, ticketIn(StatusReopened, group, "x"), []string{StatusAssigned, StatusInProgress}},
		{clerk, ticketIn(StatusClosed, group, "x"), []string{StatusReopened}},
		{otherClerk, ticketIn(StatusClosed, group, "x"), nil},
	} {
		if got := MovesFor(c.who, c.t); !slices.Equal(got, c.want) {
			t.Errorf("%s on %s: %v, want %v", c.who.Username, c.t.Status, got, c.want)
		}
	}
}

func TestMoveNormalize(t *testing.T) {
	for _, c := range []struct {
		m     Move
		field string // "" valid
	}{
		{Move{Status: StatusAssigned, Assignee: " group:supplies "}, ""},
		{Move{Status: StatusAssigned, Assignee: "wuzi"}, ""},
		{Move{Status: StatusAssigned}, "assignee"},
		{Move{Status: StatusAssigned, Assignee: "group:kitchen"}, "assignee"},
		{Move{Status: StatusAssigned, Assignee: "wu zi"}, "assignee"},
		{Move{Status: StatusInProgress, Assignee: "wuzi"}, "assignee"},
		{Move{Status: StatusInProgress}, ""},
		{Move{Status: StatusResolved}, "note"},
		{Move{Status: StatusResolved, Note: "   "}, "note"},
		{Move{Status: StatusResolved, Note: "原料已送达"}, ""},
		{Move{Status: StatusReopened}, "note"},
		{Move{Status: StatusClosed}, ""},
		{Move{Status: "done"}, "status"},
		{Move{Status: ""}, "status"},
		{Move{Status: StatusClosed, Note: strings.Repeat("字", MaxNoteRunes+1)}, "note"},
	} {
		ps := c.m.Normalize()
		switch {
		case c.field == "" && len(ps) > 0:
			t.Errorf("%+v: %v", c.m, ps)
		case c.field != "" && (len(ps) == 0 || ps[0].Field != c.field):
			t.Errorf("%+v: %v, want a problem with %s", c.m, ps, c.field)
		}
	}
	m := Move{Status: StatusAssigned, Assignee: " group:supplies ", Note: " 请物资组协调 "}
	m.Normalize()
	if m.Assignee != "group:supplies" || m.Note != "请物资组协调" {
		t.Errorf("not trimmed: %+v", m)
	}
}

func TestAssignee(t *testing.T) {
	if g, ok := AssigneeGroup("group:supplies"); !ok || g != fugong.GroupSupplies {
		t.Errorf("group:supplies = %q, %v", g, ok)
	}
	for _, s := range []string{"supplies", "group:", "group:nope", ""} {
		if _, ok := AssigneeGroup(s); ok {
			t.Errorf("%q read as a group", s)
		}
	}
	if l := AssigneeLabel("group:coordination"); l != "综合协调组" {
		t.Errorf("label %q", l)
	}
	if l := AssigneeLabel("wuzi"); l != "wuzi" {
		t.Errorf("label %q", l)
	}
	group := GroupAssignee(fugong.GroupSupplies)
	for _, c := range []struct {
		who  fugong.Actor
		t    Ticket
		want bool
	}{
		{suppliesMan, ticketIn(StatusAssigned, group, ""), true},
		{fugong.Actor{Username: "x", Role: fugong.RoleTown, Group: fugong.GroupSupplies}, ticketIn(StatusAssigned, group, ""), false},
		{suppliesMan, ticketIn(StatusNew, "", ""), false},
		{fugong.Actor{Username: ""}, ticketIn(StatusNew, "", ""), false},
		{suppliesMan, ticketIn(StatusAssigned, "wuzi", ""), true},
	} {
		if got := IsAssignee(c.who, c.t); got != c.want {
			t.Errorf("IsAssignee(%+v, %q) = %v", c.who, c.t.Assignee, got)
		}
	}
	if IsRaisingSide(fugong.Actor{}, ticketIn(StatusNew, "", "")) {
		t.Error("an actor without a name is the raiser of a ticket without one")
	}
	if !CanWork(coordinator, ticketIn(StatusNew, "", "")) || CanWork(inspector, ticketIn(StatusAssigned, group, "")) ||
		!CanWork(suppliesMan, ticketIn(StatusAssigned, group, "")) || CanWork(town, ticketIn(StatusAssigned, group, "tangxia")) {
		t.Error("CanWork")
	}
}

// Each category goes to the group whose work it is: money to 综合协调组,
// not to 物资筹备组; every category has a group.
func TestDefaultGroup(t *testing.T) {
	want := map[string]fugong.Group{
		CategoryRawMaterials: fugong.GroupSupplies,
		CategorySupplies:     fugong.GroupSupplies,
		CategoryLogistics:    fugong.GroupPrevention,
		CategoryLabour:       fugong.GroupCoordination,
		CategoryFinance:      fugong.GroupCoordination,
		CategoryPolicy:       fugong.GroupCoordination,
		CategoryOther:        fugong.GroupCoordination,
	}
	for _, c := range Categories {
		if got := DefaultGroup(c); got != want[c] {
			t.Errorf("DefaultGroup(%s) = %s, want %s", c, got, want[c])
		}
	}
}
