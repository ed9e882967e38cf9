package mujun

import (
	"encoding/json"
	"maps"
	"slices"

	"fugong"
)

// Firm is one enterprise as the evaluation takes it: its year's figures,
// its town (a code) and its class of the year before ("" when it had
// none). The figures say whether it is a utility or a start-up.
type Firm struct {
	Data      AnnualData
	Town      string
	LastClass Class
	// Current is the firm's class in the registry now ("" for none): a run
	// of the latest year sets the classes that differ from it.
	Current Class
}

// Exemption says why a firm is not graded: it is treated as B.
type Exemption string

const (
	NotExempt     Exemption = ""
	ExemptUtility Exemption = "utility" // a public utility
	ExemptStartup Exemption = "startup" // in production fewer than StartupYears
)

// ExemptionNames are the Chinese names of the exemptions.
var ExemptionNames = map[Exemption]string{ExemptUtility: "公用事业企业", ExemptStartup: "新投产企业"}

// Mark is a firm's result on one indicator; the indicator, its benchmark
// and weight are the evaluation's.
type Mark struct {
	Value  float64
	Points Points
	// NoFigure: the firm has nothing to divide by (no emission figure, no
	// energy, staff, revenue or electricity). Value is then meaningless.
	NoFigure bool
	// Averaged: the points are the indicator's average (a missing
	// emission figure under MissingAverage).
	Averaged bool
}

// Result is one firm's evaluation.
type Result struct {
	USCC string
	Town string
	// Marks are the firm's results on the evaluation's Keys, in order.
	Marks []Mark
	Score Points
	// CityRank and TownRank are 1 for the best score in the group, the
	// same for equal scores (1, 2, 2, 4); 0 for a firm not graded.
	CityRank, TownRank int32
	Class              Class
	LastClass          Class
	Exempt             Exemption
}

// Evaluation is the grading of one group of firms for one year.
type Evaluation struct {
	Year     int
	Group    Group
	Settings Settings
	// Keys are the indicators with a weight, in form order.
	Keys []Indicator
	// Graded counts the firms ranked (not exempt).
	Graded int
	// EmissionAverage is the points a firm without an emission figure
	// got under MissingAverage: the average of the graded firms with one.
	EmissionAverage Points
	// Results are in the order of the firms given.
	Results []Result
}

// Evaluate grades one group of firms for a year under its settings: every
// indicator's value and points, the score, the rank in the city and in the
// town, the class. Firms not graded (utilities, start-ups) are scored for
// information but not ranked, and are B.
//
// It is built for a whole province's worth of firms: one pass computes
// the values and points into two allocations shared by all firms (no map
// or slice per firm), a second pass over the firms without an emission
// figure gives them the average, a radix sort of compact (score, index)
// pairs ranks them in linear time, and one walk of the ranking gives town
// ranks and classes.
//
// The firms' figures were normalized when they were stored; they are
// checked again here (the figures only, not the USCC), and the first bad
// one is an invalid-input error naming the firm and the field.
func Evaluate(year int, g Group, s Settings, firms []Firm) (*Evaluation, error) {
	if g != Above && g != Below {
		return nil, fugong.Errorf(fugong.EInvalid, "group", "企业分组应为规上或规下")
	}
	if err := fugong.Invalid(s.Normalize()); err != nil {
		return nil, err
	}
	c := s.compile()
	n, k := len(firms), len(c.keys)
	// The evaluation keeps its own copy of the settings it was made with.
	s.Weights, s.Benchmarks, s.Caps = maps.Clone(s.Weights), maps.Clone(s.Benchmarks), maps.Clone(s.Caps)
	ev := &Evaluation{Year: year, Group: g, Settings: s, Keys: c.keys, Results: make([]Result, n)}
	marks := make([]Mark, n*k)
	ranking := make([]ranked, 0, n)
	townOf := make([]int32, n)
	towns := map[string]int32{}
	var lastTown string
	var lastTownIdx int32 = -1
	var missing []int32
	var emSum, emCount int64

	for i := range firms {
		f := &firms[i]
		if err := f.check(year); err != nil {
			return nil, err
		}
		r := &ev.Results[i]
		r.USCC, r.Town, r.LastClass = f.Data.USCC, f.Town, f.LastClass
		r.Marks = marks[i*k : (i+1)*k : (i+1)*k]
		r.Exempt = c.exemption(&f.Data, year)
		var score Points
		for j := range k {
			m := &r.Marks[j]
			v, ok := c.value[j](&f.Data)
			if !ok {
				m.NoFigure = true
				if j == c.emission && c.average {
					missing = append(missing, int32(i))
				}
				continue
			}
			p := pointsOf(v, c.benchmark[j], c.weight100[j])
			if c.cap[j] > 0 && p > c.cap[j] {
				p = c.cap[j]
			}
			m.Value, m.Points = v, p
			score += p
			if j == c.emission && r.Exempt == NotExempt {
				emSum += int64(p)
				emCount++
			}
		}
		r.Score = score
		// Firms come grouped by town more often than not: skip the map
		// while the town stays the same.
		if f.Town != lastTown || lastTownIdx < 0 {
			t, ok := towns[f.Town]
			if !ok {
				t = int32(len(towns))
				towns[f.Town] = t
			}
			lastTown, lastTownIdx = f.Town, t
		}
		townOf[i] = lastTownIdx
		if r.Exempt == NotExempt {
			ranking = append(ranking, ranked{score, int32(i)})
		} else {
			r.Class = ClassB
		}
	}

	if len(missing) > 0 {
		if emCount > 0 {
			ev.EmissionAverage = Points((2*emSum + emCount) / (2 * emCount)) // half up
		}
		for _, i := range missing {
			r := &ev.Results[i]
			m := &r.Marks[c.emission]
			m.Points, m.Averaged = ev.EmissionAverage, true
			r.Score += ev.EmissionAverage
		}
		// The ranking was filled before the average was known.
		for j := range ranking {
			ranking[j].score = ev.Results[ranking[j].i].Score
		}
	}

	ev.Graded = len(ranking)
	sortByScore(ranking)
	slices.Reverse(ranking) // best first
	counts := c.classCounts(len(ranking))
	type townRun struct {
		seen, rank int32
		last       Points
	}
	runs := make([]townRun, len(towns))
	var rank int32
	for pos, e := range ranking {
		if pos == 0 || e.score != ranking[pos-1].score {
			rank = int32(pos + 1)
		}
		r := &ev.Results[e.i]
		r.CityRank = rank
		t := &runs[townOf[e.i]]
		t.seen++
		if t.seen == 1 || e.score != t.last {
			t.rank, t.last = t.seen, e.score
		}
		r.TownRank = t.rank
		r.Class = c.class(rank, e.score, counts)
	}
	return ev, nil
}

// ranked is a graded firm's score and index, 16 bytes, for the sort.
type ranked struct {
	score Points
	i     int32
}

// sortByScore sorts the ranking by score, lowest first. It is a radix
// sort (least significant byte first, stable) in linear time: one pass
// counts every byte of every score, and then one pass moves the firms per
// byte in which the scores differ; scores below 167,772.16 points differ
// only in their low three bytes, so three passes do. The order of equal
// scores does not matter: they share a rank and a class.
func sortByScore(a []ranked) {
	if len(a) < 2 {
		return
	}
	key := func(p Points) uint64 { return uint64(p) ^ 1<<63 } // negative scores sort first
	var counts [8][256]int
	for _, e := range a {
		k := key(e.score)
		for b := range counts {
			counts[b][byte(k>>(8*b))]++
		}
	}
	src, dst := a, make([]ranked, len(a))
	for b := range counts {
		c := &counts[b]
		if c[byte(key(a[0].score)>>(8*b))] == len(a) {
			continue // every score has this byte
		}
		pos := 0
		for d, n := range c {
			c[d] = pos
			pos += n
		}
		for _, e := range src {
			d := byte(key(e.score) >> (8 * b))
			dst[c[d]] = e
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}

// check is the cheap per-firm check of Evaluate: no allocation unless
// something is wrong.
func (f *Firm) check(year int) error {
	d := &f.Data
	if d.Year != year {
		return fugong.Errorf(fugong.EInvalid, "year", "企业 %s 的数据年度为 %d，不是评价年度 %d", d.USCC, d.Year, year)
	}
	if field, msg := d.figureProblem(); field != "" {
		return fugong.Errorf(fugong.EInvalid, field, "企业 %s：%s%s", d.USCC, FieldLabels[field], msg)
	}
	if f.Town == "" {
		return fugong.Errorf(fugong.EInvalid, "town", "企业 %s 没有所属乡镇街道", d.USCC)
	}
	if f.LastClass != "" && f.LastClass.order() == 0 {
		return fugong.Errorf(fugong.EInvalid, "last_class", "企业 %s 的上年等级“%s”应为 A、B、C、D 或空", d.USCC, f.LastClass)
	}
	return nil
}

func (c *compiled) exemption(d *AnnualData, year int) Exemption {
	switch {
	case d.Utility:
		return ExemptUtility
	case d.StartYear != 0 && year-d.StartYear < c.startupYears:
		return ExemptStartup
	}
	return NotExempt
}

// classCounts are the last ranks of A, B and C under a share rule: each
// cumulative share of n, rounded half up, in integers.
func (c *compiled) classCounts(n int) [3]int32 {
	share := func(s100 int64) int32 { return int32((int64(n)*s100 + 5_000) / 10_000) }
	return [3]int32{share(c.a100), share(c.b100), share(c.c100)}
}

func (c *compiled) class(rank int32, score Points, counts [3]int32) Class {
	if c.share {
		switch {
		case rank <= counts[0]:
			return ClassA
		case rank <= counts[1]:
			return ClassB
		case rank <= counts[2]:
			return ClassC
		}
		return ClassD
	}
	switch {
	case score >= c.minA:
		return ClassA
	case score >= c.minB:
		return ClassB
	case score >= c.minC:
		return ClassC
	}
	return ClassD
}

// IndicatorResult is one firm's indicator as the API shows it.
type IndicatorResult struct {
	Key       Indicator `json:"key"`
	Name      string    `json:"name"`
	Unit      string    `json:"unit"`
	Value     *float64  `json:"value"` // null when the firm has no figure
	Benchmark float64   `json:"benchmark"`
	Weight    float64   `json:"weight"`
	Cap       *float64  `json:"cap,omitempty"`
	Points    Points    `json:"points"`
	Averaged  bool      `json:"averaged,omitempty"`
}

// FirmResult is one firm's evaluation as the API shows it.
type FirmResult struct {
	USCC       string            `json:"uscc"`
	Town       string            `json:"town"`
	Indicators []IndicatorResult `json:"indicators"`
	Score      Points            `json:"score"`
	CityRank   *int32            `json:"city_rank"` // null when not graded
	TownRank   *int32            `json:"town_rank"`
	Class      Class             `json:"class"`
	LastClass  *Class            `json:"last_class"`
	Exempt     Exemption         `json:"exempt,omitempty"`
}

// Detail returns the i-th result with every indicator's value, benchmark,
// weight and points.
func (e *Evaluation) Detail(i int) FirmResult {
	r := &e.Results[i]
	out := FirmResult{USCC: r.USCC, Town: r.Town, Score: r.Score, Class: r.Class, Exempt: r.Exempt,
		Indicators: make([]IndicatorResult, len(e.Keys))}
	for j, k := range e.Keys {
		m := r.Marks[j]
		ir := IndicatorResult{Key: k, Name: k.Name(), Unit: k.Unit(), Benchmark: e.Settings.Benchmarks[k],
			Weight: e.Settings.Weights[k], Points: m.Points, Averaged: m.Averaged}
		if !m.NoFigure {
			v := m.Value
			ir.Value = &v
		}
		if c, ok := e.Settings.Caps[k]; ok {
			ir.Cap = &c
		}
		out.Indicators[j] = ir
	}
	if r.Exempt == NotExempt {
		cr, tr := r.CityRank, r.TownRank
		out.CityRank, out.TownRank = &cr, &tr
	}
	if r.LastClass != "" {
		lc := r.LastClass
		out.LastClass = &lc
	}
	return out
}

// MarshalJSON writes the whole evaluation: its year, group, settings and
// every firm's result as Detail gives it.
func (e *Evaluation) MarshalJSON() ([]byte, error) {
	firms := make([]FirmResult, len(e.Results))
	for i := range e.Results {
		firms[i] = e.Detail(i)
	}
	return json.Marshal(struct {
		Year            int          `json:"year"`
		Group           Group        `json:"group"`
		Settings        Settings     `json:"settings"`
		Graded          int          `json:"graded"`
		EmissionAverage Points       `json:"emission_average"`
		Firms           []FirmResult `json:"firms"`
	}{e.Year, e.Group, e.Settings, e.Graded, e.EmissionAverage, firms})
}
