// Package tickets holds the enterprises' difficulties (M5, 问题困难): a
// ticket's categories, urgencies and statuses, the workflow that moves it
// from raised to closed and who may make each move, the SLA that dates it,
// the matching of material shortages to enterprises that make or hold what
// is short, and the vehicle passes and deliveries recorded on it.
package tickets

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/files"
)

// Categories of a difficulty, in the bureau's order.
const (
	CategoryRawMaterials = "raw_materials"
	CategoryLogistics    = "logistics"
	CategoryLabour       = "labour"
	CategorySupplies     = "supplies"
	CategoryFinance      = "finance"
	CategoryPolicy       = "policy"
	CategoryOther        = "other"
)

// Categories lists the categories in display order.
var Categories = []string{CategoryRawMaterials, CategoryLogistics, CategoryLabour, CategorySupplies,
	CategoryFinance, CategoryPolicy, CategoryOther}

// CategoryNames are the Chinese names of the categories.
var CategoryNames = map[string]string{
	CategoryRawMaterials: "原材料",
	CategoryLogistics:    "物流与车辆通行",
	CategoryLabour:       "用工",
	CategorySupplies:     "防疫物资",
	CategoryFinance:      "资金",
	CategoryPolicy:       "政策",
	CategoryOther:        "其他",
}

// Urgencies, most urgent first.
const (
	UrgencyUrgent = "urgent"
	UrgencyHigh   = "high"
	UrgencyNormal = "normal"
	UrgencyLow    = "low"
)

// Urgencies lists the urgencies, most urgent first.
var Urgencies = []string{UrgencyUrgent, UrgencyHigh, UrgencyNormal, UrgencyLow}

// UrgencyNames are the Chinese names of the urgencies.
var UrgencyNames = map[string]string{UrgencyUrgent: "特急", UrgencyHigh: "紧急", UrgencyNormal: "一般", UrgencyLow: "不急"}

// Statuses of a ticket.
const (
	StatusNew        = "new"
	StatusAssigned   = "assigned"
	StatusInProgress = "in_progress"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
	StatusReopened   = "reopened"
)

// Statuses lists the statuses in workflow order.
var Statuses = []string{StatusNew, StatusAssigned, StatusInProgress, StatusResolved, StatusClosed, StatusReopened}

// StatusNames are the Chinese names of the statuses.
var StatusNames = map[string]string{
	StatusNew:        "待指派",
	StatusAssigned:   "已指派",
	StatusInProgress: "办理中",
	StatusResolved:   "已解决",
	StatusClosed:     "已关闭",
	StatusReopened:   "重新打开",
}

// Open reports whether a ticket in status still waits for a solution: its
// SLA runs and it can be overdue.
func Open(status string) bool { return status != StatusResolved && status != StatusClosed }

// Attachment types: a scanned letter or a photo of the shortage.
var Attachments = []string{files.PDF, files.JPEG, files.PNG, files.WebP}

// Limits on the text fields.
const (
	MaxTitleRunes       = 100
	MaxDescriptionRunes = 2000
	MaxNoteRunes        = 500
)

// NewTicket is what the raiser fills in.
type NewTicket struct {
	Enterprise  string `json:"enterprise"`
	Category    string `json:"category"`
	Urgency     string `json:"urgency"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// Normalize trims the ticket and returns every rule it breaks. The
// enterprise is checked against the registry by the service.
func (n *NewTicket) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	n.Enterprise = strings.TrimSpace(n.Enterprise)
	if n.Enterprise == "" {
		ps = append(ps, fugong.Problem{Field: "enterprise", Message: "请填写提出问题的企业（统一社会信用代码）"})
	}
	if _, ok := CategoryNames[n.Category]; !ok {
		ps = append(ps, fugong.Problem{Field: "category", Message: "问题类别应为原材料、物流与车辆通行、用工、防疫物资、资金、政策或其他"})
	}
	if _, ok := UrgencyNames[n.Urgency]; !ok {
		ps = append(ps, fugong.Problem{Field: "urgency", Message: "紧急程度应为特急、紧急、一般或不急"})
	}
	n.Title = strings.TrimSpace(n.Title)
	ps = append(ps, checkText("title", "问题标题", n.Title, MaxTitleRunes, true)...)
	n.Description = strings.TrimSpace(n.Description)
	ps = append(ps, checkText("description", "问题描述", n.Description, MaxDescriptionRunes, true)...)
	return ps
}

// checkText checks a free-text field: valid UTF-8, within max characters,
// present if required; label names it in the message.
func checkText(field, label, v string, max int, required bool) []fugong.Problem {
	switch {
	case required && v == "":
		return []fugong.Problem{{Field: field, Message: "请填写" + label}}
	case !utf8.ValidString(v):
		return []fugong.Problem{{Field: field, Message: label + "含有无效字符"}}
	case utf8.RuneCountInString(v) > max:
		return []fugong.Problem{{Field: field, Message: label + "不能超过" + strconv.Itoa(max) + "个字"}}
	}
	return nil
}

// Ticket is a difficulty as stored, with what is derived from it.
type Ticket struct {
	ID             int64  `json:"id"`
	Enterprise     string `json:"enterprise"`
	EnterpriseName string `json:"enterprise_name"`
	Town           string `json:"town"`
	TownName       string `json:"town_name"`
	Category       string `json:"category"`
	Urgency        string `json:"urgency"`
	Title          string `json:"title"`
	Description    string `json:"description"`
	Status         string `json:"status"`
	// Assignee is "group:<work group>" or a username; "" before assignment.
	Assignee        string     `json:"assignee"`
	AssigneeName    string     `json:"assignee_name"`
	RaisedBy        string     `json:"raised_by"`
	RaisedAt        time.Time  `json:"raised_at"`
	DueAt           time.Time  `json:"due_at"`
	Overdue         bool       `json:"overdue"`
	FirstResolvedAt *time.Time `json:"first_resolved_at"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	Resolution      string     `json:"resolution"`
	// HoursToResolve is from raise to the first resolution, once resolved.
	HoursToResolve *float64  `json:"hours_to_resolve"`
	Supplier       *Supplier `json:"supplier"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Supplier is the enterprise chosen to supply what a ticket is short of.
type Supplier struct {
	USCC     string    `json:"uscc"`
	Name     string    `json:"name"`
	TownName string    `json:"town_name"`
	Address  string    `json:"address"`
	Note     string    `json:"note"`
	ChosenBy string    `json:"chosen_by"`
	ChosenAt time.Time `json:"chosen_at"`
}

// Derive fills in what follows from the stored fields at now: the overdue
// flag and the time to resolve.
func (t *Ticket) Derive(now time.Time) {
	t.Overdue = Open(t.Status) && now.After(t.DueAt)
	t.HoursToResolve = nil
	if t.FirstResolvedAt != nil {
		h := roundHours(t.FirstResolvedAt.Sub(t.RaisedAt))
		t.HoursToResolve = &h
	}
	if t.AssigneeName == "" {
		t.AssigneeName = AssigneeLabel(t.Assignee)
	}
}

// Detail is a ticket with its history and what is recorded on it.
type Detail struct {
	Ticket
	Events      []Event      `json:"events"`
	Attachments []files.File `json:"attachments"`
	Passes      []Pass       `json:"passes"`
	Deliveries  []Delivery   `json:"deliveries"`
}

// Event kinds: the history of a ticket.
const (
	EventRaise    = "raise"
	EventMove     = "move"
	EventSupplier = "supplier"
	EventPass     = "pass"
	EventDelivery = "delivery"
)

// EventNames are the Chinese names of the event kinds.
var EventNames = map[string]string{EventRaise: "提出", EventMove: "流转", EventSupplier: "匹配供应企业",
	EventPass: "办理车辆通行证", EventDelivery: "物资送达"}

// Event is one line of a ticket's history.
type Event struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Kind     string    `json:"kind"`
	From     string    `json:"from_status"`
	To       string    `json:"to_status"`
	Assignee string    `json:"assignee"`
	Note     string    `json:"note"`
}

// Filter selects tickets in a list.
type Filter struct {
	Status     string
	Category   string
	Urgency    string
	Overdue    *bool
	Assignee   string // "me": the actor or their work group
	Town       string
	Enterprise string
	Q          string // a keyword: part of the title or of the enterprise's name
	Page       int
	PerPage    int // 0: all (exports)
}

// Page sizes of lists.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// Normalize checks the filter's values.
func (f *Filter) Normalize() error {
	var ps []fugong.Problem
	if _, ok := StatusNames[f.Status]; f.Status != "" && !ok {
		ps = append(ps, fugong.Problem{Field: "status", Message: "状态应为 new、assigned、in_progress、resolved、closed 或 reopened"})
	}
	if _, ok := CategoryNames[f.Category]; f.Category != "" && !ok {
		ps = append(ps, fugong.Problem{Field: "category", Message: "问题类别应为原材料、物流与车辆通行、用工、防疫物资、资金、政策或其他"})
	}
	if _, ok := UrgencyNames[f.Urgency]; f.Urgency != "" && !ok {
		ps = append(ps, fugong.Problem{Field: "urgency", Message: "紧急程度应为 urgent、high、normal 或 low"})
	}
	f.Q = strings.TrimSpace(f.Q)
	if len([]rune(f.Q)) > 100 {
		ps = append(ps, fugong.Problem{Field: "q", Message: "关键词不超过 100 个字"})
	}
	f.Assignee = strings.TrimSpace(f.Assignee)
	if len(f.Assignee) > 64 {
		ps = append(ps, fugong.Problem{Field: "assignee", Message: "承办人过长"})
	}
	if f.Page < 0 {
		ps = append(ps, fugong.Problem{Field: "page", Message: "页码应为正整数"})
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PerPage < 0 || f.PerPage > MaxPerPage {
		ps = append(ps, fugong.Problem{Field: "per_page", Message: "每页条数应在 1–500 之间"})
	}
	return fugong.Invalid(ps)
}

func roundHours(d time.Duration) float64 {
	return float64(d.Round(6*time.Minute)) / float64(time.Hour)
}
