package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/dashboard"
	"fugong/registry"
	"fugong/tickets"
	"fugong/web"
	"fugong/web/chart"
)

// link is a path with its query, for a figure's click-through.
func link(path string, q ...string) template.URL {
	v := url.Values{}
	for i := 0; i+1 < len(q); i += 2 {
		if q[i+1] != "" {
			v.Set(q[i], q[i+1])
		}
	}
	if len(v) == 0 {
		return template.URL(path)
	}
	return template.URL(path + "?" + v.Encode())
}

// Links are the lists of firms behind an area's figures: the modules' own
// pages, filtered to the day and the area.
type Links struct {
	AboveAll, AboveResumed, BelowAll, BelowResumed, Closed template.URL
	Missing, Reports, Health, Coverage, Rectifications     template.URL
	Tickets, Shortages, Production, Mujun                  template.URL
	Self                                                   template.URL
}

func linksOf(date, town string) Links {
	p := "/production/enterprises"
	return Links{
		AboveAll:       link(p, "date", date, "town", town, "size_class", registry.SizeAbove),
		AboveResumed:   link(p, "date", date, "town", town, "size_class", registry.SizeAbove, "status", "working"),
		BelowAll:       link(p, "date", date, "town", town, "size_class", registry.SizeBelow),
		BelowResumed:   link(p, "date", date, "town", town, "size_class", registry.SizeBelow, "status", "working"),
		Closed:         link(p, "date", date, "town", town, "status", "closed"),
		Production:     link("/production", "date", date),
		Missing:        link("/reports/missing", "date", date, "town", town),
		Reports:        link("/reports", "date", date),
		Health:         link("/health", "date", date, "town", town),
		Coverage:       link("/inspections/coverage", "to", date),
		Rectifications: link("/rectifications", "town", town, "overdue", "true"),
		Tickets:        link("/tickets", "town", town),
		Shortages:      link("/supplies", "town", town),
		Mujun:          link("/mujun"),
		Self:           link("/dashboard", "date", date, "town", town),
	}
}

// townRow is a line of the per-town table.
type townRow struct {
	dashboard.Town
	L Links
}

type dashboardPage struct {
	web.Base
	D                                            dashboard.Dashboard
	Links                                        Links
	Today                                        string
	Towns                                        []townRow
	TownChoices                                  []registry.Town
	CityWide                                     bool
	MapChart, TrendChart, ReportChart, WorkChart template.HTML
	TicketChart, MujunChart                      template.HTML
}

// dashboardPage is GET /dashboard: the desk view of a day and an area.
func (m *module) dashboardPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	if !dashboard.CanSee(a) {
		return fugong.NotFound("页面")
	}
	date, err := web.QueryDay(r, "date", "")
	if err != nil {
		return err
	}
	d, err := m.svc.Get(r.Context(), a, date, r.URL.Query().Get("town"))
	if err != nil {
		return err
	}
	p := dashboardPage{Base: ss.Base("驾驶舱", "/dashboard"), D: d, Links: linksOf(d.Date, d.Town), Today: daily.Today(m.svc.Now()),
		CityWide: a.CityWide()}
	if a.CityWide() {
		p.TownChoices = registry.Towns
	}
	for _, t := range d.Towns {
		p.Towns = append(p.Towns, townRow{Town: t, L: linksOf(d.Date, t.Town)})
	}
	p.MapChart = townMap(d, dashboard.MetricOf(r.URL.Query().Get("map")), "/dashboard", 96)
	p.TrendChart = trendChart(d, 360, 200)
	reports := chart.HBar{Title: d.Date + " 各乡镇街道日报完成率", Max: 100, Unit: "%", Legend: chart.RateLegend()}
	work := chart.HBar{Title: d.Date + " 各乡镇街道复工率", Max: 100, Unit: "%", Legend: chart.RateLegend()}
	for _, t := range d.Towns {
		reports.Bars = append(reports.Bars, chart.Bar{Label: t.Name, Value: t.Reports.RatePct, Fill: chart.RateColor(t.Reports.RatePct),
			Text:  fmt.Sprintf("%s%%（%d/%d）", web.Pct(t.Reports.RatePct), t.Reports.Received, t.Reports.Expected),
			Title: fmt.Sprintf("%s 未报 %d 家，点击查看", t.Name, t.Reports.Unreported), Href: string(link("/reports/missing", "date", d.Date, "town", t.Town))})
		working := t.Enterprises.Above.Resumed + t.Enterprises.Below.Resumed
		total := t.Enterprises.Above.Total + t.Enterprises.Below.Total
		work.Bars = append(work.Bars, chart.Bar{Label: t.Name, Value: t.WorkingPct, Fill: chart.RateColor(t.WorkingPct),
			Text:  fmt.Sprintf("%s%%（%d/%d）", web.Pct(t.WorkingPct), working, total),
			Title: t.Name + " 复工企业，点击查看", Href: string(link("/production/enterprises", "date", d.Date, "town", t.Town, "status", "working"))})
	}
	p.ReportChart, p.WorkChart = reports.HTML(), work.HTML()
	tk := chart.HBar{Title: "未办结问题（按紧急程度）"}
	for _, u := range tickets.Urgencies {
		tk.Bars = append(tk.Bars, chart.Bar{Label: tickets.UrgencyNames[u], Value: float64(d.TicketsByUrgency[u]), Fill: urgencyColors[u],
			Href: string(link("/tickets", "town", d.Town, "urgency", u))})
	}
	p.TicketChart = tk.HTML()
	if len(d.MujunClasses) > 0 {
		mj := chart.HBar{Title: fmt.Sprintf("%d 年度亩均评价分类", d.MujunYear)}
		for _, c := range d.MujunClasses {
			mj.Bars = append(mj.Bars, chart.Bar{Label: c.Class + " 类", Value: float64(c.Firms), Fill: classColors[c.Class], Href: "/mujun"})
		}
		p.MujunChart = mj.HTML()
	}
	ss.Render(w, r, http.StatusOK, "dashboard", p)
	return nil
}

var urgencyColors = map[string]string{"urgent": chart.Red, "high": chart.Amber, "normal": chart.Blue, "low": chart.Grey}

var classColors = map[string]string{"A": chart.Green, "B": chart.Blue, "C": chart.Amber, "D": chart.Red}

// townMap draws the 23 towns coloured by metric; a tile opens the town's
// dashboard at base.
func townMap(d dashboard.Dashboard, m dashboard.Metric, base string, size int) template.HTML {
	tm := chart.TileMap{Title: d.Date + " 各乡镇街道" + m.Label, Size: size,
		Legend: append(chart.RateLegend(), chart.Swatch{Color: chart.Grey, Label: "无数据"})}
	for _, t := range dashboard.MapTiles(d.Towns, m) {
		tile := chart.Tile{Col: t.Col, Row: t.Row, Label: short(t.Town.Name), Text: "—", Title: t.Town.Name + " 无数据"}
		if t.Known {
			tile.Fill, tile.Text = chart.RateColor(t.Pct), web.Pct(t.Pct)+"%"
			tile.Title = t.Town.Name + " " + m.Label + " " + tile.Text
			tile.Href = string(link(base, "date", d.Date, "town", t.Town.Code, "map", m.Key))
		}
		tm.Tiles = append(tm.Tiles, tile)
	}
	return tm.HTML()
}

// short is a town's name without its 街道/镇/乡, as the map's tiles write it.
func short(name string) string {
	for _, suffix := range []string{"街道", "镇", "乡"} {
		if n := strings.TrimSuffix(name, suffix); n != name {
			return n
		}
	}
	return name
}

// trendChart draws the trends of the dashboard's days.
func trendChart(d dashboard.Dashboard, w, h int) template.HTML {
	line := chart.Line{Title: fmt.Sprintf("近%d天复工率、产能恢复、到岗率与日报完成率", len(d.Trend)), Max: 100, Unit: "%", Width: w, Height: h}
	s := []chart.Series{{Name: "复工率", Color: chart.Green}, {Name: "产能恢复", Color: chart.Blue},
		{Name: "到岗率", Color: chart.Amber}, {Name: "日报完成率", Color: chart.Grey, Dashed: true}}
	for _, t := range d.Trend {
		line.Labels = append(line.Labels, t.Date[5:])
		s[0].Values = append(s[0].Values, t.WorkingPct)
		s[1].Values = append(s[1].Values, t.CapacityPct)
		s[2].Values = append(s[2].Values, t.OnPostPct)
		s[3].Values = append(s[3].Values, t.ReportPct)
	}
	line.Series = s
	return line.HTML()
}

// WallRefresh is how often the wall fetches its figures.
const WallRefresh = 30 * time.Second

type wallPage struct {
	D       dashboard.Dashboard
	Latest  dashboard.Latest
	Metric  dashboard.Metric
	Map     template.HTML
	Trend   template.HTML
	Src     string
	Every   int
	Updated string
	Urgency map[string]string
}

// wallView reads what the wall shows: the day's figures of the area, the
// map and trend, the latest alerts and tickets.
func (m *module) wallView(r *http.Request, ss *web.Session) (wallPage, error) {
	a := ss.Actor()
	if !dashboard.CanSee(a) {
		return wallPage{}, fugong.NotFound("页面")
	}
	q := r.URL.Query()
	town := q.Get("town")
	d, err := m.svc.Get(r.Context(), a, "", town)
	if err != nil {
		return wallPage{}, err
	}
	l, err := m.svc.Latest(r.Context(), a, town)
	if err != nil {
		return wallPage{}, err
	}
	metric := dashboard.MetricOf(q.Get("map"))
	every := int(WallRefresh / time.Second)
	if v := q.Get("every"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 3600 {
			return wallPage{}, fugong.Errorf(fugong.EInvalid, "every", "刷新间隔 every 应为 5–3600 秒，收到“%s”", v)
		}
		every = n
	}
	town = d.Town
	if a.Role == fugong.RoleTown {
		town = ""
	}
	src := link("/wall/live", "town", town, "map", q.Get("map"), "every", q.Get("every"))
	return wallPage{D: d, Latest: l, Metric: metric, Map: townMap(d, metric, "/wall", 120), Trend: trendChart(d, 760, 300),
		Src: string(src), Every: every, Updated: d.UpdatedAt.Format("2006-01-02 15:04:05"),
		Urgency: tickets.UrgencyNames}, nil
}

// wallPage is GET /wall: the full-screen view. It refreshes itself with
// /static/wall.js, or by reloading where scripts do not run.
func (m *module) wallPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p, err := m.wallView(r, ss)
	if err != nil {
		return err
	}
	return m.writeWall(w, "page", p)
}

// wallLive is GET /wall/live: the wall's figures alone, which the script
// puts in place of the last ones. Its header tells the script the answer
// is the fragment, not a login page.
// The walls of a command room all ask for the same fragment: it is
// rendered once per area and query for the dashboard's CacheFor.
func (m *module) wallLive(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	render := func() ([]byte, error) {
		p, err := m.wallView(r, ss)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = m.wall.ExecuteTemplate(&buf, "live", p)
		return buf.Bytes(), err
	}
	var body []byte
	var err error
	if m.svc.CacheFor > 0 && dashboard.CanSee(a) {
		scope := "city"
		if !a.CityWide() {
			scope = string(a.Role) + ":" + a.Town
		}
		body, err = m.live.Get(r.Context(), scope+"?"+r.URL.RawQuery, m.svc.CacheFor, render)
	} else {
		body, err = render()
	}
	if err != nil {
		return err
	}
	w.Header().Set("X-Wall-Fragment", "1")
	return writeHTML(w, body)
}

func (m *module) writeWall(w http.ResponseWriter, name string, p wallPage) error {
	var buf bytes.Buffer
	if err := m.wall.ExecuteTemplate(&buf, name, p); err != nil {
		return err
	}
	return writeHTML(w, buf.Bytes())
}

func writeHTML(w http.ResponseWriter, body []byte) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

var wallFuncs = template.FuncMap{
	"pct":  web.Pct,
	"when": func(t time.Time) string { return t.In(fugong.Location).Format("01-02 15:04") },
	"add":  func(a, b int) int { return a + b },
}
