package isolation

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/registry"
	"fugong/web"
)

// The pages: the town's and bureau's overview (occupancy and releases
// due, a new point), and a point's day on a phone: its rooms, its
// residents with the day's rounds (a missing one flagged), meals, a new
// resident, releases.

func pointPath(id int64) string { return "/isolation/points/" + url.PathEscape(itoa(id)) }

// merge adds a refused post's problems to those the form found itself.
func merge(bad map[string]string, err error) (map[string]string, string, int, error) {
	f, err := web.FormError(err)
	if err != nil {
		return nil, "", 0, err
	}
	if bad == nil {
		bad = map[string]string{}
	}
	for k, v := range f.Fields {
		if _, seen := bad[k]; !seen {
			bad[k] = v
		}
	}
	return bad, f.Message, f.Status, nil
}

// formInt reads a whole number of a form: ok false when it is not one;
// empty is 0.
func formInt(r *http.Request, name string) (int, bool) {
	s := web.HalfWidth(strings.TrimSpace(r.PostFormValue(name)))
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// ---- The overview ------------------------------------------------------------

type pointForm struct {
	Name, Town, Address, Rooms string
}

type overviewView struct {
	web.Base
	Ov        checkpoint.Overview
	Today     string
	Town      string
	Towns     []registry.Town
	CanManage bool
	Form      pointForm
	Errors    map[string]string
	Message   string
	// PointNames name the points of the releases due.
	PointNames map[int64]string
}

func (m *module) overview(r *http.Request, ss *web.Session) (overviewView, error) {
	a := ss.Actor()
	q := r.URL.Query()
	ov, err := m.svc.Occupancy(r.Context(), a, q.Get("town"), q.Get("date"))
	if err != nil {
		return overviewView{}, err
	}
	v := overviewView{Base: ss.Base("隔离点", "/isolation"), Ov: ov, Today: m.svc.Today(), Town: q.Get("town"),
		Towns: web.TownsFor(a), CanManage: checkpoint.CanManage(a), Errors: map[string]string{}, PointNames: map[int64]string{}}
	for _, o := range ov.Points {
		v.PointNames[o.Point] = o.Name
	}
	if a.Role == fugong.RoleTown {
		v.Form.Town = a.Town
	}
	return v, nil
}

func (m *module) overviewPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	v, err := m.overview(r, ss)
	if err != nil {
		return err
	}
	web.NoStore(w)
	ss.Render(w, r, http.StatusOK, "isolation", v)
	return nil
}

func (m *module) pointCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	f := pointForm{Name: r.PostFormValue("name"), Town: r.PostFormValue("town"), Address: r.PostFormValue("address"),
		Rooms: r.PostFormValue("rooms")}
	bad := map[string]string{}
	rooms, ok := formInt(r, "rooms")
	if !ok {
		bad["rooms"] = "房间数应为整数，如 30"
	}
	status, msg := http.StatusBadRequest, ""
	if len(bad) == 0 {
		p, err := m.svc.AddPoint(r.Context(), ss.Actor(), checkpoint.Point{Name: f.Name, Town: f.Town, Address: f.Address, Rooms: rooms})
		if err == nil {
			return web.SeeOther(w, r, pointPath(p.ID)+"?created=1")
		}
		if bad, msg, status, err = merge(bad, err); err != nil {
			return err
		}
	} else if !checkpoint.CanManage(ss.Actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "只有所在乡镇街道、联防联控组和系统管理员可以设立隔离点")
	}
	v, err := m.overview(r, ss)
	if err != nil {
		return err
	}
	v.Form, v.Errors, v.Message = f, bad, msg
	ss.Render(w, r, status, "isolation", v)
	return nil
}

// ---- A point's day -------------------------------------------------------------

type admitForm struct {
	Name, IDNumber, Phone, Origin, Room, AdmittedOn, Days string
}

type boardView struct {
	web.Base
	B         checkpoint.Board
	Today     string
	IsToday   bool
	CanWork   bool
	CanManage bool
	CanReveal bool
	// Revealed is a resident's whole ID number and phone, just audited.
	Revealed  *checkpoint.Resident
	Threshold float64
	Default   int
	OK        string
	Admit     admitForm
	AdmitOpen bool
	// For is the resident whose form was refused, Form which of theirs
	// (round, meal, release), Errors its problems.
	For     int64
	Form    string
	Errors  map[string]string
	Message string
	Values  map[string]string
}

func (m *module) board(ctx context.Context, ss *web.Session, id int64, day string) (boardView, error) {
	a := ss.Actor()
	b, err := m.svc.Board(ctx, a, id, day)
	if err != nil {
		return boardView{}, err
	}
	set := people.Defaults
	if m.svc.People != nil {
		if set, err = m.svc.People.Settings(ctx); err != nil {
			return boardView{}, err
		}
	}
	today := m.svc.Today()
	return boardView{Base: ss.Base(b.Point.Name+" · 隔离点", "/isolation"), B: b, Today: today, IsToday: b.Day == today,
		CanWork: checkpoint.CanWorkPoint(a, checkpoint.Assignment{}, b.Point), CanManage: checkpoint.CanManage(a),
		CanReveal: checkpoint.CanViewFull(a),
		Threshold: set.FeverThreshold, Default: set.QuarantineDays, Errors: map[string]string{}, Values: map[string]string{},
		Admit: admitForm{AdmittedOn: today}}, nil
}

func (m *module) boardPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v, err := m.board(r.Context(), ss, id, q.Get("date"))
	if err != nil {
		return err
	}
	switch {
	case q.Get("created") == "1":
		v.OK = "隔离点已设立。"
	case q.Get("admitted") != "":
		v.OK = "已入住：" + q.Get("admitted") + "。"
	case q.Get("round") != "":
		v.OK = "体温已登记：" + q.Get("round") + " ℃。"
		if q.Get("correction") == "1" {
			v.OK += "（已更正同一轮次，原记录保留）"
		}
		if q.Get("fever") == "1" {
			v.OK += "已达到发热预警体温，已向所在乡镇街道发出发热预警。"
		}
	case q.Get("meal") != "":
		v.OK = "已登记送餐。"
	case q.Get("released") != "":
		v.OK = "已解除隔离：" + q.Get("released") + "。"
	case q.Get("capacity") == "1":
		v.OK = "房间容纳人数已保存。"
	}
	web.NoStore(w)
	ss.Render(w, r, http.StatusOK, "isolation_point", v)
	return nil
}

// refused shows a point's page again with a refused form's problems.
func (m *module) refused(w http.ResponseWriter, r *http.Request, ss *web.Session, point int64, day string, status int,
	fill func(v *boardView)) error {
	v, err := m.board(r.Context(), ss, point, day)
	if err != nil {
		return err
	}
	fill(&v)
	web.NoStore(w)
	ss.Render(w, r, status, "isolation_point", v)
	return nil
}

func (m *module) admitPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	f := admitForm{Name: r.PostFormValue("name"), IDNumber: r.PostFormValue("id_number"), Phone: r.PostFormValue("phone"),
		Origin: r.PostFormValue("origin"), Room: r.PostFormValue("room"), AdmittedOn: r.PostFormValue("admitted_on"),
		Days: r.PostFormValue("days")}
	bad := map[string]string{}
	days, ok := formInt(r, "days")
	if !ok {
		bad["days"] = "隔离天数应为整数，如 14"
	}
	status, msg := http.StatusBadRequest, ""
	if len(bad) == 0 {
		res, err := m.svc.Admit(r.Context(), ss.Actor(), id, checkpoint.Resident{Name: f.Name, IDNumber: web.HalfWidth(f.IDNumber),
			Phone: web.HalfWidth(f.Phone), Origin: f.Origin, Room: web.HalfWidth(f.Room), AdmittedOn: f.AdmittedOn, Days: days})
		if err == nil {
			return web.SeeOther(w, r, pointPath(id)+"?"+url.Values{"admitted": {res.Name + "（" + res.Room + " 号房，" +
				res.ReleaseOn + " 解除）"}}.Encode())
		}
		if bad, msg, status, err = merge(bad, err); err != nil {
			return err
		}
	}
	return m.refused(w, r, ss, id, "", status, func(v *boardView) {
		v.Admit, v.AdmitOpen, v.Errors, v.Message, v.Form = f, true, bad, msg, "admit"
	})
}

func (m *module) capacityPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := m.svc.Point(ctx, ss.Actor(), id)
	if err != nil {
		return err
	}
	bad := map[string]string{}
	room := web.HalfWidth(strings.TrimSpace(r.PostFormValue("room")))
	n, ok := formInt(r, "capacity")
	if !ok || n == 0 {
		bad["capacity"] = "房间容纳人数应为 1–6 的整数"
	}
	status, msg := http.StatusBadRequest, ""
	if len(bad) == 0 {
		caps := maps.Clone(p.Capacity)
		if caps == nil {
			caps = map[string]int{}
		}
		caps[room] = n
		_, err := m.svc.UpdatePoint(ctx, ss.Actor(), id, checkpoint.PointPatch{Capacity: &caps})
		if err == nil {
			return web.SeeOther(w, r, pointPath(id)+"?capacity=1")
		}
		if bad, msg, status, err = merge(bad, err); err != nil {
			return err
		}
	}
	return m.refused(w, r, ss, id, "", status, func(v *boardView) {
		v.Form, v.Errors, v.Message = "capacity", bad, msg
		v.Values["room"], v.Values["capacity"] = room, r.PostFormValue("capacity")
	})
}

// residentPost runs a form of a resident's on their point's page: do
// stores it and says where to go; refused, the page shows again with the
// form's problems beside the resident.
func (m *module) residentPost(w http.ResponseWriter, r *http.Request, ss *web.Session, form string,
	do func(res checkpoint.Resident) (string, error)) error {
	id, err := web.PathID(r, "隔离人员")
	if err != nil {
		return err
	}
	res, err := m.svc.Resident(r.Context(), ss.Actor(), id)
	if err != nil {
		return err
	}
	day := strings.TrimSpace(r.PostFormValue("date"))
	next, err := do(res)
	if err == nil {
		return web.SeeOther(w, r, next)
	}
	bad, msg, status, err := merge(nil, err)
	if err != nil {
		return err
	}
	if day == m.svc.Today() || people.AddDays(day, 0) != day || day > m.svc.Today() {
		day = ""
	}
	return m.refused(w, r, ss, res.Point, day, status, func(v *boardView) {
		v.For, v.Form, v.Errors, v.Message = id, form, bad, msg
		for _, k := range []string{"round", "celsius", "kind", "released_on", "release_note"} {
			v.Values[k] = r.PostFormValue(k)
		}
	})
}

// dayQuery keeps the day a form was posted for in the page it goes back to.
func (m *module) dayQuery(r *http.Request, q url.Values) string {
	if d := strings.TrimSpace(r.PostFormValue("date")); d != "" && d != m.svc.Today() {
		q.Set("date", d)
	}
	return q.Encode()
}

func (m *module) roundPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.residentPost(w, r, ss, "round", func(res checkpoint.Resident) (string, error) {
		c, err := strconv.ParseFloat(web.HalfWidth(strings.TrimSpace(r.PostFormValue("celsius"))), 64)
		if err != nil {
			return "", fugong.Errorf(fugong.EInvalid, "celsius", "请填写体温，如 36.5")
		}
		t, al, err := m.svc.AddRound(r.Context(), ss.Actor(), res.ID, checkpoint.Reading{Round: checkpoint.Round(r.PostFormValue("round")),
			Celsius: c, Day: r.PostFormValue("date")})
		if err != nil {
			return "", err
		}
		q := url.Values{"round": {strconv.FormatFloat(t.Celsius, 'f', 1, 64)}}
		if t.Version > 1 {
			q.Set("correction", "1")
		}
		if al != nil {
			q.Set("fever", "1")
		}
		return pointPath(res.Point) + "?" + m.dayQuery(r, q) + "#resident-" + itoa(res.ID), nil
	})
}

func (m *module) mealPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.residentPost(w, r, ss, "meal", func(res checkpoint.Resident) (string, error) {
		_, err := m.svc.AddMeal(r.Context(), ss.Actor(), res.ID, checkpoint.Meal{Kind: checkpoint.MealKind(r.PostFormValue("kind")),
			Day: r.PostFormValue("date")})
		if err != nil {
			return "", err
		}
		return pointPath(res.Point) + "?" + m.dayQuery(r, url.Values{"meal": {"1"}}) + "#resident-" + itoa(res.ID), nil
	})
}

func (m *module) releasePost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.residentPost(w, r, ss, "release", func(res checkpoint.Resident) (string, error) {
		got, err := m.svc.Release(r.Context(), ss.Actor(), res.ID, r.PostFormValue("released_on"), r.PostFormValue("release_note"))
		if err != nil {
			return "", err
		}
		return pointPath(res.Point) + "?" + url.Values{"released": {got.Name}}.Encode(), nil
	})
}

// revealPost shows a resident's whole ID number and phone on their point's
// page, for a reason, audited; never in a URL, so no redirect.
func (m *module) revealPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "隔离人员")
	if err != nil {
		return err
	}
	full, err := m.svc.Reveal(r.Context(), ss.Actor(), id, r.PostFormValue("reason"))
	if err == nil {
		return m.refused(w, r, ss, full.Point, "", http.StatusOK, func(v *boardView) { v.Revealed = &full })
	}
	bad, msg, status, ferr := merge(nil, err)
	if ferr != nil {
		return ferr
	}
	res, err := m.svc.Resident(r.Context(), ss.Actor(), id)
	if err != nil {
		return err
	}
	return m.refused(w, r, ss, res.Point, "", status, func(v *boardView) {
		v.For, v.Form, v.Errors, v.Message = id, "reveal", bad, msg
	})
}
