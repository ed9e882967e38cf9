// Package finance is the web side of finance support and policy (M9):
// the key epidemic-prevention firms' applications in batches, the loans
// under the special re-lending with the interest-subsidy calculator, the
// smart-transformation subsidy calculator, the LPR table, and the policy
// catalogue with what each firm received (兑现). The rules are the package
// fugong/finance.
package finance

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/finance"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

type module struct {
	svc *finance.Service
}

// New is the finance module's web side over svc.
func New(svc *finance.Service) web.Module {
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
		Name:   "finance",
		Routes: m.routes(),
		Nav:    nav,
		SettingsLinks: []web.Link{{Href: "/finance/lpr", Label: "贷款市场报价利率（LPR）",
			Note: "专项再贷款利率上限 = 一年期 LPR − 100 个基点", Order: 510}},
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	const f = "/api/v1/finance"
	return []web.Route{
		{Method: "GET", Path: f + "/interest", API: m.apiInterest},
		{Method: "GET", Path: f + "/smart-subsidy", API: m.apiSmart},
		{Method: "GET", Path: f + "/lpr", API: m.apiGetLPR},
		{Method: "PUT", Path: f + "/lpr", API: m.apiPutLPR},
		{Method: "GET", Path: f + "/applications", API: m.apiApplications},
		{Method: "POST", Path: f + "/applications", API: m.apiApply},
		{Method: "POST", Path: f + "/applications/{id}/status", API: m.apiMove},
		{Method: "GET", Path: f + "/loans", API: m.apiLoans},
		{Method: "POST", Path: f + "/loans", API: m.apiAddLoan},
		{Method: "GET", Path: f + "/policies", API: m.apiPolicies},
		{Method: "POST", Path: f + "/policies", API: m.apiAddPolicy},
		{Method: "POST", Path: f + "/policies/{id}/articles", API: m.apiAddArticle},
		{Method: "GET", Path: f + "/grants", API: m.apiGrants},
		{Method: "POST", Path: f + "/grants", API: m.apiGrant},
		{Method: "GET", Path: f + "/grants/totals", API: m.apiGrantTotals},

		{Method: "GET", Path: "/finance", Page: m.applicationsPage},
		{Method: "POST", Path: "/finance/applications", Page: m.applyPost},
		{Method: "POST", Path: "/finance/applications/{id}/status", Page: m.movePost},
		{Method: "GET", Path: "/finance/loans", Page: m.loansPage},
		{Method: "POST", Path: "/finance/loans", Page: m.loanPost},
		{Method: "GET", Path: "/finance/smart", Page: m.smartPage},
		{Method: "GET", Path: "/finance/policies", Page: m.policiesPage},
		{Method: "POST", Path: "/finance/policies", Page: m.policyPost},
		{Method: "POST", Path: "/finance/policies/{id}/articles", Page: m.articlePost},
		{Method: "POST", Path: "/finance/grants", Page: m.grantPost},
		{Method: "GET", Path: "/finance/lpr", Page: m.lprPage},
		{Method: "POST", Path: "/finance/lpr", Page: m.lprPost},
	}
}

// nav is the menu entry: every role that reads the module.
func nav(a fugong.Actor) []web.NavItem {
	if !finance.CanRead(a) {
		return nil
	}
	return []web.NavItem{{Href: "/finance", Label: "金融支持", Order: 860, Group: web.NavService}}
}
