package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/pairing"
	"fugong/registry"
)

// pairingPages are 结对管理 (the enterprises without a cadre, pairing them,
// the visit interval), the bulk load, and the pairing forms of the
// enterprise page.
func (s *Server) pairingPages(mux *routeList) {
	mux.Handle("GET /pairings", s.ui(s.pairingsPage))
	mux.Handle("POST /pairings", s.ui(s.pairingsPair))
	mux.Handle("POST /pairings/interval", s.ui(s.pairingsInterval))
	mux.Handle("GET /pairings/unpaired/export", s.ui(s.pairingsExport))
	mux.Handle("GET /pairings/import", s.ui(s.pairingImportPage))
	mux.Handle("POST /pairings/import", s.ui(s.pairingImport))
	mux.Handle("POST /enterprises/{uscc}/cadre", s.ui(s.enterprisePair))
	mux.Handle("POST /enterprises/{uscc}/cadre/delete", s.ui(s.enterpriseUnpair))
}

// paperworkNav are the M3 pages of the menu the user can use (承诺书/预案,
// 701, is the documents module's).
func paperworkNav(a fugong.Actor) []navItem {
	var items []navItem
	if pairing.CanSeeCadres(a) {
		items = append(items, navItem{"/pairings", "结对管理"})
	}
	return items
}

type pairingsPage struct {
	basePage
	CanPair  bool
	IsAdmin  bool
	Interval int
	// IntervalInput and IntervalError are a refused interval, shown again.
	IntervalInput string
	IntervalError string
	Towns         []townPairing
	TownTotal     townPairing
	Town          string // the town filter, a code or ""
	TownChoices   []registry.Town
	Items         []pairing.Unpaired
	Total         int
	Page, Pages   int
	Query         template.URL // the filters without the page
	Cadres        []pairing.Cadre
	// Form is a refused pairing, shown again with its error.
	Form      pairForm
	FormError string
	Done      string
}

type townPairing struct {
	pairing.TownCount
	Paired int
	Rate   string // share paired, "—" for a town without enterprises
}

type pairForm struct{ USCC, Username string }

func pairedRate(paired, total int) string {
	if total == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(paired)*100/float64(total), 'f', 1, 64) + "%"
}

func (s *Server) pairingsPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.showPairings(w, r, ss, http.StatusOK, func(*pairingsPage) {})
}

// showPairings renders 结对管理 for the filters in the query; edit sets what
// a refused form shows again.
func (s *Server) showPairings(w http.ResponseWriter, r *http.Request, ss *session, status int, edit func(*pairingsPage)) error {
	a := ss.actor()
	if !pairing.CanSeeCadres(a) {
		return fugong.NotFound("页面")
	}
	q := r.URL.Query()
	p := pairingsPage{basePage: s.base(ss, "结对管理", "/pairings"), CanPair: pairing.CanPair(a), IsAdmin: a.Role == fugong.RoleAdmin,
		TownChoices: townsFor(a), Page: 1, TownTotal: townPairing{TownCount: pairing.TownCount{TownName: "合计"}}}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		p.Town = t.Code
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	var err error
	if p.Interval, err = s.Pairing.VisitInterval(r.Context()); err != nil {
		return err
	}
	p.IntervalInput = strconv.Itoa(p.Interval)
	l, err := s.Pairing.Unpaired(r.Context(), a, p.Town, p.Page, registry.DefaultPerPage)
	if err != nil {
		return err
	}
	for _, t := range l.Towns {
		row := townPairing{TownCount: t, Paired: t.Total - t.Unpaired, Rate: pairedRate(t.Total-t.Unpaired, t.Total)}
		p.Towns = append(p.Towns, row)
		p.TownTotal.Total += t.Total
		p.TownTotal.Unpaired += t.Unpaired
	}
	p.TownTotal.Paired = p.TownTotal.Total - p.TownTotal.Unpaired
	p.TownTotal.Rate = pairedRate(p.TownTotal.Paired, p.TownTotal.Total)
	p.Items, p.Total = l.Items, l.Total
	p.Pages = (l.Total + l.PerPage - 1) / l.PerPage
	if p.CanPair {
		if p.Cadres, err = s.Pairing.Cadres(r.Context(), a); err != nil {
			return err
		}
	}
	v := url.Values{}
	if p.Town != "" {
		v.Set("town", p.Town)
	}
	p.Query = template.URL(v.Encode())
	if d := q.Get("paired"); d != "" {
		p.Done = "已为 " + d + " 结对干部。"
	}
	if q.Get("interval") == "saved" {
		p.Done = "走访间隔已保存。"
	}
	edit(&p)
	s.render(w, r, status, "pairings", p)
	return nil
}

// backToPairings is the list the user posted from, as a query.
func backToPairings(r *http.Request) url.Values {
	back := url.Values{}
	if t := r.PostFormValue("town"); t != "" {
		back.Set("town", t)
	}
	if pg := r.PostFormValue("page"); pg != "" {
		back.Set("page", pg)
	}
	return back
}

func (s *Server) pairingsPair(w http.ResponseWriter, r *http.Request, ss *session) error {
	f := pairForm{USCC: strings.TrimSpace(r.PostFormValue("uscc")), Username: strings.TrimSpace(r.PostFormValue("username"))}
	back := backToPairings(r)
	p, err := s.Pairing.Pair(r.Context(), ss.actor(), f.USCC, f.Username)
	if err == nil {
		back.Set("paired", p.EnterpriseName)
		http.Redirect(w, r, "/pairings?"+back.Encode(), http.StatusSeeOther)
		return nil
	}
	pe := s.publicError(r, err)
	if pe.Code == fugong.EInternal {
		return err
	}
	r.URL.RawQuery = back.Encode()
	return s.showPairings(w, r, ss, statusOf[pe.Code], func(p *pairingsPage) {
		p.Form, p.FormError = f, "未能结对："+pe.Message
	})
}

func (s *Server) pairingsInterval(w http.ResponseWriter, r *http.Request, ss *session) error {
	if ss.user.Role != fugong.RoleAdmin {
		return fugong.NotFound("页面")
	}
	in := strings.TrimSpace(toHalfWidth(r.PostFormValue("days")))
	days, err := pairing.ParseVisitInterval(in)
	if err == nil {
		err = s.Pairing.SetVisitInterval(r.Context(), ss.actor(), days)
	}
	if err == nil {
		http.Redirect(w, r, "/pairings?interval=saved", http.StatusSeeOther)
		return nil
	}
	bad, err := fieldErrors(err)
	if err != nil {
		return err
	}
	return s.showPairings(w, r, ss, http.StatusBadRequest, func(p *pairingsPage) {
		p.IntervalInput, p.IntervalError = in, bad["days"]
	})
}

func (s *Server) pairingsExport(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.unpairedExport(w, r, ss.actor())
}

type pairingImportPage struct {
	basePage
	Done   bool
	Result pairing.SaveResult
	Rows   []registry.RowError
	Error  string
}

func (s *Server) pairingImportPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !pairing.CanPair(ss.actor()) {
		return fugong.NotFound("页面")
	}
	s.render(w, r, http.StatusOK, "pairing_import", pairingImportPage{basePage: s.base(ss, "批量导入结对", "/pairings")})
	return nil
}

func (s *Server) pairingImport(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !pairing.CanPair(ss.actor()) {
		return fugong.NotFound("页面")
	}
	p := pairingImportPage{basePage: s.base(ss, "批量导入结对", "/pairings")}
	res, err := s.importPairings(r, ss.actor())
	rows, msg, status, internal := s.importOutcome(r, err)
	if internal != nil {
		return internal
	}
	if rows != nil {
		msg = "文件有错误，未导入任何结对。请按下表修改后重新上传。"
	}
	p.Rows, p.Error = rows, msg
	p.Done, p.Result = err == nil, res
	s.render(w, r, status, "pairing_import", p)
	return nil
}

// enterprisePair pairs from the enterprise page and goes back to it.
func (s *Server) enterprisePair(w http.ResponseWriter, r *http.Request, ss *session) error {
	uscc := r.PathValue("uscc")
	username := strings.TrimSpace(r.PostFormValue("username"))
	_, err := s.Pairing.Pair(r.Context(), ss.actor(), uscc, username)
	if err == nil {
		http.Redirect(w, r, "/enterprises/"+url.PathEscape(uscc)+"?paired=1#cadre", http.StatusSeeOther)
		return nil
	}
	return s.paperworkFailed(w, r, ss, uscc, err, func(p *paperworkSection) {
		p.PairInput, p.PairError = username, fugong.AsError(err).Message
	})
}

func (s *Server) enterpriseUnpair(w http.ResponseWriter, r *http.Request, ss *session) error {
	uscc := r.PathValue("uscc")
	if err := s.Pairing.Unpair(r.Context(), ss.actor(), uscc); err != nil {
		return err
	}
	http.Redirect(w, r, "/enterprises/"+url.PathEscape(uscc)+"?unpaired=1#cadre", http.StatusSeeOther)
	return nil
}
