package pairing

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/pairing"
	"fugong/registry"
	"fugong/web"
)

// The pages (M3, 结对管理): the enterprises without a cadre with the
// counts per town, pairing them, the visit interval; the bulk load; and
// the cadre forms of the enterprise page.

type pairingsPage struct {
	web.Base
	Pager    web.Pager
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

func (m *module) pairingsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showPairings(w, r, ss, http.StatusOK, func(*pairingsPage) {})
}

// showPairings renders 结对管理 for the filters in the query; edit sets what
// a refused form shows again.
func (m *module) showPairings(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, edit func(*pairingsPage)) error {
	a := ss.Actor()
	if !pairing.CanSeeCadres(a) {
		return fugong.NotFound("页面")
	}
	q := r.URL.Query()
	p := pairingsPage{Base: ss.Base("结对管理", "/pairings"), CanPair: pairing.CanPair(a), IsAdmin: pairing.CanSetVisitInterval(a),
		TownChoices: web.TownsFor(a), TownTotal: townPairing{TownCount: pairing.TownCount{TownName: "合计"}}}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		p.Town = t.Code
	}
	pg := web.PageOf(r, registry.DefaultPerPage)
	p.Page = pg.Page
	var err error
	if p.Interval, err = m.svc.VisitInterval(r.Context()); err != nil {
		return err
	}
	p.IntervalInput = strconv.Itoa(p.Interval)
	l, err := m.svc.Unpaired(r.Context(), a, p.Town, pg.Page, pg.PerPage)
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
	p.Pages = pg.Pages(l.Total)
	p.Pager = pg.PagerAt("/pairings", q, l.Total)
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
	ss.Render(w, r, status, "pairings", p)
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

func (m *module) pairingsPair(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	f := pairForm{USCC: strings.TrimSpace(r.PostFormValue("uscc")), Username: strings.TrimSpace(r.PostFormValue("username"))}
	back := backToPairings(r)
	// The field takes a firm's exact name too (the picker's label).
	uscc, err := m.svc.Registry.Resolve(r.Context(), ss.Actor(), "uscc", f.USCC)
	var p pairing.Pairing
	if err == nil {
		p, err = m.svc.Pair(r.Context(), ss.Actor(), uscc, f.Username)
	}
	if err == nil {
		back.Set("paired", p.EnterpriseName)
		return web.SeeOther(w, r, "/pairings?"+back.Encode())
	}
	// Any refusal, out of scope included, is the list again with the reason.
	e := fugong.AsError(err)
	if e == nil || e.Code == fugong.EInternal {
		return err
	}
	r.URL.RawQuery = back.Encode()
	return m.showPairings(w, r, ss, web.Status(e.Code), func(p *pairingsPage) {
		p.Form, p.FormError = f, "未能结对："+e.Message
	})
}

func (m *module) pairingsInterval(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !pairing.CanSetVisitInterval(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	in := strings.TrimSpace(web.HalfWidth(r.PostFormValue("days")))
	days, err := pairing.ParseVisitInterval(in)
	if err == nil {
		err = m.svc.SetVisitInterval(r.Context(), ss.Actor(), days)
	}
	if err == nil {
		return web.SeeOther(w, r, "/pairings?interval=saved")
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showPairings(w, r, ss, f.Status, func(p *pairingsPage) {
		p.IntervalInput, p.IntervalError = in, f.Fields["days"]
	})
}

func (m *module) pairingsExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.unpairedExport(w, r, ss.Actor())
}

type pairingImportPage struct {
	web.Base
	Done   bool
	Result pairing.SaveResult
	Rows   []registry.RowError
	Error  string
}

func (m *module) pairingImportPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !pairing.CanPair(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	ss.Render(w, r, http.StatusOK, "pairing_import", pairingImportPage{Base: ss.Base("批量导入结对", "/pairings")})
	return nil
}

func (m *module) pairingImport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !pairing.CanPair(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	p := pairingImportPage{Base: ss.Base("批量导入结对", "/pairings")}
	res, err := m.importPairings(w, r, ss.Actor())
	rows, msg, status, internal := web.ImportOutcome(err)
	if internal != nil {
		return internal
	}
	if rows != nil {
		msg = "文件有错误，未导入任何结对。请按下表修改后重新上传。"
	}
	p.Rows, p.Error = rows, msg
	p.Done, p.Result = err == nil, res
	ss.Render(w, r, status, "pairing_import", p)
	return nil
}

// enterprisePair pairs from the enterprise page and goes back to it.
func (m *module) enterprisePair(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	uscc := r.PathValue("uscc")
	username := strings.TrimSpace(r.PostFormValue("username"))
	_, err := m.svc.Pair(r.Context(), ss.Actor(), uscc, username)
	if err == nil {
		return web.SeeOther(w, r, web.EnterprisePath(uscc)+"?paired=1#cadre")
	}
	return m.cadreRefused(w, r, ss, uscc, username, err)
}

func (m *module) enterpriseUnpair(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	uscc := r.PathValue("uscc")
	if !web.Confirmed(r) {
		// Ending a pairing leaves the firm without its cadre: ask first.
		e, err := m.svc.UnpairTarget(r.Context(), ss.Actor(), uscc)
		if err != nil {
			return err
		}
		ss.Confirm(w, r, "/pairings", web.Confirm{Heading: "解除 " + e.Name + " 的干部结对",
			Lines:  []string{"解除后该企业没有驻企干部，干部不再看到这家企业，直到重新结对。"},
			Action: r.URL.Path, Cancel: web.EnterprisePath(uscc) + "#cadre", Button: "确认解除结对", Danger: true})
		return nil
	}
	if err := m.svc.Unpair(r.Context(), ss.Actor(), uscc); err != nil {
		return err
	}
	return web.SeeOther(w, r, web.EnterprisePath(uscc)+"?unpaired=1#cadre")
}
