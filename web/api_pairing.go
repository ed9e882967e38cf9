package web

import (
	"net/http"
	"time"

	"fugong"
	"fugong/pairing"
	"fugong/sheet"
)

// pairingRoutes are M3's cadre pairings (一企一员) and the expected interval
// between a cadre's visits.
func (s *Server) pairingRoutes() []route {
	return []route{
		{"GET", "/api/v1/enterprises/{uscc}/cadre", s.api(s.apiGetCadre)},
		{"PUT", "/api/v1/enterprises/{uscc}/cadre", s.api(s.apiPutCadre)},
		{"DELETE", "/api/v1/enterprises/{uscc}/cadre", s.api(s.apiDeleteCadre)},
		{"GET", "/api/v1/cadres", s.api(s.apiCadres)},
		{"POST", "/api/v1/pairings/import", s.api(s.apiImportPairings)},
		{"GET", "/api/v1/pairings/unpaired", s.api(s.apiUnpaired)},
		{"GET", "/api/v1/pairings/unpaired/export", s.api(s.apiUnpairedExport)},
		{"GET", "/api/v1/settings/visit-interval", s.api(s.apiGetVisitInterval)},
		{"PUT", "/api/v1/settings/visit-interval", s.api(s.apiPutVisitInterval)},
	}
}

func (s *Server) apiGetCadre(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	p, err := s.Pairing.Get(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiPutCadre(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in struct {
		Username string `json:"username"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.Pairing.Pair(r.Context(), a, r.PathValue("uscc"), in.Username)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiDeleteCadre(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if err := s.Pairing.Unpair(r.Context(), a, r.PathValue("uscc")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiCadres(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	cs, err := s.Pairing.Cadres(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[pairing.Cadre]{Items: cs, Total: len(cs)})
	return nil
}

// importPairings reads an uploaded sheet of pairings and stores it, all or
// nothing.
func (s *Server) importPairings(r *http.Request, a fugong.Actor) (pairing.SaveResult, error) {
	if err := pairing.CheckImporter(a); err != nil {
		return pairing.SaveResult{}, err
	}
	file, name, err := readUpload(r)
	if err != nil {
		return pairing.SaveResult{}, err
	}
	defer file.Close()
	rows, err := sheet.ReadPairings(file, name)
	if err != nil {
		return pairing.SaveResult{}, fileError(err)
	}
	return s.Pairing.Import(r.Context(), a, rows)
}

func (s *Server) apiImportPairings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	res, err := s.importPairings(r, a)
	return answerImport(w, res, err)
}

// listPage reads the page and per_page query parameters.
func listPage(r *http.Request) (page, perPage int, err error) {
	if page, err = queryInt(r, "page"); err != nil {
		return 0, 0, err
	}
	perPage, err = queryInt(r, "per_page")
	return page, perPage, err
}

func (s *Server) apiUnpaired(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.Pairing.Unpaired(r.Context(), a, r.URL.Query().Get("town"), page, perPage)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// unpairedExport writes the enterprises in scope without a cadre as a sheet
// with an empty 干部账号 column, to fill in and load back.
func (s *Server) unpairedExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	items, err := s.Pairing.AllUnpaired(r.Context(), a, r.URL.Query().Get("town"))
	if err != nil {
		return err
	}
	day := time.Now().In(fugong.Location).Format("20060102")
	name := "未结对企业-" + day + "." + format
	download(w, name, "unpaired-"+day, format)
	return sheet.WriteUnpaired(w, name, items)
}

func (s *Server) apiUnpairedExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.unpairedExport(w, r, a)
}

type visitIntervalJSON struct {
	Days int `json:"days"`
}

func (s *Server) apiGetVisitInterval(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	days, err := s.Pairing.VisitInterval(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, visitIntervalJSON{days})
	return nil
}

func (s *Server) apiPutVisitInterval(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in visitIntervalJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.Pairing.SetVisitInterval(r.Context(), a, in.Days); err != nil {
		return err
	}
	return s.apiGetVisitInterval(w, r, a)
}
