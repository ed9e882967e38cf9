package registry

import (
	"context"
	"fmt"
	"strings"

	"fugong"
)

// Store is what the registry needs from storage. Reads are limited to the
// actor's scope; a record outside it is not found.
type Store interface {
	ListEnterprises(ctx context.Context, a fugong.Actor, f Filter) ([]Enterprise, int, error)
	EachEnterprise(ctx context.Context, a fugong.Actor, f Filter, fn func(Enterprise) error) error
	GetEnterprise(ctx context.Context, a fugong.Actor, uscc string) (Enterprise, error)
	// FindEnterprises returns the stored records among usccs, whatever the scope:
	// imports must know which codes exist anywhere to refuse a clash.
	FindEnterprises(ctx context.Context, usccs []string) (map[string]Enterprise, error)
	CreateEnterprise(ctx context.Context, a fugong.Actor, e Enterprise) (Enterprise, error)
	UpdateEnterprise(ctx context.Context, a fugong.Actor, before, after Enterprise) (Enterprise, error)
	// SaveEnterprises inserts or updates all records in one transaction.
	SaveEnterprises(ctx context.Context, a fugong.Actor, es []Enterprise, progress func(done int)) (created, updated int, err error)
	// CountByTown counts the enterprises in scope per town and size class.
	CountByTown(ctx context.Context, a fugong.Actor) ([]TownCount, error)
}

// TownCount is the number of enterprises of a town by size class.
type TownCount struct {
	Town  Town `json:"town"`
	Above int  `json:"above"`
	Below int  `json:"below"`
}

// Total is all enterprises of the town.
func (c TownCount) Total() int { return c.Above + c.Below }

// Service applies the registry's rules on top of its store.
type Service struct {
	Store Store
}

// List returns a page of enterprises in the actor's scope and the total count.
func (s *Service) List(ctx context.Context, a fugong.Actor, f Filter) ([]Enterprise, int, error) {
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	if f.Page == 0 {
		f.Page = 1
	}
	return s.Store.ListEnterprises(ctx, a, f)
}

// Each streams every enterprise matching f in the actor's scope (exports).
func (s *Service) Each(ctx context.Context, a fugong.Actor, f Filter, fn func(Enterprise) error) error {
	if err := f.Normalize(); err != nil {
		return err
	}
	f.Page = 0
	return s.Store.EachEnterprise(ctx, a, f, fn)
}

// Get returns one enterprise in the actor's scope.
func (s *Service) Get(ctx context.Context, a fugong.Actor, uscc string) (Enterprise, error) {
	code, msg := NormalizeUSCC(uscc)
	if msg != "" {
		return Enterprise{}, fugong.NotFound("企业")
	}
	return s.Store.GetEnterprise(ctx, a, code)
}

// maxCandidates bounds the firms an ambiguous name lists.
const maxCandidates = 10

// Resolve is the USCC of the firm a form's field (field) names: a credit
// code as typed (upper-cased; the caller's Get checks it and the scope), or
// the exact name of a firm in the actor's scope. A name of no firm in scope
// is refused, and so is a name of several, listing them with their codes
// for the user to choose. Empty is returned as it is, for the caller's
// rule of a required field.
func (s *Service) Resolve(ctx context.Context, a fugong.Actor, field, typed string) (string, error) {
	v := strings.TrimSpace(typed)
	if v == "" || isASCII(v) {
		return strings.ToUpper(v), nil
	}
	if len([]rune(v)) > 100 {
		return "", fugong.Errorf(fugong.EInvalid, field, "企业名称过长（最多 100 个字）")
	}
	es, total, err := s.Store.ListEnterprises(ctx, a, Filter{Name: v, Page: 1, PerPage: maxCandidates})
	if err != nil {
		return "", err
	}
	switch total {
	case 0:
		return "", fugong.Errorf(fugong.EInvalid, field, "未找到名称为“%s”的企业（在您的管辖范围内），请从列表中选择或填写统一社会信用代码", v)
	case 1:
		return es[0].USCC, nil
	}
	var names []string
	for _, e := range es {
		names = append(names, fmt.Sprintf("%s（%s）", e.TownName, e.USCC))
	}
	more := ""
	if total > len(es) {
		more = fmt.Sprintf(" 等 %d 家", total)
	}
	return "", fugong.Errorf(fugong.EInvalid, field, "名称为“%s”的企业有 %d 家：%s%s，请填写其中一家的统一社会信用代码", v, total, strings.Join(names, "、"), more)
}

// isASCII reports whether s has only ASCII characters: a credit code,
// never a firm's (Chinese) name.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Create registers a new enterprise.
func (s *Service) Create(ctx context.Context, a fugong.Actor, e Enterprise) (Enterprise, error) {
	if err := fugong.Invalid(e.Normalize()); err != nil {
		return Enterprise{}, err
	}
	if err := CanCreate(a, e); err != nil {
		return Enterprise{}, err
	}
	return s.Store.CreateEnterprise(ctx, a, e)
}

// Update applies edit to the stored record and saves the result.
func (s *Service) Update(ctx context.Context, a fugong.Actor, uscc string, edit func(*Enterprise) error) (Enterprise, error) {
	before, err := s.Get(ctx, a, uscc)
	if err != nil {
		return Enterprise{}, err
	}
	after := before.Clone()
	if err := edit(&after); err != nil {
		return Enterprise{}, err
	}
	if code, _ := NormalizeUSCC(after.USCC); code != before.USCC {
		return Enterprise{}, fugong.Errorf(fugong.EInvalid, "uscc", "统一社会信用代码不能修改")
	}
	if err := fugong.Invalid(after.Normalize()); err != nil {
		return Enterprise{}, err
	}
	if err := CanEdit(a, before, after); err != nil {
		return Enterprise{}, err
	}
	if len(ChangedFields(before, after)) == 0 {
		return before, nil
	}
	return s.Store.UpdateEnterprise(ctx, a, before, after)
}

// RowError is one problem in one row of an imported file.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (r RowError) String() string {
	if r.Column == "" {
		return fmt.Sprintf("第%d行：%s", r.Row, r.Message)
	}
	return fmt.Sprintf("第%d行，列“%s”：%s", r.Row, r.Column, r.Message)
}

// ImportRow is one data row of a file, as read by the sheet package.
type ImportRow struct {
	Row        int
	Enterprise Enterprise
	Columns    map[string]string // field → header as written in the file
	Problems   []RowError        // cells that could not even be read (e.g. "abc" as a number)
}

// ImportResult says what an import did.
type ImportResult struct {
	Created int        `json:"created"`
	Updated int        `json:"updated"`
	Bad     []RowError `json:"errors"`
	BadRows []int      `json:"bad_rows"`
}

// ImportError is returned when a file has bad rows and nothing was stored.
type ImportError struct{ Rows []RowError }

// RowErrors lists the file's problems.
func (e *ImportError) RowErrors() []RowError { return e.Rows }

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d problems in the file, nothing imported", len(e.Rows))
}

// Import validates every row and stores the file as one transaction. Without
// skipBad any bad row stores nothing and returns *ImportError; with it the
// good rows are stored and the bad ones reported.
func (s *Service) Import(ctx context.Context, a fugong.Actor, rows []ImportRow, skipBad bool, progress func(done, total int)) (ImportResult, error) {
	if !CanRegister(a) {
		return ImportResult{}, fugong.Errorf(fugong.EForbidden, "", "无权导入企业名单")
	}
	var res ImportResult
	usccs := make([]string, len(rows))
	for i, r := range rows {
		usccs[i], _ = NormalizeUSCC(r.Enterprise.USCC)
	}
	existing, err := s.Store.FindEnterprises(ctx, usccs)
	if err != nil {
		return res, err
	}
	for i := range rows {
		r := &rows[i]
		if before, ok := existing[usccs[i]]; ok {
			// A list with fewer columns updates only what it has: the 亩均
			// system's export carries no status, a town's sheet no 亩均 class.
			r.Enterprise.keepMissing(before, r.Columns)
		}
		reported := map[string]bool{}
		for _, p := range r.Problems {
			reported[p.Field] = true
		}
		for _, p := range r.Enterprise.Normalize() {
			// A cell the reader could not parse is reported once, by the reader.
			if !reported[p.Field] {
				r.Problems = append(r.Problems, RowError{Row: r.Row, Field: p.Field, Column: r.Columns[p.Field], Message: p.Message})
			}
		}
	}
	seen := map[string]int{}
	var good []Enterprise
	for i := range rows {
		r := &rows[i]
		e := r.Enterprise
		if len(r.Problems) == 0 {
			if first, dup := seen[e.USCC]; dup {
				r.Problems = append(r.Problems, RowError{Row: r.Row, Field: "uscc", Column: r.Columns["uscc"],
					Message: fmt.Sprintf("统一社会信用代码与第%d行重复", first)})
			} else if err := importAllowed(a, existing, e); err != nil {
				fe := fugong.AsError(err)
				r.Problems = append(r.Problems, RowError{Row: r.Row, Field: fe.Field, Column: r.Columns[fe.Field], Message: fe.Message})
			}
		}
		if e.USCC != "" {
			if _, dup := seen[e.USCC]; !dup {
				seen[e.USCC] = r.Row
			}
		}
		if len(r.Problems) > 0 {
			res.Bad = append(res.Bad, r.Problems...)
			res.BadRows = append(res.BadRows, r.Row)
			continue
		}
		good = append(good, e)
	}
	if len(res.Bad) > 0 && !skipBad {
		return res, &ImportError{Rows: res.Bad}
	}
	var stored func(int)
	if progress != nil {
		stored = func(done int) { progress(done, len(good)) }
	}
	res.Created, res.Updated, err = s.Store.SaveEnterprises(ctx, a, good, stored)
	return res, err
}

func importAllowed(a fugong.Actor, existing map[string]Enterprise, e Enterprise) error {
	before, ok := existing[e.USCC]
	if !ok {
		return CanCreate(a, e)
	}
	if !a.CityWide() && before.Town != a.Town {
		return fugong.Errorf(fugong.EConflict, "uscc", "该统一社会信用代码已在其他乡镇街道登记")
	}
	e.CreatedAt, e.UpdatedAt = before.CreatedAt, before.UpdatedAt
	return CanEdit(a, before, e)
}

// CountByTown counts the enterprises in the actor's scope per town.
func (s *Service) CountByTown(ctx context.Context, a fugong.Actor) ([]TownCount, error) {
	return s.Store.CountByTown(ctx, a)
}
