package checkpoint

import (
	"net/url"
	"strings"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/tickets"
)

// Direction is which way a traveller passes a post.
type Direction string

const (
	DirIn  Direction = "in"  // into the city, town or community the post guards
	DirOut Direction = "out" // out of it
)

// Directions lists the directions in display order.
var Directions = []Direction{DirIn, DirOut}

// DirectionNames are the Chinese names of the directions.
var DirectionNames = map[Direction]string{DirIn: "进入", DirOut: "离开"}

// ParseDirection reads a direction in English or Chinese.
func ParseDirection(s string) (Direction, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "in", "进", "入", "进入", "进城", "入城":
		return DirIn, true
	case "out", "出", "离开", "出城", "外出":
		return DirOut, true
	}
	return "", false
}

// Answer is a yes or no to a health question.
type Answer string

const (
	Yes Answer = "yes"
	No  Answer = "no"
)

// ParseAnswer reads yes or no in English or Chinese.
func ParseAnswer(s string) (Answer, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "是", "有":
		return Yes, true
	case "no", "否", "无", "没有":
		return No, true
	}
	return "", false
}

// Health is what a traveller declares of their health.
type Health struct {
	Fever        Answer            `json:"fever"`          // a fever now or in the last 14 days
	Cough        Answer            `json:"cough"`          // a cough, a sore throat, short of breath
	HighRiskArea Answer            `json:"high_risk_area"` // in a high-risk area in the last 14 days
	HealthCode   people.HealthCode `json:"health_code"`
}

// Flags are what in the declaration the staff must look at before they
// let the traveller pass, in Chinese; none for a healthy green-code one.
func (h Health) Flags() []string {
	var out []string
	if h.Fever == Yes {
		out = append(out, "自述发热")
	}
	if h.Cough == Yes {
		out = append(out, "自述咳嗽等症状")
	}
	if h.HighRiskArea == Yes {
		out = append(out, "14天内到过疫情高风险地区")
	}
	if h.HealthCode == people.CodeYellow || h.HealthCode == people.CodeRed {
		out = append(out, people.CodeNames[h.HealthCode])
	}
	return out
}

// Traveller is who registers at a post: what they fill in, and what is
// remembered on their phone for next time (Remembered).
type Traveller struct {
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	Phone       string `json:"phone"`
	Plate       string `json:"plate,omitempty"` // "" on foot or as a passenger
	Origin      string `json:"origin"`
	Destination string `json:"destination"`
}

// Masked is the traveller with the ID number and phone masked, as the
// staff, the lists and the form filled from a remembered traveller show
// them.
func (t Traveller) Masked() Traveller {
	t.IDNumber = pii.MaskID(t.IDNumber)
	if t.Phone != "" {
		t.Phone = pii.MaskPhone(t.Phone)
	}
	return t
}

// Form is a traveller's registration as they submit it on their phone.
type Form struct {
	Traveller
	Direction Direction `json:"direction"`
	Health
	// Remember keeps the traveller's details on this phone for next time.
	Remember bool `json:"remember"`
}

// FormFields are the form's fields in order.
var FormFields = []string{"name", "id_number", "phone", "plate", "origin", "destination",
	"direction", "fever", "cough", "high_risk_area", "health_code", "remember"}

// FormLabels are the Chinese labels of the form's fields.
var FormLabels = map[string]string{
	"name":           "姓名",
	"id_number":      "身份证号码",
	"phone":          "手机号码",
	"plate":          "车牌号",
	"origin":         "出发地",
	"destination":    "目的地",
	"direction":      "进出方向",
	"fever":          "是否发热",
	"cough":          "是否咳嗽、乏力、呼吸困难",
	"high_risk_area": "14天内是否到过疫情高风险地区",
	"health_code":    "健康码",
	"remember":       "记住我的信息",
}

// maxValue bounds a form value in bytes before any rule reads it: the
// longest field (100 characters of Chinese) is 300 bytes.
const maxValue = 1024

// ParseForm reads a submitted registration form and returns every rule it
// breaks, each naming its field. A field given twice counts once (the
// first). remembered is the traveller this phone's cookie names, or nil:
// the form it filled showed their ID number and phone masked, and a value
// that comes back unchanged (still masked) stands for the whole one.
// today is the bureau's day (nobody registers before they are born).
func ParseForm(v url.Values, remembered *Traveller, today string) (Form, []fugong.Problem) {
	var ps []fugong.Problem
	get := func(field string) string {
		s := v.Get(field)
		if len(s) > maxValue {
			ps = append(ps, fugong.Problem{Field: field, Message: FormLabels[field] + "过长"})
			return ""
		}
		return s
	}
	f := Form{
		Traveller: Traveller{Name: get("name"), IDNumber: get("id_number"), Phone: get("phone"),
			Plate: get("plate"), Origin: get("origin"), Destination: get("destination")},
		Direction: Direction(get("direction")),
		Health: Health{Fever: Answer(get("fever")), Cough: Answer(get("cough")),
			HighRiskArea: Answer(get("high_risk_area")), HealthCode: people.HealthCode(get("health_code"))},
	}
	switch strings.ToLower(strings.TrimSpace(get("remember"))) {
	case "", "0", "off", "false", "no":
	case "1", "on", "true", "yes":
		f.Remember = true
	default:
		ps = append(ps, fugong.Problem{Field: "remember", Message: FormLabels["remember"] + "应为勾选或不勾选"})
	}
	if remembered != nil {
		shown := remembered.Masked()
		if strings.TrimSpace(f.IDNumber) == shown.IDNumber && remembered.IDNumber != "" {
			f.IDNumber = remembered.IDNumber
		}
		if strings.TrimSpace(f.Phone) == shown.Phone && remembered.Phone != "" {
			f.Phone = remembered.Phone
		}
	}
	// A value too long was read as empty, and is not refused twice.
	return f, append(ps, f.normalize(today, fieldsIn(ps))...)
}

func fieldsIn(ps []fugong.Problem) map[string]bool {
	m := make(map[string]bool, len(ps))
	for _, p := range ps {
		m[p.Field] = true
	}
	return m
}

// Normalize cleans the form in place (trims; the ID number, phone and
// plate in their normal forms; the answers in English) and returns every
// rule it breaks, each naming its field.
func (f *Form) Normalize(today string) []fugong.Problem { return f.normalize(today, nil) }

// normalize skips the fields already refused.
func (f *Form) normalize(today string, refused map[string]bool) []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		if !refused[field] {
			ps = append(ps, fugong.Problem{Field: field, Message: FormLabels[field] + msg})
		}
	}
	ps = append(ps, f.Traveller.normalize(today, bad, refused)...)
	if d, ok := ParseDirection(string(f.Direction)); ok {
		f.Direction = d
	} else if strings.TrimSpace(string(f.Direction)) == "" {
		bad("direction", "必填：请选择进入或离开")
	} else {
		bad("direction", "应为 in 或 out（进入或离开）")
	}
	answer := func(field string, a *Answer) {
		if v, ok := ParseAnswer(string(*a)); ok {
			*a = v
		} else if strings.TrimSpace(string(*a)) == "" {
			bad(field, "必填：请选择是或否")
		} else {
			bad(field, "应为 yes 或 no（是或否）")
		}
	}
	answer("fever", &f.Fever)
	answer("cough", &f.Cough)
	answer("high_risk_area", &f.HighRiskArea)
	if c, ok := people.ParseHealthCode(string(f.HealthCode)); ok {
		f.HealthCode = c
	} else if strings.TrimSpace(string(f.HealthCode)) == "" {
		bad("health_code", "必填：请选择绿码、黄码或红码")
	} else {
		bad("health_code", "应为 green、yellow 或 red（绿码、黄码、红码）")
	}
	return ps
}

// normalize checks the traveller's details: bad adds the field's label to
// a message, the plate's rule speaks for itself.
func (t *Traveller) normalize(today string, bad func(field, msg string), refused map[string]bool) []fugong.Problem {
	var ps []fugong.Problem
	t.Name = strings.TrimSpace(t.Name)
	checkText(bad, "name", t.Name, 50, true)
	var msg string
	if t.IDNumber, msg = pii.NormalizeIDNumber(t.IDNumber); msg != "" {
		bad("id_number", msg)
	} else if birth := pii.IDBirthDate(t.IDNumber); birth > today {
		bad("id_number", "中的出生日期晚于今天")
	}
	if t.Phone, msg = registry.NormalizePhone(t.Phone); msg != "" {
		bad("phone", msg)
	}
	if t.Plate = strings.TrimSpace(t.Plate); t.Plate != "" {
		if t.Plate, msg = tickets.NormalizePlate(t.Plate); msg != "" && !refused["plate"] {
			ps = append(ps, fugong.Problem{Field: "plate", Message: msg})
		}
	}
	t.Origin = strings.TrimSpace(t.Origin)
	checkText(bad, "origin", t.Origin, 100, true)
	t.Destination = strings.TrimSpace(t.Destination)
	checkText(bad, "destination", t.Destination, 100, true)
	return ps
}

// Registration is one traveller's registration at a post, and the staff's
// confirmation of it. Whole ID numbers and phones are only in one on its
// way in or in an audited full view; otherwise they are masked.
type Registration struct {
	ID     int64  `json:"id"`
	Post   int64  `json:"post"`
	Town   string `json:"town"` // the post's
	Day    string `json:"day"`  // of At, in the bureau's time zone
	Number string `json:"number"`
	// At is when the traveller submitted the form.
	At time.Time `json:"at"`
	Traveller
	Direction Direction `json:"direction"`
	Health
	// The staff's confirmation; nil and empty until then.
	ConfirmedAt *time.Time `json:"confirmed_at"`
	ConfirmedBy string     `json:"confirmed_by,omitempty"`
	Celsius     float64    `json:"celsius,omitempty"`
	FeverAlert  bool       `json:"fever_alert"`
	// Key is the staff's form key (an idempotency key): the post's
	// registration sent again under it is the one already stored.
	Key string `json:"-"`
}

// NewRegistration is the registration a normalised form makes at post p,
// under its number (NewNumber), at now.
func NewRegistration(p Post, f Form, number string, now time.Time) Registration {
	return Registration{Post: p.ID, Town: p.Town, Day: people.Today(now), Number: number, At: now,
		Traveller: f.Traveller, Direction: f.Direction, Health: f.Health}
}

// Masked is the registration with the ID number and phone masked.
func (r Registration) Masked() Registration {
	r.Traveller = r.Traveller.Masked()
	return r
}

// Confirmed reports whether the staff have confirmed the registration.
func (r Registration) Confirmed() bool { return r.ConfirmedAt != nil }
