// Package files is the web side of the attached files (the papers of M3,
// the photos of the inspections and tickets …): GET /api/v1/files/{id}
// serves one to whoever sees the enterprise it is about. The modules that
// store files link to it with web.FileURL. The rules are the package
// fugong/files.
package files

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"fugong"
	"fugong/files"
	"fugong/web"
)

//go:embed openapi.json
var assets embed.FS

type module struct {
	store files.Store
}

// New is the attached files' web side over the store of files.
func New(store files.Store) web.Module {
	m := &module{store: store}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:    "files",
		Routes:  []web.Route{{Method: "GET", Path: "/api/v1/files/{id}", API: m.apiFile}},
		OpenAPI: openAPI,
	}
}

// apiFile sends a stored file, if it is about an enterprise in scope. The
// type is the one its bytes were checked to be; nosniff and the CSP keep a
// browser from reading it as anything else.
func (m *module) apiFile(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return fugong.NotFound("文件")
	}
	f, data, err := m.store.File(r.Context(), a, id)
	if err != nil {
		return err
	}
	disposition := "inline"
	if f.ContentType == files.PDF || r.URL.Query().Get("download") == "1" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Content-Disposition", fmt.Sprintf(`%s; filename="file-%d"; filename*=UTF-8''%s`, disposition, f.ID, url.PathEscape(f.Name)))
	w.Write(data)
	return nil
}
