package tickets

import (
	"slices"
	"time"
)

// StatRow is what the figures need of one ticket.
type StatRow struct {
	Category        string
	Status          string
	RaisedAt        time.Time
	DueAt           time.Time
	FirstResolvedAt *time.Time
}

// CategoryStats are the figures of one category (or of all).
type CategoryStats struct {
	Category string `json:"category"`
	Name     string `json:"name"`
	Total    int    `json:"total"`
	Open     int    `json:"open"`
	Overdue  int    `json:"overdue"`
	Resolved int    `json:"resolved"` // ever resolved: the tickets timed
	// Hours from raise to first resolution, over the resolved tickets;
	// nil when none is.
	AvgHours    *float64 `json:"avg_hours"`
	MedianHours *float64 `json:"median_hours"`
	// WithinSLA counts the resolved tickets first resolved by their due time.
	WithinSLA int `json:"within_sla"`
}

// Stats are the figures per category, in category order, and their total.
type Stats struct {
	Categories []CategoryStats `json:"categories"`
	All        CategoryStats   `json:"all"`
}

// Summarize computes the figures of rows at now.
func Summarize(rows []StatRow, now time.Time) Stats {
	durations := map[string][]time.Duration{}
	byCat := map[string]*CategoryStats{}
	all := &CategoryStats{Category: "", Name: "合计"}
	for _, c := range Categories {
		byCat[c] = &CategoryStats{Category: c, Name: CategoryNames[c]}
	}
	var allDurations []time.Duration
	for _, r := range rows {
		c, ok := byCat[r.Category]
		if !ok {
			continue
		}
		for _, s := range []*CategoryStats{c, all} {
			s.Total++
			if Open(r.Status) {
				s.Open++
				if now.After(r.DueAt) {
					s.Overdue++
				}
			}
			if r.FirstResolvedAt != nil {
				s.Resolved++
				if !r.FirstResolvedAt.After(r.DueAt) {
					s.WithinSLA++
				}
			}
		}
		if r.FirstResolvedAt != nil {
			d := r.FirstResolvedAt.Sub(r.RaisedAt)
			durations[r.Category] = append(durations[r.Category], d)
			allDurations = append(allDurations, d)
		}
	}
	out := Stats{}
	for _, c := range Categories {
		s := byCat[c]
		s.AvgHours, s.MedianHours = avgMedian(durations[c])
		out.Categories = append(out.Categories, *s)
	}
	all.AvgHours, all.MedianHours = avgMedian(allDurations)
	out.All = *all
	return out
}

// avgMedian returns the mean and the median of ds in hours, rounded to a
// tenth; nil for none.
func avgMedian(ds []time.Duration) (*float64, *float64) {
	if len(ds) == 0 {
		return nil, nil
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	avg := roundHours(sum / time.Duration(len(ds)))
	mid := len(ds) / 2
	med := ds[mid]
	if len(ds)%2 == 0 {
		med = (ds[mid-1] + ds[mid]) / 2
	}
	median := roundHours(med)
	return &avg, &median
}
