package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fugong"
	"fugong/mujun"
)

// M9, 亩均论英雄: annual figures, evaluation runs and their results, relief
// scenarios. The settings and prices are rows of the settings table.

var _ mujun.Store = (*DB)(nil)

const annualCols = `land_mu, tax_wan, value_added_wan, revenue_wan, energy_tce, emissions_t, rd_wan, staff,
	electricity_kwh, water_t, utility, start_year`

func annualDest(d *mujun.AnnualData, em *sql.NullFloat64) []any {
	return []any{&d.LandMu, &d.TaxWan, &d.ValueAddedWan, &d.RevenueWan, &d.EnergyTce, em, &d.RDWan, &d.Staff,
		&d.ElectricityKWh, &d.WaterT, &d.Utility, &d.StartYear}
}

func annualArgs(d *mujun.AnnualData) []any {
	var em any
	if d.EmissionsT != nil {
		em = *d.EmissionsT
	}
	return []any{d.LandMu, d.TaxWan, d.ValueAddedWan, d.RevenueWan, d.EnergyTce, em, d.RDWan, d.Staff,
		d.ElectricityKWh, d.WaterT, d.Utility, d.StartYear}
}

func emissions(em sql.NullFloat64) *float64 {
	if !em.Valid {
		return nil
	}
	v := em.Float64
	return &v
}

// annualID names a firm's figures of a year in the audit log.
func annualID(uscc string, year int) string { return uscc + "/" + strconv.Itoa(year) }

// SaveAnnualData stores each firm's figures of a year, replacing what was
// there, audited one by one, in one transaction.
func (db *DB) SaveAnnualData(ctx context.Context, a fugong.Actor, rows []mujun.AnnualData) (created int, err error) {
	err = db.write(ctx, func(tx *Tx) error {
		created = 0
		perYear := map[int]int{}
		for i := range rows {
			d := &rows[i]
			if err := tx.lockRow(ctx, lockNoKeyUpdate, "enterprises", "uscc", d.USCC); err != nil {
				return err
			}
			var before mujun.AnnualData
			var em sql.NullFloat64
			err := tx.QueryRowContext(ctx, `SELECT `+annualCols+` FROM mujun_annual_data WHERE year = $1 AND uscc = $2`,
				d.Year, d.USCC).Scan(annualDest(&before, &em)...)
			had := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			args := append([]any{d.Year, d.USCC}, annualArgs(d)...)
			_, err = tx.ExecContext(ctx, `INSERT INTO mujun_annual_data (year, uscc, `+annualCols+`, updated_at, updated_by, fig)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
				ON CONFLICT (year, uscc) DO UPDATE SET land_mu = excluded.land_mu, tax_wan = excluded.tax_wan,
				value_added_wan = excluded.value_added_wan, revenue_wan = excluded.revenue_wan,
				energy_tce = excluded.energy_tce, emissions_t = excluded.emissions_t, rd_wan = excluded.rd_wan,
				staff = excluded.staff, electricity_kwh = excluded.electricity_kwh, water_t = excluded.water_t,
				utility = excluded.utility, start_year = excluded.start_year,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by, fig = excluded.fig`,
				append(args, tx.now, a.Username, packFigures(nil, d))...)
			if isForeignKey(err) {
				return fugong.NotFound("企业")
			}
			if err != nil {
				return err
			}
			action, b := "create", any(nil)
			if had {
				before.USCC, before.Year, before.EmissionsT = d.USCC, d.Year, emissions(em)
				action, b = "update", before
			} else {
				created++
				perYear[d.Year]++
			}
			if err := tx.audit(a, action, "mujun_annual_data", annualID(d.USCC, d.Year), b, d); err != nil {
				return err
			}
		}
		return countDataYears(perYear, func(q string, args ...any) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		})
	})
	return created, err
}

// countDataYears adds new firms to each year's count, the years in order
// so that two writers of several years wait for each other, never deadlock.
func countDataYears(perYear map[int]int, exec func(q string, args ...any) error) error {
	for _, y := range slices.Sorted(maps.Keys(perYear)) {
		if err := exec(`INSERT INTO mujun_data_years (year, firms) VALUES ($1, $2)
			ON CONFLICT (year) DO UPDATE SET firms = mujun_data_years.firms + excluded.firms`, y, perYear[y]); err != nil {
			return err
		}
	}
	return nil
}

// AnnualData returns one firm's figures of a year.
func (db *DB) AnnualData(ctx context.Context, uscc string, year int) (mujun.AnnualData, error) {
	d := mujun.AnnualData{USCC: uscc, Year: year}
	var em sql.NullFloat64
	err := db.r.QueryRowContext(ctx, `SELECT `+annualCols+` FROM mujun_annual_data WHERE year = $1 AND uscc = $2`, year, uscc).
		Scan(annualDest(&d, &em)...)
	if err != nil {
		return mujun.AnnualData{}, notFound(err, fmt.Sprintf("%d 年度的亩均数据", year))
	}
	d.EmissionsT = emissions(em)
	return d, nil
}

// AnnualDataOf returns every year's figures of a firm, latest first.
func (db *DB) AnnualDataOf(ctx context.Context, uscc string) ([]mujun.AnnualData, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT year, `+annualCols+` FROM mujun_annual_data WHERE uscc = $1 ORDER BY year DESC`, uscc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mujun.AnnualData{}
	for rows.Next() {
		d := mujun.AnnualData{USCC: uscc}
		var em sql.NullFloat64
		if err := rows.Scan(append([]any{&d.Year}, annualDest(&d, &em)...)...); err != nil {
			return nil, err
		}
		d.EmissionsT = emissions(em)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DataYears lists the years with figures, latest first.
func (db *DB) DataYears(ctx context.Context) ([]mujun.YearCount, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT year, firms FROM mujun_data_years WHERE firms > 0 ORDER BY year DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mujun.YearCount{}
	for rows.Next() {
		var y mujun.YearCount
		if err := rows.Scan(&y.Year, &y.Firms); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// latestRun is the id of a year's latest run, 0 when it has none.
func latestRun(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, year int) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM mujun_runs WHERE year = $1 ORDER BY version DESC LIMIT 1`, year).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// Firms reads a year's evaluation input: the year's figures (packed, see
// mujun_figures.go) in key order with each firm's enterprise (town, size
// class, current class; active ones only) and its class in the latest run
// of the year before. A small year joins each row to its enterprise. A
// large one (mergeFrom firms) reads the figures and the enterprises (a
// covering index) as two scans in key order at once and merges them, in
// firmParts key ranges at once: a join's lookup per row cost more than
// both scans.
func (db *DB) Firms(ctx context.Context, year int) (above, below []mujun.Firm, err error) {
	last, err := latestRun(ctx, db.r, year-1)
	if err != nil {
		return nil, nil, err
	}
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(firms), 0) FROM mujun_data_years WHERE year = $1`, year).Scan(&n); err != nil {
		return nil, nil, err
	}
	parts := 1
	if n >= mergeFrom {
		parts = firmParts
	}
	bounds, err := db.firmBounds(ctx, year, n, parts)
	if err != nil {
		return nil, nil, err
	}
	type part struct {
		firms []mujun.Firm
		above []bool
		err   error
	}
	got := make([]part, parts)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &got[k]
			if parts == 1 {
				p.firms, p.above, p.err = db.joinedFirms(ctx, year, n)
			} else {
				p.firms, p.above, p.err = db.mergedFirms(ctx, year, bounds[k], bounds[k+1], n/parts+1)
			}
			if p.err == nil {
				p.err = db.lastClasses(ctx, last, p.firms)
			}
		}()
	}
	wg.Wait()
	nAbove, total := 0, 0
	for _, p := range got {
		if p.err != nil {
			return nil, nil, p.err
		}
		total += len(p.firms)
		for _, a := range p.above {
			if a {
				nAbove++
			}
		}
	}
	above, below = make([]mujun.Firm, 0, nAbove), make([]mujun.Firm, 0, total-nAbove)
	for _, p := range got {
		for i := range p.firms {
			if p.above[i] {
				above = append(above, p.firms[i])
			} else {
				below = append(below, p.firms[i])
			}
		}
	}
	return above, below, nil
}

// firmBounds splits a year's n firms into parts key ranges: bounds[k] is
// the first key of range k ("" for the first range and past the last).
// Any bounds give the same firms; even ones balance the scans. A run of
// the year or the year before has them at hand in its chunks' first keys
// (a few thousand rows); without one the year's figures are counted off.
func (db *DB) firmBounds(ctx context.Context, year, n, parts int) ([]string, error) {
	bounds := make([]string, parts+1)
	if parts == 1 {
		return bounds, nil
	}
	var run int64
	err := db.r.QueryRowContext(ctx, `SELECT id FROM mujun_runs WHERE year IN ($1, $2) ORDER BY year DESC, version DESC LIMIT 1`,
		year, year-1).Scan(&run)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var firsts []string
	if run != 0 {
		if firsts, err = queryStrings(ctx, db.r, `SELECT first_uscc FROM mujun_result_chunks WHERE run_id = $1 ORDER BY seq`, run); err != nil {
			return nil, err
		}
	}
	for k := 1; k < parts; k++ {
		if len(firsts) >= parts {
			bounds[k] = firsts[len(firsts)*k/parts]
			continue
		}
		if err := db.r.QueryRowContext(ctx, `SELECT uscc FROM mujun_annual_data WHERE year = $1 ORDER BY uscc LIMIT 1 OFFSET $2`,
			year, n*k/parts).Scan(&bounds[k]); err != nil {
			return nil, err
		}
	}
	return bounds, nil
}

// joinedFirms reads a year's firms joining each row to its enterprise.
func (db *DB) joinedFirms(ctx context.Context, year, hint int) ([]mujun.Firm, []bool, error) {
	firms := make([]mujun.Firm, 0, hint)
	above := make([]bool, 0, hint)
	var block []float64
	towns := interned{}
	err := scanRaw(ctx, db.r, `SELECT d.fig, `+enterpriseKey("e")+`
		FROM mujun_annual_data d JOIN enterprises e ON e.uscc = d.uscc
		WHERE d.year = $1 AND e.status = 'active' ORDER BY d.uscc`, []any{year}, func(row []driver.Value) error {
		f, err := unpackFirm(row[0], year, &block)
		if err != nil {
			return err
		}
		ent, err := rawString(row[1])
		if err != nil {
			return err
		}
		_, town, up, class, err := splitEnterpriseKey(ent)
		if err != nil {
			return err
		}
		f.Town, f.Current = towns.ofString(town), class
		firms = append(firms, f)
		above = append(above, up)
		return nil
	})
	return firms, above, err
}

// unpackFirm is a firm with its figures from their packed column.
func unpackFirm(fig driver.Value, year int, block *[]float64) (mujun.Firm, error) {
	var f mujun.Firm
	b, err := rawBytes(fig)
	if err != nil {
		return f, err
	}
	uscc, err := unpackFigures(b, &f.Data, block)
	f.Data.USCC, f.Data.Year = string(uscc), year
	return f, err
}

// classOf is a stored class ("" for none).
func classOf(s string) mujun.Class {
	if len(s) == 1 {
		return classNames[s[0]]
	}
	return ""
}

// mergedFirms reads the firms of a year in the key range [from, to) ("" for
// no bound): the figures and the active enterprises as two scans at once,
// merged.
func (db *DB) mergedFirms(ctx context.Context, year int, from, to string, hint int) ([]mujun.Firm, []bool, error) {
	var ents enterpriseKeys
	var entErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		ents, entErr = db.enterpriseKeys(ctx, from, to, hint)
	}()
	w := &where{}
	w.add("year = ?", year)
	keyRange(w, "uscc", from, to)
	firms := make([]mujun.Firm, 0, hint)
	var block []float64
	err := scanRaw(ctx, db.r, `SELECT fig FROM mujun_annual_data`+w.String()+` ORDER BY uscc`, w.args, func(row []driver.Value) error {
		f, err := unpackFirm(row[0], year, &block)
		firms = append(firms, f)
		return err
	})
	<-done
	if err != nil {
		return nil, nil, err
	}
	if entErr != nil {
		return nil, nil, entErr
	}
	// Keep the firms with an active enterprise, with its town and classes.
	above := make([]bool, 0, len(firms))
	kept, j := 0, 0
	for i := range firms {
		f := &firms[i]
		for j < ents.len() && string(ents.key(j)) < f.Data.USCC {
			j++
		}
		if j == ents.len() || string(ents.key(j)) != f.Data.USCC {
			continue
		}
		f.Town, f.Current = ents.towns[j], ents.classes[j]
		firms[kept] = *f
		above = append(above, ents.above[j])
		kept++
	}
	return firms[:kept], above, nil
}

// keyRange limits col to [from, to), "" for no bound.
func keyRange(w *where, col, from, to string) {
	if from != "" {
		w.add(col+" >= ?", from)
	}
	if to != "" {
		w.add(col+" < ?", to)
	}
}

// enterpriseKeys are the active enterprises of a key range, in key order,
// with what evaluation needs of them; the keys share one buffer.
type enterpriseKeys struct {
	buf     []byte
	ends    []int
	towns   []string
	above   []bool
	classes []mujun.Class
}

func (e *enterpriseKeys) len() int { return len(e.ends) }

// key is enterprise i's USCC, pointing into the buffer.
func (e *enterpriseKeys) key(i int) []byte {
	start := 0
	if i > 0 {
		start = e.ends[i-1]
	}
	return e.buf[start:e.ends[i]]
}

func (db *DB) enterpriseKeys(ctx context.Context, from, to string, hint int) (enterpriseKeys, error) {
	w := &where{}
	w.add("status = 'active'")
	keyRange(w, "uscc", from, to)
	e := enterpriseKeys{buf: make([]byte, 0, hint*18), ends: make([]int, 0, hint), towns: make([]string, 0, hint),
		above: make([]bool, 0, hint), classes: make([]mujun.Class, 0, hint)}
	towns := interned{}
	err := scanRaw(ctx, db.r, `SELECT `+enterpriseKey("enterprises")+` FROM enterprises`+w.String()+` ORDER BY uscc`, w.args,
		func(row []driver.Value) error {
			ent, err := rawString(row[0])
			if err != nil {
				return err
			}
			uscc, town, above, class, err := splitEnterpriseKey(ent)
			if err != nil {
				return err
			}
			e.buf = append(e.buf, uscc...)
			e.ends = append(e.ends, len(e.buf))
			e.towns = append(e.towns, towns.ofString(town))
			e.above = append(e.above, above)
			e.classes = append(e.classes, class)
			return nil
		})
	return e, err
}

// enterpriseKey is what evaluation needs of an enterprise (alias t) as one
// text, "USCC town size class": the driver's cost is per column.
func enterpriseKey(t string) string {
	return t + `.uscc || ' ' || ` + t + `.town_code || ' ' || ` + t + `.size_class || ' ' || coalesce(` + t + `.mujun_class, '')`
}

// splitEnterpriseKey reads an enterpriseKey; the parts share its memory.
func splitEnterpriseKey(k string) (uscc, town string, above bool, class mujun.Class, err error) {
	var fs [4]string
	for i := range 3 {
		sp := strings.IndexByte(k, ' ')
		if sp < 0 {
			return "", "", false, "", errors.New("store: an enterprise's key is cut short")
		}
		fs[i], k = k[:sp], k[sp+1:]
	}
	fs[3] = k
	return fs[0], fs[1], fs[2] == "above", classOf(fs[3]), nil
}

// lastClasses sets each firm's class in the run last (none when 0): the
// run's keys merged with the firms, both in USCC order.
func (db *DB) lastClasses(ctx context.Context, last int64, firms []mujun.Firm) error {
	if last == 0 || len(firms) == 0 {
		return nil
	}
	j := 0
	w := &where{}
	w.add("run_id = ?", last)
	w.add("first_uscc <= ?", firms[len(firms)-1].Data.USCC)
	// The chunk that holds the first firm and those after it.
	w.add(`seq >= coalesce((SELECT max(seq) FROM mujun_result_chunks WHERE run_id = ? AND first_uscc <= ?), 0)`, last, firms[0].Data.USCC)
	rows, err := db.r.QueryContext(ctx, `SELECT head FROM mujun_result_chunks`+w.String()+` ORDER BY seq`, w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var head sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&head); err != nil {
			return err
		}
		if err := eachKey(head, func(k *packedKey) error {
			for j < len(firms) && firms[j].Data.USCC < string(k.uscc) {
				j++
			}
			if j < len(firms) && firms[j].Data.USCC == string(k.uscc) {
				firms[j].LastClass = k.class
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return rows.Err()
}

// firmParts is how many key ranges a large year is read in, each as two
// scans at once; mergeFrom is the size of a large year.
const firmParts = 2

var mergeFrom = 50_000

// exemptions number the exemptions in a result's detail.
var exemptions = []mujun.Exemption{mujun.NotExempt, mujun.ExemptUtility, mujun.ExemptStartup}

// encodeDetail appends what a result keeps beside its columns: the score
// (varint), the city and town ranks (uvarints), last year's class and the
// exemption (a byte each: 0 for none), then per mark a flag byte (1: no
// figure, 2: the average), the value as 8 bytes unless there is no
// figure, and the points as a varint.
func encodeDetail(buf []byte, r *mujun.Result) []byte {
	buf = binary.AppendVarint(buf, int64(r.Score))
	buf = binary.AppendUvarint(buf, uint64(r.CityRank))
	buf = binary.AppendUvarint(buf, uint64(r.TownRank))
	var last byte
	if r.LastClass != "" {
		last = r.LastClass[0]
	}
	buf = append(buf, last, byte(slices.Index(exemptions, r.Exempt)))
	for _, m := range r.Marks {
		var flags byte
		if m.NoFigure {
			flags |= 1
		}
		if m.Averaged {
			flags |= 2
		}
		buf = append(buf, flags)
		if !m.NoFigure {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(m.Value))
		}
		buf = binary.AppendVarint(buf, int64(m.Points))
	}
	return buf
}

// decodeDetail fills r from a detail encodeDetail wrote.
func decodeDetail(b []byte, r *mujun.Result) error {
	bad := errors.New("store: a mujun result's detail is cut short")
	score, n := binary.Varint(b)
	if n <= 0 {
		return bad
	}
	b = b[n:]
	var ranks [2]uint64
	for i := range ranks {
		if ranks[i], n = binary.Uvarint(b); n <= 0 {
			return bad
		}
		b = b[n:]
	}
	if len(b) < 2 || int(b[1]) >= len(exemptions) {
		return bad
	}
	r.Score, r.CityRank, r.TownRank = mujun.Points(score), int32(ranks[0]), int32(ranks[1])
	if b[0] != 0 {
		r.LastClass = mujun.Class(b[:1])
	}
	r.Exempt = exemptions[b[1]]
	var err error
	r.Marks, err = decodeMarks(b[2:])
	return err
}

func decodeMarks(b []byte) ([]mujun.Mark, error) {
	var out []mujun.Mark
	for len(b) > 0 {
		var m mujun.Mark
		flags := b[0]
		b = b[1:]
		m.NoFigure, m.Averaged = flags&1 != 0, flags&2 != 0
		if !m.NoFigure {
			if len(b) < 8 {
				return nil, errors.New("store: mujun marks cut short")
			}
			m.Value = math.Float64frombits(binary.LittleEndian.Uint64(b))
			b = b[8:]
		}
		p, n := binary.Varint(b)
		if n <= 0 {
			return nil, errors.New("store: mujun marks: bad points")
		}
		m.Points, b = mujun.Points(p), b[n:]
		out = append(out, m)
	}
	return out, nil
}

// SaveRun keeps a run with its results in one transaction: the run row,
// the results packed (mujun_pack.go) through the bulk path, their counts per group,
// town and class, the registry class of each firm in changes with an
// audit row each (the audit rows by the bulk path too), and the audit of
// the run.
func (db *DB) SaveRun(ctx context.Context, a fugong.Actor, r mujun.Run, evs []*mujun.Evaluation, changes []mujun.ClassChange) (mujun.Run, error) {
	settings, err := json.Marshal(r.Settings)
	if err != nil {
		return r, err
	}
	now := db.now()
	r.CreatedAt, r.CreatedBy = local(now), a.Username
	packed := packRun(evs)
	err = db.bulkChecked(ctx, func(w bulkWriter) error {
		if db.dialect().rowLocks {
			// Numbering runs of a year: one instance at a time.
			if err := w.exec(`SELECT pg_advisory_xact_lock(hashtext($1))`, fmt.Sprintf("mujun-run-%d", r.Year)); err != nil {
				return err
			}
		}
		if err := w.queryRow(`SELECT coalesce(max(version), 0) + 1 FROM mujun_runs WHERE year = $1`, []any{r.Year}, &r.Version); err != nil {
			return err
		}
		if err := w.queryRow(`INSERT INTO mujun_runs (year, version, note, settings, firms_above, firms_below,
			graded_above, graded_below, emission_average_above, emission_average_below, set_classes, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			[]any{r.Year, r.Version, r.Note, string(settings), r.Firms[mujun.Above], r.Firms[mujun.Below],
				r.Graded[mujun.Above], r.Graded[mujun.Below], int64(r.EmissionAverage[mujun.Above]),
				int64(r.EmissionAverage[mujun.Below]), r.SetClasses, now, a.Username}, &r.ID); err != nil {
			return err
		}
		if err := packed.write(w, r.ID); err != nil {
			return err
		}
		if err := w.rows("mujun_class_counts", []string{"run_id", "grp", "town_code", "class", "firms"}, len(packed.counts), func(i int) []any {
			c := &packed.counts[i]
			return []any{r.ID, string(c.Group), c.Town, string(c.Class), c.Firms}
		}); err != nil {
			return err
		}
		if err := setClasses(w, a, now, r.ID, changes); err != nil {
			return err
		}
		after, err := json.Marshal(struct {
			Year       int                 `json:"year"`
			Version    int                 `json:"version"`
			Firms      map[mujun.Group]int `json:"firms"`
			Graded     map[mujun.Group]int `json:"graded"`
			SetClasses bool                `json:"set_classes"`
			Changed    int                 `json:"classes_changed"`
			Settings   json.RawMessage     `json:"settings"`
		}{r.Year, r.Version, r.Firms, r.Graded, r.SetClasses, len(changes), settings})
		if err != nil {
			return err
		}
		return w.exec(qAudit, now, a.Username, "create", "mujun_evaluation", strconv.FormatInt(r.ID, 10), nil, string(after))
	})
	return r, err
}

var auditCols = []string{"at", "actor", "action", "entity", "entity_id", "before", "after"}

// manyChanges is where setting classes one statement each gives way to
// one statement over a temporary table of the changes.
const manyChanges = 200

// setClasses sets each changed firm's registry class, with one audit row
// each: {"mujun_class": before} → {"mujun_class": after, "evaluation_id": run}.
// Many changes (a year's first run) go into a temporary table through the
// bulk path and are applied by one UPDATE, not a statement (and on
// PostgreSQL a round trip) each.
func setClasses(w bulkWriter, a fugong.Actor, now time.Time, run int64, changes []mujun.ClassChange) error {
	if len(changes) < manyChanges {
		for _, c := range changes {
			if err := w.exec(`UPDATE enterprises SET mujun_class = $1, updated_at = $2 WHERE uscc = $3`, string(c.To), now, c.USCC); err != nil {
				return err
			}
		}
	} else {
		if err := w.exec(`CREATE TEMP TABLE mujun_class_changes (uscc TEXT PRIMARY KEY, class TEXT NOT NULL)`); err != nil {
			return err
		}
		if err := w.rows("mujun_class_changes", []string{"uscc", "class"}, len(changes), func(i int) []any {
			return []any{changes[i].USCC, string(changes[i].To)}
		}); err != nil {
			return err
		}
		if err := w.exec(`UPDATE enterprises SET mujun_class = c.class, updated_at = $1
			FROM mujun_class_changes c WHERE c.uscc = enterprises.uscc`, now); err != nil {
			return err
		}
		if err := w.exec(`DROP TABLE mujun_class_changes`); err != nil {
			return err
		}
	}
	classJSON := func(c mujun.Class) string {
		if c == "" {
			return "null"
		}
		return `"` + string(c) + `"`
	}
	runID := strconv.FormatInt(run, 10)
	row := make([]any, len(auditCols))
	return w.rows("audit_log", auditCols, len(changes), func(i int) []any {
		c := &changes[i]
		row[0], row[1], row[2], row[3], row[4] = now, a.Username, "update", "enterprise", c.USCC
		row[5] = `{"mujun_class":` + classJSON(c.From) + `}`
		row[6] = `{"mujun_class":` + classJSON(c.To) + `,"evaluation_id":` + runID + `}`
		return row
	})
}

// positions is each result's place in its list: by city rank, the firms
// not graded (rank 0) last, ties in the order given. A counting sort: the
// ranks run from 1 to the number of results.
func positions(rs []mujun.Result) []int32 {
	n := len(rs)
	start := make([]int32, n+2)
	key := func(r *mujun.Result) int {
		if r.CityRank == 0 {
			return n + 1
		}
		return int(r.CityRank)
	}
	for i := range rs {
		if k := key(&rs[i]); k+1 < len(start) {
			start[k+1]++
		}
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	pos := make([]int32, n)
	for i := range rs {
		k := key(&rs[i])
		pos[i] = start[k]
		start[k]++
	}
	return pos
}

const runCols = `id, year, version, note, settings, firms_above, firms_below, graded_above, graded_below,
	emission_average_above, emission_average_below, set_classes, created_at, created_by`

func scanRun(sc interface{ Scan(...any) error }) (mujun.Run, error) {
	var r mujun.Run
	var settings string
	var fa, fb, ga, gb int
	var ea, eb int64
	if err := sc.Scan(&r.ID, &r.Year, &r.Version, &r.Note, &settings, &fa, &fb, &ga, &gb, &ea, &eb, &r.SetClasses,
		&r.CreatedAt, &r.CreatedBy); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(settings), &r.Settings); err != nil {
		return r, err
	}
	r.CreatedAt = local(r.CreatedAt)
	r.Firms = map[mujun.Group]int{mujun.Above: fa, mujun.Below: fb}
	r.Graded = map[mujun.Group]int{mujun.Above: ga, mujun.Below: gb}
	r.EmissionAverage = map[mujun.Group]mujun.Points{mujun.Above: mujun.Points(ea), mujun.Below: mujun.Points(eb)}
	return r, nil
}

// Runs lists a year's runs, latest first.
func (db *DB) Runs(ctx context.Context, year int) ([]mujun.Run, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+runCols+` FROM mujun_runs WHERE year = $1 ORDER BY version DESC`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mujun.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Run returns one run.
func (db *DB) Run(ctx context.Context, id int64) (mujun.Run, error) {
	r, err := scanRun(db.r.QueryRowContext(ctx, `SELECT `+runCols+` FROM mujun_runs WHERE id = $1`, id))
	return r, notFound(err, "评价批次")
}

// SaveScenario keeps a relief scenario as it was computed.
func (db *DB) SaveScenario(ctx context.Context, a fugong.Actor, s mujun.Scenario) (mujun.Scenario, error) {
	b, err := json.Marshal(s.Relief)
	if err != nil {
		return s, err
	}
	err = db.write(ctx, func(tx *Tx) error {
		s.CreatedAt, s.CreatedBy = local(tx.now), a.Username
		if err := tx.QueryRowContext(ctx, `INSERT INTO mujun_scenarios (name, year, run_id, relief, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, s.Name, s.Year, s.Run, string(b), tx.now, a.Username).Scan(&s.ID); err != nil {
			return err
		}
		return tx.audit(a, "create", "mujun_scenario", strconv.FormatInt(s.ID, 10), nil, struct {
			Name   string             `json:"name"`
			Year   int                `json:"year"`
			Run    int64              `json:"evaluation_id"`
			Plan   mujun.ReliefPlan   `json:"plan"`
			Totals mujun.ReliefTotals `json:"totals"`
		}{s.Name, s.Year, s.Run, s.Relief.Plan, s.Relief.ReliefTotals})
	})
	return s, err
}

const scenarioCols = `id, name, year, run_id, relief, created_at, created_by`

func scanScenario(sc interface{ Scan(...any) error }) (mujun.Scenario, error) {
	var s mujun.Scenario
	var relief string
	var at time.Time
	if err := sc.Scan(&s.ID, &s.Name, &s.Year, &s.Run, &relief, &at, &s.CreatedBy); err != nil {
		return s, err
	}
	s.CreatedAt = local(at)
	return s, json.Unmarshal([]byte(relief), &s.Relief)
}

// Scenarios lists the saved scenarios, oldest first.
func (db *DB) Scenarios(ctx context.Context) ([]mujun.Scenario, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+scenarioCols+` FROM mujun_scenarios ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mujun.Scenario{}
	for rows.Next() {
		s, err := scanScenario(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Scenario returns one saved scenario.
func (db *DB) Scenario(ctx context.Context, id int64) (mujun.Scenario, error) {
	s, err := scanScenario(db.r.QueryRowContext(ctx, `SELECT `+scenarioCols+` FROM mujun_scenarios WHERE id = $1`, id))
	return s, notFound(err, "减免方案")
}

var annualBulkCols = []string{"year", "uscc", "land_mu", "tax_wan", "value_added_wan", "revenue_wan", "energy_tce",
	"emissions_t", "rd_wan", "staff", "electricity_kwh", "water_t", "utility", "start_year", "updated_at", "updated_by", "fig"}

// LoadAnnualData inserts generated annual figures in one transaction,
// fast and without audit rows: for generated data only (the demo city,
// the benchmarks). The figures must be normalized and not stored yet.
func (db *DB) LoadAnnualData(ctx context.Context, rows []mujun.AnnualData) error {
	now := db.now()
	row := make([]any, len(annualBulkCols))
	var fig []byte
	perYear := map[int]int{}
	for i := range rows {
		perYear[rows[i].Year]++
	}
	return db.bulk(ctx, func(w bulkWriter) error {
		if err := countDataYears(perYear, w.exec); err != nil {
			return err
		}
		return w.rows("mujun_annual_data", annualBulkCols, len(rows), func(i int) []any {
			d := &rows[i]
			row[0], row[1] = d.Year, d.USCC
			copy(row[2:14], annualArgs(d))
			row[14], row[15] = now, "system"
			if len(fig)+figSize+64 > cap(fig) {
				fig = make([]byte, 0, 64<<10)
			}
			n := len(fig)
			fig = packFigures(fig, d)
			row[16] = fig[n:len(fig):len(fig)]
			return row
		})
	})
}
