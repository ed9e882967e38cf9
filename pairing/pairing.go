// Package pairing holds 一企一员: each enterprise paired with one cadre of the
// bureau's 千名干部进千企 drive, who then sees and acts on it (the pairing is
// the cadre's scope); who may pair, the bulk load of pairings from a sheet,
// the enterprises still without a cadre, and the expected interval between a
// cadre's visits.
package pairing

import (
	"cmp"
	"context"
	"strings"
	"time"

	"fugong"
	"fugong/account"
	"fugong/registry"
	"fugong/settings"
)

// Pairing is the inspection group's (检查督导组): M3 is its module, and the
// cadres' visits are inspections. Towns pair the enterprises of their own town.
const ownerGroup = fugong.GroupInspection

// Pairing is an enterprise and its cadre; Paired is false (and the cadre's
// fields empty) for an enterprise without one.
type Pairing struct {
	USCC           string     `json:"uscc"`
	EnterpriseName string     `json:"enterprise_name"`
	Town           string     `json:"town"`
	TownName       string     `json:"town_name"`
	Paired         bool       `json:"paired"`
	Username       string     `json:"username"`
	DisplayName    string     `json:"display_name"`
	Since          *time.Time `json:"since"`
}

// Cadre is a cadre account and how many enterprises it looks after.
type Cadre struct {
	ID          int64  `json:"-"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Enterprises int    `json:"enterprises"`
}

// Unpaired is an active enterprise without a cadre: a line of the list the
// bureau and the towns work through until every firm has its cadre.
type Unpaired struct {
	USCC         string `json:"uscc"`
	Name         string `json:"name"`
	Town         string `json:"town"`
	TownName     string `json:"town_name"`
	SizeClass    string `json:"size_class"`
	LegalRep     string `json:"legal_rep"`
	ContactPhone string `json:"contact_phone"`
	Employees    int    `json:"employees"`
}

// TownCount is how many of a town's active enterprises have no cadre.
type TownCount struct {
	Town     string `json:"town"`
	TownName string `json:"town_name"`
	Total    int    `json:"total"`
	Unpaired int    `json:"unpaired"`
}

// Assignment is one pairing to store: the enterprise and its cadre.
type Assignment struct {
	USCC  string
	Cadre account.User
}

// SaveResult counts what storing assignments did.
type SaveResult struct {
	Created   int `json:"created"`   // the enterprise had no cadre
	Updated   int `json:"updated"`   // it had another cadre
	Unchanged int `json:"unchanged"` // it already had this one
}

// Store is what pairing needs from storage. Lists are limited to the
// actor's scope.
type Store interface {
	// UserByName returns any user by username (and their password hash,
	// which pairing does not use).
	UserByName(ctx context.Context, username string) (account.User, string, error)
	Pairing(ctx context.Context, e registry.Enterprise) (Pairing, error)
	// SavePairings stores every assignment in one transaction, audited.
	SavePairings(ctx context.Context, a fugong.Actor, as []Assignment, action string) (SaveResult, error)
	// Unpair removes an enterprise's pairing, reporting whether it had one.
	Unpair(ctx context.Context, a fugong.Actor, uscc string) (bool, error)
	Cadres(ctx context.Context) ([]Cadre, error)
	// SuggestCadres returns at most limit enabled cadres whose username or
	// display name contains q.
	SuggestCadres(ctx context.Context, q string, limit int) ([]Cadre, error)
	Unpaired(ctx context.Context, a fugong.Actor, town string, page, perPage int) ([]Unpaired, int, error)
	UnpairedByTown(ctx context.Context, a fugong.Actor) ([]TownCount, error)
	// The settings table, where VisitIntervalConfig is kept.
	settings.Store
}

// Service applies the pairing rules over its store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
}

// CanPair reports whether the actor may pair the enterprises of their scope:
// the admin, the inspection group, and a town for its own enterprises.
func CanPair(a fugong.Actor) bool {
	return a.WritesFor(ownerGroup) || a.Role == fugong.RoleTown
}

// CanSeeCadres reports whether the actor may list the cadres: who pairs, and
// the bureau, which reads the whole city.
func CanSeeCadres(a fugong.Actor) bool { return CanPair(a) || a.CityWide() }

// CheckCadre refuses a user who cannot be paired with enterprises: the
// username must name an enabled cadre. found is false for no such user.
// No such user, a user of another role and a disabled cadre get the same
// answer: a town official pairing its firms learns only that the name is
// not a cadre they can pair, not which accounts exist or what they are
// (the admin's, say).
func CheckCadre(username string, u account.User, found bool) error {
	switch {
	case strings.TrimSpace(username) == "":
		return fugong.Errorf(fugong.EInvalid, "username", "请填写干部账号")
	case !found || u.Role != fugong.RoleCadre || u.Disabled:
		return fugong.Errorf(fugong.EInvalid, "username", "%s 不是可结对的驻企干部账号", username)
	}
	return nil
}

// checkPairable refuses an enterprise that is not active: a closed firm
// needs no cadre and is not on the list of those without one.
func checkPairable(e registry.Enterprise) error {
	if e.Status != registry.StatusActive {
		return fugong.Errorf(fugong.EConflict, "uscc", "%s 已注销或停业，无需结对干部", e.Name)
	}
	return nil
}

// cadre looks up and checks the cadre a username names.
func (s *Service) cadre(ctx context.Context, username string) (account.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if username == "" {
		return account.User{}, CheckCadre(username, account.User{}, false)
	}
	u, _, err := s.Store.UserByName(ctx, username)
	found := err == nil
	if err != nil && fugong.ErrorCode(err) != fugong.ENotFound {
		return account.User{}, err
	}
	return u, CheckCadre(username, u, found)
}

// Get returns the pairing of an enterprise in the actor's scope.
func (s *Service) Get(ctx context.Context, a fugong.Actor, uscc string) (Pairing, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Pairing{}, err
	}
	return s.Store.Pairing(ctx, e)
}

// Pair pairs an enterprise in the actor's scope with the cadre username
// names, replacing its cadre if it had another.
func (s *Service) Pair(ctx context.Context, a fugong.Actor, uscc, username string) (Pairing, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Pairing{}, err
	}
	if !CanPair(a) {
		return Pairing{}, fugong.Errorf(fugong.EForbidden, "", "无权为企业结对干部")
	}
	if err := checkPairable(e); err != nil {
		return Pairing{}, err
	}
	u, err := s.cadre(ctx, username)
	if err != nil {
		return Pairing{}, err
	}
	if _, err := s.Store.SavePairings(ctx, a, []Assignment{{USCC: e.USCC, Cadre: u}}, "update"); err != nil {
		return Pairing{}, err
	}
	return s.Store.Pairing(ctx, e)
}

// Unpair removes the cadre of an enterprise in the actor's scope; an
// enterprise without one is left as it is.
// UnpairTarget is the enterprise whose pairing the actor is about to end,
// for the confirmation step: refused as Unpair would refuse it.
func (s *Service) UnpairTarget(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return e, err
	}
	if !CanPair(a) {
		return e, fugong.Errorf(fugong.EForbidden, "", "无权解除干部结对")
	}
	return e, nil
}

func (s *Service) Unpair(ctx context.Context, a fugong.Actor, uscc string) error {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return err
	}
	if !CanPair(a) {
		return fugong.Errorf(fugong.EForbidden, "", "无权解除干部结对")
	}
	_, err = s.Store.Unpair(ctx, a, e.USCC)
	return err
}

// Cadres lists the enabled cadres with their number of enterprises.
func (s *Service) Cadres(ctx context.Context, a fugong.Actor) ([]Cadre, error) {
	if !CanSeeCadres(a) {
		return nil, fugong.NotFound("接口")
	}
	return s.Store.Cadres(ctx)
}

// Suggestions bounds a picker's answer.
const Suggestions = 10

// MaxSuggestQuery bounds what a picker searches for, in characters.
const MaxSuggestQuery = 50

// SuggestCadres returns the cadres a picker offers as the user types: at
// most Suggestions enabled cadres whose username or display name contains
// q; none for an empty q. Who may see the cadres only.
func (s *Service) SuggestCadres(ctx context.Context, a fugong.Actor, q string) ([]Cadre, error) {
	if !CanSeeCadres(a) {
		return nil, fugong.NotFound("接口")
	}
	q = strings.TrimSpace(q)
	if len([]rune(q)) > MaxSuggestQuery {
		return nil, fugong.Errorf(fugong.EInvalid, "q", "搜索词过长（最多 %d 个字）", MaxSuggestQuery)
	}
	if q == "" {
		return []Cadre{}, nil
	}
	return s.Store.SuggestCadres(ctx, q, Suggestions)
}

// UnpairedList is the enterprises without a cadre: the counts of every town
// in scope, and a page of the enterprises (of one town, if asked).
type UnpairedList struct {
	Towns   []TownCount `json:"towns"`
	Items   []Unpaired  `json:"items"`
	Total   int         `json:"total"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
}

// Unpaired returns the enterprises in scope without a cadre. perPage 0 is
// the default page size.
func (s *Service) Unpaired(ctx context.Context, a fugong.Actor, town string, page, perPage int) (UnpairedList, error) {
	town, page, perPage, err := CheckListParams(town, page, perPage)
	if err != nil {
		return UnpairedList{}, err
	}
	l := UnpairedList{Page: page, PerPage: perPage}
	if l.Towns, err = s.Store.UnpairedByTown(ctx, a); err != nil {
		return l, err
	}
	l.Items, l.Total, err = s.Store.Unpaired(ctx, a, town, page, perPage)
	return l, err
}

// AllUnpaired returns every enterprise in scope (and town) without a cadre,
// for the sheet the towns fill in and load back.
func (s *Service) AllUnpaired(ctx context.Context, a fugong.Actor, town string) ([]Unpaired, error) {
	town, _, _, err := CheckListParams(town, 1, 0)
	if err != nil {
		return nil, err
	}
	items, _, err := s.Store.Unpaired(ctx, a, town, 1, 0)
	return items, err
}

// CheckListParams resolves a town filter (code or name, "" for all) and
// checks the page: page 0 is the first, perPage 0 the default.
func CheckListParams(town string, page, perPage int) (string, int, int, error) {
	if town != "" {
		t, ok := registry.TownByNameOrCode(strings.TrimSpace(town))
		if !ok {
			return "", 0, 0, fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		town = t.Code
	}
	if page < 0 {
		return "", 0, 0, fugong.Errorf(fugong.EInvalid, "page", "页码应为正整数")
	}
	if perPage < 0 || perPage > registry.MaxPerPage {
		return "", 0, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–500 之间")
	}
	return town, max(page, 1), cmp.Or(perPage, registry.DefaultPerPage), nil
}
