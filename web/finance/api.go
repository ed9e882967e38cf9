package finance

import (
	"net/http"
	"strconv"
	"strings"

	"fugong"
	"fugong/finance"
	"fugong/web"
)

// The API (M9, finance support): the calculators, the LPR table,
// applications, loans, policies and grants.

// queryNumber reads a required number from the query; label names it in
// the error.
func queryNumber(r *http.Request, name, label string, ps *[]fugong.Problem) float64 {
	v := strings.TrimSpace(web.HalfWidth(r.URL.Query().Get(name)))
	if v == "" {
		*ps = append(*ps, fugong.Problem{Field: name, Message: "请填写" + label})
		return 0
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	if err != nil {
		*ps = append(*ps, fugong.Problem{Field: name, Message: label + "应为数字"})
	}
	return n
}

// loanQuery reads the calculator's loan: ?principal=&rate=&date=&days=.
func loanQuery(r *http.Request) (finance.Loan, error) {
	var ps []fugong.Problem
	l := finance.Loan{PrincipalYuan: queryNumber(r, "principal", "贷款本金（元）", &ps), RatePercent: queryNumber(r, "rate", "贷款年利率（%）", &ps),
		Date: strings.TrimSpace(r.URL.Query().Get("date"))}
	days := queryNumber(r, "days", "贷款天数", &ps)
	if days != float64(int(days)) {
		ps = append(ps, fugong.Problem{Field: "days", Message: "贷款天数应为整数"})
	}
	l.Days = int(days)
	if l.Date == "" {
		ps = append(ps, fugong.Problem{Field: "date", Message: "请填写放款日期"})
	}
	return l, fugong.Invalid(ps)
}

func (m *module) apiInterest(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	l, err := loanQuery(r)
	if err != nil {
		return err
	}
	s, err := m.svc.Interest(r.Context(), a, l)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

type smartJSON struct {
	finance.SmartSubsidy
	Rule finance.SmartRule `json:"rule"`
}

func (m *module) apiSmart(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	var ps []fugong.Problem
	in := finance.SmartInput{BaseYuan: queryNumber(r, "base", "基础补助（元）", &ps), InvestmentYuan: queryNumber(r, "investment", "实际投资额（元）", &ps)}
	if err := fugong.Invalid(ps); err != nil {
		return err
	}
	s, rule, err := m.svc.Smart(r.Context(), a, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, smartJSON{s, rule})
	return nil
}

func (m *module) apiGetLPR(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if !finance.CanRead(a) {
		return fugong.NotFound("页面")
	}
	t, err := m.svc.LPRTable(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(t))
	return nil
}

type lprInput struct {
	Items finance.LPRTable `json:"items"`
}

func (m *module) apiPutLPR(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in lprInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Items == nil {
		in.Items = finance.LPRTable{}
	}
	t, err := m.svc.SaveLPRTable(r.Context(), a, in.Items)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(t))
	return nil
}

type applicationsJSON struct {
	Batches []finance.Batch       `json:"batches"`
	Items   []finance.Application `json:"items"`
	Total   int                   `json:"total"`
}

func (m *module) apiApplications(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	batch, err := web.QueryInt(r, "batch")
	if err != nil {
		return err
	}
	apps, err := m.svc.Applications(r.Context(), a, batch)
	if err != nil {
		return err
	}
	all := apps
	if batch != 0 {
		if all, err = m.svc.Applications(r.Context(), a, 0); err != nil {
			return err
		}
	}
	web.WriteJSON(w, http.StatusOK, applicationsJSON{Batches: finance.Batches(all), Items: apps, Total: len(apps)})
	return nil
}

type applicationInput struct {
	USCC  string `json:"uscc"`
	Batch int    `json:"batch"`
	Note  string `json:"note"`
}

func (m *module) apiApply(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in applicationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := m.svc.Apply(r.Context(), a, finance.Application{USCC: in.USCC, Batch: in.Batch, Note: in.Note})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, app)
	return nil
}

type moveInput struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

func (m *module) apiMove(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in moveInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := web.PathID(r, "申报")
	if err != nil {
		return err
	}
	app, err := m.svc.Move(r.Context(), a, id, finance.Status(in.Status), in.Note)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, app)
	return nil
}

type loansJSON struct {
	Items    []finance.LoanRecord `json:"items"`
	Total    int                  `json:"total"`
	AboveCap int                  `json:"above_cap"`
}

func (m *module) apiLoans(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	loans, err := m.svc.Loans(r.Context(), a)
	if err != nil {
		return err
	}
	out := loansJSON{Items: loans, Total: len(loans)}
	for _, l := range loans {
		if l.Subsidy.AboveCap {
			out.AboveCap++
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (m *module) apiAddLoan(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in finance.LoanInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := m.svc.AddLoan(r.Context(), a, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, l)
	return nil
}

func (m *module) apiPolicies(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	ps, err := m.svc.Policies(r.Context(), a)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(ps))
	return nil
}

type policyInput struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	IssuedOn string `json:"issued_on"`
}

func (m *module) apiAddPolicy(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in policyInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := m.svc.AddPolicy(r.Context(), a, finance.Policy{Code: in.Code, Name: in.Name, IssuedOn: in.IssuedOn})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

type articleInput struct {
	No      int    `json:"no"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

func (m *module) apiAddArticle(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in articleInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := web.PathID(r, "政策")
	if err != nil {
		return err
	}
	ar, err := m.svc.AddArticle(r.Context(), a, finance.Article{Policy: id, No: in.No, Title: in.Title, Summary: in.Summary})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, ar)
	return nil
}

// grantFilter reads the grants' filters.
func grantFilter(r *http.Request) (finance.GrantFilter, error) {
	q := r.URL.Query()
	f := finance.GrantFilter{Town: q.Get("town"), USCC: q.Get("uscc")}
	for name, to := range map[string]*int64{"policy": &f.Policy, "article": &f.Article} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return f, fugong.Errorf(fugong.EInvalid, name, "%s 应为正整数", name)
			}
			*to = n
		}
	}
	return f, nil
}

func (m *module) apiGrants(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	f, err := grantFilter(r)
	if err != nil {
		return err
	}
	pg = pg.Echo()
	f.Page, f.PerPage = pg.Page, pg.PerPage
	items, total, err := m.svc.Grants(r.Context(), a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

func (m *module) apiGrant(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in finance.GrantInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := m.svc.Grant(r.Context(), a, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (m *module) apiGrantTotals(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	f, err := grantFilter(r)
	if err != nil {
		return err
	}
	t, err := m.svc.GrantTotals(r.Context(), a, f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, t)
	return nil
}
