package tickets

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fugong"
	"fugong/account"
	"fugong/files"
	"fugong/registry"
	"fugong/settings"
	"fugong/supplies"
)

// Store is what the tickets need from storage. Reads are limited to the
// actor's scope through the ticket's enterprise; a ticket outside it is not
// found. The write methods read the ticket again inside their transaction
// and call check on it as it is there, so two moves cannot both pass.
type Store interface {
	RaiseTicket(ctx context.Context, a fugong.Actor, n NewTicket, due func(raised time.Time) time.Time, uploads []files.Upload, types []string) (Ticket, error)
	Ticket(ctx context.Context, a fugong.Actor, id int64) (Detail, error)
	ListTickets(ctx context.Context, a fugong.Actor, f Filter, now time.Time) ([]Ticket, int, error)
	MoveTicket(ctx context.Context, a fugong.Actor, id int64, m Move, check func(Ticket) error) (Ticket, error)
	// SuggestSuppliers ranks the enterprises in the actor's scope that may
	// supply what the ticket is short of (see Rank).
	SuggestSuppliers(ctx context.Context, a fugong.Actor, id int64) ([]Suggestion, error)
	ChooseSupplier(ctx context.Context, a fugong.Actor, id int64, uscc, note string, check func(Ticket) error) (Ticket, error)
	AddPass(ctx context.Context, a fugong.Actor, id int64, p Pass, check func(Ticket) error) (Pass, error)
	AddDelivery(ctx context.Context, a fugong.Actor, id int64, d Delivery, check func(Ticket) error) (Delivery, error)
	TicketStats(ctx context.Context, a fugong.Actor) ([]StatRow, error)
	Products(ctx context.Context, uscc string) ([]Product, error)
	SetProducts(ctx context.Context, a fugong.Actor, uscc string, ps []Product) error
	UserByName(ctx context.Context, username string) (account.User, string, error)
	// SuggestUsers returns at most limit enabled users of the roles whose
	// username or display name contains q.
	SuggestUsers(ctx context.Context, q string, roles []fugong.Role, limit int) ([]account.User, error)
	// The settings table, where Config is kept.
	settings.Store
}

// Service applies the tickets' rules over their store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
	// Stock, when set, adds to a supplies ticket's suggestions the firms
	// whose declared stock (M6) exceeds what their own staff need.
	Stock Stock
}

// Stock finds the firms in scope with a surplus of a consumed supply for a
// firm short of it (supplies.Service).
type Stock interface {
	Match(ctx context.Context, a fugong.Actor, uscc, item string) (supplies.Match, error)
}

// CanRaise reports whether the actor raises tickets: everyone with
// enterprises in scope (the clerk for their own, the cadre for theirs, the
// town, bureau staff of any group, the admin); not a checkpoint.
func CanRaise(a fugong.Actor) bool { return a.Role != fugong.RoleCheckpoint }

// CanDeclareProducts reports whether the actor declares an enterprise's
// products: its clerk, its town, bureau staff, the admin.
func CanDeclareProducts(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleEnterprise, fugong.RoleTown, fugong.RoleBureau, fugong.RoleAdmin:
		return true
	}
	return false
}

// canTake reports whether a user may be the assignee of a ticket in person:
// bureau staff and the admin, who solve the difficulties.
func canTake(u account.User) bool {
	return !u.Disabled && (u.Role == fugong.RoleBureau || u.Role == fugong.RoleAdmin)
}

// Suggestions bounds a picker's answer; MaxSuggestQuery what it searches
// for, in characters.
const (
	Suggestions     = 10
	MaxSuggestQuery = 50
)

// SuggestAssignees returns the staff an assignment picker offers as the
// user types: at most Suggestions enabled users who can take a ticket
// (canTake) whose username or display name contains q; none for an empty
// q. Only the bureau and the admin, who work tickets, may ask.
func (s *Service) SuggestAssignees(ctx context.Context, a fugong.Actor, q string) ([]account.User, error) {
	if a.Role != fugong.RoleBureau && a.Role != fugong.RoleAdmin {
		return nil, fugong.NotFound("接口")
	}
	q = strings.TrimSpace(q)
	if len([]rune(q)) > MaxSuggestQuery {
		return nil, fugong.Errorf(fugong.EInvalid, "q", "搜索词过长（最多 %d 个字）", MaxSuggestQuery)
	}
	if q == "" {
		return []account.User{}, nil
	}
	return s.Store.SuggestUsers(ctx, q, takerRoles, Suggestions)
}

// takerRoles are the roles of the staff who take tickets (canTake).
var takerRoles = []fugong.Role{fugong.RoleBureau, fugong.RoleAdmin}

// staffNamed is the member of staff an assignment names: by username, or
// by the exact display name of one who can take tickets (the picker shows
// names; typed without its script, a name is what arrives). A name two
// share is refused, listing them with their usernames.
func (s *Service) staffNamed(ctx context.Context, typed string) (account.User, error) {
	u, _, err := s.Store.UserByName(ctx, typed)
	switch {
	case err == nil && canTake(u):
		return u, nil
	case err != nil && fugong.ErrorCode(err) != fugong.ENotFound:
		return account.User{}, err
	}
	us, err := s.Store.SuggestUsers(ctx, typed, takerRoles, Suggestions)
	if err != nil {
		return account.User{}, err
	}
	var same []string
	for _, c := range us {
		if c.DisplayName == typed {
			u = c
			same = append(same, fmt.Sprintf("%s（%s）", c.DisplayName, c.Username))
		}
	}
	switch len(same) {
	case 0:
		return account.User{}, fugong.Errorf(fugong.EInvalid, "assignee", "承办人“%s”不存在或不是经信局工作人员", typed)
	case 1:
		return u, nil
	}
	return account.User{}, fugong.Errorf(fugong.EInvalid, "assignee", "名为“%s”的工作人员有 %d 位：%s，请从列表中选择其一", typed, len(same), strings.Join(same, "、"))
}

// MaxAttachments bounds the files attached to one ticket.
const MaxAttachments = 9

// CheckAttachments refuses more than MaxAttachments files on a ticket. An
// upload asks before it reads the files, Raise again on what it is given.
func CheckAttachments(n int) error {
	if n > MaxAttachments {
		return fugong.Errorf(fugong.EInvalid, "attachment", "每个问题最多上传 %d 个附件", MaxAttachments)
	}
	return nil
}

// RaiseOptions are the enterprises the actor raises tickets for, as a raise
// form offers them: a clerk's own enterprise (Fixed), a cadre's active
// enterprises (Choices); anyone else names one in their scope (neither:
// see RaisedFor).
type RaiseOptions struct {
	Fixed   *registry.Enterprise
	Choices []registry.Enterprise
}

// RaiseOptions returns what the actor picks a ticket's enterprise from.
func (s *Service) RaiseOptions(ctx context.Context, a fugong.Actor) (RaiseOptions, error) {
	var o RaiseOptions
	switch a.Role {
	case fugong.RoleEnterprise:
		e, err := s.Registry.Get(ctx, a, a.Enterprise)
		if err != nil {
			return o, err
		}
		o.Fixed = &e
	case fugong.RoleCadre:
		es, _, err := s.Registry.List(ctx, a, registry.Filter{Status: registry.StatusActive, PerPage: registry.MaxPerPage})
		if err != nil {
			return o, err
		}
		o.Choices = es
	}
	return o, nil
}

// RaisedFor is the enterprise a ticket the actor raises is for, from what a
// raise form's enterprise field says: a clerk's own enterprise, whatever it
// says; a credit code as it is (Raise checks it); the exact name of an
// enterprise in the actor's scope, its code. A name of none, or of several,
// is refused (registry.Service.Resolve).
func (s *Service) RaisedFor(ctx context.Context, a fugong.Actor, typed string) (string, error) {
	if a.Role == fugong.RoleEnterprise {
		return a.Enterprise, nil
	}
	return s.Registry.Resolve(ctx, a, "enterprise", typed)
}

// Raise stores a new ticket for an enterprise in the actor's scope, with its
// attachments (field "attachment": scans and photos), due by the SLA of its
// urgency.
func (s *Service) Raise(ctx context.Context, a fugong.Actor, n NewTicket, uploads []files.Upload) (Ticket, error) {
	if !CanRaise(a) {
		return Ticket{}, fugong.Errorf(fugong.EForbidden, "", "卡口人员不能提出企业问题")
	}
	ps := n.Normalize()
	if n.Enterprise != "" {
		e, err := s.Registry.Get(ctx, a, n.Enterprise)
		if err != nil {
			return Ticket{}, err
		}
		if e.Status != registry.StatusActive {
			ps = append(ps, fugong.Problem{Field: "enterprise", Message: e.Name + " 已注销或停业"})
		}
		n.Enterprise = e.USCC
	}
	if err := fugong.Invalid(ps); err != nil {
		return Ticket{}, err
	}
	if err := CheckAttachments(len(uploads)); err != nil {
		return Ticket{}, err
	}
	types := make([]string, len(uploads))
	for i, u := range uploads {
		var err error
		if types[i], err = files.Check("attachment", u, Attachments); err != nil {
			return Ticket{}, err
		}
	}
	sla, err := s.SLA(ctx)
	if err != nil {
		return Ticket{}, err
	}
	t, err := s.Store.RaiseTicket(ctx, a, n, func(raised time.Time) time.Time { return sla.Due(n.Urgency, raised) }, uploads, types)
	if err != nil {
		return Ticket{}, err
	}
	t.Derive(s.Now())
	return t, nil
}

// Get returns a ticket in the actor's scope with its history.
func (s *Service) Get(ctx context.Context, a fugong.Actor, id int64) (Detail, error) {
	d, err := s.Store.Ticket(ctx, a, id)
	if err != nil {
		return Detail{}, err
	}
	d.Derive(s.Now())
	return d, nil
}

// List returns a page of the tickets in the actor's scope.
func (s *Service) List(ctx context.Context, a fugong.Actor, f Filter) ([]Ticket, int, error) {
	if err := s.normalizeFilter(&f); err != nil {
		return nil, 0, err
	}
	if f.PerPage == 0 {
		f.PerPage = DefaultPerPage
	}
	return s.list(ctx, a, f)
}

// All returns every ticket in the actor's scope matching f (exports).
func (s *Service) All(ctx context.Context, a fugong.Actor, f Filter) ([]Ticket, error) {
	if err := s.normalizeFilter(&f); err != nil {
		return nil, err
	}
	f.Page, f.PerPage = 1, 0
	ts, _, err := s.list(ctx, a, f)
	return ts, err
}

func (s *Service) normalizeFilter(f *Filter) error {
	err := f.Normalize()
	if f.Town != "" {
		t, ok := registry.TownByNameOrCode(f.Town)
		if !ok {
			return fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		f.Town = t.Code
	}
	if f.Enterprise != "" {
		code, msg := registry.NormalizeUSCC(f.Enterprise)
		if msg != "" {
			return fugong.Errorf(fugong.EInvalid, "enterprise", "统一社会信用代码%s", msg)
		}
		f.Enterprise = code
	}
	return err
}

func (s *Service) list(ctx context.Context, a fugong.Actor, f Filter) ([]Ticket, int, error) {
	now := s.Now()
	ts, total, err := s.Store.ListTickets(ctx, a, f, now)
	if err != nil {
		return nil, 0, err
	}
	for i := range ts {
		ts[i].Derive(now)
	}
	return ts, total, nil
}

// Move changes a ticket's status (and assignee) if the workflow and the
// actor's part in the ticket allow it.
func (s *Service) Move(ctx context.Context, a fugong.Actor, id int64, m Move) (Ticket, error) {
	cur, err := s.Store.Ticket(ctx, a, id)
	if err != nil {
		return Ticket{}, err
	}
	if err := fugong.Invalid(m.Normalize()); err != nil {
		return Ticket{}, err
	}
	// Whether the actor may make the move at all comes before looking the
	// assignee up, so that the answer tells nobody who is bureau staff.
	if err := CheckMove(a, cur.Ticket, m); err != nil {
		return Ticket{}, err
	}
	if _, isGroup := AssigneeGroup(m.Assignee); m.Status == StatusAssigned && !isGroup {
		u, err := s.staffNamed(ctx, m.Assignee)
		if err != nil {
			return Ticket{}, err
		}
		m.Assignee = u.Username
	}
	t, err := s.Store.MoveTicket(ctx, a, id, m, func(t Ticket) error { return CheckMove(a, t, m) })
	if err != nil {
		return Ticket{}, err
	}
	t.Derive(s.Now())
	return t, nil
}

// Suggest returns the enterprises that may supply a raw-material or supplies
// ticket; other tickets get none.
func (s *Service) Suggest(ctx context.Context, a fugong.Actor, id int64) ([]Suggestion, error) {
	out, err := s.Store.SuggestSuppliers(ctx, a, id)
	if err != nil || s.Stock == nil {
		return out, err
	}
	t, err := s.Store.Ticket(ctx, a, id)
	if err != nil || t.Category != CategorySupplies {
		return out, err
	}
	seen := map[supplies.Item]bool{}
	for _, n := range Needs(t.Category, t.Title+"\n"+t.Description, nil) {
		item, ok := supplies.ItemFor(n.Term)
		if !ok || !item.Consumed() || seen[item] {
			continue // suits and thermometers are kept, not used up: no surplus to speak of
		}
		seen[item] = true
		m, err := s.Stock.Match(ctx, a, t.Enterprise, string(item))
		if err != nil {
			return nil, err
		}
		out = AddHolders(out, n.Term, item, m.Donors, t.Town)
	}
	return out, nil
}

// canRecord is the check of what is recorded on a ticket: by those who
// work it, while it is not closed.
func canRecord(a fugong.Actor, t Ticket, what string) error {
	if t.Status == StatusClosed {
		return fugong.Errorf(fugong.EConflict, "", "问题已关闭，不能再%s", what)
	}
	if !CanWork(a, t) {
		return fugong.Errorf(fugong.EForbidden, "", "只有承办人或综合协调组可以%s", what)
	}
	return nil
}

// Recordable reports whether the actor may record a supplier, a pass or a
// delivery on a ticket now: not found out of scope, forbidden to those who
// do not work it, a conflict once it is closed.
func (s *Service) Recordable(ctx context.Context, a fugong.Actor, id int64) error {
	d, err := s.Store.Ticket(ctx, a, id)
	if err != nil {
		return err
	}
	return canRecord(a, d.Ticket, "登记")
}

// ChooseSupplier records the enterprise chosen to supply a raw-material or
// supplies ticket: one in the actor's scope, other than the raiser.
func (s *Service) ChooseSupplier(ctx context.Context, a fugong.Actor, id int64, uscc, note string) (Ticket, error) {
	const what = "匹配供应企业"
	d, err := s.Store.Ticket(ctx, a, id)
	if err != nil {
		return Ticket{}, err
	}
	if err := canRecord(a, d.Ticket, what); err != nil {
		return Ticket{}, err
	}
	note = strings.TrimSpace(note)
	if ps := checkText("note", "备注", note, MaxNoteRunes, false); ps != nil {
		return Ticket{}, fugong.Invalid(ps)
	}
	if strings.TrimSpace(uscc) == "" {
		return Ticket{}, fugong.Errorf(fugong.EInvalid, "uscc", "请选择供应企业")
	}
	e, err := s.Registry.Get(ctx, a, uscc)
	if fugong.ErrorCode(err) == fugong.ENotFound {
		return Ticket{}, fugong.Errorf(fugong.ENotFound, "uscc", "供应企业不存在")
	}
	if err != nil {
		return Ticket{}, err
	}
	if e.Status != registry.StatusActive {
		return Ticket{}, fugong.Errorf(fugong.EInvalid, "uscc", "供应企业“%s”已停业，不能选为供应企业", e.Name)
	}
	t, err := s.Store.ChooseSupplier(ctx, a, id, e.USCC, note, func(t Ticket) error {
		if err := canRecord(a, t, what); err != nil {
			return err
		}
		if !Matchable(t.Category) {
			return fugong.Errorf(fugong.EConflict, "uscc", "只有原材料和防疫物资类问题可以匹配供应企业")
		}
		if t.Enterprise == e.USCC {
			return fugong.Errorf(fugong.EInvalid, "uscc", "供应企业不能是提出问题的企业本身")
		}
		if t.Supplier != nil && t.Supplier.USCC == e.USCC {
			return fugong.Errorf(fugong.EConflict, "uscc", "已选定%s为供应企业", e.Name)
		}
		return nil
	})
	if err != nil {
		return Ticket{}, err
	}
	t.Derive(s.Now())
	return t, nil
}

// AddPass records a vehicle pass on a ticket.
func (s *Service) AddPass(ctx context.Context, a fugong.Actor, id int64, p Pass) (Pass, error) {
	const what = "登记车辆通行证"
	d, err := s.Store.Ticket(ctx, a, id)
	if err != nil {
		return Pass{}, err
	}
	if err := canRecord(a, d.Ticket, what); err != nil {
		return Pass{}, err
	}
	if err := fugong.Invalid(p.Normalize()); err != nil {
		return Pass{}, err
	}
	return s.Store.AddPass(ctx, a, id, p, func(t Ticket) error { return canRecord(a, t, what) })
}

// AddDelivery records goods the chosen supplier delivered.
func (s *Service) AddDelivery(ctx context.Context, a fugong.Actor, id int64, d Delivery) (Delivery, error) {
	const what = "登记物资送达"
	k, err := s.Store.Ticket(ctx, a, id)
	if err != nil {
		return Delivery{}, err
	}
	if err := canRecord(a, k.Ticket, what); err != nil {
		return Delivery{}, err
	}
	if err := fugong.Invalid(d.Normalize(Day(s.Now()), Day(k.RaisedAt))); err != nil {
		return Delivery{}, err
	}
	return s.Store.AddDelivery(ctx, a, id, d, func(t Ticket) error {
		if err := canRecord(a, t, what); err != nil {
			return err
		}
		if t.Supplier == nil {
			return fugong.Errorf(fugong.EConflict, "", "请先选定供应企业，再登记送达")
		}
		return nil
	})
}

// Stats returns the figures per category of the tickets in the actor's scope.
func (s *Service) Stats(ctx context.Context, a fugong.Actor) (Stats, error) {
	rows, err := s.Store.TicketStats(ctx, a)
	if err != nil {
		return Stats{}, err
	}
	return Summarize(rows, s.Now()), nil
}

// SLA returns the SLA setting, the default until the admin sets one.
func (s *Service) SLA(ctx context.Context) (SLA, error) {
	return Config.Get(ctx, s.Store)
}

// SetSLA changes the SLA; only the admin may. Tickets already raised keep
// the due time they were given.
func (s *Service) SetSLA(ctx context.Context, a fugong.Actor, sla SLA) error {
	_, err := Config.Set(ctx, s.Store, a, sla)
	return err
}

// Products returns an enterprise's declared products.
func (s *Service) Products(ctx context.Context, a fugong.Actor, uscc string) ([]Product, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, err
	}
	return s.Store.Products(ctx, e.USCC)
}

// Declared is an enterprise in the actor's scope, its declared products
// and whether the actor may change them: the products page.
type Declared struct {
	Enterprise registry.Enterprise
	Products   []Product
	CanEdit    bool
}

// Declared returns the products an enterprise in the actor's scope declared.
func (s *Service) Declared(ctx context.Context, a fugong.Actor, uscc string) (Declared, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Declared{}, err
	}
	ps, err := s.Store.Products(ctx, e.USCC)
	if err != nil {
		return Declared{}, err
	}
	return Declared{Enterprise: e, Products: ps, CanEdit: CanDeclareProducts(a)}, nil
}

// SetProducts replaces an enterprise's declared products.
func (s *Service) SetProducts(ctx context.Context, a fugong.Actor, uscc string, ps []Product) ([]Product, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, err
	}
	if !CanDeclareProducts(a) {
		return nil, fugong.Errorf(fugong.EForbidden, "", "无权申报企业产品")
	}
	ps, probs := NormalizeProducts(ps)
	if err := fugong.Invalid(probs); err != nil {
		return nil, err
	}
	if err := s.Store.SetProducts(ctx, a, e.USCC, ps); err != nil {
		return nil, err
	}
	return ps, nil
}
