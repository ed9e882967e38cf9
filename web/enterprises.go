package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/sheet"
)

// enterpriseFilter reads the list filters shared by the API, the UI and exports.
func enterpriseFilter(r *http.Request) (registry.Filter, error) {
	q := r.URL.Query()
	f := registry.Filter{Town: q.Get("town"), SizeClass: q.Get("size_class"), MujunClass: q.Get("mujun_class"),
		Status: q.Get("status"), Q: q.Get("q")}
	var err error
	if f.Page, err = queryInt(r, "page"); err != nil {
		return f, err
	}
	if f.PerPage, err = queryInt(r, "per_page"); err != nil {
		return f, err
	}
	if f.Page == 0 {
		f.Page = 1
	}
	return f, f.Normalize()
}

func (s *Server) apiListEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := enterpriseFilter(r)
	if err != nil {
		return err
	}
	items, total, err := s.Registry.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[registry.Enterprise]{Items: items, Total: total, Page: f.Page, PerPage: f.PerPage})
	return nil
}

func (s *Server) apiGetEnterprise(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	e, err := s.Registry.Get(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
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

func (s *Server) apiCreateEnterprise(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in enterpriseInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var e registry.Enterprise
	in.apply(&e)
	e, err := s.Registry.Create(r.Context(), a, e)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/enterprises/"+e.USCC)
	writeJSON(w, http.StatusCreated, e)
	return nil
}

// apiPatchEnterprise applies a JSON merge patch (RFC 7396): the fields sent
// replace the stored ones, null clears the 亩均 class.
func (s *Server) apiPatchEnterprise(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var patch map[string]json.RawMessage
	if err := decodeJSON(w, r, &patch); err != nil {
		return err
	}
	e, err := s.Registry.Update(r.Context(), a, r.PathValue("uscc"), func(e *registry.Enterprise) error {
		in := inputOf(*e)
		for k, v := range patch {
			if !slices.Contains(registry.Fields, k) {
				return fugong.Errorf(fugong.EInvalid, k, "未知或不可修改的字段 %s", k)
			}
			one, _ := json.Marshal(map[string]json.RawMessage{k: v})
			if err := json.Unmarshal(one, &in); err != nil {
				return jsonError(err)
			}
		}
		in.apply(e)
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// exportFormat picks the download format: xlsx unless csv is asked for.
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "xlsx":
		return "xlsx", nil
	case "csv":
		return "csv", nil
	default:
		return "", fugong.Errorf(fugong.EInvalid, "format", "导出格式应为 xlsx 或 csv")
	}
}

func (s *Server) apiExportEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.exportEnterprises(w, r, a)
}

// exportEnterprises streams the actor's enterprises matching the filters as
// a download; scope is applied by the store as for every read.
func (s *Server) exportEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	f, err := enterpriseFilter(r)
	if err != nil {
		return err
	}
	name := "企业名录-" + time.Now().In(fugong.Location).Format("20060102") + "." + format
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="enterprises.%s"; filename*=UTF-8''%s`, format, url.PathEscape(name)))
	return sheet.WriteEnterprises(w, name, func(fn func(registry.Enterprise) error) error {
		return s.Registry.Each(r.Context(), a, f, fn)
	})
}

// readUpload returns the uploaded file of a multipart form (whose size
// checkCSRF has already limited).
func readUpload(r *http.Request) (multipart.File, string, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", err
		}
		return nil, "", fugong.Errorf(fugong.EInvalid, "file", "请选择要导入的 XLSX 或 CSV 文件")
	}
	return file, hdr.Filename, nil
}

func (s *Server) importEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) (registry.ImportResult, error) {
	file, name, err := readUpload(r)
	if err != nil {
		return registry.ImportResult{}, err
	}
	defer file.Close()
	release, err := s.importSlot(w)
	if err != nil {
		return registry.ImportResult{}, err
	}
	defer release()
	rows, err := sheet.ReadEnterprises(io.Reader(file), name)
	if err != nil {
		return registry.ImportResult{}, fileError(err)
	}
	skipBad := r.FormValue("skip_bad") == "true" || r.URL.Query().Get("skip_bad") == "true"
	return s.Registry.Import(r.Context(), a, rows, skipBad, nil)
}

// fileError presents a file that could not be read as invalid input.
func fileError(err error) error {
	if fugong.AsError(err) != nil {
		return err
	}
	return fugong.Errorf(fugong.EInvalid, "file", "%s", err.Error())
}

func (s *Server) apiImportEnterprises(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	res, err := s.importEnterprises(w, r, a)
	return answerImport(w, res, err)
}

// badFile is an import that stored nothing because of the rows it lists.
type badFile interface{ RowErrors() []registry.RowError }

// answerImport answers an API import: its result, or 400 with every bad row
// when the file stored nothing.
func answerImport(w http.ResponseWriter, res any, err error) error {
	var bad badFile
	if errors.As(err, &bad) {
		rows := bad.RowErrors()
		writeJSON(w, http.StatusBadRequest, map[string]errorBody{"error": {Code: fugong.EInvalid, Field: "file",
			Message: fmt.Sprintf("文件有 %d 处错误，未导入任何数据", len(rows)), Rows: rows}})
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// importOutcome is what an import page shows for err: the bad rows, a
// message and the status; an internal error is returned for the error page.
func (s *Server) importOutcome(r *http.Request, err error) (rows []registry.RowError, msg string, status int, internal error) {
	var bad badFile
	switch {
	case err == nil:
		return nil, "", http.StatusOK, nil
	case errors.As(err, &bad):
		return bad.RowErrors(), "文件有错误，未导入任何数据。请修改后重新上传，或勾选“跳过错误行”。", http.StatusBadRequest, nil
	}
	pe := s.publicError(r, err)
	if pe.Code == fugong.EInternal {
		return nil, "", 0, err
	}
	return nil, pe.Message, statusOf[pe.Code], nil
}
