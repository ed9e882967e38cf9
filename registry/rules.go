package registry

import (
	"fugong"
)

// The registry is the statistics group's module: it keeps the enterprise lists.
const ownerGroup = fugong.GroupStatistics

// clerkFields are what an enterprise's own clerk may correct in its record.
var clerkFields = map[string]bool{"address": true, "legal_rep": true, "contact_phone": true, "employees": true}

// CanCreate reports whether the actor may register e.
func CanCreate(a fugong.Actor, e Enterprise) error {
	switch {
	case a.WritesFor(ownerGroup):
		return nil
	case a.Role == fugong.RoleTown:
		if e.Town != a.Town {
			return fugong.Errorf(fugong.EInvalid, "town", "只能登记本乡镇街道的企业")
		}
		if e.MujunClass != nil {
			return fugong.Errorf(fugong.EForbidden, "mujun_class", "亩均等级由亩均论英雄评价产生，乡镇街道不能填写")
		}
		return nil
	}
	return fugong.Errorf(fugong.EForbidden, "", "无权登记企业")
}

// CanEdit reports whether the actor may change before into after. The caller
// has already read before within the actor's scope.
func CanEdit(a fugong.Actor, before, after Enterprise) error {
	changed := ChangedFields(before, after)
	switch {
	case a.WritesFor(ownerGroup):
		return nil
	case a.Role == fugong.RoleTown:
		for _, f := range changed {
			switch f {
			case "town":
				return fugong.Errorf(fugong.EInvalid, "town", "不能把企业改到其他乡镇街道")
			case "mujun_class":
				return fugong.Errorf(fugong.EForbidden, "mujun_class", "亩均等级由亩均论英雄评价产生，乡镇街道不能修改")
			}
		}
		return nil
	case a.Role == fugong.RoleEnterprise:
		for _, f := range changed {
			if !clerkFields[f] {
				return fugong.Errorf(fugong.EForbidden, f, "企业填报员不能修改%s", FieldLabels[f])
			}
		}
		return nil
	}
	return fugong.Errorf(fugong.EForbidden, "", "无权修改企业信息")
}

// ChangedFields lists the fields whose values differ between two records.
func ChangedFields(a, b Enterprise) []string {
	var out []string
	add := func(f string, differ bool) {
		if differ {
			out = append(out, f)
		}
	}
	add("uscc", a.USCC != b.USCC)
	add("name", a.Name != b.Name)
	add("town", a.Town != b.Town)
	add("address", a.Address != b.Address)
	add("industry", a.Industry != b.Industry)
	add("size_class", a.SizeClass != b.SizeClass)
	add("legal_rep", a.LegalRep != b.LegalRep)
	add("contact_phone", a.ContactPhone != b.ContactPhone)
	add("employees", a.Employees != b.Employees)
	add("land_mu", a.LandMu != b.LandMu)
	add("mujun_class", a.MujunString() != b.MujunString())
	add("status", a.Status != b.Status)
	return out
}

// CanRegister reports whether the actor may register or import enterprises
// at all; each record is still checked against CanCreate and CanEdit.
func CanRegister(a fugong.Actor) bool {
	return a.WritesFor(ownerGroup) || a.Role == fugong.RoleTown
}

// CanEditSome reports whether the actor may change any field of an
// enterprise in their scope (the edit button).
func CanEditSome(a fugong.Actor) bool {
	return CanRegister(a) || a.Role == fugong.RoleEnterprise
}

// CanChangeField reports whether a form should let the actor change field.
func CanChangeField(a fugong.Actor, field string, isNew bool) bool {
	switch {
	case isNew && a.WritesFor(ownerGroup):
		return true
	case isNew:
		return field != "status" && field != "mujun_class"
	case field == "uscc":
		return false
	case a.WritesFor(ownerGroup):
		return true
	case a.Role == fugong.RoleTown:
		return field != "town" && field != "mujun_class"
	case a.Role == fugong.RoleEnterprise:
		return clerkFields[field]
	}
	return false
}
