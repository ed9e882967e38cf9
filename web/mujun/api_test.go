package mujun_test

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The bureau's flow through the API, with the contract's names: figures
// for each firm, the year's settings, a run, the results and one firm's
// detail, a correction and a re-run with its moves, the relief plan; and
// every bad input of the issue refused with nothing stored.
func TestMujunAPIFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		stat := webtest.RoleBureauStat
		put := func(key string, year int, k float64) webtest.Resp {
			body := fmt.Sprintf(`{"land_mu":10,"tax_wan":%g,"value_added_wan":%g,"revenue_wan":%g,"energy_tce":%g,"emissions_t":%s,
				"rd_wan":%g,"staff":50,"electricity_kwh":%d,"water_t":%d}`, 20*k, 100*k, 400*k, 40*k,
				map[bool]string{true: "null", false: fmt.Sprint(0.3 * k)}[key == "xianA"], 12*k, int(300_000*k), int(1_500*k))
			return e.As(t, stat, "PUT", fmt.Sprintf("/api/v1/enterprises/%s/mujun/%d", e.Ents[key], year), webtest.RawJSON(body))
		}
		for i, key := range []string{"tangA", "tangB", "xianA"} {
			if r := put(key, 2019, float64(3-i)); r.Status != 201 {
				t.Fatalf("PUT %s: %d %s", key, r.Status, r.Body)
			}
		}
		if r := put("tangA", 2019, 3); r.Status != 200 {
			t.Fatalf("a second PUT: %d", r.Status)
		}
		// Bad input: zero land, weights that do not add up, a share rule
		// that does not rise, a year without data, a period backwards.
		bad := []struct {
			name, method, path, body, field string
		}{
			{"zero land", "PUT", "/api/v1/enterprises/" + e.Ents["tangA"] + "/mujun/2019",
				`{"land_mu":0,"tax_wan":1,"value_added_wan":1,"revenue_wan":1,"energy_tce":1,"emissions_t":1,"rd_wan":0,"staff":1,"electricity_kwh":1,"water_t":1}`, "land_mu"},
			{"negative land", "PUT", "/api/v1/enterprises/" + e.Ents["tangA"] + "/mujun/2019",
				`{"land_mu":-2,"tax_wan":1,"value_added_wan":1,"revenue_wan":1,"energy_tce":1,"emissions_t":1,"rd_wan":0,"staff":1,"electricity_kwh":1,"water_t":1}`, "land_mu"},
			{"weights to 90", "PUT", "/api/v1/mujun/2019/settings", `{"weights":{"tax_per_mu":30,"value_added_per_mu":20,"value_added_per_tce":20,"value_added_per_emission":10,"labour_productivity":10}}`, "above.weights"},
			{"A 70 B 25", "PUT", "/api/v1/mujun/2019/settings", `{"class_rule":{"kind":"share","a":70,"b":25,"c":95}}`, "above.class_rule.b"},
			{"a year with no data", "POST", "/api/v1/mujun/2016/evaluations", ``, "year"},
			{"backwards", "POST", "/api/v1/mujun/relief-simulations", `{"year":2019,"classes":["C"],"resources":["electricity"],"from":"2020-06-30","to":"2020-02-01"}`, "to"},
		}
		for _, b := range bad {
			r := e.As(t, stat, b.method, b.path, webtest.RawJSON(b.body))
			if r.Status != 400 || r.Err(t).Error.Field != b.field {
				t.Errorf("%s: %d %s, want 400 on %s", b.name, r.Status, r.Body, b.field)
			}
		}
		var land struct {
			LandMu float64 `json:"land_mu"`
		}
		e.As(t, stat, "GET", "/api/v1/enterprises/"+e.Ents["tangA"]+"/mujun/2019", webtest.Payload{}).Decode(t, &land)
		if land.LandMu != 10 {
			t.Errorf("a refused PUT changed the land to %v", land.LandMu)
		}
		// The contract's settings shape: the flat above-scale set.
		r := e.As(t, stat, "PUT", "/api/v1/mujun/2019/settings", webtest.RawJSON(`{"weights":{"tax_per_mu":40,"value_added_per_mu":20,
			"value_added_per_tce":10,"value_added_per_emission":10,"labour_productivity":10,"rd_intensity":10},
			"benchmarks":{"tax_per_mu":20,"value_added_per_mu":100,"value_added_per_tce":2.5,"value_added_per_emission":5000,"labour_productivity":15,"rd_intensity":0.03},
			"class_rule":{"kind":"share","a":25,"b":70,"c":95}}`))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"tax_per_mu":40`) {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		r = e.As(t, stat, "POST", "/api/v1/mujun/2019/evaluations", webtest.Payload{})
		var run struct {
			ID      int64 `json:"id"`
			Version int   `json:"version"`
		}
		r.Decode(t, &run)
		if r.Status != 201 || run.ID == 0 || run.Version != 1 {
			t.Fatalf("run: %d %s", r.Status, r.Body)
		}
		var list struct {
			Items []struct {
				USCC       string  `json:"uscc"`
				Score      float64 `json:"score"`
				Rank       int     `json:"rank"`
				Class      string  `json:"class"`
				Indicators map[string]struct {
					Value  *float64 `json:"value"`
					Points float64  `json:"points"`
				} `json:"indicators"`
			} `json:"items"`
			Total int `json:"total"`
		}
		e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/mujun/2019/results?group=above", webtest.Payload{}).Decode(t, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].USCC != e.Ents["tangA"] || list.Items[0].Rank != 1 || list.Items[0].Class != "B" { // one firm: 25 % of 1 rounds to no A
			t.Fatalf("above-scale results: %+v", list)
		}
		sum := 0.0
		for _, k := range []string{"tax_per_mu", "value_added_per_mu", "value_added_per_tce", "value_added_per_emission", "labour_productivity", "rd_intensity"} {
			m, ok := list.Items[0].Indicators[k]
			if !ok || m.Value == nil {
				t.Errorf("indicator %s: %+v", k, m)
			}
			sum += m.Points
		}
		if math.Abs(sum-list.Items[0].Score) > 1e-6 {
			t.Errorf("points add up to %v, the score is %v", sum, list.Items[0].Score)
		}
		// 塘下's town sees its two firms; 仙降's below-scale firm is rated on
		// tax per mu and per kWh.
		var town, xian struct {
			Items []struct {
				Indicators map[string]any `json:"indicators"`
			} `json:"items"`
			Total int `json:"total"`
		}
		e.As(t, webtest.RoleTown, "GET", "/api/v1/mujun/2019/results", webtest.Payload{}).Decode(t, &town)
		if town.Total != 2 {
			t.Errorf("the town sees %d results", town.Total)
		}
		e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/mujun/2019/results?town=仙降&class=", webtest.Payload{}).Decode(t, &xian)
		if xian.Total != 1 || len(xian.Items[0].Indicators) != 2 || xian.Items[0].Indicators["tax_per_kwh"] == nil {
			t.Errorf("仙降: %+v", xian)
		}
		var detail struct {
			Indicators []struct {
				Key       string  `json:"key"`
				Benchmark float64 `json:"benchmark"`
				Weight    float64 `json:"weight"`
			} `json:"indicators"`
			CityRank *int `json:"city_rank"`
		}
		e.As(t, webtest.RoleCadre, "GET", "/api/v1/mujun/2019/results/"+e.Ents["tangA"], webtest.Payload{}).Decode(t, &detail)
		if len(detail.Indicators) != 6 || detail.Indicators[0].Weight != 40 || detail.Indicators[0].Benchmark != 20 || detail.CityRank == nil {
			t.Errorf("detail: %+v", detail)
		}
		// The registry has the class.
		var ent struct {
			MujunClass *string `json:"mujun_class"`
		}
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/enterprises/"+e.Ents["tangA"], webtest.Payload{}).Decode(t, &ent)
		if ent.MujunClass == nil || *ent.MujunClass != "B" {
			t.Errorf("registry class %v", ent.MujunClass)
		}
		// Relief: the contract's shape.
		r = e.As(t, webtest.RoleBureauInsp, "POST", "/api/v1/mujun/relief-simulations",
			webtest.RawJSON(`{"year":2019,"classes":["A","B","C","D"],"resources":["electricity","water"],"from":"2020-02-01","to":"2020-06-30"}`))
		var rel struct {
			Total       float64 `json:"total_yuan"`
			Electricity float64 `json:"electricity_yuan"`
			Water       float64 `json:"water_yuan"`
			Firms       int     `json:"firms"`
			Items       []struct {
				USCC   string  `json:"uscc"`
				Relief float64 `json:"relief_yuan"`
			} `json:"items"`
			Basis []struct {
				AnnualUse int64 `json:"annual_use"`
			} `json:"basis"`
		}
		r.Decode(t, &rel)
		// Only C and D carry surcharges by default: of the two below-scale
		// firms, 仙降's is C (95 % of 2 rounds to 2: no D).
		if r.Status != 200 || math.Abs(rel.Total-rel.Electricity-rel.Water) > 0.001 || len(rel.Basis) != 8 || rel.Firms != 1 ||
			rel.Items[0].USCC != e.Ents["xianA"] || rel.Basis[4].AnnualUse != 300_000 {
			t.Errorf("relief: %d %s", r.Status, r.Body)
		}
	})
}

// The pages show what the API computed: the run button, the distribution
// chart, the list with each indicator, a firm's detail with every
// indicator, the relief with its basis.
func TestMujunPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		withRun(t, e)
		b := e.BrowserLogin(t, webtest.RoleBureauStat)
		r := b.Get(t, "/mujun")
		webtest.Contains(t, "the overview", r, `id="run-evaluation"`, `<svg`, "等级分布", "天台 2022", "第 1 次")
		r = b.Get(t, "/mujun/2019/results")
		webtest.Contains(t, "the results", r, "瑞安市塘下汽配有限公司", "亩均税收", `id="results-above"`, `id="results-below"`)
		r = b.Get(t, "/mujun/2019/results/"+e.Ents["tangA"])
		webtest.Contains(t, "a firm's result", r, "亩均税收", "单位排放工业增加值", "研发经费支出占主营业务收入比重", "26.01", `id="city-rank"`)
		r = b.Get(t, "/enterprises/"+e.Ents["tangA"]+"/mujun")
		webtest.Contains(t, "the firm's figures", r, `id="firm-years"`, `id="figures-form"`, "2019")
		r = b.Get(t, "/mujun/2019/settings")
		webtest.Contains(t, "the settings", r, `name="above.weights.tax_per_mu" value="30"`, `name="below.benchmarks.tax_per_kwh" value="0.2366"`)
		// A share rule that does not rise is shown on the form, nothing saved.
		f := url.Values{}
		for k, v := range settingsForm {
			f[k] = v
		}
		f.Set("above.class_rule.a", "70")
		f.Set("above.class_rule.b", "25")
		f.Set("csrf", webtest.CSRFOf(t, r.Body))
		r = b.PostForm(t, "/mujun/2019/settings", f)
		if r.Status != 400 {
			t.Errorf("a bad share rule: %d", r.Status)
		}
		webtest.Contains(t, "a bad share rule", r, "B 类累计比例（25%）应大于 A 类（70%）", `data-field="above.class_rule.b"`)
		a := e.BrowserLogin(t, webtest.RoleAdmin)
		r = a.Get(t, "/mujun/relief")
		webtest.Contains(t, "the relief page", r, `id="relief-form"`, "暂停C类企业电价水价加价至6月底", `id="no-scenarios"`)
	})
}

// An import with a bad row stores nothing and names the row; with
// skip_bad it stores the good rows.
func TestMujunImportNamesBadRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		csv := "统一社会信用代码,用地面积（亩）,实缴税金（万元）,工业增加值（万元）,主营业务收入（万元）,综合能耗（吨标准煤）,研发经费支出（万元）,年平均职工人数,用电量（千瓦时）,用水量（吨）\n" +
			e.Ents["tangA"] + ",10,30,150,600,60,18,80,400000,2000\n" +
			e.Ents["tangB"] + ",0,30,150,600,60,18,80,400000,2000\n" +
			webtest.USCC(t, "MA9999999") + ",3,1,1,1,1,1,1,1,1\n"
		r := e.As(t, webtest.RoleBureauStat, "POST", "/api/v1/mujun/2019/annual-data/import", webtest.Upload(t, "2019.csv", csv, nil))
		rows := r.Err(t).Error.Rows
		if r.Status != 400 || len(rows) != 2 || rows[0].Row != 3 || rows[0].Field != "land_mu" || rows[1].Row != 4 || rows[1].Field != "uscc" {
			t.Fatalf("a bad file: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleBureauStat, "GET", "/api/v1/mujun/years", webtest.Payload{}); !strings.Contains(string(r.Body), `"total":0`) {
			t.Errorf("a bad file stored something: %s", r.Body)
		}
		r = e.As(t, webtest.RoleBureauStat, "POST", "/api/v1/mujun/2019/annual-data/import?skip_bad=true", webtest.Upload(t, "2019.csv", csv, nil))
		if r.Status != 200 || !strings.Contains(string(r.Body), `"created":1`) || !strings.Contains(string(r.Body), `"bad_rows":[3,4]`) {
			t.Errorf("skipping bad rows: %d %s", r.Status, r.Body)
		}
	})
}
