// Package briefing is the web side of M11: the work groups' day (the
// form a group fills, its leader marks final) and the bureau's daily
// briefing as a page that prints on A4, an XLSX workbook and a PDF drawn by
// the server, with its issues (第N期). The rules are fugong/briefing; the
// PDF is fugong/pdf's.
package briefing

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"fugong"
	"fugong/briefing"
	"fugong/daily"
	"fugong/pdf"
	"fugong/sheet"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

type module struct {
	svc  *briefing.Service
	font *pdf.Font
}

// New is M11's web side over svc; its PDFs are drawn in font.
func New(svc *briefing.Service, font *pdf.Font) web.Module {
	m := &module{svc: svc, font: font}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:      "briefing",
		Routes:    m.routes(),
		Nav:       nav,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/briefings/{date}", API: m.apiBriefing},
		{Method: "GET", Path: "/api/v1/briefings/{date}/issues", API: m.apiIssues},
		{Method: "POST", Path: "/api/v1/briefings/{date}/issues", API: m.apiIssue},
		{Method: "GET", Path: "/api/v1/groups/{group}/days/{date}", API: m.apiGroupDay},
		{Method: "PUT", Path: "/api/v1/groups/{group}/days/{date}", API: m.apiPutGroupDay},
		{Method: "POST", Path: "/api/v1/groups/{group}/days/{date}/final", API: m.apiFinalize},
		{Method: "DELETE", Path: "/api/v1/groups/{group}/days/{date}/final", API: m.apiReopen},

		{Method: "GET", Path: "/briefings", Page: m.briefingsIndex},
		{Method: "GET", Path: "/briefings/{date}", Page: m.briefingPage},
		{Method: "POST", Path: "/briefings/{date}/issues", Page: m.issueSubmit},
		{Method: "GET", Path: "/groups", Page: m.groupsIndex},
		{Method: "GET", Path: "/groups/{group}/days/{date}", Page: m.groupDayPage},
		{Method: "POST", Path: "/groups/{group}/days/{date}", Page: m.groupDaySubmit},
		{Method: "POST", Path: "/groups/{group}/days/{date}/final", Page: m.finalizeSubmit},
	}
}

// nav: the briefing for the bureau, the admin and the towns (their own);
// the groups' day for the bureau and the admin.
func nav(a fugong.Actor) []web.NavItem {
	var out []web.NavItem
	if briefing.CanSee(a) {
		out = append(out, web.NavItem{Href: "/briefings", Label: "日日报", Order: 870, Group: web.NavNotices})
	}
	if briefing.CanRead(a) {
		out = append(out, web.NavItem{Href: "/groups", Label: "工作组日报", Order: 880, Group: web.NavNotices})
	}
	return out
}

// dayFile splits a path's "2020-02-10.pdf" into the date and the format:
// "json" for none, "pdf" or "xlsx". Another suffix is no briefing.
func dayFile(r *http.Request) (date, format string, err error) {
	v := r.PathValue("date")
	date, format = v, "json"
	if i := strings.LastIndexByte(v, '.'); i >= 0 {
		date, format = v[:i], v[i+1:]
		if format != "pdf" && format != "xlsx" && format != "json" {
			return "", "", fugong.NotFound("日报简报")
		}
	}
	return date, format, nil
}

// maxIssue bounds an issue number far above a day's real issues, so that
// a huge one is refused before it reaches the database's integer column.
const maxIssue = 1_000_000

// issueNumber reads ?issue=N: 0 when absent.
func issueNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("issue")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxIssue {
		return 0, fugong.Errorf(fugong.EInvalid, "issue", "issue 应为期号（正整数）")
	}
	return n, nil
}

// serve answers a briefing in the format asked for. The PDF of a date the
// city's briefing was issued for is the latest issue as issued (or issue
// N); ?draft=1 draws the current figures instead. JSON and XLSX are the
// current figures unless an issue is asked for.
func (m *module) serve(w http.ResponseWriter, r *http.Request, a fugong.Actor, date, format string, asJSON func(briefing.Briefing, []briefing.Issue) error) error {
	ctx := r.Context()
	number, err := issueNumber(r)
	if err != nil {
		return err
	}
	if _, err := m.svc.Day(date); err != nil {
		if !briefing.CanSee(a) {
			return fugong.NotFound("日报简报")
		}
		return err
	}
	if format == "pdf" && a.CityWide() && r.URL.Query().Get("draft") == "" {
		is, data, err := m.svc.IssuedPDF(ctx, a, date, number)
		if err == nil {
			m.pdfHeaders(w, date, &is)
			_, err = w.Write(data)
			return err
		}
		if fugong.ErrorCode(err) != fugong.ENotFound || number > 0 {
			return err
		}
	}
	var b briefing.Briefing
	if number > 0 {
		b, err = m.svc.Issued(ctx, a, date, number)
	} else {
		b, err = m.svc.Assemble(ctx, a, date)
	}
	if err != nil {
		return err
	}
	switch format {
	case "pdf":
		var buf bytes.Buffer
		if err := pdf.Briefing(&buf, b, m.font); err != nil {
			return err
		}
		m.pdfHeaders(w, date, nil)
		_, err = w.Write(buf.Bytes())
		return err
	case "xlsx":
		web.Download(w, fileName(b)+".xlsx", "briefing-"+date, "xlsx")
		return sheet.WriteBriefing(w, b)
	}
	var issues []briefing.Issue
	if a.CityWide() {
		if issues, err = m.svc.Issues(ctx, a, date); err != nil {
			return err
		}
	}
	return asJSON(b, issues)
}

func fileName(b briefing.Briefing) string {
	name := b.Title + "-" + b.Date
	if b.Issue != nil {
		name += "-第" + strconv.Itoa(b.Issue.Number) + "期"
	}
	return name
}

func (m *module) pdfHeaders(w http.ResponseWriter, date string, is *briefing.Issue) {
	name := briefing.Title + "-" + date
	if is != nil {
		name += "-第" + strconv.Itoa(is.Number) + "期"
		w.Header().Set("X-Briefing-Issue", strconv.Itoa(is.Number))
	} else {
		name += "-草稿"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="briefing-`+date+`.pdf"; filename*=UTF-8''`+pathEscape(name+".pdf"))
	w.Header().Set("Cache-Control", "private, no-cache")
}

// pathEscape percent-encodes a file name for filename* (RFC 5987).
func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)+0x100, 16)[1:]))
		}
	}
	return b.String()
}

// today is the day on the service's clock.
func (m *module) today() string { return daily.Today(m.svc.Now()) }
