package documents

import (
	"errors"
	"net/http"

	"fugong"
	"fugong/documents"
	"fugong/sheet"
	"fugong/web"
)

// The API (M3): an enterprise's commitment letters and prevention plans,
// the list of enterprises missing either and its sheet.

// readUpload reads a document form, the API's or the page's: kind,
// signed_on and one file, not yet checked (the service checks it once the
// enterprise is known in scope).
func readUpload(r *http.Request) (documents.Upload, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			if errors.Is(err, http.ErrNotMultipart) {
				return documents.Upload{}, fugong.Errorf(fugong.EInvalid, "file", "请以 multipart/form-data 上传文件")
			}
			return documents.Upload{}, web.UploadError(err)
		}
	}
	u := documents.Upload{Kind: r.FormValue("kind"), SignedOn: r.FormValue("signed_on")}
	switch hdrs := r.MultipartForm.File["file"]; {
	case len(hdrs) > 1:
		return u, fugong.Errorf(fugong.EInvalid, "file", "一次只能上传一个文件")
	case len(hdrs) == 1:
		var err error
		if u.File, err = web.ReadPart(hdrs[0]); err != nil {
			return u, err
		}
	}
	return u, nil
}

func (m *module) apiAddDocument(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	u, err := readUpload(r)
	if err != nil {
		return err
	}
	d, err := m.svc.Add(r.Context(), a, r.PathValue("uscc"), u)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (m *module) apiListDocuments(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	docs, err := m.svc.List(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(docs))
	return nil
}

func (m *module) apiMissingDocuments(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := m.svc.Missing(r.Context(), a, q.Get("town"), q.Get("kind"), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (m *module) apiMissingDocumentsExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.missingExport(w, r, a)
}

// missingExport writes the enterprises in scope lacking their letter or
// plan as a sheet for the towns to chase, the API's and the page's.
func (m *module) missingExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, err := m.svc.AllMissing(r.Context(), a, q.Get("town"), q.Get("kind"))
	if err != nil {
		return err
	}
	day := m.svc.Now().In(fugong.Location).Format("20060102")
	name := "承诺书预案缺失企业-" + day + "." + format
	web.Download(w, name, "missing-documents-"+day, format)
	return sheet.WriteMissingDocuments(w, name, items)
}
