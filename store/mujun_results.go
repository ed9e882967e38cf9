package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"slices"
	"strings"

	"fugong"
	"fugong/mujun"
)

// Reading a run's packed results (mujun_pack.go).

// resultScope is what of a run's results an actor sees: every town's, one
// town's, or a few firms' (an enterprise's own, a cadre's pairings).
type resultScope struct {
	all   bool
	town  string
	firms []string
}

func (db *DB) resultScope(ctx context.Context, a fugong.Actor) (resultScope, error) {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau:
		return resultScope{all: true}, nil
	case fugong.RoleTown:
		return resultScope{town: a.Town}, nil
	case fugong.RoleEnterprise:
		return resultScope{firms: []string{a.Enterprise}}, nil
	case fugong.RoleCadre:
		firms, err := queryStrings(ctx, db.r, `SELECT enterprise_uscc FROM cadre_pairings WHERE user_id = $1 ORDER BY enterprise_uscc`, a.UserID)
		return resultScope{firms: firms}, err
	}
	return resultScope{firms: []string{}}, nil
}

// few reports whether the scope is a list of firms.
func (s resultScope) few() bool { return !s.all && s.town == "" }

// eachResultKey calls fn with the key of each of a run's results, in USCC
// order, reading only the chunks' keys.
func (db *DB) eachResultKey(ctx context.Context, run int64, fn func(k *packedKey) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT head FROM mujun_result_chunks WHERE run_id = $1 ORDER BY seq`, run)
	if err != nil {
		return err
	}
	defer rows.Close()
	var head sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&head); err != nil {
			return err
		}
		if err := eachKey(head, fn); err != nil {
			return err
		}
	}
	return rows.Err()
}

// decodeResult makes the listed result of a key and its chunk's details.
func decodeResult(k *packedKey, detail []byte, j int) (mujun.Listed, error) {
	l := mujun.Listed{Group: k.group}
	l.USCC, l.Town, l.Class = string(k.uscc), string(k.town), k.class
	d, err := nthDetail(detail, j)
	if err != nil {
		return l, err
	}
	return l, decodeDetail(d, &l.Result)
}

// result returns a firm's result in a run, found false when it has none.
func (db *DB) result(ctx context.Context, run int64, uscc string) (l mujun.Listed, found bool, err error) {
	var head, detail []byte
	err = db.r.QueryRowContext(ctx, `SELECT head, detail FROM mujun_result_chunks WHERE run_id = $1 AND first_uscc <= $2
		ORDER BY first_uscc DESC LIMIT 1`, run, uscc).Scan(&head, &detail)
	if err == sql.ErrNoRows {
		return l, false, nil
	}
	if err != nil {
		return l, false, err
	}
	j := 0
	err = eachKey(head, func(k *packedKey) error {
		if !found && string(k.uscc) == uscc {
			l, err = decodeResult(k, detail, j)
			found = true
			return err
		}
		j++
		return nil
	})
	return l, found, err
}

// resultsAt returns a run's results at the given places in USCC order.
func (db *DB) resultsAt(ctx context.Context, run int64, ids []uint32) ([]mujun.Listed, error) {
	out := make([]mujun.Listed, len(ids))
	// want[seq] are the places wanted in chunk seq: entry and out index.
	want := map[int64][][2]int{}
	var seqs []int64
	for i, id := range ids {
		seq := int64(id / resultChunk)
		if _, ok := want[seq]; !ok {
			seqs = append(seqs, seq)
		}
		want[seq] = append(want[seq], [2]int{int(id % resultChunk), i})
	}
	got := 0
	for start := 0; start < len(seqs); start += 200 {
		w := &where{}
		w.add("run_id = ?", run)
		whereIn(w, "seq", seqs[start:min(len(seqs), start+200)])
		rows, err := db.r.QueryContext(ctx, `SELECT seq, head, detail FROM mujun_result_chunks`+w.String(), w.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var seq int64
			var head, detail sql.RawBytes
			if err := rows.Scan(&seq, &head, &detail); err != nil {
				rows.Close()
				return nil, err
			}
			ws := want[seq]
			j := 0
			if err := eachKey(head, func(k *packedKey) error {
				for _, x := range ws {
					if x[0] == j {
						l, err := decodeResult(k, detail, j)
						if err != nil {
							return err
						}
						out[x[1]] = l
						got++
					}
				}
				j++
				return nil
			}); err != nil {
				rows.Close()
				return nil, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if got != len(ids) {
		return nil, errPacked
	}
	return out, nil
}

// scopedResults returns the results in a run of the firms of a scope of a
// few firms, in list order.
func (db *DB) scopedResults(ctx context.Context, run int64, s resultScope) ([]mujun.Listed, error) {
	out := []mujun.Listed{}
	for _, u := range s.firms {
		l, ok, err := db.result(ctx, run, u)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, listOrder)
	return out, nil
}

// listOrder is the lists' order: by group, then rank, the firms not
// graded last, then USCC (as a run's positions break ties).
func listOrder(a, b mujun.Listed) int {
	ga, gb := slices.Index(resultGroups, a.Group), slices.Index(resultGroups, b.Group)
	if ga != gb {
		return ga - gb
	}
	ra, rb := rankKey(a.CityRank), rankKey(b.CityRank)
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	return strings.Compare(a.USCC, b.USCC)
}

func rankKey(r int32) int64 {
	if r == 0 {
		return 1 << 40
	}
	return int64(r)
}

// ClassCounts counts a run's results in scope by group, town and class:
// from the counts kept with the run, or for a few firms from their results.
func (db *DB) ClassCounts(ctx context.Context, a fugong.Actor, run int64) ([]mujun.ClassCount, error) {
	s, err := db.resultScope(ctx, a)
	if err != nil {
		return nil, err
	}
	out := []mujun.ClassCount{}
	if s.few() {
		ls, err := db.scopedResults(ctx, run, s)
		if err != nil {
			return nil, err
		}
		n := map[mujun.ClassCount]int{}
		for _, l := range ls {
			c := mujun.ClassCount{Group: l.Group, Town: l.Town, Class: l.Class}
			if n[c] == 0 {
				out = append(out, c)
			}
			n[c]++
		}
		for i := range out {
			out[i].Firms = n[out[i]]
		}
		slices.SortFunc(out, func(x, y mujun.ClassCount) int {
			return strings.Compare(string(x.Group)+"/"+x.Town+"/"+string(x.Class), string(y.Group)+"/"+y.Town+"/"+string(y.Class))
		})
		return out, nil
	}
	w := &where{}
	w.add("run_id = ?", run)
	if s.town != "" {
		w.add("town_code = ?", s.town)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT grp, town_code, class, firms FROM mujun_class_counts`+w.String()+
		` ORDER BY grp, town_code, class`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c mujun.ClassCount
		if err := rows.Scan(&c.Group, &c.Town, &c.Class, &c.Firms); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Results lists a page of a run's results in scope, by group and place:
// the page's places from the list of its filter (the counts kept with the
// run say how long each group's is), then the chunks they are in.
func (db *DB) Results(ctx context.Context, a fugong.Actor, f mujun.ResultFilter) ([]mujun.Listed, int, error) {
	s, err := db.resultScope(ctx, a)
	if err != nil {
		return nil, 0, err
	}
	groups := resultGroups
	if f.Group != "" {
		groups = []mujun.Group{f.Group}
	}
	if s.few() {
		all, err := db.scopedResults(ctx, f.Run, s)
		if err != nil {
			return nil, 0, err
		}
		var out []mujun.Listed
		for _, l := range all {
			if slices.Contains(groups, l.Group) && (f.Town == "" || l.Town == f.Town) && (f.Class == "" || l.Class == f.Class) {
				out = append(out, l)
			}
		}
		total := len(out)
		if f.PerPage > 0 {
			from := min(offset(f.Page, f.PerPage), len(out))
			out = out[from:min(len(out), from+f.PerPage)]
		}
		if err := db.nameResults(ctx, out); err != nil {
			return nil, 0, err
		}
		return append([]mujun.Listed{}, out...), total, nil
	}
	if s.town != "" {
		if f.Town != "" && f.Town != s.town {
			return []mujun.Listed{}, 0, nil
		}
		f.Town = s.town
	}
	lens := make([]int, len(groups))
	total := 0
	for i, g := range groups {
		w := &where{}
		w.add("run_id = ?", f.Run)
		w.add("grp = ?", string(g))
		if f.Town != "" {
			w.add("town_code = ?", f.Town)
		}
		if f.Class != "" {
			w.add("class = ?", string(f.Class))
		}
		if err := db.r.QueryRowContext(ctx, `SELECT coalesce(sum(firms), 0) FROM mujun_class_counts`+w.String(), w.args...).Scan(&lens[i]); err != nil {
			return nil, 0, err
		}
		total += lens[i]
	}
	from, need := 0, total
	if f.PerPage > 0 {
		from, need = offset(f.Page, f.PerPage), f.PerPage
	}
	var ids []uint32
	for i, g := range groups {
		if from >= lens[i] {
			from -= lens[i]
			continue
		}
		if need <= 0 {
			break
		}
		k := min(need, lens[i]-from)
		got, err := db.listSlice(ctx, f.Run, listName(g, f.Town, f.Class), from, k)
		if err != nil {
			return nil, 0, err
		}
		ids = append(ids, got...)
		from, need = 0, need-k
	}
	out, err := db.resultsAt(ctx, f.Run, ids)
	if err != nil {
		return nil, 0, err
	}
	return out, total, db.nameResults(ctx, out)
}

// listSlice reads n places of a run's list from place from.
func (db *DB) listSlice(ctx context.Context, run int64, list string, from, n int) ([]uint32, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT part, ids FROM mujun_result_lists WHERE run_id = $1 AND list = $2
		AND part BETWEEN $3 AND $4 ORDER BY part`, run, list, from/listPart, (from+n-1)/listPart)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]uint32, 0, n)
	for rows.Next() {
		var part int
		var ids sql.RawBytes
		if err := rows.Scan(&part, &ids); err != nil {
			return nil, err
		}
		for k := 0; k+4 <= len(ids); k += 4 {
			if at := part*listPart + k/4; at >= from && at < from+n {
				out = append(out, binary.LittleEndian.Uint32(ids[k:]))
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) != n {
		return nil, errPacked
	}
	return out, nil
}

// nameResults fills in the firms' names.
func (db *DB) nameResults(ctx context.Context, ls []mujun.Listed) error {
	at := map[string][]int{}
	var codes []string
	for i := range ls {
		if _, ok := at[ls[i].USCC]; !ok {
			codes = append(codes, ls[i].USCC)
		}
		at[ls[i].USCC] = append(at[ls[i].USCC], i)
	}
	for start := 0; start < len(codes); start += 500 {
		w := &where{}
		whereIn(w, "uscc", codes[start:min(len(codes), start+500)])
		rows, err := db.r.QueryContext(ctx, `SELECT uscc, name FROM enterprises`+w.String(), w.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u, name string
			if err := rows.Scan(&u, &name); err != nil {
				rows.Close()
				return err
			}
			for _, i := range at[u] {
				ls[i].Name = name
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Result returns one firm's result in a run.
func (db *DB) Result(ctx context.Context, run int64, uscc string) (mujun.Listed, error) {
	l, ok, err := db.result(ctx, run, uscc)
	if err == nil && !ok {
		err = sql.ErrNoRows
	}
	if err == nil {
		ls := []mujun.Listed{l}
		err = db.nameResults(ctx, ls)
		l = ls[0]
	}
	return l, notFound(err, "该企业在本次评价中的结果")
}

// Classes returns a run's results in scope with their USCC, town and class.
func (db *DB) Classes(ctx context.Context, a fugong.Actor, run int64) ([]mujun.Result, error) {
	s, err := db.resultScope(ctx, a)
	if err != nil {
		return nil, err
	}
	out := []mujun.Result{}
	if s.few() {
		ls, err := db.scopedResults(ctx, run, s)
		for _, l := range ls {
			out = append(out, mujun.Result{USCC: l.USCC, Town: l.Town, Class: l.Class})
		}
		return out, err
	}
	towns := interned{}
	err = db.eachResultKey(ctx, run, func(k *packedKey) error {
		if s.town == "" || string(k.town) == s.town {
			out = append(out, mujun.Result{USCC: string(k.uscc), Town: towns.of(k.town), Class: k.class})
		}
		return nil
	})
	return out, err
}

// Uses returns every enterprise in scope graded in a run with its class
// there and its annual use in the run's year, in town and code order: the
// run's keys merged with the year's figures, both in USCC order.
func (db *DB) Uses(ctx context.Context, a fugong.Actor, run int64) ([]mujun.Use, error) {
	cs, err := db.Classes(ctx, a, run)
	if err != nil {
		return nil, err
	}
	var year int
	if err := db.r.QueryRowContext(ctx, `SELECT year FROM mujun_runs WHERE id = $1`, run).Scan(&year); err != nil {
		return nil, notFound(err, "评价批次")
	}
	slices.SortFunc(cs, func(x, y mujun.Result) int { return strings.Compare(x.USCC, y.USCC) })
	w := &where{}
	w.add("year = ?", year)
	if len(cs) < 500 {
		codes := make([]string, len(cs))
		for i := range cs {
			codes[i] = cs[i].USCC
		}
		whereIn(w, "uscc", append(codes, ""))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT uscc, electricity_kwh, water_t FROM mujun_annual_data`+w.String()+` ORDER BY uscc`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mujun.Use{}
	j := 0
	var u sql.RawBytes
	var kwh, water float64
	for rows.Next() && j < len(cs) {
		if err := rows.Scan(&u, &kwh, &water); err != nil {
			return nil, err
		}
		for j < len(cs) && cs[j].USCC < string(u) {
			j++
		}
		if j < len(cs) && cs[j].USCC == string(u) {
			c := &cs[j]
			out = append(out, mujun.Use{USCC: c.USCC, Town: c.Town, Class: c.Class, ElectricityKWh: kwh, WaterT: water})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(x, y mujun.Use) int { return strings.Compare(x.Town, y.Town) })
	return out, nil
}

// whereIn adds "col IN (…)" over vals to w.
func whereIn[T any](w *where, col string, vals []T) {
	marks := make([]string, len(vals))
	for i, v := range vals {
		marks[i] = w.next(v)
	}
	w.conds = append(w.conds, col+" IN ("+strings.Join(marks, ", ")+")")
}
