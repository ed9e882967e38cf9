package pairing

import (
	"context"
	"fmt"
	"strings"

	"fugong"
	"fugong/account"
	"fugong/registry"
)

// FieldLabels are the Chinese headers of a pairing sheet's columns.
var FieldLabels = map[string]string{"uscc": "统一社会信用代码", "username": "干部账号"}

// ImportRow is one data row of a sheet of pairings, as read by the sheet package.
type ImportRow struct {
	Row      int // 1-based, as the spreadsheet shows it
	USCC     string
	Username string
	Columns  map[string]string // field → header as written in the file
	// Problems are cells that could not even be read (too long).
	Problems []registry.RowError
}

// ImportError is returned when a sheet has bad rows and nothing was stored.
type ImportError struct{ Rows []registry.RowError }

// RowErrors lists the sheet's problems.
func (e *ImportError) RowErrors() []registry.RowError { return e.Rows }

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d problems in the file, nothing imported", len(e.Rows))
}

// notInScope is the one answer for a code that is unknown or outside the
// actor's scope: like the API's 404, it does not tell the two apart.
const notInScope = "企业不在您的管辖范围内或未登记"

// CheckImporter refuses an actor who may not import pairings: who may not
// pair. An upload asks before it reads the file, so that they are told so
// rather than what is wrong with its rows; Import asks again.
func CheckImporter(a fugong.Actor) error {
	if !CanPair(a) {
		return fugong.Errorf(fugong.EForbidden, "", "无权导入干部结对")
	}
	return nil
}

// Import checks every row and stores all the pairings in one transaction:
// any bad row stores nothing and returns *ImportError listing every problem.
func (s *Service) Import(ctx context.Context, a fugong.Actor, rows []ImportRow) (SaveResult, error) {
	if err := CheckImporter(a); err != nil {
		return SaveResult{}, err
	}
	if len(rows) == 0 {
		return SaveResult{}, fugong.Errorf(fugong.EInvalid, "file", "文件中没有填写了干部账号的行")
	}
	enterprise := func(uscc string) (registry.Enterprise, error) { return s.Registry.Get(ctx, a, uscc) }
	cadre := func(username string) (account.User, error) {
		u, _, err := s.Store.UserByName(ctx, username)
		return u, err
	}
	as, bad, err := checkRows(rows, enterprise, cadre)
	if err != nil {
		return SaveResult{}, err
	}
	if len(bad) > 0 {
		return SaveResult{}, &ImportError{Rows: bad}
	}
	return s.Store.SavePairings(ctx, a, as, "import")
}

// checkRows turns rows into assignments, or lists what is wrong with them.
// enterprise reads an enterprise in the importer's scope and cadre a user,
// both failing with not_found for none; any other error is returned.
func checkRows(rows []ImportRow, enterprise func(string) (registry.Enterprise, error),
	cadre func(string) (account.User, error)) ([]Assignment, []registry.RowError, error) {
	type looked struct {
		u   account.User
		err error
	}
	cadres := map[string]looked{} // a sheet names the same cadre many times
	seen := map[string]int{}      // first row of each enterprise
	var as []Assignment
	var bad []registry.RowError
	for _, r := range rows {
		problems := append([]registry.RowError(nil), r.Problems...)
		reported := map[string]bool{}
		for _, p := range problems {
			reported[p.Field] = true
		}
		add := func(field, msg string) {
			problems = append(problems, registry.RowError{Row: r.Row, Column: r.Columns[field], Field: field, Message: msg})
			reported[field] = true
		}
		var e registry.Enterprise
		if !reported["uscc"] {
			code, msg := registry.NormalizeUSCC(r.USCC)
			switch {
			case strings.TrimSpace(r.USCC) == "":
				add("uscc", "统一社会信用代码不能为空")
			case msg != "":
				add("uscc", "统一社会信用代码"+msg)
			default:
				if first, dup := seen[code]; dup {
					add("uscc", fmt.Sprintf("统一社会信用代码与第%d行重复", first))
					break
				}
				seen[code] = r.Row
				var err error
				e, err = enterprise(code)
				switch {
				case fugong.ErrorCode(err) == fugong.ENotFound:
					add("uscc", notInScope)
				case err != nil:
					return nil, nil, err
				default:
					if err := checkPairable(e); err != nil {
						add("uscc", fugong.AsError(err).Message)
					}
				}
			}
		}
		var u account.User
		if !reported["username"] {
			name := strings.ToLower(strings.TrimSpace(r.Username))
			l, ok := cadres[name]
			if !ok && name != "" {
				l.u, l.err = cadre(name)
				if l.err != nil && fugong.ErrorCode(l.err) != fugong.ENotFound {
					return nil, nil, l.err
				}
				cadres[name] = l
			}
			if err := CheckCadre(name, l.u, name != "" && l.err == nil); err != nil {
				add("username", fugong.AsError(err).Message)
			}
			u = l.u
		}
		if len(problems) > 0 {
			bad = append(bad, problems...)
			continue
		}
		as = append(as, Assignment{USCC: e.USCC, Cadre: u})
	}
	return as, bad, nil
}
