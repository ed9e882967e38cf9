package registry

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/sheet"
	"fugong/web"
)

func (m *module) apiTowns(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	web.WriteJSON(w, http.StatusOK, web.All(registry.Towns))
	return nil
}

// enterpriseFilter reads the list filters shared by the API, the pages and exports.
func enterpriseFilter(r *http.Request) (registry.Filter, error) {
	q := r.URL.Query()
	f := registry.Filter{Town: q.Get("town"), SizeClass: q.Get("size_class"), MujunClass: q.Get("mujun_class"),
		Status: q.Get("status"), Q: q.Get("q")}
	var err error
	if f.Page, err = web.QueryInt(r, "page"); err != nil {
		return f, err
	}
	if f.PerPage, err = web.QueryInt(r, "per_page"); err != nil {
		return f, err
	}
	if f.Page == 0 {
		f.Page = 1
	}
	return f, f.Normalize()
}

func (m *module) apiListEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := enterpriseFilter(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, web.Paging{Page: f.Page, PerPage: f.PerPage}))
	return nil
}

// suggestions bounds the answer of a picker's search.
const suggestions = 10

// Suggestion is a firm a picker offers: its USCC (the value) and its name.
type Suggestion struct {
	USCC     string `json:"uscc"`
	Name     string `json:"name"`
	TownName string `json:"town_name"`
}

// apiSuggest answers a picker as the user types: at most ten active firms
// in the actor's scope whose name contains q or whose USCC starts with it.
func (m *module) apiSuggest(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f := registry.Filter{Q: r.URL.Query().Get("q"), Status: registry.StatusActive, Page: 1, PerPage: suggestions}
	if err := f.Normalize(); err != nil {
		return err
	}
	out := []Suggestion{}
	if f.Q == "" {
		web.WriteJSON(w, http.StatusOK, web.All(out))
		return nil
	}
	items, _, err := m.svc.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	for _, e := range items {
		out = append(out, Suggestion{USCC: e.USCC, Name: e.Name, TownName: e.TownName})
	}
	web.WriteJSON(w, http.StatusOK, web.All(out))
	return nil
}

func (m *module) apiGetEnterprise(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	e, err := m.svc.Get(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

// enterpriseInput is what a client may send: the record without the fields
// the server keeps.
type enterpriseInput struct {
	USCC         string  `json:"uscc"`
	Name         string  `json:"name"`
	Town         string  `json:"town"`
	Address      string  `json:"address"`
	Industry     string  `json:"industry"`
	SizeClass    string  `json:"size_class"`
	LegalRep     string  `json:"legal_rep"`
	ContactPhone string  `json:"contact_phone"`
	Employees    int     `json:"employees"`
	LandMu       float64 `json:"land_mu"`
	MujunClass   *string `json:"mujun_class"`
	Status       string  `json:"status"`
}

func (in enterpriseInput) apply(e *registry.Enterprise) {
	e.USCC, e.Name, e.Town, e.Address, e.Industry = in.USCC, in.Name, in.Town, in.Address, in.Industry
	e.SizeClass, e.LegalRep, e.ContactPhone, e.Employees = in.SizeClass, in.LegalRep, in.ContactPhone, in.Employees
	e.LandMu, e.MujunClass, e.Status = in.LandMu, in.MujunClass, in.Status
}

func inputOf(e registry.Enterprise) enterpriseInput {
	return enterpriseInput{e.USCC, e.Name, e.Town, e.Address, e.Industry, e.SizeClass, e.LegalRep,
		e.ContactPhone, e.Employees, e.LandMu, e.MujunClass, e.Status}
}

func (m *module) apiCreateEnterprise(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in enterpriseInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var e registry.Enterprise
	in.apply(&e)
	e, err := m.svc.Create(r.Context(), a, e)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/enterprises/"+e.USCC)
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

// apiPatchEnterprise applies a JSON merge patch (RFC 7396): the fields sent
// replace the stored ones, null clears the 亩均 class.
func (m *module) apiPatchEnterprise(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var patch map[string]json.RawMessage
	if err := web.DecodeJSON(w, r, &patch); err != nil {
		return err
	}
	e, err := m.svc.Update(r.Context(), a, r.PathValue("uscc"), func(e *registry.Enterprise) error {
		in := inputOf(*e)
		for k, v := range patch {
			if !slices.Contains(registry.Fields, k) {
				return fugong.Errorf(fugong.EInvalid, k, "未知或不可修改的字段 %s", k)
			}
			one, _ := json.Marshal(map[string]json.RawMessage{k: v})
			if err := web.DecodeStrict(one, &in); err != nil {
				return err
			}
		}
		in.apply(e)
		return nil
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

// exportEnterprises streams the actor's enterprises matching the filters as
// a download; scope is applied by the store as for every read.
func (m *module) exportEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	f, err := enterpriseFilter(r)
	if err != nil {
		return err
	}
	name := "企业名录-" + time.Now().In(fugong.Location).Format("20060102") + "." + format
	web.Download(w, name, "enterprises", format)
	return sheet.WriteEnterprises(w, name, func(fn func(registry.Enterprise) error) error {
		return m.svc.Each(r.Context(), a, f, fn)
	})
}

func (m *module) importEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) (registry.ImportResult, error) {
	file, name, err := web.ReadUpload(r)
	if err != nil {
		return registry.ImportResult{}, err
	}
	defer file.Close()
	release, err := web.ImportSlot(w, r)
	if err != nil {
		return registry.ImportResult{}, err
	}
	defer release()
	rows, err := sheet.ReadEnterprises(io.Reader(file), name)
	if err != nil {
		return registry.ImportResult{}, web.FileError(r, err)
	}
	skipBad := r.FormValue("skip_bad") == "true" || r.URL.Query().Get("skip_bad") == "true"
	return m.svc.Import(r.Context(), a, rows, skipBad, nil)
}

func (m *module) apiImportEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	res, err := m.importEnterprises(w, r, a)
	return web.AnswerImport(w, res, err)
}
