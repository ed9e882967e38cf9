package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/files"
	"fugong/registry"
)

// The kit's helpers for the modules' handlers: JSON, paging and queries,
// errors and forms, downloads and imports.

// WriteJSON answers with v as JSON and status.
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// DecodeJSON reads a bounded JSON body into v, refusing unknown fields and
// naming the offending field in the error where it can.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error { return decodeJSON(w, r, v) }

// QueryInt reads an optional non-negative integer query parameter: 0 when
// absent, invalid input naming it otherwise.
func QueryInt(r *http.Request, name string) (int, error) { return queryInt(r, name) }

// Status is the HTTP status of an error code (fugong.EInvalid → 400, …),
// from the one map of codes to statuses; an unknown code is 500.
func Status(code string) int {
	if st, ok := statusOf[code]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// Paging is the page of a list and its size. The zero value is the
// services' default: the first page of registry.DefaultPerPage.
type Paging struct {
	Page, PerPage int
}

// QueryPaging reads an API list's ?page= and ?per_page= (absent is 0,
// the service's default; anything but a non-negative integer is invalid).
func QueryPaging(r *http.Request) (Paging, error) {
	page, err := queryInt(r, "page")
	if err != nil {
		return Paging{}, err
	}
	perPage, err := queryInt(r, "per_page")
	return Paging{page, perPage}, err
}

// PageOf reads a page's ?page= and ?per_page= leniently: anything but a
// number above 1 is the first page (a number past MaxPage is MaxPage, so
// that no offset overflows), and a size other than one of PageSizes is
// perPage, the list's default.
func PageOf(r *http.Request, perPage int) Paging {
	p := Paging{Page: 1, PerPage: pageSize(r, perPage)}
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		p.Page = min(n, MaxPage)
	}
	return p
}

// MaxPage is the highest page number a list page asks a service for.
const MaxPage = 100000

// Echo is the paging a list answers with: the defaults filled in as the
// services apply them.
func (p Paging) Echo() Paging {
	if p.PerPage == 0 {
		p.PerPage = registry.DefaultPerPage
	}
	p.Page = max(p.Page, 1)
	return p
}

// Pages is how many pages total rows fill.
func (p Paging) Pages(total int) int {
	per := p.Echo().PerPage
	return (total + per - 1) / per
}

// List is the body of an API list: {"items", "total", "page", "per_page"}.
type List[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page,omitempty"`
	PerPage int `json:"per_page,omitempty"`
}

// ListOf is a page of a list; p is echoed with its defaults filled in.
// Items are never null: none is [].
func ListOf[T any](items []T, total int, p Paging) List[T] {
	if items == nil {
		items = []T{}
	}
	p = p.Echo()
	return List[T]{Items: items, Total: total, Page: p.Page, PerPage: p.PerPage}
}

// All is a whole list, unpaged.
func All[T any](items []T) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: len(items)}
}

// SeeOther ends a form post that succeeded: the browser is sent to target
// with a GET (post/redirect/get), so that reloading does not post again.
func SeeOther(w http.ResponseWriter, r *http.Request, target string) error {
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// Failure is a refused form post the user can fix: the status to show the
// form again with, the message, and the problems by field name.
type Failure struct {
	Status  int
	Message string
	Fields  map[string]string
}

// FormError sorts the error of a form post. A refusal the user can fix
// (invalid input, a conflict, a field they may not set) is a Failure to
// show the form again with; anything else (not found, forbidden, internal)
// is returned as it is, for the error page.
//
//	if err == nil { return web.SeeOther(w, r, next) }
//	f, err := web.FormError(err)
//	if err != nil { return err }
//	… show the form with f.Fields, f.Message and status f.Status
func FormError(err error) (*Failure, error) {
	e := fugong.AsError(err)
	if e == nil || !(e.Code == fugong.EInvalid || e.Code == fugong.EConflict || (e.Code == fugong.EForbidden && e.Field != "")) {
		return nil, err
	}
	f := &Failure{Status: Status(e.Code), Message: e.Message, Fields: map[string]string{}}
	for _, p := range e.Problems {
		if _, seen := f.Fields[p.Field]; !seen {
			f.Fields[p.Field] = p.Message
		}
	}
	if len(f.Fields) == 0 && e.Field != "" {
		f.Fields[e.Field] = e.Message
	}
	return f, nil
}

// FieldErrors indexes an invalid-input error's problems by field for a
// form; an error with no field is returned as it is.
func FieldErrors(err error) (map[string]string, error) { return fieldErrors(err) }

// DecodeStrict reads one JSON object from data (a form field's JSON)
// into v, refusing unknown fields, as DecodeJSON does a body.
func DecodeStrict(data []byte, v any) error { return decodeStrict(data, v) }

// IsMultipart reports whether the request's body is multipart/form-data.
func IsMultipart(r *http.Request) bool { return isMultipart(r) }

// ReadPart reads an uploaded file of a parsed multipart form, up to one
// byte past files.MaxSize (files.Check refuses it then).
func ReadPart(h *multipart.FileHeader) (files.Upload, error) { return readPart(h) }

// UploadError presents an upload that could not be parsed: too large
// (413) or malformed (400).
func UploadError(err error) error { return uploadError(err) }

// HalfWidth turns full-width digits, minus signs and spaces (typed with a
// Chinese input method) into ASCII.
func HalfWidth(s string) string { return toHalfWidth(s) }

// MaxJSONBody bounds a JSON body, in bytes.
const MaxJSONBody = maxJSONBody

// QueryDay reads an optional YYYY-MM-DD query parameter, def when absent.
func QueryDay(r *http.Request, name, def string) (string, error) { return queryDay(r, name, def) }

// ShiftDay shifts a YYYY-MM-DD day by n days.
func ShiftDay(day string, n int) string { return shiftDay(day, n) }

// TrendDays is the default span of an API trend: the 30 days ending today.
const TrendDays = trendDays

// ChartDays is the span of the pages' trend charts.
const ChartDays = chartDays

// Pct writes a rate in percent with one decimal.
func Pct(v float64) string { return pct(v) }

// RateClass names the colour band of a rate for the stylesheet, the
// charts' bands.
func RateClass(v float64) string { return rateClass(v) }

// FileURL is where GET /api/v1/files/{id} serves a stored file.
func FileURL(id int64) string { return fileURL(id) }

// TownsFor lists the towns the actor can pick in filters and forms: a
// town's (or a checkpoint's) own, none for an enterprise's clerk (their
// scope is their enterprise), every town for the rest. A filter offers the
// choice only when there is more than one.
func TownsFor(a fugong.Actor) []registry.Town { return townsFor(a) }

func townsFor(a fugong.Actor) []registry.Town {
	switch a.Role {
	case fugong.RoleTown, fugong.RoleCheckpoint:
		if t, ok := registry.TownByCode(a.Town); ok {
			return []registry.Town{t}
		}
	case fugong.RoleEnterprise:
		return nil
	}
	return registry.Towns
}

// EnterprisePath is an enterprise's page: "/enterprises/USCC".
func EnterprisePath(uscc string) string { return "/enterprises/" + url.PathEscape(uscc) }

// ExportFormat is the download format asked for: xlsx unless ?format=csv.
func ExportFormat(r *http.Request) (string, error) { return exportFormat(r) }

// Download sets the headers of a spreadsheet download named name (Chinese
// allowed) with an ASCII fallback name for old browsers; format is "xlsx"
// or "csv".
func Download(w http.ResponseWriter, name, ascii, format string) { download(w, name, ascii, format) }

// The import helpers: a module's import reads the form's "file" with
// ReadUpload, turns a file its sheet reader refuses into invalid input
// with FileError, and answers: the API with AnswerImport, the page with
// ImportOutcome (and the shared partial "import-errors" for the rows).

// ReadUpload returns the uploaded file of an import form ("file") and its
// name; none is invalid input.
func ReadUpload(r *http.Request) (multipart.File, string, error) { return readUpload(r) }

// ImportSlot takes one of the server's slots of file imports (Deps.
// ImportSlots, shared by every module's imports) for the caller to release
// once the file is read and stored; when all are taken it sets Retry-After
// and returns rate_limited (429). Take it after ReadUpload, before the
// sheet is read:
//
//	release, err := web.ImportSlot(w, r)
//	if err != nil { return err }
//	defer release()
func ImportSlot(w http.ResponseWriter, r *http.Request) (release func(), err error) {
	ss := sessionFrom(r.Context())
	if ss == nil || ss.srv == nil {
		return nil, errors.New("web: ImportSlot outside an API or page route")
	}
	return ss.srv.importSlot(w)
}

// AnswerImport answers an API import: the result, or 400 with every bad
// row when the file stored nothing (err has RowErrors()).
func AnswerImport(w http.ResponseWriter, res any, err error) error { return answerImport(w, res, err) }

// ImportOutcome is what an import page shows for the import's err: the bad
// rows, a message and the status. An internal error is returned as
// internal, for the error page.
func ImportOutcome(err error) (rows []registry.RowError, msg string, status int, internal error) {
	var bad badFile
	var mbe *http.MaxBytesError
	switch e := fugong.AsError(err); {
	case err == nil:
		return nil, "", http.StatusOK, nil
	case errors.As(err, &bad):
		return bad.RowErrors(), "文件有错误，未导入任何数据。请修改后重新上传，或勾选“跳过错误行”。", http.StatusBadRequest, nil
	case errors.As(err, &mbe):
		return nil, fmt.Sprintf("请求内容超过 %d 字节上限", mbe.Limit), http.StatusRequestEntityTooLarge, nil
	case e == nil || e.Code == fugong.EInternal:
		return nil, "", 0, err
	default:
		return nil, e.Message, Status(e.Code), nil
	}
}

// The helpers of uploads and percentages, shared with the modules still in
// this package.

// FormFiles reads the files of a multipart field (none is not an error),
// each checked against the accepted types (files.Images, …): one bad file
// refuses them all. It returns each file's checked content type.
func FormFiles(r *http.Request, field string, accepted []string) ([]files.Upload, []string, error) {
	return formFiles(r, field, accepted)
}

// RoundPct rounds a percentage to one decimal, as the API gives rates.
func RoundPct(x float64) float64 { return roundPct(x) }

// SessionToken is the token of the request's session (its cookie's or its
// bearer token), "" outside an API or page route: what a password change
// keeps while it ends the user's other sessions.
func SessionToken(r *http.Request) string {
	if ss := sessionFrom(r.Context()); ss != nil {
		return ss.token
	}
	return ""
}

// MaxUpload bounds a multipart body (a file import, photos), in bytes.
const MaxUpload = maxUpload

// PathID reads the {id} of a route: anything but a positive number names
// no record, so it is what's not found.
func PathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fugong.NotFound(what)
	}
	return id, nil
}

// NoStore keeps a page or answer with personal data out of caches.
func NoStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// toHalfWidth turns full-width digits and minus signs into ASCII.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '－':
			return '-'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}
