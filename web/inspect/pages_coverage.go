package inspect

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"fugong"
	"fugong/inspect"
	"fugong/web"
	"fugong/web/chart"
)

// coverageNav is the menu entry of the coverage page.
const coverageNav = "/inspections/coverage"

type coverageTownRow struct {
	inspect.TownCoverage
	Rate string
}

type coveragePage struct {
	web.Base
	inspect.Coverage
	Today        string
	FilterError  string
	Rate         string
	FullTowns    int
	Towns        []coverageTownRow
	Chart        template.HTML
	Interval     int
	Duties       []inspect.Duty // the cadres behind, the furthest first, at most maxDutyRows
	Cadres       int            // all the cadres in scope
	CadresBehind int
	BehindTotal  int
}

// maxDutyRows bounds the cadres listed on the page: a city has a thousand
// cadres, and the page is read on a phone; the API lists them all.
const maxDutyRows = 50

// coveragePage shows how far the inspections reached in a period, the towns
// fully covered first in the reader's eye, and the cadres behind their
// visits.
func (m *module) coveragePage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	q := r.URL.Query()
	p := coveragePage{Base: ss.Base("督导覆盖", coverageNav), Today: m.oversight.Today()}
	c, err := m.oversight.Coverage(r.Context(), a, q.Get("from"), q.Get("to"))
	if fugong.ErrorCode(err) == fugong.EInvalid {
		p.FilterError = fmt.Sprintf("%s，已显示近%d天", fugong.AsError(err).Message, inspect.DefaultPeriodDays)
		c, err = m.oversight.Coverage(r.Context(), a, "", "")
	}
	if err != nil {
		return err
	}
	p.Coverage, p.Rate, p.FullTowns = c, web.Pct(c.City.Rate()), c.FullTowns()
	bars := chart.HBar{Title: fmt.Sprintf("%s 至 %s 各乡镇街道督导覆盖率", c.From, c.To), Max: 100, Unit: "%",
		Legend: []chart.Swatch{{Color: chart.Green, Label: "全覆盖"}, {Color: chart.Amber, Label: "部分覆盖"}, {Color: chart.Red, Label: "未达60%"}}}
	for _, t := range c.Towns {
		fill := chart.RateColor(t.Rate())
		if t.Full() {
			fill = chart.Green
		} else if fill == chart.Green {
			fill = chart.Amber // 90 % is not yet full coverage
		}
		p.Towns = append(p.Towns, coverageTownRow{TownCoverage: t, Rate: web.Pct(t.Rate())})
		bars.Bars = append(bars.Bars, chart.Bar{Label: t.Town.Name, Value: t.Rate(), Fill: fill, Text: web.Pct(t.Rate()) + "%",
			Title: fmt.Sprintf("%s 已督导 %d / 共 %d 家", t.Town.Name, t.Visited, t.Total),
			Href:  "/enterprises?" + url.Values{"town": {t.Town.Code}}.Encode()})
	}
	p.Chart = bars.HTML()
	duties, interval, err := m.oversight.Duties(r.Context(), a)
	if err != nil {
		return err
	}
	p.Interval, p.Cadres = interval, len(duties)
	for _, d := range duties {
		if len(d.Overdue) == 0 {
			continue
		}
		p.CadresBehind++
		p.BehindTotal += len(d.Overdue)
		if len(p.Duties) < maxDutyRows {
			p.Duties = append(p.Duties, d)
		}
	}
	ss.Render(w, r, http.StatusOK, "inspect_coverage", p)
	return nil
}
