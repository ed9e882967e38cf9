package isolation_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The contract the outside checks use, on both engines: a point, an
// admission with its release date, rounds with a correction kept as a
// version, a fever alert in GET /api/v1/alerts for the point's town only,
// and the bad input of the issue refused with the field named and nothing
// stored.
func TestIsolationContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, time.Date(2020, 2, 20, 13, 0, 0, 0, fugong.Location))
		town := webtest.RoleTown
		r := e.As(t, town, "POST", "/api/v1/isolation-points", webtest.RawJSON(`{"name":"塘下某酒店隔离点","town":"塘下镇","rooms":3}`))
		var p struct {
			ID    int64  `json:"id"`
			Town  string `json:"town"`
			Rooms int    `json:"rooms"`
		}
		if r.Status != 201 {
			t.Fatalf("point: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &p)
		if p.ID == 0 || p.Town != webtest.TownTangxia || p.Rooms != 3 {
			t.Fatalf("point: %s", r.Body)
		}
		residents := fmt.Sprintf("/api/v1/isolation-points/%d/residents", p.ID)
		zhang := newIDNumber()
		r = e.As(t, town, "POST", residents, webtest.JSON(map[string]any{"name": "张三", "id_number": zhang, "phone": "13812345678",
			"room": "1", "admitted_on": "2020-02-10", "days": 14}))
		var res struct {
			ID        int64  `json:"id"`
			Room      string `json:"room"`
			IDNumber  string `json:"id_number"`
			Phone     string `json:"phone"`
			ReleaseOn string `json:"release_on"`
		}
		if r.Status != 201 {
			t.Fatalf("admit: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &res)
		if res.ReleaseOn != "2020-02-24" || res.Room != "1" || strings.Contains(string(r.Body), zhang) || res.Phone != "138****5678" {
			t.Errorf("admitted: %s", r.Body)
		}
		// A number for a room, and the default 14 days.
		r = e.As(t, town, "POST", residents, webtest.JSON(map[string]any{"name": "王五", "id_number": newIDNumber(), "room": 2,
			"admitted_on": "2020-02-12"}))
		var wang struct {
			ID        int64  `json:"id"`
			ReleaseOn string `json:"release_on"`
		}
		r.Decode(t, &wang)
		if r.Status != 201 || wang.ReleaseOn != "2020-02-26" {
			t.Fatalf("admit with room 2: %d %s", r.Status, r.Body)
		}
		count := func() int {
			var l struct {
				Total int `json:"total"`
			}
			e.As(t, town, "GET", residents, webtest.Payload{}).Decode(t, &l)
			return l.Total
		}
		// A full room and the same person twice: refused, naming the field, nothing stored.
		for _, c := range []struct {
			name, field string
			status      int
			body        map[string]any
		}{
			{"a full room", "room", 400, map[string]any{"name": "李四", "id_number": newIDNumber(), "room": "1", "admitted_on": "2020-02-19"}},
			{"no such room", "room", 400, map[string]any{"name": "李四", "id_number": newIDNumber(), "room": "4", "admitted_on": "2020-02-19"}},
			{"the same person", "id_number", 409, map[string]any{"name": "张三", "id_number": zhang, "room": "3", "admitted_on": "2020-02-19"}},
			{"a bad ID number", "id_number", 400, map[string]any{"name": "赵六", "id_number": "330381198001011234", "room": "3", "admitted_on": "2020-02-19"}},
			{"a day to come", "admitted_on", 400, map[string]any{"name": "赵六", "id_number": newIDNumber(), "room": "3", "admitted_on": "2020-02-21"}},
		} {
			r := e.As(t, town, "POST", residents, webtest.JSON(c.body))
			if r.Status != c.status || r.Err(t).Error.Field != c.field {
				t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			}
		}
		if n := count(); n != 2 {
			t.Errorf("%d residents after the refusals, want 2", n)
		}
		rounds := fmt.Sprintf("/api/v1/residents/%d/rounds", res.ID)
		var reading struct {
			Version    int     `json:"version"`
			Correction bool    `json:"correction"`
			Celsius    float64 `json:"celsius"`
			Alert      *struct {
				Kind string `json:"kind"`
			} `json:"alert"`
		}
		r = e.As(t, town, "POST", rounds, webtest.RawJSON(`{"round":"morning","celsius":36.5,"date":"2020-02-20"}`))
		r.Decode(t, &reading)
		if r.Status != 201 || reading.Version != 1 || reading.Correction || reading.Alert != nil {
			t.Fatalf("first round: %d %s", r.Status, r.Body)
		}
		r = e.As(t, town, "POST", rounds, webtest.RawJSON(`{"round":"morning","celsius":36.9,"date":"2020-02-20"}`))
		r.Decode(t, &reading)
		if r.Status != 201 || reading.Version != 2 || !reading.Correction {
			t.Fatalf("a second morning round: %d %s", r.Status, r.Body)
		}
		for _, c := range []string{`{"round":"morning","celsius":33.9}`, `{"round":"afternoon","celsius":43.1}`} {
			if r := e.As(t, town, "POST", rounds, webtest.RawJSON(c)); r.Status != 400 || r.Err(t).Error.Field != "celsius" {
				t.Errorf("%s: %d %s", c, r.Status, r.Body)
			}
		}
		if r := e.As(t, town, "POST", rounds, webtest.RawJSON(`{"round":"evening","celsius":36.5}`)); r.Status != 400 || r.Err(t).Error.Field != "round" {
			t.Errorf("an evening round: %d %s", r.Status, r.Body)
		}
		// The board: one morning round (the correction), its two versions,
		// 王五's morning round missing at 13:00, nothing of the refused readings.
		var board struct {
			Residents []struct {
				Resident struct {
					ID int64 `json:"id"`
				} `json:"resident"`
				Morning *struct {
					Celsius float64 `json:"celsius"`
					Version int     `json:"version"`
				} `json:"morning"`
				Afternoon *struct{} `json:"afternoon"`
				Versions  map[string][]struct {
					Celsius float64 `json:"celsius"`
				} `json:"versions"`
				Missing []string `json:"missing"`
			} `json:"residents"`
			Missing []struct {
				Resident int64  `json:"resident"`
				Round    string `json:"round"`
			} `json:"missing"`
		}
		e.As(t, town, "GET", fmt.Sprintf("/api/v1/isolation-points/%d/board", p.ID), webtest.Payload{}).Decode(t, &board)
		if len(board.Residents) != 2 {
			t.Fatalf("board: %+v", board)
		}
		z := board.Residents[0]
		if z.Morning == nil || z.Morning.Celsius != 36.9 || z.Morning.Version != 2 || len(z.Versions["morning"]) != 2 ||
			z.Afternoon != nil || len(z.Versions["afternoon"]) != 0 {
			t.Errorf("张三's rounds: %+v", z)
		}
		if len(board.Missing) != 1 || board.Missing[0].Resident != wang.ID || board.Missing[0].Round != "morning" {
			t.Errorf("missing rounds: %+v", board.Missing)
		}
		// A fever: kind fever, for 塘下 and not for 仙降.
		r = e.As(t, town, "POST", fmt.Sprintf("/api/v1/residents/%d/rounds", wang.ID), webtest.RawJSON(`{"round":"afternoon","celsius":37.3}`))
		r.Decode(t, &reading)
		if r.Status != 201 || reading.Alert == nil || reading.Alert.Kind != "fever" {
			t.Fatalf("fever: %d %s", r.Status, r.Body)
		}
		var alerts struct {
			Items []struct {
				Kind      string `json:"kind"`
				Town      string `json:"town"`
				Reference string `json:"reference"`
				Name      string `json:"name"`
			} `json:"items"`
			Total int `json:"total"`
		}
		e.As(t, town, "GET", "/api/v1/alerts?kind=fever", webtest.Payload{}).Decode(t, &alerts)
		if alerts.Total != 1 || alerts.Items[0].Town != webtest.TownTangxia || alerts.Items[0].Name != "王五" ||
			alerts.Items[0].Reference != fmt.Sprintf("resident:%d", wang.ID) {
			t.Errorf("塘下's alerts: %+v", alerts)
		}
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/alerts?kind=fever&town="+webtest.TownXianjiang, webtest.Payload{}).Decode(t, &alerts)
		if alerts.Total != 0 {
			t.Errorf("仙降's alerts: %+v", alerts)
		}
		// Meals and a release, then the occupancy.
		meals := fmt.Sprintf("/api/v1/residents/%d/meals", res.ID)
		if r := e.As(t, town, "POST", meals, webtest.RawJSON(`{"kind":"lunch"}`)); r.Status != 201 {
			t.Errorf("lunch: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, town, "POST", meals, webtest.RawJSON(`{"kind":"lunch"}`)); r.Status != 409 || r.Err(t).Error.Field != "kind" {
			t.Errorf("a second lunch: %d %s", r.Status, r.Body)
		}
		release := fmt.Sprintf("/api/v1/residents/%d/release", res.ID)
		if r := e.As(t, town, "POST", release, webtest.RawJSON(`{}`)); r.Status != 400 || r.Err(t).Error.Field != "release_note" {
			t.Errorf("an early release without a reason: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, town, "POST", release, webtest.RawJSON(`{"release_note":"转定点医院"}`)); r.Status != 200 {
			t.Errorf("release: %d %s", r.Status, r.Body)
		}
		var ov struct {
			Towns []struct {
				Town     string `json:"town"`
				Beds     int    `json:"beds"`
				Occupied int    `json:"occupied"`
				Released int    `json:"released"`
			} `json:"towns"`
		}
		e.As(t, webtest.RoleBureauStat, "GET", "/api/v1/isolation-occupancy", webtest.Payload{}).Decode(t, &ov)
		if len(ov.Towns) != 1 || ov.Towns[0].Beds != 3 || ov.Towns[0].Occupied != 1 || ov.Towns[0].Released != 1 {
			t.Errorf("occupancy: %+v", ov)
		}
	})
}

// submit posts a form of page from as the browser does (its CSRF token)
// and follows the redirect of a success: the page shown, and where.
func submit(t *testing.T, b *webtest.Browser, from, to string, v url.Values) (webtest.Resp, string) {
	t.Helper()
	v.Set("csrf", webtest.CSRFOf(t, b.Get(t, from).Body))
	r := b.PostForm(t, to, v)
	if r.Status != http.StatusSeeOther {
		return r, ""
	}
	loc := r.Header.Get("Location")
	return b.Get(t, loc), loc
}

// The pages on a phone: the rooms grid, a missing round flagged, a round
// recorded by form, a refused admission shown with its error beside the
// field and the ID number never whole in the page.
func TestIsolationPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, time.Date(2020, 2, 20, 19, 0, 0, 0, fugong.Location))
		b := e.BrowserLogin(t, webtest.RoleTown)
		r, loc := submit(t, b, "/isolation", "/isolation/points", url.Values{"name": {"塘下某宾馆"}, "town": {webtest.TownTangxia}, "rooms": {"4"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), "隔离点已设立") {
			t.Fatalf("new point: %d %.500s", r.Status, r.Body)
		}
		page := strings.SplitN(loc, "?", 2)[0]
		zhang := newIDNumber()
		r, _ = submit(t, b, page, page+"/residents", url.Values{"name": {"张三"}, "id_number": {zhang},
			"phone": {"13812345678"}, "room": {"２"}, "admitted_on": {"2020-02-06"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), "已入住：张三（2 号房") {
			t.Fatalf("admit: %d %.800s", r.Status, r.Body)
		}
		body := string(r.Body)
		for _, want := range []string{`class="full"`, `class="free"`, "上午漏测", "下午漏测", "missing-count"} {
			if !strings.Contains(body, want) {
				t.Errorf("the point's page lacks %s", want)
			}
		}
		if strings.Contains(body, zhang) || strings.Contains(body, "13812345678") {
			t.Errorf("the page shows the ID number or phone whole")
		}
		// A second resident in room 2: refused, the form kept, the error by the field.
		r, _ = submit(t, b, page, page+"/residents", url.Values{"name": {"李四"}, "id_number": {newIDNumber()},
			"room": {"2"}, "admitted_on": {"2020-02-20"}})
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `data-field="room"`) ||
			!strings.Contains(string(r.Body), "已住满") || !strings.Contains(string(r.Body), `value="李四"`) {
			t.Errorf("a full room: %d %.2000s", r.Status, r.Body)
		}
		// The morning round by form; a reading out of range is refused beside the resident.
		var id string
		if i := strings.Index(body, `id="resident-`); i >= 0 {
			id = strings.SplitN(body[i+len(`id="resident-`):], `"`, 2)[0]
		}
		r, _ = submit(t, b, page, "/isolation/residents/"+id+"/rounds", url.Values{"round": {"morning"}, "celsius": {"36.6"}, "date": {"2020-02-20"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), "体温已登记：36.6") || strings.Contains(string(r.Body), "上午漏测") {
			t.Errorf("a round: %d %.1500s", r.Status, r.Body)
		}
		r, _ = submit(t, b, page, "/isolation/residents/"+id+"/rounds", url.Values{"round": {"afternoon"}, "celsius": {"45"}, "date": {"2020-02-20"}})
		if r.Status != 400 || !strings.Contains(string(r.Body), `data-field="celsius"`) {
			t.Errorf("45 ℃: %d %.1500s", r.Status, r.Body)
		}
		r, _ = submit(t, b, page, "/isolation/residents/"+id+"/meals", url.Values{"kind": {"dinner"}, "date": {"2020-02-20"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), "已登记送餐") || !strings.Contains(string(r.Body), "晚✓") {
			t.Errorf("dinner: %d %.1500s", r.Status, r.Body)
		}
		// The town sees the whole number for a reason, and only then.
		r, _ = submit(t, b, page, "/isolation/residents/"+id+"/reveal", url.Values{"reason": {}})
		if r.Status != 400 || !strings.Contains(string(r.Body), `data-field="reason"`) || strings.Contains(string(r.Body), zhang) {
			t.Errorf("a reveal without a reason: %d %.1500s", r.Status, r.Body)
		}
		r, _ = submit(t, b, page, "/isolation/residents/"+id+"/reveal", url.Values{"reason": {"流调核实"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), `<b class="mono" id="id-full">`+zhang+`</b>`) {
			t.Errorf("a reveal: %d %.1500s", r.Status, r.Body)
		}
		r = b.Get(t, "/isolation")
		if !strings.Contains(string(r.Body), `<a href="`+page+`">塘下某宾馆</a>`) {
			t.Errorf("the releases due lack 张三 at 塘下某宾馆: %.3000s", r.Body)
		}
		if r.Status != 200 || !strings.Contains(string(r.Body), "塘下某宾馆") || !strings.Contains(string(r.Body), "iso-towns") ||
			!strings.Contains(string(r.Body), `id="releases-due"`) {
			t.Errorf("the overview: %d %.1500s", r.Status, r.Body)
		}
	})
}
