package finance_test

import (
	"net/http"
	"net/url"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The finance forms take a firm's exact name as well as its code; a name
// of no firm is shown next to the field with the form's other problems.
func TestFinanceFormsByName(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		b := e.BrowserLogin(t, webtest.RoleAdmin)
		csrf := webtest.CSRFOf(t, b.Get(t, "/finance/loans").Body)
		loan := func(firm, principal string) webtest.Resp {
			return b.PostForm(t, "/finance/loans", url.Values{"csrf": {csrf}, "uscc": {firm}, "lender": {"工商银行瑞安支行"},
				"principal": {principal}, "rate": {"3.5"}, "date": {"2020-02-25"}, "days": {"180"}})
		}
		r := loan("瑞安市塘下电器厂", "1000000")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("by name: %d %s", r.Status, r.Body)
		}
		webtest.Contains(t, "after the loan", b.Get(t, r.Header.Get("Location")), "已登记瑞安市塘下电器厂的贷款")
		r = loan("瑞安市没有这家厂", "一百万")
		if r.Status != http.StatusBadRequest {
			t.Fatalf("a name of none: %d", r.Status)
		}
		webtest.Contains(t, "a name of none", r, `data-field="uscc">未找到名称为“瑞安市没有这家厂”的企业`, `贷款本金（元）应为数字`, `value="瑞安市没有这家厂"`)

		csrf = webtest.CSRFOf(t, b.Get(t, "/finance").Body)
		r = b.PostForm(t, "/finance/applications", url.Values{"csrf": {csrf}, "uscc": {"瑞安市仙降鞋业有限公司"}, "batch": {"2"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("an application by name: %d %s", r.Status, r.Body)
		}
	})
}
