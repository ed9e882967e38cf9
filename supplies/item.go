// Package supplies holds the epidemic supplies module (M6, 防疫物资): each
// enterprise's stock of masks, thermometers, disinfectant, protective suits
// and gloves; daily use from the staff on post and the days of cover it
// gives; the shortage list below a threshold; the bureau supplies group's own
// stock, its receipts and its allocations to enterprises; and matching an
// enterprise short of an item with enterprises holding a surplus of it.
package supplies

import (
	"encoding/json"
	"math"
	"strconv"

	"fugong"
)

// Item is one kind of supply. Its value is the field name in the API.
type Item string

const (
	Masks        Item = "masks"
	Thermometers Item = "thermometers"
	Disinfectant Item = "disinfectant_l"
	Suits        Item = "suits"
	Gloves       Item = "gloves"
)

// Items lists the supplies in form order.
var Items = []Item{Masks, Thermometers, Disinfectant, Suits, Gloves}

type itemInfo struct {
	name, unit string
	// scale is how many stored units make one unit of the item: disinfectant
	// is kept in decilitres, so that 0.1 L receipts and allocations add up
	// exactly; everything else is counted in whole pieces.
	scale int64
	// consumed items are used up every day and have days of cover;
	// thermometers and suits are kept, not worn out daily (see Settings).
	consumed bool
}

var infos = map[Item]itemInfo{
	Masks:        {"口罩", "只", 1, true},
	Thermometers: {"体温计", "支", 1, false},
	Disinfectant: {"消毒液", "升", 10, true},
	Suits:        {"防护服", "套", 1, false},
	Gloves:       {"手套", "副", 1, true},
}

// ParseItem returns the item named s (its API name).
func ParseItem(s string) (Item, bool) {
	_, ok := infos[Item(s)]
	return Item(s), ok
}

// Name is the item's Chinese name.
func (i Item) Name() string { return infos[i].name }

// Unit is the Chinese unit quantities of the item are counted in.
func (i Item) Unit() string { return infos[i].unit }

// Consumed reports whether the item is used up daily and has days of cover.
func (i Item) Consumed() bool { return infos[i].consumed }

// Label is the item's name with its unit, for form labels and headers.
func (i Item) Label() string { return i.Name() + "（" + i.Unit() + "）" }

// MaxAmount bounds a quantity in the item's unit: ten million masks is more
// than the whole city used in a week, so more is a typing error.
const MaxAmount = 10_000_000

// MaxBureauAmount bounds the bureau's own stock of an item, in its unit.
const MaxBureauAmount = 1_000_000_000

// Limit is the most an enterprise may hold of an item, in stored units.
func Limit(i Item) int64 { return MaxAmount * infos[i].scale }

// BureauLimit is the most the bureau may hold of an item, in stored units.
func BureauLimit(i Item) int64 { return MaxBureauAmount * infos[i].scale }

// Stored converts a quantity in the item's unit to stored units. The
// message says what is wrong with it, "" when nothing is; it follows the
// item's name ("口罩数量不能为负数").
func Stored(item Item, v float64) (int64, string) {
	scale := infos[item].scale
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, "不是有效的数字"
	case v < 0:
		return 0, "不能为负数"
	case v > MaxAmount:
		return 0, "超出合理范围（不超过" + strconv.Itoa(MaxAmount) + item.Unit() + "）"
	}
	n := math.Round(v * float64(scale))
	if math.Abs(n-v*float64(scale)) > 1e-6 {
		if scale == 1 {
			return 0, "应为整数"
		}
		return 0, "最多保留一位小数"
	}
	return int64(n), ""
}

// Amount converts stored units back to the item's unit.
func Amount(item Item, stored int64) float64 {
	scale := infos[item].scale
	if scale == 1 {
		return float64(stored)
	}
	return float64(stored) / float64(scale)
}

// AmountOf converts a fractional amount in stored units (a daily use) to
// the item's unit.
func AmountOf(item Item, stored float64) float64 { return stored / float64(infos[item].scale) }

// Format writes a quantity in the item's unit as the UI shows it.
func Format(item Item, stored int64) string {
	return strconv.FormatFloat(Amount(item, stored), 'f', -1, 64)
}

// Quantities are an amount of every item, in stored units (disinfectant in
// decilitres). In JSON they are in the items' units.
type Quantities struct {
	Masks, Thermometers, Disinfectant, Suits, Gloves int64
}

func (q *Quantities) ptr(i Item) *int64 {
	switch i {
	case Masks:
		return &q.Masks
	case Thermometers:
		return &q.Thermometers
	case Disinfectant:
		return &q.Disinfectant
	case Suits:
		return &q.Suits
	case Gloves:
		return &q.Gloves
	}
	panic("supplies: unknown item " + string(i))
}

// Get returns the stored amount of an item.
func (q Quantities) Get(i Item) int64 { return *q.ptr(i) }

// Set changes the stored amount of an item.
func (q *Quantities) Set(i Item, v int64) { *q.ptr(i) = v }

// MarshalJSON writes every item under its API name, in the item's unit.
func (q Quantities) MarshalJSON() ([]byte, error) {
	m := make(map[string]float64, len(Items))
	for _, i := range Items {
		m[string(i)] = Amount(i, q.Get(i))
	}
	return json.Marshal(m)
}

// Declared reads a declaration of stock: every item is required (a field
// left out must not be stored as a zero nobody counted), a number in the
// item's unit. It returns every problem, one per item, in form order.
func Declared(values map[Item]*float64) (Quantities, []fugong.Problem) {
	var q Quantities
	var ps []fugong.Problem
	for _, i := range Items {
		v := values[i]
		if v == nil {
			ps = append(ps, fugong.Problem{Field: string(i), Message: "请填写" + i.Name() + "数量，没有请填 0"})
			continue
		}
		n, msg := Stored(i, *v)
		if msg != "" {
			ps = append(ps, fugong.Problem{Field: string(i), Message: i.Name() + "数量" + msg})
			continue
		}
		q.Set(i, n)
	}
	return q, ps
}

// terms are the words people write for each item, in tickets and notes.
var terms = map[string]Item{
	"口罩": Masks, "医用口罩": Masks, "N95": Masks,
	"手套": Gloves, "丁腈手套": Gloves,
	"消毒液": Disinfectant, "84消毒液": Disinfectant, "次氯酸钠": Disinfectant, "酒精": Disinfectant,
	"额温枪": Thermometers, "体温计": Thermometers, "测温仪": Thermometers,
	"防护服": Suits, "隔离衣": Suits,
}

// ItemFor returns the item a word names ("医用口罩" is masks).
func ItemFor(term string) (Item, bool) {
	i, ok := terms[term]
	return i, ok
}
