package isolation

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"fugong"
	"fugong/checkpoint"
	"fugong/web"
)

// The API (M8, isolation points): points, their day's board, residents
// (masked in every answer but the reveal's), rounds, meals, releases and
// the occupancy of the points in scope.

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// pointInput is a point as the API takes it.
type pointInput struct {
	Name     string         `json:"name"`
	Town     string         `json:"town"`
	Address  string         `json:"address"`
	Rooms    int            `json:"rooms"`
	Capacity map[string]int `json:"capacity"`
}

func (m *module) apiAddPoint(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in pointInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := m.svc.AddPoint(r.Context(), a, checkpoint.Point{Name: in.Name, Town: in.Town, Address: in.Address,
		Rooms: in.Rooms, Capacity: in.Capacity})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (m *module) apiPoints(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.Points(r.Context(), a, checkpoint.PointFilter{Town: r.URL.Query().Get("town"),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

func (m *module) apiPoint(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	p, err := m.svc.Point(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *module) apiPatchPoint(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	var pt checkpoint.PointPatch
	if err := web.DecodeJSON(w, r, &pt); err != nil {
		return err
	}
	p, err := m.svc.UpdatePoint(r.Context(), a, id, pt)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *module) apiBoard(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	b, err := m.svc.Board(r.Context(), a, id, r.URL.Query().Get("date"))
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (m *module) apiResidents(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.Residents(r.Context(), a, checkpoint.ResidentFilter{Point: id, Day: r.URL.Query().Get("date"),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

// roomValue is a room as a client sends it: "3" or 3.
type roomValue string

func (v *roomValue) UnmarshalJSON(b []byte) error {
	if n := bytes.TrimSpace(b); len(n) > 0 && n[0] != '"' {
		var i json.Number
		if err := json.Unmarshal(n, &i); err != nil {
			return fugong.Errorf(fugong.EInvalid, "room", "房间号应为文字或数字")
		}
		*v = roomValue(i.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*v = roomValue(s)
	return nil
}

// residentInput is an admission as the API takes it; days 0 or left out
// is the prevention group's default (14).
type residentInput struct {
	Name       string    `json:"name"`
	IDNumber   string    `json:"id_number"`
	Phone      string    `json:"phone"`
	Origin     string    `json:"origin"`
	Room       roomValue `json:"room"`
	AdmittedOn string    `json:"admitted_on"`
	Days       int       `json:"days"`
}

func (m *module) apiAdmit(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	var in residentInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := m.svc.Admit(r.Context(), a, id, checkpoint.Resident{Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone,
		Origin: in.Origin, Room: string(in.Room), AdmittedOn: in.AdmittedOn, Days: in.Days})
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusCreated, res)
	return nil
}

func (m *module) apiMeals(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离点")
	if err != nil {
		return err
	}
	b, err := m.svc.Board(r.Context(), a, id, r.URL.Query().Get("date"))
	if err != nil {
		return err
	}
	items := make([]checkpoint.DayMeals, len(b.Residents))
	for i, d := range b.Residents {
		items[i] = d.Meals
	}
	web.WriteJSON(w, http.StatusOK, web.All(items))
	return nil
}

func (m *module) apiOccupancy(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	q := r.URL.Query()
	ov, err := m.svc.Occupancy(r.Context(), a, q.Get("town"), q.Get("date"))
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, ov)
	return nil
}

func (m *module) apiResident(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离人员")
	if err != nil {
		return err
	}
	res, err := m.svc.Resident(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}

// revealJSON is a resident's whole ID number and phone.
type revealJSON struct {
	ID       int64  `json:"id"`
	Point    int64  `json:"point"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}

func (m *module) apiReveal(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离人员")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := m.svc.Reveal(r.Context(), a, id, in.Reason)
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, revealJSON{ID: res.ID, Point: res.Point, Name: res.Name, IDNumber: res.IDNumber, Phone: res.Phone})
	return nil
}

// roundInput is a round's reading; date is today when left out.
type roundInput struct {
	Round   string   `json:"round"`
	Celsius *float64 `json:"celsius"`
	Date    string   `json:"date"`
}

// roundJSON is a stored reading: correction when it is a round's second
// version or later, and the fever alert it raised, if any.
type roundJSON struct {
	checkpoint.Reading
	Correction bool              `json:"correction"`
	Alert      *checkpoint.Alert `json:"alert"`
}

func (m *module) apiRound(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离人员")
	if err != nil {
		return err
	}
	var in roundInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Celsius == nil {
		// The resident is looked up first: out of scope stays 404.
		if _, err := m.svc.Resident(r.Context(), a, id); err != nil {
			return err
		}
		return fugong.Errorf(fugong.EInvalid, "celsius", "请填写体温")
	}
	t, al, err := m.svc.AddRound(r.Context(), a, id, checkpoint.Reading{Round: checkpoint.Round(in.Round), Celsius: *in.Celsius, Day: in.Date})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, roundJSON{Reading: t, Correction: t.Version > 1, Alert: al})
	return nil
}

// mealInput is a meal delivered; date is today when left out.
type mealInput struct {
	Kind string `json:"kind"`
	Date string `json:"date"`
}

func (m *module) apiMeal(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离人员")
	if err != nil {
		return err
	}
	var in mealInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	meal, err := m.svc.AddMeal(r.Context(), a, id, checkpoint.Meal{Kind: checkpoint.MealKind(in.Kind), Day: in.Date})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, meal)
	return nil
}

// releaseInput is a release; released_on is today when left out, and a
// release before the release date needs a release_note.
type releaseInput struct {
	ReleasedOn  string `json:"released_on"`
	ReleaseNote string `json:"release_note"`
}

func (m *module) apiRelease(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "隔离人员")
	if err != nil {
		return err
	}
	var in releaseInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := m.svc.Release(r.Context(), a, id, in.ReleasedOn, in.ReleaseNote)
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}
