package mujun_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"fugong"
	"fugong/mujun"
	"fugong/store"
	"fugong/store/storetest"
	webmujun "fugong/web/mujun"
	"fugong/web/webtest"
)

// TestScopeTable: every route of the module, API and page, has its row
// below, and testdata/routes.golden is the rows as they are.
func TestScopeTable(t *testing.T) {
	webtest.CheckScopeTable(t, webmujun.New(nil), scopeCases)
}

// TestScope walks every row as every role, on both engines.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		webtest.CheckScope(t, e, webmujun.New(e.Services.Mujun), scopeCases)
	})
}

// figures are a firm's annual figures, scaled by k.
func figures(uscc string, year int, k float64) mujun.AnnualData {
	em := 0.4 * k
	return mujun.AnnualData{USCC: uscc, Year: year, LandMu: 8, TaxWan: 25 * k, ValueAddedWan: 120 * k, RevenueWan: 500 * k,
		EnergyTce: 50 * k, EmissionsT: &em, RDWan: 15 * k, Staff: 60, ElectricityKWh: 300_000 * k, WaterT: 1_500 * k}
}

// withRun makes sure the fixture firms have 2019 figures and 2019 has a run.
func withRun(t *testing.T, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	runs, err := e.Services.Mujun.Runs(ctx, fugong.System, 2019)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) > 0 {
		return
	}
	var rows []mujun.AnnualData
	for i, k := range []string{"tangA", "tangB", "xianA"} {
		rows = append(rows, figures(e.Ents[k], 2019, float64(1+i)))
	}
	if _, err := e.DB.SaveAnnualData(ctx, fugong.System, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Services.Mujun.Evaluate(ctx, fugong.System, 2019, ""); err != nil {
		t.Fatal(err)
	}
}

// latestRun is 2019's latest run, for the paths that name one.
func latestRun(e *webtest.Env) int64 {
	runs, err := e.Services.Mujun.Runs(context.Background(), fugong.System, 2019)
	if err != nil || len(runs) == 0 {
		return 0
	}
	return runs[0].ID
}

func at(format string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string { return fmt.Sprintf(format, latestRun(e)) }
}

func firmAt(key, format string) func(e *webtest.Env, role string) string {
	return func(e *webtest.Env, role string) string { return fmt.Sprintf(format, e.Ents[key]) }
}

func raw(s string) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.RawJSON(s) }
}

func form(v url.Values) func(*testing.T, *webtest.Env, string) webtest.Payload {
	return func(*testing.T, *webtest.Env, string) webtest.Payload { return webtest.Form(v) }
}

const dataBody = `{"land_mu":12.5,"tax_wan":40,"value_added_wan":200,"revenue_wan":900,"energy_tce":80,"emissions_t":null,
	"rd_wan":20,"staff":90,"electricity_kwh":500000,"water_t":3000}`

// importCSV is a sheet of one firm's 2017 figures, by Chinese header.
func importCSV(t *testing.T, e *webtest.Env, role string) webtest.Payload {
	return webtest.Upload(t, "亩均数据.csv", "统一社会信用代码,用地面积（亩）,实缴税金（万元）,工业增加值（万元）,主营业务收入（万元）,综合能耗（吨标准煤）,"+
		"研发经费支出（万元）,年平均职工人数,用电量（千瓦时）,用水量（吨）\n"+e.Ents["tangA"]+",10,30,150,600,60,18,80,400000,2000\n",
		map[string]string{"year": "2017"})
}

// settingsForm is the settings page's form with the default settings.
var settingsForm = func() url.Values {
	v := url.Values{}
	d := mujun.DefaultYear(2019)
	for _, g := range []mujun.Group{mujun.Above, mujun.Below} {
		s := d.For(g)
		pre := string(g) + "."
		for k, w := range s.Weights {
			v.Set(pre+"weights."+string(k), strconv.FormatFloat(w, 'f', -1, 64))
			v.Set(pre+"benchmarks."+string(k), strconv.FormatFloat(s.Benchmarks[k], 'f', -1, 64))
		}
		v.Set(pre+"missing_emission", s.MissingEmission)
		v.Set(pre+"startup_years", strconv.Itoa(s.StartupYears))
		v.Set(pre+"class_rule.kind", "share")
		v.Set(pre+"class_rule.a", "25")
		v.Set(pre+"class_rule.b", "70")
		v.Set(pre+"class_rule.c", "95")
	}
	return v
}()

const seedPlan = `{"year":2019,"classes":["C"],"resources":["electricity","water"],"from":"2020-02-01","to":"2020-06-30"}`

const dataRoute = "/api/v1/enterprises/{uscc}/mujun/{year}"

// scopeCases walk the module's routes. Figures, settings and runs are the
// statistics group's (bureau-stat writes; the inspection group reads);
// prices and scenarios the coordination group's (here the admin). Every
// role but the checkpoint reads what its scope holds: a town its firms,
// a cadre its paired firm, a clerk their own; scenarios and the relief
// and settings pages are the city-wide roles'.
var scopeCases = []webtest.ScopeCase{
	{Method: "GET", Route: "/api/v1/mujun/years", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/enterprises/{uscc}/mujun", Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/api/v1/enterprises/{uscc}/mujun", Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "GET", Route: "/api/v1/enterprises/{uscc}/mujun", Target: "xianA", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: dataRoute, Target: "tangA", Note: "2019", Setup: withRun, Path: firmAt("tangA", "/api/v1/enterprises/%s/mujun/2019"),
		Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: dataRoute, Target: "xianA", Note: "2019", Setup: withRun, Path: firmAt("xianA", "/api/v1/enterprises/%s/mujun/2019"),
		Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: dataRoute, Target: "tangA", Note: "a year without figures", Path: firmAt("tangA", "/api/v1/enterprises/%s/mujun/2012"),
		Want: webtest.By(404, 404, 404, 404, 404, 404, 404)},
	{Method: "PUT", Route: dataRoute, Target: "tangA", Note: "2018", Body: raw(dataBody), Path: firmAt("tangA", "/api/v1/enterprises/%s/mujun/2018"),
		Want: webtest.By(201, 200, 403, 403, 403, 404, 404)},
	{Method: "PUT", Route: dataRoute, Target: "tangB", Note: "2018", Body: raw(dataBody), Path: firmAt("tangB", "/api/v1/enterprises/%s/mujun/2018"),
		Want: webtest.By(201, 200, 403, 403, 404, 403, 404)},
	{Method: "PUT", Route: dataRoute, Target: "xianA", Note: "2018", Body: raw(dataBody), Path: firmAt("xianA", "/api/v1/enterprises/%s/mujun/2018"),
		Want: webtest.By(201, 200, 403, 404, 404, 404, 404)},
	{Method: "PUT", Route: dataRoute, Target: "tangA", Note: "zero land", Path: firmAt("tangA", "/api/v1/enterprises/%s/mujun/2018"),
		Body: raw(`{"land_mu":0,"tax_wan":1,"value_added_wan":1,"revenue_wan":1,"energy_tce":1,"emissions_t":1,"rd_wan":0,"staff":1,"electricity_kwh":1,"water_t":1}`),
		Want: webtest.By(400, 400, 403, 403, 403, 404, 404)},
	{Method: "POST", Route: "/api/v1/mujun/{year}/annual-data/import", Body: importCSV, Path: at("/api/v1/mujun/2017/annual-data/import#%d"),
		Want: webtest.By(200, 200, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/settings", Path: at("/api/v1/mujun/2019/settings#%d"), Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "PUT", Route: "/api/v1/mujun/{year}/settings", Path: at("/api/v1/mujun/2019/settings#%d"),
		Body: raw(`{"weights":{"tax_per_mu":30,"value_added_per_mu":20,"value_added_per_tce":20,"value_added_per_emission":10,"labour_productivity":10,"rd_intensity":10},"class_rule":{"kind":"share","a":25,"b":70,"c":95}}`),
		Want: webtest.By(200, 200, 403, 403, 403, 403, 404)},
	{Method: "PUT", Route: "/api/v1/mujun/{year}/settings", Note: "weights add up to 90", Path: at("/api/v1/mujun/2019/settings#%d"),
		Body: raw(`{"weights":{"tax_per_mu":30,"value_added_per_mu":20,"value_added_per_tce":20,"value_added_per_emission":10,"labour_productivity":10}}`),
		Want: webtest.By(400, 400, 403, 403, 403, 403, 404)},
	{Method: "PUT", Route: "/api/v1/mujun/{year}/settings", Note: "A 70 B 25", Path: at("/api/v1/mujun/2019/settings#%d"),
		Body: raw(`{"class_rule":{"kind":"share","a":70,"b":25,"c":95}}`), Want: webtest.By(400, 400, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/evaluations", Path: at("/api/v1/mujun/2019/evaluations#%d"), Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/api/v1/mujun/{year}/evaluations", Setup: withRun, Path: at("/api/v1/mujun/2019/evaluations#%d"),
		Want: webtest.By(201, 201, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/api/v1/mujun/{year}/evaluations", Note: "a year with no data", Path: at("/api/v1/mujun/2016/evaluations#%d"),
		Want: webtest.By(400, 400, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/evaluations/{id}", Setup: withRun, Path: at("/api/v1/mujun/2019/evaluations/%d"),
		Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/evaluations/{id}/moves", Setup: withRun, Path: at("/api/v1/mujun/2019/evaluations/%d/moves"),
		Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/results", Setup: withRun, Path: at("/api/v1/mujun/2019/results?evaluation=%d"),
		Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/results", Note: "class=E", Setup: withRun, Path: at("/api/v1/mujun/2019/results?class=E#%d"),
		Want: webtest.By(400, 400, 400, 400, 400, 400, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/results", Note: "a year never evaluated", Path: at("/api/v1/mujun/2015/results#%d"),
		Want: webtest.By(400, 400, 400, 400, 400, 400, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/results/{uscc}", Target: "tangA", Setup: withRun, Path: firmAt("tangA", "/api/v1/mujun/2019/results/%s"),
		Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/api/v1/mujun/{year}/results/{uscc}", Target: "xianA", Setup: withRun, Path: firmAt("xianA", "/api/v1/mujun/2019/results/%s"),
		Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/mujun/prices", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "PUT", Route: "/api/v1/mujun/prices", Body: raw(`{"electricity_yuan_per_kwh":{"C":0.1,"D":0.15},"water_percent":{"C":15,"D":30},"water_base_yuan_per_t":4}`),
		Want: webtest.By(200, 403, 403, 403, 403, 403, 404)},
	{Method: "POST", Route: "/api/v1/mujun/relief-simulations", Setup: withRun, Body: raw(seedPlan), Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/api/v1/mujun/relief-simulations", Note: "ends before it starts", Setup: withRun,
		Body: raw(`{"year":2019,"classes":["C"],"resources":["water"],"from":"2020-06-30","to":"2020-02-01"}`), Want: webtest.By(400, 400, 400, 400, 400, 400, 404)},
	{Method: "GET", Route: "/api/v1/mujun/relief-scenarios", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/api/v1/mujun/relief-scenarios", Setup: withRun, Body: raw(`{"name":"暂停C类加价",` + seedPlan[1:]),
		Want: webtest.By(201, 403, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: "/api/v1/mujun/relief-scenarios/export", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},

	// The pages.
	{Method: "GET", Route: "/mujun", Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "POST", Route: "/mujun/{year}/evaluations", Setup: withRun, Body: form(url.Values{"note": {"重评"}}), Path: at("/mujun/2019/evaluations#%d"),
		Want: webtest.By(303, 303, 403, 403, 403, 403, 404)},
	{Method: "GET", Route: "/mujun/{year}/results", Setup: withRun, Path: at("/mujun/2019/results?evaluation=%d"), Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/mujun/{year}/results/{uscc}", Target: "tangA", Setup: withRun, Path: firmAt("tangA", "/mujun/2019/results/%s"),
		Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/mujun/{year}/moves", Setup: withRun, Path: at("/mujun/2019/moves?evaluation=%d"), Want: webtest.By(200, 200, 200, 200, 200, 200, 404)},
	{Method: "GET", Route: "/mujun/{year}/settings", Path: at("/mujun/2019/settings#%d"), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/mujun/{year}/settings", Body: form(settingsForm), Path: at("/mujun/2019/settings#%d"), Want: webtest.By(303, 303, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: "/mujun/prices", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/mujun/prices", Body: form(url.Values{"electricity.C": {"0.1"}, "electricity.D": {"0.15"}, "water.C": {"15"}, "water.D": {"30"},
		"water_base_yuan_per_t": {"4"}}), Want: webtest.By(303, 403, 403, 404, 404, 404, 404)},
	{Method: "GET", Route: "/mujun/import", Want: webtest.By(200, 200, 404, 404, 404, 404, 404)},
	{Method: "POST", Route: "/mujun/import", Body: importCSV, Want: webtest.By(200, 200, 404, 404, 404, 404, 404)},
	{Method: "GET", Route: "/mujun/import/template", Want: webtest.By(200, 200, 404, 404, 404, 404, 404)},
	{Method: "GET", Route: "/mujun/relief", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "POST", Route: "/mujun/relief", Setup: withRun, Body: form(url.Values{"year": {"2019"}, "classes": {"C"}, "resources": {"electricity", "water"},
		"from": {"2020-02-01"}, "to": {"2020-06-30"}, "action": {"simulate"}}), Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/mujun/relief/export", Want: webtest.By(200, 200, 200, 404, 404, 404, 404)},
	{Method: "GET", Route: "/enterprises/{uscc}/mujun", Target: "tangA", Want: webtest.By(200, 200, 200, 200, 200, 404, 404)},
	{Method: "GET", Route: "/enterprises/{uscc}/mujun", Target: "tangB", Want: webtest.By(200, 200, 200, 200, 404, 200, 404)},
	{Method: "POST", Route: "/enterprises/{uscc}/mujun", Target: "tangA", Body: form(url.Values{"year": {"2018"}, "land_mu": {"12"}, "tax_wan": {"30"},
		"value_added_wan": {"150"}, "revenue_wan": {"600"}, "energy_tce": {"60"}, "rd_wan": {"18"}, "staff": {"80"}, "electricity_kwh": {"400000"}, "water_t": {"2000"}}),
		Want: webtest.By(303, 303, 403, 403, 403, 404, 404)},
}
