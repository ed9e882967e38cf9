package inspect

import (
	"context"
	"slices"
	"time"

	"fugong"
	"fugong/registry"
)

// Store is what the inspections need from storage. Reads of visits and
// rectifications are limited to the actor's scope; out of scope is not found.
type Store interface {
	// Checklists returns the current version of every template, or every
	// version with all.
	Checklists(ctx context.Context, all bool) ([]Checklist, error)
	Checklist(ctx context.Context, id int64) (Checklist, error)
	// CreateChecklist stores version 1 of a new template; a name taken is a conflict.
	CreateChecklist(ctx context.Context, a fugong.Actor, in ChecklistInput) (Checklist, error)
	// ReviseChecklist replaces the items of c, the current version: in
	// place while no visit has answered it, else as version c.Version+1.
	// A version no longer current (a revision raced this one) is a conflict.
	ReviseChecklist(ctx context.Context, a fugong.Actor, c Checklist, items []ItemInput) (Checklist, error)
	// RecordVisit stores a visit, its answers, photos and rectifications in
	// one transaction; a checklist revised since it was read is a conflict.
	RecordVisit(ctx context.Context, a fugong.Actor, v NewVisit) (Visit, error)
	Visits(ctx context.Context, uscc string, page, perPage int) ([]VisitSummary, int, error)
	Visit(ctx context.Context, a fugong.Actor, id int64) (Visit, error)
	Rectifications(ctx context.Context, a fugong.Actor, f Filter) ([]Rectification, int, error)
	// Rectification returns one rectification with its history.
	Rectification(ctx context.Context, a fugong.Actor, id int64) (Rectification, error)
	// MoveRectification moves r to status to, if it is still in r.Status
	// (else a conflict), recording the move with its note and photo.
	MoveRectification(ctx context.Context, a fugong.Actor, r Rectification, to, note string, photo *Photo) (Rectification, error)
	// RectificationCounts counts the rectifications in scope per town,
	// overdue judged on today.
	RectificationCounts(ctx context.Context, a fugong.Actor, today string) ([]TownCounts, error)
}

// Service applies the inspections' rules over its store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
}

// Today is the day overdue is judged on, in Asia/Shanghai.
func (s *Service) Today() string { return s.Now().In(fugong.Location).Format(DateLayout) }

// Checklists returns the templates' current versions, or all versions.
func (s *Service) Checklists(ctx context.Context, all bool) ([]Checklist, error) {
	return s.Store.Checklists(ctx, all)
}

// Checklist returns one version of a template, current or not.
func (s *Service) Checklist(ctx context.Context, id int64) (Checklist, error) {
	return s.Store.Checklist(ctx, id)
}

// Versions returns every version of c's template (the templates of its
// name), c among them, in the store's order.
func (s *Service) Versions(ctx context.Context, c Checklist) ([]Checklist, error) {
	all, err := s.Store.Checklists(ctx, true)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(v Checklist) bool { return v.Name != c.Name }), nil
}

// CreateChecklist adds a template; only the admin may.
func (s *Service) CreateChecklist(ctx context.Context, a fugong.Actor, in ChecklistInput) (Checklist, error) {
	if !CanEditChecklists(a) {
		return Checklist{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以修改检查表")
	}
	if err := fugong.Invalid(in.Normalize()); err != nil {
		return Checklist{}, err
	}
	return s.Store.CreateChecklist(ctx, a, in)
}

// ReviseChecklist replaces the items of the current version id: items
// with an id keep that item, the others are new, those left out are
// dropped. A template some visit has answered gets a new version instead,
// so the visit keeps the questions it answered. A revision that changes
// nothing stores nothing.
func (s *Service) ReviseChecklist(ctx context.Context, a fugong.Actor, id int64, items []ItemInput) (Checklist, error) {
	if !CanEditChecklists(a) {
		return Checklist{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以修改检查表")
	}
	c, err := s.Store.Checklist(ctx, id)
	if err != nil {
		return Checklist{}, err
	}
	if !c.Current {
		return Checklist{}, fugong.Errorf(fugong.EConflict, "", "“%s”第%d版已不是当前版本，请修改最新版本", c.Name, c.Version)
	}
	ps := NormalizeItems(items)
	if err := fugong.Invalid(append(ps, CheckRevision(c, items)...)); err != nil {
		return Checklist{}, err
	}
	if Unchanged(c, items) {
		return c, nil
	}
	return s.Store.ReviseChecklist(ctx, a, c, items)
}

// RecordingAt is the enterprise the actor is to record a visit of, if
// they may: one out of their scope is not found (whoever asks, so that a
// refusal does not reveal it exists), one in scope by an actor who does
// not record visits (CanRecord) is forbidden. The API, the visit form and
// RecordVisit check in this order.
func (s *Service) RecordingAt(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return registry.Enterprise{}, err
	}
	if !CanRecord(a) {
		return registry.Enterprise{}, fugong.Errorf(fugong.EForbidden, "", "无权登记督导检查")
	}
	return e, nil
}

// VisitStart is what a new visit starts from: the enterprise, the current
// templates to choose from and the one chosen.
type VisitStart struct {
	Enterprise registry.Enterprise
	Checklists []Checklist
	Checklist  Checklist
}

// StartVisit opens a visit of an enterprise as RecordingAt allows it,
// with the template checklist if one is named, else the first current
// one. A template that is not current (an old version, or none) is not
// found: a visit answers the current version only.
func (s *Service) StartVisit(ctx context.Context, a fugong.Actor, uscc string, checklist *int64) (VisitStart, error) {
	e, err := s.RecordingAt(ctx, a, uscc)
	if err != nil {
		return VisitStart{}, err
	}
	lists, err := s.Store.Checklists(ctx, false)
	if err != nil {
		return VisitStart{}, err
	}
	if len(lists) == 0 {
		return VisitStart{}, fugong.NotFound("检查表")
	}
	i := 0
	if checklist != nil {
		if i = slices.IndexFunc(lists, func(c Checklist) bool { return c.ID == *checklist }); i < 0 {
			return VisitStart{}, fugong.NotFound("检查表")
		}
	}
	return VisitStart{Enterprise: e, Checklists: lists, Checklist: lists[i]}, nil
}

// RecordVisit validates and stores a visit of an enterprise in the actor's
// scope, opening a rectification for every failed item.
func (s *Service) RecordVisit(ctx context.Context, a fugong.Actor, uscc string, in VisitInput, photos []Photo) (Visit, error) {
	e, err := s.RecordingAt(ctx, a, uscc)
	if err != nil {
		return Visit{}, err
	}
	c, err := s.currentChecklist(ctx, in.ChecklistID)
	if err != nil {
		return Visit{}, err
	}
	at, ps := in.Normalize(c, s.Now(), e.CreatedAt, photos)
	if err := fugong.Invalid(ps); err != nil {
		return Visit{}, err
	}
	if len(in.Key) > 200 {
		return Visit{}, fugong.Errorf(fugong.EInvalid, "Idempotency-Key", "Idempotency-Key 不能超过200个字符")
	}
	nv := Plan(e, c, in, at, photos)
	nv.Key = in.Key
	v, err := s.Store.RecordVisit(ctx, a, nv)
	if err != nil {
		return Visit{}, err
	}
	s.markOverdue(v.Rectifications)
	return v, nil
}

// currentChecklist is the checklist a new visit answers: it must exist and
// be the template's current version.
func (s *Service) currentChecklist(ctx context.Context, id int64) (Checklist, error) {
	if id < 1 {
		return Checklist{}, fugong.Errorf(fugong.EInvalid, "checklist_id", "请选择检查表")
	}
	c, err := s.Store.Checklist(ctx, id)
	if fugong.ErrorCode(err) == fugong.ENotFound {
		return Checklist{}, fugong.Errorf(fugong.EInvalid, "checklist_id", "检查表 %d 不存在", id)
	}
	if err != nil {
		return Checklist{}, err
	}
	if !c.Current {
		return Checklist{}, fugong.Errorf(fugong.EInvalid, "checklist_id", "“%s”第%d版已有新版本，请按最新版本检查", c.Name, c.Version)
	}
	return c, nil
}

// Visits returns a page of an enterprise's visits, newest first.
func (s *Service) Visits(ctx context.Context, a fugong.Actor, uscc string, page, perPage int) ([]VisitSummary, int, error) {
	_, items, total, err := s.EnterpriseVisits(ctx, a, uscc, page, perPage)
	return items, total, err
}

// EnterpriseVisits is Visits with the enterprise they are of, read in the
// actor's scope (out of scope is not found).
func (s *Service) EnterpriseVisits(ctx context.Context, a fugong.Actor, uscc string, page, perPage int) (registry.Enterprise, []VisitSummary, int, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return registry.Enterprise{}, nil, 0, err
	}
	f := Filter{Page: page, PerPage: perPage}
	if err := f.Normalize(); err != nil {
		return registry.Enterprise{}, nil, 0, err
	}
	items, total, err := s.Store.Visits(ctx, e.USCC, f.Page, f.PerPage)
	return e, items, total, err
}

// Visit returns one visit in scope with its answers and rectifications.
func (s *Service) Visit(ctx context.Context, a fugong.Actor, id int64) (Visit, error) {
	v, err := s.Store.Visit(ctx, a, id)
	if err != nil {
		return Visit{}, err
	}
	s.markOverdue(v.Rectifications)
	return v, nil
}

// Rectifications returns a page of the rectifications in scope matching f.
func (s *Service) Rectifications(ctx context.Context, a fugong.Actor, f Filter) ([]Rectification, int, error) {
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	f.Today = s.Today()
	items, total, err := s.Store.Rectifications(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	s.markOverdue(items)
	return items, total, nil
}

// AllRectifications returns every rectification in scope matching f (exports).
func (s *Service) AllRectifications(ctx context.Context, a fugong.Actor, f Filter) ([]Rectification, error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	f.Today, f.Page, f.PerPage = s.Today(), 0, 0
	items, _, err := s.Store.Rectifications(ctx, a, f)
	if err != nil {
		return nil, err
	}
	s.markOverdue(items)
	return items, nil
}

// Rectification returns one rectification in scope with its history.
func (s *Service) Rectification(ctx context.Context, a fugong.Actor, id int64) (Rectification, error) {
	r, err := s.Store.Rectification(ctx, a, id)
	if err != nil {
		return Rectification{}, err
	}
	r.Overdue = r.IsOverdue(s.Today())
	return r, nil
}

// Move moves a rectification in scope to status to, as the workflow allows
// (see Move), with a note and an optional photo.
func (s *Service) Move(ctx context.Context, a fugong.Actor, id int64, to, note string, photo *Photo) (Rectification, error) {
	r, err := s.Store.Rectification(ctx, a, id)
	if err != nil {
		return Rectification{}, err
	}
	note, err = Move(a, r.Status, to, note)
	if err != nil {
		return Rectification{}, err
	}
	r, err = s.Store.MoveRectification(ctx, a, r, to, note, photo)
	if err != nil {
		return Rectification{}, err
	}
	r.Overdue = r.IsOverdue(s.Today())
	return r, nil
}

// TownCounts counts the rectifications in scope per town and for the city.
func (s *Service) TownCounts(ctx context.Context, a fugong.Actor) (city TownCounts, towns []TownCounts, err error) {
	towns, err = s.Store.RectificationCounts(ctx, a, s.Today())
	for _, t := range towns {
		city.Open += t.Open
		city.Overdue += t.Overdue
		city.Rectified += t.Rectified
		city.Verified += t.Verified
	}
	return city, towns, err
}

func (s *Service) markOverdue(rs []Rectification) {
	today := s.Today()
	for i := range rs {
		rs[i].Overdue = rs[i].IsOverdue(today)
	}
}
