package tickets

import (
	"math"
	"regexp"
	"strings"
	"time"

	"fugong"
)

// Pass is a vehicle pass (车辆通行证) got for a ticket, so goods can pass the
// checkpoints: the lorry, its route, its days.
type Pass struct {
	ID        int64     `json:"id"`
	Plate     string    `json:"plate"`
	Route     string    `json:"route"`
	ValidFrom time.Time `json:"valid_from"`
	ValidTo   time.Time `json:"valid_to"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxPassDays bounds a pass's validity; the passes of 2020 ran for days, not months.
const MaxPassDays = 31

// provinces are the one-character abbreviations that start a mainland plate.
const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// Plate letters leave out I and O, which read as 1 and 0.
var (
	// A fuel vehicle: province, issuing office letter, five letters or
	// digits, the last of which may be 挂 (trailer), 学 (learner) or 警 (police).
	platePetrol = regexp.MustCompile(`^[` + provinces + `][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警]$`)
	// A new-energy vehicle: D or F and five more for a car, five digits and
	// D or F for a lorry or bus.
	plateNewEnergy = regexp.MustCompile(`^[` + provinces + `][A-HJ-NP-Z](?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])$`)
)

// NormalizePlate cleans a plate as typed (spaces, the dot between office
// and number, lower-case or full-width letters) and checks its format; the
// message names the rule broken.
func NormalizePlate(s string) (string, string) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\u3000' || r == '·' || r == '•' || r == '・' || r == '-' || r == '.':
			return -1
		case r >= 'ａ' && r <= 'ｚ':
			return r - 'ａ' + 'A'
		case r >= 'Ａ' && r <= 'Ｚ':
			return r - 'Ａ' + 'A'
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		}
		return r
	}, s)
	s = strings.ToUpper(s)
	switch {
	case s == "":
		return "", "请填写车牌号"
	case !strings.ContainsRune(provinces, []rune(s)[0]):
		return s, "车牌号应以省份简称开头，如 浙C12345"
	case platePetrol.MatchString(s), plateNewEnergy.MatchString(s):
		return s, ""
	}
	return s, "车牌号格式不正确：应为省份简称、发牌机关字母和5位号码（新能源车6位），如 浙C12345、浙CD12345"
}

// passTimeLabels name a pass's times in messages.
var passTimeLabels = map[string]string{"valid_from": "生效时间", "valid_to": "截止时间"}

// ParsePassTime reads a pass's time (field "valid_from" or "valid_to") as
// sent: RFC 3339, or, typed in a form (form), the browser's
// YYYY-MM-DDTHH:MM in Asia/Shanghai. Empty is the zero time, which
// Normalize asks for.
func ParsePassTime(field, v string, form bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if form {
		if t, err := time.ParseInLocation("2006-01-02T15:04", v, fugong.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fugong.Errorf(fugong.EInvalid, field, "%s应为 RFC 3339 格式的时间，如 2020-02-03T07:00:00+08:00", passTimeLabels[field])
}

// Normalize checks a pass and returns the rules it breaks.
func (p *Pass) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	var msg string
	if p.Plate, msg = NormalizePlate(p.Plate); msg != "" {
		ps = append(ps, fugong.Problem{Field: "plate", Message: msg})
	}
	p.Route = strings.TrimSpace(p.Route)
	ps = append(ps, checkText("route", "通行路线", p.Route, 200, true)...)
	p.Note = strings.TrimSpace(p.Note)
	ps = append(ps, checkText("note", "备注", p.Note, MaxNoteRunes, false)...)
	switch {
	case p.ValidFrom.IsZero():
		ps = append(ps, fugong.Problem{Field: "valid_from", Message: "请填写通行证生效时间"})
	case p.ValidTo.IsZero():
		ps = append(ps, fugong.Problem{Field: "valid_to", Message: "请填写通行证截止时间"})
	case !p.ValidTo.After(p.ValidFrom):
		ps = append(ps, fugong.Problem{Field: "valid_to", Message: "通行证截止时间应晚于生效时间"})
	case p.ValidTo.Sub(p.ValidFrom) > MaxPassDays*24*time.Hour:
		ps = append(ps, fugong.Problem{Field: "valid_to", Message: "通行证有效期不能超过31天"})
	}
	return ps
}

// Delivery is goods the chosen supplier delivered on a ticket.
type Delivery struct {
	ID           int64     `json:"id"`
	Supplier     string    `json:"supplier"`
	SupplierName string    `json:"supplier_name"`
	Quantity     float64   `json:"quantity"`
	Unit         string    `json:"unit"`
	Date         string    `json:"date"`
	Note         string    `json:"note"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// MaxQuantity bounds a delivery: ten thousand tonnes of anything is a typo.
const MaxQuantity = 10_000_000

// DateLayout is how a day is written.
const DateLayout = "2006-01-02"

// Normalize checks a delivery against the day it is recorded (today) and
// the day the ticket was raised: a delivery is not in the future, nor before
// the ticket.
func (d *Delivery) Normalize(today, raised string) []fugong.Problem {
	var ps []fugong.Problem
	// Rounded to what is kept first: 0.0001 t is no delivery.
	d.Quantity = math.Round(d.Quantity*1000) / 1000
	switch {
	case math.IsNaN(d.Quantity) || math.IsInf(d.Quantity, 0) || d.Quantity <= 0:
		ps = append(ps, fugong.Problem{Field: "quantity", Message: "送达数量应为正数（最多三位小数）"})
	case d.Quantity > MaxQuantity:
		ps = append(ps, fugong.Problem{Field: "quantity", Message: "送达数量超出合理范围"})
	}
	d.Unit = strings.TrimSpace(d.Unit)
	ps = append(ps, checkText("unit", "计量单位", d.Unit, 10, true)...)
	d.Note = strings.TrimSpace(d.Note)
	ps = append(ps, checkText("note", "备注", d.Note, MaxNoteRunes, false)...)
	day, err := time.ParseInLocation(DateLayout, d.Date, fugong.Location)
	switch {
	case err != nil || day.Format(DateLayout) != d.Date:
		ps = append(ps, fugong.Problem{Field: "date", Message: "送达日期应为 YYYY-MM-DD 格式的有效日期"})
	case d.Date > today:
		ps = append(ps, fugong.Problem{Field: "date", Message: "送达日期不能晚于今天（" + today + "）"})
	case d.Date < raised:
		ps = append(ps, fugong.Problem{Field: "date", Message: "送达日期不能早于问题提出日期（" + raised + "）"})
	}
	return ps
}

// Day is the civil day of t in the bureau's time zone.
func Day(t time.Time) string { return t.In(fugong.Location).Format(DateLayout) }
