package mujun

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"fugong"
	"fugong/finance"
	"fugong/mujun"
	"fugong/registry"
	"fugong/sheet"
	"fugong/web"
	"fugong/web/chart"
)

// The pages (M9, 亩均论英雄): the overview of a year (its runs and class
// distribution, the run button), the results list and a firm's result,
// the moves between runs, the settings and prices, the import, the
// relief simulation with its scenarios, and a firm's annual figures.

// classColors colour the classes in charts and tags.
var classColors = map[mujun.Class]string{mujun.ClassA: chart.Green, mujun.ClassB: chart.Blue, mujun.ClassC: chart.Amber, mujun.ClassD: chart.Red}

// groupNames are the Chinese names of the groups.
var groupNames = map[mujun.Group]string{mujun.Above: "规上企业", mujun.Below: "规下企业"}

// published are the class distributions DOMAIN.md cites, to compare the
// city's with (shares in percent of the firms rated).
var published = []struct {
	Name   string
	Shares [4]float64
	Note   string
}{
	{"瑞安 2018（A、B、C、C−）", [4]float64{0, 0, 33.2, 6.1}, "6,833 家参评，C 类 2,267 家、C− 类 418 家；A、B 合计 60.7%"},
	{"天台 2022", [4]float64{10.7, 35.2, 46.1, 8.0}, "A 134 / B 439 / C 575 / D 100，共 1,248 家"},
	{"丽水 2019", [4]float64{27.4, 56.7, 14.3, 1.6}, ""},
	{"省指导意见（按排名）", [4]float64{25, 45, 25, 5}, "A 前 25%，B 26–70%，C 71–95%，D 末 5%"},
}

// yearOf reads the {year} of a page's path; a bad one is a page not found.
func yearOf(r *http.Request) (int, error) {
	y, err := pathYear(r)
	if err != nil {
		return 0, fugong.NotFound("页面")
	}
	return y, nil
}

func pct(n, total int) string {
	if total == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64) + "%"
}

// yuan writes an amount of money with thousands separators: 15,000,000.00.
func yuan(f finance.Fen) string {
	s := f.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// whole writes a whole number with thousands separators.
func whole(n int64) string { return strings.TrimSuffix(yuan(finance.Fen(n*100)), ".00") }

// num writes a figure with up to four significant decimals.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 4, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// ---- Class distribution ---------------------------------------------------

type classRow struct {
	Class     mujun.Class
	Firms     int
	Share     string
	Above     int
	Below     int
	Color     string
	Href      template.URL
	Published []string
}

type distView struct {
	Rows  []classRow
	Total int
	Chart template.HTML
	Towns []townDist
	Pub   []string
	Notes []string
}

type townDist struct {
	Town, Name string
	Counts     [4]int
	Total      int
}

func distributionView(d mujun.Distribution, year int, run int64) distView {
	v := distView{}
	for _, c := range d.Totals {
		v.Total += c
	}
	above, below := map[mujun.Class]int{}, map[mujun.Class]int{}
	towns := map[string]*townDist{}
	for _, c := range d.Counts {
		if c.Group == mujun.Above {
			above[c.Class] += c.Firms
		} else {
			below[c.Class] += c.Firms
		}
		t := towns[c.Town]
		if t == nil {
			t = &townDist{Town: c.Town, Name: townName(c.Town)}
			towns[c.Town] = t
		}
		t.Counts[slices.Index(mujun.Classes, c.Class)] += c.Firms
		t.Total += c.Firms
	}
	h := chart.HBar{Title: "各等级企业数（家）"}
	for i, c := range mujun.Classes {
		href := template.URL(fmt.Sprintf("/mujun/%d/results?evaluation=%d&class=%s", year, run, c))
		row := classRow{Class: c, Firms: d.Totals[c], Share: pct(d.Totals[c], v.Total), Above: above[c], Below: below[c],
			Color: classColors[c], Href: href}
		for _, p := range published {
			s := "—"
			if p.Shares[i] > 0 {
				s = strconv.FormatFloat(p.Shares[i], 'f', 1, 64) + "%"
			}
			row.Published = append(row.Published, s)
		}
		v.Rows = append(v.Rows, row)
		h.Bars = append(h.Bars, chart.Bar{Label: string(c) + " 类", Value: float64(d.Totals[c]), Fill: classColors[c],
			Text: fmt.Sprintf("%d（%s）", d.Totals[c], row.Share), Href: string(href),
			Title: fmt.Sprintf("%s 类 %d 家，占 %s，点击查看名单", c, d.Totals[c], row.Share)})
	}
	v.Chart = h.HTML()
	for _, p := range published {
		v.Pub = append(v.Pub, p.Name)
		if p.Note != "" {
			v.Notes = append(v.Notes, p.Name+"："+p.Note)
		}
	}
	for _, t := range registry.Towns {
		if td, ok := towns[t.Code]; ok {
			v.Towns = append(v.Towns, *td)
		}
	}
	return v
}

// ---- Overview ---------------------------------------------------------------

// runRow is a run as the pages list it.
type runRow struct {
	mujun.Run
	Above, Below int
}

func runRowOf(r mujun.Run) runRow { return runRow{r, r.Firms[mujun.Above], r.Firms[mujun.Below]} }

type overviewView struct {
	web.Base
	Years      []mujun.YearCount
	Year       int
	Runs       []runRow
	Latest     *mujun.Run
	Dist       *distView
	CanEdit    bool
	CanPolicy  bool
	CityWide   bool
	Note       string
	Error      string
	Enterprise string // the clerk's firm
}

func (m *module) overviewPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showOverview(w, r, ss, 0, http.StatusOK, "", "")
}

func (m *module) showOverview(w http.ResponseWriter, r *http.Request, ss *web.Session, year, status int, note, msg string) error {
	a := ss.Actor()
	if !mujun.CanRead(a) {
		return fugong.NotFound("页面")
	}
	ctx := r.Context()
	p := overviewView{Base: ss.Base("亩均论英雄", "/mujun"), CanEdit: mujun.CanEditData(a), CanPolicy: mujun.CanEditPolicy(a),
		CityWide: a.CityWide(), Note: note, Error: msg}
	if a.Role == fugong.RoleEnterprise {
		p.Enterprise = a.Enterprise
	}
	var err error
	if p.Years, err = m.svc.DataYears(ctx, a); err != nil {
		return err
	}
	p.Year = year
	if p.Year == 0 {
		if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= mujun.MinYear && y <= mujun.MaxYear {
			p.Year = y
		} else if len(p.Years) > 0 {
			p.Year = p.Years[0].Year
		} else {
			p.Year = m.svc.Now().In(fugong.Location).Year() - 1
		}
	}
	if !slices.ContainsFunc(p.Years, func(y mujun.YearCount) bool { return y.Year == p.Year }) {
		p.Years = append(p.Years, mujun.YearCount{Year: p.Year})
		slices.SortFunc(p.Years, func(a, b mujun.YearCount) int { return b.Year - a.Year })
	}
	runs, err := m.svc.Runs(ctx, a, p.Year)
	if err != nil {
		return err
	}
	for _, r := range runs {
		p.Runs = append(p.Runs, runRowOf(r))
	}
	if len(runs) > 0 {
		p.Latest = &runs[0]
		d, err := m.svc.Distribution(ctx, a, *p.Latest)
		if err != nil {
			return err
		}
		dv := distributionView(d, p.Year, p.Latest.ID)
		p.Dist = &dv
	}
	ss.Render(w, r, status, "mujun", p)
	return nil
}

// evaluatePost runs the year's evaluation and shows its results.
func (m *module) evaluatePost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !mujun.CanRead(a) {
		return fugong.NotFound("页面")
	}
	year, err := yearOf(r)
	if err != nil {
		return err
	}
	note := r.PostFormValue("note")
	run, err := m.svc.Evaluate(r.Context(), a, year, note)
	if err == nil {
		return web.SeeOther(w, r, fmt.Sprintf("/mujun/%d/results?evaluation=%d&ran=1", year, run.ID))
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showOverview(w, r, ss, year, f.Status, note, "评价未运行："+f.Message)
}

// ---- Results ----------------------------------------------------------------

type resultRow struct {
	resultJSON
	Href    string
	Points  []string
	ClassOf string
}

type resultsView struct {
	web.Base
	Pager       web.Pager
	Year        int
	Run         runRow
	Runs        []mujun.Run
	Dist        distView
	Keys        map[mujun.Group][]mujun.Indicator
	Groups      []groupRows
	Total       int
	Page, Pages int
	Query       template.URL
	Town, Class string
	Group       string
	TownChoices []registry.Town
	Ran         bool
	HasPrev     bool
}

type groupRows struct {
	Group mujun.Group
	Name  string
	Keys  []mujun.Indicator
	Rows  []resultRow
}

func (m *module) resultsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if _, err := yearOf(r); err != nil {
		return err
	}
	run, err := m.runOf(r, a)
	if err != nil {
		return pageError(err)
	}
	ctx := r.Context()
	pg := web.PageOf(r, registry.DefaultPerPage)
	f := filterOf(r, run, pg)
	items, total, err := m.svc.Results(ctx, a, f)
	if err != nil {
		return err
	}
	d, err := m.svc.Distribution(ctx, a, run)
	if err != nil {
		return err
	}
	runs, err := m.svc.Runs(ctx, a, run.Year)
	if err != nil {
		return err
	}
	q := url.Values{"evaluation": {strconv.FormatInt(run.ID, 10)}}
	for _, k := range []string{"town", "class", "group"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	p := resultsView{Base: ss.Base(fmt.Sprintf("%d 年度亩均评价结果", run.Year), "/mujun"), Year: run.Year, Run: runRowOf(run), Runs: runs,
		Dist: distributionView(d, run.Year, run.ID), Total: total, Page: pg.Page, Pages: pg.Pages(total),
		Query: template.URL(q.Encode()), Town: f.Town, Class: string(f.Class), Group: string(f.Group),
		TownChoices: web.TownsFor(a), Ran: r.URL.Query().Get("ran") == "1", HasPrev: run.Version > 1}
	p.Pager = pg.Pager(r, total)
	p.Pager.Anchor = "#list"
	byGroup := map[mujun.Group]*groupRows{}
	for _, l := range items {
		g := byGroup[l.Group]
		if g == nil {
			g = &groupRows{Group: l.Group, Name: groupNames[l.Group], Keys: run.Settings.For(l.Group).Keys()}
			byGroup[l.Group] = g
		}
		rj := resultOf(&run, l)
		row := resultRow{resultJSON: rj, Href: fmt.Sprintf("/mujun/%d/results/%s?evaluation=%d", run.Year, url.PathEscape(l.USCC), run.ID),
			ClassOf: strings.ToLower(string(l.Class))}
		for _, k := range g.Keys {
			row.Points = append(row.Points, rj.Indicators[k].Points.String())
		}
		g.Rows = append(g.Rows, row)
	}
	for _, gr := range []mujun.Group{mujun.Above, mujun.Below} {
		if g := byGroup[gr]; g != nil {
			p.Groups = append(p.Groups, *g)
		}
	}
	ss.Render(w, r, http.StatusOK, "mujun_results", p)
	return nil
}

// pageError turns an invalid year or run into a page not found: a page's
// path names them.
func pageError(err error) error {
	if fugong.ErrorCode(err) == fugong.EInvalid {
		return fugong.Errorf(fugong.ENotFound, "", "%s", fugong.AsError(err).Message)
	}
	return err
}

type resultView struct {
	web.Base
	Run      mujun.Run
	Name     string
	Group    string
	Result   mujun.FirmResult
	Rows     []indicatorRow
	Graded   int
	ClassOf  string
	Data     *mujun.AnnualData
	Exempt   string
	Averaged string
}

type indicatorRow struct {
	mujun.IndicatorResult
	ValueText, Formula string
}

func (m *module) resultPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if _, err := yearOf(r); err != nil {
		return err
	}
	run, err := m.runOf(r, a)
	if err != nil {
		return pageError(err)
	}
	e, l, fr, err := m.svc.Result(r.Context(), a, run, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	p := resultView{Base: ss.Base(e.Name+" 亩均评价", "/mujun"), Run: run, Name: e.Name, Group: groupNames[l.Group], Result: fr,
		Graded: run.Graded[l.Group], ClassOf: strings.ToLower(string(fr.Class)), Exempt: mujun.ExemptionNames[fr.Exempt]}
	if d, err := m.svc.AnnualData(r.Context(), a, e.USCC, run.Year); err == nil {
		p.Data = &d
	}
	for _, ir := range fr.Indicators {
		row := indicatorRow{IndicatorResult: ir, ValueText: "无数据"}
		if ir.Value != nil {
			row.ValueText = num(*ir.Value)
			row.Formula = fmt.Sprintf("%s ÷ %s × %s = %s", num(*ir.Value), num(ir.Benchmark), num(ir.Weight), ir.Points)
			if ir.Cap != nil && ir.Points.Float() >= *ir.Cap {
				row.Formula += "（封顶 " + num(*ir.Cap) + "）"
			}
		}
		if ir.Averaged {
			row.Formula = "无排放数据，取参评企业该项平均分 " + ir.Points.String()
		} else if ir.Value == nil {
			row.Formula = "无可除的数据，不得分"
		}
		p.Rows = append(p.Rows, row)
	}
	ss.Render(w, r, http.StatusOK, "mujun_result", p)
	return nil
}

// ---- Moves ------------------------------------------------------------------

type movesView struct {
	web.Base
	Run, Before mujun.Run
	HasBefore   bool
	Runs        []mujun.Run
	Counts      map[string]int
	Moves       []moveRow
	More        int
}

type moveRow struct {
	mujun.Move
	Name, TownName, Dir string
}

var directionNames = map[string]string{mujun.Up: "升级", mujun.Down: "降级", mujun.New: "新参评", mujun.Gone: "不再参评"}

const maxMovesShown = 500

func (m *module) movesPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if _, err := yearOf(r); err != nil {
		return err
	}
	run, err := m.runOf(r, a)
	if err != nil {
		return pageError(err)
	}
	before, ok, err := m.previousRun(r, a, run)
	if err != nil {
		return pageError(err)
	}
	runs, err := m.svc.Runs(r.Context(), a, run.Year)
	if err != nil {
		return err
	}
	p := movesView{Base: ss.Base(fmt.Sprintf("%d 年度评价等级变动", run.Year), "/mujun"), Run: run, Before: before, HasBefore: ok,
		Runs: runs, Counts: mujun.MoveCounts(nil)}
	if ok {
		moves, err := m.svc.Moves(r.Context(), a, before, run)
		if err != nil {
			return err
		}
		p.Counts = mujun.MoveCounts(moves)
		if len(moves) > maxMovesShown {
			p.More = len(moves) - maxMovesShown
			moves = moves[:maxMovesShown]
		}
		var usccs []string
		for _, mv := range moves {
			usccs = append(usccs, mv.USCC)
		}
		found, err := m.svc.Registry.Store.FindEnterprises(r.Context(), usccs)
		if err != nil {
			return err
		}
		for _, mv := range moves {
			p.Moves = append(p.Moves, moveRow{Move: mv, Name: found[mv.USCC].Name, TownName: townName(mv.Town), Dir: directionNames[mv.Direction]})
		}
	}
	ss.Render(w, r, http.StatusOK, "mujun_moves", p)
	return nil
}

// ---- Settings ---------------------------------------------------------------

type indicatorField struct {
	Key                             mujun.Indicator
	Name, Unit                      string
	Weight, Benchmark, Cap          string
	WeightErr, BenchmarkErr, CapErr string
}

type groupForm struct {
	Group            mujun.Group
	Name             string
	Fields           []indicatorField
	Missing, Startup string
	Kind, A, B, C    string
	MinA, MinB, MinC string
	Errors           map[string]string
}

type settingsView struct {
	web.Base
	Year    int
	CanEdit bool
	Groups  []groupForm
	Saved   bool
	Error   string
}

func fmtOpt(m map[mujun.Indicator]float64, k mujun.Indicator) string {
	if v, ok := m[k]; ok {
		return num(v)
	}
	return ""
}

func formOf(g mujun.Group, s mujun.Settings) groupForm {
	f := groupForm{Group: g, Name: groupNames[g], Missing: s.MissingEmission, Startup: strconv.Itoa(s.StartupYears),
		Kind: s.ClassRule.Kind, Errors: map[string]string{}}
	if s.ClassRule.Kind == mujun.ByThreshold {
		f.MinA, f.MinB, f.MinC = num(s.ClassRule.MinA), num(s.ClassRule.MinB), num(s.ClassRule.MinC)
	} else {
		f.A, f.B, f.C = num(s.ClassRule.A), num(s.ClassRule.B), num(s.ClassRule.C)
	}
	for _, k := range mujun.Indicators {
		f.Fields = append(f.Fields, indicatorField{Key: k, Name: k.Name(), Unit: k.Unit(), Weight: fmtOpt(s.Weights, k),
			Benchmark: fmtOpt(s.Benchmarks, k), Cap: fmtOpt(s.Caps, k)})
	}
	return f
}

func (m *module) settingsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !a.CityWide() {
		return fugong.NotFound("页面")
	}
	year, err := yearOf(r)
	if err != nil {
		return err
	}
	s, err := m.svc.YearSettings(r.Context(), a, year)
	if err != nil {
		return err
	}
	p := settingsView{Base: ss.Base(fmt.Sprintf("%d 年度亩均评价设置", year), "/mujun"), Year: year, CanEdit: mujun.CanEditData(a),
		Groups: []groupForm{formOf(mujun.Above, s.Above), formOf(mujun.Below, s.Below)}, Saved: r.URL.Query().Get("saved") == "1"}
	ss.Render(w, r, http.StatusOK, "mujun_settings", p)
	return nil
}

// parseGroup reads one group's settings from the form; bad numbers are
// problems named like the service's fields ("above.weights.tax_per_mu").
func parseGroup(r *http.Request, g mujun.Group) (mujun.Settings, groupForm, []fugong.Problem) {
	pre := string(g) + "."
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: pre + field, Message: msg}) }
	number := func(field, label string) (float64, bool, bool) {
		v := strings.TrimSpace(web.HalfWidth(r.PostFormValue(pre + field)))
		if v == "" {
			return 0, false, true
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad(field, label+"应为数字")
			return 0, false, false
		}
		return n, true, true
	}
	s := mujun.Settings{Weights: map[mujun.Indicator]float64{}, Benchmarks: map[mujun.Indicator]float64{}, Caps: map[mujun.Indicator]float64{},
		MissingEmission: r.PostFormValue(pre + "missing_emission")}
	f := groupForm{Group: g, Name: groupNames[g], Missing: s.MissingEmission, Startup: r.PostFormValue(pre + "startup_years"),
		Kind: r.PostFormValue(pre + "class_rule.kind"), A: r.PostFormValue(pre + "class_rule.a"), B: r.PostFormValue(pre + "class_rule.b"),
		C: r.PostFormValue(pre + "class_rule.c"), MinA: r.PostFormValue(pre + "class_rule.min_a"), MinB: r.PostFormValue(pre + "class_rule.min_b"),
		MinC: r.PostFormValue(pre + "class_rule.min_c"), Errors: map[string]string{}}
	for _, k := range mujun.Indicators {
		kf := indicatorField{Key: k, Name: k.Name(), Unit: k.Unit(), Weight: r.PostFormValue(pre + "weights." + string(k)),
			Benchmark: r.PostFormValue(pre + "benchmarks." + string(k)), Cap: r.PostFormValue(pre + "caps." + string(k))}
		f.Fields = append(f.Fields, kf)
		if v, ok, _ := number("weights."+string(k), k.Name()+"的权重"); ok {
			s.Weights[k] = v
		}
		if v, ok, _ := number("benchmarks."+string(k), k.Name()+"的基准值"); ok {
			s.Benchmarks[k] = v
		}
		if v, ok, _ := number("caps."+string(k), k.Name()+"的封顶分"); ok {
			s.Caps[k] = v
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.Startup)); err == nil {
		s.StartupYears = n
	} else {
		bad("startup_years", "新投产企业不参评年限应为整数")
	}
	s.ClassRule.Kind = f.Kind
	if f.Kind == mujun.ByThreshold {
		s.ClassRule.MinA, _, _ = number("class_rule.min_a", "A 类分数线")
		s.ClassRule.MinB, _, _ = number("class_rule.min_b", "B 类分数线")
		s.ClassRule.MinC, _, _ = number("class_rule.min_c", "C 类分数线")
	} else {
		s.ClassRule.A, _, _ = number("class_rule.a", "A 类累计比例")
		s.ClassRule.B, _, _ = number("class_rule.b", "B 类累计比例")
		s.ClassRule.C, _, _ = number("class_rule.c", "C 类累计比例")
	}
	return s, f, ps
}

func (m *module) settingsPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !a.CityWide() {
		return fugong.NotFound("页面")
	}
	year, err := yearOf(r)
	if err != nil {
		return err
	}
	above, af, aps := parseGroup(r, mujun.Above)
	below, bf, bps := parseGroup(r, mujun.Below)
	err = fugong.Invalid(append(aps, bps...))
	if err == nil {
		_, err = m.svc.SaveYearSettings(r.Context(), a, year, func(s *mujun.YearSettings) error {
			s.Above, s.Below = above, below
			return nil
		})
		if err == nil {
			return web.SeeOther(w, r, fmt.Sprintf("/mujun/%d/settings?saved=1", year))
		}
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	for field, msg := range fail.Fields {
		for _, gf := range []*groupForm{&af, &bf} {
			pre := string(gf.Group) + "."
			if !strings.HasPrefix(field, pre) {
				continue
			}
			rest := strings.TrimPrefix(field, pre)
			gf.Errors[rest] = msg
			for i := range gf.Fields {
				k := string(gf.Fields[i].Key)
				switch rest {
				case "weights." + k:
					gf.Fields[i].WeightErr = msg
				case "benchmarks." + k:
					gf.Fields[i].BenchmarkErr = msg
				case "caps." + k:
					gf.Fields[i].CapErr = msg
				}
			}
		}
	}
	p := settingsView{Base: ss.Base(fmt.Sprintf("%d 年度亩均评价设置", year), "/mujun"), Year: year, CanEdit: true,
		Groups: []groupForm{af, bf}, Error: "设置未保存：" + fail.Message}
	ss.Render(w, r, fail.Status, "mujun_settings", p)
	return nil
}

// ---- Prices -----------------------------------------------------------------

type priceRow struct {
	Class                    mujun.Class
	Electricity, Water       string
	ElectricityErr, WaterErr string
}

type pricesView struct {
	web.Base
	CanEdit bool
	Rows    []priceRow
	Base4   string
	BaseErr string
	Saved   bool
	Error   string
}

func pricesForm(p mujun.PriceSettings) ([]priceRow, string) {
	var rows []priceRow
	for _, c := range mujun.Classes {
		rows = append(rows, priceRow{Class: c, Electricity: num(p.ElectricityYuanPerKWh[c]), Water: num(p.WaterPercent[c])})
	}
	return rows, num(p.WaterBaseYuanPerT)
}

func (m *module) pricesPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !a.CityWide() {
		return fugong.NotFound("页面")
	}
	pr, err := m.svc.Prices(r.Context(), a)
	if err != nil {
		return err
	}
	p := pricesView{Base: ss.Base("差别化电价水价", "/mujun"), CanEdit: mujun.CanEditPolicy(a), Saved: r.URL.Query().Get("saved") == "1"}
	p.Rows, p.Base4 = pricesForm(pr)
	ss.Render(w, r, http.StatusOK, "mujun_prices", p)
	return nil
}

func (m *module) pricesPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !a.CityWide() {
		return fugong.NotFound("页面")
	}
	pr := mujun.PriceSettings{ElectricityYuanPerKWh: map[mujun.Class]float64{}, WaterPercent: map[mujun.Class]float64{}}
	p := pricesView{Base: ss.Base("差别化电价水价", "/mujun"), CanEdit: true, Base4: r.PostFormValue("water_base_yuan_per_t")}
	var ps []fugong.Problem
	read := func(field, v string) float64 {
		v = strings.TrimSpace(web.HalfWidth(v))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			ps = append(ps, fugong.Problem{Field: field, Message: "应为数字"})
		}
		return n
	}
	for _, c := range mujun.Classes {
		row := priceRow{Class: c, Electricity: r.PostFormValue("electricity." + string(c)), Water: r.PostFormValue("water." + string(c))}
		if v := read("electricity_yuan_per_kwh."+string(c), row.Electricity); v != 0 {
			pr.ElectricityYuanPerKWh[c] = v
		}
		if v := read("water_percent."+string(c), row.Water); v != 0 {
			pr.WaterPercent[c] = v
		}
		p.Rows = append(p.Rows, row)
	}
	pr.WaterBaseYuanPerT = read("water_base_yuan_per_t", p.Base4)
	err := fugong.Invalid(ps)
	if err == nil {
		if _, err = m.svc.SavePrices(r.Context(), a, pr); err == nil {
			return web.SeeOther(w, r, "/mujun/prices?saved=1")
		}
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	for field, msg := range fail.Fields {
		for i := range p.Rows {
			c := string(p.Rows[i].Class)
			switch field {
			case "electricity_yuan_per_kwh." + c:
				p.Rows[i].ElectricityErr = msg
			case "water_percent." + c:
				p.Rows[i].WaterErr = msg
			}
		}
		if field == "water_base_yuan_per_t" {
			p.BaseErr = msg
		}
	}
	p.Error = "未保存：" + fail.Message
	ss.Render(w, r, fail.Status, "mujun_prices", p)
	return nil
}

// ---- Import -----------------------------------------------------------------

type importView struct {
	web.Base
	Year   string
	Done   bool
	Result mujun.ImportResult
	Rows   []registry.RowError
	Error  string
}

func (m *module) importPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !mujun.CanEditData(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	year := r.URL.Query().Get("year")
	if year == "" {
		year = strconv.Itoa(m.svc.Now().In(fugong.Location).Year() - 1)
	}
	ss.Render(w, r, http.StatusOK, "mujun_import", importView{Base: ss.Base("导入亩均数据", "/mujun"), Year: year})
	return nil
}

func (m *module) importPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !mujun.CanEditData(a) {
		return fugong.NotFound("页面")
	}
	p := importView{Base: ss.Base("导入亩均数据", "/mujun"), Year: r.FormValue("year")}
	year, err := strconv.Atoi(strings.TrimSpace(p.Year))
	var res mujun.ImportResult
	if err != nil || year < mujun.MinYear || year > mujun.MaxYear {
		err = fugong.Errorf(fugong.EInvalid, "year", "年度应为 %d–%d 之间的四位年份", mujun.MinYear, mujun.MaxYear)
	} else {
		res, err = m.importFile(w, r, a, year)
	}
	rows, msg, status, internal := web.ImportOutcome(err)
	if internal != nil {
		return internal
	}
	p.Rows, p.Error, p.Done, p.Result = rows, msg, err == nil, res
	ss.Render(w, r, status, "mujun_import", p)
	return nil
}

// importTemplate downloads an empty sheet with the columns the import reads.
func (m *module) importTemplate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !mujun.CanEditData(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	name := "亩均数据导入模板." + format
	web.Download(w, name, "mujun-template", format)
	return sheet.AnnualDataTemplate(w, name)
}

// ---- Relief -----------------------------------------------------------------

type reliefForm struct {
	Name, Year, From, To string
	Classes              map[string]bool
	Resources            map[string]bool
}

type reliefView struct {
	web.Base
	Form        reliefForm
	Errors      map[string]string
	Error       string
	Sim         *simView
	Scenarios   []scenarioCol
	TownRows    []scenarioTownRow
	CanSave     bool
	SavedName   string
	ClassList   []string
	Formula     string
	Prices      string // the surcharges in force, in words
	ExportQuery template.URL
}

type simView struct {
	mujun.Simulation
	Total, Electricity, Water string
	ElectricityWan, WaterWan  string
	Basis                     []basisRow
	Towns                     []townReliefRow
	Top                       []topRow
}

type basisRow struct {
	mujun.Basis
	Name, Use, Surcharge, Relief string
}

type townReliefRow struct {
	Name                      string
	Firms                     int
	Total, Electricity, Water string
}

type topRow struct {
	USCC, Name, Town, Electricity, Water, Total string
}

type scenarioCol struct {
	scenarioJSON
	Period, Classes, Resources, TotalText, ElectricityText, WaterText string
}

type scenarioTownRow struct {
	Name  string
	Cells []string
}

const topShown = 20

func defaultReliefForm() reliefForm {
	plan := mujun.SeedPlan()
	f := reliefForm{Name: "暂停C类企业电价水价加价至6月底", Year: "2019", From: plan.From, To: plan.To,
		Classes: map[string]bool{}, Resources: map[string]bool{}}
	for _, c := range plan.Classes {
		f.Classes[string(c)] = true
	}
	for _, r := range plan.Resources {
		f.Resources[string(r)] = true
	}
	return f
}

func (m *module) reliefPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !ss.Actor().CityWide() {
		return fugong.NotFound("页面")
	}
	f := defaultReliefForm()
	if years, err := m.svc.DataYears(r.Context(), ss.Actor()); err == nil && len(years) > 0 {
		f.Year = strconv.Itoa(years[0].Year)
	}
	return m.showRelief(w, r, ss, http.StatusOK, f, nil, nil, "")
}

func (m *module) showRelief(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, f reliefForm, sim *mujun.Simulation,
	errs map[string]string, msg string) error {
	a := ss.Actor()
	ctx := r.Context()
	prices, err := m.svc.Prices(ctx, a)
	if err != nil {
		return err
	}
	p := reliefView{Base: ss.Base("差别化价格减免测算", "/mujun"), Form: f, Errors: errs, Error: msg, CanSave: mujun.CanEditPolicy(a),
		SavedName: r.URL.Query().Get("saved"), ClassList: []string{"A", "B", "C", "D"}, Formula: Formula, Prices: pricesText(prices)}
	if sim != nil {
		sv, err := m.simView(ctx, *sim)
		if err != nil {
			return err
		}
		p.Sim = &sv
	}
	scs, err := m.svc.Scenarios(ctx, a)
	if err != nil {
		return err
	}
	towns := map[string][]string{}
	var ids []string
	for i, s := range scs {
		sj := scenarioOf(s)
		col := scenarioCol{scenarioJSON: sj, Period: sj.Plan.From + " 至 " + sj.Plan.To,
			TotalText: yuan(sj.Total), ElectricityText: yuan(sj.Electricity), WaterText: yuan(sj.Water)}
		var cs, rs []string
		for _, c := range sj.Plan.Classes {
			cs = append(cs, string(c))
		}
		for _, res := range sj.Plan.Resources {
			rs = append(rs, mujun.ResourceNames[res])
		}
		col.Classes, col.Resources = strings.Join(cs, "、")+" 类", strings.Join(rs, "、")
		p.Scenarios = append(p.Scenarios, col)
		ids = append(ids, strconv.FormatInt(s.ID, 10))
		for _, t := range sj.Towns {
			if towns[t.Town] == nil {
				towns[t.Town] = make([]string, len(scs))
			}
			towns[t.Town][i] = yuan(t.Total)
		}
	}
	for _, t := range registry.Towns {
		if cells, ok := towns[t.Code]; ok {
			for i := range cells {
				if cells[i] == "" {
					cells[i] = "0.00"
				}
			}
			p.TownRows = append(p.TownRows, scenarioTownRow{Name: t.Name, Cells: cells})
		}
	}
	p.ExportQuery = template.URL(url.Values{"ids": {strings.Join(ids, ",")}}.Encode())
	ss.Render(w, r, status, "mujun_relief", p)
	return nil
}

// pricesText says the surcharges in force.
func pricesText(p mujun.PriceSettings) string {
	var parts []string
	for _, c := range mujun.Classes {
		e, w := p.ElectricityYuanPerKWh[c], p.WaterPercent[c]
		if e == 0 && w == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s 类电价每千瓦时加 %s 元、水价加 %s%%", c, num(e), num(w)))
	}
	if len(parts) == 0 {
		return "当前没有差别化加价。"
	}
	return "当前加价：" + strings.Join(parts, "；") + "（基础水价 " + num(p.WaterBaseYuanPerT) + " 元/吨）。"
}

func (m *module) simView(ctx context.Context, sim mujun.Simulation) (simView, error) {
	v := simView{Simulation: sim, Total: yuan(sim.Total), Electricity: yuan(sim.Electricity), Water: yuan(sim.Water),
		ElectricityWan: wanText(sim.Electricity), WaterWan: wanText(sim.Water)}
	for _, b := range sim.Basis {
		row := basisRow{Basis: b, Name: string(b.Class) + " 类" + mujun.ResourceNames[b.Resource] + "价", Use: whole(b.AnnualUse) + " " + b.Unit,
			Surcharge: num(b.Surcharge) + " 元/" + b.Unit, Relief: yuan(finance.Fen(int64(b.Relief*100 + 0.5)))}
		v.Basis = append(v.Basis, row)
	}
	for _, t := range sim.Towns {
		v.Towns = append(v.Towns, townReliefRow{Name: townName(t.Town), Firms: t.Firms, Total: yuan(t.Total),
			Electricity: yuan(t.Electricity), Water: yuan(t.Water)})
	}
	items := slices.Clone(sim.Items)
	slices.SortFunc(items, func(a, b mujun.ReliefItem) int { return int(b.Relief - a.Relief) })
	if len(items) > topShown {
		items = items[:topShown]
	}
	var usccs []string
	for _, it := range items {
		usccs = append(usccs, it.USCC)
	}
	found, err := m.svc.Registry.Store.FindEnterprises(ctx, usccs)
	if err != nil {
		return v, err
	}
	for _, it := range items {
		v.Top = append(v.Top, topRow{USCC: it.USCC, Name: found[it.USCC].Name, Town: townName(it.Town),
			Electricity: yuan(it.Electricity), Water: yuan(it.Water), Total: yuan(it.Relief)})
	}
	return v, nil
}

// wanText writes yuan as 万元, rounded to the hundredth: "1,500.00".
func wanText(f finance.Fen) string {
	w := (int64(f) + 50) / 100               // whole yuan
	return yuan(finance.Fen((w + 50) / 100)) // in hundredths of 万元
}

func (m *module) reliefPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !a.CityWide() {
		return fugong.NotFound("页面")
	}
	f := reliefForm{Name: r.PostFormValue("name"), Year: r.PostFormValue("year"), From: strings.TrimSpace(r.PostFormValue("from")),
		To: strings.TrimSpace(r.PostFormValue("to")), Classes: map[string]bool{}, Resources: map[string]bool{}}
	plan := mujun.ReliefPlan{From: f.From, To: f.To}
	for _, c := range r.PostForm["classes"] {
		plan.Classes = append(plan.Classes, mujun.Class(c))
		f.Classes[c] = true
	}
	for _, res := range r.PostForm["resources"] {
		plan.Resources = append(plan.Resources, mujun.Resource(res))
		f.Resources[res] = true
	}
	year, yerr := strconv.Atoi(strings.TrimSpace(f.Year))
	if yerr != nil {
		year = 0
	}
	var err error
	if r.PostFormValue("action") == "save" {
		var sc mujun.Scenario
		if sc, err = m.svc.SaveScenario(r.Context(), a, f.Name, year, plan); err == nil {
			return web.SeeOther(w, r, "/mujun/relief?"+url.Values{"saved": {sc.Name}}.Encode()+"#scenarios")
		}
	} else {
		var sim mujun.Simulation
		if sim, err = m.svc.Simulate(r.Context(), a, year, plan); err == nil {
			return m.showRelief(w, r, ss, http.StatusOK, f, &sim, nil, "")
		}
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showRelief(w, r, ss, fail.Status, f, nil, fail.Fields, fail.Message)
}

func (m *module) reliefExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !ss.Actor().CityWide() {
		return fugong.NotFound("页面")
	}
	return m.exportScenarios(w, r, ss.Actor())
}

// ---- A firm's figures -------------------------------------------------------

type firmYear struct {
	mujun.AnnualData
	Emissions string
	Result    *resultJSON
	Href      string
}

type figureField struct {
	Name, Label, Value, Error, Mode string
}

type firmView struct {
	web.Base
	Enterprise registry.Enterprise
	Years      []firmYear
	CanEdit    bool
	Year       string
	Fields     []figureField
	Utility    bool
	StartYear  string
	Saved      bool
	Error      string
}

var formFields = []string{"land_mu", "tax_wan", "value_added_wan", "revenue_wan", "energy_tce", "emissions_t", "rd_wan",
	"staff", "electricity_kwh", "water_t"}

func (m *module) firmPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showFirm(w, r, ss, http.StatusOK, nil, nil, "")
}

func figureValues(d mujun.AnnualData) map[string]string {
	v := map[string]string{"land_mu": num(d.LandMu), "tax_wan": num(d.TaxWan), "value_added_wan": num(d.ValueAddedWan),
		"revenue_wan": num(d.RevenueWan), "energy_tce": num(d.EnergyTce), "rd_wan": num(d.RDWan), "staff": num(d.Staff),
		"electricity_kwh": num(d.ElectricityKWh), "water_t": num(d.WaterT)}
	if d.EmissionsT != nil {
		v["emissions_t"] = num(*d.EmissionsT)
	}
	return v
}

func (m *module) showFirm(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, typed map[string]string, errs map[string]string, msg string) error {
	a := ss.Actor()
	ctx := r.Context()
	e, rows, err := m.svc.AnnualDataOf(ctx, a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	p := firmView{Base: ss.Base(e.Name+" 亩均数据", "/mujun"), Enterprise: e, CanEdit: mujun.CanEditData(a),
		Saved: r.URL.Query().Get("saved") != "", Error: msg}
	for _, d := range rows {
		fy := firmYear{AnnualData: d, Emissions: "无"}
		if d.EmissionsT != nil {
			fy.Emissions = num(*d.EmissionsT)
		}
		if run, err := m.svc.RunOf(ctx, a, d.Year, 0); err == nil {
			if l, err := m.svc.Store.Result(ctx, run.ID, e.USCC); err == nil {
				rj := resultOf(&run, l)
				fy.Result = &rj
				fy.Href = fmt.Sprintf("/mujun/%d/results/%s?evaluation=%d", d.Year, url.PathEscape(e.USCC), run.ID)
			}
		}
		p.Years = append(p.Years, fy)
	}
	p.Year = r.URL.Query().Get("year")
	values := typed
	if values == nil {
		values = map[string]string{}
		if p.Year == "" && len(rows) > 0 {
			p.Year = strconv.Itoa(rows[0].Year)
		}
		for _, d := range rows {
			if strconv.Itoa(d.Year) == p.Year {
				values = figureValues(d)
				p.Utility, p.StartYear = d.Utility, strconv.Itoa(d.StartYear)
			}
		}
		if p.Year == "" {
			p.Year = strconv.Itoa(m.svc.Now().In(fugong.Location).Year() - 1)
		}
	} else {
		p.Year, p.Utility, p.StartYear = typed["year"], typed["utility"] != "", typed["start_year"]
	}
	if p.StartYear == "0" {
		p.StartYear = ""
	}
	for _, f := range formFields {
		mode := "decimal"
		if f == "staff" || f == "electricity_kwh" || f == "water_t" {
			mode = "numeric"
		}
		p.Fields = append(p.Fields, figureField{Name: f, Label: mujun.FieldLabels[f], Value: values[f], Error: errs[f], Mode: mode})
	}
	ss.Render(w, r, status, "mujun_firm", p)
	return nil
}

func (m *module) firmPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	e, _, err := m.svc.AnnualDataOf(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	if !mujun.CanEditData(a) {
		return fugong.Errorf(fugong.EForbidden, "", "只有信息统计组和系统管理员可以填报亩均数据")
	}
	typed := map[string]string{"year": strings.TrimSpace(r.PostFormValue("year")), "utility": r.PostFormValue("utility"),
		"start_year": strings.TrimSpace(r.PostFormValue("start_year"))}
	d := mujun.AnnualData{USCC: e.USCC, Utility: typed["utility"] != ""}
	var ps []fugong.Problem
	if d.Year, err = strconv.Atoi(typed["year"]); err != nil {
		ps = append(ps, fugong.Problem{Field: "year", Message: "年度应为四位年份"})
	}
	if typed["start_year"] != "" {
		if d.StartYear, err = strconv.Atoi(typed["start_year"]); err != nil {
			ps = append(ps, fugong.Problem{Field: "start_year", Message: "投产年份应为四位年份"})
		}
	}
	targets := map[string]*float64{"land_mu": &d.LandMu, "tax_wan": &d.TaxWan, "value_added_wan": &d.ValueAddedWan,
		"revenue_wan": &d.RevenueWan, "energy_tce": &d.EnergyTce, "rd_wan": &d.RDWan, "staff": &d.Staff,
		"electricity_kwh": &d.ElectricityKWh, "water_t": &d.WaterT}
	for _, f := range formFields {
		v := strings.TrimSpace(web.HalfWidth(r.PostFormValue(f)))
		typed[f] = v
		if v == "" {
			if f != "emissions_t" {
				ps = append(ps, fugong.Problem{Field: f, Message: "请填写" + mujun.FieldLabels[f]})
			}
			continue
		}
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil {
			ps = append(ps, fugong.Problem{Field: f, Message: mujun.FieldLabels[f] + "应为数字"})
			continue
		}
		if f == "emissions_t" {
			d.EmissionsT = &n
		} else {
			*targets[f] = n
		}
	}
	err = fugong.Invalid(ps)
	if err == nil {
		if _, _, err = m.svc.SaveAnnualData(r.Context(), a, d); err == nil {
			return web.SeeOther(w, r, firmPath(e.USCC)+"?"+url.Values{"year": {typed["year"]}, "saved": {"1"}}.Encode())
		}
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showFirm(w, r, ss, fail.Status, typed, fail.Fields, "未保存："+fail.Message)
}
