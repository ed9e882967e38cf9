package checkpoint

import (
	"cmp"
	"slices"

	"fugong/registry"
)

// Occupancy is an isolation point on a day: its beds, who is in them, and
// the releases due (the residents whose release date has come, not yet
// released: they may leave today, or are late).
type Occupancy struct {
	Point       int64  `json:"point"`
	Name        string `json:"name"`
	Town        string `json:"town"`
	Rooms       int    `json:"rooms"`
	Beds        int    `json:"beds"`
	Occupied    int    `json:"occupied"`
	Free        int    `json:"free"`
	RoomsFull   int    `json:"rooms_full"`
	ReleasesDue int    `json:"releases_due"` // release date today or before
	Overdue     int    `json:"overdue"`      // of those, release date before today
	Admitted    int    `json:"admitted"`     // admitted on the day
	Released    int    `json:"released"`     // released on the day
}

// TownOccupancy is the sum of a town's points.
type TownOccupancy struct {
	Town        string `json:"town"`
	TownName    string `json:"town_name"`
	Points      int    `json:"points"`
	Beds        int    `json:"beds"`
	Occupied    int    `json:"occupied"`
	Free        int    `json:"free"`
	ReleasesDue int    `json:"releases_due"`
	Overdue     int    `json:"overdue"`
	Admitted    int    `json:"admitted"`
	Released    int    `json:"released"`
}

// PointOccupancy is each point's occupancy on day, from its residents;
// closed points with nobody in them are left out. Ordered by town and
// name.
func PointOccupancy(day string, points []Point, residents []Resident) []Occupancy {
	byPoint := map[int64][]Resident{}
	for _, r := range residents {
		byPoint[r.Point] = append(byPoint[r.Point], r)
	}
	out := []Occupancy{}
	for _, p := range points {
		o := Occupancy{Point: p.ID, Name: p.Name, Town: p.Town, Rooms: p.Rooms, Beds: p.Beds()}
		rooms := map[string]int{}
		for _, r := range byPoint[p.ID] {
			if r.AdmittedOn == day {
				o.Admitted++
			}
			if r.ReleasedOn == day {
				o.Released++
			}
			if !r.InResidence(day) {
				continue
			}
			o.Occupied++
			rooms[r.Room]++
			if r.ReleaseOn != "" && r.ReleaseOn <= day {
				o.ReleasesDue++
				if r.ReleaseOn < day {
					o.Overdue++
				}
			}
		}
		for room, n := range rooms {
			if c, ok := p.RoomCapacity(room); ok && n >= c {
				o.RoomsFull++
			}
		}
		o.Free = max(0, o.Beds-o.Occupied)
		if p.Closed && o.Occupied == 0 {
			continue
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Occupancy) int {
		return cmp.Or(cmp.Compare(a.Town, b.Town), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Point, b.Point))
	})
	return out
}

// TownTotals sums points' occupancy per town, in the order of the towns.
func TownTotals(occ []Occupancy) []TownOccupancy {
	m := map[string]*TownOccupancy{}
	for _, o := range occ {
		t := m[o.Town]
		if t == nil {
			t = &TownOccupancy{Town: o.Town}
			if town, ok := registry.TownByCode(o.Town); ok {
				t.TownName = town.Name
			}
			m[o.Town] = t
		}
		t.Points++
		t.Beds += o.Beds
		t.Occupied += o.Occupied
		t.Free += o.Free
		t.ReleasesDue += o.ReleasesDue
		t.Overdue += o.Overdue
		t.Admitted += o.Admitted
		t.Released += o.Released
	}
	out := make([]TownOccupancy, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b TownOccupancy) int { return cmp.Compare(a.Town, b.Town) })
	return out
}

// ReleasesDue are the residents in residence on day whose release date has
// come, the longest overdue first, then by point and room.
func ReleasesDue(day string, residents []Resident) []Resident {
	out := []Resident{}
	for _, r := range residents {
		if r.InResidence(day) && r.ReleaseOn != "" && r.ReleaseOn <= day {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Resident) int {
		return cmp.Or(cmp.Compare(a.ReleaseOn, b.ReleaseOn), cmp.Compare(a.Point, b.Point), compareRooms(a.Room, b.Room),
			cmp.Compare(a.ID, b.ID))
	})
	return out
}
