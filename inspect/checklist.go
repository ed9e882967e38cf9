// Package inspect holds the inspections of M3 (督导): the versioned
// checklist templates (the four 六必 lists of the report), the visits that
// answer them item by item, and the rectifications (整改) every failed item
// opens, with the workflow that moves them to verified.
package inspect

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// Item is one question of a checklist version.
type Item struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
	Sort int    `json:"sort"`
	// DueDays is how long the enterprise has to rectify a failure of the
	// item, counted from the visit's day.
	DueDays int `json:"due_days"`
}

// Checklist is one version of a template. A revision of a template already
// answered by a visit is a new Checklist (same name, version+1), so a
// recorded visit always shows the questions it answered.
type Checklist struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	Current   bool      `json:"current"`
	Items     []Item    `json:"items"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Item returns the checklist's item id.
func (c Checklist) Item(id int64) (Item, bool) {
	for _, it := range c.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Limits of a template.
const (
	DefaultDueDays = 3
	MaxDueDays     = 90
	MaxItems       = 50
	MaxNameRunes   = 50
	MaxItemRunes   = 200
)

// ItemInput is an item as the admin writes it; ID is set to keep an
// existing item (and its id) in a revision.
type ItemInput struct {
	ID      int64  `json:"id,omitempty"`
	Text    string `json:"text"`
	DueDays int    `json:"due_days,omitempty"`
}

// ChecklistInput is a new template.
type ChecklistInput struct {
	Name  string      `json:"name"`
	Items []ItemInput `json:"items"`
}

// Normalize trims the template and returns the rules it breaks.
func (in *ChecklistInput) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	in.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(in.Name); {
	case !utf8.ValidString(in.Name):
		ps = append(ps, fugong.Problem{Field: "name", Message: "检查表名称含有无效字符"})
	case n == 0:
		ps = append(ps, fugong.Problem{Field: "name", Message: "请填写检查表名称"})
	case n > MaxNameRunes:
		ps = append(ps, fugong.Problem{Field: "name", Message: "检查表名称不能超过" + strconv.Itoa(MaxNameRunes) + "个字"})
	}
	return append(ps, NormalizeItems(in.Items)...)
}

// NormalizeItems trims a template's items, fills in the default due days
// and returns the rules they break: at least one item, at most MaxItems,
// each with a text of its own and a due time of 1 to MaxDueDays days.
func NormalizeItems(items []ItemInput) []fugong.Problem {
	var ps []fugong.Problem
	switch {
	case len(items) == 0:
		return []fugong.Problem{{Field: "items", Message: "检查表至少要有一个检查项"}}
	case len(items) > MaxItems:
		return []fugong.Problem{{Field: "items", Message: "检查项不能超过" + strconv.Itoa(MaxItems) + "个"}}
	}
	texts := map[string]int{}
	ids := map[int64]int{}
	for i := range items {
		it := &items[i]
		at := "items[" + strconv.Itoa(i) + "]"
		it.Text = strings.TrimSpace(it.Text)
		switch n := utf8.RuneCountInString(it.Text); {
		case !utf8.ValidString(it.Text):
			ps = append(ps, fugong.Problem{Field: at + ".text", Message: "检查项含有无效字符"})
		case n == 0:
			ps = append(ps, fugong.Problem{Field: at + ".text", Message: "请填写检查项内容"})
		case n > MaxItemRunes:
			ps = append(ps, fugong.Problem{Field: at + ".text", Message: "检查项不能超过" + strconv.Itoa(MaxItemRunes) + "个字"})
		default:
			if j, dup := texts[it.Text]; dup {
				ps = append(ps, fugong.Problem{Field: at + ".text", Message: "与第" + strconv.Itoa(j+1) + "项重复"})
			} else {
				texts[it.Text] = i
			}
		}
		if it.DueDays == 0 {
			it.DueDays = DefaultDueDays
		}
		if it.DueDays < 1 || it.DueDays > MaxDueDays {
			ps = append(ps, fugong.Problem{Field: at + ".due_days", Message: "整改期限应为1至" + strconv.Itoa(MaxDueDays) + "天"})
		}
		if it.ID < 0 {
			ps = append(ps, fugong.Problem{Field: at + ".id", Message: "检查项编号无效"})
		} else if it.ID > 0 {
			if j, dup := ids[it.ID]; dup {
				ps = append(ps, fugong.Problem{Field: at + ".id", Message: "与第" + strconv.Itoa(j+1) + "项是同一检查项"})
			} else {
				ids[it.ID] = i
			}
		}
	}
	return ps
}

// CheckRevision returns the rules a revision of c breaks beyond its items'
// own: an item kept must be one of c's.
func CheckRevision(c Checklist, items []ItemInput) []fugong.Problem {
	var ps []fugong.Problem
	for i, it := range items {
		if _, ok := c.Item(it.ID); it.ID > 0 && !ok {
			ps = append(ps, fugong.Problem{Field: "items[" + strconv.Itoa(i) + "].id", Message: "不是该检查表的检查项"})
		}
	}
	return ps
}

// Unchanged reports whether items say what c's items already say, in the
// same order: such a revision stores nothing.
func Unchanged(c Checklist, items []ItemInput) bool {
	if len(items) != len(c.Items) {
		return false
	}
	for i, it := range items {
		old := c.Items[i]
		if it.ID != old.ID || it.Text != old.Text || it.DueDays != old.DueDays {
			return false
		}
	}
	return true
}

// CanEditChecklists reports whether the actor writes the templates: the
// admin only, so every inspector answers the same questions.
func CanEditChecklists(a fugong.Actor) bool { return a.Role == fugong.RoleAdmin }
