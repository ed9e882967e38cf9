package production

import (
	"context"

	"fugong"
	"fugong/registry"
)

// Standing is where an enterprise stands in resumption, as an actor sees
// it: on the essential list or not, its applications, and what the actor
// may do about them. The enterprise's page shows it; the rules it gathers
// are the ones Apply and PutDay apply.
type Standing struct {
	Enterprise   registry.Enterprise
	Essential    Essential // the firm's entry on the list, or its name and town when IsEssential is false
	IsEssential  bool
	Applications []Application // newest first
	// Open is the newest application not returned: submitted (waiting for
	// the town) or approved. A firm has one open at a time.
	Open *Application
	// Approved is the approved application that lets it work, if any.
	Approved *Application
	// CanApply: the actor may apply for it now (allowed, the firm active,
	// no application open). CanReport: the actor may report its days.
	CanApply, CanReport bool
}

// Permitted reports whether the firm may be at work: it is on the
// essential list or its application was approved (CheckPermit judges a
// given day).
func (st Standing) Permitted() bool { return st.IsEssential || st.Approved != nil }

// Standing returns where an enterprise in the actor's scope stands.
func (s *Service) Standing(ctx context.Context, a fugong.Actor, uscc string) (Standing, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Standing{}, err
	}
	st := Standing{Enterprise: e}
	if st.Essential, st.IsEssential, err = s.essential(ctx, e); err != nil {
		return Standing{}, err
	}
	if st.Applications, _, err = s.Applications(ctx, a, AppFilter{USCC: e.USCC, Page: 1, PerPage: registry.MaxPerPage}); err != nil {
		return Standing{}, err
	}
	for i, app := range st.Applications {
		if app.Status != AppReturned && st.Open == nil {
			st.Open = &st.Applications[i]
		}
		if app.Status == AppApproved && st.Approved == nil {
			st.Approved = &st.Applications[i]
		}
	}
	active := checkActive(e) == nil
	st.CanApply = CanApply(a) && active && st.Open == nil
	st.CanReport = CanReport(a) && active
	return st, nil
}
