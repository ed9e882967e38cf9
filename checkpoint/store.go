package checkpoint

import (
	"context"
	"time"

	"fugong"
	"fugong/pii"
)

// RegistrationRow is a registration as stored: the record with its ID
// number and phone empty, and their sealed form.
type RegistrationRow struct {
	Registration
	Sealed Sealed
}

// Masked is the registration as lists show it.
func (r RegistrationRow) Masked() Registration {
	g := r.Registration
	g.IDNumber, g.Phone = r.Sealed.IDMasked, r.Sealed.PhoneMasked
	return g
}

// ResidentRow is a resident as stored: the record with its ID number and
// phone empty, and their sealed form.
type ResidentRow struct {
	Resident
	Sealed Sealed
}

// Masked is the resident as lists show them.
func (r ResidentRow) Masked() Resident {
	s := r.Resident
	s.IDNumber, s.Phone = r.Sealed.IDMasked, r.Sealed.PhoneMasked
	return s
}

// Resealed is a row of table moved under the current key by a rotation:
// stored only if the row is still under Old.
type Resealed struct {
	ID     int64
	Old    pii.KeyID
	Sealed Sealed
}

// PostFilter selects a page of posts in scope.
type PostFilter struct {
	Town    string
	Kind    Kind
	Page    int
	PerPage int
}

// RegistrationFilter selects a page of registrations in scope, newest
// first.
type RegistrationFilter struct {
	Post      int64
	Town      string
	From, To  string // days, both included
	Direction Direction
	Flagged   bool // only those that declared something (Health.Flags)
	// Status keeps the pending (StatusPending) or the confirmed
	// (StatusConfirmed) ones; "" keeps both.
	Status  string
	Page    int
	PerPage int
}

// PointFilter selects isolation points in scope.
type PointFilter struct {
	Town    string
	Page    int
	PerPage int
}

// ResidentFilter selects a page of residents in scope, by point and room.
type ResidentFilter struct {
	Point int64
	Town  string
	// Day, when set, keeps the residents in residence on it.
	Day     string
	Page    int
	PerPage int
}

// PostStore is what the posts, registrations and duty roster need from
// storage. Reads and lists are limited to the actor's scope (the admin
// and the prevention group: every post; a town: its own; checkpoint staff:
// the post they are assigned to), and out of scope is not found. Writes are
// audited in their transaction with pii.RedactJSON applied to their before
// and after. The store never sees a whole ID number or phone: the service
// seals them before and opens them after.
type PostStore interface {
	// Setting reads people's settings (people.SettingsKey): the fever
	// threshold is theirs.
	Setting(ctx context.Context, key string) (string, bool, error)

	// AddPost inserts a normalised post with its first token. A token is
	// unique among every post's current and retired tokens.
	AddPost(ctx context.Context, a fugong.Actor, p Post) (Post, error)
	// UpdatePost reads a post in scope and stores what edit makes of it,
	// its token left as it was, in one transaction.
	UpdatePost(ctx context.Context, a fugong.Actor, id int64, edit func(p *Post) error) (Post, error)
	Post(ctx context.Context, a fugong.Actor, id int64) (Post, error)
	Posts(ctx context.Context, a fugong.Actor, f PostFilter) ([]Post, int, error)
	// PostByToken finds the post of a scanned token, for anyone: retired
	// is true when the token is one the post had before its current one
	// (ScanError says so). A token that was never a post's is not found.
	PostByToken(ctx context.Context, t Token) (p Post, retired bool, err error)
	// ReplaceToken gives a post the token next and keeps its old one as
	// retired, in one transaction.
	ReplaceToken(ctx context.Context, a fugong.Actor, post int64, next Token) (Post, error)

	// Assign puts a checkpoint user at a post or point (CheckAssignment),
	// replacing where they were; Unassign takes them away.
	Assign(ctx context.Context, a fugong.Actor, as Assignment) error
	Unassign(ctx context.Context, a fugong.Actor, user int64) error
	// AssignmentOf is where a user works: not found when nowhere.
	AssignmentOf(ctx context.Context, user int64) (Assignment, error)

	// AddRegistration inserts a traveller's registration (the public form:
	// no actor, audited as the traveller) under a number from number,
	// drawing again on a clash with the unique index on the post, day and
	// number, at most NumberAttempts times; it stores what seal makes of
	// the row id it gave, in the same transaction.
	AddRegistration(ctx context.Context, r Registration, number func() (string, error),
		seal func(id int64) (Sealed, error)) (RegistrationRow, error)
	Registration(ctx context.Context, a fugong.Actor, id int64) (RegistrationRow, error)
	// RegistrationByNumber finds a day's registration at a post by its
	// number, as the staff type it.
	RegistrationByNumber(ctx context.Context, a fugong.Actor, post int64, day, number string) (RegistrationRow, error)
	Registrations(ctx context.Context, a fugong.Actor, f RegistrationFilter) ([]RegistrationRow, int, error)
	// FindRegistrations finds the registrations in scope of an ID number
	// by any of its indexes (every key's while a rotation runs), for
	// tracing contacts: the newest MaxFound.
	FindRegistrations(ctx context.Context, a fugong.Actor, idx []pii.Index) ([]RegistrationRow, error)
	// ConfirmRegistration reads a registration in scope, applies confirm
	// to it (Registration.Confirm) and stores it with the alert confirm
	// returns, if any, in one transaction.
	ConfirmRegistration(ctx context.Context, a fugong.Actor, id int64,
		confirm func(r *Registration) (*Alert, error)) (RegistrationRow, *Alert, error)
	// Counts counts the registrations in scope per post, day and
	// direction, as Counts does.
	Counts(ctx context.Context, a fugong.Actor, f RegistrationFilter) ([]Count, error)
	// AuditFullView records that the actor saw a whole ID number and phone
	// (ref is RegistrationRef or ResidentRef), and why.
	AuditFullView(ctx context.Context, a fugong.Actor, ref, reason string) error

	// Remembered finds a remembered traveller by its look-up key: not
	// found when there is none or it has expired at now.
	Remembered(ctx context.Context, l Lookup, now time.Time) (Remembered, error)
	// SaveRemembered inserts or replaces the remembered traveller of m's
	// look-up key; ForgetRemembered deletes it (none is no error).
	SaveRemembered(ctx context.Context, m Remembered) error
	ForgetRemembered(ctx context.Context, l Lookup) error
	// PurgeRemembered deletes the remembered travellers expired at now and
	// says how many.
	PurgeRemembered(ctx context.Context, now time.Time) (int, error)

	// SaveShift inserts a normalised shift (ID 0) or replaces one.
	SaveShift(ctx context.Context, a fugong.Actor, s Shift) (Shift, error)
	DeleteShift(ctx context.Context, a fugong.Actor, id int64) error
	// Shifts are a post's shifts from one day to another, both included
	// (DayCoverage needs the day before too).
	Shifts(ctx context.Context, a fugong.Actor, post int64, from, to string) ([]Shift, error)
}

// IsolationStore is what the isolation points need from storage, on the
// same terms as PostStore.
type IsolationStore interface {
	AddPoint(ctx context.Context, a fugong.Actor, p Point) (Point, error)
	// UpdatePoint reads a point in scope and stores what edit makes of it
	// (given the residents in residence today, for CheckPointChange), in
	// one transaction.
	UpdatePoint(ctx context.Context, a fugong.Actor, id int64, edit func(p *Point, current []Resident) error) (Point, error)
	Point(ctx context.Context, a fugong.Actor, id int64) (Point, error)
	Points(ctx context.Context, a fugong.Actor, f PointFilter) ([]Point, int, error)

	// Admit inserts normalised residents at a point in one transaction,
	// the point's row locked: check is given the point and its residents
	// in residence (masked) and refuses the whole admission with an error
	// (Place); seal is given each new resident's index in rs and row id.
	Admit(ctx context.Context, a fugong.Actor, point int64, rs []Resident,
		check func(p Point, current []Resident) error, seal func(i int, id int64) (Sealed, error)) ([]ResidentRow, error)
	// InResidence finds the residents in residence on day, anywhere in the
	// city, with any of the indexes: a person is at one point at a time.
	// It is not limited to a scope: the service uses it only to refuse a
	// second admission, and says no more than that the person is already
	// in isolation.
	InResidence(ctx context.Context, idx []pii.Index, day string) ([]ResidentRow, error)
	Resident(ctx context.Context, a fugong.Actor, id int64) (ResidentRow, error)
	Residents(ctx context.Context, a fugong.Actor, f ResidentFilter) ([]ResidentRow, int, error)
	// UpdateResident reads a resident in scope and stores what edit makes
	// of the row (a room changed, Resident.Release), in one transaction;
	// a room change is checked by edit against the point's residents it is
	// given, the point's row locked.
	UpdateResident(ctx context.Context, a fugong.Actor, id int64,
		edit func(r *ResidentRow, p Point, current []Resident) error) (ResidentRow, error)

	// AddReading stores a normalised reading as its round's next version
	// (NextVersion, under a unique index on the resident, day, round and
	// version), and the fever alert, if any, in one transaction.
	AddReading(ctx context.Context, a fugong.Actor, t Reading, fever *Alert) (Reading, error)
	// Readings are every version of the readings of the residents of a
	// point from one day to another, both included.
	Readings(ctx context.Context, a fugong.Actor, point int64, from, to string) ([]Reading, error)
	// AddMeal stores a normalised meal; a second of its kind that day is
	// ErrMealTwice.
	AddMeal(ctx context.Context, a fugong.Actor, m Meal) (Meal, error)
	Meals(ctx context.Context, a fugong.Actor, point int64, day string) ([]Meal, error)
	// Occupancy gives the points in scope (and town, when set) and their
	// residents in residence on day or admitted or released that day,
	// masked, for PointOccupancy, TownTotals and ReleasesDue.
	Occupancy(ctx context.Context, a fugong.Actor, town, day string) ([]Point, []Resident, error)
}

// SealedStore is what a key rotation needs of the sealed tables
// (TableRegistrations, TableResidents): NotUnder gives up to limit rows of
// a table under another key than current, in order of id after after, each
// with its sealed data (Old its key); Reseal replaces the sealed data of
// each row still under its old key, in one transaction, and says how many
// it replaced. Remembered travellers are not rotated: they are sealed
// afresh on each use and expire within RememberFor, so an old key is
// retired RememberFor after a rotation, or a traveller whose details no
// longer open is simply forgotten.
type SealedStore interface {
	NotUnder(ctx context.Context, table string, current pii.KeyID, after int64, limit int) ([]Resealed, error)
	Reseal(ctx context.Context, a fugong.Actor, table string, rows []Resealed) (int, error)
}

// Store is all the module needs from storage.
type Store interface {
	PostStore
	IsolationStore
	SealedStore
}
