package briefing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The people module's section: the day's roster counts and the open fever
// alerts, in the town's scope for a town; the 亩均 section appears once the
// year before has been evaluated, with its classes per town.
func TestHealthAndMujunSections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, day10)
		sections := func(role string) map[string]string {
			t.Helper()
			var b briefingResp
			r := e.As(t, role, "GET", "/api/v1/briefings/2020-02-10", webtest.Payload{})
			if r.Decode(t, &b); r.Status != 200 {
				t.Fatalf("%s: %d %s", role, r.Status, r.Body)
			}
			out := map[string]string{}
			for _, s := range b.Sections {
				out[s.Key] = strings.Join(s.Headline, "")
			}
			return out
		}
		if s := sections(webtest.RoleAdmin); !strings.Contains(s["health"], "在隔离 0 人") || s["mujun"] != "" || s["isolation"] != "" {
			t.Fatalf("an empty city: %q / %q / %q", s["health"], s["mujun"], s["isolation"])
		}

		r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/isolation-points", webtest.RawJSON(`{"name":"塘下镇集中隔离点","town":"330381101","rooms":3}`))
		var point struct {
			ID int64 `json:"id"`
		}
		if r.Decode(t, &point); r.Status != 201 {
			t.Fatalf("point: %d %s", r.Status, r.Body)
		}
		rid, err := pii.MakeIDNumber("330381", time.Date(1985, 3, 1, 0, 0, 0, 0, time.UTC), 21)
		if err != nil {
			t.Fatal(err)
		}
		r = e.As(t, webtest.RoleAdmin, "POST", fmt.Sprintf("/api/v1/isolation-points/%d/residents", point.ID),
			webtest.RawJSON(fmt.Sprintf(`{"name":"李四","id_number":%q,"phone":"13912345678","room":"1","admitted_on":"2020-02-10","days":14}`, rid)))
		if r.Status != 201 {
			t.Fatalf("resident: %d %s", r.Status, r.Body)
		}
		if s := sections(webtest.RoleAdmin)["isolation"]; !strings.Contains(s, "隔离点 1 个，床位 3 张，在住 1 人，空余 2 张；2月10日入住 1 人") {
			t.Errorf("the isolation section: %q", s)
		}

		for i, key := range []string{"tangA", "xianA"} {
			id, err := pii.MakeIDNumber("330381", time.Date(1980, 1, 1+i, 0, 0, 0, 0, time.UTC), 11)
			if err != nil {
				t.Fatal(err)
			}
			body := fmt.Sprintf(`{"name":"张%d","id_number":%q,"phone":"1381234567%d","origin":"湖北省武汉市","hubei":true,
				"returned_on":"2020-02-03","quarantine_start":"2020-02-03","quarantine_days":14,"health_code":"yellow","code_since":"2020-02-03","on_post":false}`, i, id, i)
			r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/enterprises/"+e.Ents[key]+"/staff", webtest.RawJSON(body))
			var p struct {
				ID int64 `json:"id"`
			}
			if r.Decode(t, &p); r.Status != 201 {
				t.Fatalf("staff: %d %s", r.Status, r.Body)
			}
			if r := e.As(t, webtest.RoleAdmin, "POST", fmt.Sprintf("/api/v1/staff/%d/temperatures", p.ID), webtest.RawJSON(`{"celsius":38.1}`)); r.Status != 201 {
				t.Fatalf("temperature: %d %s", r.Status, r.Body)
			}
		}
		if h := sections(webtest.RoleAdmin)["health"]; !strings.Contains(h, "在隔离 2 人") || !strings.Contains(h, "黄码 2 人") || !strings.Contains(h, "未处置的发热预警 2 条") {
			t.Errorf("the city's health section: %q", h)
		}
		if h := sections(webtest.RoleTown)["health"]; !strings.Contains(h, "在隔离 1 人") || !strings.Contains(h, "未处置的发热预警 1 条") {
			t.Errorf("the town's health section: %q", h)
		}

		for i, key := range []string{"tangA", "tangB", "xianA"} {
			k := float64(3 - i)
			body := fmt.Sprintf(`{"land_mu":10,"tax_wan":%g,"value_added_wan":%g,"revenue_wan":%g,"energy_tce":%g,"emissions_t":%g,
				"rd_wan":%g,"staff":50,"electricity_kwh":%d,"water_t":%d}`, 20*k, 100*k, 400*k, 40*k, 0.3*k, 12*k, int(300_000*k), int(1_500*k))
			if r := e.As(t, webtest.RoleBureauStat, "PUT", fmt.Sprintf("/api/v1/enterprises/%s/mujun/2019", e.Ents[key]), webtest.RawJSON(body)); r.Status != 201 {
				t.Fatalf("mujun data: %d %s", r.Status, r.Body)
			}
		}
		if r := e.As(t, webtest.RoleBureauStat, "POST", "/api/v1/mujun/2019/evaluations", webtest.Payload{}); r.Status != 201 {
			t.Fatalf("evaluation: %d %s", r.Status, r.Body)
		}
		if m := sections(webtest.RoleAdmin)["mujun"]; !strings.Contains(m, "2019 年度亩均评价（第 1 版）参评企业 3 家") {
			t.Errorf("the city's 亩均 section: %q", m)
		}
		if m := sections(webtest.RoleTown)["mujun"]; !strings.Contains(m, "参评企业 2 家") {
			t.Errorf("the town's 亩均 section: %q", m)
		}
	})
}
