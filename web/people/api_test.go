package people_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"fugong/audit"
	"fugong/pii"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The API as the outside checks use it: the contract's names and codes.

type staffJSON struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	QuarantineEnd string `json:"quarantine_end"`
	HealthCode    string `json:"health_code"`
}

type alertJSON struct {
	ID      int64   `json:"id"`
	Kind    string  `json:"kind"`
	USCC    string  `json:"uscc"`
	Town    string  `json:"town"`
	StaffID *int64  `json:"staff_id"`
	Celsius float64 `json:"celsius"`
	Status  string  `json:"status"`
	Note    string  `json:"note"`
}

func TestPeopleAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		e.AddBureauUsers(t, webtest.RolePrevention)
		tangB := "/api/v1/enterprises/" + e.Ents["tangB"] + "/staff"
		id := newIDNumber()
		today := e.Today()

		post := func(role string, body map[string]any) webtest.Resp {
			t.Helper()
			return e.As(t, role, "POST", tangB, webtest.JSON(body))
		}
		valid := func() map[string]any {
			return map[string]any{"name": "张三", "id_number": strings.ToLower(id), "phone": "13812345678", "origin": "湖北省武汉市",
				"hubei": true, "returned_on": today, "quarantine_start": today, "quarantine_days": 0, "health_code": "green",
				"code_held_by_family": true, "on_post": false}
		}
		for _, c := range []struct {
			field string
			edit  func(m map[string]any)
		}{
			{"id_number", func(m map[string]any) { m["id_number"] = id[:17] + "Y" }},
			{"phone", func(m map[string]any) { m["phone"] = "2345" }},
			{"returned_on", func(m map[string]any) { m["returned_on"] = "2099-01-01" }},
			{"quarantine_end", func(m map[string]any) { m["quarantine_start"], m["quarantine_end"] = today, "2020-01-01" }},
			{"health_code", func(m map[string]any) { m["health_code"] = "purple" }},
		} {
			m := valid()
			c.edit(m)
			r := post(webtest.RoleClerk, m)
			if r.Status != 400 || r.Err(t).Error.Field != c.field {
				t.Errorf("bad %s: %d %s", c.field, r.Status, r.Body)
			}
		}
		r := post(webtest.RoleClerk, valid())
		var p staffJSON
		r.Decode(t, &p)
		if r.Status != 201 || p.ID == 0 || p.IDNumber != pii.MaskID(id) || p.Phone != "138****5678" || p.QuarantineEnd == "" {
			t.Fatalf("POST staff: %d %s", r.Status, r.Body)
		}
		if r := post(webtest.RoleTown, valid()); r.Status != 409 || r.Err(t).Error.Field != "id_number" {
			t.Errorf("the same ID number again: %d %s", r.Status, r.Body)
		}

		var list struct {
			Items []staffJSON `json:"items"`
			Total int         `json:"total"`
		}
		r = e.As(t, webtest.RoleBureauStat, "GET", tangB, webtest.Payload{})
		r.Decode(t, &list)
		if r.Status != 200 || list.Total != 1 || list.Items[0].ID != p.ID || list.Items[0].IDNumber != pii.MaskID(id) ||
			list.Items[0].Phone != "138****5678" || list.Items[0].QuarantineEnd != p.QuarantineEnd || list.Items[0].Name != "张三" {
			t.Errorf("GET staff: %d %s", r.Status, r.Body)
		}
		if bytes.Contains(r.Body, []byte(id[6:14])) {
			t.Errorf("the list shows the birth date of the ID number: %s", r.Body)
		}

		for role, want := range map[string]int{webtest.RoleTown: 1, webtest.RoleClerk: 1, webtest.RoleCadre: 0, webtest.RoleCheckpoint: 0} {
			r := e.As(t, role, "GET", "/api/v1/staff?id_number="+id, webtest.Payload{})
			r.Decode(t, &list)
			if r.Status != 200 || len(list.Items) != want || (want == 1 && list.Items[0].IDNumber != pii.MaskID(id)) {
				t.Errorf("%s finds %d %s", role, r.Status, r.Body)
			}
		}

		reveal := fmt.Sprintf("/api/v1/staff/%d/reveal", p.ID)
		if r := e.As(t, webtest.RolePrevention, "POST", reveal, webtest.RawJSON(`{}`)); r.Status != 400 || r.Err(t).Error.Field != "reason" {
			t.Errorf("reveal without a reason: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RolePrevention, "POST", reveal, webtest.RawJSON(`{"reason":"流调：核实密切接触者"}`))
		var full staffJSON
		r.Decode(t, &full)
		if r.Status != 200 || full.IDNumber != id || full.Phone != "13812345678" || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal: %d %s", r.Status, r.Body)
		}
		entries, _, err := db.ListAudit(context.Background(), audit.Filter{Entity: "person", Action: "reveal", Page: 1, PerPage: 5})
		if err != nil || len(entries) != 1 || entries[0].Actor != "u-prevention" || !bytes.Contains(entries[0].After, []byte(pii.MaskID(id))) ||
			!bytes.Contains(entries[0].After, []byte("流调：核实密切接触者")) {
			t.Errorf("the reveal's audit: %+v %v", entries, err)
		}

		// A fever: the town sees the alert and closes it.
		temps := fmt.Sprintf("/api/v1/staff/%d/temperatures", p.ID)
		if r := e.As(t, webtest.RoleClerk, "POST", temps, webtest.RawJSON(`{"celsius":43.5}`)); r.Status != 400 || r.Err(t).Error.Field != "celsius" {
			t.Errorf("43.5 °C: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleClerk, "POST", temps, webtest.RawJSON(`{"celsius":36.5,"measured_at":"2999-01-01T08:00:00+08:00"}`)); r.Status != 400 || r.Err(t).Error.Field != "measured_at" {
			t.Errorf("a reading from the future: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RoleClerk, "POST", temps, webtest.RawJSON(`{"celsius":38.2}`))
		var reading struct {
			Alert *alertJSON `json:"alert"`
		}
		r.Decode(t, &reading)
		if r.Status != 201 || reading.Alert == nil {
			t.Fatalf("38.2 °C: %d %s", r.Status, r.Body)
		}
		var alerts struct {
			Items []alertJSON `json:"items"`
		}
		for role, want := range map[string]int{webtest.RoleTown: 1, webtest.RoleAdmin: 1, webtest.RoleCadre: 0, webtest.RoleCheckpoint: 0, webtest.RoleClerk: 1} {
			r := e.As(t, role, "GET", "/api/v1/alerts?kind=fever&status=open", webtest.Payload{})
			r.Decode(t, &alerts)
			if r.Status != 200 || len(alerts.Items) != want {
				t.Errorf("%s's open alerts: %d %s", role, r.Status, r.Body)
			}
		}
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/alerts?kind=fever&status=open", webtest.Payload{})
		r.Decode(t, &alerts)
		if a := alerts.Items[0]; a.Kind != "fever" || a.USCC != e.Ents["tangB"] || a.Town != webtest.TownTangxia || a.StaffID == nil ||
			*a.StaffID != p.ID || a.Celsius != 38.2 || a.ID != reading.Alert.ID {
			t.Errorf("the alert: %s", r.Body)
		}
		var counts map[string]any
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/health/summary?date="+today, webtest.Payload{})
		r.Decode(t, &counts)
		for k, want := range map[string]int{"quarantined": 1, "quarantine_ending": 0, "yellow": 0, "red": 0, "fever": 1, "family_held": 1} {
			if v, ok := counts[k].(float64); !ok || int(v) != want {
				t.Errorf("summary %s = %v, want %d: %s", k, counts[k], want, r.Body)
			}
		}
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/health/summary?date="+today+"&town="+webtest.TownXianjiang, webtest.Payload{})
		r.Decode(t, &counts)
		if counts["fever"] != 0.0 {
			t.Errorf("塘下镇 reads 仙降's fevers: %s", r.Body)
		}
		closeURL := fmt.Sprintf("/api/v1/alerts/%d/close", reading.Alert.ID)
		if r := e.As(t, webtest.RoleTown, "POST", closeURL, webtest.RawJSON(`{"note":""}`)); r.Status != 400 || r.Err(t).Error.Field != "note" {
			t.Errorf("closed without a note: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleTown, "POST", closeURL, webtest.RawJSON(`{"note":"已送发热门诊，复测 36.8"}`)); r.Status != 200 {
			t.Errorf("close: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleTown, "POST", closeURL, webtest.RawJSON(`{"note":"again"}`)); r.Status != 409 {
			t.Errorf("closed twice: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/alerts?kind=fever&status=open", webtest.Payload{})
		r.Decode(t, &alerts)
		if len(alerts.Items) != 0 {
			t.Errorf("still open: %s", r.Body)
		}

		// The sheet: a bad row names its row and field, nothing is stored;
		// skipping it stores the rest.
		csv := "姓名,身份证号码,联系电话,健康码,隔离开始日期\n李一," + newIDNumber() + ",13900000001,绿码,\n李二," + newIDNumber() + ",139,绿码,\n李三," + newIDNumber() + ",,黄,\n"
		imp := tangB + "/import"
		r = e.As(t, webtest.RoleClerk, "POST", imp, webtest.Upload(t, "花名册.csv", csv, nil))
		var bad webtest.APIError
		r.Decode(t, &bad)
		if r.Status != 400 || len(bad.Error.Rows) != 2 || bad.Error.Rows[0].Row != 3 || bad.Error.Rows[0].Field != "phone" ||
			bad.Error.Rows[1].Row != 4 || bad.Error.Rows[1].Field != "code_since" {
			t.Errorf("import with bad rows: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RoleClerk, "POST", imp+"?skip_bad=true", webtest.Upload(t, "花名册.csv", csv, nil))
		if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"created":1`)) {
			t.Errorf("import skipping bad rows: %d %s", r.Status, r.Body)
		}

		staff := fmt.Sprintf("/api/v1/staff/%d", p.ID)
		if r := e.As(t, webtest.RoleClerk, "PATCH", staff, webtest.RawJSON(`{"health_code":"red"}`)); r.Status != 400 || r.Err(t).Error.Field != "code_since" {
			t.Errorf("red without its day: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleClerk, "PATCH", staff, webtest.RawJSON(`{"health_code":"red","code_since":"`+today+`"}`)); r.Status != 200 {
			t.Errorf("PATCH: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleClerk, "DELETE", staff, webtest.Payload{}); r.Status != 204 {
			t.Errorf("DELETE: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleClerk, "GET", staff, webtest.Payload{}); r.Status != 404 {
			t.Errorf("GET after DELETE: %d", r.Status)
		}

		// Nothing the API wrote into the audit log holds the numbers whole.
		all, _, err := db.ListAudit(context.Background(), audit.Filter{Page: 1, PerPage: audit.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			for _, s := range []string{id, strings.ToLower(id), "13812345678", "13900000001"} {
				if bytes.Contains(a.Before, []byte(s)) || bytes.Contains(a.After, []byte(s)) {
					t.Errorf("audit row %d %s %s holds %s", a.ID, a.Action, a.Entity, s)
				}
			}
		}
	})
}
