package finance

import (
	"context"
	"encoding/json"
	"time"

	"fugong"
	"fugong/registry"
)

// Finance support is policy, the coordination group's (综合协调组): it
// records applications, loans, policies and grants; the admin keeps the
// LPR table and the smart-transformation rule. Every role but the
// checkpoint reads, each in its scope (a firm its own records), and may
// use the calculators.
const OwnerGroup = fugong.GroupCoordination

// CanRead reports whether the actor may see the module.
func CanRead(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown, fugong.RoleCadre, fugong.RoleEnterprise:
		return true
	}
	return false
}

// CanManage reports whether the actor records applications, loans,
// policies and grants.
func CanManage(a fugong.Actor) bool { return a.WritesFor(OwnerGroup) }

// CanKeepRates reports whether the actor keeps the LPR table and the
// smart-transformation rule: the admin.
func CanKeepRates(a fugong.Actor) bool { return a.Role == fugong.RoleAdmin }

// Store is what the finance module needs from storage. Saving anything is
// audited by the store. Lists take the actor and keep to its scope.
type Store interface {
	// Setting returns a stored setting (the LPR table, the smart rule), ok
	// false while never set; UpdateSetting replaces it in one transaction.
	Setting(ctx context.Context, key string) (string, bool, error)
	UpdateSetting(ctx context.Context, a fugong.Actor, key string, next func(value string, ok bool) (string, error)) error

	// AddApplication records a normalized new application.
	AddApplication(ctx context.Context, a fugong.Actor, app Application) (Application, error)
	// MoveApplication changes an application's status from `from` to `to`
	// (a move CheckMove allowed) in one transaction: a conflict when it is
	// no longer in `from`.
	MoveApplication(ctx context.Context, a fugong.Actor, id int64, from, to Status, note string) (Application, error)
	Application(ctx context.Context, id int64) (Application, error)
	// Applications lists a batch's applications in scope (every batch for 0).
	Applications(ctx context.Context, a fugong.Actor, batch int) ([]Application, error)

	// AddLoan records a normalized loan; the record's Subsidy holds the
	// loan's own figures (principal, rate, date, days) only.
	AddLoan(ctx context.Context, a fugong.Actor, l LoanInput) (LoanRecord, error)
	// Loans lists the loans in scope, latest first, as AddLoan returns them.
	Loans(ctx context.Context, a fugong.Actor) ([]LoanRecord, error)

	AddPolicy(ctx context.Context, a fugong.Actor, p Policy) (Policy, error)
	// AddArticle adds an article to a policy: a conflict when its number
	// is taken, not found when the policy is not.
	AddArticle(ctx context.Context, a fugong.Actor, ar Article) (Article, error)
	// Policies lists the catalogue with every policy's articles.
	Policies(ctx context.Context) ([]Policy, error)
	// AddGrant records a grant: not found when the article is not.
	AddGrant(ctx context.Context, a fugong.Actor, g Grant) (Grant, error)
	Grants(ctx context.Context, a fugong.Actor, f GrantFilter) ([]Grant, int, error)
	GrantTotals(ctx context.Context, a fugong.Actor, f GrantFilter) (GrantTotals, error)
}

// Service applies the finance rules over its store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
}

const (
	lprKey   = "finance.lpr"
	smartKey = "finance.smart"
)

func readable(a fugong.Actor) error {
	if !CanRead(a) {
		return fugong.NotFound("页面")
	}
	return nil
}

func managing(a fugong.Actor) error {
	if err := readable(a); err != nil {
		return err
	}
	if !CanManage(a) {
		return fugong.Errorf(fugong.EForbidden, "", "只有综合协调组和系统管理员可以登记金融支持和政策兑现")
	}
	return nil
}

// LPRTable returns the LPR table, DefaultLPR until the admin changes it.
func (s *Service) LPRTable(ctx context.Context) (LPRTable, error) {
	v, ok, err := s.Store.Setting(ctx, lprKey)
	if err != nil || !ok {
		return DefaultLPR, err
	}
	var t LPRTable
	if err := json.Unmarshal([]byte(v), &t); err != nil {
		return DefaultLPR, err
	}
	return t, fugong.Invalid(t.Normalize())
}

// SaveLPRTable replaces the LPR table.
func (s *Service) SaveLPRTable(ctx context.Context, a fugong.Actor, t LPRTable) (LPRTable, error) {
	if err := readable(a); err != nil {
		return nil, err
	}
	if !CanKeepRates(a) {
		return nil, fugong.NotFound("页面")
	}
	if err := fugong.Invalid(t.Normalize()); err != nil {
		return nil, err
	}
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return t, s.Store.UpdateSetting(ctx, a, lprKey, func(string, bool) (string, error) { return string(b), nil })
}

// SmartRule returns the smart-transformation rule, DefaultSmartRule
// until changed.
func (s *Service) SmartRule(ctx context.Context) (SmartRule, error) {
	v, ok, err := s.Store.Setting(ctx, smartKey)
	if err != nil || !ok {
		return DefaultSmartRule, err
	}
	var r SmartRule
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return DefaultSmartRule, err
	}
	return r, nil
}

// Interest works out the special re-lending subsidy of a loan.
func (s *Service) Interest(ctx context.Context, a fugong.Actor, l Loan) (Subsidy, error) {
	if err := readable(a); err != nil {
		return Subsidy{}, err
	}
	t, err := s.LPRTable(ctx)
	if err != nil {
		return Subsidy{}, err
	}
	return Calculate(t, l)
}

// Smart works out a smart-transformation subsidy.
func (s *Service) Smart(ctx context.Context, a fugong.Actor, in SmartInput) (SmartSubsidy, SmartRule, error) {
	if err := readable(a); err != nil {
		return SmartSubsidy{}, SmartRule{}, err
	}
	r, err := s.SmartRule(ctx)
	if err != nil {
		return SmartSubsidy{}, r, err
	}
	sub, err := Smart(r, in)
	return sub, r, err
}

// Apply records an application of a firm in a batch.
func (s *Service) Apply(ctx context.Context, a fugong.Actor, app Application) (Application, error) {
	if err := managing(a); err != nil {
		return Application{}, err
	}
	if err := fugong.Invalid(app.Normalize()); err != nil {
		return Application{}, err
	}
	if _, err := s.Registry.Get(ctx, a, app.USCC); err != nil {
		return Application{}, err
	}
	return s.Store.AddApplication(ctx, a, app)
}

// Move changes an application's status.
func (s *Service) Move(ctx context.Context, a fugong.Actor, id int64, to Status, note string) (Application, error) {
	if err := managing(a); err != nil {
		return Application{}, err
	}
	cur, err := s.Store.Application(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if err := CheckMove(cur.Status, to); err != nil {
		return Application{}, err
	}
	note, msg := cleanText(note, MaxNoteRunes, false)
	if msg != "" {
		return Application{}, fugong.Errorf(fugong.EInvalid, "note", "备注%s", msg)
	}
	if note == "" {
		note = cur.Note
	}
	return s.Store.MoveApplication(ctx, a, id, cur.Status, to, note)
}

// Applications lists a batch's applications in scope (every batch for 0).
func (s *Service) Applications(ctx context.Context, a fugong.Actor, batch int) ([]Application, error) {
	if err := readable(a); err != nil {
		return nil, err
	}
	if batch < 0 || batch > 100 {
		return nil, fugong.Errorf(fugong.EInvalid, "batch", "批次应在 1–100 之间")
	}
	return s.Store.Applications(ctx, a, batch)
}

// Batches counts the applications in scope per batch and status.
func Batches(apps []Application) []Batch {
	var out []Batch
	at := map[int]int{}
	for _, app := range apps {
		i, ok := at[app.Batch]
		if !ok {
			i = len(out)
			at[app.Batch] = i
			out = append(out, Batch{Batch: app.Batch, ByStatus: map[Status]int{Submitted: 0, Recommended: 0, Approved: 0, Rejected: 0}})
		}
		out[i].Total++
		out[i].ByStatus[app.Status]++
	}
	return out
}

// AddLoan records a loan of a firm and returns it with its subsidy.
func (s *Service) AddLoan(ctx context.Context, a fugong.Actor, in LoanInput) (LoanRecord, error) {
	if err := managing(a); err != nil {
		return LoanRecord{}, err
	}
	if err := fugong.Invalid(in.Normalize()); err != nil {
		return LoanRecord{}, err
	}
	t, err := s.LPRTable(ctx)
	if err != nil {
		return LoanRecord{}, err
	}
	if _, err := t.On(in.Date); err != nil {
		return LoanRecord{}, err
	}
	if _, err := s.Registry.Get(ctx, a, in.USCC); err != nil {
		return LoanRecord{}, err
	}
	rec, err := s.Store.AddLoan(ctx, a, in)
	if err != nil {
		return rec, err
	}
	return withSubsidy(t, rec)
}

// Loans lists the loans in scope with their subsidies.
func (s *Service) Loans(ctx context.Context, a fugong.Actor) ([]LoanRecord, error) {
	if err := readable(a); err != nil {
		return nil, err
	}
	t, err := s.LPRTable(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := s.Store.Loans(ctx, a)
	if err != nil {
		return nil, err
	}
	for i := range recs {
		if recs[i], err = withSubsidy(t, recs[i]); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

func withSubsidy(t LPRTable, rec LoanRecord) (LoanRecord, error) {
	s := rec.Subsidy
	sub, err := Calculate(t, Loan{PrincipalYuan: s.Principal.Yuan(), RatePercent: s.Rate.Percent(), Date: s.Date, Days: s.Days})
	if err != nil {
		return rec, err
	}
	rec.Subsidy = sub
	return rec, nil
}

// AddPolicy adds a policy to the catalogue.
func (s *Service) AddPolicy(ctx context.Context, a fugong.Actor, p Policy) (Policy, error) {
	if err := managing(a); err != nil {
		return Policy{}, err
	}
	if err := fugong.Invalid(p.Normalize()); err != nil {
		return Policy{}, err
	}
	p.Articles = nil
	return s.Store.AddPolicy(ctx, a, p)
}

// AddArticle adds an article to a policy.
func (s *Service) AddArticle(ctx context.Context, a fugong.Actor, ar Article) (Article, error) {
	if err := managing(a); err != nil {
		return Article{}, err
	}
	if err := fugong.Invalid(ar.Normalize()); err != nil {
		return Article{}, err
	}
	return s.Store.AddArticle(ctx, a, ar)
}

// Policies lists the catalogue.
func (s *Service) Policies(ctx context.Context, a fugong.Actor) ([]Policy, error) {
	if err := readable(a); err != nil {
		return nil, err
	}
	return s.Store.Policies(ctx)
}

// Grant records what a firm received under an article.
func (s *Service) Grant(ctx context.Context, a fugong.Actor, in GrantInput) (Grant, error) {
	if err := managing(a); err != nil {
		return Grant{}, err
	}
	g, ps := in.Normalize()
	if err := fugong.Invalid(ps); err != nil {
		return Grant{}, err
	}
	if _, err := s.Registry.Get(ctx, a, g.USCC); err != nil {
		return Grant{}, err
	}
	return s.Store.AddGrant(ctx, a, g)
}

func (s *Service) grantFilter(f GrantFilter) (GrantFilter, error) {
	if f.Town != "" {
		t, ok := registry.TownByNameOrCode(f.Town)
		if !ok {
			return f, fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		f.Town = t.Code
	}
	if f.USCC != "" {
		u, msg := registry.NormalizeUSCC(f.USCC)
		if msg != "" {
			return f, fugong.Errorf(fugong.EInvalid, "uscc", "统一社会信用代码%s", msg)
		}
		f.USCC = u
	}
	if f.PerPage > registry.MaxPerPage {
		return f, fugong.Errorf(fugong.EInvalid, "per_page", "每页最多 %d 条", registry.MaxPerPage)
	}
	f.Page = max(f.Page, 1)
	return f, nil
}

// Grants lists the grants in scope.
func (s *Service) Grants(ctx context.Context, a fugong.Actor, f GrantFilter) ([]Grant, int, error) {
	if err := readable(a); err != nil {
		return nil, 0, err
	}
	f, err := s.grantFilter(f)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.Grants(ctx, a, f)
}

// GrantTotals adds up the grants in scope per policy, article, town and
// class.
func (s *Service) GrantTotals(ctx context.Context, a fugong.Actor, f GrantFilter) (GrantTotals, error) {
	if err := readable(a); err != nil {
		return GrantTotals{}, err
	}
	f, err := s.grantFilter(f)
	if err != nil {
		return GrantTotals{}, err
	}
	return s.Store.GrantTotals(ctx, a, f)
}
