package supplies

import (
	"context"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/settings"
)

// Supplies are the supplies group's module (物资筹备组).
const ownerGroup = fugong.GroupSupplies

// ListFilter selects a page of a list of enterprises in scope.
type ListFilter struct {
	Town    string // a town code, name or short name; "" for every town in scope
	Page    int
	PerPage int // 0 in the store: every line (exports)
}

// AllocationFilter selects a page of allocations.
type AllocationFilter struct {
	Enterprise string
	Town       string
	Item       string
	Page       int
	PerPage    int
}

// DonorQuery asks the store for enterprises in scope with a surplus of an
// item, nearest first (see match.go).
type DonorQuery struct {
	Item   Item
	Except string // the enterprise in need
	Town   string // its town
	Nearby []string
	// KeepPerStaff is what a donor keeps per person on post, in stored
	// units: it has a surplus when it holds more.
	KeepPerStaff float64
	Limit        int
}

// Store is what the supplies module needs from storage. Lists are limited
// to the actor's scope; the reads of one enterprise are not, the service
// checks its scope first.
type Store interface {
	// The settings table, where Config is kept.
	settings.Store
	// Stock returns an enterprise's stock and staff on post; Declared is
	// false when none was ever recorded.
	Stock(ctx context.Context, uscc string) (Stock, error)
	// DeclareStock records a count of the enterprise's stock and keeps the
	// change in its history, audited.
	DeclareStock(ctx context.Context, a fugong.Actor, uscc string, q Quantities, note string) (Change, error)
	StockChanges(ctx context.Context, uscc string, page, perPage int) ([]Change, int, error)
	Shortages(ctx context.Context, a fugong.Actor, f ListFilter, rule ShortageRule) ([]Shortage, int, error)
	Undeclared(ctx context.Context, a fugong.Actor, f ListFilter) ([]Undeclared, int, error)
	TownCounts(ctx context.Context, a fugong.Actor, rule ShortageRule) ([]TownCount, error)
	Donors(ctx context.Context, a fugong.Actor, q DonorQuery) ([]Donor, error)
	BureauStock(ctx context.Context) (Quantities, error)
	// AddReceipt adds to the bureau's stock; it refuses a stock beyond
	// MaxBureauAmount.
	AddReceipt(ctx context.Context, a fugong.Actor, r Receipt) (Receipt, error)
	Receipts(ctx context.Context, page, perPage int) ([]Receipt, int, error)
	// Allocate moves stock from the bureau to the enterprise in one
	// transaction: a conflict when the bureau holds less than asked.
	Allocate(ctx context.Context, a fugong.Actor, al Allocation) (Allocation, error)
	Allocations(ctx context.Context, a fugong.Actor, f AllocationFilter) ([]Allocation, int, error)
}

// Service applies the supplies rules over its store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
}

// CanDeclare reports whether the actor may record the stock of an
// enterprise already read in their scope: its clerk, its cadre, its town,
// the supplies group and the admin.
func CanDeclare(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleEnterprise, fugong.RoleCadre, fugong.RoleTown:
		return true
	}
	return a.WritesFor(ownerGroup)
}

// CanManage reports whether the actor keeps the bureau's stock, allocates
// from it and sets the rules: the supplies group and the admin.
func CanManage(a fugong.Actor) bool { return a.WritesFor(ownerGroup) }

// Settings returns the current settings (the defaults until changed).
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	return Config.Get(ctx, s.Store)
}

// SetSettings changes some settings.
func (s *Service) SetSettings(ctx context.Context, a fugong.Actor, p SettingsPatch) (Settings, error) {
	// The patch applies to the settings as stored in the transaction, so two
	// people changing different settings at once both have their way.
	return Config.Update(ctx, s.Store, a, func(cur *Settings) error {
		next, ps := p.Apply(*cur)
		*cur = next
		return fugong.Invalid(ps)
	})
}

// View is an enterprise's stock with its daily use and cover.
type View struct {
	Stock
	Settings Settings
	Covers   []Cover
	// Short is the shortage list's verdict on the masks.
	Short bool
}

func newView(st Stock, set Settings) View {
	v := View{Stock: st, Settings: set, Covers: set.Covers(st.Quantities, st.StaffOnPost),
		Short: st.Declared && st.Active && set.Short(st.Masks, st.StaffOnPost)}
	if !st.Declared {
		// Nothing counted is not nothing held: no days of cover to show.
		for i := range v.Covers {
			v.Covers[i].Days = nil
		}
	}
	return v
}

// MasksCover is the masks' line of the view.
func (v View) MasksCover() Cover { return v.Covers[0] }

// Get returns an enterprise's stock in the actor's scope.
func (s *Service) Get(ctx context.Context, a fugong.Actor, uscc string) (View, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, e.USCC)
}

func (s *Service) view(ctx context.Context, uscc string) (View, error) {
	st, err := s.Store.Stock(ctx, uscc)
	if err != nil {
		return View{}, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return View{}, err
	}
	return newView(st, set), nil
}

// Declare records an enterprise's count of its stock; created is true for
// its first record. A count equal to the last is recorded too: it says when
// the stock was last checked.
func (s *Service) Declare(ctx context.Context, a fugong.Actor, uscc string, values map[Item]*float64, note string) (v View, created bool, err error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return View{}, false, err
	}
	if !CanDeclare(a) {
		return View{}, false, fugong.Errorf(fugong.EForbidden, "", "无权申报该企业的防疫物资库存")
	}
	if e.Status != registry.StatusActive {
		return View{}, false, fugong.Errorf(fugong.EConflict, "uscc", "%s 已注销或停业，无需申报防疫物资", e.Name)
	}
	q, ps := Declared(values)
	note, msg := CleanText(note, MaxNoteRunes)
	if msg != "" {
		ps = append(ps, fugong.Problem{Field: "note", Message: "备注" + msg})
	}
	if err := fugong.Invalid(ps); err != nil {
		return View{}, false, err
	}
	ch, err := s.Store.DeclareStock(ctx, a, e.USCC, q, note)
	if err != nil {
		return View{}, false, err
	}
	v, err = s.view(ctx, e.USCC)
	return v, ch.Before == nil, err
}

// History returns a page of an enterprise's stock changes, newest first.
func (s *Service) History(ctx context.Context, a fugong.Actor, uscc string, page, perPage int) ([]Change, int, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, 0, err
	}
	if page, perPage, err = pageOf(page, perPage); err != nil {
		return nil, 0, err
	}
	return s.Store.StockChanges(ctx, e.USCC, page, perPage)
}

// pageOf checks a page request: the first page by default, per_page 1–500
// with registry.DefaultPerPage by default.
func pageOf(page, perPage int) (int, int, error) {
	if perPage < 0 || perPage > registry.MaxPerPage {
		return 0, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–%d 之间", registry.MaxPerPage)
	}
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	return max(page, 1), perPage, nil
}

// townCode resolves a town filter to its code.
func townCode(town string) (string, error) {
	if town == "" {
		return "", nil
	}
	t, ok := registry.TownByNameOrCode(town)
	if !ok {
		return "", fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
	}
	return t.Code, nil
}

func (f *ListFilter) normalize() error {
	var err error
	if f.Town, err = townCode(f.Town); err != nil {
		return err
	}
	f.Page, f.PerPage, err = pageOf(f.Page, f.PerPage)
	return err
}

// Shortages returns a page of the enterprises in scope whose masks last
// fewer days than the threshold, the shortest cover first.
func (s *Service) Shortages(ctx context.Context, a fugong.Actor, f ListFilter) ([]Shortage, int, Settings, error) {
	if err := f.normalize(); err != nil {
		return nil, 0, Settings{}, err
	}
	return s.shortages(ctx, a, f)
}

// AllShortages returns every shortage in scope (and town), for the export.
func (s *Service) AllShortages(ctx context.Context, a fugong.Actor, town string) ([]Shortage, Settings, error) {
	code, err := townCode(town)
	if err != nil {
		return nil, Settings{}, err
	}
	items, _, set, err := s.shortages(ctx, a, ListFilter{Town: code, Page: 1})
	return items, set, err
}

func (s *Service) shortages(ctx context.Context, a fugong.Actor, f ListFilter) ([]Shortage, int, Settings, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, 0, Settings{}, err
	}
	items, total, err := s.Store.Shortages(ctx, a, f, set.Rule())
	if err != nil {
		return nil, 0, Settings{}, err
	}
	for i := range items {
		it := &items[i]
		it.DailyUse = set.DailyUse(Masks, it.StaffOnPost)
		it.DaysOfCover, _ = set.DaysOfCover(Masks, it.Masks, it.StaffOnPost)
		it.Need = set.Need(Masks, it.Masks, it.StaffOnPost)
	}
	return items, total, set, nil
}

// Undeclared returns a page of the enterprises in scope with staff on post
// and no stock recorded. They are kept off the shortage list: a zero there
// would say "we know they have none", when in fact nobody has counted, and
// the two call for different work (an allocation, a phone call).
func (s *Service) Undeclared(ctx context.Context, a fugong.Actor, f ListFilter) ([]Undeclared, int, error) {
	if err := f.normalize(); err != nil {
		return nil, 0, err
	}
	return s.Store.Undeclared(ctx, a, f)
}

// Summary is the supplies of the actor's scope: the city's line (of the
// towns in scope) and each town's.
type Summary struct {
	Settings Settings
	City     TownCount
	Towns    []TownCount
}

// Summary counts shortages and stock per town.
func (s *Service) Summary(ctx context.Context, a fugong.Actor) (Summary, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return Summary{}, err
	}
	towns, err := s.Store.TownCounts(ctx, a, set.Rule())
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Settings: set, City: TownCount{Name: "合计"}, Towns: towns}
	for i := range towns {
		set.derive(&towns[i])
		sum.City.Add(towns[i])
	}
	set.derive(&sum.City)
	return sum, nil
}

func (s Settings) derive(c *TownCount) {
	c.DailyUse = s.DailyUse(Masks, c.StaffOnPost)
	if d, ok := s.DaysOfCover(Masks, c.Masks, c.StaffOnPost); ok {
		c.DaysOfCover = &d
	}
}

// Match is the enterprises that could help one short of an item.
type Match struct {
	Item     Item
	Need     View
	Cover    Cover // the item's line of the enterprise in need
	Donors   []Donor
	Settings Settings
}

// Match lists the enterprises in the actor's scope with a surplus of a
// consumed item for an enterprise in scope, nearest and largest first.
func (s *Service) Match(ctx context.Context, a fugong.Actor, uscc, item string) (Match, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Match{}, err
	}
	it := Masks
	if item != "" {
		var ok bool
		if it, ok = ParseItem(item); !ok {
			return Match{}, fugong.Errorf(fugong.EInvalid, "item", "物资种类应为 masks、gloves、disinfectant_l 之一")
		}
	}
	if !it.Consumed() {
		return Match{}, fugong.Errorf(fugong.EInvalid, "item", "%s不按天消耗，没有可用天数，不做供需匹配", it.Name())
	}
	v, err := s.view(ctx, e.USCC)
	if err != nil {
		return Match{}, err
	}
	m := Match{Item: it, Need: v, Settings: v.Settings, Donors: []Donor{}}
	for _, c := range v.Covers {
		if c.Item == it {
			m.Cover = c
		}
	}
	set := v.Settings
	donors, err := s.Store.Donors(ctx, a, DonorQuery{Item: it, Except: e.USCC, Town: e.Town, Nearby: Nearby(e.Town),
		KeepPerStaff: set.KeepPerStaff(it), Limit: MaxDonors})
	if err != nil {
		return Match{}, err
	}
	for _, d := range donors {
		spare := set.Spare(it, d.Stored, d.StaffOnPost)
		if spare <= 0 {
			continue
		}
		d.Stock, d.Spare, d.Nearness = Amount(it, d.Stored), Amount(it, spare), Nearness(e.Town, d.Town)
		if days, ok := set.DaysOfCover(it, d.Stored, d.StaffOnPost); ok {
			d.DaysOfCover = &days
		}
		m.Donors = append(m.Donors, d)
	}
	return m, nil
}

// BureauStock returns the bureau's own stock; only the city-wide roles see it.
func (s *Service) BureauStock(ctx context.Context, a fugong.Actor) (Quantities, error) {
	if !a.CityWide() {
		return Quantities{}, fugong.NotFound("物资组库存")
	}
	return s.Store.BureauStock(ctx)
}

// Receive records stock coming into the bureau's store.
func (s *Service) Receive(ctx context.Context, a fugong.Actor, m Movement) (Receipt, error) {
	if !CanManage(a) {
		return Receipt{}, fugong.Errorf(fugong.EForbidden, "", "只有物资筹备组和系统管理员可以登记物资入库")
	}
	r, err := m.Receipt()
	if err != nil {
		return Receipt{}, err
	}
	return s.Store.AddReceipt(ctx, a, r)
}

// Receipts returns a page of the bureau's receipts, newest first.
func (s *Service) Receipts(ctx context.Context, a fugong.Actor, page, perPage int) ([]Receipt, int, error) {
	if !a.CityWide() {
		return nil, 0, fugong.NotFound("物资入库记录")
	}
	page, perPage, err := pageOf(page, perPage)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.Receipts(ctx, page, perPage)
}

// Allocate gives an enterprise stock from the bureau's store.
func (s *Service) Allocate(ctx context.Context, a fugong.Actor, m Movement) (Allocation, error) {
	if !CanManage(a) {
		return Allocation{}, fugong.Errorf(fugong.EForbidden, "", "只有物资筹备组和系统管理员可以调拨物资")
	}
	al, err := m.Allocation()
	if err != nil {
		return Allocation{}, err
	}
	e, err := s.Registry.Get(ctx, a, al.Enterprise)
	if err != nil {
		return Allocation{}, err
	}
	if e.Status != registry.StatusActive {
		return Allocation{}, fugong.Errorf(fugong.EConflict, "enterprise", "%s 已注销或停业，不能调拨", e.Name)
	}
	al.Enterprise = e.USCC
	return s.Store.Allocate(ctx, a, al)
}

// Allocations returns a page of the allocations to enterprises in scope,
// newest first.
func (s *Service) Allocations(ctx context.Context, a fugong.Actor, f AllocationFilter) ([]Allocation, int, error) {
	var err error
	if f.Town, err = townCode(f.Town); err != nil {
		return nil, 0, err
	}
	if f.Item != "" {
		if _, ok := ParseItem(f.Item); !ok {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "item", "物资种类应为 masks、thermometers、disinfectant_l、suits、gloves 之一")
		}
	}
	if f.Enterprise != "" {
		code, msg := registry.NormalizeUSCC(f.Enterprise)
		if msg != "" {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "enterprise", "统一社会信用代码%s", msg)
		}
		f.Enterprise = code
	}
	if f.Page, f.PerPage, err = pageOf(f.Page, f.PerPage); err != nil {
		return nil, 0, err
	}
	return s.Store.Allocations(ctx, a, f)
}
