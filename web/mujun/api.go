package mujun

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/mujun"
	"fugong/registry"
	"fugong/sheet"
	"fugong/web"
)

// The API (M9, 亩均论英雄): annual figures, settings, evaluation runs and
// their results, prices, relief simulations and scenarios.

// pathYear reads the {year} of a path.
func pathYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < mujun.MinYear || y > mujun.MaxYear {
		return 0, fugong.Errorf(fugong.EInvalid, "year", "年度应为 %d–%d 之间的四位年份", mujun.MinYear, mujun.MaxYear)
	}
	return y, nil
}

// queryID reads an optional positive id from the query.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fugong.Errorf(fugong.EInvalid, name, "%s 应为正整数", name)
	}
	return id, nil
}

func (m *module) apiYears(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	ys, err := m.svc.DataYears(r.Context(), a)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(ys))
	return nil
}

func (m *module) apiFirmData(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	_, rows, err := m.svc.AnnualDataOf(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(rows))
	return nil
}

func (m *module) apiGetData(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	year, err := pathYear(r)
	if err != nil {
		if _, _, gerr := m.svc.AnnualDataOf(r.Context(), a, r.PathValue("uscc")); gerr != nil {
			return gerr // out of scope first: 404 whatever the year
		}
		return err
	}
	d, err := m.svc.AnnualData(r.Context(), a, r.PathValue("uscc"), year)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

// dataInput is a firm's figures of a year as the API takes them: every
// figure is required, emissions may be null (no figure).
type dataInput struct {
	LandMu         *float64 `json:"land_mu"`
	TaxWan         *float64 `json:"tax_wan"`
	ValueAddedWan  *float64 `json:"value_added_wan"`
	RevenueWan     *float64 `json:"revenue_wan"`
	EnergyTce      *float64 `json:"energy_tce"`
	EmissionsT     *float64 `json:"emissions_t"`
	RDWan          *float64 `json:"rd_wan"`
	Staff          *float64 `json:"staff"`
	ElectricityKWh *float64 `json:"electricity_kwh"`
	WaterT         *float64 `json:"water_t"`
	Utility        bool     `json:"utility"`
	StartYear      int      `json:"start_year"`
}

// data checks that every required figure is there and returns them.
func (in dataInput) data(uscc string, year int) (mujun.AnnualData, error) {
	d := mujun.AnnualData{USCC: uscc, Year: year, EmissionsT: in.EmissionsT, Utility: in.Utility, StartYear: in.StartYear}
	var ps []fugong.Problem
	for _, f := range []struct {
		field string
		v     *float64
		to    *float64
	}{{"land_mu", in.LandMu, &d.LandMu}, {"tax_wan", in.TaxWan, &d.TaxWan}, {"value_added_wan", in.ValueAddedWan, &d.ValueAddedWan},
		{"revenue_wan", in.RevenueWan, &d.RevenueWan}, {"energy_tce", in.EnergyTce, &d.EnergyTce}, {"rd_wan", in.RDWan, &d.RDWan},
		{"staff", in.Staff, &d.Staff}, {"electricity_kwh", in.ElectricityKWh, &d.ElectricityKWh}, {"water_t", in.WaterT, &d.WaterT}} {
		if f.v == nil {
			ps = append(ps, fugong.Problem{Field: f.field, Message: mujun.FieldLabels[f.field] + "必填"})
			continue
		}
		*f.to = *f.v
	}
	return d, fugong.Invalid(ps)
}

// apiPutData stores a firm's figures of a year: 201 for the year's first,
// 200 after.
func (m *module) apiPutData(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in dataInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, _, err := m.svc.AnnualDataOf(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	d, err := in.data(e.USCC, year)
	if err != nil {
		return err
	}
	d, created, err := m.svc.SaveAnnualData(r.Context(), a, d)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	web.WriteJSON(w, status, d)
	return nil
}

// importFile reads an uploaded sheet of a year's figures and stores it.
// Who may not import is refused before the file is read; the file is read
// in one of the server's import slots (429 when all are taken).
func (m *module) importFile(w http.ResponseWriter, r *http.Request, a fugong.Actor, year int) (mujun.ImportResult, error) {
	if !mujun.CanRead(a) {
		return mujun.ImportResult{}, fugong.NotFound("页面")
	}
	if !mujun.CanEditData(a) {
		return mujun.ImportResult{}, fugong.Errorf(fugong.EForbidden, "", "只有信息统计组和系统管理员可以导入亩均数据")
	}
	file, name, err := web.ReadUpload(r)
	if err != nil {
		return mujun.ImportResult{}, err
	}
	defer file.Close()
	release, err := web.ImportSlot(w, r)
	if err != nil {
		return mujun.ImportResult{}, err
	}
	defer release()
	rows, err := sheet.ReadAnnualData(file, name)
	if err != nil {
		return mujun.ImportResult{}, web.FileError(r, err)
	}
	skipBad := r.FormValue("skip_bad") == "true" || r.URL.Query().Get("skip_bad") == "true"
	return m.svc.Import(r.Context(), a, year, rows, skipBad)
}

func (m *module) apiImport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	res, err := m.importFile(w, r, a, year)
	return web.AnswerImport(w, res, err)
}

func (m *module) apiGetSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	s, err := m.svc.YearSettings(r.Context(), a, year)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

// settingsPatch is the settings of a group as a PUT gives them: what is
// given replaces the current value whole (a map of weights too), what is
// left out stays.
type settingsPatch struct {
	Weights         map[mujun.Indicator]float64  `json:"weights"`
	Benchmarks      map[mujun.Indicator]float64  `json:"benchmarks"`
	Caps            *map[mujun.Indicator]float64 `json:"caps"`
	MissingEmission *string                      `json:"missing_emission"`
	StartupYears    *int                         `json:"startup_years"`
	ClassRule       *mujun.ClassRule             `json:"class_rule"`
}

func (p *settingsPatch) apply(s *mujun.Settings) {
	if p == nil {
		return
	}
	if p.Weights != nil {
		s.Weights = p.Weights
		// New weights without benchmarks keep the benchmarks of the
		// indicators still weighted.
		if p.Benchmarks == nil {
			b := map[mujun.Indicator]float64{}
			for k := range p.Weights {
				if v, ok := s.Benchmarks[k]; ok {
					b[k] = v
				}
			}
			s.Benchmarks = b
		}
	}
	if p.Benchmarks != nil {
		s.Benchmarks = p.Benchmarks
	}
	if p.Caps != nil {
		s.Caps = *p.Caps
	}
	if p.MissingEmission != nil {
		s.MissingEmission = *p.MissingEmission
	}
	if p.StartupYears != nil {
		s.StartupYears = *p.StartupYears
	}
	if p.ClassRule != nil {
		s.ClassRule = *p.ClassRule
	}
}

// settingsInput is a PUT of a year's settings: the flat shape is the
// above-scale set (the published six indicators), or the full shape
// gives "above" and "below".
type settingsInput struct {
	settingsPatch
	Year  int            `json:"year"`
	Above *settingsPatch `json:"above"`
	Below *settingsPatch `json:"below"`
}

func (m *module) apiPutSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in settingsInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	s, err := m.svc.SaveYearSettings(r.Context(), a, year, func(s *mujun.YearSettings) error {
		in.settingsPatch.apply(&s.Above)
		in.Above.apply(&s.Above)
		in.Below.apply(&s.Below)
		return nil
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

// runJSON is a run with its class distribution in the caller's scope.
type runJSON struct {
	mujun.Run
	Total        int                 `json:"total"`
	Distribution *mujun.Distribution `json:"distribution,omitempty"`
}

func (m *module) apiRuns(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	runs, err := m.svc.Runs(r.Context(), a, year)
	if err != nil {
		return err
	}
	out := make([]runJSON, len(runs))
	for i, run := range runs {
		out[i] = runJSON{Run: run, Total: run.Total()}
	}
	web.WriteJSON(w, http.StatusOK, web.All(out))
	return nil
}

type evaluateInput struct {
	Note string `json:"note"`
}

// apiEvaluate runs the year's evaluation: 201 with the run.
func (m *module) apiEvaluate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in evaluateInput
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	run, err := m.svc.Evaluate(r.Context(), a, year, in.Note)
	if err != nil {
		return err
	}
	d, err := m.svc.Distribution(r.Context(), a, run)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, runJSON{Run: run, Total: run.Total(), Distribution: &d})
	return nil
}

// runOf reads the year and the run of a request: {id} of the path, or
// ?evaluation=, or the year's latest.
func (m *module) runOf(r *http.Request, a fugong.Actor) (mujun.Run, error) {
	if !mujun.CanRead(a) {
		return mujun.Run{}, fugong.NotFound("页面")
	}
	year, err := pathYear(r)
	if err != nil {
		return mujun.Run{}, err
	}
	var id int64
	if v := r.PathValue("id"); v != "" {
		if id, err = strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			return mujun.Run{}, fugong.NotFound("评价批次")
		}
	} else if id, err = queryID(r, "evaluation"); err != nil {
		return mujun.Run{}, err
	}
	return m.svc.RunOf(r.Context(), a, year, id)
}

func (m *module) apiRun(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	run, err := m.runOf(r, a)
	if err != nil {
		return err
	}
	d, err := m.svc.Distribution(r.Context(), a, run)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, runJSON{Run: run, Total: run.Total(), Distribution: &d})
	return nil
}

// previousRun is the run a run is compared with: ?against=, or the one
// before it in its year. ok is false for a year's first run.
func (m *module) previousRun(r *http.Request, a fugong.Actor, run mujun.Run) (mujun.Run, bool, error) {
	against, err := queryID(r, "against")
	if err != nil {
		return mujun.Run{}, false, err
	}
	if against != 0 {
		b, err := m.svc.RunOf(r.Context(), a, run.Year, against)
		return b, err == nil, err
	}
	runs, err := m.svc.Runs(r.Context(), a, run.Year)
	if err != nil {
		return mujun.Run{}, false, err
	}
	for _, b := range runs {
		if b.Version < run.Version {
			return b, true, nil
		}
	}
	return mujun.Run{}, false, nil
}

type movesJSON struct {
	Evaluation int64          `json:"evaluation_id"`
	Against    *int64         `json:"against_id"`
	Counts     map[string]int `json:"counts"`
	Items      []mujun.Move   `json:"items"`
	Total      int            `json:"total"`
}

func (m *module) apiMoves(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	run, err := m.runOf(r, a)
	if err != nil {
		return err
	}
	before, ok, err := m.previousRun(r, a, run)
	if err != nil {
		return err
	}
	out := movesJSON{Evaluation: run.ID, Items: []mujun.Move{}, Counts: mujun.MoveCounts(nil)}
	if ok {
		moves, err := m.svc.Moves(r.Context(), a, before, run)
		if err != nil {
			return err
		}
		id := before.ID
		out.Against, out.Items, out.Counts = &id, moves, mujun.MoveCounts(moves)
		if out.Items == nil {
			out.Items = []mujun.Move{}
		}
	}
	out.Total = len(out.Items)
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// markJSON is one indicator of a result in a list.
type markJSON struct {
	Value    *float64     `json:"value"`
	Points   mujun.Points `json:"points"`
	Averaged bool         `json:"averaged,omitempty"`
}

// resultJSON is a result in the list.
type resultJSON struct {
	USCC       string                       `json:"uscc"`
	Name       string                       `json:"name"`
	Town       string                       `json:"town"`
	TownName   string                       `json:"town_name"`
	Group      mujun.Group                  `json:"group"`
	Score      mujun.Points                 `json:"score"`
	Rank       int32                        `json:"rank"`
	TownRank   int32                        `json:"town_rank"`
	Class      mujun.Class                  `json:"class"`
	LastClass  *mujun.Class                 `json:"last_class"`
	Exempt     mujun.Exemption              `json:"exempt,omitempty"`
	Indicators map[mujun.Indicator]markJSON `json:"indicators"`
}

func resultOf(run *mujun.Run, l mujun.Listed) resultJSON {
	out := resultJSON{USCC: l.USCC, Name: l.Name, Town: l.Town, TownName: townName(l.Town), Group: l.Group, Score: l.Score,
		Rank: l.CityRank, TownRank: l.TownRank, Class: l.Class, Exempt: l.Exempt, Indicators: map[mujun.Indicator]markJSON{}}
	if l.LastClass != "" {
		c := l.LastClass
		out.LastClass = &c
	}
	keys := run.Settings.For(l.Group).Keys()
	for j, k := range keys {
		if j >= len(l.Marks) {
			break
		}
		mk := l.Marks[j]
		mj := markJSON{Points: mk.Points, Averaged: mk.Averaged}
		if !mk.NoFigure {
			v := mk.Value
			mj.Value = &v
		}
		out.Indicators[k] = mj
	}
	return out
}

func townName(code string) string {
	if t, ok := registry.TownByCode(code); ok {
		return t.Name
	}
	return code
}

type resultsJSON struct {
	Evaluation int64        `json:"evaluation_id"`
	Version    int          `json:"version"`
	Items      []resultJSON `json:"items"`
	Total      int          `json:"total"`
	Page       int          `json:"page"`
	PerPage    int          `json:"per_page"`
}

// filterOf reads the results list's filters.
func filterOf(r *http.Request, run mujun.Run, pg web.Paging) mujun.ResultFilter {
	q := r.URL.Query()
	return mujun.ResultFilter{Run: run.ID, Town: q.Get("town"), Class: mujun.Class(strings.ToUpper(q.Get("class"))),
		Group: mujun.Group(q.Get("group")), Page: pg.Page, PerPage: pg.PerPage}
}

func (m *module) apiResults(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	run, err := m.runOf(r, a)
	if err != nil {
		return err
	}
	items, total, err := m.svc.Results(r.Context(), a, filterOf(r, run, pg))
	if err != nil {
		return err
	}
	pg = pg.Echo()
	out := resultsJSON{Evaluation: run.ID, Version: run.Version, Items: make([]resultJSON, len(items)), Total: total,
		Page: pg.Page, PerPage: pg.PerPage}
	for i, l := range items {
		out.Items[i] = resultOf(&run, l)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

type firmResultJSON struct {
	Evaluation int64       `json:"evaluation_id"`
	Version    int         `json:"version"`
	Year       int         `json:"year"`
	Name       string      `json:"name"`
	Group      mujun.Group `json:"group"`
	mujun.FirmResult
}

func (m *module) apiResult(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	run, err := m.runOf(r, a)
	if err != nil {
		return err
	}
	e, l, fr, err := m.svc.Result(r.Context(), a, run, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, firmResultJSON{Evaluation: run.ID, Version: run.Version, Year: run.Year, Name: e.Name,
		Group: l.Group, FirmResult: fr})
	return nil
}

func (m *module) apiGetPrices(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	p, err := m.svc.Prices(r.Context(), a)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *module) apiPutPrices(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var p mujun.PriceSettings
	if err := web.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	p, err := m.svc.SavePrices(r.Context(), a, p)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

// simulationInput is a relief plan over a year's classes and use.
type simulationInput struct {
	Name string `json:"name"`
	Year int    `json:"year"`
	mujun.ReliefPlan
}

// Formula is how a firm's relief is computed, for the API and the page.
const Formula = "减免额 = 年用量 × 单位加价 × 暂停天数 ÷ 全年天数（每家企业每项四舍五入到分，合计为逐户相加）"

type simulationJSON struct {
	mujun.Simulation
	Formula string `json:"formula"`
}

func (m *module) apiSimulate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in simulationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sim, err := m.svc.Simulate(r.Context(), a, in.Year, in.ReliefPlan)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, simulationJSON{sim, Formula})
	return nil
}

// scenarioJSON is a saved scenario without its per-firm items.
type scenarioJSON struct {
	ID        int64              `json:"id"`
	Name      string             `json:"name"`
	Year      int                `json:"year"`
	Run       int64              `json:"evaluation_id"`
	Plan      mujun.ReliefPlan   `json:"plan"`
	Days      int                `json:"days"`
	YearDays  int                `json:"year_days"`
	Towns     []mujun.TownRelief `json:"towns"`
	CreatedAt time.Time          `json:"created_at"`
	CreatedBy string             `json:"created_by"`
	mujun.ReliefTotals
}

func scenarioOf(s mujun.Scenario) scenarioJSON {
	return scenarioJSON{ID: s.ID, Name: s.Name, Year: s.Year, Run: s.Run, Plan: s.Relief.Plan, Days: s.Relief.Days,
		YearDays: s.Relief.YearDays, Towns: s.Relief.Towns, CreatedAt: s.CreatedAt, CreatedBy: s.CreatedBy, ReliefTotals: s.Relief.ReliefTotals}
}

func (m *module) apiScenarios(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	scs, err := m.svc.Scenarios(r.Context(), a)
	if err != nil {
		return err
	}
	out := make([]scenarioJSON, len(scs))
	for i, s := range scs {
		out[i] = scenarioOf(s)
	}
	web.WriteJSON(w, http.StatusOK, web.All(out))
	return nil
}

func (m *module) apiSaveScenario(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in simulationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := m.svc.SaveScenario(r.Context(), a, in.Name, in.Year, in.ReliefPlan)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, scenarioOf(s))
	return nil
}

// scenarioIDs reads ?ids=1,2 (every saved scenario when absent).
func scenarioIDs(r *http.Request) ([]int64, error) {
	v := r.URL.Query().Get("ids")
	if v == "" {
		return nil, nil
	}
	var ids []int64
	for _, s := range strings.Split(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 {
			return nil, fugong.Errorf(fugong.EInvalid, "ids", "ids 应为以逗号分隔的方案编号")
		}
		ids = append(ids, id)
	}
	if len(ids) > 10 {
		return nil, fugong.Errorf(fugong.EInvalid, "ids", "一次最多对比 10 个方案")
	}
	return ids, nil
}

// exportScenarios writes saved scenarios side by side as a sheet.
func (m *module) exportScenarios(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	ids, err := scenarioIDs(r)
	if err != nil {
		return err
	}
	var scs []mujun.Scenario
	if ids == nil {
		scs, err = m.svc.Scenarios(r.Context(), a)
	} else {
		scs, err = m.svc.ScenariosByID(r.Context(), a, ids)
	}
	if err != nil {
		return err
	}
	var usccs []string
	out := make([]sheet.ReliefScenario, len(scs))
	for i, s := range scs {
		out[i] = sheet.ReliefScenario{Name: s.Name, Relief: s.Relief}
		for _, it := range s.Relief.Items {
			usccs = append(usccs, it.USCC)
		}
	}
	found, err := m.svc.Registry.Store.FindEnterprises(r.Context(), usccs)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(found))
	for u, e := range found {
		names[u] = e.Name
	}
	day := m.svc.Now().In(fugong.Location).Format("20060102")
	name := "亩均减免方案对比-" + day + "." + format
	web.Download(w, name, "relief-scenarios-"+day, format)
	return sheet.WriteReliefScenarios(w, name, out, names)
}

func (m *module) apiExportScenarios(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.exportScenarios(w, r, a)
}
