package checkpoint

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
)

// Round is one of the two daily temperature rounds at an isolation point.
type Round string

const (
	Morning   Round = "morning"
	Afternoon Round = "afternoon"
)

// Rounds lists the rounds in the order of the day.
var Rounds = []Round{Morning, Afternoon}

// RoundNames are the Chinese names of the rounds.
var RoundNames = map[Round]string{Morning: "上午", Afternoon: "下午"}

// RoundDue is when a round is flagged as missing, in minutes from
// midnight: the morning's at noon, the afternoon's at 18:00.
var RoundDue = map[Round]int{Morning: 12 * 60, Afternoon: 18 * 60}

// ParseRound reads a round in English or Chinese.
func ParseRound(s string) (Round, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "morning", "am", "上午", "早上", "早":
		return Morning, true
	case "afternoon", "pm", "下午", "晚上", "晚":
		return Afternoon, true
	}
	return "", false
}

// Reading is a resident's temperature on a round. A second reading of the
// same round and day is a correction: the store keeps it as the round's
// next Version (1 for the first), and the latest version is the round's
// reading (Current).
type Reading struct {
	ID       int64     `json:"id"`
	Resident int64     `json:"resident"`
	Day      string    `json:"day"`
	Round    Round     `json:"round"`
	Celsius  float64   `json:"celsius"`
	At       time.Time `json:"at"`
	By       string    `json:"by"`
	Version  int       `json:"version"`
}

// ReadingLabels are the Chinese labels of a reading's fields.
var ReadingLabels = map[string]string{
	"resident": "隔离人员",
	"day":      "测温日期",
	"round":    "测温轮次",
	"celsius":  "体温",
	"at":       "测温时间",
}

// Normalize cleans a reading of resident r (the round in English, the
// temperature to a tenth of a degree, the day from its time when not
// given) and returns every rule it breaks: people's temperatures, a day
// the resident was at the point, a time neither before that day nor in
// the future. A round may be recorded late (yesterday afternoon's, just
// after midnight).
func (t *Reading) Normalize(now time.Time, r Resident) []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: ReadingLabels[field] + msg})
	}
	if t.Resident != r.ID || r.ID <= 0 {
		bad("resident", "不存在")
	}
	if v, ok := ParseRound(string(t.Round)); ok {
		t.Round = v
	} else {
		bad("round", "应为 morning 或 afternoon（上午或下午）")
	}
	var cps []fugong.Problem
	t.Celsius, cps = celsius(t.Celsius, now, "celsius")
	ps = append(ps, cps...)
	if t.At.IsZero() {
		t.At = now
	}
	if t.Day = strings.TrimSpace(t.Day); t.Day == "" {
		t.Day = people.Today(t.At)
	}
	switch {
	case people.AddDays(t.Day, 0) != t.Day:
		bad("day", "应为 YYYY-MM-DD 格式的有效日期")
	case !r.InResidence(t.Day):
		bad("day", "："+t.Day+" 该人员不在隔离点（入住 "+r.AdmittedOn+"）")
	case people.Today(t.At) < t.Day:
		bad("at", "不能早于测温日期")
	}
	if t.At.After(now.Add(5 * time.Minute)) {
		bad("at", "不能晚于现在")
	}
	return ps
}

type roundKey struct {
	resident int64
	day      string
	round    Round
}

// Current is each round's reading: the latest version of each resident's
// round of each day, in order of resident, day and round.
func Current(readings []Reading) []Reading {
	latest := map[roundKey]Reading{}
	for _, t := range readings {
		k := roundKey{t.Resident, t.Day, t.Round}
		if prev, ok := latest[k]; !ok || t.Version > prev.Version {
			latest[k] = t
		}
	}
	out := make([]Reading, 0, len(latest))
	for _, t := range latest {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Reading) int {
		return cmp.Or(cmp.Compare(a.Resident, b.Resident), cmp.Compare(a.Day, b.Day), cmp.Compare(RoundDue[a.Round], RoundDue[b.Round]))
	})
	return out
}

// NextVersion is the version a new reading of t's round takes among the
// readings already stored: 1 for a first reading, one more than the
// latest for a correction.
func NextVersion(stored []Reading, t Reading) int {
	v := 0
	for _, s := range stored {
		if s.Resident == t.Resident && s.Day == t.Day && s.Round == t.Round {
			v = max(v, s.Version)
		}
	}
	return v + 1
}

// ResidentAlert is the alert a reading of resident r at point p raises, if
// it is a fever (people's threshold). A correction raises one too: closing
// the alert of a misreading is the town's, with a note.
func ResidentAlert(p Point, r Resident, t Reading, s people.Settings) (Alert, bool) {
	if !s.Fever(t.Celsius) {
		return Alert{}, false
	}
	return Alert{Kind: AlertFever, Town: p.Town, Point: p.ID, Reference: ResidentRef(r.ID), Name: r.Name,
		IDNumber: pii.MaskID(r.IDNumber), Celsius: t.Celsius, Status: AlertOpen, OpenedAt: t.At, OpenedBy: t.By}, true
}

// Missing is a round not taken by the time it was due.
type Missing struct {
	Resident int64     `json:"resident"`
	Point    int64     `json:"point"`
	Room     string    `json:"room"`
	Name     string    `json:"name"`
	Day      string    `json:"day"`
	Round    Round     `json:"round"`
	Due      time.Time `json:"due"`
}

// MissingRounds flags the rounds of day that are due by now and have no
// reading: the morning's from noon, the afternoon's from 18:00, for each
// resident in residence that day. The day a resident arrives is not
// flagged: their admission check stands in for it, and they may arrive
// after a round. A past day's rounds are all due. Ordered by point, room,
// resident and round.
func MissingRounds(day string, now time.Time, residents []Resident, readings []Reading) []Missing {
	start, err := time.ParseInLocation(people.DateLayout, day, fugong.Location)
	if err != nil {
		return []Missing{}
	}
	taken := map[roundKey]bool{}
	for _, t := range readings {
		taken[roundKey{t.Resident, t.Day, t.Round}] = true
	}
	out := []Missing{}
	for _, r := range residents {
		if !r.InResidence(day) || r.AdmittedOn == day {
			continue
		}
		for _, round := range Rounds {
			due := start.Add(time.Duration(RoundDue[round]) * time.Minute)
			if now.Before(due) || taken[roundKey{r.ID, day, round}] {
				continue
			}
			out = append(out, Missing{Resident: r.ID, Point: r.Point, Room: r.Room, Name: r.Name, Day: day, Round: round, Due: due})
		}
	}
	slices.SortFunc(out, func(a, b Missing) int {
		return cmp.Or(cmp.Compare(a.Point, b.Point), compareRooms(a.Room, b.Room), cmp.Compare(a.Resident, b.Resident),
			cmp.Compare(RoundDue[a.Round], RoundDue[b.Round]))
	})
	return out
}

// compareRooms orders rooms by number ("2" before "10").
func compareRooms(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b)) }

// MealKind is one of a day's three meals.
type MealKind string

const (
	Breakfast MealKind = "breakfast"
	Lunch     MealKind = "lunch"
	Dinner    MealKind = "dinner"
)

// MealKinds lists the meals in the order of the day.
var MealKinds = []MealKind{Breakfast, Lunch, Dinner}

// MealNames are the Chinese names of the meals.
var MealNames = map[MealKind]string{Breakfast: "早餐", Lunch: "午餐", Dinner: "晚餐"}

// ParseMeal reads a meal in English or Chinese.
func ParseMeal(s string) (MealKind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "breakfast", "早餐", "早饭":
		return Breakfast, true
	case "lunch", "午餐", "午饭":
		return Lunch, true
	case "dinner", "晚餐", "晚饭":
		return Dinner, true
	}
	return "", false
}

// Meal is a meal delivered to a resident's door. One of each kind a day:
// the store refuses a second (ErrMealTwice).
type Meal struct {
	ID          int64     `json:"id"`
	Resident    int64     `json:"resident"`
	Day         string    `json:"day"`
	Kind        MealKind  `json:"kind"`
	DeliveredAt time.Time `json:"delivered_at"`
	By          string    `json:"by"`
}

// Normalize cleans a meal for resident r (the day from its time when not
// given) and returns every rule it breaks.
func (m *Meal) Normalize(now time.Time, r Resident) []fugong.Problem {
	var ps []fugong.Problem
	if m.Resident != r.ID || r.ID <= 0 {
		ps = append(ps, fugong.Problem{Field: "resident", Message: "隔离人员不存在"})
	}
	if k, ok := ParseMeal(string(m.Kind)); ok {
		m.Kind = k
	} else {
		ps = append(ps, fugong.Problem{Field: "kind", Message: "餐次应为 breakfast、lunch 或 dinner（早餐、午餐、晚餐）"})
	}
	if m.DeliveredAt.IsZero() {
		m.DeliveredAt = now
	}
	if m.Day = strings.TrimSpace(m.Day); m.Day == "" {
		m.Day = people.Today(m.DeliveredAt)
	}
	switch {
	case people.AddDays(m.Day, 0) != m.Day:
		ps = append(ps, fugong.Problem{Field: "day", Message: "送餐日期应为 YYYY-MM-DD 格式的有效日期"})
	case !r.InResidence(m.Day):
		ps = append(ps, fugong.Problem{Field: "day", Message: "送餐日期：" + m.Day + " 该人员不在隔离点"})
	}
	if m.DeliveredAt.After(now.Add(5 * time.Minute)) {
		ps = append(ps, fugong.Problem{Field: "delivered_at", Message: "送餐时间不能晚于现在"})
	}
	return ps
}

// ErrMealTwice is the store's answer to a second meal of a kind on a day.
func ErrMealTwice(m Meal) *fugong.Error {
	return fugong.Errorf(fugong.EConflict, "kind", "%s的%s已登记送达", m.Day, MealNames[m.Kind])
}

// DayMeals is what a resident was brought on a day.
type DayMeals struct {
	Resident  int64  `json:"resident"`
	Day       string `json:"day"`
	Breakfast bool   `json:"breakfast"`
	Lunch     bool   `json:"lunch"`
	Dinner    bool   `json:"dinner"`
	Count     int    `json:"count"`
}

// MealsOn is each resident's meals on day, for the residents in residence
// that day, in their order.
func MealsOn(day string, residents []Resident, meals []Meal) []DayMeals {
	got := map[int64]map[MealKind]bool{}
	for _, m := range meals {
		if m.Day != day {
			continue
		}
		if got[m.Resident] == nil {
			got[m.Resident] = map[MealKind]bool{}
		}
		got[m.Resident][m.Kind] = true
	}
	out := []DayMeals{}
	for _, r := range residents {
		if !r.InResidence(day) {
			continue
		}
		g := got[r.ID]
		d := DayMeals{Resident: r.ID, Day: day, Breakfast: g[Breakfast], Lunch: g[Lunch], Dinner: g[Dinner]}
		for _, k := range MealKinds {
			if g[k] {
				d.Count++
			}
		}
		out = append(out, d)
	}
	return out
}
