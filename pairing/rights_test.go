package pairing

import (
	"context"
	"testing"

	"fugong"
)

// actors is one of each role, the bureau by group.
var actors = map[string]fugong.Actor{
	"admin":        {Role: fugong.RoleAdmin},
	"inspection":   {Role: fugong.RoleBureau, Group: fugong.GroupInspection},
	"statistics":   {Role: fugong.RoleBureau, Group: fugong.GroupStatistics},
	"coordination": {Role: fugong.RoleBureau, Group: fugong.GroupCoordination},
	"town":         {Role: fugong.RoleTown, Town: "330381101"},
	"cadre":        {Role: fugong.RoleCadre},
	"clerk":        {Role: fugong.RoleEnterprise, Enterprise: "91330381MA2BBBB02X"},
	"checkpoint":   {Role: fugong.RoleCheckpoint, Town: "330381010"},
}

// TestCanSetVisitInterval: the admin alone sets the interval, and the
// service refuses anyone else before it reads or writes anything.
func TestCanSetVisitInterval(t *testing.T) {
	s := &Service{} // no store: a refusal must come first
	for name, a := range actors {
		want := name == "admin"
		if got := CanSetVisitInterval(a); got != want {
			t.Errorf("%s: CanSetVisitInterval %v", name, got)
		}
		if want {
			continue
		}
		if err := s.SetVisitInterval(context.Background(), a, 7); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("%s sets the interval: %v", name, err)
		}
	}
}

// TestCheckImporter: who pairs imports; anyone else is refused before a
// row is looked at, by the upload and by Import alike.
func TestCheckImporter(t *testing.T) {
	s := &Service{} // no store, no registry: a refusal must come first
	rows := []ImportRow{{Row: 2, USCC: "91330381MA2AAAA01X", Username: "wu"}}
	for name, a := range actors {
		err := CheckImporter(a)
		if CanPair(a) {
			if err != nil {
				t.Errorf("%s may pair but not import: %v", name, err)
			}
			continue
		}
		if e := fugong.AsError(err); e == nil || e.Code != fugong.EForbidden || e.Message != "无权导入干部结对" {
			t.Errorf("%s imports: %v", name, err)
		}
		if _, err := s.Import(context.Background(), a, rows); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("%s: Import answers %v", name, err)
		}
	}
}
