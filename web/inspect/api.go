package inspect

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"fugong"
	"fugong/files"
	"fugong/inspect"
	"fugong/sheet"
	"fugong/web"
)

// The inspections' API (M3): checklist templates, visits and rectifications.

// withPhotoURLs links a visit's photos and those of its rectifications.
func withPhotoURLs(v *inspect.Visit) {
	for i := range v.Answers {
		for j := range v.Answers[i].Photos {
			p := &v.Answers[i].Photos[j]
			p.URL = web.FileURL(p.ID)
		}
	}
	for i := range v.Rectifications {
		withEventURLs(&v.Rectifications[i])
	}
}

func withEventURLs(r *inspect.Rectification) {
	for _, ev := range r.History {
		if ev.Photo != nil {
			ev.Photo.URL = web.FileURL(ev.Photo.ID)
		}
	}
}

func (m *module) apiChecklists(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	all := false
	switch v := r.URL.Query().Get("all"); v {
	case "", "0", "false":
	case "1", "true":
		all = true
	default:
		return fugong.Errorf(fugong.EInvalid, "all", "all 应为 1 或 0")
	}
	cs, err := m.svc.Checklists(r.Context(), all)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(cs))
	return nil
}

func (m *module) apiChecklist(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "检查表")
	if err != nil {
		return err
	}
	c, err := m.svc.Checklist(r.Context(), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (m *module) apiCreateChecklist(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in inspect.ChecklistInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := m.svc.CreateChecklist(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/checklists/"+strconv.FormatInt(c.ID, 10))
	web.WriteJSON(w, http.StatusCreated, c)
	return nil
}

// apiReviseChecklist replaces the items of a template's current version: 200
// with the version stored, a new one (201) when visits had answered it.
func (m *module) apiReviseChecklist(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "检查表")
	if err != nil {
		return err
	}
	var in struct {
		Items []inspect.ItemInput `json:"items"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := m.svc.ReviseChecklist(r.Context(), a, id, in.Items)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if c.ID != id {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/checklists/"+strconv.FormatInt(c.ID, 10))
	}
	web.WriteJSON(w, status, c)
	return nil
}

var photoField = regexp.MustCompile(`^photo\.([1-9][0-9]{0,17})$`)

// readVisit reads a visit: a JSON body, or a multipart form with the same
// JSON in its "visit" field and each item's photos in "photo.<item_id>".
func readVisit(w http.ResponseWriter, r *http.Request) (inspect.VisitInput, []inspect.Photo, error) {
	var in inspect.VisitInput
	if !web.IsMultipart(r) {
		return in, nil, web.DecodeJSON(w, r, &in)
	}
	if err := parseMultipart(r); err != nil {
		return in, nil, err
	}
	vals := r.MultipartForm.Value["visit"]
	if len(vals) != 1 {
		return in, nil, fugong.Errorf(fugong.EInvalid, "visit", "表单须有且只有一个 visit 字段（检查记录的 JSON）")
	}
	if len(vals[0]) > web.MaxJSONBody {
		return in, nil, fugong.Errorf(fugong.ETooLarge, "visit", "检查记录超过 %d KB 上限", web.MaxJSONBody>>10)
	}
	if err := web.DecodeStrict([]byte(vals[0]), &in); err != nil {
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
		return web.UploadError(err)
	}
	return nil
}

// itemPhotos reads and checks the photo.<item_id> files of a multipart form;
// a file in any other field is refused rather than dropped. A form that is
// not multipart has no photos.
func itemPhotos(r *http.Request) ([]inspect.Photo, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
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
		ups, types, err := web.FormFiles(r, field, files.Images)
		if err != nil {
			return nil, err
		}
		for i, u := range ups {
			photos = append(photos, inspect.Photo{ItemID: item, Field: field, Upload: u, ContentType: types[i]})
		}
	}
	return photos, nil
}

func (m *module) apiRecordVisit(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	in, photos, err := readVisit(w, r)
	if err != nil {
		return err
	}
	in.Key = r.Header.Get("Idempotency-Key")
	v, err := m.svc.RecordVisit(r.Context(), a, r.PathValue("uscc"), in, photos)
	if err != nil {
		return err
	}
	withPhotoURLs(&v)
	w.Header().Set("Location", "/api/v1/visits/"+strconv.FormatInt(v.ID, 10))
	web.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (m *module) apiVisits(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	vs, total, err := m.svc.Visits(r.Context(), a, r.PathValue("uscc"), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(vs, total, pg))
	return nil
}

func (m *module) apiVisit(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "督导检查记录")
	if err != nil {
		return err
	}
	v, err := m.svc.Visit(r.Context(), a, id)
	if err != nil {
		return err
	}
	withPhotoURLs(&v)
	web.WriteJSON(w, http.StatusOK, v)
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
	if f.Page, err = web.QueryInt(r, "page"); err != nil {
		return f, err
	}
	f.PerPage, err = web.QueryInt(r, "per_page")
	return f, err
}

func (m *module) apiRectifications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := rectificationFilter(r)
	if err != nil {
		return err
	}
	if err := f.Normalize(); err != nil {
		return err
	}
	items, total, err := m.svc.Rectifications(r.Context(), a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, web.Paging{Page: f.Page, PerPage: f.PerPage}))
	return nil
}

// exportRectifications writes the rectifications in the actor's scope that
// match the filters as XLSX (or CSV); the page's export link is served by
// it too.
func (m *module) exportRectifications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	f, err := rectificationFilter(r)
	if err != nil {
		return err
	}
	items, err := m.svc.AllRectifications(r.Context(), a, f)
	if err != nil {
		return err
	}
	today := m.svc.Today()
	name := "整改清单-" + today + "." + format
	web.Download(w, name, "rectifications-"+today, format)
	return sheet.WriteRectifications(w, name, items)
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
func (m *module) apiRectificationTowns(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	city, towns, err := m.svc.TownCounts(r.Context(), a)
	if err != nil {
		return err
	}
	out := struct {
		Date  string                    `json:"date"`
		City  rectificationCountsJSON   `json:"city"`
		Towns []rectificationCountsJSON `json:"towns"`
	}{Date: m.svc.Today(), City: countsJSON(city), Towns: []rectificationCountsJSON{}}
	for _, t := range towns {
		out.Towns = append(out.Towns, countsJSON(t))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (m *module) apiRectification(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "整改")
	if err != nil {
		return err
	}
	rec, err := m.svc.Rectification(r.Context(), a, id)
	if err != nil {
		return err
	}
	withEventURLs(&rec)
	web.WriteJSON(w, http.StatusOK, rec)
	return nil
}

// readMove reads a rectification's move: JSON {"status","note"}, or a
// multipart form with status, note and at most one photo.
func readMove(w http.ResponseWriter, r *http.Request) (status, note string, photo *inspect.Photo, err error) {
	if !web.IsMultipart(r) {
		var in struct {
			Status string `json:"status"`
			Note   string `json:"note"`
		}
		err = web.DecodeJSON(w, r, &in)
		return in.Status, in.Note, nil, err
	}
	photos, err := movePhotos(r)
	if err != nil {
		return "", "", nil, err
	}
	for field := range r.MultipartForm.File {
		if field != "photo" {
			return "", "", nil, fugong.Errorf(fugong.EInvalid, field, "文件字段 %s 无效，照片应放在 photo 字段", field)
		}
	}
	if photo, err = inspect.OnePhoto(photos); err != nil {
		return "", "", nil, err
	}
	return r.FormValue("status"), r.FormValue("note"), photo, nil
}

// movePhotos reads and checks the photos of a move's multipart form (its
// "photo" field); a move takes one (inspect.OnePhoto).
func movePhotos(r *http.Request) ([]inspect.Photo, error) {
	ups, types, err := web.FormFiles(r, "photo", files.Images)
	if err != nil {
		return nil, err
	}
	var photos []inspect.Photo
	for i, u := range ups {
		photos = append(photos, inspect.Photo{Field: "photo", Upload: u, ContentType: types[i]})
	}
	return photos, nil
}

func (m *module) apiMoveRectification(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "整改")
	if err != nil {
		return err
	}
	status, note, photo, err := readMove(w, r)
	if err != nil {
		return err
	}
	rec, err := m.svc.Move(r.Context(), a, id, status, note, photo)
	if err != nil {
		return err
	}
	withEventURLs(&rec)
	web.WriteJSON(w, http.StatusOK, rec)
	return nil
}
