package checkpoint_test

import (
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The pages: the poster, the staff's phone page (find, confirm, a fever),
// registering for a traveller without a phone, the roster with its gaps.

func get(t *testing.T, e *webtest.Env, role, path string) webtest.Resp {
	t.Helper()
	return e.As(t, role, "GET", path, webtest.Payload{})
}

func post(t *testing.T, e *webtest.Env, role, path string, v url.Values) webtest.Resp {
	t.Helper()
	return e.As(t, role, "POST", path, webtest.Form(v))
}

func TestPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		f := fx(e)
		xian := "/checkpoints/" + id(f.xian.ID)

		r := get(t, e, webtest.RoleCheckpoint, xian+"/poster")
		webtest.Contains(t, "poster", r, f.xian.Name, "<svg", "过往人员请扫码登记", "登记号")
		if strings.Contains(string(r.Body), "<?xml") {
			t.Error("the poster's SVG keeps its XML declaration")
		}

		// The list for the town and the bureau: the day's counts.
		r = get(t, e, webtest.RoleAdmin, "/checkpoints")
		webtest.Contains(t, "posts", r, f.xian.Name, f.tang.Name, `id="total-in">2<`)

		// The desk: the pending registration, masked; found by ID card
		// (posted) and by number; a bad number says so.
		r = get(t, e, webtest.RoleCheckpoint, xian+"/desk")
		webtest.Contains(t, "desk", r, f.xianReg.Number, "330381********1230")
		if strings.Contains(string(r.Body), idA) || strings.Contains(string(r.Body), "13812345678") {
			t.Error("the desk shows a whole ID number or phone")
		}
		r = post(t, e, webtest.RoleCheckpoint, xian+"/find", url.Values{"id_number": {idA}})
		webtest.Contains(t, "find by ID", r, `id="reg-`+f.xianReg.Number+`"`)
		r = post(t, e, webtest.RoleCheckpoint, xian+"/find", url.Values{"id_number": {"12345"}})
		if r.Status != 400 {
			t.Errorf("find by a bad ID: %d", r.Status)
		}
		webtest.Contains(t, "find by a bad ID", r, `data-field="id_number"`)
		r = get(t, e, webtest.RoleCheckpoint, xian+"/desk?number=ZZZ")
		webtest.Contains(t, "bad number", r, `data-field="number"`)

		// A fever: confirmed, the alert said on the page.
		r = post(t, e, webtest.RoleCheckpoint, "/registrations/"+id(f.xianReg.ID)+"/confirm", url.Values{"celsius": {"38.0"}})
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "fever=1") {
			t.Fatalf("confirm 38.0: %d %s", r.Status, r.Header.Get("Location"))
		}
		webtest.Contains(t, "after the fever", get(t, e, webtest.RoleCheckpoint, r.Header.Get("Location")), "已确认", "发热预警")
		r = post(t, e, webtest.RoleCheckpoint, "/registrations/"+id(f.xianReg.ID)+"/confirm", url.Values{"celsius": {"36.5"}})
		if r.Status != 409 {
			t.Errorf("confirmed twice: %d", r.Status)
		}

		// Registering for a traveller: a bad ID number beside its field.
		v := travellerForm()
		v.Set("id_number", "330381199001011231")
		r = post(t, e, webtest.RoleCheckpoint, xian+"/register", v)
		if r.Status != 400 {
			t.Fatalf("a bad ID: %d", r.Status)
		}
		webtest.Contains(t, "staff form", r, `data-field="id_number"`, `value="张三"`, `value="温州市鹿城区"`)
		r = post(t, e, webtest.RoleCheckpoint, xian+"/register", travellerForm())
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "registered=") {
			t.Errorf("staff registration: %d %s", r.Status, r.Header.Get("Location"))
		}

		// The roster: a day without shifts is flagged; a day covered is not.
		from := "2020-02-17"
		for _, s := range []url.Values{
			{"day": {"2020-02-17"}, "start": {"00:00"}, "end": {"12:00"}, "people": {"王五、赵六"}},
			{"day": {"2020-02-17"}, "start": {"12:00"}, "end": {"24:00"}, "people": {"钱七"}},
		} {
			if r := post(t, e, webtest.RoleAdmin, xian+"/shifts", s); r.Status != 303 {
				t.Fatalf("add shift: %d %s", r.Status, r.Body)
			}
		}
		r = get(t, e, webtest.RoleCheckpoint, xian+"/roster?from="+from)
		webtest.Contains(t, "roster", r, "王五、赵六", "钱七", "全天覆盖", "缺岗 00:00–24:00", `id="gaps"`, "本周有 6 天")
		r = post(t, e, webtest.RoleAdmin, xian+"/shifts", url.Values{"day": {"2020-02-18"}, "start": {"25:00"}, "end": {"08:00"}, "people": {"x"}})
		if r.Status != 400 {
			t.Errorf("a shift at 25:00: %d", r.Status)
		}
		webtest.Contains(t, "bad shift", r, `data-field="start"`)
	})
}
