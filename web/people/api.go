package people

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/people"
	"fugong/sheet"
	"fugong/web"
)

// The API (M7): an enterprise's roster, a person, their readings and the
// reveal; look-up by whole ID number; the alerts; the day's counts and
// lists; the settings. ID numbers and phones are masked in every answer
// but the reveal's.

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// staffInput is a person as the API takes them. on_post defaults to true.
type staffInput struct {
	Name             string            `json:"name"`
	IDNumber         string            `json:"id_number"`
	Phone            string            `json:"phone"`
	Origin           string            `json:"origin"`
	Hubei            bool              `json:"hubei"`
	ReturnedOn       string            `json:"returned_on"`
	QuarantineStart  string            `json:"quarantine_start"`
	QuarantineDays   int               `json:"quarantine_days"`
	QuarantineEnd    string            `json:"quarantine_end"`
	HealthCode       people.HealthCode `json:"health_code"`
	CodeSince        string            `json:"code_since"`
	CodeHeldByFamily bool              `json:"code_held_by_family"`
	OnPost           *bool             `json:"on_post"`
}

func (in staffInput) person() people.Person {
	p := people.Person{Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone, Origin: in.Origin, Hubei: in.Hubei,
		ReturnedOn: in.ReturnedOn, QuarantineStart: in.QuarantineStart, QuarantineDays: in.QuarantineDays,
		QuarantineEnd: in.QuarantineEnd, HealthCode: in.HealthCode, CodeSince: in.CodeSince,
		CodeHeldByFamily: in.CodeHeldByFamily, OnPost: true}
	if in.OnPost != nil {
		p.OnPost = *in.OnPost
	}
	return p
}

func (m *module) apiRoster(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.Roster(r.Context(), a, r.PathValue("uscc"), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

func (m *module) apiAddStaff(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in staffInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := m.svc.Add(r.Context(), a, r.PathValue("uscc"), in.person())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

// importStaff reads an uploaded roster sheet and adds it to the roster,
// all or nothing unless skip_bad=true. Who may not import to the firm is
// refused before the file is read; the file is read in one of the
// server's import slots (429 when all are taken).
func (m *module) importStaff(w http.ResponseWriter, r *http.Request, a fugong.Actor) (people.ImportResult, error) {
	if _, err := m.importable(r.Context(), a, r.PathValue("uscc")); err != nil {
		return people.ImportResult{}, err
	}
	file, name, err := web.ReadUpload(r)
	if err != nil {
		return people.ImportResult{}, err
	}
	defer file.Close()
	release, err := web.ImportSlot(w, r)
	if err != nil {
		return people.ImportResult{}, err
	}
	defer release()
	rows, err := sheet.ReadPeople(file, name)
	if err != nil {
		return people.ImportResult{}, web.FileError(r, err)
	}
	skipBad := r.FormValue("skip_bad") == "true" || r.URL.Query().Get("skip_bad") == "true"
	return m.svc.Import(r.Context(), a, r.PathValue("uscc"), rows, skipBad)
}

func (m *module) apiImportStaff(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	res, err := m.importStaff(w, r, a)
	return web.AnswerImport(w, res, err)
}

// apiFindStaff looks a whole ID number up: the records in the caller's
// scope, masked.
func (m *module) apiFindStaff(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id := r.URL.Query().Get("id_number")
	if strings.TrimSpace(id) == "" {
		return fugong.Errorf(fugong.EInvalid, "id_number", "请填写要查找的身份证号码")
	}
	items, err := m.svc.Find(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, web.All(items))
	return nil
}

func (m *module) apiGetStaff(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "人员")
	if err != nil {
		return err
	}
	p, err := m.svc.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *module) apiPatchStaff(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "人员")
	if err != nil {
		return err
	}
	var pt people.Patch
	if err := web.DecodeJSON(w, r, &pt); err != nil {
		return err
	}
	p, err := m.svc.Update(r.Context(), a, id, pt)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *module) apiDeleteStaff(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "人员")
	if err != nil {
		return err
	}
	if err := m.svc.Delete(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// revealJSON is a person's whole ID number and phone.
type revealJSON struct {
	ID         int64  `json:"id"`
	Enterprise string `json:"enterprise"`
	Name       string `json:"name"`
	IDNumber   string `json:"id_number"`
	Phone      string `json:"phone"`
}

func (m *module) apiReveal(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "人员")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := m.svc.Reveal(r.Context(), a, id, in.Reason)
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, revealJSON{ID: p.ID, Enterprise: p.Enterprise, Name: p.Name, IDNumber: p.IDNumber, Phone: p.Phone})
	return nil
}

type temperaturesJSON struct {
	Items         []people.Temperature `json:"items"`
	Total         int                  `json:"total"`
	GreenExpected string               `json:"green_expected,omitempty"`
}

func (m *module) apiTemperatures(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "人员")
	if err != nil {
		return err
	}
	_, h, err := m.svc.Temperatures(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, temperaturesJSON{Items: h.Readings, Total: len(h.Readings), GreenExpected: h.GreenExpected})
	return nil
}

// temperatureInput is a reading: celsius required, measured_at (RFC 3339)
// now when left out.
type temperatureInput struct {
	Celsius    *float64 `json:"celsius"`
	MeasuredAt string   `json:"measured_at"`
}

func (in temperatureInput) temperature() (people.Temperature, error) {
	var t people.Temperature
	var ps []fugong.Problem
	if in.Celsius == nil {
		ps = append(ps, fugong.Problem{Field: "celsius", Message: "请填写体温"})
	} else {
		t.Celsius = *in.Celsius
	}
	if s := strings.TrimSpace(in.MeasuredAt); s != "" {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			ps = append(ps, fugong.Problem{Field: "measured_at", Message: "测温时间应为 RFC 3339 格式，如 2020-02-20T08:30:00+08:00"})
		}
		t.At = at
	}
	return t, fugong.Invalid(ps)
}

type readingJSON struct {
	Temperature people.Temperature `json:"temperature"`
	Alert       *people.Alert      `json:"alert"`
}

func (m *module) apiAddTemperature(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "人员")
	if err != nil {
		return err
	}
	var in temperatureInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, perr := in.temperature()
	if perr != nil {
		// Scope and role first: a bad reading of someone out of reach is 404.
		if _, err := m.svc.Get(r.Context(), a, id); err != nil {
			return err
		}
		if !people.CanEdit(a) {
			return fugong.Errorf(fugong.EForbidden, "", "无权登记该企业人员的体温")
		}
		return perr
	}
	t, al, err := m.svc.AddTemperature(r.Context(), a, id, t)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, readingJSON{Temperature: t, Alert: al})
	return nil
}

func (m *module) apiAlerts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := m.svc.Alerts(r.Context(), a, people.AlertFilter{Kind: q.Get("kind"), Status: q.Get("status"),
		Town: q.Get("town"), USCC: q.Get("uscc"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

func (m *module) apiCloseAlert(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "预警")
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	al, err := m.svc.CloseAlert(r.Context(), a, id, in.Note)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, al)
	return nil
}

func summaryFilter(r *http.Request) people.SummaryFilter {
	q := r.URL.Query()
	return people.SummaryFilter{Day: q.Get("date"), Town: q.Get("town"), Enterprise: q.Get("enterprise")}
}

// summaryJSON is the day's counts.
type summaryJSON struct {
	Date       string `json:"date"`
	Town       string `json:"town,omitempty"`
	Enterprise string `json:"enterprise,omitempty"`
	people.Counts
}

func (m *module) apiHealthSummary(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	c, f, err := m.svc.Counts(r.Context(), a, summaryFilter(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, summaryJSON{Date: f.Day, Town: f.Town, Enterprise: f.Enterprise, Counts: c})
	return nil
}

type listsJSON struct {
	Date       string `json:"date"`
	Town       string `json:"town,omitempty"`
	Enterprise string `json:"enterprise,omitempty"`
	people.Summary
}

func (m *module) apiHealthLists(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	sum, f, err := m.svc.Summary(r.Context(), a, summaryFilter(r))
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.WriteJSON(w, http.StatusOK, listsJSON{Date: f.Day, Town: f.Town, Enterprise: f.Enterprise, Summary: sum})
	return nil
}

func (m *module) apiGetSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	set, err := m.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, set)
	return nil
}

func (m *module) apiPutSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var p people.SettingsPatch
	if err := web.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	set, err := m.svc.SetSettings(r.Context(), a, p)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, set)
	return nil
}
