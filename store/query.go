package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"fugong"
	"fugong/registry"
)

// where builds a WHERE clause with numbered placeholders, the one syntax both
// engines bind ($1, $2, …).
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each ? in it becomes the next $n.
func (w *where) add(cond string, vals ...any) {
	var b strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' && i < len(vals) {
			w.args = append(w.args, vals[i])
			b.WriteString("$" + strconv.Itoa(len(w.args)))
			i++
			continue
		}
		b.WriteRune(r)
	}
	w.conds = append(w.conds, b.String())
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// and is the clause with one more condition, which may use the
// placeholders already numbered; w itself is left as it was.
func (w *where) and(cond string) string {
	return " WHERE " + strings.Join(append(slices.Clone(w.conds), cond), " AND ")
}

// next is the placeholder after the ones used so far.
func (w *where) next(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// enterpriseScope limits the enterprises (alias e) to the actor's scope. This
// is the one place that decides which enterprises a role may see.
func (w *where) enterpriseScope(a fugong.Actor) { w.enterpriseScopeOf(a, "e") }

// enterpriseScopeOf is enterpriseScope on the rows of alias, which hold an
// enterprise's town_code and uscc, or town_code alone for the counters kept
// per town. Those serve whole-town scopes only (see byTown): any narrower
// scope names the uscc they lack and fails rather than reads too much.
func (w *where) enterpriseScopeOf(a fugong.Actor, alias string) {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
	case fugong.RoleTown:
		w.add(alias+".town_code = ?", a.Town)
	case fugong.RoleEnterprise:
		w.add(alias+".uscc = ?", a.Enterprise)
	case fugong.RoleCadre:
		w.add(alias+".uscc IN (SELECT enterprise_uscc FROM cadre_pairings WHERE user_id = ?)", a.UserID)
	default:
		w.add("1 = 0")
	}
}

// inScope is enterpriseScope for one enterprise in hand (GetEnterprise's
// cached rows), but for a cadre's scope, which needs the pairings: the two
// must agree (TestInScopeAgreesWithTheQuery).
func inScope(a fugong.Actor, e registry.Enterprise) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
		return true
	case fugong.RoleTown:
		return e.Town == a.Town
	case fugong.RoleEnterprise:
		return e.USCC == a.Enterprise
	}
	return false
}

// likeEscape escapes LIKE wildcards in user text (used with ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// pageClause appends LIMIT and OFFSET for a page; perPage 0 is every row.
func pageClause(w *where, page, perPage int) string {
	if perPage <= 0 {
		return ""
	}
	return ` LIMIT ` + w.next(perPage) + ` OFFSET ` + w.next(offset(page, perPage))
}

// pageKeys is the query of one page of the keys of the enterprises matching
// w, in the lists' order (town, then name). Lists select the page's keys
// first and then the columns of just those rows: at a million enterprises
// this is milliseconds, where joining everything before the LIMIT took
// seconds. Town codes sort as the towns' display order does.
func pageKeys(w *where, page, perPage int) string {
	return `SELECT e.uscc FROM enterprises e` + w.String() + ` ORDER BY e.town_code, e.name, e.uscc` + pageClause(w, page, perPage)
}

// offset is the number of rows before a page. It saturates where a page
// number too large to exist would overflow: PostgreSQL refuses a negative
// OFFSET, where SQLite reads it as none.
func offset(page, perPage int) int {
	if page <= 1 || perPage <= 0 {
		return 0
	}
	if page-1 > math.MaxInt64/perPage {
		return math.MaxInt64
	}
	return (page - 1) * perPage
}

// scanRaw runs a read query on a reader's connection and calls fn with
// each row's values as the driver gives them ([]byte, string, int64,
// float64, nil), valid until fn returns. It is for scans of a million
// rows: database/sql's work per row (its locks, converting each value)
// was a third of such a scan.
func scanRaw(ctx context.Context, db *sql.DB, query string, args []any, fn func(row []driver.Value) error) error {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return err
		}
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("store: the driver's connection %T cannot query", dc)
		}
		rows, err := q.QueryContext(ctx, query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			if err := fn(dest); err != nil {
				return err
			}
		}
	})
}

// rawBytes is a blob as scanRaw gives it.
func rawBytes(v driver.Value) ([]byte, error) {
	switch b := v.(type) {
	case []byte:
		return b, nil
	case string:
		return []byte(b), nil
	}
	return nil, fmt.Errorf("store: a blob came as %T", v)
}

// rawString is a text as scanRaw gives it.
func rawString(v driver.Value) (string, error) {
	switch s := v.(type) {
	case string:
		return s, nil
	case []byte:
		return string(s), nil
	}
	return "", fmt.Errorf("store: a text came as %T", v)
}
