// Package documents is the web side of the enterprises' two epidemic
// papers (M3): the commitment letter and the prevention plan. Its API
// under /api/v1, the list of enterprises missing either, and its section
// of an enterprise's page with the upload form. The rules are the package
// fugong/documents.
package documents

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/documents"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the documents API and pages over the service.
type module struct {
	svc *documents.Service
}

// New is the documents module's web side over svc.
func New(svc *documents.Service) web.Module {
	m := &module{svc: svc}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:               "documents",
		Routes:             m.routes(),
		Nav:                nav,
		EnterpriseSections: m.sections,
		Templates:          templates,
		OpenAPI:            openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/api/v1/enterprises/{uscc}/documents", API: m.apiAddDocument},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/documents", API: m.apiListDocuments},
		{Method: "GET", Path: "/api/v1/documents/missing", API: m.apiMissingDocuments},
		{Method: "GET", Path: "/api/v1/documents/missing/export", API: m.apiMissingDocumentsExport},

		{Method: "POST", Path: "/enterprises/{uscc}/documents", Page: m.documentUpload},
		{Method: "GET", Path: "/documents/missing", Page: m.documentsMissingPage},
		{Method: "GET", Path: "/documents/missing/export", Page: m.documentsMissingExport},
	}
}

// nav is the menu entry of the list of enterprises missing their papers,
// for those who chase them (documents.CanChase); beside 结对管理 (700).
func nav(a fugong.Actor) []web.NavItem {
	if !documents.CanChase(a) {
		return nil
	}
	return []web.NavItem{{Href: "/documents/missing", Label: "承诺书/预案", Order: 701, Group: web.NavSupervise}}
}
