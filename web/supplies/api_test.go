package supplies_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

type stockBodyJSON struct {
	USCC          string   `json:"uscc"`
	Town          string   `json:"town"`
	Declared      bool     `json:"declared"`
	Masks         float64  `json:"masks"`
	DisinfectantL float64  `json:"disinfectant_l"`
	StaffOnPost   int      `json:"staff_on_post"`
	DaysOfCover   *float64 `json:"days_of_cover"`
	Shortage      bool     `json:"shortage"`
	ThresholdDays int      `json:"threshold_days"`
	UpdatedAt     *string  `json:"updated_at"`
	UpdatedBy     string   `json:"updated_by"`
	Items         []struct {
		Item        string   `json:"item"`
		Stock       float64  `json:"stock"`
		DailyUse    *float64 `json:"daily_use"`
		DaysOfCover *float64 `json:"days_of_cover"`
		Need        float64  `json:"need"`
	} `json:"items"`
}

type shortageList struct {
	Items         []map[string]any `json:"items"`
	Total         int              `json:"total"`
	ThresholdDays int              `json:"threshold_days"`
}

func shortages(t *testing.T, e *webtest.Env, role, query string) shortageList {
	t.Helper()
	r := e.As(t, role, "GET", "/api/v1/supplies/shortages"+query, webtest.Payload{})
	if r.Status != 200 {
		t.Fatalf("shortages: %d %s", r.Status, r.Body)
	}
	var l shortageList
	r.Decode(t, &l)
	if l.Items == nil {
		t.Fatalf("items is not an array: %s", r.Body)
	}
	return l
}

func (l shortageList) codes() []string {
	out := []string{}
	for _, it := range l.Items {
		out = append(out, it["uscc"].(string))
	}
	return out
}

func stockJSONBody(masks, thermometers, litres, suits, gloves float64) webtest.Payload {
	return webtest.JSON(map[string]float64{"masks": masks, "thermometers": thermometers, "disinfectant_l": litres, "suits": suits, "gloves": gloves})
}

func TestSuppliesAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		e.AddBureauUsers(t, webtest.RoleSupplies)
		t.Run("declare and read", func(t *testing.T) { testSuppliesDeclare(t, e) })
		t.Run("bad declarations", func(t *testing.T) { testSuppliesBadInput(t, e) })
		t.Run("allocation takes an enterprise off the list", func(t *testing.T) { testSuppliesAllocation(t, e) })
		t.Run("settings move the line", func(t *testing.T) { testSuppliesSettings(t, e) })
		t.Run("matching", func(t *testing.T) { testSuppliesMatching(t, e) })
		t.Run("summary and undeclared", func(t *testing.T) { testSuppliesSummary(t, e) })
		t.Run("export", func(t *testing.T) { testSuppliesExport(t, e) })
	})
}

func testSuppliesDeclare(t *testing.T, e *webtest.Env) {
	path := "/api/v1/enterprises/" + e.Ents["tangB"] + "/supplies"
	r := e.As(t, webtest.RoleClerk, "GET", path, webtest.Payload{})
	var st stockBodyJSON
	r.Decode(t, &st)
	if r.Status != 200 || st.Declared || st.StaffOnPost != 20 || st.DaysOfCover != nil || st.UpdatedAt != nil || len(st.Items) != 5 {
		t.Fatalf("before any declaration: %d %s", r.Status, r.Body)
	}
	if l := shortages(t, e, webtest.RoleAdmin, ""); l.Total != 0 {
		t.Errorf("an enterprise that declared nothing is on the shortage list: %v", l.codes())
	}

	// 20 staff use 40 masks a day: 100 masks last 2.5 days, below 3.
	e.Clock.Set(time.Date(2020, 2, 12, 10, 15, 0, 0, fugong.Location))
	r = e.As(t, webtest.RoleClerk, "PUT", path, webtest.RawJSON(`{"masks":100,"thermometers":2,"disinfectant_l":10.5,"suits":1,"gloves":30,"note":"第一次盘点"}`))
	if r.Status != 201 {
		t.Fatalf("first declaration: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &st)
	if !st.Declared || st.Masks != 100 || st.DisinfectantL != 10.5 || st.DaysOfCover == nil || *st.DaysOfCover != 2.5 ||
		!st.Shortage || st.ThresholdDays != 3 || st.UpdatedBy != "u-clerk" || st.UpdatedAt == nil || *st.UpdatedAt != "2020-02-12T10:15:00+08:00" {
		t.Errorf("declared stock: %s", r.Body)
	}
	byItem := map[string]int{}
	for i, it := range st.Items {
		byItem[it.Item] = i
	}
	masks, litres, suits, gloves := st.Items[byItem["masks"]], st.Items[byItem["disinfectant_l"]], st.Items[byItem["suits"]], st.Items[byItem["gloves"]]
	if *masks.DailyUse != 40 || masks.Need != 20 || *litres.DailyUse != 1 || *litres.DaysOfCover != 10.5 ||
		suits.DailyUse != nil || suits.DaysOfCover != nil || *gloves.DaysOfCover != 1.5 {
		t.Errorf("items: %s", r.Body)
	}

	l := shortages(t, e, webtest.RoleBureauStat, "")
	if l.Total != 1 || l.ThresholdDays != 3 {
		t.Fatalf("shortages: %+v", l)
	}
	it := l.Items[0]
	if it["uscc"] != e.Ents["tangB"] || it["name"] != "瑞安市塘下电器厂" || it["town"] != webtest.TownTangxia || it["town_name"] != "塘下镇" ||
		it["days_of_cover"] != 2.5 || it["masks"] != 100.0 || it["daily_use"] != 40.0 || it["staff_on_post"] != 20.0 || it["need"] != 20.0 {
		t.Errorf("shortage line %v", it)
	}
	// The clerk sees their own line; the other town nothing.
	if l := shortages(t, e, webtest.RoleClerk, ""); l.Total != 1 {
		t.Errorf("the clerk sees %d shortages", l.Total)
	}
	if l := shortages(t, e, webtest.RoleAdmin, "?town=仙降"); l.Total != 0 {
		t.Errorf("仙降 has %d shortages", l.Total)
	}

	// A correction: 200, and both kept in the history with before and after.
	e.Clock.Set(time.Date(2020, 2, 12, 16, 0, 0, 0, fugong.Location))
	r = e.As(t, webtest.RoleTown, "PUT", path, stockJSONBody(90, 2, 10.5, 1, 30))
	if r.Status != 200 {
		t.Fatalf("correction: %d %s", r.Status, r.Body)
	}
	r = e.As(t, webtest.RoleClerk, "GET", path+"/history", webtest.Payload{})
	var hist struct {
		Items []struct {
			By           string             `json:"by"`
			At           string             `json:"at"`
			Source       string             `json:"source"`
			AllocationID *int64             `json:"allocation_id"`
			Note         string             `json:"note"`
			Before       map[string]float64 `json:"before"`
			After        map[string]float64 `json:"after"`
		} `json:"items"`
		Total int `json:"total"`
	}
	r.Decode(t, &hist)
	if r.Status != 200 || hist.Total != 2 || len(hist.Items) != 2 {
		t.Fatalf("history: %d %s", r.Status, r.Body)
	}
	if h := hist.Items[0]; h.By != "u-town" || h.Before["masks"] != 100 || h.After["masks"] != 90 || h.After["disinfectant_l"] != 10.5 ||
		h.Source != "declare" || h.AllocationID != nil || h.At != "2020-02-12T16:00:00+08:00" {
		t.Errorf("newest change %+v", h)
	}
	if h := hist.Items[1]; h.Before != nil || h.Note != "第一次盘点" || h.By != "u-clerk" {
		t.Errorf("first change %+v", h)
	}
	if !bytes.Contains(r.Body, []byte(`"before":null`)) {
		t.Errorf("the first change's before should be null: %s", r.Body)
	}
	// Every declaration is audited.
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/audit?entity=supply_stock&entity_id="+e.Ents["tangB"], webtest.Payload{})
	var au struct{ Total int }
	r.Decode(t, &au)
	if au.Total != 2 {
		t.Errorf("%d audit entries of tangB's stock, want 2", au.Total)
	}
}

func testSuppliesBadInput(t *testing.T, e *webtest.Env) {
	path := "/api/v1/enterprises/" + e.Ents["tangB"] + "/supplies"
	count := func() int {
		r := e.As(t, webtest.RoleAdmin, "GET", path+"/history", webtest.Payload{})
		var h struct{ Total int }
		r.Decode(t, &h)
		return h.Total
	}
	before := count()
	for _, tc := range []struct {
		name, body, field, message string
		status                     int
	}{
		{"missing gloves", `{"masks":1,"thermometers":1,"disinfectant_l":1,"suits":1}`, "gloves", "请填写手套数量，没有请填 0", 400},
		{"negative masks", `{"masks":-5,"thermometers":1,"disinfectant_l":1,"suits":1,"gloves":1}`, "masks", "口罩数量不能为负数", 400},
		{"half a mask", `{"masks":2.5,"thermometers":1,"disinfectant_l":1,"suits":1,"gloves":1}`, "masks", "口罩数量应为整数", 400},
		{"centilitres", `{"masks":1,"thermometers":1,"disinfectant_l":1.25,"suits":1,"gloves":1}`, "disinfectant_l", "消毒液数量最多保留一位小数", 400},
		{"a billion", `{"masks":1e9,"thermometers":1,"disinfectant_l":1,"suits":1,"gloves":1}`, "masks", "口罩数量超出合理范围（不超过10000000只）", 400},
		{"text", `{"masks":"many","thermometers":1,"disinfectant_l":1,"suits":1,"gloves":1}`, "masks", "", 400},
		{"unknown field", `{"masks":1,"thermometers":1,"disinfectant_l":1,"suits":1,"gloves":1,"n95":3}`, "n95", "", 400},
		{"long note", `{"masks":1,"thermometers":1,"disinfectant_l":1,"suits":1,"gloves":1,"note":"` + strings.Repeat("长", 501) + `"}`, "note", "备注不能超过500个字", 400},
		{"huge body", `{"masks":1,"thermometers":1,"disinfectant_l":1,"suits":1,"gloves":1,"note":"` + strings.Repeat("x", 2<<20) + `"}`, "", "", 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.As(t, webtest.RoleClerk, "PUT", path, webtest.RawJSON(tc.body))
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.Status, tc.status, r.Body)
			}
			er := r.Err(t).Error
			if er.Field != tc.field || (tc.message != "" && er.Message != tc.message) {
				t.Errorf("error %+v, want field %q message %q", er, tc.field, tc.message)
			}
		})
	}
	if after := count(); after != before {
		t.Errorf("refused declarations changed the history: %d → %d", before, after)
	}
	// A closed enterprise declares nothing.
	closed := e.AddEnterprise(t, "MA2DDDD04", webtest.TownTangxia, "below", "瑞安市塘下已停业厂")
	if r := e.As(t, webtest.RoleAdmin, "PATCH", "/api/v1/enterprises/"+closed, webtest.RawJSON(`{"status":"closed"}`)); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	if r := e.As(t, webtest.RoleTown, "PUT", "/api/v1/enterprises/"+closed+"/supplies", stockJSONBody(1, 1, 1, 1, 1)); r.Status != 409 || r.Err(t).Error.Code != "conflict" {
		t.Errorf("declaring for a closed enterprise: %d %s", r.Status, r.Body)
	}
}

func testSuppliesAllocation(t *testing.T, e *webtest.Env) {
	// tangB holds 90 masks for 20 staff: on the list.
	if l := shortages(t, e, webtest.RoleSupplies, ""); !slices.Contains(l.codes(), e.Ents["tangB"]) {
		t.Fatalf("tangB not on the list: %v", l.codes())
	}
	r := e.As(t, webtest.RoleSupplies, "POST", "/api/v1/supplies/receipts", webtest.RawJSON(`{"item":"masks","quantity":500,"source":"市防控指挥部调拨","note":"第一批"}`))
	if r.Status != 201 || !bytes.Contains(r.Body, []byte(`"item_name":"口罩"`)) || !bytes.Contains(r.Body, []byte(`"by":"u-supplies"`)) {
		t.Fatalf("receipt: %d %s", r.Status, r.Body)
	}
	for _, bad := range []string{`{"item":"masks","quantity":0,"source":"x"}`, `{"item":"n95","quantity":5,"source":"x"}`, `{"item":"masks","quantity":5}`} {
		if r := e.As(t, webtest.RoleSupplies, "POST", "/api/v1/supplies/receipts", webtest.RawJSON(bad)); r.Status != 400 {
			t.Errorf("receipt %s: %d %s", bad, r.Status, r.Body)
		}
	}
	bureau := func() map[string]float64 {
		r := e.As(t, webtest.RoleBureauStat, "GET", "/api/v1/supplies/bureau-stock", webtest.Payload{})
		var l struct {
			Items []struct {
				Item     string  `json:"item"`
				Quantity float64 `json:"quantity"`
			} `json:"items"`
		}
		r.Decode(t, &l)
		out := map[string]float64{}
		for _, it := range l.Items {
			out[it.Item] = it.Quantity
		}
		return out
	}
	if b := bureau(); b["masks"] != 500 || len(b) != 5 {
		t.Fatalf("bureau stock %v", b)
	}
	// More than the bureau holds: 409, nothing moves.
	r = e.As(t, webtest.RoleSupplies, "POST", "/api/v1/supplies/allocations", webtest.JSON(map[string]any{"enterprise": e.Ents["tangB"], "item": "masks", "quantity": 501}))
	if er := r.Err(t).Error; r.Status != 409 || er.Code != "conflict" || er.Field != "quantity" || er.Message != "物资组口罩库存不足：现有 500只，拟调拨 501只" {
		t.Errorf("over-allocation: %d %s", r.Status, r.Body)
	}
	if b := bureau(); b["masks"] != 500 {
		t.Errorf("a refused allocation moved masks: %v", b)
	}
	// 60 masks take tangB to 150: 3.75 days, off the list.
	r = e.As(t, webtest.RoleSupplies, "POST", "/api/v1/supplies/allocations", webtest.JSON(map[string]any{"enterprise": strings.ToLower(e.Ents["tangB"]), "item": "masks", "quantity": 60, "note": "应急"}))
	var al struct {
		ID              int64   `json:"id"`
		Enterprise      string  `json:"enterprise"`
		EnterpriseName  string  `json:"enterprise_name"`
		Quantity        float64 `json:"quantity"`
		BureauRemaining float64 `json:"bureau_remaining"`
		EnterpriseStock float64 `json:"enterprise_stock"`
		At              string  `json:"at"`
	}
	r.Decode(t, &al)
	if r.Status != 201 || al.Enterprise != e.Ents["tangB"] || al.Quantity != 60 || al.BureauRemaining != 440 || al.EnterpriseStock != 150 ||
		al.EnterpriseName != "瑞安市塘下电器厂" || !strings.HasSuffix(al.At, "+08:00") {
		t.Fatalf("allocation: %d %s", r.Status, r.Body)
	}
	if l := shortages(t, e, webtest.RoleSupplies, ""); slices.Contains(l.codes(), e.Ents["tangB"]) {
		t.Errorf("tangB is still on the list after the allocation: %v", l.items())
	}
	r = e.As(t, webtest.RoleClerk, "GET", "/api/v1/enterprises/"+e.Ents["tangB"]+"/supplies/history?per_page=1", webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(fmt.Sprintf(`"allocation_id":%d`, al.ID))) || !bytes.Contains(r.Body, []byte(`"source":"allocation"`)) {
		t.Errorf("the allocation is not the newest change: %s", r.Body)
	}
	// The clerk sees the allocations to their enterprise; 仙降's nothing.
	r = e.As(t, webtest.RoleClerk, "GET", "/api/v1/supplies/allocations", webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(`"total":1`)) {
		t.Errorf("clerk's allocations: %s", r.Body)
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/supplies/allocations?town="+webtest.TownXianjiang, webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(`"items":[]`)) {
		t.Errorf("allocations in 仙降: %s", r.Body)
	}
	r = e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/supplies/receipts", webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(`"source":"市防控指挥部调拨"`)) {
		t.Errorf("receipts: %s", r.Body)
	}
	for _, bad := range []string{`{"enterprise":"","item":"masks","quantity":1}`, `{"enterprise":"x","item":"masks"}`} {
		if r := e.As(t, webtest.RoleSupplies, "POST", "/api/v1/supplies/allocations", webtest.RawJSON(bad)); r.Status != 400 {
			t.Errorf("allocation %s: %d %s", bad, r.Status, r.Body)
		}
	}
}

func (l shortageList) items() []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, fmt.Sprint(it["name"], " ", it["days_of_cover"]))
	}
	return out
}

func testSuppliesSettings(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleClerk, "GET", "/api/v1/settings/supplies", webtest.Payload{})
	if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"masks_per_person_day":2`)) || !bytes.Contains(r.Body, []byte(`"surplus_days":9`)) {
		t.Fatalf("settings: %d %s", r.Status, r.Body)
	}
	// Four masks a head a day: tangB's 150 last 1.8 days.
	r = e.As(t, webtest.RoleSupplies, "PUT", "/api/v1/settings/supplies", webtest.RawJSON(`{"masks_per_person_day":4}`))
	if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"masks_per_person_day":4`)) || !bytes.Contains(r.Body, []byte(`"shortage_days":3`)) {
		t.Fatalf("set: %d %s", r.Status, r.Body)
	}
	l := shortages(t, e, webtest.RoleAdmin, "")
	if len(l.Items) != 1 || l.Items[0]["days_of_cover"] != 1.8 || l.Items[0]["daily_use"] != 80.0 {
		t.Errorf("at 4 a day: %v", l.Items)
	}
	for _, bad := range []struct{ body, field string }{
		{`{"shortage_days":2.5}`, "shortage_days"},
		{`{"masks_per_person_day":0}`, "masks_per_person_day"},
		{`{"disinfectant_l_per_person_day":0.055}`, "disinfectant_l_per_person_day"},
		{`{"surplus_days":5}`, "surplus_days"},
	} {
		r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/settings/supplies", webtest.RawJSON(bad.body))
		if r.Status != 400 || r.Err(t).Error.Field != bad.field {
			t.Errorf("%s: %d %s", bad.body, r.Status, r.Body)
		}
	}
	if r := e.As(t, webtest.RoleSupplies, "PUT", "/api/v1/settings/supplies", webtest.RawJSON(`{"masks_per_person_day":2}`)); r.Status != 200 {
		t.Fatal(r.Status)
	}
	if l := shortages(t, e, webtest.RoleAdmin, ""); l.Total != 0 {
		t.Errorf("back at 2 a day: %v", l.items())
	}
}

func testSuppliesMatching(t *testing.T, e *webtest.Env) {
	// tangB short again: 30 masks for 20. tangA holds 1000, xianA 2000.
	for key, masks := range map[string]float64{"tangB": 30, "tangA": 1000, "xianA": 2000} {
		if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents[key]+"/supplies", stockJSONBody(masks, 1, 5, 0, 40)); r.Status != 200 && r.Status != 201 {
			t.Fatalf("declare %s: %d %s", key, r.Status, r.Body)
		}
	}
	type matchBody struct {
		Enterprise struct {
			Need        float64  `json:"need"`
			DaysOfCover *float64 `json:"days_of_cover"`
		} `json:"enterprise"`
		SurplusDays int `json:"surplus_days"`
		Items       []struct {
			USCC     string  `json:"uscc"`
			Nearness string  `json:"nearness"`
			Spare    float64 `json:"spare"`
			Stock    float64 `json:"stock"`
		} `json:"items"`
		Total int `json:"total"`
	}
	path := "/api/v1/enterprises/" + e.Ents["tangB"] + "/supplies/matches"
	var m matchBody
	r := e.As(t, webtest.RoleAdmin, "GET", path, webtest.Payload{})
	r.Decode(t, &m)
	// Each keeps 9 days of 40: 360.
	if r.Status != 200 || m.Total != 2 || m.SurplusDays != 9 || m.Enterprise.Need != 90 || *m.Enterprise.DaysOfCover != 0.7 ||
		m.Items[0].USCC != e.Ents["tangA"] || m.Items[0].Nearness != "same_town" || m.Items[0].Spare != 640 ||
		m.Items[1].USCC != e.Ents["xianA"] || m.Items[1].Nearness != "elsewhere" || m.Items[1].Spare != 1640 {
		t.Fatalf("matches: %d %s", r.Status, r.Body)
	}
	// The town sees only its own town's donors.
	r = e.As(t, webtest.RoleTown, "GET", path, webtest.Payload{})
	r.Decode(t, &m)
	if m.Total != 1 || m.Items[0].USCC != e.Ents["tangA"] {
		t.Errorf("the town's matches: %s", r.Body)
	}
	// Disinfectant: 5 L each, 20 × 0.05 = 1 L a day keeps 9 L: no donor.
	r = e.As(t, webtest.RoleAdmin, "GET", path+"?item=disinfectant_l", webtest.Payload{})
	if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"items":[]`)) {
		t.Errorf("disinfectant matches: %d %s", r.Status, r.Body)
	}
	if r := e.As(t, webtest.RoleAdmin, "GET", path+"?item=n95", webtest.Payload{}); r.Status != 400 || r.Err(t).Error.Field != "item" {
		t.Errorf("unknown item: %d %s", r.Status, r.Body)
	}
}

func testSuppliesSummary(t *testing.T, e *webtest.Env) {
	extra := e.AddEnterprise(t, "MA2EEEE05", webtest.TownXianjiang, "below", "瑞安市仙降未申报鞋厂") // 20 staff, no stock
	r := e.As(t, webtest.RoleBureauStat, "GET", "/api/v1/supplies/undeclared", webtest.Payload{})
	var und struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	r.Decode(t, &und)
	if und.Total != 1 || und.Items[0]["uscc"] != extra || und.Items[0]["staff_on_post"] != 20.0 {
		t.Errorf("undeclared: %s", r.Body)
	}
	if r := e.As(t, webtest.RoleTown, "GET", "/api/v1/supplies/undeclared", webtest.Payload{}); !bytes.Contains(r.Body, []byte(`"total":0`)) {
		t.Errorf("塘下's undeclared: %s", r.Body)
	}
	var sum struct {
		ThresholdDays int `json:"threshold_days"`
		City          struct {
			Enterprises, Declared, Undeclared, Shortages int
			Masks                                        int64
		} `json:"city"`
		Towns []struct {
			Town        string   `json:"town"`
			Shortages   int      `json:"shortages"`
			Undeclared  int      `json:"undeclared"`
			DaysOfCover *float64 `json:"days_of_cover"`
		} `json:"towns"`
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/supplies/summary", webtest.Payload{})
	r.Decode(t, &sum)
	// 塘下: tangA 1000, tangB 30 (short); the closed one does not count. 仙降: xianA 2000, one undeclared.
	if sum.ThresholdDays != 3 || sum.City.Enterprises != 4 || sum.City.Declared != 3 || sum.City.Undeclared != 1 ||
		sum.City.Shortages != 1 || sum.City.Masks != 3030 || len(sum.Towns) != 2 {
		t.Fatalf("summary: %s", r.Body)
	}
	if tx := sum.Towns[1]; tx.Town != webtest.TownTangxia || tx.Shortages != 1 || *tx.DaysOfCover != 12.8 {
		t.Errorf("塘下's line: %+v", tx)
	}
	r = e.As(t, webtest.RoleCheckpoint, "GET", "/api/v1/supplies/summary", webtest.Payload{})
	if !bytes.Contains(r.Body, []byte(`"towns":[]`)) {
		t.Errorf("a checkpoint's summary: %s", r.Body)
	}
}

func testSuppliesExport(t *testing.T, e *webtest.Env) {
	r := e.As(t, webtest.RoleTown, "GET", "/api/v1/supplies/shortages/export", webtest.Payload{})
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "supply-shortages-") {
		t.Fatalf("export: %d %v", r.Status, r.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v %v", rows, err)
	}
	if rows[0][0] != "企业名称" || rows[0][6] != "可用天数" {
		t.Errorf("header %v", rows[0])
	}
	if got := rows[1]; got[0] != "瑞安市塘下电器厂" || got[1] != e.Ents["tangB"] || got[2] != "塘下镇" || got[4] != "30" || got[6] != "0.7" || got[7] != "90" {
		t.Errorf("row %v", got)
	}
	r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/supplies/shortages/export?format=csv&town="+webtest.TownXianjiang, webtest.Payload{})
	if r.Status != 200 || bytes.Count(r.Body, []byte("\n")) != 1 {
		t.Errorf("csv of 仙降 (no shortages): %d %q", r.Status, r.Body)
	}
	if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/supplies/shortages/export?format=pdf", webtest.Payload{}); r.Status != 400 {
		t.Errorf("pdf: %d", r.Status)
	}
}

// TestSuppliesListsFollowScope checks what each role's lists hold: the
// undeclared before anyone declares, the shortages once every fixture is
// short, the allocations once each got one; exactly the enterprises of the
// role's scope each time.
func TestSuppliesListsFollowScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		codesOf := func(t *testing.T, role, path, field string) []string {
			t.Helper()
			r := e.As(t, role, "GET", path, webtest.Payload{})
			var l struct {
				Items []map[string]any `json:"items"`
				Total int              `json:"total"`
			}
			r.Decode(t, &l)
			out := []string{}
			for _, it := range l.Items {
				out = append(out, it[field].(string))
			}
			slices.Sort(out)
			if r.Status != 200 || l.Total != len(out) {
				t.Fatalf("%s: %d, total %d for %d items", path, r.Status, l.Total, len(out))
			}
			return out
		}
		check := func(path, field string) {
			for _, role := range webtest.Roles {
				if got, want := codesOf(t, role, path, field), e.Codes(webtest.InScope[role]); !slices.Equal(got, want) {
					t.Errorf("%s as %s: %v, want %v", path, role, got, want)
				}
			}
		}
		check("/api/v1/supplies/undeclared", "uscc")
		bureauHolds(100)(t, e)
		for _, key := range []string{"tangA", "tangB", "xianA"} {
			if r := e.As(t, webtest.RoleAdmin, "PUT", "/api/v1/enterprises/"+e.Ents[key]+"/supplies", stockJSONBody(10, 0, 0, 0, 0)); r.Status != 201 {
				t.Fatalf("declare %s: %d %s", key, r.Status, r.Body)
			}
			if r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/supplies/allocations", allocationTo(key, 1)(t, e, webtest.RoleAdmin)); r.Status != 201 {
				t.Fatalf("allocate to %s: %d %s", key, r.Status, r.Body)
			}
		}
		check("/api/v1/supplies/shortages", "uscc")
		check("/api/v1/supplies/allocations", "enterprise")
		if got := codesOf(t, webtest.RoleAdmin, "/api/v1/supplies/undeclared", "uscc"); len(got) != 0 {
			t.Errorf("undeclared after every declaration: %v", got)
		}
	})
}
