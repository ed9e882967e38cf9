package supplies

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// Stock is an enterprise's supplies as recorded, with its staff on post.
type Stock struct {
	USCC     string
	Name     string
	Town     string
	TownName string
	Active   bool
	// Declared is false until a stock is first recorded (by a declaration
	// or an allocation); the quantities are then zero and unknown.
	Declared bool
	Quantities
	StaffOnPost int
	UpdatedAt   time.Time
	UpdatedBy   string
}

// Change sources: the enterprise's own count, or an allocation received.
const (
	SourceDeclare    = "declare"
	SourceAllocation = "allocation"
)

// SourceNames are the Chinese names of the change sources.
var SourceNames = map[string]string{SourceDeclare: "申报", SourceAllocation: "物资组调拨"}

// Change is one entry of an enterprise's stock history.
type Change struct {
	ID           int64
	USCC         string
	At           time.Time
	By           string
	Source       string
	AllocationID int64 // of an allocation; 0 for a declaration
	Note         string
	Before       *Quantities // nil for the first record
	After        Quantities
}

// MarshalJSON writes the change with before and after in the items' units.
func (c Change) MarshalJSON() ([]byte, error) {
	var alloc *int64
	if c.AllocationID != 0 {
		alloc = &c.AllocationID
	}
	return json.Marshal(struct {
		ID           int64       `json:"id"`
		USCC         string      `json:"uscc"`
		At           time.Time   `json:"at"`
		By           string      `json:"by"`
		Source       string      `json:"source"`
		AllocationID *int64      `json:"allocation_id"`
		Note         string      `json:"note"`
		Before       *Quantities `json:"before"`
		After        Quantities  `json:"after"`
	}{c.ID, c.USCC, c.At, c.By, c.Source, alloc, c.Note, c.Before, c.After})
}

// Shortage is a line of the shortage list: an enterprise whose masks last
// fewer than the threshold's days.
type Shortage struct {
	USCC        string    `json:"uscc"`
	Name        string    `json:"name"`
	Town        string    `json:"town"`
	TownName    string    `json:"town_name"`
	DaysOfCover float64   `json:"days_of_cover"`
	Masks       int64     `json:"masks"`
	DailyUse    float64   `json:"daily_use"`
	StaffOnPost int       `json:"staff_on_post"`
	Need        int64     `json:"need"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Undeclared is an enterprise with staff on post and no stock recorded.
type Undeclared struct {
	USCC         string `json:"uscc"`
	Name         string `json:"name"`
	Town         string `json:"town"`
	TownName     string `json:"town_name"`
	StaffOnPost  int    `json:"staff_on_post"`
	LegalRep     string `json:"legal_rep"`
	ContactPhone string `json:"contact_phone"`
}

// TownCount is one town's supplies at a glance, of the enterprises in scope.
type TownCount struct {
	Town        string  `json:"town"`
	Name        string  `json:"name"`
	Enterprises int     `json:"enterprises"` // active ones
	Declared    int     `json:"declared"`
	Undeclared  int     `json:"undeclared"` // staff on post, no stock recorded
	Shortages   int     `json:"shortages"`
	Masks       int64   `json:"masks"`
	StaffOnPost int     `json:"staff_on_post"` // of the declared ones
	DailyUse    float64 `json:"daily_use"`     // masks, of the declared ones
	// DaysOfCover is of all the declared masks for all their staff; nil
	// when nobody is on post.
	DaysOfCover *float64 `json:"days_of_cover"`
}

// Add adds another town's counts (for the city's line).
func (c *TownCount) Add(o TownCount) {
	c.Enterprises += o.Enterprises
	c.Declared += o.Declared
	c.Undeclared += o.Undeclared
	c.Shortages += o.Shortages
	c.Masks += o.Masks
	c.StaffOnPost += o.StaffOnPost
}

// Donor is an enterprise with a surplus of an item.
type Donor struct {
	USCC         string   `json:"uscc"`
	Name         string   `json:"name"`
	Town         string   `json:"town"`
	TownName     string   `json:"town_name"`
	ContactPhone string   `json:"contact_phone"`
	Nearness     string   `json:"nearness"`
	StaffOnPost  int      `json:"staff_on_post"`
	Stock        float64  `json:"stock"` // in the item's unit
	DaysOfCover  *float64 `json:"days_of_cover"`
	Spare        float64  `json:"spare"`
	// Stored is the stock in stored units, as the store reads it.
	Stored int64 `json:"-"`
}

// Receipt is stock coming into the bureau's own store.
type Receipt struct {
	ID       int64
	Item     Item
	Quantity int64 // stored units
	Source   string
	Note     string
	By       string
	At       time.Time
}

// MarshalJSON writes the quantity in the item's unit.
func (r Receipt) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID       int64     `json:"id"`
		Item     Item      `json:"item"`
		ItemName string    `json:"item_name"`
		Unit     string    `json:"unit"`
		Quantity float64   `json:"quantity"`
		Source   string    `json:"source"`
		Note     string    `json:"note"`
		By       string    `json:"by"`
		At       time.Time `json:"at"`
	}{r.ID, r.Item, r.Item.Name(), r.Item.Unit(), Amount(r.Item, r.Quantity), r.Source, r.Note, r.By, r.At})
}

// QuantityText is the quantity with its unit, as the UI shows it.
func (r Receipt) QuantityText() string { return Format(r.Item, r.Quantity) + r.Item.Unit() }

// Allocation is stock the supplies group gives an enterprise from the
// bureau's store.
type Allocation struct {
	ID             int64
	Enterprise     string
	EnterpriseName string
	Town           string
	TownName       string
	Item           Item
	Quantity       int64 // stored units
	Note           string
	By             string
	At             time.Time
	// After an allocation: what the bureau has left and what the
	// enterprise now holds of the item, in stored units.
	BureauLeft      *int64
	EnterpriseStock *int64
}

// QuantityText is the quantity with its unit, as the UI shows it.
func (a Allocation) QuantityText() string { return Format(a.Item, a.Quantity) + a.Item.Unit() }

// MarshalJSON writes the quantities in the item's unit.
func (a Allocation) MarshalJSON() ([]byte, error) {
	amount := func(p *int64) *float64 {
		if p == nil {
			return nil
		}
		v := Amount(a.Item, *p)
		return &v
	}
	return json.Marshal(struct {
		ID              int64     `json:"id"`
		Enterprise      string    `json:"enterprise"`
		EnterpriseName  string    `json:"enterprise_name"`
		Town            string    `json:"town"`
		TownName        string    `json:"town_name"`
		Item            Item      `json:"item"`
		ItemName        string    `json:"item_name"`
		Unit            string    `json:"unit"`
		Quantity        float64   `json:"quantity"`
		Note            string    `json:"note"`
		By              string    `json:"by"`
		At              time.Time `json:"at"`
		BureauLeft      *float64  `json:"bureau_remaining,omitempty"`
		EnterpriseStock *float64  `json:"enterprise_stock,omitempty"`
	}{a.ID, a.Enterprise, a.EnterpriseName, a.Town, a.TownName, a.Item, a.Item.Name(), a.Item.Unit(),
		Amount(a.Item, a.Quantity), a.Note, a.By, a.At, amount(a.BureauLeft), amount(a.EnterpriseStock)})
}

// Text limits.
const (
	MaxNoteRunes   = 500
	MaxSourceRunes = 100
)

// Movement is a receipt or an allocation as typed: the item's API name
// and a quantity in its unit.
type Movement struct {
	Item     string
	Quantity *float64
	Note     string
	// Source is a receipt's; Enterprise an allocation's.
	Source     string
	Enterprise string
}

// normalize checks the item and quantity (a positive amount) and the note.
func (m *Movement) normalize() (Item, int64, []fugong.Problem) {
	var ps []fugong.Problem
	item, ok := ParseItem(strings.TrimSpace(m.Item))
	if !ok {
		ps = append(ps, fugong.Problem{Field: "item", Message: "物资种类应为 masks、thermometers、disinfectant_l、suits、gloves 之一"})
	}
	var n int64
	switch {
	case m.Quantity == nil:
		ps = append(ps, fugong.Problem{Field: "quantity", Message: "请填写数量"})
	case ok:
		var msg string
		if n, msg = Stored(item, *m.Quantity); msg != "" {
			ps = append(ps, fugong.Problem{Field: "quantity", Message: "数量" + msg})
		} else if n == 0 {
			ps = append(ps, fugong.Problem{Field: "quantity", Message: "数量应大于 0"})
		}
	}
	var msg string
	if m.Note, msg = CleanText(m.Note, MaxNoteRunes); msg != "" {
		ps = append(ps, fugong.Problem{Field: "note", Message: "备注" + msg})
	}
	return item, n, ps
}

// Receipt checks a receipt: a known item, a positive quantity, where it
// came from.
func (m Movement) Receipt() (Receipt, error) {
	item, n, ps := m.normalize()
	src, msg := CleanText(m.Source, MaxSourceRunes)
	switch {
	case msg != "":
		ps = append(ps, fugong.Problem{Field: "source", Message: "来源" + msg})
	case src == "":
		ps = append(ps, fugong.Problem{Field: "source", Message: "请填写来源，如“市防控指挥部调拨”"})
	}
	return Receipt{Item: item, Quantity: n, Source: src, Note: m.Note}, fugong.Invalid(ps)
}

// Allocation checks an allocation: an enterprise, a known item, a positive
// quantity.
func (m Movement) Allocation() (Allocation, error) {
	item, n, ps := m.normalize()
	ent := strings.TrimSpace(m.Enterprise)
	if ent == "" {
		ps = append([]fugong.Problem{{Field: "enterprise", Message: "请填写调拨对象企业的统一社会信用代码"}}, ps...)
	}
	return Allocation{Enterprise: ent, Item: item, Quantity: n, Note: m.Note}, fugong.Invalid(ps)
}

// CleanText trims s and checks it is valid text of at most limit characters.
func CleanText(s string, limit int) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return s, "含有无效字符"
	case utf8.RuneCountInString(s) > limit:
		return s, "不能超过" + strconv.Itoa(limit) + "个字"
	}
	return s, ""
}
