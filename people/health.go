package people

import (
	"cmp"
	"math"
	"slices"
	"time"

	"fugong"
	"fugong/pii"
)

// Temperatures a reading may have: below 34 °C or above 43 °C is a
// misreading, not a person.
const (
	MinCelsius = 34.0
	MaxCelsius = 43.0
)

// clockSkew is how far in the future a reading's time may be: a phone's
// clock a little ahead of the server's.
const clockSkew = 5 * time.Minute

// Temperature is one reading of a person's temperature; there may be
// several a day.
type Temperature struct {
	ID      int64     `json:"id"`
	Person  int64     `json:"person"`
	Day     string    `json:"day"` // of At, in the bureau's time zone
	At      time.Time `json:"at"`
	Celsius float64   `json:"celsius"`
	By      string    `json:"by,omitempty"`
}

// Normalize rounds the reading to a tenth of a degree, takes its day from
// its time (now when none is given) and returns every rule it breaks.
func (t *Temperature) Normalize(now time.Time) []fugong.Problem {
	var ps []fugong.Problem
	c := t.Celsius
	switch {
	case math.IsNaN(c) || math.IsInf(c, 0):
		ps = append(ps, fugong.Problem{Field: "celsius", Message: "体温不是有效的数字"})
	case c < MinCelsius || c > MaxCelsius:
		ps = append(ps, fugong.Problem{Field: "celsius", Message: "体温应在 34–43 ℃ 之间"})
	default:
		t.Celsius = float64(tenths(c)) / 10
	}
	if t.At.IsZero() {
		t.At = now
	}
	if t.At.After(now.Add(clockSkew)) {
		ps = append(ps, fugong.Problem{Field: "at", Message: "测温时间不能晚于现在"})
	}
	t.Day = Today(t.At)
	if t.Person <= 0 {
		ps = append(ps, fugong.Problem{Field: "person", Message: "请选择测温人员"})
	}
	return ps
}

// Alert kinds. The checkpoints (M8) raise fever alerts too, for a
// traveller or an isolation resident: their alerts name a Reference
// instead of a StaffID.
const KindFever = "fever"

// Alert statuses.
const (
	AlertOpen   = "open"
	AlertClosed = "closed"
)

// Alert is a fever at or above the threshold, sent to the town of the
// enterprise (or post) and its cadre, open until someone closes it with a
// note. It names the person with their ID number masked.
type Alert struct {
	ID             int64  `json:"id"`
	Kind           string `json:"kind"`
	USCC           string `json:"uscc"` // the enterprise; "" for a checkpoint's
	EnterpriseName string `json:"enterprise_name,omitempty"`
	Town           string `json:"town"`
	TownName       string `json:"town_name,omitempty"`
	// StaffID is the person of the roster; nil for a checkpoint's alert or
	// once the person's data has been purged.
	StaffID   *int64     `json:"staff_id"`
	Reference string     `json:"reference,omitempty"` // a checkpoint's registration or resident
	Name      string     `json:"name,omitempty"`
	IDNumber  string     `json:"id_number,omitempty"` // masked
	Celsius   float64    `json:"celsius"`
	Status    string     `json:"status"`
	OpenedAt  time.Time  `json:"opened_at"`
	OpenedBy  string     `json:"opened_by"`
	ClosedAt  *time.Time `json:"closed_at"`
	ClosedBy  string     `json:"closed_by,omitempty"`
	Note      string     `json:"note,omitempty"`
}

// FeverAlert is the alert a reading of p raises, if it is a fever.
func FeverAlert(p Person, t Temperature, s Settings) (Alert, bool) {
	if !s.Fever(t.Celsius) {
		return Alert{}, false
	}
	id := p.ID
	return Alert{Kind: KindFever, USCC: p.Enterprise, StaffID: &id, Name: p.Name, IDNumber: pii.MaskID(p.IDNumber),
		Celsius: t.Celsius, Status: AlertOpen, OpenedAt: t.At}, true
}

// CheckIn is a person's daily health check-in: Normal when nothing was
// wrong that day.
type CheckIn struct {
	Day    string `json:"day"`
	Normal bool   `json:"normal"`
}

// DailyCheckIns makes one check-in a day from a person's readings: normal
// when no reading that day was a fever. The firm's daily readings stand in
// for the health-code app's own check-ins, which the bureau cannot see.
// Sorted by day.
func DailyCheckIns(readings []Temperature, s Settings) []CheckIn {
	normal := map[string]bool{}
	for _, t := range readings {
		n, seen := normal[t.Day]
		normal[t.Day] = (n || !seen) && !s.Fever(t.Celsius)
	}
	out := make([]CheckIn, 0, len(normal))
	for d, n := range normal {
		out = append(out, CheckIn{Day: d, Normal: n})
	}
	slices.SortFunc(out, func(a, b CheckIn) int { return cmp.Compare(a.Day, b.Day) })
	return out
}

// ExpectedGreen is the day a yellow or red code is expected to turn green:
// the day of the 7th (yellow) or 14th (red) consecutive normal daily
// check-in counted from the day after the code turned (since). An abnormal
// check-in or a missed day starts the count again; today's check-in may
// still come. From the last check-in on, every day is assumed normal.
//
// A day not after today means the count is complete and the code should be
// green by now. ok is false for a green code or a since that is not a
// valid day. Several check-ins on one day count as one, normal only if all
// were.
func ExpectedGreen(code HealthCode, since string, checkIns []CheckIn, today string) (day string, ok bool) {
	need := GreenAfter(code)
	first := AddDays(since, 1)
	if need == 0 || first == "" {
		return "", false
	}
	if _, ok := parseDay(today); !ok {
		return "", false
	}
	byDay := make(map[string]bool, len(checkIns))
	for _, c := range checkIns {
		n, seen := byDay[c.Day]
		byDay[c.Day] = (n || !seen) && c.Normal
	}
	streak := 0
	for d := first; d <= today; d = AddDays(d, 1) {
		normal, checked := byDay[d]
		switch {
		case checked && normal:
			if streak++; streak == need {
				return d, true
			}
		case !checked && d == today: // today's may still come
		default: // abnormal, or a day missed
			streak = 0
		}
	}
	next := today
	if _, checked := byDay[today]; checked {
		next = AddDays(today, 1)
	}
	if next < first {
		next = first
	}
	return AddDays(next, need-streak-1), true
}
