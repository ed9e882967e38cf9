package finance_test

import (
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The calculators with the contract's names: January's cap gives "below
// 1.6 %"; the smart subsidy's extra stops at 3 million yuan.
func TestCalculators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		var s struct {
			LPR           float64 `json:"lpr"`
			RateCap       float64 `json:"rate_cap"`
			SubsidyRate   float64 `json:"subsidy_rate"`
			EffectiveRate float64 `json:"effective_rate"`
			Interest      float64 `json:"interest_yuan"`
			Subsidy       float64 `json:"subsidy_yuan"`
			AboveCap      bool    `json:"above_cap"`
		}
		r := e.As(t, webtest.RoleClerk, "GET", "/api/v1/finance/interest?principal=10000000&rate=3.15&date=2020-01-25&days=360", webtest.Payload{})
		r.Decode(t, &s)
		if r.Status != 200 || s.LPR != 4.15 || s.RateCap != 3.15 || s.SubsidyRate != 1.575 || s.EffectiveRate != 1.575 ||
			s.Interest != 315000 || s.Subsidy != 157500 || s.AboveCap {
			t.Errorf("January at the cap: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/finance/interest?principal=1000000&rate=3.5&date=2020-02-25&days=360", webtest.Payload{})
		r.Decode(t, &s)
		if !s.AboveCap || s.Subsidy != 0 || s.EffectiveRate != 3.5 {
			t.Errorf("above the cap: %s", r.Body)
		}
		var sm struct {
			Extra float64 `json:"extra"`
			Total float64 `json:"total"`
		}
		r = e.As(t, webtest.RoleCadre, "GET", "/api/v1/finance/smart-subsidy?base=500000&investment=100000000", webtest.Payload{})
		r.Decode(t, &sm)
		if r.Status != 200 || sm.Extra != 3_000_000 || sm.Total != 3_500_000 {
			t.Errorf("smart subsidy: %s", r.Body)
		}
		r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/finance/smart-subsidy?base=-1&investment=x", webtest.Payload{})
		if r.Status != 400 || r.Err(t).Error.Field != "investment" {
			t.Errorf("bad input: %d %s", r.Status, r.Body)
		}
		// A loan above the cap is flagged in the list.
		r = e.As(t, webtest.RoleAdmin, "POST", "/api/v1/finance/loans", webtest.JSON(map[string]any{"uscc": e.Ents["tangA"], "lender": "瑞安农商银行",
			"principal_yuan": 2000000, "rate": 3.6, "date": "2020-03-02", "days": 365}))
		if r.Status != 201 {
			t.Fatalf("loan: %d %s", r.Status, r.Body)
		}
		var loans struct {
			AboveCap int `json:"above_cap"`
			Total    int `json:"total"`
		}
		e.As(t, webtest.RoleTown, "GET", "/api/v1/finance/loans", webtest.Payload{}).Decode(t, &loans)
		if loans.Total != 1 || loans.AboveCap != 1 {
			t.Errorf("loans: %+v", loans)
		}
		b := e.BrowserLogin(t, webtest.RoleBureauInsp)
		webtest.Contains(t, "the loans page", b.Get(t, "/finance/loans?principal=10000000&rate=3.15&date=2020-01-25&days=360"),
			"1.575%", "157,500.00", "超上限")
		webtest.Contains(t, "the smart page", b.Get(t, "/finance/smart?base=500000&investment=100000000"), "3,000,000.00", "已达上限")
	})
}
