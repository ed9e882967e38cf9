package documents

import (
	"html/template"
	"net/http"
	"net/url"

	"fugong"
	"fugong/documents"
	"fugong/registry"
	"fugong/web"
)

// The pages (M3): the section of an enterprise's page with its papers and
// the upload form, and the list of enterprises still missing either.

// sectionOrder places the papers on an enterprise's page, after its cadre.
const sectionOrder = 100

// section is the enterprise page's papers: the current letter and plan,
// those they replaced, and the form to upload one.
type section struct {
	USCC, CSRF string
	Notice     string
	Kinds      []paperView
	CanRecord  bool
	Today      string
	Form       documents.Upload // a refused upload's fields, shown again
	Errors     map[string]string
}

type paperView struct {
	Kind, Name string
	Current    *documents.Document
	History    []replacedDocument // newest first
}

type replacedDocument struct {
	documents.Document
	ReplacedText string
}

// sections is the module's part of an enterprise's page (e in scope).
func (m *module) sections(r *http.Request, ss *web.Session, e registry.Enterprise) ([]web.Section, error) {
	p, err := m.section(r, ss, e.USCC)
	if err != nil {
		return nil, err
	}
	return m.render(ss, p)
}

// section builds the papers of the enterprise uscc, read in the actor's scope.
func (m *module) section(r *http.Request, ss *web.Session, uscc string) (*section, error) {
	a := ss.Actor()
	docs, err := m.svc.List(r.Context(), a, uscc)
	if err != nil {
		return nil, err
	}
	papers := documents.Papers(docs)
	p := &section{USCC: uscc, CSRF: ss.CSRF(), CanRecord: documents.CanRecord(a),
		Today: m.svc.Now().In(fugong.Location).Format(documents.DateLayout), Form: documents.Upload{Kind: documents.NextKind(papers)}}
	for _, pp := range papers {
		v := paperView{Kind: pp.Kind, Name: documents.KindNames[pp.Kind], Current: pp.Current}
		for _, d := range pp.Replaced {
			v.History = append(v.History, replacedDocument{d, d.ReplacedAt.In(fugong.Location).Format("2006-01-02 15:04")})
		}
		p.Kinds = append(p.Kinds, v)
	}
	if k := r.URL.Query().Get("document"); k != "" {
		p.Notice = documents.KindNames[k] + "已上传。"
	}
	return p, nil
}

func (m *module) render(ss *web.Session, p *section) ([]web.Section, error) {
	html, err := ss.Partial("enterprise-documents", p)
	if err != nil {
		return nil, err
	}
	return []web.Section{{HTML: html, Order: sectionOrder}}, nil
}

// documentUpload records a paper from the enterprise's page and goes back
// to it; a refused upload shows the page again with the form as typed and
// the reasons beside its fields. Errors that are no form's to show (out of
// scope, not allowed, internal) render as an error.
func (m *module) documentUpload(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	uscc := r.PathValue("uscc")
	u, err := readUpload(r)
	if err == nil {
		var d documents.Document
		if d, err = m.svc.Add(r.Context(), ss.Actor(), uscc, u); err == nil {
			return web.SeeOther(w, r, web.EnterprisePath(uscc)+"?document="+d.Kind+"#documents")
		}
	}
	switch fugong.ErrorCode(err) {
	case fugong.EInvalid, fugong.EConflict, fugong.ETooLarge:
	default:
		return err
	}
	bad := map[string]string{}
	e := fugong.AsError(err)
	for _, p := range e.Problems {
		if _, seen := bad[p.Field]; !seen {
			bad[p.Field] = p.Message
		}
	}
	if len(bad) == 0 {
		bad[formField(e.Field)] = e.Message
	}
	p, serr := m.section(r, ss, uscc)
	if serr != nil {
		return serr
	}
	p.Form, p.Errors = documents.Upload{Kind: u.Kind, SignedOn: u.SignedOn}, bad
	secs, serr := m.render(ss, p)
	if serr != nil {
		return serr
	}
	return ss.EnterprisePage(w, r, web.Status(e.Code), uscc, secs...)
}

// formField is where the form shows an error: beside its field, or beside
// the file for an error about no field (an upload too large to read).
func formField(f string) string {
	if f == "" {
		return "file"
	}
	return f
}

type documentsMissingPage struct {
	web.Base
	Pager       web.Pager
	Town, Kind  string
	TownChoices []registry.Town
	KindChoices []kindChoice
	Towns       []documents.TownCount
	TownTotal   documents.TownCount
	Items       []missingDocRow
	Total       int
	Page, Pages int
	Query       template.URL // the filters without the page
}

type kindChoice struct{ Value, Label string }

type missingDocRow struct {
	documents.Missing
	Lacks []string // the Chinese names of what is missing
}

// documentsMissingPage lists the enterprises in scope missing a paper,
// with the towns' counts. A filter that is not one is dropped.
func (m *module) documentsMissingPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	q := r.URL.Query()
	pg := web.PageOf(r, registry.DefaultPerPage)
	p := documentsMissingPage{Base: ss.Base("承诺书与防控预案", "/documents/missing"), TownChoices: web.TownsFor(a), Page: pg.Page,
		KindChoices: []kindChoice{{"", "缺任一份"}, {documents.KindLetter, "缺承诺书"}, {documents.KindPlan, "缺防控预案"}}}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		p.Town = t.Code
	}
	if _, ok := documents.KindNames[q.Get("kind")]; ok {
		p.Kind = q.Get("kind")
	}
	l, err := m.svc.Missing(r.Context(), a, p.Town, p.Kind, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	p.Towns, p.Total, p.TownTotal = l.Towns, l.Total, documents.Sum(l.Towns)
	for _, it := range l.Items {
		p.Items = append(p.Items, missingDocRow{Missing: it, Lacks: it.Lacks()})
	}
	p.Pages = pg.Pages(l.Total)
	p.Pager = pg.Pager(r, l.Total)
	v := url.Values{}
	if p.Town != "" {
		v.Set("town", p.Town)
	}
	if p.Kind != "" {
		v.Set("kind", p.Kind)
	}
	p.Query = template.URL(v.Encode())
	ss.Render(w, r, http.StatusOK, "documents_missing", p)
	return nil
}

func (m *module) documentsMissingExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.missingExport(w, r, ss.Actor())
}
