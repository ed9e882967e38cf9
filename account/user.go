package account

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// User is an account of any role.
type User struct {
	ID          int64        `json:"id"`
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	Role        fugong.Role  `json:"role"`
	Town        string       `json:"town,omitempty"`
	Enterprise  string       `json:"enterprise,omitempty"`
	Group       fugong.Group `json:"group,omitempty"`
	GroupLeader bool         `json:"group_leader"`
	Disabled    bool         `json:"disabled"`
	CreatedAt   time.Time    `json:"created_at"`
}

// Actor is the user as the acting party of a request.
func (u User) Actor() fugong.Actor {
	return fugong.Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Town: u.Town,
		Enterprise: u.Enterprise, Group: u.Group, GroupLeader: u.GroupLeader}
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

var usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,31}$`)

// Normalize cleans the user in place and returns every rule it breaks. The
// scope fields must match the role: a town for town and checkpoint staff, an
// enterprise for a clerk, a work group for bureau staff, nothing else.
func (u *User) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: field, Message: msg}) }
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if !usernameRe.MatchString(u.Username) {
		bad("username", "用户名应为3–32位小写字母、数字或 _ . -，以字母或数字开头")
	}
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if utf8.RuneCountInString(u.DisplayName) > 50 {
		bad("display_name", "姓名不能超过50个字")
	}
	if _, ok := fugong.RoleNames[u.Role]; !ok {
		bad("role", "角色应为系统管理员、经信局工作人员、乡镇街道、驻企干部、企业填报员或卡口/隔离点之一")
		return ps
	}
	needTown := u.Role == fugong.RoleTown || u.Role == fugong.RoleCheckpoint
	switch {
	case needTown && u.Town == "":
		bad("town", "该角色必须指定所属乡镇街道")
	case !needTown && u.Town != "":
		bad("town", "该角色不能指定乡镇街道")
	case needTown:
		if t, ok := registry.TownByNameOrCode(strings.TrimSpace(u.Town)); ok {
			u.Town = t.Code
		} else {
			bad("town", "不是本市的乡镇街道")
		}
	}
	switch {
	case u.Role == fugong.RoleEnterprise && u.Enterprise == "":
		bad("enterprise", "企业填报员必须指定企业")
	case u.Role != fugong.RoleEnterprise && u.Enterprise != "":
		bad("enterprise", "该角色不能指定企业")
	case u.Role == fugong.RoleEnterprise:
		var msg string
		if u.Enterprise, msg = registry.NormalizeUSCC(u.Enterprise); msg != "" {
			bad("enterprise", "统一社会信用代码"+msg)
		}
	}
	switch {
	case u.Role == fugong.RoleBureau && u.Group == "":
		bad("group", "经信局工作人员必须指定工作组")
	case u.Role != fugong.RoleBureau && (u.Group != "" || u.GroupLeader):
		bad("group", "该角色不能指定工作组")
	case u.Role == fugong.RoleBureau:
		if _, ok := fugong.GroupNames[u.Group]; !ok {
			bad("group", "工作组应为综合协调组、检查督导组、信息统计组、物资筹备组或联防联控组之一")
		}
	}
	return ps
}

// CheckPasswordRules returns the rule a new password breaks, if any.
func CheckPasswordRules(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return fugong.Errorf(fugong.EInvalid, "password", "密码至少%d位", MinPasswordLen)
	}
	if len(password) > 256 {
		return fugong.Errorf(fugong.EInvalid, "password", "密码过长")
	}
	return nil
}

// GroupFromName accepts a work group by key or Chinese name.
func GroupFromName(s string) fugong.Group {
	s = strings.TrimSpace(s)
	for g, name := range fugong.GroupNames {
		if string(g) == s || name == s {
			return g
		}
	}
	return fugong.Group(s)
}
