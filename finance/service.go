package finance

import (
	"context"

	"fugong"
)

// Store is what the finance module needs from storage. Saving anything is
// audited by the store.
type Store interface {
	// LPRTable returns the LPR table the admin keeps, DefaultLPR until it
	// was first changed.
	LPRTable(ctx context.Context) (LPRTable, error)
	// SaveLPRTable replaces the table with a normalized one.
	SaveLPRTable(ctx context.Context, a fugong.Actor, t LPRTable) error
	// SmartRule returns the smart-transformation policy, DefaultSmartRule
	// until it was first changed.
	SmartRule(ctx context.Context) (SmartRule, error)
	SaveSmartRule(ctx context.Context, a fugong.Actor, r SmartRule) error
	// AddApplication records a normalized new application.
	AddApplication(ctx context.Context, a fugong.Actor, app Application) (Application, error)
	// MoveApplication changes an application's status from `from` to `to`
	// (a move CheckMove allowed) in one transaction: a conflict when it is
	// no longer in `from`.
	MoveApplication(ctx context.Context, a fugong.Actor, id int64, from, to Status, note string) (Application, error)
	// Applications lists a batch's applications in scope (every batch for 0).
	Applications(ctx context.Context, a fugong.Actor, batch int) ([]Application, error)
}
