package store

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"

	"fugong/mujun"
)

// A run's results are kept packed, not a row each: writing a million rows
// was most of a year's evaluation. mujun_result_chunks holds them in USCC
// order, resultChunk to a row: the keys (group, USCC, town, class) in one
// blob and the details (score, ranks, marks) in another, so what reads
// only the keys (last year's class, comparing runs, relief) skips the
// details. A result's place in that order is its index. mujun_result_lists
// holds, per group and per group with a town, a class or both, the
// indexes of its results in list order (by rank, the firms not graded
// last), listPart to a row: a page of any filter is one or two list rows
// and the chunks its results are in.

const (
	resultChunk = 256
	listPart    = 4096
)

// resultGroups number the groups in a chunk's keys.
var resultGroups = []mujun.Group{mujun.Above, mujun.Below}

// classNames are the classes as strings a decoded key shares.
var classNames = map[byte]mujun.Class{'A': mujun.ClassA, 'B': mujun.ClassB, 'C': mujun.ClassC, 'D': mujun.ClassD}

// listName names a list: the group, the town code and the class, "" for
// any town or class.
func listName(g mujun.Group, town string, c mujun.Class) string {
	return string(g) + "/" + town + "/" + string(c)
}

// resultRef is a result of a run: evaluation g's result i.
type resultRef struct{ g, i int32 }

// packedRun is a run's results laid out for storing. The chunks are
// packed while the first ones are written (a buffer for all of them, so
// that packing never waits for a writer that gave up), the lists beside.
type packedRun struct {
	nChunks int
	chunks  chan packedChunk
	// listed is closed once lists and counts are made.
	listed chan struct{}
	lists  []packedList
	// counts are the results per group, town and class: the lengths of
	// the lists with a town and a class.
	counts []mujun.ClassCount
}

type packedChunk struct {
	first        string
	keys, detail []byte
}

type packedList struct {
	name string
	part int
	ids  []byte
}

// uscOrder returns every result of evs in USCC order: each evaluation's
// results are in their firms' order, which Firms gives in USCC order
// (sorted here when not), and the groups are merged.
func uscOrder(evs []*mujun.Evaluation) []resultRef {
	var per [][]resultRef
	total := 0
	for g, ev := range evs {
		refs := make([]resultRef, len(ev.Results))
		for i := range refs {
			refs[i] = resultRef{int32(g), int32(i)}
		}
		uscc := func(r resultRef) string { return ev.Results[r.i].USCC }
		if !slices.IsSortedFunc(refs, func(a, b resultRef) int { return strings.Compare(uscc(a), uscc(b)) }) {
			slices.SortFunc(refs, func(a, b resultRef) int { return strings.Compare(uscc(a), uscc(b)) })
		}
		per = append(per, refs)
		total += len(refs)
	}
	out := make([]resultRef, 0, total)
	heads := make([]int, len(per))
	for len(out) < total {
		best := -1
		for g, refs := range per {
			if heads[g] == len(refs) {
				continue
			}
			if best < 0 || evs[g].Results[refs[heads[g]].i].USCC < evs[best].Results[per[best][heads[best]].i].USCC {
				best = g
			}
		}
		out = append(out, per[best][heads[best]])
		heads[best]++
	}
	return out
}

// packRun starts laying out a run's results: the chunks and the lists,
// at once.
func packRun(evs []*mujun.Evaluation) *packedRun {
	order := uscOrder(evs)
	index := make([][]uint32, len(evs))
	for g, ev := range evs {
		index[g] = make([]uint32, len(ev.Results))
	}
	for k, r := range order {
		index[r.g][r.i] = uint32(k)
	}
	n := (len(order) + resultChunk - 1) / resultChunk
	p := &packedRun{nChunks: n, chunks: make(chan packedChunk, n), listed: make(chan struct{})}
	go packChunks(evs, order, p.chunks)
	go func() {
		defer close(p.listed)
		p.lists, p.counts = packLists(evs, index)
	}()
	return p
}

// packChunks encodes the results in USCC order, resultChunk a chunk, and
// sends each chunk as it is made.
func packChunks(evs []*mujun.Evaluation, order []resultRef, out chan<- packedChunk) {
	defer close(out)
	keys := make([]byte, 0, len(order)*32)
	detail := make([]byte, 0, len(order)*100)
	var scratch []byte
	for start := 0; start < len(order); start += resultChunk {
		k0, d0 := len(keys), len(detail)
		end := min(start+resultChunk, len(order))
		for _, r := range order[start:end] {
			res := &evs[r.g].Results[r.i]
			keys = append(keys, byte(r.g), byte(len(res.USCC)))
			keys = append(keys, res.USCC...)
			keys = append(keys, byte(len(res.Town)))
			keys = append(keys, res.Town...)
			keys = append(keys, res.Class[0])
			scratch = encodeDetail(scratch[:0], res)
			detail = binary.AppendUvarint(detail, uint64(len(scratch)))
			detail = append(detail, scratch...)
		}
		first := evs[order[start].g].Results[order[start].i].USCC
		out <- packedChunk{first: first, keys: keys[k0:len(keys):len(keys)], detail: detail[d0:len(detail):len(detail)]}
	}
}

// packLists makes the lists: per group, the results in list order, each
// added to the group's list and to those of its town, its class and both;
// index[g][i] is the place of evs[g]'s result i in USCC order.
func packLists(evs []*mujun.Evaluation, index [][]uint32) (out []packedList, counts []mujun.ClassCount) {
	towns := map[string]int{}
	var townNames []string
	for _, ev := range evs {
		for i := range ev.Results {
			if _, ok := towns[ev.Results[i].Town]; !ok {
				towns[ev.Results[i].Town] = len(townNames)
				townNames = append(townNames, ev.Results[i].Town)
			}
		}
	}
	classes := []mujun.Class{"", mujun.ClassA, mujun.ClassB, mujun.ClassC, mujun.ClassD}
	for g, ev := range evs {
		pos := positions(ev.Results)
		byPos := make([]uint32, len(ev.Results))
		for i, q := range pos {
			byPos[q] = uint32(i)
		}
		// lists[(town+1)*5 + class]: town 0 and class 0 are "any".
		lists := make([][]byte, (len(townNames)+1)*len(classes))
		for _, i := range byPos {
			res := &ev.Results[i]
			t := towns[res.Town] + 1
			c := int(res.Class[0]-'A') + 1
			for _, l := range [4]int{0, c, t * len(classes), t*len(classes) + c} {
				lists[l] = binary.LittleEndian.AppendUint32(lists[l], index[g][i])
			}
		}
		for l, ids := range lists {
			if len(ids) == 0 {
				continue
			}
			town := ""
			if t := l / len(classes); t > 0 {
				town = townNames[t-1]
			}
			class := classes[l%len(classes)]
			if town != "" && class != "" {
				counts = append(counts, mujun.ClassCount{Group: ev.Group, Town: town, Class: class, Firms: len(ids) / 4})
			}
			name := listName(ev.Group, town, class)
			for part := 0; part*listPart*4 < len(ids); part++ {
				out = append(out, packedList{name: name, part: part, ids: ids[part*listPart*4 : min(len(ids), (part+1)*listPart*4)]})
			}
		}
	}
	return out, counts
}

// packedKey is a result's key as a chunk keeps it. Its USCC and town
// point into the chunk until copied.
type packedKey struct {
	group      mujun.Group
	uscc, town []byte
	class      mujun.Class
}

var errPacked = errors.New("store: a packed mujun result is cut short")

// eachKey calls fn with each key of a chunk's keys in order.
func eachKey(b []byte, fn func(k *packedKey) error) error {
	var k packedKey
	for len(b) > 0 {
		if len(b) < 2 || int(b[0]) >= len(resultGroups) {
			return errPacked
		}
		k.group = resultGroups[b[0]]
		n := int(b[1])
		if len(b) < 2+n+1 {
			return errPacked
		}
		k.uscc, b = b[2:2+n], b[2+n:]
		n = int(b[0])
		if len(b) < 1+n+1 {
			return errPacked
		}
		k.town = b[1 : 1+n]
		c, ok := classNames[b[1+n]]
		if !ok {
			return errPacked
		}
		k.class, b = c, b[2+n:]
		if err := fn(&k); err != nil {
			return err
		}
	}
	return nil
}

// nthDetail returns the detail of a chunk's result j.
func nthDetail(b []byte, j int) ([]byte, error) {
	for ; len(b) > 0; j-- {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			break
		}
		if j == 0 {
			return b[w : w+int(n)], nil
		}
		b = b[w+int(n):]
	}
	return nil, errPacked
}

// interned shares the strings of towns decoded from many keys.
type interned map[string]string

func (m interned) of(b []byte) string {
	if s, ok := m[string(b)]; ok {
		return s
	}
	s := string(b)
	m[s] = s
	return s
}

// ofString is of for a string that may point into a larger one: the
// shared copy holds only the town.
func (m interned) ofString(s string) string {
	if t, ok := m[s]; ok {
		return t
	}
	t := strings.Clone(s)
	m[t] = t
	return t
}

// convertResults packs the results of the runs stored a row each (before
// migration 0030), a run a transaction, and empties mujun_results.
func (db *DB) convertResults(ctx context.Context) error {
	runs, err := queryStrings(ctx, db.r, `SELECT DISTINCT CAST(run_id AS TEXT) FROM mujun_results`)
	if err != nil {
		return err
	}
	for _, run := range runs {
		id, err := strconv.ParseInt(run, 10, 64)
		if err != nil {
			return err
		}
		evs := []*mujun.Evaluation{{Group: mujun.Above}, {Group: mujun.Below}}
		rows, err := db.r.QueryContext(ctx, `SELECT uscc, grp, town_code, class, detail FROM mujun_results
			WHERE run_id = $1 ORDER BY grp, pos`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var res mujun.Result
			var g string
			var detail []byte
			if err := rows.Scan(&res.USCC, &g, &res.Town, &res.Class, &detail); err != nil {
				rows.Close()
				return err
			}
			if err := decodeDetail(detail, &res); err != nil {
				rows.Close()
				return err
			}
			ev := evs[slices.Index(resultGroups, mujun.Group(g))]
			ev.Results = append(ev.Results, res)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		packed := packRun(evs)
		if err := db.bulkChecked(ctx, func(w bulkWriter) error {
			if err := packed.write(w, id); err != nil {
				return err
			}
			return w.exec(`DELETE FROM mujun_results WHERE run_id = $1`, id)
		}); err != nil {
			return err
		}
	}
	return nil
}

// write appends a run's packed results, each chunk as soon as it is
// packed, then the lists.
func (p *packedRun) write(w bulkWriter, run int64) error {
	if err := w.rows("mujun_result_chunks", []string{"run_id", "seq", "first_uscc", "head", "detail"}, p.nChunks, func(i int) []any {
		c := <-p.chunks
		return []any{run, i, c.first, c.keys, c.detail}
	}); err != nil {
		return err
	}
	<-p.listed
	return w.rows("mujun_result_lists", []string{"run_id", "list", "part", "ids"}, len(p.lists), func(i int) []any {
		l := &p.lists[i]
		return []any{run, l.name, l.part, l.ids}
	})
}
