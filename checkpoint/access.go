package checkpoint

import "fugong"

// Checkpoints and isolation points are the joint prevention group's module
// (联防联控组), with the towns that run them.
const ownerGroup = fugong.GroupPrevention

// CanManage reports whether the actor sets up posts and isolation points,
// assigns staff and keeps the duty roster: a town for its own (the store
// limits a town to them), the prevention group and the admin.
func CanManage(a fugong.Actor) bool { return a.Role == fugong.RoleTown || a.WritesFor(ownerGroup) }

// CanReplaceToken reports whether the actor may replace a post's token,
// which makes every printed copy of its code stop working: the admin only.
func CanReplaceToken(a fugong.Actor) bool { return a.Role == fugong.RoleAdmin }

// CanWorkPost reports whether the actor confirms registrations and sees
// the counts at post p: the checkpoint staff assigned to it (at is the
// actor's assignment, empty for other roles), the post's town, the
// prevention group and the admin.
func CanWorkPost(a fugong.Actor, at Assignment, p Post) bool {
	switch a.Role {
	case fugong.RoleCheckpoint:
		return at.User == a.UserID && at.Post == p.ID && p.ID > 0 && a.Town == p.Town
	case fugong.RoleTown:
		return a.Town == p.Town
	}
	return a.WritesFor(ownerGroup)
}

// CanWorkPoint reports whether the actor admits and releases residents,
// records rounds and meals at isolation point p: its assigned staff, its
// town, the prevention group and the admin.
func CanWorkPoint(a fugong.Actor, at Assignment, p Point) bool {
	switch a.Role {
	case fugong.RoleCheckpoint:
		return at.User == a.UserID && at.Point == p.ID && p.ID > 0 && a.Town == p.Town
	case fugong.RoleTown:
		return a.Town == p.Town
	}
	return a.WritesFor(ownerGroup)
}

// CanViewFull reports whether the actor may see a traveller's or a
// resident's whole ID number and phone, each view audited: the town, which
// traces contacts with the community, the prevention group and the admin.
// The staff at a post or point see them masked: the first 6 and last 4
// digits and the name are enough to check an ID card.
func CanViewFull(a fugong.Actor) bool { return a.Role == fugong.RoleTown || a.WritesFor(ownerGroup) }
