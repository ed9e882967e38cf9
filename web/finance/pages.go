package finance

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/finance"
	"fugong/registry"
	"fugong/web"
)

// The pages (M9, finance support): applications in batches, loans with
// the interest-subsidy calculator, the smart-transformation calculator,
// the policy catalogue with its grants and totals, the LPR table.

// yuan writes an amount with thousands separators: 1,234,567.89.
func yuan(f finance.Fen) string {
	s := f.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String() + "." + frac
	}
	return b.String() + "." + frac
}

func townName(code string) string {
	if t, ok := registry.TownByCode(code); ok {
		return t.Name
	}
	return code
}

// ---- Applications -----------------------------------------------------------

type appRow struct {
	finance.Application
	StatusName, TownName string
	Next                 []statusChoice
}

type statusChoice struct {
	Value, Label string
}

type batchView struct {
	finance.Batch
	Approved, Pending, Rejected int
	Rows                        []appRow
}

type applicationsView struct {
	web.Base
	CanManage bool
	Batches   []batchView
	Form      applicationInput
	FormBatch string
	Errors    map[string]string
	Error, OK string
}

var moveLabels = map[finance.Status]string{finance.Recommended: "推荐", finance.Approved: "入选", finance.Rejected: "未通过"}

func (m *module) applicationsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showApplications(w, r, ss, http.StatusOK, applicationInput{Batch: 2}, nil, "")
}

func (m *module) showApplications(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, form applicationInput,
	errs map[string]string, msg string) error {
	a := ss.Actor()
	apps, err := m.svc.Applications(r.Context(), a, 0)
	if err != nil {
		return err
	}
	p := applicationsView{Base: ss.Base("金融支持", "/finance"), CanManage: finance.CanManage(a), Form: form,
		FormBatch: strconv.Itoa(form.Batch), Errors: errs, Error: msg, OK: r.URL.Query().Get("ok")}
	at := map[int]int{}
	for _, b := range finance.Batches(apps) {
		at[b.Batch] = len(p.Batches)
		p.Batches = append(p.Batches, batchView{Batch: b, Approved: b.ByStatus[finance.Approved],
			Pending: b.ByStatus[finance.Submitted] + b.ByStatus[finance.Recommended], Rejected: b.ByStatus[finance.Rejected]})
	}
	for _, app := range apps {
		row := appRow{Application: app, StatusName: finance.StatusNames[app.Status], TownName: townName(app.Town)}
		for _, s := range app.Status.Next() {
			row.Next = append(row.Next, statusChoice{string(s), moveLabels[s]})
		}
		bv := &p.Batches[at[app.Batch]]
		bv.Rows = append(bv.Rows, row)
	}
	ss.Render(w, r, status, "finance", p)
	return nil
}

func (m *module) applyPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	in := applicationInput{USCC: strings.TrimSpace(r.PostFormValue("uscc")), Note: r.PostFormValue("note")}
	in.Batch, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("batch")))
	// The field takes a firm's exact name too (the picker's label).
	uscc, err := m.svc.Registry.Resolve(r.Context(), a, "uscc", in.USCC)
	var app finance.Application
	if err == nil {
		app, err = m.svc.Apply(r.Context(), a, finance.Application{USCC: uscc, Batch: in.Batch, Note: in.Note})
	}
	if err == nil {
		return web.SeeOther(w, r, "/finance?"+url.Values{"ok": {fmt.Sprintf("已登记%s的第%d批申报。", app.Name, app.Batch)}}.Encode())
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showApplications(w, r, ss, f.Status, in, f.Fields, f.Message)
}

func (m *module) movePost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	id, err := web.PathID(r, "申报")
	if err != nil {
		return err
	}
	app, err := m.svc.Move(r.Context(), a, id, finance.Status(r.PostFormValue("status")), r.PostFormValue("note"))
	if err == nil {
		return web.SeeOther(w, r, "/finance?"+url.Values{"ok": {fmt.Sprintf("%s：%s。", app.Name, finance.StatusNames[app.Status])}}.Encode())
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showApplications(w, r, ss, f.Status, applicationInput{Batch: 2}, nil, f.Message)
}

// ---- Loans and the calculator -------------------------------------------------

type loanRow struct {
	finance.LoanRecord
	TownName, Principal, Interest, SubsidyAmount string
}

type calcView struct {
	Principal, Rate, Date, Days string
	Result                      *finance.Subsidy
	Interest, SubsidyAmount     string
	NetInterest                 string
	Errors                      map[string]string
}

type loansView struct {
	web.Base
	CanManage bool
	Calc      calcView
	Loans     []loanRow
	AboveCap  int
	Form      loanForm
	Errors    map[string]string
	Error, OK string
}

type loanForm struct {
	USCC, Lender, Principal, Rate, Date, Days string
}

func (m *module) loansPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showLoans(w, r, ss, http.StatusOK, loanForm{Date: "2020-02-20", Days: "360"}, nil, "")
}

func (m *module) showLoans(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, form loanForm, errs map[string]string, msg string) error {
	a := ss.Actor()
	loans, err := m.svc.Loans(r.Context(), a)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := loansView{Base: ss.Base("专项再贷款与贴息", "/finance"), CanManage: finance.CanManage(a), Form: form, Errors: errs, Error: msg,
		OK: q.Get("ok"), Calc: calcView{Principal: q.Get("principal"), Rate: q.Get("rate"), Date: q.Get("date"), Days: q.Get("days")}}
	for _, l := range loans {
		p.Loans = append(p.Loans, loanRow{LoanRecord: l, TownName: townName(l.Town), Principal: yuan(l.Subsidy.Principal),
			Interest: yuan(l.Subsidy.Interest), SubsidyAmount: yuan(l.Subsidy.SubsidyAmount)})
		if l.Subsidy.AboveCap {
			p.AboveCap++
		}
	}
	if q.Get("principal") != "" || q.Get("rate") != "" {
		l, err := loanQuery(r)
		if err == nil {
			var s finance.Subsidy
			if s, err = m.svc.Interest(r.Context(), a, l); err == nil {
				p.Calc.Result = &s
				p.Calc.Interest, p.Calc.SubsidyAmount, p.Calc.NetInterest = yuan(s.Interest), yuan(s.SubsidyAmount), yuan(s.NetInterest)
			}
		}
		if err != nil {
			if p.Calc.Errors, err = web.FieldErrors(err); err != nil {
				return err
			}
		}
	} else {
		p.Calc.Principal, p.Calc.Rate, p.Calc.Date, p.Calc.Days = "10000000", "3.15", "2020-01-25", "360"
	}
	ss.Render(w, r, status, "finance_loans", p)
	return nil
}

func (m *module) loanPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	f := loanForm{USCC: strings.TrimSpace(r.PostFormValue("uscc")), Lender: r.PostFormValue("lender"),
		Principal: strings.TrimSpace(web.HalfWidth(r.PostFormValue("principal"))), Rate: strings.TrimSpace(web.HalfWidth(r.PostFormValue("rate"))),
		Date: strings.TrimSpace(r.PostFormValue("date")), Days: strings.TrimSpace(web.HalfWidth(r.PostFormValue("days")))}
	var ps []fugong.Problem
	numberOf := func(field, v, label string) float64 {
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil {
			ps = append(ps, fugong.Problem{Field: field, Message: label + "应为数字"})
		}
		return n
	}
	uscc, err := m.svc.Registry.Resolve(r.Context(), a, "uscc", f.USCC)
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EInvalid {
		ps = append(ps, fugong.Problem{Field: e.Field, Message: e.Message})
	} else if err != nil {
		return err
	}
	in := finance.LoanInput{USCC: uscc, Lender: f.Lender, Loan: finance.Loan{PrincipalYuan: numberOf("principal_yuan", f.Principal, "贷款本金（元）"),
		RatePercent: numberOf("rate", f.Rate, "贷款年利率（%）"), Date: f.Date}}
	days, err := strconv.Atoi(f.Days)
	if err != nil {
		ps = append(ps, fugong.Problem{Field: "days", Message: "贷款天数应为整数"})
	}
	in.Days = days
	err = fugong.Invalid(ps)
	if err == nil {
		var l finance.LoanRecord
		if l, err = m.svc.AddLoan(r.Context(), a, in); err == nil {
			msg := fmt.Sprintf("已登记%s的贷款。", l.Name)
			if l.Subsidy.AboveCap {
				msg = fmt.Sprintf("已登记%s的贷款；利率 %s%% 高于上限 %s%%，不享受贴息。", l.Name, l.Subsidy.Rate, l.Subsidy.RateCap)
			}
			return web.SeeOther(w, r, "/finance/loans?"+url.Values{"ok": {msg}}.Encode())
		}
	}
	fe, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showLoans(w, r, ss, fe.Status, f, fe.Fields, fe.Message)
}

// ---- Smart-transformation subsidy --------------------------------------------

type smartView struct {
	web.Base
	Base4, Investment     string
	Result                *finance.SmartSubsidy
	Rule                  finance.SmartRule
	Extra, Total, BaseAmt string
	Errors                map[string]string
}

func (m *module) smartPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	q := r.URL.Query()
	p := smartView{Base: ss.Base("智能化改造补助", "/finance"), Base4: q.Get("base"), Investment: q.Get("investment")}
	rule, err := m.svc.SmartRule(r.Context())
	if err != nil {
		return err
	}
	p.Rule = rule
	if p.Base4 != "" || p.Investment != "" {
		var ps []fugong.Problem
		in := finance.SmartInput{BaseYuan: queryNumber(r, "base", "基础补助（元）", &ps), InvestmentYuan: queryNumber(r, "investment", "实际投资额（元）", &ps)}
		err := fugong.Invalid(ps)
		if err == nil {
			var s finance.SmartSubsidy
			if s, _, err = m.svc.Smart(r.Context(), a, in); err == nil {
				p.Result, p.Extra, p.Total, p.BaseAmt = &s, yuan(s.Extra), yuan(s.Total), yuan(s.Base)
			}
		}
		if err != nil {
			if p.Errors, err = web.FieldErrors(err); err != nil {
				return err
			}
		}
	} else {
		p.Base4, p.Investment = "500000", "80000000"
	}
	ss.Render(w, r, http.StatusOK, "finance_smart", p)
	return nil
}

// ---- Policies and grants -------------------------------------------------------

type totalRow struct {
	finance.GrantTotal
	Amount string
}

type grantRow struct {
	finance.Grant
	TownName, Amount string
}

type policiesView struct {
	web.Base
	Pager                                web.Pager
	CanManage                            bool
	Policies                             []finance.Policy
	All                                  totalRow
	ByPolicy, ByArticle, ByTown, ByClass []totalRow
	Grants                               []grantRow
	Total, Page, Pages                   int
	Query                                template.URL
	Town                                 string
	TownChoices                          []registry.Town
	PolicyForm                           policyInput
	GrantForm                            grantForm
	Errors                               map[string]string
	Error, OK                            string
}

type grantForm struct {
	USCC, Article, Amount, Date, Note string
}

func totalRows(ts []finance.GrantTotal) []totalRow {
	out := make([]totalRow, len(ts))
	for i, t := range ts {
		out[i] = totalRow{t, yuan(t.Amount)}
	}
	return out
}

func (m *module) policiesPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showPolicies(w, r, ss, http.StatusOK, policyInput{}, grantForm{Date: "2020-03-01"}, nil, "")
}

func (m *module) showPolicies(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, pf policyInput, gf grantForm,
	errs map[string]string, msg string) error {
	a := ss.Actor()
	ctx := r.Context()
	pols, err := m.svc.Policies(ctx, a)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := policiesView{Base: ss.Base("政策兑现", "/finance"), CanManage: finance.CanManage(a), Policies: pols, PolicyForm: pf, GrantForm: gf,
		Errors: errs, Error: msg, OK: q.Get("ok"), TownChoices: web.TownsFor(a)}
	f := finance.GrantFilter{}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		f.Town, p.Town = t.Code, t.Code
	}
	tot, err := m.svc.GrantTotals(ctx, a, f)
	if err != nil {
		return err
	}
	p.All = totalRow{tot.All, yuan(tot.All.Amount)}
	p.ByPolicy, p.ByArticle, p.ByTown, p.ByClass = totalRows(tot.ByPolicy), totalRows(tot.ByArticle), totalRows(tot.ByTown), totalRows(tot.ByClass)
	pg := web.PageOf(r, registry.DefaultPerPage)
	f.Page, f.PerPage = pg.Page, pg.PerPage
	gs, total, err := m.svc.Grants(ctx, a, f)
	if err != nil {
		return err
	}
	for _, g := range gs {
		p.Grants = append(p.Grants, grantRow{Grant: g, TownName: townName(g.Town), Amount: yuan(g.Amount)})
	}
	p.Total, p.Page, p.Pages = total, pg.Page, pg.Pages(total)
	p.Pager = pg.PagerAt("/finance/policies", q, total)
	p.Query = template.URL(url.Values{"town": {p.Town}}.Encode())
	ss.Render(w, r, status, "finance_policies", p)
	return nil
}

func (m *module) policyPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	in := policyInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), IssuedOn: strings.TrimSpace(r.PostFormValue("issued_on"))}
	p, err := m.svc.AddPolicy(r.Context(), a, finance.Policy{Code: in.Code, Name: in.Name, IssuedOn: in.IssuedOn})
	if err == nil {
		return web.SeeOther(w, r, "/finance/policies?"+url.Values{"ok": {"已添加政策“" + p.Name + "”。"}}.Encode())
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showPolicies(w, r, ss, f.Status, in, grantForm{}, f.Fields, f.Message)
}

func (m *module) articlePost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	id, err := web.PathID(r, "政策")
	if err != nil {
		return err
	}
	no, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("no")))
	ar, err := m.svc.AddArticle(r.Context(), a, finance.Article{Policy: id, No: no, Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary")})
	if err == nil {
		return web.SeeOther(w, r, "/finance/policies?"+url.Values{"ok": {fmt.Sprintf("已添加第 %d 条。", ar.No)}}.Encode())
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showPolicies(w, r, ss, f.Status, policyInput{}, grantForm{}, nil, "条款未添加："+f.Message)
}

func (m *module) grantPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	gf := grantForm{USCC: strings.TrimSpace(r.PostFormValue("uscc")), Article: r.PostFormValue("article_id"),
		Amount: strings.TrimSpace(web.HalfWidth(r.PostFormValue("amount_yuan"))), Date: strings.TrimSpace(r.PostFormValue("date")), Note: r.PostFormValue("note")}
	in := finance.GrantInput{Date: gf.Date, Note: gf.Note}
	in.Article, _ = strconv.ParseInt(gf.Article, 10, 64)
	var ps []fugong.Problem
	uscc, err := m.svc.Registry.Resolve(r.Context(), a, "uscc", gf.USCC)
	if e := fugong.AsError(err); e != nil && e.Code == fugong.EInvalid {
		ps = append(ps, fugong.Problem{Field: e.Field, Message: e.Message})
	} else if err != nil {
		return err
	}
	in.USCC = uscc
	if in.AmountYuan, err = strconv.ParseFloat(strings.ReplaceAll(gf.Amount, ",", ""), 64); err != nil {
		ps = append(ps, fugong.Problem{Field: "amount_yuan", Message: "兑现金额（元）应为数字"})
	}
	err = fugong.Invalid(ps)
	if err == nil {
		var g finance.Grant
		if g, err = m.svc.Grant(r.Context(), a, in); err == nil {
			return web.SeeOther(w, r, "/finance/policies?"+url.Values{"ok": {fmt.Sprintf("已登记%s兑现 %s 元。", g.Name, yuan(g.Amount))}}.Encode())
		}
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.showPolicies(w, r, ss, f.Status, policyInput{}, gf, f.Fields, f.Message)
}

// ---- LPR ---------------------------------------------------------------------

type lprView struct {
	web.Base
	Table finance.LPRTable
	Text  string
	Saved bool
	Error string
}

func lprText(t finance.LPRTable) string {
	var b strings.Builder
	for _, q := range t {
		fmt.Fprintf(&b, "%s %s\n", q.Date, q.Rate)
	}
	return b.String()
}

func (m *module) lprPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !finance.CanKeepRates(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	t, err := m.svc.LPRTable(r.Context())
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "finance_lpr", lprView{Base: ss.Base("贷款市场报价利率（LPR）", "/finance"), Table: t, Text: lprText(t),
		Saved: r.URL.Query().Get("saved") == "1"})
	return nil
}

func (m *module) lprPost(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !finance.CanKeepRates(a) {
		return fugong.NotFound("页面")
	}
	text := r.PostFormValue("table")
	var t finance.LPRTable
	var bad string
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		f := strings.Fields(web.HalfWidth(line))
		if len(f) == 0 {
			continue
		}
		rate, err := strconv.ParseFloat(strings.TrimSuffix(f[len(f)-1], "%"), 64)
		if len(f) != 2 || err != nil {
			bad = fmt.Sprintf("第 %d 行应为“日期 利率”，如 2020-04-20 3.85", i+1)
			break
		}
		r, msg := finance.ParseRate(rate)
		if msg != "" {
			bad = fmt.Sprintf("第 %d 行：LPR %s", i+1, msg)
			break
		}
		t = append(t, finance.LPRQuote{Date: f[0], Rate: r})
	}
	var err error
	if bad == "" {
		if t == nil {
			t = finance.LPRTable{}
		}
		if _, err = m.svc.SaveLPRTable(r.Context(), a, t); err == nil {
			return web.SeeOther(w, r, "/finance/lpr?saved=1")
		}
		fe, ferr := web.FormError(err)
		if ferr != nil {
			return ferr
		}
		bad = fe.Message
	}
	cur, err := m.svc.LPRTable(r.Context())
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusBadRequest, "finance_lpr", lprView{Base: ss.Base("贷款市场报价利率（LPR）", "/finance"), Table: cur, Text: text,
		Error: "未保存：" + bad})
	return nil
}
