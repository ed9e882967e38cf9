package people

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"fugong"
	"fugong/pii"
	"fugong/registry"
)

// MaxImportRows is the most people one sheet may add.
const MaxImportRows = 50_000

// ImportRow is one row of a roster sheet, read by package sheet.
type ImportRow struct {
	Row     int               // 1-based, as the spreadsheet shows it
	Person  Person            // as written; Normalize judges it
	Columns map[string]string // field → header as written in the file
	// Problems are cells that could not even be read (a number that is
	// not one, 是/否 that is neither).
	Problems []registry.RowError
}

// ImportResult is what an import stored.
type ImportResult struct {
	Created int                 `json:"created"`
	Bad     []registry.RowError `json:"errors"` // rows skipped (with skip_bad)
}

// ImportError is a sheet with bad rows, of which nothing was stored.
type ImportError struct{ Rows []registry.RowError }

// RowErrors lists the sheet's problems.
func (e *ImportError) RowErrors() []registry.RowError { return e.Rows }

func (e *ImportError) Error() string {
	return fmt.Sprintf("people: %d problems in the sheet; nothing was imported", len(e.Rows))
}

// Import adds a sheet of people to an enterprise's roster in one
// transaction: all or nothing unless skipBad, every bad row named with its
// row number, column and rule. An ID number twice in the sheet, or already
// on the roster, is a bad row.
func (s *Service) Import(ctx context.Context, a fugong.Actor, uscc string, rows []ImportRow, skipBad bool) (ImportResult, error) {
	e, err := s.editable(ctx, a, uscc)
	if err != nil {
		return ImportResult{}, err
	}
	keys, err := s.keys()
	if err != nil {
		return ImportResult{}, err
	}
	switch {
	case len(rows) == 0:
		return ImportResult{}, fugong.Errorf(fugong.EInvalid, "file", "文件中没有人员")
	case len(rows) > MaxImportRows:
		return ImportResult{}, fugong.Errorf(fugong.ETooLarge, "file", "一次最多导入 %d 人，请分批导入", MaxImportRows)
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	today := s.Today()
	type candidate struct {
		row     int
		columns map[string]string
		p       Person
		idx     []pii.Index
	}
	var good []candidate
	var bad []registry.RowError
	seen := map[string]int{} // ID number → first row
	var all []pii.Index
	for _, r := range rows {
		p := r.Person
		p.ID, p.Enterprise = 0, e.USCC
		problems := append([]registry.RowError(nil), r.Problems...)
		reported := map[string]bool{}
		for _, pr := range problems {
			reported[pr.Field] = true
		}
		for _, pr := range p.Normalize(today, set) {
			if !reported[pr.Field] {
				problems = append(problems, registry.RowError{Row: r.Row, Column: r.Columns[pr.Field], Field: pr.Field, Message: pr.Message})
				reported[pr.Field] = true
			}
		}
		if !reported["id_number"] {
			if first, dup := seen[p.IDNumber]; dup {
				problems = append(problems, registry.RowError{Row: r.Row, Column: r.Columns["id_number"], Field: "id_number",
					Message: fmt.Sprintf("身份证号码与第%d行重复", first)})
			} else {
				seen[p.IDNumber] = r.Row
			}
		}
		if len(problems) > 0 {
			bad = append(bad, problems...)
			continue
		}
		idx, err := keys.IDIndexes(p.IDNumber)
		if err != nil {
			return ImportResult{}, err
		}
		all = append(all, idx...)
		good = append(good, candidate{r.Row, r.Columns, p, idx})
	}
	taken, err := s.Store.IndexesTaken(ctx, e.USCC, all)
	if err != nil {
		return ImportResult{}, err
	}
	var ps []Person
	for _, c := range good {
		var other *Person
		for _, x := range c.idx {
			if o, ok := taken[x]; ok {
				other = &o
				break
			}
		}
		if other != nil {
			bad = append(bad, registry.RowError{Row: c.row, Column: c.columns["id_number"], Field: "id_number",
				Message: fmt.Sprintf("该企业已登记此身份证号码的人员（%s）", other.Name)})
			continue
		}
		ps = append(ps, c.p)
	}
	sortRowErrors(bad)
	if len(bad) > 0 && !skipBad {
		return ImportResult{}, &ImportError{Rows: bad}
	}
	res := ImportResult{Bad: bad}
	if res.Bad == nil {
		res.Bad = []registry.RowError{}
	}
	if len(ps) == 0 {
		return res, nil
	}
	stored, err := s.Store.AddPeople(ctx, a, ps, func(i int, id int64) (Sealed, error) {
		q := ps[i]
		q.ID = id
		return Seal(keys, q)
	})
	if err != nil {
		return ImportResult{}, err
	}
	res.Created = len(stored)
	return res, nil
}

// sortRowErrors orders problems by row, keeping each row's in field order.
func sortRowErrors(rs []registry.RowError) {
	slices.SortStableFunc(rs, func(a, b registry.RowError) int { return cmp.Compare(a.Row, b.Row) })
}
