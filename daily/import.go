package daily

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fugong"
	"fugong/registry"
)

// ImportRow is one data row of a file of reports (batch entry: reports a
// town or the statistics group collected by phone), as read by the sheet
// package.
type ImportRow struct {
	Row     int // 1-based, as the spreadsheet shows it
	USCC    string
	Date    string // YYYY-MM-DD when the reader could read it
	Figures Figures
	Columns map[string]string // field → header as written in the file
	// Problems are cells that could not even be read ("abc" as a count).
	Problems []registry.RowError
}

// ImportResult says what an import of reports did.
type ImportResult struct {
	Created int                 `json:"created"` // the day's first version of a report
	Updated int                 `json:"updated"` // a correction: a new version
	Bad     []registry.RowError `json:"errors"`
	BadRows []int               `json:"bad_rows"`
}

// ImportError is returned when a file has bad rows and nothing was stored.
type ImportError struct{ Rows []registry.RowError }

// RowErrors lists the file's problems.
func (e *ImportError) RowErrors() []registry.RowError { return e.Rows }

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d problems in the file, nothing imported", len(e.Rows))
}

// BatchError is what Store.SubmitAll returns when submission Index was
// refused (a day locked meanwhile, …); the whole batch was rolled back.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string { return fmt.Sprintf("submission %d: %v", e.Index, e.Err) }

func (e *BatchError) Unwrap() error { return e.Err }

// notInScope is the one answer for a code that is unknown or outside the
// actor's scope: like the API's 404, it does not tell the two apart.
const notInScope = "企业不在您的管辖范围内或未登记"

// Import checks every row as Submit would and stores the good ones in one
// transaction. Without skipBad any bad row stores nothing and returns
// *ImportError; with it the good rows are stored and the bad ones reported.
func (s *Service) Import(ctx context.Context, a fugong.Actor, rows []ImportRow, skipBad bool) (ImportResult, error) {
	return s.ImportProgress(ctx, a, rows, skipBad, nil)
}

// ImportProgress is Import reporting its progress (rows checked, then
// stored) to progress, if not nil.
func (s *Service) ImportProgress(ctx context.Context, a fugong.Actor, rows []ImportRow, skipBad bool, progress func(done, total int)) (ImportResult, error) {
	res := ImportResult{Bad: []registry.RowError{}, BadRows: []int{}}
	if !CanReport(a) {
		return res, fugong.Errorf(fugong.EForbidden, "", "无权导入日报")
	}
	if len(rows) == 0 {
		return res, fugong.Errorf(fugong.EInvalid, "file", "文件中没有填写了日报数据的行")
	}
	deadline, err := s.Deadline(ctx)
	if err != nil {
		return res, err
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	now := s.Now()
	type day struct{ key, date string } // an enterprise's or a town's day
	seen := map[day]int{}               // first row of each enterprise-day
	locked := map[day]SignOff{}         // town-days already looked up
	var good []Submission
	var goodRows []int // index in rows of each of good
	for i := range rows {
		r := &rows[i]
		problems := append([]registry.RowError(nil), r.Problems...)
		reported := map[string]bool{}
		for _, p := range problems {
			reported[p.Field] = true
		}
		bad := func(field, msg string) {
			problems = append(problems, registry.RowError{Row: r.Row, Column: r.Columns[field], Field: field, Message: msg})
			reported[field] = true
		}
		var e registry.Enterprise
		found := false
		if !reported["uscc"] {
			if strings.TrimSpace(r.USCC) == "" {
				bad("uscc", "统一社会信用代码不能为空")
			} else if e, err = s.Registry.Get(ctx, a, r.USCC); err == nil {
				found = true
				if err := checkActive(e); err != nil {
					bad("uscc", fugong.AsError(err).Message)
				}
			} else if fugong.ErrorCode(err) == fugong.ENotFound {
				bad("uscc", notInScope)
			} else {
				return res, err
			}
		}
		if !reported["date"] {
			if err := CheckDay(r.Date, now, e.CreatedAt); err != nil {
				bad("date", dayMessage(err))
			}
		}
		f := r.Figures
		for _, p := range f.Normalize() {
			// A cell the reader could not parse is reported once, by the reader.
			if !reported[p.Field] {
				bad(p.Field, p.Message)
			}
		}
		k := day{e.USCC, r.Date}
		if len(problems) == 0 {
			if first, dup := seen[k]; dup {
				bad("uscc", fmt.Sprintf("与第%d行重复：同一企业同一日期只能有一行", first))
			} else {
				town := day{e.Town, r.Date}
				o, ok := locked[town]
				if !ok {
					var err error
					o, err = s.Store.SignOffOf(ctx, e.Town, r.Date)
					if err != nil && fugong.ErrorCode(err) != fugong.ENotFound {
						return res, err
					}
					o.Date = r.Date
					locked[town] = o
				}
				// A signed day takes the reports that were not in.
				if o.Signed {
					old, err := s.Store.Report(ctx, e.USCC, r.Date)
					var prev *Report
					switch {
					case err == nil:
						prev = &old
					case fugong.ErrorCode(err) != fugong.ENotFound:
						return res, err
					}
					if _, err := CheckSigned(o, prev); err != nil {
						bad("date", fugong.AsError(err).Message)
					}
				}
			}
		}
		if found && !reported["date"] {
			if _, dup := seen[k]; !dup {
				seen[k] = r.Row
			}
		}
		if len(problems) > 0 {
			res.Bad = append(res.Bad, problems...)
			res.BadRows = append(res.BadRows, r.Row)
		} else {
			date := r.Date
			good = append(good, Submission{USCC: e.USCC, Town: e.Town, Date: date, Figures: f,
				OnTime: func(first time.Time) bool { return deadline.OnTime(date, first) }})
			goodRows = append(goodRows, i)
		}
		progress(i, len(rows))
	}
	if len(res.Bad) > 0 && !skipBad {
		return res, &ImportError{Rows: res.Bad}
	}
	// A row refused inside the transaction (its town signed the day off
	// after the check above) rolls the batch back: it and the other rows of
	// its town and day become bad rows, and with skipBad the rest are stored
	// again without them.
	for len(good) > 0 {
		results, err := s.Store.SubmitAll(ctx, a, good)
		var be *BatchError
		if errors.As(err, &be) && be.Index >= 0 && be.Index < len(good) && fugong.AsError(be.Err) != nil {
			fe := fugong.AsError(be.Err)
			refused := good[be.Index]
			keep, keepRows := good[:0], goodRows[:0]
			for j, g := range good {
				if g.Town != refused.Town || g.Date != refused.Date {
					keep, keepRows = append(keep, g), append(keepRows, goodRows[j])
					continue
				}
				r := rows[goodRows[j]]
				res.Bad = append(res.Bad, registry.RowError{Row: r.Row, Column: r.Columns[fe.Field], Field: fe.Field, Message: fe.Message})
				res.BadRows = append(res.BadRows, r.Row)
			}
			if !skipBad {
				return res, &ImportError{Rows: res.Bad}
			}
			good, goodRows = keep, keepRows
			continue
		}
		if err != nil {
			return ImportResult{Bad: res.Bad, BadRows: res.BadRows}, err
		}
		for _, r := range results {
			if r.Created {
				res.Created++
			} else {
				res.Updated++
			}
		}
		break
	}
	progress(len(rows), len(rows))
	return res, nil
}

// dayMessage is the Chinese message of a CheckDay error.
func dayMessage(err error) string {
	if fe := fugong.AsError(err); fe != nil {
		return fe.Message
	}
	return "日期无效"
}
