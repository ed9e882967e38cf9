package registry

import (
	"net/http"

	"fugong"
	"fugong/web"
)

// The registry's panels of the home page: the count of enterprises
// (first, Order 100) and the table by town (after the modules' figures of
// the day, Order 300). A clerk's home is their enterprise's work (the
// daily report's panel), not the registry's overview.
const (
	homeStatsOrder = 100
	homeTownsOrder = 300
)

type homeCounts struct {
	Counts []townRow
	Total  townRow
}

type townRow struct {
	Code, Name          string
	Above, Below, Total int
}

func (m *module) home(r *http.Request, ss *web.Session) ([]web.Section, error) {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise {
		return nil, nil
	}
	counts, err := m.svc.CountByTown(r.Context(), a)
	if err != nil {
		return nil, err
	}
	p := homeCounts{Total: townRow{Name: "合计"}}
	for _, c := range counts {
		p.Counts = append(p.Counts, townRow{c.Town.Code, c.Town.Name, c.Above, c.Below, c.Total()})
		p.Total.Above += c.Above
		p.Total.Below += c.Below
	}
	p.Total.Total = p.Total.Above + p.Total.Below
	stats, err := ss.Partial("registry-home-stats", p)
	if err != nil {
		return nil, err
	}
	if !a.CityWide() {
		// A table of one town (or of a checkpoint's none) says nothing
		// the figures above do not.
		return []web.Section{{HTML: stats, Order: homeStatsOrder}}, nil
	}
	towns, err := ss.Partial("registry-home-towns", p)
	if err != nil {
		return nil, err
	}
	return []web.Section{{HTML: stats, Order: homeStatsOrder}, {HTML: towns, Order: homeTownsOrder}}, nil
}
