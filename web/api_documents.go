package web

import (
	"errors"
	"net/http"

	"fugong"
	"fugong/documents"
	"fugong/sheet"
)

// documentsRoutes are M3's commitment letters and prevention plans, and the
// attached files they are kept in.
func (s *Server) documentsRoutes() []route {
	return []route{
		{"POST", "/api/v1/enterprises/{uscc}/documents", s.api(s.apiAddDocument)},
		{"GET", "/api/v1/enterprises/{uscc}/documents", s.api(s.apiListDocuments)},
		{"GET", "/api/v1/documents/missing", s.api(s.apiMissingDocuments)},
		{"GET", "/api/v1/documents/missing/export", s.api(s.apiMissingDocumentsExport)},
	}
}

// documentUpload reads a document form: kind, signed_on and one file, not
// yet checked (the service checks it once the enterprise is known in scope).
func documentUpload(r *http.Request) (documents.Upload, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			if errors.Is(err, http.ErrNotMultipart) {
				return documents.Upload{}, fugong.Errorf(fugong.EInvalid, "file", "请以 multipart/form-data 上传文件")
			}
			return documents.Upload{}, uploadError(err)
		}
	}
	u := documents.Upload{Kind: r.FormValue("kind"), SignedOn: r.FormValue("signed_on")}
	switch hdrs := r.MultipartForm.File["file"]; {
	case len(hdrs) > 1:
		return u, fugong.Errorf(fugong.EInvalid, "file", "一次只能上传一个文件")
	case len(hdrs) == 1:
		var err error
		if u.File, err = readPart(hdrs[0]); err != nil {
			return u, err
		}
	}
	return u, nil
}

func (s *Server) apiAddDocument(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	u, err := documentUpload(r)
	if err != nil {
		return err
	}
	d, err := s.Documents.Add(r.Context(), a, r.PathValue("uscc"), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiListDocuments(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	docs, err := s.Documents.List(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[documents.Document]{Items: docs, Total: len(docs)})
	return nil
}

func (s *Server) apiMissingDocuments(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := listPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Documents.Missing(r.Context(), a, q.Get("town"), q.Get("kind"), page, perPage)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// missingDocumentsExport writes the enterprises in scope lacking their
// letter or plan as a sheet for the towns to chase.
func (s *Server) missingDocumentsExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, err := s.Documents.AllMissing(r.Context(), a, q.Get("town"), q.Get("kind"))
	if err != nil {
		return err
	}
	day := s.Documents.Now().In(fugong.Location).Format("20060102")
	name := "承诺书预案缺失企业-" + day + "." + format
	download(w, name, "missing-documents-"+day, format)
	return sheet.WriteMissingDocuments(w, name, items)
}

func (s *Server) apiMissingDocumentsExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.missingDocumentsExport(w, r, a)
}
