package pdf_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/briefing"
	"fugong/pdf"
)

// sample is a briefing like the demo city's: the seed's headline, a chart
// of the 23 towns and a list long enough to run onto further pages.
func sample() briefing.Briefing {
	b := briefing.Briefing{Date: "2020-02-10", Scope: "全市", Title: briefing.Title,
		GeneratedAt: time.Date(2020, 2, 10, 18, 5, 0, 0, fugong.Location),
		Headline: []string{"截至 2020-02-10，全市 6834 家在册工业企业中已复工 5985 家（复工率 87.6%），其中满产 1203 家，尚未复工 849 家。",
			"规模以上工业企业 1115 家已全部复工。", "规下工业企业复工近5000家（4870 家），占 85.2%，尚有 849 家未复工。"}}
	ch := briefing.Chart{Title: "各乡镇街道复工率", Unit: "%", Max: 100}
	t := briefing.Table{Title: "各乡镇街道复工情况", Columns: briefing.Cols("乡镇街道", "在册#", "已复工#", "复工率%#")}
	for i, name := range []string{"安阳", "玉海", "锦湖", "东山", "上望", "莘塍", "汀田", "飞云", "仙降", "南滨", "潘岱", "云周", "塘下",
		"马屿", "陶山", "湖岭", "高楼", "桐浦", "林川", "曹村", "平阳坑", "芳庄", "北麂"} {
		v := 70 + float64(i%7)*5
		ch.Bars = append(ch.Bars, briefing.Bar{Label: name, Value: v, Class: briefing.Band(v)})
		t.Rows = append(t.Rows, []any{name + "街道", 300 - i, 250 - i, v})
	}
	missing := briefing.Table{Title: "未报企业", Columns: briefing.Cols("企业名称", "乡镇街道", "法定代表人", "结对干部", "最近报送")}
	for i := range 100 {
		missing.Rows = append(missing.Rows, []any{fmt.Sprintf("瑞安市塘下汽摩配件制造有限公司第%03d分厂", i), "塘下镇", "陈国伟", "吴斌", "2020-02-09"})
	}
	missing.Note = "另有 12 家未列出，完整名单见“未报企业”下载。"
	b.Sections = []briefing.Section{
		{Key: "production", Title: "复工复产", Headline: b.Headline,
			Figures: []briefing.Figure{briefing.Count("在册企业", 6834, "家"), briefing.Percent("复工率", 87.58), briefing.Count("满产", 1203, "家"),
				briefing.Count("规上已复工", 1115, "家"), briefing.Count("规下已复工", 4870, "家")},
			Charts: []briefing.Chart{ch}, Tables: []briefing.Table{t}},
		{Key: "reports", Title: "日报报送", Headline: []string{"2月10日应报企业 6834 家，已报 6790 家。"}, Tables: []briefing.Table{missing}},
		{Key: "groups", Title: "各工作组工作动态", Notes: []string{"综合协调组（组长已定稿）：汇总各组动态，起草疫情防控工作方案。"}},
	}
	return b
}

// poppler runs one of poppler-utils' tools; a missing tool fails the test.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is missing: install Debian's poppler-utils (scripts/test-deps.sh does): %v", tool, err)
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

// The PDF holds its text as text in an embedded subset of the Chinese font:
// pdftotext reads the headline back, pdffonts shows the font embedded and
// subset, and pages are added as the tables run on.
func TestBriefingPDF(t *testing.T) {
	var buf bytes.Buffer
	if err := pdf.Briefing(&buf, sample(), pdf.NewFont("")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if d := os.Getenv("FUGONG_PDF_OUT"); d != "" {
		dir = d
	}
	path := filepath.Join(dir, "briefing.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := poppler(t, "pdftotext", "-layout", path, "-")
	for _, want := range []string{briefing.Title, "未签发", "规模以上工业企业 1115 家已全部复工。", "规下工业企业复工近5000家", "平阳坑",
		"瑞安市塘下汽摩配件制造有限公司第099分厂", "综合协调组（组长已定稿）"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	fonts := poppler(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) != 3 {
		t.Fatalf("pdffonts: want one font:\n%s", fonts)
	}
	f := strings.Fields(lines[2])
	if !strings.HasSuffix(f[0], "+ARPLSungtiLGB") || len(strings.Split(f[0], "+")[0]) != 6 || f[len(f)-5] != "yes" || f[len(f)-4] != "yes" {
		t.Errorf("the font is not an embedded subset:\n%s", fonts)
	}
	info := poppler(t, "pdfinfo", path)
	if !strings.Contains(info, "Pages:") || strings.Contains(info, "Pages:           1\n") || !strings.Contains(info, "A4") {
		t.Errorf("pdfinfo:\n%s", info)
	}
	if buf.Len() > 400<<10 {
		t.Errorf("the PDF is %d KB: the font is not subset", buf.Len()>>10)
	}
}

// An issued briefing names its issue; a missing font is a clear error.
func TestBriefingPDFIssueAndFont(t *testing.T) {
	b := sample()
	b.Issue = &briefing.Issue{Number: 23, Date: b.Date, Revision: 2, IssuedBy: "xietiao", IssuedAt: b.GeneratedAt}
	var buf bytes.Buffer
	if err := pdf.Briefing(&buf, b, pdf.NewFont("")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "issue.pdf")
	os.WriteFile(path, buf.Bytes(), 0o644)
	text := poppler(t, "pdftotext", path, "-")
	for _, want := range []string{"第 23 期", "第 2 版", "xietiao 签发于 2020-02-10 18:05"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, text)
		}
	}
	err := pdf.Briefing(&bytes.Buffer{}, b, pdf.NewFont("/nonexistent/font.ttf"))
	if err == nil || !strings.Contains(err.Error(), "fonts-arphic-gbsn00lp") {
		t.Errorf("a missing font: %v", err)
	}
}
