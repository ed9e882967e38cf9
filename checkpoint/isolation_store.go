package checkpoint

import (
	"context"

	"fugong"
	"fugong/pii"
)

// ResidentStore is IsolationStore with what the residents' personal data
// needs besides: the audited full view, the key rotation and the
// retention purge. Its methods are named for residents, as one store
// serves the people's roster and the travellers too.
type ResidentStore interface {
	IsolationStore
	// AuditResidentView records that the actor saw a resident's whole ID
	// number and phone (r masked), and why.
	AuditResidentView(ctx context.Context, a fugong.Actor, r Resident, reason string) error
	// ResidentKeyIDs counts the residents sealed under each key.
	ResidentKeyIDs(ctx context.Context) (map[pii.KeyID]int, error)
	// ResidentsNotUnder gives up to limit residents with ids above after
	// sealed under another key than current, in order of id; ResealResidents
	// replaces the sealed data of each still under its old key, in one
	// transaction, and says how many it replaced.
	ResidentsNotUnder(ctx context.Context, current pii.KeyID, after int64, limit int) ([]ResidentRow, error)
	ResealResidents(ctx context.Context, a fugong.Actor, rows []Resealed) (int, error)
	// PurgeResidents erases the personal data of the residents released
	// before a day (see ResidentPurge); with dryRun it only counts them.
	PurgeResidents(ctx context.Context, a fugong.Actor, before string, dryRun bool) (ResidentPurge, error)
}

// ResidentPurge is what a retention purge erased, or with a dry run would
// erase, of the residents released before a day: their names, ID numbers,
// phones and origins, their readings and meals. What the statistics need
// is kept without them: a tombstone of each resident (point, room,
// admission and release dates) and each point's daily count of readings
// and of residents with a fever.
type ResidentPurge struct {
	Before      string        `json:"before"`
	DryRun      bool          `json:"dry_run"`
	Residents   int           `json:"residents"`
	Points      map[int64]int `json:"points"`
	Readings    int           `json:"readings"`
	Meals       int           `json:"meals"`
	Alerts      int           `json:"alerts"`       // alerts unlinked from them, their notes blanked
	AuditScrubs int           `json:"audit_scrubs"` // audit rows whose contents were erased
}
