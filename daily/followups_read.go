package daily

import (
	"context"

	"fugong"
)

// Followups returns the calls and visits logged for an enterprise in the
// actor's scope, newest first.
func (s *Service) Followups(ctx context.Context, a fugong.Actor, uscc string) ([]Followup, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, err
	}
	return s.Store.Followups(ctx, e.USCC)
}
