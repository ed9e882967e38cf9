package people

import (
	"context"

	"fugong"
	"fugong/pii"
)

// People and health are the joint prevention group's module (联防联控组).
const ownerGroup = fugong.GroupPrevention

// CanEdit reports whether the actor may keep the roster and record
// temperatures of an enterprise already read in their scope: its clerk,
// its cadre, its town, the prevention group and the admin.
func CanEdit(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleEnterprise, fugong.RoleCadre, fugong.RoleTown:
		return true
	}
	return a.WritesFor(ownerGroup)
}

// CanViewFull reports whether the actor may see whole ID numbers and
// phones of the people in their scope, each view audited: the enterprise's
// clerk, who registers its staff and reports them to the community, its
// town, who finds people by ID for the community, the prevention group, who
// traces contacts, and the admin. Everyone else, the cadre included, sees
// them masked.
func CanViewFull(a fugong.Actor) bool {
	return a.Role == fugong.RoleEnterprise || a.Role == fugong.RoleTown || a.WritesFor(ownerGroup)
}

// CanManage reports whether the actor sets the rules (the settings).
func CanManage(a fugong.Actor) bool { return a.WritesFor(ownerGroup) }

// Row is a person as stored: the record with its ID number and phone
// empty, and their sealed form.
type Row struct {
	Person
	Sealed Sealed
}

// Store is what the module needs from storage. Lists are limited to the
// actor's scope; writes are audited with pii.RedactJSON applied to their
// before and after. The store never sees a whole ID number or phone: the
// service seals them before and opens them after.
type Store interface {
	Setting(ctx context.Context, key string) (string, bool, error)
	// AddPerson inserts a person and stores what seal makes of the row id
	// it gave them, in one transaction. One ID number twice at an
	// enterprise is a conflict: the service looks for it with
	// FindByIDNumber, and a unique index on the enterprise and the ID
	// index catches a race.
	AddPerson(ctx context.Context, a fugong.Actor, p Person, seal func(id int64) (Sealed, error)) (Row, error)
	UpdatePerson(ctx context.Context, a fugong.Actor, r Row) (Row, error)
	Person(ctx context.Context, a fugong.Actor, id int64) (Row, error)
	// Roster is an enterprise's staff, a page of them.
	Roster(ctx context.Context, a fugong.Actor, enterprise string, page, perPage int) ([]Row, int, error)
	// FindByIDNumber finds the people in scope with any of the indexes
	// (every key's, while a rotation runs: pii.Keyring.IDIndexes).
	FindByIDNumber(ctx context.Context, a fugong.Actor, idx []pii.Index) ([]Row, error)
	// AuditFullView records that the actor saw a person's whole ID number
	// and phone.
	AuditFullView(ctx context.Context, a fugong.Actor, person int64) error
	AddTemperature(ctx context.Context, a fugong.Actor, t Temperature) (Temperature, error)
	// Temperatures are the readings of the people in scope from one day to
	// another, both included.
	Temperatures(ctx context.Context, a fugong.Actor, from, to string) ([]Temperature, error)
	// NotUnder lists up to limit rows sealed under another key than
	// current, for a rotation; Reseal replaces a row's sealed data if it
	// is still under old, and reports whether it did.
	NotUnder(ctx context.Context, current pii.KeyID, limit int) ([]Row, error)
	Reseal(ctx context.Context, id int64, old pii.KeyID, s Sealed) (bool, error)
}
