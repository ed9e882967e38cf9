package people

import (
	"cmp"
	"slices"
	"strings"

	"fugong/pii"
)

// Line is a person on one of the day's lists, their ID number and phone
// masked, with what put them on it.
type Line struct {
	Person          int64      `json:"person"`
	Enterprise      string     `json:"enterprise"`
	EnterpriseName  string     `json:"enterprise_name,omitempty"`
	Name            string     `json:"name"`
	IDNumber        string     `json:"id_number"` // masked
	Phone           string     `json:"phone"`     // masked
	OnPost          bool       `json:"on_post"`
	QuarantineStart string     `json:"quarantine_start,omitempty"`
	QuarantineEnd   string     `json:"quarantine_end,omitempty"`
	HealthCode      HealthCode `json:"health_code,omitempty"`
	CodeSince       string     `json:"code_since,omitempty"`
	// GreenExpected is the day a yellow or red code is expected to turn
	// green ("green expected on D"); on or before the day, it is overdue.
	GreenExpected string `json:"green_expected,omitempty"`
	// Celsius is the day's highest reading, on the fever list.
	Celsius float64 `json:"celsius,omitempty"`
}

// Summary is the prevention group's lists of a day. Every list is
// present, empty when nobody is on it.
type Summary struct {
	Quarantined      []Line `json:"quarantined"`       // in quarantine on the day
	QuarantineEnding []Line `json:"quarantine_ending"` // of those, ending within EndingWithin days
	Yellow           []Line `json:"yellow"`
	Red              []Line `json:"red"`
	Fever            []Line `json:"fever"` // a reading at or above the threshold on the day
	FamilyHeld       []Line `json:"family_held"`
}

func line(p Person) Line {
	l := Line{Person: p.ID, Enterprise: p.Enterprise, EnterpriseName: p.EnterpriseName, Name: p.Name, IDNumber: maskOnce(p.IDNumber, pii.MaskID), OnPost: p.OnPost}
	if p.Phone != "" {
		l.Phone = maskOnce(p.Phone, pii.MaskPhone)
	}
	return l
}

// maskOnce masks a whole value, and leaves one the store gave masked as it
// is (a masked phone masked again would lose its last digits).
func maskOnce(v string, mask func(string) string) string {
	if strings.Contains(v, "*") {
		return v
	}
	return mask(v)
}

// Summarize makes the lists of day from the people in scope and their
// readings. The readings need to reach back to the earliest CodeSince of a
// yellow or red code for its expected green day (14 days and a little
// more suffice for codes turned in the last fortnight); readings of other
// days or of people not given are ignored.
func Summarize(day string, people []Person, readings []Temperature, s Settings) Summary {
	byPerson := map[int64][]Temperature{}
	for _, t := range readings {
		byPerson[t.Person] = append(byPerson[t.Person], t)
	}
	sum := Summary{Quarantined: []Line{}, QuarantineEnding: []Line{}, Yellow: []Line{}, Red: []Line{}, Fever: []Line{}, FamilyHeld: []Line{}}
	for _, p := range people {
		if p.InQuarantine(day) {
			l := line(p)
			l.QuarantineStart, l.QuarantineEnd = p.QuarantineStart, p.QuarantineEnd
			sum.Quarantined = append(sum.Quarantined, l)
			if p.QuarantineEndingSoon(day) {
				sum.QuarantineEnding = append(sum.QuarantineEnding, l)
			}
		}
		if p.HealthCode == CodeYellow || p.HealthCode == CodeRed {
			l := line(p)
			l.HealthCode, l.CodeSince = p.HealthCode, p.CodeSince
			l.GreenExpected, _ = ExpectedGreen(p.HealthCode, p.CodeSince, DailyCheckIns(byPerson[p.ID], s), day)
			if p.HealthCode == CodeYellow {
				sum.Yellow = append(sum.Yellow, l)
			} else {
				sum.Red = append(sum.Red, l)
			}
		}
		high, fever := 0.0, false
		for _, t := range byPerson[p.ID] {
			if t.Day == day && s.Fever(t.Celsius) {
				fever, high = true, max(high, t.Celsius)
			}
		}
		if fever {
			l := line(p)
			l.Celsius = high
			sum.Fever = append(sum.Fever, l)
		}
		if p.CodeHeldByFamily {
			l := line(p)
			l.HealthCode = p.HealthCode
			sum.FamilyHeld = append(sum.FamilyHeld, l)
		}
	}
	byName := func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.Enterprise, b.Enterprise), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Person, b.Person))
	}
	slices.SortFunc(sum.Quarantined, func(a, b Line) int { return cmp.Or(cmp.Compare(a.QuarantineEnd, b.QuarantineEnd), byName(a, b)) })
	slices.SortFunc(sum.QuarantineEnding, func(a, b Line) int { return cmp.Or(cmp.Compare(a.QuarantineEnd, b.QuarantineEnd), byName(a, b)) })
	slices.SortFunc(sum.Yellow, func(a, b Line) int { return cmp.Or(cmp.Compare(a.GreenExpected, b.GreenExpected), byName(a, b)) })
	slices.SortFunc(sum.Red, func(a, b Line) int { return cmp.Or(cmp.Compare(a.GreenExpected, b.GreenExpected), byName(a, b)) })
	slices.SortFunc(sum.Fever, func(a, b Line) int { return cmp.Or(cmp.Compare(b.Celsius, a.Celsius), byName(a, b)) })
	slices.SortFunc(sum.FamilyHeld, byName)
	return sum
}
