package registry_test

import (
	"strings"
	"testing"

	"fugong/account"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// TestImportPageListsBadRows: the import page lists every bad row of a
// refused file, and stores nothing.
func TestImportPageListsBadRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		b := e.BrowserLogin(t, webtest.RoleAdmin)
		csrf := account.CSRFToken(b.SessionCookie())
		n := e.CountEnterprises(t)
		file := webtest.ImportHeader + webtest.ImportRow(e.NewUSCC(t), "好企业", "塘下镇", "13912345678") +
			webtest.ImportRow(e.NewUSCC(t), "坏电话企业", "塘下镇", "123")
		r := b.Do(t, "POST", "/enterprises/import", webtest.Upload(t, "list.csv", file, map[string]string{"csrf": csrf}), nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), "未导入任何数据") || !strings.Contains(string(r.Body), `<td class="num">3</td>`) {
			t.Fatalf("enterprise import page: %d\n%s", r.Status, r.Body)
		}
		if e.CountEnterprises(t) != n {
			t.Error("a refused file stored enterprises")
		}
	})
}
