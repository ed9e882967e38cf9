// Package people is M7, staff and their health (人员健康): each
// enterprise's roster with ID numbers and phones protected (package pii),
// quarantine, health codes, daily temperatures with fever alerts, and the
// day's lists for the prevention group.
package people

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/pii"
	"fugong/registry"
)

// HealthCode is the colour of a person's Zhejiang health code.
type HealthCode string

const (
	CodeGreen  HealthCode = "green"
	CodeYellow HealthCode = "yellow"
	CodeRed    HealthCode = "red"
)

// CodeNames are the Chinese names of the codes.
var CodeNames = map[HealthCode]string{CodeGreen: "绿码", CodeYellow: "黄码", CodeRed: "红码"}

// ParseHealthCode reads a colour in English or Chinese (绿、绿码、黄码 …).
func ParseHealthCode(s string) (HealthCode, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "green", "绿", "绿码", "绿色":
		return CodeGreen, true
	case "yellow", "黄", "黄码", "黄色":
		return CodeYellow, true
	case "red", "红", "红码", "红色":
		return CodeRed, true
	}
	return "", false
}

// GreenAfter is how many consecutive normal daily check-ins turn a code
// green again: 7 for yellow, 14 for red (Zhejiang, February 2020); 0 for
// green.
func GreenAfter(c HealthCode) int {
	switch c {
	case CodeYellow:
		return 7
	case CodeRed:
		return 14
	}
	return 0
}

// Person is one member of an enterprise's staff. Whole ID numbers and
// phones are only in a Person on their way in, or in a full view the
// service has audited; lists carry them masked (Masked).
type Person struct {
	ID         int64  `json:"id"`
	Enterprise string `json:"enterprise"` // USCC
	// EnterpriseName is filled by the store on reading; not stored.
	EnterpriseName string `json:"enterprise_name,omitempty"`
	Name           string `json:"name"`
	IDNumber       string `json:"id_number"`
	Phone          string `json:"phone"` // "" when they have none
	Origin         string `json:"origin"`
	Hubei          bool   `json:"hubei"`
	ReturnedOn     string `json:"returned_on"` // YYYY-MM-DD, "" when not away
	// A quarantine runs QuarantineDays days from QuarantineStart to
	// QuarantineEnd, both included: 14 days from 2020-02-01 end on
	// 2020-02-14, and the person is free on the 15th. All "" and 0 when
	// there is none. The end is computed; given on input instead of the
	// days, it sets them.
	QuarantineStart string     `json:"quarantine_start"`
	QuarantineDays  int        `json:"quarantine_days"`
	QuarantineEnd   string     `json:"quarantine_end"`
	HealthCode      HealthCode `json:"health_code"`
	// CodeSince is the day the code turned its colour: required for yellow
	// and red, from which the green day is expected.
	CodeSince        string    `json:"code_since"`
	CodeHeldByFamily bool      `json:"code_held_by_family"` // 家人代办: no smartphone of their own
	OnPost           bool      `json:"on_post"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// FieldLabels are the Chinese labels of the fields, for messages and
// spreadsheet headers.
var FieldLabels = map[string]string{
	"enterprise":          "所属企业",
	"name":                "姓名",
	"id_number":           "身份证号码",
	"phone":               "联系电话",
	"origin":              "来源地",
	"hubei":               "湖北籍或来自湖北",
	"returned_on":         "返岗日期",
	"quarantine_start":    "隔离开始日期",
	"quarantine_days":     "隔离天数",
	"quarantine_end":      "隔离结束日期",
	"health_code":         "健康码",
	"code_since":          "转码日期",
	"code_held_by_family": "健康码由家人代管",
	"on_post":             "在岗",
}

// Fields is the order of the fields in forms and spreadsheets.
var Fields = []string{"name", "id_number", "phone", "origin", "hubei", "returned_on",
	"quarantine_start", "quarantine_days", "quarantine_end", "health_code", "code_since",
	"code_held_by_family", "on_post"}

// Normalize cleans the record in place (trims, normalises the ID number and
// phone, computes the quarantine's end) and returns every rule it breaks,
// each naming its field. today is the bureau's day: no return, quarantine,
// code change or birth after it. s gives the default quarantine length.
func (p *Person) Normalize(today string, s Settings) []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: FieldLabels[field] + msg})
	}
	var msg string
	if p.Enterprise, msg = registry.NormalizeUSCC(p.Enterprise); msg != "" {
		bad("enterprise", "统一社会信用代码"+msg)
	}
	p.Name = strings.TrimSpace(p.Name)
	checkText(bad, "name", p.Name, 50, true)
	if p.IDNumber, msg = pii.NormalizeIDNumber(p.IDNumber); msg != "" {
		bad("id_number", msg)
	} else if birth := pii.IDBirthDate(p.IDNumber); birth > today {
		bad("id_number", "中的出生日期晚于今天")
	}
	if p.Phone = strings.TrimSpace(p.Phone); p.Phone != "" {
		if p.Phone, msg = registry.NormalizePhone(p.Phone); msg != "" {
			bad("phone", msg)
		}
	}
	p.Origin = strings.TrimSpace(p.Origin)
	checkText(bad, "origin", p.Origin, 100, false)

	day := func(field string, v *string) bool {
		*v = strings.TrimSpace(*v)
		if *v == "" {
			return false
		}
		if _, ok := parseDay(*v); !ok {
			bad(field, "应为 YYYY-MM-DD 格式的有效日期")
			return false
		}
		if *v > today {
			bad(field, "不能晚于今天（"+today+"）")
			return false
		}
		return true
	}
	returned := day("returned_on", &p.ReturnedOn)
	p.normalizeQuarantine(today, s, returned, bad)

	if c, ok := ParseHealthCode(string(p.HealthCode)); ok {
		p.HealthCode = c
	} else if strings.TrimSpace(string(p.HealthCode)) == "" {
		bad("health_code", "必填")
	} else {
		bad("health_code", "应为绿码、黄码或红码")
	}
	if !day("code_since", &p.CodeSince) && p.CodeSince == "" && GreenAfter(p.HealthCode) > 0 {
		bad("code_since", "必填：黄码、红码须填写转码日期")
	}
	return ps
}

// normalizeQuarantine checks the start, the days and an end given instead
// of the days, and computes the end.
func (p *Person) normalizeQuarantine(today string, s Settings, returned bool, bad func(field, msg string)) {
	p.QuarantineStart = strings.TrimSpace(p.QuarantineStart)
	p.QuarantineEnd = strings.TrimSpace(p.QuarantineEnd)
	if p.QuarantineStart == "" {
		if p.QuarantineEnd != "" {
			bad("quarantine_start", "必填：填写了隔离结束日期")
		}
		p.QuarantineDays, p.QuarantineEnd = 0, ""
		return
	}
	if _, ok := parseDay(p.QuarantineStart); !ok {
		bad("quarantine_start", "应为 YYYY-MM-DD 格式的有效日期")
		return
	}
	if p.QuarantineStart > today {
		bad("quarantine_start", "不能晚于今天（"+today+"）")
		return
	}
	if returned && p.QuarantineStart < p.ReturnedOn {
		bad("quarantine_start", "不能早于返岗日期（"+p.ReturnedOn+"）")
	}
	if p.QuarantineEnd != "" {
		if _, ok := parseDay(p.QuarantineEnd); !ok {
			bad("quarantine_end", "应为 YYYY-MM-DD 格式的有效日期")
			return
		}
		if p.QuarantineEnd < p.QuarantineStart {
			bad("quarantine_end", "不能早于隔离开始日期（"+p.QuarantineStart+"）")
			return
		}
		days := daysBetween(p.QuarantineStart, p.QuarantineEnd) + 1
		if p.QuarantineDays != 0 && p.QuarantineDays != days {
			bad("quarantine_end", "与隔离天数不符（"+p.QuarantineStart+"起"+strconv.Itoa(p.QuarantineDays)+
				"天应至"+AddDays(p.QuarantineStart, p.QuarantineDays-1)+"），请只填其中一项")
			return
		}
		p.QuarantineDays = days
	}
	if p.QuarantineDays == 0 {
		p.QuarantineDays = s.QuarantineDays
	}
	if p.QuarantineDays < 1 || p.QuarantineDays > MaxQuarantineDays {
		bad("quarantine_days", "应在 1–"+strconv.Itoa(MaxQuarantineDays)+" 天之间")
		return
	}
	p.QuarantineEnd = AddDays(p.QuarantineStart, p.QuarantineDays-1)
}

func checkText(bad func(field, msg string), field, v string, max int, required bool) {
	switch {
	case required && v == "":
		bad(field, "必填")
	case !utf8.ValidString(v):
		bad(field, "含有无效字符")
	case utf8.RuneCountInString(v) > max:
		bad(field, "不能超过"+strconv.Itoa(max)+"个字")
	}
}

// Masked is the person with the ID number and phone masked, as lists show
// them.
func (p Person) Masked() Person {
	p.IDNumber = pii.MaskID(p.IDNumber)
	if p.Phone != "" {
		p.Phone = pii.MaskPhone(p.Phone)
	}
	return p
}

// InQuarantine reports whether day falls within the person's quarantine.
func (p Person) InQuarantine(day string) bool {
	return p.QuarantineStart != "" && p.QuarantineStart <= day && day <= p.QuarantineEnd
}

// EndingWithin is how near the end of their quarantine people are listed
// as ending soon: on the day or the 3 days after.
const EndingWithin = 3

// QuarantineEndingSoon reports whether the person is in quarantine on day
// and it ends that day or within EndingWithin days after.
func (p Person) QuarantineEndingSoon(day string) bool {
	return p.InQuarantine(day) && p.QuarantineEnd <= AddDays(day, EndingWithin)
}
