package briefing_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/account"
	"fugong/production"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// day10 is the fixed day of these tests: the clock stands at its evening.
var day10 = time.Date(2020, 2, 10, 18, 0, 0, 0, fugong.Location)

type briefingResp struct {
	Date     string   `json:"date"`
	Scope    string   `json:"scope"`
	Headline []string `json:"headline"`
	Sections []struct {
		Key      string   `json:"key"`
		Title    string   `json:"title"`
		Headline []string `json:"headline"`
		Figures  []struct {
			Label string  `json:"label"`
			Value float64 `json:"value"`
		} `json:"figures"`
		Tables []struct {
			Title string  `json:"title"`
			Rows  [][]any `json:"rows"`
		} `json:"tables"`
		Notes []string `json:"notes"`
	} `json:"sections"`
	Issue  *struct{ Number int } `json:"issue"`
	Issues []struct {
		Number, Revision int
	} `json:"issues"`
}

// resumed records tangA (above scale, on the essential list) back at work
// on date: the only above-scale firm, so all of them.
func resumed(t *testing.T, e *webtest.Env, date string) {
	t.Helper()
	ctx := context.Background()
	p := e.Services.Production
	if _, _, err := p.SetEssential(ctx, fugong.System, e.Ents["tangA"], true, "防护用品生产"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.PutDay(ctx, fugong.System, e.Ents["tangA"], date, production.Figures{Status: production.StatusResumed,
		CapacityPct: 60, OnPostPct: 70, Upstream: "normal", Downstream: "normal"}); err != nil {
		t.Fatal(err)
	}
}

func pdftotext(t *testing.T, pdf []byte) (text, fonts string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "briefing.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(tool string, args ...string) string {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: install Debian's poppler-utils (scripts/test-deps.sh does): %v", tool, err)
		}
		out, err := exec.Command(tool, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tool, err, out)
		}
		return string(out)
	}
	return run("pdftotext", path, "-"), run("pdffonts", path)
}

// The briefing of a day, assembled from the modules: its headline from
// the production module's headline function, a section per module, the
// groups' days last; the PDF the server draws holds the headline as text
// (pdftotext reads it back) in an embedded font subset; the workbook has a
// sheet per section; a date in the future is refused.
func TestBriefingContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, day10)
		resumed(t, e, "2020-02-10")
		r := e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/briefings/2020-02-10", webtest.Payload{})
		var b briefingResp
		if r.Decode(t, &b); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var keys []string
		for _, s := range b.Sections {
			keys = append(keys, s.Key)
		}
		if strings.Join(keys, ",") != "production,reports,prevention,health,inspection,tickets,supplies,notices,groups" || b.Scope != "全市" {
			t.Fatalf("sections %v", keys)
		}
		headline := strings.Join(b.Headline, "\n")
		for _, want := range []string{"规模以上工业企业 1 家已全部复工。", "2月10日应报企业 3 家，已报 0 家", "督导走访企业 0 家", "企业问题困难累计受理 0 件"} {
			if !strings.Contains(headline, want) {
				t.Errorf("the headline lacks %q:\n%s", want, headline)
			}
		}
		if g := b.Sections[len(b.Sections)-1]; len(g.Notes) != 5 || !strings.HasPrefix(g.Notes[0], "综合协调组（未填报，系统预填）") {
			t.Errorf("groups %+v", g.Notes)
		}

		pdf := e.As(t, webtest.RoleBureauInsp, "GET", "/api/v1/briefings/2020-02-10.pdf", webtest.Payload{})
		if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || pdf.Header.Get("X-Briefing-Issue") != "" {
			t.Fatalf("pdf: %d %q", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		text, fonts := pdftotext(t, pdf.Body)
		for _, want := range []string{"瑞安市经信局复工复产日日报", "未签发", "规模以上工业企业 1 家已全部复工。", "各乡镇街道复工情况", "塘下镇"} {
			if !strings.Contains(text, want) {
				t.Errorf("pdftotext lacks %q:\n%.2000s", want, text)
			}
		}
		if !strings.Contains(fonts, "+ARPLSungtiLGB") || !strings.Contains(fonts, "CID TrueType      Identity-H       yes yes yes") {
			t.Errorf("pdffonts:\n%s", fonts)
		}

		x := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10.xlsx", webtest.Payload{})
		f, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatalf("xlsx: %d %v", x.Status, err)
		}
		defer f.Close()
		if got := strings.Join(f.GetSheetList(), ","); got != "要闻,复工复产,日报报送,联防联控,人员健康,督导检查,问题困难,防疫物资,宣传通知,各工作组工作动态" {
			t.Errorf("sheets %s", got)
		}
		if v, _ := f.GetCellValue("要闻", "B8"); !strings.Contains(headline, v) || v == "" {
			t.Errorf("要闻 B8 %q", v)
		}

		fut := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-11", webtest.Payload{})
		if er := fut.Err(t); fut.Status != 400 || er.Error.Field != "date" || !strings.Contains(er.Error.Message, "未来日期") {
			t.Errorf("a future date: %d %s", fut.Status, fut.Body)
		}
		if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-11.pdf", webtest.Payload{}); r.Status != 400 {
			t.Errorf("a future date's PDF: %d", r.Status)
		}
		// A town reads its town's version, without the groups or issues.
		var tb briefingResp
		e.As(t, webtest.RoleTown, "GET", "/api/v1/briefings/2020-02-10", webtest.Payload{}).Decode(t, &tb)
		if tb.Scope != "塘下镇" || tb.Sections[len(tb.Sections)-1].Key == "groups" || !strings.Contains(strings.Join(tb.Headline, ""), "塘下镇 2 家在册工业企业") {
			t.Errorf("the town's briefing %+v", tb)
		}
	})
}

// An issue keeps the PDF as it was: a correction made later changes the
// current figures but not what was issued; the next issue of the day is
// the next number, its second revision.
func TestBriefingIssues(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, day10)
		e.AddBureauUsers(t, webtest.RoleCoord)
		r := e.As(t, webtest.RoleCoord, "POST", "/api/v1/briefings/2020-02-10/issues", webtest.Payload{})
		var is struct {
			Number, Revision int
			Headline         []string
		}
		if r.Decode(t, &is); r.Status != 201 || is.Number != 1 || is.Revision != 1 || len(is.Headline) == 0 {
			t.Fatalf("issue: %d %s", r.Status, r.Body)
		}
		first := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10.pdf", webtest.Payload{})
		if first.Header.Get("X-Briefing-Issue") != "1" {
			t.Fatalf("the PDF of an issued day is not the issue: %q", first.Header.Get("X-Briefing-Issue"))
		}
		text, _ := pdftotext(t, first.Body)
		if !strings.Contains(text, "第 1 期") || !strings.Contains(text, "规模以上工业企业 1 家均未复工。") {
			t.Errorf("the issue's text:\n%.1500s", text)
		}
		// A correction afterwards: tangA was back at work.
		resumed(t, e, "2020-02-10")
		again := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10.pdf", webtest.Payload{})
		if !bytes.Equal(again.Body, first.Body) {
			t.Error("the issued PDF changed with the data")
		}
		var cur briefingResp
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10", webtest.Payload{}).Decode(t, &cur)
		if !strings.Contains(strings.Join(cur.Headline, ""), "已全部复工") || len(cur.Issues) != 1 || cur.Issue != nil {
			t.Errorf("the current briefing %+v", cur)
		}
		draft := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10.pdf?draft=1", webtest.Payload{})
		if text, _ := pdftotext(t, draft.Body); !strings.Contains(text, "已全部复工") || !strings.Contains(text, "未签发") {
			t.Errorf("the draft:\n%.800s", text)
		}
		r = e.As(t, webtest.RoleCoord, "POST", "/api/v1/briefings/2020-02-10/issues", webtest.Payload{})
		if r.Decode(t, &is); is.Number != 2 || is.Revision != 2 {
			t.Fatalf("the second issue %+v", is)
		}
		if text, _ := pdftotext(t, e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10.pdf", webtest.Payload{}).Body); !strings.Contains(text, "第 2 期") {
			t.Error("the latest issue is not served")
		}
		old := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10.pdf?issue=1", webtest.Payload{})
		if !bytes.Equal(old.Body, first.Body) {
			t.Error("issue 1 is not kept as issued")
		}
		var issued briefingResp
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10?issue=1", webtest.Payload{}).Decode(t, &issued)
		if issued.Issue == nil || issued.Issue.Number != 1 || !strings.Contains(strings.Join(issued.Headline, ""), "均未复工") {
			t.Errorf("issue 1's content %+v", issued)
		}
		if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-09.pdf?issue=1", webtest.Payload{}); r.Status != 404 {
			t.Errorf("issue 1 of another day: %d", r.Status)
		}
		var list struct{ Total int }
		e.As(t, webtest.RoleBureauStat, "GET", "/api/v1/briefings/2020-02-10/issues", webtest.Payload{}).Decode(t, &list)
		if list.Total != 2 {
			t.Errorf("issues %d", list.Total)
		}
	})
}

// A group's day: filled in advance from its modules, filed by its members
// (another group's member 403), marked final by its leader, after which a
// change is a conflict until the leader reopens it.
func TestGroupDays(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, day10)
		u, err := e.Services.Accounts.Create(context.Background(), fugong.System, account.User{Username: "tongji", DisplayName: "陈国伟",
			Role: fugong.RoleBureau, Group: fugong.GroupStatistics, GroupLeader: true}, webtest.Password)
		if err != nil {
			t.Fatal(err)
		}
		e.Users["leader"], e.Tokens["leader"] = u, e.Login(t, "tongji", webtest.Password)
		path := "/api/v1/groups/statistics/days/2020-02-10"
		var d struct {
			Summary string         `json:"summary"`
			Figures map[string]any `json:"figures"`
			Filed   bool           `json:"filed"`
			Final   bool           `json:"final"`
			Version int            `json:"version"`
		}
		e.As(t, webtest.RoleBureauInsp, "GET", path, webtest.Payload{}).Decode(t, &d)
		if d.Filed || !strings.Contains(d.Summary, "应报企业 3 家") || d.Figures["应报（家）"] != 3.0 {
			t.Fatalf("prefilled %+v", d)
		}
		in := webtest.RawJSON(`{"summary":"今日电话催报 320 家。","figures":{"催报电话":320,"劝返":12,"备注":"全部到位"}}`)
		if r := e.As(t, webtest.RoleBureauInsp, "PUT", path, in); r.Status != 403 || r.Err(t).Error.Code != "forbidden" {
			t.Errorf("another group's member: %d %s", r.Status, r.Body)
		}
		r := e.As(t, webtest.RoleBureauStat, "PUT", path, in)
		if r.Decode(t, &d); r.Status != 201 || !d.Filed || d.Version != 1 || d.Figures["备注"] != "全部到位" {
			t.Fatalf("filed: %d %s", r.Status, r.Body)
		}
		if !bytes.Contains(r.Body, []byte(`"figures":{"催报电话":320,"劝返":12,"备注":"全部到位"}`)) {
			t.Errorf("the figures' order is lost: %s", r.Body)
		}
		if r := e.As(t, webtest.RoleBureauStat, "POST", path+"/final", webtest.Payload{}); r.Status != 403 {
			t.Errorf("a member marks final: %d", r.Status)
		}
		if r := e.As(t, "leader", "POST", path+"/final", webtest.Payload{}); r.Status != 200 {
			t.Fatalf("the leader marks final: %d %s", r.Status, r.Body)
		}
		if r := e.As(t, webtest.RoleBureauStat, "PUT", path, in); r.Status != 409 {
			t.Errorf("a change of a final day: %d", r.Status)
		}
		if r := e.As(t, "leader", "DELETE", path+"/final", webtest.Payload{}); r.Status != 200 {
			t.Errorf("reopen: %d", r.Status)
		}
		if r := e.As(t, webtest.RoleBureauStat, "PUT", path, webtest.RawJSON(`{"summary":"x","figures":{"a":[1]}}`)); r.Status != 400 || r.Err(t).Error.Field != "figures" {
			t.Errorf("a figure that is a list: %d %s", r.Status, r.Body)
		}
		var b briefingResp
		e.As(t, webtest.RoleAdmin, "GET", "/api/v1/briefings/2020-02-10", webtest.Payload{}).Decode(t, &b)
		if g := b.Sections[len(b.Sections)-1]; !strings.Contains(g.Notes[2], "信息统计组（已填报，未定稿）：今日电话催报 320 家。") {
			t.Errorf("the briefing's groups %q", g.Notes)
		}
	})
}
