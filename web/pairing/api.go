package pairing

import (
	"net/http"
	"time"

	"fugong"
	"fugong/pairing"
	"fugong/sheet"
	"fugong/web"
)

// The API (M3, 一企一员): an enterprise's cadre, the cadres, the bulk load
// of pairings, the enterprises without a cadre, and the expected interval
// between a cadre's visits.

func (m *module) apiGetCadre(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	p, err := m.svc.Get(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *module) apiPutCadre(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in struct {
		Username string `json:"username"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := m.svc.Pair(r.Context(), a, r.PathValue("uscc"), in.Username)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (m *module) apiDeleteCadre(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if err := m.svc.Unpair(r.Context(), a, r.PathValue("uscc")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (m *module) apiCadres(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	cs, err := m.svc.Cadres(r.Context(), a)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(cs))
	return nil
}

// apiSuggestCadres answers a cadre picker as the user types (?q=).
func (m *module) apiSuggestCadres(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	cs, err := m.svc.SuggestCadres(r.Context(), a, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(cs))
	return nil
}

// importPairings reads an uploaded sheet of pairings and stores it, all or
// nothing. Who may not pair is refused before the file is read; the file
// is read in one of the server's import slots (429 when all are taken).
func (m *module) importPairings(w http.ResponseWriter, r *http.Request, a fugong.Actor) (pairing.SaveResult, error) {
	if err := pairing.CheckImporter(a); err != nil {
		return pairing.SaveResult{}, err
	}
	file, name, err := web.ReadUpload(r)
	if err != nil {
		return pairing.SaveResult{}, err
	}
	defer file.Close()
	release, err := web.ImportSlot(w, r)
	if err != nil {
		return pairing.SaveResult{}, err
	}
	defer release()
	rows, err := sheet.ReadPairings(file, name)
	if err != nil {
		return pairing.SaveResult{}, web.FileError(r, err)
	}
	return m.svc.Import(r.Context(), a, rows)
}

func (m *module) apiImportPairings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	res, err := m.importPairings(w, r, a)
	return web.AnswerImport(w, res, err)
}

func (m *module) apiUnpaired(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	l, err := m.svc.Unpaired(r.Context(), a, r.URL.Query().Get("town"), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

// unpairedExport writes the enterprises in scope without a cadre as a sheet
// with an empty 干部账号 column, to fill in and load back.
func (m *module) unpairedExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	items, err := m.svc.AllUnpaired(r.Context(), a, r.URL.Query().Get("town"))
	if err != nil {
		return err
	}
	day := time.Now().In(fugong.Location).Format("20060102")
	name := "未结对企业-" + day + "." + format
	web.Download(w, name, "unpaired-"+day, format)
	return sheet.WriteUnpaired(w, name, items)
}

func (m *module) apiUnpairedExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.unpairedExport(w, r, a)
}

type visitIntervalJSON struct {
	Days int `json:"days"`
}

func (m *module) apiGetVisitInterval(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	days, err := m.svc.VisitInterval(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, visitIntervalJSON{days})
	return nil
}

func (m *module) apiPutVisitInterval(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in visitIntervalJSON
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := m.svc.SetVisitInterval(r.Context(), a, in.Days); err != nil {
		return err
	}
	return m.apiGetVisitInterval(w, r, a)
}
