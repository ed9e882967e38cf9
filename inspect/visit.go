package inspect

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fugong"
	"fugong/files"
	"fugong/registry"
)

// Answers to an item.
const (
	ResultPass = "pass"
	ResultFail = "fail"
	ResultNA   = "na"
)

// Results lists the answers in form order.
var Results = []string{ResultPass, ResultFail, ResultNA}

// ResultNames are the Chinese names of the answers.
var ResultNames = map[string]string{ResultPass: "合格", ResultFail: "不合格", ResultNA: "不适用"}

// Limits of a visit.
const (
	MaxNoteRunes      = 500
	MaxFindingsRunes  = 2000
	MaxInspectors     = 20
	MaxInspectorRunes = 30
	MaxOwnerRunes     = 100
	// ClockSkew is how far ahead of the server's clock a visit time may be:
	// an inspector's phone may run a little fast.
	ClockSkew = 5 * time.Minute
)

// AnswerInput is one item's answer as an inspector sends it.
type AnswerInput struct {
	ItemID int64  `json:"item_id"`
	Result string `json:"result"`
	Note   string `json:"note"`
	// Owner and DueDate are a failed item's rectification: who answers
	// for it and the day it must be done by, chosen by the inspector
	// (the form suggests Owner and DueDate). Only a failure has them.
	Owner   string `json:"owner,omitempty"`
	DueDate string `json:"due_date,omitempty"`
}

// VisitInput is a visit as an inspector sends it.
type VisitInput struct {
	ChecklistID int64         `json:"checklist_id"`
	VisitedAt   string        `json:"visited_at"` // RFC 3339
	Inspectors  []string      `json:"inspectors"`
	Answers     []AnswerInput `json:"answers"`
	Findings    string        `json:"findings,omitempty"`
	// Key is the client's idempotency key (the form's key field or the
	// Idempotency-Key header): a visit sent again under the same key by the
	// same user is the visit already stored.
	Key string `json:"-"`
}

// Photo is an uploaded photo of an item, already checked as an image
// (files.Check); Field is the form field it came in.
type Photo struct {
	ItemID      int64
	Field       string
	Upload      files.Upload
	ContentType string
}

// PhotoField is the multipart field of an item's photos.
func PhotoField(itemID int64) string { return "photo." + strconv.FormatInt(itemID, 10) }

// Normalize checks a visit against the checklist it answers and returns its
// time with every rule it breaks: a time in RFC 3339 neither in the future
// (beyond ClockSkew) nor before the enterprise was registered; at least one
// inspector; exactly one answer of pass, fail or na for every item of the
// checklist, and none for anything else; a failure with its problem, its
// rectification's owner and its due date, not before the visit's day;
// photos only of its items.
func (in *VisitInput) Normalize(c Checklist, now, registered time.Time, photos []Photo) (time.Time, []fugong.Problem) {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: field, Message: msg}) }

	at, err := time.Parse(time.RFC3339, strings.TrimSpace(in.VisitedAt))
	atOK := false
	switch {
	case strings.TrimSpace(in.VisitedAt) == "":
		bad("visited_at", "请填写检查时间")
	case err != nil:
		bad("visited_at", "检查时间应为 RFC 3339 格式，如 2020-02-10T09:30:00+08:00")
	case at.After(now.Add(ClockSkew)):
		bad("visited_at", "检查时间不能晚于当前时间（"+now.In(fugong.Location).Format("2006-01-02 15:04")+"）")
	// Times are typed to the minute: the minute of the registration counts.
	case !registered.IsZero() && at.Before(registered.Truncate(time.Minute)):
		bad("visited_at", "检查时间早于企业登记时间（"+registered.In(fugong.Location).Format("2006-01-02 15:04")+"）")
	default:
		atOK = true
	}

	names := make([]string, 0, len(in.Inspectors))
	seen := map[string]bool{}
	for i, n := range in.Inspectors {
		n = strings.TrimSpace(n)
		field := "inspectors[" + strconv.Itoa(i) + "]"
		switch {
		case !utf8.ValidString(n):
			bad(field, "检查人员姓名含有无效字符")
		case n == "":
			bad(field, "检查人员姓名不能为空")
		case utf8.RuneCountInString(n) > MaxInspectorRunes:
			bad(field, "检查人员姓名不能超过"+strconv.Itoa(MaxInspectorRunes)+"个字")
		case seen[n]:
			bad(field, "检查人员“"+n+"”重复")
		default:
			seen[n] = true
			names = append(names, n)
		}
	}
	switch {
	case len(in.Inspectors) == 0:
		bad("inspectors", "请填写检查人员")
	case len(in.Inspectors) > MaxInspectors:
		bad("inspectors", "检查人员不能超过"+strconv.Itoa(MaxInspectors)+"人")
	}
	in.Inspectors = names

	// Far more answers than items cannot be a slip to point out item by
	// item: a problem for each would answer a small request with a huge one.
	if len(in.Answers) > 2*len(c.Items) {
		bad("answers", "回答了 "+strconv.Itoa(len(in.Answers))+" 项，检查表“"+c.Name+"”只有 "+strconv.Itoa(len(c.Items))+" 项")
		return at, ps
	}
	answered := map[int64]int{}
	visited := at
	for i := range in.Answers {
		a := &in.Answers[i]
		at := "answers[" + strconv.Itoa(i) + "]"
		if _, ok := c.Item(a.ItemID); !ok {
			bad(at+".item_id", "不是检查表“"+c.Name+"”的检查项")
		} else if j, dup := answered[a.ItemID]; dup {
			bad(at+".item_id", "与第"+strconv.Itoa(j+1)+"个回答是同一检查项，每项只能回答一次")
		} else {
			answered[a.ItemID] = i
		}
		if _, ok := ResultNames[a.Result]; !ok {
			bad(at+".result", "结果应为合格、不合格或不适用")
		}
		a.Note = strings.TrimSpace(a.Note)
		// A failure opens a rectification whose problem is this note.
		if a.Result == ResultFail && a.Note == "" {
			bad(at+".note", "不合格项须写明存在的问题")
		} else if !utf8.ValidString(a.Note) {
			bad(at+".note", "说明含有无效字符")
		} else if utf8.RuneCountInString(a.Note) > MaxNoteRunes {
			bad(at+".note", "说明不能超过"+strconv.Itoa(MaxNoteRunes)+"个字")
		}
		if a.Result != ResultFail {
			a.Owner, a.DueDate = "", ""
			continue
		}
		a.Owner = strings.TrimSpace(a.Owner)
		switch {
		case a.Owner == "":
			bad(at+".owner", "不合格项须指定整改责任人")
		case !utf8.ValidString(a.Owner):
			bad(at+".owner", "整改责任人含有无效字符")
		case utf8.RuneCountInString(a.Owner) > MaxOwnerRunes:
			bad(at+".owner", "整改责任人不能超过"+strconv.Itoa(MaxOwnerRunes)+"个字")
		}
		a.DueDate = strings.TrimSpace(a.DueDate)
		due, err := time.ParseInLocation(DateLayout, a.DueDate, fugong.Location)
		switch {
		case a.DueDate == "":
			bad(at+".due_date", "不合格项须确定整改期限")
		case err != nil:
			bad(at+".due_date", "整改期限应为日期，如 2020-02-17")
		case atOK && due.Before(visitDay(visited)):
			bad(at+".due_date", "整改期限不能早于检查当天（"+visited.In(fugong.Location).Format(DateLayout)+"）")
		}
	}
	for _, it := range c.Items {
		if _, ok := answered[it.ID]; !ok {
			bad("answers", "缺少检查项“"+it.Text+"”的结果，每项都须回答")
		}
	}

	in.Findings = strings.TrimSpace(in.Findings)
	if !utf8.ValidString(in.Findings) {
		bad("findings", "检查情况含有无效字符")
	} else if utf8.RuneCountInString(in.Findings) > MaxFindingsRunes {
		bad("findings", "检查情况不能超过"+strconv.Itoa(MaxFindingsRunes)+"个字")
	}

	for _, p := range photos {
		if _, ok := c.Item(p.ItemID); !ok {
			bad(p.Field, "照片所属的检查项不在检查表“"+c.Name+"”中")
		}
	}
	return at, ps
}

// SplitNames reads the inspectors typed into one box, separated by commas,
// 、, semicolons or spaces.
func SplitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、;；", r)
	})
}

// VisitSummary is a visit as lists show it.
type VisitSummary struct {
	ID               int64     `json:"id"`
	Enterprise       string    `json:"enterprise"`
	EnterpriseName   string    `json:"enterprise_name"`
	Town             string    `json:"town"`
	TownName         string    `json:"town_name"`
	ChecklistID      int64     `json:"checklist_id"`
	ChecklistName    string    `json:"checklist_name"`
	ChecklistVersion int       `json:"checklist_version"`
	VisitedAt        time.Time `json:"visited_at"`
	Inspectors       []string  `json:"inspectors"`
	Findings         string    `json:"findings"`
	Failed           int       `json:"failed"`
	RecordedBy       string    `json:"recorded_by"`
	RecordedAt       time.Time `json:"recorded_at"`
}

// Visit is a recorded visit with its answers and the rectifications it
// opened.
type Visit struct {
	VisitSummary
	Answers        []Answer        `json:"answers"`
	Rectifications []Rectification `json:"rectifications"`
}

// Answer is a stored answer, with the item's text as the visit saw it.
type Answer struct {
	ItemID int64      `json:"item_id"`
	Text   string     `json:"text"`
	Result string     `json:"result"`
	Note   string     `json:"note"`
	Photos []PhotoRef `json:"photos"`
}

// PhotoRef is a stored photo; URL is where it is served (set by the web layer).
type PhotoRef struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	URL         string `json:"url"`
}

// NewVisit is what the store keeps of a valid visit: the summary, the
// answers in the checklist's order and the rectifications to open.
type NewVisit struct {
	Summary        VisitSummary
	Checklist      Checklist
	Answers        []Answer
	Photos         []Photo
	Rectifications []Rectification
	Key            string // the client's idempotency key, "" for none
}

// Owner is the owner the visit form suggests for a rectification: the enterprise
// itself, through its legal representative when the registry names one.
func Owner(e registry.Enterprise) string {
	if e.LegalRep != "" {
		return e.Name + "（" + e.LegalRep + "）"
	}
	return e.Name
}

// DueDate is the due date the visit form suggests for a failure found at visitedAt:
// the visit's day (Asia/Shanghai) plus the item's due days.
func DueDate(visitedAt time.Time, dueDays int) string {
	return visitedAt.In(fugong.Location).AddDate(0, 0, dueDays).Format(DateLayout)
}

// visitDay is the start of t's day in Asia/Shanghai.
func visitDay(t time.Time) time.Time {
	y, m, d := t.In(fugong.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, fugong.Location)
}

// DateLayout is how days are written.
const DateLayout = "2006-01-02"

// Plan builds what a valid visit stores: the answers in the checklist's
// order, the count of failures and one open rectification per failed item,
// with the owner and due date the inspector chose (Normalize requires
// them).
func Plan(e registry.Enterprise, c Checklist, in VisitInput, at time.Time, photos []Photo) NewVisit {
	byItem := map[int64]AnswerInput{}
	for _, a := range in.Answers {
		byItem[a.ItemID] = a
	}
	v := NewVisit{Checklist: c, Photos: photos, Summary: VisitSummary{Enterprise: e.USCC, EnterpriseName: e.Name,
		Town: e.Town, TownName: e.TownName, ChecklistID: c.ID, ChecklistName: c.Name, ChecklistVersion: c.Version,
		VisitedAt: at, Inspectors: in.Inspectors, Findings: in.Findings}}
	for _, it := range c.Items {
		a := byItem[it.ID]
		v.Answers = append(v.Answers, Answer{ItemID: it.ID, Text: it.Text, Result: a.Result, Note: a.Note, Photos: []PhotoRef{}})
		if a.Result == ResultFail {
			v.Summary.Failed++
			v.Rectifications = append(v.Rectifications, Rectification{Enterprise: e.USCC, EnterpriseName: e.Name,
				Town: e.Town, TownName: e.TownName, ItemID: it.ID, ItemText: it.Text, ChecklistName: c.Name,
				Problem: a.Note, Owner: a.Owner, DueDate: a.DueDate, Status: StatusOpen})
		}
	}
	return v
}

// CanRecord reports whether the actor records visits of an enterprise
// already read in their scope: the inspection group (检查督导组), the admin,
// the town and the paired cadre.
func CanRecord(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleTown, fugong.RoleCadre:
		return true
	}
	return a.WritesFor(fugong.GroupInspection)
}

// CanSee reports whether the inspections concern the actor at all: every
// role with enterprises in scope.
func CanSee(a fugong.Actor) bool { return a.Role != fugong.RoleCheckpoint }
