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

// CanCloseAlert reports whether the actor may close an alert already read
// in their scope, with a note on what was done: the town and the cadre
// the alert went to, the prevention group and the admin. The firm's clerk
// sees its staff's alerts but does not close them.
func CanCloseAlert(a fugong.Actor) bool {
	return a.Role == fugong.RoleTown || a.Role == fugong.RoleCadre || a.WritesFor(ownerGroup)
}

// Row is a person as stored: the record with its ID number and phone
// empty, and their sealed form.
type Row struct {
	Person
	Sealed Sealed
}

// Masked is the record as lists show it: the ID number and phone masked.
func (r Row) Masked() Person {
	p := r.Person
	r.Sealed.Mask(&p)
	return p
}

// Resealed is a row moved under the current key by a rotation: stored only
// if the row is still under Old.
type Resealed struct {
	ID     int64
	Old    pii.KeyID
	Sealed Sealed
}

// Store is what the module needs from storage. Lists are limited to the
// actor's scope; writes are audited in their transaction with
// pii.RedactJSON applied to their before and after. The store never sees a
// whole ID number or phone: the service seals them before and opens them
// after.
type Store interface {
	Setting(ctx context.Context, key string) (string, bool, error)
	// UpdateSetting replaces a setting with what next makes of its current
	// value, in one transaction.
	UpdateSetting(ctx context.Context, a fugong.Actor, key string, next func(value string, ok bool) (string, error)) error
	// AddPeople inserts people of one enterprise and stores what seal
	// makes of each (i, its index in ps) with the row id it gave them, all
	// in one transaction. One ID number twice at an enterprise is a
	// conflict: the service looks for it with IndexesTaken, and a unique
	// index on the enterprise and the ID index catches a race.
	AddPeople(ctx context.Context, a fugong.Actor, ps []Person, seal func(i int, id int64) (Sealed, error)) ([]Row, error)
	// UpdatePerson reads a person in scope and stores what edit makes of
	// the row, in one transaction.
	UpdatePerson(ctx context.Context, a fugong.Actor, id int64, edit func(r *Row) error) (Row, error)
	DeletePerson(ctx context.Context, a fugong.Actor, id int64) error
	Person(ctx context.Context, a fugong.Actor, id int64) (Row, error)
	// Roster is an enterprise's staff, a page of them by name.
	Roster(ctx context.Context, a fugong.Actor, enterprise string, page, perPage int) ([]Row, int, error)
	// FindByIDNumber finds the people in scope with any of the indexes
	// (every key's, while a rotation runs: pii.Keyring.IDIndexes).
	FindByIDNumber(ctx context.Context, a fugong.Actor, idx []pii.Index) ([]Row, error)
	// IndexesTaken maps each of the indexes that a person of the
	// enterprise has to that person's record.
	IndexesTaken(ctx context.Context, enterprise string, idx []pii.Index) (map[pii.Index]Person, error)
	// AuditFullView records that the actor saw a person's whole ID number
	// and phone, and why; p is the person, masked.
	AuditFullView(ctx context.Context, a fugong.Actor, p Person, reason string) error
	// AddTemperature stores a reading and, for a fever, the alert: a new
	// one, or the person's alert still open, raised to the higher reading.
	AddTemperature(ctx context.Context, a fugong.Actor, t Temperature, fever *Alert) (Temperature, *Alert, error)
	// PersonTemperatures are a person's readings from a day on, newest
	// first.
	PersonTemperatures(ctx context.Context, person int64, from string) ([]Temperature, error)
	// HealthPeople are the people in scope (and f's town or enterprise)
	// on at least one of the day's lists, masked, and their readings:
	// each day's highest, of the day and, for a yellow or red code, of
	// every day since it turned.
	HealthPeople(ctx context.Context, a fugong.Actor, f SummaryFilter, s Settings) ([]Person, []Temperature, error)
	// HealthCounts counts the same lists without reading them.
	HealthCounts(ctx context.Context, a fugong.Actor, f SummaryFilter, s Settings) (Counts, error)
	// RosterCounts counts an enterprise's roster on a day, for its daily
	// report.
	RosterCounts(ctx context.Context, enterprise, day string, s Settings) (RosterFigures, error)
	Alerts(ctx context.Context, a fugong.Actor, f AlertFilter) ([]Alert, int, error)
	Alert(ctx context.Context, a fugong.Actor, id int64) (Alert, error)
	// CloseAlert closes an open alert with a note; a closed one is a
	// conflict.
	CloseAlert(ctx context.Context, a fugong.Actor, id int64, note string) (Alert, error)
	// KeyIDs counts the people sealed under each key.
	KeyIDs(ctx context.Context) (map[pii.KeyID]int, error)
	// NotUnder lists up to limit rows with ids above after sealed under
	// another key than current, in order of id, for a rotation; Reseal
	// replaces the sealed data of each row still under its old key, in one
	// transaction, and says how many it replaced.
	NotUnder(ctx context.Context, current pii.KeyID, after int64, limit int) ([]Row, error)
	Reseal(ctx context.Context, a fugong.Actor, rows []Resealed) (int, error)
	// Purge erases the personal data of the people last changed before a
	// day (see PurgeReport); with dryRun it only counts them.
	Purge(ctx context.Context, a fugong.Actor, before string, dryRun bool) (PurgeReport, error)
}
