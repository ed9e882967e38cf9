package fugong

// Role is what a user is in the bureau's organisation (SPEC "Who uses it").
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleBureau     Role = "bureau"
	RoleTown       Role = "town"
	RoleCadre      Role = "cadre"
	RoleEnterprise Role = "enterprise"
	RoleCheckpoint Role = "checkpoint"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleBureau, RoleTown, RoleCadre, RoleEnterprise, RoleCheckpoint}

// RoleNames are the Chinese names shown in the UI.
var RoleNames = map[Role]string{
	RoleAdmin:      "系统管理员",
	RoleBureau:     "经信局工作人员",
	RoleTown:       "乡镇街道",
	RoleCadre:      "驻企干部",
	RoleEnterprise: "企业填报员",
	RoleCheckpoint: "卡口/隔离点",
}

// Group is one of the bureau's five work groups.
type Group string

const (
	GroupCoordination Group = "coordination"
	GroupInspection   Group = "inspection"
	GroupStatistics   Group = "statistics"
	GroupSupplies     Group = "supplies"
	GroupPrevention   Group = "prevention"
)

// Groups lists the work groups in the order the bureau names them.
var Groups = []Group{GroupCoordination, GroupInspection, GroupStatistics, GroupSupplies, GroupPrevention}

// GroupNames are the Chinese names of the work groups.
var GroupNames = map[Group]string{
	GroupCoordination: "综合协调组",
	GroupInspection:   "检查督导组",
	GroupStatistics:   "信息统计组",
	GroupSupplies:     "物资筹备组",
	GroupPrevention:   "联防联控组",
}

// Actor is the user a request acts for. Its role and scope fields decide what
// the storage layer lets it read and the modules let it write.
type Actor struct {
	UserID      int64
	Username    string
	Role        Role
	Town        string // town code, for RoleTown (and the town of a checkpoint)
	Enterprise  string // USCC, for RoleEnterprise
	Group       Group  // work group, for RoleBureau
	GroupLeader bool
}

// System is the actor for command-line work run by the operator on the server.
var System = Actor{Username: "system", Role: RoleAdmin}

// CityWide reports whether the actor reads the whole city.
func (a Actor) CityWide() bool { return a.Role == RoleAdmin || a.Role == RoleBureau }

// WritesFor reports whether the actor may write in a module owned by group g:
// the admin always, bureau staff only in their own group's modules.
func (a Actor) WritesFor(g Group) bool {
	return a.Role == RoleAdmin || (a.Role == RoleBureau && a.Group == g)
}
