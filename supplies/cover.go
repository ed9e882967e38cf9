package supplies

import "math"

// DailyUse is how much of an item the staff on post use in a day, in
// stored units; 0 for the items not used up daily.
func (s Settings) DailyUse(i Item, staff int) float64 {
	return float64(max(staff, 0)) * s.Rate(i)
}

// DaysOfCover is how many days a stock of an item lasts the staff on post,
// rounded down to a tenth of a day so that an enterprise in shortage never
// shows the threshold itself. ok is false when the item is not used up
// daily or nobody is on post: the stock then lasts indefinitely.
func (s Settings) DaysOfCover(i Item, stock int64, staff int) (days float64, ok bool) {
	use := s.DailyUse(i, staff)
	if use <= 0 {
		return 0, false
	}
	// The small addition keeps 168 / 56 from landing just below 3.0.
	return math.Floor(float64(stock)/use*10+1e-9) / 10, true
}

// perStaffTenths is the masks one person on post needs to reach the
// threshold, in tenths of a mask (the rate has one decimal): the shortage
// rule in whole numbers, so that the store's SQL and Short agree exactly.
func (s Settings) perStaffTenths() int64 {
	return int64(math.Round(s.MasksPerPerson*10)) * int64(s.ShortageDays)
}

// ShortageRule is the shortage rule as the store applies it in SQL: an
// enterprise is short when masks × 10 < staff on post × PerStaffTenths.
type ShortageRule struct {
	PerStaffTenths int64
}

// Rule returns the shortage rule of the settings.
func (s Settings) Rule() ShortageRule { return ShortageRule{s.perStaffTenths()} }

// Short reports whether masks last fewer than ShortageDays days for the
// staff on post; an enterprise with nobody on post is never short.
func (s Settings) Short(masks int64, staff int) bool {
	return staff > 0 && masks*10 < int64(staff)*s.perStaffTenths()
}

// Need is how much of an item an enterprise lacks to last ShortageDays
// days: for masks, the least that takes it off the shortage list.
func (s Settings) Need(i Item, stock int64, staff int) int64 {
	var want int64
	if i == Masks {
		want = ceilDiv(int64(max(staff, 0))*s.perStaffTenths(), 10)
	} else {
		want = int64(math.Ceil(s.DailyUse(i, staff)*float64(s.ShortageDays) - 1e-9))
	}
	return max(0, want-stock)
}

// Spare is how much of an item an enterprise can give away and still keep
// SurplusDays days of cover: 0 unless it has a surplus. With nobody on post
// all of its stock is spare.
func (s Settings) Spare(i Item, stock int64, staff int) int64 {
	keep := int64(math.Ceil(s.KeepPerStaff(i)*float64(max(staff, 0)) - 1e-9))
	return max(0, stock-keep)
}

// KeepPerStaff is what a donor keeps per person on post, in stored units:
// SurplusDays days of use.
func (s Settings) KeepPerStaff(i Item) float64 { return s.Rate(i) * float64(s.SurplusDays()) }

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// Cover is one item of an enterprise's stock with its use and cover.
type Cover struct {
	Item  Item
	Stock int64
	// DailyUse and Days are unset for the items not used up daily; Days
	// also when nobody is on post.
	DailyUse *float64
	Days     *float64
	Need     int64
}

// Covers returns every item of a stock with its daily use and cover.
func (s Settings) Covers(q Quantities, staff int) []Cover {
	out := make([]Cover, 0, len(Items))
	for _, i := range Items {
		c := Cover{Item: i, Stock: q.Get(i)}
		if i.Consumed() {
			use := s.DailyUse(i, staff)
			c.DailyUse = &use
			if d, ok := s.DaysOfCover(i, c.Stock, staff); ok {
				c.Days = &d
			}
			c.Need = s.Need(i, c.Stock, staff)
		}
		out = append(out, c)
	}
	return out
}
