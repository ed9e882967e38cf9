package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"fugong"
	"fugong/account"
	"fugong/documents"
	"fugong/pairing"
	"fugong/registry"
)

// documentsPages are the upload of an enterprise's letter or plan (from its
// page) and the list of enterprises still missing either.
func (s *Server) documentsPages(mux *routeList) {
	mux.Handle("POST /enterprises/{uscc}/documents", s.ui(s.documentUpload))
	mux.Handle("GET /documents/missing", s.ui(s.documentsMissingPage))
	mux.Handle("GET /documents/missing/export", s.ui(s.documentsMissingExport))
}

// paperworkSection is the enterprise page's M3 part: its cadre and its
// commitment letter and prevention plan, with the forms to change them.
type paperworkSection struct {
	USCC, CSRF string
	Notice     string
	// The cadre.
	Pairing   pairing.Pairing
	SinceText string
	CanPair   bool
	Cadres    []pairing.Cadre
	PairInput string
	PairError string
	// The documents.
	Kinds     []documentKind
	CanRecord bool
	Today     string
	Form      documents.Upload // a refused upload's fields, shown again
	Errors    map[string]string
}

type documentKind struct {
	Kind, Name string
	Current    *documents.Document
	History    []replacedDocument // newest first
}

type replacedDocument struct {
	documents.Document
	ReplacedText string
}

// paperwork builds the section for an enterprise already read in scope.
func (s *Server) paperwork(r *http.Request, ss *session, e registry.Enterprise) (*paperworkSection, error) {
	ctx, a := r.Context(), ss.actor()
	p := &paperworkSection{USCC: e.USCC, CSRF: account.CSRFToken(ss.token), CanPair: pairing.CanPair(a), CanRecord: documents.CanRecord(a),
		Today: s.Documents.Now().In(fugong.Location).Format(documents.DateLayout), Form: documents.Upload{Kind: documents.KindLetter}}
	var err error
	if p.Pairing, err = s.Pairing.Get(ctx, a, e.USCC); err != nil {
		return nil, err
	}
	if p.Pairing.Since != nil {
		p.SinceText = p.Pairing.Since.In(fugong.Location).Format("2006-01-02")
	}
	if p.CanPair {
		if p.Cadres, err = s.Pairing.Cadres(ctx, a); err != nil {
			return nil, err
		}
	}
	docs, err := s.Documents.List(ctx, a, e.USCC)
	if err != nil {
		return nil, err
	}
	for _, k := range documents.Kinds {
		dk := documentKind{Kind: k, Name: documents.KindNames[k]}
		for _, d := range docs {
			switch {
			case d.Kind != k:
			case d.Current:
				dk.Current = &d
			default:
				dk.History = append(dk.History, replacedDocument{d, d.ReplacedAt.In(fugong.Location).Format("2006-01-02 15:04")})
			}
		}
		p.Kinds = append(p.Kinds, dk)
	}
	// The form offers first the paper still missing.
	for i := len(p.Kinds) - 1; i >= 0; i-- {
		if p.Kinds[i].Current == nil {
			p.Form.Kind = p.Kinds[i].Kind
		}
	}
	switch q := r.URL.Query(); {
	case q.Get("paired") == "1":
		p.Notice = "已结对干部。"
	case q.Get("unpaired") == "1":
		p.Notice = "已解除干部结对。"
	case q.Get("document") != "":
		p.Notice = documents.KindNames[q.Get("document")] + "已上传。"
	}
	return p, nil
}

// paperworkFailed shows the enterprise page again with a refused form of its
// M3 section: edit puts the form's input and errors back. Errors that are no
// form's to show (out of scope, not allowed, internal) render as an error.
func (s *Server) paperworkFailed(w http.ResponseWriter, r *http.Request, ss *session, uscc string, err error, edit func(*paperworkSection)) error {
	switch fugong.ErrorCode(err) {
	case fugong.EInvalid, fugong.EConflict, fugong.ETooLarge:
	default:
		return err
	}
	e, gerr := s.Registry.Get(r.Context(), ss.actor(), uscc)
	if gerr != nil {
		return gerr
	}
	p := enterprisePage{basePage: s.base(ss, e.Name, "/enterprises"), E: e, CanEdit: registry.CanEditSome(ss.actor())}
	if p.Paperwork, gerr = s.paperwork(r, ss, e); gerr != nil {
		return gerr
	}
	edit(p.Paperwork)
	s.render(w, r, statusOf[fugong.ErrorCode(err)], "enterprise", p)
	return nil
}

func (s *Server) documentUpload(w http.ResponseWriter, r *http.Request, ss *session) error {
	uscc := r.PathValue("uscc")
	u, err := documentUpload(r)
	if err == nil {
		var d documents.Document
		if d, err = s.Documents.Add(r.Context(), ss.actor(), uscc, u); err == nil {
			http.Redirect(w, r, "/enterprises/"+url.PathEscape(uscc)+"?document="+d.Kind+"#documents", http.StatusSeeOther)
			return nil
		}
	}
	bad := map[string]string{}
	if e := fugong.AsError(err); e != nil {
		for _, p := range e.Problems {
			if _, seen := bad[p.Field]; !seen {
				bad[p.Field] = p.Message
			}
		}
		if len(bad) == 0 {
			bad[formField(e.Field)] = e.Message
		}
	}
	return s.paperworkFailed(w, r, ss, uscc, err, func(p *paperworkSection) {
		p.Form, p.Errors = documents.Upload{Kind: u.Kind, SignedOn: u.SignedOn}, bad
	})
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
	basePage
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

func (s *Server) documentsMissingPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	a := ss.actor()
	q := r.URL.Query()
	p := documentsMissingPage{basePage: s.base(ss, "承诺书与防控预案", "/documents/missing"), TownChoices: townsFor(a), Page: 1,
		KindChoices: []kindChoice{{"", "缺任一份"}, {documents.KindLetter, "缺承诺书"}, {documents.KindPlan, "缺防控预案"}},
		TownTotal:   documents.TownCount{TownName: "合计"}}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		p.Town = t.Code
	}
	if _, ok := documents.KindNames[q.Get("kind")]; ok {
		p.Kind = q.Get("kind")
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	l, err := s.Documents.Missing(r.Context(), a, p.Town, p.Kind, p.Page, registry.DefaultPerPage)
	if err != nil {
		return err
	}
	p.Towns, p.Total = l.Towns, l.Total
	for _, t := range l.Towns {
		p.TownTotal.Total += t.Total
		p.TownTotal.Missing += t.Missing
		p.TownTotal.NoLetter += t.NoLetter
		p.TownTotal.NoPlan += t.NoPlan
	}
	for _, m := range l.Items {
		row := missingDocRow{Missing: m}
		for _, k := range documents.Kinds {
			if slices.Contains(m.Missing, k) {
				row.Lacks = append(row.Lacks, documents.KindNames[k])
			}
		}
		p.Items = append(p.Items, row)
	}
	p.Pages = (l.Total + l.PerPage - 1) / l.PerPage
	v := url.Values{}
	if p.Town != "" {
		v.Set("town", p.Town)
	}
	if p.Kind != "" {
		v.Set("kind", p.Kind)
	}
	p.Query = template.URL(v.Encode())
	s.render(w, r, http.StatusOK, "documents_missing", p)
	return nil
}

func (s *Server) documentsMissingExport(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.missingDocumentsExport(w, r, ss.actor())
}
