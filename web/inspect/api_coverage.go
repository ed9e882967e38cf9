package inspect

import (
	"net/http"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/web"
)

// The inspections' reach through the API (M3): coverage per town and the
// cadres behind their visits.

type areaJSON struct {
	Visited int     `json:"visited"`
	Total   int     `json:"total"`
	Rate    float64 `json:"rate"`
	Full    bool    `json:"full"`
}

func areaOf(a inspect.Area) areaJSON {
	return areaJSON{Visited: a.Visited, Total: a.Total, Rate: web.RoundPct(a.Rate()), Full: a.Full()}
}

type townCoverageJSON struct {
	Town     string `json:"town"`
	TownName string `json:"town_name"`
	areaJSON
}

type coverageJSON struct {
	From      string             `json:"from"`
	To        string             `json:"to"`
	City      areaJSON           `json:"city"`
	Towns     []townCoverageJSON `json:"towns"`
	FullTowns int                `json:"full_towns"`
}

func (m *module) apiCoverage(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	q := r.URL.Query()
	c, err := m.oversight.Coverage(r.Context(), a, q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	out := coverageJSON{From: c.From, To: c.To, City: areaOf(c.City), Towns: []townCoverageJSON{}, FullTowns: c.FullTowns()}
	for _, t := range c.Towns {
		out.Towns = append(out.Towns, townCoverageJSON{Town: t.Town.Code, TownName: t.Town.Name, areaJSON: areaOf(t.Area)})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

type overdueJSON struct {
	USCC      string     `json:"uscc"`
	Name      string     `json:"name"`
	Town      string     `json:"town"`
	TownName  string     `json:"town_name"`
	Since     time.Time  `json:"paired_since"`
	LastVisit *time.Time `json:"last_visit"`
	Due       time.Time  `json:"due"`
}

type dutyJSON struct {
	Username    string        `json:"username"`
	DisplayName string        `json:"display_name"`
	Paired      int           `json:"paired"`
	Behind      int           `json:"behind"`
	Overdue     []overdueJSON `json:"overdue"`
}

func (m *module) apiCadreDuties(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	ds, interval, err := m.oversight.Duties(r.Context(), a)
	if err != nil {
		return err
	}
	items := make([]dutyJSON, 0, len(ds))
	for _, d := range ds {
		j := dutyJSON{Username: d.Cadre, DisplayName: d.CadreName, Paired: d.Paired, Behind: len(d.Overdue), Overdue: []overdueJSON{}}
		for _, p := range d.Overdue {
			j.Overdue = append(j.Overdue, overdueJSON{USCC: p.USCC, Name: p.Name, Town: p.Town.Code, TownName: p.Town.Name,
				Since: inZone(p.Since), LastVisit: inZonePtr(p.LastVisit), Due: inZone(p.Due(interval))})
		}
		items = append(items, j)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"interval_days": interval, "items": items, "total": len(items)})
	return nil
}

// inZone gives a time in the bureau's zone, so it reads +08:00 in JSON.
func inZone(t time.Time) time.Time { return t.In(fugong.Location) }

func inZonePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := inZone(*t)
	return &v
}
