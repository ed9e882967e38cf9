package briefing

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/briefing"
	"fugong/web"
	"fugong/web/chart"
)

// The pages (M11): the briefing of a date (print styles: A4, a page per
// section, charts as SVG) with its PDF and XLSX and its issues; the groups'
// days and each group's form.

var bandColors = map[string]string{"good": chart.Green, "fair": chart.Amber, "poor": chart.Red, "": chart.Blue}

type cellView struct {
	Text string
	Num  bool
}

type tableView struct {
	Title, Note string
	Columns     []briefing.Column
	Rows        [][]cellView
}

type sectionView struct {
	briefing.Section
	ChartHTML []template.HTML
	TableView []tableView
}

type briefingView struct {
	web.Base
	B                    briefing.Briefing
	Sections             []sectionView
	Date, Prev, Next     string
	Issues               []briefing.Issue
	CanIssue, CityWide   bool
	PDF, XLSX, DraftPDF  string
	Issued               *briefing.Issue // the issue shown (?issue=N)
	OK                   string
	DateLabel, Generated string
}

func sectionsView(ss []briefing.Section) []sectionView {
	var out []sectionView
	for _, s := range ss {
		v := sectionView{Section: s}
		for _, c := range s.Charts {
			hb := chart.HBar{Title: c.Title, Max: c.Max, Unit: c.Unit}
			for _, b := range c.Bars {
				hb.Bars = append(hb.Bars, chart.Bar{Label: b.Label, Value: b.Value, Text: briefing.FormatNumber(b.Value) + c.Unit,
					Fill: bandColors[b.Class]})
			}
			v.ChartHTML = append(v.ChartHTML, hb.HTML())
		}
		for _, t := range s.Tables {
			tv := tableView{Title: t.Title, Note: t.Note, Columns: t.Columns}
			for _, r := range t.Rows {
				row := make([]cellView, len(t.Columns))
				for i := range row {
					if i < len(r) {
						row[i] = cellView{Text: briefing.Cell(r[i]), Num: t.Columns[i].Num}
					}
				}
				tv.Rows = append(tv.Rows, row)
			}
			v.TableView = append(v.TableView, tv)
		}
		out = append(out, v)
	}
	return out
}

func (m *module) briefingsIndex(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !briefing.CanSee(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	return web.SeeOther(w, r, "/briefings/"+m.today())
}

func (m *module) briefingPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	date, format, err := dayFile(r)
	if err != nil {
		return err
	}
	return m.serve(w, r, a, date, format, func(b briefing.Briefing, issues []briefing.Issue) error {
		p := briefingView{Base: ss.Base(b.Title+" "+date, "/briefings"), B: b, Sections: sectionsView(b.Sections), Date: date,
			Prev: web.ShiftDay(date, -1), Issues: issues, CanIssue: briefing.CanIssue(a) && a.CityWide(), CityWide: a.CityWide(),
			PDF: "/briefings/" + date + ".pdf", XLSX: "/briefings/" + date + ".xlsx", DraftPDF: "/briefings/" + date + ".pdf?draft=1",
			Issued: b.Issue, DateLabel: briefing.Day{Date: date}.Label(), Generated: b.GeneratedAt.In(fugong.Location).Format("2006-01-02 15:04")}
		if next := web.ShiftDay(date, 1); next <= m.today() {
			p.Next = next
		}
		if b.Issue != nil {
			q := "?issue=" + strconv.Itoa(b.Issue.Number)
			p.PDF, p.XLSX = p.PDF+q, p.XLSX+q
		}
		if n := r.URL.Query().Get("issued"); n != "" {
			p.OK = "已签发第 " + n + " 期。签发版 PDF 已存档，此后数据更正不改变已签发的内容。"
		}
		ss.Render(w, r, http.StatusOK, "briefing", p)
		return nil
	})
}

func (m *module) issueSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	date := r.PathValue("date")
	is, err := m.issue(r, ss.Actor(), date)
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/briefings/"+url.PathEscape(date)+"?issued="+strconv.Itoa(is.Number))
}

// ---- The groups' days ------------------------------------------------------------

type groupRow struct {
	briefing.GroupDay
	Path, State, Class string
	Mine               bool
}

type groupsView struct {
	web.Base
	Date, Prev, Next string
	Rows             []groupRow
}

func dayState(d briefing.GroupDay) (string, string) {
	switch {
	case d.Final:
		return "组长已定稿", "done"
	case d.Filed:
		return "已填报，未定稿", "pending"
	}
	return "未填报", "unread"
}

func groupPath(g fugong.Group, date string) string { return "/groups/" + string(g) + "/days/" + date }

func (m *module) groupsIndex(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !briefing.CanRead(a) {
		return fugong.NotFound("页面")
	}
	date, err := web.QueryDay(r, "date", m.today())
	if err != nil {
		return err
	}
	days, err := m.svc.GroupDays(r.Context(), a, date)
	if err != nil {
		return err
	}
	p := groupsView{Base: ss.Base("工作组日报", "/groups"), Date: date, Prev: web.ShiftDay(date, -1)}
	if next := web.ShiftDay(date, 1); next <= m.today() {
		p.Next = next
	}
	for _, d := range days {
		row := groupRow{GroupDay: d, Path: groupPath(d.Group, date), Mine: a.Group == d.Group}
		row.State, row.Class = dayState(d)
		p.Rows = append(p.Rows, row)
	}
	ss.Render(w, r, http.StatusOK, "groups", p)
	return nil
}

type figRow struct {
	Label, Value string
}

type groupDayView struct {
	web.Base
	Day                  briefing.GroupDay
	Date, Path           string
	State, Class         string
	CanFile, CanFinalize bool
	Summary              string
	Figures              []figRow
	Errors               map[string]string
	FormError, OK        string
}

func figRows(fs briefing.Figures) []figRow {
	var out []figRow
	for _, f := range fs {
		out = append(out, figRow{f.Label, f.Text()})
	}
	for range 3 {
		out = append(out, figRow{})
	}
	return out
}

func (m *module) groupDayPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	g, err := group(r)
	if err != nil {
		return err
	}
	date := r.PathValue("date")
	d, err := m.svc.GroupDay(r.Context(), a, g, date)
	if err != nil {
		return err
	}
	p := m.groupDayView(ss, g, date, d)
	switch q := r.URL.Query(); {
	case q.Get("saved") != "":
		p.OK = "已保存。"
	case q.Get("final") == "1":
		p.OK = "已定稿。"
	case q.Get("final") == "0":
		p.OK = "已退回，组员可以修改。"
	}
	ss.Render(w, r, http.StatusOK, "group_day", p)
	return nil
}

func (m *module) groupDayView(ss *web.Session, g fugong.Group, date string, d briefing.GroupDay) groupDayView {
	a := ss.Actor()
	p := groupDayView{Base: ss.Base(fugong.GroupNames[g]+" "+date, "/groups"), Day: d, Date: date, Path: groupPath(g, date),
		CanFile: briefing.CanFile(a, g) && !d.Final, CanFinalize: briefing.CanFinalize(a, g) && d.Filed,
		Summary: d.Summary, Figures: figRows(d.Figures), Errors: map[string]string{}}
	p.State, p.Class = dayState(d)
	return p
}

// formFigures reads the figure rows of the form: a value that reads as a
// number is one.
func formFigures(r *http.Request) (briefing.Figures, []figRow) {
	labels, values := r.PostForm["fig_label"], r.PostForm["fig_value"]
	var fs briefing.Figures
	var rows []figRow
	for i, l := range labels {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		rows = append(rows, figRow{l, v})
		if strings.TrimSpace(l) == "" && strings.TrimSpace(v) == "" {
			continue
		}
		n := strings.TrimSpace(web.HalfWidth(v))
		if f, err := strconv.ParseFloat(n, 64); err == nil {
			fs = append(fs, briefing.GroupFigure{Label: l, Value: f})
		} else {
			fs = append(fs, briefing.GroupFigure{Label: l, Value: v})
		}
	}
	return fs, rows
}

func (m *module) groupDaySubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	g, err := group(r)
	if err != nil {
		return err
	}
	if !briefing.CanRead(a) {
		return fugong.NotFound("页面")
	}
	date := r.PathValue("date")
	if err := r.ParseForm(); err != nil {
		return fugong.Errorf(fugong.EInvalid, "", "表单无法读取")
	}
	fs, rows := formFigures(r)
	in := briefing.DayInput{Summary: r.PostFormValue("summary"), Figures: fs}
	_, _, err = m.svc.SaveGroupDay(r.Context(), a, g, date, in)
	if err == nil {
		return web.SeeOther(w, r, groupPath(g, date)+"?saved=1")
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	d, err := m.svc.GroupDay(r.Context(), a, g, date)
	if err != nil {
		return err
	}
	p := m.groupDayView(ss, g, date, d)
	p.Summary, p.Figures, p.Errors, p.FormError = in.Summary, append(rows, figRow{}), f.Fields, f.Message
	ss.Render(w, r, f.Status, "group_day", p)
	return nil
}

func (m *module) finalizeSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	g, err := group(r)
	if err != nil {
		return err
	}
	date := r.PathValue("date")
	final := r.PostFormValue("final") != "0"
	if _, err := m.svc.Finalize(r.Context(), ss.Actor(), g, date, final); err != nil {
		return err
	}
	v := "1"
	if !final {
		v = "0"
	}
	return web.SeeOther(w, r, groupPath(g, date)+"?final="+v)
}
