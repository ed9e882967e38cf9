package registry

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// Size classes: 规上 (above designated size) and 规下 (below).
const (
	SizeAbove = "above"
	SizeBelow = "below"
)

// SizeNames are the Chinese names of the size classes.
var SizeNames = map[string]string{SizeAbove: "规上", SizeBelow: "规下"}

// MujunClasses are the 亩均论英雄 classes, best first.
var MujunClasses = []string{"A", "B", "C", "D"}

// Enterprise statuses.
const (
	StatusActive = "active"
	StatusClosed = "closed"
)

// StatusNames are the Chinese names of the statuses.
var StatusNames = map[string]string{StatusActive: "在册", StatusClosed: "注销/停业"}

// Enterprise is an industrial enterprise in the registry (M1).
type Enterprise struct {
	USCC         string    `json:"uscc"`
	Name         string    `json:"name"`
	Town         string    `json:"town"`
	TownName     string    `json:"town_name,omitempty"`
	Address      string    `json:"address"`
	Industry     string    `json:"industry"`
	SizeClass    string    `json:"size_class"`
	LegalRep     string    `json:"legal_rep"`
	ContactPhone string    `json:"contact_phone"`
	Employees    int       `json:"employees"`
	LandMu       float64   `json:"land_mu"`
	MujunClass   *string   `json:"mujun_class"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Limits on the sizes of fields.
const (
	MaxEmployees = 1_000_000
	MaxLandMu    = 100_000
)

// FieldLabels are the Chinese labels of the enterprise fields, used in error
// messages and as the bureau's spreadsheet headers.
var FieldLabels = map[string]string{
	"uscc":          "统一社会信用代码",
	"name":          "企业名称",
	"town":          "所属乡镇街道",
	"address":       "地址",
	"industry":      "行业",
	"size_class":    "规模",
	"legal_rep":     "法定代表人",
	"contact_phone": "联系电话",
	"employees":     "职工人数",
	"land_mu":       "用地面积(亩)",
	"mujun_class":   "亩均等级",
	"status":        "状态",
}

// Fields is the order of the enterprise fields in forms and spreadsheets.
var Fields = []string{"uscc", "name", "town", "address", "industry", "size_class",
	"legal_rep", "contact_phone", "employees", "land_mu", "mujun_class", "status"}

// Normalize cleans the record in place (trims, upper-cases, resolves a town
// name to its code) and returns every rule it breaks.
func (e *Enterprise) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: FieldLabels[field] + msg})
	}
	var msg string
	if e.USCC, msg = NormalizeUSCC(e.USCC); msg != "" {
		bad("uscc", msg)
	}
	e.Name = strings.TrimSpace(e.Name)
	checkText(bad, "name", e.Name, 100, true)
	e.Town = strings.TrimSpace(e.Town)
	if t, ok := TownByNameOrCode(e.Town); ok {
		e.Town, e.TownName = t.Code, t.Name
	} else if e.Town == "" {
		bad("town", "必填")
	} else {
		bad("town", "不是本市的乡镇街道")
	}
	e.Address = strings.TrimSpace(e.Address)
	checkText(bad, "address", e.Address, 200, false)
	e.Industry = strings.TrimSpace(e.Industry)
	checkText(bad, "industry", e.Industry, 50, false)
	e.LegalRep = strings.TrimSpace(e.LegalRep)
	checkText(bad, "legal_rep", e.LegalRep, 50, false)
	if e.SizeClass != SizeAbove && e.SizeClass != SizeBelow {
		bad("size_class", "应为规上或规下")
	}
	if e.ContactPhone, msg = NormalizePhone(e.ContactPhone); msg != "" {
		bad("contact_phone", msg)
	}
	if e.Employees < 0 {
		bad("employees", "不能为负数")
	} else if e.Employees > MaxEmployees {
		bad("employees", "超出合理范围")
	}
	switch {
	case math.IsNaN(e.LandMu) || math.IsInf(e.LandMu, 0):
		bad("land_mu", "应为数字")
	case e.LandMu < 0:
		bad("land_mu", "不能为负数")
	case e.LandMu > MaxLandMu:
		bad("land_mu", "超出合理范围")
	}
	e.LandMu = math.Round(e.LandMu*100) / 100
	if e.MujunClass != nil {
		c := strings.ToUpper(strings.TrimSpace(*e.MujunClass))
		switch c {
		case "":
			e.MujunClass = nil
		case "A", "B", "C", "D":
			e.MujunClass = &c
		default:
			bad("mujun_class", "应为 A、B、C、D 或留空")
		}
	}
	if e.Status == "" {
		e.Status = StatusActive
	}
	if _, ok := StatusNames[e.Status]; !ok {
		bad("status", "应为在营或停业/注销")
	}
	return ps
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

// MujunString returns the 亩均 class or "" when there is none.
func (e Enterprise) MujunString() string {
	if e.MujunClass == nil {
		return ""
	}
	return *e.MujunClass
}

// Clone returns a copy that shares no memory with e, so editing one cannot
// change the other.
func (e Enterprise) Clone() Enterprise {
	if e.MujunClass != nil {
		c := *e.MujunClass
		e.MujunClass = &c
	}
	return e
}

// keepMissing takes from stored every field that has no column in an
// imported file (columns maps field → header).
func (e *Enterprise) keepMissing(stored Enterprise, columns map[string]string) {
	stored = stored.Clone()
	for _, f := range Fields {
		if _, ok := columns[f]; ok {
			continue
		}
		switch f {
		case "address":
			e.Address = stored.Address
		case "industry":
			e.Industry = stored.Industry
		case "legal_rep":
			e.LegalRep = stored.LegalRep
		case "contact_phone":
			e.ContactPhone = stored.ContactPhone
		case "employees":
			e.Employees = stored.Employees
		case "land_mu":
			e.LandMu = stored.LandMu
		case "mujun_class":
			e.MujunClass = stored.MujunClass
		case "status":
			e.Status = stored.Status
		}
	}
}
