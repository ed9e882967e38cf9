package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"fugong"
	"fugong/files"
	"fugong/inspect"
	"fugong/registry"
	"fugong/sheet"
)

// The inspections' API (M3): checklist templates, visits and rectifications.

// inspectRoutes are the inspections' routes, in apiRoutes.
func (s *Server) inspectRoutes() []route {
	return []route{
		{"GET", "/api/v1/checklists", s.api(s.apiChecklists)},
		{"POST", "/api/v1/checklists", s.api(s.apiCreateChecklist)},
		{"GET", "/api/v1/checklists/{id}", s.api(s.apiChecklist)},
		{"PUT", "/api/v1/checklists/{id}", s.api(s.apiReviseChecklist)},
		{"POST", "/api/v1/enterprises/{uscc}/visits", s.api(s.apiRecordVisit)},
		{"GET", "/api/v1/enterprises/{uscc}/visits", s.api(s.apiVisits)},
		{"GET", "/api/v1/visits/{id}", s.api(s.apiVisit)},
		{"GET", "/api/v1/rectifications", s.api(s.apiRectifications)},
		{"GET", "/api/v1/rectifications/export", s.api(s.apiExportRectifications)},
		{"GET", "/api/v1/rectifications/towns", s.api(s.apiRectificationTowns)},
		{"GET", "/api/v1/rectifications/{id}", s.api(s.apiRectification)},
		{"PATCH", "/api/v1/rectifications/{id}", s.api(s.apiMoveRectification)},
	}
}

// pathID reads the {id} of a path; anything but a positive number names
// no record.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fugong.NotFound(what)
	}
	return id, nil
}

// withPhotoURLs links a visit's photos and those of its rectifications.
func withPhotoURLs(v *inspect.Visit) {
	for i := range v.Answers {
		for j := range v.Answers[i].Photos {
			p := &v.Answers[i].Photos[j]
			p.URL = fileURL(p.ID)
		}
	}
	for i := range v.Rectifications {
		withEventURLs(&v.Rectifications[i])
	}
}

func withEventURLs(r *inspect.Rectification) {
	for _, ev := range r.History {
		if ev.Photo != nil {
			ev.Photo.URL = fileURL(ev.Photo.ID)
		}
	}
}

func (s *Server) apiChecklists(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	all := false
	switch v := r.URL.Query().Get("all"); v {
	case "", "0", "false":
	case "1", "true":
		all = true
	default:
		return fugong.Errorf(fugong.EInvalid, "all", "all 应为 1 或 0")
	}
	cs, err := s.Inspect.Checklists(r.Context(), all)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[inspect.Checklist]{Items: cs, Total: len(cs)})
	return nil
}

func (s *Server) apiChecklist(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := pathID(r, "检查表")
	if err != nil {
		return err
	}
	c, err := s.Inspect.Checklist(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiCreateChecklist(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in inspect.ChecklistInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.Inspect.CreateChecklist(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/checklists/"+strconv.FormatInt(c.ID, 10))
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// apiReviseChecklist replaces the items of a template's current version: 200
// with the version stored, a new one (201) when visits had answered it.
func (s *Server) apiReviseChecklist(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := pathID(r, "检查表")
	if err != nil {
		return err
	}
	var in struct {
		Items []inspect.ItemInput `json:"items"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.Inspect.ReviseChecklist(r.Context(), a, id, in.Items)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if c.ID != id {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/checklists/"+strconv.FormatInt(c.ID, 10))
	}
	writeJSON(w, status, c)
	return nil
}

var photoField = regexp.MustCompile(`^photo\.([1-9][0-9]{0,17})$`)

// readVisit reads a visit: a JSON body, or a multipart form with the same
// JSON in its "visit" field and each item's photos in "photo.<item_id>".
func readVisit(w http.ResponseWriter, r *http.Request) (inspect.VisitInput, []inspect.Photo, error) {
	var in inspect.VisitInput
	if !isMultipart(r) {
		return in, nil, decodeJSON(w, r, &in)
	}
	if err := parseMultipart(r); err != nil {
		return in, nil, err
	}
	vals := r.MultipartForm.Value["visit"]
	if len(vals) != 1 {
		return in, nil, fugong.Errorf(fugong.EInvalid, "visit", "表单须有且只有一个 visit 字段（检查记录的 JSON）")
	}
	if len(vals[0]) > maxJSONBody {
		return in, nil, fugong.Errorf(fugong.ETooLarge, "visit", "检查记录超过 %d KB 上限", maxJSONBody>>10)
	}
	if err := decodeStrict([]byte(vals[0]), &in); err != nil {
		return in, nil, err
	}
	photos, err := itemPhotos(r)
	return in, photos, err
}

// parseMultipart parses a multipart body once (checkCSRF may have already).
func parseMultipart(r *http.Request) error {
	if r.MultipartForm != nil {
		return nil
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return uploadError(err)
	}
	return nil
}

// itemPhotos reads and checks the photo.<item_id> files of a multipart form;
// a file in any other field is refused rather than dropped.
func itemPhotos(r *http.Request) ([]inspect.Photo, error) {
	fields := make([]string, 0, len(r.MultipartForm.File))
	for f := range r.MultipartForm.File {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	var photos []inspect.Photo
	for _, field := range fields {
		m := photoField.FindStringSubmatch(field)
		if m == nil {
			return nil, fugong.Errorf(fugong.EInvalid, field, "文件字段 %s 无效，照片应放在 photo.<检查项编号> 字段", field)
		}
		item, _ := strconv.ParseInt(m[1], 10, 64)
		ups, types, err := formFiles(r, field, files.Images)
		if err != nil {
			return nil, err
		}
		for i, u := range ups {
			photos = append(photos, inspect.Photo{ItemID: item, Field: field, Upload: u, ContentType: types[i]})
		}
	}
	return photos, nil
}

func (s *Server) apiRecordVisit(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	in, photos, err := readVisit(w, r)
	if err != nil {
		return err
	}
	v, err := s.Inspect.RecordVisit(r.Context(), a, r.PathValue("uscc"), in, photos)
	if err != nil {
		return err
	}
	withPhotoURLs(&v)
	w.Header().Set("Location", "/api/v1/visits/"+strconv.FormatInt(v.ID, 10))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) apiVisits(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, err := queryInt(r, "page")
	if err != nil {
		return err
	}
	perPage, err := queryInt(r, "per_page")
	if err != nil {
		return err
	}
	vs, total, err := s.Inspect.Visits(r.Context(), a, r.PathValue("uscc"), page, perPage)
	if err != nil {
		return err
	}
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	writeJSON(w, http.StatusOK, listResponse[inspect.VisitSummary]{Items: vs, Total: total, Page: max(page, 1), PerPage: perPage})
	return nil
}

func (s *Server) apiVisit(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := pathID(r, "督导检查记录")
	if err != nil {
		return err
	}
	v, err := s.Inspect.Visit(r.Context(), a, id)
	if err != nil {
		return err
	}
	withPhotoURLs(&v)
	writeJSON(w, http.StatusOK, v)
	return nil
}

// rectificationFilter reads the list's query: enterprise, town, status,
// overdue (1 or true), page, per_page.
func rectificationFilter(r *http.Request) (inspect.Filter, error) {
	q := r.URL.Query()
	f := inspect.Filter{Enterprise: strings.TrimSpace(q.Get("enterprise")), Town: q.Get("town"), Status: q.Get("status")}
	switch v := q.Get("overdue"); v {
	case "", "0", "false":
	case "1", "true":
		f.Overdue = true
	default:
		return f, fugong.Errorf(fugong.EInvalid, "overdue", "overdue 应为 1 或 0")
	}
	var err error
	if f.Page, err = queryInt(r, "page"); err != nil {
		return f, err
	}
	f.PerPage, err = queryInt(r, "per_page")
	return f, err
}

func (s *Server) apiRectifications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := rectificationFilter(r)
	if err != nil {
		return err
	}
	if err := f.Normalize(); err != nil {
		return err
	}
	items, total, err := s.Inspect.Rectifications(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listResponse[inspect.Rectification]{Items: items, Total: total, Page: f.Page, PerPage: f.PerPage})
	return nil
}

// exportRectifications writes the rectifications in the actor's scope that
// match the filters as XLSX (or CSV).
func (s *Server) exportRectifications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	f, err := rectificationFilter(r)
	if err != nil {
		return err
	}
	items, err := s.Inspect.AllRectifications(r.Context(), a, f)
	if err != nil {
		return err
	}
	today := s.Inspect.Today()
	name := "整改清单-" + today + "." + format
	download(w, name, "rectifications-"+today, format)
	return sheet.WriteRectifications(w, name, items)
}

func (s *Server) apiExportRectifications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return s.exportRectifications(w, r, a)
}

type rectificationCountsJSON struct {
	Town      string `json:"town,omitempty"`
	Name      string `json:"name,omitempty"`
	Open      int    `json:"open"`
	Overdue   int    `json:"overdue"`
	Rectified int    `json:"rectified"`
	Verified  int    `json:"verified"`
}

func countsJSON(c inspect.TownCounts) rectificationCountsJSON {
	return rectificationCountsJSON{Town: c.Town.Code, Name: c.Town.Name, Open: c.Open, Overdue: c.Overdue, Rectified: c.Rectified, Verified: c.Verified}
}

// apiRectificationTowns counts the rectifications in scope per town, with
// the open ones past their due day (overdue), and for the whole scope.
func (s *Server) apiRectificationTowns(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	city, towns, err := s.Inspect.TownCounts(r.Context(), a)
	if err != nil {
		return err
	}
	out := struct {
		Date  string                    `json:"date"`
		City  rectificationCountsJSON   `json:"city"`
		Towns []rectificationCountsJSON `json:"towns"`
	}{Date: s.Inspect.Today(), City: countsJSON(city), Towns: []rectificationCountsJSON{}}
	for _, t := range towns {
		out.Towns = append(out.Towns, countsJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiRectification(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := pathID(r, "整改")
	if err != nil {
		return err
	}
	rec, err := s.Inspect.Rectification(r.Context(), a, id)
	if err != nil {
		return err
	}
	withEventURLs(&rec)
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// readMove reads a rectification's move: JSON {"status","note"}, or a
// multipart form with status, note and at most one photo.
func readMove(w http.ResponseWriter, r *http.Request) (status, note string, photo *inspect.Photo, err error) {
	if !isMultipart(r) {
		var in struct {
			Status string `json:"status"`
			Note   string `json:"note"`
		}
		err = decodeJSON(w, r, &in)
		return in.Status, in.Note, nil, err
	}
	ups, types, err := formFiles(r, "photo", files.Images)
	if err != nil {
		return "", "", nil, err
	}
	for field := range r.MultipartForm.File {
		if field != "photo" {
			return "", "", nil, fugong.Errorf(fugong.EInvalid, field, "文件字段 %s 无效，照片应放在 photo 字段", field)
		}
	}
	switch len(ups) {
	case 0:
	case 1:
		photo = &inspect.Photo{Field: "photo", Upload: ups[0], ContentType: types[0]}
	default:
		return "", "", nil, fugong.Errorf(fugong.EInvalid, "photo", "每次只能附一张照片")
	}
	return r.FormValue("status"), r.FormValue("note"), photo, nil
}

func (s *Server) apiMoveRectification(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := pathID(r, "整改")
	if err != nil {
		return err
	}
	status, note, photo, err := readMove(w, r)
	if err != nil {
		return err
	}
	rec, err := s.Inspect.Move(r.Context(), a, id, status, note, photo)
	if err != nil {
		return err
	}
	withEventURLs(&rec)
	writeJSON(w, http.StatusOK, rec)
	return nil
}
